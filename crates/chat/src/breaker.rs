//! A circuit breaker per provider for the health rule "API failures > 5 % over 1 minute → fall back": an open
//! provider is skipped; after a cool-down one request goes through as a probe, and only its success closes the
//! breaker again. Configuration errors (bad key, unknown model) are the GM's to fix and are not counted.

use std::collections::VecDeque;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BreakerConfig {
    pub window_ms: u64,
    /// Open when failures / outcomes in the window exceed this.
    pub failure_ratio: f64,
    /// How long an open provider is skipped before one probe is let through.
    pub probe_after_ms: u64,
    /// Outcomes kept at most (the oldest are forgotten first), so memory stays bounded under load.
    pub max_outcomes: usize,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        // The window and the ratio are the health rule's (one table of rules, in familiar-health).
        let rule = familiar_health::RuleId::ApiFailures.rule();
        BreakerConfig {
            window_ms: rule.window_ms,
            failure_ratio: rule.threshold,
            probe_after_ms: 15_000,
            max_outcomes: 4_096,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum BreakerState {
    Closed,
    Open {
        since_ms: u64,
    },
    /// A probe is in flight; everything else keeps skipping this provider.
    Probing,
}

#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: BreakerState,
    /// (time, failed) for each finished attempt in the window.
    outcomes: VecDeque<(u64, bool)>,
    failures: usize,
}

impl CircuitBreaker {
    pub fn new(config: BreakerConfig) -> CircuitBreaker {
        CircuitBreaker {
            config,
            state: BreakerState::Closed,
            outcomes: VecDeque::new(),
            failures: 0,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Whether an attempt may start now. Past the cool-down this admits exactly one probe.
    pub fn try_acquire(&mut self, now_ms: u64) -> bool {
        match self.state {
            BreakerState::Closed => true,
            BreakerState::Probing => false,
            BreakerState::Open { since_ms } => {
                if now_ms.saturating_sub(since_ms) >= self.config.probe_after_ms {
                    self.state = BreakerState::Probing;
                    true
                } else {
                    false
                }
            }
        }
    }

    pub fn record_success(&mut self, now_ms: u64) {
        if self.state == BreakerState::Probing {
            // The probe worked: start a fresh window rather than letting old failures reopen it at once.
            self.outcomes.clear();
            self.failures = 0;
            self.state = BreakerState::Closed;
        }
        self.push(now_ms, false);
    }

    pub fn record_failure(&mut self, now_ms: u64) {
        if self.state == BreakerState::Probing {
            self.state = BreakerState::Open { since_ms: now_ms };
            return;
        }
        self.push(now_ms, true);
        if self.state == BreakerState::Closed && self.failure_ratio() > self.config.failure_ratio {
            self.state = BreakerState::Open { since_ms: now_ms };
        }
    }

    /// An attempt that ended without a verdict (cancelled, or a configuration error): a probe slot is released.
    pub fn release(&mut self, now_ms: u64) {
        if self.state == BreakerState::Probing {
            self.state = BreakerState::Open { since_ms: now_ms };
        }
    }

    /// Failures over outcomes in the current window (0 when there are none).
    pub fn failure_ratio(&self) -> f64 {
        match self.outcomes.len() {
            0 => 0.0,
            n => self.failures as f64 / n as f64,
        }
    }

    fn push(&mut self, now_ms: u64, failed: bool) {
        self.outcomes.push_back((now_ms, failed));
        self.failures += usize::from(failed);
        while let Some(&(at, old_failed)) = self.outcomes.front() {
            let expired = now_ms.saturating_sub(at) > self.config.window_ms;
            if !expired && self.outcomes.len() <= self.config.max_outcomes {
                break;
            }
            self.outcomes.pop_front();
            self.failures -= usize::from(old_failed);
        }
    }
}

impl CircuitBreaker {
    /// Lets one probe through an open breaker before its cool-down, when no provider at all is available.
    pub fn force_probe(&mut self) -> bool {
        match self.state {
            BreakerState::Open { .. } => {
                self.state = BreakerState::Probing;
                true
            }
            _ => false,
        }
    }
}
