//! The prompt filter's normaliser: every rule reads the prompt through it, so a disguise is undone once, by
//! technique, and never word by word.
//!
//! 1. Characters: invisible ones (zero-width, soft hyphen, combining marks such as strike-through) dropped;
//!    compatibility forms (fullwidth, mathematical, circled and squared letters) and look-alikes from other scripts
//!    (Cyrillic, Greek, Armenian, small capitals, letterlike symbols) read as the Latin letter they imitate; case
//!    and accents folded. Tables are arithmetic or one short string per script (a general confusables crate would
//!    add 25 KB or more to the wasm; see BENCHMARKS.md).
//! 2. Words: leetspeak undone inside words (`s3x`, `n4zi`, `pr0n`; a number that could be leetspeak, `45` or
//!    `3nd`, is read both ways), `*` inside a word a wildcard for one letter (`f*ck`), `v` allowed for `u` (`nvde`),
//!    runs of three or more of one letter squeezed with doubles then read loosely (`nuuude`, `bbooossss`).
//! 3. Spacing: single letters in a row are one word (`n u d e`, `n.u.d.e`, `n|u|d|e`; a punctuated run ends at a
//!    space, so `n.u.d.e e.l.f` is two words, and `a n u d e` is read with and without the article); parts joined by
//!    punctuation without spaces are also read joined (`se-xy`, `deep-fake`); stray fragments that are no words
//!    are also read with their neighbour (`nu de`, `p orn`).
//!
//! Each position keeps its alternatives: the word as written and the joined readings; a rule's term matches a
//! position when any alternative does.

/// One position of the prompt: its readings, and whether it was written in title case (a name's mark).
#[derive(Debug, Clone, PartialEq)]
struct Slot {
    forms: Vec<String>,
    capital: bool,
    /// Written with a letter three or more times in a row: doubles are read loosely ("bbooossss" → "boss").
    stretched: bool,
}

pub(crate) struct Words {
    slots: Vec<Slot>,
}

/// A token as cut from the text, with what separated it from the previous one.
struct Token {
    text: String,
    /// A second reading of a number that may be leetspeak.
    also: Option<String>,
    capital: bool,
    /// Joined to the previous token by punctuation only (no space).
    tight: bool,
    stretched: bool,
}

/// Short words that are words: never read as a fragment of a longer one.
const SHORT_WORDS: &str =
    " a an as at be by do go he hi i if in is it me my no of oh ok on or so to up us we ye and the for ";

/// Small numbers written out, by value.
const NUMBERS: [&str; 18] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
];

impl Words {
    pub fn new(text: &str) -> Self {
        let folded: String = text.chars().filter_map(fold_char).collect();
        let tokens = tokens(&folded);
        Words {
            slots: slots(tokens),
        }
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    /// The first term of `list` (terms separated by `|`) found, as written in the list.
    pub fn find_any(&self, list: &'static str) -> Option<String> {
        self.find_all(list)
            .into_iter()
            .next()
            .map(|(_, term)| clean(term))
    }

    /// Every place a term of `list` starts, with the term.
    fn find_all(&self, list: &'static str) -> Vec<(usize, &'static str)> {
        let mut found = Vec::new();
        for term in list.split('|').filter(|t| !t.is_empty()) {
            let span = term.split(' ').count();
            for start in 0..(self.len() + 1).saturating_sub(span) {
                let fits = term
                    .split(' ')
                    .enumerate()
                    .all(|(k, part)| self.slots[start + k].matches(part));
                if fits {
                    found.push((start, term));
                }
            }
        }
        found
    }

    /// A term of `a` and a term of `b` within `window` positions of each other (either order).
    pub fn near(&self, a: &'static str, b: &'static str, window: usize) -> Option<Vec<String>> {
        let first = self.find_all(a);
        let second = self.find_all(b);
        first.iter().find_map(|(i, x)| {
            second
                .iter()
                .find(|(j, _)| i != j && i.abs_diff(*j) <= window)
                .map(|(_, y)| vec![clean(x), clean(y)])
        })
    }

    /// `who`, then `link`, then `what`, in that order within a few words: "jews as rats", "gays are a disease".
    pub fn metaphor(
        &self,
        who: &'static str,
        link: &'static str,
        what: &'static str,
    ) -> Option<Vec<String>> {
        let links = self.find_all(link);
        let whats = self.find_all(what);
        self.find_all(who).into_iter().find_map(|(i, group)| {
            let (k, term) = whats.iter().find(|(k, _)| *k > i && k - i <= 6)?;
            links
                .iter()
                .any(|(j, _)| i < *j && j < k)
                .then(|| vec![clean(group), clean(term)])
        })
    }

    /// A term of `list` unless the word right after it (`after`) or right before it is in `fine`: "naked" but not
    /// "naked blade", "fetish" but not "bone fetish".
    pub fn unless_beside(
        &self,
        list: &'static str,
        fine: &'static str,
        after: bool,
    ) -> Option<String> {
        self.find_all(list).into_iter().find_map(|(i, term)| {
            let span = term.split(' ').count();
            let neighbour = if after {
                self.slots.get(i + span)
            } else {
                i.checked_sub(1).and_then(|j| self.slots.get(j))
            };
            let excused =
                neighbour.is_some_and(|slot| fine.split('|').any(|word| slot.matches(word)));
            (!excused).then(|| clean(term))
        })
    }

    /// "12 year old", "12yo", "ten-year-old", "13 y/o", "aged 9", "looks nine": an age under 18.
    pub fn age_under_18(&self) -> Option<String> {
        const UNITS: &str = "year|years|yo|yr|yrs|y";
        const BEFORE: &str = "aged|age|looks|looking|look";
        (0..self.len()).find_map(|i| {
            let word = self.slots[i].forms[0].as_str();
            let (age, unit) = number_and_unit(word)?;
            let next = self
                .slots
                .get(i + 1)
                .map(|s| s.forms[0].as_str())
                .unwrap_or("");
            let prev = i
                .checked_sub(1)
                .map(|j| self.slots[j].forms[0].as_str())
                .unwrap_or("");
            let is_unit = |w: &str| UNITS.split('|').any(|u| u == w);
            let aged = if unit.is_empty() {
                is_unit(next) || BEFORE.split('|').any(|b| b == prev)
            } else {
                is_unit(unit)
            };
            (aged && age < 18)
                .then(|| format!("{age} {}", if unit.is_empty() { next } else { unit }))
        })
    }

    /// Two or more words in a row written with a capital and not a title ("Mount", "Lord"): a name that may be a
    /// real person's.
    pub fn capitalised_name(&self, titles: &'static str) -> Option<String> {
        let is_name = |slot: &Slot| slot.capital && !titles.split('|').any(|t| slot.matches(t));
        self.slots.windows(2).find_map(|pair| {
            (is_name(&pair[0]) && is_name(&pair[1]))
                .then(|| format!("{} {}", pair[0].forms[0], pair[1].forms[0]))
        })
    }
}

impl Slot {
    /// A term's word: exact, or a prefix when it ends in `*`, or any word for `_`; a `*` in the prompt's word is
    /// any one letter.
    fn matches(&self, part: &str) -> bool {
        if part == "_" {
            return true;
        }
        let (part, prefix) = match part.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (part, false),
        };
        self.forms.iter().any(|word| {
            fits(word, part, prefix)
                || (self.stretched && fits(&single(word), &single(part), prefix))
        })
    }
}

/// `word` reads as `part` (or starts with it, for a prefix): `*` in the word is any letter, `v` may stand for
/// `u` ("nvde").
fn fits(word: &str, part: &str, prefix: bool) -> bool {
    let mut letters = word.chars();
    for expected in part.chars() {
        match letters.next() {
            Some(c) if c == expected || c == '*' || (c == 'v' && expected == 'u') => {}
            _ => return false,
        }
    }
    prefix || letters.next().is_none()
}

/// Doubled letters as one.
fn single(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn clean(term: &str) -> String {
    term.replace('*', "").replace(" _", "").trim().to_string()
}

/// `12`, `12yo`, `ten` → the number and any unit written with it.
fn number_and_unit(word: &str) -> Option<(u32, &str)> {
    if let Some(age) = NUMBERS.iter().position(|n| *n == word) {
        return Some((age as u32, ""));
    }
    let split = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    let (number, unit) = word.split_at(split);
    Some((number.parse().ok()?, unit))
}

/// One character as the rules read it; `None` drops it.
fn fold_char(c: char) -> Option<char> {
    let code = c as u32;
    // Invisible: soft hyphen, zero-width and direction marks, word joiners, BOM, combining marks.
    if matches!(code, 0xAD | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0x034F)
        || matches!(code, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
    {
        return None;
    }
    let ascii = |offset: u32| char::from_u32(offset);
    let folded = match code {
        // Fullwidth ASCII.
        0xFF01..=0xFF5E => ascii(code - 0xFEE0),
        // Mathematical alphanumerics: thirteen alphabets of 52 letters, then digits in blocks of ten.
        0x1D400..=0x1D6A3 => {
            let i = (code - 0x1D400) % 52;
            ascii(if i < 26 {
                'a' as u32 + i
            } else {
                'a' as u32 + i - 26
            })
        }
        0x1D7CE..=0x1D7FF => ascii('0' as u32 + (code - 0x1D7CE) % 10),
        _ => LETTER_BLOCKS
            .iter()
            .find(|start| (**start..*start + 26).contains(&code))
            .and_then(|start| ascii('a' as u32 + code - start)),
    };
    let c = folded.unwrap_or(c);
    let lower = c.to_lowercase().next().unwrap_or(c);
    let latin = look_alike(lower).unwrap_or(lower);
    // Case is kept (lower-cased later, per word): a capital marks a name.
    Some(if c.is_uppercase() {
        latin.to_ascii_uppercase()
    } else {
        latin
    })
}

/// Alphabets of 26 letters in a row: circled, parenthesised, squared and regional-indicator letters.
const LETTER_BLOCKS: [u32; 7] = [0x24B6, 0x24D0, 0x249C, 0x1F130, 0x1F150, 0x1F170, 0x1F1E6];

/// Latin-1 and Latin Extended-A from U+00C0, each as its base letter (`_`: none).
const LATIN: &str = "aaaaaaaceeeeiiiidnooooo_ouuuuypsaaaaaaaceeeeiiiidnooooo_ouuuuypyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
/// Cyrillic small letters from U+0430 and Greek from U+03B1, as the Latin letter each passes for.
const CYRILLIC: &str = "abbrdexeuuknmhonpctyfxuywwbbbeureehresiijbhhkuyu";
const GREEK: &str = "abydeznoikauveonpsotuoxww";
/// Other look-alikes, in pairs: Armenian, small capitals and IPA, letterlike symbols.
const PAIRS: &str = "ոnսuօoհhզqցgաwᴀaʙbᴄcᴅdᴇeꜰfɢgʜhɪiᴊjᴋkʟlᴍmɴnᴏoᴘpǫqʀrꜱsᴛtᴜuᴠvᴡwʏyᴢzɑaɡgɩiʋvℂcℍhℕnℙpℚqℝrℤzℬbℰeℱfℋhℐiℒlℳmℛrℯeℊgℴoℭcℌhℑiℜrℨzℎh";

fn look_alike(c: char) -> Option<char> {
    let code = c as u32;
    let from = |table: &str, start: u32| {
        table
            .as_bytes()
            .get(code.checked_sub(start)? as usize)
            .map(|b| *b as char)
            .filter(|b| *b != '_')
    };
    match code {
        0xC0..=0x17F => from(LATIN, 0xC0),
        0x430..=0x45F => from(CYRILLIC, 0x430),
        0x3B1..=0x3C9 => from(GREEK, 0x3B1),
        _ => {
            let mut chars = PAIRS.chars();
            while let (Some(from), Some(to)) = (chars.next(), chars.next()) {
                if from == c {
                    return Some(to);
                }
            }
            None
        }
    }
}

/// Leetspeak inside a word with letters.
fn unleet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        other => other,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '$' | '*')
}

/// Cuts the folded text into tokens, noting which are joined to the previous one by punctuation alone.
fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut current = String::new();
    let mut gap = String::new();
    let mut raw = String::new();
    let push = |current: &mut String, gap: &str, raw: &str, out: &mut Vec<Token>| {
        let word = current.trim_matches('*');
        if !word.is_empty() {
            let tight = !out.is_empty() && !gap.is_empty() && !gap.chars().any(char::is_whitespace);
            // Title case ("Taylor"), not a capital letter alone or a word in capitals.
            let mut letters = raw.chars().filter(|c| c.is_alphabetic());
            let capital =
                letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase);
            let chars: Vec<char> = word.chars().collect();
            let stretched = chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
            let (text, also) = normalise_word(word);
            out.push(Token {
                text,
                also,
                capital,
                tight,
                stretched,
            });
        }
        current.clear();
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_word_char(c) {
            raw.push(c);
            current.extend(c.to_lowercase());
            if chars.peek().is_none_or(|n| !is_word_char(*n)) {
                push(&mut current, &gap, &raw, &mut out);
                gap.clear();
                raw.clear();
            }
        } else {
            gap.push(c);
        }
    }
    out
}

/// A word as the rules read it, and a second reading when it could also be leetspeak: "45" is a number or "as",
/// "3nd" an ordinal or "end". Numbers and ages ("12yo", "13 y/o") keep their digits in the first reading.
fn normalise_word(word: &str) -> (String, Option<String>) {
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    let unit: String = word[digits..].chars().map(unleet).collect();
    let unleeted = squeeze_runs(&word.chars().map(unleet).collect::<String>());
    let number = digits > 0
        && matches!(
            unit.as_str(),
            "" | "y" | "yo" | "yr" | "yrs" | "year" | "years" | "th" | "st" | "nd" | "rd" | "s"
        );
    if !number {
        return (unleeted, None);
    }
    let also = (word.chars().count() <= 3 && unleeted.chars().all(char::is_alphabetic))
        .then_some(unleeted);
    (format!("{}{unit}", &word[..digits]), also)
}

/// Three or more of the same letter become one ("nuuude" → "nude"); doubles stay ("kill", "took").
fn squeeze_runs(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == chars[i] {
            run += 1;
        }
        // A word that is one letter repeated ("kkk") is kept as it is.
        let whole_word = run == chars.len();
        let keep = if run >= 3 && chars[i].is_alphabetic() && !whole_word {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(chars[i], keep));
        i += run;
    }
    out
}

fn is_letter(token: &Token) -> bool {
    token.text.chars().count() == 1 && token.text.chars().all(char::is_alphabetic)
}

fn is_fragment(token: &Token) -> bool {
    token.text.chars().count() <= 3
        && token.text.chars().all(char::is_alphabetic)
        && !SHORT_WORDS.contains(&format!(" {} ", token.text))
}

/// How many single letters from the first token are one spelled-out word: all joined by punctuation
/// ("n.u.d.e", ends where a space comes), or all by spaces ("n u d e", ends before a letter that starts a
/// punctuated run). Fewer than two is no word.
fn letter_run(tokens: &[Token]) -> usize {
    if tokens.len() < 2 || !is_letter(&tokens[0]) {
        return 0;
    }
    let tight = tokens[1].tight;
    let mut run = 1;
    while run < tokens.len() && is_letter(&tokens[run]) && tokens[run].tight == tight {
        let starts_punctuated = tokens
            .get(run + 1)
            .is_some_and(|next| next.tight && is_letter(next));
        if !tight && starts_punctuated {
            break;
        }
        run += 1;
    }
    if run >= 2 {
        run
    } else {
        0
    }
}

/// Tokens → positions: runs of single letters joined into one word, and joined readings added.
fn slots(tokens: Vec<Token>) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::with_capacity(tokens.len());
    // Index of the token each slot starts at, to add joined readings afterwards.
    let mut starts = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let run = letter_run(&tokens[i..]);
        let stretched = tokens[i..i + run.max(1)].iter().any(|t| t.stretched);
        if run >= 2 {
            let letters: String = tokens[i..i + run].iter().map(|t| t.text.as_str()).collect();
            let word = squeeze_runs(&letters);
            let spaced = !tokens[i + 1].tight;
            // "a n u d e": the article may be a word of its own; the rest is read with and without it.
            if run >= 4 && spaced && (letters.starts_with('a') || letters.starts_with('i')) {
                slots.push(Slot {
                    forms: vec![letters[..1].to_string()],
                    capital: tokens[i].capital,
                    stretched: false,
                });
                slots.push(Slot {
                    forms: vec![squeeze_runs(&letters[1..]), word],
                    capital: false,
                    stretched,
                });
                starts.extend([i, i + 1]);
            } else {
                slots.push(Slot {
                    forms: vec![word],
                    capital: tokens[i].capital,
                    stretched,
                });
                starts.push(i);
            }
            i += run;
            continue;
        }
        slots.push(Slot {
            forms: [Some(tokens[i].text.clone()), tokens[i].also.clone()]
                .into_iter()
                .flatten()
                .collect(),
            capital: tokens[i].capital,
            stretched,
        });
        starts.push(i);
        i += 1;
    }
    // Joined readings: parts tied by punctuation ("se-xy", "deep-fake", "9/11"), and stray fragments with the
    // next word ("nu de", "p orn").
    for s in 0..slots.len() {
        let t = starts[s];
        let one_token = slots[s].forms[0] == tokens[t].text;
        if !one_token {
            continue;
        }
        let mut joined = tokens[t].text.clone();
        let mut k = t + 1;
        while k < tokens.len() && tokens[k].tight {
            joined.push_str(&tokens[k].text);
            slots[s].forms.push(squeeze_runs(&joined));
            k += 1;
        }
        let free = |k: usize| !tokens[k].tight && tokens.get(k + 1).is_none_or(|n| !n.tight);
        if let Some(next) = tokens.get(t + 1) {
            let short = tokens[t]
                .text
                .chars()
                .count()
                .min(next.text.chars().count())
                <= 2;
            if free(t) && free(t + 1) && short && is_fragment(&tokens[t]) && is_fragment(next) {
                let joined = squeeze_runs(&format!("{}{}", tokens[t].text, next.text));
                slots[s].forms.push(joined);
            }
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<Vec<String>> {
        Words::new(text)
            .slots
            .into_iter()
            .map(|s| s.forms)
            .collect()
    }

    fn first_forms(text: &str) -> Vec<String> {
        Words::new(text)
            .slots
            .into_iter()
            .map(|s| s.forms[0].clone())
            .collect()
    }

    #[test]
    fn words_are_normalised() {
        assert_eq!(
            first_forms("A N.U.D.E Élf, p0rn!"),
            ["a", "nude", "elf", "porn"]
        );
        assert_eq!(
            first_forms("a 12yo and a 12-year-old"),
            ["a", "12yo", "and", "a", "12", "year", "old"]
        );
        assert_eq!(
            first_forms("a nuuude elf kill"),
            ["a", "nude", "elf", "kill"]
        );
    }

    #[test]
    fn look_alikes_and_invisible_characters_are_read_as_latin() {
        assert_eq!(first_forms("n\u{0430}k\u{0435}d"), ["naked"]);
        assert_eq!(first_forms("\u{ff4e}\u{ff55}\u{ff44}\u{ff45}"), ["nude"]);
        assert_eq!(first_forms("n\u{200b}u\u{200b}d\u{200b}e"), ["nude"]);
        assert_eq!(
            first_forms("\u{1d427}\u{1d42e}\u{1d41d}\u{1d41e}"),
            ["nude"]
        );
        assert_eq!(first_forms("n\u{336}u\u{336}d\u{336}e\u{336}"), ["nude"]);
        assert_eq!(first_forms("ⓝⓤⓓⓔ ᴘᴏʀɴ"), ["nude", "porn"]);
    }

    #[test]
    fn joined_readings_are_kept_beside_the_parts() {
        assert_eq!(forms("se-xy")[0], ["se", "sexy"]);
        assert_eq!(forms("deep-fake")[0], ["deep", "deepfake"]);
        assert_eq!(forms("nu de elf")[0], ["nu", "nude"]);
        assert_eq!(forms("bare-chested")[0], ["bare", "barechested"]);
        // A possessive's "s" is no fragment to join across a space.
        assert_eq!(forms("jake's ex")[1], ["s"]);
    }

    #[test]
    fn wildcards_match_one_letter() {
        let words = Words::new("a f*cking s*x scene");
        assert_eq!(words.find_any("fuck*|sex"), Some("fuck".into()));
    }

    #[test]
    fn ages_under_18_are_found() {
        assert!(Words::new("a 12yo elf").age_under_18().is_some());
        assert!(Words::new("a 15 year old").age_under_18().is_some());
        assert!(Words::new("a ten-year-old").age_under_18().is_some());
        assert!(Words::new("a girl who looks nine").age_under_18().is_some());
        assert!(Words::new("13 y/o").age_under_18().is_some());
        assert!(Words::new("a 300 year old elf").age_under_18().is_none());
        assert!(Words::new("level 5 fighter").age_under_18().is_none());
        assert!(Words::new("one goblin and ten orcs")
            .age_under_18()
            .is_none());
    }
}
