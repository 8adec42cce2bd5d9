//! Hostile text through every rendering path: nothing may come out as executable markup. The output is checked
//! with a small tag scanner: only allow-listed tags and attributes, and links only to http(s) or mailto.

use std::sync::LazyLock;

use familiar_chat::{
    link_citations, offline_answer, render_answer, render_markdown, sanitize_html, LinkScope,
    OfflineReason, Passage, Reader,
};

/// What the renderers may emit and the hostile inputs (ours, collected from the classic XSS filter-evasion families
/// and aimed at each rendering path). The browser test in crates/wasm/tests/xss.rs reads the same file; the
/// sanitiser keeps its own allow-list, so this is an independent statement of the contract.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Contract {
    allowed_tags: Vec<String>,
    allowed_attributes: Vec<String>,
    payloads: Vec<String>,
}

static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    serde_json::from_str(include_str!("xss-contract.json"))
        .expect("xss-contract.json holds the contract")
});

/// Every tag in `html` with its attributes (ammonia's output is well-formed: text `<` is always escaped).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag = &rest[start + 1..];
        let mut chars = tag.char_indices().peekable();
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '>' || c == '/' && !name.is_empty() {
                break;
            }
            name.push(c);
            chars.next();
        }
        let mut attributes = Vec::new();
        let mut end = tag.len();
        loop {
            while chars
                .peek()
                .is_some_and(|&(_, c)| c.is_whitespace() || c == '/')
            {
                chars.next();
            }
            let Some(&(index, c)) = chars.peek() else {
                break;
            };
            if c == '>' {
                end = index + 1;
                break;
            }
            let mut key = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c == '=' || c == '>' || c.is_whitespace() {
                    break;
                }
                key.push(c);
                chars.next();
            }
            let mut value = String::new();
            if chars.peek().is_some_and(|&(_, c)| c == '=') {
                chars.next();
                let quote = chars.peek().map(|&(_, c)| c);
                if matches!(quote, Some('"') | Some('\'')) {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if Some(c) == quote {
                            break;
                        }
                        value.push(c);
                    }
                } else {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() || c == '>' {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
            attributes.push((key.to_ascii_lowercase(), value));
        }
        found.push((
            name.trim_start_matches('/').to_ascii_lowercase(),
            attributes,
        ));
        rest = &tag[end.min(tag.len())..];
    }
    found
}

fn assert_inert(html: &str, payload: &str) {
    for (name, attributes) in tags(html) {
        assert!(
            CONTRACT.allowed_tags.contains(&name),
            "tag <{name}> from {payload:?}: {html}"
        );
        for (key, value) in attributes {
            assert!(
                CONTRACT.allowed_attributes.contains(&key),
                "attribute {key} from {payload:?}: {html}"
            );
            if key == "href" {
                let lower = value.to_ascii_lowercase();
                assert!(
                    lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("mailto:"),
                    "href {value:?} from {payload:?}: {html}"
                );
            }
            if key == "class" {
                assert_eq!(value, "content-link", "from {payload:?}");
            }
            if key == "data-uuid" {
                assert!(
                    value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_#".contains(c)),
                    "data-uuid {value:?} from {payload:?}"
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script",
        "<svg",
        "<math",
        "<img",
        "<iframe",
        "<style",
        "javascript:",
        "vbscript:",
        "data:text",
    ] {
        if needle.ends_with(':') || needle == "data:text" {
            // Allowed as visible text, and inside a URL of another scheme ("https://a.test/javascript:x" is a
            // path): never as the scheme of an attribute's URL, as a browser would read it (WHATWG URL parser,
            // which drops leading control characters and spaces and ignores tabs and newlines).
            let scheme = needle.trim_end_matches(":text").trim_end_matches(':');
            assert!(
                !tags(html)
                    .iter()
                    .any(|(_, attrs)| attrs.iter().any(|(_, v)| {
                        url::Url::parse(v).is_ok_and(|parsed| parsed.scheme() == scheme)
                            || v.trim_start().to_ascii_lowercase().starts_with(needle)
                    })),
                "{needle} as an attribute's scheme from {payload:?}: {html}"
            );
        } else {
            assert!(!lower.contains(needle), "{needle} from {payload:?}: {html}");
        }
    }
}

/// Found by the generated test: an autolinked https URL whose path holds "javascript:" is a path, not a scheme; and
/// the same text as the URL's scheme is refused.
#[test]
fn javascript_inside_an_https_path_is_a_path() {
    let input = "<https://ok.testimghttps://ok.testjavascript:img@UUID[Compendium.a.b]{x}]]>";
    let html = render_markdown(input);
    assert!(html.contains("href=\"https://ok.test"), "{html}");
    assert_inert(&html, input);
    for hostile in [
        "<javascript:alert(1)>",
        "[x]( javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
    ] {
        let html = render_markdown(hostile);
        assert_inert(&html, hostile);
        assert!(
            !html.to_ascii_lowercase().contains("href=\"javascript"),
            "{html}"
        );
    }
}

#[test]
fn at_least_a_hundred_payloads() {
    assert!(
        CONTRACT.payloads.len() >= 100,
        "{}",
        CONTRACT.payloads.len()
    );
}

#[test]
fn model_output_markdown_is_inert() {
    for payload in CONTRACT.payloads.iter() {
        assert_inert(&render_markdown(payload), payload);
        assert_inert(
            &render_markdown(&format!("Answer [1]: {payload} and more.")),
            payload,
        );
        assert_inert(
            &render_markdown(&format!("* item\n\n  {payload}\n\n1. next")),
            payload,
        );
    }
}

#[test]
fn compendium_and_module_html_is_inert() {
    for payload in CONTRACT.payloads.iter() {
        assert_inert(&sanitize_html(payload), payload);
        assert_inert(&sanitize_html(&format!("<p>Text {payload}</p>")), payload);
    }
}

#[test]
fn hostile_passage_names_and_texts_stay_inert_through_citations_and_offline_answers() {
    for payload in CONTRACT.payloads.iter() {
        let passages = vec![Passage {
            uuid: "Compendium.pf2e.x.Item.AJh5ex99aV6VTggg".into(),
            anchor: None,
            name: payload.to_string(),
            text: payload.to_string(),
        }];
        let reader = Reader {
            gm: true,
            packs: vec!["pf2e.x".into()],
        };
        let linked = link_citations(&format!("It says [1]. {payload}"), &passages);
        let scope = LinkScope::new(linked.citations.iter().map(|c| c.uuid.as_str()), &reader);
        assert_inert(&render_answer(&linked.text, &scope), payload);
        let (offline, citations) = offline_answer(&passages, &OfflineReason::NoProviders);
        let scope = LinkScope::new(citations.iter().map(|c| c.uuid.as_str()), &reader);
        assert_inert(&render_answer(&offline, &scope), payload);
    }
}

/// Sanitised output parses to itself: what the browser builds from it is what the allow-list wrote, however the
/// input was broken.
#[test]
fn sanitised_html_is_a_fixed_point() {
    for payload in CONTRACT.payloads.iter() {
        for html in [sanitize_html(payload), render_markdown(payload)] {
            assert_eq!(sanitize_html(&html), html, "{payload:?}");
        }
    }
}

#[test]
fn safe_markup_survives() {
    let uuid = "Compendium.pf2e.conditionitems.Item.AJh5ex99aV6VTggg";
    let reader = Reader {
        gm: false,
        packs: vec!["pf2e.conditionitems".into()],
    };
    let html = render_answer(
        "**Off-guard**: -2 AC, see @UUID[Compendium.pf2e.conditionitems.Item.AJh5ex99aV6VTggg]{Off-Guard}.\n\n\
         - [Archives](https://2e.aonprd.com)\n\n`code`",
        &LinkScope::new([uuid], &reader),
    );
    assert!(html.contains("<strong>Off-guard</strong>"), "{html}");
    assert!(
        html.contains(
            "<a class=\"content-link\" draggable=\"true\" data-link=\"\" \
         data-uuid=\"Compendium.pf2e.conditionitems.Item.AJh5ex99aV6VTggg\">Off-Guard</a>"
        ),
        "{html}"
    );
    assert!(html.contains("href=\"https://2e.aonprd.com\""), "{html}");
    assert!(
        html.contains("rel=\"noopener noreferrer nofollow\""),
        "{html}"
    );
    assert!(html.contains("<code>code</code>"), "{html}");
    assert_eq!(
        render_markdown("a <b>bold</b> claim"),
        "<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>\n"
    );
}

/// Markup assembled at random from the pieces attacks are made of stays inert and is a fixed point.
mod generated {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "/",
        "=",
        "\"",
        "'",
        " ",
        "\t",
        "\0",
        "script",
        "style",
        "a",
        "p",
        "img",
        "svg",
        "math",
        "textarea",
        "title",
        "table",
        "li",
        "ol",
        " href=",
        " src=",
        " title=",
        " onerror=",
        " class=content-link",
        " start=",
        "javascript:",
        "https://ok.test",
        "alert(1)",
        "&lt;",
        "&#x6A;",
        "&quot;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "@UUID[Compendium.a.b]{x}",
        "[x](",
        ")",
        "*",
        "`",
    ];

    proptest! {
        #[test]
        fn arbitrary_markup_is_inert(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..48)) {
            let input = pieces.concat();
            for html in [sanitize_html(&input), render_markdown(&input)] {
                assert_inert(&html, &input);
                prop_assert_eq!(sanitize_html(&html), html.clone());
            }
        }
    }
}
