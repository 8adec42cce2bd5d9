//! Fair scheduling of provider calls: at most `max_concurrent` at once, each user's questions in their own FIFO
//! queue, and a free slot goes to the waiting user who was served least recently (round-robin among users who
//! keep questions waiting; someone not served yet goes first). No user holds more than `max_in_flight_per_user`
//! slots, so a player who floods the relay gets one turn in each round like everyone else, and the others wait for
//! about one call to end, not behind the whole flood.

use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Provider calls at once, over all users.
    pub max_concurrent: usize,
    /// Provider calls at once for one user.
    pub max_in_flight_per_user: usize,
    /// Questions one user may have waiting.
    pub max_queued_per_user: usize,
    /// Questions waiting over all users (memory bound).
    pub max_queued_total: usize,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            max_concurrent: 4,
            max_in_flight_per_user: 2,
            max_queued_per_user: 8,
            max_queued_total: 256,
        }
    }
}

/// Why a question could not join the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull {
    pub limit: usize,
}

#[derive(Debug, Clone)]
struct UserQueue<T> {
    items: VecDeque<T>,
    /// When the user joined the waiting line (ties between users never served go by arrival).
    joined: u64,
}

#[derive(Debug, Clone)]
pub struct FairQueue<T> {
    config: SchedulerConfig,
    queues: BTreeMap<String, UserQueue<T>>,
    in_flight: BTreeMap<String, usize>,
    /// When each user with something queued or running was last given a slot (0: not yet).
    served: BTreeMap<String, u64>,
    clock: u64,
    queued_total: usize,
    in_flight_total: usize,
}

impl<T> FairQueue<T> {
    pub fn new(config: SchedulerConfig) -> FairQueue<T> {
        FairQueue {
            config,
            queues: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            served: BTreeMap::new(),
            clock: 0,
            queued_total: 0,
            in_flight_total: 0,
        }
    }

    pub fn config(&self) -> SchedulerConfig {
        self.config
    }

    /// New limits apply to what comes next; nothing queued or running is dropped.
    pub fn set_config(&mut self, config: SchedulerConfig) {
        self.config = config;
    }

    pub fn push(&mut self, user: &str, item: T) -> Result<(), QueueFull> {
        if self.queued_total >= self.config.max_queued_total {
            return Err(QueueFull {
                limit: self.config.max_queued_total,
            });
        }
        if self.queued_for(user) >= self.config.max_queued_per_user {
            return Err(QueueFull {
                limit: self.config.max_queued_per_user,
            });
        }
        self.clock += 1;
        let joined = self.clock;
        self.queues
            .entry(user.to_string())
            .or_insert_with(|| UserQueue {
                items: VecDeque::new(),
                joined,
            })
            .items
            .push_back(item);
        self.queued_total += 1;
        Ok(())
    }

    /// The next question to start, if a slot is free: the front question of the least recently served user below
    /// their own cap (round-robin for users who keep questions waiting; a newcomer goes first). The caller must
    /// report its end with [`FairQueue::finished`].
    pub fn next_ready(&mut self) -> Option<(String, T)> {
        if self.in_flight_total >= self.config.max_concurrent {
            return None;
        }
        let cap = self.config.max_in_flight_per_user;
        let user = self
            .queues
            .iter()
            .filter(|(user, _)| self.in_flight_for(user) < cap)
            .min_by_key(|(user, queue)| {
                (self.served.get(*user).copied().unwrap_or(0), queue.joined)
            })
            .map(|(user, _)| user.clone())?;
        let queue = self.queues.get_mut(&user)?;
        let item = queue.items.pop_front()?;
        if queue.items.is_empty() {
            self.queues.remove(&user);
        }
        self.clock += 1;
        self.served.insert(user.clone(), self.clock);
        self.queued_total -= 1;
        self.in_flight_total += 1;
        *self.in_flight.entry(user.clone()).or_default() += 1;
        Some((user, item))
    }

    /// A started question ended (answered, failed, cancelled or timed out): its slot is free.
    pub fn finished(&mut self, user: &str) {
        if let Some(count) = self.in_flight.get_mut(user) {
            *count -= 1;
            self.in_flight_total -= 1;
            if *count == 0 {
                self.in_flight.remove(user);
            }
        }
        self.forget_if_idle(user);
    }

    /// Takes the first queued item of `user` that `matches` out of the queue.
    pub fn remove(&mut self, user: &str, matches: impl Fn(&T) -> bool) -> Option<T> {
        let queue = self.queues.get_mut(user)?;
        let index = queue.items.iter().position(matches)?;
        let item = queue.items.remove(index)?;
        self.queued_total -= 1;
        if queue.items.is_empty() {
            self.queues.remove(user);
        }
        self.forget_if_idle(user);
        Some(item)
    }

    /// Takes every queued item of `user` (the user left).
    pub fn remove_user(&mut self, user: &str) -> Vec<T> {
        let items: Vec<T> = self
            .queues
            .remove(user)
            .map(|queue| Vec::from(queue.items))
            .unwrap_or_default();
        self.queued_total -= items.len();
        self.forget_if_idle(user);
        items
    }

    pub fn find(&self, user: &str, matches: impl Fn(&T) -> bool) -> Option<&T> {
        self.queues
            .get(user)?
            .items
            .iter()
            .find(|item| matches(item))
    }

    pub fn queued(&self) -> usize {
        self.queued_total
    }

    pub fn queued_for(&self, user: &str) -> usize {
        self.queues.get(user).map_or(0, |queue| queue.items.len())
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight_total
    }

    pub fn in_flight_for(&self, user: &str) -> usize {
        self.in_flight.get(user).copied().unwrap_or(0)
    }

    pub fn items(&self) -> impl Iterator<Item = (&str, &T)> {
        self.queues
            .iter()
            .flat_map(|(user, queue)| queue.items.iter().map(move |item| (user.as_str(), item)))
    }

    /// A user with nothing waiting or running starts afresh next time (this keeps `served` bounded).
    fn forget_if_idle(&mut self, user: &str) {
        if !self.queues.contains_key(user) && !self.in_flight.contains_key(user) {
            self.served.remove(user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(max_concurrent: usize, per_user: usize) -> SchedulerConfig {
        SchedulerConfig {
            max_concurrent,
            max_in_flight_per_user: per_user,
            max_queued_per_user: 100,
            max_queued_total: 1_000,
        }
    }

    #[test]
    fn users_take_turns() {
        let mut queue = FairQueue::new(config(1, 1));
        for n in 0..3 {
            queue.push("flood", n).unwrap();
        }
        queue.push("calm", 100).unwrap();
        let mut order = Vec::new();
        while let Some((user, item)) = queue.next_ready() {
            order.push((user.clone(), item));
            queue.finished(&user);
        }
        let users: Vec<&str> = order.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(users, ["flood", "calm", "flood", "flood"]);
    }

    #[test]
    fn one_user_cannot_hold_every_slot() {
        let mut queue = FairQueue::new(config(4, 2));
        for n in 0..10 {
            queue.push("flood", n).unwrap();
        }
        assert!(queue.next_ready().is_some());
        assert!(queue.next_ready().is_some());
        assert!(queue.next_ready().is_none(), "flood is at its cap of 2");
        queue.push("calm", 100).unwrap();
        assert_eq!(queue.next_ready(), Some(("calm".to_string(), 100)));
        assert_eq!(queue.in_flight(), 3);
    }

    #[test]
    fn queues_are_capped_per_user_and_in_total() {
        let mut queue = FairQueue::new(SchedulerConfig {
            max_queued_per_user: 2,
            max_queued_total: 3,
            ..config(1, 1)
        });
        queue.push("a", 1).unwrap();
        queue.push("a", 2).unwrap();
        assert_eq!(queue.push("a", 3), Err(QueueFull { limit: 2 }));
        queue.push("b", 1).unwrap();
        assert_eq!(queue.push("c", 1), Err(QueueFull { limit: 3 }));
        assert_eq!(queue.remove("a", |n| *n == 2), Some(2));
        assert_eq!(queue.remove_user("a"), vec![1]);
        assert_eq!(queue.queued(), 1);
        assert_eq!(queue.next_ready(), Some(("b".to_string(), 1)));
    }
}
