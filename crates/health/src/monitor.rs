//! The [`Monitor`]: feed it what happened with the time, read each rule's value and state, and poll the alerts
//! the adapter acts on (mark a provider degraded, notify the GM, warn with diagnostics). Nothing here reads a
//! clock, so every rule is tested on a fake one.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::rules::{Action, RuleId, RULES};
use crate::window::Window;
use crate::Millis;

/// Transitions kept for the diagnostics report.
pub const HISTORY_LIMIT: usize = 200;
/// Providers and sessions tracked at most; beyond that the least recently seen are forgotten.
pub const TRACKED_LIMIT: usize = 1_024;

/// What the adapter reports, as `{"type": "providerResponse", ...}` objects.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum HealthEvent {
    /// A provider call finished: how long until its answer (or failure), and whether it worked.
    ProviderResponse {
        provider: String,
        latency_ms: Millis,
        ok: bool,
    },
    /// Any other piece of work (an art job, an index build, a relay message) and whether it worked.
    Operation {
        ok: bool,
    },
    /// The module's memory now (wasm memory and what the adapter holds) against its budget.
    Memory {
        used: u64,
        budget: u64,
    },
    SessionStarted {
        session: String,
    },
    /// A session that ended without saying goodbye (a dropped socket, a timed-out player).
    SessionDropped {
        session: String,
    },
    /// A session that ended cleanly: not a drop.
    SessionEnded {
        session: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleState {
    Ok,
    Firing,
}

/// A rule that started firing: the adapter's cue to act.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub rule: RuleId,
    pub action: Action,
    pub value: f64,
    pub at: Millis,
    /// The provider, for the slow-provider rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// One change of a rule's state, for the history in the diagnostics report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub rule: RuleId,
    pub to: RuleState,
    pub value: f64,
    pub at: Millis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// What the Status view shows for one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSnapshot {
    pub rule: RuleId,
    pub label_key: &'static str,
    pub action: Action,
    /// A ratio (0–1) for the ratio rules; the longest run of slow responses for the slow-provider rule.
    pub value: f64,
    /// What `value` is compared with.
    pub limit: f64,
    pub window_ms: Millis,
    /// Events in the window (calls, operations, sessions); for memory, whether any sample has come in.
    pub events: u64,
    pub state: RuleState,
    /// Since when the rule has been firing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Millis>,
    /// Providers marked degraded, for the slow-provider rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct ProviderHealth {
    slow_streak: u32,
    degraded_since: Option<Millis>,
    last_seen: Millis,
    last_latency_ms: Millis,
    last_ok: bool,
    calls: u64,
    failures: u64,
}

/// One provider as the Status view shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSnapshot {
    pub name: String,
    /// Time to the first answer text (or to the failure) of its latest call.
    pub last_latency_ms: Millis,
    pub last_ok: bool,
    pub slow_streak: u32,
    pub degraded: bool,
    pub calls: u64,
    pub failures: u64,
    pub last_seen: Millis,
}

#[derive(Debug, Clone)]
struct Session {
    started: Millis,
    ended: Option<Millis>,
    dropped: bool,
}

#[derive(Debug, Default)]
pub struct Monitor {
    providers: BTreeMap<String, ProviderHealth>,
    operations: Window,
    calls: Window,
    /// The latest memory sample as a share of the budget, and since when samples have stayed above the limit.
    memory: Option<f64>,
    memory_above_since: Option<Millis>,
    sessions: BTreeMap<String, Session>,
    firing_since: BTreeMap<RuleId, Millis>,
    alerts: VecDeque<Alert>,
    history: VecDeque<Transition>,
}

impl Monitor {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn record(&mut self, event: HealthEvent, now: Millis) {
        match event {
            HealthEvent::ProviderResponse {
                provider,
                latency_ms,
                ok,
            } => self.provider_response(provider, latency_ms, ok, now),
            HealthEvent::Operation { ok } => self.operations.push(now, !ok),
            HealthEvent::Memory { used, budget } => self.memory_sample(used, budget, now),
            HealthEvent::SessionStarted { session } => {
                self.forget_old_sessions(now);
                self.sessions.insert(
                    session,
                    Session {
                        started: now,
                        ended: None,
                        dropped: false,
                    },
                );
            }
            HealthEvent::SessionDropped { session } => self.end_session(session, true, now),
            HealthEvent::SessionEnded { session } => self.end_session(session, false, now),
        }
        self.evaluate(now);
    }

    /// Time passing on its own: windows drain, memory stays high, a degraded provider's time is up.
    pub fn tick(&mut self, now: Millis) {
        self.evaluate(now);
    }

    pub fn poll_alert(&mut self) -> Option<Alert> {
        self.alerts.pop_front()
    }

    /// Whether the chain should pass over this provider now.
    pub fn is_degraded(&self, provider: &str) -> bool {
        self.providers
            .get(provider)
            .is_some_and(|health| health.degraded_since.is_some())
    }

    /// Every provider heard from, by name.
    pub fn providers(&self) -> Vec<ProviderSnapshot> {
        self.providers
            .iter()
            .map(|(name, health)| ProviderSnapshot {
                name: name.clone(),
                last_latency_ms: health.last_latency_ms,
                last_ok: health.last_ok,
                slow_streak: health.slow_streak,
                degraded: health.degraded_since.is_some(),
                calls: health.calls,
                failures: health.failures,
                last_seen: health.last_seen,
            })
            .collect()
    }

    pub fn history(&self) -> impl Iterator<Item = &Transition> {
        self.history.iter()
    }

    pub fn snapshot(&self, now: Millis) -> Vec<RuleSnapshot> {
        RULES
            .iter()
            .map(|rule| {
                let (value, events) = self.value(rule.id, now);
                let limit = match rule.id {
                    RuleId::SlowProvider => f64::from(rule.min_events),
                    _ => rule.threshold,
                };
                let degraded = match rule.id {
                    RuleId::SlowProvider => self
                        .providers
                        .iter()
                        .filter(|(_, health)| health.degraded_since.is_some())
                        .map(|(name, _)| name.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                let since = self.firing_since.get(&rule.id).copied();
                RuleSnapshot {
                    rule: rule.id,
                    label_key: rule.label_key,
                    action: rule.action,
                    value,
                    limit,
                    window_ms: rule.window_ms,
                    events,
                    state: if since.is_some() {
                        RuleState::Firing
                    } else {
                        RuleState::Ok
                    },
                    since,
                    degraded,
                }
            })
            .collect()
    }

    fn provider_response(&mut self, provider: String, latency_ms: Millis, ok: bool, now: Millis) {
        let rule = RuleId::SlowProvider.rule();
        self.calls.push(now, !ok);
        self.operations.push(now, !ok);
        if !self.providers.contains_key(&provider) && self.providers.len() >= TRACKED_LIMIT {
            let oldest = self
                .providers
                .iter()
                .min_by_key(|(_, health)| health.last_seen)
                .map(|(name, _)| name.clone());
            if let Some(name) = oldest {
                self.providers.remove(&name);
            }
        }
        let health = self.providers.entry(provider.clone()).or_default();
        health.last_seen = now;
        health.last_latency_ms = latency_ms;
        health.last_ok = ok;
        health.calls += 1;
        health.failures += u64::from(!ok);
        if latency_ms as f64 > rule.threshold {
            health.slow_streak += 1;
        } else {
            health.slow_streak = 0;
        }
        if health.degraded_since.is_none() && health.slow_streak >= rule.min_events {
            health.degraded_since = Some(now);
            let value = f64::from(health.slow_streak);
            self.alerts.push_back(Alert {
                rule: rule.id,
                action: rule.action,
                value,
                at: now,
                provider: Some(provider.clone()),
            });
            self.remember(rule.id, RuleState::Firing, value, now, Some(provider));
        }
    }

    fn memory_sample(&mut self, used: u64, budget: u64, now: Millis) {
        // A budget of 0 is a misreport, not infinite pressure.
        let share = if budget == 0 {
            0.0
        } else {
            used as f64 / budget as f64
        };
        self.memory = Some(share);
        if share > RuleId::MemoryPressure.rule().threshold {
            self.memory_above_since.get_or_insert(now);
        } else {
            self.memory_above_since = None;
        }
    }

    fn end_session(&mut self, session: String, dropped: bool, now: Millis) {
        let entry = self.sessions.entry(session).or_insert(Session {
            // A session that ends before we saw it start was there all along.
            started: now,
            ended: None,
            dropped: false,
        });
        if entry.ended.is_none() {
            entry.ended = Some(now);
            entry.dropped = dropped;
        }
    }

    fn forget_old_sessions(&mut self, now: Millis) {
        let start = now.saturating_sub(RuleId::SessionDrops.rule().window_ms);
        self.sessions
            .retain(|_, session| session.ended.is_none_or(|ended| ended >= start));
        while self.sessions.len() >= TRACKED_LIMIT {
            let oldest = self
                .sessions
                .iter()
                .min_by_key(|(_, session)| session.ended.unwrap_or(session.started))
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => self.sessions.remove(&id),
                None => break,
            };
        }
    }

    /// The rule's value now, and how many events it rests on.
    fn value(&self, rule: RuleId, now: Millis) -> (f64, u64) {
        match rule {
            RuleId::SlowProvider => {
                let streak = self
                    .providers
                    .values()
                    .map(|health| health.slow_streak)
                    .max()
                    .unwrap_or(0);
                (f64::from(streak), self.providers.len() as u64)
            }
            RuleId::ErrorRate => (self.operations.ratio(), self.operations.len() as u64),
            RuleId::ApiFailures => (self.calls.ratio(), self.calls.len() as u64),
            RuleId::MemoryPressure => {
                (self.memory.unwrap_or(0.0), u64::from(self.memory.is_some()))
            }
            RuleId::SessionDrops => {
                let start = now.saturating_sub(RuleId::SessionDrops.rule().window_ms);
                let in_window = self.sessions.values().filter(|session| {
                    session.started <= now && session.ended.is_none_or(|ended| ended >= start)
                });
                let (mut seen, mut dropped) = (0u64, 0u64);
                for session in in_window {
                    seen += 1;
                    if session.dropped {
                        dropped += 1;
                    }
                }
                let ratio = if seen == 0 {
                    0.0
                } else {
                    dropped as f64 / seen as f64
                };
                (ratio, seen)
            }
        }
    }

    fn evaluate(&mut self, now: Millis) {
        self.operations
            .trim(now, RuleId::ErrorRate.rule().window_ms);
        self.calls.trim(now, RuleId::ApiFailures.rule().window_ms);
        self.recover_degraded(now);
        for rule in RULES.iter().filter(|rule| rule.id != RuleId::SlowProvider) {
            let (value, events) = self.value(rule.id, now);
            let firing = match rule.id {
                RuleId::MemoryPressure => self
                    .memory_above_since
                    .is_some_and(|since| now.saturating_sub(since) >= rule.window_ms),
                _ => events >= u64::from(rule.min_events) && value > rule.threshold,
            };
            let was_firing = self.firing_since.contains_key(&rule.id);
            if firing && !was_firing {
                self.alerts.push_back(Alert {
                    rule: rule.id,
                    action: rule.action,
                    value,
                    at: now,
                    provider: None,
                });
                self.remember(rule.id, RuleState::Firing, value, now, None);
            } else if !firing && was_firing {
                self.remember(rule.id, RuleState::Ok, value, now, None);
            }
        }
    }

    /// A degraded provider is tried again once the rule's window has passed since it was marked.
    fn recover_degraded(&mut self, now: Millis) {
        let rule = RuleId::SlowProvider.rule();
        let recovered: Vec<String> = self
            .providers
            .iter()
            .filter(|(_, health)| {
                health
                    .degraded_since
                    .is_some_and(|since| now.saturating_sub(since) >= rule.window_ms)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in recovered {
            if let Some(health) = self.providers.get_mut(&name) {
                health.degraded_since = None;
                health.slow_streak = 0;
            }
            self.remember(rule.id, RuleState::Ok, 0.0, now, Some(name));
        }
    }

    /// Records a transition; the rule as a whole fires while any of its providers (or itself) does.
    fn remember(
        &mut self,
        rule: RuleId,
        to: RuleState,
        value: f64,
        now: Millis,
        provider: Option<String>,
    ) {
        match to {
            RuleState::Firing => {
                self.firing_since.entry(rule).or_insert(now);
            }
            RuleState::Ok => {
                let still_degraded = rule == RuleId::SlowProvider
                    && self
                        .providers
                        .values()
                        .any(|health| health.degraded_since.is_some());
                if !still_degraded {
                    self.firing_since.remove(&rule);
                }
            }
        }
        if self.history.len() == HISTORY_LIMIT {
            self.history.pop_front();
        }
        self.history.push_back(Transition {
            rule,
            to,
            value,
            at: now,
            provider,
        });
    }
}
