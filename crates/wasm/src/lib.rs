//! The WebAssembly facade of Familiar. Every `#[wasm_bindgen]` export lives in this crate, one module per
//! capability; `interop` is the one place where JS values become Rust values and back. The logic itself lives in
//! the pure crates (`familiar-rules`, `familiar-encounter`, ...), which test natively.
//!
//! Two artifacts come from this crate (Cargo.toml, `[features]`): `app`, the start-up bundle, and `embed`, the
//! sentence encoder a Web Worker loads on first use (`embed.rs`).

#[cfg(feature = "app")]
mod art;
#[cfg(feature = "app")]
mod chat;
#[cfg(feature = "embed")]
mod embed;
#[cfg(feature = "app")]
mod encounter;
#[cfg(feature = "app")]
mod health;
#[cfg(feature = "app")]
mod history;
#[cfg(feature = "app")]
mod info;
// The encoder's artifact uses a few of interop's conversions; the rest serve the start-up bundle's exports.
#[cfg_attr(not(feature = "app"), allow(dead_code))]
mod interop;
#[cfg(feature = "app")]
mod privacy;
#[cfg(feature = "app")]
mod raven;
#[cfg(feature = "app")]
mod relay;
#[cfg(feature = "app")]
mod rules;

#[cfg(feature = "app")]
pub use art::{
    art_file_name, art_prompt_preview, art_relay_cancel, art_relay_read, art_relay_request,
    art_relay_resume, art_subject_from_creature, check_art_prompt, ArtError, ArtRelayJs, ArtStudio,
};
#[cfg(feature = "app")]
pub use chat::{check_base_url, list_models, render_answer_js, test_connection, ChatSession};
#[cfg(feature = "embed")]
pub use embed::EmbedderJs;
#[cfg(feature = "app")]
pub use encounter::{
    build_creature_js, calculate_xp, creature_roadmaps, encounter_budgets, generate_encounters,
    EncounterPool,
};
#[cfg(feature = "app")]
pub use health::{health_snapshot, record_health, take_health_alerts};
#[cfg(feature = "app")]
pub use history::AskHistoryJs;
#[cfg(feature = "app")]
pub use info::{build_info, BuildInfo};
#[cfg(feature = "app")]
pub use privacy::{consent_disclosure, consent_plan, diagnostics_report};
#[cfg(feature = "app")]
pub use raven::{raven_lang_keys, RavenJs};
#[cfg(feature = "app")]
pub use relay::{RelayJs, RelayPlayerJs};
#[cfg(feature = "app")]
pub use rules::RulesIndexJs;
