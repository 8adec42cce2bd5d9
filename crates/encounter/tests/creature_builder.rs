//! The creature builder: 1,500+ combinations checked against the tables, determinism, errors, document shape.

mod common;

use std::collections::HashSet;

use familiar_encounter::builder::roadmaps::{self, RoadMap, ROADMAPS};
use familiar_encounter::builder::tables::{self, Tier, MAX_LEVEL, MIN_LEVEL};
use familiar_encounter::builder::{build_creature, Adjustment, BuildRequest, BuiltCreature};
use familiar_encounter::BuildError;
use serde_json::Value;

fn request(level: i32, roadmap: &str, adjustment: Option<Adjustment>, seed: u64) -> BuildRequest {
    BuildRequest {
        level: f64::from(level),
        roadmap: roadmap.to_string(),
        elite: adjustment == Some(Adjustment::Elite),
        weak: adjustment == Some(Adjustment::Weak),
        seed,
        ..BuildRequest::default()
    }
}

/// A tier the road map allows, or the column the builder falls back to when the book leaves a cell empty.
fn allowed(tier: Tier, tiers: &[Tier], level: i32) -> bool {
    tiers.contains(&tier) || (level < 1 && tier == Tier::High && tiers.contains(&Tier::Extreme))
}

fn check(built: &BuiltCreature, roadmap: &RoadMap, level: i32, adjustment: Option<Adjustment>) {
    let c = &built.creature;
    let at = format!(
        "{} level {level} {adjustment:?} seed {}",
        roadmap.slug, c.seed
    );
    assert_eq!(c.level, level, "{at}");
    for stat in &c.abilities {
        assert_eq!(
            Some(stat.value),
            tables::ability_modifier(level, stat.tier),
            "{at} {:?}",
            stat.ability
        );
    }
    let best = c.abilities.iter().map(|a| a.tier).min().unwrap();
    assert!(
        allowed(best, roadmap.primary_tiers, level) || best == Tier::High,
        "{at} primary {best:?}"
    );
    assert!(
        allowed(c.perception.tier, roadmap.perception, level),
        "{at} perception"
    );
    assert_eq!(
        Some(c.perception.value),
        tables::perception(level, c.perception.tier),
        "{at}"
    );
    assert!(allowed(c.ac.tier, roadmap.ac, level), "{at} ac");
    assert_eq!(
        Some(c.ac.value),
        tables::armor_class(level, c.ac.tier),
        "{at}"
    );
    for (stat, tiers) in [
        (c.fortitude, roadmap.fortitude),
        (c.reflex, roadmap.reflex),
        (c.will, roadmap.will),
    ] {
        assert!(allowed(stat.tier, tiers, level), "{at} save");
        assert_eq!(
            Some(stat.value),
            tables::saving_throw(level, stat.tier),
            "{at}"
        );
    }
    let (min, max) = tables::hit_points(level, c.hp.tier).unwrap();
    assert!(
        roadmap.hp.contains(&c.hp.tier) && (min..=max).contains(&c.hp.value),
        "{at} hp {}",
        c.hp.value
    );
    assert!(!c.skills.is_empty(), "{at}");
    for skill in &c.skills {
        assert_eq!(
            Some(skill.value),
            tables::skill(level, skill.tier),
            "{at} {}",
            skill.skill
        );
    }
    let (attack_tier, damage_tier) = (c.strikes[0].attack.tier, c.strikes[0].damage_tier);
    assert!(
        roadmap.strike.contains(&(attack_tier, damage_tier)),
        "{at} strike"
    );
    for strike in &c.strikes {
        assert_eq!(
            Some(strike.attack.value),
            tables::strike_attack(level, strike.attack.tier),
            "{at}"
        );
        assert_eq!(
            Some(strike.damage),
            tables::strike_damage(level, strike.damage_tier).map(|d| d.formula),
            "{at}"
        );
    }
    match (&c.spellcasting, roadmap.spellcasting) {
        (Some(spells), Some(plan)) => {
            assert!(plan.dc.contains(&spells.dc.tier), "{at} spell dc tier");
            assert_eq!(
                Some(spells.dc.value),
                tables::spell_dc(level, spells.dc.tier),
                "{at}"
            );
            assert_eq!(
                Some(spells.attack),
                tables::spell_attack(level, spells.dc.tier),
                "{at}"
            );
            assert!((0..=10).contains(&spells.max_rank), "{at}");
        }
        (None, None) => {}
        _ => panic!("{at}: spellcasting does not follow the road map"),
    }
    check_actor(&built.actor, built, adjustment, &at);
}

fn check_actor(actor: &Value, built: &BuiltCreature, adjustment: Option<Adjustment>, at: &str) {
    let c = &built.creature;
    let system = &actor["system"];
    assert_eq!(actor["type"], "npc", "{at}");
    assert_eq!(system["details"]["level"]["value"], c.level, "{at}");
    assert_eq!(system["attributes"]["ac"]["value"], c.ac.value, "{at}");
    assert_eq!(system["attributes"]["hp"]["max"], c.hp.value, "{at}");
    assert_eq!(system["perception"]["mod"], c.perception.value, "{at}");
    assert_eq!(
        system["saves"]["fortitude"]["value"], c.fortitude.value,
        "{at}"
    );
    assert_eq!(system["saves"]["will"]["value"], c.will.value, "{at}");
    for ability in ["str", "dex", "con", "int", "wis", "cha"] {
        assert!(
            system["abilities"][ability]["mod"].is_i64(),
            "{at} {ability}"
        );
    }
    for skill in &c.skills {
        assert_eq!(system["skills"][skill.skill]["base"], skill.value, "{at}");
    }
    let items = actor["items"].as_array().unwrap();
    let melee: Vec<&Value> = items
        .iter()
        .filter(|item| item["type"] == "melee")
        .collect();
    assert_eq!(melee.len(), c.strikes.len(), "{at}");
    for (item, strike) in melee.iter().zip(&c.strikes) {
        assert_eq!(
            item["system"]["bonus"]["value"], strike.attack.value,
            "{at}"
        );
        let rolls = item["system"]["damageRolls"].as_object().unwrap();
        assert_eq!(rolls.len(), 1, "{at}");
        let roll = rolls.values().next().unwrap();
        assert_eq!(roll["damage"], strike.damage, "{at}");
        assert!(roll["damageType"].is_string(), "{at}");
        assert!(item["system"]["traits"]["value"].is_array(), "{at}");
    }
    let entries: Vec<&Value> = items
        .iter()
        .filter(|item| item["type"] == "spellcastingEntry")
        .collect();
    assert_eq!(entries.len(), usize::from(c.spellcasting.is_some()), "{at}");
    if let (Some(entry), Some(spells)) = (entries.first(), &c.spellcasting) {
        assert_eq!(entry["system"]["spelldc"]["dc"], spells.dc.value, "{at}");
        assert_eq!(entry["system"]["spelldc"]["value"], spells.attack, "{at}");
    }
    let key = adjustment.map(|a| a.key());
    assert_eq!(
        system["attributes"]["adjustment"],
        serde_json::json!(key),
        "{at}"
    );
    if let Some(adjustment) = adjustment {
        let adjusted = c.adjusted.as_ref().expect("adjusted numbers");
        let delta = adjustment.modifier();
        assert_eq!(adjusted.level, adjustment.level(c.level), "{at}");
        assert_eq!(adjusted.ac, c.ac.value + delta, "{at}");
        assert_eq!(adjusted.will, c.will.value + delta, "{at}");
        assert_eq!(
            adjusted.hp,
            (c.hp.value + adjustment.hit_points(c.level)).max(1),
            "{at}"
        );
        assert_eq!(system["attributes"]["hp"]["value"], adjusted.hp, "{at}");
        assert!(c.name.starts_with(adjustment.name_prefix()), "{at}");
    }
}

#[test]
fn every_level_road_map_and_adjustment_is_valid_and_distinct() {
    let mut distinct = HashSet::new();
    let mut combinations = 0;
    for level in MIN_LEVEL..=MAX_LEVEL {
        for roadmap in ROADMAPS {
            for adjustment in [None, Some(Adjustment::Elite), Some(Adjustment::Weak)] {
                for seed in [1, 2] {
                    let built =
                        build_creature(&request(level, roadmap.slug, adjustment, seed)).unwrap();
                    check(&built, roadmap, level, adjustment);
                    distinct.insert(built.actor.to_string());
                    combinations += 1;
                }
            }
        }
    }
    assert_eq!(combinations, 26 * ROADMAPS.len() * 3 * 2);
    assert!(
        distinct.len() >= 500,
        "only {} distinct creatures",
        distinct.len()
    );
    assert_eq!(
        distinct.len(),
        combinations,
        "every combination gives its own document"
    );
}

#[test]
fn the_same_seed_gives_the_same_creature_and_seeds_vary_the_free_choices() {
    let a = build_creature(&request(7, "brute", None, 99)).unwrap();
    let b = build_creature(&request(7, "brute", None, 99)).unwrap();
    assert_eq!(a, b);
    let hps: HashSet<i32> = (0..40)
        .map(|seed| {
            build_creature(&request(7, "brute", None, seed))
                .unwrap()
                .creature
                .hp
                .value
        })
        .collect();
    assert!(hps.len() > 3, "HP should vary within the range: {hps:?}");
}

#[test]
fn casters_get_a_spellcasting_entry_and_strikers_do_not() {
    let caster = build_creature(&request(9, "spellcaster", None, 3)).unwrap();
    let entry = caster.actor["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "spellcastingEntry")
        .unwrap();
    assert!(["arcane", "divine", "occult", "primal"]
        .contains(&entry["system"]["tradition"]["value"].as_str().unwrap()));
    assert_eq!(caster.creature.spellcasting.as_ref().unwrap().max_rank, 5);
    let brute = build_creature(&request(9, "brute", None, 3)).unwrap();
    assert!(brute.creature.spellcasting.is_none());
}

#[test]
fn named_and_sized_requests_are_honoured() {
    let mut asked = request(3, "Skirmisher", Some(Adjustment::Elite), 5);
    asked.name = Some("Dust Runner".into());
    asked.traits = Some(vec!["beast".into()]);
    asked.size = Some("sm".into());
    let built = build_creature(&asked).unwrap();
    assert_eq!(built.actor["name"], "Elite Dust Runner");
    assert_eq!(
        built.actor["system"]["traits"]["value"],
        serde_json::json!(["beast"])
    );
    assert_eq!(built.actor["system"]["traits"]["size"]["value"], "sm");
    assert_eq!(built.actor["system"]["attributes"]["speed"]["value"], 35);
}

#[test]
fn bad_requests_get_typed_errors() {
    assert!(matches!(
        build_creature(&request(25, "brute", None, 0)),
        Err(BuildError::LevelOutOfRange { level: 25 })
    ));
    assert!(matches!(
        build_creature(&request(-2, "brute", None, 0)),
        Err(BuildError::LevelOutOfRange { .. })
    ));
    let unknown = build_creature(&request(3, "dragon", None, 0)).unwrap_err();
    assert!(unknown.to_string().contains("brute"), "{unknown}");
    let mut both = request(3, "brute", Some(Adjustment::Elite), 0);
    both.weak = true;
    assert_eq!(build_creature(&both), Err(BuildError::EliteAndWeak));
    let mut fraction = request(3, "brute", None, 0);
    fraction.level = 2.5;
    assert!(build_creature(&fraction)
        .unwrap_err()
        .to_string()
        .contains("whole number"));
    let mut size = request(3, "brute", None, 0);
    size.size = Some("colossal".into());
    assert!(build_creature(&size).is_err());
    assert!(roadmaps::find("soldier").is_some());
}
