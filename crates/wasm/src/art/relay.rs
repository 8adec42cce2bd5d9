//! Players' art requests for the adapter (`familiar_art::relay`). The GM's client holds one `ArtRelay`: the relay
//! transport hands it each player's art message with the proven sender and the time, and it answers with actions
//! (send this text to that user, start or cancel a job, log a refusal). A player's page builds its messages with
//! `artRelayRequest` / `artRelayCancel` / `artRelayResume` and reads the GM's with `artRelayRead`. The JS never reads a message.

use familiar_art::prompt::Preset;
use familiar_art::relay::{
    cancel_message, read_reply, request_message, resume_message, ArtAction, ArtOutcome, ArtRelay,
    ArtRelayConfig, ArtToPlayer, SavedArtUsage,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::interop;
use crate::relay::player::new_request_id;

/// `new ArtRelay(config?)`: `config` takes `ArtRelayConfig`'s keys (`playersMayRequest`, `dailyImages`,
/// `strictness`, `requestsPerMinute`, ...); an unknown key or an impossible value throws.
#[wasm_bindgen(js_name = ArtRelay)]
pub struct ArtRelayJs {
    inner: ArtRelay,
}

/// An action for the adapter; a refusal also carries its English text for the GM's log.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionJs<'a> {
    #[serde(flatten)]
    action: &'a ArtAction,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

fn actions_js(actions: &[ArtAction]) -> Result<JsValue, JsValue> {
    let actions: Vec<ActionJs> = actions
        .iter()
        .map(|action| ActionJs {
            action,
            error_message: match action {
                ArtAction::Rejected { error, .. } => Some(error.to_string()),
                _ => None,
            },
        })
        .collect();
    interop::to_js(&actions)
}

fn read_config(config: &JsValue) -> Result<ArtRelayConfig, JsValue> {
    let config: ArtRelayConfig = if config.is_undefined() || config.is_null() {
        ArtRelayConfig::default()
    } else {
        interop::from_js_strict(config, "art relay configuration")?
    };
    match config.problems().first() {
        Some(problem) => Err(interop::js_error(&format!(
            "art relay configuration: {problem}"
        ))),
        None => Ok(config),
    }
}

#[wasm_bindgen(js_class = ArtRelay)]
impl ArtRelayJs {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<ArtRelayJs, JsValue> {
        Ok(ArtRelayJs {
            inner: ArtRelay::new(read_config(&config)?),
        })
    }

    /// `receive(senderUserId, text, nowMs)` → actions. Never throws: bad input becomes a refusal for the sender.
    pub fn receive(
        &mut self,
        sender_user_id: &str,
        text: &str,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        actions_js(
            &self
                .inner
                .receive(sender_user_id, text.as_bytes(), interop::ms(now_ms)),
        )
    }

    /// `onOutcome(call, {images, discarded, blocked, attempts, noProviders, failed}, nowMs)` → actions. `images`
    /// are `{path, preset, width, height, score, provider, safety}` of the images saved in the world's files.
    /// Throws when `outcome` is not such an object.
    #[wasm_bindgen(js_name = onOutcome)]
    pub fn on_outcome(
        &mut self,
        call: f64,
        outcome: JsValue,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let outcome: ArtOutcome = interop::from_js_strict(&outcome, "art outcome")?;
        let actions = match interop::call_id(call) {
            Some(call) => self.inner.on_outcome(call, outcome, interop::ms(now_ms)),
            None => Vec::new(),
        };
        actions_js(&actions)
    }

    /// `tick(nowMs)`: timeouts; call it at `nextDeadline()`.
    pub fn tick(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        actions_js(&self.inner.tick(interop::ms(now_ms)))
    }

    /// When `tick` next has work, in ms since the epoch; `undefined` when no job runs.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.inner.next_deadline().map(|at| at as f64)
    }

    /// `userLeft(userId)` → actions: their running jobs are cancelled.
    #[wasm_bindgen(js_name = userLeft)]
    pub fn user_left(&mut self, user_id: &str) -> Result<JsValue, JsValue> {
        actions_js(&self.inner.user_left(user_id))
    }

    /// `configure(config)`: new settings (omitted keys take their defaults).
    pub fn configure(&mut self, config: JsValue) -> Result<JsValue, JsValue> {
        let config = read_config(&config)?;
        actions_js(&self.inner.set_config(config))
    }

    /// The settings in force, with every key.
    pub fn config(&self) -> Result<JsValue, JsValue> {
        interop::to_js(self.inner.config())
    }

    /// `setUserBudget(userId, images | null)`: a player's own daily image budget; `null` returns them to the
    /// world's.
    #[wasm_bindgen(js_name = setUserBudget)]
    pub fn set_user_budget(&mut self, user_id: &str, images: Option<f64>) -> Result<(), JsValue> {
        let images = interop::budget(images, "setUserBudget: images")?;
        self.inner.set_user_budget(user_id, images);
        Ok(())
    }

    /// `usage(nowMs)` → `[{userId, imagesToday, budgetImages, running}]`.
    pub fn usage(&self, now_ms: f64) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.usage(interop::ms(now_ms)))
    }

    /// Today's images as JSON text, for the world setting that keeps them across a GM's reload.
    #[wasm_bindgen(js_name = savedUsage)]
    pub fn saved_usage(&self) -> String {
        serde_json::to_string(&self.inner.saved_usage()).unwrap_or_else(|_| "[]".to_string())
    }

    /// `restoreUsage(json, nowMs)` → how many players' figures were taken. Throws when `json` is not what
    /// `savedUsage` wrote.
    #[wasm_bindgen(js_name = restoreUsage)]
    pub fn restore_usage(&mut self, json: &str, now_ms: f64) -> Result<usize, JsValue> {
        let saved: Vec<SavedArtUsage> = serde_json::from_str(json)
            .and_then(serde_json::from_value)
            .map_err(|error| interop::js_error(&format!("restoreUsage: {error}")))?;
        Ok(self.inner.restore_usage(&saved, interop::ms(now_ms)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestInput {
    prompt: String,
    presets: Vec<Preset>,
    #[serde(default = "one")]
    variants: u32,
}

fn one() -> u32 {
    1
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuiltRequest {
    request_id: String,
    message: String,
}

/// `artRelayRequest(userId, {prompt, presets, variants?})` → `{requestId, message}`: a player's art request for the
/// GM's client (the GM decides; nothing is checked here but the shape).
#[wasm_bindgen(js_name = artRelayRequest)]
pub fn art_relay_request(user_id: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let input: RequestInput = interop::from_js_strict(&input, "art request")?;
    let request_id = new_request_id();
    let message = request_message(
        &request_id,
        user_id,
        &input.prompt,
        input.presets,
        input.variants,
    );
    interop::to_js(&BuiltRequest {
        request_id,
        message,
    })
}

/// `artRelayCancel(requestId)` → the message that stops it on the GM's client.
#[wasm_bindgen(js_name = artRelayCancel)]
pub fn art_relay_cancel(request_id: &str) -> String {
    cancel_message(request_id)
}

/// `artRelayResume(requestId)` → the message a reloaded page sends for a request it still waits for: the GM's
/// client answers with its outcome, or `accepted` while it still paints.
#[wasm_bindgen(js_name = artRelayResume)]
pub fn art_relay_resume(request_id: &str) -> String {
    resume_message(request_id)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplyJs {
    #[serde(flatten)]
    reply: ArtToPlayer,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

/// `artRelayRead(text)` → the GM's reply (`{type: "accepted" | "finished" | "refused", requestId, ...}`, a refusal
/// with `error.code` for a localised message and `errorMessage` in English), or `undefined` for a text that is not
/// one.
#[wasm_bindgen(js_name = artRelayRead)]
pub fn art_relay_read(text: &str) -> Result<JsValue, JsValue> {
    match read_reply(text.as_bytes()) {
        Some(reply) => {
            let error_message = match &reply {
                ArtToPlayer::Refused { error, .. } => Some(error.to_string()),
                _ => None,
            };
            interop::to_js(&ReplyJs {
                reply,
                error_message,
            })
        }
        None => Ok(JsValue::UNDEFINED),
    }
}
