//! A scripted model for tests and benchmarks: one reply (text and tool calls) as the SSE body either wire format
//! streams, with the arguments cut into fragments wherever [`Split`] says, so a reader is tested mid-string and
//! mid-number. `familiar bench-tools` and the crate's tests use it; nothing in the loop does.

use serde_json::{json, Value};

use crate::provider::Api;

/// A call the script makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedCall {
    pub id: String,
    pub name: String,
    /// The arguments' JSON text exactly as streamed (it may be invalid on purpose).
    pub arguments: String,
}

impl ScriptedCall {
    pub fn new(id: &str, name: &str, arguments: &Value) -> ScriptedCall {
        ScriptedCall {
            id: id.to_string(),
            name: name.to_string(),
            arguments: arguments.to_string(),
        }
    }

    /// A call whose arguments are this text verbatim.
    pub fn raw(id: &str, name: &str, arguments: &str) -> ScriptedCall {
        ScriptedCall {
            id: id.to_string(),
            name: name.to_string(),
            arguments: arguments.to_string(),
        }
    }
}

/// How a call's arguments are cut into fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One fragment.
    Whole,
    /// Fragments of this many characters (3 cuts every string and every number of two digits or more).
    Every(usize),
}

fn fragments(text: &str, split: Split) -> Vec<String> {
    let size = match split {
        Split::Whole => return vec![text.to_string()],
        Split::Every(size) => size.max(1),
    };
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

fn pieces(text: &str) -> Vec<String> {
    fragments(text, Split::Every(6))
}

/// The SSE body of one reply: `text` (in small deltas), then the calls (fragments of parallel calls interleaved in
/// the OpenAI format, one block after another in Anthropic's), then the finish and `usage` tokens in and out.
pub fn reply(
    api: Api,
    text: &str,
    calls: &[ScriptedCall],
    split: Split,
    usage: (u32, u32),
) -> String {
    match api {
        Api::OpenAi => openai_reply(text, calls, split, usage),
        Api::Anthropic => anthropic_reply(text, calls, split, usage),
    }
}

fn openai_reply(text: &str, calls: &[ScriptedCall], split: Split, usage: (u32, u32)) -> String {
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        )
    };
    let mut body = chunk(json!({"role": "assistant", "content": ""}), Value::Null);
    for piece in pieces(text) {
        body.push_str(&chunk(json!({"content": piece}), Value::Null));
    }
    let cut: Vec<Vec<String>> = calls
        .iter()
        .map(|call| fragments(&call.arguments, split))
        .collect();
    for (index, call) in calls.iter().enumerate() {
        let first = json!([{"index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}]);
        body.push_str(&chunk(json!({"tool_calls": first}), Value::Null));
    }
    let longest = cut.iter().map(Vec::len).max().unwrap_or(0);
    for round in 0..longest {
        for (index, parts) in cut.iter().enumerate() {
            if let Some(part) = parts.get(round) {
                let delta = json!([{"index": index, "function": {"arguments": part}}]);
                body.push_str(&chunk(json!({"tool_calls": delta}), Value::Null));
            }
        }
    }
    let finish = match calls.is_empty() {
        true => "stop",
        false => "tool_calls",
    };
    body.push_str(&chunk(json!({}), json!(finish)));
    body.push_str(&format!(
        "data: {}\n\ndata: [DONE]\n\n",
        json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": usage.0, "completion_tokens": usage.1}})
    ));
    body
}

fn anthropic_reply(text: &str, calls: &[ScriptedCall], split: Split, usage: (u32, u32)) -> String {
    let event = |kind: &str, data: Value| {
        let mut data = data;
        data["type"] = json!(kind);
        format!("event: {kind}\ndata: {data}\n\n")
    };
    let mut body = event(
        "message_start",
        json!({"message": {"id": "m1", "role": "assistant", "usage": {"input_tokens": usage.0, "output_tokens": 1}}}),
    );
    let mut index = 0;
    if !text.is_empty() {
        body.push_str(&event(
            "content_block_start",
            json!({"index": 0, "content_block": {"type": "text", "text": ""}}),
        ));
        for piece in pieces(text) {
            body.push_str(&event(
                "content_block_delta",
                json!({"index": 0, "delta": {"type": "text_delta", "text": piece}}),
            ));
        }
        body.push_str(&event("content_block_stop", json!({"index": 0})));
        index = 1;
    }
    body.push_str(&event("ping", json!({})));
    for call in calls {
        body.push_str(&event(
            "content_block_start",
            json!({"index": index, "content_block": {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}}),
        ));
        for part in fragments(&call.arguments, split) {
            body.push_str(&event(
                "content_block_delta",
                json!({"index": index, "delta": {"type": "input_json_delta", "partial_json": part}}),
            ));
        }
        body.push_str(&event("content_block_stop", json!({"index": index})));
        index += 1;
    }
    let stop = match calls.is_empty() {
        true => "end_turn",
        false => "tool_use",
    };
    body.push_str(&event(
        "message_delta",
        json!({"delta": {"stop_reason": stop}, "usage": {"output_tokens": usage.1}}),
    ));
    body.push_str(&event("message_stop", json!({})));
    body
}
