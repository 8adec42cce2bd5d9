//! The GM's side of the relay as a sans-IO state machine. The transport hands in each message with the sender id
//! it reports and the time; the relay answers with [`Action`]s: a message for one user (opaque text, to forward
//! as is), a provider call to start or cancel, or a refusal for the GM's log. Answers come back in through
//! [`Relay::on_delta`], [`Relay::on_final`] and friends (in `calls.rs`), and [`Relay::tick`] runs the timeouts.
//!
//! Order of checks for a message: the sender id, room for a new user, size and shape (`validate`), the rate limit
//! (every readable-or-not message counts), then the question's own rules (players may ask, duplicate id, daily
//! budget, queue room). Clock: the largest `now_ms` seen so far, so a clock stepping back changes nothing.

use std::collections::BTreeMap;

use familiar_relay::calls::Calls;
use familiar_relay::ids::is_user_id;
use familiar_relay::limits::{DayUsage, SlidingWindow};
use familiar_relay::resume::AnswerStore;
use familiar_relay::scheduler::FairQueue;
use serde::Serialize;

use super::config::RelayConfig;
use super::validate::parse_request;
use super::wire::{encode, Ask, RelayError, ToGm, ToPlayer};

/// A provider call, numbered by the relay (request ids are the players' and may repeat across users).
pub use familiar_relay::calls::CallId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Action {
    /// Deliver `message` to `user_id` only (encrypted or as a targeted query): the transport never reads it.
    Send { user_id: String, message: String },
    /// Run the question through the chat session (the rules index with the asker's visibility first) and feed
    /// its events back with `call`.
    Start {
        call: CallId,
        user_id: String,
        request_id: String,
        question: String,
        language: String,
        history_summary: Option<String>,
    },
    /// Abort this provider call (its asker cancelled or left, or it ran too long); feed nothing more for it.
    Cancel { call: CallId },
    /// A refused message, for the GM's debug log (the asker got its own error through a `Send`).
    Rejected {
        user_id: String,
        request_id: Option<String>,
        error: RelayError,
    },
}

#[derive(Debug, Clone)]
pub(super) struct UserState {
    pub(super) rate: SlidingWindow,
    pub(super) error_replies: SlidingWindow,
    pub(super) usage: DayUsage,
    /// The end of the latest wait a rate-limit refusal named to this user (0: none yet).
    pub(super) wait_named_until_ms: u64,
}

#[derive(Debug, Clone)]
pub(super) struct Waiting {
    pub(super) ask: Ask,
}

#[derive(Debug, Clone)]
pub(super) struct Call {
    pub(super) ask: Ask,
    pub(super) started_ms: u64,
    /// The answer streamed so far (for a resume), at most `max_answer_bytes`.
    pub(super) text: String,
    /// Bytes of `text` the asker has been sent, and when the last delta went.
    pub(super) sent: usize,
    pub(super) sent_ms: u64,
}

impl Call {
    fn new(ask: Ask, now: u64) -> Call {
        Call {
            ask,
            started_ms: now,
            text: String::new(),
            sent: 0,
            sent_ms: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub accepted: u64,
    pub answered: u64,
    pub rejected: u64,
    /// Refusals not echoed because the user was over `error_replies_per_second` (a rate-limit refusal only when
    /// the message came inside a wait already named to them).
    pub suppressed_replies: u64,
    pub timed_out: u64,
    pub cancelled: u64,
}

#[derive(Debug, Clone)]
pub struct Relay {
    pub(super) config: RelayConfig,
    pub(super) now_ms: u64,
    pub(super) users: BTreeMap<String, UserState>,
    /// The GM's per-user daily budgets (over `daily_token_budget`).
    pub(super) budgets: BTreeMap<String, Option<u64>>,
    pub(super) queue: FairQueue<Waiting>,
    pub(super) calls: Calls<Call>,
    pub(super) answers: AnswerStore,
    pub(super) counters: Counters,
}

impl Relay {
    pub fn new(config: RelayConfig) -> Relay {
        Relay {
            config,
            now_ms: 0,
            users: BTreeMap::new(),
            budgets: BTreeMap::new(),
            queue: FairQueue::new(config.scheduler()),
            calls: Calls::new(),
            answers: AnswerStore::new(config.resume()),
            counters: Counters::default(),
        }
    }

    pub fn config(&self) -> &RelayConfig {
        &self.config
    }

    /// One message from `sender` (the user id the transport reports), as raw bytes.
    pub fn receive(&mut self, sender: &str, raw: &[u8], now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let mut out = Vec::new();
        if !is_user_id(sender) {
            self.counters.rejected += 1;
            out.push(Action::Rejected {
                user_id: sender.chars().take(64).collect(),
                request_id: None,
                error: RelayError::BadSender,
            });
            return out;
        }
        if !self.make_room_for(sender, now) {
            self.counters.rejected += 1;
            send(&mut out, sender, &error_message(None, RelayError::Busy));
            return out;
        }
        let parsed = parse_request(sender, raw, &self.config.limits());
        let rate = self
            .users
            .get_mut(sender)
            .map(|user| user.rate.try_hit(now));
        if let Some(Err(retry_after_ms)) = rate {
            let request_id = match &parsed {
                Ok(message) => Some(request_id_of(message).to_string()),
                Err(rejection) => rejection.request_id.clone(),
            };
            self.refuse(
                &mut out,
                sender,
                request_id,
                RelayError::RateLimited { retry_after_ms },
                now,
            );
            return out;
        }
        match parsed {
            Err(rejection) => {
                self.refuse(&mut out, sender, rejection.request_id, rejection.error, now)
            }
            Ok(ToGm::Ask(ask)) => self.accept(ask, now, &mut out),
            Ok(ToGm::Cancel { request_id }) => self.cancel(sender, &request_id, now, &mut out),
            Ok(ToGm::Resume { request_id }) => self.resume(sender, &request_id, now, &mut out),
        }
        out
    }

    fn accept(&mut self, ask: Ask, now: u64, out: &mut Vec<Action>) {
        let user = ask.user_id.clone();
        let request_id = ask.request_id.clone();
        let refusal = if !self.config.players_may_ask {
            Some(RelayError::PlayersMayNotAsk)
        } else if self.is_known(&user, &request_id, now) {
            Some(RelayError::DuplicateRequest)
        } else {
            self.budget_error(&user, now)
        };
        if let Some(error) = refusal {
            return self.refuse(out, &user, Some(request_id), error, now);
        }
        if let Err(full) = self.queue.push(&user, Waiting { ask }) {
            let error = RelayError::QueueFull {
                limit: full.limit as u64,
            };
            return self.refuse(out, &user, Some(request_id), error, now);
        }
        self.counters.accepted += 1;
        let mut started = Vec::new();
        self.schedule(now, &mut started);
        let queued = self.calls.find(&user, &request_id).is_none();
        // "Accepted" goes out before the call starts, so it precedes every delta.
        send(
            out,
            &user,
            &encode(&ToPlayer::Accepted { request_id, queued }),
        );
        out.append(&mut started);
    }

    fn cancel(&mut self, user: &str, request_id: &str, now: u64, out: &mut Vec<Action>) {
        if self
            .queue
            .remove(user, |w| w.ask.request_id == request_id)
            .is_some()
        {
            self.counters.cancelled += 1;
            return;
        }
        if let Some(call) = self.calls.find(user, request_id) {
            self.end_call(call, now, None);
            self.counters.cancelled += 1;
            out.push(Action::Cancel { call });
            self.schedule(now, out);
        }
        // Unknown or finished: nothing to stop (a late Stop click).
    }

    fn resume(&mut self, user: &str, request_id: &str, now: u64, out: &mut Vec<Action>) {
        if let Some(message) = self.answers.get(user, request_id, now) {
            return send(out, user, message);
        }
        let running = self.calls.find(user, request_id);
        if let Some(call) = running
            .and_then(|id| self.calls.get_mut(id))
            .map(|open| &mut open.call)
        {
            // The snapshot carries everything so far: later deltas follow on from its end.
            call.sent = call.text.len();
            let accepted = ToPlayer::Accepted {
                request_id: request_id.to_string(),
                queued: false,
            };
            let snapshot = (!call.text.is_empty()).then(|| ToPlayer::Delta {
                request_id: request_id.to_string(),
                offset: 0,
                text: call.text.clone(),
            });
            send(out, user, &encode(&accepted));
            if let Some(snapshot) = snapshot {
                send(out, user, &encode(&snapshot));
            }
            return;
        }
        if self
            .queue
            .find(user, |w| w.ask.request_id == request_id)
            .is_some()
        {
            let accepted = ToPlayer::Accepted {
                request_id: request_id.to_string(),
                queued: true,
            };
            return send(out, user, &encode(&accepted));
        }
        let error = RelayError::UnknownRequest;
        self.refuse(out, user, Some(request_id.to_string()), error, now);
    }

    /// Starts queued questions while slots are free, in the scheduler's fair order.
    pub(super) fn schedule(&mut self, now: u64, out: &mut Vec<Action>) {
        while let Some((user, waiting)) = self.queue.next_ready() {
            // Earlier answers may have spent the budget while this one waited.
            if let Some(error) = self.budget_error(&user, now) {
                self.queue.finished(&user);
                let request_id = Some(waiting.ask.request_id);
                self.counters.rejected += 1;
                send(out, &user, &error_message(request_id, error));
                continue;
            }
            let ask = waiting.ask;
            let start = |call| Action::Start {
                call,
                user_id: user.clone(),
                request_id: ask.request_id.clone(),
                question: ask.question.clone(),
                language: ask.language.clone(),
                history_summary: ask.history_summary.clone(),
            };
            let call = self
                .calls
                .start(&user, &ask.request_id, Call::new(ask.clone(), now));
            out.push(start(call));
        }
    }

    /// Refuses a message: an error to the sender (at most `error_replies_per_second`, except a rate-limit refusal
    /// to a user who honoured every wait) and a line for the GM.
    pub(super) fn refuse(
        &mut self,
        out: &mut Vec<Action>,
        user: &str,
        request_id: Option<String>,
        error: RelayError,
        now: u64,
    ) {
        self.counters.rejected += 1;
        let allowed = self.users.get_mut(user).is_none_or(|state| {
            // A rate-limit refusal to a user who has honoured every wait named so far is always sent: each names
            // a new wait, so they come no faster than the window's slots open, and a page that waits as told must
            // never be left without a reply. The cap is for messages sent inside a named wait, and for the rest.
            let honoured_waits = now >= state.wait_named_until_ms;
            let exempt = match error {
                RelayError::RateLimited { retry_after_ms } => {
                    state.wait_named_until_ms = state
                        .wait_named_until_ms
                        .max(now.saturating_add(retry_after_ms));
                    honoured_waits
                }
                _ => false,
            };
            exempt || state.error_replies.try_hit(now).is_ok()
        });
        if !allowed {
            self.counters.suppressed_replies += 1;
            return;
        }
        send(out, user, &error_message(request_id.clone(), error.clone()));
        out.push(Action::Rejected {
            user_id: user.to_string(),
            request_id,
            error,
        });
    }

    /// The user's daily limit: the GM's override for them, else the world's.
    pub fn budget_for(&self, user: &str) -> Option<u64> {
        match self.budgets.get(user) {
            Some(budget) => *budget,
            None => self.config.daily_token_budget,
        }
    }

    fn budget_error(&self, user: &str, now: u64) -> Option<RelayError> {
        let budget = self.budget_for(user)?;
        let used = self
            .users
            .get(user)
            .map_or(0, |state| state.usage.tokens_today(now));
        (used >= budget).then(|| RelayError::BudgetExhausted {
            used_tokens: used,
            budget_tokens: budget,
            resets_at_ms: DayUsage::next_reset_ms(now),
        })
    }

    fn is_known(&self, user: &str, request_id: &str, now: u64) -> bool {
        self.calls.find(user, request_id).is_some()
            || self.answers.contains(user, request_id, now)
            || self
                .queue
                .find(user, |w| w.ask.request_id == request_id)
                .is_some()
    }

    /// Makes sure `user` has state, evicting an idle user who spent nothing today when the table is full.
    pub(super) fn make_room_for(&mut self, user: &str, now: u64) -> bool {
        if self.users.contains_key(user) {
            return true;
        }
        if self.users.len() >= self.config.max_users {
            let idle = self
                .users
                .keys()
                .find(|name| self.is_idle(name, now))
                .cloned();
            match idle {
                Some(name) => {
                    self.users.remove(&name);
                }
                None => return false,
            }
        }
        let state = UserState {
            rate: SlidingWindow::new(self.config.requests_per_minute, 60_000),
            error_replies: SlidingWindow::new(self.config.error_replies_per_second, 1_000),
            usage: DayUsage::default(),
            wait_named_until_ms: 0,
        };
        self.users.insert(user.to_string(), state);
        true
    }

    /// Nothing waiting or running, no recent messages and no tokens today: its state can go.
    pub(super) fn is_idle(&self, user: &str, now: u64) -> bool {
        let Some(state) = self.users.get(user) else {
            return true;
        };
        self.queue.queued_for(user) == 0
            && self.queue.in_flight_for(user) == 0
            && state.usage.tokens_today(now) == 0
            && state.rate.is_quiet(now)
            && state.error_replies.is_quiet(now)
    }

    pub(super) fn advance(&mut self, now_ms: u64) -> u64 {
        self.now_ms = self.now_ms.max(now_ms);
        self.now_ms
    }
}

fn request_id_of(message: &ToGm) -> &str {
    match message {
        ToGm::Ask(ask) => &ask.request_id,
        ToGm::Cancel { request_id } | ToGm::Resume { request_id } => request_id,
    }
}

pub(super) fn error_message(request_id: Option<String>, error: RelayError) -> String {
    encode(&ToPlayer::Error { request_id, error })
}

pub(super) fn send(out: &mut Vec<Action>, user: &str, message: &str) {
    out.push(Action::Send {
        user_id: user.to_string(),
        message: message.to_string(),
    });
}
