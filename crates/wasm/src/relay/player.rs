//! `RelayPlayer`: a page's side of the relay. It builds the messages for the GM, reads the GM's replies into
//! events for the questions this page waits for, and answers offline from the page's own passages when no GM is
//! online.

use familiar_chat::relay::{request_id_from, PlayerEvent, PlayerRelay, RelayError};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::interop;

/// `new RelayPlayer(userId)`: one per page, for `game.user.id`.
#[wasm_bindgen(js_name = RelayPlayer)]
pub struct RelayPlayerJs {
    inner: PlayerRelay,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AskInput {
    question: String,
    language: String,
    #[serde(default)]
    history_summary: Option<String>,
    /// Made here from `crypto.getRandomValues` when not given.
    #[serde(default)]
    request_id: Option<String>,
    /// The page's clock (`Date.now()`): the wait for the GM's answer starts from it.
    #[serde(default)]
    now_ms: Option<f64>,
}

/// A relay error with its English text beside the code.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorJs<'a> {
    #[serde(flatten)]
    error: &'a RelayError,
    message: String,
}

impl<'a> ErrorJs<'a> {
    fn new(error: &'a RelayError) -> ErrorJs<'a> {
        ErrorJs {
            error,
            message: error.to_string(),
        }
    }
}

/// What `ask` answers: `{ok: true, requestId, message}` or `{ok: false, error}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AskedJs<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    /// The text to send to the active GM.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJs<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventJs<'a> {
    #[serde(flatten)]
    event: &'a PlayerEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

#[wasm_bindgen(js_class = RelayPlayer)]
impl RelayPlayerJs {
    #[wasm_bindgen(constructor)]
    pub fn new(user_id: &str) -> Result<RelayPlayerJs, JsValue> {
        let inner = PlayerRelay::new(user_id)
            .map_err(|_| interop::js_error("RelayPlayer: userId is not a user id"))?;
        Ok(RelayPlayerJs { inner })
    }

    /// `ask({question, language, historySummary?, requestId?, nowMs?})` → `{ok: true, requestId, message}` (send
    /// `message` to the GM) or `{ok: false, error: {code, ..., message}}` for a question the GM would refuse
    /// (too long, empty). Throws only for a malformed argument.
    pub fn ask(&mut self, input: JsValue) -> Result<JsValue, JsValue> {
        let input: AskInput = interop::from_js_strict(&input, "ask")?;
        if let Some(now_ms) = input.now_ms {
            self.inner.set_time(interop::ms(now_ms));
        }
        let request_id = input.request_id.unwrap_or_else(new_request_id);
        let sent = self.inner.ask(
            &request_id,
            &input.question,
            &input.language,
            input.history_summary.as_deref(),
        );
        let asked = match &sent {
            Ok(message) => AskedJs {
                ok: true,
                request_id: Some(request_id),
                message: Some(message.clone()),
                error: None,
            },
            Err(error) => AskedJs {
                ok: false,
                request_id: None,
                message: None,
                error: Some(ErrorJs::new(error)),
            },
        };
        interop::to_js(&asked)
    }

    /// `cancel(requestId)` → the message to send to the GM; this page stops waiting at once.
    pub fn cancel(&mut self, request_id: &str) -> Result<String, JsValue> {
        self.inner
            .cancel(request_id)
            .map_err(|error| interop::js_error(&error.to_string()))
    }

    /// `resume(requestId, nowMs?)` → the message to send to the GM after a reload, for an id from `pending()`.
    pub fn resume(&mut self, request_id: &str, now_ms: Option<f64>) -> Result<String, JsValue> {
        self.set_time(now_ms);
        self.inner
            .resume(request_id)
            .map_err(|error| interop::js_error(&error.to_string()))
    }

    /// Ids still waiting for their answer, to keep in session storage for `resume` after a reload.
    pub fn pending(&self) -> Vec<String> {
        self.inner.pending()
    }

    /// `receive(raw, nowMs?)` → one event: `{type: "accepted", requestId, queued}`, `{type: "text", requestId, text}` (the
    /// whole answer so far: render it through `renderAnswer`), `{type: "reset", requestId, reason}`,
    /// `{type: "final", requestId, answer: {text, citations, provider, offline, reason, truncated}}`,
    /// `{type: "error", requestId, error: {code, ...}, errorMessage}`, `{type: "resync", requestId, message}` (send
    /// `message` to the GM), `{type: "ignored", requestId}` or `{type: "invalid", error, errorMessage}`.
    pub fn receive(&mut self, raw: JsValue, now_ms: Option<f64>) -> Result<JsValue, JsValue> {
        self.set_time(now_ms);
        let bytes = match raw.as_string() {
            Some(text) => text.into_bytes(),
            None => match raw.dyn_ref::<js_sys::Uint8Array>() {
                Some(array) => array.to_vec(),
                None => b"null".to_vec(),
            },
        };
        event_js(&self.inner.receive(&bytes))
    }

    /// `tick(nowMs)` → `[{type: "error", requestId, error: {code: "gmDidNotAnswer", afterMs}, errorMessage}]`: the
    /// questions the GM's page has been silent about for too long, no longer waited for. Call it at
    /// `nextDeadline()`.
    pub fn tick(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        let events = self.inner.tick(interop::ms(now_ms));
        let array = js_sys::Array::new();
        for event in &events {
            array.push(&event_js(event)?);
        }
        Ok(array.into())
    }

    /// When `tick` next has work, in ms since the epoch; `undefined` when no question is waited for.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.inner.next_deadline().map(|at| at as f64)
    }
}

impl RelayPlayerJs {
    fn set_time(&mut self, now_ms: Option<f64>) {
        if let Some(now_ms) = now_ms {
            self.inner.set_time(interop::ms(now_ms));
        }
    }
}

fn event_js(event: &PlayerEvent) -> Result<JsValue, JsValue> {
    let error_message = match event {
        PlayerEvent::Error { error, .. } | PlayerEvent::Invalid { error } => {
            Some(error.to_string())
        }
        _ => None,
    };
    interop::to_js(&EventJs {
        event,
        error_message,
    })
}

/// 16 random bytes from `crypto.getRandomValues`; natively (tests) the clock and a counter keep ids unique.
pub(crate) fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    #[cfg(target_arch = "wasm32")]
    if getrandom_03::fill(&mut bytes).is_ok() {
        return request_id_from(bytes);
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = js_now_or_zero();
    bytes[..8].copy_from_slice(&now.to_le_bytes());
    bytes[8..].copy_from_slice(&count.to_le_bytes());
    request_id_from(bytes)
}

fn js_now_or_zero() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now() as u64;
    #[cfg(not(target_arch = "wasm32"))]
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}
