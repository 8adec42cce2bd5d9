//! Shared helpers for the integration tests: where the PF2e reference data lives, if it is present.

use std::path::PathBuf;

/// `../shared/pf2e` relative to the repository root (or `FAMILIAR_SHARED`), when it exists.
#[allow(dead_code)] // each test file uses a different subset
pub fn shared_file(name: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("FAMILIAR_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pf2e"),
    };
    let path = dir.join(name);
    if path.is_file() {
        Some(path)
    } else {
        println!("skipped: ../shared/pf2e not present ({name} missing)");
        None
    }
}

/// Every leaf path of a JSON value with its JSON type: `system.perception.senses[].range: number`. Array
/// elements share one `[]` path; the keys of the objects named in `maps` (records keyed by id or slug, such as
/// `damageRolls` or `skills`) collapse to `*`.
#[allow(dead_code)]
pub fn typed_paths(
    value: &serde_json::Value,
    prefix: &str,
    maps: &[&str],
) -> std::collections::BTreeSet<(String, &'static str)> {
    use serde_json::Value;
    let mut out = std::collections::BTreeSet::new();
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let collapse = maps.iter().any(|name| prefix.ends_with(name));
            for (key, child) in map {
                let key = if collapse { "*" } else { key.as_str() };
                out.extend(typed_paths(child, &format!("{prefix}.{key}"), maps));
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.extend(typed_paths(item, &format!("{prefix}[]"), maps));
            }
        }
        other => {
            out.insert((prefix.to_string(), kind(other)));
        }
    }
    out
}

/// The strings of a JSON array (a trait list); panics on anything else, as a test should.
#[allow(dead_code)]
pub fn strings(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string"))
        .collect()
}
