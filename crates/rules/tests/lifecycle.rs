//! Visibility, incremental edits, persistence and malformed input on the whole index.

mod common;

use familiar_rules::persist::{from_bytes, to_bytes};
use familiar_rules::{Manifest, NoResolver, RulesError, RulesIndex, SearchOptions};
use serde_json::json;

fn index() -> RulesIndex {
    let mut index = RulesIndex::new().expect("index");
    index.add_documents(&common::corpus(), &NoResolver);
    index
}

fn names(index: &mut RulesIndex, query: &str, options: &SearchOptions) -> Vec<String> {
    index
        .search(query, options)
        .expect("search")
        .into_iter()
        .map(|hit| hit.name)
        .collect()
}

#[test]
fn players_see_only_their_packs_and_the_gm_sees_all() {
    let mut index = index();
    let player = SearchOptions {
        user_packs: Some(vec!["home.actions".into()]),
        ..SearchOptions::default()
    };
    let seen = index.search("shield", &player).expect("search");
    assert!(seen.iter().all(|hit| hit.pack == "home.actions"));
    assert!(names(&mut index, "ember shield", &SearchOptions::default())
        .contains(&"Ember Shield".to_string()));
    let nobody = SearchOptions {
        user_packs: Some(vec![]),
        ..SearchOptions::default()
    };
    assert!(index.search("shield", &nobody).expect("search").is_empty());
}

#[test]
fn updates_and_deletes_apply_without_a_rebuild() {
    let mut index = index();
    index.commit().expect("commit");
    let base = index.stats().base_units;
    let changed = common::item(
        "home.actions",
        "a3",
        "action",
        "Shove",
        "<p>You heave a foe backwards with a mighty zephyr.</p>",
        &["attack"],
    );
    let new = common::item(
        "home.actions",
        "a9",
        "action",
        "Balance Beam",
        "<p>You cross a narrow beam.</p>",
        &["move"],
    );
    index.add_documents(&[changed, new], &NoResolver);
    assert_eq!(
        names(&mut index, "zephyr", &SearchOptions::default())[0],
        "Shove"
    );
    let stats = index.stats();
    assert_eq!(stats.base_units, base, "the base was not rebuilt");
    assert_eq!(stats.delta_units, 2);

    assert_eq!(index.remove(&["Compendium.home.actions.Item.a9".into()]), 1);
    assert_eq!(
        index.remove(&["Compendium.home.actions.Item.nope".into()]),
        0
    );
    assert!(!names(&mut index, "narrow beam", &SearchOptions::default())
        .contains(&"Balance Beam".to_string()));
    assert_eq!(
        index.remove(&["Compendium.home.lore.JournalEntry.j1".into()]),
        1
    );
    assert!(!names(&mut index, "lighthouse", &SearchOptions::default())
        .contains(&"Saltmarsh Harbor".to_string()));
    assert_eq!(index.stats().documents, common::corpus().len() - 1);
}

#[test]
fn the_old_text_of_an_updated_document_no_longer_matches() {
    let mut index = index();
    index.commit().expect("commit");
    let changed = common::item(
        "home.actions",
        "a3",
        "action",
        "Heave",
        "<p>You heave a foe backwards.</p>",
        &["attack"],
    );
    index.add_documents(&[changed], &NoResolver);
    let hits = index
        .search(
            "push creature athletics fortitude",
            &SearchOptions::default(),
        )
        .expect("search");
    assert!(hits.iter().all(|hit| hit.name != "Shove"), "{hits:?}");
}

#[test]
fn bytes_round_trip_with_manifest_and_staleness() {
    let mut index = index();
    let before = names(&mut index, "get up from prone", &SearchOptions::default());
    let bytes = to_bytes(&mut index).expect("bytes");
    let mut loaded = from_bytes(&bytes).expect("loads");
    assert_eq!(
        names(&mut loaded, "get up from prone", &SearchOptions::default()),
        before
    );
    assert_eq!(loaded.manifest(), index.manifest());
    assert_eq!(loaded.manifest().packs["home.actions"], 4);

    let mut current: Manifest = loaded.manifest();
    assert!(!loaded.manifest().is_stale_for(&current));
    current
        .documents
        .insert("Compendium.home.actions.Item.a3".into(), "2".into());
    assert!(loaded.manifest().is_stale_for(&current));
}

#[test]
fn corrupted_bytes_are_detected_never_searched() {
    let mut index = index();
    let bytes = to_bytes(&mut index).expect("bytes");
    for position in [0, 9, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
        let mut broken = bytes.clone();
        broken[position] ^= 0x5a;
        assert!(
            matches!(from_bytes(&broken), Err(RulesError::Corrupted(_))),
            "byte {position}"
        );
    }
    for cut in [0, 5, 20, bytes.len() - 3] {
        assert!(from_bytes(&bytes[..cut]).is_err());
    }
}

#[test]
fn malformed_documents_are_reported_and_the_rest_indexed() {
    let mut index = RulesIndex::new().expect("index");
    let huge = "<p>".to_string() + &"dragon ".repeat(100_000) + "</p>";
    let report = index.add_documents(
        &[
            json!(null),
            json!({"uuid": "Compendium.x.y.Item.1", "name": ["not", "text"]}),
            json!({"uuid": "Compendium.x.y.Item.2", "name": "Odd", "system": {"description": {"value": {"html": 1}}}}),
            json!({"uuid": "Compendium.x.y.Item.3", "name": "Big", "type": "feat",
                   "system": {"description": {"value": huge}}}),
            json!({"uuid": "Compendium.x.y.Item.4", "name": "Fine", "type": "feat",
                   "system": {"description": {"value": "<p>ok</p>"}, "traits": {"value": "oops"}}}),
        ],
        &NoResolver,
    );
    assert_eq!(report.documents, 5);
    assert_eq!(report.indexed, 2);
    assert_eq!(report.skipped.len(), 3);
    assert_eq!(report.truncated, vec!["Compendium.x.y.Item.3".to_string()]);
    assert_eq!(
        index
            .search("dragon", &SearchOptions::default())
            .expect("search")[0]
            .name,
        "Big"
    );
}

#[test]
fn a_loaded_index_keeps_empty_pages_in_its_manifest_and_takes_edits() {
    let mut index = index();
    let empty_page = serde_json::json!({
        "name": "Blank", "pack": "home.lore", "uuid": "Compendium.home.lore.JournalEntry.j9",
        "pages": [{"_id": "p9", "name": "Blank", "type": "text", "text": {"content": ""}}],
    });
    index.add_documents(&[empty_page], &NoResolver);
    let bytes = to_bytes(&mut index).expect("bytes");
    let mut loaded = from_bytes(&bytes).expect("loads");
    assert_eq!(loaded.manifest(), index.manifest());
    assert!(loaded
        .manifest()
        .documents
        .contains_key("Compendium.home.lore.JournalEntry.j9"));
    assert_eq!(loaded.stats(), index.stats());

    // Edits after loading: the per-source table is derived on the first one.
    let mut shove = common::corpus()
        .into_iter()
        .find(|doc| doc["name"] == "Shove")
        .expect("shove");
    shove["system"]["description"]["value"] = "<p>You heave a foe aside with a bellow.</p>".into();
    loaded.add_documents(&[shove], &NoResolver);
    assert_eq!(
        names(&mut loaded, "bellow", &SearchOptions::default())[0],
        "Shove"
    );
    assert_eq!(
        loaded.remove(&["Compendium.home.actions.Item.a1".into()]),
        1
    );
    assert!(!names(&mut loaded, "stand up", &SearchOptions::default()).contains(&"Stand".into()));
    assert_eq!(loaded.stats().documents, index.stats().documents - 1);
}

/// Every hit of `query` as (name, uuid, score), to compare two indexes of the same documents exactly.
fn hits(index: &mut RulesIndex, query: &str) -> Vec<(String, String, String)> {
    index
        .search(query, &SearchOptions::default())
        .expect("search")
        .into_iter()
        .map(|hit| (hit.name, hit.uuid, format!("{:.4}", hit.score)))
        .collect()
}

/// Steps until the commit is applied; returns how many calls it took.
fn commit_in_steps(index: &mut RulesIndex, units: usize) -> usize {
    let mut calls = 1;
    while !index.commit_step(units).expect("commit step") {
        calls += 1;
    }
    calls
}

#[test]
fn a_commit_in_small_steps_builds_the_same_index_as_one_commit() {
    let mut whole = index();
    whole.commit().expect("commit");
    let mut stepped = index();
    let units = stepped.stats().delta_units;
    assert!(units > 3, "the corpus has {units} units");
    // Two units a call, then one call that writes the segment.
    assert_eq!(commit_in_steps(&mut stepped, 2), units.div_ceil(2) + 1);
    assert_eq!(stepped.stats(), whole.stats());
    for query in ["shield", "ember shield", "shove", "grab a foe"] {
        assert_eq!(
            hits(&mut stepped, query),
            hits(&mut whole, query),
            "{query}"
        );
    }
    // Nothing left to do.
    assert!(stepped.commit_step(1).expect("commit step"));
}

#[test]
fn an_edit_during_a_stepped_commit_restarts_it_and_loses_nothing() {
    let mut index = index();
    assert!(!index.commit_step(1).expect("first step"));
    let late = common::item(
        "home.actions",
        "a8",
        "action",
        "Tumble Through",
        "<p>You roll past a foe.</p>",
        &["move"],
    );
    index.add_documents(&[late], &NoResolver);
    index.remove(&["Compendium.home.actions.Item.a3".to_string()]);
    commit_in_steps(&mut index, 3);
    let found = names(&mut index, "tumble through", &SearchOptions::default());
    assert_eq!(found.first().map(String::as_str), Some("Tumble Through"));
    assert!(!names(&mut index, "shove", &SearchOptions::default()).contains(&"Shove".to_string()));
    assert!(names(&mut index, "ember shield", &SearchOptions::default())
        .contains(&"Ember Shield".to_string()));
}

#[test]
fn a_search_during_a_stepped_commit_finishes_it() {
    let mut index = index();
    assert!(!index.commit_step(1).expect("first step"));
    assert!(names(&mut index, "ember shield", &SearchOptions::default())
        .contains(&"Ember Shield".to_string()));
    assert!(index.commit_step(1).expect("already applied"));
}

#[test]
fn a_document_is_read_whole_for_those_who_may_open_it() {
    let mut index = index();
    let shove = "Compendium.home.actions.Item.a3";
    let read = index.read(shove, None, 2_000).expect("read").expect("held");
    assert_eq!(
        (read.name.as_str(), read.pack.as_str()),
        ("Shove", "home.actions")
    );
    assert!(
        read.text.starts_with("You push a creature away"),
        "{}",
        read.text
    );
    assert!(!read.truncated);
    let short = index.read(shove, None, 20).expect("read").expect("held");
    assert!(short.truncated && short.text.len() <= 20, "{}", short.text);
    // A player reads only their packs' documents; unknown uuids are not held.
    let actions = ["home.actions".to_string()];
    let spells = ["home.spells".to_string()];
    assert!(index
        .read(shove, Some(&actions), 100)
        .expect("read")
        .is_some());
    assert!(index
        .read(shove, Some(&spells), 100)
        .expect("read")
        .is_none());
    assert!(index
        .read("Compendium.home.actions.Item.zz", None, 100)
        .expect("read")
        .is_none());
    // A journal entry reads as its pages; the text follows edits before any commit.
    let journal = index
        .read("Compendium.home.lore.JournalEntry.j1", None, 500)
        .expect("read")
        .expect("held");
    assert!(journal.text.contains("smoked eels"), "{}", journal.text);
    index.commit().expect("commit");
    let changed = common::item(
        "home.actions",
        "a3",
        "action",
        "Shove",
        "<p>Push it hard.</p>",
        &[],
    );
    index.add_documents(&[changed], &NoResolver);
    assert_eq!(
        index
            .read(shove, None, 100)
            .expect("read")
            .expect("held")
            .text,
        "Push it hard."
    );
    index.remove(&[shove.to_string()]);
    assert!(index.read(shove, None, 100).expect("read").is_none());
}
