//! The sentence encoder for the Web Worker of the semantic search (`scripts/rules/semantic-worker.mjs`): the
//! `embed` artifact of this crate, never the start-up bundle. The worker fetches the model's files; this checks them
//! against the built-in manifest's SHA-256 digests (a mismatch throws an `Error` whose `kind` is `"checksum"`) and
//! turns texts into unit vectors, handed back flat (`Float32Array`, `dimension` values a text).

use familiar_embed::manifest::BUILT_IN;
use familiar_embed::{EmbedError, Encoder, ModelFiles};
use wasm_bindgen::prelude::*;

use crate::interop;

fn refuse(error: EmbedError) -> JsValue {
    let kind = match error {
        EmbedError::Checksum { .. } => "checksum",
        EmbedError::Missing { .. } | EmbedError::Read { .. } => "missing",
        _ => "model",
    };
    interop::js_error_with_kind(kind, &error.to_string())
}

/// `new Embedder(config, tokenizer, weights)` (the bytes of `config.json`, `tokenizer.json`, `model.safetensors`),
/// then `encodeDocuments(texts)`, `encodeQuery(text)`, `dimension`, `modelId`, `maxTokens`.
#[wasm_bindgen(js_name = Embedder)]
pub struct EmbedderJs {
    encoder: Encoder,
}

#[wasm_bindgen(js_class = Embedder)]
impl EmbedderJs {
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: Vec<u8>,
        tokenizer: Vec<u8>,
        weights: Vec<u8>,
    ) -> Result<EmbedderJs, JsValue> {
        let files = ModelFiles {
            manifest: BUILT_IN.as_bytes().to_vec(),
            config,
            tokenizer,
            weights,
        };
        Ok(EmbedderJs {
            encoder: Encoder::from_files(files).map_err(refuse)?,
        })
    }

    /// The built-in manifest: `{id, pooling, dimension, files: {name: sha256}, ...}`.
    pub fn manifest() -> Result<JsValue, JsValue> {
        let manifest = familiar_embed::Manifest::parse(BUILT_IN.as_bytes()).map_err(refuse)?;
        interop::to_js(&manifest)
    }

    /// One vector per text, flat in the texts' order.
    #[wasm_bindgen(js_name = encodeDocuments)]
    pub fn encode_documents(&self, texts: Vec<String>) -> Result<Vec<f32>, JsValue> {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = self.encoder.encode_documents(&texts).map_err(refuse)?;
        Ok(vectors.concat())
    }

    /// A question's vector.
    #[wasm_bindgen(js_name = encodeQuery)]
    pub fn encode_query(&self, text: &str) -> Result<Vec<f32>, JsValue> {
        self.encoder.encode_query(text).map_err(refuse)
    }

    #[wasm_bindgen(getter)]
    pub fn dimension(&self) -> usize {
        self.encoder.dimension()
    }

    #[wasm_bindgen(getter, js_name = modelId)]
    pub fn model_id(&self) -> String {
        self.encoder.manifest().id.clone()
    }

    /// Tokens of a text the model reads (the rest is cut).
    #[wasm_bindgen(getter, js_name = maxTokens)]
    pub fn max_tokens(&self) -> usize {
        self.encoder.max_tokens()
    }
}
