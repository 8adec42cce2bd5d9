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
use crate::table::EmptySource;
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
    /// Source uuid → (pack, version, the keys of its units) for every live document. Derived from the base's
    /// table when first needed, so loading an index does not build it.
    sources: Option<HashMap<String, SourceEntry>>,
    /// Loaded sources that have no units (the table keeps them for the manifest), until `sources` is built.
    empty_sources: Vec<EmptySource>,
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
            sources: Some(HashMap::new()),
            empty_sources: Vec::new(),
            dirty: false,
        })
    }

    /// Wraps a loaded base layer and the sources it holds no units of.
    pub(crate) fn from_base(
        base: Layer,
        empty_sources: Vec<EmptySource>,
    ) -> Result<RulesIndex, RulesError> {
        Ok(RulesIndex {
            base,
            delta: Layer::empty()?,
            delta_docs: Vec::new(),
            removed: HashSet::new(),
            sources: None,
            empty_sources,
            dirty: false,
        })
    }

    /// The per-source table of a loaded index, from the base's documents (all live: nothing is edited yet).
    fn derive_sources(&self) -> HashMap<String, SourceEntry> {
        let mut sources: HashMap<String, SourceEntry> = HashMap::new();
        for meta in &self.base.metas {
            let entry = sources
                .entry(source_uuid(&meta.uuid).to_string())
                .or_insert_with(|| SourceEntry {
                    pack: meta.pack.to_string(),
                    version: meta.version.to_string(),
                    keys: Vec::new(),
                });
            entry.keys.push(meta.key());
        }
        for source in &self.empty_sources {
            sources.insert(
                source.uuid.clone(),
                SourceEntry {
                    pack: source.pack.to_string(),
                    version: source.version.to_string(),
                    keys: Vec::new(),
                },
            );
        }
        sources
    }

    fn sources_mut(&mut self) -> &mut HashMap<String, SourceEntry> {
        if self.sources.is_none() {
            self.sources = Some(self.derive_sources());
            self.empty_sources.clear();
        }
        self.sources.get_or_insert_with(HashMap::new)
    }

    /// Runs `f` on the per-source table, deriving it for the occasion if it is not built.
    fn with_sources<T>(&self, f: impl FnOnce(&HashMap<String, SourceEntry>) -> T) -> T {
        match &self.sources {
            Some(sources) => f(sources),
            None => f(&self.derive_sources()),
        }
    }

    /// Sources without units, for the document table.
    pub(crate) fn empty_sources(&self) -> Vec<EmptySource> {
        self.with_sources(|sources| {
            sources
                .iter()
                .filter(|(_, entry)| entry.keys.is_empty())
                .map(|(uuid, entry)| EmptySource {
                    uuid: uuid.clone(),
                    pack: entry.pack.as_str().into(),
                    version: entry.version.as_str().into(),
                })
                .collect()
        })
    }

    /// Whether edits are waiting or the base has units replaced or removed (so saving must rebuild it first).
    pub(crate) fn has_edits(&self) -> bool {
        self.dirty || !self.delta_docs.is_empty() || !self.removed.is_empty()
    }

    /// Adds or replaces documents (compendium objects as the pf2e system gives them, plus `pack` and `uuid`).
    pub fn add_documents(&mut self, values: &[Value], resolver: &dyn Resolver) -> IngestReport {
        let mut report = IngestReport::default();
        for (position, value) in values.iter().enumerate() {
            self.add_document(value, position, resolver, &mut report);
        }
        report
    }

    /// Adds or replaces one document, `position` being where it stood in the caller's input (for the report).
    /// Lets a caller convert and add documents one at a time instead of holding them all at once.
    pub fn add_document(
        &mut self,
        value: &Value,
        position: usize,
        resolver: &dyn Resolver,
        report: &mut IngestReport,
    ) {
        let sources = read_document(value, position, report);
        let Some(first) = sources.first() else {
            return;
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
        self.sources_mut().insert(
            uuid,
            SourceEntry {
                pack: first.pack.clone(),
                version: first.version.clone(),
                keys,
            },
        );
        self.dirty = true;
    }

    /// Removes documents by uuid (a journal entry's uuid removes all its pages). Returns how many were known.
    pub fn remove(&mut self, uuids: &[String]) -> usize {
        uuids
            .iter()
            .filter(|uuid| self.remove_source(source_uuid(uuid)))
            .count()
    }

    fn remove_source(&mut self, uuid: &str) -> bool {
        let Some(entry) = self.sources_mut().remove(uuid) else {
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
            let key = meta.key();
            if !self.removed.contains(&key) && !delta_keys.contains(&key) {
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
        self.with_sources(|sources| IndexStats {
            documents: sources.len(),
            units: sources.values().map(|entry| entry.keys.len()).sum(),
            packs: pack_counts(sources),
            delta_units: self.delta_docs.len(),
            base_units: self.base.len(),
        })
    }

    /// What the index holds: packs with their document counts, and every document's version.
    pub fn manifest(&self) -> Manifest {
        self.with_sources(|sources| Manifest {
            packs: pack_counts(sources),
            documents: sources
                .iter()
                .map(|(uuid, entry)| (uuid.clone(), entry.version.clone()))
                .collect(),
        })
    }
}

fn pack_counts(sources: &HashMap<String, SourceEntry>) -> BTreeMap<String, usize> {
    let mut packs = BTreeMap::new();
    for entry in sources.values() {
        *packs.entry(entry.pack.clone()).or_insert(0) += 1;
    }
    packs
}
