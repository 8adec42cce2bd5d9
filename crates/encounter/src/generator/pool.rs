//! The creature pool: what a compendium index says about each creature or hazard, read from index JSON or
//! straight from compendium actor documents (`bestiary.jsonl`), and the GM's filters over it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::InputError;
use crate::xp::EntityKind;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Rarity {
    #[default]
    Common,
    Uncommon,
    Rare,
    Unique,
}

impl Rarity {
    pub fn parse(text: &str) -> Option<Rarity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "common" => Some(Rarity::Common),
            "uncommon" => Some(Rarity::Uncommon),
            "rare" => Some(Rarity::Rare),
            "unique" => Some(Rarity::Unique),
            _ => None,
        }
    }
}

/// One compendium index row: enough to choose a creature and drag it into a scene.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolEntry {
    pub uuid: String,
    pub name: String,
    pub level: i32,
    #[serde(default)]
    pub traits: Vec<String>,
    #[serde(default)]
    pub rarity: Rarity,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub kind: EntityKind,
}

/// Reads a compendium actor (`npc` or `hazard`, as `toObject()` gives it plus `uuid`); anything else, or an
/// actor without a usable level, is skipped rather than guessed at.
pub fn entry_from_actor(actor: &Value) -> Option<PoolEntry> {
    let system = &actor["system"];
    let kind = match actor["type"].as_str()? {
        "npc" => EntityKind::Creature,
        "hazard" if system["details"]["isComplex"].as_bool() == Some(true) => {
            EntityKind::ComplexHazard
        }
        "hazard" => EntityKind::SimpleHazard,
        _ => return None,
    };
    let level = &system["details"]["level"]["value"];
    let level = level
        .as_i64()
        .or_else(|| level.as_str().and_then(|text| text.trim().parse().ok()))?;
    let traits = &system["traits"];
    let rarity = traits["rarity"]
        .as_str()
        .or_else(|| traits["rarity"]["value"].as_str())
        .and_then(Rarity::parse)
        .unwrap_or_default();
    Some(PoolEntry {
        uuid: actor["uuid"].as_str()?.to_string(),
        name: actor["name"].as_str().unwrap_or("Unnamed").to_string(),
        level: i32::try_from(level).ok()?,
        traits: traits["value"]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_lowercase))
                    .collect()
            })
            .unwrap_or_default(),
        rarity,
        size: traits["size"]["value"].as_str().map(str::to_string),
        kind,
    })
}

/// A pool from JSON lines of compendium actors or of index rows; returns the entries and how many lines were
/// skipped (malformed JSON, loot actors, characters, ...).
pub fn pool_from_jsonl(text: &str) -> (Vec<PoolEntry>, usize) {
    let mut entries = Vec::new();
    let mut skipped = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let parsed = serde_json::from_str::<Value>(line).ok().and_then(|value| {
            if value.get("system").is_some() {
                entry_from_actor(&value)
            } else {
                serde_json::from_value::<PoolEntry>(value).ok()
            }
        });
        match parsed {
            Some(entry) => entries.push(entry),
            None => skipped += 1,
        }
    }
    (entries, skipped)
}

/// A pool from a JSON array (a compendium index export or actors) or from JSON lines; only a malformed array is
/// an error, since a bad line in a JSONL file should not cost the GM the rest of the bestiary.
pub fn pool_from_text(text: &str) -> Result<(Vec<PoolEntry>, usize), InputError> {
    if !text.trim_start().starts_with('[') {
        return Ok(pool_from_jsonl(text));
    }
    let values: Vec<Value> = serde_json::from_str(text).map_err(|error| InputError::Malformed {
        what: "the creature pool".into(),
        reason: error.to_string(),
    })?;
    let total = values.len();
    let entries: Vec<PoolEntry> = values
        .into_iter()
        .filter_map(|value| {
            if value.get("system").is_some() {
                entry_from_actor(&value)
            } else {
                serde_json::from_value(value).ok()
            }
        })
        .collect();
    let skipped = total - entries.len();
    Ok((entries, skipped))
}

/// The GM's filters: any of `include_traits` (when given), none of `exclude_traits`, rarity at most the cap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolFilter {
    pub include_traits: Vec<String>,
    pub exclude_traits: Vec<String>,
    pub max_rarity: Option<Rarity>,
    pub allow_hazards: bool,
}

impl PoolFilter {
    pub fn accepts(&self, entry: &PoolEntry) -> bool {
        let has = |wanted: &String| entry.traits.iter().any(|t| t.eq_ignore_ascii_case(wanted));
        (self.allow_hazards || !entry.kind.is_hazard())
            && (self.include_traits.is_empty() || self.include_traits.iter().any(has))
            && !self.exclude_traits.iter().any(has)
            && self.max_rarity.is_none_or(|cap| entry.rarity <= cap)
            // Minions and eidolons are not encounter creatures in the system's own tracker.
            && !entry.traits.iter().any(|t| t == "minion" || t == "eidolon")
    }

    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.include_traits.is_empty() {
            parts.push(format!("with any of {}", self.include_traits.join(", ")));
        }
        if !self.exclude_traits.is_empty() {
            parts.push(format!("without {}", self.exclude_traits.join(", ")));
        }
        if let Some(cap) = self.max_rarity {
            parts.push(format!("rarity at most {cap:?}").to_lowercase());
        }
        if !self.allow_hazards {
            parts.push("no hazards".into());
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_compendium_actors_and_skips_the_rest() {
        let npc = json!({"uuid": "Compendium.x.Actor.a", "name": "Goblin", "type": "npc",
            "system": {"details": {"level": {"value": -1}}, "traits": {"value": ["Goblin", "humanoid"], "rarity": "common", "size": {"value": "sm"}}}});
        let entry = entry_from_actor(&npc).unwrap();
        assert_eq!(
            (entry.level, entry.kind, entry.size.as_deref()),
            (-1, EntityKind::Creature, Some("sm"))
        );
        assert_eq!(entry.traits, ["goblin", "humanoid"]);
        let hazard = json!({"uuid": "u", "name": "Trap", "type": "hazard",
            "system": {"details": {"level": {"value": "3"}, "isComplex": true}, "traits": {"value": [], "rarity": {"value": "rare"}}}});
        let entry = entry_from_actor(&hazard).unwrap();
        assert_eq!(
            (entry.level, entry.kind, entry.rarity),
            (3, EntityKind::ComplexHazard, Rarity::Rare)
        );
        assert!(entry_from_actor(&json!({"type": "loot", "uuid": "l", "system": {}})).is_none());
        assert!(
            entry_from_actor(&json!({"type": "npc", "uuid": "n", "system": {"details": {}}}))
                .is_none()
        );
        let text = format!(
            "{npc}\nnot json\n{}\n\n{}",
            json!({"uuid": "i", "name": "Index Row", "level": 2}),
            json!({"type": "character", "system": {}})
        );
        let (entries, skipped) = pool_from_jsonl(&text);
        assert_eq!((entries.len(), skipped), (2, 2));
        let array = format!(
            "[{npc}, {}, 3]",
            json!({"uuid": "i", "name": "Row", "level": 2, "kind": "simpleHazard"})
        );
        let (entries, skipped) = pool_from_text(&array).unwrap();
        assert_eq!(
            (entries.len(), skipped, entries[1].kind),
            (2, 1, EntityKind::SimpleHazard)
        );
        assert!(pool_from_text("[{").is_err());
        assert_eq!(pool_from_text(&text).unwrap().0.len(), 2);
    }

    #[test]
    fn filters_by_traits_rarity_and_kind() {
        let entry = |traits: &[&str], rarity, kind| PoolEntry {
            uuid: "u".into(),
            name: "n".into(),
            level: 1,
            traits: traits.iter().map(|t| t.to_string()).collect(),
            rarity,
            size: None,
            kind,
        };
        let filter = PoolFilter {
            include_traits: vec!["undead".into(), "fiend".into()],
            exclude_traits: vec!["incorporeal".into()],
            max_rarity: Some(Rarity::Uncommon),
            allow_hazards: false,
        };
        assert!(filter.accepts(&entry(&["undead"], Rarity::Common, EntityKind::Creature)));
        assert!(!filter.accepts(&entry(
            &["undead", "incorporeal"],
            Rarity::Common,
            EntityKind::Creature
        )));
        assert!(!filter.accepts(&entry(&["undead"], Rarity::Rare, EntityKind::Creature)));
        assert!(!filter.accepts(&entry(&["beast"], Rarity::Common, EntityKind::Creature)));
        assert!(!filter.accepts(&entry(
            &["undead"],
            Rarity::Common,
            EntityKind::SimpleHazard
        )));
        assert!(!PoolFilter::default().accepts(&entry(
            &["minion"],
            Rarity::Common,
            EntityKind::Creature
        )));
        assert!(filter.describe().contains("uncommon"));
    }
}
