//! OpenAI Images: `POST {base}/images/generations`, one image as `b64_json` (a URL answer from a gateway is
//! fetched). Its safety refusals come back as a 400 with code `content_policy_violation` or `moderation_blocked`.
//! Also the moderation endpoint, which the job asks first when an OpenAI key is configured.

use serde_json::json;

use super::{
    bearer, decode_base64, parse_json, status_error, ImageSpec, Next, ProviderConfig, ProviderFlow,
};
use crate::error::ProviderError;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};

const DEFAULT_MODEL: &str = "gpt-image-1";

pub(crate) struct Flow {
    request: HttpRequest,
}

impl Flow {
    pub fn new(config: &ProviderConfig, spec: &ImageSpec, key: String) -> Self {
        let model = config.model.as_deref().unwrap_or(DEFAULT_MODEL);
        let mut body = json!({
            "model": model,
            "prompt": spec.prompt,
            "n": 1,
            "size": format!("{}x{}", spec.width, spec.height),
        });
        // The gpt-image models always answer in base64 and reject the parameter; DALL·E needs it asked for.
        if !model.starts_with("gpt-image") {
            body["response_format"] = json!("b64_json");
        }
        let url = join_url(&config.base_url, "images/generations");
        Flow {
            request: bearer(HttpRequest::json(Method::Post, url, &body), Some(&key)),
        }
    }
}

impl ProviderFlow for Flow {
    fn start(&mut self) -> HttpRequest {
        self.request.clone()
    }

    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        if !response.is_success() {
            return Err(refusal(&response).unwrap_or_else(|| status_error(&response)));
        }
        // A second GET of a `url` answer comes back as the image itself.
        if !response.body.starts_with(b"{") {
            return Ok(Next::Image(response.body));
        }
        let json = parse_json(&response)?;
        let first = json
            .pointer("/data/0")
            .ok_or_else(|| ProviderError::malformed("no data[0] in the answer"))?;
        if let Some(b64) = first.get("b64_json").and_then(|v| v.as_str()) {
            return Ok(Next::Image(decode_base64(b64)?));
        }
        match first.get("url").and_then(|v| v.as_str()) {
            Some(url) => Ok(Next::Send(HttpRequest::get(url.to_string()))),
            None => Err(ProviderError::malformed(
                "data[0] has neither b64_json nor url",
            )),
        }
    }
}

fn refusal(response: &HttpResponse) -> Option<ProviderError> {
    let json: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    let code = json.pointer("/error/code").and_then(|v| v.as_str())?;
    matches!(code, "content_policy_violation" | "moderation_blocked").then(|| {
        ProviderError::ContentFiltered {
            detail: json
                .pointer("/error/message")
                .and_then(|v| v.as_str())
                .unwrap_or(code)
                .to_string(),
        }
    })
}

/// The moderation endpoint's verdict on a prompt, reduced to what a PF2e table cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModerationVerdict {
    Passed,
    Flagged { categories: Vec<String> },
}

/// Categories that block. Violence and graphic violence are left out on purpose: a fantasy table's battles and
/// monsters trip them constantly, and our own prompt filter already handles the extreme end.
const BLOCKING_CATEGORIES: &[&str] = &[
    "sexual",
    "sexual/minors",
    "hate",
    "hate/threatening",
    "harassment/threatening",
    "self-harm/intent",
    "self-harm/instructions",
];

pub fn moderation_request(base_url: &str, key: &str, prompt: &str) -> HttpRequest {
    let body = json!({ "model": "omni-moderation-latest", "input": prompt });
    bearer(
        HttpRequest::json(Method::Post, join_url(base_url, "moderations"), &body),
        Some(key),
    )
}

pub fn read_moderation(response: &HttpResponse) -> Result<ModerationVerdict, ProviderError> {
    if !response.is_success() {
        return Err(status_error(response));
    }
    let json = parse_json(response)?;
    let categories = json
        .pointer("/results/0/categories")
        .and_then(|v| v.as_object())
        .ok_or_else(|| {
            ProviderError::malformed("no results[0].categories in the moderation answer")
        })?;
    let flagged: Vec<String> = BLOCKING_CATEGORIES
        .iter()
        .filter(|name| categories.get(**name).and_then(|v| v.as_bool()) == Some(true))
        .map(|name| name.to_string())
        .collect();
    Ok(if flagged.is_empty() {
        ModerationVerdict::Passed
    } else {
        ModerationVerdict::Flagged {
            categories: flagged,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::ApiKind;
    use super::*;

    #[test]
    fn builds_a_generation_request_and_reads_base64() {
        let mut flow = Flow::new(&config(ApiKind::Openai, Some("k")), &spec(), "k".into());
        let request = flow.start();
        assert_eq!(request.url, "http://fake/base/images/generations");
        assert_eq!(request.header_value("authorization"), Some("Bearer k"));
        let body = body_json(&request);
        assert_eq!(body["size"], "512x512");
        assert_eq!(body["model"], "gpt-image-1");
        assert!(body.get("response_format").is_none());
        let answer = json_response(200, json!({"data": [{"b64_json": "aGVsbG8="}]}));
        assert!(matches!(flow.on_response(answer), Ok(Next::Image(bytes)) if bytes == b"hello"));
    }

    #[test]
    fn dalle_asks_for_base64_and_a_url_answer_is_fetched() {
        let mut cfg = config(ApiKind::Openai, Some("k"));
        cfg.model = Some("dall-e-3".into());
        let mut flow = Flow::new(&cfg, &spec(), "k".into());
        assert_eq!(body_json(&flow.start())["response_format"], "b64_json");
        let answer = json_response(200, json!({"data": [{"url": "https://cdn/x.png"}]}));
        assert!(
            matches!(flow.on_response(answer), Ok(Next::Send(r)) if r.url == "https://cdn/x.png")
        );
        assert!(matches!(
            flow.on_response(HttpResponse::new(200, vec![0x89, b'P'])),
            Ok(Next::Image(_))
        ));
    }

    #[test]
    fn policy_refusal_is_a_content_filter_result() {
        let mut flow = Flow::new(&config(ApiKind::Openai, Some("k")), &spec(), "k".into());
        let refusal = json_response(
            400,
            json!({"error": {"code": "content_policy_violation", "message": "no"}}),
        );
        assert!(matches!(
            flow.on_response(refusal),
            Err(ProviderError::ContentFiltered { .. })
        ));
        let other = json_response(
            400,
            json!({"error": {"code": "invalid_size", "message": "bad size"}}),
        );
        assert!(
            matches!(flow.on_response(other), Err(ProviderError::Status { status: 400, message, .. }) if message == "bad size")
        );
    }

    #[test]
    fn moderation_blocks_sexual_but_not_violence() {
        let answer = |categories| {
            json_response(
                200,
                json!({"results": [{"flagged": true, "categories": categories}]}),
            )
        };
        let violent = answer(json!({"violence": true, "violence/graphic": true, "sexual": false}));
        assert_eq!(read_moderation(&violent), Ok(ModerationVerdict::Passed));
        let sexual = answer(json!({"sexual": true, "violence": false}));
        assert_eq!(
            read_moderation(&sexual),
            Ok(ModerationVerdict::Flagged {
                categories: vec!["sexual".into()]
            })
        );
        let request = moderation_request("https://api.openai.com/v1", "k", "p");
        assert_eq!(request.url, "https://api.openai.com/v1/moderations");
    }
}
