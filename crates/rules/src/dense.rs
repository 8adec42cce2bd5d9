//! The semantic side of search, without the model: document vectors keyed by unit key (what an encoder made of
//! each unit's name and opening text), the top k by dot product for a question's vector, and the bytes to keep them
//! between sessions. Vectors are unit length, so the dot product is the cosine. Rows are kept as `f32`, or as `i8`
//! with one scale a row (a quarter of the memory; the cosine moves by about 0.01, see BENCHMARKS.md).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::RulesError;

const MAGIC: &[u8; 7] = b"FAMVECS";
const FORMAT_VERSION: u32 = 1;

/// How a [`DenseIndex`] stores its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    /// Each value as `round(value / scale)`, `scale` being the row's largest magnitude over 127.
    Int8,
}

#[derive(Debug, Clone, PartialEq)]
enum Rows {
    F32(Vec<f32>),
    Int8 { values: Vec<i8>, scales: Vec<f32> },
}

/// One document of the semantic ranking: its unit key and cosine with the question.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseHit {
    pub key: String,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DenseIndex {
    dimension: usize,
    keys: Vec<String>,
    rows: Rows,
}

impl DenseIndex {
    pub fn new(dimension: usize, precision: Precision) -> DenseIndex {
        DenseIndex {
            dimension,
            keys: Vec::new(),
            rows: match precision {
                Precision::F32 => Rows::F32(Vec::new()),
                Precision::Int8 => Rows::Int8 {
                    values: Vec::new(),
                    scales: Vec::new(),
                },
            },
        }
    }

    pub fn dimension(&self) -> usize {
        self.dimension
    }

    pub fn precision(&self) -> Precision {
        match self.rows {
            Rows::F32(_) => Precision::F32,
            Rows::Int8 { .. } => Precision::Int8,
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Adds a document's vector; a vector of the wrong length is refused.
    pub fn push(&mut self, key: impl Into<String>, vector: &[f32]) -> Result<(), RulesError> {
        if vector.len() != self.dimension {
            return Err(RulesError::Corrupted(format!(
                "a vector of {} values in an index of dimension {}",
                vector.len(),
                self.dimension
            )));
        }
        match &mut self.rows {
            Rows::F32(values) => values.extend_from_slice(vector),
            Rows::Int8 { values, scales } => {
                let largest = vector.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                let scale = if largest > 0.0 { largest / 127.0 } else { 1.0 };
                values.extend(
                    vector
                        .iter()
                        .map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8),
                );
                scales.push(scale);
            }
        }
        self.keys.push(key.into());
        Ok(())
    }

    /// Keeps the rows whose key `keep` accepts, in order (a changed or removed unit's row goes before its new one
    /// is pushed).
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let kept: Vec<bool> = self.keys.iter().map(|key| keep(key)).collect();
        let dimension = self.dimension;
        keep_rows(&mut self.keys, &kept, 1);
        match &mut self.rows {
            Rows::F32(values) => keep_rows(values, &kept, dimension),
            Rows::Int8 { values, scales } => {
                keep_rows(values, &kept, dimension);
                keep_rows(scales, &kept, 1);
            }
        }
    }

    /// The dot product of row `row` with `query`.
    fn score(&self, row: usize, query: &[f32]) -> f32 {
        let span = row * self.dimension..(row + 1) * self.dimension;
        match &self.rows {
            Rows::F32(values) => values[span].iter().zip(query).map(|(a, b)| a * b).sum(),
            Rows::Int8 { values, scales } => {
                let sum: f32 = values[span]
                    .iter()
                    .zip(query)
                    .map(|(&a, b)| f32::from(a) * b)
                    .sum();
                sum * scales[row]
            }
        }
    }

    /// The `k` rows closest to `query`, best first (ties by key, so the order is stable).
    pub fn top_k(&self, query: &[f32], k: usize) -> Vec<DenseHit> {
        if query.len() != self.dimension || k == 0 {
            return Vec::new();
        }
        // A min-heap of the best k so far: each row is one dot product and at most one heap operation.
        let mut best: BinaryHeap<Scored> = BinaryHeap::with_capacity(k + 1);
        for row in 0..self.keys.len() {
            let scored = Scored {
                score: self.score(row, query),
                row,
            };
            if best.len() < k {
                best.push(scored);
            } else if best.peek().is_some_and(|worst| scored < *worst) {
                best.pop();
                best.push(scored);
            }
        }
        let mut ranked = best.into_vec();
        ranked.sort();
        ranked
            .into_iter()
            .map(|scored| DenseHit {
                key: self.keys[scored.row].clone(),
                score: scored.score,
            })
            .collect()
    }

    /// `FAMVECS`, format version, precision, dimension, count, the keys, the rows, and a CRC-32 of all before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(32 + self.keys.len() * (self.dimension + 64));
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.push(match self.rows {
            Rows::F32(_) => 0,
            Rows::Int8 { .. } => 1,
        });
        bytes.extend_from_slice(&(self.dimension as u32).to_le_bytes());
        bytes.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for key in &self.keys {
            bytes.extend_from_slice(&(key.len() as u32).to_le_bytes());
            bytes.extend_from_slice(key.as_bytes());
        }
        match &self.rows {
            Rows::F32(values) => values
                .iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes())),
            Rows::Int8 { values, scales } => {
                scales
                    .iter()
                    .for_each(|s| bytes.extend_from_slice(&s.to_le_bytes()));
                bytes.extend(values.iter().map(|&v| v as u8));
            }
        }
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
    }

    /// Reads [`DenseIndex::to_bytes`]; any truncation, change or unknown version is `Corrupted`/`Incompatible`.
    pub fn from_bytes(bytes: &[u8]) -> Result<DenseIndex, RulesError> {
        let corrupted = |what: &str| RulesError::Corrupted(format!("vectors: {what}"));
        let mut reader = Reader::checked(bytes, MAGIC, MAGIC.len() + 4 + 1 + 8 + 4, "vectors")?;
        let version = reader.u32()?;
        if version != FORMAT_VERSION {
            return Err(RulesError::Incompatible {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let precision = match reader.take(1)?[0] {
            0 => Precision::F32,
            1 => Precision::Int8,
            _ => return Err(corrupted("unknown precision")),
        };
        let dimension = reader.u32()? as usize;
        let count = reader.u32()? as usize;
        let mut index = DenseIndex::new(dimension, precision);
        for _ in 0..count {
            let length = reader.u32()? as usize;
            let key = std::str::from_utf8(reader.take(length)?)
                .map_err(|_| corrupted("a key is not UTF-8"))?;
            index.keys.push(key.to_string());
        }
        let values = count
            .checked_mul(dimension)
            .ok_or_else(|| corrupted("absurd size"))?;
        index.rows = match precision {
            Precision::F32 => Rows::F32(
                reader
                    .take(
                        values
                            .checked_mul(4)
                            .ok_or_else(|| corrupted("absurd size"))?,
                    )?
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
            ),
            Precision::Int8 => {
                let scales = reader
                    .take(count * 4)?
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                let values = reader.take(values)?.iter().map(|&b| b as i8).collect();
                Rows::Int8 { values, scales }
            }
        };
        if reader.at != reader.bytes.len() {
            return Err(corrupted("trailing bytes"));
        }
        Ok(index)
    }
}

/// Keeps the rows of `width` values each whose entry in `kept` is true.
fn keep_rows<T>(values: &mut Vec<T>, kept: &[bool], width: usize) {
    let mut at = 0;
    values.retain(|_| {
        at += 1;
        kept[(at - 1) / width]
    });
}

/// A row and its score, ordered best first (higher score, then lower key position).
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f32,
    row: usize,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.row.cmp(&other.row))
    }
}

/// Reads a vector file's fields in turn (also [`crate::semantic`]'s).
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    /// Opens a checksummed file: `magic`, a body, then the CRC-32 of everything before it. The reader starts after
    /// the magic; a file shorter than `min_length`, with other magic or a wrong checksum is `Corrupted` (`what`
    /// names the kind of file in the message).
    pub(crate) fn checked(
        bytes: &'a [u8],
        magic: &[u8],
        min_length: usize,
        what: &str,
    ) -> Result<Reader<'a>, RulesError> {
        let corrupted = |problem: &str| RulesError::Corrupted(format!("{what}: {problem}"));
        if bytes.len() < min_length.max(magic.len() + 4) || &bytes[..magic.len()] != magic {
            return Err(corrupted("not a vector file"));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        if crc32fast::hash(body).to_le_bytes() != crc {
            return Err(corrupted("checksum mismatch"));
        }
        Ok(Reader {
            bytes: body,
            at: magic.len(),
        })
    }

    pub(crate) fn take(&mut self, length: usize) -> Result<&'a [u8], RulesError> {
        let end = self
            .at
            .checked_add(length)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| RulesError::Corrupted("vectors: truncated".into()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, RulesError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[f32]) -> Vec<f32> {
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        values.iter().map(|v| v / norm).collect()
    }

    fn sample(precision: Precision) -> DenseIndex {
        let mut index = DenseIndex::new(3, precision);
        index.push("a", &unit(&[1.0, 0.0, 0.0])).unwrap();
        index.push("b", &unit(&[0.7, 0.7, 0.0])).unwrap();
        index.push("c", &unit(&[0.0, 0.0, 1.0])).unwrap();
        index.push("d", &unit(&[0.0, 1.0, 0.1])).unwrap();
        index
    }

    #[test]
    fn retain_drops_whole_rows_in_both_precisions() {
        for precision in [Precision::F32, Precision::Int8] {
            let mut index = sample(precision);
            index.retain(|key| key != "b" && key != "c");
            assert_eq!(index.keys(), ["a", "d"]);
            let hits = index.top_k(&unit(&[0.0, 1.0, 0.0]), 4);
            let keys: Vec<&str> = hits.iter().map(|hit| hit.key.as_str()).collect();
            assert_eq!(keys, ["d", "a"], "{precision:?}");
            assert!((hits[0].score - 0.995).abs() < 0.01, "d's row kept whole");
            let back = DenseIndex::from_bytes(&index.to_bytes()).unwrap();
            assert_eq!(back, index);
        }
    }

    #[test]
    fn top_k_ranks_by_cosine_in_both_precisions() {
        for precision in [Precision::F32, Precision::Int8] {
            let index = sample(precision);
            let hits = index.top_k(&unit(&[0.0, 1.0, 0.0]), 2);
            let keys: Vec<&str> = hits.iter().map(|hit| hit.key.as_str()).collect();
            assert_eq!(keys, ["d", "b"], "{precision:?}");
            assert!((hits[0].score - 0.995).abs() < 0.01);
            assert_eq!(index.top_k(&[1.0, 0.0, 0.0], 10).len(), 4);
            assert!(index.top_k(&[1.0, 0.0], 3).is_empty(), "wrong dimension");
        }
    }

    #[test]
    fn a_vector_of_the_wrong_length_is_refused() {
        let mut index = DenseIndex::new(3, Precision::F32);
        assert!(index.push("a", &[1.0, 0.0]).is_err());
        assert!(index.is_empty());
    }

    #[test]
    fn bytes_round_trip_and_refuse_any_change() {
        for precision in [Precision::F32, Precision::Int8] {
            let index = sample(precision);
            let bytes = index.to_bytes();
            assert_eq!(DenseIndex::from_bytes(&bytes).unwrap(), index);
            for cut in [0, 5, bytes.len() / 2, bytes.len() - 1] {
                assert!(DenseIndex::from_bytes(&bytes[..cut]).is_err());
            }
            let mut flipped = bytes.clone();
            flipped[bytes.len() / 2] ^= 1;
            assert!(matches!(
                DenseIndex::from_bytes(&flipped),
                Err(RulesError::Corrupted(_))
            ));
        }
    }

    #[test]
    fn int8_keeps_the_cosine_within_a_hundredth() {
        let mut f32s = DenseIndex::new(8, Precision::F32);
        let mut int8s = DenseIndex::new(8, Precision::Int8);
        let rows: Vec<Vec<f32>> = (0..50)
            .map(|row| {
                unit(
                    &(0..8)
                        .map(|i| ((row * 7 + i * 3) % 11) as f32 - 5.0)
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        for (row, vector) in rows.iter().enumerate() {
            f32s.push(row.to_string(), vector).unwrap();
            int8s.push(row.to_string(), vector).unwrap();
        }
        let query = unit(&[0.3, -0.2, 0.9, 0.1, 0.0, -0.5, 0.4, 0.2]);
        for row in 0..rows.len() {
            assert!((f32s.score(row, &query) - int8s.score(row, &query)).abs() < 0.01);
        }
    }
}
