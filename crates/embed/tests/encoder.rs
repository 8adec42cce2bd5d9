//! The encoder's errors on broken model directories (no weights needed), and, when the default model is installed
//! (`tests/tools/install-models.sh`), what its vectors must be. Without the model those tests print `skipped`.

use std::path::{Path, PathBuf};

use familiar_embed::manifest::sha256_hex;
use familiar_embed::{EmbedError, Encoder};

/// A fresh, empty directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("familiar-embed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a model directory with these file contents and a manifest recording their true checksums, except for
/// the file named in `lie`, whose recorded checksum is wrong.
fn fake_model(dir: &Path, config: &str, tokenizer: &str, weights: &[u8], lie: Option<&str>) {
    let files = [
        ("config.json", config.as_bytes()),
        ("tokenizer.json", tokenizer.as_bytes()),
        ("model.safetensors", weights),
    ];
    let mut sums = Vec::new();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
        let sum = match lie == Some(name) {
            true => sha256_hex(b"something else"),
            false => sha256_hex(bytes),
        };
        sums.push(format!("\"{name}\": \"{sum}\""));
    }
    let manifest = format!(
        r#"{{"id": "fake", "pooling": "mean", "dimension": 4, "files": {{{}}}}}"#,
        sums.join(", ")
    );
    std::fs::write(dir.join("familiar-model.json"), manifest).unwrap();
}

const CONFIG: &str = r#"{"vocab_size": 8, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1,
  "intermediate_size": 8, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "max_position_embeddings": 16,
  "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
  "classifier_dropout": null, "model_type": "bert"}"#;

#[test]
fn a_missing_directory_names_the_missing_file() {
    let dir = std::env::temp_dir().join("familiar-embed-no-such-model");
    match Encoder::load(&dir) {
        Err(EmbedError::Missing { path }) => assert!(path.ends_with("familiar-model.json")),
        other => panic!("expected Missing, got {:?}", other.err()),
    }
}

#[test]
fn a_missing_weights_file_is_missing_not_corrupt() {
    let dir = scratch("no-weights");
    fake_model(&dir, CONFIG, "{}", b"w", None);
    std::fs::remove_file(dir.join("model.safetensors")).unwrap();
    assert!(matches!(
        Encoder::load(&dir),
        Err(EmbedError::Missing { path }) if path.ends_with("model.safetensors")
    ));
}

#[test]
fn an_unreadable_manifest_is_a_manifest_error() {
    let dir = scratch("bad-manifest");
    fake_model(&dir, CONFIG, "{}", b"w", None);
    std::fs::write(dir.join("familiar-model.json"), "{\"id\": ").unwrap();
    assert!(matches!(Encoder::load(&dir), Err(EmbedError::Manifest(_))));
}

#[test]
fn a_changed_file_fails_its_checksum_before_anything_reads_it() {
    let dir = scratch("checksum");
    fake_model(&dir, CONFIG, "{}", b"w", Some("model.safetensors"));
    assert!(matches!(
        Encoder::load(&dir),
        Err(EmbedError::Checksum { file, .. }) if file == "model.safetensors"
    ));
}

#[test]
fn a_config_that_is_not_bert_is_a_config_error() {
    let dir = scratch("bad-config");
    fake_model(&dir, "{\"hidden_size\": \"large\"}", "{}", b"w", None);
    assert!(matches!(Encoder::load(&dir), Err(EmbedError::Config(_))));
    // A BERT config whose width disagrees with the manifest's dimension.
    let wide = CONFIG.replace("\"hidden_size\": 4", "\"hidden_size\": 8");
    fake_model(&dir, &wide, "{}", b"w", None);
    assert!(
        matches!(Encoder::load(&dir), Err(EmbedError::Config(message)) if message.contains("dimension"))
    );
}

#[test]
fn a_broken_tokenizer_is_a_tokenizer_error() {
    let dir = scratch("bad-tokenizer");
    fake_model(&dir, CONFIG, "{\"model\": 3}", b"w", None);
    assert!(matches!(Encoder::load(&dir), Err(EmbedError::Tokenizer(_))));
}

#[test]
fn weights_that_are_not_safetensors_are_a_model_error() {
    let dir = scratch("bad-weights");
    let tokenizer = include_str!("data/tiny-tokenizer.json");
    fake_model(&dir, CONFIG, tokenizer, b"not safetensors", None);
    assert!(matches!(Encoder::load(&dir), Err(EmbedError::Model(_))));
}

/// The installed default model, or `None` (and a `skipped` line) when it is not installed.
fn installed_model(test: &str) -> Option<Encoder> {
    let dir = match std::env::var_os("FAMILIAR_MODEL_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var_os("HOME")?).join(".cache/familiar/models/all-minilm-l6-v2")
        }
    };
    if !dir.join("familiar-model.json").exists() {
        println!(
            "skipped: {test} (no model in {}; run tests/tools/install-models.sh)",
            dir.display()
        );
        return None;
    }
    Some(Encoder::load(&dir).expect("the installed model loads"))
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn model_vectors_are_unit_length_and_do_not_depend_on_the_batch() {
    let Some(encoder) = installed_model("model_vectors_are_unit_length") else {
        return;
    };
    let texts = [
        "Climb. You move up, down, or across an incline.",
        "A short one.",
        "Fireball: a roaring blast of fire appears at a spot you designate and explodes.",
    ];
    let together = encoder.encode_documents(&texts).unwrap();
    assert_eq!(together.len(), 3);
    for (text, vector) in texts.iter().zip(&together) {
        assert_eq!(vector.len(), encoder.dimension());
        assert!((dot(vector, vector) - 1.0).abs() < 1e-4);
        let alone = encoder.encode_documents(&[text]).unwrap().remove(0);
        assert!(dot(vector, &alone) > 0.9999, "padding changed {text:?}");
    }
    assert!(encoder.encode_documents(&[]).unwrap().is_empty());
}

#[test]
fn model_ranks_the_related_text_first() {
    let Some(encoder) = installed_model("model_ranks_the_related_text_first") else {
        return;
    };
    let documents = encoder
        .encode_documents(&[
            "Climb. You move up, down, or across an incline using Athletics.",
            "Fireball. A roaring blast of fire explodes at a spot you designate.",
        ])
        .unwrap();
    let query = encoder.encode_query("how do I get up a wall").unwrap();
    assert!(dot(&query, &documents[0]) > dot(&query, &documents[1]));
}

#[test]
fn model_tokenizes_as_bert_and_cuts_at_the_cap() {
    let Some(encoder) = installed_model("model_tokenizes_as_bert") else {
        return;
    };
    // [CLS] hello world [SEP] in the uncased BERT vocabulary.
    assert_eq!(encoder.token_count("Hello world").unwrap(), 4);
    let long = "word ".repeat(1_000);
    assert_eq!(encoder.token_count(&long).unwrap(), encoder.max_tokens());
    let shorter = encoder.with_max_tokens(16).unwrap();
    assert_eq!(shorter.token_count(&long).unwrap(), 16);
}
