//! The player's side of the relay: the messages a page sends to the GM, and the GM's replies read back into
//! events for the questions this page is waiting for (the whole answer so far after each delta, ready to render).
//!
//! After a reload the page lists [`PlayerRelay::pending`] ids (saved in session storage) and sends
//! [`PlayerRelay::resume`] for each: the GM replies with the finished answer, or the text so far and then the rest.
//! When the transport finds no GM online, [`PlayerRelay::offline_answer`] answers from the page's own rules
//! index, as the GM would with no provider, labelled `noGm`.
//!
//! A question is never waited for forever: when the GM's page stays silent about it for too long (a page too busy to
//! read its socket, a lost message), [`PlayerRelay::tick`] ends it with [`RelayError::GmDidNotAnswer`]. How long
//! depends on what the GM said last ([`PlayerTimeouts`]): nothing yet, "queued" behind other players, or "answering".
//!
//! A page that was told "too many questions, try again in n s" asks nothing more until then: it refuses its own
//! questions with the same error instead of sending them. The GM answers at most a few refusals a second to one
//! user (no echo amplification) and drops the rest silently, except a rate-limit refusal to a page that has
//! honoured every wait it was told: such a page always gets its reply, however fast the window's slots open.

use std::collections::VecDeque;

use familiar_relay::ids::{is_request_id, is_user_id};
use serde::Serialize;

use super::validate::{check_ask_fields, Limits};
use super::wire::{
    decode, encode, Ask, FinalAnswer, OfflineNotice, RelayError, ToGm, ToPlayer, WireCitation,
};
use crate::offline::{offline_answer, OfflineReason};
use crate::prompt::Passage;

/// Questions one page waits for at once; the oldest is forgotten past it.
const MAX_TRACKED: usize = 16;
/// A GM message can hold a 64 KiB answer, JSON-escaped, and its citations.
const MAX_INCOMING_BYTES: usize = 512 * 1024;
/// Answer text held per question.
const MAX_TEXT_BYTES: usize = 256 * 1024;

/// How long the page waits for the GM's next word on a question before giving up on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerTimeouts {
    /// From asking (or resuming) to the GM's `accepted`: the GM's page answers that on receipt.
    pub accept_ms: u64,
    /// Between two messages of an answer being written (the GM cancels its own calls after `max_call_ms`, 5 min,
    /// and says so; past this the GM's page is not answering at all).
    pub answering_ms: u64,
    /// While queued behind other players' questions, each of which may take the GM's `max_call_ms`.
    pub queued_ms: u64,
}

impl Default for PlayerTimeouts {
    fn default() -> Self {
        PlayerTimeouts {
            accept_ms: 30_000,
            answering_ms: 6 * 60_000,
            queued_ms: 20 * 60_000,
        }
    }
}

/// A request id from 16 random bytes (the page's `crypto.getRandomValues`): 32 hex digits.
pub fn request_id_from(random: [u8; 16]) -> String {
    random.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PlayerEvent {
    Accepted {
        request_id: String,
        queued: bool,
    },
    /// The whole answer so far (Markdown, citations still `[n]`): render it in place of what was shown.
    Text {
        request_id: String,
        text: String,
    },
    /// The GM's provider failed over mid-answer; the new answer starts from nothing.
    Reset {
        request_id: String,
        reason: String,
    },
    Final {
        request_id: String,
        answer: FinalAnswer,
    },
    /// The question was refused or dropped; `request_id` is missing when the GM could not read it.
    Error {
        request_id: Option<String>,
        error: RelayError,
    },
    /// Part of the answer was missed: send `message` (a resume) and the GM sends it whole again.
    Resync {
        request_id: String,
        message: String,
    },
    /// Not for a question this page waits for (already finished, or another page's).
    Ignored {
        request_id: Option<String>,
    },
    /// The GM's message could not be read (another protocol version, or broken).
    Invalid {
        error: RelayError,
    },
}

#[derive(Debug, Clone)]
struct Tracked {
    request_id: String,
    text: String,
    /// When the page asked, or last heard from the GM about it.
    heard_ms: u64,
    /// How long after `heard_ms` the page gives up on it.
    wait_ms: u64,
}

impl Tracked {
    fn deadline_ms(&self) -> u64 {
        self.heard_ms.saturating_add(self.wait_ms)
    }
}

#[derive(Debug, Clone)]
pub struct PlayerRelay {
    user_id: String,
    limits: Limits,
    timeouts: PlayerTimeouts,
    tracked: VecDeque<Tracked>,
    /// The latest time the page gave ([`PlayerRelay::set_time`]); deadlines count from it.
    now_ms: u64,
    /// Until when the GM's rate limit refuses this user's messages, as the GM last said.
    rate_limited_until_ms: u64,
}

impl PlayerRelay {
    pub fn new(user_id: &str) -> Result<PlayerRelay, RelayError> {
        if !is_user_id(user_id) {
            return Err(RelayError::BadSender);
        }
        Ok(PlayerRelay {
            user_id: user_id.to_string(),
            limits: Limits::default(),
            timeouts: PlayerTimeouts::default(),
            tracked: VecDeque::new(),
            now_ms: 0,
            rate_limited_until_ms: 0,
        })
    }

    pub fn set_timeouts(&mut self, timeouts: PlayerTimeouts) {
        self.timeouts = timeouts;
    }

    /// The page's clock before each call (`Date.now()`); it never goes back.
    pub fn set_time(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
    }

    /// Questions the GM has been silent about past their deadline: each ends here with
    /// [`RelayError::GmDidNotAnswer`] and is no longer waited for (a late answer is ignored; asking again is a new
    /// question).
    pub fn tick(&mut self, now_ms: u64) -> Vec<PlayerEvent> {
        self.set_time(now_ms);
        let now = self.now_ms;
        let mut ended = Vec::new();
        self.tracked.retain(|tracked| {
            if tracked.deadline_ms() > now {
                return true;
            }
            ended.push(PlayerEvent::Error {
                request_id: Some(tracked.request_id.clone()),
                error: RelayError::GmDidNotAnswer {
                    after_ms: now.saturating_sub(tracked.heard_ms),
                },
            });
            false
        });
        ended
    }

    /// When [`PlayerRelay::tick`] next has work, or `None` when no question is waited for.
    pub fn next_deadline(&self) -> Option<u64> {
        self.tracked.iter().map(Tracked::deadline_ms).min()
    }

    /// The GM said something about `request_id`: wait `wait_ms` more for the next word.
    fn heard(&mut self, request_id: &str, wait_ms: u64) {
        let now = self.now_ms;
        if let Some(tracked) = self.find(request_id) {
            tracked.heard_ms = now;
            tracked.wait_ms = wait_ms;
        }
    }

    /// The message asking the GM, checked with the GM's own limits first so an oversized question is refused
    /// here with the same typed error.
    pub fn ask(
        &mut self,
        request_id: &str,
        question: &str,
        language: &str,
        history_summary: Option<&str>,
    ) -> Result<String, RelayError> {
        let ask = Ask {
            request_id: request_id.to_string(),
            user_id: self.user_id.clone(),
            question: question.to_string(),
            language: language.to_string(),
            history_summary: history_summary.map(str::to_string),
        };
        check_ask_fields(&ask, &self.limits)?;
        if self.rate_limited_until_ms > self.now_ms {
            return Err(RelayError::RateLimited {
                retry_after_ms: self.rate_limited_until_ms - self.now_ms,
            });
        }
        let message = encode(&ToGm::Ask(ask));
        if message.len() > self.limits.max_message_bytes {
            return Err(RelayError::TooLarge {
                field: super::wire::Field::Message,
                limit: self.limits.max_message_bytes as u64,
                got: message.len() as u64,
            });
        }
        self.track(request_id);
        Ok(message)
    }

    /// The Stop button: the message for the GM; the page stops waiting at once.
    pub fn cancel(&mut self, request_id: &str) -> Result<String, RelayError> {
        if !is_request_id(request_id) {
            return Err(RelayError::BadRequestId);
        }
        self.untrack(request_id);
        Ok(encode(&ToGm::Cancel {
            request_id: request_id.to_string(),
        }))
    }

    /// After a reload: ask the GM for this answer again (and wait for it here).
    pub fn resume(&mut self, request_id: &str) -> Result<String, RelayError> {
        if !is_request_id(request_id) {
            return Err(RelayError::BadRequestId);
        }
        self.track(request_id);
        Ok(encode(&ToGm::Resume {
            request_id: request_id.to_string(),
        }))
    }

    /// Ids of questions still waiting for their final answer, oldest first (save them for a resume).
    pub fn pending(&self) -> Vec<String> {
        self.tracked.iter().map(|t| t.request_id.clone()).collect()
    }

    /// The answer when no GM is online: the passages alone (from this page's rules index, with this user's
    /// visibility), labelled `noGm`. The page stops waiting for the GM on this id.
    pub fn offline_answer(&mut self, request_id: &str, passages: &[Passage]) -> PlayerEvent {
        self.untrack(request_id);
        PlayerEvent::Final {
            request_id: request_id.to_string(),
            answer: no_gm_answer(passages),
        }
    }

    /// One message from the GM.
    pub fn receive(&mut self, raw: &[u8]) -> PlayerEvent {
        let message: ToPlayer = match decode(raw, MAX_INCOMING_BYTES) {
            Ok(message) => message,
            Err((error, _)) => {
                return PlayerEvent::Invalid {
                    error: RelayError::from_decode(&error),
                }
            }
        };
        if let ToPlayer::Error {
            error: RelayError::RateLimited { retry_after_ms },
            ..
        } = &message
        {
            let until = self.now_ms.saturating_add(*retry_after_ms);
            self.rate_limited_until_ms = self.rate_limited_until_ms.max(until);
        }
        match message {
            ToPlayer::Accepted { request_id, queued } => match self.find(&request_id) {
                Some(_) => {
                    let wait = match queued {
                        true => self.timeouts.queued_ms,
                        false => self.timeouts.answering_ms,
                    };
                    self.heard(&request_id, wait);
                    PlayerEvent::Accepted { request_id, queued }
                }
                None => ignored(request_id),
            },
            ToPlayer::Delta {
                request_id,
                offset,
                text,
            } => self.delta(request_id, offset, &text),
            ToPlayer::Reset { request_id, reason } => match self.find(&request_id) {
                Some(tracked) => {
                    tracked.text = String::new();
                    let wait = self.timeouts.answering_ms;
                    self.heard(&request_id, wait);
                    PlayerEvent::Reset { request_id, reason }
                }
                None => ignored(request_id),
            },
            ToPlayer::Final { request_id, answer } => match self.untrack(&request_id) {
                true => PlayerEvent::Final { request_id, answer },
                false => ignored(request_id),
            },
            ToPlayer::Error {
                request_id: None,
                error,
            } => PlayerEvent::Error {
                request_id: None,
                error,
            },
            ToPlayer::Error {
                request_id: Some(request_id),
                error,
            } => match self.untrack(&request_id) {
                true => PlayerEvent::Error {
                    request_id: Some(request_id),
                    error,
                },
                false => ignored(request_id),
            },
        }
    }

    /// Appends at `offset`; a repeat is harmless (the same text lands on the same bytes), a gap asks for a resume.
    fn delta(&mut self, request_id: String, offset: usize, text: &str) -> PlayerEvent {
        let wait = self.timeouts.answering_ms;
        self.heard(&request_id, wait);
        let Some(tracked) = self.find(&request_id) else {
            return ignored(request_id);
        };
        if offset > tracked.text.len() || !tracked.text.is_char_boundary(offset) {
            tracked.text = String::new();
            let message = encode(&ToGm::Resume {
                request_id: request_id.clone(),
            });
            return PlayerEvent::Resync {
                request_id,
                message,
            };
        }
        let repeat = tracked
            .text
            .get(offset..offset + text.len())
            .is_some_and(|held| held == text);
        if !repeat {
            tracked.text.truncate(offset);
            let room = MAX_TEXT_BYTES.saturating_sub(offset);
            tracked.text.push_str(super::calls::cut_at_char(text, room));
        }
        PlayerEvent::Text {
            request_id,
            text: tracked.text.clone(),
        }
    }

    fn find(&mut self, request_id: &str) -> Option<&mut Tracked> {
        self.tracked
            .iter_mut()
            .find(|tracked| tracked.request_id == request_id)
    }

    fn track(&mut self, request_id: &str) {
        self.untrack(request_id);
        if self.tracked.len() >= MAX_TRACKED {
            self.tracked.pop_front();
        }
        self.tracked.push_back(Tracked {
            request_id: request_id.to_string(),
            text: String::new(),
            heard_ms: self.now_ms,
            wait_ms: self.timeouts.accept_ms,
        });
    }

    fn untrack(&mut self, request_id: &str) -> bool {
        let before = self.tracked.len();
        self.tracked
            .retain(|tracked| tracked.request_id != request_id);
        self.tracked.len() < before
    }
}

fn ignored(request_id: String) -> PlayerEvent {
    PlayerEvent::Ignored {
        request_id: Some(request_id),
    }
}

/// The offline answer for "no GM online", in the relay's final-answer shape.
pub fn no_gm_answer(passages: &[Passage]) -> FinalAnswer {
    let reason = OfflineReason::NoGm;
    let (text, citations) = offline_answer(passages, &reason);
    FinalAnswer {
        text,
        citations: citations
            .into_iter()
            .map(|citation| WireCitation {
                number: citation.number,
                uuid: citation.uuid,
                name: citation.name,
            })
            .collect(),
        provider: None,
        offline: true,
        reason: Some(OfflineNotice::from_reason(&reason)),
        truncated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const OTHER: &str = "fedcba9876543210fedcba9876543210";

    fn page_at(now_ms: u64) -> PlayerRelay {
        let mut page = PlayerRelay::new("aliceUserId0001").unwrap();
        page.set_time(now_ms);
        page
    }

    fn from_gm(page: &mut PlayerRelay, message: ToPlayer, now_ms: u64) -> PlayerEvent {
        page.set_time(now_ms);
        page.receive(encode(&message).as_bytes())
    }

    fn timed_out(events: &[PlayerEvent]) -> Vec<(String, u64)> {
        events
            .iter()
            .filter_map(|event| match event {
                PlayerEvent::Error {
                    request_id: Some(id),
                    error: RelayError::GmDidNotAnswer { after_ms },
                } => Some((id.clone(), *after_ms)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_question_the_gm_never_acknowledges_ends_after_the_accept_wait() {
        let timeouts = PlayerTimeouts::default();
        let mut page = page_at(1_000);
        page.ask(ID, "what does off-guard do?", "en", None).unwrap();
        assert_eq!(page.next_deadline(), Some(1_000 + timeouts.accept_ms));
        assert!(page.tick(1_000 + timeouts.accept_ms - 1).is_empty());
        let events = page.tick(1_000 + timeouts.accept_ms);
        assert_eq!(
            timed_out(&events),
            vec![(ID.to_string(), timeouts.accept_ms)]
        );
        // No longer waited for: nothing more to tick, and a late answer is ignored.
        assert_eq!(page.next_deadline(), None);
        assert!(page.pending().is_empty());
        let late = from_gm(
            &mut page,
            ToPlayer::Accepted {
                request_id: ID.into(),
                queued: false,
            },
            1_000 + timeouts.accept_ms + 5,
        );
        assert!(matches!(late, PlayerEvent::Ignored { .. }));
    }

    #[test]
    fn each_word_from_the_gm_moves_the_deadline_by_what_it_said() {
        let timeouts = PlayerTimeouts::default();
        let mut page = page_at(0);
        page.ask(ID, "queued question", "en", None).unwrap();
        page.ask(OTHER, "answered question", "en", None).unwrap();
        let accepted = |request_id: &str, queued| ToPlayer::Accepted {
            request_id: request_id.into(),
            queued,
        };
        from_gm(&mut page, accepted(ID, true), 100);
        from_gm(&mut page, accepted(OTHER, false), 200);
        let delta = ToPlayer::Delta {
            request_id: OTHER.into(),
            offset: 0,
            text: "Off-guard".into(),
        };
        assert!(matches!(
            from_gm(&mut page, delta, 10_000),
            PlayerEvent::Text { .. }
        ));
        assert_eq!(page.next_deadline(), Some(10_000 + timeouts.answering_ms));
        // An answer being written long past the accept wait is still waited for...
        assert!(page.tick(10_000 + timeouts.answering_ms - 1).is_empty());
        // ...until the GM falls silent for the answering wait; the queued one waits longer.
        let events = page.tick(10_000 + timeouts.answering_ms);
        assert_eq!(
            timed_out(&events),
            vec![(OTHER.to_string(), timeouts.answering_ms)]
        );
        assert_eq!(page.pending(), vec![ID.to_string()]);
        assert_eq!(page.next_deadline(), Some(100 + timeouts.queued_ms));
    }

    #[test]
    fn a_finished_or_cancelled_question_is_not_timed_out_and_a_resume_waits_afresh() {
        let timeouts = PlayerTimeouts::default();
        let mut page = page_at(0);
        page.ask(ID, "one", "en", None).unwrap();
        page.ask(OTHER, "two", "en", None).unwrap();
        page.cancel(OTHER).unwrap();
        let done = from_gm(
            &mut page,
            ToPlayer::Final {
                request_id: ID.into(),
                answer: no_gm_answer(&[]),
            },
            50,
        );
        assert!(matches!(done, PlayerEvent::Final { .. }));
        assert!(page.tick(10 * timeouts.queued_ms).is_empty());
        // After a reload the page resumes a question: the accept wait starts from the resume.
        let later = 11 * timeouts.queued_ms;
        page.set_time(later);
        page.resume(ID).unwrap();
        assert_eq!(page.next_deadline(), Some(later + timeouts.accept_ms));
    }

    #[test]
    fn the_clock_never_goes_back() {
        let mut page = page_at(5_000);
        page.set_time(10);
        page.ask(ID, "q", "en", None).unwrap();
        assert_eq!(
            page.next_deadline(),
            Some(5_000 + PlayerTimeouts::default().accept_ms)
        );
    }
}
