//! Retrieval on a home-made compendium: player phrasing, remaster names, typos, duplicates, kinds, citations.

mod common;

use familiar_rules::{NoResolver, RulesIndex, SearchOptions};

fn index() -> RulesIndex {
    let mut index = RulesIndex::new().expect("index");
    let report = index.add_documents(&common::corpus(), &NoResolver);
    assert!(report.skipped.is_empty(), "{report:?}");
    index
}

fn top(index: &mut RulesIndex, query: &str) -> Vec<String> {
    index
        .search(query, &SearchOptions::default())
        .expect("search")
        .into_iter()
        .map(|hit| hit.name)
        .collect()
}

#[test]
fn own_questions_find_their_rule_first() {
    let mut index = index();
    let cases = [
        ("What's off-guard again?", "Flat-Footed"),
        ("how much AC do I lose when flat footed", "Flat-Footed"),
        ("I feel nauseous, what happens?", "Sickened"),
        ("can I get up off the ground", "Stand"),
        ("how do I open a locked chest", "Pick a Lock"),
        ("push the ogre away from me", "Shove"),
        ("force barrage damage per dart", "Magic Missile"),
        ("how does the ember shield spell work", "Ember Shield"),
        ("fix my broken shield", "Repair"),
        (
            "which town has the lighthouse and smoked eels",
            "Gazetteer: Saltmarsh Harbor",
        ),
    ];
    let mut misses = Vec::new();
    for (question, expected) in cases {
        let names = top(&mut index, question);
        if names.first().map(String::as_str) != Some(expected) {
            misses.push((question, expected, names));
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

#[test]
fn typos_still_find_the_rule() {
    let mut index = index();
    assert_eq!(top(&mut index, "sickenned")[0], "Sickened");
    assert_eq!(top(&mut index, "magic misile")[0], "Magic Missile");
}

#[test]
fn level_variants_collapse_into_one_hit() {
    let mut index = index();
    let hits = index
        .search("weapon mastery", &SearchOptions::default())
        .expect("search");
    let mastery: Vec<_> = hits
        .iter()
        .filter(|hit| hit.name.starts_with("Weapon Mastery"))
        .collect();
    assert_eq!(mastery.len(), 1);
    assert_eq!(mastery[0].also.len(), 1);
}

#[test]
fn hits_cite_with_content_links_and_snippets() {
    let mut index = index();
    let hits = index
        .search("lighthouse", &SearchOptions::default())
        .expect("search");
    let hit = &hits[0];
    assert_eq!(
        hit.uuid,
        "Compendium.home.lore.JournalEntry.j1.JournalEntryPage.p1"
    );
    assert_eq!(
        hit.link,
        format!("@UUID[{}]{{Gazetteer: Saltmarsh Harbor}}", hit.uuid)
    );
    assert!(hit.snippet.contains("<b>lighthouse</b>"), "{}", hit.snippet);
    let pick = index
        .search("pick a lock", &SearchOptions::default())
        .expect("search");
    assert!(
        pick[0].snippet.contains("DC 20 Thievery check") || !pick[0].snippet.contains("@Check")
    );
}

#[test]
fn query_syntax_is_just_text() {
    let mut index = index();
    for query in [
        "\"stand",
        "name:stand",
        "stand)",
        "[[stand]]",
        "+stand -prone",
        "stand^2",
        "*",
        "",
        "🐉",
    ] {
        let result = index.search(query, &SearchOptions::default());
        assert!(result.is_ok(), "{query}: {result:?}");
    }
    assert_eq!(top(&mut index, "name:(stand")[0], "Stand");
}

#[test]
fn a_word_still_being_typed_finds_the_names_it_begins() {
    let mut index = index();
    assert_eq!(top(&mut index, "ember shi")[0], "Ember Shield");
    assert_eq!(top(&mut index, "saltma")[0], "Gazetteer: Saltmarsh Harbor");
    // A finished word (followed by a space or punctuation) is a typo, not a prefix.
    assert_eq!(top(&mut index, "sickenned?")[0], "Sickened");
}

#[test]
fn passage_text_comes_only_when_asked_and_is_capped() {
    let mut index = index();
    let plain = index
        .search("lighthouse", &SearchOptions::default())
        .expect("search");
    assert!(plain.iter().all(|hit| hit.text.is_none()));
    let options = SearchOptions {
        passage_chars: Some(60),
        ..SearchOptions::default()
    };
    let hits = index.search("lighthouse", &options).expect("search");
    let text = hits[0].text.as_deref().expect("text");
    assert!(!text.is_empty() && text.chars().count() <= 60, "{text}");
    assert!(!text.contains('<'), "clean text, not HTML: {text}");
    let full = SearchOptions {
        passage_chars: Some(100_000),
        snippets: false,
        ..SearchOptions::default()
    };
    let whole = index.search("lighthouse", &full).expect("search");
    assert!(whole[0].text.as_deref().expect("text").starts_with(text));
    assert!(whole[0].snippet.is_empty());
}
