//! AUTOMATIC1111 / Forge: `POST {base}/sdapi/v1/txt2img`, base64 PNGs back in `images`. A key, when given, is sent
//! as HTTP basic auth (`user:password`, as `--api-auth` takes it); `/sdapi/v1/interrupt` cancels.

use base64::Engine as _;
use serde_json::json;

use super::{
    decode_base64, parse_json, status_error, ImageSpec, Next, ProviderConfig, ProviderFlow,
};
use crate::error::ProviderError;
use crate::http::{join_url, HttpRequest, HttpResponse, Method};

pub(crate) struct Flow {
    request: HttpRequest,
    interrupt: HttpRequest,
}

impl Flow {
    pub fn new(config: &ProviderConfig, spec: &ImageSpec, key: Option<String>) -> Self {
        let mut body = json!({
            "prompt": spec.prompt,
            "negative_prompt": spec.negative_prompt.clone().unwrap_or_default(),
            "width": spec.width,
            "height": spec.height,
            "steps": 25,
            "cfg_scale": 7,
            "sampler_name": "Euler a",
            "seed": spec.seed,
            "batch_size": 1,
            "n_iter": 1,
        });
        if let Some(model) = &config.model {
            body["override_settings"] = json!({ "sd_model_checkpoint": model });
        }
        let auth = |request: HttpRequest| match &key {
            Some(key) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(key.as_bytes());
                request.header("Authorization", &format!("Basic {encoded}"))
            }
            None => request,
        };
        let request = auth(HttpRequest::json(
            Method::Post,
            join_url(&config.base_url, "sdapi/v1/txt2img"),
            &body,
        ));
        let interrupt = auth(HttpRequest::json(
            Method::Post,
            join_url(&config.base_url, "sdapi/v1/interrupt"),
            &json!({}),
        ));
        Flow { request, interrupt }
    }
}

impl ProviderFlow for Flow {
    fn start(&mut self) -> HttpRequest {
        self.request.clone()
    }

    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        if !response.is_success() {
            return Err(status_error(&response));
        }
        let json = parse_json(&response)?;
        let first = json
            .pointer("/images/0")
            .and_then(|v| v.as_str())
            .ok_or_else(|| ProviderError::malformed("no images[0] in the answer"))?;
        Ok(Next::Image(decode_base64(first)?))
    }

    fn cancel(&self) -> Vec<HttpRequest> {
        vec![self.interrupt.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::ApiKind;
    use super::*;

    #[test]
    fn builds_txt2img_and_reads_the_first_image() {
        let mut cfg = config(ApiKind::A1111, Some("user:pw"));
        cfg.model = Some("dreamshaper_8".into());
        let mut flow = Flow::new(&cfg, &spec(), cfg.api_key.clone());
        let request = flow.start();
        assert_eq!(request.url, "http://fake/base/sdapi/v1/txt2img");
        assert_eq!(
            request.header_value("authorization"),
            Some("Basic dXNlcjpwdw==")
        );
        let body = body_json(&request);
        assert_eq!(body["negative_prompt"], "blurry");
        assert_eq!(
            body["override_settings"]["sd_model_checkpoint"],
            "dreamshaper_8"
        );
        let answer = json_response(200, json!({"images": ["aGk="], "info": "{}"}));
        assert!(matches!(flow.on_response(answer), Ok(Next::Image(b)) if b == b"hi"));
        assert!(flow.cancel()[0].url.ends_with("/sdapi/v1/interrupt"));
    }

    #[test]
    fn missing_images_is_malformed() {
        let mut flow = Flow::new(&config(ApiKind::A1111, None), &spec(), None);
        flow.start();
        assert!(matches!(
            flow.on_response(json_response(200, json!({}))),
            Err(ProviderError::Malformed { .. })
        ));
    }
}
