//! A provider's base URL, checked once where a configuration comes in. The API key travels in a header of every
//! request to it, so the URL must be `https://`; plain `http://` is allowed only to this machine's loopback
//! (`localhost`, `127.0.0.1`, `[::1]`), where Ollama, LM Studio or a LiteLLM proxy usually listen and nothing
//! crosses a network.
//!
//! This is a strict allow-list rather than a full WHATWG parser (the `url` crate would bring IDNA and ICU tables
//! back into the bundle): `scheme://host[:port][/path]` with ASCII host names, IPv4 or bracketed IPv6, digits for the
//! port and URL-safe path characters. Anything a browser would reinterpret — user info, backslashes, whitespace,
//! percent-escapes in the host, `?` or `#` — is refused, so what is accepted reaches the host it names.
//! `tests/base_url.rs` checks that against the WHATWG parser with generated inputs.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A base URL that passed [`BaseUrl::parse`]: scheme and host in lower case, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

/// Why a base URL was refused. [`BaseUrlError::code`] names the case for a localised message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("{url:?} is not a full http(s) URL ({reason})")]
    Malformed { url: String, reason: &'static str },
    #[error("{url:?} uses {scheme}:, but a provider must be https:// (http:// only on localhost)")]
    Scheme { url: String, scheme: String },
    #[error(
        "{url:?} would send the API key unencrypted to {host}: use https://, plain http:// is allowed only for \
         localhost, 127.0.0.1 or [::1]"
    )]
    InsecureRemote { url: String, host: String },
    #[error("{url:?} carries a user name or password; put the key in the key field instead")]
    Credentials { url: String },
    #[error("{url:?} has a query or fragment; a base URL ends at its path (such as /v1)")]
    QueryOrFragment { url: String },
}

impl BaseUrlError {
    /// A stable name for the case: `malformed`, `scheme`, `insecureRemote`, `credentials`, `queryOrFragment`.
    pub fn code(&self) -> &'static str {
        match self {
            BaseUrlError::Malformed { .. } => "malformed",
            BaseUrlError::Scheme { .. } => "scheme",
            BaseUrlError::InsecureRemote { .. } => "insecureRemote",
            BaseUrlError::Credentials { .. } => "credentials",
            BaseUrlError::QueryOrFragment { .. } => "queryOrFragment",
        }
    }
}

/// Plain http is allowed to exactly these hosts (not the rest of 127.0.0.0/8, nor other spellings of them).
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl BaseUrl {
    /// Accepts `https://` anywhere and `http://` on the loopback only; surrounding spaces are ignored.
    pub fn parse(input: &str) -> Result<BaseUrl, BaseUrlError> {
        let text = input.trim();
        let malformed = |reason| BaseUrlError::Malformed {
            url: text.to_string(),
            reason,
        };
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(match text.split_once(':') {
                Some((scheme, _)) if is_scheme(scheme) => BaseUrlError::Scheme {
                    url: text.to_string(),
                    scheme: scheme.to_ascii_lowercase(),
                },
                _ => malformed("it does not start with https://"),
            });
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(match is_scheme(&scheme) {
                true => BaseUrlError::Scheme {
                    url: text.to_string(),
                    scheme,
                },
                false => malformed("it does not start with https://"),
            });
        }
        if let Some(odd) = rest.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(malformed(if odd.is_ascii() {
                "it contains spaces or control characters"
            } else {
                "it contains non-ASCII characters (write the host in its xn-- form)"
            }));
        }
        if rest.contains(['?', '#']) {
            return Err(BaseUrlError::QueryOrFragment {
                url: text.to_string(),
            });
        }
        if rest.contains('\\') {
            return Err(malformed("it contains a backslash"));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(BaseUrlError::Credentials {
                url: text.to_string(),
            });
        }
        let host = host_of(authority).map_err(malformed)?;
        if !path.chars().all(is_path_char) {
            return Err(malformed("its path has characters a URL may not carry"));
        }
        if scheme == "http" && !LOOPBACK.contains(&host.as_str()) {
            return Err(BaseUrlError::InsecureRemote {
                url: text.to_string(),
                host,
            });
        }
        let port = &authority[authority.len() - port_len(authority)..];
        let path = path.trim_end_matches('/');
        Ok(BaseUrl(format!("{scheme}://{host}{port}{path}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Unreserved, sub-delimiters, `:`, `@`, `/` and `%` (RFC 3986 `pchar` and `/`).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | ';'
                | '='
                | ':'
                | '@'
                | '/'
                | '%'
        )
}

/// The length of the `:port` suffix of an authority (0 without one). Only called on authorities `host_of` accepted.
fn port_len(authority: &str) -> usize {
    let after_host = authority.rfind(']').map_or(0, |end| end + 1);
    authority[after_host..]
        .rfind(':')
        .map_or(0, |colon| authority.len() - after_host - colon)
}

/// The WHATWG "ends in a number" test: the last label is decimal digits or `0x` hex.
fn ends_in_number(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let hex = last.strip_prefix("0x").or_else(|| last.strip_prefix("0X"));
    match hex {
        Some(digits) => digits.chars().all(|c| c.is_ascii_hexdigit()),
        None => !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()),
    }
}

/// The host of `host[:port]` in lower case, or why the authority is not one.
fn host_of(authority: &str) -> Result<String, &'static str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, after) = bracketed
                .split_once(']')
                .ok_or("its [IPv6] host is not closed")?;
            address
                .parse::<Ipv6Addr>()
                .map_err(|_| "its [IPv6] host is not an IPv6 address")?;
            let port = match after {
                "" => None,
                _ => Some(
                    after
                        .strip_prefix(':')
                        .ok_or("something follows its [IPv6] host")?,
                ),
            };
            (format!("[{}]", address.to_ascii_lowercase()), port)
        }
        None => {
            let (name, port) = match authority.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (authority, None),
            };
            let labels_ok = name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
            if !labels_ok || name.len() > 253 {
                return Err("its host is not a host name or IP address");
            }
            // A browser reads a host ending in a number as IPv4 ("127.1", "0x7f.0.0.1", "2130706433"): only the
            // dotted-quad spelling is accepted, so the host here is the host fetch connects to.
            if ends_in_number(name) && name.parse::<Ipv4Addr>().is_err() {
                return Err("its host is neither a host name nor a dotted-quad IPv4 address");
            }
            (name.to_ascii_lowercase(), port)
        }
    };
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|port| port <= 65_535);
        if !valid {
            return Err("its port is not a number from 0 to 65535");
        }
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(input: &str) -> String {
        BaseUrl::parse(input)
            .unwrap_or_else(|error| panic!("{input}: {error}"))
            .into_string()
    }

    fn refused(input: &str) -> BaseUrlError {
        match BaseUrl::parse(input) {
            Ok(url) => panic!("{input} was accepted as {url}"),
            Err(error) => error,
        }
    }

    #[test]
    fn https_is_accepted_anywhere_and_normalised() {
        for (input, expected) in [
            ("https://api.openai.com/v1", "https://api.openai.com/v1"),
            (
                "  HTTPS://API.Anthropic.com/v1/ \n",
                "https://api.anthropic.com/v1",
            ),
            (
                "https://openrouter.ai/api/v1",
                "https://openrouter.ai/api/v1",
            ),
            ("https://10.0.0.5:4000", "https://10.0.0.5:4000"),
            (
                "https://[2001:DB8::1]:8443/v1",
                "https://[2001:db8::1]:8443/v1",
            ),
            (
                "https://llm.example.test/team@x/v1",
                "https://llm.example.test/team@x/v1",
            ),
        ] {
            assert_eq!(accepted(input), expected, "{input}");
        }
    }

    #[test]
    fn plain_http_only_on_the_loopback() {
        for (input, expected) in [
            ("http://localhost:11434/v1", "http://localhost:11434/v1"),
            ("http://LOCALHOST:1234/v1", "http://localhost:1234/v1"),
            ("http://127.0.0.1:4000/v1", "http://127.0.0.1:4000/v1"),
            ("http://[::1]:8080/v1/", "http://[::1]:8080/v1"),
        ] {
            assert_eq!(accepted(input), expected, "{input}");
        }
        for (remote, host) in [
            ("http://example.com/v1", "example.com"),
            ("http://api.openai.com/v1", "api.openai.com"),
            ("http://192.168.1.20:11434/v1", "192.168.1.20"),
            ("http://127.0.0.2/v1", "127.0.0.2"),
            ("http://[::2]/v1", "[::2]"),
            ("http://[0:0:0:0:0:0:0:1]/v1", "[0:0:0:0:0:0:0:1]"),
            ("http://localhost.evil.example/v1", "localhost.evil.example"),
            ("http://evil.example/localhost", "evil.example"),
        ] {
            match refused(remote) {
                BaseUrlError::InsecureRemote { host: found, .. } => {
                    assert_eq!(found, host, "{remote}")
                }
                other => panic!("{remote}: {other:?}"),
            }
        }
        assert!(refused("http://example.com")
            .to_string()
            .contains("https://"));
    }

    #[test]
    fn what_a_browser_would_reinterpret_is_refused() {
        // The user-info part is not the host: fetch would go to evil.example.
        assert_eq!(
            refused("http://127.0.0.1@evil.example/v1").code(),
            "credentials"
        );
        assert_eq!(
            refused("https://user:secret@api.example.test/v1").code(),
            "credentials"
        );
        // Backslashes are slashes to a browser, tabs and newlines vanish, escapes in hosts are decoded.
        assert_eq!(
            refused("http://evil.example\\@localhost/v1").code(),
            "malformed"
        );
        assert_eq!(refused("http://local\thost/v1").code(), "malformed");
        assert_eq!(refused("http://%6Cocalhost/v1").code(), "malformed");
        assert_eq!(refused("http:///localhost/v1").code(), "malformed");
        // Numbers a browser reads as IPv4 in other spellings (all of these are 127.0.0.1 to fetch).
        for numeric in [
            "http://2130706433/v1",
            "http://127.1/v1",
            "http://0x7f.0.0.1/v1",
            "http://0177.0.0.1/v1",
        ] {
            assert_eq!(refused(numeric).code(), "malformed", "{numeric}");
        }
        assert_eq!(refused("https://1.2.3.4.5/v1").code(), "malformed");
        assert_eq!(refused("https://bücher.example/v1").code(), "malformed");
        assert_eq!(refused("https://x.test/a b").code(), "malformed");
        assert_eq!(refused("https://x.test/a\"b").code(), "malformed");
    }

    #[test]
    fn other_schemes_and_garbage_are_refused_with_their_case() {
        for (input, code) in [
            ("ftp://files.example/v1", "scheme"),
            ("file:///etc/passwd", "scheme"),
            ("javascript:alert(1)", "scheme"),
            ("api.openai.com/v1", "malformed"),
            ("", "malformed"),
            ("https://", "malformed"),
            ("https://:443/v1", "malformed"),
            ("https://a..b/v1", "malformed"),
            ("https://x.test:/v1", "malformed"),
            ("https://x.test:65536/v1", "malformed"),
            ("https://x.test:8o8o/v1", "malformed"),
            ("https://[::1/v1", "malformed"),
            ("https://[::1]x/v1", "malformed"),
            ("https://[nope]/v1", "malformed"),
            ("https://x.test/v1?key=1", "queryOrFragment"),
            ("https://x.test/v1#top", "queryOrFragment"),
        ] {
            assert_eq!(refused(input).code(), code, "{input}");
        }
    }

    #[test]
    fn a_provider_configuration_is_refused_for_its_url_after_name_and_model() {
        use crate::{Api, ChatError, ProviderConfig};
        let mut provider = ProviderConfig {
            name: "lan".into(),
            api: Api::OpenAi,
            base_url: "http://192.168.1.20:11434/v1".into(),
            model: "llama".into(),
            api_key: Some("sk-secret".into()),
            max_output_tokens: None,
            context_tokens: None,
        };
        match provider.validate() {
            Err(ChatError::BaseUrl { name, source }) => {
                assert_eq!(name, "lan");
                assert_eq!(source.code(), "insecureRemote");
            }
            other => panic!("{other:?}"),
        }
        provider.base_url = "http://localhost:11434/v1/".into();
        assert_eq!(
            provider.validate().map(BaseUrl::into_string),
            Ok("http://localhost:11434/v1".to_string())
        );
        provider.model = " ".into();
        assert!(matches!(provider.validate(), Err(ChatError::Config { .. })));
    }
}
