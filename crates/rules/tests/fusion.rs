//! A semantic ranking fused into search: without one, or with an empty one, results are the lexical ones exactly;
//! with one, its documents join (visible and live ones only) and duplicates still fold.

mod common;

use familiar_rules::{
    Dense, DenseHit, Fusion, FusionMethod, NoResolver, RulesIndex, SearchHit, SearchOptions,
};

fn index() -> RulesIndex {
    let mut index = RulesIndex::new().unwrap();
    index.add_documents(&common::corpus(), &NoResolver);
    index.commit().unwrap();
    index
}

fn key(pack: &str, id: &str) -> String {
    format!("Compendium.{pack}.Item.{id}")
}

fn dense(keys: &[String]) -> Vec<DenseHit> {
    keys.iter()
        .enumerate()
        .map(|(rank, key)| DenseHit {
            key: key.clone(),
            score: 0.9 - rank as f32 * 0.1,
        })
        .collect()
}

fn names(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|hit| hit.name.as_str()).collect()
}

const FUSIONS: [Fusion; 2] = [
    Fusion {
        method: FusionMethod::Rrf { k: 60.0 },
        lexical_weight: 1.0,
        dense_weight: 1.0,
        named: None,
        dense_prior: true,
    },
    Fusion {
        method: FusionMethod::Weighted,
        lexical_weight: 1.0,
        dense_weight: 0.5,
        named: None,
        dense_prior: false,
    },
];

#[test]
fn an_empty_dense_list_leaves_the_lexical_results_untouched() {
    let mut index = index();
    let options = SearchOptions::default();
    for query in [
        "weapon mastery",
        "how do I get up from prone",
        "fire resistance",
        "zzqx",
    ] {
        let lexical = index.search(query, &options).unwrap();
        for fusion in FUSIONS {
            let fused = index
                .search_fused(query, &options, Some(Dense { hits: &[], fusion }))
                .unwrap();
            assert_eq!(fused, lexical, "{query}");
        }
    }
}

#[test]
fn a_dense_hit_answers_a_question_with_no_word_in_common() {
    let mut index = index();
    let shove = key("home.actions", "a3");
    let hits = dense(&[shove.clone(), key("home.spells", "s1")]);
    for fusion in FUSIONS {
        let found = index
            .search_fused(
                "zzqx",
                &SearchOptions::default(),
                Some(Dense {
                    hits: &hits,
                    fusion,
                }),
            )
            .unwrap();
        assert_eq!(names(&found), ["Shove", "Magic Missile"], "{fusion:?}");
        assert_eq!(found[0].uuid, shove);
    }
}

#[test]
fn both_lists_agreeing_outrank_either_alone() {
    let mut index = index();
    // Lexically "shield" finds Ember Shield, Ember Shield Adept and Repair; the dense list puts Repair first.
    let hits = dense(&[key("home.actions", "a4"), key("home.spells", "s2")]);
    let lexical = index.search("shield", &SearchOptions::default()).unwrap();
    assert_ne!(lexical[0].name, "Repair");
    let fused = index
        .search_fused(
            "shield",
            &SearchOptions::default(),
            Some(Dense {
                hits: &hits,
                fusion: FUSIONS[0],
            }),
        )
        .unwrap();
    assert!(
        names(&fused)[..2].contains(&"Repair"),
        "{:?}",
        names(&fused)
    );
    assert!(
        names(&fused)[..2].contains(&"Ember Shield"),
        "{:?}",
        names(&fused)
    );
}

#[test]
fn level_variants_from_the_dense_list_still_fold_into_one_hit() {
    let mut index = index();
    let hits = dense(&[
        key("home.classfeatures", "k2"),
        key("home.classfeatures", "k1"),
    ]);
    let found = index
        .search_fused(
            "zzqx",
            &SearchOptions::default(),
            Some(Dense {
                hits: &hits,
                fusion: FUSIONS[0],
            }),
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].also.len(), 1);
}

#[test]
fn dense_hits_are_never_removed_or_hidden_documents() {
    let mut index = index();
    let shove = key("home.actions", "a3");
    let missile = key("home.spells", "s1");
    let hits = dense(&[
        shove.clone(),
        missile.clone(),
        "Compendium.gone.Item.x".into(),
    ]);
    let players = SearchOptions {
        user_packs: Some(vec!["home.actions".into()]),
        ..SearchOptions::default()
    };
    let found = index
        .search_fused(
            "zzqx",
            &players,
            Some(Dense {
                hits: &hits,
                fusion: FUSIONS[0],
            }),
        )
        .unwrap();
    assert_eq!(names(&found), ["Shove"]);
    index.remove(&[shove]);
    let found = index
        .search_fused(
            "zzqx",
            &SearchOptions::default(),
            Some(Dense {
                hits: &hits,
                fusion: FUSIONS[0],
            }),
        )
        .unwrap();
    assert_eq!(names(&found), ["Magic Missile"]);
}

#[test]
fn unit_texts_list_every_live_unit_once() {
    let mut index = index();
    let units = index.unit_texts().unwrap();
    assert_eq!(units.len(), index.stats().units);
    let shove = units.iter().find(|unit| unit.name == "Shove").unwrap();
    assert!(shove.body.contains("Athletics"));
    index.remove(&[key("home.actions", "a3")]);
    let units = index.unit_texts().unwrap();
    assert!(units.iter().all(|unit| unit.name != "Shove"));
}

/// The GM model's rewrite: a term that names a rule lifts it to the top; terms that name nothing, and no terms,
/// leave the question's own ranking exactly as it was; a player's packs still bound what a term can find.
#[test]
fn a_rewrite_that_names_a_rule_lifts_it_and_one_that_names_nothing_changes_nothing() {
    use familiar_rules::RewriteFusion;
    let mut index = index();
    let question = "my character is feeling queasy what now";
    let options = SearchOptions::default();
    let plain = index.search(question, &options).unwrap();
    let fusion = RewriteFusion::default();
    let rewritten = |index: &mut RulesIndex, terms: &[&str], options: &SearchOptions| {
        let terms: Vec<String> = terms.iter().map(|term| term.to_string()).collect();
        index
            .search_rewritten(question, &terms, options, None, &fusion)
            .unwrap()
    };
    let lifted = rewritten(&mut index, &["Sickened", "Nauseated"], &options);
    assert_eq!(lifted[0].name, "Sickened");
    assert!(lifted.len() <= options.top);
    for terms in [&[][..], &["nausea remedies", "Queasiness Rule"][..]] {
        assert_eq!(
            names(&rewritten(&mut index, terms, &options)),
            names(&plain),
            "{terms:?}"
        );
    }
    let player = SearchOptions {
        user_packs: Some(vec!["home.actions".into()]),
        ..SearchOptions::default()
    };
    let hidden = rewritten(&mut index, &["Sickened"], &player);
    assert!(
        hidden.iter().all(|hit| hit.pack == "home.actions"),
        "{:?}",
        names(&hidden)
    );
}
