//! The one place that says what Familiar watches, over which window, and what it does when a rule fires.
//! The chat crate's circuit breaker takes its window and ratio from [`RuleId::ApiFailures`] here.

use serde::Serialize;

use crate::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleId {
    /// A provider answering slower than the limit several times in a row.
    SlowProvider,
    /// Errors among everything Familiar did (answers, art, index work).
    ErrorRate,
    /// Memory held by the module against its budget.
    MemoryPressure,
    /// Failed provider calls among all provider calls: the chat breaker.
    ApiFailures,
    /// Player sessions (relay connections) that dropped.
    SessionDrops,
}

/// What the adapter does when a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// The provider is marked degraded and the next one in the GM's chain is used.
    MarkProviderDegraded,
    /// A notification to the GM.
    NotifyGm,
    /// A warning to the GM with a diagnostics snapshot attached.
    WarnWithDiagnostics,
    /// The breaker opens and answers fall back down the chain (or to the offline answer).
    FallBack,
}

/// One health rule. `threshold` is compared with the rule's value: a latency in ms for [`RuleId::SlowProvider`],
/// a ratio (0–1) for the others.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: RuleId,
    pub threshold: f64,
    /// How long the condition is measured (trailing window) or must hold (memory), in ms.
    pub window_ms: Millis,
    /// For the slow-provider rule: how many slow responses in a row; for ratio rules: the fewest events in the
    /// window before a ratio means anything (one failed call of two is not "50 % of the API failing").
    pub min_events: u32,
    pub action: Action,
    /// The lang key under `FAMILIAR.Health.Rules` that names the rule for the GM.
    pub label_key: &'static str,
}

pub const RULES: [Rule; 5] = [
    Rule {
        id: RuleId::SlowProvider,
        threshold: 5_000.0,
        // A degraded provider is tried again after this long.
        window_ms: 5 * 60_000,
        min_events: 3,
        action: Action::MarkProviderDegraded,
        label_key: "SlowProvider",
    },
    Rule {
        id: RuleId::ErrorRate,
        threshold: 0.01,
        window_ms: 5 * 60_000,
        min_events: 10,
        action: Action::NotifyGm,
        label_key: "ErrorRate",
    },
    Rule {
        id: RuleId::MemoryPressure,
        threshold: 0.80,
        window_ms: 2 * 60_000,
        min_events: 1,
        action: Action::WarnWithDiagnostics,
        label_key: "MemoryPressure",
    },
    Rule {
        id: RuleId::ApiFailures,
        threshold: 0.05,
        window_ms: 60_000,
        // As the chat breaker acts: a fresh provider's first failure is already over 5 % of its calls.
        min_events: 1,
        action: Action::FallBack,
        label_key: "ApiFailures",
    },
    Rule {
        id: RuleId::SessionDrops,
        threshold: 0.10,
        window_ms: 3 * 60_000,
        min_events: 1,
        action: Action::NotifyGm,
        label_key: "SessionDrops",
    },
];

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|rule| rule.id == self)
            .expect("every rule id is in RULES")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_has_one_row() {
        let ids = [
            RuleId::SlowProvider,
            RuleId::ErrorRate,
            RuleId::MemoryPressure,
            RuleId::ApiFailures,
            RuleId::SessionDrops,
        ];
        for id in ids {
            assert_eq!(RULES.iter().filter(|rule| rule.id == id).count(), 1);
            assert_eq!(id.rule().id, id);
        }
        assert_eq!(RULES.len(), ids.len());
    }

    #[test]
    fn the_table_says_what_the_issue_says() {
        let slow = RuleId::SlowProvider.rule();
        assert_eq!((slow.threshold, slow.min_events), (5_000.0, 3));
        let errors = RuleId::ErrorRate.rule();
        assert_eq!((errors.threshold, errors.window_ms), (0.01, 300_000));
        let memory = RuleId::MemoryPressure.rule();
        assert_eq!((memory.threshold, memory.window_ms), (0.8, 120_000));
        let api = RuleId::ApiFailures.rule();
        assert_eq!(
            (api.threshold, api.window_ms, api.action),
            (0.05, 60_000, Action::FallBack)
        );
        let sessions = RuleId::SessionDrops.rule();
        assert_eq!((sessions.threshold, sessions.window_ms), (0.1, 180_000));
    }
}
