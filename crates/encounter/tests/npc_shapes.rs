//! The NPC document per pf2e release: where each field lives for 4.12.1, 5.16.1, 6.12.2, 7.4.1 and 8.0.0 (pure,
//! no reference data), and the pf2e 8 document held against the real pf2e 8 NPCs in
//! `../shared/pf2e/v8/bestiary.jsonl` key by key, the pf2e 4 document against the 2021 bestiary (both skipped
//! when the data is absent). Where a sample's stored source and the system's data model disagree, the data
//! model wins and the difference is listed here with where it was read.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use familiar_encounter::builder::{build_creature, BuildRequest, NpcShape, Pf2eVersion};
use familiar_encounter::BuildError;
use serde_json::{json, Value};

const HARNESS: [&str; 5] = ["4.12.1", "5.16.1", "6.12.2", "7.4.1", "8.0.0"];

fn request(version: &str, roadmap: &str) -> BuildRequest {
    BuildRequest {
        level: 5.0,
        roadmap: roadmap.into(),
        seed: 7,
        pf2e_version: Some(version.into()),
        traits: Some(vec!["animal".into()]),
        senses: vec![
            "low-light-vision".parse().unwrap(),
            "scent:imprecise:30".parse().unwrap(),
        ],
        immunities: vec!["poison".into()],
        weaknesses: vec!["cold-iron:5".parse().unwrap()],
        resistances: vec!["fire:5".parse().unwrap()],
        languages: vec!["common".into()],
        speeds: vec!["swim:20".parse().unwrap()],
        ..BuildRequest::default()
    }
}

fn actor(version: &str, roadmap: &str) -> Value {
    build_creature(&request(version, roadmap)).unwrap().actor
}

fn items<'a>(actor: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    actor["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |item| item["type"] == kind)
}

#[test]
fn every_release_keeps_perception_senses_and_languages_where_it_reads_them() {
    for version in HARNESS {
        let actor = actor(version, "brute");
        let system = &actor["system"];
        if version == "4.12.1" {
            assert!(system["attributes"]["perception"]["value"].is_number());
            assert_eq!(
                system["attributes"]["initiative"],
                json!({"statistic": "perception"})
            );
            assert_eq!(
                system["traits"]["senses"]["value"],
                "low-light vision, scent (imprecise) 30 feet"
            );
            assert_eq!(system["traits"]["languages"]["value"], json!(["common"]));
            assert_eq!(system["details"]["alignment"]["value"], "N");
            assert!(system["details"]["source"]["value"].is_string());
            for moved in ["perception", "initiative", "skills"] {
                assert!(system.get(moved).is_none(), "{version}: {moved}");
            }
            assert!(system["details"].get("publication").is_none());
        } else {
            assert!(system["perception"]["mod"].is_number(), "{version}");
            assert_eq!(
                system["perception"]["senses"],
                json!([{"type": "low-light-vision"}, {"type": "scent", "acuity": "imprecise", "range": 30}]),
                "{version}"
            );
            assert_eq!(system["initiative"], json!({"statistic": "perception"}));
            assert_eq!(
                system["details"]["languages"],
                json!({"value": ["common"], "details": ""})
            );
            assert_eq!(system["details"]["publication"]["license"], "ORC");
            for moved in ["perception", "initiative"] {
                assert!(
                    system["attributes"].get(moved).is_none(),
                    "{version}: {moved}"
                );
            }
            for moved in ["senses", "languages"] {
                assert!(system["traits"].get(moved).is_none(), "{version}: {moved}");
            }
            assert!(system["details"].get("alignment").is_none());
        }
        // The same in every release, 8 included: migration 943 moves no NPC speed to `movement.speeds`.
        assert_eq!(
            system["attributes"]["speed"]["otherSpeeds"],
            json!([{"type": "swim", "value": 20}])
        );
        assert!(system["attributes"]["speed"]["value"].is_number());
        assert!(system.get("movement").is_none());
        assert_eq!(
            system["attributes"]["immunities"],
            json!([{"type": "poison"}])
        );
        assert_eq!(
            system["attributes"]["weaknesses"],
            json!([{"type": "cold-iron", "value": 5}])
        );
        assert_eq!(
            system["attributes"]["resistances"],
            json!([{"type": "fire", "value": 5}])
        );
        assert_eq!(system["traits"]["size"]["value"], "med");
        assert_eq!(system["traits"]["rarity"], "common");
        assert!(system["saves"]["reflex"]["value"].is_number());
        assert!(system["abilities"]["str"]["mod"].is_number());
        assert!(system["details"]["level"]["value"].is_number());
    }
}

#[test]
fn skills_are_lore_items_before_6_1_and_system_data_after() {
    for version in HARNESS {
        let actor = actor(version, "brute");
        let lores: Vec<&Value> = items(&actor, "lore").collect();
        let skills = &actor["system"]["skills"];
        if ["4.12.1", "5.16.1"].contains(&version) {
            assert!(skills.is_null(), "{version}");
            assert!(lores
                .iter()
                .any(|l| l["name"] == "Athletics" && l["system"]["mod"]["value"].is_number()));
        } else {
            assert!(lores.is_empty(), "{version}");
            assert!(skills["athletics"]["base"].is_number(), "{version}");
        }
    }
}

#[test]
fn strikes_carry_range_traits_before_8_and_range_data_from_8() {
    for version in HARNESS {
        let actor = actor(version, "sniper");
        let strikes: Vec<&Value> = items(&actor, "melee").collect();
        let ranged = strikes
            .iter()
            .find(|s| {
                s["system"]["range"].is_object() || s["system"]["weaponType"]["value"] == "ranged"
            })
            .unwrap_or_else(|| panic!("{version}: a ranged strike"));
        let system = &ranged["system"];
        let traits = common::strings(&system["traits"]["value"]);
        let roll = system["damageRolls"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        assert!(roll["damage"].is_string() && roll["damageType"].is_string());
        if version == "8.0.0" {
            assert!(system["range"]["increment"].is_number(), "{system}");
            assert!(system["range"]["max"].is_null());
            assert!(traits.iter().all(|t| !t.starts_with("range")), "{traits:?}");
            for gone in ["weaponType", "attack"] {
                assert!(system.get(gone).is_none(), "{gone}");
            }
            let melee = strikes.iter().find(|s| s["system"]["range"].is_null());
            assert!(melee.is_some(), "a sniper's backup strike is melee");
        } else {
            assert!(
                traits.iter().any(|t| t.starts_with("range-increment-")),
                "{traits:?}"
            );
            assert!(system.get("range").is_none());
            assert_eq!(system["attack"]["value"], "");
        }
    }
}

#[test]
fn the_default_is_the_newest_release_and_bad_versions_are_refused() {
    let mut ask = request("8.0.0", "brute");
    ask.pf2e_version = None;
    let built = build_creature(&ask).unwrap();
    assert_eq!(built.shape, NpcShape::for_version(Pf2eVersion::NEWEST));
    assert_eq!(built.actor, actor("8.0.0", "brute"));
    assert_eq!(
        built.actor["flags"]["pf2e-familiar"]["builder"]["pf2e"],
        "8.0.0"
    );
    ask.pf2e_version = Some("eight".into());
    assert!(matches!(
        build_creature(&ask),
        Err(BuildError::Malformed { .. })
    ));
    ask.pf2e_version = Some("2.0.0".into());
    assert!(matches!(
        build_creature(&ask),
        Err(BuildError::UnsupportedPf2eVersion { .. })
    ));
    ask.pf2e_version = Some("9.1.0".into());
    assert_eq!(
        build_creature(&ask).unwrap().actor["system"],
        actor("8.0.0", "brute")["system"]
    );
    let mut land = request("8.0.0", "brute");
    land.speeds = vec!["land:30".parse().unwrap()];
    assert!(build_creature(&land).is_err());
}

/// The groups the issue names, each a set of path prefixes under the actor.
const GROUPS: [(&str, &[&str]); 10] = [
    ("perception and senses", &["system.perception"]),
    ("initiative", &["system.initiative"]),
    ("saves", &["system.saves", "system.attributes.allSaves"]),
    (
        "attributes",
        &[
            "system.abilities",
            "system.attributes.ac",
            "system.attributes.hp",
            "system.details.level",
        ],
    ),
    (
        "immunities, weaknesses, resistances",
        &[
            "system.attributes.immunities",
            "system.attributes.weaknesses",
            "system.attributes.resistances",
        ],
    ),
    ("traits and size", &["system.traits"]),
    ("speeds", &["system.attributes.speed", "system.movement"]),
    ("skills", &["system.skills"]),
    ("languages", &["system.details.languages"]),
    ("publication", &["system.details.publication"]),
];

/// Record-like objects whose keys are ids or slugs.
const MAPS: [&str; 2] = ["damageRolls", "skills"];

fn in_group(path: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        path == *p || path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}["))
    })
}

fn read_actors(name: &str) -> Option<Vec<Value>> {
    let path = common::shared_file(name)?;
    let text = std::fs::read_to_string(path).unwrap();
    Some(
        text.lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|actor| actor["type"] == "npc")
            .collect(),
    )
}

/// How often each typed path occurs across documents (a path counts once a document).
fn frequencies<'a>(
    docs: impl Iterator<Item = &'a Value>,
    prefix: &str,
) -> (BTreeMap<(String, &'static str), usize>, usize) {
    let mut counts = BTreeMap::new();
    let mut total = 0;
    for doc in docs {
        total += 1;
        for path in common::typed_paths(doc, prefix, &MAPS) {
            *counts.entry(path).or_insert(0) += 1;
        }
    }
    (counts, total)
}

/// Fails on our paths that no real document has (but for [`V8_DATA_MODEL_WINS`]), and on real paths that at
/// least 80 % of them share but ours lacks.
fn assert_like_v8(
    what: &str,
    ours: &BTreeSet<(String, &'static str)>,
    real: &BTreeMap<(String, &'static str), usize>,
    total: usize,
    keep: impl Fn(&str) -> bool,
) {
    // An empty array stands for any content: `traits.value: array` matches `traits.value[]: string`.
    let has_elements = |array: &str| {
        real.keys()
            .any(|(p, _)| p.starts_with(&format!("{array}[]")))
    };
    let extra: Vec<String> = ours
        .iter()
        .filter(|(path, _)| keep(path))
        .filter(|path| !real.contains_key(*path))
        .filter(|(path, kind)| !(*kind == "array" && has_elements(path)))
        .map(|(path, kind)| format!("{path}: {kind}"))
        .collect();
    let missing: Vec<String> = real
        .iter()
        .filter(|((path, _), count)| keep(path) && **count * 5 >= total * 4)
        .filter(|(path, _)| !ours.contains(*path))
        .filter(|((path, _), _)| {
            let array = path.split("[]").next().unwrap_or_default();
            !(path.contains("[]") && ours.contains(&(array.to_string(), "array")))
        })
        .map(|((path, kind), count)| format!("{path}: {kind} ({count}/{total})"))
        .collect();
    let extra: Vec<String> = extra
        .into_iter()
        .filter(|e: &String| !V8_DATA_MODEL_WINS.iter().any(|(path, _)| e.ends_with(path)))
        .collect();
    assert!(
        extra.is_empty(),
        "{what}: ours has {extra:?}, no v8 document has"
    );
    assert!(
        missing.is_empty(),
        "{what}: v8 documents share {missing:?}, ours lacks"
    );
}

/// Where the pf2e 8.0 data model and the v8 sample's stored source disagree; the data model wins.
const V8_DATA_MODEL_WINS: [(&str, &str); 4] = [
    // `NPCPerceptionSource` declares `vision: boolean` (src/module/actor/npc/data.ts); pack JSON leaves it out.
    (
        "system.perception.vision: boolean",
        "NPCPerceptionSource.vision",
    ),
    // `NPCAttributesSource.adjustment: "elite" | "weak" | null`; pack JSON leaves the null out.
    (
        "system.attributes.adjustment: null",
        "NPCAttributesSource.adjustment",
    ),
    // `PublicationData {title, authors, license, remaster}` (src/module/data.ts); pack JSON has no authors.
    (
        "system.details.publication.authors: string",
        "PublicationData.authors",
    ),
    // The same `PublicationData` on items (`ItemSystemSchema.publication`).
    (
        ".publication.authors: string",
        "PublicationData.authors on items",
    ),
];

#[test]
fn the_pf2e_8_npc_matches_the_real_v8_npcs_key_by_key() {
    let Some(real) = read_actors("v8/bestiary.jsonl") else {
        return;
    };
    assert!(real.len() >= 50, "{} NPCs", real.len());
    let ours = actor("8.0.0", "sniper");
    let our_paths = common::typed_paths(&ours, "", &MAPS);
    let (counts, total) = frequencies(real.iter(), "");
    for (group, prefixes) in GROUPS {
        let compared = our_paths
            .iter()
            .filter(|(p, _)| in_group(p.trim_start_matches('.'), prefixes))
            .count();
        assert!(compared > 0, "{group}: nothing compared");
        assert_like_v8(group, &our_paths, &counts, total, |path| {
            in_group(path.trim_start_matches('.'), prefixes)
        });
    }
    // The exceptions are real: the sample lacks them, the builder writes them.
    for (path, _) in V8_DATA_MODEL_WINS {
        assert!(
            our_paths
                .iter()
                .any(|(p, k)| format!("{p}: {k}").ends_with(path)),
            "{path}"
        );
    }

    // Strikes: every `melee` item's `system`, record keys collapsed (`damageRolls.*.damage`).
    let real_strikes: Vec<&Value> = real
        .iter()
        .flat_map(|a| a["items"].as_array().unwrap())
        .filter(|i| i["type"] == "melee")
        .map(|i| &i["system"])
        .collect();
    let (counts, total) = frequencies(real_strikes.iter().copied(), "");
    let mut ours_strikes = BTreeSet::new();
    for strike in items(&ours, "melee") {
        ours_strikes.extend(common::typed_paths(&strike["system"], "", &MAPS));
    }
    assert_like_v8("strikes", &ours_strikes, &counts, total, |_| true);
    assert!(ours_strikes.contains(&(".range.increment".into(), "number")));
    assert!(ours_strikes.contains(&(".range".into(), "null")));

    // Elements of the arrays: each of our element key sets is one the real documents use.
    let element_keys = |doc: &Value, pointer: &str| -> BTreeSet<Vec<String>> {
        doc.pointer(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| e.as_object().unwrap().keys().cloned().collect())
            .collect()
    };
    for pointer in [
        "/system/perception/senses",
        "/system/attributes/immunities",
        "/system/attributes/weaknesses",
        "/system/attributes/resistances",
        "/system/attributes/speed/otherSpeeds",
    ] {
        let real_sets: BTreeSet<Vec<String>> =
            real.iter().flat_map(|a| element_keys(a, pointer)).collect();
        let our_sets = element_keys(&ours, pointer);
        assert!(!our_sets.is_empty(), "{pointer}");
        assert!(
            our_sets.is_subset(&real_sets),
            "{pointer}: ours {our_sets:?}, real {real_sets:?}"
        );
    }
}

/// Where pf2e 4.x's data model and the 2021 bestiary (schema 0.691, converted for today's Foundry) disagree;
/// the data model wins.
const V4_DATA_MODEL_WINS: [&str; 8] = [
    // 4.x `NPCAttributesSource.perception: {value}`; the 2021 lines carry `system.perception.mod` (converted).
    ".system.attributes.perception.value: number",
    // 4.x `CreatureInitiativeSource {statistic}` under `attributes`; the 2021 lines have `{ability: "perception"}`.
    ".system.attributes.initiative.statistic: string",
    // 4.x `ActorAttributesSource.immunities/weaknesses/resistances`; the 2021 lines keep `traits.di/dr/dv`.
    ".system.attributes.immunities[].type: string",
    ".system.attributes.weaknesses[].",
    ".system.attributes.resistances[].",
    // 4.x `NPCAttributesSource.adjustment` (null unless elite or weak).
    ".system.attributes.adjustment: null",
    // 4.x `LabeledSpeed.value: number`; the 2021 lines store "15 feet".
    ".system.attributes.speed.otherSpeeds[].value: number",
    // 4.x `NPCAttributesSource.speed.details: string`; the 2021 lines have no details.
    ".system.attributes.speed.details: string",
];

#[test]
fn the_pf2e_4_npc_matches_the_2021_bestiary_where_the_data_model_agrees() {
    let Some(real) = read_actors("bestiary.jsonl") else {
        return;
    };
    let ours = actor("4.12.1", "brute");
    let our_paths = common::typed_paths(&ours["system"], ".system", &MAPS);
    let (counts, _) = frequencies(real.iter().map(|a| &a["system"]), ".system");
    let extra: Vec<String> = our_paths
        .iter()
        .filter(|path| !counts.contains_key(*path))
        .map(|(path, kind)| format!("{path}: {kind}"))
        .filter(|e| !V4_DATA_MODEL_WINS.iter().any(|w| e.starts_with(w)))
        .collect();
    assert!(extra.is_empty(), "ours has {extra:?}, no 2021 NPC has");
    for lore in items(&ours, "lore") {
        assert!(lore["system"]["mod"]["value"].is_number());
    }
    let strike = items(&ours, "melee").next().unwrap();
    for key in [
        "attack",
        "weaponType",
        "bonus",
        "damageRolls",
        "attackEffects",
        "traits",
    ] {
        assert!(strike["system"].get(key).is_some(), "{key}");
    }
}
