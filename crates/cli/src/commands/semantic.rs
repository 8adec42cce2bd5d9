//! The semantic layer of `familiar search` and `familiar eval-rules`: the sentence-embedding model from its default
//! cache (`~/.cache/familiar/models/`, which `tests/tools/install-models.sh` fills) or `--model DIR`, the corpus's
//! unit vectors cached on disk (`~/.cache/familiar/vectors/<model-id>-<checksum>.bin`, rebuilt when the corpus, the
//! model or the recipe changes, or the file is damaged), and each question's vector fused with the lexical ranking.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use familiar_embed::manifest::sha256_hex;
use familiar_embed::Encoder;
use familiar_rules::semantic::TEXT_RECIPE;
use familiar_rules::{
    embedding_text, DenseHit, DenseIndex, Fusion, FusionMethod, Precision, RulesIndex, UnitText,
};
use serde_json::{json, Value};

use super::CliError;

/// The model used when `--model` is not given, if it is installed.
pub const DEFAULT_MODEL: &str = "all-minilm-l6-v2";
/// Units embedded between two progress lines.
const PROGRESS_CHUNK: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FusionArg {
    /// Reciprocal rank fusion.
    Rrf,
    /// Lexical score over the best plus the weighted, min-max scaled cosine.
    Weighted,
    /// Lexical score as it is plus the weighted, min-max scaled cosine.
    Sum,
}

#[derive(Args)]
pub struct SemanticArgs {
    /// Search by words alone: no sentence-embedding model.
    #[arg(long)]
    pub lexical_only: bool,
    /// The model directory (default: ~/.cache/familiar/models/all-minilm-l6-v2, used when it is there).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Tokens of each unit the model reads: its name, then its text.
    #[arg(long, default_value_t = 128)]
    pub doc_tokens: usize,
    /// How many units of the semantic ranking are fused with the lexical one.
    #[arg(long, default_value_t = 50)]
    pub dense_top: usize,
    #[arg(long, value_enum, default_value_t = FusionArg::Rrf)]
    pub fusion: FusionArg,
    /// The semantic ranking's weight against the lexical one's 1 (defaults chosen on the development and tuning
    /// sets, BENCHMARKS.md).
    #[arg(long, default_value_t = Fusion::DENSE_WEIGHT)]
    pub dense_weight: f32,
    /// The semantic ranking's weight when the question names a rule (a name bonus of at least `--named-bonus`).
    #[arg(long, default_value_t = Fusion::NAMED_DENSE_WEIGHT)]
    pub named_dense_weight: f32,
    /// The name bonus from which a question counts as naming a rule (0.7: any whole name; 0.95: a whole name of
    /// two words, or a rule the question's words point at).
    #[arg(long, default_value_t = Fusion::NAMED_BONUS)]
    pub named_bonus: f32,
    /// The k of reciprocal rank fusion.
    #[arg(long, default_value_t = 60.0)]
    pub rrf_k: f32,
    /// Do not multiply semantic hits by the rules prior (core rules first) and the kind the question asks for.
    #[arg(long)]
    pub no_dense_prior: bool,
    /// Rank by the semantic side alone (for measurement).
    #[arg(long)]
    pub dense_only: bool,
    /// Keep document vectors as int8 with a scale a row instead of f32.
    #[arg(long)]
    pub int8: bool,
    /// Embed the corpus again even when its vectors are cached (for measuring the embedding time).
    #[arg(long)]
    pub rebuild_vectors: bool,
}

/// The model, the corpus's vectors and how to fuse them.
pub struct Semantic {
    encoder: Encoder,
    vectors: DenseIndex,
    pub fusion: Fusion,
    top: usize,
    /// What was loaded and how long it took, for the JSON output.
    pub report: Value,
}

fn cache_root() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/familiar"))
}

impl Semantic {
    /// The semantic layer for this index, or `None` when it is off (`--lexical-only`, or no `--model` and the
    /// default model not installed: a line on stderr says so). A `--model` that does not load is an error.
    pub fn prepare(
        args: &SemanticArgs,
        index: &mut RulesIndex,
    ) -> Result<Option<Semantic>, CliError> {
        if args.lexical_only {
            return Ok(None);
        }
        let dir = match &args.model {
            Some(dir) => dir.clone(),
            None => {
                let dir = cache_root()
                    .map(|root| root.join("models").join(DEFAULT_MODEL))
                    .unwrap_or_default();
                if !dir.join("familiar-model.json").exists() {
                    eprintln!(
                        "familiar: searching by words alone: no model in {} (tests/tools/install-models.sh \
                         installs it)",
                        dir.display()
                    );
                    return Ok(None);
                }
                dir
            }
        };
        let started = Instant::now();
        let encoder = Encoder::load(&dir)?.with_max_tokens(args.doc_tokens)?;
        let load_ms = started.elapsed().as_secs_f64() * 1000.0;
        let precision = match args.int8 {
            true => Precision::Int8,
            false => Precision::F32,
        };
        let units = index.unit_texts()?;
        let texts: Vec<String> = units
            .iter()
            .map(|unit| embedding_text(unit, args.doc_tokens))
            .collect();
        let checksum = corpus_checksum(&encoder, precision, &units, &texts);
        let id = encoder.manifest().id.clone();
        let path = cache_root().map(|root| {
            root.join("vectors")
                .join(format!("{id}-{}.bin", &checksum[..16]))
        });
        let cached = match (&path, args.rebuild_vectors) {
            (Some(path), false) => read_cached(path, &encoder, &units),
            _ => None,
        };
        let from_cache = cached.is_some();
        let started = Instant::now();
        let vectors = match cached {
            Some(vectors) => vectors,
            None => {
                let vectors = embed(&encoder, &units, &texts, precision)?;
                if let Some(path) = &path {
                    write_cache(path, &vectors);
                }
                vectors
            }
        };
        let vectors_ms = started.elapsed().as_secs_f64() * 1000.0;
        let fusion = Fusion {
            method: match args.fusion {
                FusionArg::Rrf => FusionMethod::Rrf { k: args.rrf_k },
                FusionArg::Weighted => FusionMethod::Weighted,
                FusionArg::Sum => FusionMethod::Sum,
            },
            dense_weight: args.dense_weight,
            named: Some((args.named_bonus, args.named_dense_weight)),
            dense_prior: !args.no_dense_prior,
            lexical_weight: if args.dense_only { 0.0 } else { 1.0 },
        };
        let report = json!({
            "model": id,
            "modelDir": dir.display().to_string(),
            "modelLoadMs": load_ms,
            "docTokens": encoder.max_tokens(),
            "units": vectors.len(),
            "vectorsFromCache": from_cache,
            "vectorsMs": vectors_ms,
            "vectorsFile": path.map(|path| path.display().to_string()),
            "precision": if args.int8 { "int8" } else { "f32" },
            "fusion": format!("{fusion:?}"),
            "denseTop": args.dense_top,
        });
        Ok(Some(Semantic {
            encoder,
            vectors,
            fusion,
            top: args.dense_top,
            report,
        }))
    }

    /// The semantic ranking of the question's units, best first.
    pub fn dense_hits(&self, query: &str) -> Result<Vec<DenseHit>, CliError> {
        let vector = self.encoder.encode_query(query)?;
        Ok(self.vectors.top_k(&vector, self.top))
    }
}

/// Names the vectors: the model's files, the token cap, the precision, the recipe and every unit's key and text.
fn corpus_checksum(
    encoder: &Encoder,
    precision: Precision,
    units: &[UnitText],
    texts: &[String],
) -> String {
    let manifest = encoder.manifest();
    let mut material = format!(
        "{}\n{:?}\n{}\n{precision:?}\n{TEXT_RECIPE}\n",
        manifest.id,
        manifest.files,
        encoder.max_tokens()
    )
    .into_bytes();
    for (unit, text) in units.iter().zip(texts) {
        material.extend_from_slice(unit.key.as_bytes());
        material.push(0);
        material.extend_from_slice(text.as_bytes());
        material.push(0);
    }
    sha256_hex(&material)
}

/// The cached vectors, if the file is there, intact, and holds exactly these units.
fn read_cached(path: &Path, encoder: &Encoder, units: &[UnitText]) -> Option<DenseIndex> {
    let bytes = std::fs::read(path).ok()?;
    match DenseIndex::from_bytes(&bytes) {
        Ok(vectors)
            if vectors.dimension() == encoder.dimension()
                && vectors.len() == units.len()
                && vectors
                    .keys()
                    .iter()
                    .zip(units)
                    .all(|(key, unit)| *key == unit.key) =>
        {
            Some(vectors)
        }
        Ok(_) => {
            eprintln!(
                "familiar: {} holds other units; embedding again",
                path.display()
            );
            None
        }
        Err(error) => {
            eprintln!(
                "familiar: {} is unusable ({error}); embedding again",
                path.display()
            );
            None
        }
    }
}

/// Writes the vectors beside their final name and renames, so a reader never sees half a file.
fn write_cache(path: &Path, vectors: &DenseIndex) {
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            let partial = path.with_extension("partial");
            std::fs::write(&partial, vectors.to_bytes())?;
            std::fs::rename(&partial, path)
        });
    if let Err(error) = written {
        eprintln!(
            "familiar: could not cache the vectors in {}: {error}",
            path.display()
        );
    }
}

/// Embeds every unit, longest texts last (batches pad less), with progress on stderr.
fn embed(
    encoder: &Encoder,
    units: &[UnitText],
    texts: &[String],
    precision: Precision,
) -> Result<DenseIndex, CliError> {
    let started = Instant::now();
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&at| texts[at].len());
    let mut vectors = vec![Vec::new(); texts.len()];
    let mut done = 0;
    let mut reported = 0;
    for chunk in order.chunks(PROGRESS_CHUNK) {
        let batch: Vec<&str> = chunk.iter().map(|&at| texts[at].as_str()).collect();
        for (&at, vector) in chunk.iter().zip(encoder.encode_documents(&batch)?) {
            vectors[at] = vector;
        }
        done += chunk.len();
        if done * 10 / texts.len().max(1) > reported || done == texts.len() {
            reported = done * 10 / texts.len().max(1);
            eprintln!(
                "familiar: embedding the corpus with {}: {done}/{} units, {:.0} s",
                encoder.manifest().id,
                texts.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let mut index = DenseIndex::new(encoder.dimension(), precision);
    for (unit, vector) in units.iter().zip(&vectors) {
        index.push(unit.key.clone(), vector)?;
    }
    Ok(index)
}
