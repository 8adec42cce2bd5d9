//! The player's side of the relay: the messages a page sends to the GM, and the GM's replies read back into
//! events for the questions this page is waiting for (the whole answer so far after each delta, ready to render).
//!
//! After a reload the page lists [`PlayerRelay::pending`] ids (saved in session storage) and sends
//! [`PlayerRelay::resume`] for each: the GM replies with the finished answer, or the text so far and then the rest.
//! When the transport finds no GM online, [`PlayerRelay::offline_answer`] answers from the page's own rules
//! index, as the GM would with no provider, labelled `noGm`.

use std::collections::VecDeque;

use serde::Serialize;

use super::validate::{check_ask_fields, is_request_id, is_user_id, Limits};
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
}

#[derive(Debug, Clone)]
pub struct PlayerRelay {
    user_id: String,
    limits: Limits,
    tracked: VecDeque<Tracked>,
}

impl PlayerRelay {
    pub fn new(user_id: &str) -> Result<PlayerRelay, RelayError> {
        if !is_user_id(user_id) {
            return Err(RelayError::BadSender);
        }
        Ok(PlayerRelay {
            user_id: user_id.to_string(),
            limits: Limits::default(),
            tracked: VecDeque::new(),
        })
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
                    error: error.to_relay_error(),
                }
            }
        };
        match message {
            ToPlayer::Accepted { request_id, queued } => match self.find(&request_id) {
                Some(_) => PlayerEvent::Accepted { request_id, queued },
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
