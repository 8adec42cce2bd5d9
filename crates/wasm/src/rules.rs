//! The rules index for the adapter: built in wasm memory from `game.packs` documents, searched on every keystroke,
//! saved to IndexedDB as bytes and loaded back (a corrupted or incompatible blob throws, so the adapter rebuilds).

use familiar_rules::search::SearchOptions;
use familiar_rules::{Dense, Fusion, Manifest, Resolver, UnitVectors, VectorsOf};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::interop;

fn refuse(error: impl std::fmt::Display) -> JsValue {
    interop::js_error(&error.to_string())
}

/// `@Localize[key]` through a JS callback (the adapter passes `(key) => game.i18n.localize(key)`).
struct JsResolver {
    localize: Option<js_sys::Function>,
}

impl Resolver for JsResolver {
    fn localize(&self, key: &str) -> Option<String> {
        let function = self.localize.as_ref()?;
        let text = function
            .call1(&JsValue::NULL, &JsValue::from_str(key))
            .ok()?
            .as_string()?;
        // game.i18n.localize answers an unknown key with the key itself: that is not text to index.
        (text != key).then_some(text)
    }
    fn document_name(&self, _uuid: &str) -> Option<String> {
        None
    }
}

/// `rulesFingerprint(entries)`: what the compendium index entries (`uuid`, `_stats.modifiedTime`,
/// `system.schema.version`) add up to; a saved index whose fingerprint differs is stale.
#[wasm_bindgen(js_name = rulesFingerprint)]
pub fn rules_fingerprint(entries: JsValue) -> Result<String, JsValue> {
    let entries: Vec<Value> = interop::from_js(entries)?;
    Ok(familiar_rules::fingerprint(&entries))
}

/// `new RulesIndex()`, then `addDocuments(docs)`, `search(query, {top, userPacks})`, `remove(uuids)`,
/// `toBytes()` / `RulesIndex.fromBytes(bytes)`, `stats()`, `manifest()`; the semantic side's vectors through
/// `planVectors`, `addVectors`, `vectorsToBytes` / `loadVectors` and a question's vector given to `search`.
#[wasm_bindgen(js_name = RulesIndex)]
pub struct RulesIndexJs {
    inner: familiar_rules::RulesIndex,
    /// The units' vectors from the embedding worker, when the semantic search is on.
    vectors: Option<UnitVectors>,
}

#[wasm_bindgen(js_class = RulesIndex)]
impl RulesIndexJs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<RulesIndexJs, JsValue> {
        Ok(RulesIndexJs {
            inner: familiar_rules::RulesIndex::new().map_err(refuse)?,
            vectors: None,
        })
    }

    /// Adds or replaces documents (`doc.toObject()` plus `pack` and `uuid`); returns the ingestion report
    /// `{documents, indexed, skipped: [{what, reason}], truncated: [uuid]}`. Indexing happens on the next search.
    /// `firstPosition`: where this batch starts in the caller's whole input, so a skipped document without a uuid
    /// is reported by its place in the pack when the caller adds a pack in slices.
    #[wasm_bindgen(js_name = addDocuments)]
    pub fn add_documents(
        &mut self,
        documents: JsValue,
        localize: Option<js_sys::Function>,
        first_position: Option<usize>,
    ) -> Result<JsValue, JsValue> {
        let first_position = first_position.unwrap_or(0);
        let resolver = JsResolver { localize };
        let mut report = familiar_rules::IngestReport::default();
        // An array is converted one document at a time: the whole batch as serde values would be several times
        // its clean text, and wasm memory never shrinks back.
        let values: Box<dyn Iterator<Item = Value>> = match documents.dyn_into::<js_sys::Array>() {
            Ok(array) => Box::new(
                array
                    .into_iter()
                    .map(|document| interop::from_js(document).unwrap_or(Value::Null)),
            ),
            Err(other) => Box::new(interop::from_js::<Vec<Value>>(other)?.into_iter()),
        };
        for (position, value) in values.enumerate() {
            self.inner
                .add_document(&value, first_position + position, &resolver, &mut report);
        }
        interop::to_js(&report)
    }

    /// Removes documents by uuid (a journal entry's uuid removes its pages); returns how many were indexed.
    pub fn remove(&mut self, uuids: JsValue) -> Result<usize, JsValue> {
        let uuids: Vec<String> = interop::from_js(uuids)?;
        Ok(self.inner.remove(&uuids))
    }

    /// Builds what `addDocuments`/`remove` left pending (search does this itself; call it to control when).
    pub fn commit(&mut self) -> Result<(), JsValue> {
        self.inner.commit().map_err(refuse)
    }

    /// `commitStep(units)`: `commit` a slice at a time (at most `units` units a call, the segment written in a
    /// call of its own); true once applied. A page yields between calls so a large build is no long task.
    #[wasm_bindgen(js_name = commitStep)]
    pub fn commit_step(&mut self, units: u32) -> Result<bool, JsValue> {
        self.inner.commit_step(units as usize).map_err(refuse)
    }

    /// `[{uuid, anchor?, pack, name, type, score, snippet, link, text?, also?}]`, best first. `options`: `{top = 10,
    /// userPacks, snippets = true, passageChars}`; pass the packs a player may see as `userPacks`, nothing for the
    /// GM; `passageChars: n` adds each hit's clean passage text (capped at n characters) as `text`. With the
    /// question's vector (`queryVector`, from the embedding worker) and the units' vectors, the semantic ranking is
    /// fused in (`Fusion::default()`); without either, words alone.
    pub fn search(
        &mut self,
        query: &str,
        options: JsValue,
        query_vector: Option<Vec<f32>>,
    ) -> Result<JsValue, JsValue> {
        let options: SearchOptions = match options.is_undefined() || options.is_null() {
            true => SearchOptions::default(),
            false => interop::from_js(options)?,
        };
        let nearest = match (&self.vectors, query_vector) {
            (Some(vectors), Some(vector)) if !vectors.is_empty() => Some(vectors.nearest(&vector)),
            _ => None,
        };
        let hits = match &nearest {
            Some(hits) => {
                let dense = Dense {
                    hits,
                    fusion: Fusion::default(),
                };
                self.inner.search_fused(query, &options, Some(dense))
            }
            None => self.inner.search(query, &options),
        };
        interop::to_js(&hits.map_err(refuse)?)
    }

    /// `planVectors({model, dimension, tokens})`: the units to embed, `{keys, texts}` (new units and changed ones;
    /// the rows of units gone or changed are dropped). Vectors of another model or token cap are discarded first.
    #[wasm_bindgen(js_name = planVectors)]
    pub fn plan_vectors(
        &mut self,
        model: String,
        dimension: usize,
        tokens: usize,
    ) -> Result<JsValue, JsValue> {
        let of = VectorsOf {
            model,
            dimension,
            tokens,
        };
        let units = self.inner.unit_texts().map_err(refuse)?;
        let vectors = match self.vectors.take() {
            Some(vectors) if *vectors.of() == of => vectors,
            _ => UnitVectors::new(of),
        };
        let pending = self.vectors.insert(vectors).plan(&units);
        let (keys, texts): (Vec<String>, Vec<String>) = pending
            .into_iter()
            .map(|unit| (unit.key, unit.text))
            .unzip();
        interop::to_js(&serde_json::json!({ "keys": keys, "texts": texts }))
    }

    /// `addVectors(keys, vectors)`: vectors from the worker for units `planVectors` handed out, flat in the order
    /// of `keys`; returns how many were taken.
    #[wasm_bindgen(js_name = addVectors)]
    pub fn add_vectors(&mut self, keys: Vec<String>, vectors: Vec<f32>) -> Result<usize, JsValue> {
        let Some(unit_vectors) = self.vectors.as_mut() else {
            return Ok(0);
        };
        unit_vectors.add(&keys, &vectors).map_err(refuse)
    }

    /// `{model, units, pending}`: the vectors held, or null.
    #[wasm_bindgen(js_name = vectorStats)]
    pub fn vector_stats(&self) -> Result<JsValue, JsValue> {
        let stats = self.vectors.as_ref().map(|vectors| {
            serde_json::json!({
                "model": vectors.of().model,
                "units": vectors.len(),
                "pending": vectors.pending(),
            })
        });
        interop::to_js(&stats)
    }

    /// The vectors as bytes for IndexedDB (checksummed), or undefined when there are none.
    #[wasm_bindgen(js_name = vectorsToBytes)]
    pub fn vectors_to_bytes(&self) -> Option<Vec<u8>> {
        self.vectors.as_ref().map(UnitVectors::to_bytes)
    }

    /// Loads bytes from `vectorsToBytes`; throws on corrupted or incompatible bytes (the caller embeds again).
    #[wasm_bindgen(js_name = loadVectors)]
    pub fn load_vectors(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.vectors = Some(UnitVectors::from_bytes(bytes).map_err(refuse)?);
        Ok(())
    }

    /// `{documents, units, packs: {pack: count}, deltaUnits, baseUnits}`.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.stats())
    }

    /// `{packs: {pack: count}, documents: {uuid: version}}`: what the index was built from.
    pub fn manifest(&self) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.manifest())
    }

    /// Whether this index is out of date for documents whose current versions are `{uuid: version}`.
    #[wasm_bindgen(js_name = isStale)]
    pub fn is_stale(&self, current_versions: JsValue) -> Result<bool, JsValue> {
        let documents = interop::from_js(current_versions)?;
        let current = Manifest {
            packs: Default::default(),
            documents,
        };
        Ok(self.inner.manifest().is_stale_for(&current))
    }

    /// The index as bytes for IndexedDB (checksummed).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&mut self) -> Result<Vec<u8>, JsValue> {
        familiar_rules::persist::to_bytes(&mut self.inner).map_err(refuse)
    }

    /// Loads bytes from `toBytes`; throws on corrupted or incompatible bytes, which must then be discarded.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<RulesIndexJs, JsValue> {
        Ok(RulesIndexJs {
            inner: familiar_rules::persist::from_bytes(bytes).map_err(refuse)?,
            vectors: None,
        })
    }
}
