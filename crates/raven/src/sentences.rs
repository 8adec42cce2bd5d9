//! Streamed text to whole sentences for a polite live region: a screen reader should hear "Flanking gives a −2
//! circumstance penalty." once, not each token as it arrives.

/// A sentence with no boundary in sight is announced anyway once it is this long (at a word break).
const LONGEST_SENTENCE: usize = 300;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentenceBuffer {
    pending: String,
}

impl SentenceBuffer {
    /// Adds a chunk and returns every sentence it completed, cleaned for speech.
    pub fn push(&mut self, chunk: &str) -> Vec<String> {
        self.pending.push_str(chunk);
        let mut sentences = Vec::new();
        while let Some(end) = boundary(&self.pending) {
            let rest = self.pending.split_off(end);
            let sentence = std::mem::replace(&mut self.pending, rest);
            sentences.extend(speakable(&sentence));
        }
        sentences
    }

    /// The answer is complete: whatever is left is the last sentence.
    pub fn finish(&mut self) -> Option<String> {
        speakable(&std::mem::take(&mut self.pending))
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Byte index just past the first complete sentence, if the text already shows where it ends.
fn boundary(text: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (position, &(index, c)) in chars.iter().enumerate() {
        let after = index + c.len_utf8();
        match c {
            // A line break ends a list item or heading; a blank line never makes an empty sentence.
            '\n' if !text[..index].trim().is_empty() => return Some(after),
            // Full-width terminators need no space after them.
            '。' | '！' | '？' => return Some(after),
            '.' | '!' | '?' | '…' => {
                let mut next = position + 1;
                while matches!(
                    chars.get(next),
                    Some((_, '"' | '\'' | '”' | '’' | ')' | ']' | '*' | '_'))
                ) {
                    next += 1;
                }
                let end = chars.get(next).map_or(text.len(), |&(i, _)| i);
                let spaced = chars.get(next).is_some_and(|&(_, c)| c.is_whitespace());
                let mut start = next;
                while chars.get(start).is_some_and(|&(_, c)| c.is_whitespace()) {
                    start += 1;
                }
                // Wait for the next word: only then do we know whether the sentence really ended.
                let Some(&(_, following)) = chars.get(start) else {
                    continue;
                };
                if spaced
                    && !following.is_lowercase()
                    && !(c == '.' && abbreviation(&text[..index]))
                {
                    return Some(end);
                }
            }
            _ => {}
        }
    }
    if text.len() > LONGEST_SENTENCE {
        let cut = text[..LONGEST_SENTENCE]
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0);
        return Some(cut.unwrap_or_else(|| floor_char_boundary(text, LONGEST_SENTENCE)));
    }
    None
}

/// "e.g." or "i.e.": the word before the period is one letter, or has periods of its own.
fn abbreviation(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let word = word.trim_start_matches(['(', '"', '\'', '“', '‘']);
    (word.chars().count() == 1 && word.chars().all(char::is_alphabetic)) || word.contains('.')
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Markdown marks read aloud as "asterisk": keep the words, drop the marks, fold the whitespace.
fn speakable(sentence: &str) -> Option<String> {
    let line = sentence.trim();
    let line = line.trim_start_matches('#').trim_start();
    let line = ["- ", "* ", "+ ", "> "]
        .iter()
        .find_map(|bullet| line.strip_prefix(bullet))
        .unwrap_or(line);
    let words: Vec<&str> = line.split_whitespace().collect();
    let text: String = words
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '*' | '`'))
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(chunks: &[&str]) -> Vec<String> {
        let mut buffer = SentenceBuffer::default();
        let mut sentences: Vec<String> =
            chunks.iter().flat_map(|chunk| buffer.push(chunk)).collect();
        sentences.extend(buffer.finish());
        sentences
    }

    #[test]
    fn tokens_become_whole_sentences() {
        let mut buffer = SentenceBuffer::default();
        assert!(buffer.push("Flank").is_empty());
        assert!(buffer.push("ing gives").is_empty());
        assert!(
            buffer.push(" a penalty.").is_empty(),
            "waits for the next word"
        );
        assert_eq!(buffer.push(" It"), vec!["Flanking gives a penalty."]);
        assert!(buffer.push(" applies").is_empty());
        assert_eq!(buffer.finish().as_deref(), Some("It applies"));
        assert!(buffer.is_empty());
        assert_eq!(buffer.finish(), None);
    }

    #[test]
    fn any_split_gives_the_same_sentences() {
        let text = "Roll a d20. Add your modifier! Did it beat the DC? Then you succeed… Maybe.";
        let whole = feed(&[text]);
        assert_eq!(
            whole,
            [
                "Roll a d20.",
                "Add your modifier!",
                "Did it beat the DC?",
                "Then you succeed…",
                "Maybe."
            ]
        );
        for split in 0..=text.chars().count() {
            let at = text
                .char_indices()
                .nth(split)
                .map_or(text.len(), |(i, _)| i);
            assert_eq!(feed(&[&text[..at], &text[at..]]), whole, "split at {split}");
        }
        let per_char: Vec<String> = text.chars().map(String::from).collect();
        let per_char: Vec<&str> = per_char.iter().map(String::as_str).collect();
        assert_eq!(feed(&per_char), whole);
    }

    #[test]
    fn numbers_abbreviations_and_lowercase_do_not_split() {
        assert_eq!(
            feed(&["It costs 3.5 gp, e.g. a torch. A level 2 foe vs. a level 4 one."]),
            [
                "It costs 3.5 gp, e.g. a torch.",
                "A level 2 foe vs. a level 4 one."
            ]
        );
    }

    #[test]
    fn quotes_and_brackets_stay_with_their_sentence() {
        assert_eq!(
            feed(&["He said \"Stride.\" Then (he moved.) Done"]),
            ["He said \"Stride.\"", "Then (he moved.)", "Done"]
        );
    }

    #[test]
    fn markdown_lines_are_spoken_without_marks() {
        assert_eq!(
            feed(&["## Flanking\n\n- **Off-guard**: `-2` AC\n* second item\nLast"]),
            ["Flanking", "Off-guard: -2 AC", "second item", "Last"]
        );
    }

    #[test]
    fn run_on_text_is_announced_in_pieces_at_word_breaks() {
        let long = "word ".repeat(200);
        let sentences = feed(&[&long]);
        assert!(sentences.len() >= 3, "{}", sentences.len());
        assert!(sentences
            .iter()
            .all(|s| s.len() <= LONGEST_SENTENCE && s.split(' ').all(|w| w == "word")));
        let unbroken = "é".repeat(400);
        let pieces = feed(&[&unbroken]);
        assert_eq!(pieces.concat(), unbroken);
    }

    #[test]
    fn full_width_terminators_split_without_spaces() {
        assert_eq!(feed(&["はい。いいえ？"]), ["はい。", "いいえ？"]);
    }

    #[test]
    fn whitespace_only_is_never_announced() {
        assert!(feed(&["  \n\n  ", "\n"]).is_empty());
        let mut buffer = SentenceBuffer::default();
        buffer.push("half a sent");
        buffer.clear();
        assert_eq!(buffer.finish(), None);
    }
}
