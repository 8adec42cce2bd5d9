//! One module per subcommand; each exposes `run(args) -> Result<(), CliError>`.

pub mod art;
pub mod ask;
pub mod bench_art;
pub mod bench_encounter;
pub mod bench_rules;
pub mod encounter;
pub mod eval_rules;
pub mod monster;
pub mod search;
pub mod version;
pub mod xp;

/// Why a subcommand failed; printed to stderr, with a non-zero exit.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not write output: {0}")]
    Write(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("rules index: {0}")]
    Rules(#[from] familiar_rules::RulesError),
    #[error("{flag} {value:?}: expected {expected}")]
    BadArgument {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    EncounterInput(#[from] familiar_encounter::InputError),
    #[error(transparent)]
    Generate(#[from] familiar_encounter::GenerateError),
    #[error(transparent)]
    Build(#[from] familiar_encounter::BuildError),
    #[error(transparent)]
    ArtConfig(#[from] familiar_art::ConfigError),
    #[error("every image provider failed ({attempts} attempts; see the attempts list)")]
    ArtFailed { attempts: usize },
    #[error("providers file {path}: {source}")]
    ProvidersFile {
        path: String,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Chat(#[from] familiar_chat::ChatError),
}
