//! The encounter generator: from a party, a threat and a creature pool, N distinct encounters whose XP lands
//! in the threat's band (as close to the budget as the pool allows), each rated by the same code as
//! `familiar xp`, with the uuids to drag into a scene. Deterministic for a seed.

pub mod pool;
mod search;
pub mod shape;
pub mod stats;

use std::collections::{BTreeMap, HashSet};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::budget::Threat;
use crate::error::GenerateError;
use crate::hazard::Hazard;
use crate::xp::{calculate_xp, Encounter, EntityKind, Party, XpCalculation, XpTable};
pub use pool::{PoolEntry, PoolFilter, Rarity};
use search::{Composition, Search, Slot};
pub use shape::Shape;

pub const DEFAULT_MAX_CREATURES: usize = 8;
pub const MAX_CREATURES_LIMIT: usize = 30;
pub const MAX_COUNT: usize = 200;

/// The `generateEncounters` request; the pool travels separately so callers can keep it loaded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateRequest {
    #[serde(deserialize_with = "crate::xp::js_number::one")]
    pub party_level: f64,
    #[serde(deserialize_with = "crate::xp::js_number::one")]
    pub party_size: f64,
    pub threat: Threat,
    /// `None`: any shape, chosen per encounter.
    #[serde(default)]
    pub shape: Option<Shape>,
    #[serde(default)]
    pub include_traits: Vec<String>,
    #[serde(default)]
    pub exclude_traits: Vec<String>,
    #[serde(default)]
    pub max_rarity: Option<Rarity>,
    #[serde(default)]
    pub max_creatures: Option<usize>,
    #[serde(default)]
    pub allow_hazards: bool,
    #[serde(default, alias = "pwol")]
    pub proficiency_without_level: bool,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub count: Option<usize>,
}

impl GenerateRequest {
    pub fn new(party_level: i32, party_size: u32, threat: Threat) -> GenerateRequest {
        GenerateRequest {
            party_level: f64::from(party_level),
            party_size: f64::from(party_size),
            threat,
            shape: None,
            include_traits: Vec::new(),
            exclude_traits: Vec::new(),
            max_rarity: None,
            max_creatures: None,
            allow_hazards: false,
            proficiency_without_level: false,
            seed: 0,
            count: None,
        }
    }

    fn filter(&self) -> PoolFilter {
        let lower = |traits: &[String]| traits.iter().map(|t| t.trim().to_lowercase()).collect();
        PoolFilter {
            include_traits: lower(&self.include_traits),
            exclude_traits: lower(&self.exclude_traits),
            max_rarity: self.max_rarity,
            allow_hazards: self.allow_hazards,
        }
    }
}

/// One creature or hazard of an encounter and how many of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub uuid: String,
    pub name: String,
    pub level: i32,
    pub kind: EntityKind,
    pub count: u32,
    pub xp_each: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedEncounter {
    pub shape: Shape,
    pub members: Vec<Member>,
    /// One uuid per token to place (repeated for several of one creature).
    pub uuids: Vec<String>,
    /// `totalXP - budget`: 0 when the encounter spends the budget exactly.
    pub budget_difference: i64,
    pub xp: XpCalculation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    pub threat: Threat,
    pub budget: u32,
    /// XP totals from `bandLow` to `budget` rate as the requested threat.
    pub band_low: u32,
    pub requested: usize,
    /// Pool entries that passed the filters and are within the XP table's reach of the party.
    pub candidates: usize,
    pub encounters: Vec<GeneratedEncounter>,
    /// Why fewer encounters than requested came back, when they did.
    pub notes: Vec<String>,
}

/// Generates `count` distinct encounters (fewer, with a note, when the pool cannot make that many).
pub fn generate(request: &GenerateRequest, pool: &[PoolEntry]) -> Result<Generated, GenerateError> {
    let party = Party::new(request.party_level, request.party_size)?;
    let max_creatures = request.max_creatures.unwrap_or(DEFAULT_MAX_CREATURES);
    if !(1..=MAX_CREATURES_LIMIT).contains(&max_creatures) {
        return Err(GenerateError::MaxCreaturesOutOfRange {
            value: max_creatures,
            max: MAX_CREATURES_LIMIT,
        });
    }
    let count = request.count.unwrap_or(1);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(GenerateError::CountOutOfRange {
            value: count,
            max: MAX_COUNT,
        });
    }
    if pool.is_empty() {
        return Err(GenerateError::EmptyPool);
    }
    let filter = request.filter();
    let filtered: Vec<&PoolEntry> = pool.iter().filter(|entry| filter.accepts(entry)).collect();
    if filtered.is_empty() {
        return Err(GenerateError::NothingPassesFilters {
            filters: filter.describe(),
        });
    }

    // Only creatures the XP table reaches: beyond it they are trivial or far too dangerous.
    let pwl = request.proficiency_without_level;
    let creature_table = XpTable::for_creatures(pwl);
    let reach = creature_table.reach();
    let mut by_slot: BTreeMap<(EntityKind, i32), Vec<usize>> = BTreeMap::new();
    let mut candidates = 0;
    for (index, entry) in filtered.iter().enumerate() {
        let table = if entry.kind == EntityKind::SimpleHazard {
            XpTable::SimpleHazard
        } else {
            creature_table
        };
        if (entry.level - party.level).abs() <= table.reach() {
            by_slot
                .entry((entry.kind, entry.level))
                .or_default()
                .push(index);
            candidates += 1;
        }
    }
    if by_slot.is_empty() {
        return Err(GenerateError::NoCreatureInLevelRange {
            party_level: party.level,
            range: reach,
            min: party.level - reach,
            max: party.level + reach,
        });
    }
    let slots: Vec<Slot> = by_slot
        .into_iter()
        .map(|((kind, level), entries)| Slot {
            kind,
            level,
            xp: crate::xp::hazard_xp(
                party.level,
                Hazard {
                    level,
                    is_complex: kind != EntityKind::SimpleHazard,
                },
                pwl,
            ),
            entries,
        })
        .collect();

    let budgets = party.budgets();
    let (band_low, budget) = budgets.band(request.threat);
    let search = Search {
        slots: &slots,
        party_level: party.level,
        low: band_low,
        high: budget,
        max_creatures,
    };
    let mut rng = StdRng::seed_from_u64(request.seed);
    let mut shapes: Vec<Shape> = match request.shape {
        Some(shape) => vec![shape],
        None => Shape::ALL.to_vec(),
    };
    shapes.retain(|shape| shape.min_creatures() <= max_creatures);
    let mut seen: HashSet<Vec<(usize, u32)>> = HashSet::new();
    let mut encounters = Vec::with_capacity(count);
    let mut attempts = 0;
    let max_attempts = count * 12 + 24;
    while encounters.len() < count && attempts < max_attempts && !shapes.is_empty() {
        attempts += 1;
        let Some(&shape) = shapes.choose(&mut rng) else {
            break;
        };
        let Some((composition, _)) = search.compose(shape, &mut rng) else {
            // This pool cannot make this shape in the band; stop asking for it.
            shapes.retain(|known| *known != shape);
            continue;
        };
        let picks = fill(shape, &composition, &slots, &mut rng);
        if seen.insert(picks.clone()) {
            encounters.push(describe(shape, &picks, &filtered, party, pwl, budget));
        }
    }

    if encounters.is_empty() {
        let weakest = slots.iter().map(|slot| slot.xp).min().unwrap_or(0);
        let hint = if weakest > budget {
            format!(
                "the weakest candidate is worth {weakest} XP to this party, more than the whole {budget} XP budget; \
                 {}",
                hint(request, None)
            )
        } else {
            hint(request, Some(max_creatures))
        };
        return Err(GenerateError::NothingFits {
            shape: request
                .shape
                .map_or("any-shape".to_string(), |s| s.to_string()),
            threat: request.threat.to_string(),
            low: band_low,
            high: budget,
            max_creatures,
            hint,
        });
    }
    let mut notes = Vec::new();
    if encounters.len() < count {
        notes.push(format!(
            "only {} distinct encounters fit; {}",
            encounters.len(),
            hint(request, Some(max_creatures))
        ));
    }
    Ok(Generated {
        threat: request.threat,
        budget,
        band_low,
        requested: count,
        candidates,
        encounters,
        notes,
    })
}

/// Concrete pool entries for a composition: pairs and troops repeat one creature, elite pairs take two.
fn fill(
    shape: Shape,
    composition: &Composition,
    slots: &[Slot],
    rng: &mut StdRng,
) -> Vec<(usize, u32)> {
    let mut picks: BTreeMap<usize, u32> = BTreeMap::new();
    for (position, (slot, count)) in composition.iter().enumerate() {
        let entries = &slots[*slot].entries;
        let mut take = |entry: Option<&usize>, n: u32| {
            if let Some(entry) = entry {
                *picks.entry(*entry).or_default() += n;
            }
        };
        match shape {
            Shape::ElitePair => {
                for entry in entries.choose_multiple(rng, 2) {
                    take(Some(entry), 1);
                }
            }
            Shape::MatedPair | Shape::Troop => take(entries.choose(rng), *count),
            Shape::BossAndLackeys if position > 0 => take(entries.choose(rng), *count),
            _ => {
                for _ in 0..*count {
                    take(entries.choose(rng), 1);
                }
            }
        }
    }
    picks.into_iter().collect()
}

fn describe(
    shape: Shape,
    picks: &[(usize, u32)],
    filtered: &[&PoolEntry],
    party: Party,
    pwl: bool,
    budget: u32,
) -> GeneratedEncounter {
    let mut members = Vec::with_capacity(picks.len());
    let mut npc_levels = Vec::new();
    let mut hazards = Vec::new();
    let mut uuids = Vec::new();
    for (index, count) in picks {
        let entry = filtered[*index];
        let hazard = Hazard {
            level: entry.level,
            is_complex: entry.kind != EntityKind::SimpleHazard,
        };
        for _ in 0..*count {
            uuids.push(entry.uuid.clone());
            if entry.kind.is_hazard() {
                hazards.push(hazard);
            } else {
                npc_levels.push(entry.level);
            }
        }
        members.push(Member {
            uuid: entry.uuid.clone(),
            name: entry.name.clone(),
            level: entry.level,
            kind: entry.kind,
            count: *count,
            xp_each: crate::xp::hazard_xp(party.level, hazard, pwl),
        });
    }
    // Strongest first, as a GM reads a stat block list.
    members.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.name.cmp(&b.name)));
    let xp = calculate_xp(&Encounter {
        party,
        npc_levels,
        hazards,
        proficiency_without_level: pwl,
    });
    GeneratedEncounter {
        shape,
        members,
        uuids,
        budget_difference: i64::from(xp.total_xp) - i64::from(budget),
        xp,
    }
}

/// What to relax; `max_creatures` is `None` when more creatures cannot help.
fn hint(request: &GenerateRequest, max_creatures: Option<usize>) -> String {
    let mut relax = Vec::new();
    if request.shape.is_some() {
        relax.push("choose another shape or leave it open".to_string());
    }
    if let Some(max) = max_creatures.filter(|max| *max < MAX_CREATURES_LIMIT) {
        relax.push(format!("allow more than {max} creatures"));
    }
    if !request.include_traits.is_empty() || !request.exclude_traits.is_empty() {
        relax.push("loosen the trait filters".to_string());
    }
    if request.max_rarity.is_some_and(|cap| cap < Rarity::Unique) {
        relax.push("raise the rarity cap".to_string());
    }
    if !request.allow_hazards {
        relax.push("allow hazards".to_string());
    }
    relax.push(
        "add creatures within 4 levels of the party to the pool or pick another threat".to_string(),
    );
    relax.join(", ")
}
