//! The pf2e system's document shapes (Items, JournalEntries with pages, Actors) read tolerantly from JSON: a field of
//! the wrong type or a missing one makes a document skipped or thinner, counted in the report, never a panic.

use serde::Serialize;
use serde_json::Value;

/// A text unit ready for cleaning: one Item, one journal page or one Actor.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDocument {
    /// The uuid to cite: the Item's or Actor's, or the page's (`<entry uuid>.JournalEntryPage.<id>`).
    pub uuid: String,
    pub pack: String,
    pub name: String,
    /// The Foundry/pf2e type: `spell`, `action`, `condition`, `npc`, or `journal` for pages.
    pub doc_type: String,
    pub traits: Vec<String>,
    pub level: Option<i64>,
    /// Raw HTML with enrichers.
    pub html: String,
    /// The journal entry's name when this is one of its pages (shown as "Entry: Page").
    pub parent_name: Option<String>,
    /// `_stats.modifiedTime`/`system.schema.version`-like marker that changes when the document does.
    pub version: String,
}

/// Names and texts beyond these are truncated: a multi-megabyte page must not stall the browser.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_HTML_BYTES: usize = 256 * 1024;

/// What ingestion dropped or shortened, for the user to see.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestReport {
    pub documents: usize,
    pub indexed: usize,
    pub skipped: Vec<Skipped>,
    pub truncated: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The uuid or, when even that is missing, the position in the input.
    pub what: String,
    pub reason: String,
}

impl IngestReport {
    fn skip(&mut self, what: String, reason: &str) {
        self.skipped.push(Skipped {
            what,
            reason: reason.to_string(),
        });
    }
}

/// Reads one compendium document (as `toObject()` gives it, plus `pack` and `uuid`) into text units.
pub fn read_document(
    value: &Value,
    position: usize,
    report: &mut IngestReport,
) -> Vec<SourceDocument> {
    report.documents += 1;
    let Some(object) = value.as_object() else {
        report.skip(format!("#{position}"), "not a JSON object");
        return Vec::new();
    };
    let uuid = match text_at(value, &["uuid"]) {
        Some(uuid) if !uuid.trim().is_empty() => uuid.to_string(),
        _ => {
            report.skip(format!("#{position}"), "missing uuid");
            return Vec::new();
        }
    };
    let pack = text_at(value, &["pack"])
        .map(str::to_string)
        .or_else(|| pack_from_uuid(&uuid))
        .unwrap_or_default();
    let Some(name) = text_at(value, &["name"]).filter(|name| !name.trim().is_empty()) else {
        report.skip(uuid, "missing name");
        return Vec::new();
    };
    let name = clean_name(name, &uuid, report);
    let version = version_of(value);

    if let Some(pages) = object.get("pages") {
        return read_pages(pages, &uuid, &pack, &name, &version, report);
    }
    let Some(system) = object.get("system").filter(|system| system.is_object()) else {
        report.skip(uuid, "no system data and no pages");
        return Vec::new();
    };
    let doc_type = text_at(value, &["type"]).unwrap_or("item").to_string();
    let is_actor =
        uuid.contains(".Actor.") || matches!(doc_type.as_str(), "npc" | "hazard" | "character");
    let html = match system.pointer("/description/value") {
        Some(Value::String(html)) => html.clone(),
        Some(Value::Null) | None if is_actor => actor_html(value),
        Some(Value::Null) | None => String::new(),
        Some(_) => {
            report.skip(uuid, "description is not text");
            return Vec::new();
        }
    };
    let traits = system
        .pointer("/traits/value")
        .and_then(Value::as_array)
        .map(|traits| {
            traits
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let level = system
        .pointer("/level/value")
        .or_else(|| system.pointer("/details/level/value"))
        .and_then(Value::as_i64);
    let html = truncate_html(html, &uuid, report);
    vec![SourceDocument {
        uuid,
        pack,
        name,
        doc_type,
        traits,
        level,
        html,
        parent_name: None,
        version,
    }]
}

fn read_pages(
    pages: &Value,
    entry_uuid: &str,
    pack: &str,
    entry_name: &str,
    version: &str,
    report: &mut IngestReport,
) -> Vec<SourceDocument> {
    let Some(pages) = pages.as_array() else {
        report.skip(entry_uuid.to_string(), "pages is not a list");
        return Vec::new();
    };
    let mut units = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let Some(id) = text_at(page, &["_id"]) else {
            report.skip(format!("{entry_uuid} page #{index}"), "page without _id");
            continue;
        };
        let uuid = format!("{entry_uuid}.JournalEntryPage.{id}");
        let html = match page.pointer("/text/content") {
            Some(Value::String(html)) => html.clone(),
            _ => {
                report.skip(uuid, "page has no text content");
                continue;
            }
        };
        let page_name = text_at(page, &["name"]).unwrap_or(entry_name);
        let name = clean_name(page_name, &uuid, report);
        let html = truncate_html(html, &uuid, report);
        units.push(SourceDocument {
            uuid,
            pack: pack.to_string(),
            parent_name: (name != entry_name).then(|| entry_name.to_string()),
            name,
            doc_type: "journal".to_string(),
            traits: Vec::new(),
            level: None,
            html,
            version: version.to_string(),
        });
    }
    units
}

/// Actors have no description: their public notes (a hazard's description and how to disable it) and their
/// embedded items' names and texts say what they do.
fn actor_html(value: &Value) -> String {
    let mut html = String::new();
    let details = value.pointer("/system/details");
    for field in ["publicNotes", "description", "disable", "reset", "routine"] {
        if let Some(text) = details.and_then(|details| details.get(field)?.as_str()) {
            html.push_str(text);
        }
    }
    for item in value
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = text_at(item, &["name"]) {
            html.push_str("<h3>");
            html.push_str(name);
            html.push_str("</h3>");
        }
        if let Some(text) = item
            .pointer("/system/description/value")
            .and_then(Value::as_str)
        {
            html.push_str(text);
        }
    }
    html
}

fn text_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut value = value;
    for key in path {
        value = value.get(key)?;
    }
    value.as_str()
}

/// `Compendium.pf2e.spells-srd.Item.x` → `pf2e.spells-srd`.
fn pack_from_uuid(uuid: &str) -> Option<String> {
    let mut parts = uuid.split('.');
    (parts.next() == Some("Compendium")).then_some(())?;
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

/// A fingerprint of what a set of documents (or their compendium index entries, with `uuid`, `_stats.modifiedTime`
/// and `system.schema.version`) is: equal fingerprints mean an index built from them is current. Order-independent;
/// entries without a uuid cannot be told apart and are left out.
pub fn fingerprint(entries: &[Value]) -> String {
    let mut lines: Vec<String> = entries
        .iter()
        .filter_map(|entry| {
            let uuid = entry.get("uuid")?.as_str()?;
            Some(format!("{uuid}\t{}", version_of(entry)))
        })
        .collect();
    lines.sort_unstable();
    // FNV-1a, 64 bits: a change detector, not a security measure.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in lines.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{}:{hash:016x}", lines.len())
}

fn version_of(value: &Value) -> String {
    value
        .pointer("/_stats/modifiedTime")
        .or_else(|| value.pointer("/system/schema/version"))
        .map(|version| match version {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn clean_name(name: &str, uuid: &str, report: &mut IngestReport) -> String {
    let cleaned: String = name
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    let mut cleaned = cleaned.trim().to_string();
    if cleaned.chars().count() > MAX_NAME_CHARS {
        cleaned = cleaned.chars().take(MAX_NAME_CHARS).collect();
        report.truncated.push(uuid.to_string());
    }
    cleaned
}

fn truncate_html(mut html: String, uuid: &str, report: &mut IngestReport) -> String {
    if html.len() > MAX_HTML_BYTES {
        let mut cut = MAX_HTML_BYTES;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        html.truncate(cut);
        report.truncated.push(uuid.to_string());
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> (Vec<SourceDocument>, IngestReport) {
        let mut report = IngestReport::default();
        (read_document(&value, 0, &mut report), report)
    }

    #[test]
    fn fingerprints_change_with_any_document_and_ignore_order() {
        let a = json!({"uuid": "Compendium.p.Item.a", "_stats": {"modifiedTime": 1}});
        let b = json!({"uuid": "Compendium.p.Item.b", "system": {"schema": {"version": 0.9}}});
        let b_edited = json!({"uuid": "Compendium.p.Item.b", "_stats": {"modifiedTime": 2}});
        let base = fingerprint(&[a.clone(), b.clone()]);
        assert_eq!(base, fingerprint(&[b, a.clone()]));
        assert_ne!(base, fingerprint(&[a.clone(), b_edited]));
        assert_ne!(base, fingerprint(std::slice::from_ref(&a)));
        assert!(base.starts_with("2:"));
        assert_eq!(fingerprint(&[json!({"name": "no uuid"})]), fingerprint(&[]));
    }

    #[test]
    fn items_keep_description_traits_and_level() {
        let (docs, report) = read(json!({
            "_id": "a", "name": "Glow", "type": "spell", "uuid": "Compendium.home.spells.Item.a",
            "system": {"description": {"value": "<p>Light.</p>"}, "traits": {"value": ["light", 3]},
                       "level": {"value": 1}}
        }));
        assert_eq!(report.skipped, vec![]);
        assert_eq!(docs[0].pack, "home.spells");
        assert_eq!(docs[0].traits, vec!["light"]);
        assert_eq!(docs[0].level, Some(1));
        assert_eq!(docs[0].html, "<p>Light.</p>");
    }

    #[test]
    fn journal_pages_become_units_with_page_uuids() {
        let (docs, _) = read(json!({
            "name": "Gods", "uuid": "Compendium.home.lore.JournalEntry.e", "pack": "home.lore",
            "pages": [{"_id": "p1", "name": "Sun God", "text": {"content": "<p>Shines.</p>"}},
                      {"_id": "p2", "text": {"content": null}}]
        }));
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].uuid,
            "Compendium.home.lore.JournalEntry.e.JournalEntryPage.p1"
        );
        assert_eq!(docs[0].parent_name.as_deref(), Some("Gods"));
    }

    #[test]
    fn hazards_are_read_from_their_details() {
        let (docs, report) = read(json!({
            "name": "Rolling Log", "type": "hazard", "uuid": "Compendium.home.traps.Actor.h",
            "system": {"details": {"description": "<p>A log rolls.</p>", "disable": "<p>Wedge it.</p>",
                                   "reset": "", "level": {"value": 2}}}
        }));
        assert_eq!(report.skipped, vec![]);
        assert_eq!(docs[0].html, "<p>A log rolls.</p><p>Wedge it.</p>");
        assert_eq!(docs[0].level, Some(2));
    }

    #[test]
    fn malformed_documents_are_counted_not_fatal() {
        for bad in [
            json!("just a string"),
            json!({"name": "No uuid"}),
            json!({"uuid": "Compendium.a.b.Item.c", "name": 7}),
            json!({"uuid": "Compendium.a.b.Item.c", "name": "x", "system": {"description": {"value": 5}}}),
            json!({"uuid": "Compendium.a.b.JournalEntry.c", "name": "x", "pages": "oops"}),
        ] {
            let (docs, report) = read(bad);
            assert!(docs.is_empty());
            assert_eq!(report.skipped.len(), 1);
        }
    }

    #[test]
    fn huge_text_and_odd_names_are_truncated() {
        let (docs, report) = read(json!({
            "uuid": "Compendium.a.b.Item.c", "name": "é\u{0}".repeat(300),
            "system": {"description": {"value": "é".repeat(MAX_HTML_BYTES)}}
        }));
        assert!(docs[0].html.len() <= MAX_HTML_BYTES);
        assert_eq!(docs[0].name.chars().count(), MAX_NAME_CHARS);
        assert_eq!(report.truncated.len(), 2);
    }
}
