//! Typed failures: what a provider step can go wrong with, what the transport reports, and how each is handled.

use serde::Serialize;

use crate::http::Millis;
use crate::image_check::ImageDefect;

/// Why one provider step failed. The job decides from [`ProviderError::recovery`] whether to retry, fail over or stop.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProviderError {
    #[error("HTTP {status}: {message}")]
    Status {
        status: u16,
        retry_after_ms: Option<Millis>,
        message: String,
    },
    #[error("network: {0}")]
    Transport(TransportError),
    #[error("no answer within {timeout_ms} ms")]
    StepTimeout { timeout_ms: Millis },
    #[error("the provider's content filter refused this: {detail}")]
    ContentFiltered { detail: String },
    #[error("unexpected response: {detail}")]
    Malformed { detail: String },
    #[error("the provider reported the job failed: {detail}")]
    JobFailed { detail: String },
    #[error("image rejected: {0}")]
    Defect(ImageDefect),
    #[error("no API key configured")]
    MissingKey,
    #[error("gave up after {budget_ms} ms on this provider")]
    BudgetExhausted { budget_ms: Millis },
}

/// What the transport could not do: the one transport error of every core (`familiar_transport`).
pub use familiar_transport::TransportError;

/// The driver could not decode a provider's bytes (the browser's `createImageBitmap`, or the native codecs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{detail}")]
pub struct DecodeError {
    pub detail: String,
}

/// The driver could not encode the finished pixels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("encoding the image failed: {detail}")]
pub struct EncodeError {
    pub detail: String,
}

/// How a job goes on after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Transient: try the same provider again after a backoff.
    Retry,
    /// This provider can't do it: move down the chain.
    Failover,
    /// A safety refusal: never shop the prompt around to a more permissive provider.
    Stop,
}

impl ProviderError {
    pub fn recovery(&self) -> Recovery {
        match self {
            ProviderError::Status { status, .. } => match status {
                408 | 409 | 429 | 500..=599 => Recovery::Retry,
                _ => Recovery::Failover,
            },
            // A request the client cannot send (a bad header, a refused URL) fails the same way every time.
            ProviderError::Transport(error) if error.is_configuration_error() => Recovery::Failover,
            ProviderError::Transport(_)
            | ProviderError::StepTimeout { .. }
            | ProviderError::JobFailed { .. } => Recovery::Retry,
            // A clearly broken image gets one more try on the same provider; the job counts that.
            ProviderError::Defect(_) => Recovery::Retry,
            ProviderError::ContentFiltered { .. } => Recovery::Stop,
            ProviderError::Malformed { .. }
            | ProviderError::MissingKey
            | ProviderError::BudgetExhausted { .. } => Recovery::Failover,
        }
    }

    pub fn retry_after_ms(&self) -> Option<Millis> {
        match self {
            ProviderError::Status { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    pub(crate) fn malformed(detail: impl std::fmt::Display) -> Self {
        ProviderError::Malformed {
            detail: detail.to_string(),
        }
    }
}

/// A provider chain or setting the core refuses before doing anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConfigError {
    #[error("the provider chain is empty")]
    NoProviders,
    #[error("provider {name:?}: base_url {url:?} is not an http(s) URL")]
    BadBaseUrl { name: String, url: String },
    #[error("variants must be between 1 and {max}, not {got}")]
    BadVariants { got: u32, max: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_statuses_retry_and_client_errors_fail_over() {
        let status = |status| ProviderError::Status {
            status,
            retry_after_ms: None,
            message: String::new(),
        };
        for code in [408, 409, 429, 500, 502, 503] {
            assert_eq!(status(code).recovery(), Recovery::Retry, "{code}");
        }
        for code in [400, 401, 403, 404] {
            assert_eq!(status(code).recovery(), Recovery::Failover, "{code}");
        }
        assert_eq!(
            ProviderError::ContentFiltered { detail: "x".into() }.recovery(),
            Recovery::Stop
        );
    }

    #[test]
    fn a_request_the_client_refuses_fails_over_and_a_network_error_retries() {
        let transport = |error| ProviderError::Transport(error).recovery();
        let bad_header = TransportError::BadHeader {
            name: "authorization".into(),
        };
        assert_eq!(transport(bad_header), Recovery::Failover);
        assert_eq!(
            transport(TransportError::InvalidRequest("bad url".into())),
            Recovery::Failover
        );
        assert_eq!(
            transport(TransportError::Network("refused".into())),
            Recovery::Retry
        );
        assert_eq!(transport(TransportError::Timeout), Recovery::Retry);
    }
}
