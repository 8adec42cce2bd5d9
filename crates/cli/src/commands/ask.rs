//! `familiar ask --corpus FILE.jsonl [--providers FILE.json] [--json] "question"`: a grounded answer from the
//! provider chain, or from the rules index alone. This file is only the transport: `ureq` on one thread per request
//! feeds status, headers and body chunks to the sans-IO core in `familiar-chat` over a channel, and the main loop
//! sleeps until the core's next deadline. With `--json`, stdout holds `{"delta"}` lines, a `{"reset"}` line when a
//! broken stream's text must be discarded, and the final `{"answer", ...}` line. Exit 0 whenever an answer was given.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use familiar_chat::history::HistoryContext;
use familiar_chat::{
    build_prompt, Answer, Api, AskEvent, AskInput, ChainConfig, Command, HttpRequest, Method,
    Passage, PromptParts, ProviderChain, ProviderConfig, RetryPolicy, Timeouts,
    DEFAULT_SYSTEM_PROMPT,
};
use familiar_rules::SearchOptions;
use serde::Deserialize;
use serde_json::json;

use super::search::load_corpus;
use super::CliError;

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

fn load_providers(path: &str) -> Result<Vec<ProviderConfig>, CliError> {
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

/// What a transport thread saw.
enum Seen {
    Head(u16, Vec<(String, String)>),
    Data(Vec<u8>),
    End,
    Failed(String),
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Performs one request on its own thread, reporting everything it sees until it ends or is aborted.
fn spawn_request(
    agent: ureq::Agent,
    request: u64,
    http: HttpRequest,
    abort: Arc<AtomicBool>,
    out: Sender<(u64, Seen)>,
) {
    std::thread::spawn(move || {
        let send = |seen: Seen| out.send((request, seen)).is_ok();
        let response = match http.method {
            Method::Get => {
                let mut builder = agent.get(&http.url);
                for (key, value) in &http.headers {
                    builder = builder.header(key, value);
                }
                builder.call()
            }
            Method::Post => {
                let mut builder = agent.post(&http.url);
                for (key, value) in &http.headers {
                    builder = builder.header(key, value);
                }
                builder.send(http.body.as_deref().unwrap_or(""))
            }
        };
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                send(Seen::Failed(error.to_string()));
                return;
            }
        };
        let headers = response
            .headers()
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_str().unwrap_or("").to_string()))
            .collect();
        if !send(Seen::Head(response.status().as_u16(), headers)) {
            return;
        }
        let mut reader = response.into_body().into_reader();
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            if abort.load(Ordering::Relaxed) {
                return;
            }
            match reader.read(&mut buffer) {
                Ok(0) => {
                    send(Seen::End);
                    return;
                }
                Ok(read) => {
                    if !send(Seen::Data(buffer[..read].to_vec())) {
                        return;
                    }
                }
                Err(error) => {
                    send(Seen::Failed(error.to_string()));
                    return;
                }
            }
        }
    });
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
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_millis(args.first_byte_timeout_ms)))
        .max_idle_age(super::POOLED_CONNECTION_MAX_AGE)
        .build()
        .into();
    let (sender, receiver) = mpsc::channel::<(u64, Seen)>();
    let mut aborts: HashMap<u64, Arc<AtomicBool>> = HashMap::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    chain.start(AskInput { prompt, passages }, now_ms());
    loop {
        while let Some(command) = chain.poll_command() {
            match command {
                Command::Send { request, http, .. } => {
                    let abort = Arc::new(AtomicBool::new(false));
                    aborts.insert(request, abort.clone());
                    spawn_request(agent.clone(), request, http, abort, sender.clone());
                }
                Command::Abort { request } => {
                    if let Some(abort) = aborts.remove(&request) {
                        abort.store(true, Ordering::Relaxed);
                    }
                }
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
        let wait = chain
            .poll_timeout()
            .map_or(60_000, |deadline| deadline.saturating_sub(now_ms()));
        match receiver.recv_timeout(Duration::from_millis(wait)) {
            Ok((request, seen)) => {
                let now = now_ms();
                match seen {
                    Seen::Head(status, headers) => chain.handle_head(request, status, headers, now),
                    Seen::Data(bytes) => chain.handle_data(request, &bytes, now),
                    Seen::End => chain.handle_end(request, now),
                    Seen::Failed(message) => chain.handle_error(request, &message, now),
                }
            }
            Err(RecvTimeoutError::Timeout) => chain.handle_timeout(now_ms()),
            // Unreachable while `sender` lives in this scope; handled rather than assumed.
            Err(RecvTimeoutError::Disconnected) => chain.handle_timeout(u64::MAX),
        }
    }
}

fn print_answer(out: &mut impl Write, answer: &Answer, as_json: bool) -> Result<(), CliError> {
    if as_json {
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
        let line = json!({
            "answer": answer.text,
            "citations": citations,
            "provider": answer.provider,
            "offline": answer.offline.is_some(),
            "offlineReason": answer.offline,
            "attempts": attempts,
            "usage": answer.usage,
        });
        writeln!(out, "{line}")?;
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
