//! `familiar art-check --jsonl [--strictness LEVEL]`: the prompt filter alone, as `familiar art` runs it before
//! anything is sent, over `{"id", "prompt"}` lines on stdin; writes `{"id", "blocked", "category", "reason"}` per
//! line. No provider is called. Extra fields on the input lines (a label, a category) are ignored.

use std::io::Write;

use clap::Args;
use familiar_art::check_prompt;
use serde::Deserialize;
use serde_json::{json, Value};

use super::art::parse_strictness;
use super::{stdin_jsonl, CliError};

#[derive(Args)]
pub struct ArtCheckArgs {
    /// Read `{"id", "prompt"}` lines on stdin (the only mode).
    #[arg(long, required = true)]
    pub jsonl: bool,
    /// strict | standard | relaxed
    #[arg(long, default_value = "strict")]
    pub strictness: String,
}

#[derive(Deserialize)]
struct PromptLine {
    id: Value,
    prompt: String,
}

pub fn run(args: ArtCheckArgs) -> Result<(), CliError> {
    let strictness = parse_strictness(&args.strictness)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for input in stdin_jsonl::<PromptLine>("prompt") {
        let input = input?;
        let verdict = check_prompt(&input.prompt, strictness);
        let output = json!({
            "id": input.id,
            "blocked": !verdict.allowed,
            "category": verdict.category,
            "reason": verdict.reason,
        });
        writeln!(out, "{output}")?;
    }
    Ok(())
}
