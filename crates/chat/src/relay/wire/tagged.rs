//! How [`ToGm`] and [`ToPlayer`] are read: flat objects tagged by `type`, through
//! `familiar_relay::tagged` (which says why not serde's internally tagged enums). Each variant's fields are read
//! into a body struct here: strict towards the GM (`deny_unknown_fields`), lenient towards the player.

use familiar_relay::tagged::{body, unknown_variant, Fields, RequestOnly, Tagged};
use serde::Deserialize;

use super::{FinalAnswer, RelayError, ToGm, ToPlayer};

familiar_relay::deserialize_tagged!(ToGm, ToPlayer);

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
