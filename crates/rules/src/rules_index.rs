//! The whole index: a large base layer plus a small delta layer for documents added or changed since the base was
//! built, and the keys removed from the base. Edits touch only the delta (cheap); the base is rebuilt when the delta
//! grows past a limit. Edits are applied lazily, on the next search, so a batch of hook events costs one rebuild.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::document::{read_document, IngestReport};
use crate::enrichers::Resolver;
use crate::index::Layer;
use crate::passages::{to_units, RulesDocument};
use crate::persist::Manifest;
use crate::search::{search, SearchHit, SearchOptions, Source};
use crate::RulesError;

/// Past this many documents in the delta, the next commit rebuilds the base instead.
const DELTA_LIMIT: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexStats {
    /// Source documents (items, actors, journal entries).
    pub documents: usize,
    /// Searchable units (journal pages split into passages count once per passage).
    pub units: usize,
    pub packs: BTreeMap<String, usize>,
    pub delta_units: usize,
    pub base_units: usize,
}

pub struct RulesIndex {
    pub(crate) base: Layer,
    delta: Layer,
    delta_docs: Vec<RulesDocument>,
    /// Keys of base documents removed or replaced since the base was built.
    removed: HashSet<String>,
    /// Source uuid → (pack, version, the keys of its units) for every live document.
    pub(crate) sources: HashMap<String, SourceEntry>,
    dirty: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceEntry {
    pub pack: String,
    pub version: String,
    pub keys: Vec<String>,
}

/// The uuid of the document a unit came from: a journal page's entry, or the item itself.
pub fn source_uuid(uuid: &str) -> &str {
    uuid.split(".JournalEntryPage.").next().unwrap_or(uuid)
}

impl RulesIndex {
    pub fn new() -> Result<RulesIndex, RulesError> {
        Ok(RulesIndex {
            base: Layer::empty()?,
            delta: Layer::empty()?,
            delta_docs: Vec::new(),
            removed: HashSet::new(),
            sources: HashMap::new(),
            dirty: false,
        })
    }

    /// Wraps a loaded base layer, rebuilding the per-source table from its documents.
    pub(crate) fn from_base(
        base: Layer,
        versions: &BTreeMap<String, String>,
    ) -> Result<RulesIndex, RulesError> {
        let mut sources: HashMap<String, SourceEntry> = HashMap::new();
        for meta in &base.metas {
            let uuid = source_uuid(&meta.uuid);
            let entry = sources
                .entry(uuid.to_string())
                .or_insert_with(|| SourceEntry {
                    pack: meta.pack.clone(),
                    version: versions.get(uuid).cloned().unwrap_or_default(),
                    keys: Vec::new(),
                });
            entry.keys.push(meta.key.clone());
        }
        Ok(RulesIndex {
            base,
            delta: Layer::empty()?,
            delta_docs: Vec::new(),
            removed: HashSet::new(),
            sources,
            dirty: false,
        })
    }

    /// Adds or replaces documents (compendium objects as the pf2e system gives them, plus `pack` and `uuid`).
    pub fn add_documents(&mut self, values: &[Value], resolver: &dyn Resolver) -> IngestReport {
        let mut report = IngestReport::default();
        for (position, value) in values.iter().enumerate() {
            let sources = read_document(value, position, &mut report);
            let Some(first) = sources.first() else {
                continue;
            };
            let uuid = source_uuid(&first.uuid).to_string();
            self.remove_source(&uuid);
            let mut keys = Vec::new();
            for source in &sources {
                for unit in to_units(source, resolver) {
                    keys.push(unit.key());
                    self.delta_docs.push(unit);
                }
            }
            report.indexed += 1;
            self.sources.insert(
                uuid,
                SourceEntry {
                    pack: first.pack.clone(),
                    version: first.version.clone(),
                    keys,
                },
            );
            self.dirty = true;
        }
        report
    }

    /// Removes documents by uuid (a journal entry's uuid removes all its pages). Returns how many were known.
    pub fn remove(&mut self, uuids: &[String]) -> usize {
        uuids
            .iter()
            .filter(|uuid| self.remove_source(source_uuid(uuid)))
            .count()
    }

    fn remove_source(&mut self, uuid: &str) -> bool {
        let Some(entry) = self.sources.remove(uuid) else {
            return false;
        };
        let keys: HashSet<&String> = entry.keys.iter().collect();
        let before = self.delta_docs.len();
        self.delta_docs.retain(|doc| !keys.contains(&doc.key()));
        if self.delta_docs.len() != before {
            self.dirty = true;
        }
        for key in entry.keys {
            self.removed.insert(key);
            self.dirty = true;
        }
        true
    }

    /// Applies pending edits: a new delta layer, or a new base when the delta is large or the base empty.
    pub fn commit(&mut self) -> Result<(), RulesError> {
        if !self.dirty {
            return Ok(());
        }
        if self.base.is_empty() || self.delta_docs.len() > DELTA_LIMIT {
            self.compact()?;
        } else {
            self.delta = Layer::build(&self.delta_docs)?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Rebuilds the base from every live document, leaving the delta empty.
    pub fn compact(&mut self) -> Result<(), RulesError> {
        let delta_keys: HashSet<String> = self.delta_docs.iter().map(RulesDocument::key).collect();
        let mut documents = Vec::with_capacity(self.base.len() + self.delta_docs.len());
        for (doc_id, meta) in self.base.metas.iter().enumerate() {
            if !self.removed.contains(&meta.key) && !delta_keys.contains(&meta.key) {
                documents.push(self.base.document(doc_id as u32)?);
            }
        }
        documents.append(&mut self.delta_docs);
        self.base = Layer::build(&documents)?;
        self.delta = Layer::empty()?;
        self.removed.clear();
        self.dirty = false;
        Ok(())
    }

    pub fn search(
        &mut self,
        query: &str,
        options: &SearchOptions,
    ) -> Result<Vec<SearchHit>, RulesError> {
        self.commit()?;
        let none = HashSet::new();
        let mut sources = vec![Source {
            layer: &self.base,
            removed: &self.removed,
        }];
        if !self.delta.is_empty() {
            sources.push(Source {
                layer: &self.delta,
                removed: &none,
            });
        }
        search(&sources, query, options)
    }

    pub fn stats(&self) -> IndexStats {
        let mut packs = BTreeMap::new();
        for entry in self.sources.values() {
            *packs.entry(entry.pack.clone()).or_insert(0) += 1;
        }
        IndexStats {
            documents: self.sources.len(),
            units: self.sources.values().map(|entry| entry.keys.len()).sum(),
            packs,
            delta_units: self.delta_docs.len(),
            base_units: self.base.len(),
        }
    }

    /// What the index holds: packs with their document counts, and every document's version.
    pub fn manifest(&self) -> Manifest {
        let stats = self.stats();
        Manifest {
            packs: stats.packs,
            documents: self
                .sources
                .iter()
                .map(|(uuid, entry)| (uuid.clone(), entry.version.clone()))
                .collect(),
        }
    }
}
