//! Anthropic Messages API: the streaming request (with the browser-access header), and one SSE event's meaning.

use serde_json::{json, Value};

use crate::provider::{HttpRequest, Method, Prompt, ProviderConfig, Role};
use crate::stream::{provider_error, FinishReason, StreamError, Usage};

pub const API_VERSION: &str = "2023-06-01";

pub fn headers(provider: &ProviderConfig) -> Vec<(String, String)> {
    let mut headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("anthropic-version".to_string(), API_VERSION.to_string()),
        // Anthropic refuses CORS calls without it; the key only ever lives in the GM's browser.
        (
            "anthropic-dangerous-direct-browser-access".to_string(),
            "true".to_string(),
        ),
    ];
    if let Some(key) = provider.api_key.as_deref().filter(|key| !key.is_empty()) {
        headers.push(("x-api-key".to_string(), key.to_string()));
    }
    headers
}

/// `POST {base}/messages` with `stream: true`; the system text is a top-level field here.
pub fn chat_request(provider: &ProviderConfig, prompt: &Prompt) -> HttpRequest {
    let messages: Vec<Value> = prompt
        .messages
        .iter()
        .map(|message| {
            let role = match message.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": message.content})
        })
        .collect();
    post(provider, body(provider, &prompt.system, messages))
}

fn body(provider: &ProviderConfig, system: &str, messages: Vec<Value>) -> Value {
    json!({
        "model": provider.model,
        "system": system,
        "messages": messages,
        "max_tokens": provider.max_output_tokens(),
        "stream": true,
    })
}

fn post(provider: &ProviderConfig, body: Value) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: provider.endpoint("messages"),
        headers: headers(provider),
        body: Some(body.to_string()),
    }
}

/// The streaming request with `tools` (`[{name, description, input_schema}]`) and messages already in this format
/// (`tool_use` and `tool_result` blocks; see [`crate::tools::wire`]).
pub fn tools_request(
    provider: &ProviderConfig,
    system: &str,
    messages: Vec<Value>,
    tools: Vec<Value>,
) -> HttpRequest {
    let mut body = body(provider, system, messages);
    body["tools"] = Value::Array(tools);
    post(provider, body)
}

/// What one event says.
pub enum Step {
    Text(String),
    Usage(Usage),
    StopReason(FinishReason),
    /// `message_stop`: the answer is complete.
    End,
    /// `content_block_start` of a `tool_use` block.
    ToolStart {
        index: u64,
        id: String,
        name: String,
        input: Value,
    },
    /// `input_json_delta`: a fragment of a tool call's arguments.
    ToolInput {
        index: u64,
        fragment: String,
    },
    /// `content_block_stop`.
    BlockStop {
        index: u64,
    },
    Error(StreamError),
    /// `ping`, text block starts, unknown new event types: nothing to do.
    Nothing,
}

pub fn decode(event_type: &str, data: &str) -> Vec<Step> {
    if event_type == "ping" {
        return vec![Step::Nothing];
    }
    let value: Value = match serde_json::from_str(data) {
        Ok(value) => value,
        Err(error) => return vec![Step::Error(StreamError::Malformed(error.to_string()))],
    };
    // The `type` field inside the data is authoritative; the SSE `event:` line repeats it.
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or(event_type);
    match kind {
        "message_start" => value
            .pointer("/message/usage")
            .and_then(parse_usage)
            .map(Step::Usage)
            .into_iter()
            .collect(),
        "content_block_delta" => match value.pointer("/delta/text").and_then(Value::as_str) {
            Some(text) => vec![Step::Text(text.to_string())],
            None => match value.pointer("/delta/partial_json").and_then(Value::as_str) {
                Some(fragment) => vec![Step::ToolInput {
                    index: block_index(&value),
                    fragment: fragment.to_string(),
                }],
                None => vec![Step::Nothing],
            },
        },
        "content_block_start" => {
            let block = value.get("content_block").unwrap_or(&Value::Null);
            match block.get("type").and_then(Value::as_str) {
                Some("tool_use") => vec![Step::ToolStart {
                    index: block_index(&value),
                    id: block
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    name: block
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    input: block.get("input").cloned().unwrap_or(Value::Null),
                }],
                _ => vec![Step::Nothing],
            }
        }
        "content_block_stop" => vec![Step::BlockStop {
            index: block_index(&value),
        }],
        "message_delta" => {
            let mut steps = Vec::new();
            if let Some(reason) = value.pointer("/delta/stop_reason").and_then(Value::as_str) {
                steps.push(Step::StopReason(match reason {
                    "end_turn" | "stop_sequence" => FinishReason::Stop,
                    "max_tokens" => FinishReason::Length,
                    "tool_use" => FinishReason::ToolUse,
                    "refusal" => FinishReason::ContentFilter,
                    other => FinishReason::Other(other.to_string()),
                }));
            }
            if let Some(usage) = value.get("usage").and_then(parse_usage) {
                steps.push(Step::Usage(usage));
            }
            steps
        }
        "message_stop" => vec![Step::End],
        "error" => vec![Step::Error(provider_error(
            value.get("error").unwrap_or(&Value::Null),
        ))],
        _ => vec![Step::Nothing],
    }
}

fn block_index(value: &Value) -> u64 {
    value.get("index").and_then(Value::as_u64).unwrap_or(0)
}

fn parse_usage(usage: &Value) -> Option<Usage> {
    let read = |key: &str| usage.get(key).and_then(Value::as_u64).map(|n| n as u32);
    let parsed = Usage {
        input_tokens: read("input_tokens"),
        output_tokens: read("output_tokens"),
    };
    (parsed.input_tokens.is_some() || parsed.output_tokens.is_some()).then_some(parsed)
}
