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

#[test]
fn legacy_questions_find_remastered_documents() {
    let mut index = index_of(
        PAIRS
            .iter()
            .map(|(_, remastered, kind)| (*remastered, *kind)),
    );
    for (legacy, remastered, _) in PAIRS {
        for question in [
            legacy.to_lowercase(),
            format!("how does {} work", legacy.to_lowercase()),
        ] {
            assert_eq!(
                first(&mut index, &question).as_deref(),
                Some(*remastered),
                "{question}"
            );
        }
    }
    assert_eq!(
        first(&mut index, "am I flat footed").as_deref(),
        Some("Off-Guard")
    );
}

#[test]
fn remastered_questions_find_legacy_documents() {
    let mut index = index_of(PAIRS.iter().map(|(legacy, _, kind)| (*legacy, *kind)));
    for (legacy, remastered, _) in PAIRS {
        for question in [
            remastered.to_lowercase(),
            format!("what does {} do", remastered.to_lowercase()),
        ] {
            assert_eq!(
                first(&mut index, &question).as_deref(),
                Some(*legacy),
                "{question}"
            );
        }
    }
    assert_eq!(
        first(&mut index, "when am I off guard").as_deref(),
        Some("Flat-Footed")
    );
}
