//! The page's health monitor as JS sees it: events in as plain objects, `{rules, providers}` and the alerts out.

use familiar_wasm::{health_snapshot, record_health, take_health_alerts};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn json(value: &JsValue) -> serde_json::Value {
    serde_json::from_str(&js_sys::JSON::stringify(value).unwrap().as_string().unwrap()).unwrap()
}

#[wasm_bindgen_test]
fn three_slow_answers_degrade_a_provider_and_the_snapshot_says_so_once() {
    for _ in 0..3 {
        record_health(parse(
            r#"{"type": "providerResponse", "provider": "slowpoke", "latencyMs": 7000, "ok": true}"#,
        ))
        .unwrap();
    }
    let first = json(&health_snapshot().unwrap());
    let provider = first["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "slowpoke")
        .unwrap()
        .clone();
    assert_eq!(provider["degraded"], true);
    assert_eq!(provider["lastLatencyMs"], 7000);
    let alerts = json(&take_health_alerts().unwrap());
    let alerts = alerts.as_array().unwrap();
    assert!(alerts.iter().any(|a| a["rule"] == "slowProvider"
        && a["provider"] == "slowpoke"
        && a["action"] == "markProviderDegraded"));
    let rules: Vec<_> = first["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].clone())
        .collect();
    assert_eq!(rules.len(), 5);
    // Alerts are handed out once; the snapshot still shows the provider degraded.
    let again = json(&take_health_alerts().unwrap());
    assert!(again
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["provider"] != "slowpoke"));
    let second = json(&health_snapshot().unwrap());
    assert!(second["providers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "slowpoke" && p["degraded"] == true));
}

#[wasm_bindgen_test]
fn a_malformed_event_is_a_clear_error() {
    let error = record_health(parse(r#"{"type": "providerResponse", "provider": 3}"#)).unwrap_err();
    let message = js_sys::Reflect::get(&error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_default();
    assert!(message.contains("health event"), "{message}");
}
