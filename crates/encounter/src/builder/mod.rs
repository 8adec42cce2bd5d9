//! The creature builder: Gamemastery Guide tables, road maps, elite/weak, and pf2e NPC documents.

pub mod adjust;
pub mod creature;
pub mod dice;
pub mod features;
pub mod npc;
pub mod roadmaps;
pub mod shape;
pub mod tables;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::BuildError;
use crate::xp::whole;
pub use adjust::Adjustment;
pub use creature::Creature;
pub use features::{Acuity, Features, Iwr, OtherSpeed, Sense};
pub use shape::{NpcShape, Pf2eVersion};

/// What the GM asks for: `familiar monster --level 5 --roadmap brute --elite --seed 7`, or the `buildCreature` export.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BuildRequest {
    #[serde(deserialize_with = "crate::xp::js_number::one")]
    pub level: f64,
    pub roadmap: String,
    #[serde(default)]
    pub elite: bool,
    #[serde(default)]
    pub weak: bool,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub name: Option<String>,
    /// Creature traits (e.g. `["beast"]`); class road maps default to `["humanoid"]`.
    #[serde(default)]
    pub traits: Option<Vec<String>>,
    /// pf2e size key: tiny, sm, med, lg, huge, grg.
    #[serde(default)]
    pub size: Option<String>,
    /// The pf2e release that will receive the NPC (`game.system.version`); the newest supported when absent.
    #[serde(default)]
    pub pf2e_version: Option<String>,
    #[serde(default)]
    pub senses: Vec<Sense>,
    /// Immunity types, e.g. `["fire", "paralyzed"]`.
    #[serde(default)]
    pub immunities: Vec<String>,
    #[serde(default)]
    pub weaknesses: Vec<Iwr>,
    #[serde(default)]
    pub resistances: Vec<Iwr>,
    /// Language slugs, e.g. `["common", "draconic"]`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Speeds besides the land speed: burrow, climb, fly, swim.
    #[serde(default)]
    pub speeds: Vec<OtherSpeed>,
}

/// The creature with its statistics explained, and the pf2e NPC document to hand to `Actor.create`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuiltCreature {
    pub creature: Creature,
    /// Where the document keeps each field: the shape of the pf2e release it was written for.
    pub shape: NpcShape,
    pub actor: serde_json::Value,
}

const SIZES: [&str; 6] = ["tiny", "sm", "med", "lg", "huge", "grg"];

pub fn build_creature(request: &BuildRequest) -> Result<BuiltCreature, BuildError> {
    let level = whole("creature level", request.level).map_err(|error| BuildError::Malformed {
        what: "level".into(),
        reason: error.to_string(),
    })?;
    if !(i64::from(tables::MIN_LEVEL)..=i64::from(tables::MAX_LEVEL)).contains(&level) {
        return Err(BuildError::LevelOutOfRange { level });
    }
    let level = level as i32;
    let roadmap = roadmaps::find(&request.roadmap).ok_or_else(|| BuildError::UnknownRoadmap {
        name: request.roadmap.clone(),
        known: roadmaps::slugs().join(", "),
    })?;
    let adjustment = match (request.elite, request.weak) {
        (true, true) => return Err(BuildError::EliteAndWeak),
        (true, false) => Some(Adjustment::Elite),
        (false, true) => Some(Adjustment::Weak),
        (false, false) => None,
    };
    let size = request.size.as_deref().unwrap_or("med");
    if !SIZES.contains(&size) {
        return Err(BuildError::Malformed {
            what: "size".into(),
            reason: format!("{size:?} is not one of {}", SIZES.join(", ")),
        });
    }
    let name = request
        .name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| roadmap.name.to_string());
    let traits = request.traits.clone().unwrap_or_else(|| {
        if roadmap.class {
            vec!["humanoid".to_string()]
        } else {
            Vec::new()
        }
    });

    let version = match &request.pf2e_version {
        Some(text) => Pf2eVersion::parse(text)?,
        None => Pf2eVersion::NEWEST,
    };
    let shape = NpcShape::for_version(version);
    let features = Features {
        traits,
        size: size.to_string(),
        senses: request.senses.clone(),
        immunities: request.immunities.clone(),
        weaknesses: request.weaknesses.clone(),
        resistances: request.resistances.clone(),
        languages: request.languages.clone(),
        speeds: request.speeds.clone(),
    };
    features.check()?;

    let mut rng = StdRng::seed_from_u64(request.seed);
    let mut creature = creature::roll(roadmap, level, name, request.seed, &mut rng);
    if let Some(adjustment) = adjustment {
        creature.apply(adjustment);
    }
    let actor = npc::actor_source(&creature, &features, shape, &mut rng);
    Ok(BuiltCreature {
        creature,
        shape,
        actor,
    })
}
