//! The GM's controls and figures: new settings, per-user budgets, usage for the settings form (and to save across
//! a GM reload), counters, and the bytes the relay holds.

use serde::{Deserialize, Serialize};

use super::config::RelayConfig;
use super::gm::{Action, Counters, Relay};
use super::wire::Ask;
use familiar_relay::ids::is_user_id;
use familiar_relay::limits::DayUsage;

/// One user's figures for the GM's settings form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUsage {
    pub user_id: String,
    pub tokens_today: u64,
    pub budget_tokens: Option<u64>,
    pub requests_last_minute: usize,
    pub queued: usize,
    pub in_flight: usize,
}

/// What to save so a GM reload does not reset today's budgets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedUsage {
    pub user_id: String,
    #[serde(flatten)]
    pub usage: DayUsage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayStats {
    pub users: usize,
    pub queued: usize,
    pub in_flight: usize,
    pub stored_answers: usize,
    pub stored_bytes: usize,
    pub approx_bytes: usize,
    #[serde(flatten)]
    pub counters: Counters,
}

impl Relay {
    /// New settings; what they newly allow starts now (more slots start waiting questions), and new rate limits
    /// hold for every user's current window, not only for windows opened later.
    pub fn set_config(&mut self, config: RelayConfig, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        self.config = config;
        for state in self.users.values_mut() {
            state.rate.set_limit(config.requests_per_minute);
            state
                .error_replies
                .set_limit(config.error_replies_per_second);
        }
        self.queue.set_config(config.scheduler());
        self.answers.set_config(config.resume(), now);
        let mut out = Vec::new();
        self.schedule(now, &mut out);
        out
    }

    /// The GM's daily budget for one user; `None` returns them to the world's `daily_token_budget`.
    pub fn set_user_budget(&mut self, user: &str, budget: Option<u64>) {
        match budget {
            Some(tokens) => self.budgets.insert(user.to_string(), Some(tokens)),
            None => self.budgets.remove(user),
        };
    }

    pub fn usage(&self, now_ms: u64) -> Vec<UserUsage> {
        let now = self.now_ms.max(now_ms);
        self.users
            .iter()
            .map(|(user, state)| UserUsage {
                user_id: user.clone(),
                tokens_today: state.usage.tokens_today(now),
                budget_tokens: self.budget_for(user),
                requests_last_minute: state.rate.count(now),
                queued: self.queue.queued_for(user),
                in_flight: self.queue.in_flight_for(user),
            })
            .collect()
    }

    /// "Forget me": the user's waiting questions and calls end as when they leave, and the relay keeps nothing of
    /// theirs — no answer kept for a resume, no usage record, no rate window. Their GM-set budget stays (it is the
    /// GM's setting, not the user's data).
    pub fn forget_user(&mut self, user: &str, now_ms: u64) -> (Vec<Action>, Forgotten) {
        let actions = self.user_left(user, now_ms);
        let forgotten = Forgotten {
            kept_answers: self.answers.remove_user(user),
            usage_record: self.users.remove(user).is_some(),
        };
        (actions, forgotten)
    }

    /// Today's spend per user, to save in the GM's client storage.
    pub fn saved_usage(&self) -> Vec<SavedUsage> {
        self.users
            .iter()
            .filter(|(_, state)| state.usage.tokens > 0)
            .map(|(user, state)| SavedUsage {
                user_id: user.clone(),
                usage: state.usage,
            })
            .collect()
    }

    /// Reads saved spend back (after a GM reload); other days' figures and unknown ids are skipped. Returns
    /// how many users' figures were taken.
    pub fn restore_usage(&mut self, saved: &[SavedUsage], now_ms: u64) -> usize {
        let now = self.advance(now_ms);
        let mut taken = 0;
        for entry in saved {
            let today = entry.usage.tokens_today(now);
            if today == 0 || !is_user_id(&entry.user_id) {
                continue;
            }
            if !self.make_room_for(&entry.user_id, now) {
                break;
            }
            if let Some(state) = self.users.get_mut(&entry.user_id) {
                state.usage = DayUsage {
                    day: DayUsage::day_of(now),
                    tokens: state.usage.tokens_today(now).max(today),
                };
                taken += 1;
            }
        }
        taken
    }

    pub fn stats(&self) -> RelayStats {
        RelayStats {
            users: self.users.len(),
            queued: self.queue.queued(),
            in_flight: self.calls.len(),
            stored_answers: self.answers.len(),
            stored_bytes: self.answers.bytes(),
            approx_bytes: self.approx_bytes(),
            counters: self.counters,
        }
    }

    /// Heap bytes the relay holds, counted from string and collection capacities (tree nodes by a constant).
    pub fn approx_bytes(&self) -> usize {
        const NODE: usize = 64;
        let ask_bytes = |ask: &Ask| {
            ask.request_id.capacity()
                + ask.user_id.capacity()
                + ask.question.capacity()
                + ask.language.capacity()
                + ask.history_summary.as_ref().map_or(0, String::capacity)
                + std::mem::size_of::<Ask>()
        };
        let users: usize = self
            .users
            .iter()
            .map(|(name, state)| {
                name.capacity()
                    + std::mem::size_of_val(state)
                    + state.rate.approx_bytes()
                    + state.error_replies.approx_bytes()
                    + NODE
            })
            .sum();
        let queued: usize = self
            .queue
            .items()
            .map(|(user, waiting)| user.len() + ask_bytes(&waiting.ask) + NODE)
            .sum();
        let calls: usize = self
            .calls
            .iter()
            .map(|(_, open)| {
                let ids = open.user_id.capacity() + open.request_id.capacity();
                ids + ask_bytes(&open.call.ask) + open.call.text.capacity() + 2 * NODE
            })
            .sum::<usize>()
            + self.calls.index_bytes();
        let budgets: usize = self.budgets.keys().map(|user| user.capacity() + NODE).sum();
        users + queued + calls + budgets + self.answers.bytes()
    }
}

/// What [`Relay::forget_user`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forgotten {
    pub kept_answers: usize,
    pub usage_record: bool,
}
