//! Property tests over ingestion (a CI-sized fuzz): any HTML/enricher soup and any JSON-ish document is cleaned
//! without panicking, and the text that comes out holds no markup or enricher syntax it was given well-formed.

use familiar_rules::document::{read_document, IngestReport};
use familiar_rules::enrichers::{resolve, NoResolver};
use familiar_rules::html::to_text;
use familiar_rules::passages::to_units;
use familiar_rules::{RulesIndex, SearchOptions};
use proptest::prelude::*;
use serde_json::json;

/// Fragments that make HTML and enricher syntax likely, mixed with arbitrary text.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<h2>".to_string()),
        Just("<ul><li>".to_string()),
        Just("</li></ul>".to_string()),
        Just("&amp;".to_string()),
        Just("&#x1F409;".to_string()),
        Just("@UUID[Compendium.a.b.Item.c]{Label}".to_string()),
        Just("@UUID[".to_string()),
        Just("]{".to_string()),
        Just("@Check[type:flat|dc:".to_string()),
        Just("[[/r {1d6}[fire]]]".to_string()),
        Just("[[/r ".to_string()),
        Just("@Localize[PF2E.x]".to_string()),
        Just("<script>".to_string()),
        "\\PC{0,12}",
        "[\\x00-\\x7f]{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn enrichers_and_html_never_panic(html in soup()) {
        let enriched = resolve(&html, &NoResolver);
        let text = to_text(&enriched.text);
        prop_assert!(!text.contains("<p>"));
    }

    #[test]
    fn well_formed_links_leave_only_their_labels(label in "[A-Za-z]{1,8}( [A-Za-z]{1,8}){0,2}", before in "[a-z ]{0,20}") {
        let html = format!("<p>{before}@UUID[Compendium.x.y.Item.z]{{{label}}}</p>");
        let text = to_text(&resolve(&html, &NoResolver).text);
        prop_assert!(!text.contains("@UUID"));
        prop_assert!(text.contains(&label));
    }

    #[test]
    fn any_document_is_read_or_reported(name in "\\PC{0,30}", html in soup(), traits in prop::collection::vec("\\PC{0,8}", 0..4)) {
        let value = json!({"uuid": "Compendium.p.q.Item.r", "name": name, "type": "feat",
                           "system": {"description": {"value": html}, "traits": {"value": traits}}});
        let mut report = IngestReport::default();
        let docs = read_document(&value, 0, &mut report);
        prop_assert_eq!(docs.len() + report.skipped.len(), 1);
        for doc in &docs {
            for unit in to_units(doc, &NoResolver) {
                prop_assert!(!unit.body.contains("<p>"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn indexing_soup_and_searching_anything_never_fails(html in soup(), query in "\\PC{0,40}") {
        let mut index = RulesIndex::new().expect("index");
        let doc = json!({"uuid": "Compendium.p.q.Item.r", "name": "Soup", "type": "feat",
                         "system": {"description": {"value": html}}});
        index.add_documents(&[doc], &NoResolver);
        prop_assert!(index.search(&query, &SearchOptions::default()).is_ok());
    }
}
