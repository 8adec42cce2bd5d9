//! Sum types on the wire as one flat JSON object whose `type` names the variant:
//! `{"type": "delta", "requestId": ..., ...}`. Read without serde's internally tagged enums, which buffer each
//! message into serde's private `Content` tree and instantiate a deserializer over it for every such enum (about
//! 200 KB of the wasm bundle over all of them). Here the object is read once as a JSON map, `type` is taken out,
//! and the remaining fields go straight into the variant's own body struct: its `deny_unknown_fields` (player →
//! GM, hostile) or the lack of it (GM → player, read leniently) decides how strict the read is, and serde's usual
//! messages ("unknown field", "missing field", "unknown variant") name what is wrong.
//!
//! Writing needs nothing special: serde's derived `Serialize` for an internally tagged enum writes `type` first,
//! then the fields, with no buffer (only reading one buffers).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

/// The key naming a message's variant.
pub const TAG: &str = "type";

/// A message's fields with its `type` taken out.
pub type Fields = serde_json::Map<String, serde_json::Value>;

/// A message type read from a flat object tagged by [`TAG`]; its `Deserialize` is [`deserialize`].
pub trait Tagged: Sized {
    /// Every variant's name on the wire, for the error that names an unknown one.
    const VARIANTS: &'static [&'static str];

    /// Reads variant `name` from its fields (use [`body`] for each, [`unknown_variant`] for any other name).
    fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error>;
}

/// The fields of a message that names only its request (a cancel, a resume): anything else is refused.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestOnly {
    pub request_id: String,
}

/// Reads one variant's fields into its body struct.
pub fn body<B: DeserializeOwned>(fields: Fields) -> Result<B, serde_json::Error> {
    serde_json::from_value(serde_json::Value::Object(fields))
}

/// The error for a `type` that names none of `T`'s variants.
pub fn unknown_variant<T: Tagged>(name: &str) -> serde_json::Error {
    serde_json::Error::unknown_variant(name, T::VARIANTS)
}

/// `Deserialize::deserialize` for a [`Tagged`] type.
pub fn deserialize<'de, D: Deserializer<'de>, T: Tagged>(deserializer: D) -> Result<T, D::Error> {
    let mut fields = Fields::deserialize(deserializer)?;
    let name = match fields.remove(TAG) {
        Some(serde_json::Value::String(name)) => name,
        Some(other) => {
            let unexpected = serde::de::Unexpected::Other(json_kind(&other));
            return Err(D::Error::invalid_type(unexpected, &"a variant name"));
        }
        None => return Err(D::Error::missing_field(TAG)),
    };
    T::from_fields(&name, fields).map_err(D::Error::custom)
}

/// Implements `Deserialize` for [`Tagged`] types through [`deserialize`] (the caller's crate needs `serde`).
#[macro_export]
macro_rules! deserialize_tagged {
    ($($ty:ty),+ $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::tagged::deserialize(deserializer)
            }
        }
    )+};
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::envelope::{decode, encode, DecodeError};

    /// A payload of the relay's shape, for the envelope's own tests (chat and art test theirs beside them).
    #[derive(Debug, PartialEq, Serialize)]
    #[serde(
        tag = "type",
        rename_all = "camelCase",
        rename_all_fields = "camelCase"
    )]
    enum Probe {
        Ping { request_id: String },
        Stop,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct StopBody {}

    impl Tagged for Probe {
        const VARIANTS: &'static [&'static str] = &["ping", "stop"];

        fn from_fields(name: &str, fields: Fields) -> Result<Self, serde_json::Error> {
            match name {
                "ping" => body(fields).map(|RequestOnly { request_id }| Probe::Ping { request_id }),
                "stop" => body::<StopBody>(fields).map(|_| Probe::Stop),
                _ => Err(unknown_variant::<Self>(name)),
            }
        }
    }

    crate::deserialize_tagged!(Probe);

    fn detail(raw: &str) -> String {
        match decode::<Probe>(raw.as_bytes(), 4096) {
            Err((DecodeError::Malformed(detail), _)) => detail,
            other => panic!("expected a malformed message, got {other:?}"),
        }
    }

    #[test]
    fn messages_round_trip_with_the_version_and_type_first() {
        let ping = Probe::Ping {
            request_id: "abcdefgh".into(),
        };
        let text = encode(&ping);
        assert_eq!(text, r#"{"v":1,"type":"ping","requestId":"abcdefgh"}"#);
        assert_eq!(decode::<Probe>(text.as_bytes(), 4096), Ok(ping));
        assert_eq!(encode(&Probe::Stop), r#"{"v":1,"type":"stop"}"#);
        let late_type = r#"{"requestId":"abcdefgh","v":1,"type":"ping"}"#;
        assert!(decode::<Probe>(late_type.as_bytes(), 4096).is_ok());
    }

    #[test]
    fn the_tag_and_the_fields_are_checked() {
        assert!(detail(r#"{"v":1,"requestId":"abcdefgh"}"#).contains("missing field `type`"));
        assert!(detail(r#"{"v":1,"type":7}"#).contains("invalid type: number"));
        let unknown = detail(r#"{"v":1,"type":"teleport"}"#);
        assert!(unknown.contains("unknown variant `teleport`"), "{unknown}");
        assert!(detail(r#"{"v":1,"type":"ping"}"#).contains("missing field `requestId`"));
        let foreign = detail(r#"{"v":1,"type":"stop","requestId":"abcdefgh"}"#);
        assert!(foreign.contains("unknown field `requestId`"), "{foreign}");
    }

    #[test]
    fn the_version_is_checked_before_the_shape_and_the_size_before_parsing() {
        let (error, id) =
            decode::<Probe>(br#"{"v":2,"type":"x","requestId":"abcdefgh"}"#, 4096).unwrap_err();
        assert_eq!(error, DecodeError::UnsupportedVersion(Some(2)));
        assert_eq!(id.as_deref(), Some("abcdefgh"));
        let (error, _) = decode::<Probe>(&[b'['; 5000], 4096).unwrap_err();
        assert_eq!(
            error,
            DecodeError::TooLarge {
                limit: 4096,
                got: 5000
            }
        );
    }
}
