//! How [`ToGm`] and [`ToPlayer`] are written and read: flat objects tagged by `type`, through
//! `familiar_relay::tagged` (which says why not serde's internally tagged enums). Each variant's fields are read
//! into a body struct here: strict towards the GM (`deny_unknown_fields`), lenient towards the player.

use familiar_relay::tagged::{self, body, unknown_variant, Fields, Tagged, TAG};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{FinalAnswer, RelayError, ToGm, ToPlayer};

/// The fields of a cancel or a resume.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RequestOnly {
    request_id: String,
}

impl Tagged for ToGm {
    const VARIANTS: &'static [&'static str] = &["ask", "cancel", "resume"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        match name {
            "ask" => body(fields).map(ToGm::Ask),
            "cancel" => body(fields).map(|RequestOnly { request_id }| ToGm::Cancel { request_id }),
            "resume" => body(fields).map(|RequestOnly { request_id }| ToGm::Resume { request_id }),
            _ => Err(unknown_variant::<Self>(name)),
        }
    }
}

impl<'de> Deserialize<'de> for ToGm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer)
    }
}

impl Serialize for ToGm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ToGm", 6)?;
        match self {
            ToGm::Ask(ask) => {
                out.serialize_field(TAG, "ask")?;
                out.serialize_field("requestId", &ask.request_id)?;
                out.serialize_field("userId", &ask.user_id)?;
                out.serialize_field("question", &ask.question)?;
                out.serialize_field("language", &ask.language)?;
                match &ask.history_summary {
                    Some(summary) => out.serialize_field("historySummary", summary)?,
                    None => out.skip_field("historySummary")?,
                }
            }
            ToGm::Cancel { request_id } => {
                out.serialize_field(TAG, "cancel")?;
                out.serialize_field("requestId", request_id)?;
            }
            ToGm::Resume { request_id } => {
                out.serialize_field(TAG, "resume")?;
                out.serialize_field("requestId", request_id)?;
            }
        }
        out.end()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    request_id: String,
    queued: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delta {
    request_id: String,
    offset: usize,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reset {
    request_id: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Final {
    request_id: String,
    answer: FinalAnswer,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Error {
    request_id: Option<String>,
    error: RelayError,
}

impl Tagged for ToPlayer {
    const VARIANTS: &'static [&'static str] = &["accepted", "delta", "reset", "final", "error"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        Ok(match name {
            "accepted" => {
                let Accepted { request_id, queued } = body(fields)?;
                ToPlayer::Accepted { request_id, queued }
            }
            "delta" => {
                let Delta {
                    request_id,
                    offset,
                    text,
                } = body(fields)?;
                ToPlayer::Delta {
                    request_id,
                    offset,
                    text,
                }
            }
            "reset" => {
                let Reset { request_id, reason } = body(fields)?;
                ToPlayer::Reset { request_id, reason }
            }
            "final" => {
                let Final { request_id, answer } = body(fields)?;
                ToPlayer::Final { request_id, answer }
            }
            "error" => {
                let Error { request_id, error } = body(fields)?;
                ToPlayer::Error { request_id, error }
            }
            _ => return Err(unknown_variant::<Self>(name)),
        })
    }
}

impl<'de> Deserialize<'de> for ToPlayer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer)
    }
}

impl Serialize for ToPlayer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ToPlayer", 4)?;
        match self {
            ToPlayer::Accepted { request_id, queued } => {
                out.serialize_field(TAG, "accepted")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("queued", queued)?;
            }
            ToPlayer::Delta {
                request_id,
                offset,
                text,
            } => {
                out.serialize_field(TAG, "delta")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("offset", offset)?;
                out.serialize_field("text", text)?;
            }
            ToPlayer::Reset { request_id, reason } => {
                out.serialize_field(TAG, "reset")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("reason", reason)?;
            }
            ToPlayer::Final { request_id, answer } => {
                out.serialize_field(TAG, "final")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("answer", answer)?;
            }
            ToPlayer::Error { request_id, error } => {
                out.serialize_field(TAG, "error")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("error", error)?;
            }
        }
        out.end()
    }
}
