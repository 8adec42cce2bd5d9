//! `familiar bench-chat` on a short run: it drives the same chain and history as the browser session, so its rows
//! show the conversation's prompt within the model's input budget and its history bounded as the turns pile up.

use std::process::Command;

use serde_json::Value;

#[test]
fn a_long_conversation_keeps_its_prompt_within_the_budget_and_its_history_bounded() {
    let output = Command::new(env!("CARGO_BIN_EXE_familiar"))
        .args(["bench-chat", "--asks", "5", "--turns", "600"])
        .output()
        .expect("familiar runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    for api in ["openai", "anthropic"] {
        let conversation = &report[api]["conversation"];
        let budget = conversation["input_budget_tokens"].as_u64().unwrap();
        let rows = conversation["rows"].as_array().unwrap();
        let messages: Vec<u64> = rows
            .iter()
            .map(|row| row["messages"].as_u64().unwrap())
            .collect();
        assert_eq!(messages, [0, 1_000, 1_200], "{api}");
        for row in rows {
            let estimated = row["prompt_tokens_estimated"].as_u64().unwrap();
            assert!(estimated <= budget, "{api}: {row}");
        }
        // 1,000 and 1,200 messages hold the same history: turns beyond the budget are folded, not kept.
        let bytes = |row: &Value| row["history_bytes"].as_u64().unwrap();
        assert!(
            bytes(&rows[2]) <= bytes(&rows[1]) + bytes(&rows[1]) / 10,
            "{api}: {rows:?}"
        );
        assert!(
            rows[2]["turns_kept"].as_u64().unwrap() < 40,
            "{api}: the budget, not the turn cap, binds"
        );
        let steps = report[api]["steps_us"].as_object().unwrap();
        assert_eq!(steps.len(), 5, "{api}");
    }
}
