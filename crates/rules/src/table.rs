//! The document table as compact bytes: strings many units share (packs, types, traits, versions) written once
//! and referenced by number, lengths and numbers as LEB128 varints. Loading it is one pass with a handful of
//! allocations per unit, instead of parsing megabytes of JSON.

use std::collections::HashMap;
use std::sync::Arc;

use crate::index::DocMeta;
use crate::RulesError;

/// A source document without searchable units (an empty journal page), kept so the manifest stays complete.
#[derive(Debug, Clone, PartialEq)]
pub struct EmptySource {
    pub uuid: String,
    pub pack: Arc<str>,
    pub version: Arc<str>,
}

pub fn encode(metas: &[DocMeta], empty: &[EmptySource]) -> Vec<u8> {
    let mut shared = Shared::default();
    let mut rows = Vec::with_capacity(metas.len() * 64);
    for meta in metas {
        put_str(&mut rows, &meta.uuid);
        match &meta.anchor {
            Some(anchor) => {
                put_varint(&mut rows, 1);
                put_str(&mut rows, anchor);
            }
            None => put_varint(&mut rows, 0),
        }
        put_str(&mut rows, &meta.name);
        put_str(&mut rows, &meta.name_words.join(" "));
        put_varint(&mut rows, shared.id(&meta.pack));
        put_varint(&mut rows, shared.id(&meta.doc_type));
        put_varint(&mut rows, meta.traits.len() as u64);
        for tag in &meta.traits {
            put_varint(&mut rows, shared.id(tag));
        }
        match meta.level {
            Some(level) => {
                put_varint(&mut rows, 1);
                put_varint(&mut rows, ((level << 1) ^ (level >> 63)) as u64);
            }
            None => put_varint(&mut rows, 0),
        }
        put_varint(&mut rows, shared.id(&meta.version));
    }
    for source in empty {
        put_str(&mut rows, &source.uuid);
        put_varint(&mut rows, shared.id(&source.pack));
        put_varint(&mut rows, shared.id(&source.version));
    }
    let mut bytes = Vec::with_capacity(rows.len() + shared.strings.len() * 16 + 24);
    put_varint(&mut bytes, shared.strings.len() as u64);
    for string in &shared.strings {
        put_str(&mut bytes, string);
    }
    put_varint(&mut bytes, metas.len() as u64);
    put_varint(&mut bytes, empty.len() as u64);
    bytes.extend_from_slice(&rows);
    bytes
}

pub fn decode(bytes: &[u8]) -> Result<(Vec<DocMeta>, Vec<EmptySource>), RulesError> {
    let mut reader = Reader { bytes, at: 0 };
    let count = reader.count()?;
    let mut shared: Vec<Arc<str>> = Vec::with_capacity(count);
    for _ in 0..count {
        shared.push(Arc::from(reader.str()?));
    }
    let pick = |reader: &mut Reader| -> Result<Arc<str>, RulesError> {
        let id = reader.varint()?;
        usize::try_from(id)
            .ok()
            .and_then(|id| shared.get(id))
            .cloned()
            .ok_or_else(|| corrupted("string reference out of range"))
    };
    let units = reader.count()?;
    let empties = reader.count()?;
    let mut metas = Vec::with_capacity(units);
    for _ in 0..units {
        let uuid = reader.str()?.to_string();
        let anchor = match reader.varint()? {
            0 => None,
            _ => Some(reader.str()?.to_string()),
        };
        let name = reader.str()?.to_string();
        let words = reader.str()?;
        let name_words = match words.is_empty() {
            true => Vec::new(),
            false => words.split(' ').map(str::to_string).collect(),
        };
        let pack = pick(&mut reader)?;
        let doc_type = pick(&mut reader)?;
        let traits = (0..reader.count()?)
            .map(|_| pick(&mut reader))
            .collect::<Result<Vec<_>, _>>()?;
        let level = match reader.varint()? {
            0 => None,
            _ => {
                let zigzag = reader.varint()?;
                Some((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64))
            }
        };
        let version = pick(&mut reader)?;
        metas.push(DocMeta {
            uuid,
            anchor,
            pack,
            name,
            doc_type,
            traits,
            level,
            version,
            name_words,
        });
    }
    let mut empty = Vec::with_capacity(empties);
    for _ in 0..empties {
        empty.push(EmptySource {
            uuid: reader.str()?.to_string(),
            pack: pick(&mut reader)?,
            version: pick(&mut reader)?,
        });
    }
    if reader.at != bytes.len() {
        return Err(corrupted("trailing bytes in the document table"));
    }
    Ok((metas, empty))
}

/// Strings written once, numbered in order of first use.
#[derive(Default)]
struct Shared<'a> {
    ids: HashMap<&'a str, u64>,
    strings: Vec<&'a str>,
}

impl<'a> Shared<'a> {
    fn id(&mut self, string: &'a str) -> u64 {
        let next = self.strings.len() as u64;
        *self.ids.entry(string).or_insert_with(|| {
            self.strings.push(string);
            next
        })
    }
}

fn put_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

fn put_str(bytes: &mut Vec<u8>, text: &str) {
    put_varint(bytes, text.len() as u64);
    bytes.extend_from_slice(text.as_bytes());
}

fn corrupted(why: &str) -> RulesError {
    RulesError::Corrupted(why.to_string())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, RulesError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.at)
                .ok_or_else(|| corrupted("truncated document table"))?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(corrupted("overlong number in the document table"))
    }

    /// A count of things still to read: never more than bytes left, so corrupted input cannot ask for a huge
    /// allocation.
    fn count(&mut self) -> Result<usize, RulesError> {
        let count = self.varint()?;
        usize::try_from(count)
            .ok()
            .filter(|count| *count <= self.bytes.len() - self.at)
            .ok_or_else(|| corrupted("count larger than the document table"))
    }

    fn str(&mut self) -> Result<&'a str, RulesError> {
        let len = self.count()?;
        let slice = &self.bytes[self.at..self.at + len];
        self.at += len;
        std::str::from_utf8(slice).map_err(|_| corrupted("text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(n: i64) -> DocMeta {
        DocMeta {
            uuid: format!("Compendium.p.Item.{n}"),
            anchor: (n % 2 == 0).then(|| format!("part-{n}")),
            pack: "p".into(),
            name: format!("Name {n} é"),
            doc_type: "feat".into(),
            traits: vec!["general".into(), "skill".into()],
            level: (n % 3 != 0).then_some(n - 5),
            version: "1".into(),
            name_words: if n == 1 {
                vec![]
            } else {
                vec!["name".into(), n.to_string()]
            },
        }
    }

    #[test]
    fn round_trips_units_and_empty_sources() {
        let mut metas: Vec<DocMeta> = (0..20).map(meta).collect();
        metas[0].level = Some(i64::MIN);
        metas[3].level = Some(i64::MAX);
        let empty = vec![EmptySource {
            uuid: "Compendium.p.JournalEntry.e".into(),
            pack: "p".into(),
            version: "2".into(),
        }];
        let bytes = encode(&metas, &empty);
        assert_eq!(decode(&bytes).expect("decode"), (metas, empty));
    }

    #[test]
    fn damaged_tables_are_errors_not_panics() {
        let bytes = encode(&(0..5).map(meta).collect::<Vec<_>>(), &[]);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = vec![0xff; 9];
        huge.push(0x01);
        assert!(decode(&huge).is_err());
    }
}
