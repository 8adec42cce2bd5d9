//! `familiar search --corpus FILE.jsonl [--top K] [--jsonl | QUERY]`: the rules index from the shell.
//! With `--jsonl`, reads `{"id", "question"}` lines on stdin and writes `{"id", "hits": [...]}` lines.
//! The semantic layer joins when its model is installed ([`super::semantic`]); `--lexical-only` leaves it out.

use std::io::Write;
use std::time::Instant;

use clap::Args;
use familiar_rules::{IngestReport, NoResolver, RulesIndex, SearchOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::rewrite::{search_question, RewriteArgs, Rewriter};
use super::semantic::{Semantic, SemanticArgs};
use super::{stdin_jsonl, CliError};

#[derive(Args)]
pub struct SearchArgs {
    /// Compendium documents, one JSON object a line (the pf2e shape plus `pack` and `uuid`).
    #[arg(long)]
    pub corpus: String,
    /// How many hits to return.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Only these packs are visible (a player's view); repeat for several. The GM sees all.
    #[arg(long = "pack")]
    pub packs: Vec<String>,
    /// Batch mode: questions as JSON lines on stdin.
    #[arg(long)]
    pub jsonl: bool,
    /// The question, for one-shot mode.
    pub query: Option<String>,
    #[command(flatten)]
    pub semantic: SemanticArgs,
    #[command(flatten)]
    pub rewrite: RewriteArgs,
}

/// Reads a JSONL corpus into a built index; unreadable lines are reported like malformed documents.
pub fn load_corpus(path: &str) -> Result<(RulesIndex, IngestReport), CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_string(),
        source,
    })?;
    let values: Vec<Value> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
        .collect();
    let mut index = RulesIndex::new()?;
    let report = index.add_documents(&values, &NoResolver);
    index.commit()?;
    Ok((index, report))
}

#[derive(Deserialize)]
struct QuestionLine {
    id: Value,
    question: String,
}

pub fn run(args: SearchArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let (mut index, report) = load_corpus(&args.corpus)?;
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let semantic = Semantic::prepare(&args.semantic, &mut index)?;
    let mut rewriter = Rewriter::prepare(&args.rewrite)?;
    let mut search = |index: &mut RulesIndex, query: &str, options: &SearchOptions| {
        search_question(index, semantic.as_ref(), rewriter.as_mut(), query, options)
    };
    let options = SearchOptions {
        top: args.top,
        user_packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
        snippets: !args.jsonl,
        ..SearchOptions::default()
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.jsonl {
        for question in stdin_jsonl::<QuestionLine>("question") {
            let question = question?;
            let hits = search(&mut index, &question.question, &options)?;
            let hits: Vec<Value> = hits
                .iter()
                .map(|hit| json!({"uuid": hit.uuid, "name": hit.name, "score": hit.score}))
                .collect();
            writeln!(out, "{}", json!({"id": question.id, "hits": hits}))?;
        }
        return Ok(());
    }
    let query = args.query.ok_or_else(|| {
        CliError::Invalid("give a query, or --jsonl to read questions on stdin".into())
    })?;
    let started = Instant::now();
    let hits = search(&mut index, &query, &options)?;
    let query_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut output = json!({
        "query": query,
        "hits": hits,
        "buildMs": build_ms,
        "queryMs": query_ms,
        "skipped": report.skipped.len(),
        "truncated": report.truncated.len(),
    });
    if let Some(semantic) = &semantic {
        output["semantic"] = semantic.report.clone();
    }
    if let Some(rewriter) = &rewriter {
        output["rewrite"] = rewriter.report();
    }
    writeln!(out, "{output}")?;
    Ok(())
}
