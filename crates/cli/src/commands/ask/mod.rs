//! `familiar ask --corpus FILE.jsonl [--providers FILE.json] [--tools read-only [--bestiary FILE.jsonl]] [--json]
//! "question"`: a grounded answer from the provider chain, or from the rules index alone. This module is only the
//! driver: [`transport`] feeds the sans-IO cores in `familiar-chat` (the chain, or with `--tools read-only` the tool
//! loop of [`tools`], whose calls run on the real engines) and sleeps until their next deadline. With `--json`,
//! stdout holds `{"delta"}` lines, a `{"reset"}` line when a broken stream's text must be discarded, and the final
//! `{"answer", ...}` line. With tools, a reply that ends in tool calls ends with an `{"interim"}` line (its deltas
//! were not the answer: discard them too), then one `{"step"}` line per call as it settles; the final line adds
//! `steps`, `tools`, `requests` and `limit`. Exit 0 whenever an answer was given.

mod tools;
pub(crate) mod transport;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use familiar_chat::history::HistoryContext;
use familiar_chat::tools::AgentConfig;
use familiar_chat::{
    build_prompt, Answer, Api, AskEvent, AskInput, ChainConfig, Command, Passage, PromptParts,
    ProviderChain, ProviderConfig, RetryPolicy, Timeouts, DEFAULT_SYSTEM_PROMPT,
};
use familiar_rules::SearchOptions;
use serde::Deserialize;
use serde_json::json;
use transport::{now_ms, Seen, Transport, Woke};

use super::search::load_corpus;
use super::CliError;

/// Which of the raven's tools the model may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToolsMode {
    /// None: today's answer from the passages.
    None,
    /// search_rules, read_rule, rate_encounter, generate_encounter, build_creature, run by the native engines.
    ReadOnly,
}

#[derive(Args)]
pub struct AskArgs {
    /// Compendium documents, one JSON object a line (as for `familiar search`).
    #[arg(long)]
    pub corpus: String,
    /// A JSON array of providers, tried in order; without it the answer is offline.
    #[arg(long)]
    pub providers: Option<String>,
    /// One JSON object a line on stdout: deltas, then the final answer.
    #[arg(long)]
    pub json: bool,
    /// Only these packs are visible (a player's view); repeat for several.
    #[arg(long = "pack")]
    pub packs: Vec<String>,
    /// The language the answer should be in.
    #[arg(long, default_value = "English")]
    pub language: String,
    /// How many passages from the index ground the answer.
    #[arg(long, default_value_t = 6)]
    pub passages: usize,
    /// Silence allowed before the first byte of a response, in milliseconds.
    #[arg(long, default_value_t = Timeouts::default().first_byte_ms)]
    pub first_byte_timeout_ms: u64,
    /// Silence allowed between chunks of a response, in milliseconds.
    #[arg(long, default_value_t = Timeouts::default().idle_ms)]
    pub idle_timeout_ms: u64,
    /// Retries on one provider before the next is tried.
    #[arg(long, default_value_t = RetryPolicy::default().max_retries)]
    pub max_retries: u32,
    /// The tools the model may call (`read-only`: the model looks up and computes with Familiar's engines).
    #[arg(long, value_enum, default_value_t = ToolsMode::None)]
    pub tools: ToolsMode,
    /// The creature pool `generate_encounter` draws from: compendium actors as JSON lines (as `familiar encounter`).
    #[arg(long)]
    pub bestiary: Option<PathBuf>,
    /// Tool calls per question before the model must answer.
    #[arg(long, default_value_t = AgentConfig::default().max_steps)]
    pub max_steps: u32,
    /// Provider tokens per question (every request, in and out) before the model must answer.
    #[arg(long, default_value_t = AgentConfig::default().max_tokens)]
    pub max_tokens: u64,
    pub question: String,
}

/// One entry of the providers file; the key comes from the environment variable it names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderEntry {
    name: String,
    api: Api,
    base_url: String,
    model: String,
    #[serde(default)]
    api_key_env: Option<String>,
    #[serde(default)]
    max_output_tokens: Option<u32>,
    #[serde(default)]
    context_tokens: Option<u32>,
}

pub(crate) fn load_providers(path: &str) -> Result<Vec<ProviderConfig>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_string(),
        source,
    })?;
    let entries: Vec<ProviderEntry> =
        serde_json::from_str(&text).map_err(|source| CliError::ProvidersFile {
            path: path.to_string(),
            source,
        })?;
    let mut providers = Vec::new();
    for entry in entries {
        let api_key = match &entry.api_key_env {
            Some(variable) => {
                let key = std::env::var(variable).ok().filter(|key| !key.is_empty());
                if key.is_none() {
                    eprintln!(
                        "familiar: {variable} is not set; provider {:?} gets no key",
                        entry.name
                    );
                }
                key
            }
            None => None,
        };
        let provider = ProviderConfig {
            name: entry.name,
            api: entry.api,
            base_url: entry.base_url,
            model: entry.model,
            api_key,
            max_output_tokens: entry.max_output_tokens,
            context_tokens: entry.context_tokens,
        };
        provider.validate()?;
        providers.push(provider);
    }
    Ok(providers)
}

pub fn run(args: AskArgs) -> Result<(), CliError> {
    let providers = match &args.providers {
        Some(path) => load_providers(path)?,
        None => Vec::new(),
    };
    let (mut index, _report) = load_corpus(&args.corpus)?;
    let options = SearchOptions {
        top: args.passages,
        user_packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
        snippets: true,
        ..SearchOptions::default()
    };
    let passages: Vec<Passage> = index
        .search(&args.question, &options)?
        .iter()
        .map(|hit| {
            Passage::from_snippet_html(&hit.uuid, hit.anchor.as_deref(), &hit.name, &hit.snippet)
        })
        .collect();
    let prompt = build_prompt(&PromptParts {
        system_template: DEFAULT_SYSTEM_PROMPT,
        language: &args.language,
        passages: &passages,
        history: HistoryContext::default(),
        question: &args.question,
    });
    let config = ChainConfig {
        retry: RetryPolicy {
            max_retries: args.max_retries,
            ..RetryPolicy::default()
        },
        timeouts: Timeouts {
            first_byte_ms: args.first_byte_timeout_ms,
            idle_ms: args.idle_timeout_ms,
        },
        seed: now_ms(),
        ..ChainConfig::default()
    };
    let mut chain = ProviderChain::new(providers, config);
    let mut transport = Transport::new(args.first_byte_timeout_ms);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.tools == ToolsMode::ReadOnly {
        let input = tools::Input {
            prompt,
            passages,
            index: &mut index,
        };
        return tools::run(&args, chain, input, &mut transport, &mut out);
    }
    chain.start(AskInput { prompt, passages }, now_ms());
    loop {
        while let Some(command) = chain.poll_command() {
            match command {
                Command::Send { request, http, .. } => transport.send(request, http),
                Command::Abort { request } => transport.abort(request),
            }
        }
        while let Some((_, event)) = chain.poll_event() {
            match event {
                AskEvent::Delta { text } if args.json => {
                    writeln!(out, "{}", json!({"delta": text}))?
                }
                AskEvent::Reset { reason } if args.json => {
                    writeln!(out, "{}", json!({"reset": reason}))?
                }
                AskEvent::Done { answer } => return print_answer(&mut out, &answer, args.json),
                _ => {}
            }
            out.flush()?;
        }
        match transport.wait(chain.poll_timeout()) {
            Woke::Seen(request, seen) => {
                let now = now_ms();
                match seen {
                    Seen::Head(status, headers) => chain.handle_head(request, status, headers, now),
                    Seen::Data(bytes) => chain.handle_data(request, &bytes, now),
                    Seen::End => chain.handle_end(request, now),
                    Seen::Failed(error) => chain.handle_error(request, &error, now),
                }
            }
            Woke::Timeout(now) => chain.handle_timeout(now),
        }
    }
}

/// The final `--json` line's fields for an answer.
fn answer_json(answer: &Answer) -> serde_json::Map<String, serde_json::Value> {
    let citations: Vec<_> = answer
        .citations
        .iter()
        .map(|citation| json!({"uuid": citation.uuid, "name": citation.name}))
        .collect();
    let attempts: Vec<_> = answer
        .attempts
        .iter()
        .map(|attempt| json!({"provider": attempt.provider, "status": attempt.status, "error": attempt.error}))
        .collect();
    let mut fields = serde_json::Map::new();
    fields.insert("answer".into(), json!(answer.text));
    fields.insert("citations".into(), json!(citations));
    fields.insert("provider".into(), json!(answer.provider));
    fields.insert("offline".into(), json!(answer.offline.is_some()));
    fields.insert("offlineReason".into(), json!(answer.offline));
    fields.insert("attempts".into(), json!(attempts));
    fields.insert("usage".into(), json!(answer.usage));
    fields
}

fn print_answer(out: &mut impl Write, answer: &Answer, as_json: bool) -> Result<(), CliError> {
    if as_json {
        writeln!(out, "{}", serde_json::Value::Object(answer_json(answer)))?;
    } else {
        writeln!(out, "{}", answer.text.trim_end())?;
        if !answer.citations.is_empty() {
            writeln!(out, "\nSources:")?;
            for citation in &answer.citations {
                writeln!(
                    out,
                    "  [{}] {} ({})",
                    citation.number, citation.name, citation.uuid
                )?;
            }
        }
        if let Some(provider) = &answer.provider {
            writeln!(out, "\n(answered by {provider})")?;
        }
        for attempt in &answer.attempts {
            eprintln!("familiar: {}: {}", attempt.provider, attempt.error);
        }
    }
    out.flush()?;
    Ok(())
}
