//! Hazards in encounters: simple hazards have their own, much smaller XP table; complex hazards count as
//! creatures of their level (both as the pf2e system's `getHazardXp` does).

use serde::{Deserialize, Serialize};

/// Simple-hazard XP for level differences −4..=+4 (Core Rulebook, "Hazard XP"); the PWL variant does not change it.
pub const SIMPLE_HAZARD_XP: [u32; 9] = [2, 3, 4, 6, 8, 12, 16, 24, 32];

/// A hazard as the system's `HazardBrief`: its level and whether it is complex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hazard {
    pub level: i32,
    pub is_complex: bool,
}

impl Hazard {
    pub fn simple(level: i32) -> Hazard {
        Hazard {
            level,
            is_complex: false,
        }
    }

    pub fn complex(level: i32) -> Hazard {
        Hazard {
            level,
            is_complex: true,
        }
    }
}
