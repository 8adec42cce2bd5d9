//! Finished answers kept for a reload: the encoded final message by (user, request id), least recently used
//! first out, bounded in bytes, in count and in age.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumeConfig {
    /// How long a finished answer can be fetched again.
    pub ttl_ms: u64,
    /// Bytes of stored messages (and their keys) at most.
    pub max_bytes: usize,
    pub max_entries: usize,
}

impl Default for ResumeConfig {
    fn default() -> Self {
        ResumeConfig {
            ttl_ms: 30 * 60_000,
            max_bytes: 4 * 1024 * 1024,
            max_entries: 1_024,
        }
    }
}

type Key = (String, String);

#[derive(Debug, Clone)]
struct Entry {
    message: String,
    stored_ms: u64,
    /// Position in `recency`.
    touched: u64,
}

impl Entry {
    fn bytes(key: &Key, message: &str) -> usize {
        // Keys are stored twice (map and recency list); the constant covers the tree nodes.
        2 * (key.0.len() + key.1.len()) + message.len() + 96
    }
}

#[derive(Debug, Clone)]
pub struct AnswerStore {
    config: ResumeConfig,
    entries: BTreeMap<Key, Entry>,
    /// Touch counter → key, oldest first.
    recency: BTreeMap<u64, Key>,
    next_touch: u64,
    bytes: usize,
}

impl AnswerStore {
    pub fn new(config: ResumeConfig) -> AnswerStore {
        AnswerStore {
            config,
            entries: BTreeMap::new(),
            recency: BTreeMap::new(),
            next_touch: 0,
            bytes: 0,
        }
    }

    pub fn set_config(&mut self, config: ResumeConfig, now_ms: u64) {
        self.config = config;
        self.expire(now_ms);
        self.evict_to_fit(0);
    }

    /// Keeps `message` for `(user, request)`, evicting the least recently used to fit. A message larger than the
    /// whole store is not kept.
    pub fn insert(&mut self, user: &str, request: &str, message: String, now_ms: u64) {
        let key = (user.to_string(), request.to_string());
        self.remove(&key);
        let size = Entry::bytes(&key, &message);
        if size > self.config.max_bytes || self.config.max_entries == 0 {
            return;
        }
        self.evict_to_fit(size);
        let touched = self.touch(&key);
        self.bytes += size;
        self.entries.insert(
            key,
            Entry {
                message,
                stored_ms: now_ms,
                touched,
            },
        );
    }

    /// The stored message, if still fresh; fetching it makes it the most recently used.
    pub fn get(&mut self, user: &str, request: &str, now_ms: u64) -> Option<&str> {
        let key = (user.to_string(), request.to_string());
        let expired = {
            let entry = self.entries.get(&key)?;
            now_ms.saturating_sub(entry.stored_ms) >= self.config.ttl_ms
        };
        if expired {
            self.remove(&key);
            return None;
        }
        let touched = self.touch(&key);
        let entry = self.entries.get_mut(&key)?;
        self.recency.remove(&entry.touched);
        entry.touched = touched;
        Some(entry.message.as_str())
    }

    pub fn contains(&self, user: &str, request: &str, now_ms: u64) -> bool {
        self.entries
            .get(&(user.to_string(), request.to_string()))
            .is_some_and(|entry| now_ms.saturating_sub(entry.stored_ms) < self.config.ttl_ms)
    }

    /// Drops every answer kept for `user` ("Forget me"); returns how many went.
    pub fn remove_user(&mut self, user: &str) -> usize {
        let theirs: Vec<Key> = self
            .entries
            .keys()
            .filter(|key| key.0 == user)
            .cloned()
            .collect();
        for key in &theirs {
            self.remove(key);
        }
        theirs.len()
    }

    /// Drops answers older than the time to live.
    pub fn expire(&mut self, now_ms: u64) {
        let ttl = self.config.ttl_ms;
        let stale: Vec<Key> = self
            .entries
            .iter()
            .filter(|(_, entry)| now_ms.saturating_sub(entry.stored_ms) >= ttl)
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            self.remove(&key);
        }
    }

    /// When the oldest answer expires.
    pub fn next_expiry(&self) -> Option<u64> {
        self.entries
            .values()
            .map(|entry| entry.stored_ms + self.config.ttl_ms)
            .min()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, by the same count the bound uses.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn touch(&mut self, key: &Key) -> u64 {
        let touched = self.next_touch;
        self.next_touch += 1;
        self.recency.insert(touched, key.clone());
        touched
    }

    fn remove(&mut self, key: &Key) {
        if let Some(entry) = self.entries.remove(key) {
            self.recency.remove(&entry.touched);
            self.bytes -= Entry::bytes(key, &entry.message);
        }
    }

    fn evict_to_fit(&mut self, incoming: usize) {
        while !self.entries.is_empty()
            && (self.bytes + incoming > self.config.max_bytes
                || self.entries.len() + usize::from(incoming > 0) > self.config.max_entries)
        {
            let Some((_, key)) = self.recency.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.remove(&key) {
                self.bytes -= Entry::bytes(&key, &entry.message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(max_bytes: usize, max_entries: usize) -> AnswerStore {
        AnswerStore::new(ResumeConfig {
            ttl_ms: 1_000,
            max_bytes,
            max_entries,
        })
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut answers = store(usize::MAX, 2);
        answers.insert("u", "a", "A".into(), 0);
        answers.insert("u", "b", "B".into(), 0);
        assert_eq!(answers.get("u", "a", 1), Some("A"));
        answers.insert("u", "c", "C".into(), 2);
        assert_eq!(answers.get("u", "b", 3), None, "b was the least recent");
        assert_eq!(answers.get("u", "a", 3), Some("A"));
        assert_eq!(answers.get("u", "c", 3), Some("C"));
    }

    #[test]
    fn bounded_in_bytes_and_age() {
        let one = Entry::bytes(&("u".into(), "r0".into()), &"x".repeat(100));
        let mut answers = store(one * 3, 100);
        for n in 0..10 {
            answers.insert("u", &format!("r{n}"), "x".repeat(100), n);
            assert!(answers.bytes() <= one * 3);
        }
        assert_eq!(answers.len(), 3);
        answers.insert("u", "huge", "x".repeat(one * 4), 10);
        assert!(!answers.contains("u", "huge", 10));
        assert!(answers.contains("u", "r9", 10));
        assert!(answers.contains("u", "r9", 1_008));
        answers.expire(1_009);
        assert_eq!(answers.get("u", "r9", 1_009), None);
        assert_eq!(answers.bytes(), 0);
        assert!(answers.is_empty());
    }

    #[test]
    fn keys_are_per_user() {
        let mut answers = store(usize::MAX, 10);
        answers.insert("alice", "r1234567", "secret".into(), 0);
        assert_eq!(answers.get("mallory", "r1234567", 0), None);
    }
}
