//! The rules index over the user's own compendia: pf2e documents in, cited search hits out, in the browser.
//!
//! Ingestion: [`document`] reads the pf2e shapes tolerantly, [`enrichers`] turns Foundry enrichers into text,
//! [`html`] turns HTML into blocks, [`passages`] splits long journal pages into anchored passages.
//! Search: [`analysis`] (with [`vocabulary`]) understands the question, [`index`] holds tantivy layers,
//! [`search`] queries and reranks with [`ranking`] and fuses in a semantic ranking over [`dense`] vectors (kept up to date with the units by [`semantic`]),
//! [`snippet`] highlights the hits returned. [`rules_index`] is the whole index with visibility and incremental
//! updates; [`persist`] turns it into bytes and back (the document table through [`table`]); [`eval`] measures
//! accuracy.

pub mod analysis;
pub mod dense;
pub mod document;
pub mod enrichers;
pub mod eval;
pub mod html;
pub mod index;
pub mod passages;
pub mod persist;
pub mod ranking;
pub mod rewrite;
pub mod rules_index;
pub mod search;
pub mod semantic;
pub mod snippet;
mod stemming;
pub mod table;
pub mod vocabulary;

pub use dense::{DenseHit, DenseIndex, Precision};
pub use document::{fingerprint, IngestReport};
pub use enrichers::{NoResolver, Resolver};
pub use persist::Manifest;
pub use rewrite::RewriteFusion;
pub use rules_index::{IndexStats, ReadDocument, RulesIndex, UnitText};
pub use search::{Dense, Fusion, FusionMethod, SearchHit, SearchOptions};
pub use semantic::{embedding_text, PendingUnit, UnitVectors, VectorsOf};

/// Why an index operation failed. Bad documents are not errors (they are reported); these are.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
    #[error("index bytes are corrupted: {0}")]
    Corrupted(String),
    #[error("index bytes were made by an incompatible version ({found}, expected {expected})")]
    Incompatible { found: u32, expected: u32 },
}
