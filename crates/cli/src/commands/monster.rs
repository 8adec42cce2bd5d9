//! `familiar monster`: builds a creature from a Gamemastery Guide road map and prints the pf2e NPC document.

use std::io::Write;

use clap::Args;
use familiar_encounter::builder::{
    build_creature, roadmaps, BuildRequest, Iwr, OtherSpeed, Pf2eVersion, Sense,
};

use super::CliError;

#[derive(Debug, Args)]
pub struct MonsterArgs {
    /// Creature level (-1 to 24).
    #[arg(long, allow_negative_numbers = true)]
    level: f64,
    /// Road map: brute, magical-striker, skill-paragon, skirmisher, sniper, soldier, spellcaster, or a class
    /// (alchemist, barbarian, bard, champion, cleric-cloistered, cleric-warpriest, druid, fighter, monk, ranger,
    /// rogue, sorcerer, wizard).
    #[arg(long)]
    roadmap: String,
    /// Apply the elite adjustment (the pf2e system applies it from `attributes.adjustment`).
    #[arg(long, conflicts_with = "weak")]
    elite: bool,
    /// Apply the weak adjustment.
    #[arg(long)]
    weak: bool,
    /// Seed for the free choices (columns within the road map, HP within the range, weapons).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The creature's name (defaults to the road map's name).
    #[arg(long)]
    name: Option<String>,
    /// A creature trait (repeatable), e.g. `--trait beast`.
    #[arg(long = "trait")]
    traits: Vec<String>,
    /// pf2e size: tiny, sm, med, lg, huge, grg.
    #[arg(long)]
    size: Option<String>,
    /// The pf2e release that will receive the NPC (its `game.system.version`): the document is written where that
    /// release keeps each field (4.x, 5.12+, 6.1+, 8.0+; newer releases get the newest shape).
    #[arg(long, default_value_t = Pf2eVersion::NEWEST)]
    pf2e_version: Pf2eVersion,
    /// A special sense (repeatable): `darkvision`, `scent:imprecise:30`.
    #[arg(long = "sense")]
    senses: Vec<Sense>,
    /// An immunity (repeatable), e.g. `--immunity poison`.
    #[arg(long = "immunity")]
    immunities: Vec<String>,
    /// A weakness (repeatable), e.g. `--weakness cold-iron:5`.
    #[arg(long = "weakness")]
    weaknesses: Vec<Iwr>,
    /// A resistance (repeatable), e.g. `--resistance fire:10`.
    #[arg(long = "resistance")]
    resistances: Vec<Iwr>,
    /// A language (repeatable), e.g. `--language common`.
    #[arg(long = "language")]
    languages: Vec<String>,
    /// A speed besides the land speed (repeatable): `fly:60`, `swim:30`, `climb:20`, `burrow:10`.
    #[arg(long = "speed")]
    speeds: Vec<OtherSpeed>,
    /// Print `{"creature": <explained statistics>, "shape": <where each field lives>, "actor": <document>}` instead
    /// of the bare document.
    #[arg(long)]
    explain: bool,
    /// List the road maps and exit.
    #[arg(long, exclusive = true)]
    list: bool,
}

pub fn run(args: MonsterArgs) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if args.list {
        serde_json::to_writer(&mut out, &roadmaps::slugs()).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    let request = BuildRequest {
        level: args.level,
        roadmap: args.roadmap,
        elite: args.elite,
        weak: args.weak,
        seed: args.seed,
        name: args.name,
        traits: (!args.traits.is_empty()).then_some(args.traits),
        size: args.size,
        pf2e_version: Some(args.pf2e_version.to_string()),
        senses: args.senses,
        immunities: args.immunities,
        weaknesses: args.weaknesses,
        resistances: args.resistances,
        languages: args.languages,
        speeds: args.speeds,
    };
    let built = build_creature(&request)?;
    if args.explain {
        serde_json::to_writer(&mut out, &built).map_err(std::io::Error::from)?;
    } else {
        serde_json::to_writer(&mut out, &built.actor).map_err(std::io::Error::from)?;
    }
    writeln!(out)?;
    Ok(())
}
