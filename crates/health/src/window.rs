//! A trailing window of timestamped outcomes, bounded in count so memory stays flat under any load.

use std::collections::VecDeque;

use crate::Millis;

/// Kept at most per window; beyond it the oldest outcomes are forgotten first.
pub const MAX_OUTCOMES: usize = 4_096;

#[derive(Debug, Clone, Default)]
pub struct Window {
    outcomes: VecDeque<(Millis, bool)>,
    hits: usize,
}

impl Window {
    /// Records one outcome; `hit` is the bad kind (an error, a failed call, a dropped session).
    pub fn push(&mut self, now: Millis, hit: bool) {
        if self.outcomes.len() == MAX_OUTCOMES {
            self.pop_front();
        }
        self.outcomes.push_back((now, hit));
        if hit {
            self.hits += 1;
        }
    }

    /// Forgets what is older than `length` before `now`.
    pub fn trim(&mut self, now: Millis, length: Millis) {
        let start = now.saturating_sub(length);
        while self.outcomes.front().is_some_and(|&(at, _)| at < start) {
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        if let Some((_, true)) = self.outcomes.pop_front() {
            self.hits -= 1;
        }
    }

    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    #[cfg(test)]
    pub fn hits(&self) -> usize {
        self.hits
    }

    pub fn ratio(&self) -> f64 {
        if self.outcomes.is_empty() {
            0.0
        } else {
            self.hits as f64 / self.outcomes.len() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_forgets_the_old_and_counts_the_rest() {
        let mut window = Window::default();
        window.push(0, true);
        window.push(500, false);
        window.push(1_000, false);
        window.push(1_500, true);
        assert_eq!((window.len(), window.hits()), (4, 2));
        window.trim(1_600, 1_000);
        assert_eq!((window.len(), window.hits()), (2, 1));
        assert!((window.ratio() - 0.5).abs() < 1e-9);
        window.trim(10_000, 1_000);
        assert_eq!((window.len(), window.hits(), window.ratio()), (0, 0, 0.0));
    }

    #[test]
    fn the_window_is_bounded() {
        let mut window = Window::default();
        for i in 0..(MAX_OUTCOMES as u64 * 2) {
            window.push(i, i % 2 == 0);
        }
        assert_eq!(window.len(), MAX_OUTCOMES);
        assert_eq!(window.hits(), MAX_OUTCOMES / 2);
    }
}
