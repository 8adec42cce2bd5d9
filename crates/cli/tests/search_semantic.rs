//! `familiar search` with and without its semantic layer, on a corpus of three home-made documents (no Paizo text):
//! `--lexical-only` answers by words and says nothing of a model; `--model` pointing at no model fails with the
//! embedding error; with the installed default model (tests/tools/install-models.sh) the vectors are made once,
//! cached, read back on the next run and made again when the cache file is damaged. Without the model those
//! checks print `skipped`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

/// The corpus in a directory of the calling test's own (tests run in parallel).
fn corpus(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("familiar-cli-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let item = |id: &str, kind: &str, name: &str, html: &str| {
        json!({"_id": id, "name": name, "type": kind, "pack": "home.rules",
               "uuid": format!("Compendium.home.rules.Item.{id}"),
               "system": {"description": {"value": html}, "traits": {"value": []}}})
    };
    let lines = [
        item(
            "a1",
            "action",
            "Clamber",
            "<p>You go up a wall or a cliff with an Athletics check.</p>",
        ),
        item(
            "a2",
            "action",
            "Hush",
            "<p>You move without a sound so no one notices you.</p>",
        ),
        item(
            "s1",
            "spell",
            "Spark Burst",
            "<p>A burst of flame explodes where you point.</p>",
        ),
    ];
    let path = dir.join("corpus.jsonl");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    path
}

fn familiar(args: &[&str], home: Option<&PathBuf>) -> (bool, Value, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_familiar"));
    command.args(args);
    if let Some(home) = home {
        command.env("HOME", home);
    }
    let output = command.output().expect("familiar runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        output.status.success(),
        value,
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn lexical_only_answers_by_words_alone() {
    let corpus = corpus("lexical");
    let corpus = corpus.to_str().unwrap();
    let (ok, out, _) = familiar(
        &["search", "--corpus", corpus, "--lexical-only", "clamber"],
        None,
    );
    assert!(ok);
    assert_eq!(out["hits"][0]["name"], "Clamber");
    assert!(out.get("semantic").is_none());
}

#[test]
fn a_model_flag_without_a_model_is_an_error() {
    let corpus = corpus("no-model");
    let (ok, _, stderr) = familiar(
        &[
            "search",
            "--corpus",
            corpus.to_str().unwrap(),
            "--model",
            "/nonexistent/model",
            "wall",
        ],
        None,
    );
    assert!(!ok);
    assert!(stderr.contains("embedding model"), "{stderr}");
}

#[test]
fn with_the_model_vectors_are_cached_and_rebuilt_when_damaged() {
    let Some(home) = std::env::var_os("HOME").map(PathBuf::from) else {
        return;
    };
    let model = home.join(".cache/familiar/models/all-minilm-l6-v2");
    if !model.join("familiar-model.json").exists() {
        println!(
            "skipped: no model in {} (tests/tools/install-models.sh)",
            model.display()
        );
        return;
    }
    // A HOME of our own, so the vectors cache is this test's; the model is named explicitly.
    let scratch = std::env::temp_dir().join(format!("familiar-cli-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let corpus = corpus("cached");
    let args = [
        "search",
        "--corpus",
        corpus.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "how do I get up a cliff",
    ];
    let (ok, first, stderr) = familiar(&args, Some(&scratch));
    assert!(ok, "{stderr}");
    assert_eq!(first["hits"][0]["name"], "Clamber");
    assert_eq!(first["semantic"]["vectorsFromCache"], false);
    assert!(stderr.contains("embedding the corpus"), "{stderr}");
    let (_, second, _) = familiar(&args, Some(&scratch));
    assert_eq!(second["semantic"]["vectorsFromCache"], true);
    assert_eq!(second["hits"], first["hits"]);
    let file = PathBuf::from(second["semantic"]["vectorsFile"].as_str().unwrap());
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&file, bytes).unwrap();
    let (ok, third, stderr) = familiar(&args, Some(&scratch));
    assert!(ok);
    assert_eq!(third["semantic"]["vectorsFromCache"], false);
    assert!(stderr.contains("unusable"), "{stderr}");
}
