//! The GM relay: players never hold a provider key, so their questions go over the module socket to the active
//! GM's client, which runs them through its chat session and streams the answers back. Pure and sans-IO like the
//! rest of the crate: the JS transport hands in raw messages with the sender id and the time, forwards the
//! messages the relay returns to the user they name without reading them, and runs the provider calls it asks for.
//!
//! - [`wire`]: the versioned JSON messages ([`ToGm`], [`ToPlayer`]) and the typed [`RelayError`].
//! - [`validate`]: size before parsing, shape, ids, sender, field sizes.
//! - `familiar_relay` (shared with art orders): the envelope, id checks, the per-user limits (100 messages a
//!   minute, the daily token count), the fair scheduler of provider calls, and the store of finished answers
//!   kept for a reload.
//! - [`gm`]: the GM's [`Relay`], taking messages in; `calls`: answers coming back and timeouts; `controls`: the
//!   GM's settings, budgets and usage figures.
//! - [`player`]: the page's side ([`PlayerRelay`]), including the offline answer when no GM is online.
//!
//! Memory is bounded whatever the traffic: every collection has a cap in [`RelayConfig`], and
//! [`RelayConfig::max_bytes`] adds them up.

mod calls;
pub mod config;
mod controls;
pub mod gm;
pub mod player;
pub mod validate;
pub mod wire;

pub use calls::ProviderAnswer;
pub use config::RelayConfig;
pub use controls::{Forgotten, RelayStats, SavedUsage, UserUsage};
pub use gm::{Action, CallId, Counters, Relay};
pub use player::{no_gm_answer, request_id_from, PlayerEvent, PlayerRelay, PlayerTimeouts};
pub use wire::{
    Ask, FinalAnswer, OfflineNotice, RelayError, ToGm, ToPlayer, WireCitation, PROTOCOL_VERSION,
};
