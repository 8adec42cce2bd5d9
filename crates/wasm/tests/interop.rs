//! How JS values become Rust values: every export reads its arguments through JSON text (`JSON.stringify`, then
//! serde_json), and these are the JS cases where that differs from reading the object property by property.

use familiar_wasm::RulesIndexJs;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

fn set(object: &JsValue, key: &str, value: &JsValue) {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value).expect("property is writable");
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn error_message(error: JsValue) -> String {
    let error: js_sys::Error = error.dyn_into().expect("a JS Error");
    String::from(error.message())
}

#[wasm_bindgen_test]
fn an_undefined_property_is_absent() {
    let request = parse(r#"{"partyLevel": 4, "partySize": 4}"#);
    set(&request, "npcLevels", &JsValue::UNDEFINED);
    set(&request, "hazards", &JsValue::UNDEFINED);
    let result = familiar_wasm::calculate_xp(request).expect("rated");
    assert_eq!(get(&result, "totalXP").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn a_nan_number_is_refused_naming_the_field() {
    // JSON.stringify writes NaN as null; the encounter requests read that back as NaN.
    let request = parse(r#"{"partySize": 4, "npcLevels": [2]}"#);
    set(&request, "partyLevel", &JsValue::from_f64(f64::NAN));
    let message = error_message(familiar_wasm::calculate_xp(request).unwrap_err());
    assert!(message.contains("whole number"), "{message}");
    let npc_levels = js_sys::Array::of1(&JsValue::from_f64(f64::NAN));
    let request = parse(r#"{"partyLevel": 4, "partySize": 4}"#);
    set(&request, "npcLevels", &npc_levels);
    let message = error_message(familiar_wasm::calculate_xp(request).unwrap_err());
    assert!(message.contains("whole number"), "{message}");
}

#[wasm_bindgen_test]
fn messages_have_no_json_position() {
    let message =
        error_message(familiar_wasm::calculate_xp(parse(r#"{"partySize": 4}"#)).unwrap_err());
    assert_eq!(message, "missing field `partyLevel`");
}

#[wasm_bindgen_test]
fn bytes_cycles_and_undefined_are_refused_with_an_error() {
    let mut index = RulesIndexJs::new().expect("index");
    // A typed array is an object of indices in JSON, not a list: refused, never read as bytes.
    let bytes = js_sys::Uint8Array::new_with_length(2);
    let message = error_message(index.remove(bytes.into()).unwrap_err());
    assert!(message.contains("invalid type"), "{message}");
    let cyclic = js_sys::Object::new();
    set(&cyclic, "self", &cyclic);
    let message = error_message(index.remove(cyclic.into()).unwrap_err());
    assert_eq!(message, "not plain data");
    let message = error_message(index.remove(JsValue::UNDEFINED).unwrap_err());
    assert!(message.contains("invalid type: null"), "{message}");
    let removed = index.remove(parse(r#"["Compendium.x.y.Item.z"]"#));
    assert_eq!(removed.ok(), Some(0));
}
