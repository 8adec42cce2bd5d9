//! The rules index as JS sees it: plain objects in and out, visibility, updates, bytes round trip, corruption.

use familiar_wasm::RulesIndexJs;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn first_name(hits: &JsValue) -> Option<String> {
    let hits = js_sys::Array::from(hits);
    (hits.length() > 0).then(|| get(&hits.get(0), "name").as_string())?
}

const DOCS: &str = r#"[
  {"_id": "a1", "name": "Lantern Glow", "type": "spell", "pack": "home.spells",
   "uuid": "Compendium.home.spells.Item.a1",
   "system": {"description": {"value": "<p>A soft light follows you.</p>"}, "traits": {"value": ["light"]}}},
  {"_id": "b2", "name": "Hold Breath", "type": "action", "pack": "home.secret",
   "uuid": "Compendium.home.secret.Item.b2",
   "system": {"description": {"value": "<p>You stop breathing underwater for a while.</p>"}, "traits": {"value": []}}},
  {"name": "broken document"}
]"#;

fn index() -> RulesIndexJs {
    let mut index = RulesIndexJs::new().expect("index");
    let report = index
        .add_documents(js(DOCS), None, None)
        .expect("documents load");
    assert_eq!(get(&report, "indexed").as_f64(), Some(2.0));
    assert_eq!(js_sys::Array::from(&get(&report, "skipped")).length(), 1);
    index
}

#[wasm_bindgen_test]
fn search_returns_plain_objects_with_citations() {
    let mut index = index();
    let hits = index
        .search("lantern light", JsValue::UNDEFINED, None)
        .expect("search");
    let hit = js_sys::Array::from(&hits).get(0);
    assert!(
        !hit.is_instance_of::<js_sys::Map>(),
        "a plain object, not a Map"
    );
    assert_eq!(
        get(&hit, "name").as_string().as_deref(),
        Some("Lantern Glow")
    );
    assert_eq!(
        get(&hit, "link").as_string().as_deref(),
        Some("@UUID[Compendium.home.spells.Item.a1]{Lantern Glow}")
    );
    assert_eq!(get(&hit, "type").as_string().as_deref(), Some("spell"));
}

#[wasm_bindgen_test]
fn players_see_only_their_packs() {
    let mut index = index();
    let player = js(r#"{"top": 5, "userPacks": ["home.spells"]}"#);
    let hits = index
        .search("breathing underwater", player, None)
        .expect("search");
    assert_eq!(first_name(&hits), None);
    let hits = index
        .search("breathing underwater", JsValue::UNDEFINED, None)
        .expect("search");
    assert_eq!(first_name(&hits).as_deref(), Some("Hold Breath"));
}

#[wasm_bindgen_test]
fn removal_and_bytes_round_trip() {
    let mut index = index();
    let removed = index
        .remove(js(r#"["Compendium.home.secret.Item.b2"]"#))
        .expect("remove");
    assert_eq!(removed, 1);
    let bytes = index.to_bytes().expect("bytes");
    let mut loaded = RulesIndexJs::from_bytes(&bytes).expect("bytes load");
    assert_eq!(
        get(&loaded.stats().expect("stats"), "documents").as_f64(),
        Some(1.0)
    );
    let hits = loaded
        .search("Lantern", JsValue::UNDEFINED, None)
        .expect("search");
    assert_eq!(first_name(&hits).as_deref(), Some("Lantern Glow"));

    let mut corrupted = bytes.clone();
    let middle = corrupted.len() / 2;
    corrupted[middle] ^= 0xff;
    assert!(RulesIndexJs::from_bytes(&corrupted).is_err());
}

#[wasm_bindgen_test]
fn hostile_queries_never_throw() {
    let mut index = index();
    for query in ["\"", "name:(", "[[/r 1d6]]", "AND OR NOT", "", "ü̈ 🐉 \u{0}"] {
        assert!(
            index.search(query, JsValue::UNDEFINED, None).is_ok(),
            "{query}"
        );
    }
}

#[wasm_bindgen_test]
fn a_pack_added_in_slices_reports_positions_in_the_pack_and_commits_in_steps() {
    let mut index = RulesIndexJs::new().expect("index");
    let all = js_sys::Array::from(&js(DOCS));
    let first = index
        .add_documents(all.slice(0, 2).into(), None, Some(0))
        .expect("first slice");
    assert_eq!(js_sys::Array::from(&get(&first, "skipped")).length(), 0);
    let second = index
        .add_documents(all.slice(2, 3).into(), None, Some(2))
        .expect("second slice");
    let skipped = js_sys::Array::from(&get(&second, "skipped"));
    assert_eq!(
        get(&skipped.get(0), "what").as_string().as_deref(),
        Some("#2"),
        "the broken document is the pack's third"
    );
    let mut calls = 1;
    while !index.commit_step(1).expect("commit step") {
        calls += 1;
    }
    // One unit a call for the two documents, then the call that writes the segment.
    assert_eq!(calls, 3);
    let hits = index
        .search("lantern light", JsValue::UNDEFINED, None)
        .expect("search");
    assert_eq!(first_name(&hits).as_deref(), Some("Lantern Glow"));
}
