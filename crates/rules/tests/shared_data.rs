//! Accuracy on the real pf2e sample in ../shared/pf2e when it is present (it is not part of the project):
//! a guard against regressions of the figures in BENCHMARKS.md. Skips when the data is absent.

use std::path::PathBuf;

use familiar_rules::eval::{evaluate, Question};
use familiar_rules::{NoResolver, RulesIndex};
use serde_json::Value;

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("FAMILIAR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pf2e"));
    dir.join("rules-sample.jsonl").exists().then_some(dir)
}

#[test]
fn dev_questions_are_answered_in_the_top_five() {
    let Some(dir) = shared_dir() else {
        println!("skipped: ../shared/pf2e not present");
        return;
    };
    let corpus = std::fs::read_to_string(dir.join("rules-sample.jsonl")).expect("corpus reads");
    let values: Vec<Value> = corpus
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
        .collect();
    let mut index = RulesIndex::new().expect("index");
    let report = index.add_documents(&values, &NoResolver);
    assert_eq!(report.indexed + report.skipped.len(), values.len());
    let questions: Vec<Question> = std::fs::read_to_string(dir.join("questions-dev.jsonl"))
        .expect("questions read")
        .lines()
        .map(|line| serde_json::from_str(line).expect("question parses"))
        .collect();
    let accuracy = evaluate(&mut index, &questions).expect("evaluates");
    println!(
        "hit@1 {:.3} hit@5 {:.3} MRR@10 {:.3}",
        accuracy.hit_at_1, accuracy.hit_at_5, accuracy.mrr_at_10
    );
    assert!(accuracy.hit_at_5 >= 0.95, "{accuracy:?}");
    assert!(accuracy.hit_at_1 >= 0.8, "{accuracy:?}");
}
