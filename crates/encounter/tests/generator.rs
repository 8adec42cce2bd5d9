//! The encounter generator: bands, shapes, distinctness, determinism, typed refusals, the real bestiary.

mod common;

use std::collections::HashSet;

use familiar_encounter::generator::pool::{pool_from_jsonl, Rarity};
use familiar_encounter::generator::stats::threat_stats;
use familiar_encounter::generator::{generate, GenerateRequest, Generated, PoolEntry, Shape};
use familiar_encounter::xp::{EntityKind, XpTable};
use familiar_encounter::EncounterBudgets;
use familiar_encounter::{GenerateError, Threat};

const TRAITS: [&str; 4] = ["undead", "beast", "humanoid", "fiend"];

fn pool(per_level: usize) -> Vec<PoolEntry> {
    let mut entries = Vec::new();
    for level in -1..=25 {
        for n in 0..per_level {
            entries.push(PoolEntry {
                uuid: format!("Compendium.test.Actor.L{level}N{n}"),
                name: format!("Creature {level}/{n}"),
                level,
                traits: vec![TRAITS[n % TRAITS.len()].to_string()],
                rarity: [Rarity::Common, Rarity::Uncommon, Rarity::Rare][n % 3],
                size: Some("med".into()),
                kind: EntityKind::Creature,
            });
        }
        for (n, kind) in [EntityKind::SimpleHazard, EntityKind::ComplexHazard]
            .into_iter()
            .enumerate()
        {
            entries.push(PoolEntry {
                uuid: format!("Compendium.test.Actor.H{level}N{n}"),
                name: format!("Hazard {level}/{n}"),
                level,
                traits: vec!["trap".into()],
                rarity: Rarity::Common,
                size: None,
                kind,
            });
        }
    }
    entries
}

fn request(
    level: i32,
    size: u32,
    threat: Threat,
    shape: Option<Shape>,
    count: usize,
    seed: u64,
) -> GenerateRequest {
    let mut request = GenerateRequest::new(level, size, threat);
    request.shape = shape;
    request.count = Some(count);
    request.seed = seed;
    request
}

fn assert_all_in_band(generated: &Generated, threat: Threat) {
    for encounter in &generated.encounters {
        let xp = &encounter.xp;
        assert_eq!(xp.rating, threat, "{encounter:?}");
        assert!(xp.total_xp <= generated.budget && xp.total_xp >= generated.band_low);
        assert_eq!(
            encounter.budget_difference,
            i64::from(xp.total_xp) - i64::from(generated.budget)
        );
        let tokens: u32 = encounter.members.iter().map(|m| m.count).sum();
        assert_eq!(tokens as usize, encounter.uuids.len());
        assert_eq!(
            xp.total_xp,
            encounter
                .members
                .iter()
                .map(|m| m.xp_each * m.count)
                .sum::<u32>()
        );
        assert!(xp.warnings.is_empty());
    }
}

#[test]
fn every_threat_party_level_and_size_lands_in_band() {
    let pool = pool(6);
    for threat in Threat::ALL {
        for level in 1..=20 {
            for size in 1..=8 {
                let ask = request(
                    level,
                    size,
                    threat,
                    None,
                    3,
                    level as u64 * 31 + u64::from(size),
                );
                let budget = EncounterBudgets::for_party_size(size).get(threat);
                if XpTable::Creature.xp(level, -1) > budget {
                    // No creature is cheap enough (e.g. trivial for one level 1 character: 10 XP, while a
                    // level -1 creature is worth 20): the generator must refuse and say why.
                    let error = generate(&ask, &pool).unwrap_err();
                    assert!(error.to_string().contains("weakest candidate"), "{error}");
                    continue;
                }
                let generated = generate(&ask, &pool)
                    .unwrap_or_else(|e| panic!("{threat} L{level} x{size}: {e}"));
                assert_eq!(generated.encounters.len(), 3, "{threat} L{level} x{size}");
                assert_all_in_band(&generated, threat);
            }
        }
    }
}

#[test]
fn the_standard_table_hits_the_budget_exactly_with_a_rich_pool() {
    let pool = pool(6);
    let generated = generate(
        &request(6, 4, Threat::Moderate, Some(Shape::Mixed), 20, 1),
        &pool,
    )
    .unwrap();
    assert!(generated
        .encounters
        .iter()
        .all(|e| e.budget_difference == 0));
}

#[test]
fn encounters_are_distinct_and_deterministic_by_seed() {
    let pool = pool(6);
    let ask = request(8, 4, Threat::Severe, None, 25, 42);
    let first = generate(&ask, &pool).unwrap();
    assert_eq!(first, generate(&ask, &pool).unwrap());
    let keys: HashSet<Vec<String>> = first
        .encounters
        .iter()
        .map(|e| {
            let mut uuids = e.uuids.clone();
            uuids.sort();
            uuids
        })
        .collect();
    assert_eq!(keys.len(), 25);
    let other = generate(&request(8, 4, Threat::Severe, None, 25, 43), &pool).unwrap();
    assert_ne!(first.encounters, other.encounters);
}

#[test]
fn shapes_keep_their_promises() {
    let pool = pool(6);
    for (threat, size) in [
        (Threat::Moderate, 4),
        (Threat::Severe, 4),
        (Threat::Extreme, 5),
        (Threat::Low, 6),
    ] {
        for shape in Shape::ALL {
            let level = 7;
            let Ok(generated) = generate(&request(level, size, threat, Some(shape), 5, 9), &pool)
            else {
                continue;
            };
            assert_all_in_band(&generated, threat);
            for encounter in &generated.encounters {
                let members = &encounter.members;
                let tokens = encounter.uuids.len();
                assert_eq!(encounter.shape, shape);
                match shape {
                    Shape::SoloBoss => assert_eq!(tokens, 1),
                    Shape::MatedPair => assert!(members.len() == 1 && members[0].count == 2),
                    Shape::ElitePair => {
                        assert!(
                            members.len() == 2
                                && members[0].level == members[1].level
                                && members[0].level >= level
                        )
                    }
                    Shape::Troop => assert!(tokens >= 3 && members.iter().all(|m| m.level < level)),
                    Shape::BossAndLackeys => {
                        let boss = &members[0];
                        assert!(boss.count == 1 && boss.level >= level && tokens >= 3);
                        assert!(members[1..].iter().all(|m| m.level <= boss.level - 3));
                    }
                    Shape::Mixed => {
                        assert!(tokens >= 2);
                        assert!(members.iter().any(|m| m.level != members[0].level));
                    }
                }
            }
        }
    }
    // Solo bosses for a party of four at moderate threat are party level + 2 (80 XP).
    let solo = generate(
        &request(7, 4, Threat::Moderate, Some(Shape::SoloBoss), 3, 1),
        &pool,
    )
    .unwrap();
    assert!(solo.encounters.iter().all(|e| e.members[0].level == 9));
}

#[test]
fn filters_and_hazards_are_honoured() {
    let pool = pool(8);
    let mut ask = request(5, 4, Threat::Moderate, None, 10, 3);
    ask.include_traits = vec!["Undead".into(), "fiend".into()];
    ask.exclude_traits = vec!["fiend".into()];
    ask.max_rarity = Some(Rarity::Uncommon);
    let generated = generate(&ask, &pool).unwrap();
    for encounter in &generated.encounters {
        for member in &encounter.members {
            let entry = pool.iter().find(|e| e.uuid == member.uuid).unwrap();
            assert!(
                entry.traits.contains(&"undead".to_string()) && entry.rarity <= Rarity::Uncommon
            );
        }
    }
    let mut hazards = request(5, 4, Threat::Severe, Some(Shape::Mixed), 40, 4);
    hazards.allow_hazards = true;
    let generated = generate(&hazards, &pool).unwrap();
    assert_all_in_band(&generated, Threat::Severe);
    assert!(generated
        .encounters
        .iter()
        .any(|e| e.members.iter().any(|m| m.kind.is_hazard())));
    let without = generate(
        &request(5, 4, Threat::Severe, Some(Shape::Mixed), 40, 4),
        &pool,
    )
    .unwrap();
    assert!(without
        .encounters
        .iter()
        .all(|e| e.members.iter().all(|m| !m.kind.is_hazard())));
}

#[test]
fn proficiency_without_level_uses_the_variant_table() {
    let pool = pool(6);
    let mut ask = request(10, 4, Threat::Moderate, None, 10, 5);
    ask.proficiency_without_level = true;
    let generated = generate(&ask, &pool).unwrap();
    assert_all_in_band(&generated, Threat::Moderate);
    assert!(generated
        .encounters
        .iter()
        .flat_map(|e| &e.members)
        .any(|m| (m.level - 10).abs() > 4
            || ![10, 15, 20, 30, 40, 60, 80, 120, 160].contains(&m.xp_each)));
}

#[test]
fn impossible_requests_say_what_to_relax() {
    let pool = pool(2);
    assert_eq!(
        generate(&request(5, 4, Threat::Low, None, 1, 0), &[]),
        Err(GenerateError::EmptyPool)
    );
    let mut none = request(5, 4, Threat::Low, None, 1, 0);
    none.include_traits = vec!["dragon".into()];
    assert!(matches!(
        generate(&none, &pool),
        Err(GenerateError::NothingPassesFilters { .. })
    ));
    let far: Vec<PoolEntry> = pool.iter().filter(|e| e.level > 20).cloned().collect();
    let error = generate(&request(5, 4, Threat::Low, None, 1, 0), &far).unwrap_err();
    assert!(error.to_string().contains("levels 1 to 9"), "{error}");
    let mut tight = request(5, 4, Threat::Moderate, Some(Shape::Troop), 1, 0);
    tight.max_creatures = Some(2);
    let error = generate(&tight, &pool).unwrap_err();
    assert!(matches!(error, GenerateError::NothingFits { .. }));
    assert!(
        error.to_string().contains("allow more than 2 creatures"),
        "{error}"
    );
    let one_level: Vec<PoolEntry> = pool
        .iter()
        .filter(|e| e.level == 5 && e.kind == EntityKind::Creature)
        .cloned()
        .collect();
    let error = generate(
        &request(5, 4, Threat::Moderate, Some(Shape::Mixed), 1, 0),
        &one_level,
    )
    .unwrap_err();
    assert!(error.to_string().contains("mixed"), "{error}");
    let mut many = request(5, 4, Threat::Moderate, None, 0, 0);
    assert!(matches!(
        generate(&many, &pool),
        Err(GenerateError::CountOutOfRange { .. })
    ));
    many.count = Some(1);
    many.max_creatures = Some(500);
    assert!(matches!(
        generate(&many, &pool),
        Err(GenerateError::MaxCreaturesOutOfRange { .. })
    ));
    let bad_party = request(0, 4, Threat::Moderate, None, 1, 0);
    assert!(matches!(
        generate(&bad_party, &pool),
        Err(GenerateError::Input(_))
    ));
}

#[test]
fn small_pools_return_fewer_encounters_with_a_note() {
    let pool: Vec<PoolEntry> = pool(1)
        .into_iter()
        .filter(|e| e.level == 7 && e.kind == EntityKind::Creature)
        .collect();
    let generated = generate(
        &request(5, 4, Threat::Moderate, Some(Shape::SoloBoss), 5, 0),
        &pool,
    )
    .unwrap();
    assert_eq!(generated.encounters.len(), 1);
    assert_eq!(generated.notes.len(), 1);
}

#[test]
fn generates_from_the_real_bestiary() {
    let Some(path) = common::shared_file("bestiary.jsonl") else {
        return;
    };
    let (pool, skipped) = pool_from_jsonl(&std::fs::read_to_string(path).unwrap());
    assert!(
        pool.len() > 1500,
        "{} entries, {skipped} skipped",
        pool.len()
    );
    for threat in Threat::ALL {
        for (level, size) in [(1, 4), (5, 3), (12, 6), (20, 4)] {
            let mut ask = request(level, size, threat, None, 10, 7);
            ask.allow_hazards = true;
            let generated = generate(&ask, &pool).unwrap();
            assert_eq!(generated.encounters.len(), 10, "{threat} L{level}");
            assert_all_in_band(&generated, threat);
            for uuid in generated.encounters.iter().flat_map(|e| &e.uuids) {
                assert!(uuid.starts_with("Compendium.pf2e."), "{uuid}");
            }
        }
    }
}

/// The v8 sample's actors as the generator reads them, checked against the raw JSON.
fn v8_pool() -> Option<Vec<PoolEntry>> {
    let path = common::shared_file("v8/bestiary.jsonl")?;
    let text = std::fs::read_to_string(path).unwrap();
    let (pool, skipped) = pool_from_jsonl(&text);
    assert_eq!(skipped, 0, "every v8 line is an NPC or a hazard");
    for (line, entry) in text.lines().zip(&pool) {
        let raw: serde_json::Value = serde_json::from_str(line).unwrap();
        let system = &raw["system"];
        assert_eq!(entry.uuid, raw["uuid"].as_str().unwrap());
        assert_eq!(
            i64::from(entry.level),
            system["details"]["level"]["value"].as_i64().unwrap()
        );
        assert_eq!(
            entry.size.as_deref(),
            system["traits"]["size"]["value"].as_str()
        );
        assert_eq!(
            Some(format!("{:?}", entry.rarity).to_lowercase().as_str()),
            system["traits"]["rarity"].as_str()
        );
        assert_eq!(entry.traits, common::strings(&system["traits"]["value"]));
        let expected = match (
            raw["type"].as_str().unwrap(),
            system["details"]["isComplex"].as_bool(),
        ) {
            ("npc", _) => EntityKind::Creature,
            ("hazard", Some(true)) => EntityKind::ComplexHazard,
            _ => EntityKind::SimpleHazard,
        };
        assert_eq!(entry.kind, expected, "{}", entry.name);
    }
    Some(pool)
}

#[test]
fn reads_and_generates_from_the_pf2e_8_packs() {
    let Some(pool) = v8_pool() else {
        return;
    };
    let count = |kind| pool.iter().filter(|e| e.kind == kind).count();
    assert_eq!(
        (
            count(EntityKind::Creature),
            count(EntityKind::SimpleHazard),
            count(EntityKind::ComplexHazard)
        ),
        (57, 3, 3)
    );
    assert!(pool
        .iter()
        .any(|e| e.uuid.starts_with("Compendium.pf2e.pathfinder-npc-core.")));
    let mut hazards_used = false;
    for threat in Threat::ALL {
        for (level, size) in [(1, 4), (5, 3), (12, 6), (20, 4)] {
            let mut ask = request(level, size, threat, None, 10, 7);
            ask.allow_hazards = true;
            let generated = generate(&ask, &pool).unwrap();
            assert!(!generated.encounters.is_empty(), "{threat} L{level}");
            assert_all_in_band(&generated, threat);
            hazards_used |= generated
                .encounters
                .iter()
                .any(|e| e.members.iter().any(|m| m.kind.is_hazard()));
            for uuid in generated.encounters.iter().flat_map(|e| &e.uuids) {
                assert!(uuid.starts_with("Compendium.pf2e."), "{uuid}");
            }
        }
    }
    assert!(hazards_used, "the v8 hazards join encounters");
}

/// `familiar bench-encounter`'s statistics: 10,000 encounters per threat over party levels 1–20 × sizes 1–8.
/// Every generated encounter lands in band, and every refused request is one the rules make impossible.
fn statistics_hold(pool: &[PoolEntry], name: &str, min_generated: usize) {
    println!("{name}: {} entries", pool.len());
    for threat in Threat::ALL {
        let stats = threat_stats(pool, threat, 10_000, 10, 1);
        println!(
            "{threat}: {} of {} generated, {:.2} % exact, mean |XP - budget| {:.3}, {} refused ({} impossible), \
             {} short requests, creatures {:?}",
            stats.generated,
            stats.requested,
            100.0 * stats.share(stats.exact),
            stats.mean_abs_difference(),
            stats.refused_requests,
            stats.refused_impossible,
            stats.short_requests,
            stats.creature_counts,
        );
        assert_eq!(stats.requested, 10_000);
        assert_eq!(stats.in_band, stats.generated, "{name} {threat}");
        assert_eq!(stats.distinct, stats.generated, "{name} {threat}");
        assert_eq!(
            stats.refused_requests, stats.refused_impossible,
            "{name} {threat}"
        );
        assert_eq!(stats.short_without_note, 0, "{name} {threat}");
        assert!(
            stats.generated >= min_generated,
            "{name} {threat}: {stats:?}"
        );
    }
}

#[test]
fn the_ten_thousand_encounter_statistics_hold_on_the_2021_bestiary() {
    let Some(path) = common::shared_file("bestiary.jsonl") else {
        return;
    };
    let (pool, _) = pool_from_jsonl(&std::fs::read_to_string(path).unwrap());
    // BENCHMARKS.md: 9,860 of 10,000 at trivial, where 14 requests are impossible by the rules.
    statistics_hold(&pool, "2021 bestiary", 9_800);
}

#[test]
fn the_ten_thousand_encounter_statistics_hold_on_the_pf2e_8_pool() {
    let Some(pool) = v8_pool() else {
        return;
    };
    // 57 creatures (one or two a level above 10) hold fewer distinct encounters than 10 a request for some
    // parties: those requests come back short with a note. Measured: 7,980 (trivial) to 9,805 (extreme).
    statistics_hold(&pool, "pf2e 8 sample", 7_900);
}
