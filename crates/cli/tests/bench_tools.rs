//! `familiar bench-tools` on a short run, on our own corpus and without a bestiary (the shared data may be absent):
//! every tool's step is timed in both formats, and the ratings through the tool equal the engine's.

use std::process::Command;

use serde_json::Value;

#[test]
fn every_tool_step_is_timed_and_the_tools_ratings_are_the_engines() {
    let output = Command::new(env!("CARGO_BIN_EXE_familiar"))
        .args(["bench-tools", "--rounds", "3", "--encounters", "300"])
        .env("FAMILIAR_SHARED", "/nonexistent")
        .output()
        .expect("familiar runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    for api in ["openai", "anthropic"] {
        let steps = report["steps_us"][api].as_object().unwrap();
        let tools: Vec<&str> = steps.keys().map(String::as_str).collect();
        assert_eq!(tools.len(), 5, "{api}: {tools:?}");
        for (tool, figures) in steps {
            assert!(
                figures["total"]["p50"].as_f64().unwrap() > 0.0,
                "{api} {tool}"
            );
        }
    }
    assert_eq!(report["rating"]["encounters"], 300);
    assert_eq!(report["rating"]["mismatches"], 0);
}
