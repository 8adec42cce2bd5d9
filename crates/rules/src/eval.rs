//! Accuracy on a question set: hit@1, hit@5 and MRR@10, where a hit is any expected uuid (or a page of an expected
//! journal entry) among the results.

use serde::{Deserialize, Serialize};

use crate::search::{SearchHit, SearchOptions};
use crate::{RulesError, RulesIndex};

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub expected: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult {
    pub id: String,
    /// 1-based rank of the first expected document in the top 10, if any.
    pub rank: Option<usize>,
    pub top: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accuracy {
    pub questions: usize,
    pub hit_at_1: f64,
    pub hit_at_5: f64,
    pub mrr_at_10: f64,
    pub results: Vec<QuestionResult>,
}

/// Whether a hit answers with `expected`: the same document, or a page inside the expected journal entry.
pub fn is_expected(hit: &SearchHit, expected: &str) -> bool {
    hit.uuid == expected
        || hit
            .uuid
            .strip_prefix(expected)
            .is_some_and(|rest| rest.starts_with('.'))
}

pub fn evaluate(index: &mut RulesIndex, questions: &[Question]) -> Result<Accuracy, RulesError> {
    evaluate_with(questions, |question, options| {
        index.search(question, options)
    })
}

/// Accuracy of any search over the index (a fused one, say): `search` answers a question with these options.
pub fn evaluate_with<E>(
    questions: &[Question],
    mut search: impl FnMut(&str, &SearchOptions) -> Result<Vec<SearchHit>, E>,
) -> Result<Accuracy, E> {
    let options = SearchOptions {
        top: 10,
        user_packs: None,
        snippets: false,
        ..SearchOptions::default()
    };
    let mut results = Vec::new();
    for question in questions {
        let hits = search(&question.question, &options)?;
        let rank = hits
            .iter()
            .position(|hit| {
                question
                    .expected
                    .iter()
                    .any(|expected| is_expected(hit, expected))
            })
            .map(|position| position + 1);
        results.push(QuestionResult {
            id: question.id.clone(),
            rank,
            top: hits.iter().take(5).map(|hit| hit.name.clone()).collect(),
        });
    }
    let count = results.len().max(1) as f64;
    let within = |k: usize| {
        results
            .iter()
            .filter(|r| r.rank.is_some_and(|rank| rank <= k))
            .count() as f64
            / count
    };
    let mrr = results
        .iter()
        .filter_map(|r| r.rank)
        .map(|rank| 1.0 / rank as f64)
        .sum::<f64>()
        / count;
    Ok(Accuracy {
        questions: results.len(),
        hit_at_1: within(1),
        hit_at_5: within(5),
        mrr_at_10: mrr,
        results,
    })
}
