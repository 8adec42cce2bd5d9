//! The base-URL rule against the WHATWG URL parser (the `url` crate, as `fetch` parses): whatever `BaseUrl` accepts
//! must reach the host it names — over plain http only the loopback — with no credentials, query or fragment,
//! however the input is spelt. Inputs are generated from the tricks that fool hand-written parsers.

use familiar_chat::BaseUrl;
use proptest::prelude::*;
use url::{Host, Url};

fn scheme() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "http", "https", "HTTP", "hTtPs", "ftp", "ws", "http:", "",
    ])
    .prop_map(String::from)
}

fn separator() -> impl Strategy<Value = String> {
    let odd =
        prop::sample::select(vec![":/", ":///", ":\\\\", ":\\/", "", ":"]).prop_map(String::from);
    prop_oneof![4 => Just("://".to_string()), 1 => odd]
}

fn host() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        "localhost",
        "127.0.0.1",
        "[::1]",
        "LocalHost",
        "127.1",
        "2130706433",
        "0x7f.0.0.1",
        "localhost.",
        "example.com",
        "evil.example@localhost",
        "localhost@evil.example",
        "%6cocalhost",
        "[::ffff:127.0.0.1]",
        "[0::1]",
        "[::1%25lo]",
        "127.0.0.1.nip.io",
        "localhost\\.evil.example",
        "local\thost",
        "xn--bcher-kva.example",
        "1.2.3.4.5",
        "[::1",
        "",
    ])
    .prop_map(String::from);
    prop_oneof![3 => tricky, 1 => "[a-z0-9.@:%\\[\\]\\\\\t-]{0,12}"]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "", "", ":80", ":11434", ":", ":99999", ":0x10", ":-1", "::1"
        ])
        .prop_map(String::from),
        "(:[0-9]{1,6})?",
    ]
}

fn path() -> impl Strategy<Value = String> {
    "(/[a-zA-Z0-9@.:%?#\\\\ \t!$&'()*+,;=~_-]{0,8}){0,3}"
}

fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Domain(domain)) => domain == "localhost",
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn accepted_urls_reach_the_host_they_name(
        scheme in scheme(), separator in separator(), host in host(), port in port(), path in path(),
        padding in prop::sample::select(vec!["", " ", "\n"]),
    ) {
        let input = format!("{padding}{scheme}{separator}{host}{port}{path}{padding}");
        let Ok(accepted) = BaseUrl::parse(&input) else { return Ok(()) };
        let parsed = Url::parse(input.trim());
        // What we accept, the browser reads the same way.
        let parsed = parsed.map_err(|error| TestCaseError::fail(format!("{input:?} accepted as {accepted} but fetch refuses it: {error}")))?;
        prop_assert!(parsed.username().is_empty() && parsed.password().is_none(), "{input:?}: credentials");
        prop_assert!(parsed.query().is_none() && parsed.fragment().is_none(), "{input:?}: query or fragment");
        let ours = Url::parse(accepted.as_str()).expect("the normalised form parses");
        prop_assert_eq!(ours.scheme(), parsed.scheme());
        prop_assert_eq!(ours.port_or_known_default(), parsed.port_or_known_default());
        prop_assert_eq!(ours.path().trim_end_matches('/'), parsed.path().trim_end_matches('/'));
        match parsed.scheme() {
            "http" => {
                prop_assert!(is_loopback(parsed.host()), "{:?} sends the key over http to {:?}", input, parsed.host_str());
                prop_assert_eq!(ours.host_str(), parsed.host_str());
            }
            scheme => prop_assert_eq!(scheme, "https"),
        }
    }
}

#[test]
fn the_usual_local_servers_are_accepted() {
    for url in [
        "http://localhost:11434/v1", // Ollama
        "http://127.0.0.1:1234/v1",  // LM Studio
        "http://[::1]:4000",         // LiteLLM proxy
        "https://api.openai.com/v1",
        "https://api.anthropic.com/v1",
        "https://openrouter.ai/api/v1",
    ] {
        let accepted = BaseUrl::parse(url).unwrap_or_else(|error| panic!("{url}: {error}"));
        assert_eq!(accepted.as_str(), url);
        assert_eq!(
            Url::parse(url)
                .map(|u| u.scheme().to_string())
                .ok()
                .as_deref(),
            url.split(':').next()
        );
    }
}
