//! The read-only tools on the real engines: `rate_encounter` equals the XP engine on random encounters (through the
//! schema check, as a model's call arrives), search and read keep a player to their packs, the generator to the
//! bestiaries they may open, the builder gives the adjusted stat block, and world changes are not run here.

use familiar_chat::tools::args::check_call;
use familiar_chat::tools::calls::RawToolCall;
use familiar_chat::tools::catalog::{Asker, ToolSet, ROADMAPS};
use familiar_chat::tools::{ToolExecutor, ToolOutput};
use familiar_encounter::builder::{roadmaps, Adjustment};
use familiar_encounter::generator::pool::{PoolEntry, Rarity};
use familiar_encounter::xp::{rate_request, EntityKind, HazardRequest, XpRequest};
use familiar_rules::{NoResolver, RulesIndex};
use familiar_tools::{pack_of, Engines};
use proptest::prelude::*;
use serde_json::{json, Value};

fn run(engines: &mut Engines<'_>, name: &str, arguments: Value) -> ToolOutput {
    let call = check_call(
        &RawToolCall {
            id: "c".into(),
            name: name.into(),
            arguments: arguments.to_string(),
        },
        &ToolSet::for_asker(Asker::Gm),
    )
    .unwrap_or_else(|error| panic!("{name}: {error}"));
    engines.execute(&call)
}

fn no_engines() -> Engines<'static> {
    Engines {
        rules: None,
        pool: &[],
        packs: None,
        seed: 0,
    }
}

#[test]
fn the_tool_catalog_names_the_builders_road_maps() {
    assert_eq!(ROADMAPS.to_vec(), roadmaps::slugs());
}

#[test]
fn a_compendium_uuid_names_its_pack() {
    assert_eq!(
        pack_of("Compendium.pf2e.pathfinder-bestiary.Actor.abc"),
        Some("pf2e.pathfinder-bestiary")
    );
    assert_eq!(
        pack_of("Compendium.home.rules.JournalEntry.j.JournalEntryPage.p"),
        Some("home.rules")
    );
    assert_eq!(pack_of("Actor.abc"), None);
    assert_eq!(pack_of("Compendium.x"), None);
}

proptest! {
    #[test]
    fn rate_encounter_through_the_tool_is_the_xp_engine(
        party_level in 1i32..=20,
        party_size in 1u32..=8,
        creatures in prop::collection::vec((-1i32..=24, 0u8..3), 0..9),
        hazards in prop::collection::vec((-1i32..=25, any::<bool>()), 0..3),
        pwl in any::<bool>(),
    ) {
        let adjustment = |code: u8| match code { 1 => Some("elite"), 2 => Some("weak"), _ => None };
        let arguments = json!({
            "party_level": party_level,
            "party_size": party_size,
            "creatures": creatures.iter().map(|(level, code)| match adjustment(*code) {
                Some(adjustment) => json!({"level": level, "adjustment": adjustment}),
                None => json!({"level": level}),
            }).collect::<Vec<_>>(),
            "hazards": hazards.iter().map(|(level, complex)| json!({"level": level, "complex": complex})).collect::<Vec<_>>(),
            "proficiency_without_level": pwl,
        });
        let output = run(&mut no_engines(), "rate_encounter", arguments);
        let direct = rate_request(&XpRequest {
            party_level: f64::from(party_level),
            party_size: f64::from(party_size),
            npc_levels: creatures.iter().map(|(level, code)| f64::from(match code {
                1 => Adjustment::Elite.level(*level),
                2 => Adjustment::Weak.level(*level),
                _ => *level,
            })).collect(),
            hazards: hazards.iter().map(|(level, complex)| HazardRequest { level: f64::from(*level), is_complex: *complex }).collect(),
            proficiency_without_level: pwl,
        });
        match direct {
            Err(error) => {
                prop_assert!(output.is_error);
                let message = error.to_string();
                prop_assert_eq!(output.value["error"].as_str(), Some(message.as_str()));
            }
            Ok(xp) => {
                let value = &output.value;
                prop_assert!(!output.is_error);
                prop_assert_eq!(&value["totalXP"], &json!(xp.total_xp));
                prop_assert_eq!(&value["rating"], &json!(xp.rating));
                prop_assert_eq!(&value["ratingXP"], &json!(xp.rating_xp));
                prop_assert_eq!(&value["xpPerPlayer"], &json!(xp.xp_per_player));
                prop_assert_eq!(&value["encounterBudgets"], &json!(xp.encounter_budgets));
                let warnings: Vec<&str> = xp.warnings.iter().map(|w| w.message.as_str()).collect();
                prop_assert_eq!(&value["warnings"], &json!(warnings));
                let each: Vec<u32> = value["creatures"].as_array().unwrap().iter()
                    .chain(value["hazards"].as_array().unwrap())
                    .map(|entry| entry["xp"].as_u64().unwrap() as u32)
                    .collect();
                let breakdown: Vec<u32> = xp.breakdown.iter().map(|entry| entry.xp).collect();
                prop_assert_eq!(each, breakdown);
            }
        }
    }
}

#[test]
fn the_issues_fight_rates_severe_and_an_elite_counts_a_level_up() {
    // A level 5 creature (party level +1: 60 XP) and two level 3s (−1: 30 XP each) against four level 4s: severe.
    let output = run(
        &mut no_engines(),
        "rate_encounter",
        json!({"party_level": 4, "party_size": 4, "creatures": [{"level": 5}, {"level": 3}, {"level": 3}]}),
    );
    assert_eq!(output.value["totalXP"], 120);
    assert_eq!(output.value["rating"], "severe");
    let elite = run(
        &mut no_engines(),
        "rate_encounter",
        json!({"party_level": 4, "party_size": 4, "creatures": [{"level": 5, "adjustment": "elite", "uuid": "Compendium.b.c.Actor.x"}]}),
    );
    assert_eq!(
        elite.value["creatures"][0],
        json!({"level": 5, "adjustment": "elite", "countedLevel": 6, "xp": 80, "uuid": "Compendium.b.c.Actor.x"})
    );
}

fn item(pack: &str, id: &str, name: &str, html: &str) -> Value {
    json!({
        "_id": id, "name": name, "type": "condition", "pack": pack,
        "uuid": format!("Compendium.{pack}.Item.{id}"),
        "system": {"description": {"value": html}, "traits": {"value": [], "rarity": "common"}, "level": {"value": 1}},
        "_stats": {"modifiedTime": 1}
    })
}

fn index() -> RulesIndex {
    let mut index = RulesIndex::new().unwrap();
    index.add_documents(
        &[
            item(
                "home.rules",
                "grabbed00000000a",
                "Grabbed",
                "<p>You are held in place. You are off-guard and immobilized.</p>",
            ),
            item(
                "home.secret",
                "grabbed00000000b",
                "Grabbed by the Lich",
                "<p>A secret grabbed variant for the GM.</p>",
            ),
        ],
        &NoResolver,
    );
    index.commit().unwrap();
    index
}

#[test]
fn search_and_read_keep_a_player_to_their_packs() {
    let mut index = index();
    let player = vec!["home.rules".to_string()];
    let mut engines = Engines {
        rules: Some(&mut index),
        pool: &[],
        packs: Some(&player),
        seed: 0,
    };
    let found = run(
        &mut engines,
        "search_rules",
        json!({"query": "grabbed", "top": 8}),
    );
    let results = found.value["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(
        results[0]["uuid"],
        "Compendium.home.rules.Item.grabbed00000000a"
    );
    assert_eq!(results[0]["pack"], "home.rules");
    assert!(!results[0]["snippet"].as_str().unwrap().contains('<'));
    let read = run(
        &mut engines,
        "read_rule",
        json!({"uuid": "Compendium.home.rules.Item.grabbed00000000a"}),
    );
    assert_eq!(read.value["name"], "Grabbed");
    assert!(read.value["text"].as_str().unwrap().contains("immobilized"));
    let hidden = run(
        &mut engines,
        "read_rule",
        json!({"uuid": "Compendium.home.secret.Item.grabbed00000000b"}),
    );
    assert!(hidden.is_error);
    let mut gm = Engines {
        rules: Some(&mut index),
        pool: &[],
        packs: None,
        seed: 0,
    };
    let all = run(&mut gm, "search_rules", json!({"query": "grabbed"}));
    assert_eq!(all.value["results"].as_array().unwrap().len(), 2);
    assert!(run(&mut no_engines(), "search_rules", json!({"query": "x"})).is_error);
}

fn goblin(pack: &str, id: &str, level: i32) -> PoolEntry {
    PoolEntry {
        uuid: format!("Compendium.{pack}.Actor.{id}"),
        name: format!("Goblin {id}"),
        level,
        traits: vec!["goblin".into(), "humanoid".into()],
        rarity: Rarity::Common,
        size: None,
        kind: EntityKind::Creature,
    }
}

#[test]
fn generated_encounters_come_from_the_bestiaries_the_asker_may_open() {
    let pool: Vec<PoolEntry> = (0..6)
        .map(|n| goblin("pf2e.pathfinder-bestiary", &format!("open{n}"), n % 4))
        .chain((0..6).map(|n| goblin("home.secret-bestiary", &format!("hidden{n}"), n % 4)))
        .collect();
    let player = vec!["pf2e.pathfinder-bestiary".to_string()];
    let mut engines = Engines {
        rules: None,
        pool: &pool,
        packs: Some(&player),
        seed: 3,
    };
    let output = run(
        &mut engines,
        "generate_encounter",
        json!({"party_level": 2, "party_size": 4, "threat": "moderate", "count": 3}),
    );
    assert!(!output.is_error, "{}", output.value);
    let encounters = output.value["encounters"].as_array().unwrap();
    assert!(!encounters.is_empty());
    for encounter in encounters {
        assert_eq!(encounter["rating"], "moderate");
        for member in encounter["members"].as_array().unwrap() {
            assert!(
                member["uuid"]
                    .as_str()
                    .unwrap()
                    .contains("pathfinder-bestiary"),
                "{member}"
            );
        }
    }
    let none = vec!["home.rules".to_string()];
    let mut nothing = Engines {
        rules: None,
        pool: &pool,
        packs: Some(&none),
        seed: 3,
    };
    let refused = run(
        &mut nothing,
        "generate_encounter",
        json!({"party_level": 2, "party_size": 4, "threat": "low"}),
    );
    assert!(refused.is_error);
    assert!(refused.value["error"]
        .as_str()
        .unwrap()
        .contains("pool is empty"));
}

#[test]
fn a_built_creature_shows_the_adjusted_numbers() {
    let normal = run(
        &mut no_engines(),
        "build_creature",
        json!({"level": 6, "roadmap": "brute", "seed": 5}),
    );
    let elite = run(
        &mut no_engines(),
        "build_creature",
        json!({"level": 6, "roadmap": "brute", "seed": 5, "adjustment": "elite", "name": "Ogre"}),
    );
    assert_eq!(normal.value["level"], 6);
    assert_eq!(elite.value["level"], 7);
    assert_eq!(elite.value["baseLevel"], 6);
    assert_eq!(elite.value["name"], "Elite Ogre");
    assert_eq!(
        elite.value["ac"].as_i64().unwrap(),
        normal.value["ac"].as_i64().unwrap() + 2
    );
    assert_eq!(
        elite.value["hp"].as_i64().unwrap(),
        normal.value["hp"].as_i64().unwrap() + 20
    );
    assert!(normal.value["strikes"][0]["damage"]
        .as_str()
        .unwrap()
        .contains('d'));
    assert_eq!(
        normal,
        run(
            &mut no_engines(),
            "build_creature",
            json!({"level": 6, "roadmap": "brute", "seed": 5})
        )
    );
    let caster = run(
        &mut no_engines(),
        "build_creature",
        json!({"level": 3, "roadmap": "wizard"}),
    );
    assert!(caster.value["spellcasting"]["dc"].is_i64());
}

#[test]
fn world_changing_calls_are_not_run_by_the_engines() {
    for (name, arguments) in [
        ("create_actor", json!({"level": 1, "roadmap": "brute"})),
        (
            "start_combat",
            json!({"creatures": [{"uuid": "Compendium.a.b.Actor.c"}]}),
        ),
        ("post_to_chat", json!({"content": "hi"})),
    ] {
        let output = run(&mut no_engines(), name, arguments);
        assert!(output.is_error);
        assert!(output.value["error"]
            .as_str()
            .unwrap()
            .contains("only in Foundry"));
    }
}
