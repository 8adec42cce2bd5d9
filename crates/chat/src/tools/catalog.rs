//! The eight tools: names, descriptions and JSON Schemas (the stable interface the README documents), and which
//! asker may be offered which ([`ToolSet`]). Read-only tools compute or look up; world-changing tools only ever become
//! proposals the GM confirms, and a player's request never carries them.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A tool by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolName {
    SearchRules,
    ReadRule,
    RateEncounter,
    GenerateEncounter,
    BuildCreature,
    CreateActor,
    StartCombat,
    PostToChat,
}

impl ToolName {
    pub const ALL: [ToolName; 8] = [
        ToolName::SearchRules,
        ToolName::ReadRule,
        ToolName::RateEncounter,
        ToolName::GenerateEncounter,
        ToolName::BuildCreature,
        ToolName::CreateActor,
        ToolName::StartCombat,
        ToolName::PostToChat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::SearchRules => "search_rules",
            ToolName::ReadRule => "read_rule",
            ToolName::RateEncounter => "rate_encounter",
            ToolName::GenerateEncounter => "generate_encounter",
            ToolName::BuildCreature => "build_creature",
            ToolName::CreateActor => "create_actor",
            ToolName::StartCombat => "start_combat",
            ToolName::PostToChat => "post_to_chat",
        }
    }

    /// The tool a model named, exactly (no case folding: a near miss is an unknown tool the model can correct).
    pub fn parse(name: &str) -> Option<ToolName> {
        ToolName::ALL.into_iter().find(|tool| tool.as_str() == name)
    }

    /// Whether running it changes the world (an actor, a combat, a chat message): GM only, and only on Confirm.
    pub fn changes_world(self) -> bool {
        matches!(
            self,
            ToolName::CreateActor | ToolName::StartCombat | ToolName::PostToChat
        )
    }

    pub fn description(self) -> &'static str {
        match self {
            ToolName::SearchRules => {
                "Search the table's PF2e rules compendia (rules, conditions, actions, spells, items, creatures). \
                 Returns passages with uuid, name, pack and a snippet, each with a cite number. Use it for any rule \
                 you are not given in the passages."
            }
            ToolName::ReadRule => {
                "Read the cleaned text of one document found with search_rules, by its uuid (capped in length)."
            }
            ToolName::RateEncounter => {
                "Rate an encounter exactly as the pf2e system does: XP for each creature and hazard, total XP, \
                 threat (trivial, low, moderate, severe, extreme), XP per player and warnings. Always use it for \
                 encounter XP or threat; never compute them yourself."
            }
            ToolName::GenerateEncounter => {
                "Propose encounters for a party and threat from the bestiaries the asker may open: creatures with \
                 uuids, counts and XP, each encounter rated exactly."
            }
            ToolName::BuildCreature => {
                "Build a creature from a Gamemastery Guide road map at a level: the full stat block (AC, HP, saves, \
                 Perception, strikes, spells) from the creature-building tables. Nothing is created."
            }
            ToolName::CreateActor => {
                "Create a built creature as a pf2e NPC actor in the world. The GM sees a preview and must confirm \
                 it. Pass the arguments you gave build_creature (seed included) so the GM gets what was previewed."
            }
            ToolName::StartCombat => {
                "Start a combat on the current scene with these compendium creatures (uuids from \
                 generate_encounter or search_rules), tokens hidden. The GM sees a preview and must confirm it."
            }
            ToolName::PostToChat => {
                "Post a message to the Foundry chat, public or whispered to the GM. The GM sees it first and must \
                 confirm it."
            }
        }
    }

    /// The arguments' JSON Schema (what requests carry and what calls are validated against).
    pub fn schema(self) -> &'static Value {
        static SCHEMAS: OnceLock<Vec<Value>> = OnceLock::new();
        let schemas = SCHEMAS.get_or_init(|| ToolName::ALL.map(build_schema).to_vec());
        &schemas[self as usize]
    }
}

impl std::fmt::Display for ToolName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The creature builder's road maps (`familiar monster --list`; a test in familiar-tools keeps them equal).
pub const ROADMAPS: [&str; 20] = [
    "brute",
    "magical-striker",
    "skill-paragon",
    "skirmisher",
    "sniper",
    "soldier",
    "spellcaster",
    "alchemist",
    "barbarian",
    "bard",
    "champion",
    "cleric-cloistered",
    "cleric-warpriest",
    "druid",
    "fighter",
    "monk",
    "ranger",
    "rogue",
    "sorcerer",
    "wizard",
];

pub const THREATS: [&str; 5] = ["trivial", "low", "moderate", "severe", "extreme"];
pub const SHAPES: [&str; 6] = [
    "solo-boss",
    "boss-and-lackeys",
    "mated-pair",
    "elite-pair",
    "troop",
    "mixed",
];
pub const RARITIES: [&str; 4] = ["common", "uncommon", "rare", "unique"];

/// The most passages one `search_rules` call returns.
pub const MAX_SEARCH_TOP: i64 = 8;
/// The most encounters one `generate_encounter` call proposes.
pub const MAX_GENERATE_COUNT: i64 = 3;

fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn integer(minimum: i64, maximum: i64, description: &str) -> Value {
    json!({"type": "integer", "minimum": minimum, "maximum": maximum, "description": description})
}

fn string(max_length: usize, description: &str) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max_length, "description": description})
}

fn one_of(values: &[&str], description: &str) -> Value {
    json!({"type": "string", "enum": values, "description": description})
}

fn party(properties: &mut serde_json::Map<String, Value>) {
    properties.insert(
        "party_level".into(),
        integer(1, 20, "The level of the player characters."),
    );
    properties.insert(
        "party_size".into(),
        integer(1, 100, "How many player characters."),
    );
}

fn creature_properties() -> Value {
    json!({
        "level": integer(-1, 24, "The creature's level before any adjustment."),
        "roadmap": one_of(&ROADMAPS, "The road map: a monster role or a class."),
        "adjustment": one_of(&["elite", "weak", "normal"], "Elite or weak adjustment (normal: none)."),
        "name": string(80, "The creature's name (default: the road map's)."),
        "seed": integer(0, u32::MAX.into(), "Seed for the free choices; the same seed builds the same creature."),
    })
}

fn build_schema(tool: ToolName) -> Value {
    match tool {
        ToolName::SearchRules => object(
            json!({
                "query": string(200, "What to look up, in a few words (a rule, condition, action or creature)."),
                "top": integer(1, MAX_SEARCH_TOP, "How many passages to return (default 5)."),
            }),
            &["query"],
        ),
        ToolName::ReadRule => object(
            json!({"uuid": string(200, "The uuid of a document from search_rules.")}),
            &["uuid"],
        ),
        ToolName::RateEncounter => {
            let mut properties = serde_json::Map::new();
            party(&mut properties);
            properties.insert(
                "creatures".into(),
                json!({
                    "type": "array",
                    "maxItems": 200,
                    "description": "One entry per creature (repeat an entry for several of one creature).",
                    "items": object(
                        json!({
                            "level": integer(-1, 25, "The creature's level as its stat block gives it."),
                            "adjustment": one_of(&["elite", "weak"], "An elite or weak adjustment, which changes the level the XP uses."),
                            "uuid": string(200, "The creature's uuid, when known."),
                        }),
                        &["level"],
                    ),
                }),
            );
            properties.insert(
                "hazards".into(),
                json!({
                    "type": "array",
                    "maxItems": 200,
                    "items": object(
                        json!({
                            "level": integer(-1, 25, "The hazard's level."),
                            "complex": {"type": "boolean", "description": "Whether it is a complex hazard."},
                        }),
                        &["level", "complex"],
                    ),
                }),
            );
            properties.insert(
                "proficiency_without_level".into(),
                json!({"type": "boolean", "description": "The proficiency-without-level variant rule."}),
            );
            object(
                Value::Object(properties),
                &["party_level", "party_size", "creatures"],
            )
        }
        ToolName::GenerateEncounter => {
            let mut properties = serde_json::Map::new();
            party(&mut properties);
            let traits = |description: &str| json!({"type": "array", "maxItems": 10, "items": string(40, "A creature trait."), "description": description});
            properties.insert("threat".into(), one_of(&THREATS, "The threat to aim for."));
            properties.insert(
                "shape".into(),
                one_of(&SHAPES, "The encounter's shape (default: any)."),
            );
            properties.insert(
                "traits".into(),
                traits("Only creatures with any of these traits (e.g. undead)."),
            );
            properties.insert(
                "exclude_traits".into(),
                traits("No creatures with these traits."),
            );
            properties.insert(
                "rarity".into(),
                one_of(&RARITIES, "The rarest creatures allowed."),
            );
            properties.insert(
                "max_creatures".into(),
                integer(1, 30, "The most creatures in one encounter (default 8)."),
            );
            properties.insert(
                "count".into(),
                integer(
                    1,
                    MAX_GENERATE_COUNT,
                    "How many different encounters (default 1).",
                ),
            );
            object(
                Value::Object(properties),
                &["party_level", "party_size", "threat"],
            )
        }
        ToolName::BuildCreature | ToolName::CreateActor => {
            object(creature_properties(), &["level", "roadmap"])
        }
        ToolName::StartCombat => object(
            json!({
                "creatures": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 30,
                    "items": object(
                        json!({
                            "uuid": string(200, "A compendium creature's uuid."),
                            "count": integer(1, 20, "How many of it (default 1)."),
                        }),
                        &["uuid"],
                    ),
                },
            }),
            &["creatures"],
        ),
        ToolName::PostToChat => object(
            json!({
                "content": string(4_000, "The message, as plain text or simple Markdown."),
                "whisper": {"type": "boolean", "description": "Whisper it to the GM instead of posting it publicly."},
            }),
            &["content"],
        ),
    }
}

/// Who asked: the GM at their own client, or a player whose question the GM's client answers (relayed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Asker {
    Gm,
    Player,
}

/// The tools one request offers. A player's set never holds a world-changing tool, whatever it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ToolSet {
    tools: Vec<ToolName>,
}

impl ToolSet {
    /// No tools: today's answer from passages.
    pub fn none() -> ToolSet {
        ToolSet::default()
    }

    /// The five read-only tools.
    pub fn read_only() -> ToolSet {
        ToolSet {
            tools: ToolName::ALL
                .into_iter()
                .filter(|tool| !tool.changes_world())
                .collect(),
        }
    }

    /// What an asker is offered: every tool for the GM, the read-only ones for a player.
    pub fn for_asker(asker: Asker) -> ToolSet {
        match asker {
            Asker::Gm => ToolSet {
                tools: ToolName::ALL.to_vec(),
            },
            Asker::Player => ToolSet::read_only(),
        }
    }

    /// These tools, less any this asker may not have.
    pub fn limited_to(self, asker: Asker) -> ToolSet {
        match asker {
            Asker::Gm => self,
            Asker::Player => ToolSet {
                tools: self
                    .tools
                    .into_iter()
                    .filter(|tool| !tool.changes_world())
                    .collect(),
            },
        }
    }

    pub fn from_tools(tools: impl IntoIterator<Item = ToolName>) -> ToolSet {
        let mut set = ToolSet::default();
        for tool in tools {
            if !set.tools.contains(&tool) {
                set.tools.push(tool);
            }
        }
        set
    }

    pub fn contains(&self, tool: ToolName) -> bool {
        self.tools.contains(&tool)
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = ToolName> + '_ {
        self.tools.iter().copied()
    }
}
