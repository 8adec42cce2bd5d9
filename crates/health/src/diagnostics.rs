//! "Copy diagnostics": the settings part of the report with every secret taken out. A value goes when its key
//! names a secret (`apiKey`, `token`, `password`, …) or when it looks like one (`sk-…`, a bearer token, a long
//! unbroken run of key characters), wherever it sits in the tree — the provider chain nests its keys in arrays.
//! Questions and answers are never put into the report in the first place; this is the net under it.

use serde_json::{Map, Value};

/// What a removed secret is replaced with, so the report still shows that one was set.
pub const REDACTED: &str = "[redacted]";

/// Words of a settings key that mark its value as a secret (`apiKey`, `api_key`, `familiar.token`, …).
const SECRET_WORDS: [&str; 11] = [
    "key",
    "keys",
    "token",
    "secret",
    "password",
    "passphrase",
    "authorization",
    "credential",
    "credentials",
    "sealed",
    "ciphertext",
];

/// A last word that makes the key about a secret rather than the secret itself (`apiKeyEnv`, `keyName`).
const DESCRIBING_WORDS: [&str; 4] = ["env", "name", "length", "count"];

/// The words of a key: split at `.`, `_`, `-`, spaces and lower-to-upper case changes, lower-cased.
fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if matches!(c, '.' | '_' | '-' | ' ' | '/' | ':') {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_secret_key(key: &str) -> bool {
    let words = key_words(key);
    let describes = words
        .last()
        .is_some_and(|last| DESCRIBING_WORDS.contains(&last.as_str()));
    !describes
        && words
            .iter()
            .any(|word| SECRET_WORDS.contains(&word.as_str()))
}

/// Strings shaped like credentials: provider key prefixes, bearer tokens, or 32+ key characters with no space.
fn looks_like_secret(text: &str) -> bool {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    if ["sk-", "sk_", "bearer ", "key-", "xai-", "gsk_", "hf_"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return true;
    }
    trimmed.len() >= 32
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/'))
        && !trimmed.contains("://")
}

/// A copy of `settings` with every secret replaced by [`REDACTED`] (an empty secret stays empty: "none set").
pub fn redact_settings(settings: &Value) -> Value {
    redact(settings, false)
}

fn redact(value: &Value, under_secret_key: bool) -> Value {
    match value {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, inner) in object {
                out.insert(
                    key.clone(),
                    redact(inner, under_secret_key || is_secret_key(key)),
                );
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| redact(item, under_secret_key))
                .collect(),
        ),
        Value::String(text) if text.is_empty() => Value::String(String::new()),
        Value::String(text) if under_secret_key || looks_like_secret(text) => {
            Value::String(REDACTED.to_string())
        }
        Value::String(text) => {
            // A settings value that is itself JSON (Foundry stores objects as strings) is redacted inside.
            // It is written out again only when something in it was redacted: re-serialising changes its numbers'
            // spelling, so a report redacted twice would differ (found by fuzz/imported_json).
            match serde_json::from_str::<Value>(text) {
                Ok(inner @ (Value::Object(_) | Value::Array(_))) => {
                    let redacted = redact(&inner, under_secret_key);
                    if redacted == inner {
                        Value::String(text.clone())
                    } else {
                        Value::String(redacted.to_string())
                    }
                }
                _ => Value::String(text.clone()),
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null if under_secret_key => {
            Value::String(REDACTED.to_string())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_setting_with_nothing_to_redact_is_kept_as_written() {
        // Found by fuzz/imported_json: a 42-digit number re-spelled on each pass made redaction not idempotent.
        let setting =
            serde_json::json!({ "chain": " [ 111117111111111111111111111111111111111111  ]" });
        let once = redact_settings(&setting);
        assert_eq!(once, setting);
        assert_eq!(redact_settings(&once), once);
        let secret = serde_json::json!({ "chain": r#"[{"apiKey": "sk-abc", "n": 111117111111111111111111111111111111111111}]"# });
        let redacted = redact_settings(&secret);
        assert!(!redacted.to_string().contains("sk-abc"));
        assert_eq!(redact_settings(&redacted), redacted);
    }

    #[test]
    fn keys_are_read_word_by_word() {
        assert_eq!(key_words("familiar.apiKey"), ["familiar", "api", "key"]);
        assert_eq!(key_words("api_key_env"), ["api", "key", "env"]);
        for secret in [
            "apiKey",
            "api_key",
            "x-api-key",
            "familiar.token",
            "Authorization",
            "sealedKeys",
        ] {
            assert!(is_secret_key(secret), "{secret}");
        }
        for harmless in [
            "familiar.keyboard",
            "apiKeyEnv",
            "api_key_env",
            "monkey",
            "tokenCount",
            "turkey",
        ] {
            assert!(!is_secret_key(harmless), "{harmless}");
        }
    }
}
