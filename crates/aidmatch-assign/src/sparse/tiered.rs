//! Cold solves of components whose rows carry several tiers, one tier at a time.
//!
//! With tiers, compound weights differ by huge bonuses. Adding all rows at once and
//! filling the columns one by one is then slow: a column's gap includes the tier-1
//! bonus, and once the tier-1 rows it reaches are matched, its backward search explores
//! the tier-1 alternating region (every distance there is tiny next to the bonus
//! differences) before it settles for a free row of a lower tier, and every column
//! repeats that (on the two-lists 20k family with three tiers, 60 to 95 nodes settled
//! per search instead of 4).
//!
//! Here the rows enter tier by tier, highest bonus first. A tier whose supply fits in
//! the free column capacity is added row by row (forward searches end at a free
//! column). Otherwise the tier is added by columns: with `π(O)` the hub potential and
//! `D = max(0, max over the tier's arcs of c_a + π(j) − π(O))`, every column potential
//! and the potential of every active row carrying flow are lowered by `D`; arcs among
//! them keep their reduced costs, the new rows enter free at `π(O)` with non-negative
//! reduced costs, free active rows stay at `π(O)`, and a column with free capacity now
//! has a positive price, which a backward search over the active rows spends
//! (`fill_col`). A row carrying flow needs its price `π(i) − π(O) ≥ D` to move down
//! (its arc back to `O` must stay non-negative, and the lazy column scan needs every
//! active row at or above `π(O)`); rows that do not qualify are taken out and added back
//! by forward searches at the end, highest bonus first. Searches of a tier's phase thus
//! end at free rows of that tier.
//!
//! Groups (the rows' head nodes) take part in the shift: a group carrying flow whose
//! price `π(g) − π(O)` covers `D` moves down with all its rows carrying flow (its free
//! rows must sit at least `D` below it, or are taken out); any other group stays, and
//! its rows carrying flow move only if their own price `π(i) − π(g)` covers `D`. When a
//! row carrying flow is taken out of a group priced above `π(O)`, the group would get
//! room with a negative arc `O → g`, so every row of that group is taken out and the
//! group goes back to `π(O)`. A group without flow is raised to `π(O)` (only arcs out
//! of it gain), so new rows enter every group at `π(O)`.
//!
//! Exactness: every step keeps every residual reduced cost non-negative and the flow
//! optimal for the active rows (the shift changes no reduced cost between shifted
//! nodes and only raises the others or opens a column gap that `fill_col` closes), and
//! successive shortest paths do not depend on the order of insertion. The certificate
//! is written by the same `finish`.
//!
//! Complexity: `O(tiers · (m + n))` for the shifts, plus the searches
//! (`O(F · (m + n log n))` in the worst case, as the single pass).

use super::{Cost, Fail, Solver};

impl<C: Cost> Solver<'_, C> {
    /// Whether the component's rows have more than one distinct tier bonus.
    pub(in crate::sparse) fn has_several_tiers(&self) -> bool {
        match self.row_bonus.first() {
            Some(&b0) => self.row_bonus.iter().any(|&b| b != b0),
            None => false,
        }
    }

    /// Cold solve, tier by tier (see the module docs).
    pub(in crate::sparse) fn run_cold_tiered(&mut self) -> Result<(), Fail> {
        let p = self.sh.problem;
        let mut levels: Vec<C> = self.row_bonus.clone();
        levels.sort_unstable_by(|a, b| b.cmp(a));
        levels.dedup();
        let hub = self.hub as usize;
        let (nr, nc, ng) = (self.nr, self.nc, self.ng);
        self.active.fill(false);
        let mut out: Vec<u32> = Vec::new();
        let mut built = false;
        let mut shift_group = vec![false; ng];
        let mut drop_group = vec![false; ng];
        for &b in &levels {
            self.check_cancel()?;
            let rows: Vec<u32> = (0..nr as u32)
                .filter(|&r| self.row_bonus[r as usize] == b)
                .collect();
            let supply: u64 = rows
                .iter()
                .map(|&r| u64::from(self.supply[r as usize]))
                .sum();
            let room: u64 = (0..nc)
                .map(|j| u64::from(self.col_cap[j] - self.col_flow[j]))
                .sum();
            if supply <= room {
                for &r in &rows {
                    self.tick()?;
                    self.activate_row(r as usize)?;
                }
                continue;
            }
            // Shift: D = the most any new arc would be short with the new row at π(O).
            let ph = self.pi[hub];
            let mut shift = C::ZERO;
            for &r in &rows {
                let gr = self.part.rows[r as usize] as usize;
                for ga in p.arcs_of(gr) {
                    let j = self.sh.col_local[p.arc_col(ga)] as usize;
                    let c = C::from_i64(p.arc_weight(ga)) + b;
                    let need = ck_sub(ck_add(c, self.pi[nr + j])?, ph)?;
                    if need > shift {
                        shift = need;
                    }
                }
            }
            // Groups with flow whose price covers the shift move down with their rows.
            for g in 0..ng {
                let t = ck_sub(self.pi[nr + nc + g], ph)?;
                shift_group[g] = self.group_flow[g] > 0 && t >= shift;
                drop_group[g] = false;
            }
            // Active rows: those with flow move down with the columns when their price
            // (or their group's) covers the shift; free ones stay; all others are taken
            // out, with every row of their group when the group has a positive price.
            for r in 0..nr {
                if !self.active[r] {
                    continue;
                }
                let h = self.head[r] as usize;
                let g = (h != hub).then(|| h - nr - nc);
                if g.is_some_and(|g| shift_group[g]) {
                    // The group moves too: rows with flow follow it; a free row must
                    // stay at or below the group's new potential.
                    if self.row_flow[r] > 0 {
                        self.pi[r] = ck_sub(self.pi[r], shift)?;
                    } else if ck_sub(self.pi[h], shift)? < self.pi[r] {
                        self.deactivate_row(r);
                        out.push(r as u32);
                    }
                    continue;
                }
                if self.row_flow[r] == 0 {
                    if self.pi[r] < ph {
                        self.deactivate_row(r);
                        out.push(r as u32);
                    }
                    continue;
                }
                let y = ck_sub(self.pi[r], self.pi[h])?;
                if self.row_flow[r] == self.supply[r] && y >= shift {
                    self.pi[r] = ck_sub(self.pi[r], shift)?;
                } else {
                    if let Some(g) = g {
                        if self.pi[h] > ph {
                            drop_group[g] = true;
                        }
                    }
                    self.deactivate_row(r);
                    out.push(r as u32);
                }
            }
            for g in 0..ng {
                let v = nr + nc + g;
                if shift_group[g] {
                    self.pi[v] = ck_sub(self.pi[v], shift)?;
                } else if drop_group[g] {
                    for idx in self.group_start[g]..self.group_start[g + 1] {
                        let r = self.group_rows[idx] as usize;
                        if self.active[r] {
                            self.deactivate_row(r);
                            out.push(r as u32);
                        }
                    }
                    self.pi[v] = ph;
                } else if self.group_flow[g] == 0 && self.pi[v] < ph {
                    // No flow: π(g) may rise to π(O) (only arcs out of g gain).
                    self.pi[v] = ph;
                }
            }
            for j in 0..nc {
                self.pi[nr + j] = ck_sub(self.pi[nr + j], shift)?;
            }
            for &r in &rows {
                self.active[r as usize] = true;
                self.pi[r as usize] = ph;
            }
            self.all_entries_live();
            if !built {
                self.build_transpose()?;
                built = true;
            }
            for j in 0..nc {
                if self.col_flow[j] < self.col_cap[j] && self.pi[nr + j] < self.pi[hub] {
                    self.tick()?;
                    self.fill_col(j)?;
                }
            }
        }
        if built {
            // The row searches below may need the index for zero-cost paths to full
            // groups (`hub_to_full_group`); rebuilding it costs a pass over the arcs.
            self.index_for_zero = true;
        }
        out.sort_by(|&a, &b| self.row_bonus[b as usize].cmp(&self.row_bonus[a as usize]));
        for r in out {
            if !self.active[r as usize] {
                self.tick()?;
                self.activate_row(r as usize)?;
            }
        }
        self.drop_zero_index();
        Ok(())
    }
}

#[inline]
fn ck_add<C: Cost>(a: C, b: C) -> Result<C, Fail> {
    a.add_c(b).ok_or(Fail::Overflow)
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
        instance_with(seed, tiers, grouped, cap_hi, -20..200)
    }

    /// As [`instance`], with weights drawn from `weights` (a narrow range gives plateaus
    /// of equal reduced costs and many zero-cost sibling swaps in full groups).
    fn instance_with(
        seed: u64,
        tiers: u32,
        grouped: bool,
        cap_hi: u32,
        weights: std::ops::Range<i64>,
    ) -> Problem {
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
                b.arc_with_cap(
                    r,
                    c,
                    rng.random_range(weights.clone()),
                    rng.random_range(1..3),
                );
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

        /// Narrow weights and households of two to four rows sharing one or two units:
        /// full groups, sibling swaps of zero reduced cost and plateaus everywhere. Every
        /// drive (the tiered one, by rows, by columns) gives a verified certificate and
        /// the same optimum.
        #[test]
        fn plateaus_and_full_groups(
            seed in any::<u64>(),
            tiers in 1u32..4,
            cap_hi in 1u32..6,
        ) {
            let p = instance_with(seed, tiers, true, cap_hi, 0..3);
            let opts = Options { parallel: false, cancel: None };
            let auto = run(&p, None, &opts, Drive::Auto).expect("auto");
            prop_assert!(crate::verify::verify(&p, &auto).is_ok(), "{:?}", crate::verify::verify(&p, &auto));
            for drive in [Drive::Rows, Drive::Cols] {
                let other = run(&p, None, &opts, drive).expect("single pass");
                prop_assert!(crate::verify::verify(&p, &other).is_ok());
                prop_assert_eq!(auto.quantity_by_tier(&p), other.quantity_by_tier(&p));
                prop_assert_eq!(auto.weight(&p), other.weight(&p));
            }
        }
    }
}
