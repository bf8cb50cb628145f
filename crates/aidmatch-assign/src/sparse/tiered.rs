//! Cold solves of components whose rows carry several tiers, tier by tier.
//!
//! With tiers, compound weights differ by huge bonuses. Adding the nodes in index
//! order then makes searches slow: a column whose heaviest arc is of tier 1 has a gap
//! of the size of the tier-1 bonus, and when every tier-1 row it reaches is matched,
//! its backward search explores the whole alternating region of tier-1 (and tier-2)
//! rows, where every distance is tiny next to the bonus differences, before it settles
//! for a free row of a lower tier. Every column repeats that exploration.
//!
//! Here the rows of the top tier (the largest bonus) are added first, by the
//! column-driven fill over those rows only (the other rows are inactive, outside the
//! network), so a search can only end at a free top-tier row or at the gap. Then the
//! remaining rows are added one at a time by forward searches, in order of decreasing
//! bonus. A lower-tier row's gap is at most its own compound weight minus the prices of
//! its columns, which are at the level of the tier that fills them: a column full of
//! higher-tier rows gives no gap at all, and a search stays within distances of the
//! row's own tier.
//!
//! Exactness is the successive-shortest-path argument the solver already relies on:
//! every step (filling a column over the active rows, adding an inactive row) keeps the
//! flow optimal for the active rows with every residual reduced cost non-negative, and
//! neither step depends on the order in which nodes are added. The certificate is
//! written by the same `finish`.
//!
//! Complexity: as the solver's (`O(F · (m + n log n))` worst case); the point is that
//! searches end early.

use super::{Cost, Fail, Solver};

impl<C: Cost> Solver<'_, C> {
    /// Whether the component's rows have more than one distinct tier bonus.
    pub(in crate::sparse) fn has_several_tiers(&self) -> bool {
        match self.row_bonus.first() {
            Some(&b0) => self.row_bonus.iter().any(|&b| b != b0),
            None => false,
        }
    }

    /// Cold solve, tier by tier (see the module docs): the top tier's rows by columns,
    /// then every other row by a forward search, in order of decreasing bonus (ties in
    /// index order).
    pub(in crate::sparse) fn run_cold_tiered(&mut self) -> Result<(), Fail> {
        let Some(&top) = self.row_bonus.iter().max() else {
            return Ok(());
        };
        // Phase 1: only the top tier's rows are in the network.
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            self.active[r] = self.row_bonus[r] == top;
            self.pi[r] = self.pi[self.head[r] as usize];
        }
        self.build_transpose()?;
        let hub = self.pi[self.hub as usize];
        for j in 0..self.nc {
            self.tick()?;
            // Every active row's potential is at least π(O), so `π(O) − c_max` keeps
            // every arc into `j` non-negative (the heaviest entry may belong to an
            // inactive row: the price is then lower than needed, which only widens
            // the gap the search may spend).
            let lo = self.t_start[j];
            let low = if lo < self.t_start[j + 1] {
                self.ensure_sorted(j, lo);
                ck_sub(hub, self.t_list[lo].0)?.min(hub)
            } else {
                hub
            };
            self.pi[self.nr + j] = low;
            self.fill_col(j)?;
        }
        self.drop_transpose();
        // Phase 2: the other rows, highest bonus first.
        let mut order: Vec<u32> = (0..self.nr as u32)
            .filter(|&r| !self.active[r as usize])
            .collect();
        order.sort_by(|&a, &b| self.row_bonus[b as usize].cmp(&self.row_bonus[a as usize]));
        for r in order {
            self.tick()?;
            self.activate_row(r as usize)?;
        }
        Ok(())
    }
}

#[inline]
fn ck_sub<C: Cost>(a: C, b: C) -> Result<C, Fail> {
    a.sub_c(b).ok_or(Fail::Overflow)
}

#[cfg(test)]
mod tests {
    use crate::sparse::solver::Drive;
    use crate::sparse::{Options, run};
    use crate::{Problem, ProblemBuilder};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A medium instance with `tiers` tiers, arc capacities, negative weights, and
    /// groups when `grouped`; over- or under-demanded depending on `cap_hi`.
    fn instance(seed: u64, tiers: u32, grouped: bool, cap_hi: u32) -> Problem {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows = rng.random_range(50..400);
        let cols = rng.random_range(5..60);
        let mut b = ProblemBuilder::new(rows, cols);
        for r in 0..rows {
            let mut used = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(0..8) {
                used.insert(rng.random_range(0..cols));
            }
            for c in used {
                b.arc_with_cap(r, c, rng.random_range(-20..200), rng.random_range(1..3));
            }
        }
        b.col_capacity((0..cols).map(|_| rng.random_range(0..=cap_hi)).collect());
        b.row_supply((0..rows).map(|_| rng.random_range(0..3)).collect());
        b.row_tier((0..rows).map(|_| rng.random_range(1..=tiers)).collect());
        if grouped {
            let ng = rows / 4 + 1;
            b.groups(
                (0..rows).map(|_| rng.random_range(0..ng)).collect(),
                (0..ng).map(|_| rng.random_range(0..4)).collect(),
            );
        }
        b.build().expect("random problem")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// The tier-by-tier cold solve (the default for tiered components) gives the same
        /// quantities by tier and weight as both single-pass drives, with a certificate.
        #[test]
        fn tiered_equals_single_pass(
            seed in any::<u64>(),
            tiers in 3u32..6,
            grouped in any::<bool>(),
            cap_hi in 1u32..12,
            parallel in any::<bool>(),
        ) {
            let p = instance(seed, tiers, grouped, cap_hi);
            let opts = Options { parallel, cancel: None };
            let new = run(&p, None, &opts, Drive::Auto).expect("tiered");
            let rows = run(&p, None, &opts, Drive::Rows).expect("rows");
            let cols = run(&p, None, &opts, Drive::Cols).expect("cols");
            prop_assert!(crate::verify::verify(&p, &new).is_ok(), "{:?}", crate::verify::verify(&p, &new));
            prop_assert_eq!(new.quantity_by_tier(&p), rows.quantity_by_tier(&p));
            prop_assert_eq!(new.weight(&p), rows.weight(&p));
            prop_assert_eq!(new.quantity_by_tier(&p), cols.quantity_by_tier(&p));
            prop_assert_eq!(new.weight(&p), cols.weight(&p));
        }
    }
}
