//! OpenAI-compatible Chat Completions: the streaming request, and one SSE event's meaning.

use serde_json::{json, Value};

use crate::provider::{HttpRequest, Method, Prompt, ProviderConfig, Role};
use crate::stream::{provider_error, FinishReason, StreamError, Usage};

pub fn headers(provider: &ProviderConfig) -> Vec<(String, String)> {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(key) = provider.api_key.as_deref().filter(|key| !key.is_empty()) {
        headers.push(("authorization".to_string(), format!("Bearer {key}")));
    }
    headers
}

/// `POST {base}/chat/completions` with `stream: true` and usage in the last chunk.
pub fn chat_request(provider: &ProviderConfig, prompt: &Prompt) -> HttpRequest {
    let mut messages = vec![json!({"role": "system", "content": prompt.system})];
    messages.extend(prompt.messages.iter().map(|message| {
        let role = match message.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        json!({"role": role, "content": message.content})
    }));
    post(provider, body(provider, messages))
}

fn body(provider: &ProviderConfig, messages: Vec<Value>) -> Value {
    json!({
        "model": provider.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": provider.max_output_tokens(),
    })
}

fn post(provider: &ProviderConfig, body: Value) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: provider.endpoint("chat/completions"),
        headers: headers(provider),
        body: Some(body.to_string()),
    }
}

/// The streaming request with `tools` (`[{type: "function", function: {name, description, parameters}}]`) and
/// messages already in this format (the system message first; see [`crate::tools::wire`]).
pub fn tools_request(
    provider: &ProviderConfig,
    messages: Vec<Value>,
    tools: Vec<Value>,
) -> HttpRequest {
    let mut body = body(provider, messages);
    body["tools"] = Value::Array(tools);
    post(provider, body)
}

/// What one `data:` payload says. `[DONE]` is handled by the caller.
pub enum Chunk {
    Parts {
        text: String,
        finish: Option<FinishReason>,
        usage: Option<Usage>,
        /// `delta.tool_calls` entries (a legacy `delta.function_call` as `{"function": ...}`), for
        /// [`crate::tools::calls::CallAssembler::openai_delta`].
        tool_deltas: Vec<Value>,
    },
    Error(StreamError),
}

pub fn decode(data: &str) -> Chunk {
    let value: Value = match serde_json::from_str(data) {
        Ok(value) => value,
        Err(error) => return Chunk::Error(StreamError::Malformed(error.to_string())),
    };
    // OpenRouter and others report failures inside the stream as `{"error": {...}}`.
    if let Some(error) = value.get("error").filter(|error| !error.is_null()) {
        return Chunk::Error(provider_error(error));
    }
    let Some(choices) = value.get("choices").and_then(Value::as_array) else {
        // A usage-only chunk may carry `choices: []`; anything without `choices` and without usage is malformed.
        return match value.get("usage") {
            Some(usage) => Chunk::Parts {
                text: String::new(),
                finish: None,
                usage: parse_usage(usage),
                tool_deltas: Vec::new(),
            },
            None => Chunk::Error(StreamError::Malformed("a chunk without choices".into())),
        };
    };
    let mut text = String::new();
    let mut finish = None;
    let mut tool_deltas = Vec::new();
    for choice in choices {
        if choice.get("index").and_then(Value::as_u64).unwrap_or(0) != 0 {
            continue;
        }
        if let Some(content) = choice.pointer("/delta/content").and_then(Value::as_str) {
            text.push_str(content);
        }
        if let Some(calls) = choice
            .pointer("/delta/tool_calls")
            .and_then(Value::as_array)
        {
            tool_deltas.extend(calls.iter().cloned());
        }
        if let Some(call) = choice
            .pointer("/delta/function_call")
            .filter(|call| call.is_object())
        {
            tool_deltas.push(json!({"index": 0, "function": call}));
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            finish = Some(match reason {
                "stop" => FinishReason::Stop,
                "length" => FinishReason::Length,
                "content_filter" => FinishReason::ContentFilter,
                "tool_calls" | "function_call" => FinishReason::ToolUse,
                other => FinishReason::Other(other.to_string()),
            });
        }
    }
    Chunk::Parts {
        text,
        finish,
        usage: value.get("usage").and_then(parse_usage),
        tool_deltas,
    }
}

fn parse_usage(usage: &Value) -> Option<Usage> {
    let read = |key: &str| usage.get(key).and_then(Value::as_u64).map(|n| n as u32);
    let parsed = Usage {
        input_tokens: read("prompt_tokens"),
        output_tokens: read("completion_tokens"),
    };
    (parsed.input_tokens.is_some() || parsed.output_tokens.is_some()).then_some(parsed)
}
