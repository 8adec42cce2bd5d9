//! The five provider protocols as small state machines: each builds its requests and reads its responses, and
//! nothing else. [`crate::job`] drives them, adds timeouts, retries and failover.

mod a1111;
mod comfyui;
mod horde;
mod openai;
mod stability;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::error::ProviderError;
use crate::http::{HttpRequest, HttpResponse, Millis};

pub use openai::{moderation_request, read_moderation, ModerationVerdict};

/// Which protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    Openai,
    Stability,
    Horde,
    A1111,
    Comfyui,
}

impl ApiKind {
    /// Stable Diffusion back ends take a negative prompt; OpenAI's models don't.
    pub fn takes_negative_prompt(self) -> bool {
        !matches!(self, ApiKind::Openai)
    }
}

/// One entry of the GM's provider chain. The key is resolved by the caller (the browser's settings, or the CLI's
/// `api_key_env`): the core never reads the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderConfig {
    pub name: String,
    pub api: ApiKind,
    /// As the provider documents it: `https://api.openai.com/v1`, `https://api.stability.ai`,
    /// `https://aihorde.net/api`, `http://127.0.0.1:7860`, `http://127.0.0.1:8188`.
    pub base_url: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub api_key: Option<String>,
    /// Requests in flight at once on this provider (default 2).
    #[serde(default)]
    pub concurrency: Option<usize>,
}

/// What one image should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSpec {
    pub prompt: String,
    pub negative_prompt: Option<String>,
    pub width: u32,
    pub height: u32,
    pub seed: u32,
}

/// What a provider step asks for next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send this right away.
    Send(HttpRequest),
    /// Ask again later (asynchronous providers).
    Poll {
        after_ms: Millis,
        request: HttpRequest,
    },
    /// The image's encoded bytes.
    Image(Vec<u8>),
}

/// One provider's protocol for one image.
pub(crate) trait ProviderFlow {
    fn start(&mut self) -> HttpRequest;
    fn on_response(&mut self, response: HttpResponse) -> Result<Next, ProviderError>;
    /// Best-effort requests that free the provider's work when the GM cancels or the job gives up.
    fn cancel(&self) -> Vec<HttpRequest> {
        Vec::new()
    }
}

/// Settings that shape the protocol rather than the image.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowSettings {
    pub poll_interval_ms: Millis,
    pub random: u64,
}

pub(crate) fn start_flow(
    config: &ProviderConfig,
    spec: &ImageSpec,
    settings: FlowSettings,
) -> Result<Box<dyn ProviderFlow>, ProviderError> {
    let key = config.api_key.clone().filter(|key| !key.trim().is_empty());
    Ok(match config.api {
        ApiKind::Openai => Box::new(openai::Flow::new(
            config,
            spec,
            key.ok_or(ProviderError::MissingKey)?,
        )),
        ApiKind::Stability => Box::new(stability::Flow::new(
            config,
            spec,
            key.ok_or(ProviderError::MissingKey)?,
            settings.random,
        )),
        ApiKind::Horde => Box::new(horde::Flow::new(
            config,
            spec,
            key,
            settings.poll_interval_ms,
        )),
        ApiKind::A1111 => Box::new(a1111::Flow::new(config, spec, key)),
        ApiKind::Comfyui => Box::new(comfyui::Flow::new(config, spec, key, settings)),
    })
}

/// A non-2xx response as a typed error, with the provider's own message when it gave one in JSON.
pub(crate) fn status_error(response: &HttpResponse) -> ProviderError {
    let message = serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|json| provider_message(&json))
        .unwrap_or_else(|| response.body_excerpt());
    ProviderError::Status {
        status: response.status,
        retry_after_ms: response.retry_after_ms(),
        message,
    }
}

/// The human message in the error shapes our providers use: `{"error": {"message"}}`, `{"error": "..."}`,
/// `{"message"}`, `{"errors": [...]}`, `{"detail"}`.
fn provider_message(json: &serde_json::Value) -> Option<String> {
    let text = |value: &serde_json::Value| value.as_str().map(str::to_string);
    json.pointer("/error/message")
        .and_then(text)
        .or_else(|| json.get("error").and_then(text))
        .or_else(|| json.get("message").and_then(text))
        .or_else(|| json.get("detail").and_then(text))
        .or_else(|| {
            json.get("errors")?.as_array().map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        })
}

pub(crate) fn parse_json(response: &HttpResponse) -> Result<serde_json::Value, ProviderError> {
    serde_json::from_slice(&response.body).map_err(ProviderError::malformed)
}

pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, ProviderError> {
    // Some gateways hand back a data URL rather than bare base64.
    let bare = text
        .split_once("base64,")
        .map_or(text, |(_, rest)| rest)
        .trim();
    base64::engine::general_purpose::STANDARD
        .decode(bare)
        .map_err(ProviderError::malformed)
}

pub(crate) fn bearer(request: HttpRequest, key: Option<&str>) -> HttpRequest {
    match key {
        Some(key) => request.header("Authorization", &format!("Bearer {key}")),
        None => request,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn spec() -> ImageSpec {
        ImageSpec {
            prompt: "an orc with a bloody axe".into(),
            negative_prompt: Some("blurry".into()),
            width: 512,
            height: 512,
            seed: 7,
        }
    }

    pub fn config(api: ApiKind, key: Option<&str>) -> ProviderConfig {
        ProviderConfig {
            name: "test".into(),
            api,
            base_url: "http://fake/base/".into(),
            model: None,
            api_key: key.map(str::to_string),
            concurrency: None,
        }
    }

    pub fn json_response(status: u16, value: serde_json::Value) -> HttpResponse {
        HttpResponse::new(status, serde_json::to_vec(&value).unwrap())
    }

    pub fn body_json(request: &HttpRequest) -> serde_json::Value {
        serde_json::from_slice(&request.body).unwrap()
    }
}
