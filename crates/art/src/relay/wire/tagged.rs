//! How [`ArtToGm`] and [`ArtToPlayer`] are read: flat objects tagged by `type`, through
//! `familiar_relay::tagged` (which says why not serde's internally tagged enums). Each variant's fields are read
//! into a body struct here: strict towards the GM (`deny_unknown_fields`), lenient towards the player.

use familiar_relay::tagged::{body, unknown_variant, Fields, RequestOnly, Tagged};
use serde::Deserialize;

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
