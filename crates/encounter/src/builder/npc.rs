//! The pf2e NPC source document (`NPCSource` in the system's `actor/npc/data.ts`) that `Actor.create` accepts:
//! base statistics in `system`, strikes as `melee` items, a `spellcastingEntry` item for casters. Elite and weak
//! creatures carry `attributes.adjustment` and keep base numbers, so the system applies the adjustment itself.

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::creature::{Creature, SpellStats, Strike};

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A Foundry-style 16-character id from the seeded generator, so the same seed gives the same document.
pub fn foundry_id(rng: &mut StdRng) -> String {
    (0..16)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect()
}

pub fn actor_source(creature: &Creature, traits: &[String], size: &str, rng: &mut StdRng) -> Value {
    let abilities: Map<String, Value> = creature
        .abilities
        .iter()
        .map(|stat| (stat.ability.key().to_string(), json!({ "mod": stat.value })))
        .collect();
    let skills: Map<String, Value> = creature
        .skills
        .iter()
        .map(|stat| (stat.skill.to_string(), json!({ "base": stat.value })))
        .collect();
    // The system clamps current HP to the adjusted maximum, so start at the adjusted maximum.
    let current_hp = creature
        .adjusted
        .as_ref()
        .map_or(creature.hp.value, |a| a.hp);
    let mut items: Vec<Value> = creature
        .strikes
        .iter()
        .map(|strike| melee_item(strike, rng))
        .collect();
    if let Some(spells) = &creature.spellcasting {
        items.push(spellcasting_item(spells));
    }
    json!({
        "name": creature.name,
        "type": "npc",
        "img": "systems/pf2e/icons/default-icons/npc.svg",
        "system": {
            "abilities": abilities,
            "attributes": {
                "ac": { "value": creature.ac.value, "details": "" },
                "hp": { "value": current_hp, "max": creature.hp.value, "temp": 0, "details": "" },
                "speed": { "value": creature.speed, "otherSpeeds": [], "details": "" },
                "allSaves": { "value": "" },
                "adjustment": creature.adjustment.map(|a| a.key()),
                "immunities": [],
                "weaknesses": [],
                "resistances": [],
            },
            "perception": { "mod": creature.perception.value, "details": "", "senses": [], "vision": true },
            "initiative": { "statistic": "perception" },
            "saves": {
                "fortitude": { "value": creature.fortitude.value, "saveDetail": "" },
                "reflex": { "value": creature.reflex.value, "saveDetail": "" },
                "will": { "value": creature.will.value, "saveDetail": "" },
            },
            "skills": skills,
            "details": {
                "level": { "value": creature.level },
                "languages": { "value": [], "details": "" },
                "blurb": "",
                "publicNotes": "",
                "privateNotes": "",
                "publication": { "title": "", "authors": "", "license": "ORC", "remaster": true },
            },
            "traits": { "value": traits, "rarity": "common", "size": { "value": size } },
            "resources": {},
        },
        "items": items,
        "prototypeToken": { "name": creature.name, "disposition": -1 },
        "flags": {
            "pf2e-familiar": {
                "builder": {
                    "roadmap": creature.roadmap,
                    "seed": creature.seed,
                    "level": creature.level,
                }
            }
        },
    })
}

fn melee_item(strike: &Strike, rng: &mut StdRng) -> Value {
    let damage_id = foundry_id(rng);
    json!({
        "name": strike.name,
        "type": "melee",
        "img": "systems/pf2e/icons/default-icons/melee.svg",
        "system": {
            "description": { "value": "" },
            "rules": [],
            "slug": null,
            "traits": { "value": strike.traits },
            "attack": { "value": "" },
            "bonus": { "value": strike.attack.value },
            "damageRolls": {
                damage_id: { "damage": strike.damage, "damageType": strike.damage_type, "category": null }
            },
            "attackEffects": { "value": [] },
            "weaponType": { "value": if strike.ranged { "ranged" } else { "melee" } },
        },
    })
}

fn spellcasting_item(spells: &SpellStats) -> Value {
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
    let mut title = tradition.to_string();
    title[..1].make_ascii_uppercase();
    let mut kind = casting.to_string();
    kind[..1].make_ascii_uppercase();
    json!({
        "name": format!("{title} {kind} Spells"),
        "type": "spellcastingEntry",
        "img": "systems/pf2e/icons/default-icons/spellcastingEntry.svg",
        "system": {
            "description": { "value": "" },
            "rules": [],
            "slug": null,
            "traits": { "value": [] },
            "ability": { "value": spells.ability.key() },
            "spelldc": { "value": spells.attack, "dc": spells.dc.value },
            "tradition": { "value": tradition },
            "prepared": { "value": casting },
            "showSlotlessLevels": { "value": false },
            "proficiency": { "value": 1 },
            "slots": slots,
            "autoHeightenLevel": { "value": null },
        },
    })
}
