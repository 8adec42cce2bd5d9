//! The edge between Familiar's sans-IO cores (the rules chat's provider chain, the art studio) and whatever runs
//! their HTTP requests: the browser's `fetch` in the wasm facade, `ureq` in the CLI, a fake in tests.
//!
//! A failed request reaches a core as a [`TransportError`], never as a bare string, so the core can tell an abort
//! from a refused connection from a request the browser would not send, and decide whether retrying can help.
//! A response with a non-2xx status is not a transport error: the core reads the status itself.

use serde::Serialize;

/// Why a request produced no complete response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
pub enum TransportError {
    /// The request was aborted by someone other than the core that sent it (the page closing, a browser limit).
    #[error("the request was aborted")]
    Aborted,
    /// The transport's own deadline passed before a response came.
    #[error("timed out")]
    Timeout,
    /// No response: connection refused or reset, DNS, TLS, or a cross-origin refusal. The browser reports a
    /// refused CORS check exactly as a network failure (the Fetch standard's "network error", so a page cannot
    /// probe other origins), so the two cannot be told apart here and the message says both.
    #[error("could not connect: {0}")]
    Network(String),
    /// The browser refused a header value (line breaks or non-Latin-1 characters, usually a badly pasted key).
    /// Only the header's name is kept, never its value.
    #[error("the {name} header is not valid (check the API key for stray characters)")]
    BadHeader { name: String },
    /// The request could not be built at all (a URL the client refuses).
    #[error("the request could not be made: {0}")]
    InvalidRequest(String),
    /// The response started but its body could not be read to the end.
    #[error("the response broke: {0}")]
    Body(String),
}

impl TransportError {
    /// The settings are at fault, not the network: retrying the same request cannot help, and the provider is not
    /// unhealthy for it.
    pub fn is_configuration_error(&self) -> bool {
        matches!(
            self,
            TransportError::BadHeader { .. } | TransportError::InvalidRequest(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_request_itself_is_a_configuration_error() {
        let header = TransportError::BadHeader {
            name: "x-api-key".into(),
        };
        assert!(header.is_configuration_error());
        assert!(TransportError::InvalidRequest("bad url".into()).is_configuration_error());
        for transient in [
            TransportError::Aborted,
            TransportError::Timeout,
            TransportError::Network("refused".into()),
            TransportError::Body("reset".into()),
        ] {
            assert!(!transient.is_configuration_error(), "{transient:?}");
        }
    }

    #[test]
    fn a_bad_header_names_the_header_and_never_holds_its_value() {
        let error = TransportError::BadHeader {
            name: "authorization".into(),
        };
        assert_eq!(
            error.to_string(),
            "the authorization header is not valid (check the API key for stray characters)"
        );
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "badHeader", "detail": {"name": "authorization"}})
        );
    }
}
