//! The raven as JS sees it: a `Raven` class fed plain event objects, answering plain objects with camelCase keys.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn text(value: &JsValue) -> Option<String> {
    value.as_string()
}

fn effect_types(result: &JsValue) -> Vec<String> {
    js_sys::Array::from(&get(result, "effects"))
        .iter()
        .filter_map(|effect| get(&effect, "type").as_string())
        .collect()
}

fn gm() -> familiar_wasm::RavenJs {
    familiar_wasm::RavenJs::new(
        None,
        parse(r#"{"isGM": true, "allowedViews": ["ask", "encounter", "monster", "status"]}"#),
    )
    .expect("a raven")
}

const READY: &str = r#"{"type": "ready", "viewport": {"x": 0, "y": 0, "width": 1280, "height": 720}, "obstacles": []}"#;

#[wasm_bindgen_test]
fn a_click_opens_the_panel_and_the_view_is_a_plain_object() {
    let mut raven = gm();
    let ready = raven.dispatch(parse(READY)).expect("dispatched");
    let view = get(&ready, "view");
    assert!(
        !view.is_instance_of::<js_sys::Map>(),
        "a plain object, not a Map"
    );
    assert_eq!(get(&view, "visible").as_bool(), Some(true));
    assert_eq!(
        text(&get(&get(&view, "state"), "name")).as_deref(),
        Some("perched")
    );
    assert_eq!(
        get(&get(&view, "position"), "x").as_f64(),
        Some(1280.0 - 64.0 - 12.0)
    );
    assert!(get(&view, "panel").is_null(), "a closed panel is absent");

    let opened = raven
        .dispatch(parse(r#"{"type": "click"}"#))
        .expect("dispatched");
    let types = effect_types(&opened);
    assert!(types.contains(&"focusPanel".to_string()), "{types:?}");
    assert!(types.contains(&"persistPrefs".to_string()), "{types:?}");
    let panel = get(&get(&opened, "view"), "panel");
    assert_eq!(text(&get(&panel, "view")).as_deref(), Some("ask"));
    assert_eq!(
        text(&get(&panel, "titleKey")).as_deref(),
        Some("FAMILIAR.Raven.View.Ask")
    );
    assert_eq!(
        js_sys::Array::from(&get(&panel, "allowedViews")).length(),
        4
    );
    let aria = get(&get(&opened, "view"), "aria");
    assert_eq!(get(&aria, "expanded").as_bool(), Some(true));
    assert_eq!(
        text(&get(&aria, "labelKey")).as_deref(),
        Some("FAMILIAR.Raven.Label")
    );
    assert!(get(&opened, "ignored").is_null());
    assert!(raven.prefs_json().contains(r#""lastView":"ask""#));
}

#[wasm_bindgen_test]
fn streamed_text_comes_back_as_whole_sentences() {
    let mut raven = gm();
    raven.dispatch(parse(READY)).expect("ready");
    raven.dispatch(parse(r#"{"type": "click"}"#)).expect("open");
    let asked = raven
        .dispatch(parse(r#"{"type": "submit", "question": "Flanking?"}"#))
        .expect("asked");
    let start = js_sys::Array::from(&get(&asked, "effects")).get(0);
    assert_eq!(text(&get(&start, "type")).as_deref(), Some("startWork"));
    assert_eq!(get(&start, "id").as_f64(), Some(1.0));
    let first = raven
        .dispatch(parse(
            r#"{"type": "answerChunk", "id": 1, "text": "It helps. It"}"#,
        ))
        .expect("chunk");
    let announce = js_sys::Array::from(&get(&first, "effects")).get(0);
    assert_eq!(
        text(&get(&announce, "type")).as_deref(),
        Some("announceSentence")
    );
    assert_eq!(text(&get(&announce, "text")).as_deref(), Some("It helps."));
    assert_eq!(
        text(&get(&get(&first, "view"), "poseKey")).as_deref(),
        Some("FAMILIAR.Raven.Pose.Speaking")
    );
}

#[wasm_bindgen_test]
fn impossible_events_are_reported_and_malformed_ones_throw() {
    let mut raven = gm();
    let early = raven
        .dispatch(parse(r#"{"type": "click"}"#))
        .expect("dispatched");
    let ignored = get(&early, "ignored");
    assert_eq!(text(&get(&ignored, "reason")).as_deref(), Some("notReady"));
    assert!(text(&get(&ignored, "message")).is_some_and(|message| !message.is_empty()));
    assert_eq!(get(&early, "changed").as_bool(), Some(false));

    for bad in [
        r#"{"type": "explode"}"#,
        r#"{"type": "dragMove", "x": "left", "y": 1}"#,
        r#"{"type": "selectView", "view": "chat"}"#,
    ] {
        let error = raven.dispatch(parse(bad)).unwrap_err();
        assert!(
            error.is_instance_of::<js_sys::Error>(),
            "{bad} throws a JS Error"
        );
    }
    assert!(familiar_wasm::RavenJs::new(None, parse(r#"{"allowedViews": []}"#)).is_err());
}

#[wasm_bindgen_test]
fn malformed_saved_prefs_fall_back_and_are_reported() {
    let raven = familiar_wasm::RavenJs::new(
        Some("{not json".into()),
        parse(r#"{"isGM": false, "allowedViews": ["ask", "status"]}"#),
    )
    .expect("a raven anyway");
    assert_eq!(raven.prefs_problems().len(), 1);
    let view = raven.view().expect("view");
    assert_eq!(
        get(&view, "visible").as_bool(),
        Some(false),
        "hidden until ready"
    );
    assert!(raven.prefs_json().contains(r#""collapsed":true"#));
}

#[wasm_bindgen_test]
fn lang_keys_are_listed_for_the_adapter() {
    let keys = js_sys::Array::from(&familiar_wasm::raven_lang_keys().expect("keys"));
    assert!(keys.length() >= 20);
    assert!(keys
        .iter()
        .any(|key| key.as_string().as_deref() == Some("FAMILIAR.Raven.Pose.Thinking")));
}
