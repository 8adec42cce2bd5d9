//! Sentence embeddings for the semantic side of rules search: a BERT encoder (candle's BERT over the `tokenizers`
//! WordPiece tokenizer) that turns documents and questions into unit vectors whose dot product is their cosine.
//!
//! [`manifest`] reads `familiar-model.json` (which model, its pooling, query prefix, dimension and the SHA-256 of
//! each file) and checks files against it; [`encoder`] loads a model from its files (bytes, so a browser can hand
//! them over) or a directory, and encodes batches. Pure: no network, no threads of its own, no files but the model
//! directory; builds for `wasm32-unknown-unknown`.

pub mod encoder;
pub mod manifest;

pub use encoder::{Encoder, ModelFiles, DEFAULT_MAX_TOKENS};
pub use manifest::{Manifest, Pooling};

/// Why a model could not be loaded or could not encode. Each case is one the caller may act on differently.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("model file {path} is missing")]
    Missing { path: String },
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("familiar-model.json: {0}")]
    Manifest(String),
    #[error("config.json: {0}")]
    Config(String),
    #[error("{file} does not match familiar-model.json (SHA-256 {found}, expected {expected})")]
    Checksum {
        file: String,
        expected: String,
        found: String,
    },
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
}
