//! Tool calls as they stream in, for both wire formats, assembled into whole calls.
//!
//! OpenAI: `choices[0].delta.tool_calls` entries `{index, id?, function: {name?, arguments?}}`, the arguments a JSON
//! text arriving in fragments over many deltas, several calls interleaved by `index`; whole when the choice finishes.
//! (Some servers send a whole call in one delta, an object for `arguments`, no `index`, or a second call under the
//! first one's index with a new id; all are read.) Anthropic: `content_block_start` with a `tool_use` block, its
//! `input_json_delta` fragments, whole at `content_block_stop`.
//!
//! Nothing is parsed here but the framing: the finished call's arguments stay text, checked by [`super::args`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::args::MAX_ARGUMENT_BYTES;

/// A finished call as the model sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawToolCall {
    pub id: String,
    pub name: String,
    /// The arguments' JSON text (over [`MAX_ARGUMENT_BYTES`], cut just past the limit).
    pub arguments: String,
}

/// Calls past this many in one reply are dropped (the loop's step limit refuses them anyway).
pub const MAX_CALLS_PER_REPLY: usize = 16;

#[derive(Debug, Default)]
struct Partial {
    id: String,
    name: String,
    arguments: String,
}

impl Partial {
    fn append(&mut self, fragment: &str) {
        if self.arguments.len() <= MAX_ARGUMENT_BYTES {
            self.arguments.push_str(fragment);
        }
    }
}

/// Collects one reply's calls.
#[derive(Debug, Default)]
pub struct CallAssembler {
    open: BTreeMap<u64, Partial>,
    done: Vec<RawToolCall>,
    /// Calls begun in this reply (finished or not), against [`MAX_CALLS_PER_REPLY`].
    begun: usize,
}

impl CallAssembler {
    fn begin(&mut self, index: u64, partial: Partial) {
        if let Some(previous) = self.open.remove(&index) {
            self.close(previous);
        }
        if self.begun < MAX_CALLS_PER_REPLY {
            self.begun += 1;
            self.open.insert(index, partial);
        }
    }

    fn close(&mut self, partial: Partial) {
        self.done.push(RawToolCall {
            id: partial.id,
            name: partial.name,
            arguments: partial.arguments,
        });
    }

    /// One entry of an OpenAI delta's `tool_calls` (`position`: its place in that array, for servers without
    /// `index`), or a legacy `function_call` object given as `{"function": ...}`.
    pub fn openai_delta(&mut self, position: usize, entry: &Value) {
        let index = entry
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64);
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("");
        let function = entry.get("function").unwrap_or(&Value::Null);
        let name = function.get("name").and_then(Value::as_str).unwrap_or("");
        let fragment = match function.get("arguments") {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(object) => object.to_string(),
        };
        // A new id under an index already holding a named call is a second call (a server that reuses index 0).
        let fresh = match self.open.get(&index) {
            None => true,
            Some(open) => !id.is_empty() && !open.id.is_empty() && open.id != id,
        };
        if fresh {
            if id.is_empty() && name.is_empty() && fragment.is_empty() {
                return;
            }
            self.begin(index, Partial::default());
        }
        let Some(partial) = self.open.get_mut(&index) else {
            return;
        };
        if partial.id.is_empty() {
            partial.id = id.to_string();
        }
        // Names arrive whole in practice; a server that splits one is read as fragments.
        partial.name.push_str(name);
        partial.append(&fragment);
    }

    /// Anthropic `content_block_start` of a `tool_use` block; `input` is the block's (usually empty) input.
    pub fn anthropic_start(&mut self, index: u64, id: &str, name: &str, input: &Value) {
        let arguments = match input {
            Value::Object(fields) if fields.is_empty() => String::new(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        self.begin(
            index,
            Partial {
                id: id.to_string(),
                name: name.to_string(),
                arguments,
            },
        );
    }

    /// Anthropic `input_json_delta`.
    pub fn anthropic_input(&mut self, index: u64, fragment: &str) {
        if let Some(partial) = self.open.get_mut(&index) {
            partial.append(fragment);
        }
    }

    /// Anthropic `content_block_stop`: the call at `index` (if that block was one) is whole.
    pub fn anthropic_stop(&mut self, index: u64) {
        if let Some(partial) = self.open.remove(&index) {
            self.close(partial);
        }
    }

    /// Calls finished since the last take, in the order they finished.
    pub fn take_done(&mut self) -> Vec<RawToolCall> {
        std::mem::take(&mut self.done)
    }

    /// The reply is over: every call still open is whole (in index order), then all are handed out.
    pub fn finish(&mut self) -> Vec<RawToolCall> {
        let open = std::mem::take(&mut self.open);
        for (_, partial) in open {
            self.close(partial);
        }
        self.take_done()
    }
}
