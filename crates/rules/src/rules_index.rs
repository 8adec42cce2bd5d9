//! The whole index: a large base layer plus a small delta layer for documents added or changed since the base was
//! built, and the keys removed from the base. Edits touch only the delta (cheap); the base is rebuilt when the delta
//! grows past a limit. Edits are applied lazily, on the next search, so a batch of hook events costs one rebuild.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::document::{read_document, IngestReport};
use crate::enrichers::Resolver;
use crate::index::{Layer, LayerBuilder};
use crate::passages::{to_units, RulesDocument};
use crate::persist::Manifest;
use crate::rewrite::{fuse_rewrite, named_hits, RewriteFusion};
use crate::search::{search, search_fused, Dense, SearchHit, SearchOptions, Source};
use crate::snippet::passage_text;
use crate::table::EmptySource;
use crate::RulesError;

/// Past this many documents in the delta, the next commit rebuilds the base instead.
const DELTA_LIMIT: usize = 1_000;

/// One document's cleaned text, as the index holds it (see [`RulesIndex::read`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadDocument {
    /// The target read: `uuid`, or `uuid#anchor` for one passage of a journal page.
    pub uuid: String,
    pub name: String,
    pub pack: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub text: String,
    /// Whether the text was cut at the limit.
    pub truncated: bool,
}

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

/// A unit as a semantic side sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitText {
    pub key: String,
    pub name: String,
    pub body: String,
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
    /// A base rebuild that `commit_step` has begun and not finished.
    pending: Option<Compaction>,
}

/// A base rebuild in progress: copies of the live base units it started from, then the delta's units (read from
/// `delta_docs` as they are, so abandoning it loses nothing), and the layer they go into.
struct Compaction {
    base_units: Vec<RulesDocument>,
    next: usize,
    builder: LayerBuilder,
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
            pending: None,
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
            pending: None,
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
        self.pending = None;
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
        self.pending = None;
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
        while !self.commit_step(usize::MAX)? {}
        Ok(())
    }

    /// Applies pending edits a slice at a time: a base rebuild adds at most `units` units per call and writes its
    /// segment in a call of its own. Returns whether the edits are applied. Lets a browser page build a large
    /// index without one long task; an edit between calls starts the rebuild again (it would be stale).
    pub fn commit_step(&mut self, units: usize) -> Result<bool, RulesError> {
        if !self.dirty {
            return Ok(true);
        }
        if self.pending.is_none() {
            if !self.base.is_empty() && self.delta_docs.len() <= DELTA_LIMIT {
                self.delta = Layer::build(&self.delta_docs)?;
                self.dirty = false;
                return Ok(true);
            }
            self.pending = Some(self.start_compaction()?);
        }
        self.advance_compaction(units)
    }

    /// Rebuilds the base from every live document, leaving the delta empty.
    pub fn compact(&mut self) -> Result<(), RulesError> {
        self.pending = Some(self.start_compaction()?);
        while !self.advance_compaction(usize::MAX)? {}
        Ok(())
    }

    fn start_compaction(&self) -> Result<Compaction, RulesError> {
        let delta_keys: HashSet<String> = self.delta_docs.iter().map(RulesDocument::key).collect();
        let mut base_units = Vec::with_capacity(self.base.len());
        for (doc_id, meta) in self.base.metas.iter().enumerate() {
            let key = meta.key();
            if !self.removed.contains(&key) && !delta_keys.contains(&key) {
                base_units.push(self.base.document(doc_id as u32)?);
            }
        }
        Ok(Compaction {
            base_units,
            next: 0,
            builder: LayerBuilder::new()?,
        })
    }

    /// Adds up to `units` more units to the pending rebuild, or, when all are in, writes it as the new base.
    fn advance_compaction(&mut self, units: usize) -> Result<bool, RulesError> {
        // Taken out while it works: an error drops the rebuild and leaves the index as it was.
        let Some(mut compaction) = self.pending.take() else {
            return Ok(!self.dirty);
        };
        let total = compaction.base_units.len() + self.delta_docs.len();
        if compaction.next == total {
            self.base = compaction.builder.finish()?;
            self.delta = Layer::empty()?;
            self.delta_docs.clear();
            self.removed.clear();
            self.dirty = false;
            return Ok(true);
        }
        let end = compaction.next.saturating_add(units.max(1)).min(total);
        for position in compaction.next..end {
            let unit = match compaction.base_units.get(position) {
                Some(unit) => unit,
                None => &self.delta_docs[position - compaction.base_units.len()],
            };
            compaction.builder.add(unit)?;
        }
        compaction.next = end;
        self.pending = Some(compaction);
        Ok(false)
    }

    pub fn search(
        &mut self,
        query: &str,
        options: &SearchOptions,
    ) -> Result<Vec<SearchHit>, RulesError> {
        // Lexical only through its own path, so a build that never fuses (the start-up bundle) links no fusion code.
        self.with_layers(|sources| search(sources, query, options))
    }

    /// [`RulesIndex::search`] with a semantic ranking of the units fused in (see [`crate::search::Fusion`]).
    pub fn search_fused(
        &mut self,
        query: &str,
        options: &SearchOptions,
        dense: Option<Dense<'_>>,
    ) -> Result<Vec<SearchHit>, RulesError> {
        self.with_layers(|sources| search_fused(sources, query, options, dense))
    }

    /// [`RulesIndex::search_fused`] with the GM model's rewrite of the question (rule names, best first) fused in
    /// as [`crate::rewrite`] says; without terms, exactly `search_fused`.
    pub fn search_rewritten(
        &mut self,
        query: &str,
        terms: &[String],
        options: &SearchOptions,
        dense: Option<Dense<'_>>,
        fusion: &RewriteFusion,
    ) -> Result<Vec<SearchHit>, RulesError> {
        if terms.is_empty() {
            return self.search_fused(query, options, dense);
        }
        let wide = SearchOptions {
            top: options.top.max(fusion.question_top),
            ..options.clone()
        };
        let question = self.search_fused(query, &wide, dense)?;
        let per_term = SearchOptions {
            top: fusion.term_top,
            ..options.clone()
        };
        let mut terms_hits = Vec::with_capacity(terms.len());
        for term in terms {
            terms_hits.push((term.clone(), self.search(term, &per_term)?));
        }
        Ok(fuse_rewrite(
            question,
            named_hits(terms_hits),
            fusion,
            options.top,
        ))
    }

    /// Runs `run` over the committed layers: the base without its removed keys, then the delta.
    fn with_layers<T>(
        &mut self,
        run: impl FnOnce(&[Source<'_>]) -> Result<T, RulesError>,
    ) -> Result<T, RulesError> {
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
        run(&sources)
    }

    /// Every live unit's key, name and clean text, in index order: what a semantic side embeds.
    pub fn unit_texts(&mut self) -> Result<Vec<UnitText>, RulesError> {
        self.commit()?;
        let mut units = Vec::with_capacity(self.base.len() + self.delta.len());
        for (layer, removed) in [(&self.base, Some(&self.removed)), (&self.delta, None)] {
            for (doc_id, meta) in layer.metas.iter().enumerate() {
                let key = meta.key();
                if removed.is_some_and(|removed| removed.contains(&key)) {
                    continue;
                }
                units.push(UnitText {
                    key,
                    name: meta.name.clone(),
                    body: layer.body(doc_id as u32)?,
                });
            }
        }
        Ok(units)
    }

    /// The cleaned text of one document (a journal entry's pages, a page's passages, in order; or one passage by
    /// `uuid#anchor`), cut at a word to at most `max_chars`; `None` when the index does not hold it or its pack is
    /// not among `user_packs` (`None` for the GM, who sees every pack).
    pub fn read(
        &self,
        target: &str,
        user_packs: Option<&[String]>,
        max_chars: usize,
    ) -> Result<Option<ReadDocument>, RulesError> {
        let (uuid, anchor) = match target.split_once('#') {
            Some((uuid, anchor)) => (uuid, Some(anchor)),
            None => (target, None),
        };
        // The document itself, or a page of it (`<entry uuid>.JournalEntryPage.<id>`): a prefix test first, cheap.
        let of_document = |unit_uuid: &str| {
            unit_uuid
                .strip_prefix(uuid)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(".JournalEntryPage."))
        };
        let wanted = |unit_uuid: &str, unit_anchor: Option<&str>, pack: &str| {
            of_document(unit_uuid)
                && anchor.is_none_or(|anchor| unit_anchor == Some(anchor))
                && user_packs.is_none_or(|packs| packs.iter().any(|p| p == pack))
        };
        let mut units: Vec<RulesDocument> = Vec::new();
        for (doc_id, meta) in self.base.metas.iter().enumerate() {
            if wanted(&meta.uuid, meta.anchor.as_deref(), &meta.pack)
                && !self.removed.contains(&meta.key())
            {
                units.push(self.base.document(doc_id as u32)?);
            }
        }
        units.extend(
            self.delta_docs
                .iter()
                .filter(|doc| wanted(&doc.uuid, doc.anchor.as_deref(), &doc.pack))
                .cloned(),
        );
        let Some(first) = units.first() else {
            return Ok(None);
        };
        let whole = units
            .iter()
            .map(|unit| unit.body.trim())
            .filter(|body| !body.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        let text = passage_text(&whole, max_chars);
        Ok(Some(ReadDocument {
            uuid: target.to_string(),
            name: first.name.clone(),
            pack: first.pack.clone(),
            doc_type: first.doc_type.clone(),
            truncated: text.len() < whole.len(),
            text,
        }))
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
