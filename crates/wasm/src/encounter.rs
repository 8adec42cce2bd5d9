//! Encounters and monsters for the adapter: XP and threat (as the pf2e system computes them), budgets, the
//! encounter generator over a creature pool kept in wasm memory, and the creature builder.

use familiar_encounter::builder::{build_creature, roadmaps, BuildRequest};
use familiar_encounter::generator::pool::entry_from_actor;
use familiar_encounter::generator::{generate, GenerateRequest, PoolEntry};
use familiar_encounter::xp::{budgets_for_party_size, rate_request, XpRequest};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::interop;

fn refuse(error: impl std::fmt::Display) -> JsValue {
    interop::js_error(&error.to_string())
}

/// `calculateXp({partyLevel, partySize, npcLevels, hazards: [{level, isComplex}], proficiencyWithoutLevel})`:
/// `{totalXP, rating, ratingXP, xpPerPlayer, encounterBudgets, partyLevel, partySize, warnings, breakdown}`.
#[wasm_bindgen(js_name = calculateXp)]
pub fn calculate_xp(request: JsValue) -> Result<JsValue, JsValue> {
    let request: XpRequest = interop::from_js(request)?;
    interop::to_js(&rate_request(&request).map_err(refuse)?)
}

/// `encounterBudgets(partySize)`: `{trivial, low, moderate, severe, extreme}`.
#[wasm_bindgen(js_name = encounterBudgets)]
pub fn encounter_budgets(party_size: f64) -> Result<JsValue, JsValue> {
    interop::to_js(&budgets_for_party_size(party_size).map_err(refuse)?)
}

/// A creature pool loaded once (from a compendium index or actors) and reused for every generation.
#[wasm_bindgen]
pub struct EncounterPool {
    entries: Vec<PoolEntry>,
}

#[wasm_bindgen]
impl EncounterPool {
    /// `new EncounterPool([{uuid, name, level, traits, rarity, size, kind}])`: compendium index rows.
    #[wasm_bindgen(constructor)]
    pub fn new(entries: JsValue) -> Result<EncounterPool, JsValue> {
        Ok(EncounterPool {
            entries: interop::from_js(entries)?,
        })
    }

    /// `EncounterPool.fromActors(actors)`: compendium actor documents (`toObject()` plus `uuid`); anything that
    /// is not an NPC or hazard with a level is skipped.
    #[wasm_bindgen(js_name = fromActors)]
    pub fn from_actors(actors: JsValue) -> Result<EncounterPool, JsValue> {
        let actors: Vec<serde_json::Value> = interop::from_js(actors)?;
        Ok(EncounterPool {
            entries: actors.iter().filter_map(entry_from_actor).collect(),
        })
    }

    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.entries.len()
    }

    /// `pool.generate({partyLevel, partySize, threat, shape?, includeTraits?, excludeTraits?, maxRarity?,
    /// maxCreatures?, allowHazards?, proficiencyWithoutLevel?, seed?, count?})`.
    pub fn generate(&self, request: JsValue) -> Result<JsValue, JsValue> {
        let request: GenerateRequest = interop::from_js(request)?;
        interop::to_js(&generate(&request, &self.entries).map_err(refuse)?)
    }
}

/// `generateEncounters(request, poolEntries)`: one-off generation without keeping a pool.
#[wasm_bindgen(js_name = generateEncounters)]
pub fn generate_encounters(request: JsValue, pool: JsValue) -> Result<JsValue, JsValue> {
    EncounterPool::new(pool)?.generate(request)
}

/// `buildCreature({level, roadmap, elite?, weak?, seed?, name?, traits?, size?, pf2eVersion?, senses?, immunities?,
/// weaknesses?, resistances?, languages?, speeds?})`: `{creature, shape, actor}`, where `actor` goes straight to
/// `Actor.create`, written where the pf2e release `pf2eVersion` (the caller's `game.system.version`; the newest
/// supported when absent) keeps each field.
#[wasm_bindgen(js_name = buildCreature)]
pub fn build_creature_js(request: JsValue) -> Result<JsValue, JsValue> {
    let request: BuildRequest = interop::from_js(request)?;
    interop::to_js(&build_creature(&request).map_err(refuse)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoadmapInfo {
    slug: &'static str,
    name: &'static str,
    class: bool,
    casts: bool,
}

/// `creatureRoadmaps()`: `[{slug, name, class, casts}]` for the builder's picker.
#[wasm_bindgen(js_name = creatureRoadmaps)]
pub fn creature_roadmaps() -> Result<JsValue, JsValue> {
    let list: Vec<RoadmapInfo> = roadmaps::ROADMAPS
        .iter()
        .map(|roadmap| RoadmapInfo {
            slug: roadmap.slug,
            name: roadmap.name,
            class: roadmap.class,
            casts: roadmap.spellcasting.is_some(),
        })
        .collect();
    interop::to_js(&list)
}
