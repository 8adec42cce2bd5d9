//! Typed errors with messages a GM understands. Nothing in this crate panics on bad input.

use thiserror::Error;

/// Why an XP request (party, creatures, hazards) was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InputError {
    #[error("{what} must be a whole number, but got {value}")]
    NotAWholeNumber { what: String, value: f64 },
    #[error(
        "party level {level} is outside 1 to 20; a party's level is the level of its characters"
    )]
    PartyLevelOutOfRange { level: i64 },
    #[error("the party has no characters: party size must be at least 1")]
    EmptyParty,
    #[error("party size {size} is more than {max}; split the group into several parties")]
    PartyTooLarge { size: i64, max: u32 },
    #[error("party size {size} cannot be negative")]
    NegativePartySize { size: i64 },
    #[error("creature #{index} has level {level}; creature levels run from -1 to 25")]
    CreatureLevelOutOfRange { index: usize, level: i64 },
    #[error("hazard #{index} has level {level}; hazard levels run from -1 to 25")]
    HazardLevelOutOfRange { index: usize, level: i64 },
    #[error("{count} creatures and hazards in one encounter is more than {max}; split it into several encounters")]
    TooManyEntities { count: usize, max: usize },
    #[error("could not read {what}: {reason}")]
    Malformed { what: String, reason: String },
}

/// Why the encounter generator could not produce what was asked, with what to relax.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GenerateError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("the creature pool is empty: load a compendium index or a bestiary first")]
    EmptyPool,
    #[error("no creature in the pool passes the filters ({filters}); relax the trait filters or the rarity cap")]
    NothingPassesFilters { filters: String },
    #[error("no creature in the pool is within {range} levels of party level {party_level} (levels {min} to {max}); add creatures of those levels")]
    NoCreatureInLevelRange {
        party_level: i32,
        range: i32,
        min: i32,
        max: i32,
    },
    #[error("no {shape} encounter lands in the {threat} band ({low} to {high} XP) with at most {max_creatures} creatures from this pool; {hint}")]
    NothingFits {
        shape: String,
        threat: String,
        low: u32,
        high: u32,
        max_creatures: usize,
        hint: String,
    },
    #[error("max creatures must be between 1 and {max}, got {value}")]
    MaxCreaturesOutOfRange { value: usize, max: usize },
    #[error("asked for {value} encounters; ask for between 1 and {max}")]
    CountOutOfRange { value: usize, max: usize },
}

/// Why the creature builder refused a request.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BuildError {
    #[error(
        "creature level {level} is outside -1 to 24, the range of the creature-building tables"
    )]
    LevelOutOfRange { level: i64 },
    #[error("unknown road map {name:?}; known road maps: {known}")]
    UnknownRoadmap { name: String, known: String },
    #[error("a creature can be elite or weak, not both")]
    EliteAndWeak,
    #[error("pf2e {version} is older than {oldest}, the oldest pf2e release the builder writes NPCs for")]
    UnsupportedPf2eVersion { version: String, oldest: String },
    #[error("could not read {what}: {reason}")]
    Malformed { what: String, reason: String },
}
