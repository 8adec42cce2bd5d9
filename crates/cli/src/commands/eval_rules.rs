//! `familiar eval-rules --corpus FILE.jsonl --questions FILE.jsonl`: hit@1, hit@5 and MRR@10 of the rules index.

use clap::Args;
use familiar_rules::eval::{evaluate, Question};

use super::search::load_corpus;
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
    let mut accuracy = evaluate(&mut index, &questions)?;
    if !args.verbose {
        accuracy.results.clear();
    }
    println!(
        "{}",
        serde_json::to_string(&accuracy).map_err(|error| CliError::Invalid(error.to_string()))?
    );
    Ok(())
}
