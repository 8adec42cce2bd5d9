//! The rules index for the adapter: built in wasm memory from `game.packs` documents, searched on every keystroke,
//! saved to IndexedDB as bytes and loaded back (a corrupted or incompatible blob throws, so the adapter rebuilds).

use familiar_rules::search::SearchOptions;
use familiar_rules::{Manifest, Resolver};
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
/// `toBytes()` / `RulesIndex.fromBytes(bytes)`, `stats()`, `manifest()`.
#[wasm_bindgen(js_name = RulesIndex)]
pub struct RulesIndexJs {
    inner: familiar_rules::RulesIndex,
}

#[wasm_bindgen(js_class = RulesIndex)]
impl RulesIndexJs {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<RulesIndexJs, JsValue> {
        Ok(RulesIndexJs {
            inner: familiar_rules::RulesIndex::new().map_err(refuse)?,
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
    /// GM; `passageChars: n` adds each hit's clean passage text (capped at n characters) as `text`.
    pub fn search(&mut self, query: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let options: SearchOptions = match options.is_undefined() || options.is_null() {
            true => SearchOptions::default(),
            false => interop::from_js(options)?,
        };
        let hits = self.inner.search(query, &options).map_err(refuse)?;
        interop::to_js(&hits)
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
        })
    }
}
