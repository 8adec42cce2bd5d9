//! Normalised words for the prompt filter: lower case, accents folded, simple leetspeak undone, spelled-out
//! letters ("n u d e", "n.u.d.e") joined, long letter runs ("nuuude") squeezed.

pub(crate) struct Words {
    words: Vec<String>,
}

impl Words {
    pub fn new(text: &str) -> Self {
        let raw: Vec<String> = text
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '@' | '$')))
            .filter(|w| !w.is_empty())
            .map(normalise_word)
            .collect();
        Words {
            words: join_spelled_letters(raw),
        }
    }

    /// The first term of `list` found, as written in the list.
    pub fn find_any(&self, list: &[&str]) -> Option<String> {
        list.iter()
            .find(|term| self.contains(term))
            .map(|term| term.trim_end_matches('*').to_string())
    }

    fn contains(&self, term: &str) -> bool {
        let parts: Vec<&str> = term.split_whitespace().collect();
        if parts.is_empty() || parts.len() > self.words.len() {
            return false;
        }
        self.words.windows(parts.len()).any(|window| {
            window
                .iter()
                .zip(&parts)
                .all(|(word, part)| matches(word, part))
        })
    }

    /// "naked" unless the next word makes it "bare" (a naked blade, naked fear).
    pub fn naked_meaning_nude(&self, naked: &str, fine_before: &[&str]) -> Option<String> {
        self.words.iter().enumerate().find_map(|(i, word)| {
            let next = self.words.get(i + 1).map(String::as_str).unwrap_or("");
            (word == naked && !fine_before.contains(&next)).then(|| naked.to_string())
        })
    }

    /// "12 year old", "12 yo", "12-year-old", "12yo": an age under 18.
    pub fn age_under_18(&self) -> Option<String> {
        self.words.iter().enumerate().find_map(|(i, word)| {
            let (number, unit) = match word.find(|c: char| !c.is_ascii_digit()) {
                Some(0) | None => (
                    word.as_str(),
                    self.words.get(i + 1).map(String::as_str).unwrap_or(""),
                ),
                Some(split) => word.split_at(split),
            };
            let age: u32 = number.parse().ok()?;
            let is_age_unit = matches!(unit, "year" | "years" | "yo" | "yr" | "yrs" | "y");
            (is_age_unit && age < 18).then(|| format!("{age} {unit}"))
        })
    }
}

fn matches(word: &str, part: &str) -> bool {
    match part.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == part,
    }
}

fn normalise_word(word: &str) -> String {
    let lower: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .collect();
    // Ages like "12yo" keep their digits; other words with both letters and digits are read as leetspeak.
    let has_letter = lower
        .chars()
        .any(|c| c.is_alphabetic() || matches!(c, '@' | '$'));
    let is_age = lower.chars().next().is_some_and(|c| c.is_ascii_digit())
        && lower.trim_start_matches(|c: char| c.is_ascii_digit()).len() <= 3;
    let unleeted: String = if has_letter && !is_age {
        lower.chars().map(unleet).collect()
    } else {
        lower
    };
    squeeze_runs(&unleeted)
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

fn unleet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        other => other,
    }
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

/// Runs of three or more single letters are one spelled-out word.
fn join_spelled_letters(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut letters = String::new();
    let flush = |letters: &mut String, out: &mut Vec<String>| {
        if letters.chars().count() >= 3 {
            // "a n u d e": the article stays a word of its own.
            if letters.chars().count() >= 4
                && (letters.starts_with('a') || letters.starts_with('i'))
            {
                out.push(letters.remove(0).to_string());
            }
            out.push(std::mem::take(letters));
        } else {
            out.extend(letters.chars().map(String::from));
            letters.clear();
        }
    };
    for word in words {
        if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
            letters.push_str(&word);
        } else {
            flush(&mut letters, &mut out);
            out.push(word);
        }
    }
    flush(&mut letters, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised() {
        assert_eq!(
            Words::new("A N.U.D.E Élf, p0rn!").words,
            ["a", "nude", "elf", "porn"]
        );
        assert_eq!(
            Words::new("a 12yo and a 12-year-old").words,
            ["a", "12yo", "and", "a", "12", "year", "old"]
        );
        assert_eq!(
            Words::new("a nuuude elf kill").words,
            ["a", "nude", "elf", "kill"]
        );
    }

    #[test]
    fn ages_under_18_are_found() {
        assert!(Words::new("a 12yo elf").age_under_18().is_some());
        assert!(Words::new("a 15 year old").age_under_18().is_some());
        assert!(Words::new("a 300 year old elf").age_under_18().is_none());
        assert!(Words::new("level 5 fighter").age_under_18().is_none());
    }
}
