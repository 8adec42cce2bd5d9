//! A provider as the GM configures it, and the HTTP requests the core asks its transport to make.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{anthropic, openai, BaseUrl, ChatError};

/// The two wire formats. OpenAI-compatible covers OpenAI, OpenRouter, Ollama and LM Studio `/v1`, vLLM, LiteLLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Api {
    #[serde(rename = "openai")]
    OpenAi,
    #[serde(rename = "anthropic")]
    Anthropic,
}

/// One entry of the GM's ordered provider chain.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    pub name: String,
    pub api: Api,
    /// Includes the version segment: `https://api.openai.com/v1`, `https://api.anthropic.com/v1`.
    #[serde(alias = "base_url")]
    pub base_url: String,
    pub model: String,
    /// Never serialized back out: the key stays where the caller keeps it.
    #[serde(default, skip_serializing, alias = "api_key")]
    pub api_key: Option<String>,
    /// Answer length cap sent to the provider (Anthropic requires one).
    #[serde(default, alias = "max_output_tokens")]
    pub max_output_tokens: Option<u32>,
    /// The model's context window, when the GM knows better than [`crate::TokenBudget::for_model`].
    #[serde(default, alias = "context_tokens")]
    pub context_tokens: Option<u32>,
}

impl ProviderConfig {
    pub const DEFAULT_MAX_OUTPUT_TOKENS: u32 = 1024;

    /// A usable configuration: a name, a model and a base URL that keeps the key off plain http ([`BaseUrl`]).
    /// The base URL comes back normalised.
    pub fn validate(&self) -> Result<BaseUrl, ChatError> {
        let problem = if self.name.trim().is_empty() {
            "has no name"
        } else if self.model.trim().is_empty() {
            "has no model"
        } else {
            return BaseUrl::parse(&self.base_url).map_err(|source| ChatError::BaseUrl {
                name: self.name.clone(),
                source,
            });
        };
        Err(ChatError::Config {
            name: self.name.clone(),
            problem: problem.to_string(),
        })
    }

    pub fn max_output_tokens(&self) -> u32 {
        self.max_output_tokens
            .unwrap_or(Self::DEFAULT_MAX_OUTPUT_TOKENS)
    }

    /// `{base_url}/{path}` with exactly one slash between.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), path)
    }
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("name", &self.name)
            .field("api", &self.api)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
}

/// A request for the transport. It carries the key (the transport needs it); its `Debug` does not show it.
#[derive(Clone, PartialEq, Serialize)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Headers that carry a secret, redacted from every `Debug` print.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-api-key"];

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(key, value)| {
                let secret = SECRET_HEADERS.iter().any(|s| key.eq_ignore_ascii_case(s));
                (
                    key.as_str(),
                    if secret { "<redacted>" } else { value.as_str() },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// A provider-neutral prompt: the system text and the turns, ending with the user's question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub system: String,
    pub messages: Vec<Message>,
}

/// A model offered by `GET {base}/models`, for the settings form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// The streaming chat request for this provider's wire format.
pub fn chat_request(provider: &ProviderConfig, prompt: &Prompt) -> HttpRequest {
    match provider.api {
        Api::OpenAi => openai::chat_request(provider, prompt),
        Api::Anthropic => anthropic::chat_request(provider, prompt),
    }
}

/// `GET {base_url}/models` with the right authentication headers.
pub fn models_request(provider: &ProviderConfig) -> HttpRequest {
    let headers = match provider.api {
        Api::OpenAi => openai::headers(provider),
        Api::Anthropic => anthropic::headers(provider),
    };
    HttpRequest {
        method: Method::Get,
        url: provider.endpoint("models"),
        headers,
        body: None,
    }
}

/// Both formats answer `{"data": [{"id": ...}, ...]}`; Anthropic adds `display_name`.
pub fn parse_models(body: &str) -> Result<Vec<ModelInfo>, ChatError> {
    #[derive(Deserialize)]
    struct Entry {
        id: String,
        #[serde(default)]
        display_name: Option<String>,
    }
    #[derive(Deserialize)]
    struct List {
        data: Vec<Entry>,
    }
    // Through a Value: the one JSON reader each type has in the wasm bundle (see the facade's interop).
    let list: List = serde_json::from_str(body)
        .and_then(serde_json::from_value)
        .map_err(|error| ChatError::ModelList(error.to_string()))?;
    Ok(list
        .data
        .into_iter()
        .map(|entry| ModelInfo {
            id: entry.id,
            display_name: entry.display_name,
        })
        .collect())
}
