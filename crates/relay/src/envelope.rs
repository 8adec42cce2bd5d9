//! The envelope every relay message travels in, chat questions and art orders alike: JSON text with the protocol
//! version `v` beside the message's own fields. Player → GM is hostile input, so [`decode`] checks the size before
//! parsing anything and the version before the shape; GM → player uses the same reader with a larger cap.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ids::is_request_id;

/// Bumped when a message changes shape; clients of another version are refused with
/// [`DecodeError::UnsupportedVersion`].
pub const PROTOCOL_VERSION: u32 = 1;

/// Why a message could not be read at all (before its meaning is checked). Each payload maps it to its own
/// wire error (`RelayError`, `ArtRelayError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("message of {got} bytes is over the {limit}-byte limit")]
    TooLarge { limit: usize, got: usize },
    #[error("{0}")]
    Malformed(String),
    #[error("unsupported protocol version {0:?}")]
    UnsupportedVersion(Option<u64>),
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    v: u32,
    #[serde(flatten)]
    body: &'a T,
}

/// `{"v": 1, "type": ..., ...}` as JSON text.
pub fn encode<T: Serialize>(message: &T) -> String {
    let envelope = Envelope {
        v: PROTOCOL_VERSION,
        body: message,
    };
    // Cannot fail: every message is strings, numbers, booleans and lists, with string keys.
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// Detail strings echo input (serde quotes the bad value): keep them short.
const MAX_DETAIL_CHARS: usize = 200;

/// Reads a message: size first (before any parsing), then JSON, then the version, then the typed shape. Also
/// returns the request id when one could be read, so even a refused request gets its error.
pub fn decode<T: DeserializeOwned>(
    raw: &[u8],
    max_bytes: usize,
) -> Result<T, (DecodeError, Option<String>)> {
    if raw.len() > max_bytes {
        let error = DecodeError::TooLarge {
            limit: max_bytes,
            got: raw.len(),
        };
        return Err((error, None));
    }
    let value: serde_json::Value =
        serde_json::from_slice(raw).map_err(|error| (malformed(&error.to_string()), None))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err((malformed("expected a JSON object"), None));
    };
    let request_id = match object.get("requestId") {
        Some(serde_json::Value::String(id)) if is_request_id(id) => Some(id.clone()),
        _ => None,
    };
    match object.remove("v") {
        None => return Err((malformed("missing protocol version `v`"), request_id)),
        Some(serde_json::Value::Number(v)) if v.as_u64() == Some(u64::from(PROTOCOL_VERSION)) => {}
        Some(other) => {
            return Err((DecodeError::UnsupportedVersion(other.as_u64()), request_id));
        }
    }
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|error| (malformed(&error.to_string()), request_id))
}

fn malformed(detail: &str) -> DecodeError {
    DecodeError::Malformed(detail.chars().take(MAX_DETAIL_CHARS).collect())
}
