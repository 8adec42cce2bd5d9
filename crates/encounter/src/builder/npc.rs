//! The pf2e NPC source document that `Actor.create` accepts (`NPCSource` in the system's `actor/npc/data.ts`),
//! written in the shape of the pf2e release that will receive it ([`NpcShape`]): base statistics in `system`,
//! strikes as `melee` items, a `spellcastingEntry` item for casters. Elite and weak creatures carry
//! `attributes.adjustment` and keep base numbers, so the system applies the adjustment itself.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::creature::{Creature, SpellStats, Strike};
use super::features::Features;
use super::shape::{DetailsAt, NpcShape, PerceptionAt, SkillsAt, StrikeShape};
const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A Foundry-style 16-character id from the seeded generator, so the same seed gives the same document.
pub fn foundry_id(rng: &mut StdRng) -> String {
    (0..16)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect()
}

pub fn actor_source(
    creature: &Creature,
    features: &Features,
    shape: NpcShape,
    rng: &mut StdRng,
) -> Value {
    let abilities: Map<String, Value> = creature
        .abilities
        .iter()
        .map(|stat| (stat.ability.key().to_string(), json!({ "mod": stat.value })))
        .collect();
    // The system clamps current HP to the adjusted maximum, so start at the adjusted maximum.
    let current_hp = creature
        .adjusted
        .as_ref()
        .map_or(creature.hp.value, |a| a.hp);
    let mut system = json!({
        "abilities": abilities,
        "attributes": {
            "ac": { "value": creature.ac.value, "details": "" },
            "hp": { "value": current_hp, "max": creature.hp.value, "temp": 0, "details": "" },
            "speed": { "value": creature.speed, "otherSpeeds": features.speeds, "details": "" },
            "allSaves": { "value": "" },
            "adjustment": creature.adjustment.map(|a| a.key()),
            "immunities": features.immunities.iter().map(|kind| json!({ "type": kind })).collect::<Vec<_>>(),
            "weaknesses": features.weaknesses,
            "resistances": features.resistances,
        },
        "saves": {
            "fortitude": { "value": creature.fortitude.value, "saveDetail": "" },
            "reflex": { "value": creature.reflex.value, "saveDetail": "" },
            "will": { "value": creature.will.value, "saveDetail": "" },
        },
        "details": {
            "level": { "value": creature.level },
            "blurb": "",
            "publicNotes": "",
            "privateNotes": "",
        },
        "traits": { "value": features.traits, "rarity": "common", "size": { "value": features.size } },
        "resources": {},
    });
    place_perception(&mut system, creature, features, shape.perception);
    place_details(&mut system, shape.details);
    let mut items: Vec<Value> = Vec::new();
    match shape.skills {
        SkillsAt::SystemSkills => {
            let skills: Map<String, Value> = creature
                .skills
                .iter()
                .map(|stat| (stat.skill.to_string(), json!({ "base": stat.value })))
                .collect();
            system["skills"] = Value::Object(skills);
        }
        SkillsAt::LoreItems => items.extend(creature.skills.iter().map(|stat| {
            embedded(
                &title_case(stat.skill),
                "lore",
                json!({ "mod": { "value": stat.value }, "proficient": { "value": 0 } }),
                shape.details,
            )
        })),
    }
    items.extend(
        creature
            .strikes
            .iter()
            .map(|strike| melee_item(strike, shape, rng)),
    );
    if let Some(spells) = &creature.spellcasting {
        items.push(spellcasting_item(spells, shape.details));
    }
    json!({
        "name": creature.name,
        "type": "npc",
        "img": "systems/pf2e/icons/default-icons/npc.svg",
        "system": system,
        "items": items,
        "prototypeToken": { "name": creature.name, "disposition": -1 },
        "flags": {
            "pf2e-familiar": {
                "builder": {
                    "roadmap": creature.roadmap,
                    "seed": creature.seed,
                    "level": creature.level,
                    "pf2e": shape.since.to_string(),
                }
            }
        },
    })
}

/// Perception, initiative, senses and languages.
fn place_perception(
    system: &mut Value,
    creature: &Creature,
    features: &Features,
    at: PerceptionAt,
) {
    let perception = creature.perception.value;
    match at {
        PerceptionAt::Attributes => {
            let senses: Vec<String> = features.senses.iter().map(|s| s.legacy_text()).collect();
            system["attributes"]["perception"] = json!({ "value": perception });
            system["attributes"]["initiative"] = json!({ "statistic": "perception" });
            system["traits"]["senses"] = json!({ "value": senses.join(", ") });
            system["traits"]["languages"] =
                json!({ "value": features.languages, "selected": [], "custom": "" });
        }
        PerceptionAt::TopLevel => {
            system["perception"] = json!({ "mod": perception, "details": "", "senses": features.senses, "vision": true });
            system["initiative"] = json!({ "statistic": "perception" });
            system["details"]["languages"] = json!({ "value": features.languages, "details": "" });
        }
    }
}

/// The book the creature comes from, and (before the remaster) its alignment.
fn place_details(system: &mut Value, at: DetailsAt) {
    let details = &mut system["details"];
    let (key, book) = book(at);
    details[key] = book;
    if at == DetailsAt::SourceAndAlignment {
        details["alignment"] = json!({ "value": "N" });
        details["creatureType"] = json!("");
    }
}

/// Where a document names its book: `source` before the publication data, `publication` after (actors keep it
/// under `details`, items directly in `system`). A built creature comes from no book.
fn book(at: DetailsAt) -> (&'static str, Value) {
    match at {
        DetailsAt::SourceAndAlignment => ("source", json!({ "value": "" })),
        DetailsAt::Publication => (
            "publication",
            json!({ "title": "", "authors": "", "license": "ORC", "remaster": true }),
        ),
    }
}

fn title_case(slug: &str) -> String {
    let mut title = slug.replace('-', " ");
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    title
}

/// `range-increment-N` / `range-N` traits as the NPC-attack data model's `{increment, max}`.
fn range_data(traits: &[&str]) -> Option<Value> {
    traits.iter().find_map(|trait_| {
        let feet = |prefix: &str| trait_.strip_prefix(prefix)?.parse::<u32>().ok();
        feet("range-increment-")
            .map(|increment| json!({ "increment": increment, "max": null }))
            .or_else(|| feet("range-").map(|max| json!({ "increment": null, "max": max })))
    })
}

fn is_range_trait(trait_: &str) -> bool {
    range_data(&[trait_]).is_some()
}

fn melee_item(strike: &Strike, shape: NpcShape, rng: &mut StdRng) -> Value {
    let damage_id = foundry_id(rng);
    let mut system = json!({
        "bonus": { "value": strike.attack.value },
        "damageRolls": {
            damage_id: { "damage": strike.damage, "damageType": strike.damage_type }
        },
        "attackEffects": { "value": [] },
    });
    match shape.strikes {
        StrikeShape::WeaponTypeAndRangeTraits => {
            system["traits"] = json!({ "value": strike.traits });
            system["attack"] = json!({ "value": "" });
            system["weaponType"] =
                json!({ "value": if strike.ranged { "ranged" } else { "melee" } });
        }
        StrikeShape::RangeData => {
            let traits: Vec<&str> = strike
                .traits
                .iter()
                .copied()
                .filter(|t| !is_range_trait(t))
                .collect();
            system["traits"] = json!({ "value": traits });
            system["range"] = range_data(&strike.traits).unwrap_or(Value::Null);
        }
    }
    embedded(strike.name, "melee", system, shape.details)
}

/// An embedded item: the fields every pf2e item's `system` has, its book where the release keeps it, then the
/// type's own fields (`own`, an object, wins over the defaults).
fn embedded(name: &str, kind: &str, own: Value, at: DetailsAt) -> Value {
    let (book_key, book) = book(at);
    let mut system = json!({
        "description": { "value": "" },
        "rules": [],
        "slug": null,
        "traits": { "value": [] },
        book_key: book,
    });
    if let (Some(system), Value::Object(own)) = (system.as_object_mut(), own) {
        system.extend(own);
    }
    json!({
        "name": name,
        "type": kind,
        "img": format!("systems/pf2e/icons/default-icons/{kind}.svg"),
        "system": system,
    })
}

fn spellcasting_item(spells: &SpellStats, at: DetailsAt) -> Value {
    let tradition = spells.tradition.key();
    let casting = spells.casting.key();
    let mut slots = Map::new();
    for rank in 0..=10 {
        // Cantrips: five; each rank up to the highest: three slots, as the GMG's sample casters have.
        let max = match (spells.casting, rank) {
            (super::roadmaps::Casting::Innate, _) => 0,
            (_, 0) => 5,
            (_, rank) if rank <= spells.max_rank => 3,
            _ => 0,
        };
        slots.insert(
            format!("slot{rank}"),
            json!({ "max": max, "value": max, "prepared": [] }),
        );
    }
    embedded(
        &format!("{} {} Spells", title_case(tradition), title_case(casting)),
        "spellcastingEntry",
        json!({
            "ability": { "value": spells.ability.key() },
            "spelldc": { "value": spells.attack, "dc": spells.dc.value },
            "tradition": { "value": tradition },
            "prepared": { "value": casting },
            "showSlotlessLevels": { "value": false },
            "proficiency": { "value": 1 },
            "slots": slots,
            "autoHeightenLevel": { "value": null },
        }),
        at,
    )
}
