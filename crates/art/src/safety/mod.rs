//! Safety in layers, each reported on its own: (1) our prompt filter, before anything is sent; (2) the provider's
//! own filter, always on (plus OpenAI's moderation endpoint when an OpenAI key is configured: a second gate whose
//! failure leaves the decision to (1) and is reported as [`LayerVerdict::Partial`]); (3) the image classifier, which
//! runs in the browser (`nsfwjs`) with its thresholds in [`classifier`], sees nudity and sexual imagery only (no
//! gore, no self-harm), and is reported as not run elsewhere.
//!
//! The prompt filter is rules of our own, read through one normaliser (text.rs), that let a fantasy table's
//! violence and horror through ("an orc with a bloody axe") and block, at every strictness, sexual content,
//! anything sexual near a minor, harassment, hate, self-harm (also as intent or instructions), real-world violence,
//! real people's likeness abused and real tragedies; suggestive content, any celebrity and gore rendered as a
//! photographic spectacle are blocked at the stricter levels. The GM picks the strictness; strict is the default.

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

/// Why a prompt is refused: the categories of OpenAI's moderation taxonomy (sexual, sexual/minors, harassment,
/// hate, self-harm, violence/graphic), plus real people and real tragedies. The snake_case name is the key of the
/// refusal's text in lang/*.json (`FAMILIAR.Art.Categories.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Sexual,
    SexualMinors,
    Suggestive,
    Harassment,
    Hate,
    SelfHarm,
    /// Violence of the real world: shootings, terror, cruelty, weapons instructions, a camera on a killing.
    Violence,
    ExtremeGore,
    RealPerson,
    RealTragedy,
}

impl Category {
    pub fn describe(self) -> &'static str {
        match self {
            Category::Sexual => "sexual content",
            Category::SexualMinors => "sexual content involving minors",
            Category::Suggestive => "suggestive content (blocked at strict)",
            Category::Harassment => "harassment of a real person",
            Category::Hate => "a hate symbol or hateful content",
            Category::SelfHarm => "self-harm",
            Category::Violence => "real-world violence",
            Category::ExtremeGore => "gore for its own sake",
            Category::RealPerson => "a real person's likeness",
            Category::RealTragedy => "a real tragedy or its victims",
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

/// One safety layer's result, as shown beside each image: `{"verdict": "blocked", "reason": ...}`. Read through
/// [`LayerVerdictWire`] rather than serde's derived internally tagged form, whose `Content` buffer costs the wasm
/// bundle code for every such enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "verdict",
    rename_all = "snake_case",
    try_from = "LayerVerdictWire"
)]
pub enum LayerVerdict {
    Passed,
    Blocked {
        reason: String,
    },
    NotRun {
        why: String,
    },
    /// Passed, but part of the layer could not run (OpenAI moderation unreachable or failing).
    Partial {
        why: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum VerdictName {
    Passed,
    Blocked,
    NotRun,
    Partial,
}

/// Every field any verdict has, read in one pass; [`LayerVerdict`]'s `TryFrom` checks the verdict's own.
#[derive(Deserialize)]
struct LayerVerdictWire {
    verdict: VerdictName,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    why: Option<String>,
}

impl TryFrom<LayerVerdictWire> for LayerVerdict {
    type Error = &'static str;

    fn try_from(wire: LayerVerdictWire) -> Result<LayerVerdict, &'static str> {
        let why = || wire.why.clone().ok_or("missing field `why`");
        Ok(match wire.verdict {
            VerdictName::Passed => LayerVerdict::Passed,
            VerdictName::Blocked => LayerVerdict::Blocked {
                reason: wire.reason.clone().ok_or("missing field `reason`")?,
            },
            VerdictName::NotRun => LayerVerdict::NotRun { why: why()? },
            VerdictName::Partial => LayerVerdict::Partial { why: why()? },
        })
    }
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

/// One test on the normalised words; every rule is one of these, so the rules are data and one loop reads them.
enum Test {
    /// A term of the list.
    Any(&'static str),
    /// A term of each list within so many words.
    Near(&'static str, &'static str, usize),
    /// A term of the list unless the next (`true`) or previous word is in the second.
    Unless(&'static str, &'static str, bool),
    /// A group, a link word and a metaphor, in that order.
    Metaphor(&'static str, &'static str, &'static str),
}

impl Test {
    fn run(&self, words: &Words) -> Option<Vec<String>> {
        match *self {
            Test::Any(list) => words.find_any(list).map(|term| vec![term]),
            Test::Near(a, b, window) => words.near(a, b, window),
            Test::Unless(list, fine, after) => {
                words.unless_beside(list, fine, after).map(|t| vec![t])
            }
            Test::Metaphor(who, link, what) => words.metaphor(who, link, what),
        }
    }
}

/// The first test that finds something, with what it found.
fn first(words: &Words, tests: &[Test]) -> Option<Vec<String>> {
    tests.iter().find_map(|test| test.run(words))
}

use Test::*;

/// Sexual content, said outright or around: every strictness.
const SEXUAL: &[Test] = &[
    Any(EXPLICIT),
    Any(EXPOSURE),
    Near(GARMENT, COMES_OFF, 2),
    Near(BODY_PART, ON_SHOW, 3),
    Unless(NAKED, NAKED_IS_FINE_BEFORE, true),
    Any(FETISH),
    Unless(FETISH_WORD, FETISH_OBJECT_BEFORE, false),
    Near(BED_ACT, BED, 6),
];

/// The rules that block at every strictness after the sexual ones, in order.
const ALWAYS: &[(Category, Test)] = &[
    (Category::Hate, Any(HATE)),
    (Category::Hate, Near(PROTECTED_GROUPS, DEHUMANISING, 6)),
    (
        Category::Hate,
        Metaphor(PROTECTED_GROUPS, COMPARED, DEHUMANISING_METAPHOR),
    ),
    (Category::SelfHarm, Any(SELF_HARM)),
    (
        Category::SelfHarm,
        Unless(SUICIDE, SUICIDE_IS_FINE_BEFORE, true),
    ),
    (Category::SelfHarm, Near(ONESELF, HARM, 3)),
    (Category::SelfHarm, Near(METHOD, PRIVATE_PLACE, 8)),
    (Category::SelfHarm, Near(CUT, CUT_PLACE, 3)),
    (Category::SelfHarm, Near(INSTRUCTIONS, HOW_TO_DIE, 8)),
    (Category::Harassment, Near(INSULT, PRIVATE_PERSON, 12)),
    (Category::Harassment, Near(INSULT, SHARE, 12)),
    (Category::RealPerson, Any(LIKENESS_ABUSE)),
    (Category::RealPerson, Any(PRIVATE_PERSON)),
    (Category::RealTragedy, Any(REAL_TRAGEDY)),
    (Category::RealTragedy, Near(REAL_FRAMING, CASUALTIES, 12)),
    (Category::Violence, Any(REAL_VIOLENCE)),
    (Category::Violence, Near(INSTRUCTIONS, WEAPON, 8)),
    (Category::Violence, Near(REAL_FRAMING, VIOLENT_ACT, 12)),
];

/// What makes a real person's picture abusive: suggestive or abusive framing, or a camera (a fake photograph).
const ABUSIVE: &[Test] = &[Any(SUGGESTIVE), Any(ABUSIVE_FRAMING), Any(REAL_FRAMING)];

fn first_block(words: &Words, strictness: Strictness) -> Option<(Category, Vec<String>)> {
    use Category::*;
    let strict = strictness == Strictness::Strict;
    let both =
        |a: Option<Vec<String>>, b: Option<Vec<String>>| a.zip(b).map(|(a, b)| [a, b].concat());
    let block = |category, found: Option<Vec<String>>| found.map(|terms| (category, terms));

    let sexual = first(words, SEXUAL);
    let suggestive = Any(SUGGESTIVE).run(words);
    let minor = Any(MINOR)
        .run(words)
        .or_else(|| words.age_under_18().map(|age| vec![age]));
    let sexualised = || {
        (sexual.clone())
            .or(suggestive.clone())
            .or_else(|| Any(MINOR_SEXUALISING).run(words))
    };
    let listed = Any(CELEBRITY).run(words);
    let celebrity = || {
        listed
            .clone()
            .or_else(|| words.capitalised_name(TITLES).map(|n| vec![n]))
    };
    let gore = || {
        let strong = Any(GORE_INTENSIFIERS_STRONG).run(words);
        let intensifier = match strictness {
            Strictness::Strict => strong.clone().or_else(|| Any(GORE_INTENSIFIERS).run(words)),
            Strictness::Standard => strong.clone(),
            Strictness::Relaxed => None,
        };
        let scene = Any(GORE)
            .run(words)
            .or_else(|| strong.and(Any(VIOLENT_ACT).run(words)));
        both(intensifier, scene)
    };

    block(SexualMinors, Any(MINOR_SEXUAL).run(words))
        .or_else(|| block(SexualMinors, both(minor, sexualised())))
        .or_else(|| block(ExtremeGore, Any(GORE_FETISH).run(words)))
        .or_else(|| block(Sexual, sexual.clone()))
        .or_else(|| {
            ALWAYS
                .iter()
                .find_map(|(category, test)| block(*category, test.run(words)))
        })
        .or_else(|| block(RealPerson, both(celebrity(), first(words, ABUSIVE))))
        .or_else(|| block(RealPerson, listed.clone().filter(|_| strict)))
        .or_else(|| block(Suggestive, suggestive.clone().filter(|_| strict)))
        .or_else(|| block(ExtremeGore, gore()))
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
    fn every_category_blocks_at_every_strictness() {
        for (prompt, category) in [
            ("an elf in the buff by a waterfall", Category::Sexual),
            ("a dryad with her gown slipped off", Category::Sexual),
            ("a shibari scene with an elf", Category::Sexual),
            ("an eight-year-old in lingerie", Category::SexualMinors),
            (
                "a cartoon of my cousin as a fat pig to share online",
                Category::Harassment,
            ),
            ("muslims shown as rats", Category::Hate),
            (
                "a tutorial on the easiest way to overdose",
                Category::SelfHarm,
            ),
            ("a woman cutting her own wrist", Category::SelfHarm),
            (
                "a noose hanging from the ceiling fan in his bedroom",
                Category::SelfHarm,
            ),
            (
                "cctv footage of a stabbing at a train station",
                Category::Violence,
            ),
            ("a diagram of how to build a pipe bomb", Category::Violence),
            ("a faceswap of my boss onto a goblin", Category::RealPerson),
            ("a photo of keanu reeves as an elf", Category::RealPerson),
            (
                "a photo of the victims of a real massacre",
                Category::RealTragedy,
            ),
            ("the Srebrenica graves", Category::RealTragedy),
        ] {
            for strictness in [
                Strictness::Strict,
                Strictness::Standard,
                Strictness::Relaxed,
            ] {
                let verdict = check_prompt(prompt, strictness);
                assert_eq!(
                    verdict.category,
                    Some(category),
                    "{prompt} at {strictness:?}"
                );
            }
        }
    }

    #[test]
    fn fantasy_tactics_trophies_and_shamans_stay_allowed() {
        for prompt in [
            "a suicide charge of hobgoblins into the breach",
            "a goblin shaman with a bone fetish on a cord",
            "a hangman tying a noose at the gallows",
            "a knight stripped of his armour in a dungeon",
            "a photograph-style portrait of a dwarf smith",
            "Queen Galtha crowned in the Nine Hells",
        ] {
            assert!(allowed(prompt, Strictness::Strict), "{prompt}");
        }
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

    #[test]
    fn verdicts_read_back_what_they_write_and_a_verdict_without_its_field_is_refused() {
        let verdicts = [
            LayerVerdict::Passed,
            LayerVerdict::Blocked {
                reason: "sexual content".into(),
            },
            LayerVerdict::NotRun {
                why: "no classifier".into(),
            },
            LayerVerdict::Partial {
                why: "moderation unreachable".into(),
            },
        ];
        for verdict in verdicts {
            let json = serde_json::to_string(&verdict).unwrap();
            assert_eq!(
                serde_json::from_str::<LayerVerdict>(&json).unwrap(),
                verdict,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&LayerVerdict::NotRun { why: "x".into() }).unwrap(),
            r#"{"verdict":"not_run","why":"x"}"#
        );
        for refused in [
            r#"{"verdict":"blocked"}"#,
            r#"{"verdict":"not_run","reason":"wrong field"}"#,
            r#"{"verdict":"maybe"}"#,
            r#"{}"#,
        ] {
            assert!(
                serde_json::from_str::<LayerVerdict>(refused).is_err(),
                "{refused}"
            );
        }
    }
}
