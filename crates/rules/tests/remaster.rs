//! Remaster renames in both directions: a question in the legacy vocabulary finds a remastered document and a
//! question in the remaster's finds a legacy one. Two home-made compendia (written for these tests, no Paizo text)
//! hold the same rules under their two names, among neighbours whose names share words with them.

#[allow(dead_code)] // the shared compendium is not used here, only its shapes
mod common;

use common::item;
use familiar_rules::{NoResolver, RulesIndex, SearchOptions};
use serde_json::Value;

/// (legacy name, remastered name, kind): one pair per kind the renames table covers.
const PAIRS: &[(&str, &str, &str)] = &[
    ("Flat-Footed", "Off-Guard", "condition"),
    ("Magic Missile", "Force Barrage", "spell"),
    ("Burning Hands", "Breathe Fire", "spell"),
    ("True Strike", "Sure Strike", "spell"),
    ("Attack of Opportunity", "Reactive Strike", "action"),
];

/// Neighbours that share a word with a renamed rule, present under both vocabularies.
fn neighbours() -> Vec<Value> {
    vec![
        item(
            "home.actions",
            "n1",
            "action",
            "Strike",
            "<p>You attack with a weapon you wield.</p>",
            &["attack"],
        ),
        item(
            "home.actions",
            "n2",
            "action",
            "Force Open",
            "<p>You pry a stuck door open with brute strength.</p>",
            &[],
        ),
        item(
            "home.feats",
            "n3",
            "feat",
            "Fire Breather",
            "<p>Your bloodline lets you exhale sparks.</p>",
            &[],
        ),
        item(
            "home.feats",
            "n4",
            "feat",
            "Guarded Footing",
            "<p>You keep your feet on slick floors.</p>",
            &[],
        ),
        item(
            "home.spells",
            "n5",
            "spell",
            "Missile Shield",
            "<p>A ward that turns thrown darts aside.</p>",
            &[],
        ),
    ]
}

fn index_of(names: impl Iterator<Item = (&'static str, &'static str)>) -> RulesIndex {
    let mut documents = neighbours();
    for (n, (name, kind)) in names.enumerate() {
        let html =
            format!("<p>The rule called {name} in this compendium, told in its own words.</p>");
        documents.push(item(
            &format!("home.{kind}s"),
            &format!("r{n}"),
            kind,
            name,
            &html,
            &[],
        ));
    }
    let mut index = RulesIndex::new().expect("index");
    let report = index.add_documents(&documents, &NoResolver);
    assert!(report.skipped.is_empty(), "{report:?}");
    index
}

fn first(index: &mut RulesIndex, query: &str) -> Option<String> {
    let hits = index
        .search(query, &SearchOptions::default())
        .expect("search");
    hits.into_iter().next().map(|hit| hit.name)
}

/// Indexes the rules under one vocabulary (`indexed`: 0 legacy, 1 remastered) and asks for each under the other,
/// by name alone and in a phrasing, then one question in everyday words.
fn each_is_found_by_its_other_name(indexed: usize, phrasing: &str, everyday: (&str, &str)) {
    let name =
        |pair: &(&'static str, &'static str, &'static str), side: usize| [pair.0, pair.1][side];
    let mut index = index_of(PAIRS.iter().map(|pair| (name(pair, indexed), pair.2)));
    for pair in PAIRS {
        let asked = name(pair, 1 - indexed).to_lowercase();
        for question in [asked.clone(), phrasing.replace("{}", &asked)] {
            let found = first(&mut index, &question);
            assert_eq!(found.as_deref(), Some(name(pair, indexed)), "{question}");
        }
    }
    assert_eq!(first(&mut index, everyday.0).as_deref(), Some(everyday.1));
}

#[test]
fn legacy_questions_find_remastered_documents() {
    each_is_found_by_its_other_name(1, "how does {} work", ("am I flat footed", "Off-Guard"));
}

#[test]
fn remastered_questions_find_legacy_documents() {
    each_is_found_by_its_other_name(0, "what does {} do", ("when am I off guard", "Flat-Footed"));
}
