//! XP and threat for an encounter, bit-for-bit with the pf2e system's `calculateXP`
//! (`src/scripts/macros/xp/index.ts`): level differences are clamped to the ends of each table, totals are
//! summed, budgets and the rating come from [`crate::budget`], and `xpPerPlayer` is `floor(total / size × 4)`
//! in JS number arithmetic. Unlike the system we also warn about every creature the table had to clamp.

use serde::{Deserialize, Serialize};

use crate::budget::{reward_budgets, EncounterBudgets, Threat};
use crate::error::InputError;
use crate::hazard::{Hazard, SIMPLE_HAZARD_XP};

/// Creature XP for level differences −4..=+4 (Core Rulebook, "Creature XP and Role").
pub const CREATURE_XP: [u32; 9] = [10, 15, 20, 30, 40, 60, 80, 120, 160];
/// Creature XP for level differences −7..=+7 under the proficiency-without-level variant (GMG).
pub const CREATURE_XP_PWL: [u32; 15] =
    [9, 12, 14, 18, 21, 26, 32, 40, 48, 60, 72, 90, 108, 135, 160];

pub const MIN_CREATURE_LEVEL: i32 = -1;
pub const MAX_CREATURE_LEVEL: i32 = 25;
pub const MIN_PARTY_LEVEL: i32 = 1;
pub const MAX_PARTY_LEVEL: i32 = 20;
/// Budgets work for any party size; past this the request is surely a typo.
pub const MAX_PARTY_SIZE: u32 = 100;
/// Creatures plus hazards in one encounter; past this the request is surely a typo.
pub const MAX_ENTITIES: usize = 200;

/// One of the system's XP tables, each symmetric around a level difference of 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XpTable {
    Creature,
    CreatureProficiencyWithoutLevel,
    SimpleHazard,
}

impl XpTable {
    pub fn for_creatures(proficiency_without_level: bool) -> XpTable {
        if proficiency_without_level {
            XpTable::CreatureProficiencyWithoutLevel
        } else {
            XpTable::Creature
        }
    }

    fn values(self) -> &'static [u32] {
        match self {
            XpTable::Creature => &CREATURE_XP,
            XpTable::CreatureProficiencyWithoutLevel => &CREATURE_XP_PWL,
            XpTable::SimpleHazard => &SIMPLE_HAZARD_XP,
        }
    }

    /// How far from the party's level the table reaches: 4, or 7 for the PWL variant.
    pub fn reach(self) -> i32 {
        (self.values().len() / 2) as i32
    }

    /// The level difference the table actually uses: `clamp(level − partyLevel, −reach, reach)`.
    pub fn counted_difference(self, party_level: i32, level: i32) -> i32 {
        (level - party_level).clamp(-self.reach(), self.reach())
    }

    /// XP for one entity of `level` against a party of `party_level`.
    pub fn xp(self, party_level: i32, level: i32) -> u32 {
        let index = self.counted_difference(party_level, level) + self.reach();
        self.values()[index as usize]
    }
}

/// XP for one hazard: complex hazards use the creature table (or its PWL variant), simple ones their own.
pub fn hazard_xp(party_level: i32, hazard: Hazard, proficiency_without_level: bool) -> u32 {
    let table = if hazard.is_complex {
        XpTable::for_creatures(proficiency_without_level)
    } else {
        XpTable::SimpleHazard
    };
    table.xp(party_level, hazard.level)
}

/// The party an encounter is built for, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    pub level: i32,
    pub size: u32,
}

impl Party {
    /// Accepts any JS number and refuses what the rules do not allow, with a message a GM understands.
    pub fn new(level: f64, size: f64) -> Result<Party, InputError> {
        let level = whole("party level", level)?;
        let size = whole("party size", size)?;
        if !(i64::from(MIN_PARTY_LEVEL)..=i64::from(MAX_PARTY_LEVEL)).contains(&level) {
            return Err(InputError::PartyLevelOutOfRange { level });
        }
        if size == 0 {
            return Err(InputError::EmptyParty);
        }
        if size < 0 {
            return Err(InputError::NegativePartySize { size });
        }
        if size > i64::from(MAX_PARTY_SIZE) {
            return Err(InputError::PartyTooLarge {
                size,
                max: MAX_PARTY_SIZE,
            });
        }
        Ok(Party {
            level: level as i32,
            size: size as u32,
        })
    }

    pub fn budgets(&self) -> EncounterBudgets {
        EncounterBudgets::for_party_size(self.size)
    }
}

/// Budgets for a party size given as a JS number, refused like [`Party::new`] refuses sizes.
pub fn budgets_for_party_size(party_size: f64) -> Result<EncounterBudgets, InputError> {
    Ok(Party::new(f64::from(MIN_PARTY_LEVEL), party_size)?.budgets())
}

/// Numbers as the facade reads them, through JSON text: `null` (what `JSON.stringify` makes of NaN and the
/// infinities) is NaN, so [`whole`] refuses it naming the field, as it does a NaN number.
pub(crate) mod js_number {
    use serde::{Deserialize, Deserializer};

    pub fn one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
    }

    pub fn many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
        let numbers = Vec::<Option<f64>>::deserialize(deserializer)?;
        Ok(numbers.into_iter().map(|n| n.unwrap_or(f64::NAN)).collect())
    }
}

/// Reads a JS number as a whole number, refusing fractions, NaN and infinities.
pub fn whole(what: &str, value: f64) -> Result<i64, InputError> {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > 1e15 {
        return Err(InputError::NotAWholeNumber {
            what: what.to_string(),
            value,
        });
    }
    Ok(value as i64)
}

/// The input of `familiar xp --jsonl` and the `calculateXp` export: the pf2e function's argument names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct XpRequest {
    #[serde(deserialize_with = "js_number::one")]
    pub party_level: f64,
    #[serde(deserialize_with = "js_number::one")]
    pub party_size: f64,
    #[serde(default, deserialize_with = "js_number::many")]
    pub npc_levels: Vec<f64>,
    #[serde(default)]
    pub hazards: Vec<HazardRequest>,
    /// Newer pf2e versions call this `pwol`.
    #[serde(default, alias = "pwol")]
    pub proficiency_without_level: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HazardRequest {
    #[serde(deserialize_with = "js_number::one")]
    pub level: f64,
    #[serde(default)]
    pub is_complex: bool,
}

/// A validated encounter: who is fighting whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    pub party: Party,
    pub npc_levels: Vec<i32>,
    pub hazards: Vec<Hazard>,
    pub proficiency_without_level: bool,
}

impl XpRequest {
    pub fn validate(&self) -> Result<Encounter, InputError> {
        let party = Party::new(self.party_level, self.party_size)?;
        let count = self.npc_levels.len() + self.hazards.len();
        if count > MAX_ENTITIES {
            return Err(InputError::TooManyEntities {
                count,
                max: MAX_ENTITIES,
            });
        }
        let level_range = i64::from(MIN_CREATURE_LEVEL)..=i64::from(MAX_CREATURE_LEVEL);
        let mut npc_levels = Vec::with_capacity(self.npc_levels.len());
        for (index, level) in self.npc_levels.iter().enumerate() {
            let level = whole(&format!("creature #{} level", index + 1), *level)?;
            if !level_range.contains(&level) {
                return Err(InputError::CreatureLevelOutOfRange {
                    index: index + 1,
                    level,
                });
            }
            npc_levels.push(level as i32);
        }
        let mut hazards = Vec::with_capacity(self.hazards.len());
        for (index, hazard) in self.hazards.iter().enumerate() {
            let level = whole(&format!("hazard #{} level", index + 1), hazard.level)?;
            if !level_range.contains(&level) {
                return Err(InputError::HazardLevelOutOfRange {
                    index: index + 1,
                    level,
                });
            }
            hazards.push(Hazard {
                level: level as i32,
                is_complex: hazard.is_complex,
            });
        }
        Ok(Encounter {
            party,
            npc_levels,
            hazards,
            proficiency_without_level: self.proficiency_without_level,
        })
    }
}

/// What an XP contribution is, for breakdowns and warnings.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum EntityKind {
    #[default]
    Creature,
    SimpleHazard,
    ComplexHazard,
}

impl EntityKind {
    pub fn is_hazard(self) -> bool {
        self != EntityKind::Creature
    }

    fn noun(self) -> &'static str {
        match self {
            EntityKind::Creature => "creature",
            EntityKind::SimpleHazard => "simple hazard",
            EntityKind::ComplexHazard => "complex hazard",
        }
    }
}

/// One line of the XP breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XpEntry {
    pub kind: EntityKind,
    pub level: i32,
    pub xp: u32,
}

/// Which end of the table a clamped entity fell off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WarningCode {
    /// Further below the party than the table reaches: the rules call it trivial.
    BelowTable,
    /// Further above the party than the table reaches: far too dangerous for the party.
    AboveTable,
}

/// A creature or hazard whose level difference the table clamped; the XP still counts, as in the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XpWarning {
    pub code: WarningCode,
    pub kind: EntityKind,
    /// 1-based position among the creatures or among the hazards.
    pub index: usize,
    pub level: i32,
    pub level_difference: i32,
    pub counted_as: i32,
    pub message: String,
}

/// The result, with the pf2e system's names (`totalXP`, `ratingXP`, ...) plus our warnings and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XpCalculation {
    pub party_level: i32,
    pub party_size: u32,
    #[serde(rename = "totalXP")]
    pub total_xp: u32,
    pub encounter_budgets: EncounterBudgets,
    pub rating: Threat,
    #[serde(rename = "ratingXP")]
    pub rating_xp: u32,
    pub xp_per_player: u32,
    pub warnings: Vec<XpWarning>,
    pub breakdown: Vec<XpEntry>,
}

/// `xpPerPlayer` exactly as JS computes `Math.floor((totalXP / partySize) * 4)`.
pub fn xp_per_player(total_xp: u32, party_size: u32) -> u32 {
    ((f64::from(total_xp) / f64::from(party_size)) * 4.0).floor() as u32
}

/// Totals, rating and rewards for a validated encounter.
pub fn calculate_xp(encounter: &Encounter) -> XpCalculation {
    let party = encounter.party;
    let pwl = encounter.proficiency_without_level;
    let creature_table = XpTable::for_creatures(pwl);
    let mut breakdown = Vec::with_capacity(encounter.npc_levels.len() + encounter.hazards.len());
    let mut warnings = Vec::new();
    for (index, level) in encounter.npc_levels.iter().enumerate() {
        let kind = EntityKind::Creature;
        breakdown.push(XpEntry {
            kind,
            level: *level,
            xp: creature_table.xp(party.level, *level),
        });
        warnings.extend(clamp_warning(
            creature_table,
            party.level,
            *level,
            kind,
            index + 1,
        ));
    }
    for (index, hazard) in encounter.hazards.iter().enumerate() {
        let (kind, table) = if hazard.is_complex {
            (EntityKind::ComplexHazard, creature_table)
        } else {
            (EntityKind::SimpleHazard, XpTable::SimpleHazard)
        };
        breakdown.push(XpEntry {
            kind,
            level: hazard.level,
            xp: hazard_xp(party.level, *hazard, pwl),
        });
        warnings.extend(clamp_warning(
            table,
            party.level,
            hazard.level,
            kind,
            index + 1,
        ));
    }
    let total_xp = breakdown.iter().map(|entry| entry.xp).sum();
    rate_total(party, total_xp, warnings, breakdown)
}

/// Rating, rewards and budgets for a total already summed (the generator sums as it searches).
pub fn rate_total(
    party: Party,
    total_xp: u32,
    warnings: Vec<XpWarning>,
    breakdown: Vec<XpEntry>,
) -> XpCalculation {
    let encounter_budgets = party.budgets();
    let rating = encounter_budgets.rate(total_xp);
    XpCalculation {
        party_level: party.level,
        party_size: party.size,
        total_xp,
        encounter_budgets,
        rating,
        rating_xp: reward_budgets().get(rating),
        xp_per_player: xp_per_player(total_xp, party.size),
        warnings,
        breakdown,
    }
}

/// Validates and rates in one step: what `familiar xp` and the `calculateXp` export do.
pub fn rate_request(request: &XpRequest) -> Result<XpCalculation, InputError> {
    Ok(calculate_xp(&request.validate()?))
}

fn clamp_warning(
    table: XpTable,
    party_level: i32,
    level: i32,
    kind: EntityKind,
    index: usize,
) -> Option<XpWarning> {
    let difference = level - party_level;
    let counted_as = table.counted_difference(party_level, level);
    if difference == counted_as {
        return None;
    }
    let noun = kind.noun();
    let (code, message) = if difference < counted_as {
        (
            WarningCode::BelowTable,
            format!(
                "{noun} #{index} (level {level}) is {} levels below the party; the XP table stops at {} below, \
                 so it counts as {} XP, and the rules call such a foe trivial",
                -difference,
                table.reach(),
                table.xp(party_level, level)
            ),
        )
    } else {
        (
            WarningCode::AboveTable,
            format!(
                "{noun} #{index} (level {level}) is {difference} levels above the party; the XP table stops at {} \
                 above, so it counts as {} XP, but it is far too dangerous for this party",
                table.reach(),
                table.xp(party_level, level)
            ),
        )
    };
    Some(XpWarning {
        code,
        kind,
        index,
        level,
        level_difference: difference,
        counted_as,
        message,
    })
}
