//! The diagnostics report's settings carry no secret, wherever it is nested or however it is named.

use familiar_health::{redact_settings, REDACTED};
use serde_json::json;

#[test]
fn keys_tokens_and_secret_looking_values_are_redacted_everywhere() {
    let settings = json!({
        "familiar.providers": [
            {"name": "OpenAI", "api": "openai", "baseUrl": "https://api.openai.com/v1", "apiKey": "sk-live-123", "model": "gpt-4o-mini"},
            {"name": "Local", "api": "openai", "baseUrl": "http://localhost:11434/v1", "apiKey": ""}
        ],
        "familiar.artProviders": "[{\"name\":\"Horde\",\"apiKey\":\"0000000000\"}]",
        "familiar.sealed": {"iv": "abc", "ciphertext": "def"},
        "familiar.note": "Bearer abcdef",
        "familiar.pasted": "Z2hwX2FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1",
        "familiar.playersMayAsk": true,
        "familiar.keyboard": "arrows",
        "familiar.rateLimit": 100,
        "nested": {"authorization": {"value": 42}},
        "familiar.motto": "a raven that answers rules questions",
    });
    let redacted = redact_settings(&settings);
    assert_eq!(redacted["familiar.providers"][0]["apiKey"], REDACTED);
    assert_eq!(
        redacted["familiar.providers"][0]["baseUrl"],
        "https://api.openai.com/v1"
    );
    assert_eq!(redacted["familiar.providers"][0]["model"], "gpt-4o-mini");
    assert_eq!(
        redacted["familiar.providers"][1]["apiKey"], "",
        "an empty key says none is set"
    );
    let art: serde_json::Value =
        serde_json::from_str(redacted["familiar.artProviders"].as_str().unwrap()).unwrap();
    assert_eq!(art[0]["apiKey"], REDACTED);
    assert_eq!(art[0]["name"], "Horde");
    assert_eq!(redacted["familiar.sealed"]["ciphertext"], REDACTED);
    assert_eq!(redacted["familiar.note"], REDACTED);
    assert_eq!(redacted["familiar.pasted"], REDACTED);
    assert_eq!(redacted["familiar.playersMayAsk"], true);
    assert_eq!(redacted["familiar.keyboard"], "arrows");
    assert_eq!(redacted["familiar.rateLimit"], 100);
    assert_eq!(redacted["nested"]["authorization"]["value"], REDACTED);
    assert_eq!(
        redacted["familiar.motto"],
        "a raven that answers rules questions"
    );
    let text = redacted.to_string();
    for secret in ["sk-live-123", "0000000000", "abcdef", "Z2hwX2Fi"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}
