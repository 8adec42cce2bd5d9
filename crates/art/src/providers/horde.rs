//! AI Horde, asynchronous: submit `POST /v2/generate/async`, poll `GET /v2/generate/check/{id}` until done, read
//! `GET /v2/generate/status/{id}`, then fetch the image (an R2 URL, or base64 WebP inline). The anonymous key
//! works; `nsfw: false` and `censor_nsfw: true` are always sent, and a `censored` generation is a filter result.

use serde_json::json;

use super::{
    decode_base64, parse_json, status_error, ImageSpec, Next, ProviderConfig, ProviderFlow,
};
use crate::error::ProviderError;
use crate::http::{join_url, HttpRequest, HttpResponse, Method, Millis};

pub const ANONYMOUS_KEY: &str = "0000000000";
const CLIENT_AGENT: &str = concat!(
    "familiar:",
    env!("CARGO_PKG_VERSION"),
    ":github.com/familiar-vtt/familiar"
);

enum Stage {
    Submit,
    Check,
    Status,
    Fetch,
}

pub(crate) struct Flow {
    base_url: String,
    key: String,
    body: serde_json::Value,
    poll_interval_ms: Millis,
    id: Option<String>,
    stage: Stage,
}

impl Flow {
    pub fn new(
        config: &ProviderConfig,
        spec: &ImageSpec,
        key: Option<String>,
        poll_interval_ms: Millis,
    ) -> Self {
        // The Horde takes the negative prompt after a `###` separator.
        let prompt = match spec.negative_prompt.as_deref().filter(|n| !n.is_empty()) {
            Some(negative) => format!("{} ### {negative}", spec.prompt),
            None => spec.prompt.clone(),
        };
        let mut body = json!({
            "prompt": prompt,
            "params": {
                "width": spec.width,
                "height": spec.height,
                "steps": 25,
                "cfg_scale": 7,
                "sampler_name": "k_euler_a",
                "seed": spec.seed.to_string(),
                "n": 1,
            },
            "nsfw": false,
            "censor_nsfw": true,
            "r2": true,
        });
        if let Some(model) = &config.model {
            body["models"] = json!([model]);
        }
        Flow {
            base_url: config.base_url.clone(),
            key: key.unwrap_or_else(|| ANONYMOUS_KEY.to_string()),
            body,
            poll_interval_ms,
            id: None,
            stage: Stage::Submit,
        }
    }

    fn request(&self, method: Method, path: &str) -> HttpRequest {
        let url = join_url(&self.base_url, path);
        let request = match method {
            Method::Post => HttpRequest::json(method, url, &self.body),
            _ => HttpRequest {
                method,
                url,
                headers: Vec::new(),
                body: Vec::new(),
            },
        };
        request
            .header("apikey", &self.key)
            .header("Client-Agent", CLIENT_AGENT)
    }

    fn check_request(&self, id: &str) -> HttpRequest {
        self.request(Method::Get, &format!("v2/generate/check/{id}"))
    }
}

impl ProviderFlow for Flow {
    fn start(&mut self) -> HttpRequest {
        self.stage = Stage::Submit;
        self.id = None;
        self.request(Method::Post, "v2/generate/async")
    }

    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        if !response.is_success() {
            return Err(status_error(&response));
        }
        match self.stage {
            Stage::Submit => {
                let json = parse_json(&response)?;
                let id = json
                    .get("id")
                    .and_then(|v| v.as_str())
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| ProviderError::malformed("no id in the submit answer"))?;
                self.id = Some(id.to_string());
                self.stage = Stage::Check;
                Ok(Next::Poll {
                    after_ms: self.poll_interval_ms,
                    request: self.check_request(id),
                })
            }
            Stage::Check => {
                let json = parse_json(&response)?;
                let flag = |name: &str| json.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
                let id = self.id.clone().unwrap_or_default();
                if flag("faulted") {
                    return Err(ProviderError::JobFailed {
                        detail: "the Horde reports the job faulted".into(),
                    });
                }
                if json.get("is_possible").and_then(|v| v.as_bool()) == Some(false) {
                    return Err(ProviderError::JobFailed {
                        detail: "no Horde worker can serve this request".into(),
                    });
                }
                if flag("done") {
                    self.stage = Stage::Status;
                    return Ok(Next::Send(
                        self.request(Method::Get, &format!("v2/generate/status/{id}")),
                    ));
                }
                Ok(Next::Poll {
                    after_ms: self.poll_interval_ms,
                    request: self.check_request(&id),
                })
            }
            Stage::Status => {
                let json = parse_json(&response)?;
                let generation = json.pointer("/generations/0").ok_or_else(|| {
                    ProviderError::malformed("no generations in the status answer")
                })?;
                if generation.get("censored").and_then(|v| v.as_bool()) == Some(true) {
                    return Err(ProviderError::ContentFiltered {
                        detail: "the Horde worker censored the image".into(),
                    });
                }
                let img = generation
                    .get("img")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| ProviderError::malformed("generation without img"))?;
                if img.starts_with("http://") || img.starts_with("https://") {
                    self.stage = Stage::Fetch;
                    Ok(Next::Send(HttpRequest::get(img.to_string())))
                } else {
                    Ok(Next::Image(decode_base64(img)?))
                }
            }
            Stage::Fetch => Ok(Next::Image(response.body)),
        }
    }

    fn cancel(&self) -> Vec<HttpRequest> {
        match (&self.id, &self.stage) {
            (Some(id), Stage::Check) => {
                vec![self.request(Method::Delete, &format!("v2/generate/status/{id}"))]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::ApiKind;
    use super::*;

    #[test]
    fn submits_with_the_anonymous_key_and_safety_flags() {
        let mut flow = Flow::new(&config(ApiKind::Horde, None), &spec(), None, 2000);
        let request = flow.start();
        assert_eq!(request.url, "http://fake/base/v2/generate/async");
        assert_eq!(request.header_value("apikey"), Some(ANONYMOUS_KEY));
        let body = body_json(&request);
        assert_eq!(body["nsfw"], false);
        assert_eq!(body["censor_nsfw"], true);
        assert_eq!(body["prompt"], "an orc with a bloody axe ### blurry");
    }

    #[test]
    fn polls_until_done_then_fetches_the_image() {
        let mut flow = Flow::new(
            &config(ApiKind::Horde, Some("key")),
            &spec(),
            Some("key".into()),
            1500,
        );
        flow.start();
        let next = flow
            .on_response(json_response(202, json!({"id": "abc"})))
            .unwrap();
        assert!(
            matches!(&next, Next::Poll { after_ms: 1500, request } if request.url.ends_with("/v2/generate/check/abc"))
        );
        assert_eq!(flow.cancel().len(), 1);
        let waiting = flow
            .on_response(json_response(
                200,
                json!({"done": false, "is_possible": true}),
            ))
            .unwrap();
        assert!(matches!(waiting, Next::Poll { .. }));
        let done = flow
            .on_response(json_response(200, json!({"done": true})))
            .unwrap();
        assert!(matches!(&done, Next::Send(r) if r.url.ends_with("/v2/generate/status/abc")));
        let status = json_response(
            200,
            json!({"generations": [{"img": "https://r2/x.webp", "censored": false}]}),
        );
        assert!(
            matches!(flow.on_response(status).unwrap(), Next::Send(r) if r.url == "https://r2/x.webp")
        );
        assert!(
            matches!(flow.on_response(HttpResponse::new(200, vec![9])).unwrap(), Next::Image(b) if b == [9])
        );
    }

    #[test]
    fn censored_and_faulted_generations_are_reported() {
        let mut flow = Flow::new(&config(ApiKind::Horde, None), &spec(), None, 10);
        flow.start();
        flow.on_response(json_response(202, json!({"id": "a"})))
            .unwrap();
        assert!(matches!(
            flow.on_response(json_response(200, json!({"faulted": true}))),
            Err(ProviderError::JobFailed { .. })
        ));
        flow.on_response(json_response(200, json!({"done": true})))
            .unwrap();
        let censored = json_response(
            200,
            json!({"generations": [{"img": "AAAA", "censored": true}]}),
        );
        assert!(matches!(
            flow.on_response(censored),
            Err(ProviderError::ContentFiltered { .. })
        ));
    }
}
