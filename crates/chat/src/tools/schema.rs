//! The JSON Schema subset the tools use, checked against a model's arguments: `type` (object, array, string,
//! integer, number, boolean), `properties`, `required`, `additionalProperties: false`, `enum`, `minimum`/`maximum`,
//! `minLength`/`maxLength`, `minItems`/`maxItems` and `items`. A problem comes back with the path a model can fix
//! (`creatures[2].adjustment: expected one of "elite", "weak", got "strong"`); nothing here panics on any input.
//!
//! Two leniencies, both of which models need: an optional property given as `null` counts as left out, and a whole
//! number written as a float (`4.0`) is an integer, as JSON Schema itself says.

use serde_json::{Map, Value};

/// Why arguments do not fit their schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct SchemaError {
    /// Where: `party_level`, `creatures[2].level`, or `arguments` for the whole object.
    pub path: String,
    pub problem: String,
}

/// Where in the arguments a value is, written out only for an error (checking allocates no path).
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Item(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => f.write_str("arguments"),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Item(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Arguments nested deeper than this are refused before they are walked.
const MAX_DEPTH: usize = 8;

/// Checks `value` against `schema` and returns it normalised: optional `null`s dropped, whole floats as integers.
pub fn check(schema: &Value, value: Value) -> Result<Value, SchemaError> {
    walk(schema, value, &Path::Root, 0)
}

fn fail(path: &Path<'_>, problem: String) -> SchemaError {
    SchemaError {
        path: path.to_string(),
        problem,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short, safe echo of what the model sent.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The integer a JSON number stands for, when it is whole and fits.
fn as_integer(value: &Value) -> Option<i64> {
    let number = value.as_number()?;
    if let Some(integer) = number.as_i64() {
        return Some(integer);
    }
    let float = number.as_f64()?;
    (float.is_finite() && float.fract() == 0.0 && float.abs() < 9.0e15).then_some(float as i64)
}

fn walk(schema: &Value, value: Value, path: &Path<'_>, depth: usize) -> Result<Value, SchemaError> {
    if depth > MAX_DEPTH {
        return Err(fail(path, "nested too deeply".into()));
    }
    let value = match schema.get("type").and_then(Value::as_str) {
        Some("object") => object(schema, value, path, depth)?,
        Some("array") => array(schema, value, path, depth)?,
        Some("string") => match value {
            Value::String(text) => {
                let length = text.chars().count() as u64;
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                    if length < min {
                        return Err(fail(
                            path,
                            format!("must not be empty (at least {min} characters)"),
                        ));
                    }
                }
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                    if length > max {
                        return Err(fail(
                            path,
                            format!("is {length} characters long; at most {max}"),
                        ));
                    }
                }
                Value::String(text)
            }
            other => {
                return Err(fail(
                    path,
                    format!("expected a string, got {}", kind(&other)),
                ))
            }
        },
        Some("integer") => match as_integer(&value) {
            Some(integer) => {
                let min = schema.get("minimum").and_then(Value::as_i64);
                let max = schema.get("maximum").and_then(Value::as_i64);
                if min.is_some_and(|min| integer < min) || max.is_some_and(|max| integer > max) {
                    let range = match (min, max) {
                        (Some(min), Some(max)) => format!("from {min} to {max}"),
                        (Some(min), None) => format!("at least {min}"),
                        (None, Some(max)) => format!("at most {max}"),
                        (None, None) => String::new(),
                    };
                    return Err(fail(path, format!("{integer} is out of range: {range}")));
                }
                Value::from(integer)
            }
            None => {
                let got = match &value {
                    Value::Number(_) => format!("the fraction {value}"),
                    Value::String(_) => format!("the string {}", shown(&value)),
                    other => kind(other).to_string(),
                };
                return Err(fail(path, format!("expected an integer, got {got}")));
            }
        },
        Some("number") => match value {
            Value::Number(number) => Value::Number(number),
            other => {
                return Err(fail(
                    path,
                    format!("expected a number, got {}", kind(&other)),
                ))
            }
        },
        Some("boolean") => match value {
            Value::Bool(flag) => Value::Bool(flag),
            other => {
                return Err(fail(
                    path,
                    format!("expected true or false, got {}", kind(&other)),
                ))
            }
        },
        _ => value,
    };
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(&value) {
            let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(fail(
                path,
                format!(
                    "expected one of {}, got {}",
                    names.join(", "),
                    shown(&value)
                ),
            ));
        }
    }
    Ok(value)
}

fn object(
    schema: &Value,
    value: Value,
    path: &Path<'_>,
    depth: usize,
) -> Result<Value, SchemaError> {
    let Value::Object(fields) = value else {
        return Err(fail(
            path,
            format!("expected an object, got {}", kind(&value)),
        ));
    };
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    let mut out = Map::new();
    for (name, field) in fields {
        let Some(property) = properties.get(&name) else {
            if closed {
                let known: Vec<&str> = properties.keys().map(String::as_str).collect();
                return Err(fail(
                    path,
                    format!(
                        "unknown argument {}; the arguments are {}",
                        shown(&Value::String(name)),
                        known.join(", ")
                    ),
                ));
            }
            out.insert(name, field);
            continue;
        };
        if field.is_null() && !required.contains(&name.as_str()) {
            continue;
        }
        let checked = walk(property, field, &Path::Field(path, &name), depth + 1)?;
        out.insert(name, checked);
    }
    if let Some(missing) = required.iter().find(|name| !out.contains_key(**name)) {
        return Err(fail(
            path,
            format!("the required argument {missing:?} is missing"),
        ));
    }
    Ok(Value::Object(out))
}

fn array(
    schema: &Value,
    value: Value,
    path: &Path<'_>,
    depth: usize,
) -> Result<Value, SchemaError> {
    let Value::Array(items) = value else {
        return Err(fail(
            path,
            format!("expected an array, got {}", kind(&value)),
        ));
    };
    let count = items.len() as u64;
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
        if count < min {
            return Err(fail(path, format!("has {count} entries; at least {min}")));
        }
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
        if count > max {
            return Err(fail(path, format!("has {count} entries; at most {max}")));
        }
    }
    let Some(item_schema) = schema.get("items") else {
        return Ok(Value::Array(items));
    };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        out.push(walk(
            item_schema,
            item,
            &Path::Item(path, index),
            depth + 1,
        )?);
    }
    Ok(Value::Array(out))
}
