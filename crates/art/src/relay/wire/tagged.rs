//! How [`ArtToGm`] and [`ArtToPlayer`] are written and read: flat objects tagged by `type`, through
//! `familiar_relay::tagged` (which says why not serde's internally tagged enums). Each variant's fields are read
//! into a body struct here: strict towards the GM (`deny_unknown_fields`), lenient towards the player.

use familiar_relay::tagged::{
    body, start, unknown_variant, write_request_only, Fields, RequestOnly, Tagged,
};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::{ArtRelayError, ArtToGm, ArtToPlayer, RelayedImage};
use crate::prompt::Preset;

familiar_relay::deserialize_tagged!(ArtToGm, ArtToPlayer);

/// An order's fields, as the GM's client reads them (strict).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Order {
    request_id: String,
    user_id: String,
    prompt: String,
    presets: Vec<Preset>,
    variants: u32,
}

impl From<Order> for ArtToGm {
    fn from(order: Order) -> ArtToGm {
        ArtToGm::Request {
            request_id: order.request_id,
            user_id: order.user_id,
            prompt: order.prompt,
            presets: order.presets,
            variants: order.variants,
        }
    }
}

impl Tagged for ArtToGm {
    const VARIANTS: &'static [&'static str] = &["request", "cancel", "resume"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        match name {
            "request" => body::<Order>(fields).map(ArtToGm::from),
            "cancel" => {
                body(fields).map(|RequestOnly { request_id }| ArtToGm::Cancel { request_id })
            }
            "resume" => {
                body(fields).map(|RequestOnly { request_id }| ArtToGm::Resume { request_id })
            }
            _ => Err(unknown_variant::<Self>(name)),
        }
    }
}

impl Serialize for ArtToGm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ArtToGm::Request {
                request_id,
                user_id,
                prompt,
                presets,
                variants,
            } => {
                let mut out = start(serializer, "request", 5)?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("userId", user_id)?;
                out.serialize_field("prompt", prompt)?;
                out.serialize_field("presets", presets)?;
                out.serialize_field("variants", variants)?;
                out.end()
            }
            ArtToGm::Cancel { request_id } => write_request_only(serializer, "cancel", request_id),
            ArtToGm::Resume { request_id } => write_request_only(serializer, "resume", request_id),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Finished {
    request_id: String,
    images: Vec<RelayedImage>,
    #[serde(default)]
    discarded: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Refused {
    request_id: Option<String>,
    error: ArtRelayError,
}

/// The fields of an `accepted` (lenient, unlike [`RequestOnly`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    request_id: String,
}

impl Tagged for ArtToPlayer {
    const VARIANTS: &'static [&'static str] = &["accepted", "finished", "refused"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        Ok(match name {
            "accepted" => ArtToPlayer::Accepted {
                request_id: body::<Accepted>(fields)?.request_id,
            },
            "finished" => {
                let finished: Finished = body(fields)?;
                ArtToPlayer::Finished {
                    request_id: finished.request_id,
                    images: finished.images,
                    discarded: finished.discarded,
                }
            }
            "refused" => {
                let refused: Refused = body(fields)?;
                ArtToPlayer::Refused {
                    request_id: refused.request_id,
                    error: refused.error,
                }
            }
            _ => return Err(unknown_variant::<Self>(name)),
        })
    }
}

impl Serialize for ArtToPlayer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let out = match self {
            ArtToPlayer::Accepted { request_id } => {
                let mut out = start(serializer, "accepted", 1)?;
                out.serialize_field("requestId", request_id)?;
                out
            }
            ArtToPlayer::Finished {
                request_id,
                images,
                discarded,
            } => {
                let mut out = start(serializer, "finished", 3)?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("images", images)?;
                out.serialize_field("discarded", discarded)?;
                out
            }
            ArtToPlayer::Refused { request_id, error } => {
                let mut out = start(serializer, "refused", 2)?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("error", error)?;
                out
            }
        };
        out.end()
    }
}
