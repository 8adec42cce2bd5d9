//! What went wrong with an attempt, whether to try again, and when — the way the official OpenAI and Anthropic SDKs
//! decide: retry 408, 409, 429 and every 5xx (Anthropic's 529 included) unless `x-should-retry` says otherwise;
//! wait `retry-after-ms`, else `retry-after` (seconds or an HTTP date) when it is under a minute, else
//! `min(0.5 s × 2^n, 8 s)` less up to 25 % jitter.

use serde::Serialize;

use crate::stream::StreamError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Retries on one provider after the first attempt (the SDKs' default is 2).
    pub max_retries: u32,
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay_ms: 500,
            max_delay_ms: 8_000,
        }
    }
}

/// Server-given waits at or above this are ignored in favour of our own backoff.
const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// Silence limits for one attempt: before the first body byte, and between body chunks afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeouts {
    pub first_byte_ms: u64,
    pub idle_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        // Local models on a laptop can take a while to start; a healthy stream is never silent this long.
        Timeouts {
            first_byte_ms: 30_000,
            idle_ms: 20_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    /// 400: the request itself is wrong (often a context too long for the model).
    BadRequest,
    /// 401: the key is missing, wrong or revoked.
    BadKey,
    /// 403: the key may not use this model or endpoint.
    Forbidden,
    /// 404: the model name or the base URL is wrong.
    UnknownModel,
    RequestTimeout,
    Conflict,
    RateLimited,
    /// Anthropic's 529, 503.
    Overloaded,
    ServerError,
    /// Any other non-2xx status.
    HttpStatus,
    FirstByteTimeout,
    IdleTimeout,
    /// The connection failed before or while reading (as the transport reported it).
    Connection,
    /// The client would not send the request as configured (a header value it refuses, a URL it cannot use).
    InvalidRequest,
    /// The body ended, or the connection broke, in the middle of the answer.
    StreamDropped,
    Malformed,
    /// An error event inside an otherwise good stream.
    StreamError,
}

/// One failed attempt, typed, with a message that says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct Failure {
    pub kind: FailureKind,
    pub status: Option<u16>,
    pub message: String,
    /// How long the server asked us to wait, when it did.
    pub retry_after_ms: Option<u64>,
    /// The server's `x-should-retry` verdict, which overrides the status rule.
    #[serde(skip)]
    pub should_retry: Option<bool>,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            status: None,
            message: message.into(),
            retry_after_ms: None,
            should_retry: None,
        }
    }

    pub fn from_stream(error: &StreamError) -> Failure {
        let kind = match error {
            StreamError::Provider { code, .. } => stream_error_kind(code),
            StreamError::Malformed(_) | StreamError::Oversized => FailureKind::Malformed,
            StreamError::EndedEarly => FailureKind::StreamDropped,
        };
        Failure::new(kind, error.to_string())
    }

    /// Whether the same provider may be asked again.
    pub fn retryable(&self) -> bool {
        if let Some(verdict) = self.should_retry {
            return verdict;
        }
        !self.is_configuration_error()
    }

    /// 400/401/403/404: the GM's settings are wrong; retrying cannot help and the provider is not unhealthy.
    pub fn is_configuration_error(&self) -> bool {
        matches!(
            self.kind,
            FailureKind::BadRequest
                | FailureKind::BadKey
                | FailureKind::Forbidden
                | FailureKind::UnknownModel
                | FailureKind::InvalidRequest
        ) || self.kind == FailureKind::HttpStatus && self.status.is_some_and(|s| s < 500)
    }

    /// Whether a request that offered tools failed because this provider or model cannot take tools, as servers
    /// say it: Ollama's "does not support tools", vLLM's "auto tool choice requires --enable-auto-tool-choice",
    /// LiteLLM's "does not support parameters: ['tools']", llama.cpp's "tools param requires --jinja",
    /// OpenRouter's "No endpoints found that support tool use", "function calling is not enabled".
    pub fn refuses_tools(&self) -> bool {
        let status_fits = match self.status {
            Some(408 | 409 | 429) => false,
            Some(status) => (400..500).contains(&status) || status == 500 || status == 501,
            // An error event inside the stream.
            None => self.kind == FailureKind::StreamError,
        };
        if !status_fits {
            return false;
        }
        let message = self.message.to_ascii_lowercase();
        let about_tools = ["tool", "function call", "function_call", "functions"]
            .iter()
            .any(|word| message.contains(word));
        let refusal = [
            "not support",
            "unsupported",
            "not enabled",
            "requires",
            "no endpoints found",
            "not available",
            "not allowed",
        ]
        .iter()
        .any(|phrase| message.contains(phrase));
        about_tools && refusal
    }
}

/// An error a provider sends inside a 200 stream, by its type (Anthropic's `error.type`, OpenAI's `error.code`),
/// so a refused key or an unknown model in the stream is not retried, as it would not be as an HTTP status
/// (docs.anthropic.com/en/api/errors lists the types; proxies such as LiteLLM send them in the stream).
fn stream_error_kind(code: &str) -> FailureKind {
    match code {
        "authentication_error" | "invalid_api_key" => FailureKind::BadKey,
        "permission_error" => FailureKind::Forbidden,
        "not_found_error" | "model_not_found" => FailureKind::UnknownModel,
        "invalid_request_error" | "request_too_large" => FailureKind::BadRequest,
        "rate_limit_error" | "rate_limit_exceeded" => FailureKind::RateLimited,
        "overloaded_error" => FailureKind::Overloaded,
        _ => FailureKind::StreamError,
    }
}

/// A non-2xx response as a typed failure. `body` is the (possibly cut) error body; `now_ms` is Unix time for dates.
pub fn classify_status(
    status: u16,
    headers: &[(String, String)],
    body: &str,
    now_ms: u64,
) -> Failure {
    let detail = error_detail(body);
    let (kind, what) = match status {
        400 => (FailureKind::BadRequest, "the provider refused the request"),
        401 => (FailureKind::BadKey, "bad API key: the provider rejected it"),
        403 => (
            FailureKind::Forbidden,
            "this API key may not use this model",
        ),
        404 => (FailureKind::UnknownModel, "unknown model or wrong base URL"),
        408 => (FailureKind::RequestTimeout, "the provider timed out"),
        409 => (FailureKind::Conflict, "the provider reported a conflict"),
        429 => (FailureKind::RateLimited, "rate limited by the provider"),
        503 | 529 => (FailureKind::Overloaded, "the provider is overloaded"),
        500..=599 => (FailureKind::ServerError, "the provider had a server error"),
        _ => (FailureKind::HttpStatus, "unexpected HTTP status"),
    };
    let message = match detail {
        Some(detail) => format!("{what} ({status}): {detail}"),
        None => format!("{what} ({status})"),
    };
    let should_retry = header(headers, "x-should-retry").and_then(|value| match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    });
    let unexpected = kind == FailureKind::HttpStatus;
    Failure {
        kind,
        status: Some(status),
        message,
        retry_after_ms: retry_after_ms(headers, now_ms),
        // Other 4xx (402, 413, 422...) are not retried, as the SDKs do.
        should_retry: should_retry.or((unexpected && status < 500).then_some(false)),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim())
}

/// The wait the server asked for: `retry-after-ms`, else `retry-after` as seconds or as an HTTP date.
pub fn retry_after_ms(headers: &[(String, String)], now_ms: u64) -> Option<u64> {
    if let Some(ms) = header(headers, "retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(ms as u64);
        }
    }
    let value = header(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0) as u64);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let at_ms = date.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as u64;
    Some(at_ms.saturating_sub(now_ms))
}

/// The wait before retry number `retries_done + 1`; `random` is uniform in [0, 1) from the injected generator.
pub fn backoff_ms(
    policy: &RetryPolicy,
    retries_done: u32,
    retry_after_ms: Option<u64>,
    random: f64,
) -> u64 {
    if let Some(wait) = retry_after_ms.filter(|wait| *wait < MAX_RETRY_AFTER_MS) {
        return wait;
    }
    let exponential = policy
        .initial_delay_ms
        .saturating_mul(1u64 << retries_done.min(32))
        .min(policy.max_delay_ms);
    let jitter = 1.0 - random.clamp(0.0, 1.0) * 0.25;
    (exponential as f64 * jitter) as u64
}

/// The provider's own words from an error body (`{"error": {"message"}}` in both formats), cut to 300 characters.
fn error_detail(body: &str) -> Option<String> {
    let text = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => value
            .pointer("/error/message")
            .or_else(|| value.get("message"))
            .or_else(|| value.get("error"))
            .and_then(|v| v.as_str())
            .map(str::to_string),
        Err(_) => Some(body.trim().to_string()),
    }?;
    let text: String = text.chars().take(300).collect();
    (!text.is_empty()).then_some(text)
}
