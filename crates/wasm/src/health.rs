//! The health rules of this browser: one [`Monitor`] for the page, fed by every chat session's provider calls
//! (in Rust, as they happen) and by what the adapter reports, read by the Status view.

use std::cell::RefCell;

use familiar_health::{HealthEvent, Monitor};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::chat::now_ms;
use crate::interop::{from_js_strict, to_js};

thread_local! {
    static MONITOR: RefCell<Monitor> = RefCell::new(Monitor::new());
}

/// Records one event on the page's monitor (the chat driver's provider calls come through here).
pub(crate) fn record(event: HealthEvent) {
    MONITOR.with(|monitor| monitor.borrow_mut().record(event, now_ms()));
}

/// Whether the slow-provider rule has marked this provider degraded (the chat chain passes over it).
pub(crate) fn is_degraded(provider: &str) -> bool {
    MONITOR.with(|monitor| monitor.borrow().is_degraded(provider))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HealthView {
    rules: Vec<familiar_health::RuleSnapshot>,
    providers: Vec<familiar_health::ProviderSnapshot>,
}

/// What the adapter saw (`{type: "memory", used, budget}`, `{type: "sessionDropped", session}`, …).
#[wasm_bindgen(js_name = recordHealth)]
pub fn record_health(event: JsValue) -> Result<(), JsValue> {
    record(from_js_strict(&event, "health event")?);
    Ok(())
}

/// Every rule's value and state and every provider heard from (`{rules, providers}`), for the Status view.
#[wasm_bindgen(js_name = healthSnapshot)]
pub fn health_snapshot() -> Result<JsValue, JsValue> {
    let view = MONITOR.with(|monitor| {
        let mut monitor = monitor.borrow_mut();
        let now = now_ms();
        monitor.tick(now);
        HealthView {
            rules: monitor.snapshot(now),
            providers: monitor.providers(),
        }
    });
    to_js(&view)
}

/// The alerts raised since the last call, each handed out once, for the adapter to act on.
#[wasm_bindgen(js_name = takeHealthAlerts)]
pub fn take_health_alerts() -> Result<JsValue, JsValue> {
    let alerts: Vec<familiar_health::Alert> = MONITOR.with(|monitor| {
        let mut monitor = monitor.borrow_mut();
        monitor.tick(now_ms());
        std::iter::from_fn(|| monitor.poll_alert()).collect()
    });
    to_js(&alerts)
}

/// The health part of the diagnostics report: every rule now, every provider, and the rules' history.
pub(crate) fn report() -> serde_json::Value {
    MONITOR.with(|monitor| {
        let mut monitor = monitor.borrow_mut();
        let now = now_ms();
        monitor.tick(now);
        serde_json::json!({
            "at": now,
            "rules": monitor.snapshot(now),
            "providers": monitor.providers(),
            "history": monitor.history().collect::<Vec<_>>(),
        })
    })
}
