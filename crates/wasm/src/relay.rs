//! The GM relay for the adapter. The GM's client holds one `Relay`: the socket hands it every player message with
//! the sender id and the time, and it answers with actions (send this text to that user, start or cancel a
//! provider call, log a refusal). Each player's page holds one `RelayPlayer`, which builds its messages and reads
//! the GM's replies. The JS never reads a relayed message: it forwards the text (encrypted for its recipient, or as
//! a targeted query) to the user the action names. The rules live in `familiar_chat::relay`.

pub(crate) mod player;

use familiar_chat::relay::{
    Action, OfflineNotice, ProviderAnswer, Relay, RelayConfig, SavedUsage, WireCitation,
};
use familiar_chat::Usage;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::interop;

pub use player::RelayPlayerJs;

/// `new Relay(config?)`: `config` takes any of `RelayConfig`'s keys in camelCase (`maxConcurrent`,
/// `dailyTokenBudget`, `playersMayAsk`, ...); an unknown key or an impossible value throws.
#[wasm_bindgen(js_name = Relay)]
pub struct RelayJs {
    inner: Relay,
}

/// An action for the adapter; a refusal also carries its English text for the GM's log.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionJs<'a> {
    #[serde(flatten)]
    action: &'a Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

fn actions_js(actions: &[Action]) -> Result<JsValue, JsValue> {
    let actions: Vec<ActionJs> = actions
        .iter()
        .map(|action| ActionJs {
            action,
            error_message: match action {
                Action::Rejected { error, .. } => Some(error.to_string()),
                _ => None,
            },
        })
        .collect();
    interop::to_js(&actions)
}

/// The chat session's answer object (`ChatSession.ask` resolves with it), as `onFinal` reads it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer {
    #[serde(alias = "text")]
    markdown: String,
    #[serde(default)]
    citations: Vec<WireCitation>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    offline_reason: Option<OfflineNotice>,
    #[serde(default)]
    usage: Option<UsageInput>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageInput {
    #[serde(default)]
    input_tokens: Option<u32>,
    #[serde(default)]
    output_tokens: Option<u32>,
}

#[wasm_bindgen(js_class = Relay)]
impl RelayJs {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<RelayJs, JsValue> {
        Ok(RelayJs {
            inner: Relay::new(read_config(config)?),
        })
    }

    /// `receive(senderUserId, raw, nowMs)` → actions. `raw` is the message text as it arrived (a string, or the
    /// decrypted bytes as a `Uint8Array`); `senderUserId` is who the transport says sent it, never a field of the
    /// message. Never throws: bad input becomes an error for the sender and a `rejected` action.
    pub fn receive(
        &mut self,
        sender_user_id: &str,
        raw: JsValue,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let bytes = match raw.as_string() {
            Some(text) => text.into_bytes(),
            None => match raw.dyn_ref::<js_sys::Uint8Array>() {
                Some(array) => array.to_vec(),
                // Anything else is not a message: refused as "expected a JSON object".
                None => b"null".to_vec(),
            },
        };
        actions_js(
            &self
                .inner
                .receive(sender_user_id, &bytes, interop::ms(now_ms)),
        )
    }

    /// `onDelta(call, text, nowMs)`: the session's `delta` event for a started call.
    #[wasm_bindgen(js_name = onDelta)]
    pub fn on_delta(&mut self, call: f64, text: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let actions = match interop::call_id(call) {
            Some(call) => self.inner.on_delta(call, text, interop::ms(now_ms)),
            None => Vec::new(),
        };
        actions_js(&actions)
    }

    /// `onReset(call, reason, nowMs)`: the session's `reset` event (a failover mid-answer).
    #[wasm_bindgen(js_name = onReset)]
    pub fn on_reset(&mut self, call: f64, reason: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let actions = match interop::call_id(call) {
            Some(call) => self.inner.on_reset(call, reason, interop::ms(now_ms)),
            None => Vec::new(),
        };
        actions_js(&actions)
    }

    /// `onFinal(call, answer, nowMs)`: the answer object `ChatSession.ask` resolved with (`markdown`,
    /// `citations`, `provider`, `offlineReason`, `usage`; other keys are ignored). Throws only when `answer` is not
    /// such an object.
    #[wasm_bindgen(js_name = onFinal)]
    pub fn on_final(
        &mut self,
        call: f64,
        answer: JsValue,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let answer: SessionAnswer = interop::from_js(answer)?;
        let answer = ProviderAnswer {
            text: answer.markdown,
            citations: answer.citations,
            provider: answer.provider,
            offline: answer.offline_reason,
            usage: answer.usage.map(|usage| Usage {
                input_tokens: usage.input_tokens,
                output_tokens: usage.output_tokens,
            }),
        };
        let actions = match interop::call_id(call) {
            Some(call) => self.inner.on_final(call, answer, interop::ms(now_ms)),
            None => Vec::new(),
        };
        actions_js(&actions)
    }

    /// `onFailed(call, message, nowMs)`: `ask` rejected or resolved with `null` without a cancel from the relay;
    /// the asker gets a `failed` error.
    #[wasm_bindgen(js_name = onFailed)]
    pub fn on_failed(&mut self, call: f64, message: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let actions = match interop::call_id(call) {
            Some(call) => self.inner.on_failed(call, message, interop::ms(now_ms)),
            None => Vec::new(),
        };
        actions_js(&actions)
    }

    /// `tick(nowMs)`: timeouts and clean-up; call it at `nextDeadline()` (or every few seconds).
    pub fn tick(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        actions_js(&self.inner.tick(interop::ms(now_ms)))
    }

    /// When `tick` next has work, in ms since the epoch; `undefined` when nothing waits.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.inner.next_deadline().map(|at| at as f64)
    }

    /// `userLeft(userId, nowMs)`: the user disconnected; their waiting questions go, their calls are cancelled.
    #[wasm_bindgen(js_name = userLeft)]
    pub fn user_left(&mut self, user_id: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        actions_js(&self.inner.user_left(user_id, interop::ms(now_ms)))
    }

    /// `forgetUser(userId, nowMs)` → `{actions, keptAnswers, usageRecord}`: "Forget me" — the user's questions stop
    /// and the relay keeps nothing of theirs (answers kept for a resume, today's usage); save `savedUsage` after.
    #[wasm_bindgen(js_name = forgetUser)]
    pub fn forget_user(&mut self, user_id: &str, now_ms: f64) -> Result<JsValue, JsValue> {
        let (actions, forgotten) = self.inner.forget_user(user_id, interop::ms(now_ms));
        let result = js_sys::Object::new();
        js_sys::Reflect::set(&result, &"actions".into(), &actions_js(&actions)?)?;
        js_sys::Reflect::set(
            &result,
            &"keptAnswers".into(),
            &(forgotten.kept_answers as f64).into(),
        )?;
        js_sys::Reflect::set(
            &result,
            &"usageRecord".into(),
            &forgotten.usage_record.into(),
        )?;
        Ok(result.into())
    }

    /// `configure(config, nowMs)` → actions: new settings (same keys as the constructor; omitted keys take their
    /// defaults). Questions a higher limit now allows start at once.
    pub fn configure(&mut self, config: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
        let config = read_config(config)?;
        actions_js(&self.inner.set_config(config, interop::ms(now_ms)))
    }

    /// The settings in force, with every key.
    pub fn config(&self) -> Result<JsValue, JsValue> {
        interop::to_js(self.inner.config())
    }

    /// `setUserBudget(userId, tokens | null)`: a daily budget for one user; `null` returns them to the world's.
    #[wasm_bindgen(js_name = setUserBudget)]
    pub fn set_user_budget(&mut self, user_id: &str, tokens: Option<f64>) -> Result<(), JsValue> {
        let tokens = interop::budget(tokens, "setUserBudget: tokens")?;
        self.inner.set_user_budget(user_id, tokens);
        Ok(())
    }

    /// `usage(nowMs)` → `[{userId, tokensToday, budgetTokens, requestsLastMinute, queued, inFlight}]`.
    pub fn usage(&self, now_ms: f64) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.usage(interop::ms(now_ms)))
    }

    /// Today's spend as JSON text, to keep in the GM's client storage across a reload.
    #[wasm_bindgen(js_name = savedUsage)]
    pub fn saved_usage(&self) -> String {
        serde_json::to_string(&self.inner.saved_usage()).unwrap_or_else(|_| "[]".to_string())
    }

    /// `restoreUsage(json, nowMs)` → how many users' figures were taken; other days' figures are skipped.
    /// Throws when `json` is not what `savedUsage` wrote.
    #[wasm_bindgen(js_name = restoreUsage)]
    pub fn restore_usage(&mut self, json: &str, now_ms: f64) -> Result<usize, JsValue> {
        let saved: Vec<SavedUsage> = serde_json::from_str(json)
            .and_then(serde_json::from_value)
            .map_err(|error| interop::js_error(&format!("restoreUsage: {error}")))?;
        Ok(self.inner.restore_usage(&saved, interop::ms(now_ms)))
    }

    /// `{users, queued, inFlight, storedAnswers, storedBytes, approxBytes, accepted, answered, rejected,
    /// suppressedReplies, timedOut, cancelled}`.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.stats())
    }
}

fn read_config(config: JsValue) -> Result<RelayConfig, JsValue> {
    let config = match config.is_undefined() || config.is_null() {
        true => RelayConfig::default(),
        false => interop::from_js_strict(&config, "relay configuration")?,
    };
    match config.problems().first() {
        Some(problem) => Err(interop::js_error(&format!(
            "relay configuration: {problem}"
        ))),
        None => Ok(config),
    }
}
