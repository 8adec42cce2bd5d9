//! The provider side of the GM relay: what the chat session reports for a started call (text, a reset, the final
//! answer, a failure) becomes messages for its asker; finished answers are kept for a resume and their tokens
//! counted against the asker's day. Also the timeouts ([`Relay::tick`]) and a user leaving.

use super::gm::{error_message, send, Action, Call, CallId, Relay};
use super::wire::{encode, FinalAnswer, OfflineNotice, RelayError, ToPlayer, WireCitation};
use crate::history::estimate_tokens;
use crate::stream::Usage;

/// A finished answer from the chat session, as the relay needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderAnswer {
    /// Markdown with content links.
    pub text: String,
    pub citations: Vec<WireCitation>,
    pub provider: Option<String>,
    /// Set for an offline answer.
    pub offline: Option<OfflineNotice>,
    /// The provider's token counts, when it reported them.
    pub usage: Option<Usage>,
}

impl Relay {
    /// More answer text for `call`; text past `max_answer_bytes` is dropped (the final answer says so).
    pub fn on_delta(&mut self, call: CallId, text: &str, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let max = self.config.max_answer_bytes;
        let Some(open) = self.calls.get_mut(call).map(|open| &mut open.call) else {
            return Vec::new(); // cancelled or timed out: late events are expected
        };
        let piece = cut_at_char(text, max.saturating_sub(open.text.len()));
        if piece.is_empty() {
            return Vec::new();
        }
        open.text.push_str(piece);
        let mut out = Vec::new();
        if now >= open.sent_ms.saturating_add(self.config.delta_interval_ms) {
            flush_delta(open, now, &mut out);
        }
        out
    }

    /// The session failed over mid-answer: the asker discards what it showed.
    pub fn on_reset(&mut self, call: CallId, reason: &str, now_ms: u64) -> Vec<Action> {
        self.advance(now_ms);
        let Some(open) = self.calls.get_mut(call).map(|open| &mut open.call) else {
            return Vec::new();
        };
        open.text = String::new();
        open.sent = 0;
        let reset = ToPlayer::Reset {
            request_id: open.ask.request_id.clone(),
            reason: reason.chars().take(200).collect(),
        };
        let mut out = Vec::new();
        send(&mut out, &open.ask.user_id, &encode(&reset));
        out
    }

    /// The answer is complete: send it, keep it for a resume, count its tokens, start the next question.
    pub fn on_final(&mut self, call: CallId, answer: ProviderAnswer, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let mut out = Vec::new();
        let Some(ended) = self.end_call(call, now, Some(&answer)) else {
            return out;
        };
        self.counters.answered += 1;
        let text = cut_at_char(&answer.text, self.config.max_answer_bytes);
        let truncated = text.len() < answer.text.len();
        let mut citations = answer.citations;
        citations.truncate(self.config.max_citations);
        let message = encode(&ToPlayer::Final {
            request_id: ended.request_id.clone(),
            answer: FinalAnswer {
                text: text.to_string(),
                citations,
                provider: answer.provider,
                offline: answer.offline.is_some(),
                reason: answer.offline,
                truncated,
            },
        });
        send(&mut out, &ended.user_id, &message);
        self.answers
            .insert(&ended.user_id, &ended.request_id, message, now);
        self.schedule(now, &mut out);
        out
    }

    /// The GM's client could not run the call at all (the session threw): the asker gets an error.
    pub fn on_failed(&mut self, call: CallId, detail: &str, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let mut out = Vec::new();
        if let Some(ended) = self.end_call(call, now, None) {
            let error = RelayError::Failed {
                detail: detail.chars().take(200).collect(),
            };
            send(
                &mut out,
                &ended.user_id,
                &error_message(Some(ended.request_id), error),
            );
            self.schedule(now, &mut out);
        }
        out
    }

    /// Timeouts and clean-up: calls open past `max_call_ms` are cancelled, stale answers and idle users dropped.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let mut out = Vec::new();
        let interval = self.config.delta_interval_ms;
        for open in self.calls.values_mut().map(|open| &mut open.call) {
            if open.sent < open.text.len() && now >= open.sent_ms.saturating_add(interval) {
                flush_delta(open, now, &mut out);
            }
        }
        let max_call_ms = self.config.max_call_ms;
        let overdue = self
            .calls
            .ids_where(|open| now.saturating_sub(open.call.started_ms) >= max_call_ms);
        for call in overdue {
            if let Some(ended) = self.end_call(call, now, None) {
                self.counters.timed_out += 1;
                out.push(Action::Cancel { call });
                let error = RelayError::TimedOut {
                    after_ms: max_call_ms,
                };
                send(
                    &mut out,
                    &ended.user_id,
                    &error_message(Some(ended.request_id), error),
                );
            }
        }
        self.answers.expire(now);
        let idle: Vec<String> = self
            .users
            .keys()
            .filter(|user| self.is_idle(user, now))
            .cloned()
            .collect();
        for user in idle {
            self.users.remove(&user);
        }
        self.schedule(now, &mut out);
        out
    }

    /// The next time [`Relay::tick`] has work: a call's timeout or a stored answer's expiry.
    pub fn next_deadline(&self) -> Option<u64> {
        let calls = self
            .calls
            .iter()
            .map(|(_, open)| open.call.started_ms + self.config.max_call_ms);
        let deltas = self
            .calls
            .iter()
            .map(|(_, open)| &open.call)
            .filter(|open| open.sent < open.text.len())
            .map(|open| open.sent_ms.saturating_add(self.config.delta_interval_ms));
        calls.chain(deltas).chain(self.answers.next_expiry()).min()
    }

    /// The user's client went away: drop their waiting questions and stop their calls. Finished answers stay
    /// for a resume, and today's usage stays counted.
    pub fn user_left(&mut self, user: &str, now_ms: u64) -> Vec<Action> {
        let now = self.advance(now_ms);
        let mut out = Vec::new();
        self.counters.cancelled += self.queue.remove_user(user).len() as u64;
        let calls = self.calls.ids_where(|open| open.user_id == user);
        for call in calls {
            self.end_call(call, now, None);
            self.counters.cancelled += 1;
            out.push(Action::Cancel { call });
        }
        self.schedule(now, &mut out);
        out
    }

    /// Closes a call and charges its tokens to the asker's day. Returns who asked what.
    pub(super) fn end_call(
        &mut self,
        call: CallId,
        now: u64,
        answer: Option<&ProviderAnswer>,
    ) -> Option<Ended> {
        let ended = self.calls.remove(call)?;
        let (user, request_id, open) = (ended.user_id, ended.request_id, ended.call);
        self.queue.finished(&user);
        let tokens = self.tokens_spent(&open.ask, &open.text, answer);
        if let Some(state) = self.users.get_mut(&user) {
            state.usage.add(now, tokens);
        }
        Some(Ended {
            user_id: user,
            request_id,
        })
    }

    /// The provider's counts when it gave them, else estimates: the question, the asker's summary and the fixed
    /// prompt overhead in, the answer (or the text streamed before a cancel) out. Offline answers cost nothing.
    fn tokens_spent(
        &self,
        ask: &super::wire::Ask,
        streamed: &str,
        answer: Option<&ProviderAnswer>,
    ) -> u64 {
        let usage = answer.and_then(|answer| answer.usage).unwrap_or_default();
        if answer.is_some_and(|a| a.offline.is_some())
            && usage.input_tokens.is_none()
            && usage.output_tokens.is_none()
        {
            return 0;
        }
        let input = usage.input_tokens.map_or_else(
            || {
                estimate_tokens(&ask.question)
                    + ask.history_summary.as_deref().map_or(0, estimate_tokens)
                    + self.config.prompt_overhead_tokens
            },
            u64::from,
        );
        let output = usage.output_tokens.map_or_else(
            || estimate_tokens(answer.map_or(streamed, |answer| answer.text.as_str())),
            u64::from,
        );
        input + output
    }
}

pub(super) struct Ended {
    pub(super) user_id: String,
    pub(super) request_id: String,
}

/// The longest prefix of `text` within `max` bytes that ends on a character boundary.
pub(super) fn cut_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The text the asker has not been sent yet, as one delta.
fn flush_delta(open: &mut Call, now_ms: u64, out: &mut Vec<Action>) {
    let delta = ToPlayer::Delta {
        request_id: open.ask.request_id.clone(),
        offset: open.sent,
        text: open.text[open.sent..].to_string(),
    };
    open.sent = open.text.len();
    open.sent_ms = now_ms;
    send(out, &open.ask.user_id, &encode(&delta));
}
