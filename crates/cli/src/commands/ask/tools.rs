//! `familiar ask --tools read-only`: the tool loop of `familiar-chat` driven natively, its read-only calls run by the
//! real engines (`familiar-tools`: the rules index, the XP engine, the generator over `--bestiary`, the builder).
//! `--pack` makes the asker a player: the tools see only those packs, as Ask does for a relayed question.

use std::io::Write;

use familiar_chat::tools::{
    Agent, AgentAnswer, AgentCommand, AgentConfig, AgentEvent, Asker, Question, ToolExecutor,
    ToolSet,
};
use familiar_chat::{Passage, Prompt, ProviderChain, ToolNotes};
use familiar_rules::RulesIndex;
use familiar_tools::Engines;
use serde_json::json;

use super::transport::{now_ms, Seen, Transport, Woke};
use super::{answer_json, print_answer, AskArgs};
use crate::commands::encounter::load_pool;
use crate::commands::CliError;

/// What the question is asked with.
pub(super) struct Input<'a> {
    pub prompt: Prompt,
    pub passages: Vec<Passage>,
    pub index: &'a mut RulesIndex,
}

pub(super) fn run(
    args: &AskArgs,
    chain: ProviderChain,
    input: Input<'_>,
    transport: &mut Transport,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let pool = match &args.bestiary {
        Some(path) => load_pool(path)?,
        None => Vec::new(),
    };
    let packs = (!args.packs.is_empty()).then(|| args.packs.clone());
    let asker = match packs {
        Some(_) => Asker::Player,
        None => Asker::Gm,
    };
    let mut engines = Engines {
        rules: Some(input.index),
        pool: &pool,
        packs: packs.as_deref(),
        seed: 0,
    };
    let config = AgentConfig {
        max_steps: args.max_steps,
        max_tokens: args.max_tokens,
    };
    let mut agent = Agent::new(chain, config);
    let question = Question {
        prompt: input.prompt,
        passages: input.passages,
        asker,
        tools: ToolSet::read_only(),
        notes: ToolNotes::default(),
    };
    agent.ask(question, now_ms());
    loop {
        while let Some(command) = agent.poll_command() {
            match command {
                AgentCommand::Send { request, http } => transport.send(request, http),
                AgentCommand::Abort { request } => transport.abort(request),
                AgentCommand::Execute { question, call } => {
                    let output = engines.execute(&call);
                    agent
                        .handle_tool_result(question, &call.id, output, now_ms())
                        .map_err(|error| CliError::Invalid(error.to_string()))?;
                }
            }
        }
        while let Some((question, event)) = agent.poll_event() {
            match event {
                AgentEvent::Delta { text } if args.json => {
                    writeln!(out, "{}", json!({"delta": text}))?
                }
                AgentEvent::Reset { reason } if args.json => {
                    writeln!(out, "{}", json!({"reset": reason}))?
                }
                AgentEvent::Interim { text } if args.json => {
                    writeln!(out, "{}", json!({"interim": text}))?
                }
                AgentEvent::Step { step } if args.json => {
                    writeln!(out, "{}", json!({"step": step}))?
                }
                AgentEvent::Step { step } => eprintln!("familiar: {}", step.summary),
                // Read-only tools only: a proposal cannot come; were one to, nothing runs without a GM.
                AgentEvent::Proposal { step } => {
                    agent
                        .discard(question, &step.call_id, now_ms())
                        .map_err(|error| CliError::Invalid(error.to_string()))?;
                }
                AgentEvent::Done { answer } => return print_tools_answer(out, &answer, args.json),
                _ => {}
            }
            out.flush()?;
        }
        match transport.wait(agent.poll_timeout()) {
            Woke::Seen(request, seen) => {
                let now = now_ms();
                match seen {
                    Seen::Head(status, headers) => agent.handle_head(request, status, headers, now),
                    Seen::Data(bytes) => agent.handle_data(request, &bytes, now),
                    Seen::End => agent.handle_end(request, now),
                    Seen::Failed(error) => agent.handle_error(request, &error, now),
                }
            }
            Woke::Timeout(now) => agent.handle_timeout(now),
        }
    }
}

/// The answer as `familiar ask` prints it, with the steps: `{answer, citations, steps: [{tool, arguments, result,
/// status, summary, ...}], provider, tools, requests, limit, ...}` with `--json`.
fn print_tools_answer(
    out: &mut impl Write,
    answer: &AgentAnswer,
    as_json: bool,
) -> Result<(), CliError> {
    if as_json {
        let mut fields = answer_json(&answer.answer);
        fields.insert("steps".into(), json!(answer.steps));
        fields.insert("tools".into(), json!(answer.tools));
        fields.insert("requests".into(), json!(answer.requests));
        fields.insert("limit".into(), json!(answer.limit));
        writeln!(out, "{}", serde_json::Value::Object(fields))?;
        out.flush()?;
        return Ok(());
    }
    print_answer(out, &answer.answer, false)
}

#[cfg(test)]
mod tests {
    use familiar_chat::tools::args::check_call;
    use familiar_chat::tools::calls::RawToolCall;
    use familiar_chat::tools::{Asker, ToolExecutor, ToolSet};
    use familiar_tools::Engines;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    use crate::commands::xp::run_jsonl;

    /// What `familiar xp --jsonl` prints for one request line.
    fn familiar_xp(request: &Value) -> Value {
        let mut out = Vec::new();
        run_jsonl(format!("{request}\n").as_bytes(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    proptest! {
        #[test]
        fn rate_encounter_through_the_tool_is_familiar_xp(
            party_level in 1i32..=20,
            party_size in 1u32..=8,
            creatures in prop::collection::vec((-1i32..=25, 0u8..3), 0..10),
            hazards in prop::collection::vec((-1i32..=25, any::<bool>()), 0..3),
            pwl in any::<bool>(),
        ) {
            // An elite or weak creature is given to `familiar xp` at the level the system shows for it.
            let shown = |level: i32, code: u8| match code {
                1 if level < 1 => level + 2,
                1 => level + 1,
                2 if level == 1 => -1,
                2 => level - 1,
                _ => level,
            };
            let adjustment = |code: u8| match code { 1 => json!("elite"), 2 => json!("weak"), _ => Value::Null };
            let call = json!({
                "party_level": party_level, "party_size": party_size,
                "creatures": creatures.iter().map(|(level, code)| json!({"level": level, "adjustment": adjustment(*code)})).collect::<Vec<_>>(),
                "hazards": hazards.iter().map(|(level, complex)| json!({"level": level, "complex": complex})).collect::<Vec<_>>(),
                "proficiency_without_level": pwl,
            });
            let call = check_call(
                &RawToolCall { id: "c".into(), name: "rate_encounter".into(), arguments: call.to_string() },
                &ToolSet::for_asker(Asker::Player),
            );
            let call = match call {
                Ok(call) => call,
                Err(error) => return Err(TestCaseError::fail(format!("the schema refused it: {error}"))),
            };
            let mut engines = Engines { rules: None, pool: &[], packs: None, seed: 0 };
            let output = engines.execute(&call);
            let xp = familiar_xp(&json!({
                "partyLevel": party_level, "partySize": party_size,
                "npcLevels": creatures.iter().map(|(level, code)| shown(*level, *code)).collect::<Vec<_>>(),
                "hazards": hazards.iter().map(|(level, complex)| json!({"level": level, "isComplex": complex})).collect::<Vec<_>>(),
                "proficiencyWithoutLevel": pwl,
            }));
            match xp.get("error").and_then(Value::as_str) {
                Some(message) => {
                    prop_assert!(output.is_error);
                    prop_assert!(message.ends_with(output.value["error"].as_str().unwrap()), "{} / {}", message, output.value);
                }
                None => {
                    prop_assert!(!output.is_error, "{}", output.value);
                    for key in ["totalXP", "rating", "ratingXP", "xpPerPlayer", "encounterBudgets", "partyLevel", "partySize"] {
                        prop_assert_eq!(&output.value[key], &xp[key], "{}", key);
                    }
                    let warnings: Vec<Value> = xp["warnings"].as_array().unwrap().iter().map(|w| w["message"].clone()).collect();
                    prop_assert_eq!(&output.value["warnings"], &json!(warnings));
                    let each: Vec<&Value> = output.value["creatures"].as_array().unwrap().iter()
                        .chain(output.value["hazards"].as_array().unwrap())
                        .map(|entry| &entry["xp"])
                        .collect();
                    let breakdown: Vec<&Value> = xp["breakdown"].as_array().unwrap().iter().map(|entry| &entry["xp"]).collect();
                    prop_assert_eq!(each, breakdown);
                }
            }
        }
    }
}
