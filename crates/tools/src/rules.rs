//! `search_rules` and `read_rule`: the same search and visibility as Ask (a player's call sees only the packs that
//! player may open), results compact, with uuids to cite.

use familiar_chat::tools::args::{ReadRule, SearchRules};
use familiar_chat::Passage;
use familiar_rules::{RulesIndex, SearchOptions};
use serde_json::{json, Value};

pub const NOT_READY: &str = "the rules index is not ready yet; answer from the passages";

/// The most of a document `read_rule` returns.
pub const MAX_READ_CHARS: usize = 4_000;

/// `{"results": [{uuid, name, pack, type, snippet}]}`; `uuid` is the link target (`uuid#anchor` for a passage).
pub fn search(
    index: &mut RulesIndex,
    args: &SearchRules,
    packs: Option<&[String]>,
) -> Result<Value, String> {
    let options = SearchOptions {
        top: args.top(),
        user_packs: packs.map(<[String]>::to_vec),
        snippets: true,
        passage_chars: None,
    };
    let hits = index
        .search(&args.query, &options)
        .map_err(|error| error.to_string())?;
    let results: Vec<Value> = hits
        .iter()
        .map(|hit| {
            let passage = Passage::from_snippet_html(
                &hit.uuid,
                hit.anchor.as_deref(),
                &hit.name,
                &hit.snippet,
            );
            json!({
                "uuid": passage.target(),
                "name": hit.name,
                "pack": hit.pack,
                "type": hit.doc_type,
                "snippet": passage.text,
            })
        })
        .collect();
    Ok(json!({ "results": results }))
}

/// `{uuid, name, pack, type, text, truncated}`.
pub fn read(
    index: &RulesIndex,
    args: &ReadRule,
    packs: Option<&[String]>,
) -> Result<Value, String> {
    match index.read(args.uuid.trim(), packs, MAX_READ_CHARS) {
        Ok(Some(document)) => Ok(json!({
            "uuid": document.uuid,
            "name": document.name,
            "pack": document.pack,
            "type": document.doc_type,
            "text": document.text,
            "truncated": document.truncated,
        })),
        Ok(None) => Err(format!(
            "no document {:?} that this asker may open; use a uuid from search_rules",
            args.uuid
        )),
        Err(error) => Err(error.to_string()),
    }
}
