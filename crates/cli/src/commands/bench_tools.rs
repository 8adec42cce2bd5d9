//! `familiar bench-tools [--corpus FILE.jsonl] [--bestiary FILE.jsonl] [--rounds 300] [--encounters 10000]`:
//! Familiar's own time in the raven's tool loop (#22), natively and without a network, and the tool interface's cost
//! over the XP engine.
//!
//! Part 1 times one tool step of each read-only tool in each wire format, `rounds` times: the agent asks a question
//! (six passages of up to 1,500 characters from the rules index), a scripted reply calling the tool is fed in 37-byte
//! pieces with its arguments cut every 3 characters, the call runs on the real engines, and its result goes back
//! until the next request is ready to send. The step's time is (a) the reply's bytes → the checked call,
//! (b) the engine's run, (c) the result → the next request (sources cited, the conversation and its JSON body). The
//! provider's own time is not in it: the bytes are there at once.
//!
//! Part 2 rates `encounters` random encounters (some creatures elite or weak) three ways, 15 runs each: the XP
//! engine directly (`rate_request`), `familiar xp --jsonl` in memory (a JSON line in, a JSON line out), and the tool
//! interface (the call's JSON text checked against the schema, run, and its result rendered as the model reads it),
//! and checks that every total the tool gives equals the engine's. Table on stderr, JSON on stdout.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use familiar_chat::history::HistoryContext;
use familiar_chat::tools::args::check_call;
use familiar_chat::tools::calls::RawToolCall;
use familiar_chat::tools::results::render;
use familiar_chat::tools::script::{reply, ScriptedCall, Split};
use familiar_chat::tools::{
    Agent, AgentCommand, AgentConfig, AgentEvent, Asker, Question, ToolCall, ToolExecutor,
    ToolName, ToolSet,
};
use familiar_chat::{
    build_prompt, Api, ChainConfig, Passage, PromptParts, ProviderChain, ProviderConfig, RequestId,
    ToolNotes, DEFAULT_SYSTEM_PROMPT,
};
use familiar_encounter::builder::Adjustment;
use familiar_encounter::generator::pool::PoolEntry;
use familiar_encounter::xp::{rate_request, HazardRequest, XpRequest};
use familiar_rules::{NoResolver, RulesIndex, SearchOptions};
use familiar_tools::Engines;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::encounter::load_pool;
use super::CliError;

#[derive(Args)]
pub struct BenchToolsArgs {
    /// Rules corpus (defaults to ../shared/pf2e/rules-sample.jsonl when present, else a small one of our own).
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Creature pool for generate_encounter (defaults to ../shared/pf2e/bestiary.jsonl when present).
    #[arg(long)]
    pub bestiary: Option<PathBuf>,
    /// Timed steps per tool and wire format.
    #[arg(long, default_value_t = 300)]
    pub rounds: usize,
    /// Encounters rated per run in part 2.
    #[arg(long, default_value_t = 10_000)]
    pub encounters: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

const CHUNK_BYTES: usize = 37;
const TOOLS: [ToolName; 5] = [
    ToolName::SearchRules,
    ToolName::ReadRule,
    ToolName::RateEncounter,
    ToolName::GenerateEncounter,
    ToolName::BuildCreature,
];

fn shared(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("FAMILIAR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/pf2e"));
    let path = dir.join(name);
    path.is_file().then_some(path)
}

fn load_rules(path: Option<&Path>) -> Result<(RulesIndex, Vec<String>, String), CliError> {
    let mut index = RulesIndex::new()?;
    let (values, name): (Vec<Value>, String) = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let values = text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
                .collect();
            (values, path.display().to_string())
        }
        None => (own_corpus(), "our own 40 documents".to_string()),
    };
    let uuids: Vec<String> = values
        .iter()
        .filter_map(|value| value["uuid"].as_str().map(str::to_string))
        .collect();
    index.add_documents(&values, &NoResolver);
    index.commit()?;
    Ok((index, uuids, name))
}

fn own_corpus() -> Vec<Value> {
    (0..40)
        .map(|n| {
            json!({
                "_id": format!("bench{n:011}"), "name": format!("Bench Condition {n}"), "type": "condition",
                "pack": "bench.rules", "uuid": format!("Compendium.bench.rules.Item.bench{n:011}"),
                "system": {"description": {"value": format!("<p>Rule {n}: a grabbed creature is off-guard and immobilized; \
                    it can Escape with an Athletics check against the grabber's DC. Frightened {n} lowers checks.</p>")},
                    "traits": {"value": [], "rarity": "common"}, "level": {"value": 1}},
                "_stats": {"modifiedTime": 1}
            })
        })
        .collect()
}

fn queries() -> Vec<&'static str> {
    vec![
        "grabbed",
        "frightened",
        "off-guard",
        "flanking",
        "escape",
        "dying",
        "shield block",
        "persistent damage",
    ]
}

/// The arguments of round `n`'s call of `tool`.
fn arguments(tool: ToolName, n: usize, uuids: &[String], rng: &mut StdRng) -> Value {
    let party_level: i32 = rng.random_range(1..=20);
    match tool {
        ToolName::SearchRules => json!({"query": queries()[n % queries().len()], "top": 5}),
        ToolName::ReadRule => json!({"uuid": uuids[n % uuids.len()]}),
        ToolName::RateEncounter => json!({
            "party_level": party_level, "party_size": 4,
            "creatures": (0..rng.random_range(1..=6)).map(|_| json!({"level": (party_level + rng.random_range(-4..=3)).clamp(-1, 24)})).collect::<Vec<_>>(),
        }),
        ToolName::GenerateEncounter => json!({
            "party_level": party_level, "party_size": 4, "count": 3,
            "threat": (["low", "moderate", "severe"][n % 3]),
        }),
        _ => json!({
            "level": rng.random_range(-1..=24), "seed": n,
            "roadmap": (["brute", "soldier", "wizard", "skirmisher"][n % 4]),
        }),
    }
}

fn provider(api: Api) -> ProviderConfig {
    ProviderConfig {
        name: "bench".into(),
        api,
        base_url: "https://provider.invalid/v1".into(),
        model: "ok".into(),
        api_key: Some("bench-key".into()),
        max_output_tokens: None,
        context_tokens: None,
    }
}

fn question(index: &mut RulesIndex, text: &str) -> Result<Question, CliError> {
    let options = SearchOptions {
        top: 6,
        passage_chars: Some(1_500),
        ..SearchOptions::default()
    };
    let passages: Vec<Passage> = index
        .search(text, &options)?
        .into_iter()
        .map(|hit| Passage {
            uuid: hit.uuid,
            anchor: hit.anchor,
            name: hit.name,
            text: hit.text.unwrap_or_default(),
        })
        .collect();
    let prompt = build_prompt(&PromptParts {
        system_template: DEFAULT_SYSTEM_PROMPT,
        language: "English",
        passages: &passages,
        history: HistoryContext::default(),
        question: text,
    });
    Ok(Question {
        prompt,
        passages,
        asker: Asker::Gm,
        tools: ToolSet::read_only(),
        notes: ToolNotes::default(),
    })
}

/// Feeds `body` in pieces; returns the first command that comes out (the caller knows which it waits for).
fn feed(agent: &mut Agent, request: RequestId, body: &str) -> Option<AgentCommand> {
    agent.handle_head(request, 200, Vec::new(), 0);
    let mut found = None;
    for piece in body.as_bytes().chunks(CHUNK_BYTES) {
        agent.handle_data(request, piece, 0);
        while let Some(command) = agent.poll_command() {
            if !matches!(command, AgentCommand::Abort { .. }) && found.is_none() {
                found = Some(command);
            }
        }
    }
    agent.handle_end(request, 0);
    while let Some(command) = agent.poll_command() {
        if !matches!(command, AgentCommand::Abort { .. }) && found.is_none() {
            found = Some(command);
        }
    }
    found
}

fn next_send(agent: &mut Agent) -> Option<RequestId> {
    while let Some(command) = agent.poll_command() {
        if let AgentCommand::Send { request, .. } = command {
            return Some(request);
        }
    }
    None
}

fn broken(what: &str) -> CliError {
    CliError::Invalid(format!("bench-tools: the loop did not {what}"))
}

/// µs of (a) reply → checked call, (b) engine, (c) result → next request, for each round.
fn time_tool(
    api: Api,
    tool: ToolName,
    rounds: usize,
    engines: &mut Engines<'_>,
    uuids: &[String],
    seed: u64,
) -> Result<[Vec<f64>; 4], CliError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut agent = Agent::new(
        ProviderChain::new(vec![provider(api)], ChainConfig::default()),
        AgentConfig::default(),
    );
    let mut times: [Vec<f64>; 4] = Default::default();
    let warmup = rounds / 10;
    for n in 0..rounds + warmup {
        let text = queries()[n % queries().len()];
        let question = {
            let Some(index) = engines.rules.as_deref_mut() else {
                return Err(broken("find its rules index"));
            };
            self::question(index, text)?
        };
        agent.ask(question, 0);
        let request = next_send(&mut agent).ok_or_else(|| broken("send its first request"))?;
        let call = ScriptedCall::new(
            &format!("call_{n}"),
            tool.as_str(),
            &arguments(tool, n, uuids, &mut rng),
        );
        let body = reply(api, "", &[call], Split::Every(3), (2_000, 30));
        let started = Instant::now();
        let Some(AgentCommand::Execute { question, call }) = feed(&mut agent, request, &body)
        else {
            return Err(broken("turn the reply into a call"));
        };
        let parsed = Instant::now();
        let output = engines.execute(&call);
        let ran = Instant::now();
        agent
            .handle_tool_result(question, &call.id, output, 0)
            .map_err(|error| CliError::Invalid(error.to_string()))?;
        let next = next_send(&mut agent).ok_or_else(|| broken("send the next request"))?;
        let done = Instant::now();
        let answer = reply(api, "Done [1].", &[], Split::Whole, (2_500, 10));
        feed(&mut agent, next, &answer);
        if !std::iter::from_fn(|| agent.poll_event())
            .any(|(_, event)| matches!(event, AgentEvent::Done { .. }))
        {
            return Err(broken("answer"));
        }
        if n >= warmup {
            let us = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1e6;
            times[0].push(us(started, parsed));
            times[1].push(us(parsed, ran));
            times[2].push(us(ran, done));
            times[3].push(us(started, done));
        }
    }
    for list in &mut times {
        list.sort_by(f64::total_cmp);
    }
    Ok(times)
}

/// One random encounter as the tool's arguments and as `familiar xp`'s request.
fn encounter(rng: &mut StdRng) -> (Value, XpRequest) {
    let party_level: i32 = rng.random_range(1..=20);
    let party_size: u32 = rng.random_range(1..=8);
    let creatures: Vec<(i32, u8)> = (0..rng.random_range(1..=8))
        .map(|_| {
            (
                (party_level + rng.random_range(-6..=6)).clamp(-1, 24),
                rng.random_range(0..4),
            )
        })
        .collect();
    let hazards: Vec<bool> = (0..rng.random_range(0..=2))
        .map(|_| rng.random_bool(0.5))
        .collect();
    let pwl = rng.random_bool(0.2);
    let adjusted = |(level, code): (i32, u8)| match code {
        1 => Adjustment::Elite.level(level),
        2 => Adjustment::Weak.level(level),
        _ => level,
    };
    let arguments = json!({
        "party_level": party_level, "party_size": party_size,
        "creatures": creatures.iter().map(|(level, code)| match code {
            1 => json!({"level": level, "adjustment": "elite"}),
            2 => json!({"level": level, "adjustment": "weak"}),
            _ => json!({"level": level}),
        }).collect::<Vec<_>>(),
        "hazards": hazards.iter().map(|complex| json!({"level": party_level, "complex": complex})).collect::<Vec<_>>(),
        "proficiency_without_level": pwl,
    });
    let request = XpRequest {
        party_level: f64::from(party_level),
        party_size: f64::from(party_size),
        npc_levels: creatures.iter().map(|c| f64::from(adjusted(*c))).collect(),
        hazards: hazards
            .iter()
            .map(|complex| HazardRequest {
                level: f64::from(party_level),
                is_complex: *complex,
            })
            .collect(),
        proficiency_without_level: pwl,
    };
    (arguments, request)
}

/// Best and median ms of 15 runs of `work`.
fn runs(mut work: impl FnMut() -> u64) -> (f64, f64) {
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(work());
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

fn rate_many(count: usize, seed: u64) -> Result<Value, CliError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let encounters: Vec<(Value, XpRequest)> = (0..count).map(|_| encounter(&mut rng)).collect();
    let calls: Vec<RawToolCall> = encounters
        .iter()
        .enumerate()
        .map(|(n, (arguments, _))| RawToolCall {
            id: format!("call_{n}"),
            name: "rate_encounter".into(),
            arguments: arguments.to_string(),
        })
        .collect();
    let lines: String = encounters
        .iter()
        .map(|(_, request)| {
            let hazards: Vec<Value> = request
                .hazards
                .iter()
                .map(|h| json!({"level": h.level, "isComplex": h.is_complex}))
                .collect();
            format!(
                "{}\n",
                json!({"partyLevel": request.party_level, "partySize": request.party_size, "npcLevels": request.npc_levels,
                       "hazards": hazards, "proficiencyWithoutLevel": request.proficiency_without_level})
            )
        })
        .collect();
    let offered = ToolSet::read_only();
    let mut engines = Engines {
        rules: None,
        pool: &[],
        packs: None,
        seed: 0,
    };
    // Every total through the tool is the engine's.
    let mut mismatches = 0;
    for ((_, request), raw) in encounters.iter().zip(&calls) {
        let direct = rate_request(request).ok().map(|xp| u64::from(xp.total_xp));
        let call: Option<ToolCall> = check_call(raw, &offered).ok();
        let through = call
            .map(|call| engines.execute(&call))
            .and_then(|output| output.value["totalXP"].as_u64());
        if direct != through {
            mismatches += 1;
        }
    }
    let direct = runs(|| {
        encounters
            .iter()
            .filter_map(|(_, request)| rate_request(request).ok())
            .map(|xp| u64::from(xp.total_xp))
            .sum()
    });
    let jsonl = runs(|| {
        let mut out = Vec::with_capacity(lines.len() * 4);
        let _ = super::xp::run_jsonl(lines.as_bytes(), &mut out);
        out.len() as u64
    });
    let tool = runs(|| {
        calls
            .iter()
            .filter_map(|raw| check_call(raw, &offered).ok())
            .map(|call| render(&engines.execute(&call).value).0.len() as u64)
            .sum()
    });
    Ok(json!({
        "encounters": count, "mismatches": mismatches,
        "directMs": {"best": direct.0, "median": direct.1},
        "xpJsonlMs": {"best": jsonl.0, "median": jsonl.1},
        "toolMs": {"best": tool.0, "median": tool.1},
    }))
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

pub fn run(args: BenchToolsArgs) -> Result<(), CliError> {
    if args.rounds == 0 || args.encounters == 0 {
        return Err(CliError::Invalid(
            "--rounds and --encounters must be at least 1".into(),
        ));
    }
    let corpus = args.corpus.clone().or_else(|| shared("rules-sample.jsonl"));
    let (mut index, uuids, corpus_name) = load_rules(corpus.as_deref())?;
    let bestiary = args.bestiary.clone().or_else(|| shared("bestiary.jsonl"));
    let pool: Vec<PoolEntry> = match &bestiary {
        Some(path) => load_pool(path)?,
        None => Vec::new(),
    };
    if pool.is_empty() {
        eprintln!(
            "bench-tools: no bestiary (give --bestiary): generate_encounter is timed on its error"
        );
    }
    let mut engines = Engines {
        rules: Some(&mut index),
        pool: &pool,
        packs: None,
        seed: args.seed,
    };
    eprintln!(
        "bench-tools: {corpus_name}, {} creatures; {} steps per tool and format (p50 / p95 µs)",
        pool.len(),
        args.rounds
    );
    eprintln!("| format | tool | reply → call | engine | result → next request | **step total** |");
    eprintln!("|---|---|---|---|---|---|");
    let mut steps = serde_json::Map::new();
    for api in [Api::OpenAi, Api::Anthropic] {
        let name = match api {
            Api::OpenAi => "openai",
            Api::Anthropic => "anthropic",
        };
        let mut per_tool = serde_json::Map::new();
        for tool in TOOLS {
            let times = time_tool(api, tool, args.rounds, &mut engines, &uuids, args.seed)?;
            let cell = |list: &Vec<f64>| {
                format!("{:.0} / {:.0}", percentile(list, 50), percentile(list, 95))
            };
            eprintln!(
                "| {name} | {tool} | {} | {} | {} | **{}** |",
                cell(&times[0]),
                cell(&times[1]),
                cell(&times[2]),
                cell(&times[3])
            );
            let figures =
                |list: &Vec<f64>| json!({"p50": percentile(list, 50), "p95": percentile(list, 95)});
            per_tool.insert(
                tool.as_str().into(),
                json!({"replyToCall": figures(&times[0]), "engine": figures(&times[1]),
                       "resultToNextRequest": figures(&times[2]), "total": figures(&times[3])}),
            );
        }
        steps.insert(name.into(), Value::Object(per_tool));
    }
    let rating = rate_many(args.encounters, args.seed)?;
    eprintln!(
        "\nrating {} encounters (best / median ms of 15 runs; {} totals differ from the engine's):",
        args.encounters, rating["mismatches"]
    );
    eprintln!("| path | best ms | median ms | µs per encounter (median) |");
    eprintln!("|---|---|---|---|");
    for (label, key) in [
        ("XP engine (`rate_request`)", "directMs"),
        ("`familiar xp --jsonl` (JSON line in and out)", "xpJsonlMs"),
        ("tool interface (check, run, render)", "toolMs"),
    ] {
        let best = rating[key]["best"].as_f64().unwrap_or(0.0);
        let median = rating[key]["median"].as_f64().unwrap_or(0.0);
        eprintln!(
            "| {label} | {best:.2} | {median:.2} | {:.2} |",
            median * 1e3 / args.encounters as f64
        );
    }
    if rating["mismatches"] != 0 {
        return Err(CliError::Invalid(format!(
            "bench-tools: {} ratings through the tool differ from the engine's",
            rating["mismatches"]
        )));
    }
    println!(
        "{}",
        json!({"corpus": corpus_name, "poolEntries": pool.len(), "rounds": args.rounds, "steps_us": steps, "rating": rating})
    );
    Ok(())
}
