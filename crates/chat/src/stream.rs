//! Response bytes → answer events, for either wire format. Survives any chunking (framing is in [`crate::sse`]),
//! keep-alives, `[DONE]`, error events inside the stream and a body that ends before the answer did.
//!
//! Event order: any number of `TextDelta` (and, from a decoder made [`StreamDecoder::with_tools`], `ToolCall`), then
//! exactly one terminal event: `Finish` (preceded by one `Usage` when the provider reported any) or `Error`. Nothing
//! is emitted after the terminal event. A decoder made with [`StreamDecoder::new`] ignores tool calls, as it always
//! has: requests without tools get none.

use serde::Serialize;
use serde_json::Value;

use crate::provider::Api;
use crate::sse::{Event, SseFramer};
use crate::tools::calls::{CallAssembler, RawToolCall};
use crate::{anthropic, openai};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum StreamEvent {
    TextDelta {
        text: String,
    },
    /// A whole tool call (only from a decoder made [`StreamDecoder::with_tools`]).
    ToolCall {
        call: RawToolCall,
    },
    Usage(Usage),
    Finish {
        reason: FinishReason,
    },
    Error {
        error: StreamError,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
}

impl Usage {
    fn merge(&mut self, other: Usage) {
        self.input_tokens = other.input_tokens.or(self.input_tokens);
        self.output_tokens = other.output_tokens.or(self.output_tokens);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FinishReason {
    Stop,
    Length,
    ContentFilter,
    ToolUse,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum StreamError {
    #[error("the provider reported an error in the stream ({code}): {message}")]
    Provider { code: String, message: String },
    #[error("a malformed chunk: {0}")]
    Malformed(String),
    #[error("the stream ended before the answer was finished")]
    EndedEarly,
    #[error("an event larger than the 1 MiB limit")]
    Oversized,
}

/// An in-stream error object (`{"type"|"code", "message"}`) as a typed error.
pub(crate) fn provider_error(error: &Value) -> StreamError {
    let code = ["type", "code"]
        .iter()
        .find_map(|key| match error.get(*key) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".to_string());
    let message = match error.get("message").and_then(Value::as_str) {
        Some(message) => message.to_string(),
        None => error.as_str().unwrap_or("no message").to_string(),
    };
    StreamError::Provider { code, message }
}

/// Decodes one response body. Feed every chunk, then call [`StreamDecoder::end`] when the body ends.
pub struct StreamDecoder {
    api: Api,
    framer: SseFramer,
    usage: Option<Usage>,
    finish: Option<FinishReason>,
    terminated: bool,
    /// Present when the request offered tools.
    calls: Option<CallAssembler>,
}

impl StreamDecoder {
    pub fn new(api: Api) -> StreamDecoder {
        StreamDecoder {
            api,
            framer: SseFramer::default(),
            usage: None,
            finish: None,
            terminated: false,
            calls: None,
        }
    }

    /// A decoder for a request that offered tools: it also assembles the reply's tool calls.
    pub fn with_tools(api: Api) -> StreamDecoder {
        StreamDecoder {
            calls: Some(CallAssembler::default()),
            ..StreamDecoder::new(api)
        }
    }

    /// Whether the terminal event was emitted.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    pub fn feed(&mut self, bytes: &[u8]) -> Vec<StreamEvent> {
        if self.terminated {
            return Vec::new();
        }
        let events = self.framer.push(bytes);
        let mut out = Vec::new();
        self.interpret(events, &mut out);
        out
    }

    pub fn end(&mut self) -> Vec<StreamEvent> {
        if self.terminated {
            return Vec::new();
        }
        let events = self.framer.end();
        let mut out = Vec::new();
        self.interpret(events, &mut out);
        if !self.terminated {
            // OpenAI-compatible servers may close after the finish chunk without `[DONE]`: that is a whole answer.
            match self.finish.take() {
                Some(reason) => self.finish_with(reason, &mut out),
                None => self.fail(StreamError::EndedEarly, &mut out),
            }
        }
        out
    }

    fn interpret(&mut self, events: Vec<Event>, out: &mut Vec<StreamEvent>) {
        if self.framer.overflowed() {
            self.fail(StreamError::Oversized, out);
        }
        for event in events {
            if self.terminated {
                return;
            }
            match self.api {
                Api::OpenAi => self.openai_event(&event, out),
                Api::Anthropic => self.anthropic_event(&event, out),
            }
        }
    }

    fn openai_event(&mut self, event: &Event, out: &mut Vec<StreamEvent>) {
        let data = event.data.trim();
        if data.is_empty() {
            return;
        }
        if data == "[DONE]" {
            let reason = self.finish.take().unwrap_or(FinishReason::Stop);
            return self.finish_with(reason, out);
        }
        if event.event == "error" {
            let value: Value = serde_json::from_str(data).unwrap_or(Value::String(data.into()));
            let error = value.get("error").unwrap_or(&value);
            return self.fail(provider_error(error), out);
        }
        match openai::decode(data) {
            openai::Chunk::Parts {
                text,
                finish,
                usage,
                tool_deltas,
            } => {
                self.text(text, out);
                if let Some(calls) = &mut self.calls {
                    for (position, delta) in tool_deltas.iter().enumerate() {
                        calls.openai_delta(position, delta);
                    }
                }
                if let Some(usage) = usage {
                    self.usage.get_or_insert_with(Usage::default).merge(usage);
                }
                if finish.is_some() {
                    self.finish = finish;
                }
            }
            openai::Chunk::Error(error) => self.fail(error, out),
        }
    }

    fn anthropic_event(&mut self, event: &Event, out: &mut Vec<StreamEvent>) {
        if event.data.trim().is_empty() {
            return;
        }
        for step in anthropic::decode(&event.event, &event.data) {
            match step {
                anthropic::Step::Text(text) => self.text(text, out),
                anthropic::Step::Usage(usage) => {
                    self.usage.get_or_insert_with(Usage::default).merge(usage)
                }
                anthropic::Step::StopReason(reason) => self.finish = Some(reason),
                anthropic::Step::End => {
                    let reason = self.finish.take().unwrap_or(FinishReason::Stop);
                    self.finish_with(reason, out);
                }
                anthropic::Step::Error(error) => self.fail(error, out),
                anthropic::Step::ToolStart {
                    index,
                    id,
                    name,
                    input,
                } => {
                    if let Some(calls) = &mut self.calls {
                        calls.anthropic_start(index, &id, &name, &input);
                    }
                }
                anthropic::Step::ToolInput { index, fragment } => {
                    if let Some(calls) = &mut self.calls {
                        calls.anthropic_input(index, &fragment);
                    }
                }
                anthropic::Step::BlockStop { index } => {
                    if let Some(calls) = &mut self.calls {
                        calls.anthropic_stop(index);
                        for call in calls.take_done() {
                            out.push(StreamEvent::ToolCall { call });
                        }
                    }
                }
                anthropic::Step::Nothing => {}
            }
            if self.terminated {
                return;
            }
        }
    }

    fn text(&mut self, text: String, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        // One delta per SSE event, never merged, so the events do not depend on how the bytes were chunked.
        out.push(StreamEvent::TextDelta { text });
    }

    fn finish_with(&mut self, reason: FinishReason, out: &mut Vec<StreamEvent>) {
        if let Some(calls) = &mut self.calls {
            for call in calls.finish() {
                out.push(StreamEvent::ToolCall { call });
            }
        }
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage(usage));
        }
        out.push(StreamEvent::Finish { reason });
        self.terminated = true;
    }

    fn fail(&mut self, error: StreamError, out: &mut Vec<StreamEvent>) {
        if !self.terminated {
            out.push(StreamEvent::Error { error });
            self.terminated = true;
        }
    }
}
