//! Prompts of our own: from a creature (name, level, traits, size, clean description text) or free text, shaped by
//! a preset (portrait, top-down token, scene), with a negative prompt for Stable Diffusion back ends and a length
//! that fits each provider.

use serde::{Deserialize, Serialize};

use crate::image_check::ExpectedSize;
use crate::providers::ApiKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    #[default]
    Portrait,
    Token,
    Scene,
}

impl Preset {
    pub fn parse(text: &str) -> Option<Preset> {
        match text.trim().to_ascii_lowercase().as_str() {
            "portrait" => Some(Preset::Portrait),
            "token" => Some(Preset::Token),
            "scene" => Some(Preset::Scene),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Portrait => "portrait",
            Preset::Token => "token",
            Preset::Scene => "scene",
        }
    }

    fn lead(self) -> &'static str {
        match self {
            Preset::Portrait => "fantasy character portrait of",
            Preset::Token => "top-down view from directly above of",
            Preset::Scene => "wide fantasy scene featuring",
        }
    }

    fn tail(self) -> &'static str {
        match self {
            Preset::Portrait => "head and shoulders, detailed painterly illustration, dramatic lighting, plain dark background",
            Preset::Token => "full body seen from above, centred, game token art, plain background, high contrast",
            Preset::Scene => "environment, cinematic composition, detailed fantasy illustration",
        }
    }
}

/// What the rules side knows about a creature. `description` is clean text (the rules index's HTML path).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Creature {
    pub name: String,
    #[serde(default)]
    pub level: Option<i32>,
    #[serde(default)]
    pub traits: Vec<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// `{"kind": "creature", "name": ..., ...}` or `{"kind": "text", "text": ...}`. Read through [`SubjectWire`], not
/// serde's derived internally tagged form, which buffers the whole object in `serde`'s `Content` first and costs
/// the wasm bundle that buffer's code for every such enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "SubjectWire")]
pub enum Subject {
    Creature(Creature),
    Text { text: String },
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SubjectKind {
    Creature,
    Text,
}

/// Every field either kind of subject has, read in one pass; [`Subject`]'s `TryFrom` checks the kind's own.
#[derive(Deserialize)]
struct SubjectWire {
    kind: SubjectKind,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    level: Option<i32>,
    #[serde(default)]
    traits: Vec<String>,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    description: String,
}

impl TryFrom<SubjectWire> for Subject {
    type Error = &'static str;

    fn try_from(wire: SubjectWire) -> Result<Subject, &'static str> {
        match wire.kind {
            SubjectKind::Text => Ok(Subject::Text {
                text: wire.text.ok_or("missing field `text`")?,
            }),
            SubjectKind::Creature => Ok(Subject::Creature(Creature {
                name: wire.name.ok_or("missing field `name`")?,
                level: wire.level,
                traits: wire.traits,
                size: wire.size,
                description: wire.description,
            })),
        }
    }
}

impl Subject {
    /// A short name for file names and reports.
    pub fn title(&self) -> String {
        match self {
            Subject::Creature(creature) => creature.name.clone(),
            Subject::Text { text } => text
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// All the words the safety filter must see (the description included).
    pub fn all_text(&self) -> String {
        match self {
            Subject::Creature(c) => format!(
                "{} {} {} {}",
                c.name,
                c.traits.join(" "),
                c.size.as_deref().unwrap_or(""),
                c.description
            ),
            Subject::Text { text } => text.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltPrompt {
    pub positive: String,
    pub negative: Option<String>,
}

/// Rules traits that say nothing about looks.
const INVISIBLE_TRAITS: &[&str] = &[
    "common", "uncommon", "rare", "unique", "chaotic", "evil", "good", "lawful", "neutral",
    "minion", "summoned", "mindless",
];

const NEGATIVE: &str =
    "text, watermark, signature, lowres, blurry, deformed, extra limbs, bad anatomy, nsfw, nude";

/// The longest positive prompt each back end should get. Stable Diffusion only reads ~75 tokens per chunk, so the
/// SD back ends get the important words first and little else.
pub fn max_prompt_chars(api: ApiKind) -> usize {
    match api {
        ApiKind::Openai => 4000,
        ApiKind::Stability => 10_000,
        ApiKind::Horde | ApiKind::A1111 | ApiKind::Comfyui => 600,
    }
}

pub fn build(subject: &Subject, preset: Preset, api: ApiKind) -> BuiltPrompt {
    let lead = preset.lead();
    let tail = preset.tail();
    let core = match subject {
        Subject::Creature(creature) => creature_text(creature),
        Subject::Text { text } => clean(text),
    };
    // The style tail keeps its place; the subject gives way when the prompt is too long.
    let budget = max_prompt_chars(api).saturating_sub(lead.len() + tail.len() + 4);
    let positive = format!("{lead} {}, {tail}", cut_at_word(&core, budget));
    let negative = api.takes_negative_prompt().then(|| match preset {
        Preset::Token => format!("{NEGATIVE}, perspective view, cropped, frame"),
        _ => NEGATIVE.to_string(),
    });
    BuiltPrompt { positive, negative }
}

fn creature_text(creature: &Creature) -> String {
    let mut parts = Vec::new();
    let standing = match creature.level {
        Some(level) if level <= 0 => "a lowly",
        Some(level) if level >= 17 => "a legendary",
        Some(level) if level >= 11 => "a mighty",
        Some(level) if level >= 5 => "a formidable",
        _ => "a",
    };
    let traits: Vec<String> = creature
        .traits
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty() && !INVISIBLE_TRAITS.contains(&t.as_str()))
        .collect();
    let size = creature
        .size
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty() && s != "med");
    let size = size.map(|s| {
        if s == "grg" {
            "gargantuan".into()
        } else if s == "lg" {
            "large".into()
        } else if s == "sm" {
            "small".into()
        } else {
            s
        }
    });
    let mut kind = vec![standing.to_string()];
    kind.extend(size);
    kind.extend(traits);
    kind.push("creature".into());
    parts.push(format!("{}, {}", clean(&creature.name), kind.join(" ")));
    let description = first_sentences(&clean(&creature.description), 2);
    if !description.is_empty() {
        parts.push(description);
    }
    parts.join(", ")
}

/// Collapses whitespace and drops leftover Foundry enricher syntax (`@UUID[…]{label}` keeps the label).
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let word_end = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let after_word = &after[word_end..];
        if word_end > 0 && after_word.starts_with('[') {
            let close = after_word.find(']').map_or(after_word.len(), |i| i + 1);
            let tail = &after_word[close..];
            if let Some(label) = tail.strip_prefix('{').and_then(|t| t.split_once('}')) {
                out.push_str(label.0);
                rest = label.1;
            } else {
                rest = tail;
            }
        } else {
            out.push('@');
            rest = after;
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_sentences(text: &str, count: usize) -> String {
    let mut end = 0;
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            seen += 1;
            end = i + c.len_utf8();
            if seen == count {
                break;
            }
        }
    }
    let chosen = if seen == 0 { text } else { &text[..end] };
    chosen.trim().trim_end_matches('.').to_string()
}

fn cut_at_word(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    head.rfind(' ')
        .map_or(head, |space| &head[..space])
        .trim_end_matches([',', ' '])
}

/// The size to ask for and the size to expect back, by preset and back end.
pub fn dimensions(preset: Preset, api: ApiKind, model: Option<&str>) -> ((u32, u32), ExpectedSize) {
    let wide = preset == Preset::Scene;
    let size = match api {
        ApiKind::Openai if wide && model.is_some_and(|m| m.starts_with("dall-e-3")) => (1792, 1024),
        ApiKind::Openai if wide => (1536, 1024),
        ApiKind::Openai => (1024, 1024),
        ApiKind::Stability if wide => (1344, 768),
        ApiKind::Stability => (1024, 1024),
        _ if wide => (768, 448),
        _ => (512, 512),
    };
    let expected = match api {
        // Stability takes an aspect ratio and picks the pixels itself.
        ApiKind::Stability => ExpectedSize::Aspect {
            width: size.0,
            height: size.1,
        },
        _ => ExpectedSize::Exact {
            width: size.0,
            height: size.1,
        },
    };
    (size, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goblin() -> Subject {
        Subject::Creature(Creature {
            name: "Goblin Warchanter".into(),
            level: Some(1),
            traits: vec!["Goblin".into(), "Humanoid".into(), "Chaotic".into()],
            size: Some("sm".into()),
            description:
                "A shrill @UUID[Compendium.x]{goblin} singer. It drums on a shield. It never stops."
                    .into(),
        })
    }

    #[test]
    fn creature_prompts_read_naturally_and_skip_rules_only_traits() {
        let built = build(&goblin(), Preset::Portrait, ApiKind::A1111);
        assert_eq!(
            built.positive,
            "fantasy character portrait of Goblin Warchanter, a small goblin humanoid creature, A shrill goblin \
             singer. It drums on a shield, head and shoulders, detailed painterly illustration, dramatic lighting, \
             plain dark background"
        );
        assert!(built.negative.unwrap().contains("watermark"));
    }

    #[test]
    fn openai_gets_no_negative_and_tokens_are_top_down() {
        let built = build(
            &Subject::Text {
                text: "an orc with a bloody axe".into(),
            },
            Preset::Token,
            ApiKind::Openai,
        );
        assert!(built.negative.is_none());
        assert!(built
            .positive
            .starts_with("top-down view from directly above of an orc with a bloody axe"));
    }

    #[test]
    fn long_subjects_are_cut_at_a_word_and_keep_the_style() {
        let long = Subject::Text {
            text: "ancient red dragon ".repeat(100),
        };
        for api in [
            ApiKind::Horde,
            ApiKind::A1111,
            ApiKind::Comfyui,
            ApiKind::Openai,
        ] {
            let built = build(&long, Preset::Scene, api);
            assert!(built.positive.len() <= max_prompt_chars(api), "{api:?}");
            assert!(built.positive.ends_with(Preset::Scene.tail()));
        }
    }

    #[test]
    fn a_creature_description_gives_two_sentences_within_every_providers_limit() {
        // A pf2e NPC's publicNotes as the rules index's HTML path leaves them: long, one sentence a paragraph.
        let description = format!(
            "A hunched scarecrow of mill sacks and straw. It creaks when it walks. {}",
            "Villagers tell of its long nights in the barley, of lanterns and of crows. "
                .repeat(40)
        );
        let creature = Subject::Creature(Creature {
            name: "Mill Crow".into(),
            level: Some(2),
            traits: vec!["construct".into()],
            size: Some("med".into()),
            description,
        });
        for api in [
            ApiKind::Horde,
            ApiKind::A1111,
            ApiKind::Comfyui,
            ApiKind::Openai,
            ApiKind::Stability,
        ] {
            for preset in [Preset::Portrait, Preset::Token] {
                let built = build(&creature, preset, api);
                assert!(built.positive.len() <= max_prompt_chars(api), "{api:?}");
                assert!(
                    built.positive.contains(
                        "A hunched scarecrow of mill sacks and straw. It creaks when it walks"
                    ),
                    "{api:?}: {}",
                    built.positive
                );
                assert!(
                    !built.positive.contains("Villagers"),
                    "{api:?}: only two sentences"
                );
            }
        }
    }

    #[test]
    fn scene_sizes_are_wide_and_stability_expects_an_aspect() {
        assert_eq!(
            dimensions(Preset::Scene, ApiKind::Openai, Some("dall-e-3")).0,
            (1792, 1024)
        );
        assert!(matches!(
            dimensions(Preset::Portrait, ApiKind::Stability, None).1,
            ExpectedSize::Aspect { .. }
        ));
        assert_eq!(
            dimensions(Preset::Token, ApiKind::Horde, None).0,
            (512, 512)
        );
    }

    #[test]
    fn subjects_read_back_what_they_write_and_a_kind_without_its_field_is_refused() {
        let subjects = [
            Subject::Text {
                text: "a raven on a skull".into(),
            },
            Subject::Creature(Creature {
                name: "Goblin Warrior".into(),
                level: Some(-1),
                traits: vec!["goblin".into(), "humanoid".into()],
                size: Some("small".into()),
                description: "Sneaky.".into(),
            }),
        ];
        for subject in subjects {
            let json = serde_json::to_string(&subject).unwrap();
            assert_eq!(
                serde_json::from_str::<Subject>(&json).unwrap(),
                subject,
                "{json}"
            );
        }
        let minimal: Subject = serde_json::from_str(r#"{"kind":"creature","name":"Imp"}"#).unwrap();
        assert_eq!(
            minimal,
            Subject::Creature(Creature {
                name: "Imp".into(),
                ..Creature::default()
            })
        );
        for refused in [
            r#"{"kind":"text"}"#,
            r#"{"kind":"creature","text":"no name"}"#,
            r#"{"kind":"scene","text":"x"}"#,
            r#"{"text":"no kind"}"#,
        ] {
            assert!(
                serde_json::from_str::<Subject>(refused).is_err(),
                "{refused}"
            );
        }
    }
}
