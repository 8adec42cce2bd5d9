//! The normaliser as a property: every disguise technique, applied to every harmful prompt of our development
//! lists (tests/safety/dev-prompts.jsonl and prompts.tsv), leaves the prompt filter's verdict as it was; and the
//! character-level disguises leave every ordinary prompt allowed. The held-out list is never read here.

use std::sync::OnceLock;

use familiar_art::{check_prompt, Strictness};
use proptest::prelude::*;

const DEV: &str = include_str!("../../../tests/safety/dev-prompts.jsonl");
const TSV: &str = include_str!("prompts.tsv");

/// (prompt, expected to block) from both development lists.
fn labelled() -> Vec<(String, bool)> {
    let jsonl = DEV.lines().filter(|l| !l.trim().is_empty()).map(|line| {
        let row: serde_json::Value = serde_json::from_str(line).expect("a dev list line");
        let prompt = row["prompt"].as_str().expect("prompt").to_string();
        (prompt, row["expect"] == "block")
    });
    let tsv = TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (label, prompt) = line.split_once('\t').expect("label<TAB>prompt");
            (prompt.to_string(), label == "block")
        });
    jsonl.chain(tsv).collect()
}

/// The harmful prompts the filter blocks (a disguise must not change that).
fn harmful() -> &'static [String] {
    static HARMFUL: OnceLock<Vec<String>> = OnceLock::new();
    HARMFUL.get_or_init(|| {
        labelled()
            .into_iter()
            .filter(|(prompt, block)| *block && blocked(prompt))
            .map(|(prompt, _)| prompt)
            .collect()
    })
}

#[derive(Debug, Clone, Copy)]
enum Disguise {
    /// Letters apart with this separator: `n u d e`, `n.u.d.e`, `n-u-d-e`, `n_u_d_e`, `n|u|d|e`, `n·u·d·e`.
    Spaced(char),
    Leet,
    Repeated,
    Cyrillic,
    Fullwidth,
    MathBold,
    ZeroWidth,
    Strike,
    AlternatingCase,
}

const DISGUISES: [Disguise; 14] = [
    Disguise::Spaced(' '),
    Disguise::Spaced('.'),
    Disguise::Spaced('-'),
    Disguise::Spaced('_'),
    Disguise::Spaced('|'),
    Disguise::Spaced('·'),
    Disguise::Leet,
    Disguise::Repeated,
    Disguise::Cyrillic,
    Disguise::Fullwidth,
    Disguise::MathBold,
    Disguise::ZeroWidth,
    Disguise::Strike,
    Disguise::AlternatingCase,
];

fn disguise_word(word: &str, disguise: Disguise) -> String {
    let letters: Vec<char> = word.chars().collect();
    let join = |sep: &str| {
        letters
            .iter()
            .map(char::to_string)
            .collect::<Vec<_>>()
            .join(sep)
    };
    match disguise {
        Disguise::Spaced(sep) => join(&sep.to_string()),
        Disguise::ZeroWidth => join("\u{200b}"),
        Disguise::Strike => letters.iter().map(|c| format!("{c}\u{336}")).collect(),
        Disguise::Repeated => letters
            .iter()
            .map(|c| c.to_string().repeat(if c.is_alphabetic() { 3 } else { 1 }))
            .collect(),
        Disguise::Leet => letters
            .iter()
            .map(|c| match c.to_ascii_lowercase() {
                'a' => '4',
                'e' => '3',
                'i' => '1',
                'o' => '0',
                's' => '5',
                't' => '7',
                _ => *c,
            })
            .collect(),
        Disguise::Cyrillic => letters
            .iter()
            .map(|c| match c {
                'a' => 'а',
                'c' => 'с',
                'e' => 'е',
                'o' => 'о',
                'p' => 'р',
                'x' => 'х',
                'y' => 'у',
                'i' => 'і',
                's' => 'ѕ',
                'j' => 'ј',
                other => *other,
            })
            .collect(),
        Disguise::Fullwidth => letters
            .iter()
            .map(|c| match *c as u32 {
                0x21..=0x7E => char::from_u32(*c as u32 + 0xFEE0).unwrap_or(*c),
                _ => *c,
            })
            .collect(),
        Disguise::MathBold => letters
            .iter()
            .map(|c| match c {
                'a'..='z' => char::from_u32(0x1D41A + (*c as u32 - 'a' as u32)).unwrap_or(*c),
                'A'..='Z' => char::from_u32(0x1D400 + (*c as u32 - 'A' as u32)).unwrap_or(*c),
                _ => *c,
            })
            .collect(),
        Disguise::AlternatingCase => letters
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

/// Words worth disguising: letters only, two or more.
fn disguisable(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(char::is_alphabetic)
}

/// The prompt with the words picked by `pick` disguised. A word beside one that is already a single letter is
/// not spaced out with spaces (the two would read as one word, to any reader).
fn disguise(prompt: &str, disguise: Disguise, pick: impl Fn(usize) -> bool) -> String {
    let words: Vec<&str> = prompt.split(' ').collect();
    let beside_letter = |i: usize| {
        [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .any(|j| words.get(j).is_some_and(|w| w.chars().count() == 1))
    };
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let spaced = matches!(disguise, Disguise::Spaced(' '));
            if pick(i) && disguisable(word) && !(spaced && beside_letter(i)) {
                disguise_word(word, disguise)
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn blocked(prompt: &str) -> bool {
    !check_prompt(prompt, Strictness::Strict).allowed
}

#[test]
fn every_disguise_of_every_harmful_prompt_is_still_blocked() {
    let mut misses = Vec::new();
    for prompt in harmful() {
        let words = prompt.split(' ').count();
        for d in DISGUISES {
            // Letters spaced out: one word at a time (two words spaced with spaces in a row read as one), and
            // with punctuation all words at once; every other disguise to all words at once (the mixed property
            // below disguises words one by one).
            let spaced = matches!(d, Disguise::Spaced(_));
            let one_by_one = (0..words)
                .filter(|_| spaced)
                .map(|w| disguise(prompt, d, |i| i == w));
            let all = (!matches!(d, Disguise::Spaced(' '))).then(|| disguise(prompt, d, |_| true));
            let variants = one_by_one.chain(all);
            misses.extend(
                variants
                    .filter(|v| !blocked(v))
                    .map(|v| format!("{d:?}: {v}")),
            );
        }
    }
    assert!(
        misses.is_empty(),
        "{} disguises got through:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn character_disguises_keep_ordinary_prompts_allowed() {
    let mut refused = Vec::new();
    for (prompt, _) in labelled()
        .into_iter()
        .filter(|(p, block)| !block && !blocked(p))
    {
        for d in [
            Disguise::Cyrillic,
            Disguise::Fullwidth,
            Disguise::ZeroWidth,
            Disguise::Strike,
        ] {
            let variant = disguise(&prompt, d, |_| true);
            if blocked(&variant) {
                refused.push(format!("{d:?}: {variant}"));
            }
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Disguises mixed at random, word by word (never two words in a row spaced with plain spaces).
    #[test]
    fn mixed_disguises_keep_harmful_prompts_blocked(
        pick in 0usize..10_000,
        choices in proptest::collection::vec(0usize..DISGUISES.len() + 1, 32),
    ) {
        let prompts = harmful();
        let prompt = &prompts[pick % prompts.len()];
        let words: Vec<&str> = prompt.split(' ').collect();
        let mut chosen: Vec<Option<Disguise>> = words
            .iter()
            .zip(choices.iter().cycle())
            .map(|(word, choice)| DISGUISES.get(*choice).copied().filter(|_| disguisable(word)))
            .collect();
        // A word spaced out with spaces must not touch a single letter or another such word.
        let spaced = |d: &Option<Disguise>| matches!(d, Some(Disguise::Spaced(' ')));
        for i in 0..words.len() {
            let touches = |j: usize| {
                words.get(j).is_some_and(|w| w.chars().count() == 1) || chosen.get(j).is_some_and(spaced)
            };
            if spaced(&chosen[i]) && ((i > 0 && touches(i - 1)) || touches(i + 1)) {
                chosen[i] = None;
            }
        }
        let variant: Vec<String> = words
            .iter()
            .zip(&chosen)
            .map(|(word, d)| match d {
                Some(d) => disguise_word(word, *d),
                None => word.to_string(),
            })
            .collect();
        let variant = variant.join(" ");
        prop_assert!(blocked(&variant), "{prompt:?} disguised as {variant:?} got through");
    }

    /// Any text (the fuzz target `prompt_filter` says the same at length): a verdict is stable, a refusal is
    /// named, and invisible characters or fullwidth forms change nothing.
    #[test]
    fn any_text_gets_a_stable_named_verdict_that_invisible_and_fullwidth_forms_do_not_change(
        text in "\\PC{0,80}",
    ) {
        let invisible: String = text.chars().flat_map(|c| [c, '\u{200b}']).collect();
        let wide = disguise_word(&text, Disguise::Fullwidth);
        for strictness in [Strictness::Strict, Strictness::Standard, Strictness::Relaxed] {
            let verdict = check_prompt(&text, strictness);
            prop_assert_eq!(verdict.allowed, verdict.category.is_none());
            prop_assert_eq!(verdict.allowed, verdict.reason.is_none());
            prop_assert_eq!(check_prompt(&invisible, strictness).allowed, verdict.allowed);
            prop_assert_eq!(check_prompt(&wide, strictness).allowed, verdict.allowed);
        }
    }
}
