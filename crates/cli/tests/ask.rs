//! `familiar ask` against our fake provider server (tests/fakes/provider-server.mjs, run with node): every scripted
//! fault gives the right retry, failover or offline answer, and the `attempts` array says what happened.

mod ask_support;

use ask_support::{FakeServer, Run};
use serde_json::{json, Value};

const KEY: &str = "sk-fake-0123456789-secret";

/// The asked question with our fake key in `FAKE_KEY` and two retries unless the test sets its own.
fn ask(providers: Option<Value>, extra: &[&str]) -> Run {
    let mut args = extra.to_vec();
    if !extra.contains(&"--max-retries") {
        args.extend(["--max-retries", "2"]);
    }
    ask_support::ask(
        providers,
        &args,
        &[("FAKE_KEY", KEY)],
        "Can I Step while grabbed?",
    )
}

fn entry(server: &FakeServer, name: &str, api: &str, model: &str) -> Value {
    json!({"name": name, "api": api, "base_url": server.base(name), "model": model, "api_key_env": "FAKE_KEY"})
}

fn assert_online(run: &Run, provider: &str) {
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["offline"], json!(false), "{}", run.stdout);
    assert_eq!(last["provider"], json!(provider), "{}", run.stdout);
    let answer = last["answer"].as_str().unwrap();
    assert!(
        answer.starts_with(&format!("Answer from {provider} ")),
        "{answer}"
    );
    // [1] became a content link; [9] (no such passage) was dropped.
    assert!(
        answer.contains("@UUID[Compendium.home.rules.Item."),
        "{answer}"
    );
    assert!(
        !answer.contains("[9]") && !answer.contains("[1]"),
        "{answer}"
    );
    assert_eq!(last["citations"].as_array().unwrap().len(), 1);
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the key leaked"
    );
}

#[test]
fn openai_answer_streams_with_citations() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "primary", "openai", "ok")])),
        &[],
    );
    assert_online(&run, "primary");
    assert!(run.lines.len() > 3, "deltas stream before the answer");
    assert!(run
        .deltas()
        .starts_with("Answer from primary (ok): no, you can't Step"));
    assert!(run.attempts().is_empty());
    assert_eq!(run.last()["usage"]["inputTokens"], json!(50));
    let log = server.log();
    assert_eq!(log[0]["stream"], json!(true));
    assert_eq!(log[0]["includeUsage"], json!(true));
    assert_eq!(log[0]["hasKey"], json!(true));
}

#[test]
fn anthropic_answer_streams_with_its_headers() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "claude", "anthropic", "ok")])),
        &[],
    );
    assert_online(&run, "claude");
    let log = server.log();
    assert_eq!(log[0]["path"], json!("/claude/v1/messages"));
    assert_eq!(log[0]["anthropicVersion"], json!("2023-06-01"));
    assert_eq!(log[0]["browserAccess"], json!("true"));
}

#[test]
fn server_error_is_retried_on_the_same_provider() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "primary", "openai", "500x1")])),
        &[],
    );
    assert_online(&run, "primary");
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].0.as_str(), attempts[0].1),
        ("primary", Some(500))
    );
    assert!(
        attempts[0].2.contains("internal error (scripted)"),
        "{}",
        attempts[0].2
    );
}

#[test]
fn rate_limit_waits_for_retry_after() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "primary", "openai", "429x1")])),
        &[],
    );
    assert_online(&run, "primary");
    assert_eq!(run.attempts()[0].1, Some(429));
    assert!(
        run.seconds >= 1.0,
        "Retry-After: 1 was honoured ({} s)",
        run.seconds
    );
}

#[test]
fn overloaded_529_fails_over_after_the_retries() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "claude", "anthropic", "529"),
            entry(&server, "backup", "openai", "ok")
        ])),
        &[],
    );
    assert_online(&run, "backup");
    let statuses: Vec<_> = run.attempts().iter().map(|a| (a.0.clone(), a.1)).collect();
    assert_eq!(statuses, vec![("claude".to_string(), Some(529)); 3]);
}

#[test]
fn bad_key_is_not_retried_and_fails_over() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "anthropic", "401"),
            entry(&server, "backup", "anthropic", "ok")
        ])),
        &[],
    );
    assert_online(&run, "backup");
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].1, Some(401));
    assert!(
        attempts[0].2.starts_with("bad API key"),
        "{}",
        attempts[0].2
    );
}

#[test]
fn missing_key_variable_is_reported_without_a_key() {
    let server = FakeServer::start();
    let mut provider = entry(&server, "primary", "openai", "ok");
    provider["api_key_env"] = json!("FAMILIAR_TEST_UNSET_VARIABLE");
    let run = ask(Some(json!([provider])), &[]);
    assert!(run.success);
    assert!(
        run.stderr
            .contains("FAMILIAR_TEST_UNSET_VARIABLE is not set"),
        "{}",
        run.stderr
    );
    assert_eq!(run.last()["offline"], json!(true));
    assert_eq!(run.attempts()[0].1, Some(401));
}

#[test]
fn unknown_model_on_the_only_provider_answers_offline() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "primary", "openai", "404")])),
        &[],
    );
    assert!(run.success, "exit 0 with an offline answer");
    let last = run.last();
    assert_eq!(last["offline"], json!(true));
    assert_eq!(last["provider"], Value::Null);
    assert_eq!(last["offlineReason"]["code"], json!("allFailed"));
    let answer = last["answer"].as_str().unwrap();
    assert!(
        answer.starts_with("**Offline answer**") && answer.contains("unknown model"),
        "{answer}"
    );
    assert!(
        answer.contains("@UUID[Compendium.home.rules.Item."),
        "{answer}"
    );
    assert!(!last["citations"].as_array().unwrap().is_empty());
    let attempts = run.attempts();
    assert_eq!(attempts.len(), 1, "404 is not retried");
    assert_eq!(attempts[0].1, Some(404));
}

#[test]
fn first_byte_timeout_fails_over() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "openai", "timeout"),
            entry(&server, "backup", "openai", "ok")
        ])),
        &["--first-byte-timeout-ms", "400", "--max-retries", "0"],
    );
    assert_online(&run, "backup");
    let attempts = run.attempts();
    assert_eq!(
        (attempts[0].1, attempts[0].2.as_str()),
        (None, "no response within 0.4 s")
    );
}

#[test]
fn slow_trickle_with_keep_alives_still_answers() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([entry(&server, "primary", "openai", "trickle")])),
        &["--idle-timeout-ms", "1000"],
    );
    assert_online(&run, "primary");
    assert!(run.attempts().is_empty());
}

#[test]
fn mid_stream_drop_resets_and_the_next_provider_answers_cleanly() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "openai", "drop"),
            entry(&server, "backup", "anthropic", "ok")
        ])),
        &[],
    );
    assert_online(&run, "backup");
    let reset = run
        .lines
        .iter()
        .position(|l| l.get("reset").is_some())
        .expect("a reset line");
    let after: String = run.lines[reset..]
        .iter()
        .filter_map(|l| l["delta"].as_str())
        .collect();
    assert!(after.starts_with("Answer from backup"), "{after}");
    assert!(!run.last()["answer"].as_str().unwrap().contains("primary"));
    assert_eq!(run.attempts()[0].0, "primary");
}

#[test]
fn malformed_chunk_fails_over() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "openai", "malformed"),
            entry(&server, "backup", "openai", "ok")
        ])),
        &[],
    );
    assert_online(&run, "backup");
    assert!(
        run.attempts()[0].2.contains("malformed chunk"),
        "{:?}",
        run.attempts()
    );
}

#[test]
fn silence_mid_stream_times_out_and_fails_over() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "anthropic", "stall"),
            entry(&server, "backup", "openai", "ok")
        ])),
        &["--idle-timeout-ms", "400"],
    );
    assert_online(&run, "backup");
    assert!(
        run.attempts()[0].2.contains("went silent"),
        "{:?}",
        run.attempts()
    );
}

#[test]
fn in_stream_error_event_fails_over() {
    let server = FakeServer::start();
    let run = ask(
        Some(json!([
            entry(&server, "primary", "anthropic", "error-event"),
            entry(&server, "backup", "openai", "ok")
        ])),
        &[],
    );
    assert_online(&run, "backup");
    assert!(
        run.attempts()[0].2.contains("Overloaded"),
        "{:?}",
        run.attempts()
    );
}

#[test]
fn connection_refused_fails_over() {
    let server = FakeServer::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let dead = json!({"name": "dead", "api": "openai", "base_url": format!("http://127.0.0.1:{dead_port}/v1"),
                      "model": "ok", "api_key_env": "FAKE_KEY"});
    let run = ask(
        Some(json!([dead, entry(&server, "backup", "openai", "ok")])),
        &["--max-retries", "0"],
    );
    assert_online(&run, "backup");
    assert!(
        run.attempts()[0].2.starts_with("connection failed"),
        "{:?}",
        run.attempts()
    );
}

#[test]
fn without_providers_the_answer_is_offline() {
    for providers in [None, Some(json!([]))] {
        let run = ask(providers, &[]);
        assert!(run.success);
        assert_eq!(run.lines.len(), 1);
        let last = run.last();
        assert_eq!(last["offline"], json!(true));
        assert_eq!(last["offlineReason"]["code"], json!("noProviders"));
        assert!(last["answer"]
            .as_str()
            .unwrap()
            .contains("no AI provider is configured"));
        assert!(last["attempts"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_bad_providers_file_is_an_error() {
    let run_error = |providers: Value| {
        let run = ask(Some(providers), &[]);
        assert!(!run.success);
        run.stderr
    };
    assert!(run_error(json!({"not": "an array"})).contains("providers file"));
    assert!(run_error(
        json!([{"name": "x", "api": "gopher", "base_url": "http://x", "model": "m"}])
    )
    .contains("providers file"));
    assert!(run_error(
        json!([{"name": "x", "api": "openai", "base_url": "ftp://x", "model": "m"}])
    )
    .contains("base_url"));
}
