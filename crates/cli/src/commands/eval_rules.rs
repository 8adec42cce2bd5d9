//! `familiar eval-rules --corpus FILE.jsonl --questions FILE.jsonl`: hit@1, hit@5 and MRR@10 of the rules index,
//! with the semantic layer when its model is installed (`--lexical-only` without), and the time per question.

use std::time::Instant;

use clap::Args;
use familiar_rules::eval::{evaluate_with, Question};

use super::rewrite::{search_question, RewriteArgs, Rewriter};
use super::search::load_corpus;
use super::semantic::{Semantic, SemanticArgs};
use super::CliError;

#[derive(Args)]
pub struct EvalRulesArgs {
    #[arg(long)]
    pub corpus: String,
    /// `{"id", "question", "expected": [uuid, ...]}` lines.
    #[arg(long)]
    pub questions: String,
    /// Also list every question with the rank of its answer and the top names.
    #[arg(long)]
    pub verbose: bool,
    #[command(flatten)]
    pub semantic: SemanticArgs,
    #[command(flatten)]
    pub rewrite: RewriteArgs,
}

pub fn run(args: EvalRulesArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.questions).map_err(|source| CliError::Read {
        path: args.questions.clone(),
        source,
    })?;
    let questions = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str::<Question>(line)
                .map_err(|error| CliError::Invalid(format!("question line: {error}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (mut index, _) = load_corpus(&args.corpus)?;
    let semantic = Semantic::prepare(&args.semantic, &mut index)?;
    let mut rewriter = Rewriter::prepare(&args.rewrite)?;
    let mut times = Vec::with_capacity(questions.len());
    let mut accuracy = evaluate_with(&questions, |question, options| {
        let started = Instant::now();
        let hits = search_question(
            &mut index,
            semantic.as_ref(),
            rewriter.as_mut(),
            question,
            options,
        );
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        hits
    })?;
    if !args.verbose {
        accuracy.results.clear();
    }
    let mut output =
        serde_json::to_value(&accuracy).map_err(|error| CliError::Invalid(error.to_string()))?;
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
    };
    output["queryMsP50"] = at(0.5).into();
    output["queryMsP95"] = at(0.95).into();
    output["semantic"] = semantic.map(|semantic| semantic.report).into();
    output["rewrite"] = rewriter.map(|rewriter| rewriter.report()).into();
    println!("{output}");
    Ok(())
}
