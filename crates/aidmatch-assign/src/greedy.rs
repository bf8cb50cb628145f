//! A greedy BASELINE for quality comparisons. It is NOT optimal.
//!
//! The exact solver is [`crate::sparse::solve`]; this module exists so that benchmarks
//! and reports can say how much the exact optimum gains over the obvious rule a person
//! would follow by hand: serve the most urgent tier first, and within a tier the best
//! arc first. Greedy can lose both matched quantity (taking an arc may block two others)
//! and weight, and the gap is what the comparison measures. Never use its result as an
//! answer.

use crate::Problem;

/// Greedy flow per arc: arcs in the order (tier ascending, weight descending, arc
/// index), each taking as many units as its capacity and the remaining row supply,
/// column capacity and group capacity allow.
///
/// An arc whose compound weight (weight plus the bonus of its tier, see
/// [`Problem::tier_bonuses`]) is negative is left empty, since flow on it can only
/// lower the objective; when the bonuses overflow, every arc is taken. The result is
/// always feasible (checked by [`crate::verify::verify_feasible`] in the tests), rarely
/// optimal.
///
/// # Example
///
/// ```
/// use aidmatch_assign::{ProblemBuilder, greedy::greedy, reference};
///
/// // Greedy grabs the 5 and is left with the 1; the optimum is 3 + 4.
/// let mut b = ProblemBuilder::new(2, 2);
/// b.arc(0, 0, 5).arc(0, 1, 3).arc(1, 0, 4).arc(1, 1, 1);
/// let problem = b.build()?;
/// assert_eq!(greedy(&problem), vec![1, 0, 0, 1]);
/// assert_eq!(reference::sparse(&problem).1, 7);
/// # Ok::<(), aidmatch_assign::AssignError>(())
/// ```
///
/// # Complexity
/// O(arcs · log arcs + rows + cols + groups) time, O(arcs + rows + cols + groups) space.
pub fn greedy(problem: &Problem) -> Vec<u32> {
    let bonus = problem.tier_bonuses().ok();
    let mut arc_row = vec![0usize; problem.n_arcs()];
    for row in 0..problem.n_rows() {
        for arc in problem.arcs_of(row) {
            arc_row[arc] = row;
        }
    }
    // Keys are unique (they end with the arc index), so an unstable sort is deterministic.
    let mut order: Vec<(u32, std::cmp::Reverse<i64>, usize)> = (0..problem.n_arcs())
        .map(|a| {
            (
                problem.row_tier(arc_row[a]),
                std::cmp::Reverse(problem.arc_weight(a)),
                a,
            )
        })
        .collect();
    order.sort_unstable();
    let mut row_left: Vec<u32> = (0..problem.n_rows())
        .map(|r| problem.row_supply(r))
        .collect();
    let mut col_left: Vec<u32> = (0..problem.n_cols())
        .map(|c| problem.col_capacity(c))
        .collect();
    let mut group_left: Vec<u32> = (0..problem.n_groups())
        .map(|g| problem.group_capacity(g))
        .collect();
    let mut flow = vec![0u32; problem.n_arcs()];
    for (_, _, arc) in order {
        let row = arc_row[arc];
        if let Some(bonus) = &bonus {
            let tier_bonus = bonus
                .get(problem.row_tier(row) as usize - 1)
                .copied()
                .unwrap_or(0);
            if i128::from(problem.arc_weight(arc)) + tier_bonus < 0 {
                continue;
            }
        }
        let col = problem.arc_col(arc);
        let group = problem.row_group(row);
        let mut take = problem.arc_cap(arc).min(row_left[row]).min(col_left[col]);
        if let Some(g) = group {
            take = take.min(group_left[g]);
        }
        flow[arc] = take;
        row_left[row] -= take;
        col_left[col] -= take;
        if let Some(g) = group {
            group_left[g] -= take;
        }
    }
    flow
}
