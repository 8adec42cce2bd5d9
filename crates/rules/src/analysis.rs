//! PF2e-aware query analysis: a player's question → weighted stemmed terms plus the rule names it points at
//! (through everyday phrasing, remaster renames in both directions, abbreviations and condition values).
//! Treats every character of input as text: there is no query syntax to get wrong.

use std::sync::OnceLock;

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

use crate::stemming::EnglishStemmer;

use crate::vocabulary::{renames, ABBREVIATIONS, CONDITION_WORDS, INTENTS};

/// A stemmed term with how much it counts: the player's own words count most.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub text: String,
    pub weight: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalyzedQuery {
    pub terms: Vec<QueryTerm>,
    /// Rule names the question points at (by intent, condition word or rename), with confidence.
    pub rule_names: Vec<(String, f32)>,
    /// The player's own content words, stemmed, in order (for matching document names).
    pub content: Vec<String>,
    /// Document kinds the question asks for ("the slow spell", "the Medic archetype"): types or pack words.
    pub kind_hints: Vec<&'static str>,
    /// The stem of the last word when the question ends in it (no space or punctuation after): it may still be
    /// being typed, so an unknown one stands for the words it begins.
    pub last_word: Option<String>,
}

/// Words that say which kind of document is wanted → a document type or a word of the pack id.
const KIND_WORDS: &[(&str, &str)] = &[
    ("spell", "spell"),
    ("cantrip", "spell"),
    ("ritual", "spell"),
    ("focus spell", "spell"),
    ("feat", "feat"),
    ("condit", "condition"),
    ("action", "action"),
    ("activ", "action"),
    ("reaction", "action"),
    ("class", "class"),
    ("ancestri", "ancestry"),
    ("heritag", "ancestryfeatures"),
    ("archetyp", "archetypes"),
    ("deiti", "deities"),
    ("god", "deities"),
    ("goddess", "deities"),
    ("background", "background"),
    ("monster", "bestiary"),
    ("creatur", "bestiary"),
];

const LITERAL: f32 = 1.0;
const EXPANDED: f32 = 0.5;
const NUMBER: f32 = 0.25;

/// Words that carry no rules meaning in a question. Kept out of scoring, but phrases can still span them.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "it", "its",
    "they", "them", "their", "he", "she", "his", "her", "this", "that", "these", "those", "is",
    "are", "was", "were", "be", "been", "am", "do", "doe", "does", "did", "done", "have", "has",
    "had", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "what",
    "whats", "which", "who", "whom", "when", "where", "why", "how", "and", "or", "but", "if",
    "then", "than", "so", "to", "of", "in", "on", "at", "by", "for", "with", "from", "into",
    "onto", "about", "as", "s", "t", "m", "re", "ve", "ll", "d", "work", "happen", "mean",
    "exactly", "again", "there", "someth", "someon", "anyon", "thing", "get", "give", "use",
    "using", "rule", "rules", "explain", "tell", "pleas", "need", "want", "know", "much", "mani",
    "way", "let", "also", "just", "realli", "even", "ani", "some", "all", "not", "no", "yes",
    "one", "take", "make", "up", "out",
];

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(EnglishStemmer)
        .build()
}

/// Text → stemmed lowercase tokens, as the index's stemmed fields see it.
pub fn stem_words(text: &str) -> Vec<String> {
    thread_local! {
        // Building an analyzer allocates; this runs on every keystroke.
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(analyzer());
    }
    ANALYZER.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while let Some(token) = stream.next() {
            words.push(token.text.clone());
        }
        words
    })
}

/// The stemmed names of every condition (a number after one is its value).
fn condition_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        CONDITION_WORDS
            .iter()
            .flat_map(|(_, name)| stem_words(name))
            .collect()
    })
}

struct Phrase {
    words: Vec<String>,
    target: &'static str,
    weight: f32,
}

fn phrase_table() -> &'static [Phrase] {
    static TABLE: OnceLock<Vec<Phrase>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::new();
        let mut add = |patterns: &str, target: &'static str, weight: f32| {
            for pattern in patterns.split('|') {
                let words = stem_words(pattern);
                if !words.is_empty() {
                    table.push(Phrase {
                        words,
                        target,
                        weight,
                    });
                }
            }
        };
        for (patterns, target) in INTENTS {
            add(patterns, target, 1.0);
        }
        for (patterns, target) in CONDITION_WORDS {
            add(patterns, target, 1.0);
        }
        for (legacy, remastered) in renames() {
            for pattern in [legacy, remastered] {
                let words = stem_words(pattern);
                // "Petrify" (the spell) is a word for the petrified condition too: that question is not about
                // Flesh to Stone.
                if words.len() == 1 && condition_names().contains(&words[0]) {
                    continue;
                }
                for target in [legacy, remastered] {
                    table.push(Phrase {
                        words: words.clone(),
                        target,
                        weight: 1.2,
                    });
                }
            }
        }
        table
    })
}

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Stemmed words without the ones that carry no meaning, e.g. a document name's words for matching.
pub fn content_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|word| !is_stopword(word))
        .cloned()
        .collect()
}

/// Whether `pattern` occurs in `words` in order, each next word within two words of the last.
fn matches_in_order(words: &[String], pattern: &[String]) -> bool {
    let Some(first) = pattern.first() else {
        return false;
    };
    words.iter().enumerate().any(|(start, word)| {
        if word != first {
            return false;
        }
        let mut at = start;
        pattern[1..].iter().all(|next| {
            let window = words.iter().enumerate().skip(at + 1).take(3);
            match window.into_iter().find(|(_, word)| *word == next) {
                Some((found, _)) => {
                    at = found;
                    true
                }
                None => false,
            }
        })
    })
}

pub fn analyze(query: &str) -> AnalyzedQuery {
    let lowered = query.to_lowercase().replace(['’', '‘'], "'");
    let words = stem_words(&lowered);
    let mut analyzed = AnalyzedQuery::default();

    let add_term = |analyzed: &mut AnalyzedQuery, text: &str, weight: f32| match analyzed
        .terms
        .iter_mut()
        .find(|term| term.text == text)
    {
        Some(term) => term.weight = term.weight.max(weight),
        None => analyzed.terms.push(QueryTerm {
            text: text.to_string(),
            weight,
        }),
    };

    if lowered.ends_with(char::is_alphanumeric) {
        analyzed.last_word = words
            .last()
            .filter(|word| !is_stopword(word) && !word.chars().all(|ch| ch.is_ascii_digit()))
            .cloned();
    }
    let condition_names = condition_names();
    for (index, word) in words.iter().enumerate() {
        if is_stopword(word) {
            continue;
        }
        let is_number = word.chars().all(|ch| ch.is_ascii_digit());
        if is_number {
            // "frightened 2": the value says how bad, not which rule.
            let follows_condition = index > 0 && condition_names.contains(&words[index - 1]);
            if !follows_condition {
                add_term(&mut analyzed, word, NUMBER);
            }
            continue;
        }
        add_term(&mut analyzed, word, LITERAL);
        analyzed.content.push(word.clone());
        if let Some((_, expansion)) = ABBREVIATIONS
            .iter()
            .find(|(abbreviation, _)| abbreviation == word)
        {
            for expanded in stem_words(expansion) {
                add_term(&mut analyzed, &expanded, LITERAL * 0.8);
            }
            if let Some((_, remastered)) = renames().find(|(legacy, _)| legacy == expansion) {
                push_name(&mut analyzed.rule_names, remastered, 0.8);
            }
            push_name(&mut analyzed.rule_names, expansion, 0.8);
        }
    }

    for phrase in phrase_table() {
        if matches_in_order(&words, &phrase.words) {
            // A longer phrase is more specific; several phrases for one rule add up.
            let specificity = match phrase.words.len() {
                1 => 0.5,
                2 => 0.8,
                _ => 1.0,
            };
            add_name(
                &mut analyzed.rule_names,
                phrase.target,
                phrase.weight * specificity,
            );
        }
    }
    for (word, kind) in KIND_WORDS {
        if words.iter().any(|known| known == word) && !analyzed.kind_hints.contains(kind) {
            analyzed.kind_hints.push(kind);
        }
    }
    let names: Vec<String> = analyzed
        .rule_names
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    for name in names {
        for word in stem_words(&name) {
            if !is_stopword(&word) {
                add_term(&mut analyzed, &word, EXPANDED);
            }
        }
    }
    analyzed
}

/// Sums the evidence for a rule named by several phrases, up to a cap.
fn add_name(names: &mut Vec<(String, f32)>, name: &str, weight: f32) {
    match names
        .iter_mut()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
    {
        Some((_, known_weight)) => *known_weight = (*known_weight + weight).min(1.6),
        None => names.push((name.to_string(), weight)),
    }
}

fn push_name(names: &mut Vec<(String, f32)>, name: &str, weight: f32) {
    match names
        .iter_mut()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
    {
        Some((_, known_weight)) => *known_weight = known_weight.max(weight),
        None => names.push((name.to_string(), weight)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(query: &str) -> Vec<String> {
        analyze(query)
            .rule_names
            .into_iter()
            .map(|(name, _)| name.to_lowercase())
            .collect()
    }

    #[test]
    fn remaster_renames_work_both_ways() {
        assert!(names("what does off-guard do").contains(&"flat-footed".to_string()));
        assert!(names("am I flat footed").contains(&"off-guard".to_string()));
        assert!(names("force barrage damage").contains(&"magic missile".to_string()));
        assert!(names("reactive strike trigger").contains(&"attack of opportunity".to_string()));
        assert!(names("is sure strike a cantrip").contains(&"true strike".to_string()));
        assert!(names("spell level of fireball").contains(&"spell rank".to_string()));
    }

    #[test]
    fn renames_table_is_well_formed_and_spares_condition_words() {
        let pairs: Vec<_> = renames().collect();
        assert!(pairs.len() > 100);
        for (legacy, remastered) in &pairs {
            for name in [legacy, remastered] {
                assert!(!name.is_empty() && name.trim() == *name && *name == name.to_lowercase());
            }
        }
        // "Petrify" is the remastered Flesh to Stone, but "petrified" asks about the condition.
        let petrified = names("what does petrified do");
        assert!(petrified.contains(&"petrified".to_string()));
        assert!(!petrified.contains(&"flesh to stone".to_string()));
    }

    #[test]
    fn everyday_phrasing_points_at_actions_and_conditions() {
        assert!(names("can I get up off the ground?").contains(&"stand".to_string()));
        assert!(names("how to pick the lock on a chest").contains(&"pick a lock".to_string()));
        assert!(names("my character feels sick and nauseous").contains(&"sickened".to_string()));
        assert!(names("I want to disable the trap").contains(&"disable a device".to_string()));
    }

    #[test]
    fn abbreviations_expand_and_condition_values_drop() {
        let analyzed = analyze("frightened 3 and my AC");
        let texts: Vec<&str> = analyzed
            .terms
            .iter()
            .map(|term| term.text.as_str())
            .collect();
        assert!(texts.contains(&"frighten"));
        assert!(!texts.contains(&"3"));
        assert!(texts.contains(&"armor"));
        assert!(names("what triggers AoO").contains(&"reactive strike".to_string()));
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        for query in [
            "\"unterminated",
            "name:fireball",
            "[[/r 1d6]]",
            "(((",
            "+-!^~*",
            "",
            "   ",
        ] {
            let analyzed = analyze(query);
            assert!(analyzed.terms.iter().all(|term| !term.text.is_empty()));
        }
    }
}
