//! One module per subcommand; each exposes `run(args) -> Result<(), CliError>`.

pub mod version;

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
}
