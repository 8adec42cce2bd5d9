//! Compendium HTML and Foundry enrichers → index text, and any HTML → the sanitised HTML Familiar shows.
//! Invariants: the block split and the plain text agree, heading levels are 1..=6; the enricher pass is linear in
//! its input and its links are pieces of the source; the sanitiser's (and the Markdown renderer's) output holds
//! only allow-listed tags, no event handler, style or script URL, and sanitising it again changes nothing; an answer
//! rendered with one citation in scope links to no other document.
#![no_main]

use familiar_chat::{render_answer, render_markdown, sanitize_html, LinkScope, Reader};
use familiar_rules::{enrichers, html, NoResolver};
use html5gum::{Token, Tokenizer};
use libfuzzer_sys::fuzz_target;

/// The tags Familiar may show, written out here on purpose rather than taken from `sanitize.rs`: the fuzzer's own
/// oracle, so a tag added to the sanitiser's list fails here until it is added to this one too.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "kbd",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
];

/// The one document the scoped render may link to.
const CITED: &str = "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t";

/// Re-reads sanitised HTML with the same tokenizer a browser's would agree with on this output.
fn assert_safe(safe: &str, source: &str) {
    for token in Tokenizer::new(safe).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name);
        assert!(
            ALLOWED_TAGS.contains(&name.as_ref()),
            "<{name}> kept from {source:?}: {safe:?}"
        );
        for (key, value) in &tag.attributes {
            let key = String::from_utf8_lossy(key).to_ascii_lowercase();
            let value = String::from_utf8_lossy(value).trim().to_ascii_lowercase();
            assert!(!key.starts_with("on"), "handler {key} kept from {source:?}");
            assert!(
                key != "style" && key != "src" && key != "srcdoc",
                "{key} kept from {source:?}"
            );
            if key == "data-uuid" {
                assert!(
                    value.split('#').next() == Some(&CITED.to_ascii_lowercase()),
                    "content link to {value:?} kept from {source:?}"
                );
            }
            if key == "href" {
                let allowed = ["http:", "https:", "mailto:"]
                    .iter()
                    .any(|s| value.starts_with(s))
                    || value.starts_with('#');
                assert!(allowed, "href {value:?} kept from {source:?}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);

    let blocks = html::to_blocks(&source);
    let text = html::blocks_to_text(&blocks);
    assert_eq!(text, html::to_text(&source));
    for block in &blocks {
        if let html::BlockKind::Heading(level) = block.kind {
            assert!((1..=6).contains(&level), "heading level {level}");
        }
    }

    let enriched = enrichers::resolve(&source, &NoResolver);
    for link in &enriched.links {
        // Nothing resolved: a link's target and label are taken from the source itself.
        assert!(source.contains(link.target.as_str()) && source.contains(link.label.as_str()));
    }
    // A reading adds a few fixed words ("DC 20 basic Fortitude save", " damage") to an enricher of 4+ bytes.
    assert!(
        enriched.text.len() <= 8 * source.len(),
        "{} bytes of text from {}",
        enriched.text.len(),
        source.len()
    );

    let safe = sanitize_html(&source);
    assert_safe(&safe, &source);
    assert_eq!(
        sanitize_html(&safe),
        safe,
        "sanitising twice changed {source:?}"
    );

    let rendered = render_markdown(&source);
    assert_safe(&rendered, &source);
    assert_eq!(
        sanitize_html(&rendered),
        rendered,
        "rendered Markdown is not a fixed point of the sanitiser"
    );

    let reader = Reader {
        gm: true,
        packs: vec!["pf2e.actionspf2e".into()],
    };
    let answer = render_answer(&source, &LinkScope::new([CITED], &reader));
    assert_safe(&answer, &source);
});
