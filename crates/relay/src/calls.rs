//! The calls a GM's client runs for players (provider calls for chat questions, Studio jobs for art orders),
//! numbered by the relay and found again by their asker's request, so that a cancel, a resume, a timeout and the
//! call's own end all reach the same entry. Request ids are the players' own and may repeat across users: a call
//! is found by (user, request id), never by the request id alone.

use std::collections::BTreeMap;

/// A call, numbered by the relay from 1; the adapter hands it back with the call's events.
pub type CallId = u64;

/// One call in flight: whose, for which request, and what the payload keeps about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open<C> {
    pub user_id: String,
    pub request_id: String,
    pub call: C,
}

/// The calls in flight, by number (oldest first) and by (user, request id).
#[derive(Debug, Clone)]
pub struct Calls<C> {
    open: BTreeMap<CallId, Open<C>>,
    by_request: BTreeMap<(String, String), CallId>,
    next: CallId,
}

impl<C> Default for Calls<C> {
    fn default() -> Self {
        Calls {
            open: BTreeMap::new(),
            by_request: BTreeMap::new(),
            next: 1,
        }
    }
}

impl<C> Calls<C> {
    pub fn new() -> Calls<C> {
        Calls::default()
    }

    /// Opens a call for `(user_id, request_id)` and returns its number.
    pub fn start(&mut self, user_id: &str, request_id: &str, call: C) -> CallId {
        let id = self.next;
        self.next += 1;
        self.by_request
            .insert((user_id.to_string(), request_id.to_string()), id);
        let open = Open {
            user_id: user_id.to_string(),
            request_id: request_id.to_string(),
            call,
        };
        self.open.insert(id, open);
        id
    }

    /// Closes a call (it ended, was cancelled or timed out); `None` when it was already closed.
    pub fn remove(&mut self, id: CallId) -> Option<Open<C>> {
        let open = self.open.remove(&id)?;
        self.by_request
            .remove(&(open.user_id.clone(), open.request_id.clone()));
        Some(open)
    }

    pub fn get(&self, id: CallId) -> Option<&Open<C>> {
        self.open.get(&id)
    }

    pub fn get_mut(&mut self, id: CallId) -> Option<&mut Open<C>> {
        self.open.get_mut(&id)
    }

    /// The call running for this user's request.
    pub fn find(&self, user_id: &str, request_id: &str) -> Option<CallId> {
        self.by_request
            .get(&(user_id.to_string(), request_id.to_string()))
            .copied()
    }

    /// Every call in flight, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (CallId, &Open<C>)> {
        self.open.iter().map(|(id, open)| (*id, open))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Open<C>> {
        self.open.values_mut()
    }

    /// The numbers of the calls that `matches`, oldest first (to close them one by one).
    pub fn ids_where(&self, matches: impl Fn(&Open<C>) -> bool) -> Vec<CallId> {
        self.iter()
            .filter(|(_, open)| matches(open))
            .map(|(id, _)| id)
            .collect()
    }

    /// The user's calls in flight.
    pub fn of_user<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a Open<C>> + 'a {
        self.open
            .values()
            .filter(move |open| open.user_id == user_id)
    }

    pub fn len(&self) -> usize {
        self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// Bytes of the (user, request id) index's keys, for a memory figure.
    pub fn index_bytes(&self) -> usize {
        self.by_request
            .keys()
            .map(|(user, request)| user.capacity() + request.capacity())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_numbered_and_found_by_user_and_request() {
        let mut calls = Calls::new();
        let first = calls.start("alice", "req-0001", 'a');
        let second = calls.start("bob", "req-0001", 'b');
        assert_eq!((first, second), (1, 2));
        assert_eq!(calls.find("alice", "req-0001"), Some(first));
        assert_eq!(calls.find("bob", "req-0001"), Some(second));
        assert_eq!(calls.find("mallory", "req-0001"), None);
        assert_eq!(calls.of_user("alice").count(), 1);
        assert_eq!(calls.ids_where(|open| open.call == 'b'), vec![second]);
        let closed = calls.remove(first).expect("open");
        assert_eq!((closed.user_id.as_str(), closed.call), ("alice", 'a'));
        assert_eq!(calls.remove(first), None, "closed once");
        assert_eq!(calls.find("alice", "req-0001"), None);
        assert_eq!(
            calls.start("alice", "req-0002", 'c'),
            3,
            "numbers are not reused"
        );
        assert_eq!(calls.len(), 2);
    }
}
