//! `build_creature`: the creature builder's stat block, as the Monster view previews it, with the numbers the pf2e
//! system shows once it applies an elite or weak adjustment.

use familiar_chat::tools::args::{Adjustment as ArgAdjustment, BuildCreature};
use familiar_encounter::builder::{build_creature, BuildRequest};
use familiar_encounter::BuildError;
use serde_json::{json, Value};

/// The `familiar monster` request the tool's arguments stand for (`create_actor` builds the same).
pub fn build_request(args: &BuildCreature) -> BuildRequest {
    BuildRequest {
        level: f64::from(args.level),
        roadmap: args.roadmap.clone(),
        elite: args.adjustment == Some(ArgAdjustment::Elite),
        weak: args.adjustment == Some(ArgAdjustment::Weak),
        seed: args.seed.unwrap_or(0),
        name: args.name.clone(),
        ..BuildRequest::default()
    }
}

/// `{name, level, roadmap, adjustment?, seed, hp, ac, perception, fortitude, reflex, will, speed, abilities,
/// skills, strikes: [{name, attack, damage, traits}], spellcasting?}`.
pub fn build(args: &BuildCreature) -> Result<Value, BuildError> {
    let built = build_creature(&build_request(args))?;
    let creature = &built.creature;
    let adjusted = creature.adjusted.as_ref();
    let delta = creature
        .adjustment
        .map_or(0, |adjustment| adjustment.modifier());
    let strikes: Vec<Value> = creature
        .strikes
        .iter()
        .enumerate()
        .map(|(index, strike)| {
            let attack = adjusted
                .and_then(|a| a.strike_attacks.get(index).copied())
                .unwrap_or(strike.attack.value);
            let damage = adjusted
                .and_then(|a| a.strike_damage.get(index).cloned())
                .unwrap_or_else(|| strike.damage.to_string());
            json!({
                "name": strike.name,
                "ranged": strike.ranged,
                "attack": attack,
                "damage": format!("{damage} {}", strike.damage_type),
                "traits": strike.traits,
            })
        })
        .collect();
    let abilities: serde_json::Map<String, Value> = creature
        .abilities
        .iter()
        .map(|stat| (stat.ability.key().to_string(), json!(stat.value)))
        .collect();
    let skills: serde_json::Map<String, Value> = creature
        .skills
        .iter()
        .map(|skill| (skill.skill.to_string(), json!(skill.value + delta)))
        .collect();
    let mut out = json!({
        "name": creature.name,
        "level": adjusted.map_or(creature.level, |a| a.level),
        "roadmap": creature.roadmap,
        "seed": creature.seed,
        "hp": adjusted.map_or(creature.hp.value, |a| a.hp),
        "ac": adjusted.map_or(creature.ac.value, |a| a.ac),
        "perception": adjusted.map_or(creature.perception.value, |a| a.perception),
        "fortitude": adjusted.map_or(creature.fortitude.value, |a| a.fortitude),
        "reflex": adjusted.map_or(creature.reflex.value, |a| a.reflex),
        "will": adjusted.map_or(creature.will.value, |a| a.will),
        "speed": creature.speed,
        "abilities": abilities,
        "skills": skills,
        "strikes": strikes,
    });
    if let Some(adjustment) = creature.adjustment {
        out["adjustment"] = json!(adjustment);
        out["baseLevel"] = json!(creature.level);
    }
    if let Some(spells) = &creature.spellcasting {
        out["spellcasting"] = json!({
            "tradition": spells.tradition,
            "casting": spells.casting,
            "dc": adjusted.and_then(|a| a.spell_dc).unwrap_or(spells.dc.value),
            "attack": adjusted.and_then(|a| a.spell_attack).unwrap_or(spells.attack),
            "maxRank": spells.max_rank,
        });
    }
    Ok(out)
}
