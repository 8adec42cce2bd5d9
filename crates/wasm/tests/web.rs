//! Runs in headless browsers through wasm-bindgen-test: the exports behave as JS sees them.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).expect("property is readable")
}

#[wasm_bindgen_test]
fn build_info_is_a_plain_object_with_the_version() {
    let info = familiar_wasm::build_info().expect("build info serialises");
    assert!(info.is_object());
    assert!(
        !info.is_instance_of::<js_sys::Map>(),
        "a plain object, not a Map"
    );
    assert_eq!(
        get(&info, "version").as_string().as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(get(&info, "target").as_string().as_deref(), Some("wasm32"));
}
