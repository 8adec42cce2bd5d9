//! The WebAssembly facade of Familiar. Every `#[wasm_bindgen]` export lives in this crate, one module per
//! capability; `interop` is the one place where JS values become Rust values and back. The logic itself lives in
//! the pure crates (`familiar-rules`, `familiar-encounter`, ...), which test natively.

mod art;
mod chat;
mod encounter;
mod health;
mod history;
mod info;
mod interop;
mod privacy;
mod raven;
mod relay;
mod rules;

pub use art::{
    art_file_name, art_prompt_preview, art_relay_cancel, art_relay_read, art_relay_request,
    art_relay_resume, art_subject_from_creature, check_art_prompt, ArtError, ArtRelayJs, ArtStudio,
};
pub use chat::{check_base_url, list_models, render_answer_js, test_connection, ChatSession};
pub use encounter::{
    build_creature_js, calculate_xp, creature_roadmaps, encounter_budgets, generate_encounters,
    EncounterPool,
};
pub use health::{health_snapshot, record_health, take_health_alerts};
pub use history::AskHistoryJs;
pub use info::{build_info, BuildInfo};
pub use privacy::{consent_disclosure, consent_plan, diagnostics_report};
pub use raven::{raven_lang_keys, RavenJs};
pub use relay::{RelayJs, RelayPlayerJs};
pub use rules::RulesIndexJs;
