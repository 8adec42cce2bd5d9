//! Elite and weak adjustments exactly as today's pf2e system applies them to an NPC whose source says
//! `system.attributes.adjustment: "elite" | "weak"`: level shift, ±2 to every base modifier and DC, ±2 strike
//! damage, and a hit-point change that depends on the creature's base level.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Adjustment {
    Elite,
    Weak,
}

impl Adjustment {
    pub fn key(self) -> &'static str {
        match self {
            Adjustment::Elite => "elite",
            Adjustment::Weak => "weak",
        }
    }

    /// +2 for elite, −2 for weak: AC, attacks, DCs, saves, Perception, skills and strike damage.
    pub fn modifier(self) -> i32 {
        match self {
            Adjustment::Elite => 2,
            Adjustment::Weak => -2,
        }
    }

    /// The level the system shows: elite −1 and 0 creatures gain two levels, weak level 1 creatures drop to −1.
    pub fn level(self, base: i32) -> i32 {
        match self {
            Adjustment::Elite if base < 1 => base + 2,
            Adjustment::Elite => base + 1,
            Adjustment::Weak if base == 1 => base - 2,
            Adjustment::Weak => base - 1,
        }
    }

    /// The signed hit-point change for a creature of `base` level (the system's `getHpAdjustment`; weak
    /// creatures of level 0 or lower lose nothing there).
    pub fn hit_points(self, base: i32) -> i32 {
        match self {
            Adjustment::Elite => match base {
                i32::MIN..=1 => 10,
                2..=4 => 15,
                5..=19 => 20,
                _ => 30,
            },
            Adjustment::Weak => -match base {
                i32::MIN..=0 => 0,
                1..=2 => 10,
                3..=5 => 15,
                6..=20 => 20,
                _ => 30,
            },
        }
    }

    pub fn name_prefix(self) -> &'static str {
        match self {
            Adjustment::Elite => "Elite",
            Adjustment::Weak => "Weak",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_shift_like_the_system() {
        assert_eq!(Adjustment::Elite.level(-1), 1);
        assert_eq!(Adjustment::Elite.level(0), 2);
        assert_eq!(Adjustment::Elite.level(1), 2);
        assert_eq!(Adjustment::Elite.level(24), 25);
        assert_eq!(Adjustment::Weak.level(1), -1);
        assert_eq!(Adjustment::Weak.level(2), 1);
        assert_eq!(Adjustment::Weak.level(0), -1);
    }

    #[test]
    fn hit_points_follow_the_base_level_bands() {
        let elite: Vec<i32> = [-1, 1, 2, 4, 5, 19, 20, 24]
            .map(|l| Adjustment::Elite.hit_points(l))
            .to_vec();
        assert_eq!(elite, [10, 10, 15, 15, 20, 20, 30, 30]);
        let weak: Vec<i32> = [-1, 0, 1, 2, 3, 5, 6, 20, 21]
            .map(|l| Adjustment::Weak.hit_points(l))
            .to_vec();
        assert_eq!(weak, [0, 0, -10, -10, -15, -15, -20, -20, -30]);
    }

    #[test]
    fn matches_the_shared_encounter_rules_bands() {
        let dir = std::env::var_os("FAMILIAR_SHARED").map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/pf2e"),
            std::path::PathBuf::from,
        );
        let path = dir.join("encounter-rules.json");
        let Ok(text) = std::fs::read_to_string(path) else {
            println!("skipped: ../shared/pf2e not present");
            return;
        };
        let rules: serde_json::Value = serde_json::from_str(&text).unwrap();
        let elite = &rules["elite_weak"]["elite_hp_by_base_level"];
        assert_eq!(elite["<=1"], Adjustment::Elite.hit_points(1));
        assert_eq!(elite["2-4"], Adjustment::Elite.hit_points(3));
        assert_eq!(elite["5-19"], Adjustment::Elite.hit_points(12));
        assert_eq!(elite[">=20"], Adjustment::Elite.hit_points(20));
        let weak = &rules["elite_weak"]["weak_hp_by_base_level"];
        assert_eq!(weak["1-2"], -Adjustment::Weak.hit_points(2));
        assert_eq!(weak["3-5"], -Adjustment::Weak.hit_points(3));
        assert_eq!(weak["6-20"], -Adjustment::Weak.hit_points(20));
        assert_eq!(weak[">=21"], -Adjustment::Weak.hit_points(21));
        assert_eq!(weak["<=0"], -Adjustment::Weak.hit_points(0));
    }
}
