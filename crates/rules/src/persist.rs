//! The index as bytes for IndexedDB: `FAMRIDX` magic, format version, the tantivy file list (JSON), the document
//! table ([`crate::table`], from which the manifest is derived), the tantivy files, and a CRC-32 of everything
//! before it. Loading checks all of it, so a truncated or altered blob is reported as corrupted and never searched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, RamDirectory};
use tantivy::Index;

use crate::index::Layer;
use crate::rules_index::RulesIndex;
use crate::{table, RulesError};

const MAGIC: &[u8; 7] = b"FAMRIDX";
/// Bump when the layout, the schema or the analysis that built the index changes: old bytes are then rebuilt.
pub const FORMAT_VERSION: u32 = 2;

/// What an index was built from. The caller compares it with what its packs hold now to decide on a rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Pack id → how many documents of it are indexed.
    pub packs: BTreeMap<String, usize>,
    /// Document uuid → version marker.
    pub documents: BTreeMap<String, String>,
}

impl Manifest {
    /// Whether an index with this manifest is out of date for documents that now have `current`'s versions.
    pub fn is_stale_for(&self, current: &Manifest) -> bool {
        self.documents != current.documents
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    files: Vec<(String, usize)>,
}

pub fn to_bytes(index: &mut RulesIndex) -> Result<Vec<u8>, RulesError> {
    if index.has_edits() {
        index.commit()?;
        index.compact()?;
    }
    let directory = index.base.index.directory();
    let mut paths: Vec<PathBuf> = directory.list_managed_files().into_iter().collect();
    for extra in ["meta.json", ".managed.json"] {
        if directory.exists(Path::new(extra)).unwrap_or(false) {
            paths.push(PathBuf::from(extra));
        }
    }
    paths.sort();
    paths.dedup();
    let mut files = Vec::new();
    let mut contents = Vec::new();
    for path in paths {
        let data = directory
            .atomic_read(&path)
            .map_err(|error| RulesError::Corrupted(error.to_string()))?;
        files.push((path.to_string_lossy().into_owned(), data.len()));
        contents.push(data);
    }
    let header = serde_json::to_vec(&Header { files })
        .map_err(|error| RulesError::Corrupted(error.to_string()))?;
    let table = table::encode(&index.base.metas, &index.empty_sources());
    let mut bytes = Vec::with_capacity(
        header.len() + table.len() + contents.iter().map(Vec::len).sum::<usize>() + 40,
    );
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(&(table.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&table);
    for data in contents {
        bytes.extend_from_slice(&data);
    }
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    Ok(bytes)
}

pub fn from_bytes(bytes: &[u8]) -> Result<RulesIndex, RulesError> {
    let corrupted = |why: &str| RulesError::Corrupted(why.to_string());
    if bytes.len() < MAGIC.len() + 4 + 8 + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupted("not a Familiar rules index"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(trailer.try_into().map_err(|_| corrupted("no checksum"))?);
    if crc32fast::hash(body) != stored {
        return Err(corrupted("checksum mismatch"));
    }
    let mut at = MAGIC.len();
    let version = u32::from_le_bytes(read_array(body, &mut at)?);
    if version != FORMAT_VERSION {
        return Err(RulesError::Incompatible {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let header_len = usize::try_from(u64::from_le_bytes(read_array(body, &mut at)?))
        .map_err(|_| corrupted("header length"))?;
    let header_bytes = take(body, &mut at, header_len)?;
    let header: Header = serde_json::from_slice(header_bytes)
        .and_then(serde_json::from_value)
        .map_err(|error| RulesError::Corrupted(error.to_string()))?;
    let table_len = usize::try_from(u64::from_le_bytes(read_array(body, &mut at)?))
        .map_err(|_| corrupted("table length"))?;
    let (metas, empty_sources) = table::decode(take(body, &mut at, table_len)?)?;
    let directory = RamDirectory::default();
    for (path, len) in &header.files {
        let data = take(body, &mut at, *len)?;
        directory
            .atomic_write(Path::new(path), data)
            .map_err(|error| RulesError::Corrupted(error.to_string()))?;
    }
    if at != body.len() {
        return Err(corrupted("trailing bytes"));
    }
    let index = Index::open(directory)?;
    let base = Layer::open(index, metas)?;
    RulesIndex::from_base(base, empty_sources)
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, len: usize) -> Result<&'a [u8], RulesError> {
    let end = at
        .checked_add(len)
        .filter(|end| *end <= bytes.len())
        .ok_or_else(|| RulesError::Corrupted("truncated".to_string()))?;
    let slice = &bytes[*at..end];
    *at = end;
    Ok(slice)
}

fn read_array<const N: usize>(bytes: &[u8], at: &mut usize) -> Result<[u8; N], RulesError> {
    take(bytes, at, N)?
        .try_into()
        .map_err(|_| RulesError::Corrupted("truncated".to_string()))
}
