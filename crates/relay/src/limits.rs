//! Per-user limits with an injected clock: a sliding-window rate limit and a daily token count.
//!
//! The rate limit is a sliding log: the times of the last `limit` accepted messages. A message is accepted when
//! fewer than `limit` were accepted in the `window_ms` before it, so "100 a minute" holds for every minute-long
//! window, not only for aligned minutes (a fixed window would let 200 through around a minute boundary), and the
//! log never holds more than `limit` times. A token bucket would be smaller but lets a burst of `limit` through
//! after any idle spell and then one every 600 ms; the log is exact and its 800 bytes a user are no concern.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

pub const DAY_MS: u64 = 86_400_000;

#[derive(Debug, Clone)]
pub struct SlidingWindow {
    window_ms: u64,
    limit: usize,
    /// Times of accepted hits inside the window, oldest first; never more than `limit` (or an earlier, higher one).
    hits: VecDeque<u64>,
}

impl SlidingWindow {
    pub fn new(limit: usize, window_ms: u64) -> SlidingWindow {
        SlidingWindow {
            window_ms,
            limit,
            hits: VecDeque::new(),
        }
    }

    /// A new limit for this window from now on; the hits already in it still count (a lowered limit refuses until
    /// enough of them have aged out).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// Counts a hit at `now_ms` if the window has room; otherwise the milliseconds until it will.
    pub fn try_hit(&mut self, now_ms: u64) -> Result<(), u64> {
        self.forget_before(now_ms);
        if self.hits.len() >= self.limit {
            // Room comes when all but `limit - 1` of the logged hits have left (after a lowered limit, more than one).
            let leaving = self.hits.len() - self.limit.saturating_sub(1) - 1;
            let opens_at = self
                .hits
                .get(leaving)
                .map_or(now_ms, |t| t + self.window_ms);
            return Err(opens_at.saturating_sub(now_ms).max(1));
        }
        self.hits.push_back(now_ms);
        Ok(())
    }

    /// Hits in the window ending at `now_ms`.
    pub fn count(&self, now_ms: u64) -> usize {
        self.hits
            .iter()
            .filter(|t| *t + self.window_ms > now_ms)
            .count()
    }

    /// No hit inside the window ending at `now_ms`.
    pub fn is_quiet(&self, now_ms: u64) -> bool {
        self.hits
            .back()
            .is_none_or(|t| t + self.window_ms <= now_ms)
    }

    pub fn approx_bytes(&self) -> usize {
        self.hits.capacity() * std::mem::size_of::<u64>()
    }

    fn forget_before(&mut self, now_ms: u64) {
        while self
            .hits
            .front()
            .is_some_and(|t| t + self.window_ms <= now_ms)
        {
            self.hits.pop_front();
        }
        // A burst's log shrinks back once it has passed.
        if self.hits.is_empty() && self.hits.capacity() > 8 {
            self.hits = VecDeque::new();
        }
    }
}

/// Tokens a user spent on one UTC day; a new day starts at zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayUsage {
    /// Days since the epoch (UTC).
    pub day: u64,
    pub tokens: u64,
}

impl DayUsage {
    pub fn day_of(now_ms: u64) -> u64 {
        now_ms / DAY_MS
    }

    /// When the day of `now_ms` ends.
    pub fn next_reset_ms(now_ms: u64) -> u64 {
        (Self::day_of(now_ms) + 1) * DAY_MS
    }

    pub fn tokens_today(&self, now_ms: u64) -> u64 {
        if self.day == Self::day_of(now_ms) {
            self.tokens
        } else {
            0
        }
    }

    pub fn add(&mut self, now_ms: u64, tokens: u64) {
        let today = Self::day_of(now_ms);
        if self.day != today {
            *self = DayUsage {
                day: today,
                tokens: 0,
            };
        }
        self.tokens = self.tokens.saturating_add(tokens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides() {
        let mut window = SlidingWindow::new(3, 1_000);
        assert_eq!(window.try_hit(0), Ok(()));
        assert_eq!(window.try_hit(400), Ok(()));
        assert_eq!(window.try_hit(900), Ok(()));
        assert_eq!(window.try_hit(999), Err(1));
        // The first hit leaves the window at exactly 1,000 ms.
        assert_eq!(window.try_hit(1_000), Ok(()));
        assert_eq!(window.try_hit(1_001), Err(399));
        assert_eq!(window.count(5_000), 0);
    }

    #[test]
    fn a_new_limit_applies_to_the_open_window() {
        let mut window = SlidingWindow::new(4, 1_000);
        for t in [0, 100, 200] {
            assert_eq!(window.try_hit(t), Ok(()));
        }
        // Lowered to 2 with 3 hits logged: refused until two have left (the second leaves at 1,100).
        window.set_limit(2);
        assert_eq!(window.try_hit(300), Err(800));
        assert_eq!(window.try_hit(1_099), Err(1));
        assert_eq!(window.try_hit(1_100), Ok(()));
        assert_eq!(window.try_hit(1_150), Err(50));
        // Raised: room at once.
        window.set_limit(5);
        assert_eq!(window.try_hit(1_150), Ok(()));
        assert_eq!(window.count(1_150), 3);
    }

    #[test]
    fn refused_hits_are_not_counted() {
        let mut window = SlidingWindow::new(1, 1_000);
        assert_eq!(window.try_hit(0), Ok(()));
        for t in 1..1_000 {
            assert!(window.try_hit(t).is_err());
        }
        assert_eq!(window.try_hit(1_000), Ok(()));
    }

    #[test]
    fn usage_starts_over_each_utc_day() {
        let mut usage = DayUsage::default();
        let late = 3 * DAY_MS - 1;
        usage.add(late, 500);
        assert_eq!(usage.tokens_today(late), 500);
        assert_eq!(usage.tokens_today(late + 1), 0);
        assert_eq!(DayUsage::next_reset_ms(late), 3 * DAY_MS);
        usage.add(late + 1, 7);
        assert_eq!(usage.tokens_today(late + 1), 7);
    }
}
