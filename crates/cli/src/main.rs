//! `familiar`: the native command line. Every subcommand writes JSON on stdout so scripts can read it.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "familiar",
    version,
    about = "Familiar's rules, encounter and creature tools from the shell"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the version and build as JSON.
    Version,
    /// Ask the raven: a grounded, cited answer streamed from the provider chain, or an offline answer.
    Ask(commands::ask::AskArgs),
    /// Search the rules index built from a JSONL corpus: one query, or `--jsonl` questions on stdin.
    Search(commands::search::SearchArgs),
    /// hit@1, hit@5 and MRR@10 of the rules index on a question set.
    EvalRules(commands::eval_rules::EvalRulesArgs),
    /// Rules index build time, query p50/p95, serialized size and load time (sample and generated corpora).
    BenchRules(commands::bench_rules::BenchRulesArgs),
    /// XP, threat rating and rewards for an encounter, exactly as the pf2e system computes them.
    Xp(commands::xp::XpArgs),
    /// Build a creature from a Gamemastery Guide road map and print the pf2e NPC document.
    Monster(commands::monster::MonsterArgs),
    /// Generate distinct encounters in a threat band from a creature pool (compendium actors or an index).
    Encounter(commands::encounter::EncounterArgs),
    /// Portraits, tokens or scenes from the image providers in a JSON file, saved without overwriting.
    Art(commands::art::ArtArgs),
    /// The prompt filter alone on `{"id", "prompt"}` lines (stdin): `{"id", "blocked", "reason"}` lines, nothing sent.
    ArtCheck(commands::art_check::ArtCheckArgs),
    /// Art pipeline against the fake providers with a fault mix: saved share, our time per image, memory.
    BenchArt(commands::bench_art::BenchArtArgs),
    /// Rules chat: Familiar's work per ask step by step, and a 10,000-message conversation's memory and prompt size.
    BenchChat(commands::bench_chat::BenchChatArgs),
    /// Encounter generator statistics and XP/generation timings (table on stderr, JSON on stdout).
    BenchEncounter(commands::bench_encounter::BenchEncounterArgs),
    /// The GM relay against a scripted provider: p95 wait, fairness with a flooder, 500 sessions, state memory.
    BenchRelay(commands::bench_relay::BenchRelayArgs),
    /// The raven's tools: Familiar's time per tool step (provider excluded), and 10,000 ratings via the tool.
    BenchTools(commands::bench_tools::BenchToolsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Version => commands::version::run(),
        Command::Ask(args) => commands::ask::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::EvalRules(args) => commands::eval_rules::run(args),
        Command::BenchRules(args) => commands::bench_rules::run(args),
        Command::Xp(args) => commands::xp::run(args),
        Command::Monster(args) => commands::monster::run(args),
        Command::Encounter(args) => commands::encounter::run(args),
        Command::BenchEncounter(args) => commands::bench_encounter::run(args),
        Command::Art(args) => commands::art::run(args),
        Command::ArtCheck(args) => commands::art_check::run(args),
        Command::BenchArt(args) => commands::bench_art::run(args),
        Command::BenchChat(args) => commands::bench_chat::run(args),
        Command::BenchRelay(args) => commands::bench_relay::run(args),
        Command::BenchTools(args) => commands::bench_tools::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("familiar: {error}");
            ExitCode::FAILURE
        }
    }
}
