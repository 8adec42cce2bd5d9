//! Requests on the wire, the grounded prompt, citation mapping and retry arithmetic, with hand-written expectations.

use familiar_chat::citations::with_names;
use familiar_chat::history::HistoryContext;
use familiar_chat::provider::{chat_request, models_request, parse_models};
use familiar_chat::retry::{backoff_ms, classify_status, retry_after_ms};
use familiar_chat::{
    build_prompt, link_citations, Api, FailureKind, Method, Passage, PromptParts, ProviderConfig,
    RetryPolicy, DEFAULT_SYSTEM_PROMPT,
};
use serde_json::{json, Value};

fn provider(api: Api) -> ProviderConfig {
    ProviderConfig {
        name: "p".into(),
        api,
        base_url: "https://api.example.test/v1/".into(),
        model: "model-x".into(),
        api_key: Some("sk-very-secret".into()),
        max_output_tokens: Some(500),
        context_tokens: None,
    }
}

fn passages() -> Vec<Passage> {
    vec![
        Passage {
            uuid: "Compendium.pf2e.conditionitems.Item.abc".into(),
            anchor: None,
            name: "Grabbed".into(),
            text: "You're held in place.".into(),
        },
        Passage {
            uuid: "Compendium.pf2e.journals.JournalEntry.j1.JournalEntryPage.p1".into(),
            anchor: Some("step".into()),
            name: "Step".into(),
            text: "Move 5 feet.".into(),
        },
    ]
}

fn prompt() -> familiar_chat::Prompt {
    let passages = passages();
    build_prompt(&PromptParts {
        system_template: "Answer in {language}.",
        language: "Deutsch",
        passages: &passages,
        history: HistoryContext::default(),
        question: "  Kann ich im Griff einen Schritt machen? ",
    })
}

#[test]
fn prompt_numbers_passages_and_fills_the_language() {
    let prompt = prompt();
    assert_eq!(prompt.system, "Answer in Deutsch.");
    assert_eq!(prompt.messages.len(), 1);
    assert_eq!(
        prompt.messages[0].content,
        "Passages:\n[1] Grabbed\nYou're held in place.\n\n[2] Step\nMove 5 feet.\n\n\nQuestion: Kann ich im Griff einen Schritt machen?"
    );
}

#[test]
fn default_system_prompt_knows_remaster_names_and_citations() {
    for needle in [
        "off-guard",
        "Reactive Strike",
        "[1]",
        "{language}",
        "vitality",
    ] {
        assert!(DEFAULT_SYSTEM_PROMPT.contains(needle), "{needle}");
    }
}

#[test]
fn openai_request_shape() {
    let request = chat_request(&provider(Api::OpenAi), &prompt());
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://api.example.test/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer sk-very-secret")
    );
    let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(body["model"], json!("model-x"));
    assert_eq!(body["max_tokens"], json!(500));
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Answer in Deutsch."})
    );
    assert_eq!(body["messages"][1]["role"], json!("user"));
}

#[test]
fn anthropic_request_shape() {
    let request = chat_request(&provider(Api::Anthropic), &prompt());
    assert_eq!(request.url, "https://api.example.test/v1/messages");
    assert_eq!(request.header("x-api-key"), Some("sk-very-secret"));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        request.header("anthropic-dangerous-direct-browser-access"),
        Some("true")
    );
    assert_eq!(request.header("authorization"), None);
    let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["system"], json!("Answer in Deutsch."));
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
}

#[test]
fn debug_output_never_shows_the_key() {
    let provider = provider(Api::Anthropic);
    let request = chat_request(&provider, &prompt());
    let printed = format!("{request:?} {provider:?}");
    assert!(!printed.contains("sk-very-secret"), "{printed}");
    assert!(!serde_json::to_string(&provider)
        .unwrap()
        .contains("sk-very-secret"));
}

#[test]
fn models_listing_for_both_formats() {
    let request = models_request(&provider(Api::Anthropic));
    assert_eq!(
        (request.method, request.url.as_str()),
        (Method::Get, "https://api.example.test/v1/models")
    );
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    let openai =
        parse_models(r#"{"object":"list","data":[{"id":"gpt-4o","object":"model"},{"id":"m2"}]}"#)
            .unwrap();
    assert_eq!(
        openai.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["gpt-4o", "m2"]
    );
    let anthropic = parse_models(
        r#"{"data":[{"id":"claude-x","type":"model","display_name":"Claude X"}],"has_more":false}"#,
    )
    .unwrap();
    assert_eq!(anthropic[0].display_name.as_deref(), Some("Claude X"));
    assert!(parse_models("<html>").is_err());
}

#[test]
fn invalid_configs_are_typed_errors() {
    let mut bad = provider(Api::OpenAi);
    bad.base_url = "ftp://x".into();
    assert!(bad.validate().is_err());
    assert!(provider(Api::OpenAi).validate().is_ok());
}

#[test]
fn citations_become_links_and_unknown_numbers_are_dropped() {
    let linked = link_citations(
        "No [1, 2]. Step is a move [2][3], not [0] or [99]. A [link](http://x) and [note] stay.",
        &passages(),
    );
    assert_eq!(
        linked.text,
        "No @UUID[Compendium.pf2e.conditionitems.Item.abc]{Grabbed}, \
         @UUID[Compendium.pf2e.journals.JournalEntry.j1.JournalEntryPage.p1#step]{Step}. Step is a move \
         @UUID[Compendium.pf2e.journals.JournalEntry.j1.JournalEntryPage.p1#step]{Step}, not. \
         A [link](http://x) and [note] stay."
    );
    let numbers: Vec<usize> = linked.citations.iter().map(|c| c.number).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(
        linked.citations[1].uuid,
        "Compendium.pf2e.journals.JournalEntry.j1.JournalEntryPage.p1#step"
    );
}

#[test]
fn model_written_links_outside_the_passages_are_reduced_to_text() {
    let linked = link_citations(
        "See @UUID[Compendium.evil.Item.x]{Fake Rule} and @UUID[Compendium.pf2e.conditionitems.Item.abc]{Grab}.",
        &passages(),
    );
    assert_eq!(
        linked.text,
        "See Fake Rule and @UUID[Compendium.pf2e.conditionitems.Item.abc]{Grab}."
    );
}

#[test]
fn history_keeps_names_instead_of_numbers() {
    assert_eq!(
        with_names(&link_citations("Yes [2], see [1] and [5].", &passages()).text),
        "Yes (Step), see (Grabbed)."
    );
}

#[test]
fn status_classification() {
    let cases = [
        (400, FailureKind::BadRequest, false),
        (401, FailureKind::BadKey, false),
        (403, FailureKind::Forbidden, false),
        (404, FailureKind::UnknownModel, false),
        (408, FailureKind::RequestTimeout, true),
        (409, FailureKind::Conflict, true),
        (422, FailureKind::HttpStatus, false),
        (429, FailureKind::RateLimited, true),
        (500, FailureKind::ServerError, true),
        (503, FailureKind::Overloaded, true),
        (529, FailureKind::Overloaded, true),
    ];
    for (status, kind, retryable) in cases {
        let failure = classify_status(status, &[], "", 0);
        assert_eq!(
            (failure.kind, failure.retryable()),
            (kind, retryable),
            "{status}"
        );
    }
    let header = |v: &str| vec![("x-should-retry".to_string(), v.to_string())];
    assert!(!classify_status(500, &header("false"), "", 0).retryable());
    assert!(classify_status(400, &header("true"), "", 0).retryable());
}

#[test]
fn retry_after_forms() {
    let h = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    assert_eq!(retry_after_ms(&h("retry-after-ms", "250"), 0), Some(250));
    assert_eq!(retry_after_ms(&h("Retry-After", "2.5"), 0), Some(2_500));
    assert_eq!(
        retry_after_ms(&h("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT"), 4_000),
        Some(6_000)
    );
    assert_eq!(
        retry_after_ms(&h("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT"), 60_000),
        Some(0)
    );
    assert_eq!(retry_after_ms(&h("retry-after", "soon"), 0), None);
    assert_eq!(retry_after_ms(&h("retry-after", "-3"), 0), None);
}

#[test]
fn backoff_doubles_caps_and_jitters_down_only() {
    let policy = RetryPolicy::default();
    assert_eq!(backoff_ms(&policy, 0, None, 0.0), 500);
    assert_eq!(backoff_ms(&policy, 1, None, 0.0), 1_000);
    assert_eq!(backoff_ms(&policy, 10, None, 0.0), 8_000);
    assert_eq!(backoff_ms(&policy, 0, None, 0.999_999), 375);
    assert_eq!(backoff_ms(&policy, 0, Some(1_234), 0.5), 1_234);
    assert_eq!(backoff_ms(&policy, 0, Some(60_000), 0.0), 500);
}
