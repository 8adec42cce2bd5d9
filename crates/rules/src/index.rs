//! One tantivy index over a set of units ("layer"): the schema, building it with the single-segment writer (no
//! threads, so it runs in wasm32), reopening it from its files, and a per-document table for ranking without
//! touching the document store.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tantivy::directory::RamDirectory;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
};
use tantivy::{
    DocAddress, Index, IndexSettings, ReloadPolicy, Searcher, SingleSegmentIndexWriter,
    TantivyDocument,
};

use crate::analysis::stem_words;
use crate::passages::RulesDocument;
use crate::ranking::base_name;
use crate::stemming::EnglishStemmer;
use crate::RulesError;

/// The English tokenizer every text field uses: lowercase, stemmed, absurd tokens dropped.
pub const TOKENIZER: &str = "familiar_en";
const WRITER_BUDGET_BYTES: usize = 30_000_000;

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub pack: Field,
    pub name: Field,
    pub traits: Field,
    pub body: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(record),
        )
    };
    let fields = Fields {
        // Indexed only, to filter out removed units; the key itself is in the document table.
        key: builder.add_text_field("key", STRING),
        pack: builder.add_text_field("pack", STRING),
        name: builder.add_text_field("name", text(IndexRecordOption::WithFreqsAndPositions)),
        traits: builder.add_text_field("traits", text(IndexRecordOption::WithFreqs)),
        body: builder.add_text_field("body", text(IndexRecordOption::WithFreqs) | STORED),
    };
    (builder.build(), fields)
}

pub fn fields_of(schema: &Schema) -> Result<Fields, RulesError> {
    let field = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| RulesError::Corrupted(format!("index has no field {name}")))
    };
    Ok(Fields {
        key: field("key")?,
        pack: field("pack")?,
        name: field("name")?,
        traits: field("traits")?,
        body: field("body")?,
    })
}

pub fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(
        TOKENIZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(EnglishStemmer)
            .build(),
    );
    manager
}

/// What ranking needs about a unit, kept in memory beside the index (the body stays in the document store).
/// Strings shared by many units (pack, type, traits, version) are shared in memory too.
#[derive(Debug, Clone, PartialEq)]
pub struct DocMeta {
    pub uuid: String,
    pub anchor: Option<String>,
    pub pack: Arc<str>,
    pub name: String,
    pub doc_type: Arc<str>,
    pub traits: Vec<Arc<str>>,
    pub level: Option<i64>,
    pub version: Arc<str>,
    /// The stemmed words of the name, for matching against the question.
    pub name_words: Vec<String>,
}

impl DocMeta {
    pub fn of(document: &RulesDocument) -> DocMeta {
        DocMeta {
            uuid: document.uuid.clone(),
            anchor: document.anchor.clone(),
            pack: document.pack.as_str().into(),
            name: document.name.clone(),
            doc_type: document.doc_type.as_str().into(),
            traits: document
                .traits
                .iter()
                .map(|tag| tag.as_str().into())
                .collect(),
            level: document.level,
            version: document.version.as_str().into(),
            name_words: stem_words(base_name(&document.name)),
        }
    }

    /// The key of the unit in the index (see [`RulesDocument::key`]).
    pub fn key(&self) -> String {
        match &self.anchor {
            Some(anchor) => format!("{}#{anchor}", self.uuid),
            None => self.uuid.clone(),
        }
    }
}

/// A layer being built a document at a time, so a caller can spread the work over several calls (a browser
/// page hands its main thread back between them) and finish it with the one call that writes the segment.
pub struct LayerBuilder {
    writer: SingleSegmentIndexWriter,
    fields: Fields,
    metas: Vec<DocMeta>,
}

impl LayerBuilder {
    pub fn new() -> Result<LayerBuilder, RulesError> {
        let (schema, fields) = schema();
        let settings = IndexSettings {
            docstore_compress_dedicated_thread: false,
            ..Default::default()
        };
        let writer = Index::builder()
            .schema(schema)
            .settings(settings)
            .tokenizers(tokenizers())
            .single_segment_index_writer(RamDirectory::default(), WRITER_BUDGET_BYTES)?;
        Ok(LayerBuilder {
            writer,
            fields,
            metas: Vec::new(),
        })
    }

    pub fn add(&mut self, document: &RulesDocument) -> Result<(), RulesError> {
        let fields = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.key, document.key());
        doc.add_text(fields.pack, &document.pack);
        doc.add_text(fields.name, &document.name);
        for tag in &document.traits {
            doc.add_text(fields.traits, tag);
        }
        doc.add_text(fields.body, &document.body);
        self.writer.add_document(doc)?;
        self.metas.push(DocMeta::of(document));
        Ok(())
    }

    /// Writes the segment and opens it.
    pub fn finish(self) -> Result<Layer, RulesError> {
        let index = self.writer.finalize()?;
        Layer::open(index, self.metas)
    }
}

/// One immutable tantivy index and the table of its documents, in doc-id order.
pub struct Layer {
    pub index: Index,
    pub searcher: Searcher,
    pub fields: Fields,
    pub metas: Vec<DocMeta>,
    /// Unit key → doc id, built on the first semantic search (a lexical-only search never needs it).
    by_key: OnceLock<HashMap<String, u32>>,
}

impl Layer {
    pub fn build(documents: &[RulesDocument]) -> Result<Layer, RulesError> {
        let mut builder = LayerBuilder::new()?;
        for document in documents {
            builder.add(document)?;
        }
        builder.finish()
    }

    /// Wraps an index whose documents are described by `metas` (in doc-id order).
    pub fn open(mut index: Index, metas: Vec<DocMeta>) -> Result<Layer, RulesError> {
        index.set_tokenizers(tokenizers());
        let fields = fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        if searcher.segment_readers().len() > 1 || searcher.num_docs() as usize != metas.len() {
            return Err(RulesError::Corrupted(format!(
                "index holds {} documents in {} segments, the table {}",
                searcher.num_docs(),
                searcher.segment_readers().len(),
                metas.len()
            )));
        }
        Ok(Layer {
            index,
            searcher,
            fields,
            metas,
            by_key: OnceLock::new(),
        })
    }

    pub fn empty() -> Result<Layer, RulesError> {
        Layer::build(&[])
    }

    pub fn len(&self) -> usize {
        self.metas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    /// The doc id of the unit with this key, if the layer holds it.
    pub fn doc_id_of(&self, key: &str) -> Option<u32> {
        self.by_key
            .get_or_init(|| {
                self.metas
                    .iter()
                    .enumerate()
                    .map(|(doc_id, meta)| (meta.key(), doc_id as u32))
                    .collect()
            })
            .get(key)
            .copied()
    }

    /// The stored body of a document, for snippets and for rebuilding.
    pub fn body(&self, doc_id: u32) -> Result<String, RulesError> {
        let doc: TantivyDocument = self.searcher.doc(DocAddress::new(0, doc_id))?;
        Ok(doc
            .get_first(self.fields.body)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_string())
    }

    /// The full unit back, for compaction into a new layer.
    pub fn document(&self, doc_id: u32) -> Result<RulesDocument, RulesError> {
        let meta = self
            .metas
            .get(doc_id as usize)
            .ok_or_else(|| RulesError::Corrupted(format!("no document {doc_id}")))?;
        Ok(RulesDocument {
            uuid: meta.uuid.clone(),
            anchor: meta.anchor.clone(),
            pack: meta.pack.to_string(),
            name: meta.name.clone(),
            doc_type: meta.doc_type.to_string(),
            traits: meta.traits.iter().map(|tag| tag.to_string()).collect(),
            level: meta.level,
            body: self.body(doc_id)?,
            version: meta.version.to_string(),
        })
    }
}
