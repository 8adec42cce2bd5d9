//! Every request from a player is checked here before the relay acts on it: the raw size before parsing, the
//! version and the shape (see [`super::wire::decode`]), the ids, the sender, and the size of each text field.

use familiar_relay::ids::{is_request_id, is_user_id};

use super::wire::{decode, Ask, Field, RelayError, ToGm};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one raw message, checked before it is parsed.
    pub max_message_bytes: usize,
    /// Characters of a question.
    pub max_question_chars: usize,
    /// Characters of the asker's history summary (the chat core's summary is at most 3,000).
    pub max_summary_chars: usize,
    /// Characters of a language tag (BCP 47 tags are at most 35).
    pub max_language_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 16 * 1024,
            max_question_chars: 2_000,
            max_summary_chars: 4_000,
            max_language_chars: 35,
        }
    }
}

/// A request refused before it reached the relay's rules, with its id when one could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub request_id: Option<String>,
    pub error: RelayError,
}

/// Reads and checks one message from `sender` (the user id the transport reports, already checked with
/// [`is_user_id`]).
pub fn parse_request(sender: &str, raw: &[u8], limits: &Limits) -> Result<ToGm, Rejection> {
    let message: ToGm =
        decode(raw, limits.max_message_bytes).map_err(|(error, request_id)| Rejection {
            request_id,
            error: RelayError::from_decode(&error),
        })?;
    let request_id = match &message {
        ToGm::Ask(ask) => &ask.request_id,
        ToGm::Cancel { request_id } | ToGm::Resume { request_id } => request_id,
    };
    if !is_request_id(request_id) {
        return Err(Rejection {
            request_id: None,
            error: RelayError::BadRequestId,
        });
    }
    if let ToGm::Ask(ask) = &message {
        let refuse = |error| Rejection {
            request_id: Some(ask.request_id.clone()),
            error,
        };
        if ask.user_id != sender {
            return Err(refuse(RelayError::WrongSender));
        }
        check_ask_fields(ask, limits).map_err(refuse)?;
    }
    Ok(message)
}

/// The text fields of a question: also run on the player's side, so an oversized question is refused before it is
/// sent.
pub fn check_ask_fields(ask: &Ask, limits: &Limits) -> Result<(), RelayError> {
    if !is_request_id(&ask.request_id) {
        return Err(RelayError::BadRequestId);
    }
    if !is_user_id(&ask.user_id) {
        return Err(RelayError::Malformed {
            detail: "userId is not a user id".into(),
        });
    }
    check_text(
        &ask.question,
        Field::Question,
        limits.max_question_chars,
        true,
    )?;
    if ask.question.trim().is_empty() {
        return Err(RelayError::Malformed {
            detail: "the question is empty".into(),
        });
    }
    if let Some(summary) = &ask.history_summary {
        check_text(
            summary,
            Field::HistorySummary,
            limits.max_summary_chars,
            true,
        )?;
    }
    check_text(
        &ask.language,
        Field::Language,
        limits.max_language_chars,
        false,
    )?;
    let language_ok = !ask.language.is_empty()
        && ask
            .language
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !language_ok {
        return Err(RelayError::Malformed {
            detail: "language must be a tag such as en or pt-BR".into(),
        });
    }
    Ok(())
}

/// Length in characters, and no control characters but line breaks and tabs (when `multiline`).
fn check_text(text: &str, field: Field, limit: usize, multiline: bool) -> Result<(), RelayError> {
    let chars = text.chars().count();
    if chars > limit {
        return Err(RelayError::TooLarge {
            field,
            limit: limit as u64,
            got: chars as u64,
        });
    }
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t'));
    if !text.chars().all(allowed) {
        return Err(RelayError::Malformed {
            detail: format!("{field:?} holds control characters"),
        });
    }
    Ok(())
}
