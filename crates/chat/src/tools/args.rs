//! A model's tool call, checked: the tool known and offered to this asker, the arguments valid JSON that fits the
//! tool's schema, then read into typed arguments. Every refusal is a [`CallError`] whose message goes back to the
//! model as the call's result, so it can correct itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::calls::RawToolCall;
use super::catalog::{ToolName, ToolSet};
use super::schema::{check, SchemaError};

/// Arguments longer than this are refused unread.
pub const MAX_ARGUMENT_BYTES: usize = 32 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRules {
    pub query: String,
    #[serde(default)]
    pub top: Option<u32>,
}

impl SearchRules {
    pub const DEFAULT_TOP: u32 = 5;

    pub fn top(&self) -> usize {
        self.top.unwrap_or(Self::DEFAULT_TOP) as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRule {
    pub uuid: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Adjustment {
    Elite,
    Weak,
    /// Only `build_creature` and `create_actor` accept it: no adjustment.
    Normal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatureArg {
    pub level: i32,
    #[serde(default)]
    pub adjustment: Option<Adjustment>,
    #[serde(default)]
    pub uuid: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardArg {
    pub level: i32,
    pub complex: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateEncounter {
    pub party_level: i32,
    pub party_size: u32,
    pub creatures: Vec<CreatureArg>,
    #[serde(default)]
    pub hazards: Vec<HazardArg>,
    #[serde(default)]
    pub proficiency_without_level: bool,
}

/// Threat, shape and rarity stay the schema's strings (checked against its enums); the engines parse them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateEncounter {
    pub party_level: i32,
    pub party_size: u32,
    pub threat: String,
    #[serde(default)]
    pub shape: Option<String>,
    #[serde(default)]
    pub traits: Vec<String>,
    #[serde(default)]
    pub exclude_traits: Vec<String>,
    #[serde(default)]
    pub rarity: Option<String>,
    #[serde(default)]
    pub max_creatures: Option<u32>,
    #[serde(default)]
    pub count: Option<u32>,
}

/// `build_creature`, and `create_actor` with the same arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildCreature {
    pub level: i32,
    pub roadmap: String,
    #[serde(default)]
    pub adjustment: Option<Adjustment>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Combatant {
    pub uuid: String,
    #[serde(default)]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartCombat {
    pub creatures: Vec<Combatant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostToChat {
    pub content: String,
    #[serde(default)]
    pub whisper: bool,
}

/// A checked call's typed arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "tool", content = "arguments", rename_all = "snake_case")]
pub enum ToolArgs {
    SearchRules(SearchRules),
    ReadRule(ReadRule),
    RateEncounter(RateEncounter),
    GenerateEncounter(GenerateEncounter),
    BuildCreature(BuildCreature),
    CreateActor(BuildCreature),
    StartCombat(StartCombat),
    PostToChat(PostToChat),
}

impl ToolArgs {
    pub fn tool(&self) -> ToolName {
        match self {
            ToolArgs::SearchRules(_) => ToolName::SearchRules,
            ToolArgs::ReadRule(_) => ToolName::ReadRule,
            ToolArgs::RateEncounter(_) => ToolName::RateEncounter,
            ToolArgs::GenerateEncounter(_) => ToolName::GenerateEncounter,
            ToolArgs::BuildCreature(_) => ToolName::BuildCreature,
            ToolArgs::CreateActor(_) => ToolName::CreateActor,
            ToolArgs::StartCombat(_) => ToolName::StartCombat,
            ToolArgs::PostToChat(_) => ToolName::PostToChat,
        }
    }
}

/// A call ready to run (or to propose): its id, tool, normalised arguments and their typed reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    pub id: String,
    pub tool: ToolName,
    /// The arguments as checked (optional `null`s dropped), for display and for the conversation.
    pub arguments: Value,
    #[serde(skip)]
    pub args: ToolArgs,
}

/// Why a call was not run; its message is what the model reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("there is no tool named {name:?}; the tools are: {known}")]
    UnknownTool { name: String, known: String },
    #[error("{tool} is not available for this question; the tools are: {known}")]
    NotOffered { tool: ToolName, known: String },
    #[error("the arguments are not valid JSON ({reason}); send one JSON object")]
    BadJson { reason: String },
    #[error("the arguments are longer than the limit of {MAX_ARGUMENT_BYTES} bytes")]
    TooLong,
    #[error("invalid arguments for {tool}: {error}")]
    Invalid { tool: ToolName, error: SchemaError },
}

fn names(tools: &ToolSet) -> String {
    let names: Vec<&str> = tools.iter().map(ToolName::as_str).collect();
    match names.is_empty() {
        true => "none".to_string(),
        false => names.join(", "),
    }
}

/// The arguments as far as they parse, for showing a refused call (`{"raw": ...}` when they are not JSON).
pub fn shown_arguments(raw: &RawToolCall) -> Value {
    if raw.arguments.len() > MAX_ARGUMENT_BYTES {
        return Value::Object(Default::default());
    }
    match raw.arguments.trim() {
        "" => Value::Object(Default::default()),
        text => serde_json::from_str(text).unwrap_or_else(|_| {
            let cut: String = text.chars().take(200).collect();
            serde_json::json!({ "raw": cut })
        }),
    }
}

/// Checks one call against the tools this request offered.
pub fn check_call(raw: &RawToolCall, offered: &ToolSet) -> Result<ToolCall, CallError> {
    let tool = ToolName::parse(raw.name.trim()).ok_or_else(|| CallError::UnknownTool {
        name: raw.name.chars().take(80).collect(),
        known: names(offered),
    })?;
    if !offered.contains(tool) {
        return Err(CallError::NotOffered {
            tool,
            known: names(offered),
        });
    }
    if raw.arguments.len() > MAX_ARGUMENT_BYTES {
        return Err(CallError::TooLong);
    }
    // Some models send no arguments at all for a call whose arguments are all optional.
    let text = match raw.arguments.trim() {
        "" => "{}",
        text => text,
    };
    let value: Value = serde_json::from_str(text).map_err(|error| CallError::BadJson {
        reason: error.to_string(),
    })?;
    let arguments =
        check(tool.schema(), value).map_err(|error| CallError::Invalid { tool, error })?;
    let typed = |value: &Value| -> Result<ToolArgs, serde_json::Error> {
        Ok(match tool {
            ToolName::SearchRules => ToolArgs::SearchRules(Deserialize::deserialize(value)?),
            ToolName::ReadRule => ToolArgs::ReadRule(Deserialize::deserialize(value)?),
            ToolName::RateEncounter => ToolArgs::RateEncounter(Deserialize::deserialize(value)?),
            ToolName::GenerateEncounter => {
                ToolArgs::GenerateEncounter(Deserialize::deserialize(value)?)
            }
            ToolName::BuildCreature => ToolArgs::BuildCreature(Deserialize::deserialize(value)?),
            ToolName::CreateActor => ToolArgs::CreateActor(Deserialize::deserialize(value)?),
            ToolName::StartCombat => ToolArgs::StartCombat(Deserialize::deserialize(value)?),
            ToolName::PostToChat => ToolArgs::PostToChat(Deserialize::deserialize(value)?),
        })
    };
    // The schema admits only what these types read; a mismatch would be our bug, still reported, never a panic.
    let args = typed(&arguments).map_err(|error| CallError::Invalid {
        tool,
        error: SchemaError {
            path: "arguments".into(),
            problem: error.to_string(),
        },
    })?;
    Ok(ToolCall {
        id: raw.id.clone(),
        tool,
        arguments,
        args,
    })
}
