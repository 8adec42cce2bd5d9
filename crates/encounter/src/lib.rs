//! Encounters and monsters for PF2e.
//!
//! - [`xp`]: XP, threat rating and rewards, bit-for-bit with the pf2e system's `calculateXP`.
//! - [`budget`]: threat levels, budgets for any party size, threat bands.
//! - [`generator`]: N distinct encounters in a threat band from a creature pool, by shape, seeded.
//! - [`hazard`]: simple and complex hazards.
//! - [`builder`]: the creature builder (GMG tables, road maps, elite/weak, pf2e NPC documents).
//! - [`error`]: typed errors for every refusal.

pub mod budget;
pub mod builder;
pub mod error;
pub mod generator;
pub mod hazard;
pub mod xp;

pub use budget::{EncounterBudgets, Threat};
pub use error::{BuildError, GenerateError, InputError};
pub use generator::{generate, GenerateRequest, Generated, PoolEntry, Shape};
pub use hazard::Hazard;
pub use xp::{calculate_xp, rate_request, Encounter, Party, XpCalculation, XpRequest, XpTable};
