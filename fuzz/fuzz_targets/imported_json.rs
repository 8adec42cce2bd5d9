//! JSON that Familiar reads back from storage or from the GM's settings: the raven's prefs, the Ask history, a
//! provider chain and the settings a diagnostics report redacts. The same text goes to each reader.
//! Invariants: what each reader keeps reads back to itself (prefs and history round-trip without a problem); the
//! history stays inside its bounds; a provider's normalised base URL is http(s) and a fixed point, and its key is
//! never serialised; redaction leaves no key-shaped string and is idempotent.
#![no_main]

use familiar_chat::{
    BaseUrl, Exchange, ExportLabels, ProviderConfig, Transcript, TranscriptBounds,
};
use familiar_health::diagnostics::redact_settings;
use familiar_raven::Prefs;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Small bounds, so short inputs reach every limit.
const BOUNDS: TranscriptBounds = TranscriptBounds {
    max_exchanges: 4,
    max_bytes: 2048,
    max_question_chars: 40,
    max_answer_chars: 200,
    max_citations: 3,
    max_label_chars: 20,
};

fn prefs(text: &str) {
    let restored = Prefs::restore(text);
    let again = Prefs::restore(&restored.prefs.to_json());
    assert!(
        again.problems.is_empty(),
        "{:?} from {text:?}",
        again.problems
    );
    let (a, b) = (&restored.prefs, &again.prefs);
    assert_eq!(
        (a.last_view, a.collapsed, a.animation),
        (b.last_view, b.collapsed, b.animation)
    );
    match (a.position, b.position) {
        (None, None) => {}
        (Some(p), Some(q)) => {
            let near = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
            assert!(near(p.x, q.x) && near(p.y, q.y), "{p:?} read back as {q:?}");
        }
        other => panic!("position {other:?}"),
    }
}

fn history(value: &Value) {
    let Value::Array(records) = value else { return };
    let read = |records: &[Value]| {
        Transcript::restore(
            BOUNDS,
            records
                .iter()
                .map(|r| serde_json::from_value::<Exchange>(r.clone())),
        )
    };
    let (transcript, skipped) = read(records);
    assert!(transcript.len() + skipped <= records.len());
    assert!(transcript.len() <= BOUNDS.max_exchanges && transcript.bytes() <= BOUNDS.max_bytes);
    let summed: usize = transcript.iter().map(Exchange::stored_bytes).sum();
    assert_eq!(summed, transcript.bytes());
    for exchange in transcript.iter() {
        assert!(!exchange.question.trim().is_empty());
        assert!(exchange.question.chars().count() <= BOUNDS.max_question_chars);
        assert!(exchange.answer.chars().count() <= BOUNDS.max_answer_chars);
        assert!(exchange.citations.len() <= BOUNDS.max_citations);
        assert!(exchange.provider.is_some() != exchange.offline.is_some());
    }
    let saved: Vec<Value> = transcript
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    let (again, skipped_again) = read(&saved);
    assert_eq!(skipped_again, 0, "a kept record did not read back");
    assert!(
        again.iter().eq(transcript.iter()),
        "history changed on a second read"
    );
    let labels = ExportLabels {
        title: "History".into(),
        answered_by: "by {provider}".into(),
        offline: "offline".into(),
        sources: "Sources".into(),
    };
    let _ = transcript.to_markdown(&labels);
}

fn providers(value: &Value) {
    let entries = match value {
        Value::Array(entries) => entries.clone(),
        other => vec![other.clone()],
    };
    for entry in entries {
        let Ok(config) = serde_json::from_value::<ProviderConfig>(entry) else {
            continue;
        };
        // No key field in what is saved (the fuzzer may well spell "apiKey" inside another field's value).
        let saved = serde_json::to_value(&config).unwrap();
        let fields = saved.as_object().expect("a provider saves as an object");
        assert!(
            !fields.contains_key("apiKey") && !fields.contains_key("api_key"),
            "a key was serialised: {saved}"
        );
        if let Ok(base) = config.validate() {
            let url = base.as_str();
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{url}"
            );
            assert_eq!(
                BaseUrl::parse(url).as_ref(),
                Ok(&base),
                "normalising {url} again changed it"
            );
        }
    }
}

fn assert_redacted(value: &Value) {
    match value {
        Value::String(text) => {
            let lower = text.trim().to_ascii_lowercase();
            assert!(
                !["sk-", "bearer "].iter().any(|p| lower.starts_with(p)),
                "{text:?} kept"
            );
        }
        Value::Array(items) => items.iter().for_each(assert_redacted),
        Value::Object(object) => object.values().for_each(assert_redacted),
        _ => {}
    }
}

fn settings(value: &Value) {
    let redacted = redact_settings(value);
    assert_redacted(&redacted);
    assert_eq!(
        redact_settings(&redacted),
        redacted,
        "redacting twice changed it"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    prefs(text);
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    history(&value);
    providers(&value);
    settings(&value);
});
