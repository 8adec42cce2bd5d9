//! What an answer may link to. A content link in Foundry does what its document does when clicked (a Macro's runs
//! the macro), so the links in an answer are an allow-list, not a pattern: only the documents it cited (its passages,
//! so the rules index's), only the kinds Familiar cites (compendium Items, JournalEntries and their pages; Actors for
//! the GM), only in packs its reader may open. [`crate::render`] shows every other `@UUID[...]{label}` as its label.
//! The same rule holds on every page an answer reaches: the GM's, the player's it was relayed to, a chat card, the
//! Ask history after a reload (a stored answer is checked again, not trusted).

use serde::Deserialize;

use crate::render::is_link_target;

/// Who reads an answer: the packs whose documents they may be shown a link to (the rules index's packs: a GM's every
/// rules pack and bestiary, a player's the rules packs they may open), and whether Actors are among the kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Reader {
    #[serde(default)]
    pub gm: bool,
    #[serde(default)]
    pub packs: Vec<String>,
}

impl Reader {
    /// Whether `target` (`uuid` or `uuid#anchor`) is a document of a kind Familiar cites, in a pack of the reader's.
    pub fn may_open(&self, target: &str) -> bool {
        if !is_link_target(target) {
            return false;
        }
        let uuid = document(target);
        let parts: Vec<&str> = uuid.split('.').collect();
        let ["Compendium", package, pack, rest @ ..] = parts.as_slice() else {
            return false;
        };
        let kind_ok = match rest {
            // v10's untyped uuids: the pack's kind decides, and the reader's packs are of cited kinds only.
            [id] => is_id(id),
            [id, "JournalEntryPage", page] | ["JournalEntry", id, "JournalEntryPage", page] => {
                is_id(id) && is_id(page)
            }
            [kind, id] => {
                is_id(id)
                    && (matches!(*kind, "Item" | "JournalEntry") || (self.gm && *kind == "Actor"))
            }
            _ => false,
        };
        kind_ok
            && self
                .packs
                .iter()
                .any(|id| id.split_once('.') == Some((package, pack)))
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

    /// Whether a content link to `target` may be live: its document is in scope (any anchor in it).
    pub fn allows(&self, target: &str) -> bool {
        is_link_target(target)
            && self
                .documents
                .iter()
                .any(|document_| document_ == document(target))
    }
}

/// The document of a link target, without its `#anchor`.
fn document(target: &str) -> &str {
    target.split('#').next().unwrap_or(target)
}

/// A Foundry document id: 16 letters and digits, as Foundry validates them (so never a document type's name).
fn is_id(part: &str) -> bool {
    part.len() == 16 && part.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t";
    const JOURNAL: &str = "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq";
    const PAGE: &str =
        "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq.JournalEntryPage.ypfiz3wNQ2Y1Ii1T";
    const CREATURE: &str = "Compendium.pf2e.pathfinder-bestiary.Actor.AdQVjlOWB6rmBRVp";

    fn gm() -> Reader {
        Reader {
            gm: true,
            packs: [
                "pf2e.actionspf2e",
                "pf2e.journals",
                "pf2e.pathfinder-bestiary",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    fn player() -> Reader {
        Reader {
            gm: false,
            packs: ["pf2e.actionspf2e", "pf2e.journals"]
                .map(String::from)
                .to_vec(),
        }
    }

    #[test]
    fn the_kinds_familiar_cites_in_the_readers_packs() {
        for target in [RULE, JOURNAL, PAGE, &format!("{PAGE}#grabbed")] {
            assert!(player().may_open(target), "{target}");
            assert!(gm().may_open(target), "{target}");
        }
        assert!(gm().may_open(CREATURE));
        // v10's untyped uuids, in a pack of the reader's.
        assert!(player().may_open("Compendium.pf2e.actionspf2e.wQYmDStjdjn0I26t"));
    }

    #[test]
    fn hostile_targets_are_refused() {
        for target in [
            // other document types, in compendia and in the world
            "Compendium.pf2e.actionspf2e.Macro.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.RollTable.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.Scene.wQYmDStjdjn0I26t",
            "Macro.wQYmDStjdjn0I26t",
            "Actor.wQYmDStjdjn0I26t",
            "Item.wQYmDStjdjn0I26t",
            "JournalEntry.S55aqwWIzpQRFhcq.JournalEntryPage.ypfiz3wNQ2Y1Ii1T",
            "Scene.x.Token.y.Actor.z",
            // embedded documents other than journal pages
            "Compendium.pf2e.pathfinder-bestiary.Actor.AdQVjlOWB6rmBRVp.Item.wQYmDStjdjn0I26t",
            "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq.Macro.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.Actor.JournalEntryPage.wQYmDStjdjn0I26t",
            // other packs, and packs named like ours
            "Compendium.pf2e.macros.Item.wQYmDStjdjn0I26t",
            "Compendium.world.actionspf2e.Item.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e2.Item.wQYmDStjdjn0I26t",
            // malformed
            "",
            "Compendium",
            "Compendium.pf2e.actionspf2e",
            "Compendium.pf2e.actionspf2e.Item.",
            "Compendium.pf2e.actionspf2e..Item.x",
            "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t.",
            "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26",
            "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t_",
            "Compendium.pf2e.actionspf2e.Item.x y",
            "Compendium.pf2e.actionspf2e.Item.x\"onclick=\"y",
            "compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t",
            "Compendium.pf2e.actionspf2e.item.wQYmDStjdjn0I26t",
        ] {
            assert!(!gm().may_open(target), "{target}");
            assert!(!player().may_open(target), "{target}");
        }
    }

    #[test]
    fn a_player_is_refused_the_gms_packs_and_actors() {
        assert!(!player().may_open(CREATURE));
        // An Actor in a pack the player does have is still not a kind they are shown.
        assert!(!player().may_open("Compendium.pf2e.actionspf2e.Actor.AdQVjlOWB6rmBRVp"));
        assert!(!player().may_open("Compendium.familiar-test.gm-secrets.Item.SecretPlotTwist1"));
        assert!(!Reader::default().may_open(RULE));
    }

    #[test]
    fn a_scope_is_what_was_cited_and_may_be_opened() {
        let scope = LinkScope::new([RULE, CREATURE, "Macro.wQYmDStjdjn0I26t"], &player());
        assert!(scope.allows(RULE));
        assert!(
            scope.allows(&format!("{RULE}#somewhere")),
            "an anchor in a cited document"
        );
        assert!(!scope.allows(CREATURE), "not the player's");
        assert!(
            !scope.allows("Macro.wQYmDStjdjn0I26t"),
            "cited, but not a kind we cite"
        );
        assert!(!scope.allows(JOURNAL), "a kind we cite, but not cited");
        assert!(!LinkScope::none().allows(RULE));
    }
}
