//! `familiar search --rewrite-providers`: the GM model's rewrite, against our fake provider server. A name the
//! rewrite gives lifts that rule to the top; the call is capped; a failing provider leaves the search as without a
//! rewrite; `--rewrite-cache` answers the second run without a call.

mod ask_support;

use std::process::Command;

use ask_support::FakeServer;
use serde_json::{json, Value};

fn search(dir: &std::path::Path, providers: Option<Value>, extra: &[&str]) -> Value {
    let corpus = ask_support::corpus(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_familiar"));
    command
        .args(["search", "--lexical-only", "--corpus"])
        .arg(&corpus)
        .env("FAKE_KEY", "sk-fake-rewrite");
    if let Some(providers) = providers {
        let path = dir.join("providers.json");
        std::fs::write(&path, providers.to_string()).unwrap();
        command.arg("--rewrite-providers").arg(path);
    }
    command
        .args(extra)
        .arg("held in place by another creature, what now");
    let output = command.output().expect("familiar runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON line")
}

fn names(output: &Value) -> Vec<String> {
    output["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["name"].as_str().unwrap().to_string())
        .collect()
}

fn provider(server: &FakeServer, model: &str) -> Value {
    json!([{"name": "gm", "api": "openai", "base_url": server.base("gm"), "model": model, "api_key_env": "FAKE_KEY"}])
}

#[test]
fn the_rewrites_named_rule_leads_and_the_call_is_capped() {
    let server = FakeServer::start();
    let dir = ask_support::scratch();
    let plain = search(&dir, None, &[]);
    assert!(plain.get("rewrite").is_none());
    assert_ne!(
        names(&plain)[0],
        "Escape",
        "words alone must not already find it: {plain}"
    );
    let rewritten = search(&dir, Some(provider(&server, "rewrite")), &[]);
    assert_eq!(names(&rewritten)[0], "Escape", "{rewritten}");
    let mut sorted_plain = names(&plain);
    let mut sorted_rewritten = names(&rewritten);
    sorted_plain.sort();
    sorted_rewritten.sort();
    assert_eq!(
        sorted_plain, sorted_rewritten,
        "the rewrite adds no document that names nothing"
    );
    assert_eq!(rewritten["rewrite"]["calls"], 1);
    assert_eq!(rewritten["rewrite"]["questionsWithTerms"], 1);
    let log = server.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["maxTokens"], 60);
    assert!(log[0]["messages"][0]
        .as_str()
        .unwrap()
        .contains("held in place by another creature"));
}

#[test]
fn a_failing_provider_leaves_the_search_as_without_a_rewrite() {
    let server = FakeServer::start();
    let dir = ask_support::scratch();
    let plain = search(&dir, None, &[]);
    let failed = search(&dir, Some(provider(&server, "401")), &[]);
    assert_eq!(names(&failed), names(&plain));
    assert_eq!(failed["rewrite"]["failures"], 1);
}

#[test]
fn the_cache_answers_the_second_run_without_a_call() {
    let server = FakeServer::start();
    let dir = ask_support::scratch();
    let cache = dir.join("rewrites.jsonl");
    let cache = cache.to_str().unwrap();
    let first = search(
        &dir,
        Some(provider(&server, "rewrite")),
        &["--rewrite-cache", cache],
    );
    let second = search(
        &dir,
        Some(provider(&server, "rewrite")),
        &["--rewrite-cache", cache],
    );
    assert_eq!(names(&first), names(&second));
    assert_eq!(second["rewrite"]["calls"], 0);
    assert_eq!(server.log().len(), 1);
    let kept = std::fs::read_to_string(dir.join("rewrites.jsonl")).unwrap();
    let line: Value = serde_json::from_str(kept.lines().next().unwrap()).unwrap();
    assert_eq!(line["terms"], json!(["Escape", "Not A Rule"]));
    assert_eq!(line["model"], "gm:rewrite");
}
