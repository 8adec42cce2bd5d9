//! Stability AI v2beta stable-image generate: a multipart form we build, image bytes back (`Accept: image/*`), and
//! the `finish-reason` header that says `CONTENT_FILTERED` when the output tripped its filter.
//! The model picks the endpoint: `core` (default), `ultra`, or an `sd3*` model on the `sd3` endpoint.

use super::{bearer, status_error, ImageSpec, Next, ProviderConfig, ProviderFlow};
use crate::error::ProviderError;
use crate::http::{join_url, HttpRequest, HttpResponse, Method, Multipart};

pub(crate) struct Flow {
    request: HttpRequest,
}

impl Flow {
    pub fn new(config: &ProviderConfig, spec: &ImageSpec, key: String, random: u64) -> Self {
        let model = config.model.as_deref().unwrap_or("core");
        let (endpoint, sd3_model) = match model {
            "core" | "ultra" => (model, None),
            other if other.starts_with("sd3") => ("sd3", Some(other)),
            other => (other, None),
        };
        let mut form = Multipart::new(random)
            .text("prompt", &spec.prompt)
            .text("aspect_ratio", aspect_ratio(spec.width, spec.height))
            .text("output_format", "png")
            .text("seed", &spec.seed.to_string());
        if let Some(negative) = spec.negative_prompt.as_deref().filter(|n| !n.is_empty()) {
            form = form.text("negative_prompt", negative);
        }
        if let Some(model) = sd3_model {
            form = form.text("model", model);
        }
        let (content_type, body) = form.finish();
        let url = join_url(
            &config.base_url,
            &format!("v2beta/stable-image/generate/{endpoint}"),
        );
        let request = HttpRequest {
            method: Method::Post,
            url,
            headers: Vec::new(),
            body,
        }
        .header("Content-Type", &content_type)
        .header("Accept", "image/*");
        Flow {
            request: bearer(request, Some(&key)),
        }
    }
}

/// The closest of the ratios the endpoint accepts.
pub(crate) fn aspect_ratio(width: u32, height: u32) -> &'static str {
    const RATIOS: &[(&str, f64)] = &[
        ("21:9", 21.0 / 9.0),
        ("16:9", 16.0 / 9.0),
        ("3:2", 1.5),
        ("5:4", 1.25),
        ("1:1", 1.0),
        ("4:5", 0.8),
        ("2:3", 2.0 / 3.0),
        ("9:16", 9.0 / 16.0),
        ("9:21", 9.0 / 21.0),
    ];
    let wanted = width.max(1) as f64 / height.max(1) as f64;
    RATIOS
        .iter()
        .min_by(|a, b| (a.1 - wanted).abs().total_cmp(&(b.1 - wanted).abs()))
        .map_or("1:1", |(name, _)| name)
}

impl ProviderFlow for Flow {
    fn start(&mut self) -> HttpRequest {
        self.request.clone()
    }

    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        if response.status == 403
            && String::from_utf8_lossy(&response.body).contains("content_moderation")
        {
            return Err(ProviderError::ContentFiltered {
                detail: response.body_excerpt(),
            });
        }
        if !response.is_success() {
            return Err(status_error(&response));
        }
        match response.header("finish-reason") {
            Some(reason) if reason.eq_ignore_ascii_case("CONTENT_FILTERED") => {
                Err(ProviderError::ContentFiltered {
                    detail: "finish-reason CONTENT_FILTERED".into(),
                })
            }
            Some(reason) if reason.eq_ignore_ascii_case("ERROR") => Err(ProviderError::JobFailed {
                detail: "finish-reason ERROR".into(),
            }),
            _ if response.body.is_empty() => Err(ProviderError::malformed("empty image body")),
            _ => Ok(Next::Image(response.body)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::ApiKind;
    use super::*;

    #[test]
    fn builds_a_multipart_form_for_core() {
        let mut flow = Flow::new(
            &config(ApiKind::Stability, Some("k")),
            &spec(),
            "k".into(),
            42,
        );
        let request = flow.start();
        assert_eq!(
            request.url,
            "http://fake/base/v2beta/stable-image/generate/core"
        );
        assert_eq!(request.header_value("accept"), Some("image/*"));
        let content_type = request.header_value("content-type").unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let body = String::from_utf8(request.body.clone()).unwrap();
        assert!(body.contains("name=\"prompt\"\r\n\r\nan orc with a bloody axe\r\n"));
        assert!(body.contains("name=\"negative_prompt\"\r\n\r\nblurry\r\n"));
        assert!(body.contains("name=\"aspect_ratio\"\r\n\r\n1:1\r\n"));
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn sd3_models_use_the_sd3_endpoint() {
        let mut cfg = config(ApiKind::Stability, Some("k"));
        cfg.model = Some("sd3.5-large".into());
        let request = Flow::new(&cfg, &spec(), "k".into(), 1).start();
        assert!(request.url.ends_with("/generate/sd3"));
        assert!(String::from_utf8(request.body)
            .unwrap()
            .contains("sd3.5-large"));
    }

    #[test]
    fn finish_reason_content_filtered_is_a_filter_result() {
        let mut flow = Flow::new(
            &config(ApiKind::Stability, Some("k")),
            &spec(),
            "k".into(),
            1,
        );
        let filtered =
            HttpResponse::new(200, vec![1, 2, 3]).with_header("Finish-Reason", "CONTENT_FILTERED");
        assert!(matches!(
            flow.on_response(filtered),
            Err(ProviderError::ContentFiltered { .. })
        ));
        let ok = HttpResponse::new(200, vec![1, 2, 3]).with_header("finish-reason", "SUCCESS");
        assert!(matches!(flow.on_response(ok), Ok(Next::Image(bytes)) if bytes == [1, 2, 3]));
    }

    #[test]
    fn aspect_ratios_snap_to_the_accepted_list() {
        assert_eq!(aspect_ratio(1024, 1024), "1:1");
        assert_eq!(aspect_ratio(1792, 1024), "16:9");
        assert_eq!(aspect_ratio(768, 448), "16:9");
    }
}
