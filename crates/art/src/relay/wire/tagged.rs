//! How [`ArtToGm`] and [`ArtToPlayer`] are written and read: flat objects tagged by `type`, through
//! `familiar_relay::tagged` (which says why not serde's internally tagged enums). Each variant's fields are read
//! into a body struct here: strict towards the GM (`deny_unknown_fields`), lenient towards the player.

use familiar_relay::tagged::{self, body, unknown_variant, Fields, Tagged, TAG};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ArtRelayError, ArtToGm, ArtToPlayer, RelayedImage};
use crate::prompt::Preset;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    request_id: String,
    user_id: String,
    prompt: String,
    presets: Vec<Preset>,
    variants: u32,
}

/// The fields of a cancel or a resume.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RequestOnly {
    request_id: String,
}

impl Tagged for ArtToGm {
    const VARIANTS: &'static [&'static str] = &["request", "cancel", "resume"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        match name {
            "request" => body(fields).map(
                |Request {
                     request_id,
                     user_id,
                     prompt,
                     presets,
                     variants,
                 }| ArtToGm::Request {
                    request_id,
                    user_id,
                    prompt,
                    presets,
                    variants,
                },
            ),
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

impl<'de> Deserialize<'de> for ArtToGm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer)
    }
}

impl Serialize for ArtToGm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ArtToGm", 6)?;
        match self {
            ArtToGm::Request {
                request_id,
                user_id,
                prompt,
                presets,
                variants,
            } => {
                out.serialize_field(TAG, "request")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("userId", user_id)?;
                out.serialize_field("prompt", prompt)?;
                out.serialize_field("presets", presets)?;
                out.serialize_field("variants", variants)?;
            }
            ArtToGm::Cancel { request_id } => {
                out.serialize_field(TAG, "cancel")?;
                out.serialize_field("requestId", request_id)?;
            }
            ArtToGm::Resume { request_id } => {
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

impl Tagged for ArtToPlayer {
    const VARIANTS: &'static [&'static str] = &["accepted", "finished", "refused"];

    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
        Ok(match name {
            "accepted" => {
                let Accepted { request_id } = body(fields)?;
                ArtToPlayer::Accepted { request_id }
            }
            "finished" => {
                let Finished {
                    request_id,
                    images,
                    discarded,
                } = body(fields)?;
                ArtToPlayer::Finished {
                    request_id,
                    images,
                    discarded,
                }
            }
            "refused" => {
                let Refused { request_id, error } = body(fields)?;
                ArtToPlayer::Refused { request_id, error }
            }
            _ => return Err(unknown_variant::<Self>(name)),
        })
    }
}

impl<'de> Deserialize<'de> for ArtToPlayer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        tagged::deserialize(deserializer)
    }
}

impl Serialize for ArtToPlayer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ArtToPlayer", 4)?;
        match self {
            ArtToPlayer::Accepted { request_id } => {
                out.serialize_field(TAG, "accepted")?;
                out.serialize_field("requestId", request_id)?;
            }
            ArtToPlayer::Finished {
                request_id,
                images,
                discarded,
            } => {
                out.serialize_field(TAG, "finished")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("images", images)?;
                out.serialize_field("discarded", discarded)?;
            }
            ArtToPlayer::Refused { request_id, error } => {
                out.serialize_field(TAG, "refused")?;
                out.serialize_field("requestId", request_id)?;
                out.serialize_field("error", error)?;
            }
        }
        out.end()
    }
}
