//! What running a tool gives back, and how it reaches the model: compact JSON, capped, with every document it names
//! (an object with `uuid` and `name`) numbered as a source the answer may cite like a passage (`"cite": 7`), so the
//! final answer's `[7]` becomes that document's content link ([`crate::citations`]).

use serde::Serialize;
use serde_json::{json, Value};

use super::args::ToolCall;
use crate::prompt::Passage;

/// One call's result: a compact JSON value (an object), or `{"error": ...}` the model reads and may act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolOutput {
    pub value: Value,
    pub is_error: bool,
}

impl ToolOutput {
    pub fn ok(value: Value) -> ToolOutput {
        ToolOutput {
            value,
            is_error: false,
        }
    }

    pub fn error(message: impl std::fmt::Display) -> ToolOutput {
        ToolOutput {
            value: json!({ "error": message.to_string() }),
            is_error: true,
        }
    }
}

/// Runs calls. The CLI implements it over the native engines (familiar-tools); the browser will implement it over
/// the same engines plus Foundry for the world-changing tools. [`crate::tools::agent::Agent`] asks for each run with
/// an `Execute` command, so a caller may also run a call later (after an `await`) and hand the output back.
pub trait ToolExecutor {
    fn execute(&mut self, call: &ToolCall) -> ToolOutput;
}

/// A result longer than this (as JSON text) is replaced by an error: results must stay compact.
pub const MAX_RESULT_CHARS: usize = 12_000;

/// The text the model reads: the value as compact JSON, or an error when it is too long.
pub fn render(value: &Value) -> (String, bool) {
    let text = value.to_string();
    match text.len() > MAX_RESULT_CHARS {
        true => (
            json!({"error": format!("the result was {} characters long, over the limit of {MAX_RESULT_CHARS}; ask for less", text.len())})
                .to_string(),
            true,
        ),
        false => (text, false),
    }
}

/// Numbers the documents a result names as sources (appending new ones to `sources`) and writes each one's number
/// into its object as `"cite"`. Objects need a `uuid` and a `name` (strings); their `snippet` or `text`, when given,
/// becomes the source's text (for an offline answer's list).
pub fn cite_sources(value: &mut Value, sources: &mut Vec<Passage>) {
    cite_in(value, sources, 0);
}

fn cite_in(value: &mut Value, sources: &mut Vec<Passage>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                cite_in(item, sources, depth + 1);
            }
        }
        Value::Object(fields) => {
            let document = match (fields.get("uuid"), fields.get("name")) {
                (Some(Value::String(uuid)), Some(Value::String(name))) if !uuid.is_empty() => {
                    Some((uuid.clone(), name.clone()))
                }
                _ => None,
            };
            if let Some((uuid, name)) = document {
                let number = match sources.iter().position(|source| source.target() == uuid) {
                    Some(index) => index + 1,
                    None => {
                        let text = ["snippet", "text"]
                            .iter()
                            .find_map(|key| fields.get(*key).and_then(Value::as_str))
                            .unwrap_or("")
                            .to_string();
                        sources.push(Passage {
                            uuid,
                            anchor: None,
                            name,
                            text,
                        });
                        sources.len()
                    }
                };
                fields.insert("cite".into(), Value::from(number));
            }
            for (key, field) in fields.iter_mut() {
                if key != "cite" {
                    cite_in(field, sources, depth + 1);
                }
            }
        }
        _ => {}
    }
}
