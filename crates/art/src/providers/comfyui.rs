//! ComfyUI: submit a text-to-image workflow graph of our own to `POST /prompt`, poll `GET /history/{prompt_id}`
//! until it lists outputs, then fetch the image from `GET /view?filename=…&subfolder=…&type=…`.
//! The model is the checkpoint file name; `POST /queue {"delete": [id]}` and `POST /interrupt` cancel.

use serde_json::json;

use super::{
    bearer, parse_json, status_error, FlowSettings, ImageSpec, Next, ProviderConfig, ProviderFlow,
};
use crate::error::ProviderError;
use crate::http::{encode_query_value, join_url, HttpRequest, HttpResponse, Method, Millis};

const DEFAULT_CHECKPOINT: &str = "v1-5-pruned-emaonly.safetensors";
/// The node whose images we fetch.
const SAVE_NODE: &str = "9";

enum Stage {
    Submit,
    History,
    Fetch,
}

pub(crate) struct Flow {
    base_url: String,
    key: Option<String>,
    submit: HttpRequest,
    poll_interval_ms: Millis,
    prompt_id: Option<String>,
    stage: Stage,
}

/// The smallest standard graph: checkpoint → two text encodings → empty latent → sampler → VAE decode → save.
fn workflow(spec: &ImageSpec, checkpoint: &str) -> serde_json::Value {
    json!({
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": checkpoint}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": spec.prompt, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode",
              "inputs": {"text": spec.negative_prompt.clone().unwrap_or_default(), "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage",
              "inputs": {"width": spec.width, "height": spec.height, "batch_size": 1}},
        "3": {"class_type": "KSampler", "inputs": {
            "seed": spec.seed, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
            "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        SAVE_NODE: {"class_type": "SaveImage", "inputs": {"filename_prefix": "familiar", "images": ["8", 0]}},
    })
}

impl Flow {
    pub fn new(
        config: &ProviderConfig,
        spec: &ImageSpec,
        key: Option<String>,
        settings: FlowSettings,
    ) -> Self {
        let checkpoint = config.model.as_deref().unwrap_or(DEFAULT_CHECKPOINT);
        let body = json!({
            "prompt": workflow(spec, checkpoint),
            "client_id": format!("familiar-{:016x}", settings.random),
        });
        let submit = bearer(
            HttpRequest::json(Method::Post, join_url(&config.base_url, "prompt"), &body),
            key.as_deref(),
        );
        Flow {
            base_url: config.base_url.clone(),
            key,
            submit,
            poll_interval_ms: settings.poll_interval_ms,
            prompt_id: None,
            stage: Stage::Submit,
        }
    }

    fn get(&self, path: &str) -> HttpRequest {
        bearer(
            HttpRequest::get(join_url(&self.base_url, path)),
            self.key.as_deref(),
        )
    }
}

impl ProviderFlow for Flow {
    fn start(&mut self) -> HttpRequest {
        self.stage = Stage::Submit;
        self.prompt_id = None;
        self.submit.clone()
    }

    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError> {
        if !response.is_success() {
            return Err(status_error(&response));
        }
        match self.stage {
            Stage::Submit => {
                let json = parse_json(&response)?;
                if json
                    .get("node_errors")
                    .and_then(|v| v.as_object())
                    .is_some_and(|errors| !errors.is_empty())
                {
                    return Err(ProviderError::JobFailed {
                        detail: format!("node errors: {}", json["node_errors"]),
                    });
                }
                let id = json
                    .get("prompt_id")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| ProviderError::malformed("no prompt_id in the /prompt answer"))?
                    .to_string();
                let request = self.get(&format!("history/{id}"));
                self.prompt_id = Some(id);
                self.stage = Stage::History;
                Ok(Next::Poll {
                    after_ms: self.poll_interval_ms,
                    request,
                })
            }
            Stage::History => {
                let json = parse_json(&response)?;
                let id = self.prompt_id.clone().unwrap_or_default();
                let Some(entry) = json.get(&id) else {
                    // Not finished yet: the history has no entry for it.
                    return Ok(Next::Poll {
                        after_ms: self.poll_interval_ms,
                        request: self.get(&format!("history/{id}")),
                    });
                };
                if entry.pointer("/status/status_str").and_then(|v| v.as_str()) == Some("error") {
                    return Err(ProviderError::JobFailed {
                        detail: "ComfyUI reports an execution error".into(),
                    });
                }
                let image = entry
                    .pointer(&format!("/outputs/{SAVE_NODE}/images/0"))
                    .or_else(|| {
                        entry
                            .get("outputs")?
                            .as_object()?
                            .values()
                            .find_map(|node| node.pointer("/images/0"))
                    })
                    .ok_or_else(|| {
                        ProviderError::malformed("the finished prompt has no image output")
                    })?;
                let field = |name: &str| image.get(name).and_then(|v| v.as_str()).unwrap_or("");
                let query = format!(
                    "view?filename={}&subfolder={}&type={}",
                    encode_query_value(field("filename")),
                    encode_query_value(field("subfolder")),
                    encode_query_value(if field("type").is_empty() {
                        "output"
                    } else {
                        field("type")
                    }),
                );
                self.stage = Stage::Fetch;
                Ok(Next::Send(self.get(&query)))
            }
            Stage::Fetch => Ok(Next::Image(response.body)),
        }
    }

    fn cancel(&self) -> Vec<HttpRequest> {
        let Some(id) = &self.prompt_id else {
            return Vec::new();
        };
        let post = |path: &str, body: serde_json::Value| {
            bearer(
                HttpRequest::json(Method::Post, join_url(&self.base_url, path), &body),
                self.key.as_deref(),
            )
        };
        vec![
            post("queue", json!({ "delete": [id] })),
            post("interrupt", json!({})),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::ApiKind;
    use super::*;

    fn settings() -> FlowSettings {
        FlowSettings {
            poll_interval_ms: 500,
            random: 3,
        }
    }

    #[test]
    fn submits_our_graph_and_fetches_the_saved_image() {
        let mut flow = Flow::new(&config(ApiKind::Comfyui, None), &spec(), None, settings());
        let request = flow.start();
        assert_eq!(request.url, "http://fake/base/prompt");
        let body = body_json(&request);
        assert_eq!(
            body["prompt"]["6"]["inputs"]["text"],
            "an orc with a bloody axe"
        );
        assert_eq!(body["prompt"]["5"]["inputs"]["width"], 512);
        assert_eq!(body["prompt"]["9"]["class_type"], "SaveImage");
        let next = flow.on_response(json_response(
            200,
            json!({"prompt_id": "p1", "number": 1, "node_errors": {}}),
        ));
        assert!(
            matches!(next, Ok(Next::Poll { request, .. }) if request.url.ends_with("/history/p1"))
        );
        assert!(matches!(
            flow.on_response(json_response(200, json!({}))),
            Ok(Next::Poll { .. })
        ));
        let done = json!({"p1": {"outputs": {"9": {"images": [
            {"filename": "familiar_00001_.png", "subfolder": "", "type": "output"}]}},
            "status": {"status_str": "success", "completed": true}}});
        let fetch = flow.on_response(json_response(200, done));
        assert!(matches!(&fetch, Ok(Next::Send(r))
            if r.url == "http://fake/base/view?filename=familiar_00001_.png&subfolder=&type=output"));
        assert_eq!(flow.cancel().len(), 2);
        assert!(
            matches!(flow.on_response(HttpResponse::new(200, vec![5])), Ok(Next::Image(b)) if b == [5])
        );
    }

    #[test]
    fn execution_errors_are_job_failures() {
        let mut flow = Flow::new(&config(ApiKind::Comfyui, None), &spec(), None, settings());
        flow.start();
        flow.on_response(json_response(
            200,
            json!({"prompt_id": "p", "node_errors": {}}),
        ))
        .unwrap();
        let failed =
            json!({"p": {"outputs": {}, "status": {"status_str": "error", "completed": false}}});
        assert!(matches!(
            flow.on_response(json_response(200, failed)),
            Err(ProviderError::JobFailed { .. })
        ));
    }
}
