//! The Ask view's saved history: each finished exchange (question, answer, citations, who answered, when) as a record
//! the adapter keeps in the user's own browser, one list per world and user. Records read back are checked (a
//! malformed one is skipped, an over-long one cut), the list is bounded in count and in bytes with the oldest dropped
//! first, and [`Transcript::to_markdown`] renders it for export. No I/O: the caller loads and stores the records.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::render::{content_link, is_link_target};

/// The record format; records of another version (a newer Familiar's, read after a downgrade) are skipped.
pub const RECORD_VERSION: u32 = 1;

/// A citation as history keeps it: the link target and the name shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCitation {
    /// `uuid` or `uuid#anchor`.
    pub uuid: String,
    pub name: String,
}

/// One finished question and its answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// [`RECORD_VERSION`]; a record without one is taken as this version (the view's new exchanges have none).
    #[serde(default = "current_version")]
    pub v: u32,
    pub question: String,
    /// Markdown with `@UUID[...]{...}` content links; may be empty for an offline answer, which is its citations.
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub citations: Vec<SavedCitation>,
    /// The provider that answered; `None` for an offline answer.
    #[serde(default)]
    pub provider: Option<String>,
    /// Why the answer is offline, as the user was told; `None` when a provider answered.
    #[serde(default)]
    pub offline: Option<String>,
    /// When the answer finished, in milliseconds since the Unix epoch.
    pub at: u64,
}

fn current_version() -> u32 {
    RECORD_VERSION
}

/// Why a record is not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("record version {0} is not {RECORD_VERSION}")]
    Version(u32),
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("a record names either the provider that answered or why the answer is offline, not both or neither")]
    Source,
    #[error("the record takes {bytes} bytes, more than the whole history may ({max})")]
    TooLarge { bytes: usize, max: usize },
}

/// How much history is kept: the newest exchanges within both a count and a byte cap, and each one's text cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TranscriptBounds {
    pub max_exchanges: usize,
    /// [`Exchange::stored_bytes`] of all exchanges together.
    pub max_bytes: usize,
    pub max_question_chars: usize,
    pub max_answer_chars: usize,
    pub max_citations: usize,
    /// A citation's name, a provider's name, an offline reason.
    pub max_label_chars: usize,
}

impl Default for TranscriptBounds {
    fn default() -> Self {
        TranscriptBounds {
            max_exchanges: 500,
            max_bytes: 2 * 1024 * 1024,
            max_question_chars: 2_000,
            max_answer_chars: 32_000,
            max_citations: 32,
            max_label_chars: 300,
        }
    }
}

/// Per-record and per-citation allowance for keys and punctuation in [`Exchange::stored_bytes`].
const RECORD_OVERHEAD: usize = 96;
const CITATION_OVERHEAD: usize = 24;

impl Exchange {
    /// Bytes the record takes stored, roughly: its text as UTF-8 plus an allowance for keys and numbers.
    pub fn stored_bytes(&self) -> usize {
        let labels = self.provider.as_ref().map_or(0, String::len)
            + self.offline.as_ref().map_or(0, String::len);
        let citations: usize = self
            .citations
            .iter()
            .map(|citation| citation.uuid.len() + citation.name.len() + CITATION_OVERHEAD)
            .sum();
        RECORD_OVERHEAD + self.question.len() + self.answer.len() + labels + citations
    }

    /// The answer as a conversation's prompt history keeps it: content links as `(Name)`, as
    /// [`crate::citations::with_names`] writes a fresh answer's.
    pub fn answer_with_names(&self) -> String {
        crate::citations::with_names(&self.answer)
    }

    /// The record as history keeps it, or why it is not kept: over-long text is cut and citations that are not
    /// document links are dropped, but a record without a question or a source is refused.
    fn checked(mut self, bounds: &TranscriptBounds) -> Result<Exchange, RecordError> {
        if self.v != RECORD_VERSION {
            return Err(RecordError::Version(self.v));
        }
        self.question = cut(self.question.trim(), bounds.max_question_chars);
        if self.question.is_empty() {
            return Err(RecordError::EmptyQuestion);
        }
        match (&self.provider, &self.offline) {
            (Some(provider), None) if !provider.trim().is_empty() => {}
            (None, Some(_)) => {}
            _ => return Err(RecordError::Source),
        }
        let label = |text: &str| cut(text.trim(), bounds.max_label_chars);
        self.provider = self.provider.as_deref().map(label);
        self.offline = self.offline.as_deref().map(label);
        // Most answers are far below the cap in bytes already, which bounds their characters without counting.
        if self.answer.len() > bounds.max_answer_chars {
            self.answer = cut(&self.answer, bounds.max_answer_chars);
        }
        self.citations
            .retain(|citation| is_link_target(&citation.uuid));
        self.citations.truncate(bounds.max_citations);
        for citation in &mut self.citations {
            citation.name = label(&citation.name);
        }
        let bytes = self.stored_bytes();
        if bytes > bounds.max_bytes {
            return Err(RecordError::TooLarge {
                bytes,
                max: bounds.max_bytes,
            });
        }
        Ok(self)
    }
}

/// The first `max` characters of `text`, without the spaces the cut may leave at its end (so a record read back
/// is cut to itself: the fuzzer found "… while " read as "… while" the second time).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].trim_end().to_string(),
        None => text.to_string(),
    }
}

/// The localised words of the exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLabels {
    pub title: String,
    /// With a `{provider}` placeholder.
    pub answered_by: String,
    pub offline: String,
    pub sources: String,
}

/// One user's history, oldest first, within its bounds.
#[derive(Debug, Clone)]
pub struct Transcript {
    bounds: TranscriptBounds,
    exchanges: VecDeque<Exchange>,
    bytes: usize,
}

impl Transcript {
    pub fn new(bounds: TranscriptBounds) -> Transcript {
        Transcript {
            bounds,
            exchanges: VecDeque::new(),
            bytes: 0,
        }
    }

    /// The history from stored records, oldest first; records that could not be read (`Err`) or are not kept are
    /// skipped, and their number comes back beside it.
    pub fn restore<E>(
        bounds: TranscriptBounds,
        records: impl IntoIterator<Item = Result<Exchange, E>>,
    ) -> (Transcript, usize) {
        let mut transcript = Transcript::new(bounds);
        let mut skipped = 0;
        for record in records {
            if !matches!(record.map(|exchange| transcript.push(exchange)), Ok(Ok(()))) {
                skipped += 1;
            }
        }
        (transcript, skipped)
    }

    /// Adds the newest exchange and drops the oldest ones beyond the bounds.
    pub fn push(&mut self, exchange: Exchange) -> Result<(), RecordError> {
        let exchange = exchange.checked(&self.bounds)?;
        self.bytes += exchange.stored_bytes();
        self.exchanges.push_back(exchange);
        while self.exchanges.len() > self.bounds.max_exchanges || self.bytes > self.bounds.max_bytes
        {
            match self.exchanges.pop_front() {
                Some(oldest) => self.bytes -= oldest.stored_bytes(),
                None => break,
            }
        }
        Ok(())
    }

    /// Drops every exchange saved before `cutoff_ms` (the retention setting's purge); returns how many went.
    pub fn purge_before(&mut self, cutoff_ms: u64) -> usize {
        let before = self.exchanges.len();
        self.exchanges.retain(|exchange| exchange.at >= cutoff_ms);
        self.bytes = self.exchanges.iter().map(Exchange::stored_bytes).sum();
        before - self.exchanges.len()
    }

    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// [`Exchange::stored_bytes`] of the whole history.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn bounds(&self) -> &TranscriptBounds {
        &self.bounds
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Exchange> + ExactSizeIterator {
        self.exchanges.iter()
    }

    /// Up to `count` exchanges ending before position `end` (oldest first), for showing a long history in pages.
    pub fn page(&self, end: usize, count: usize) -> impl Iterator<Item = &Exchange> {
        let end = end.min(self.exchanges.len());
        self.exchanges.range(end.saturating_sub(count)..end)
    }

    /// The newest `count` exchanges a provider answered, oldest first: the turns a conversation picks up after a
    /// reload (an offline answer gave the model nothing to follow on from).
    pub fn recent_answered(&self, count: usize) -> Vec<&Exchange> {
        let mut recent: Vec<&Exchange> = self
            .exchanges
            .iter()
            .rev()
            .filter(|exchange| exchange.provider.is_some())
            .take(count)
            .collect();
        recent.reverse();
        recent
    }

    pub fn clear(&mut self) {
        self.exchanges = VecDeque::new();
        self.bytes = 0;
    }

    /// The history as a Markdown file: a section per exchange with its time (UTC), who answered, the answer with
    /// its content links as plain names, and its sources with their document ids. The question, names and labels
    /// are escaped, and raw HTML in an answer stays text in any Markdown viewer.
    pub fn to_markdown(&self, labels: &ExportLabels) -> String {
        let mut out = String::new();
        push_all(&mut out, &["# ", &inline(&labels.title), "\n\n"]);
        for (number, exchange) in self.exchanges.iter().enumerate() {
            let number = (number + 1).to_string();
            push_all(
                &mut out,
                &[
                    "## ",
                    &number,
                    ". ",
                    &inline(&exchange.question),
                    "\n\n_",
                    &utc_minute(exchange.at),
                    " · ",
                ],
            );
            match (&exchange.provider, &exchange.offline) {
                (Some(provider), _) => {
                    out.push_str(&inline(&labels.answered_by.replace("{provider}", provider)))
                }
                (None, Some(reason)) if !reason.is_empty() => {
                    push_all(&mut out, &[&inline(&labels.offline), ": ", &inline(reason)])
                }
                (None, _) => out.push_str(&inline(&labels.offline)),
            }
            out.push_str("_\n\n");
            if !exchange.answer.trim().is_empty() {
                push_all(
                    &mut out,
                    &[exported_answer(&exchange.answer).trim_end(), "\n\n"],
                );
            }
            if !exchange.citations.is_empty() {
                push_all(&mut out, &["**", &inline(&labels.sources), "**\n\n"]);
                for citation in &exchange.citations {
                    push_all(
                        &mut out,
                        &["- ", &inline(&citation.name), " (`", &citation.uuid, "`)\n"],
                    );
                }
                out.push('\n');
            }
        }
        out
    }
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

/// Text on one line with Markdown's markup characters escaped, so a question or a name shows as typed.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, word) in text.split_whitespace().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if matches!(
                c,
                '\\' | '`'
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '#'
                    | '!'
                    | '|'
                    | '~'
                    | '&'
                    | '{'
                    | '}'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// An answer for the exported file: its Markdown kept, content links as their names in italics, and `<` as an
/// entity so no viewer reads raw HTML from it.
fn exported_answer(answer: &str) -> String {
    let mut out = String::with_capacity(answer.len());
    let mut rest = answer;
    while let Some(position) = rest.find(['@', '<', '\0']) {
        out.push_str(&rest[..position]);
        let tail = &rest[position..];
        if let Some((consumed, _, label)) = content_link(tail) {
            push_all(&mut out, &["*", &inline(label), "*"]);
            rest = &tail[consumed..];
            continue;
        }
        match tail.as_bytes()[0] {
            b'<' => out.push_str("&lt;"),
            b'@' => out.push('@'),
            _ => {} // NUL
        }
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// `2024-05-01 18:30 UTC` for milliseconds since the Unix epoch.
fn utc_minute(ms: u64) -> String {
    let seconds = ms / 1000;
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let minutes = seconds % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) of the proleptic Gregorian calendar (Howard Hinnant's
/// `civil_from_days`: 400-year eras, years starting in March so the leap day comes last).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    (
        year_of_era + era * 400 + i64::from(month <= 2),
        month as u32,
        day as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_cut_at_a_space_reads_back_as_itself() {
        // Found by fuzz/imported_json: a question cut just after a space kept it, and the second read trimmed it.
        let bounds = TranscriptBounds {
            max_question_chars: 6,
            max_label_chars: 3,
            ..TranscriptBounds::default()
        };
        let record = || -> Result<Exchange, RecordError> {
            Ok(Exchange {
                v: RECORD_VERSION,
                question: "Can I step".into(),
                answer: String::new(),
                citations: Vec::new(),
                provider: Some("Or x".into()),
                offline: None,
                at: 1,
            })
        };
        let (first, _) = Transcript::restore(bounds, [record()]);
        let kept = first.iter().next().unwrap().clone();
        assert_eq!(
            (kept.question.as_str(), kept.provider.as_deref()),
            ("Can I", Some("Or"))
        );
        let (second, skipped) = Transcript::restore(bounds, [Ok::<_, RecordError>(kept.clone())]);
        assert_eq!(skipped, 0);
        assert_eq!(second.iter().next(), Some(&kept));
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minute(1_700_000_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc_minute(4_107_542_399_000), "2100-02-28 23:59 UTC");
    }

    #[test]
    fn inline_text_is_one_escaped_line() {
        assert_eq!(inline("a  *b*\n# c_[d](e)"), "a \\*b\\* \\# c\\_\\[d\\](e)");
    }

    #[test]
    fn exported_answers_keep_markdown_and_lose_links_and_html() {
        let answer = "**No** — see @UUID[Compendium.pf2e.conditionitems.Item.abc]{Grabbed} <img src=x> @home\0";
        assert_eq!(
            exported_answer(answer),
            "**No** — see *Grabbed* &lt;img src=x> @home"
        );
    }
}
