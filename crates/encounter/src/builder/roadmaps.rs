//! Road maps from the Gamemastery Guide: which column of each table a kind of creature uses. Where the book
//! allows a range ("high or extreme", "low to moderate") every allowed column is listed and the builder's seed
//! picks one. The seven monster road maps come from "Building Creatures", the class road maps from the NPC
//! chapter's class road maps; the numbers behind the columns are in [`super::tables`].

use serde::Serialize;

use super::tables::Tier::{self, Extreme, High, Low, Moderate};

/// The six attributes, by their pf2e keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ability {
    Str,
    Dex,
    Con,
    Int,
    Wis,
    Cha,
}

impl Ability {
    pub const ALL: [Ability; 6] = [
        Ability::Str,
        Ability::Dex,
        Ability::Con,
        Ability::Int,
        Ability::Wis,
        Ability::Cha,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Ability::Str => "str",
            Ability::Dex => "dex",
            Ability::Con => "con",
            Ability::Int => "int",
            Ability::Wis => "wis",
            Ability::Cha => "cha",
        }
    }
}

/// The four magical traditions (pf2e `tradition.value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Tradition {
    Arcane,
    Divine,
    Occult,
    Primal,
}

impl Tradition {
    pub fn key(self) -> &'static str {
        match self {
            Tradition::Arcane => "arcane",
            Tradition::Divine => "divine",
            Tradition::Occult => "occult",
            Tradition::Primal => "primal",
        }
    }
}

/// How a creature casts (pf2e `prepared.value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Casting {
    Prepared,
    Spontaneous,
    Innate,
}

impl Casting {
    pub fn key(self) -> &'static str {
        match self {
            Casting::Prepared => "prepared",
            Casting::Spontaneous => "spontaneous",
            Casting::Innate => "innate",
        }
    }
}

/// One skill the road map gives: one of `options`, at one of `tiers`.
#[derive(Debug, Clone, Copy)]
pub struct SkillPick {
    pub options: &'static [&'static str],
    pub tiers: &'static [Tier],
}

/// A strike profile: attack and damage columns that go together ("high attack and high damage or moderate
/// attack and extreme damage").
pub type StrikeProfile = (Tier, Tier);

#[derive(Debug, Clone, Copy)]
pub struct Spellcasting {
    pub dc: &'static [Tier],
    pub traditions: &'static [Tradition],
    pub castings: &'static [Casting],
    /// Magical strikers cast one rank below a full caster of their level.
    pub rank_penalty: i32,
}

/// A road map. `primary` picks one attribute for `primary_tiers` (e.g. "high Str or Dex").
#[derive(Debug, Clone, Copy)]
pub struct RoadMap {
    pub slug: &'static str,
    pub name: &'static str,
    pub class: bool,
    pub perception: &'static [Tier],
    pub primary: &'static [Ability],
    pub primary_tiers: &'static [Tier],
    pub secondary: &'static [(Ability, &'static [Tier])],
    pub other_abilities: &'static [Tier],
    pub ac: &'static [Tier],
    pub fortitude: &'static [Tier],
    pub reflex: &'static [Tier],
    pub will: &'static [Tier],
    pub hp: &'static [Tier],
    pub strike: &'static [StrikeProfile],
    /// The main strike is ranged (snipers, alchemists' bombs); a weaker melee strike is added.
    pub ranged: bool,
    pub skills: &'static [SkillPick],
    pub spellcasting: Option<Spellcasting>,
    pub speed_bonus: i32,
}

const BASE: RoadMap = RoadMap {
    slug: "",
    name: "",
    class: false,
    perception: &[Moderate],
    primary: &[Ability::Str],
    primary_tiers: &[High],
    secondary: &[],
    other_abilities: &[Moderate, Low],
    ac: &[Moderate],
    fortitude: &[Moderate],
    reflex: &[Moderate],
    will: &[Moderate],
    hp: &[Moderate],
    strike: &[(Moderate, Moderate)],
    ranged: false,
    skills: &[],
    spellcasting: None,
    speed_bonus: 0,
};

const LOW_TO_MODERATE: &[Tier] = &[Low, Moderate];
const HIGH_OR_EXTREME: &[Tier] = &[High, Extreme];
const MENTAL: &[Ability] = &[Ability::Int, Ability::Wis, Ability::Cha];
const STR_OR_DEX: &[Ability] = &[Ability::Str, Ability::Dex];
const ALL_TRADITIONS: &[Tradition] = &[
    Tradition::Arcane,
    Tradition::Divine,
    Tradition::Occult,
    Tradition::Primal,
];
const TRADITION_SKILLS: &[&str] = &["arcana", "religion", "occultism", "nature"];

const fn skill(options: &'static [&'static str], tiers: &'static [Tier]) -> SkillPick {
    SkillPick { options, tiers }
}

pub const ROADMAPS: &[RoadMap] = &[
    RoadMap {
        slug: "brute",
        name: "Brute",
        perception: &[Low],
        primary_tiers: HIGH_OR_EXTREME,
        secondary: &[(Ability::Con, &[High, Moderate])],
        other_abilities: &[Low],
        ac: LOW_TO_MODERATE,
        fortitude: &[High],
        reflex: &[Low],
        will: LOW_TO_MODERATE,
        hp: &[High],
        strike: &[(High, High), (Moderate, Extreme)],
        skills: &[
            skill(&["athletics"], &[High]),
            skill(&["intimidation"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "magical-striker",
        name: "Magical Striker",
        primary: STR_OR_DEX,
        secondary: &[(Ability::Cha, &[Moderate, High])],
        strike: &[(High, High)],
        skills: &[
            skill(&["athletics", "acrobatics"], &[Moderate, High]),
            skill(TRADITION_SKILLS, &[Moderate]),
        ],
        spellcasting: Some(Spellcasting {
            dc: &[Moderate, High],
            traditions: ALL_TRADITIONS,
            castings: &[Casting::Innate, Casting::Prepared, Casting::Spontaneous],
            rank_penalty: 1,
        }),
        ..BASE
    },
    RoadMap {
        slug: "skill-paragon",
        name: "Skill Paragon",
        perception: &[Moderate, High],
        primary: &[Ability::Dex, Ability::Int, Ability::Wis, Ability::Cha],
        primary_tiers: HIGH_OR_EXTREME,
        fortitude: &[Low],
        reflex: &[High, Moderate],
        will: &[High, Moderate],
        skills: &[
            skill(
                &[
                    "acrobatics",
                    "stealth",
                    "thievery",
                    "deception",
                    "diplomacy",
                ],
                &[Extreme],
            ),
            skill(
                &[
                    "athletics",
                    "society",
                    "performance",
                    "intimidation",
                    "survival",
                ],
                &[High, Extreme],
            ),
            skill(
                &["crafting", "medicine", "nature", "arcana", "occultism"],
                &[Moderate, High],
            ),
            skill(
                &["religion", "stealth", "diplomacy", "acrobatics"],
                &[Moderate, High],
            ),
        ],
        ..BASE
    },
    RoadMap {
        slug: "skirmisher",
        name: "Skirmisher",
        primary: &[Ability::Dex],
        fortitude: &[Low],
        reflex: &[High],
        strike: &[(High, Moderate), (Moderate, High)],
        skills: &[
            skill(&["acrobatics"], &[High]),
            skill(&["athletics", "stealth"], &[Moderate]),
        ],
        speed_bonus: 10,
        ..BASE
    },
    RoadMap {
        slug: "sniper",
        name: "Sniper",
        perception: &[High],
        primary: &[Ability::Dex],
        fortitude: &[Low],
        reflex: &[High],
        hp: LOW_TO_MODERATE,
        strike: &[(High, High), (Moderate, Extreme)],
        ranged: true,
        skills: &[
            skill(&["stealth"], &[High]),
            skill(&["survival", "acrobatics"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "soldier",
        name: "Soldier",
        ac: HIGH_OR_EXTREME,
        fortitude: &[High],
        strike: &[(High, High)],
        skills: &[
            skill(&["athletics"], &[High]),
            skill(&["intimidation"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "spellcaster",
        name: "Spellcaster",
        primary: MENTAL,
        primary_tiers: HIGH_OR_EXTREME,
        ac: &[Low, Moderate],
        fortitude: &[Low],
        will: &[High],
        hp: &[Low],
        strike: &[(Low, Moderate), (Low, Low)],
        skills: &[
            skill(TRADITION_SKILLS, &[High]),
            skill(&["society", "diplomacy", "medicine"], &[Moderate]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: ALL_TRADITIONS,
            castings: &[Casting::Prepared, Casting::Spontaneous],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "alchemist",
        name: "Alchemist",
        class: true,
        perception: &[Low],
        primary: &[Ability::Int],
        secondary: &[(Ability::Dex, &[Moderate, High])],
        hp: LOW_TO_MODERATE,
        strike: &[(Moderate, Moderate)],
        ranged: true,
        skills: &[
            skill(&["crafting"], &[High]),
            skill(&["medicine", "arcana"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "barbarian",
        name: "Barbarian",
        class: true,
        secondary: &[(Ability::Con, &[High, Moderate])],
        ac: &[High],
        fortitude: &[High],
        hp: &[High],
        strike: &[(Moderate, Extreme)],
        skills: &[
            skill(&["athletics"], &[High]),
            skill(&["intimidation"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "bard",
        name: "Bard",
        class: true,
        primary: &[Ability::Cha],
        fortitude: &[Low],
        will: &[Moderate, High],
        hp: LOW_TO_MODERATE,
        strike: &[(Low, Low), (Low, Moderate)],
        skills: &[
            skill(&["performance"], &[High]),
            skill(&["diplomacy", "deception"], &[High]),
            skill(&["occultism"], &[Moderate]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: &[Tradition::Occult],
            castings: &[Casting::Spontaneous],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "champion",
        name: "Champion",
        class: true,
        perception: &[Low],
        primary: STR_OR_DEX,
        secondary: &[(Ability::Cha, &[Moderate])],
        ac: &[Extreme],
        reflex: &[Low],
        strike: &[(Moderate, High)],
        skills: &[
            skill(&["religion"], &[Moderate]),
            skill(&["athletics", "diplomacy"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "cleric-cloistered",
        name: "Cloistered Cleric",
        class: true,
        perception: &[High],
        primary: &[Ability::Wis],
        ac: &[Low],
        fortitude: &[Low],
        will: &[High],
        hp: LOW_TO_MODERATE,
        strike: &[(Low, Low), (Low, Moderate)],
        skills: &[
            skill(&["religion"], &[High]),
            skill(&["medicine", "diplomacy", "society"], &[Moderate, High]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: &[Tradition::Divine],
            castings: &[Casting::Prepared],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "cleric-warpriest",
        name: "Warpriest",
        class: true,
        secondary: &[(Ability::Wis, &[Moderate])],
        ac: &[High],
        reflex: &[Low],
        will: &[High],
        skills: &[
            skill(&["religion"], &[Moderate]),
            skill(
                &["athletics", "medicine", "intimidation"],
                &[Moderate, High],
            ),
        ],
        spellcasting: Some(Spellcasting {
            dc: &[High],
            traditions: &[Tradition::Divine],
            castings: &[Casting::Prepared],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "druid",
        name: "Druid",
        class: true,
        perception: &[High],
        primary: &[Ability::Wis],
        will: &[High],
        hp: LOW_TO_MODERATE,
        strike: &[(Low, Low), (Low, Moderate)],
        skills: &[
            skill(&["nature"], &[High]),
            skill(&["survival", "athletics", "medicine"], &[Moderate, High]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: &[Tradition::Primal],
            castings: &[Casting::Prepared],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "fighter",
        name: "Fighter",
        class: true,
        primary: STR_OR_DEX,
        ac: &[High],
        will: &[Low],
        strike: &[(High, High)],
        skills: &[
            skill(&["athletics", "acrobatics"], &[High]),
            skill(&["intimidation"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "monk",
        name: "Monk",
        class: true,
        primary: STR_OR_DEX,
        secondary: &[(Ability::Wis, &[Moderate])],
        ac: HIGH_OR_EXTREME,
        strike: &[(Moderate, High)],
        skills: &[
            skill(&["acrobatics", "athletics"], &[High]),
            skill(&["athletics", "acrobatics"], &[High, Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "ranger",
        name: "Ranger",
        class: true,
        perception: &[High],
        primary: STR_OR_DEX,
        ac: &[High],
        strike: &[(Moderate, High), (High, High)],
        skills: &[
            skill(&["nature"], &[Moderate]),
            skill(&["survival"], &[Moderate, High]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "rogue",
        name: "Rogue",
        class: true,
        perception: &[High],
        primary: &[Ability::Dex],
        ac: &[High],
        fortitude: &[Low],
        reflex: &[High],
        hp: LOW_TO_MODERATE,
        strike: &[(Moderate, Low), (Moderate, Moderate)],
        skills: &[
            skill(&["stealth"], &[High]),
            skill(&["thievery"], &[High]),
            skill(&["deception", "acrobatics", "society"], &[Moderate, High]),
            skill(&["diplomacy", "intimidation", "athletics"], &[Moderate]),
        ],
        ..BASE
    },
    RoadMap {
        slug: "sorcerer",
        name: "Sorcerer",
        class: true,
        perception: &[Low],
        primary: &[Ability::Cha],
        ac: &[Low],
        fortitude: &[Low],
        hp: &[Low],
        strike: &[(Low, Low), (Low, Moderate)],
        skills: &[
            skill(TRADITION_SKILLS, &[Moderate]),
            skill(&["deception", "intimidation", "diplomacy"], &[High]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: ALL_TRADITIONS,
            castings: &[Casting::Spontaneous],
            rank_penalty: 0,
        }),
        ..BASE
    },
    RoadMap {
        slug: "wizard",
        name: "Wizard",
        class: true,
        perception: &[Low],
        primary: &[Ability::Int],
        ac: &[Low],
        fortitude: &[Low],
        hp: &[Low],
        strike: &[(Low, Low), (Low, Moderate)],
        skills: &[
            skill(&["arcana"], &[High]),
            skill(&["society", "crafting", "occultism"], &[Moderate]),
        ],
        spellcasting: Some(Spellcasting {
            dc: HIGH_OR_EXTREME,
            traditions: &[Tradition::Arcane],
            castings: &[Casting::Prepared],
            rank_penalty: 0,
        }),
        ..BASE
    },
];

/// Finds a road map by slug or name, forgiving case, spaces and underscores ("Magical Striker", "magical_striker").
pub fn find(name: &str) -> Option<&'static RoadMap> {
    let wanted: String = name
        .trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    ROADMAPS.iter().find(|roadmap| {
        roadmap.slug == wanted || (wanted == "cleric" && roadmap.slug == "cleric-cloistered")
    })
}

pub fn slugs() -> Vec<&'static str> {
    ROADMAPS.iter().map(|roadmap| roadmap.slug).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_monster_road_maps_are_there() {
        let monsters: Vec<_> = ROADMAPS
            .iter()
            .filter(|r| !r.class)
            .map(|r| r.slug)
            .collect();
        assert_eq!(
            monsters,
            [
                "brute",
                "magical-striker",
                "skill-paragon",
                "skirmisher",
                "sniper",
                "soldier",
                "spellcaster"
            ]
        );
        assert!(ROADMAPS.iter().filter(|r| r.class).count() >= 12);
    }

    #[test]
    fn find_forgives_spelling() {
        assert_eq!(find("Magical Striker").unwrap().slug, "magical-striker");
        assert_eq!(find("skill_paragon").unwrap().slug, "skill-paragon");
        assert_eq!(find("cleric").unwrap().slug, "cleric-cloistered");
        assert!(find("dragon").is_none());
    }

    #[test]
    fn every_road_map_is_complete() {
        for roadmap in ROADMAPS {
            assert!(
                !roadmap.primary.is_empty() && !roadmap.primary_tiers.is_empty(),
                "{}",
                roadmap.slug
            );
            assert!(
                !roadmap.strike.is_empty() && !roadmap.hp.is_empty(),
                "{}",
                roadmap.slug
            );
            assert!(
                roadmap
                    .hp
                    .iter()
                    .all(|tier| matches!(tier, High | Moderate | Low)),
                "{}",
                roadmap.slug
            );
            assert!(!roadmap.skills.is_empty(), "{}", roadmap.slug);
            if let Some(spells) = roadmap.spellcasting {
                assert!(spells
                    .dc
                    .iter()
                    .all(|tier| matches!(tier, Extreme | High | Moderate)));
            }
        }
    }
}
