//! The encounter shapes GMs use (Core Rulebook sample budgets and the GMG's advice on bosses and troops).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Shape {
    /// One creature carries the whole budget.
    SoloBoss,
    /// One creature at or above party level with two or more creatures at least three levels below it.
    BossAndLackeys,
    /// Two of the same creature.
    MatedPair,
    /// Two different creatures of the same level, at or above party level.
    ElitePair,
    /// Three or more creatures below party level, of at most two kinds.
    Troop,
    /// Two or more creatures (and hazards, when allowed) of at least two different levels.
    Mixed,
}

impl Shape {
    pub const ALL: [Shape; 6] = [
        Shape::SoloBoss,
        Shape::BossAndLackeys,
        Shape::MatedPair,
        Shape::ElitePair,
        Shape::Troop,
        Shape::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::SoloBoss => "solo-boss",
            Shape::BossAndLackeys => "boss-and-lackeys",
            Shape::MatedPair => "mated-pair",
            Shape::ElitePair => "elite-pair",
            Shape::Troop => "troop",
            Shape::Mixed => "mixed",
        }
    }

    /// Accepts `solo-boss`, `soloBoss`, `solo_boss`, `Solo Boss`.
    pub fn parse(text: &str) -> Option<Shape> {
        let wanted: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Shape::ALL
            .into_iter()
            .find(|shape| shape.name().replace('-', "") == wanted)
    }

    /// The fewest creatures the shape needs.
    pub fn min_creatures(self) -> usize {
        match self {
            Shape::SoloBoss => 1,
            Shape::MatedPair | Shape::ElitePair | Shape::Mixed => 2,
            Shape::BossAndLackeys | Shape::Troop => 3,
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_every_spelling() {
        for shape in Shape::ALL {
            assert_eq!(Shape::parse(shape.name()), Some(shape));
            let camel = serde_json::to_value(shape).unwrap();
            assert_eq!(Shape::parse(camel.as_str().unwrap()), Some(shape));
        }
        assert_eq!(
            Shape::parse("Boss and Lackeys"),
            Some(Shape::BossAndLackeys)
        );
        assert_eq!(Shape::parse("horde"), None);
    }
}
