//! `[n]` in an answer → the content link of passage n. Numbers of passages that were not given are dropped; a content
//! link the model wrote itself stays a link (and a citation) when its document is a passage, else only its label is
//! kept. The citations are what the answer may link to wherever it is shown ([`crate::links::LinkScope`]).

use serde::Serialize;

use crate::prompt::Passage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Citation {
    /// The passage number the model used (1-based).
    pub number: usize,
    /// The link target (`uuid` or `uuid#anchor`).
    pub uuid: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Linked {
    /// The answer with `@UUID[...]{...}` links in place of the numbers.
    pub text: String,
    /// Each cited passage once, in order of first use.
    pub citations: Vec<Citation>,
}

pub fn link_citations(answer: &str, passages: &[Passage]) -> Linked {
    let mut citations: Vec<Citation> = Vec::new();
    let text = rewrite(answer, passages, |passage, number, label| {
        if !citations.iter().any(|c| c.number == number) {
            citations.push(Citation {
                number,
                uuid: passage.target(),
                name: passage.name.clone(),
            });
        }
        passage.link_as(label.unwrap_or(&passage.name))
    });
    Linked { text, citations }
}

/// A linked answer as history keeps it: each content link as `(label)`, so old links never collide with a later
/// turn's passages (a fresh answer's text from [`link_citations`], or a saved one's).
pub fn with_names(linked: &str) -> String {
    let mut out = String::with_capacity(linked.len());
    let mut rest = linked;
    while let Some(position) = rest.find("@UUID[") {
        out.push_str(&rest[..position]);
        let tail = &rest[position..];
        let (consumed, replacement) = match crate::render::content_link(tail) {
            Some((consumed, _, label)) => (consumed, format!("({label})")),
            None => (1, "@".to_string()),
        };
        out.push_str(&replacement);
        rest = &tail[consumed..];
    }
    out.push_str(rest);
    out
}

/// Replaces each citation group `[1]`, `[1, 2]` (and `[1][2]` as two groups) and each `@UUID[..]{..}`: `cite` gets
/// the passage, its number and the label the model gave a link of its own.
fn rewrite(
    answer: &str,
    passages: &[Passage],
    mut cite: impl FnMut(&Passage, usize, Option<&str>) -> String,
) -> String {
    let mut out = String::with_capacity(answer.len());
    let mut rest = answer;
    while let Some(position) = rest.find(['[', '@']) {
        out.push_str(&rest[..position]);
        let tail = &rest[position..];
        if let Some((consumed, link)) = content_link(tail, passages) {
            match link {
                ModelLink::Passage(number, label) => {
                    out.push_str(&cite(&passages[number - 1], number, label))
                }
                ModelLink::Label(label) => out.push_str(label),
            }
            rest = &tail[consumed..];
            continue;
        }
        if let Some((consumed, numbers)) = citation_group(tail) {
            let links: Vec<String> = numbers
                .into_iter()
                .filter_map(|n| passages.get(n.checked_sub(1)?).map(|p| cite(p, n, None)))
                .collect();
            if links.is_empty() {
                // Every number was out of range: drop the group, the space and a dangling "and"/"or"/comma.
                let mut kept = out.trim_end_matches(' ');
                for connector in [" and", " or", ","] {
                    if let Some(stripped) = kept.strip_suffix(connector) {
                        kept = stripped.trim_end_matches(' ');
                        break;
                    }
                }
                let kept = kept.len();
                out.truncate(kept);
            } else {
                out.push_str(&links.join(", "));
            }
            rest = &tail[consumed..];
            continue;
        }
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// `[3]` or `[1, 2]` (not a Markdown link `[1](...)`): bytes consumed and the numbers.
fn citation_group(text: &str) -> Option<(usize, Vec<usize>)> {
    let close = text.find(']')?;
    let inner = &text[1..close];
    if inner.is_empty() || inner.len() > 40 {
        return None;
    }
    let numbers: Option<Vec<usize>> = inner
        .split([',', ';'])
        .map(|part| {
            let part = part.trim();
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        })
        .collect();
    let numbers = numbers?;
    if text[close + 1..].starts_with('(') {
        return None;
    }
    Some((close + 1, numbers))
}

/// What a model-written content link stands for.
enum ModelLink<'a> {
    /// A given passage, by number, with the label the model gave it.
    Passage(usize, Option<&'a str>),
    /// Anything else: only its label (empty without one), which stays plain text.
    Label(&'a str),
}

/// A model-written `@UUID[target]{label}`: bytes consumed, and what it stands for.
fn content_link<'a>(text: &'a str, passages: &[Passage]) -> Option<(usize, ModelLink<'a>)> {
    let body = text.strip_prefix("@UUID[")?;
    let close = body.find(']')?;
    let target = &body[..close];
    let after = &body[close + 1..];
    let (label, label_len) = match after.strip_prefix('{') {
        Some(braced) => {
            let end = braced.find('}')?;
            (Some(&braced[..end]), end + 2)
        }
        None => (None, 0),
    };
    let consumed = "@UUID[".len() + close + 1 + label_len;
    let number = passages
        .iter()
        .position(|p| p.target() == target || p.uuid == target);
    let link = match number {
        Some(index) => ModelLink::Passage(index + 1, label),
        None => ModelLink::Label(label.unwrap_or("")),
    };
    Some((consumed, link))
}
