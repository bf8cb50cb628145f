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
    pub fn pairs<'a>(
        &'a self,
        problem: &'a crate::Problem,
    ) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        (0..problem.n_rows()).flat_map(move |row| {
            problem
                .arcs_of(row)
                .filter(|&a| self.flow[a] > 0)
                .map(move |a| (row, problem.arc_col(a), self.flow[a]))
        })
    }
}
