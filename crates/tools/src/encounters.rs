//! `rate_encounter` and `generate_encounter` on the encounter crate: the rating is `familiar xp`'s (the same
//! `rate_request`, an elite or weak creature counted at the level the system shows for it), the encounters come from
//! the bestiaries the asker may open.

use familiar_chat::tools::args::{Adjustment as ArgAdjustment, GenerateEncounter, RateEncounter};
use familiar_encounter::builder::Adjustment;
use familiar_encounter::generator::pool::Rarity;
use familiar_encounter::generator::{generate as generate_encounters, GenerateRequest, Shape};
use familiar_encounter::xp::{rate_request, HazardRequest, XpCalculation, XpRequest};
use familiar_encounter::{InputError, PoolEntry, Threat};
use serde_json::{json, Value};

use crate::pack_of;

/// The level an entry counts at: the system's elite/weak level shift.
pub fn counted_level(level: i32, adjustment: Option<ArgAdjustment>) -> i32 {
    match adjustment {
        Some(ArgAdjustment::Elite) => Adjustment::Elite.level(level),
        Some(ArgAdjustment::Weak) => Adjustment::Weak.level(level),
        Some(ArgAdjustment::Normal) | None => level,
    }
}

/// The `familiar xp` request the tool's arguments stand for.
pub fn xp_request(args: &RateEncounter) -> XpRequest {
    XpRequest {
        party_level: f64::from(args.party_level),
        party_size: f64::from(args.party_size),
        npc_levels: args
            .creatures
            .iter()
            .map(|creature| f64::from(counted_level(creature.level, creature.adjustment)))
            .collect(),
        hazards: args
            .hazards
            .iter()
            .map(|hazard| HazardRequest {
                level: f64::from(hazard.level),
                is_complex: hazard.complex,
            })
            .collect(),
        proficiency_without_level: args.proficiency_without_level,
    }
}

/// The rating in the pf2e system's names (`totalXP`, `rating`, `ratingXP`, `xpPerPlayer`, `encounterBudgets`), each
/// creature and hazard with its XP (and the level it counted at), and the warnings' messages.
pub fn rate(args: &RateEncounter) -> Result<Value, InputError> {
    let xp = rate_request(&xp_request(args))?;
    Ok(rating_json(args, &xp))
}

pub fn rating_json(args: &RateEncounter, xp: &XpCalculation) -> Value {
    let (creature_xp, hazard_xp) = xp
        .breakdown
        .split_at(args.creatures.len().min(xp.breakdown.len()));
    let creatures: Vec<Value> = args
        .creatures
        .iter()
        .zip(creature_xp)
        .map(|(creature, entry)| {
            let mut out = json!({"level": creature.level, "xp": entry.xp});
            if let Some(adjustment) = creature.adjustment.filter(|a| *a != ArgAdjustment::Normal) {
                out["adjustment"] = json!(adjustment);
                out["countedLevel"] = json!(entry.level);
            }
            if let Some(uuid) = &creature.uuid {
                out["uuid"] = json!(uuid);
            }
            out
        })
        .collect();
    let hazards: Vec<Value> = args
        .hazards
        .iter()
        .zip(hazard_xp)
        .map(|(hazard, entry)| json!({"level": hazard.level, "complex": hazard.complex, "xp": entry.xp}))
        .collect();
    let warnings: Vec<&str> = xp
        .warnings
        .iter()
        .map(|warning| warning.message.as_str())
        .collect();
    json!({
        "partyLevel": xp.party_level,
        "partySize": xp.party_size,
        "totalXP": xp.total_xp,
        "rating": xp.rating,
        "ratingXP": xp.rating_xp,
        "xpPerPlayer": xp.xp_per_player,
        "encounterBudgets": xp.encounter_budgets,
        "creatures": creatures,
        "hazards": hazards,
        "warnings": warnings,
    })
}

/// `{threat, budget, encounters: [{shape, totalXP, rating, members: [{uuid, name, level, count, xp}]}], notes}`.
pub fn generate(
    args: &GenerateEncounter,
    pool: &[PoolEntry],
    packs: Option<&[String]>,
    seed: u64,
) -> Result<Value, String> {
    let visible: Vec<PoolEntry> = match packs {
        None => pool.to_vec(),
        Some(packs) => pool
            .iter()
            .filter(|entry| {
                pack_of(&entry.uuid).is_some_and(|pack| packs.iter().any(|p| p == pack))
            })
            .cloned()
            .collect(),
    };
    let threat =
        Threat::parse(&args.threat).ok_or_else(|| format!("unknown threat {:?}", args.threat))?;
    let request = GenerateRequest {
        party_level: f64::from(args.party_level),
        party_size: f64::from(args.party_size),
        threat,
        shape: args.shape.as_deref().and_then(Shape::parse),
        include_traits: args.traits.clone(),
        exclude_traits: args.exclude_traits.clone(),
        max_rarity: args.rarity.as_deref().and_then(Rarity::parse),
        max_creatures: args.max_creatures.map(|max| max as usize),
        allow_hazards: false,
        proficiency_without_level: false,
        seed,
        count: Some(args.count.unwrap_or(1) as usize),
    };
    let generated = generate_encounters(&request, &visible).map_err(|error| error.to_string())?;
    let encounters: Vec<Value> = generated
        .encounters
        .iter()
        .map(|encounter| {
            let members: Vec<Value> = encounter
                .members
                .iter()
                .map(|member| {
                    json!({"uuid": member.uuid, "name": member.name, "level": member.level, "count": member.count, "xp": member.xp_each})
                })
                .collect();
            json!({
                "shape": encounter.shape,
                "totalXP": encounter.xp.total_xp,
                "rating": encounter.xp.rating,
                "members": members,
            })
        })
        .collect();
    Ok(json!({
        "threat": generated.threat,
        "budget": generated.budget,
        "encounters": encounters,
        "notes": generated.notes,
    }))
}
