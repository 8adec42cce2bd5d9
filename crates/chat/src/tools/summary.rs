//! One line per step for the Ask view and the CLI ("looked up “grabbed”: Grabbed, Escape", "rated the encounter:
//! 70 XP, moderate"), read from the call and its compact result. English: the view may build its own from the
//! step's tool, arguments and result, which carry everything these lines say.

use serde_json::Value;

use super::args::ToolArgs;

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn number(value: &Value, key: &str) -> Option<i64> {
    value.get(key).and_then(Value::as_i64)
}

fn names(items: Option<&Value>, most: usize) -> Vec<String> {
    items
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| text(item, "name"))
                .take(most)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What a finished read-only call did.
pub fn done(args: &ToolArgs, result: &Value) -> String {
    match args {
        ToolArgs::SearchRules(search) => {
            let found = names(result.get("results"), 3);
            match found.is_empty() {
                true => format!("looked up “{}”: nothing found", search.query),
                false => format!("looked up “{}”: {}", search.query, found.join(", ")),
            }
        }
        ToolArgs::ReadRule(read) => format!("read {}", text(result, "name").unwrap_or(&read.uuid)),
        ToolArgs::RateEncounter(_) => match (number(result, "totalXP"), text(result, "rating")) {
            (Some(xp), Some(threat)) => format!("rated the encounter: {xp} XP, {threat}"),
            _ => "rated the encounter".to_string(),
        },
        ToolArgs::GenerateEncounter(request) => {
            let encounters = result.get("encounters").and_then(Value::as_array);
            let xp: Vec<String> = encounters
                .map(|list| {
                    list.iter()
                        .filter_map(|encounter| number(encounter, "totalXP"))
                        .map(|xp| format!("{xp} XP"))
                        .collect()
                })
                .unwrap_or_default();
            let count = xp.len();
            let noun = if count == 1 {
                "encounter"
            } else {
                "encounters"
            };
            format!(
                "generated {count} {} {noun} ({})",
                request.threat,
                xp.join(", ")
            )
        }
        ToolArgs::BuildCreature(build) => format!(
            "built {}, a level {} {}",
            text(result, "name").unwrap_or(&build.roadmap),
            number(result, "level").unwrap_or(build.level.into()),
            build.roadmap
        ),
        ToolArgs::CreateActor(build) => format!(
            "created {}",
            text(result, "name")
                .or(build.name.as_deref())
                .unwrap_or(&build.roadmap)
        ),
        ToolArgs::StartCombat(combat) => {
            format!("started a combat with {} creatures", count(combat))
        }
        ToolArgs::PostToChat(post) => match post.whisper {
            true => "whispered to the GM".to_string(),
            false => "posted to chat".to_string(),
        },
    }
}

fn count(combat: &super::args::StartCombat) -> u32 {
    combat
        .creatures
        .iter()
        .map(|creature| creature.count.unwrap_or(1))
        .sum()
}

/// A world-changing call waiting for the GM.
pub fn proposed(args: &ToolArgs) -> String {
    match args {
        ToolArgs::CreateActor(build) => format!(
            "proposes creating {} (level {} {})",
            build.name.as_deref().unwrap_or(&build.roadmap),
            build.level,
            build.roadmap
        ),
        ToolArgs::StartCombat(combat) => {
            format!("proposes a combat with {} creatures", count(combat))
        }
        ToolArgs::PostToChat(post) => match post.whisper {
            true => "proposes a whisper to the GM".to_string(),
            false => "proposes a public chat message".to_string(),
        },
        other => format!("proposes {}", other.tool()),
    }
}

/// A call the GM discarded.
pub fn discarded(args: &ToolArgs) -> String {
    format!(
        "discarded: {}",
        proposed(args).trim_start_matches("proposes ")
    )
}

/// A call that failed or was refused.
pub fn failed(tool: &str, message: &str) -> String {
    let shown: String = message.chars().take(160).collect();
    format!("{tool} failed: {shown}")
}
