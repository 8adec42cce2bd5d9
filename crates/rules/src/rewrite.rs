//! The question's ranking with the GM model's rewrite fused in (#20; the rewrite itself is `familiar_chat::rewrite`).
//!
//! A rewrite is a short list of rule names, most relevant first. Each term is looked up by name: a term that is the
//! name of a document among its own search's first hits (case and "(Level N)"-style suffixes folded, as duplicates
//! collapse) points at that document; a term that names nothing (a paraphrase, a made-up rule, a word of a chatty
//! reply) adds nothing. The named documents then join the question's own ranking by reciprocal rank fusion, in the
//! rewrite's order. So a good rewrite lifts the rule the player described to the top, and a bad one can at worst
//! put a real rule of the same name ahead; it cannot fill the list with whatever its words happen to match.

use std::collections::HashMap;

use crate::ranking::collapse_key;
use crate::search::SearchHit;

/// How the rewrite's named documents weigh against the question's ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RewriteFusion {
    /// RRF's constant, as the semantic fusion's (60).
    pub k: f32,
    /// A named document's weight against the question ranking's 1.
    pub weight: f32,
    /// How many of the question's hits take part.
    pub question_top: usize,
    /// How many hits of each term's own search are looked at for its name.
    pub term_top: usize,
}

impl Default for RewriteFusion {
    /// Chosen by reasoning, not fitted (no capable model runs here to fit it on; BENCHMARKS.md says what was
    /// measured): at weight 1 the rewrite's first named rule ties the question's first hit and wins the tie, so a
    /// model that knows the rules decides the top, while the question's own hits keep the places after it.
    fn default() -> Self {
        RewriteFusion {
            k: 60.0,
            weight: 1.0,
            question_top: 50,
            term_top: 5,
        }
    }
}

/// The document each term names, in the rewrite's order (a term naming nothing is left out; a document named twice
/// counts once, at its first term).
pub fn named_hits(terms_hits: Vec<(String, Vec<SearchHit>)>) -> Vec<SearchHit> {
    let mut named: Vec<SearchHit> = Vec::new();
    for (term, hits) in terms_hits {
        let wanted = collapse_key(&term);
        if wanted.is_empty() {
            continue;
        }
        let found = hits
            .into_iter()
            .find(|hit| collapse_key(&hit.name) == wanted);
        if let Some(hit) = found {
            if !named.iter().any(|kept| hit_key(kept) == hit_key(&hit)) {
                named.push(hit);
            }
        }
    }
    named
}

/// The question's hits and the named ones as one ranking, best first, at most `top`. On equal scores a named
/// document goes first (the rewrite's first rule ties the question's first hit), then the question's order.
pub fn fuse_rewrite(
    question: Vec<SearchHit>,
    named: Vec<SearchHit>,
    fusion: &RewriteFusion,
    top: usize,
) -> Vec<SearchHit> {
    // Key → (fused score, tie order, hit). A uuid folded into a question hit (`also`) is that hit.
    let mut fused: HashMap<String, (f32, usize, SearchHit)> = HashMap::new();
    let mut folded: HashMap<String, String> = HashMap::new();
    for (rank, hit) in question.into_iter().take(fusion.question_top).enumerate() {
        let key = hit_key(&hit);
        for uuid in &hit.also {
            folded.insert(uuid.clone(), key.clone());
        }
        let part = 1.0 / (fusion.k + rank as f32 + 1.0);
        fused
            .entry(key)
            .or_insert((0.0, named_count_bound() + rank, hit))
            .0 += part;
    }
    for (rank, hit) in named.into_iter().enumerate() {
        let key = hit_key(&hit);
        let key = folded.get(&hit.uuid).cloned().unwrap_or(key);
        let part = fusion.weight / (fusion.k + rank as f32 + 1.0);
        let entry = fused.entry(key).or_insert((0.0, rank, hit));
        entry.0 += part;
        entry.1 = entry.1.min(rank);
    }
    let mut ranked: Vec<(f32, usize, SearchHit)> = fused.into_values().collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(top)
        .map(|(score, _, mut hit)| {
            hit.score = score;
            hit
        })
        .collect()
}

/// Tie order of the question's hits starts after every named one.
const fn named_count_bound() -> usize {
    1 << 16
}

/// One hit per page, as duplicates collapse: another passage of a journal page is that page.
fn hit_key(hit: &SearchHit) -> String {
    hit.uuid.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(uuid: &str, name: &str) -> SearchHit {
        SearchHit {
            uuid: uuid.into(),
            anchor: None,
            pack: "pf2e.actionspf2e".into(),
            name: name.into(),
            doc_type: "action".into(),
            score: 1.0,
            snippet: String::new(),
            link: format!("@UUID[{uuid}]{{{name}}}"),
            text: None,
            also: Vec::new(),
        }
    }

    fn uuids(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|hit| hit.uuid.as_str()).collect()
    }

    #[test]
    fn a_term_counts_only_when_it_names_a_document() {
        let named = named_hits(vec![
            (
                "Shove".into(),
                vec![hit("a", "Shove"), hit("b", "Shield Push")],
            ),
            ("pushing someone".into(), vec![hit("c", "Push Back")]),
            (
                "Weapon Expertise".into(),
                vec![hit("d", "Weapon Expertise (Level 5)")],
            ),
            ("shove".into(), vec![hit("a", "Shove")]),
        ]);
        assert_eq!(uuids(&named), ["a", "d"]);
    }

    #[test]
    fn the_first_named_rule_leads_and_the_question_keeps_the_places_after() {
        let question = vec![hit("q1", "Q1"), hit("q2", "Q2"), hit("n2", "Named Two")];
        let named = vec![hit("n1", "Named One"), hit("n2", "Named Two")];
        let fused = fuse_rewrite(question, named, &RewriteFusion::default(), 10);
        assert_eq!(uuids(&fused), ["n2", "n1", "q1", "q2"]);
    }

    #[test]
    fn no_named_rule_leaves_the_question_ranking_as_it_was() {
        let question = vec![hit("q1", "Q1"), hit("q2", "Q2"), hit("q3", "Q3")];
        let fused = fuse_rewrite(question, Vec::new(), &RewriteFusion::default(), 2);
        assert_eq!(uuids(&fused), ["q1", "q2"]);
    }

    #[test]
    fn a_named_duplicate_folded_into_a_question_hit_is_that_hit() {
        let mut canonical = hit("q1", "Grab");
        canonical.also = vec!["copy".into()];
        let fused = fuse_rewrite(
            vec![hit("q0", "Other"), canonical],
            vec![hit("copy", "Grab")],
            &RewriteFusion::default(),
            5,
        );
        assert_eq!(uuids(&fused), ["q1", "q0"]);
    }

    #[test]
    fn a_named_rule_first_seen_in_the_rewrite_beats_the_question_first_hit() {
        let fused = fuse_rewrite(
            vec![hit("q1", "Q1")],
            vec![hit("n1", "Named")],
            &RewriteFusion::default(),
            5,
        );
        assert_eq!(uuids(&fused), ["n1", "q1"]);
    }
}
