//! The answer when no provider can give one: the best passages from the rules index with snippets and content
//! links, labelled offline, with the reason as a code the UI can localise.

use serde::Serialize;

use crate::citations::Citation;
use crate::prompt::Passage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "code")]
pub enum OfflineReason {
    /// The GM configured no provider.
    NoProviders,
    /// Every provider is skipped by its circuit breaker.
    AllUnhealthy,
    /// Every provider was tried and failed; the last failure says why.
    AllFailed { last_error: String },
    /// No GM is online to relay the question.
    NoGm,
    /// Providers are set up, but the world or the asker has not agreed to send questions to them.
    NoConsent,
}

impl OfflineReason {
    pub fn describe(&self) -> String {
        match self {
            OfflineReason::NoProviders => "no AI provider is configured".to_string(),
            OfflineReason::AllUnhealthy => {
                "every AI provider is failing right now and is paused for a moment".to_string()
            }
            OfflineReason::AllFailed { last_error } => {
                format!("every AI provider failed (last: {last_error})")
            }
            OfflineReason::NoGm => "no GM is online to relay the question".to_string(),
            OfflineReason::NoConsent => {
                "questions may not go to an AI provider without consent".to_string()
            }
        }
    }
}

/// How many passages an offline answer shows.
pub const OFFLINE_PASSAGES: usize = 5;
const SNIPPET_CHARS: usize = 240;

/// Markdown for the offline answer, and its citations (every passage shown).
pub fn offline_answer(passages: &[Passage], reason: &OfflineReason) -> (String, Vec<Citation>) {
    let mut text = format!("**Offline answer** — {}.\n\n", reason.describe());
    let shown = &passages[..passages.len().min(OFFLINE_PASSAGES)];
    if shown.is_empty() {
        text.push_str(
            "The rules index found nothing for this question. Try other words or a rule's name.\n",
        );
    } else {
        text.push_str("The closest entries in the rules index:\n\n");
    }
    for passage in shown {
        text.push_str(&format!(
            "- {} — {}\n",
            passage.link(),
            snippet(&passage.text)
        ));
    }
    let citations = shown
        .iter()
        .enumerate()
        .map(|(index, passage)| Citation {
            number: index + 1,
            uuid: passage.target(),
            name: passage.name.clone(),
        })
        .collect();
    (text, citations)
}

/// The passage cut at a word near [`SNIPPET_CHARS`], on one line.
fn snippet(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= SNIPPET_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(SNIPPET_CHARS).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{at_word}…")
}
