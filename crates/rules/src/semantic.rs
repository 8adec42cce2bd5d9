//! The semantic side of an index that changes: what the model reads of each unit, and the units' vectors with the
//! digest of the text each was made from, so that after an edit only the changed units are embedded again. The
//! CLI and the browser both embed [`embedding_text`]; the browser keeps a [`UnitVectors`] beside its index (the
//! model runs in a Web Worker, the vectors and the fused search here).

use std::collections::HashMap;

use crate::dense::{DenseHit, DenseIndex, Precision, Reader};
use crate::rules_index::UnitText;
use crate::RulesError;

/// Bump when the text handed to the model for a unit changes: vectors made from the old text are then made again.
pub const TEXT_RECIPE: u32 = 1;
/// How many units of the semantic ranking are fused with the lexical one (the CLI's `--dense-top` default).
pub const DENSE_TOP: usize = 50;

const MAGIC: &[u8; 7] = b"FAMUVEC";
const FORMAT_VERSION: u32 = 1;

/// What the model reads of a unit: its name, then its clean text, cut well past what the token cap keeps (the
/// tokenizer cuts exactly; this only spares it pages of text).
pub fn embedding_text(unit: &UnitText, tokens: usize) -> String {
    let budget = tokens.saturating_mul(8).max(64);
    let mut text = format!("{}. {}", unit.name, unit.body);
    if text.len() > budget {
        let mut end = budget;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Which model made the vectors and how: vectors of another model, token cap or recipe are never mixed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorsOf {
    pub model: String,
    pub dimension: usize,
    pub tokens: usize,
}

/// A unit the model must read: its key and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUnit {
    pub key: String,
    pub text: String,
}

/// Int8 rows (ranking as f32 does, BENCHMARKS.md), each with the CRC-32 of the text it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitVectors {
    of: VectorsOf,
    dense: DenseIndex,
    digests: HashMap<String, u32>,
    /// Units handed out by [`UnitVectors::plan`] whose vectors have not come back, with their text's digest.
    pending: HashMap<String, u32>,
}

impl UnitVectors {
    pub fn new(of: VectorsOf) -> UnitVectors {
        UnitVectors {
            dense: DenseIndex::new(of.dimension, Precision::Int8),
            of,
            digests: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    pub fn of(&self) -> &VectorsOf {
        &self.of
    }

    /// Units with a vector.
    pub fn len(&self) -> usize {
        self.dense.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dense.is_empty()
    }

    /// Units handed out and not yet embedded.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Brings the vectors in line with `units` (the index's live units): drops the rows of units gone or changed,
    /// and returns the units to embed, those without a vector for their current text.
    pub fn plan(&mut self, units: &[UnitText]) -> Vec<PendingUnit> {
        let mut wanted = HashMap::with_capacity(units.len());
        let mut todo = Vec::new();
        for unit in units {
            let text = embedding_text(unit, self.of.tokens);
            let digest = crc32fast::hash(text.as_bytes());
            if self.digests.get(&unit.key) != Some(&digest) {
                todo.push(PendingUnit {
                    key: unit.key.clone(),
                    text,
                });
            }
            wanted.insert(unit.key.as_str(), digest);
        }
        let digests = &self.digests;
        self.dense
            .retain(|key| wanted.get(key).is_some_and(|d| digests.get(key) == Some(d)));
        self.digests
            .retain(|key, digest| wanted.get(key.as_str()) == Some(digest));
        self.pending = todo
            .iter()
            .map(|unit| (unit.key.clone(), wanted[unit.key.as_str()]))
            .collect();
        todo
    }

    /// Takes the vectors of units handed out by [`UnitVectors::plan`], `vectors` flat in the order of `keys`; a key
    /// not pending (planned again since, or never) is ignored. Returns how many were taken.
    pub fn add(&mut self, keys: &[String], vectors: &[f32]) -> Result<usize, RulesError> {
        let dimension = self.of.dimension;
        if vectors.len() != keys.len() * dimension {
            return Err(RulesError::Corrupted(format!(
                "{} values for {} vectors of dimension {dimension}",
                vectors.len(),
                keys.len()
            )));
        }
        let mut taken = 0;
        for (key, vector) in keys.iter().zip(vectors.chunks_exact(dimension)) {
            if let Some(digest) = self.pending.remove(key) {
                self.dense.push(key.clone(), vector)?;
                self.digests.insert(key.clone(), digest);
                taken += 1;
            }
        }
        Ok(taken)
    }

    /// The units nearest a question's vector, best first, for [`crate::search::Dense`].
    pub fn nearest(&self, query: &[f32]) -> Vec<DenseHit> {
        self.dense.top_k(query, DENSE_TOP)
    }

    /// `FAMUVEC`, format version, the recipe, the model, dimension and token cap, the rows' count and each row's
    /// digest in row order, then the rows as [`DenseIndex::to_bytes`], and a CRC-32 of everything before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        for number in [FORMAT_VERSION, TEXT_RECIPE, self.of.model.len() as u32] {
            bytes.extend_from_slice(&number.to_le_bytes());
        }
        bytes.extend_from_slice(self.of.model.as_bytes());
        for number in [self.of.dimension, self.of.tokens, self.dense.len()] {
            bytes.extend_from_slice(&(number as u32).to_le_bytes());
        }
        for key in self.dense.keys() {
            bytes.extend_from_slice(&self.digests[key].to_le_bytes());
        }
        bytes.extend_from_slice(&self.dense.to_bytes());
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
    }

    /// Reads [`UnitVectors::to_bytes`]; damaged bytes are `Corrupted`, another format or recipe `Incompatible`.
    pub fn from_bytes(bytes: &[u8]) -> Result<UnitVectors, RulesError> {
        let mut reader = Reader::checked(bytes, MAGIC, MAGIC.len() + 4, "unit vectors")?;
        let [version, recipe, model_length] = [reader.u32()?, reader.u32()?, reader.u32()?];
        for (found, expected) in [(version, FORMAT_VERSION), (recipe, TEXT_RECIPE)] {
            if found != expected {
                return Err(RulesError::Incompatible { found, expected });
            }
        }
        let model = std::str::from_utf8(reader.take(model_length as usize)?)
            .map_err(|_| corrupted("the model is not UTF-8"))?
            .to_string();
        let [dimension, tokens, rows] = [reader.u32()?, reader.u32()?, reader.u32()?];
        let digests: Vec<u32> = (0..rows).map(|_| reader.u32()).collect::<Result<_, _>>()?;
        let dense = DenseIndex::from_bytes(&reader.bytes[reader.at..])?;
        if dense.len() != rows as usize
            || dense.dimension() != dimension as usize
            || dense.precision() != Precision::Int8
        {
            return Err(corrupted("rows of another shape"));
        }
        let digests = dense.keys().iter().cloned().zip(digests).collect();
        Ok(UnitVectors {
            of: VectorsOf {
                model,
                dimension: dimension as usize,
                tokens: tokens as usize,
            },
            dense,
            digests,
            pending: HashMap::new(),
        })
    }
}

fn corrupted(what: &str) -> RulesError {
    RulesError::Corrupted(format!("unit vectors: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(key: &str, name: &str, body: &str) -> UnitText {
        UnitText {
            key: key.into(),
            name: name.into(),
            body: body.into(),
        }
    }

    fn of() -> VectorsOf {
        VectorsOf {
            model: "m".into(),
            dimension: 2,
            tokens: 128,
        }
    }

    /// A stand-in encoder: a text's vector from its length, so a changed text has another vector.
    fn embed(pending: &[PendingUnit]) -> (Vec<String>, Vec<f32>) {
        let keys = pending.iter().map(|unit| unit.key.clone()).collect();
        let vectors = pending
            .iter()
            .flat_map(|unit| {
                let angle = unit.text.len() as f32 / 10.0;
                [angle.cos(), angle.sin()]
            })
            .collect();
        (keys, vectors)
    }

    #[test]
    fn only_new_and_changed_units_are_embedded_again() {
        let mut vectors = UnitVectors::new(of());
        let units = [unit("a", "Grab", "hold on"), unit("b", "Stride", "move")];
        let first = vectors.plan(&units);
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].text, "Grab. hold on");
        let (keys, values) = embed(&first);
        assert_eq!(vectors.add(&keys, &values).unwrap(), 2);
        assert_eq!((vectors.len(), vectors.pending()), (2, 0));
        assert!(vectors.plan(&units).is_empty(), "nothing changed");

        let edited = [
            unit("a", "Grab", "hold on tight"),
            unit("c", "Step", "five feet"),
        ];
        let second = vectors.plan(&edited);
        let planned: Vec<&str> = second.iter().map(|unit| unit.key.as_str()).collect();
        assert_eq!(planned, ["a", "c"], "a changed, c is new, b is gone");
        assert_eq!(vectors.len(), 0, "a's old row and b's row are dropped");
        let (keys, values) = embed(&second);
        vectors.add(&keys, &values).unwrap();
        let top = vectors.nearest(&values[2..4]);
        assert_eq!(top[0].key, "c");
        assert_eq!(top.len(), 2);
    }

    #[test]
    fn vectors_that_come_back_late_or_unasked_are_ignored() {
        let mut vectors = UnitVectors::new(of());
        let planned = vectors.plan(&[unit("a", "A", "x")]);
        let (keys, values) = embed(&planned);
        assert_eq!(vectors.add(&["z".into()], &values).unwrap(), 0);
        assert!(vectors.add(&keys, &[1.0]).is_err(), "wrong length");
        vectors.plan(&[unit("a", "A", "y")]);
        // The first plan's vector of "a" is for the old text but "a" is pending again: its digest is the new one.
        assert_eq!(vectors.add(&keys, &values).unwrap(), 1);
        assert!(vectors.plan(&[unit("a", "A", "y")]).is_empty());
    }

    #[test]
    fn bytes_round_trip_and_damage_is_refused() {
        let mut vectors = UnitVectors::new(of());
        let planned = vectors.plan(&[unit("a", "A", "x"), unit("b", "B", "yy")]);
        let (keys, values) = embed(&planned);
        vectors.add(&keys, &values).unwrap();
        let bytes = vectors.to_bytes();
        let mut back = UnitVectors::from_bytes(&bytes).unwrap();
        assert_eq!(back, vectors);
        assert!(
            back.plan(&[unit("a", "A", "x"), unit("b", "B", "yy")])
                .is_empty(),
            "digests kept"
        );
        let mut damaged = bytes.clone();
        damaged[20] ^= 1;
        assert!(matches!(
            UnitVectors::from_bytes(&damaged),
            Err(RulesError::Corrupted(_))
        ));
        assert!(UnitVectors::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(UnitVectors::from_bytes(b"FAMUVEC").is_err());
    }

    #[test]
    fn the_text_is_the_name_then_the_body_cut_at_a_character() {
        let long = "é".repeat(600);
        let text = embedding_text(&unit("k", "Name", &long), 128);
        assert!(text.starts_with("Name. é"));
        assert!(text.len() <= 1024);
        assert!(text.is_char_boundary(text.len()));
    }
}
