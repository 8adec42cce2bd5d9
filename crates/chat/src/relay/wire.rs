//! The relay's messages between a player's client and the GM's, as JSON text with a protocol version `v`.
//! Player → GM ([`ToGm`]) is hostile input: it is size-checked before parsing and refuses unknown fields.
//! GM → player ([`ToPlayer`]) comes from the trusted GM and is read leniently, so an added field is not a break.
//! The envelope itself (`v`, the size and version checks) is `familiar_relay::envelope`, shared with art orders.

use serde::{Deserialize, Serialize};

pub use familiar_relay::envelope::{decode, encode, DecodeError, PROTOCOL_VERSION};

use crate::offline::OfflineReason;

mod tagged;

/// A question from a player. `request_id` is made by the player (see [`crate::relay::request_id_from`]) and keys
/// the answer for cancel and resume; `user_id` must be the sender the transport reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ask {
    pub request_id: String,
    pub user_id: String,
    pub question: String,
    /// The asker's Foundry language (`en`, `pt-BR`): the answer's language.
    pub language: String,
    /// The asker's own rolling summary of earlier turns (history lives in the player's browser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_summary: Option<String>,
}

/// Player → GM, `{"v": 1, "type": "ask" | "cancel" | "resume", ...}`; unknown or foreign fields are refused
/// (read in `wire/tagged.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
// Serialising a tagged enum writes `type` first and needs no buffer; only reading does, which `wire/tagged.rs` does.
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ToGm {
    Ask(Ask),
    /// Stop this question (the Stop button); unknown or finished ids are ignored.
    Cancel {
        request_id: String,
    },
    /// The page reloaded: send this answer again (finished) or from its start (still streaming).
    Resume {
        request_id: String,
    },
}

/// GM → player, `{"v": 1, "type": "accepted" | "delta" | "reset" | "final" | "error", ...}`, read leniently
/// (read in `wire/tagged.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
// Serialising a tagged enum writes `type` first and needs no buffer; only reading does, which `wire/tagged.rs` does.
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ToPlayer {
    /// The question was taken; `queued` when it waits for a free provider slot.
    Accepted { request_id: String, queued: bool },
    /// Answer text from byte `offset` of the answer so far (UTF-8 bytes). After a resume the first delta starts at
    /// 0 and holds everything streamed so far, so a new page needs nothing else.
    Delta {
        request_id: String,
        offset: usize,
        text: String,
    },
    /// Discard the text shown so far: the provider failed mid-answer and another one starts over.
    Reset { request_id: String, reason: String },
    Final {
        request_id: String,
        answer: FinalAnswer,
    },
    /// `request_id` is missing when the message was too broken to read one.
    Error {
        request_id: Option<String>,
        error: RelayError,
    },
}

/// The finished answer as the asker renders it (through `renderMarkdown`, never as HTML from the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalAnswer {
    /// Markdown with `@UUID[...]{...}` content links.
    pub text: String,
    #[serde(default)]
    pub citations: Vec<WireCitation>,
    /// The provider that answered; `None` for an offline answer.
    #[serde(default)]
    pub provider: Option<String>,
    pub offline: bool,
    /// Why the answer is offline.
    #[serde(default)]
    pub reason: Option<OfflineNotice>,
    /// The text was cut at the relay's answer size cap.
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCitation {
    pub number: usize,
    pub uuid: String,
    pub name: String,
}

/// An offline answer's reason: `code` for a localised label (`noProviders`, `allUnhealthy`, `allFailed`, `noGm`),
/// `message` as an English fallback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfflineNotice {
    pub code: String,
    pub message: String,
}

impl OfflineNotice {
    pub fn from_reason(reason: &OfflineReason) -> OfflineNotice {
        let code = match reason {
            OfflineReason::NoProviders => "noProviders",
            OfflineReason::AllUnhealthy => "allUnhealthy",
            OfflineReason::AllFailed { .. } => "allFailed",
            OfflineReason::NoGm => "noGm",
            OfflineReason::NoConsent => "noConsent",
        };
        OfflineNotice {
            code: code.to_string(),
            message: reason.describe(),
        }
    }
}

/// Which part of a request was too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Message,
    Question,
    HistorySummary,
    Language,
}

/// Why the relay refused or dropped a request; sent to the asker as `{type: "error", error: {code, ...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RelayError {
    #[error("too many questions in the last minute; try again in {} s", retry_after_ms.div_ceil(1000))]
    RateLimited { retry_after_ms: u64 },
    #[error("today's token budget is used up ({used_tokens} of {budget_tokens} tokens)")]
    BudgetExhausted {
        used_tokens: u64,
        budget_tokens: u64,
        /// When the budget starts over (the next UTC midnight), in ms since the epoch.
        resets_at_ms: u64,
    },
    #[error("the {field:?} is too large ({got} > {limit})")]
    TooLarge { field: Field, limit: u64, got: u64 },
    #[error("malformed message: {detail}")]
    Malformed { detail: String },
    #[error("protocol version {got:?} is not supported (this GM speaks {supported}); reload to update Familiar")]
    UnsupportedVersion { got: Option<u64>, supported: u32 },
    #[error("the message names another user than the one who sent it")]
    WrongSender,
    #[error("the transport reported a sender id that is not a user id")]
    BadSender,
    #[error("the request id must be 8 to 64 letters, digits, '-' or '_'")]
    BadRequestId,
    #[error("the GM does not let players ask the raven")]
    PlayersMayNotAsk,
    #[error("too many questions waiting ({limit} at most); wait for an answer first")]
    QueueFull { limit: u64 },
    #[error("this request id is already in use")]
    DuplicateRequest,
    #[error("no such question (it may have expired)")]
    UnknownRequest,
    #[error("the relay serves too many users right now")]
    Busy,
    #[error("the answer took longer than {after_ms} ms and was stopped")]
    TimedOut { after_ms: u64 },
    #[error("the GM's client could not answer: {detail}")]
    Failed { detail: String },
    /// Set by the asker's own page, never sent by a GM: the GM's page was silent about the question for `after_ms`.
    #[error("the GM's client did not answer within {} s", after_ms.div_ceil(1000))]
    GmDidNotAnswer { after_ms: u64 },
}

impl RelayError {
    /// The refusal for a message the envelope could not read.
    pub fn from_decode(error: &DecodeError) -> RelayError {
        match error {
            DecodeError::TooLarge { limit, got } => RelayError::TooLarge {
                field: Field::Message,
                limit: *limit as u64,
                got: *got as u64,
            },
            DecodeError::Malformed(detail) => RelayError::Malformed {
                detail: detail.clone(),
            },
            DecodeError::UnsupportedVersion(got) => RelayError::UnsupportedVersion {
                got: *got,
                supported: PROTOCOL_VERSION,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_a_version() {
        let ask = ToGm::Ask(Ask {
            request_id: "r-0000001".into(),
            user_id: "u1".into(),
            question: "Can I Step while grabbed?".into(),
            language: "en".into(),
            history_summary: None,
        });
        let text = encode(&ask);
        assert!(text.starts_with(r#"{"v":1,"type":"ask","#), "{text}");
        assert_eq!(decode::<ToGm>(text.as_bytes(), 4096), Ok(ask));
        let error = ToPlayer::Error {
            request_id: None,
            error: RelayError::RateLimited {
                retry_after_ms: 1500,
            },
        };
        let text = encode(&error);
        assert!(text.contains(r#""error":{"code":"rateLimited","retryAfterMs":1500}"#));
        assert_eq!(decode::<ToPlayer>(text.as_bytes(), 4096), Ok(error));
    }

    /// The JSON of every message, to the byte: what players' and GMs' pages of this version exchange.
    #[test]
    fn every_message_keeps_its_json() {
        let id = || "abcdefgh".to_string();
        let cases = [
            (
                encode(&ToGm::Ask(Ask {
                    request_id: id(),
                    user_id: "u1".into(),
                    question: "Q".into(),
                    language: "en".into(),
                    history_summary: Some("S".into()),
                })),
                r#"{"v":1,"type":"ask","requestId":"abcdefgh","userId":"u1","question":"Q","language":"en","historySummary":"S"}"#,
            ),
            (
                encode(&ToGm::Cancel { request_id: id() }),
                r#"{"v":1,"type":"cancel","requestId":"abcdefgh"}"#,
            ),
            (
                encode(&ToGm::Resume { request_id: id() }),
                r#"{"v":1,"type":"resume","requestId":"abcdefgh"}"#,
            ),
            (
                encode(&ToPlayer::Accepted {
                    request_id: id(),
                    queued: true,
                }),
                r#"{"v":1,"type":"accepted","requestId":"abcdefgh","queued":true}"#,
            ),
            (
                encode(&ToPlayer::Delta {
                    request_id: id(),
                    offset: 3,
                    text: "t".into(),
                }),
                r#"{"v":1,"type":"delta","requestId":"abcdefgh","offset":3,"text":"t"}"#,
            ),
            (
                encode(&ToPlayer::Reset {
                    request_id: id(),
                    reason: "r".into(),
                }),
                r#"{"v":1,"type":"reset","requestId":"abcdefgh","reason":"r"}"#,
            ),
            (
                encode(&ToPlayer::Final {
                    request_id: id(),
                    answer: FinalAnswer {
                        text: "A".into(),
                        citations: vec![],
                        provider: None,
                        offline: true,
                        reason: None,
                        truncated: false,
                    },
                }),
                r#"{"v":1,"type":"final","requestId":"abcdefgh","answer":{"text":"A","citations":[],"provider":null,"offline":true,"reason":null,"truncated":false}}"#,
            ),
            (
                encode(&ToPlayer::Error {
                    request_id: None,
                    error: RelayError::Busy,
                }),
                r#"{"v":1,"type":"error","requestId":null,"error":{"code":"busy"}}"#,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(text, expected);
            let again = decode::<ToGm>(text.as_bytes(), 4096)
                .map(|message| encode(&message))
                .or_else(|_| decode::<ToPlayer>(text.as_bytes(), 4096).map(|m| encode(&m)));
            assert_eq!(again.as_deref(), Ok(expected));
        }
        let lenient =
            r#"{"v":1,"type":"accepted","requestId":"abcdefgh","queued":false,"later":1}"#;
        assert!(decode::<ToPlayer>(lenient.as_bytes(), 4096).is_ok());
    }

    #[test]
    fn unknown_fields_are_refused_towards_the_gm() {
        let raw = br#"{"v":1,"type":"cancel","requestId":"abcdefgh","admin":true}"#;
        let (error, id) = decode::<ToGm>(raw, 4096).unwrap_err();
        assert!(matches!(error, DecodeError::Malformed(ref d) if d.contains("admin")));
        assert_eq!(id.as_deref(), Some("abcdefgh"));
    }

    #[test]
    fn the_version_is_checked_before_the_shape() {
        let raw = br#"{"v":2,"type":"teleport","requestId":"abcdefgh"}"#;
        let (error, id) = decode::<ToGm>(raw, 4096).unwrap_err();
        assert_eq!(error, DecodeError::UnsupportedVersion(Some(2)));
        assert_eq!(id.as_deref(), Some("abcdefgh"));
        let (error, _) = decode::<ToGm>(br#"{"type":"cancel"}"#, 4096).unwrap_err();
        assert!(matches!(error, DecodeError::Malformed(ref d) if d.contains("version")));
    }

    #[test]
    fn size_is_checked_before_parsing() {
        let raw = vec![b'['; 5000];
        let (error, _) = decode::<ToGm>(&raw, 4096).unwrap_err();
        assert_eq!(
            error,
            DecodeError::TooLarge {
                limit: 4096,
                got: 5000
            }
        );
    }
}
