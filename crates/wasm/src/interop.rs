//! Conversions between JS values and Rust values. Exports call these instead of touching `JsValue` themselves.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// Serialises a Rust value into a plain JS object (maps become objects, not `Map`s, as JS callers expect).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|error| js_error(&error.to_string()))
}

/// Reads a plain JS object into a Rust value, with a JS `Error` whose message names what was wrong.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|error| js_error(&error.to_string()))
}

/// Reads a plain JS object through JSON text, so a struct with `deny_unknown_fields` refuses a misspelt key
/// (serde-wasm-bindgen reads only the fields a struct names and skips the rest). `what` starts the error message.
pub fn from_js_strict<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let json =
        js_sys::JSON::stringify(value).map_err(|_| js_error(&format!("{what}: not plain data")))?;
    serde_json::from_str(&String::from(json)).map_err(|error| js_error(&format!("{what}: {error}")))
}

/// A JS `Error` with the given message, so the adapter can show `error.message` to the user.
pub fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}
