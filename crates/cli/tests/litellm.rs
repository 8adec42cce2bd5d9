//! `familiar ask` against a real OpenAI- and Anthropic-compatible server: the LiteLLM proxy with the models of
//! tests/litellm/config.yaml. Run through tests/tools/with-litellm.sh, which sets FAMILIAR_LITELLM_URL and
//! FAMILIAR_LITELLM_KEY:
//!   tests/tools/with-litellm.sh cargo test -p familiar-cli --features litellm-tests --test litellm

mod ask_support;

use ask_support::Run;
use serde_json::{json, Value};

const QUESTION: &str = "Can I Step while grabbed?";

struct Proxy {
    url: String,
    key: String,
}

/// The proxy tests/tools/with-litellm.sh started. These tests are built only with the `litellm-tests` feature, so
/// a missing proxy is a failure, not a skip.
fn proxy() -> Proxy {
    match (
        std::env::var("FAMILIAR_LITELLM_URL"),
        std::env::var("FAMILIAR_LITELLM_KEY"),
    ) {
        (Ok(url), Ok(key)) => Proxy { url, key },
        _ => {
            panic!("FAMILIAR_LITELLM_URL/KEY are not set: run through tests/tools/with-litellm.sh")
        }
    }
}

fn provider(proxy: &Proxy, name: &str, api: &str, model: &str) -> Value {
    json!({"name": name, "api": api, "base_url": format!("{}/v1", proxy.url), "model": model, "api_key_env": "LITELLM_KEY"})
}

fn ask(proxy: &Proxy, providers: Value) -> Run {
    ask_support::ask(
        Some(providers),
        &["--max-retries", "0"],
        &[("LITELLM_KEY", proxy.key.as_str())],
        QUESTION,
    )
}

fn assert_answered_by(run: &Run, provider: &str) -> String {
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["offline"], json!(false), "{}", run.stdout);
    assert_eq!(last["provider"], json!(provider), "{}", run.stdout);
    assert!(
        !run.stdout
            .contains(&*std::env::var("FAMILIAR_LITELLM_KEY").unwrap()),
        "the key leaked"
    );
    last["answer"].as_str().unwrap().to_string()
}

#[test]
fn openai_format_streams_a_cited_answer() {
    let proxy = proxy();
    let run = ask(
        &proxy,
        json!([provider(&proxy, "litellm", "openai", "familiar-mock")]),
    );
    let answer = assert_answered_by(&run, "litellm");
    assert!(run.lines.len() > 5, "streamed in pieces: {}", run.stdout);
    assert!(run
        .deltas()
        .starts_with("While grabbed you are immobilized"));
    assert!(
        answer.contains("@UUID[Compendium.home.rules.Item."),
        "{answer}"
    );
    assert!(
        !answer.contains("[1]") && !answer.contains("[2]"),
        "{answer}"
    );
    assert_eq!(run.last()["citations"].as_array().unwrap().len(), 2);
}

#[test]
fn anthropic_format_streams_through_the_messages_endpoint() {
    let proxy = proxy();
    let run = ask(
        &proxy,
        json!([provider(&proxy, "claude", "anthropic", "familiar-stream")]),
    );
    let answer = assert_answered_by(&run, "claude");
    assert!(run.lines.len() > 5, "streamed in pieces: {}", run.stdout);
    // The handler names the question it received: the prompt reached the model intact.
    assert!(
        answer.starts_with("Streamed through the proxy for: "),
        "{answer}"
    );
    assert!(answer.contains(QUESTION), "{answer}");
    assert!(
        answer.contains("@UUID[Compendium.home.rules.Item."),
        "{answer}"
    );
}

#[test]
fn openai_format_streams_from_a_custom_handler_with_usage() {
    let proxy = proxy();
    let run = ask(
        &proxy,
        json!([provider(&proxy, "litellm", "openai", "familiar-stream")]),
    );
    let answer = assert_answered_by(&run, "litellm");
    assert!(
        answer.starts_with("Streamed through the proxy for: "),
        "{answer}"
    );
    assert!(
        run.last()["usage"]["outputTokens"].as_u64().unwrap_or(0) > 0,
        "{}",
        run.stdout
    );
}

#[test]
fn rate_limited_and_failing_models_fail_over_to_a_working_one() {
    let proxy = proxy();
    let run = ask(
        &proxy,
        json!([
            provider(&proxy, "busy", "openai", "familiar-ratelimited"),
            provider(&proxy, "broken", "openai", "familiar-down"),
            provider(&proxy, "spare", "openai", "familiar-mock"),
        ]),
    );
    assert_answered_by(&run, "spare");
    let statuses: Vec<(String, Option<u64>)> = run
        .attempts()
        .into_iter()
        .map(|(provider, status, _)| (provider, status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("busy".to_string(), Some(429)),
            ("broken".to_string(), Some(500))
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn a_refused_key_is_not_retried_and_the_answer_comes_from_the_index() {
    let proxy = proxy();
    let run = ask_support::ask(
        Some(json!([provider(
            &proxy,
            "litellm",
            "openai",
            "familiar-mock"
        )])),
        &["--max-retries", "2"],
        &[("LITELLM_KEY", "sk-not-the-master-key")],
        QUESTION,
    );
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["offline"], json!(true), "{}", run.stdout);
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1, "not retried: {}", run.stdout);
    let status = attempts[0].1.unwrap_or(0);
    assert!((400..500).contains(&status), "{}", run.stdout);
}

/// Tool calls through the proxy (#22): its `familiar-tools` model streams a `rate_encounter` call in fragments, and
/// answers from the result; the OpenAI route carries it as `tool_calls`, the Messages route as a `tool_use` block.
#[test]
fn a_tool_call_plays_through_the_proxy_in_both_formats() {
    let proxy = proxy();
    for (name, api) in [("litellm", "openai"), ("claude", "anthropic")] {
        let run = ask_support::ask(
            Some(json!([provider(&proxy, name, api, "familiar-tools")])),
            &["--max-retries", "0", "--tools", "read-only"],
            &[("LITELLM_KEY", proxy.key.as_str())],
            QUESTION,
        );
        let answer = assert_answered_by(&run, name);
        let last = run.last();
        assert_eq!(last["tools"], "used", "{api}: {}", run.stdout);
        assert_eq!(last["steps"][0]["tool"], "rate_encounter", "{api}");
        assert_eq!(last["steps"][0]["status"], "done", "{api}");
        assert_eq!(last["steps"][0]["result"]["totalXP"], 120, "{api}");
        assert!(
            answer.starts_with("Rated through the proxy: 120 XP, severe"),
            "{api}: {answer}"
        );
    }
}
