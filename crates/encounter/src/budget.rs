//! Threat ratings and XP budgets, computed exactly as the pf2e system's `generateEncounterBudgets` and
//! `calculateEncounterRating` do (JS number arithmetic, mirrored with `f64` and `floor`).

use serde::{Deserialize, Serialize};

/// The five threat levels of the Core Rulebook, in rising order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Threat {
    Trivial,
    Low,
    Moderate,
    Severe,
    Extreme,
}

impl Threat {
    pub const ALL: [Threat; 5] = [
        Threat::Trivial,
        Threat::Low,
        Threat::Moderate,
        Threat::Severe,
        Threat::Extreme,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Threat::Trivial => "trivial",
            Threat::Low => "low",
            Threat::Moderate => "moderate",
            Threat::Severe => "severe",
            Threat::Extreme => "extreme",
        }
    }

    pub fn parse(text: &str) -> Option<Threat> {
        Threat::ALL
            .into_iter()
            .find(|threat| threat.name().eq_ignore_ascii_case(text.trim()))
    }

    /// The next lower threat, whose budget is the exclusive floor of this threat's band.
    pub fn below(self) -> Option<Threat> {
        match self {
            Threat::Trivial => None,
            Threat::Low => Some(Threat::Trivial),
            Threat::Moderate => Some(Threat::Low),
            Threat::Severe => Some(Threat::Moderate),
            Threat::Extreme => Some(Threat::Severe),
        }
    }
}

impl std::fmt::Display for Threat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// XP budgets per threat for one party size; field names match the pf2e system's `EncounterBudgets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterBudgets {
    pub trivial: u32,
    pub low: u32,
    pub moderate: u32,
    pub severe: u32,
    pub extreme: u32,
}

impl EncounterBudgets {
    /// `floor(size × 20 × {0.5, 0.75, 1, 1.5, 2})`, in `f64` like the system's JS.
    pub fn for_party_size(party_size: u32) -> EncounterBudgets {
        let budget = f64::from(party_size) * 20.0;
        let floor = |factor: f64| (budget * factor).floor() as u32;
        EncounterBudgets {
            trivial: floor(0.5),
            low: floor(0.75),
            moderate: budget as u32,
            severe: floor(1.5),
            extreme: floor(2.0),
        }
    }

    pub fn get(&self, threat: Threat) -> u32 {
        match threat {
            Threat::Trivial => self.trivial,
            Threat::Low => self.low,
            Threat::Moderate => self.moderate,
            Threat::Severe => self.severe,
            Threat::Extreme => self.extreme,
        }
    }

    /// The first threat whose budget the total does not exceed; above severe is extreme (as the system rates).
    pub fn rate(&self, total_xp: u32) -> Threat {
        [
            Threat::Trivial,
            Threat::Low,
            Threat::Moderate,
            Threat::Severe,
        ]
        .into_iter()
        .find(|threat| total_xp <= self.get(*threat))
        .unwrap_or(Threat::Extreme)
    }

    /// The XP totals that rate as `threat` and do not exceed its budget: `(budget below, budget]`.
    /// Trivial starts at 1 XP, since an encounter needs someone in it.
    pub fn band(&self, threat: Threat) -> (u32, u32) {
        let low = threat.below().map_or(1, |below| self.get(below) + 1);
        (low, self.get(threat))
    }
}

/// The budgets a party of four gets; the system awards `ratingXP` from these whatever the party size.
pub fn reward_budgets() -> EncounterBudgets {
    EncounterBudgets::for_party_size(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_of_four_budgets_are_the_core_rulebook_numbers() {
        let budgets = EncounterBudgets::for_party_size(4);
        assert_eq!(
            budgets,
            EncounterBudgets {
                trivial: 40,
                low: 60,
                moderate: 80,
                severe: 120,
                extreme: 160
            }
        );
    }

    #[test]
    fn odd_party_sizes_floor_the_fractional_budgets() {
        let one = EncounterBudgets::for_party_size(1);
        assert_eq!(
            (one.trivial, one.low, one.moderate, one.severe, one.extreme),
            (10, 15, 20, 30, 40)
        );
        let three = EncounterBudgets::for_party_size(3);
        assert_eq!((three.trivial, three.low, three.severe), (30, 45, 90));
        let eight = EncounterBudgets::for_party_size(8);
        assert_eq!((eight.low, eight.extreme), (120, 320));
    }

    #[test]
    fn each_extra_character_adds_the_core_rulebook_adjustment() {
        for size in 1..40 {
            let (a, b) = (
                EncounterBudgets::for_party_size(size),
                EncounterBudgets::for_party_size(size + 1),
            );
            assert_eq!(b.trivial - a.trivial, 10);
            assert_eq!(b.low - a.low, 15);
            assert_eq!(b.moderate - a.moderate, 20);
            assert_eq!(b.severe - a.severe, 30);
            assert_eq!(b.extreme - a.extreme, 40);
        }
    }

    #[test]
    fn rating_uses_less_or_equal_at_each_threshold() {
        let budgets = EncounterBudgets::for_party_size(4);
        assert_eq!(budgets.rate(0), Threat::Trivial);
        assert_eq!(budgets.rate(40), Threat::Trivial);
        assert_eq!(budgets.rate(41), Threat::Low);
        assert_eq!(budgets.rate(60), Threat::Low);
        assert_eq!(budgets.rate(61), Threat::Moderate);
        assert_eq!(budgets.rate(80), Threat::Moderate);
        assert_eq!(budgets.rate(120), Threat::Severe);
        assert_eq!(budgets.rate(121), Threat::Extreme);
        assert_eq!(budgets.rate(10_000), Threat::Extreme);
    }

    #[test]
    fn bands_partition_the_totals() {
        let budgets = EncounterBudgets::for_party_size(5);
        for threat in Threat::ALL {
            let (low, high) = budgets.band(threat);
            assert!(low <= high);
            assert_eq!(budgets.rate(low), threat);
            assert_eq!(budgets.rate(high), threat);
        }
    }

    #[test]
    fn threat_names_parse_back() {
        for threat in Threat::ALL {
            assert_eq!(Threat::parse(threat.name()), Some(threat));
        }
        assert_eq!(Threat::parse(" Severe "), Some(Threat::Severe));
        assert_eq!(Threat::parse("deadly"), None);
    }
}
