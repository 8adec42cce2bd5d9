//! The GM's model as query rewriter for `familiar search` and `familiar eval-rules` (`--rewrite-providers`): one
//! short capped call per question through the same chain and transport as `familiar ask`, its terms fused into the
//! search ([`familiar_rules::rewrite`]). A failed or timed-out call leaves the question searched as without one.
//! `--rewrite-cache FILE` keeps every rewrite (one JSON line each) so a measurement can be run again without the
//! model, and says which model wrote it.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use familiar_chat::{
    parse_rewrite, rewrite_input, AskEvent, ChainConfig, Command, ProviderChain, RetryPolicy,
    RewriteConfig, Timeouts,
};
use familiar_rules::{Dense, RewriteFusion, RulesIndex, SearchHit, SearchOptions};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ask::load_providers;
use super::ask::transport::{now_ms, Seen, Transport, Woke};
use super::semantic::Semantic;
use super::CliError;

#[derive(Args)]
pub struct RewriteArgs {
    /// A providers file (as `familiar ask --providers`) whose model rewrites each question into rule names first.
    #[arg(long)]
    pub rewrite_providers: Option<String>,
    /// Rewrites kept as JSON lines: read first (no call for a question already there), new ones appended.
    #[arg(long)]
    pub rewrite_cache: Option<PathBuf>,
    /// A named rule's weight against the question ranking's 1.
    #[arg(long, default_value_t = RewriteFusion::default().weight)]
    pub rewrite_weight: f32,
    /// Output tokens the rewrite may use.
    #[arg(long, default_value_t = RewriteConfig::default().max_output_tokens)]
    pub rewrite_tokens: u32,
    /// How long one rewrite may take before the search goes on without it.
    #[arg(long, default_value_t = 20_000)]
    pub rewrite_timeout_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct CachedRewrite {
    question: String,
    model: String,
    terms: Vec<String>,
}

pub struct Rewriter {
    chain: ProviderChain,
    transport: Transport,
    config: RewriteConfig,
    pub fusion: RewriteFusion,
    timeout_ms: u64,
    model: String,
    cache: HashMap<String, Vec<String>>,
    cache_file: Option<std::fs::File>,
    calls: u64,
    failures: u64,
    tokens: u64,
    call_ms: Vec<f64>,
    with_terms: u64,
}

impl Rewriter {
    /// `None` without `--rewrite-providers`.
    pub fn prepare(args: &RewriteArgs) -> Result<Option<Rewriter>, CliError> {
        let Some(path) = &args.rewrite_providers else {
            return Ok(None);
        };
        let providers = load_providers(path)?;
        let model = providers
            .iter()
            .map(|provider| format!("{}:{}", provider.name, provider.model))
            .collect::<Vec<_>>()
            .join(",");
        let mut cache = HashMap::new();
        let mut cache_file = None;
        if let Some(path) = &args.rewrite_cache {
            if let Ok(text) = std::fs::read_to_string(path) {
                for line in text.lines().filter(|line| !line.trim().is_empty()) {
                    // A damaged line is a rewrite to ask again, not a reason to stop.
                    if let Ok(entry) = serde_json::from_str::<CachedRewrite>(line) {
                        if entry.model == model {
                            cache.insert(entry.question, entry.terms);
                        }
                    }
                }
            }
            cache_file = Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|source| CliError::Read {
                        path: path.display().to_string(),
                        source,
                    })?,
            );
        }
        let chain = ProviderChain::new(
            providers,
            ChainConfig {
                retry: RetryPolicy {
                    max_retries: 1,
                    ..RetryPolicy::default()
                },
                timeouts: Timeouts {
                    first_byte_ms: args.rewrite_timeout_ms,
                    idle_ms: args.rewrite_timeout_ms,
                },
                seed: now_ms(),
                ..ChainConfig::default()
            },
        );
        Ok(Some(Rewriter {
            chain,
            transport: Transport::new(args.rewrite_timeout_ms),
            config: RewriteConfig {
                max_output_tokens: args.rewrite_tokens,
                ..RewriteConfig::default()
            },
            fusion: RewriteFusion {
                weight: args.rewrite_weight,
                ..RewriteFusion::default()
            },
            timeout_ms: args.rewrite_timeout_ms,
            model,
            cache,
            cache_file,
            calls: 0,
            failures: 0,
            tokens: 0,
            call_ms: Vec::new(),
            with_terms: 0,
        }))
    }

    /// The question's rule names, from the cache or one call; none when the call fails.
    pub fn terms(&mut self, question: &str) -> Result<Vec<String>, CliError> {
        if let Some(terms) = self.cache.get(question) {
            let terms = terms.clone();
            self.with_terms += u64::from(!terms.is_empty());
            return Ok(terms);
        }
        let started = Instant::now();
        let deadline = now_ms() + self.timeout_ms;
        let ask = self.chain.start_capped(
            rewrite_input(question),
            self.config.max_output_tokens,
            now_ms(),
        );
        self.calls += 1;
        let answer = loop {
            while let Some(command) = self.chain.poll_command() {
                match command {
                    Command::Send { request, http, .. } => self.transport.send(request, http),
                    Command::Abort { request } => self.transport.abort(request),
                }
            }
            let done =
                std::iter::from_fn(|| self.chain.poll_event()).find_map(
                    |(id, event)| match event {
                        AskEvent::Done { answer } if id == ask => Some(answer),
                        _ => None,
                    },
                );
            if let Some(answer) = done {
                break Some(answer);
            }
            if now_ms() >= deadline {
                self.chain.cancel(ask, now_ms());
                break None;
            }
            let next = self
                .chain
                .poll_timeout()
                .map_or(deadline, |at| at.min(deadline));
            match self.transport.wait(Some(next)) {
                Woke::Seen(request, seen) => {
                    let now = now_ms();
                    match seen {
                        Seen::Head(status, headers) => {
                            self.chain.handle_head(request, status, headers, now)
                        }
                        Seen::Data(bytes) => self.chain.handle_data(request, &bytes, now),
                        Seen::End => self.chain.handle_end(request, now),
                        Seen::Failed(error) => self.chain.handle_error(request, &error, now),
                    }
                }
                Woke::Timeout(now) => self.chain.handle_timeout(now),
            }
        };
        self.call_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let terms = match answer {
            Some(answer) if answer.offline.is_none() => {
                if let Some(usage) = &answer.usage {
                    self.tokens += u64::from(usage.input_tokens.unwrap_or(0))
                        + u64::from(usage.output_tokens.unwrap_or(0));
                }
                parse_rewrite(&answer.raw_text, &self.config)
            }
            _ => {
                self.failures += 1;
                // Not cached: a failure is worth asking again next run.
                return Ok(Vec::new());
            }
        };
        self.with_terms += u64::from(!terms.is_empty());
        if let Some(file) = &mut self.cache_file {
            let line = serde_json::to_string(&CachedRewrite {
                question: question.to_string(),
                model: self.model.clone(),
                terms: terms.clone(),
            })
            .map_err(|error| CliError::Invalid(error.to_string()))?;
            writeln!(file, "{line}")?;
        }
        self.cache.insert(question.to_string(), terms.clone());
        Ok(terms)
    }

    /// What the rewrites cost and gave, for the command's JSON output.
    pub fn report(&self) -> serde_json::Value {
        let mut times = self.call_ms.clone();
        times.sort_by(f64::total_cmp);
        let at = |q: f64| {
            times
                .get(((times.len() as f64 - 1.0) * q).round() as usize)
                .copied()
        };
        json!({
            "model": self.model,
            "calls": self.calls,
            "failures": self.failures,
            "questionsWithTerms": self.with_terms,
            "tokens": self.tokens,
            "callMsP50": at(0.5),
            "callMsP95": at(0.95),
            "weight": self.fusion.weight,
        })
    }
}

/// The question searched as the command was asked to: by words, fused with the semantic ranking when the model is
/// there, and with the rewrite's rule names when a rewriter is.
pub fn search_question(
    index: &mut RulesIndex,
    semantic: Option<&Semantic>,
    rewriter: Option<&mut Rewriter>,
    query: &str,
    options: &SearchOptions,
) -> Result<Vec<SearchHit>, CliError> {
    let dense_hits = match semantic {
        Some(semantic) => Some(semantic.dense_hits(query)?),
        None => None,
    };
    let dense = match (semantic, &dense_hits) {
        (Some(semantic), Some(hits)) => Some(Dense {
            hits,
            fusion: semantic.fusion,
        }),
        _ => None,
    };
    match rewriter {
        Some(rewriter) => {
            let terms = rewriter.terms(query)?;
            Ok(index.search_rewritten(query, &terms, options, dense, &rewriter.fusion)?)
        }
        None if dense.is_some() => Ok(index.search_fused(query, options, dense)?),
        None => Ok(index.search(query, options)?),
    }
}
