//! A creature built from a road map: every statistic with the table column it came from, so a GM (and the
//! tests) can see why each number is what it is.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;
use serde::Serialize;

use super::adjust::Adjustment;
use super::roadmaps::{Ability, Casting, RoadMap, Tradition};
use super::tables::{self, Damage, Tier};

/// A number and the table column it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stat {
    pub value: i32,
    pub tier: Tier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbilityStat {
    pub ability: Ability,
    pub value: i32,
    pub tier: Tier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillStat {
    pub skill: &'static str,
    pub value: i32,
    pub tier: Tier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HitPoints {
    pub value: i32,
    pub tier: Tier,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Strike {
    pub name: &'static str,
    pub ranged: bool,
    pub attack: Stat,
    pub damage: &'static str,
    pub damage_tier: Tier,
    pub damage_type: &'static str,
    pub traits: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpellStats {
    pub tradition: Tradition,
    pub casting: Casting,
    pub ability: Ability,
    pub dc: Stat,
    pub attack: i32,
    /// Highest spell rank it casts; 0 means cantrips only.
    pub max_rank: i32,
}

/// What the tables suggest for abilities the road map leaves to the GM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestions {
    pub area_damage_unlimited: Damage,
    pub area_damage_limited: Damage,
    pub resistance_min: i32,
    pub resistance_max: i32,
}

/// The numbers the pf2e system shows once it applies an elite or weak adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adjusted {
    pub adjustment: Adjustment,
    pub level: i32,
    pub hp: i32,
    pub ac: i32,
    pub perception: i32,
    pub fortitude: i32,
    pub reflex: i32,
    pub will: i32,
    pub strike_attacks: Vec<i32>,
    pub strike_damage: Vec<String>,
    pub spell_dc: Option<i32>,
    pub spell_attack: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Creature {
    pub name: String,
    pub roadmap: &'static str,
    pub level: i32,
    pub seed: u64,
    pub adjustment: Option<Adjustment>,
    pub abilities: Vec<AbilityStat>,
    pub perception: Stat,
    pub ac: Stat,
    pub fortitude: Stat,
    pub reflex: Stat,
    pub will: Stat,
    pub hp: HitPoints,
    pub speed: i32,
    pub skills: Vec<SkillStat>,
    pub strikes: Vec<Strike>,
    pub spellcasting: Option<SpellStats>,
    pub suggestions: Suggestions,
    pub adjusted: Option<Adjusted>,
}

type Weapon = (&'static str, &'static str, &'static [&'static str]);

const NATURAL: &[Weapon] = &[
    ("Claw", "slashing", &["agile"]),
    ("Jaws", "piercing", &[]),
    ("Fist", "bludgeoning", &["agile", "unarmed"]),
    ("Horn", "piercing", &[]),
    ("Tail", "bludgeoning", &["reach-10"]),
];
const WEAPONS: &[Weapon] = &[
    ("Longsword", "slashing", &["versatile-p"]),
    ("Greataxe", "slashing", &["sweep"]),
    ("Dagger", "piercing", &["agile", "finesse"]),
    ("Mace", "bludgeoning", &["shove"]),
    ("Spear", "piercing", &[]),
];
const RANGED: &[Weapon] = &[
    (
        "Shortbow",
        "piercing",
        &["deadly-d10", "range-increment-60"],
    ),
    ("Crossbow", "piercing", &["range-increment-120"]),
    ("Spine", "piercing", &["range-increment-30"]),
];
const BOMBS: &[Weapon] = &[
    (
        "Alchemist's Fire",
        "fire",
        &["range-increment-20", "splash"],
    ),
    ("Acid Flask", "acid", &["range-increment-20", "splash"]),
    ("Frost Vial", "cold", &["range-increment-20", "splash"]),
];

fn pick<T: Copy>(rng: &mut StdRng, options: &[T]) -> T {
    // Road maps never list an empty choice (a unit test checks); fall back to the first just in case.
    *options.choose(rng).unwrap_or(&options[0])
}

fn weaker(tier: Tier) -> Tier {
    match tier {
        Tier::Extreme => Tier::High,
        Tier::High => Tier::Moderate,
        _ => Tier::Low,
    }
}

/// Reads a table cell, falling back one column at a time when the book leaves the cell empty (no extreme
/// attribute below level 1).
fn cell(level: i32, tier: Tier, table: fn(i32, Tier) -> Option<i32>) -> Stat {
    let mut tier = tier;
    loop {
        if let Some(value) = table(level, tier) {
            return Stat { value, tier };
        }
        if tier == Tier::Terrible {
            return Stat { value: 0, tier };
        }
        tier = weaker(tier);
    }
}

fn strike(
    level: i32,
    weapon: Weapon,
    ranged: bool,
    attack: Tier,
    damage: Tier,
    magical: bool,
) -> Strike {
    let damage =
        tables::strike_damage(level, damage).map_or(("1d4", Tier::Low), |d| (d.formula, damage));
    let mut traits = weapon.2.to_vec();
    if magical {
        traits.push("magical");
    }
    Strike {
        name: weapon.0,
        ranged,
        attack: cell(level, attack, tables::strike_attack),
        damage: damage.0,
        damage_tier: damage.1,
        damage_type: weapon.1,
        traits,
    }
}

/// Builds the base creature (before elite/weak) of a valid level from a road map and a seeded generator.
pub fn roll(roadmap: &RoadMap, level: i32, name: String, seed: u64, rng: &mut StdRng) -> Creature {
    let primary = pick(rng, roadmap.primary);
    let mut abilities: Vec<AbilityStat> = Vec::with_capacity(6);
    for ability in Ability::ALL {
        let tiers = if ability == primary {
            roadmap.primary_tiers
        } else if let Some((_, tiers)) = roadmap.secondary.iter().find(|(a, _)| *a == ability) {
            tiers
        } else {
            roadmap.other_abilities
        };
        let stat = cell(level, pick(rng, tiers), tables::ability_modifier);
        abilities.push(AbilityStat {
            ability,
            value: stat.value,
            tier: stat.tier,
        });
    }

    let perception = cell(level, pick(rng, roadmap.perception), tables::perception);
    let ac = cell(level, pick(rng, roadmap.ac), tables::armor_class);
    let fortitude = cell(level, pick(rng, roadmap.fortitude), tables::saving_throw);
    let reflex = cell(level, pick(rng, roadmap.reflex), tables::saving_throw);
    let will = cell(level, pick(rng, roadmap.will), tables::saving_throw);
    let hp_tier = pick(rng, roadmap.hp);
    let (min, max) = tables::hit_points(level, hp_tier).unwrap_or((1, 1));
    let hp = HitPoints {
        value: rng.random_range(min..=max),
        tier: hp_tier,
        min,
        max,
    };

    let mut skills: Vec<SkillStat> = Vec::new();
    for choice in roadmap.skills {
        let mut options = choice.options.to_vec();
        options.shuffle(rng);
        let Some(skill) = options
            .into_iter()
            .find(|s| skills.iter().all(|known| known.skill != *s))
        else {
            continue;
        };
        let stat = cell(level, pick(rng, choice.tiers), tables::skill);
        skills.push(SkillStat {
            skill,
            value: stat.value,
            tier: stat.tier,
        });
    }

    let (attack, damage) = pick(rng, roadmap.strike);
    let magical = roadmap.slug == "magical-striker";
    let melee_list = if roadmap.class { WEAPONS } else { NATURAL };
    let mut strikes = Vec::new();
    if roadmap.ranged {
        let list = if roadmap.slug == "alchemist" {
            BOMBS
        } else {
            RANGED
        };
        strikes.push(strike(
            level,
            pick(rng, list),
            true,
            attack,
            damage,
            magical,
        ));
        // Ranged specialists are weaker in melee.
        let melee = pick(rng, melee_list);
        strikes.push(strike(
            level,
            melee,
            false,
            weaker(attack),
            weaker(damage),
            magical,
        ));
    } else {
        let mut melee = melee_list.to_vec();
        melee.shuffle(rng);
        strikes.push(strike(level, melee[0], false, attack, damage, magical));
        if !roadmap.class && roadmap.spellcasting.is_none() {
            // A second natural attack, one damage column lower, as most monsters have.
            strikes.push(strike(
                level,
                melee[1],
                false,
                attack,
                weaker(damage),
                magical,
            ));
        }
    }

    let spellcasting = roadmap.spellcasting.map(|spells| {
        let dc = cell(level, pick(rng, spells.dc), tables::spell_dc);
        let ability = if matches!(primary, Ability::Int | Ability::Wis | Ability::Cha) {
            primary
        } else {
            Ability::Cha
        };
        let full_rank = ((level + 1) / 2).clamp(0, 10);
        SpellStats {
            tradition: pick(rng, spells.traditions),
            casting: pick(rng, spells.castings),
            ability,
            dc,
            attack: dc.value - 8,
            max_rank: (full_rank - spells.rank_penalty).max(0),
        }
    });

    let unlimited = tables::area_damage(level, false).unwrap_or(Damage {
        formula: "1d4",
        mean: 2,
    });
    let limited = tables::area_damage(level, true).unwrap_or(unlimited);
    let (resistance_min, resistance_max) = tables::resistance(level).unwrap_or((1, 1));
    Creature {
        name,
        roadmap: roadmap.slug,
        level,
        seed,
        adjustment: None,
        abilities,
        perception,
        ac,
        fortitude,
        reflex,
        will,
        hp,
        speed: 25 + roadmap.speed_bonus,
        skills,
        strikes,
        spellcasting,
        suggestions: Suggestions {
            area_damage_unlimited: unlimited,
            area_damage_limited: limited,
            resistance_min,
            resistance_max,
        },
        adjusted: None,
    }
}

impl Creature {
    /// Records an elite or weak adjustment and what the system will show with it; base numbers stay as built.
    pub fn apply(&mut self, adjustment: Adjustment) {
        let delta = adjustment.modifier();
        self.name = format!("{} {}", adjustment.name_prefix(), self.name);
        self.adjustment = Some(adjustment);
        self.adjusted = Some(Adjusted {
            adjustment,
            level: adjustment.level(self.level),
            hp: (self.hp.value + adjustment.hit_points(self.level)).max(1),
            ac: self.ac.value + delta,
            perception: self.perception.value + delta,
            fortitude: self.fortitude.value + delta,
            reflex: self.reflex.value + delta,
            will: self.will.value + delta,
            strike_attacks: self
                .strikes
                .iter()
                .map(|s| s.attack.value + delta)
                .collect(),
            strike_damage: self
                .strikes
                .iter()
                .map(|s| match super::dice::DiceFormula::parse(s.damage) {
                    Some(formula) => formula.with_bonus(formula.bonus + delta).to_string(),
                    None => s.damage.to_string(),
                })
                .collect(),
            spell_dc: self.spellcasting.as_ref().map(|s| s.dc.value + delta),
            spell_attack: self.spellcasting.as_ref().map(|s| s.attack + delta),
        });
    }

    pub fn ability(&self, ability: Ability) -> i32 {
        self.abilities
            .iter()
            .find(|stat| stat.ability == ability)
            .map_or(0, |stat| stat.value)
    }
}
