//! Finding XP compositions: which levels (slots) and how many of each land in the threat band, as close to the
//! budget as possible. A bounded, randomly ordered depth-first search over multisets; it stops at the first
//! composition that hits the budget exactly, so seeds give variety and the search stays fast.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::shape::Shape;
use crate::xp::EntityKind;

/// All pool entries of one kind and level, worth the same XP against this party.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub kind: EntityKind,
    pub level: i32,
    pub xp: u32,
    /// Indices into the filtered pool.
    pub entries: Vec<usize>,
}

/// Slots and how many creatures to take from each.
pub(crate) type Composition = Vec<(usize, u32)>;

/// A shape's last word on a composition the bounds allow (e.g. "at least two different levels").
type Accept<'f> = &'f dyn Fn(&[(usize, u32)]) -> bool;

/// Nodes one search may visit; far more than the pools we see need to find an exact hit.
const NODE_LIMIT: u32 = 6_000;

pub(crate) struct Search<'a> {
    pub slots: &'a [Slot],
    pub party_level: i32,
    /// The threat band: totals from `low` to `high` (the budget) rate as the requested threat.
    pub low: u32,
    pub high: u32,
    pub max_creatures: usize,
}

struct Bounds<'f> {
    min_count: u32,
    max_count: u32,
    low: u32,
    high: u32,
    max_distinct: usize,
    accept: Accept<'f>,
}

impl Search<'_> {
    fn creature_slots(&self, keep: impl Fn(&Slot) -> bool) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].kind == EntityKind::Creature && keep(&self.slots[i]))
            .collect()
    }

    /// A composition for `shape`, or `None` when the pool cannot make one in the band.
    pub fn compose(&self, shape: Shape, rng: &mut StdRng) -> Option<(Composition, u32)> {
        let max = self.max_creatures as u32;
        let any = |_: &[(usize, u32)]| true;
        match shape {
            Shape::SoloBoss => {
                let slots = self.creature_slots(|_| true);
                self.best(&slots, &self.bounds(1, 1, 1, &any), rng)
            }
            Shape::MatedPair => {
                let slots = self.creature_slots(|_| true);
                self.best(&slots, &self.bounds(2, 2, 1, &any), rng)
            }
            Shape::ElitePair => {
                let slots =
                    self.creature_slots(|s| s.level >= self.party_level && s.entries.len() >= 2);
                self.best(&slots, &self.bounds(2, 2, 1, &any), rng)
            }
            Shape::Troop => {
                let slots = self.creature_slots(|s| s.level < self.party_level);
                self.best(&slots, &self.bounds(3, max, 2, &any), rng)
            }
            Shape::Mixed => {
                let slots: Vec<usize> = (0..self.slots.len()).collect();
                let mixed = |parts: &[(usize, u32)]| {
                    let hazards: u32 = parts
                        .iter()
                        .filter(|(slot, _)| self.slots[*slot].kind.is_hazard())
                        .map(|(_, count)| count)
                        .sum();
                    let total: u32 = parts.iter().map(|(_, count)| count).sum();
                    let first_level = self.slots[parts[0].0].level;
                    hazards <= 2
                        && hazards < total
                        && parts
                            .iter()
                            .any(|(slot, _)| self.slots[*slot].level != first_level)
                };
                self.best(&slots, &self.bounds(2, max, 4, &mixed), rng)
            }
            Shape::BossAndLackeys => self.boss_and_lackeys(rng),
        }
    }

    fn bounds<'f>(
        &self,
        min_count: u32,
        max_count: u32,
        max_distinct: usize,
        accept: Accept<'f>,
    ) -> Bounds<'f> {
        Bounds {
            min_count,
            max_count: max_count.min(self.max_creatures as u32),
            low: self.low,
            high: self.high,
            max_distinct,
            accept,
        }
    }

    fn boss_and_lackeys(&self, rng: &mut StdRng) -> Option<(Composition, u32)> {
        if self.max_creatures < 3 {
            return None;
        }
        let mut bosses = self.creature_slots(|s| s.level >= self.party_level && s.xp < self.high);
        bosses.shuffle(rng);
        let mut best: Option<(Composition, u32)> = None;
        for boss in bosses.into_iter().take(6) {
            let boss_slot = &self.slots[boss];
            let lackeys = self
                .creature_slots(|s| s.level <= boss_slot.level - 3 && s.level < self.party_level);
            let any = |_: &[(usize, u32)]| true;
            let bounds = Bounds {
                min_count: 2,
                max_count: self.max_creatures as u32 - 1,
                low: self.low.saturating_sub(boss_slot.xp),
                high: self.high - boss_slot.xp,
                max_distinct: 2,
                accept: &any,
            };
            if let Some((mut parts, sum)) = self.best(&lackeys, &bounds, rng) {
                let total = sum + boss_slot.xp;
                if best.as_ref().is_none_or(|(_, known)| total > *known) {
                    parts.insert(0, (boss, 1));
                    best = Some((parts, total));
                }
                if total == self.high {
                    break;
                }
            }
        }
        best
    }

    /// The composition from `slots` with the highest total inside the bounds (exact budget first found wins).
    fn best(
        &self,
        slots: &[usize],
        bounds: &Bounds,
        rng: &mut StdRng,
    ) -> Option<(Composition, u32)> {
        let mut order = slots.to_vec();
        order.shuffle(rng);
        let mut state = Dfs {
            slots: self.slots,
            order: &order,
            bounds,
            current: Vec::new(),
            best: None,
            nodes: 0,
        };
        state.visit(0, 0, 0);
        state.best
    }
}

struct Dfs<'a, 'f> {
    slots: &'a [Slot],
    order: &'a [usize],
    bounds: &'a Bounds<'f>,
    current: Composition,
    best: Option<(Composition, u32)>,
    nodes: u32,
}

impl Dfs<'_, '_> {
    /// Returns true once the budget is hit exactly, which ends the search.
    fn visit(&mut self, start: usize, count: u32, sum: u32) -> bool {
        self.nodes += 1;
        let bounds = self.bounds;
        if count >= bounds.min_count
            && sum >= bounds.low
            && sum <= bounds.high
            && self.best.as_ref().is_none_or(|(_, known)| sum > *known)
            && (bounds.accept)(&self.current)
        {
            self.best = Some((self.current.clone(), sum));
            if sum == bounds.high {
                return true;
            }
        }
        if count == bounds.max_count || self.nodes > NODE_LIMIT {
            return false;
        }
        for position in start..self.order.len() {
            let slot = self.order[position];
            let xp = self.slots[slot].xp;
            if sum + xp > bounds.high {
                continue;
            }
            let same = self.current.last().is_some_and(|(last, _)| *last == slot);
            if same {
                if let Some(last) = self.current.last_mut() {
                    last.1 += 1;
                }
            } else if self.current.len() < bounds.max_distinct {
                self.current.push((slot, 1));
            } else {
                continue;
            }
            let done = self.visit(position, count + 1, sum + xp);
            if same {
                if let Some(last) = self.current.last_mut() {
                    last.1 -= 1;
                }
            } else {
                self.current.pop();
            }
            if done {
                return true;
            }
        }
        false
    }
}
