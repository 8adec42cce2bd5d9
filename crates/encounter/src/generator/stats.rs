//! The generator's statistics over many requests: for one threat, requests spread evenly over party levels
//! 1–20 × sizes 1–8, shape left open, hazards off. `familiar bench-encounter` prints them (with timings) and the
//! generator tests hold them on the 2021 bestiary and on the pf2e 8 sample.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{generate, GenerateRequest, PoolEntry};
use crate::budget::{EncounterBudgets, Threat};
use crate::xp::{EntityKind, XpTable};

/// Party level × size combinations the requests cycle through.
pub const COMBINATIONS: usize = 160;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreatStats {
    pub requested: usize,
    pub generated: usize,
    /// Rated as the requested threat with XP at most the budget.
    pub in_band: usize,
    /// Spending the budget exactly.
    pub exact: usize,
    pub abs_difference: u64,
    /// Distinct encounters (by the multiset of uuids) within each request, summed.
    pub distinct: usize,
    pub refused_requests: usize,
    /// Refused requests the rules make impossible: the pool's cheapest creature alone is worth more than the
    /// party's whole budget (a lone level 1 character has 10 XP for a trivial encounter).
    pub refused_impossible: usize,
    /// Requests that came back with fewer encounters than asked (the pool holds no more distinct ones).
    pub short_requests: usize,
    /// Short requests whose result did not say why (the generator adds a note when it returns fewer).
    pub short_without_note: usize,
    /// Encounters by token count, 8 meaning 8 or more.
    pub creature_counts: BTreeMap<usize, usize>,
}

impl ThreatStats {
    pub fn share(&self, count: usize) -> f64 {
        count as f64 / self.requested.max(1) as f64
    }

    pub fn mean_abs_difference(&self) -> f64 {
        self.abs_difference as f64 / self.generated.max(1) as f64
    }
}

/// The request at index `i` of a run: party level and size from the combination, a seed of its own.
pub fn request_at(threat: Threat, i: usize, batch: usize, seed: u64) -> GenerateRequest {
    let combo = i % COMBINATIONS;
    let mut request =
        GenerateRequest::new(1 + (combo % 20) as i32, 1 + (combo / 20) as u32, threat);
    request.count = Some(batch);
    request.seed = seed.wrapping_mul(1_000_003).wrapping_add(i as u64);
    request
}

/// `per_threat` encounters asked for in requests of `batch`.
pub fn threat_stats(
    pool: &[PoolEntry],
    threat: Threat,
    per_threat: usize,
    batch: usize,
    seed: u64,
) -> ThreatStats {
    let batch = batch.max(1);
    let requests = per_threat.div_ceil(batch);
    let cheapest = pool
        .iter()
        .filter(|entry| entry.kind == EntityKind::Creature)
        .map(|entry| entry.level)
        .min();
    let mut stats = ThreatStats {
        requested: requests * batch,
        ..ThreatStats::default()
    };
    for i in 0..requests {
        let request = request_at(threat, i, batch, seed);
        let Ok(result) = generate(&request, pool) else {
            stats.refused_requests += 1;
            let party_level = request.party_level as i32;
            let budget = EncounterBudgets::for_party_size(request.party_size as u32).get(threat);
            if cheapest.is_some_and(|level| XpTable::Creature.xp(party_level, level) > budget) {
                stats.refused_impossible += 1;
            }
            continue;
        };
        if result.encounters.len() < batch {
            stats.short_requests += 1;
            if result.notes.is_empty() {
                stats.short_without_note += 1;
            }
        }
        let mut keys = HashSet::new();
        for encounter in &result.encounters {
            stats.generated += 1;
            let xp = &encounter.xp;
            if xp.rating == threat && xp.total_xp <= result.budget {
                stats.in_band += 1;
            }
            if encounter.budget_difference == 0 {
                stats.exact += 1;
            }
            stats.abs_difference += encounter.budget_difference.unsigned_abs();
            *stats
                .creature_counts
                .entry(encounter.uuids.len().min(8))
                .or_default() += 1;
            let mut key = encounter.uuids.clone();
            key.sort();
            keys.insert(key);
        }
        stats.distinct += keys.len();
    }
    stats
}
