//! Which pf2e release an NPC document is written for, and where that release keeps each field the builder sets.
//!
//! The differences between releases live in one table, [`SHAPES`]; `npc.rs` matches on its enums and nowhere
//! else asks for a version. Each row starts at the first release that carries the migrations named beside it
//! (`src/module/migration/migrations/` in `foundryvtt/pf2e`); the README's "pf2e versions" section says what was
//! read where.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::BuildError;

/// A pf2e system release, as `game.system.version` gives it: `"8.0.0"`, `"7.4.1"`, `"4.12.1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pf2eVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Pf2eVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Pf2eVersion {
        Pf2eVersion {
            major,
            minor,
            patch,
        }
    }

    /// The newest release whose NPC shape we know: the default of `familiar monster --pf2e-version`.
    pub const NEWEST: Pf2eVersion = Pf2eVersion::new(8, 0, 0);
    /// The oldest release we write for (pf2e 4.x ran on Foundry v10, the oldest Foundry we support).
    pub const OLDEST: Pf2eVersion = Pf2eVersion::new(4, 0, 0);

    /// Reads `major.minor[.patch]`, ignoring a leading `v` and a `-beta.1` / `+build` suffix. Releases newer
    /// than [`Pf2eVersion::NEWEST`] are accepted and written in the newest shape; releases older than
    /// [`Pf2eVersion::OLDEST`] are refused.
    pub fn parse(text: &str) -> Result<Pf2eVersion, BuildError> {
        let malformed = |reason: String| BuildError::Malformed {
            what: "pf2e version".into(),
            reason,
        };
        let trimmed = text.trim();
        let core = trimmed
            .strip_prefix('v')
            .unwrap_or(trimmed)
            .split(['-', '+'])
            .next()
            .unwrap_or_default();
        let parts: Vec<&str> = core.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(malformed(format!(
                "{text:?} is not a version like 8.0.0 (major.minor.patch)"
            )));
        }
        let number = |part: &str| {
            part.parse::<u32>()
                .map_err(|_| malformed(format!("{part:?} in {text:?} is not a whole number")))
        };
        let version = Pf2eVersion::new(
            number(parts[0])?,
            number(parts[1])?,
            parts.get(2).map_or(Ok(0), |part| number(part))?,
        );
        if version < Pf2eVersion::OLDEST {
            return Err(BuildError::UnsupportedPf2eVersion {
                version: version.to_string(),
                oldest: Pf2eVersion::OLDEST.to_string(),
            });
        }
        Ok(version)
    }
}

impl Default for Pf2eVersion {
    fn default() -> Pf2eVersion {
        Pf2eVersion::NEWEST
    }
}

impl fmt::Display for Pf2eVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for Pf2eVersion {
    type Err = BuildError;

    fn from_str(text: &str) -> Result<Pf2eVersion, BuildError> {
        Pf2eVersion::parse(text)
    }
}

impl Serialize for Pf2eVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Where perception, initiative, senses and languages live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PerceptionAt {
    /// `attributes.perception.value`, `attributes.initiative.statistic`, `traits.senses.value` (one string),
    /// `traits.languages`.
    Attributes,
    /// `perception {mod, details, senses: [{type, acuity?, range?}], vision}`, `initiative.statistic`,
    /// `details.languages` (migrations 914 and 915).
    TopLevel,
}

/// Where the book and the creature's alignment live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DetailsAt {
    /// `details.source.value`, `details.alignment.value`, `details.creatureType`.
    SourceAndAlignment,
    /// `details.publication {title, authors, license, remaster}`, no alignment (migrations 877 and 883).
    Publication,
}

/// Where the skills live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkillsAt {
    /// One `lore` item a skill, named "Athletics", with `system.mod.value`.
    LoreItems,
    /// `system.skills.<slug>.base` (migration 932); `lore` items remain for real Lores only.
    SystemSkills,
}

/// The `melee` item's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StrikeShape {
    /// `weaponType.value` and `attack.value`; a range is a `range-increment-N` / `range-N` trait.
    WeaponTypeAndRangeTraits,
    /// The NPC-attack data model: `range: null | {increment, max}` (migration 949), no `weaponType` or `attack`.
    RangeData,
}

/// Where one pf2e release keeps every field the builder writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NpcShape {
    /// The first release with this shape.
    pub since: Pf2eVersion,
    pub perception: PerceptionAt,
    pub details: DetailsAt,
    pub skills: SkillsAt,
    pub strikes: StrikeShape,
}

/// The shapes, oldest first. Speeds (`attributes.speed {value, otherSpeeds, details}`), immunities, weaknesses
/// and resistances (`attributes.*` arrays), saves, ability modifiers, traits, rarity, size and level are where
/// they are in every row: migration 943 (`movement.speeds`) deletes `attributes.speed` from every actor but NPCs.
pub const SHAPES: [NpcShape; 4] = [
    // pf2e 4.x (Foundry v10).
    NpcShape {
        since: Pf2eVersion::OLDEST,
        perception: PerceptionAt::Attributes,
        details: DetailsAt::SourceAndAlignment,
        skills: SkillsAt::LoreItems,
        strikes: StrikeShape::WeaponTypeAndRangeTraits,
    },
    // 5.12.0: migrations 914 (perception, initiative, senses) and 915 (languages); 877 (publication) and 883
    // (alignment) came a few 5.x releases earlier and are folded in here.
    NpcShape {
        since: Pf2eVersion::new(5, 12, 0),
        perception: PerceptionAt::TopLevel,
        details: DetailsAt::Publication,
        skills: SkillsAt::LoreItems,
        strikes: StrikeShape::WeaponTypeAndRangeTraits,
    },
    // 6.1.0: migration 932 (NPC skills in system data).
    NpcShape {
        since: Pf2eVersion::new(6, 1, 0),
        perception: PerceptionAt::TopLevel,
        details: DetailsAt::Publication,
        skills: SkillsAt::SystemSkills,
        strikes: StrikeShape::WeaponTypeAndRangeTraits,
    },
    // 8.0.0 (Foundry v14): the NPC-attack data model with range data. Migration 949 came late on the 7.x line
    // (after 7.4.1); the model's `migrateData` turns range traits into data, so those 7.x releases read the
    // traits above as well.
    NpcShape {
        since: Pf2eVersion::NEWEST,
        perception: PerceptionAt::TopLevel,
        details: DetailsAt::Publication,
        skills: SkillsAt::SystemSkills,
        strikes: StrikeShape::RangeData,
    },
];

impl NpcShape {
    /// The shape of the newest row that `version` has reached.
    pub fn for_version(version: Pf2eVersion) -> NpcShape {
        SHAPES
            .iter()
            .rev()
            .find(|shape| shape.since <= version)
            .copied()
            .unwrap_or(SHAPES[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(Pf2eVersion::parse("8.0.0"), Ok(Pf2eVersion::new(8, 0, 0)));
        assert_eq!(Pf2eVersion::parse(" 7.4.1 "), Ok(Pf2eVersion::new(7, 4, 1)));
        assert_eq!(Pf2eVersion::parse("v6.12"), Ok(Pf2eVersion::new(6, 12, 0)));
        assert_eq!(
            Pf2eVersion::parse("8.1.0-beta.2"),
            Ok(Pf2eVersion::new(8, 1, 0))
        );
        assert!(Pf2eVersion::new(5, 16, 1) > Pf2eVersion::new(5, 12, 0));
        assert!(Pf2eVersion::new(4, 12, 1) < Pf2eVersion::new(5, 0, 0));
        assert_eq!(Pf2eVersion::NEWEST.to_string(), "8.0.0");
        for bad in ["", "8", "eight.0.0", "8.0.0.1", "8..0", "-1.0.0"] {
            let error = Pf2eVersion::parse(bad).unwrap_err();
            assert!(
                matches!(error, BuildError::Malformed { .. }),
                "{bad:?}: {error}"
            );
        }
        let old = Pf2eVersion::parse("3.13.5").unwrap_err();
        assert!(old.to_string().contains("4.0.0"), "{old}");
    }

    #[test]
    fn every_harness_release_gets_its_shape() {
        let shape = |text: &str| NpcShape::for_version(Pf2eVersion::parse(text).unwrap());
        let v4 = shape("4.12.1");
        assert_eq!(
            (v4.perception, v4.details, v4.skills, v4.strikes),
            (
                PerceptionAt::Attributes,
                DetailsAt::SourceAndAlignment,
                SkillsAt::LoreItems,
                StrikeShape::WeaponTypeAndRangeTraits
            )
        );
        assert_eq!(shape("5.11.5"), v4);
        let v5 = shape("5.16.1");
        assert_eq!(
            (v5.perception, v5.skills),
            (PerceptionAt::TopLevel, SkillsAt::LoreItems)
        );
        assert_eq!(shape("6.0.0"), v5);
        let v6 = shape("6.12.2");
        assert_eq!(
            (v6.skills, v6.strikes),
            (
                SkillsAt::SystemSkills,
                StrikeShape::WeaponTypeAndRangeTraits
            )
        );
        assert_eq!(shape("7.4.1"), v6);
        let v8 = shape("8.0.0");
        assert_eq!(v8.strikes, StrikeShape::RangeData);
        assert_eq!(shape("9.3.0"), v8, "newer releases get the newest shape");
        assert!(SHAPES.windows(2).all(|pair| pair[0].since < pair[1].since));
    }
}
