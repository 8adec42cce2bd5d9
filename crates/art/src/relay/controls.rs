//! The GM's controls and figures for players' art: settings, per-player budgets, today's images for the budgets
//! form, and what to save so a GM's reload (or another GM taking over) keeps the day's counts.

use familiar_relay::ids::is_user_id;
use familiar_relay::limits::{DayUsage, SlidingWindow};
use serde::{Deserialize, Serialize};

use super::{ArtAction, ArtRelay, ArtRelayConfig, UserState, MINUTE_MS};

/// One player's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtUsage {
    pub user_id: String,
    pub images_today: u64,
    /// The budget in force for them (their own, else the world's); `None`: no limit.
    pub budget_images: Option<u64>,
    pub running: usize,
}

/// Today's images of one player, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedArtUsage {
    pub user_id: String,
    pub day: u64,
    pub images: u64,
}

impl ArtRelay {
    pub fn config(&self) -> &ArtRelayConfig {
        &self.config
    }

    /// New settings. Running jobs go on (a switch turned off refuses new requests only); a new rate holds for the
    /// current windows too.
    pub fn set_config(&mut self, config: ArtRelayConfig) -> Vec<ArtAction> {
        self.config = config;
        for state in self.users.values_mut() {
            state.rate.set_limit(config.requests_per_minute);
        }
        Vec::new()
    }

    /// A player's own daily budget; `None` returns them to the world's.
    pub fn set_user_budget(&mut self, user_id: &str, images: Option<u64>) {
        if !is_user_id(user_id) {
            return;
        }
        if images.is_none() && !self.users.contains_key(user_id) {
            return;
        }
        self.state(user_id).own_budget = images;
    }

    fn state(&mut self, user_id: &str) -> &mut UserState {
        let rate = self.config.requests_per_minute;
        self.users
            .entry(user_id.to_string())
            .or_insert_with(|| UserState {
                rate: SlidingWindow::new(rate, MINUTE_MS),
                day: DayUsage::default(),
                own_budget: None,
            })
    }

    /// Every player the relay knows, sorted by id.
    pub fn usage(&self, now_ms: u64) -> Vec<ArtUsage> {
        let mut usage: Vec<ArtUsage> = self
            .users
            .iter()
            .map(|(user_id, state)| ArtUsage {
                user_id: user_id.clone(),
                images_today: state.day.tokens_today(now_ms),
                budget_images: state.own_budget.or(self.config.daily_images),
                running: self.calls.of_user(user_id).count(),
            })
            .collect();
        usage.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        usage
    }

    pub fn saved_usage(&self) -> Vec<SavedArtUsage> {
        let mut saved: Vec<SavedArtUsage> = self
            .users
            .iter()
            .filter(|(_, state)| state.day.tokens > 0)
            .map(|(user_id, state)| SavedArtUsage {
                user_id: user_id.clone(),
                day: state.day.day,
                images: state.day.tokens,
            })
            .collect();
        saved.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        saved
    }

    /// Takes today's saved figures (the higher count wins, so a stale save never lowers a count); other days'
    /// and malformed ids are skipped. Returns how many were taken.
    pub fn restore_usage(&mut self, saved: &[SavedArtUsage], now_ms: u64) -> usize {
        let today = DayUsage::day_of(now_ms);
        let mut taken = 0;
        for entry in saved {
            if entry.day != today || !is_user_id(&entry.user_id) {
                continue;
            }
            if !self.users.contains_key(&entry.user_id) && self.users.len() >= self.config.max_users
            {
                continue;
            }
            let state = self.state(&entry.user_id);
            let known = state.day.tokens_today(now_ms);
            state.day = DayUsage {
                day: today,
                tokens: known.max(entry.images),
            };
            taken += 1;
        }
        taken
    }
}
