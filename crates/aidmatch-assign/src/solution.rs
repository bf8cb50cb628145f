//! The result of a sparse solve: flows on arcs and the dual prices that prove them optimal.

/// An optimal b-matching of a [`crate::Problem`], with its certificate.
///
/// # The certificate
///
/// Write `c_a = w_a + bonus(tier(row(a)))` for the compound weight of arc `a` from row
/// `i` (in group `g`) to column `j`. The dual prices are non-negative integers
/// `row_price[i]`, `col_price[j]`, `group_price[g]` (0 when rows are not grouped), and
/// the *reduced weight* of an arc is `r_a = c_a − row_price[i] − group_price[g] − col_price[j]`.
/// The flow is optimal exactly when, besides being feasible:
///
/// * `r_a > 0` only on arcs at their capacity (`flow[a] = cap_a`);
/// * `r_a < 0` only on arcs without flow;
/// * `row_price[i] > 0` only for rows that received their whole supply, and likewise
///   `col_price[j] > 0` only for full columns and `group_price[g] > 0` only for full groups.
///
/// [`crate::verify::verify`] checks all of this in O(arcs) on its own code path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// Units of flow on every arc, indexed like the problem's arcs.
    pub flow: Vec<u32>,
    /// Dual price of every row.
    pub row_price: Vec<i128>,
    /// Dual price of every column.
    pub col_price: Vec<i128>,
    /// Dual price of every group (empty when rows are not grouped).
    pub group_price: Vec<i128>,
    /// The tier bonuses the solve used (see [`crate::Problem::tier_bonuses`]).
    pub tier_bonus: Vec<i128>,
}

impl Matching {
    /// Total weight `Σ w_a · flow_a` (without tier bonuses).
    pub fn weight(&self, problem: &crate::Problem) -> i128 {
        self.flow
            .iter()
            .enumerate()
            .filter(|&(_, &f)| f > 0)
            .map(|(a, &f)| i128::from(problem.arc_weight(a)) * i128::from(f))
            .sum()
    }

    /// Matched quantity of every tier: `result[t - 1]` for tier `t`.
    pub fn quantity_by_tier(&self, problem: &crate::Problem) -> Vec<u64> {
        let mut out = vec![0u64; problem.n_tiers()];
        for row in 0..problem.n_rows() {
            let q: u64 = problem.arcs_of(row).map(|a| u64::from(self.flow[a])).sum();
            if q > 0 {
                out[problem.row_tier(row) as usize - 1] += q;
            }
        }
        out
    }

    /// The matched pairs `(row, col, units)`, sorted by row then column.
    ///
    /// One walk over the flow, the row found by a cursor over the row offsets: the
    /// engine calls this once per budget re-solve, and a nested per-row iterator cost
    /// some 40 ms a call over 16 million arcs.
    pub fn pairs<'a>(
        &'a self,
        problem: &'a crate::Problem,
    ) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        let starts = problem.row_start();
        let mut row = 0;
        self.flow
            .iter()
            .take(problem.n_arcs())
            .enumerate()
            .filter(|&(_, &f)| f > 0)
            .map(move |(a, &f)| {
                // Rows without arcs are skipped; `a` lies in some row's range.
                while starts[row + 1] <= a {
                    row += 1;
                }
                (row, problem.arc_col(a), f)
            })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pairs_walk_rows_with_and_without_arcs() {
        // Rows 0 and 2 have no arcs; row 3 has two, one of them matched twice.
        let problem = crate::Problem::from_csr(
            5,
            3,
            &[0, 0, 2, 2, 4, 5],
            &[0, 2, 1, 2, 0],
            &[5, 4, 3, 2, 1],
        )
        .unwrap()
        .build()
        .unwrap();
        let m = Matching {
            flow: vec![0, 1, 1, 2, 1],
            ..Matching::default()
        };
        let pairs: Vec<_> = m.pairs(&problem).collect();
        assert_eq!(pairs, vec![(1, 2, 1), (3, 1, 1), (3, 2, 2), (4, 0, 1)]);
    }
}
