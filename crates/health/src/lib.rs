//! Familiar's health rules, sans-IO: the caller reports what happened and the time, and reads back each rule's
//! value and state, the alerts to act on, and a bounded history for the GM's diagnostics.
//!
//! - [`rules`]: the one table of rules, each with its threshold, window and action.
//! - [`monitor`]: the [`Monitor`] that evaluates them on a clock the caller passes in.
//! - [`diagnostics`]: the "Copy diagnostics" report, with every secret taken out.

pub mod diagnostics;
pub mod monitor;
pub mod rules;
mod window;

pub use diagnostics::{redact_settings, REDACTED};
pub use monitor::{
    Alert, HealthEvent, Monitor, ProviderSnapshot, RuleSnapshot, RuleState, Transition,
};
pub use rules::{Action, Rule, RuleId, RULES};

/// Milliseconds on the caller's clock (`Date.now()` in the browser, a fake clock in tests).
pub type Millis = u64;
