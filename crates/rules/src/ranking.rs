//! Rules knowledge for ranking: which documents answer rules questions first (core rules over the thousands of
//! feats that mention them), how much a question names a document, and which documents are copies of each other.

use crate::analysis::{content_words, AnalyzedQuery};
use crate::index::DocMeta;

/// How likely a document of this kind answers a rules question, all else equal. Keyed by the pf2e document type
/// (so homebrew packs of the same kinds rank alike) with monster packs and boons below player rules.
pub fn prior(meta: &DocMeta) -> f32 {
    let pack = meta.pack.to_ascii_lowercase();
    if pack.contains("bestiary") || matches!(&*meta.doc_type, "npc" | "hazard") {
        return 0.75;
    }
    if pack.contains("boons") || pack.contains("curses") {
        return 0.7;
    }
    match &*meta.doc_type {
        "condition" => 1.35,
        "class" | "ancestry" => 1.3,
        "action" => 1.25,
        "spell" => 1.15,
        "feat" if pack.contains("classfeatures") => 1.05,
        "feat" if pack.contains("ancestryfeatures") => 0.95,
        "feat" => 0.9,
        "background" | "effect" => 0.85,
        _ => 1.0,
    }
}

/// The name without trailing parentheticals: "Weapon Expertise (Level 5)" and "Weapon Expertise" are one rule, and
/// "Sarenrae (The Dawnflower) [NG]" is Sarenrae.
pub fn base_name(name: &str) -> &str {
    let mut key = name.trim();
    loop {
        let open = match key.chars().last() {
            Some(')') => '(',
            Some(']') => '[',
            _ => break,
        };
        match key.rfind(open) {
            Some(at) if at > 0 => key = key[..at].trim_end(),
            _ => break,
        }
    }
    key
}

pub fn collapse_key(name: &str) -> String {
    base_name(name).to_lowercase()
}

/// Multiplies the score of documents of the kind the question asks for.
pub fn kind_factor(meta: &DocMeta, analyzed: &AnalyzedQuery) -> f32 {
    let pack = meta.pack.to_ascii_lowercase();
    let wanted = analyzed
        .kind_hints
        .iter()
        .any(|kind| &*meta.doc_type == *kind || pack.contains(kind));
    if wanted {
        1.25
    } else {
        1.0
    }
}

/// A name word counts fully in a question of up to this many content words per matched name word.
const FOCUS_WORDS: f32 = 1.0;

/// How a document's name relates to the question.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Name words the player wrote.
    pub covered: usize,
    pub name_words: usize,
    /// Confidence that the question points at this rule by name (intent, condition word, rename), 0 if not.
    pub named_rule: f32,
    /// The whole name appears word for word in the question.
    pub covered_in_a_row: bool,
    /// The name's content words, stemmed.
    pub words: Vec<String>,
    /// Part of a longer name the question spells out ("Sneak" inside "sneak attack"): the longer one is meant.
    pub dominated: bool,
    /// How many content words the question has: a name that is one word of a long description is weak evidence.
    pub question_words: usize,
}

/// Marks the matches whose name is only part of a longer name the question spells out word for word.
pub fn mark_dominated(matches: &mut [NameMatch]) {
    let spelled: Vec<Vec<String>> = matches
        .iter()
        .filter(|m| m.covered_in_a_row && m.words.len() >= 2)
        .map(|m| m.words.clone())
        .collect();
    for m in matches.iter_mut() {
        m.dominated = spelled
            .iter()
            .any(|longer| longer.len() > m.words.len() && contains_run(longer, &m.words));
    }
}

/// Whether `run` occurs contiguously in `words`.
fn contains_run(words: &[String], run: &[String]) -> bool {
    !run.is_empty() && words.windows(run.len()).any(|window| window == run)
}

impl NameMatch {
    pub fn of(meta: &DocMeta, analyzed: &AnalyzedQuery) -> NameMatch {
        let words = content_words(&meta.name_words);
        let covered_in_a_row = contains_run(&analyzed.content, &words);
        let covered = words
            .iter()
            .filter(|word| analyzed.content.contains(word))
            .count();
        let base = collapse_key(&meta.name);
        let named_rule = analyzed
            .rule_names
            .iter()
            .filter(|(rule, _)| rule.eq_ignore_ascii_case(&base))
            .map(|(_, weight)| *weight)
            .fold(0.0, f32::max);
        NameMatch {
            covered,
            name_words: words.len(),
            named_rule,
            covered_in_a_row,
            words,
            dominated: false,
            question_words: analyzed.content.len(),
        }
    }

    /// How much of the question the name accounts for, 0–1. A name spelled out in a row of two or more words is a
    /// deliberate reference; a one-word name that is one word among many ("a friend", "back", "light") is mostly
    /// chance, and the longer the question, the more chance.
    fn focus(&self) -> f32 {
        if self.covered_in_a_row && self.name_words >= 2 {
            return 1.0;
        }
        (FOCUS_WORDS * self.covered as f32 / self.question_words.max(1) as f32).min(1.0)
    }

    /// Added to the normalised text score: a document the question names outranks one that merely mentions it.
    pub fn bonus(&self) -> f32 {
        if self.dominated {
            return 0.25 * self.covered as f32 / self.name_words.max(1) as f32;
        }
        let mut bonus = 0.0;
        if self.name_words > 0 && self.covered == self.name_words {
            // Longer names matched whole are more specific ("Raise a Shield" over "Shield").
            bonus += 0.7 + 0.25 * (self.name_words.min(4) - 1) as f32;
        } else if self.covered > 0 {
            bonus += 0.25 * self.covered as f32 / self.name_words as f32;
        }
        bonus * self.focus() + 0.7 * self.named_rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_word_name(question_words: usize) -> NameMatch {
        NameMatch {
            covered: 1,
            name_words: 1,
            named_rule: 0.0,
            covered_in_a_row: true,
            words: vec!["friend".to_string()],
            dominated: false,
            question_words,
        }
    }

    #[test]
    fn a_one_word_name_inside_a_long_description_is_weak_evidence() {
        let named = one_word_name(1).bonus();
        let described = one_word_name(12).bonus();
        assert!((named - 0.7).abs() < 1e-6, "{named}");
        assert!(described < named / 4.0, "{described} vs {named}");
    }

    #[test]
    fn a_name_spelled_out_in_a_row_keeps_its_bonus_in_a_long_question() {
        let spelled = NameMatch {
            covered: 2,
            name_words: 2,
            covered_in_a_row: true,
            words: vec!["sneak".to_string(), "attack".to_string()],
            ..one_word_name(14)
        };
        assert!((spelled.bonus() - 0.95).abs() < 1e-6);
        // A named rule (an intent or condition word) is evidence whatever the length.
        let intent = NameMatch {
            named_rule: 1.0,
            ..one_word_name(14)
        };
        assert!(intent.bonus() >= 0.7);
    }

    #[test]
    fn collapse_key_drops_trailing_parentheticals() {
        assert_eq!(
            collapse_key("Weapon Expertise (Level 5)"),
            "weapon expertise"
        );
        assert_eq!(collapse_key("Breath (Fire) (Cone)"), "breath");
        assert_eq!(collapse_key("(Odd)"), "(odd)");
        assert_eq!(collapse_key("Plain"), "plain");
    }
}
