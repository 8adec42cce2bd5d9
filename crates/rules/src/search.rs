//! Search over the layers: analyzed question → tantivy query (built directly, never parsed, so no input can make it
//! throw) → candidates scored with statistics shared by all layers → reranked with rules knowledge (names the
//! question mentions, rule names it points at, a prior for core rules) → fused with the semantic ranking when one is
//! given ([`Fusion`]) → duplicates collapsed → hits with snippets.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{collector::TopDocs, Searcher, Term};

use crate::analysis::{analyze, stem_words, AnalyzedQuery};
use crate::dense::DenseHit;
use crate::index::{DocMeta, Fields, Layer};
use crate::ranking::{collapse_key, kind_factor, mark_dominated, prior, NameMatch};
use crate::snippet::{passage_text, Highlighter};
use crate::RulesError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchOptions {
    pub top: usize,
    /// The packs this user may see; `None` for the GM, who sees everything.
    pub user_packs: Option<Vec<String>>,
    /// Whether to build highlighted snippets (the CLI's batch mode skips them).
    pub snippets: bool,
    /// Also return each hit's clean passage text, cut at a word to at most this many characters (for grounding
    /// answers); `None` (the default) returns no text.
    pub passage_chars: Option<usize>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            top: 10,
            user_packs: None,
            snippets: true,
            passage_chars: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub uuid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    pub pack: String,
    pub name: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub score: f32,
    /// The best passage of the text, HTML-escaped, with matched words in `<b>`.
    pub snippet: String,
    /// A Foundry content link: `@UUID[uuid]{name}` (with `#anchor` for a journal passage).
    pub link: String,
    /// The clean text of the passage, capped, when `passage_chars` asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Other documents with the same name and type (archetype copies, "(Level N)" variants) folded into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// How a lexical and a semantic ranking become one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FusionMethod {
    /// Reciprocal rank fusion: each list adds `weight / (k + rank)`; scores are ignored, only ranks count.
    Rrf { k: f32 },
    /// The lexical score over the best lexical score, plus the weighted cosine min-max scaled over the dense list.
    Weighted,
    /// The lexical score as it is (so a question that names a rule keeps its name bonus at full strength), plus the
    /// weighted cosine min-max scaled over the dense list: the dense side decides when no name is matched.
    Sum,
}

/// The semantic side's part in a fused search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fusion {
    pub method: FusionMethod,
    /// The lexical list's weight (1; 0 ranks by the dense list alone, for measurement).
    pub lexical_weight: f32,
    /// The dense list's weight.
    pub dense_weight: f32,
    /// `(bonus, weight)`: when a candidate's name bonus ([`crate::ranking::NameMatch::bonus`]) reaches `bonus`, the
    /// question names a rule, and the dense list's weight is `weight` instead (a named rule is found by its name; a
    /// described one by its meaning).
    pub named: Option<(f32, f32)>,
    /// Whether a dense hit's part is multiplied by the rules prior and the kind the question asks for, as the
    /// lexical score already is.
    pub dense_prior: bool,
}

impl Fusion {
    /// The semantic ranking's weight against the lexical one's 1, chosen on the development and tuning sets
    /// (BENCHMARKS.md, "Rules retrieval for players").
    pub const DENSE_WEIGHT: f32 = 1.3;
    /// From this name bonus a question names a rule (0.7: any whole name), and then the semantic side's weight is
    /// this: a question that names its rule is answered by words alone.
    pub const NAMED_BONUS: f32 = 0.7;
    pub const NAMED_DENSE_WEIGHT: f32 = 0.0;
}

impl Default for Fusion {
    fn default() -> Self {
        Fusion {
            method: FusionMethod::Rrf { k: 60.0 },
            lexical_weight: 1.0,
            dense_weight: Fusion::DENSE_WEIGHT,
            named: Some((Fusion::NAMED_BONUS, Fusion::NAMED_DENSE_WEIGHT)),
            dense_prior: true,
        }
    }
}

/// A semantic ranking for the question (best first, keyed by unit key) and how to fuse it.
#[derive(Debug, Clone, Copy)]
pub struct Dense<'a> {
    pub hits: &'a [DenseHit],
    pub fusion: Fusion,
}

/// How many candidates each layer hands to the reranker.
const CANDIDATES: usize = 80;
const NAME_BOOST: f32 = 3.0;
/// Questions of up to this many content words get the whole name boost; longer ones less, down to the floor.
const NAME_FOCUS_WORDS: f32 = 2.0;
const NAME_BOOST_FLOOR: f32 = 0.1;
const TRAITS_BOOST: f32 = 1.5;
const RULE_NAME_BOOST: f32 = 4.0;
/// A last word still being typed stands for at most this many of the indexed words it begins.
const PREFIX_EXPANSIONS: usize = 6;
/// How many dictionary words a prefix looks at before choosing the most common ones.
const PREFIX_SCAN: usize = 4_000;

/// A layer to search, with the keys it must not return (removed or replaced since it was built).
pub struct Source<'a> {
    pub layer: &'a Layer,
    pub removed: &'a HashSet<String>,
}

/// BM25 statistics summed over every layer, so scores from different layers compare.
struct SharedStatistics<'a> {
    searchers: Vec<&'a Searcher>,
}

impl Bm25StatisticsProvider for SharedStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searchers
            .iter()
            .map(|searcher| searcher.total_num_tokens(field))
            .sum()
    }
    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searchers
            .iter()
            .map(|searcher| searcher.total_num_docs())
            .sum()
    }
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searchers
            .iter()
            .map(|searcher| searcher.doc_freq(term))
            .sum()
    }
}

struct Candidate<'a> {
    source: usize,
    doc_id: u32,
    meta: &'a DocMeta,
    bm25: f32,
    score: f32,
}

/// Words alone. Fusion's code is not reached from here, so a build that never fuses does not link it.
pub fn search(
    sources: &[Source<'_>],
    query: &str,
    options: &SearchOptions,
) -> Result<Vec<SearchHit>, RulesError> {
    let analyzed = analyze(query);
    let Some(first) = sources.first() else {
        return Ok(Vec::new());
    };
    if analyzed.terms.is_empty() && analyzed.rule_names.is_empty() || options.top == 0 {
        return Ok(Vec::new());
    }
    let candidates = lexical_candidates(sources, first.layer.fields, &analyzed, options)?;
    hits(sources, rerank(candidates, &analyzed), &analyzed, options)
}

/// [`search`], with the semantic ranking fused in before duplicates collapse when `dense` is given. Without it the
/// results are exactly [`search`]'s.
pub fn search_fused(
    sources: &[Source<'_>],
    query: &str,
    options: &SearchOptions,
    dense: Option<Dense<'_>>,
) -> Result<Vec<SearchHit>, RulesError> {
    let Some(dense) = dense.filter(|dense| !dense.hits.is_empty()) else {
        return search(sources, query, options);
    };
    let analyzed = analyze(query);
    let Some(first) = sources.first() else {
        return Ok(Vec::new());
    };
    if options.top == 0 {
        return Ok(Vec::new());
    }
    let candidates = match analyzed.terms.is_empty() && analyzed.rule_names.is_empty() {
        false => lexical_candidates(sources, first.layer.fields, &analyzed, options)?,
        true => Vec::new(),
    };
    let ranked = fuse(candidates, sources, &analyzed, options, dense);
    hits(sources, ranked, &analyzed, options)
}

/// The top [`CANDIDATES`] of each layer by BM25 over statistics shared by all layers.
fn lexical_candidates<'a>(
    sources: &[Source<'a>],
    fields: Fields,
    analyzed: &AnalyzedQuery,
    options: &SearchOptions,
) -> Result<Vec<Candidate<'a>>, RulesError> {
    let statistics = SharedStatistics {
        searchers: sources
            .iter()
            .map(|source| &source.layer.searcher)
            .collect(),
    };
    let text = text_query(analyzed, fields, &statistics)?;
    let mut candidates = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let query = filtered(text.box_clone(), fields, source.removed, options);
        let collector = TopDocs::with_limit(CANDIDATES).order_by_score();
        let top = source.layer.searcher.search_with_statistics_provider(
            query.as_ref(),
            &collector,
            &statistics,
        )?;
        for (bm25, address) in top {
            if let Some(meta) = source.layer.metas.get(address.doc_id as usize) {
                candidates.push(Candidate {
                    source: index,
                    doc_id: address.doc_id,
                    meta,
                    bm25,
                    score: 0.0,
                });
            }
        }
    }
    Ok(candidates)
}

/// The first `options.top` of the ranked candidates as hits, with snippets and passage text when asked for.
fn hits(
    sources: &[Source<'_>],
    ranked: Vec<(Candidate<'_>, Vec<String>)>,
    analyzed: &AnalyzedQuery,
    options: &SearchOptions,
) -> Result<Vec<SearchHit>, RulesError> {
    let highlighter = options
        .snippets
        .then(|| Highlighter::new(analyzed.terms.iter().map(|term| term.text.as_str())));
    let mut hits = Vec::new();
    for (candidate, also) in ranked.into_iter().take(options.top) {
        let layer = sources[candidate.source].layer;
        let body = match highlighter.is_some() || options.passage_chars.is_some() {
            true => layer.body(candidate.doc_id)?,
            false => String::new(),
        };
        let snippet = match &highlighter {
            Some(highlighter) => highlighter.snippet(&body),
            None => String::new(),
        };
        let meta = candidate.meta;
        let target = match &meta.anchor {
            Some(anchor) => format!("{}#{anchor}", meta.uuid),
            None => meta.uuid.clone(),
        };
        hits.push(SearchHit {
            uuid: meta.uuid.clone(),
            anchor: meta.anchor.clone(),
            pack: meta.pack.to_string(),
            name: meta.name.clone(),
            doc_type: meta.doc_type.to_string(),
            score: candidate.score,
            snippet,
            link: format!("@UUID[{target}]{{{}}}", meta.name),
            text: options
                .passage_chars
                .map(|chars| passage_text(&body, chars)),
            also,
        });
    }
    Ok(hits)
}

fn text_query(
    analyzed: &AnalyzedQuery,
    fields: Fields,
    statistics: &SharedStatistics<'_>,
) -> Result<Box<dyn Query>, RulesError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |query: Box<dyn Query>, boost: f32| {
        clauses.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
    };
    // A long description names no document: its words say what the rule does, which the body holds. A short
    // question ("frightened", "sneak attack") is mostly a name.
    let name_boost = NAME_BOOST
        * (NAME_FOCUS_WORDS / analyzed.content.len().max(1) as f32).clamp(NAME_BOOST_FLOOR, 1.0);
    for term in &analyzed.terms {
        let name = Term::from_field_text(fields.name, &term.text);
        let body = Term::from_field_text(fields.body, &term.text);
        let traits = Term::from_field_text(fields.traits, &term.text);
        let known = statistics.doc_freq(&name)? + statistics.doc_freq(&body)? > 0;
        if !known && analyzed.last_word.as_deref() == Some(term.text.as_str()) {
            // A word still being typed: the most common indexed words it begins ("chemi" → chemical...).
            let expansions = prefix_terms(statistics, fields.name, &term.text)?;
            let expansions = match expansions.is_empty() {
                true => prefix_terms(statistics, fields.body, &term.text)?,
                false => expansions,
            };
            if !expansions.is_empty() {
                for word in expansions {
                    let weight = term.weight * 0.8;
                    for (field, boost) in [
                        (fields.name, name_boost),
                        (fields.body, 1.0),
                        (fields.traits, TRAITS_BOOST),
                    ] {
                        let term = Term::from_field_text(field, &word);
                        add(
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                            boost * weight,
                        );
                    }
                }
                continue;
            }
        }
        if !known && term.text.chars().count() >= 4 && term.weight >= 1.0 {
            // Typo tolerance: an unknown word matches its near spellings, a little less strongly.
            let distance = if term.text.chars().count() <= 5 { 1 } else { 2 };
            add(
                Box::new(FuzzyTermQuery::new(name, distance, true)),
                name_boost * 0.6,
            );
            add(Box::new(FuzzyTermQuery::new(body, distance, true)), 0.6);
            continue;
        }
        add(
            Box::new(TermQuery::new(name, IndexRecordOption::WithFreqs)),
            name_boost * term.weight,
        );
        add(
            Box::new(TermQuery::new(body, IndexRecordOption::WithFreqs)),
            term.weight,
        );
        add(
            Box::new(TermQuery::new(traits, IndexRecordOption::WithFreqs)),
            TRAITS_BOOST * term.weight,
        );
    }
    for (rule_name, weight) in &analyzed.rule_names {
        let terms: Vec<Term> = stem_words(rule_name)
            .iter()
            .map(|word| Term::from_field_text(fields.name, word))
            .collect();
        match terms.len() {
            0 => {}
            1 => add(
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                )),
                RULE_NAME_BOOST * weight,
            ),
            _ => add(Box::new(PhraseQuery::new(terms)), RULE_NAME_BOOST * weight),
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The indexed words of `field` that begin with `prefix`, most common first, at most [`PREFIX_EXPANSIONS`].
fn prefix_terms(
    statistics: &SharedStatistics<'_>,
    field: Field,
    prefix: &str,
) -> Result<Vec<String>, RulesError> {
    if prefix.len() < 3 {
        return Ok(Vec::new());
    }
    let mut end = prefix.as_bytes().to_vec();
    // The first string after every word that begins with the prefix (the last byte of UTF-8 text is never 0xFF).
    if let Some(last) = end.last_mut() {
        *last = last.saturating_add(1);
    }
    // The most common words of each layer (allocating only those), then ranked by their shared frequency.
    let mut found: Vec<String> = Vec::new();
    for searcher in &statistics.searchers {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&end)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            let mut best: Vec<(u32, String)> = Vec::new();
            let mut scanned = 0;
            while scanned < PREFIX_SCAN && stream.advance() {
                scanned += 1;
                let doc_freq = stream.value().doc_freq;
                if best.len() == PREFIX_EXPANSIONS && best[PREFIX_EXPANSIONS - 1].0 >= doc_freq {
                    continue;
                }
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                best.truncate(PREFIX_EXPANSIONS - 1);
                let at = best.partition_point(|(known, _)| *known >= doc_freq);
                best.insert(at, (doc_freq, word.to_string()));
            }
            for (_, word) in best {
                if !found.contains(&word) {
                    found.push(word);
                }
            }
        }
    }
    let mut ranked = Vec::with_capacity(found.len());
    for word in found {
        let doc_freq = statistics.doc_freq(&Term::from_field_text(field, &word))?;
        ranked.push((doc_freq, word));
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked.truncate(PREFIX_EXPANSIONS);
    Ok(ranked.into_iter().map(|(_, word)| word).collect())
}

/// Restricts to visible packs and drops removed keys, without changing scores.
fn filtered(
    text: Box<dyn Query>,
    fields: Fields,
    removed: &HashSet<String>,
    options: &SearchOptions,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
    if let Some(packs) = &options.user_packs {
        let terms = packs
            .iter()
            .map(|pack| Term::from_field_text(fields.pack, pack));
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(TermSetQuery::new(terms)),
                0.0,
            )),
        ));
    }
    if !removed.is_empty() {
        let terms = removed
            .iter()
            .map(|key| Term::from_field_text(fields.key, key));
        clauses.push((Occur::MustNot, Box::new(TermSetQuery::new(terms))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Orders candidates by rules relevance and folds duplicates; returns each kept one with the uuids folded into it.
fn rerank<'a>(
    mut candidates: Vec<Candidate<'a>>,
    analyzed: &AnalyzedQuery,
) -> Vec<(Candidate<'a>, Vec<String>)> {
    score_lexical(&mut candidates, analyzed);
    collapse(candidates)
}

/// Scores candidates by rules relevance (BM25 over the best, times the prior, plus the name bonus, times the kind
/// factor) and sorts them best first.
/// Returns the largest name bonus: how surely the question names one of the candidates.
fn score_lexical(candidates: &mut [Candidate<'_>], analyzed: &AnalyzedQuery) -> f32 {
    let best = candidates
        .iter()
        .map(|candidate| candidate.bm25)
        .fold(f32::EPSILON, f32::max);
    let mut matches: Vec<NameMatch> = candidates
        .iter()
        .map(|candidate| NameMatch::of(candidate.meta, analyzed))
        .collect();
    mark_dominated(&mut matches);
    let mut named = 0.0f32;
    for (candidate, matched) in candidates.iter_mut().zip(&matches) {
        let bonus = matched.bonus();
        named = named.max(bonus);
        let relevance = (candidate.bm25 / best) * prior(candidate.meta) + bonus;
        candidate.score = relevance * kind_factor(candidate.meta, analyzed);
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    named
}

/// Folds sorted candidates: another passage of a page already kept is dropped, and a document with the name and
/// type of one kept (archetype copies, "(Level N)" variants) is listed in its `also`.
fn collapse(candidates: Vec<Candidate<'_>>) -> Vec<(Candidate<'_>, Vec<String>)> {
    let mut kept: Vec<(Candidate<'_>, Vec<String>)> = Vec::new();
    let mut by_key: HashMap<(&str, String), usize> = HashMap::new();
    let mut seen_uuids: HashSet<&str> = HashSet::new();
    for candidate in candidates {
        if !seen_uuids.insert(candidate.meta.uuid.as_str()) {
            continue; // another passage of a page already listed
        }
        let key = (
            &*candidate.meta.doc_type,
            collapse_key(&candidate.meta.name),
        );
        match by_key.get(&key) {
            Some(&position) => kept[position].1.push(candidate.meta.uuid.clone()),
            None => {
                by_key.insert(key, kept.len());
                kept.push((candidate, Vec::new()));
            }
        }
    }
    kept
}

/// Fuses the lexical candidates with the dense hits (resolved to units of the layers, visible and not removed),
/// then folds duplicates as [`rerank`] does.
fn fuse<'a>(
    mut candidates: Vec<Candidate<'a>>,
    sources: &[Source<'a>],
    analyzed: &AnalyzedQuery,
    options: &SearchOptions,
    dense: Dense<'_>,
) -> Vec<(Candidate<'a>, Vec<String>)> {
    let named = score_lexical(&mut candidates, analyzed);
    let fusion = dense.fusion;
    let dense_weight = match fusion.named {
        Some((bonus, weight)) if named >= bonus => weight,
        _ => fusion.dense_weight,
    };
    let best_lexical = candidates
        .first()
        .map_or(f32::EPSILON, |c| c.score.max(f32::EPSILON));
    let mut fused: Vec<(Candidate<'a>, f32)> = candidates
        .into_iter()
        .enumerate()
        .map(|(rank, candidate)| {
            let part = match fusion.method {
                FusionMethod::Rrf { k } => 1.0 / (k + rank as f32 + 1.0),
                FusionMethod::Weighted => candidate.score / best_lexical,
                FusionMethod::Sum => candidate.score,
            };
            (candidate, part * fusion.lexical_weight)
        })
        .collect();
    let mut at: HashMap<(usize, u32), usize> = fused
        .iter()
        .enumerate()
        .map(|(position, (c, _))| ((c.source, c.doc_id), position))
        .collect();
    let resolved: Vec<(usize, u32, f32)> = dense
        .hits
        .iter()
        .filter_map(|hit| resolve(sources, &hit.key, options).map(|(s, d)| (s, d, hit.score)))
        .collect();
    let (low, high) = resolved
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &(_, _, score)| {
            (lo.min(score), hi.max(score))
        });
    let spread = (high - low).max(f32::EPSILON);
    for (rank, (source, doc_id, cosine)) in resolved.into_iter().enumerate() {
        let meta = &sources[source].layer.metas[doc_id as usize];
        let mut part = match fusion.method {
            FusionMethod::Rrf { k } => 1.0 / (k + rank as f32 + 1.0),
            FusionMethod::Weighted | FusionMethod::Sum => (cosine - low) / spread,
        } * dense_weight;
        if fusion.dense_prior {
            part *= prior(meta) * kind_factor(meta, analyzed);
        }
        match at.get(&(source, doc_id)) {
            Some(&position) => fused[position].1 += part,
            None => {
                at.insert((source, doc_id), fused.len());
                let candidate = Candidate {
                    source,
                    doc_id,
                    meta,
                    bm25: 0.0,
                    score: 0.0,
                };
                fused.push((candidate, part));
            }
        }
    }
    for (candidate, score) in &mut fused {
        candidate.score = *score;
    }
    let mut candidates: Vec<Candidate<'a>> = fused.into_iter().map(|(c, _)| c).collect();
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    collapse(candidates)
}

/// The layer and document of a unit key, when the unit is live (not removed from its layer) and visible.
fn resolve(sources: &[Source<'_>], key: &str, options: &SearchOptions) -> Option<(usize, u32)> {
    sources.iter().enumerate().find_map(|(index, source)| {
        if source.removed.contains(key) {
            return None;
        }
        let doc_id = source.layer.doc_id_of(key)?;
        let meta = source.layer.metas.get(doc_id as usize)?;
        let visible = options
            .user_packs
            .as_ref()
            .is_none_or(|packs| packs.iter().any(|pack| *pack == *meta.pack));
        visible.then_some((index, doc_id))
    })
}
