//! Damage expressions of the form `XdY`, `XdY+Z` or `XdY-Z`, as the tables print them and pf2e rolls them.

/// A parsed `XdY+Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiceFormula {
    pub count: u32,
    pub faces: u32,
    pub bonus: i32,
}

impl DiceFormula {
    pub fn parse(text: &str) -> Option<DiceFormula> {
        let (count, rest) = text.trim().split_once('d')?;
        let (faces, bonus) = match rest.find(['+', '-']) {
            Some(at) => (
                &rest[..at],
                rest[at..].trim_start_matches('+').parse().ok()?,
            ),
            None => (rest, 0),
        };
        Some(DiceFormula {
            count: count.parse().ok()?,
            faces: faces.parse().ok()?,
            bonus,
        })
    }

    pub fn average(&self) -> f64 {
        f64::from(self.count) * (f64::from(self.faces) + 1.0) / 2.0 + f64::from(self.bonus)
    }

    /// The same dice with a different flat bonus (elite and weak adjust damage by ±2).
    pub fn with_bonus(self, bonus: i32) -> DiceFormula {
        DiceFormula { bonus, ..self }
    }
}

impl std::fmt::Display for DiceFormula {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}d{}", self.count, self.faces)?;
        match self.bonus {
            0 => Ok(()),
            bonus if bonus > 0 => write!(f, "+{bonus}"),
            bonus => write!(f, "{bonus}"),
        }
    }
}

/// The average of a formula, or `None` when it is not `XdY±Z`.
pub fn average(text: &str) -> Option<f64> {
    DiceFormula::parse(text).map(|formula| formula.average())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for text in ["1d4", "2d10+7", "4d12+42", "1d6-1"] {
            assert_eq!(DiceFormula::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(average("2d6+5"), Some(12.0));
        assert_eq!(
            DiceFormula::parse("2d6+5")
                .unwrap()
                .with_bonus(7)
                .to_string(),
            "2d6+7"
        );
        assert_eq!(DiceFormula::parse("d6"), None);
        assert_eq!(DiceFormula::parse("2x6"), None);
    }
}
