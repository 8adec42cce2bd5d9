//! What an answer may link to. A content link in Foundry does what its document does when clicked (a Macro's runs
//! the macro), so the links in an answer are an allow-list, not a pattern: only the documents it cited (its passages,
//! so the rules index's), only the kinds Familiar cites (compendium Items, JournalEntries and their pages; Actors for
//! the GM), only in packs its reader may open. [`crate::render`] shows every other `@UUID[...]{label}` as its label.
//! The same rule holds on every page an answer reaches: the GM's, the player's it was relayed to, a chat card, the
//! Ask history after a reload (a stored answer is checked again, not trusted).

use crate::render::is_link_target;

/// Who reads an answer: the packs whose documents they may be shown a link to (the rules index's packs: a GM's every
/// rules pack and bestiary, a player's the rules packs they may open), and whether Actors are among the kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reader {
    pub gm: bool,
    pub packs: Vec<String>,
}

impl Reader {
    /// Whether `target` (`uuid` or `uuid#anchor`) is a document of a kind Familiar cites, in a pack of the reader's:
    /// `Compendium.<pack>.<Kind>.<id>`, a journal page `….JournalEntry.<id>.JournalEntryPage.<id>`, or v10's untyped
    /// `….<id>` and `….<id>.JournalEntryPage.<id>` (there the pack's kind decides, and the reader's are cited kinds).
    pub fn may_open(&self, target: &str) -> bool {
        let Some(rest) = document(target)
            .strip_prefix("Compendium.")
            .filter(|_| is_link_target(target))
        else {
            return false;
        };
        let Some(tail) = self
            .packs
            .iter()
            .find_map(|pack| rest.strip_prefix(pack.as_str())?.strip_prefix('.'))
        else {
            return false;
        };
        let kinds: &[&str] = match self.gm {
            true => &["", "Item.", "JournalEntry.", "Actor."],
            false => &["", "Item.", "JournalEntry."],
        };
        kinds.iter().any(|kind| {
            let Some(rest) = tail.strip_prefix(kind) else {
                return false;
            };
            // Link targets are ASCII, so any byte is a character boundary.
            let (id, page) = rest.split_at(rest.len().min(16));
            let page_ok = || {
                matches!(*kind, "" | "JournalEntry.")
                    && page.strip_prefix(".JournalEntryPage.").is_some_and(is_id)
            };
            is_id(id) && (page.is_empty() || page_ok())
        })
    }
}

/// The documents one answer may link to: those it cited that its reader may open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkScope {
    documents: Vec<String>,
}

impl LinkScope {
    /// No links at all: an answer still streaming, compendium or module HTML.
    pub fn none() -> LinkScope {
        LinkScope::default()
    }

    /// The scope of an answer with these citation targets, for `reader`.
    pub fn new<'a>(cited: impl IntoIterator<Item = &'a str>, reader: &Reader) -> LinkScope {
        LinkScope {
            documents: cited
                .into_iter()
                .filter(|target| reader.may_open(target))
                .map(|target| document(target).to_string())
                .collect(),
        }
    }

    /// Whether a content link to `target` may be live: its document is in scope (any anchor in it; the renderer
    /// gives the sanitiser only targets of UUID characters).
    pub fn allows(&self, target: &str) -> bool {
        self.documents.iter().any(|cited| cited == document(target))
    }
}

/// The document of a link target, without its `#anchor`.
fn document(target: &str) -> &str {
    target.split('#').next().unwrap_or(target)
}

/// A Foundry document id: 16 letters and digits, as Foundry validates them (so never a document type's name).
fn is_id(part: &str) -> bool {
    part.len() == 16 && part.chars().all(|c| c.is_ascii_alphanumeric())
}
