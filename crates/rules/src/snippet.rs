//! Snippets and passage text for the hits returned, without re-tokenising whole bodies: a word is stemmed only
//! when it starts like one of the query's stems (an English stem is a prefix of its word, give or take a final
//! `e`/`i`/`y`), so a body is scanned once with byte comparisons and only a handful of words reach the stemmer.

use crate::analysis::stem_words;

/// The longest snippet, in bytes of clean text (about as many characters: bodies are mostly ASCII).
pub const SNIPPET_BYTES: usize = 220;
/// Context kept before the first matched word when the window does not start at a line.
const LEAD_BYTES: usize = 48;

/// The query stems a snippet highlights, each with the prefix that pre-selects words worth stemming.
pub struct Highlighter {
    stems: Vec<(String, String)>,
}

/// A matched word: its byte range in the body and which stem it matched.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Match {
    start: usize,
    end: usize,
    stem: usize,
}

impl Highlighter {
    pub fn new<'a>(stems: impl IntoIterator<Item = &'a str>) -> Highlighter {
        let mut unique: Vec<(String, String)> = Vec::new();
        for stem in stems {
            if stem.is_empty() || unique.iter().any(|(known, _)| known == stem) {
                continue;
            }
            let prefix = stem.trim_end_matches(['e', 'i', 'y']);
            let prefix = if prefix.is_empty() { stem } else { prefix };
            unique.push((stem.to_string(), prefix.to_string()));
        }
        Highlighter { stems: unique }
    }

    /// The best window of `body` (most distinct query words, then most matches), HTML-escaped with matches in
    /// `<b>`; the opening of the body when nothing matches.
    pub fn snippet(&self, body: &str) -> String {
        let matches = self.matches(body);
        let (start, end) = best_window(body, &matches);
        let mut html = String::with_capacity(end - start + 32);
        let mut at = start;
        for found in matches.iter().filter(|m| m.start >= start && m.end <= end) {
            escape_into(&mut html, &body[at..found.start]);
            html.push_str("<b>");
            escape_into(&mut html, &body[found.start..found.end]);
            html.push_str("</b>");
            at = found.end;
        }
        escape_into(&mut html, &body[at..end]);
        html
    }

    fn matches(&self, body: &str) -> Vec<Match> {
        let mut matches = Vec::new();
        // Words already stemmed in this body, and the stem they matched (if any).
        let mut seen: Vec<(&str, Option<usize>)> = Vec::new();
        for (start, word) in words(body) {
            let bytes = word.as_bytes();
            let candidate = self.stems.iter().any(|(_, prefix)| {
                bytes.len() >= prefix.len()
                    && bytes[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
            });
            if !candidate {
                continue;
            }
            let stem = match seen
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(word))
            {
                Some((_, stem)) => *stem,
                None => {
                    let stemmed = stem_words(word);
                    let stem = stemmed.first().and_then(|stemmed| {
                        self.stems.iter().position(|(stem, _)| stem == stemmed)
                    });
                    seen.push((word, stem));
                    stem
                }
            };
            if let Some(stem) = stem {
                matches.push(Match {
                    start,
                    end: start + word.len(),
                    stem,
                });
            }
        }
        matches
    }
}

/// Words as the index's tokenizer sees them: runs of alphanumeric characters, with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, ch)| ch.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(at, ch)) = rest.peek() {
            if !ch.is_alphanumeric() {
                end = at;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// The byte range of the snippet: the window of at most [`SNIPPET_BYTES`] with the most distinct matched stems
/// (then the most matches), started at its line or a little before its first match, cut at word boundaries.
fn best_window(body: &str, matches: &[Match]) -> (usize, usize) {
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, first match index)
    for first in 0..matches.len() {
        let limit = matches[first].start + SNIPPET_BYTES - LEAD_BYTES.min(matches[first].start);
        let inside: Vec<&Match> = matches[first..]
            .iter()
            .take_while(|m| m.end <= limit)
            .collect();
        let mut distinct: Vec<usize> = inside.iter().map(|m| m.stem).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let score = (distinct.len(), inside.len());
        if best.is_none_or(|(d, c, _)| score > (d, c)) {
            best = Some((score.0, score.1, first));
        }
    }
    let first_match = best.map_or(0, |(_, _, first)| matches[first].start);
    let line_start = body[..first_match].rfind('\n').map_or(0, |at| at + 1);
    let mut start = if first_match - line_start <= LEAD_BYTES {
        line_start
    } else {
        let lead = floor_boundary(body, first_match - LEAD_BYTES);
        // Begin at the next word so the snippet does not open mid-word.
        body[lead..first_match]
            .find(char::is_whitespace)
            .map_or(lead, |at| lead + at + 1)
    };
    start = floor_boundary(body, start);
    let mut end = floor_boundary(body, (start + SNIPPET_BYTES).min(body.len()));
    if end < body.len() {
        if let Some(space) = body[start..end].rfind(char::is_whitespace) {
            if space > 0 {
                end = start + space;
            }
        }
    }
    (start, end)
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The clean text of a passage, cut at a word boundary to at most `max_chars` characters.
pub fn passage_text(body: &str, max_chars: usize) -> String {
    match body.char_indices().nth(max_chars) {
        None => body.to_string(),
        Some((cut, _)) => {
            let head = &body[..cut];
            let at_word = head
                .rfind(char::is_whitespace)
                .filter(|&space| space >= cut * 4 / 5)
                .unwrap_or(cut);
            head[..at_word].trim_end().to_string()
        }
    }
}

fn escape_into(html: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            _ => html.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(query: &str) -> Highlighter {
        let stems = stem_words(query);
        Highlighter::new(stems.iter().map(String::as_str))
    }

    #[test]
    fn highlights_inflected_forms_of_the_query_words() {
        let body =
            "You are Frightened. While frightening others, abilities and ability checks suffer.";
        let html = highlighter("frighten ability").snippet(body);
        assert_eq!(
            html,
            "You are <b>Frightened</b>. While <b>frightening</b> others, <b>abilities</b> and <b>ability</b> checks suffer."
        );
    }

    #[test]
    fn does_not_highlight_words_that_only_share_a_prefix() {
        let html = highlighter("grab").snippet("The grabber grabs.");
        assert_eq!(html, "The grabber <b>grabs</b>.");
    }

    #[test]
    fn picks_the_window_with_the_most_query_words_and_escapes() {
        let filler = "Lorem ipsum dolor sit amet. ".repeat(20);
        let body = format!("{filler}\nA <shield> raised: Raise a Shield for AC.\n{filler}");
        let html = highlighter("raise shield").snippet(&body);
        assert!(
            html.starts_with("A &lt;<b>shield</b>&gt; <b>raised</b>: <b>Raise</b> a <b>Shield</b>")
        );
        assert!(html.len() < SNIPPET_BYTES + 60);
    }

    #[test]
    fn opens_the_body_when_nothing_matches_and_respects_char_boundaries() {
        let body = "é".repeat(300);
        let html = highlighter("dragon").snippet(&body);
        assert!(!html.is_empty() && html.chars().all(|ch| ch == 'é'));
        assert!(highlighter("dragon").snippet("").is_empty());
    }

    #[test]
    fn passage_text_is_capped_at_a_word() {
        assert_eq!(passage_text("short text", 100), "short text");
        assert_eq!(passage_text("alpha beta gamma delta", 13), "alpha beta");
        assert_eq!(passage_text("ééééé", 3), "ééé");
    }
}
