//! Source documents → the units the index holds: clean text, and long journal pages split at their headings into
//! passages with anchors, so a hit cites the section that answers rather than a twenty-page chapter.

use serde::{Deserialize, Serialize};

use crate::document::SourceDocument;
use crate::enrichers::{self, Resolver};
use crate::html::{self, Block, BlockKind};

/// Journal pages longer than this are split at their headings.
pub const PASSAGE_CHARS: usize = 2_400;

/// One searchable unit: an item, an actor, a short page, or a passage of a long page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesDocument {
    pub uuid: String,
    /// The heading's anchor inside a journal page (`uuid#anchor` in links).
    pub anchor: Option<String>,
    pub pack: String,
    pub name: String,
    pub doc_type: String,
    pub traits: Vec<String>,
    pub level: Option<i64>,
    pub body: String,
    pub version: String,
}

impl RulesDocument {
    /// The key that identifies this unit in the index: the uuid, plus `#anchor` for passages.
    pub fn key(&self) -> String {
        match &self.anchor {
            Some(anchor) => format!("{}#{anchor}", self.uuid),
            None => self.uuid.clone(),
        }
    }
}

/// Cleans a source document and splits it into index units.
pub fn to_units(source: &SourceDocument, resolver: &dyn Resolver) -> Vec<RulesDocument> {
    let enriched = enrichers::resolve(&source.html, resolver);
    let blocks = html::to_blocks(&enriched.text);
    let display_name = match &source.parent_name {
        Some(parent) if !source.name.starts_with(parent.as_str()) => {
            format!("{parent}: {}", source.name)
        }
        _ => source.name.clone(),
    };
    let unit = |name: String, anchor: Option<String>, blocks: &[Block]| RulesDocument {
        uuid: source.uuid.clone(),
        anchor,
        pack: source.pack.clone(),
        name,
        doc_type: source.doc_type.clone(),
        traits: source.traits.clone(),
        level: source.level,
        body: html::blocks_to_text(blocks),
        version: source.version.clone(),
    };
    let total: usize = blocks.iter().map(|block| block.text.len()).sum();
    if source.doc_type != "journal" || total <= PASSAGE_CHARS {
        return vec![unit(display_name, None, &blocks)];
    }
    let mut units = Vec::new();
    for section in split_sections(&blocks) {
        let (name, anchor) = match section.heading {
            Some(heading) if heading.eq_ignore_ascii_case(&source.name) => {
                (display_name.clone(), Some(slugify(heading)))
            }
            Some(heading) => (format!("{display_name}: {heading}"), Some(slugify(heading))),
            None => (display_name.clone(), None),
        };
        units.push(unit(name, anchor, section.blocks));
    }
    dedupe_anchors(&mut units);
    units
}

struct Section<'a> {
    heading: Option<&'a str>,
    blocks: &'a [Block],
}

/// Splits at headings of level 1–3, merging sections smaller than a paragraph into the one before.
fn split_sections(blocks: &[Block]) -> Vec<Section<'_>> {
    let mut sections: Vec<Section> = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (index, block) in blocks.iter().enumerate() {
        let is_split = matches!(block.kind, BlockKind::Heading(level) if level <= 3);
        if is_split && index > start && size >= 200 {
            sections.push(section_of(&blocks[start..index]));
            start = index;
            size = 0;
        }
        size += block.text.len();
    }
    if start < blocks.len() {
        sections.push(section_of(&blocks[start..]));
    }
    sections
}

fn section_of(blocks: &[Block]) -> Section<'_> {
    let heading = match blocks.first() {
        Some(Block {
            kind: BlockKind::Heading(_),
            text,
        }) => Some(text.as_str()),
        _ => None,
    };
    Section { heading, blocks }
}

/// Foundry's heading anchors: lowercase words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Two sections with the same heading would share a key; number the later ones.
fn dedupe_anchors(units: &mut [RulesDocument]) {
    let mut seen = std::collections::HashSet::new();
    for unit in units.iter_mut() {
        let Some(anchor) = unit.anchor.clone() else {
            continue;
        };
        let mut candidate = anchor.clone();
        let mut counter = 2;
        while !seen.insert(candidate.clone()) {
            candidate = format!("{anchor}-{counter}");
            counter += 1;
        }
        unit.anchor = Some(candidate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrichers::NoResolver;

    fn page(html: String) -> SourceDocument {
        SourceDocument {
            uuid: "Compendium.home.lore.JournalEntry.e.JournalEntryPage.p".into(),
            pack: "home.lore".into(),
            name: "Travel".into(),
            doc_type: "journal".into(),
            traits: vec![],
            level: None,
            html,
            parent_name: None,
            version: "1".into(),
        }
    }

    #[test]
    fn short_pages_stay_whole() {
        let units = to_units(&page("<h1>Travel</h1><p>By boat.</p>".into()), &NoResolver);
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].body, "Travel\nBy boat.");
        assert_eq!(units[0].key(), units[0].uuid);
    }

    #[test]
    fn long_pages_split_at_headings_with_anchors() {
        let filler = "<p>".to_string() + &"Roads wind through hills. ".repeat(60) + "</p>";
        let html =
            format!("<h1>Travel</h1>{filler}<h2>By Sea!</h2>{filler}<h2>By Sea!</h2>{filler}");
        let units = to_units(&page(html), &NoResolver);
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].anchor.as_deref(), Some("travel"));
        assert_eq!(units[1].anchor.as_deref(), Some("by-sea"));
        assert_eq!(units[1].name, "Travel: By Sea!");
        assert_eq!(units[2].key(), format!("{}#by-sea-2", units[2].uuid));
    }
}
