//! Safety in layers, each reported on its own: (1) our prompt filter, before anything is sent; (2) the provider's
//! own filter, always on (plus OpenAI's moderation endpoint when an OpenAI key is configured); (3) the image
//! classifier, which runs in the browser (`nsfwjs`) with its thresholds in [`classifier`], and is reported as not
//! run elsewhere.
//!
//! The prompt filter is rules of our own that let a fantasy table's violence and horror through ("an orc with a
//! bloody axe") and block sexual content, anything sexual near a minor, real-person likeness abuse, gore as a
//! fetish, hate symbols and self-harm. The GM picks the strictness; strict is the default.

pub mod classifier;
mod lexicon;
mod text;

use serde::{Deserialize, Serialize};

use lexicon::*;
use text::Words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strictness {
    #[default]
    Strict,
    /// Also accepted as `moderate`.
    #[serde(alias = "moderate")]
    Standard,
    /// Also accepted as `permissive`.
    #[serde(alias = "permissive")]
    Relaxed,
}

impl Strictness {
    pub fn parse(text: &str) -> Option<Strictness> {
        match text.trim().to_ascii_lowercase().as_str() {
            "strict" => Some(Strictness::Strict),
            "standard" | "moderate" => Some(Strictness::Standard),
            "relaxed" | "permissive" => Some(Strictness::Relaxed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Sexual,
    SexualMinors,
    Suggestive,
    RealPerson,
    ExtremeGore,
    Hate,
    SelfHarm,
}

impl Category {
    pub fn describe(self) -> &'static str {
        match self {
            Category::Sexual => "sexual content",
            Category::SexualMinors => "sexual content involving minors",
            Category::Suggestive => "suggestive content (blocked at strict)",
            Category::RealPerson => "a real person's likeness",
            Category::ExtremeGore => "gore for its own sake",
            Category::Hate => "a hate symbol or hateful content",
            Category::SelfHarm => "self-harm",
        }
    }
}

/// The prompt filter's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptVerdict {
    pub allowed: bool,
    pub category: Option<Category>,
    /// What the GM is told: the category and the words that triggered it.
    pub reason: Option<String>,
}

/// One safety layer's result, as shown beside each image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum LayerVerdict {
    Passed,
    Blocked { reason: String },
    NotRun { why: String },
}

/// The three layers side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyReport {
    pub prompt_filter: LayerVerdict,
    pub provider_filter: LayerVerdict,
    pub image_classifier: LayerVerdict,
}

impl SafetyReport {
    pub fn blocked_reason(&self) -> Option<&str> {
        [
            &self.prompt_filter,
            &self.provider_filter,
            &self.image_classifier,
        ]
        .into_iter()
        .find_map(|layer| match layer {
            LayerVerdict::Blocked { reason } => Some(reason.as_str()),
            _ => None,
        })
    }
}

/// Runs the prompt filter. Pure and cheap: call it as the GM types.
pub fn check_prompt(prompt: &str, strictness: Strictness) -> PromptVerdict {
    let words = Words::new(prompt);
    match first_block(&words, strictness) {
        None => PromptVerdict {
            allowed: true,
            category: None,
            reason: None,
        },
        Some((category, matched)) => PromptVerdict {
            allowed: false,
            category: Some(category),
            reason: Some(format!(
                "blocked: {} (\"{}\")",
                category.describe(),
                matched.join("\", \"")
            )),
        },
    }
}

fn first_block(words: &Words, strictness: Strictness) -> Option<(Category, Vec<String>)> {
    use Strictness::*;
    let hit = |list: &[&str]| words.find_any(list);
    let strict = strictness == Strict;
    let relaxed = strictness == Relaxed;

    if let Some(term) = hit(MINOR_SEXUAL) {
        return Some((Category::SexualMinors, vec![term]));
    }
    let explicit = hit(EXPLICIT).or_else(|| words.naked_meaning_nude(NAKED, NAKED_IS_FINE_BEFORE));
    let suggestive = hit(SUGGESTIVE);
    if let Some(minor) = hit(MINOR).or_else(|| words.age_under_18()) {
        if let Some(sexual) = explicit.clone().or(suggestive.clone()) {
            return Some((Category::SexualMinors, vec![minor, sexual]));
        }
    }
    if let Some(term) = hit(GORE_FETISH) {
        return Some((Category::ExtremeGore, vec![term]));
    }
    if let Some(term) = explicit {
        return Some((Category::Sexual, vec![term]));
    }
    if let Some(term) = hit(HATE) {
        return Some((Category::Hate, vec![term]));
    }
    if let (Some(group), Some(insult)) = (hit(PROTECTED_GROUPS), hit(DEHUMANISING)) {
        return Some((Category::Hate, vec![group, insult]));
    }
    if let Some(term) = hit(LIKENESS_ABUSE) {
        return Some((Category::RealPerson, vec![term]));
    }
    if let Some(person) = hit(CELEBRITY) {
        if strict {
            return Some((Category::RealPerson, vec![person]));
        }
        if let Some(framing) = suggestive.clone().or_else(|| hit(ABUSIVE_FRAMING)) {
            return Some((Category::RealPerson, vec![person, framing]));
        }
    }
    if strict {
        if let Some(term) = suggestive {
            return Some((Category::Suggestive, vec![term]));
        }
    }
    if !relaxed {
        if let Some(gore) = hit(GORE) {
            let intensifier = hit(GORE_INTENSIFIERS_STRONG).or_else(|| {
                if strict {
                    hit(GORE_INTENSIFIERS)
                } else {
                    None
                }
            });
            if let Some(intensifier) = intensifier {
                return Some((Category::ExtremeGore, vec![intensifier, gore]));
            }
        }
        if let Some(term) = hit(SELF_HARM) {
            return Some((Category::SelfHarm, vec![term]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(prompt: &str, strictness: Strictness) -> bool {
        check_prompt(prompt, strictness).allowed
    }

    #[test]
    fn fantasy_violence_and_horror_pass_at_strict() {
        for prompt in [
            "an orc with a bloody axe",
            "a lich on a throne of skulls surrounded by corpses",
            "a ghoul feasting on entrails in a crypt",
            "a paladin holding a naked blade",
            "a succubus demon with bat wings",
            "a kobold child holding a torch",
        ] {
            assert!(allowed(prompt, Strictness::Strict), "{prompt}");
        }
    }

    #[test]
    fn each_category_is_named_in_the_reason() {
        let verdict = check_prompt("a nude elf", Strictness::Relaxed);
        assert_eq!(verdict.category, Some(Category::Sexual));
        assert!(verdict.reason.unwrap().contains("\"nude\""));
        assert_eq!(
            check_prompt("a loli elf", Strictness::Relaxed).category,
            Some(Category::SexualMinors)
        );
        assert_eq!(
            check_prompt("a seductive 15 year old elf", Strictness::Relaxed).category,
            Some(Category::SexualMinors)
        );
        assert_eq!(
            check_prompt("an orc waving a swastika flag", Strictness::Relaxed).category,
            Some(Category::Hate)
        );
        assert_eq!(
            check_prompt("deepfake of my neighbor as a goblin", Strictness::Relaxed).category,
            Some(Category::RealPerson)
        );
        assert_eq!(
            check_prompt("guro art of a knight", Strictness::Relaxed).category,
            Some(Category::ExtremeGore)
        );
    }

    #[test]
    fn strictness_levels_differ_where_they_should() {
        let suggestive = "a seductive vampire countess";
        assert!(!allowed(suggestive, Strictness::Strict));
        assert!(allowed(suggestive, Strictness::Standard));
        let celebrity = "keanu reeves as an elven ranger";
        assert!(!allowed(celebrity, Strictness::Strict));
        assert!(allowed(celebrity, Strictness::Standard));
        assert!(!allowed(
            "keanu reeves beheaded by an orc",
            Strictness::Standard
        ));
        let gore = "detailed close-up of entrails spilling from a troll";
        assert!(!allowed(gore, Strictness::Strict));
        assert!(allowed(gore, Strictness::Standard));
        assert!(!allowed(
            "photorealistic gore of a disemboweled knight",
            Strictness::Standard
        ));
        assert!(allowed(
            "photorealistic gore of a disemboweled knight",
            Strictness::Relaxed
        ));
    }

    #[test]
    fn simple_obfuscation_is_seen_through() {
        for prompt in [
            "a n u d e elf",
            "a nud3 elf",
            "a NUUUDE elf",
            "a p0rn scene",
            "an elf, n.u.d.e",
        ] {
            assert!(!allowed(prompt, Strictness::Relaxed), "{prompt}");
        }
    }

    #[test]
    fn the_report_names_the_first_blocking_layer() {
        let report = SafetyReport {
            prompt_filter: LayerVerdict::Passed,
            provider_filter: LayerVerdict::Blocked {
                reason: "CONTENT_FILTERED".into(),
            },
            image_classifier: LayerVerdict::NotRun {
                why: "browser only".into(),
            },
        };
        assert_eq!(report.blocked_reason(), Some("CONTENT_FILTERED"));
    }
}
