//! The art relay's messages, in the shared relay envelope (`{"v": 1, "type": ...}`, size-checked before parsing,
//! see `familiar_relay::envelope`). Player → GM ([`ArtToGm`]) is hostile input and refuses unknown fields;
//! GM → player ([`ArtToPlayer`]) comes from the trusted GM and is read leniently.

use serde::{Deserialize, Serialize};

use crate::job::AttemptStatus;
use crate::prompt::Preset;
use crate::safety::{Category, LayerVerdict};

mod tagged;

/// Player → GM, `{"v": 1, "type": "request" | "cancel" | "resume", ...}`; unknown or foreign fields are refused
/// (read in `wire/tagged.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
// Serialising a tagged enum writes `type` first and needs no buffer; only reading does, which `wire/tagged.rs` does.
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ArtToGm {
    /// Paint `prompt` (free text) once per preset, `variants` times each.
    Request {
        request_id: String,
        user_id: String,
        prompt: String,
        presets: Vec<Preset>,
        variants: u32,
    },
    /// Stop this request; unknown or finished ids are ignored.
    Cancel { request_id: String },
    /// The player's page reloaded while waiting: send this request's outcome again (kept for a while after it
    /// ended), or `accepted` while it still runs.
    Resume { request_id: String },
}

/// GM → player, `{"v": 1, "type": "accepted" | "finished" | "refused", ...}`, read leniently (read
/// in `wire/tagged.rs`).
#[derive(Debug, Clone, PartialEq, Serialize)]
// Serialising a tagged enum writes `type` first and needs no buffer; only reading does, which `wire/tagged.rs` does.
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ArtToPlayer {
    /// The GM's client took the request and runs it now.
    Accepted { request_id: String },
    /// Images that passed every safety layer, saved in the world's files; `discarded` more were flagged and never
    /// left the GM's client.
    Finished {
        request_id: String,
        images: Vec<RelayedImage>,
        /// 0 when absent.
        discarded: u32,
    },
    /// `request_id` is missing when the message was too broken to read one.
    Refused {
        request_id: Option<String>,
        error: ArtRelayError,
    },
}

/// One saved image as the requester sees it: where it is in the world, its quality score and each safety layer's
/// verdict. Never bytes, never a provider's URL or key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayedImage {
    pub path: String,
    pub preset: Preset,
    pub width: u32,
    pub height: u32,
    pub score: f64,
    pub provider: String,
    pub safety: RelayedSafety,
}

/// The three safety layers of an image (the Studio's `SafetyReport`, in camelCase as the view reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelayedSafety {
    pub prompt_filter: LayerVerdict,
    pub provider_filter: LayerVerdict,
    pub image_classifier: LayerVerdict,
}

/// One provider's try, for an "every provider failed" refusal: the GM's name for it and how it ended (never the
/// error text, which may carry the provider's URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptSummary {
    pub provider: String,
    pub status: AttemptStatus,
}

/// Why the GM's client refused or could not finish an art request; `{code, ...}` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ArtRelayError {
    #[error("the GM does not let players request art")]
    NotAllowed,
    #[error("today's image budget is used up ({used_images} of {budget_images} images; this request needs {requested_images})")]
    OverBudget {
        used_images: u64,
        budget_images: u64,
        requested_images: u64,
        /// The next UTC midnight, in ms since the epoch.
        resets_at_ms: u64,
    },
    /// `category` names the prompt filter's category, which the player's view words in the player's language;
    /// none for a provider's or moderation's block.
    #[error("the prompt filter blocked the prompt: {reason}")]
    Blocked {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<Category>,
    },
    #[error("every image was discarded by the safety checks ({count})")]
    Discarded { count: u32 },
    #[error("every art provider failed")]
    AllFailed { attempts: Vec<AttemptSummary> },
    #[error("the GM has no art provider set up")]
    NoProviders,
    #[error("no art provider has both the world's and this player's consent")]
    NoConsent,
    #[error("the GM's client could not make the art")]
    Failed,
    #[error("too many art requests in the last minute; try again in {} s", retry_after_ms.div_ceil(1000))]
    RateLimited { retry_after_ms: u64 },
    #[error("an art request of yours is still running ({limit} at a time)")]
    Busy { limit: u64 },
    #[error("the art request: {detail}")]
    BadOrder { detail: String },
    #[error("message of {got} bytes is over the {limit}-byte limit")]
    TooLarge { limit: u64, got: u64 },
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
    #[error("this request id is already in use")]
    DuplicateRequest,
    #[error("the relay serves too many users right now")]
    TooManyUsers,
    #[error("the art took longer than {after_ms} ms and was stopped")]
    TimedOut { after_ms: u64 },
    #[error("the GM's client knows no such request (it was never received, was stopped, or ended too long ago)")]
    UnknownRequest,
}

impl ArtRelayError {
    pub(crate) fn from_decode(error: &familiar_relay::envelope::DecodeError) -> ArtRelayError {
        use familiar_relay::envelope::DecodeError;
        match error {
            DecodeError::TooLarge { limit, got } => ArtRelayError::TooLarge {
                limit: *limit as u64,
                got: *got as u64,
            },
            DecodeError::Malformed(detail) => ArtRelayError::Malformed {
                detail: detail.clone(),
            },
            DecodeError::UnsupportedVersion(got) => ArtRelayError::UnsupportedVersion {
                got: *got,
                supported: familiar_relay::envelope::PROTOCOL_VERSION,
            },
        }
    }
}
