//! The encoder: a BERT model and its tokenizer, from the bytes of its files (checked against the manifest), turning
//! texts into unit vectors. Documents are tokenized, cut at a token cap, sorted by length and run in batches padded
//! to their longest member, so short texts do not pay for long ones.

use std::path::Path;

use candle_core::{DType, Device, IndexOp, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Tokenizer, TruncationParams};

use crate::manifest::{Manifest, Pooling, MANIFEST_FILE, MODEL_FILES};
use crate::EmbedError;

/// Tokens per text, special tokens included, unless the caller asks otherwise: a rule's name and its opening
/// sentences, which is where a rules document says what it is.
pub const DEFAULT_MAX_TOKENS: usize = 128;
/// Texts per forward pass.
const BATCH: usize = 32;

/// The bytes of a model's files, as read from a directory or fetched by a browser.
pub struct ModelFiles {
    pub manifest: Vec<u8>,
    pub config: Vec<u8>,
    pub tokenizer: Vec<u8>,
    pub weights: Vec<u8>,
}

impl ModelFiles {
    /// Reads the four files of a model directory (see `tests/tools/install-models.sh`).
    pub fn read(dir: &Path) -> Result<ModelFiles, EmbedError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => EmbedError::Missing {
                    path: path.display().to_string(),
                },
                _ => EmbedError::Read {
                    path: path.display().to_string(),
                    source,
                },
            })
        };
        let [config, tokenizer, weights] = MODEL_FILES;
        Ok(ModelFiles {
            manifest: read(MANIFEST_FILE)?,
            config: read(config)?,
            tokenizer: read(tokenizer)?,
            weights: read(weights)?,
        })
    }
}

pub struct Encoder {
    manifest: Manifest,
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    max_tokens: usize,
    max_positions: usize,
}

impl Encoder {
    /// Loads the model in `dir`, checking every file against `familiar-model.json`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Encoder, EmbedError> {
        Encoder::from_files(ModelFiles::read(dir.as_ref())?)
    }

    pub fn from_files(files: ModelFiles) -> Result<Encoder, EmbedError> {
        let manifest = Manifest::parse(&files.manifest)?;
        let [config_file, tokenizer_file, weights_file] = MODEL_FILES;
        manifest.verify(config_file, &files.config)?;
        manifest.verify(tokenizer_file, &files.tokenizer)?;
        manifest.verify(weights_file, &files.weights)?;
        let config: Config = serde_json::from_slice(&files.config)
            .map_err(|error| EmbedError::Config(error.to_string()))?;
        if config.hidden_size != manifest.dimension {
            return Err(EmbedError::Config(format!(
                "hidden size {} but familiar-model.json says dimension {}",
                config.hidden_size, manifest.dimension
            )));
        }
        let mut tokenizer = Tokenizer::from_bytes(&files.tokenizer)
            .map_err(|error| EmbedError::Tokenizer(error.to_string()))?;
        tokenizer.with_padding(None);
        let device = Device::Cpu;
        let weights = VarBuilder::from_buffered_safetensors(files.weights, DType::F32, &device)?;
        let model = BertModel::load(weights, &config)?;
        let mut encoder = Encoder {
            manifest,
            model,
            tokenizer,
            device,
            max_tokens: 0,
            max_positions: config.max_position_embeddings,
        };
        encoder.set_max_tokens(DEFAULT_MAX_TOKENS)?;
        Ok(encoder)
    }

    /// Cuts every text at `tokens` tokens (special tokens included; at most the model's positions).
    pub fn with_max_tokens(mut self, tokens: usize) -> Result<Encoder, EmbedError> {
        self.set_max_tokens(tokens)?;
        Ok(self)
    }

    fn set_max_tokens(&mut self, tokens: usize) -> Result<(), EmbedError> {
        self.max_tokens = tokens.clamp(4, self.max_positions);
        self.tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: self.max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|error| EmbedError::Tokenizer(error.to_string()))?;
        Ok(())
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    pub fn dimension(&self) -> usize {
        self.manifest.dimension
    }

    /// One unit vector per text, in order.
    pub fn encode_documents(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let prefix = &self.manifest.document_prefix;
        let ids = texts
            .iter()
            .map(|text| self.token_ids(prefix, text))
            .collect::<Result<Vec<_>, _>>()?;
        self.encode_ids(&ids)
    }

    /// The vector of a question, with the model's query prefix.
    pub fn encode_query(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let ids = self.token_ids(&self.manifest.query_prefix, text)?;
        let mut vectors = self.encode_ids(&[ids])?;
        Ok(vectors.pop().unwrap_or_default())
    }

    /// How many tokens `text` is cut to (for callers choosing how much text to hand over).
    pub fn token_count(&self, text: &str) -> Result<usize, EmbedError> {
        Ok(self.token_ids("", text)?.len())
    }

    fn token_ids(&self, prefix: &str, text: &str) -> Result<Vec<u32>, EmbedError> {
        let input = match prefix.is_empty() {
            true => text.to_string(),
            false => format!("{prefix}{text}"),
        };
        let encoding = self
            .tokenizer
            .encode(input, true)
            .map_err(|error| EmbedError::Tokenizer(error.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    fn encode_ids(&self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&at| ids[at].len());
        let mut vectors = vec![Vec::new(); ids.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&[u32]> = chunk.iter().map(|&at| ids[at].as_slice()).collect();
            for (&at, vector) in chunk.iter().zip(self.forward(&batch)?) {
                vectors[at] = vector;
            }
        }
        Ok(vectors)
    }

    /// One forward pass over texts padded to the longest: pooled, then scaled to unit length.
    fn forward(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let width = batch.iter().map(|ids| ids.len()).max().unwrap_or(0).max(1);
        let mut input = Vec::with_capacity(batch.len() * width);
        let mut mask = Vec::with_capacity(batch.len() * width);
        for ids in batch {
            input.extend_from_slice(ids);
            input.resize(input.len() + width - ids.len(), 0);
            mask.extend(std::iter::repeat_n(1u32, ids.len()));
            mask.extend(std::iter::repeat_n(0u32, width - ids.len()));
        }
        let shape = (batch.len(), width);
        let input = Tensor::from_vec(input, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        let token_types = input.zeros_like()?;
        let hidden = self.model.forward(&input, &token_types, Some(&mask))?;
        let pooled = match self.manifest.pooling {
            Pooling::Cls => hidden.i((.., 0))?,
            Pooling::Mean => {
                let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
                let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
                let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
                summed.broadcast_div(&counts)?
            }
        };
        let norms = pooled
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12, f64::MAX)?;
        Ok(pooled.broadcast_div(&norms)?.to_vec2::<f32>()?)
    }
}
