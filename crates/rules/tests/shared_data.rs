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

/// The pf2e 8 (remaster) sample: every document indexed, and each vocabulary finds the other's names.
#[test]
fn remaster_sample_is_indexed_whole_and_answers_legacy_names() {
    let Some(dir) = shared_dir().map(|dir| dir.join("v8")) else {
        println!("skipped: ../shared/pf2e not present");
        return;
    };
    if !dir.join("rules-sample.jsonl").exists() {
        println!("skipped: ../shared/pf2e/v8 not present");
        return;
    }
    let mut index = RulesIndex::new().expect("index");
    for file in ["rules-sample.jsonl", "bestiary.jsonl"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("sample reads");
        let values: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
            .collect();
        let report = index.add_documents(&values, &NoResolver);
        assert_eq!(report.skipped, vec![], "{file}");
        assert_eq!(report.indexed, values.len(), "{file}");
    }
    let options = familiar_rules::SearchOptions::default();
    for (question, expected) in [
        ("flat-footed", "Off-Guard"),
        ("magic missile", "Force Barrage"),
    ] {
        let hits = index.search(question, &options).expect("search");
        assert_eq!(
            hits.first().map(|hit| hit.name.as_str()),
            Some(expected),
            "{question}"
        );
    }
}
