//! Conversions between JS values and Rust values. Exports call these instead of touching `JsValue` themselves.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// Serialises a Rust value into a plain JS object (maps become objects, not `Map`s, as JS callers expect), through
/// JSON text (serde_json, then `JSON.parse`) like [`from_js`] reads: a non-finite number is `null`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|error| js_error(&error.to_string()))?;
    js_sys::JSON::parse(&json)
}

/// Reads a plain JS object into a Rust value, with a JS `Error` whose message names what was wrong.
///
/// Every JS value becomes Rust through JSON text (`JSON.stringify`, then serde_json), so the bundle holds one
/// deserializer per type instead of one per backend. What that means for the caller: an `undefined` property is
/// absent (a `null` one is `null`), `undefined` itself reads as `null`, a non-finite number reads as `null`, an
/// object's `toJSON` is used (a `Date` is its ISO text), a `Map`/`Set` is `{}` and a typed array an object of
/// indices (no input type holds bytes), a struct with `deny_unknown_fields` refuses a key it does not name, and a
/// cyclic object or a `BigInt` is refused as not plain data. The message is serde's, without serde_json's
/// position (the text is the caller's object, not a file).
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    let json = json_text(&value).ok_or_else(|| js_error("not plain data"))?;
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|error| js_error(&without_position(&error)))?;
    serde_json::from_value(value).map_err(|error| js_error(&error.to_string()))
}

/// Reads a plain JS object through JSON text like [`from_js`]; `what` starts the error message, which keeps
/// serde_json's position.
pub fn from_js_strict<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let json = json_text(value).ok_or_else(|| js_error(&format!("{what}: not plain data")))?;
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|error| js_error(&format!("{what}: {error}")))?;
    serde_json::from_value(value).map_err(|error| js_error(&format!("{what}: {error}")))
}

/// `JSON.stringify(value)`; `null` for what JSON cannot hold at the top (`undefined`, a function), `None` when
/// it throws (a cycle, a `BigInt`).
fn json_text(value: &JsValue) -> Option<String> {
    let json = js_sys::JSON::stringify(value).ok()?;
    Some(json.as_string().unwrap_or_else(|| "null".into()))
}

/// A serde_json error's message without its "at line 1 column 9" suffix.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(bare) => bare.to_string(),
        None => message,
    }
}

/// A JS time in float milliseconds as the relays and stores count it: a negative or non-finite time is 0 (the
/// epoch; nothing goes back before it).
pub fn ms(now_ms: f64) -> u64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    }
}

/// A call number the bundle handed out: a whole number from 1 to `Number.MAX_SAFE_INTEGER`, else `None`.
pub fn call_id(value: f64) -> Option<u64> {
    (value.fract() == 0.0 && (1.0..=9_007_199_254_740_991.0).contains(&value))
        .then_some(value as u64)
}

/// A daily budget from JS: `null` is none of its own, else 0 or more; `what` names the method and unit in the
/// error ("setUserBudget: tokens").
pub fn budget(value: Option<f64>, what: &str) -> Result<Option<u64>, JsValue> {
    match value {
        Some(amount) if amount.is_finite() && amount >= 0.0 => Ok(Some(amount as u64)),
        Some(_) => Err(js_error(&format!("{what} must be 0 or more"))),
        None => Ok(None),
    }
}

/// A JS `Error` with the given message, so the adapter can show `error.message` to the user.
pub fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// A JS `Error` with a `kind` property naming the case, for a localised message and typed handling.
pub fn js_error_with_kind(kind: &str, message: &str) -> JsValue {
    let error = js_error(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&error, &"kind".into(), &kind.into());
    error
}

/// Serialises into a plain JS object with camelCase keys (Rust's snake_case field names), values unchanged.
pub fn to_js_camel<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_value(value).map_err(|error| js_error(&error.to_string()))?;
    to_js(&rename_keys(json, &snake_to_camel))
}

/// Reads settings written with camelCase or snake_case keys (camelCase ones become snake_case) like
/// [`from_js`]; the error is the bare message ("not plain data" or serde's), for the caller to wrap.
pub fn from_js_any_case<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let json = json_text(value).ok_or_else(|| "not plain data".to_string())?;
    let value = serde_json::from_str(&json).map_err(|error| error.to_string())?;
    serde_json::from_value(rename_keys(value, &camel_to_snake)).map_err(|error| error.to_string())
}

fn rename_keys(value: serde_json::Value, rename: &dyn Fn(&str) -> String) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (rename(&key), rename_keys(value, rename)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| rename_keys(item, rename))
                .collect(),
        ),
        other => other,
    }
}

fn snake_to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

fn camel_to_snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
