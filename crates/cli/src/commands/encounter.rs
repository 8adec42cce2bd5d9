//! `familiar encounter`: N distinct encounters for a party and threat from a creature pool (compendium actors as
//! JSON lines, e.g. `../shared/pf2e/bestiary.jsonl`, or a JSON index of `{uuid, name, level, traits, rarity, size}`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use familiar_encounter::generator::pool::{pool_from_text, PoolEntry, Rarity};
use familiar_encounter::generator::{generate, GenerateRequest, Shape};
use familiar_encounter::Threat;

use super::CliError;

#[derive(Debug, Args)]
pub struct EncounterArgs {
    /// The creature pool: compendium actors as JSON lines, or a JSON array of index rows.
    #[arg(long, visible_aliases = ["bestiary", "index"])]
    pool: PathBuf,
    #[arg(long, allow_negative_numbers = true)]
    party_level: f64,
    #[arg(long, default_value_t = 4.0)]
    party_size: f64,
    /// trivial, low, moderate, severe or extreme.
    #[arg(long, default_value = "moderate", value_parser = parse_threat)]
    threat: Threat,
    /// solo-boss, boss-and-lackeys, mated-pair, elite-pair, troop, mixed, or any (a shape per encounter).
    #[arg(long, default_value = "any", value_parser = parse_shape)]
    shape: ShapeChoice,
    /// Only creatures with any of these traits (repeatable).
    #[arg(long = "trait")]
    include_traits: Vec<String>,
    /// No creatures with these traits (repeatable).
    #[arg(long = "exclude-trait")]
    exclude_traits: Vec<String>,
    /// common, uncommon, rare or unique.
    #[arg(long, value_parser = parse_rarity)]
    max_rarity: Option<Rarity>,
    /// Most creatures (and hazards) in one encounter.
    #[arg(long)]
    max_creatures: Option<usize>,
    /// Let hazards from the pool join mixed encounters.
    #[arg(long)]
    hazards: bool,
    /// Use the proficiency-without-level XP table.
    #[arg(long)]
    pwl: bool,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many distinct encounters to generate.
    #[arg(long, default_value_t = 3)]
    count: usize,
}

#[derive(Debug, Clone, Copy)]
struct ShapeChoice(Option<Shape>);

fn parse_threat(text: &str) -> Result<Threat, String> {
    Threat::parse(text)
        .ok_or_else(|| format!("{text:?} is not trivial, low, moderate, severe or extreme"))
}

fn parse_shape(text: &str) -> Result<ShapeChoice, String> {
    if text.eq_ignore_ascii_case("any") {
        return Ok(ShapeChoice(None));
    }
    Shape::parse(text)
        .map(|shape| ShapeChoice(Some(shape)))
        .ok_or_else(|| {
            let names: Vec<&str> = Shape::ALL.iter().map(|shape| shape.name()).collect();
            format!("{text:?} is not one of {}, any", names.join(", "))
        })
}

fn parse_rarity(text: &str) -> Result<Rarity, String> {
    Rarity::parse(text).ok_or_else(|| format!("{text:?} is not common, uncommon, rare or unique"))
}

/// Reads a pool file; lines that are not creatures or hazards are skipped.
pub fn load_pool(path: &Path) -> Result<Vec<PoolEntry>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(pool_from_text(&text)?.0)
}

pub fn run(args: EncounterArgs) -> Result<(), CliError> {
    let pool = load_pool(&args.pool)?;
    let request = GenerateRequest {
        party_level: args.party_level,
        party_size: args.party_size,
        threat: args.threat,
        shape: args.shape.0,
        include_traits: args.include_traits,
        exclude_traits: args.exclude_traits,
        max_rarity: args.max_rarity,
        max_creatures: args.max_creatures,
        allow_hazards: args.hazards,
        proficiency_without_level: args.pwl,
        seed: args.seed,
        count: Some(args.count),
    };
    let generated = generate(&request, &pool)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &generated).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}
