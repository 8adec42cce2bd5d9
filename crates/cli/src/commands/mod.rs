//! One module per subcommand; each exposes `run(args) -> Result<(), CliError>`.

pub mod art;
pub mod art_check;
pub mod ask;
pub mod bench_art;
pub mod bench_chat;
pub mod bench_encounter;
pub mod bench_relay;
pub mod bench_rules;
pub mod bench_tools;
pub mod encounter;
pub mod eval_rules;
pub mod monster;
pub mod rewrite;
pub mod search;
pub mod semantic;
pub mod version;
pub mod xp;

/// How long an idle pooled HTTP connection may be reused. Servers close idle keep-alive connections on their own
/// clock (Node's default is 5 s, some proxies 1 s), and a request written to one they just closed is reset; provider
/// calls are seconds apart, so only back-to-back requests share a connection.
pub(crate) const POOLED_CONNECTION_MAX_AGE: std::time::Duration =
    std::time::Duration::from_millis(500);

/// Each non-empty line of stdin read as a `T`, for the `--jsonl` modes; `what` names the line in an error.
/// A `ureq` failure before a response as the cores' one transport error (the chat's `familiar ask`, the art's).
pub(crate) fn transport_error(error: ureq::Error) -> familiar_transport::TransportError {
    use familiar_transport::TransportError;
    match error {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        ureq::Error::BadUri(detail) => TransportError::InvalidRequest(detail),
        ureq::Error::Http(detail) => TransportError::InvalidRequest(detail.to_string()),
        other => TransportError::Network(other.to_string()),
    }
}

pub(crate) fn stdin_jsonl<T: serde::de::DeserializeOwned>(
    what: &'static str,
) -> impl Iterator<Item = Result<T, CliError>> {
    use std::io::BufRead;
    std::io::stdin()
        .lock()
        .lines()
        .filter(|line| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |line| {
            serde_json::from_str(&line?)
                .map_err(|error| CliError::Invalid(format!("{what} line: {error}")))
        })
}

/// Resident and peak memory of this process in KiB from /proc (Linux; zeros elsewhere), for the benchmarks.
pub(crate) fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

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
    #[error("embedding model: {0}")]
    Embed(#[from] familiar_embed::EmbedError),
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
