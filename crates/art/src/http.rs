//! The HTTP vocabulary shared by the core and whoever moves the bytes: requests the core builds, responses it is
//! handed back, and the multipart body Stability needs. No I/O here.

use serde::{Deserialize, Serialize};

/// Milliseconds on the caller's clock (any epoch; only differences matter). The core never reads a clock itself.
pub type Millis = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A request for the transport to send as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(with = "serde_bytes_as_vec")]
    pub body: Vec<u8>,
}

/// What came back: status, headers (any case) and the whole body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    #[serde(with = "serde_bytes_as_vec")]
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn get(url: String) -> Self {
        HttpRequest {
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(method: Method, url: String, value: &serde_json::Value) -> Self {
        HttpRequest {
            method,
            url,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl HttpResponse {
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` as milliseconds: delta-seconds only (an HTTP date would need a calendar clock we don't have;
    /// such a header falls back to our own backoff).
    pub fn retry_after_ms(&self) -> Option<Millis> {
        let value = self.header("retry-after")?.trim();
        let seconds: f64 = value.parse().ok()?;
        (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0) as Millis)
    }

    /// The body as text for error messages, cut short so a provider's HTML error page doesn't flood a report.
    pub fn body_excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let trimmed = text.trim();
        match trimmed.char_indices().nth(200) {
            Some((cut, _)) => format!("{}…", &trimmed[..cut]),
            None => trimmed.to_string(),
        }
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// `base` + `path` with exactly one slash between them, so base URLs with or without a trailing slash both work.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A `multipart/form-data` body of text fields. The boundary comes from the caller's randomness and is checked
/// against the field values, so a prompt can never contain it.
pub struct Multipart {
    random: u64,
    fields: Vec<(String, String)>,
}

impl Multipart {
    pub fn new(random: u64) -> Self {
        Multipart {
            random,
            fields: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.fields.push((name.to_string(), value.to_string()));
        self
    }

    /// The `Content-Type` header value and the finished body.
    pub fn finish(self) -> (String, Vec<u8>) {
        let mut boundary = format!("familiar-{:016x}", self.random);
        while self
            .fields
            .iter()
            .any(|(name, value)| value.contains(&boundary) || name.contains(&boundary))
        {
            boundary.push('x');
        }
        let mut body = Vec::new();
        for (name, value) in &self.fields {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// Bodies travel as plain arrays of numbers through serde (the wasm facade turns them into Uint8Array itself).
mod serde_bytes_as_vec {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        bytes.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        Vec::<u8>::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_ignores_dates() {
        let response = HttpResponse::new(429, vec![]).with_header("Retry-After", "2");
        assert_eq!(response.retry_after_ms(), Some(2000));
        let dated = HttpResponse::new(429, vec![])
            .with_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(dated.retry_after_ms(), None);
    }

    #[test]
    fn join_url_keeps_one_slash() {
        assert_eq!(join_url("http://h/v1/", "/images"), "http://h/v1/images");
        assert_eq!(join_url("http://h/v1", "images"), "http://h/v1/images");
    }

    #[test]
    fn multipart_boundary_never_appears_in_a_value() {
        let sneaky = "a prompt with --familiar-0000000000000001 inside";
        let (content_type, body) = Multipart::new(1)
            .text("a", "first")
            .text("prompt", sneaky)
            .finish();
        let boundary = content_type.split("boundary=").nth(1).unwrap().to_string();
        let text = String::from_utf8(body).unwrap();
        assert!(!sneaky.contains(&boundary));
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 2);
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains(
            "name=\"prompt\"\r\n\r\na prompt with --familiar-0000000000000001 inside\r\n"
        ));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("a b/c.png"), "a%20b%2Fc.png");
    }
}
