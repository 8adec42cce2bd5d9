//! `familiar ask --tools read-only` against the fake provider server's tool-calling models (both wire formats,
//! arguments cut every 3 characters): every read-only tool runs on the real engines, `rate_encounter` gives exactly
//! what `familiar xp` gives, bad calls are answered with errors, the step limit ends a looping model, a provider
//! without tool support answers from the passages, and a provider failing between steps fails over.

mod ask_support;

use std::process::Command;

use ask_support::{scratch, FakeServer, Run};
use serde_json::{json, Value};

const KEY: &str = "sk-fake-0123456789-secret";
const QUESTION: &str =
    "Is a level 5 creature and two level 3s a fair fight for four level 4 characters?";

/// A small home-made bestiary: compendium actors as `familiar encounter` reads them.
fn bestiary() -> String {
    let dir = scratch();
    let actor = |id: &str, name: &str, level: i32| {
        json!({
            "uuid": format!("Compendium.home.bestiary.Actor.{id}"), "name": name, "type": "npc",
            "system": {"details": {"level": {"value": level}}, "traits": {"value": ["goblin", "humanoid"], "rarity": "common", "size": {"value": "sm"}}}
        })
        .to_string()
    };
    let lines = [
        actor("goblinwarrior001", "Goblin Warrior", -1),
        actor("goblinpyro000002", "Goblin Pyro", 1),
        actor("goblinboss000003", "Goblin War Chanter", 1),
        actor("bugbearthug00004", "Bugbear Thug", 2),
        actor("hobgoblin0000005", "Hobgoblin Soldier", 1),
        actor("wolf000000000006", "Wolf", 1),
    ];
    let path = dir.join("bestiary.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path.display().to_string()
}

fn entry(server: &FakeServer, name: &str, api: &str, model: &str) -> Value {
    json!({"name": name, "api": api, "base_url": server.base(name), "model": model, "api_key_env": "FAKE_KEY"})
}

fn ask(providers: Value, extra: &[&str]) -> Run {
    let bestiary = bestiary();
    let mut args = vec![
        "--tools",
        "read-only",
        "--bestiary",
        bestiary.as_str(),
        "--max-retries",
        "2",
    ];
    args.extend(extra);
    ask_support::ask(Some(providers), &args, &[("FAKE_KEY", KEY)], QUESTION)
}

fn steps(run: &Run) -> &Vec<Value> {
    run.last()["steps"].as_array().expect("steps")
}

/// `familiar xp` itself, for the same encounter.
fn familiar_xp(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_familiar"))
        .arg("xp")
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn every_read_only_tool_runs_on_the_engines_in_both_formats() {
    let xp = familiar_xp(&[
        "--party-level",
        "4",
        "--party-size",
        "4",
        "--creature",
        "5",
        "--creature",
        "3x2",
    ]);
    for api in ["openai", "anthropic"] {
        let server = FakeServer::start();
        let run = ask(json!([entry(&server, "primary", api, "tools")]), &[]);
        assert!(run.success, "{}", run.stderr);
        let last = run.last();
        assert_eq!(last["tools"], "used", "{}", run.stdout);
        assert_eq!(last["provider"], "primary");
        assert_eq!(last["requests"], 2);
        let steps = steps(&run);
        let tools: Vec<&str> = steps.iter().map(|s| s["tool"].as_str().unwrap()).collect();
        assert_eq!(
            tools,
            [
                "search_rules",
                "read_rule",
                "rate_encounter",
                "generate_encounter",
                "build_creature"
            ]
        );
        assert!(steps.iter().all(|s| s["status"] == "done"), "{steps:?}");
        // rate_encounter through the tool is `familiar xp`.
        let rated = &steps[2]["result"];
        for key in [
            "totalXP",
            "rating",
            "ratingXP",
            "xpPerPlayer",
            "encounterBudgets",
        ] {
            assert_eq!(rated[key], xp[key], "{key}");
        }
        assert_eq!(steps[2]["summary"], "rated the encounter: 120 XP, severe");
        let read = &steps[1]["result"];
        assert!(
            read["text"].as_str().unwrap().contains("immobilized"),
            "{read}"
        );
        let generated = steps[3]["result"]["encounters"].as_array().unwrap();
        assert!(!generated.is_empty(), "{}", steps[3]);
        assert!(generated.iter().all(|e| e["rating"] == "low"));
        assert_eq!(steps[4]["result"]["name"], "Elite Brute");
        // The answer computed nothing itself and cites what it looked up as a content link.
        let answer = last["answer"].as_str().unwrap();
        assert!(
            answer.starts_with("Answer from primary (tools): 120 XP, severe "),
            "{answer}"
        );
        assert!(
            answer.contains("@UUID[Compendium.home.rules.Item.grabbed]{Grabbed}"),
            "{answer}"
        );
        assert!(
            answer.contains(&format!(
                "Built Elite Brute with {} HP",
                steps[4]["result"]["hp"]
            )),
            "{answer}"
        );
        assert!(last["citations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["uuid"] == "Compendium.home.rules.Item.grabbed"));
        // Steps stream as lines before the answer; the preamble is an interim line.
        assert_eq!(
            run.lines.iter().filter(|l| l.get("step").is_some()).count(),
            5
        );
        assert!(run.lines.iter().any(|l| l["interim"] == "Let me check."));
        let log = server.log();
        assert_eq!(log[0]["tools"].as_array().unwrap().len(), 5);
        assert_eq!(log[1]["toolResults"].as_array().unwrap().len(), 5);
        assert!(!run.stdout.contains(KEY) && !run.stderr.contains(KEY));
    }
}

#[test]
fn bad_calls_get_errors_the_model_reads() {
    let server = FakeServer::start();
    let run = ask(
        json!([entry(&server, "primary", "anthropic", "tools-bad")]),
        &[],
    );
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.last()["answer"]
            .as_str()
            .unwrap()
            .starts_with("Errors read: 3 "),
        "{}",
        run.stdout
    );
    let statuses: Vec<&str> = steps(&run)
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "failed", "failed"]);
    let results = &server.log()[1]["toolResults"];
    assert!(results[0]["content"]["error"]
        .as_str()
        .unwrap()
        .contains("no tool named \"cast_fireball\""));
    assert!(results[1]["content"]["error"]
        .as_str()
        .unwrap()
        .contains("top: 9 is out of range"));
    assert!(results[2]["isError"] == true);
}

#[test]
fn a_looping_model_answers_at_the_step_limit() {
    let server = FakeServer::start();
    let run = ask(
        json!([entry(&server, "primary", "openai", "tools-loop")]),
        &["--max-steps", "3"],
    );
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["limit"], "steps");
    assert_eq!(steps(&run).len(), 3);
    assert!(
        last["answer"]
            .as_str()
            .unwrap()
            .starts_with("Stopped after 3 lookups"),
        "{}",
        run.stdout
    );
    let offered: Vec<usize> = server
        .log()
        .iter()
        .map(|e| e["tools"].as_array().unwrap().len())
        .collect();
    assert_eq!(offered, [5, 5, 5, 0]);
}

#[test]
fn a_provider_without_tool_support_answers_from_the_passages() {
    let server = FakeServer::start();
    let run = ask(
        json!([entry(&server, "primary", "openai", "no-tools")]),
        &[],
    );
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["tools"], "unsupported");
    assert!(last["answer"]
        .as_str()
        .unwrap()
        .starts_with("Answer from primary (no-tools)"));
    assert_eq!(last["attempts"][0]["status"], 400);
    let log = server.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["tools"], json!([]));
}

#[test]
fn a_provider_failing_between_steps_fails_over_with_the_results() {
    let server = FakeServer::start();
    let run = ask(
        json!([
            entry(&server, "primary", "openai", "tools-fail2"),
            entry(&server, "backup", "anthropic", "tools")
        ]),
        &[],
    );
    assert!(run.success, "{}", run.stderr);
    let last = run.last();
    assert_eq!(last["provider"], "backup");
    assert_eq!(steps(&run).len(), 1);
    assert!(
        last["answer"]
            .as_str()
            .unwrap()
            .starts_with("Answer from backup (tools): 120 XP, severe"),
        "{}",
        run.stdout
    );
    let log = server.log();
    let paths: Vec<&str> = log.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths.first(), Some(&"/primary/v1/chat/completions"));
    assert_eq!(paths.last(), Some(&"/backup/v1/messages"));
    // The backup read the rating the primary's call produced, as a tool_result block.
    assert_eq!(
        log.last().unwrap()["toolResults"][0]["content"]["totalXP"],
        120
    );
}

#[test]
fn without_tools_the_request_offers_none() {
    let server = FakeServer::start();
    let providers = json!([entry(&server, "primary", "openai", "ok")]);
    let run = ask_support::ask(
        Some(providers),
        &["--tools", "none"],
        &[("FAKE_KEY", KEY)],
        QUESTION,
    );
    assert!(run.success, "{}", run.stderr);
    assert!(run.last().get("steps").is_none());
    assert_eq!(server.log()[0]["tools"], json!([]));
}
