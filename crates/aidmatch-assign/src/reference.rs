//! Exhaustive brute-force solvers for tiny instances: the oracle of the property tests.
//!
//! These functions try every solution, so they are obviously correct and hopelessly
//! slow: use them only on instances of a handful of rows and columns, to check the real
//! solvers of [`crate::dense`] and [`crate::sparse`] (and the layers above them). They
//! share no code with those solvers, and the sparse oracle compares tiers
//! lexicographically by itself instead of trusting [`Problem::tier_bonuses`], so it
//! also tests that the bonuses deliver the lexicographic optimum.
//!
//! # Example
//!
//! ```
//! use aidmatch_assign::{ProblemBuilder, reference};
//!
//! // Rows 0 and 1 are tier 1, row 2 tier 2. Weight alone would take 100 + 50; the
//! // lexicographic optimum serves both tier-1 rows first (1 + 1) and row 2 not at all.
//! let mut b = ProblemBuilder::new(3, 2);
//! b.arc(0, 0, 100).arc(0, 1, 1).arc(1, 0, 1).arc(2, 1, 50);
//! b.row_tier(vec![1, 1, 2]);
//! let problem = b.build()?;
//! assert_eq!(reference::sparse(&problem), (vec![2, 0], 2));
//! # Ok::<(), aidmatch_assign::AssignError>(())
//! ```
//!
//! # Size limits (preconditions)
//!
//! This module is test support: its size limits are documented preconditions, checked
//! by `assert!`, and a call beyond them panics instead of running for hours.
//!
//! * [`dense_i64`], [`dense_f64`]: at most [`DENSE_LIMIT`] complete assignments
//!   (`cols! / (cols − rows)!` when `rows ≤ cols`), e.g. a 10 × 10 matrix.
//! * [`sparse`]: at most [`SPARSE_LIMIT`] candidate flows, counted as the product over
//!   arcs of `1 + min(arc cap, supply, column capacity, group capacity)`; for example
//!   10 arcs of capacity 3, or 20 arcs of capacity 1.

use crate::Problem;
use crate::dense::Sense;

/// Largest number of complete assignments [`dense_i64`] and [`dense_f64`] enumerate.
pub const DENSE_LIMIT: u64 = 4_000_000;
/// Largest number of candidate flows (see the [module docs](self)) [`sparse`] accepts.
pub const SPARSE_LIMIT: u64 = 1 << 22;

/// Number of injective maps from the smaller side into the larger, saturating.
fn injections(rows: usize, cols: usize) -> u64 {
    let (small, large) = (rows.min(cols) as u64, rows.max(cols) as u64);
    (0..small).fold(1u64, |acc, k| acc.saturating_mul(large - k))
}

/// Enumerates every injective map of the smaller side into the larger and returns the
/// best total of `cost(row, col)` (`None` entries forbidden), or `None` if no complete
/// map avoids the forbidden entries.
fn best_assignment<T: Copy + PartialOrd + std::ops::Add<Output = T>>(
    rows: usize,
    cols: usize,
    zero: T,
    cost: &dyn Fn(usize, usize) -> Option<T>,
    sense: Sense,
) -> Option<T> {
    let transposed = rows > cols;
    let (small, large) = if transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let entry = |s: usize, l: usize| {
        if transposed { cost(l, s) } else { cost(s, l) }
    };
    let better = |a: T, b: T| match sense {
        Sense::Maximize => a > b,
        _ => a < b,
    };
    let mut search = Injections {
        small,
        large,
        used: vec![false; large],
        best: None,
        entry: &entry,
        better: &better,
    };
    search.go(0, zero);
    search.best
}

/// Depth-first enumeration of the injective maps of [`best_assignment`].
struct Injections<'a, T> {
    small: usize,
    large: usize,
    used: Vec<bool>,
    best: Option<T>,
    entry: &'a dyn Fn(usize, usize) -> Option<T>,
    better: &'a dyn Fn(T, T) -> bool,
}

impl<T: Copy + std::ops::Add<Output = T>> Injections<'_, T> {
    /// Places element `s` of the smaller side, the first `s` having cost `total`.
    fn go(&mut self, s: usize, total: T) {
        if s == self.small {
            if self.best.is_none_or(|b| (self.better)(total, b)) {
                self.best = Some(total);
            }
            return;
        }
        for l in 0..self.large {
            if self.used[l] {
                continue;
            }
            if let Some(c) = (self.entry)(s, l) {
                self.used[l] = true;
                self.go(s + 1, total + c);
                self.used[l] = false;
            }
        }
    }
}

/// Optimal objective of the integer assignment problem, by enumeration: the best sum
/// over all assignments of `min(rows, cols)` pairs that use only permitted entries, or
/// `None` when there is none (infeasible). An empty side gives `Some(0)`.
///
/// # Panics
/// When `costs` or `allowed` is not `rows × cols` long, or the instance exceeds
/// [`DENSE_LIMIT`] (a documented precondition: this is test support).
///
/// # Complexity
/// O(cols! / (cols − rows)! · rows) time for `rows ≤ cols` (symmetrically otherwise).
pub fn dense_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
) -> Option<i128> {
    assert_eq!(
        costs.len(),
        rows * cols,
        "costs must have rows × cols entries"
    );
    if let Some(a) = allowed {
        assert_eq!(
            a.len(),
            rows * cols,
            "allowed must have rows × cols entries"
        );
    }
    assert!(
        injections(rows, cols) <= DENSE_LIMIT,
        "reference::dense_i64 is for tiny instances only"
    );
    let cost = |i: usize, j: usize| {
        let k = i * cols + j;
        allowed.is_none_or(|a| a[k]).then(|| i128::from(costs[k]))
    };
    best_assignment(rows, cols, 0i128, &cost, sense)
}

/// Optimal objective of the float assignment problem, by enumeration. Every
/// non-finite entry is treated as forbidden (`+inf` when minimising is scipy's
/// convention; NaN and the other infinity are errors for the real solver, so callers
/// should not compare on them). `None` when no complete assignment exists.
///
/// The sum is accumulated in the order of the smaller side, so it may differ from a
/// solver's sum in the last bits: compare with a tolerance.
///
/// # Panics
/// When `costs` is not `rows × cols` long, or the instance exceeds [`DENSE_LIMIT`].
///
/// # Complexity
/// As [`dense_i64`].
pub fn dense_f64(costs: &[f64], rows: usize, cols: usize, sense: Sense) -> Option<f64> {
    assert_eq!(
        costs.len(),
        rows * cols,
        "costs must have rows × cols entries"
    );
    assert!(
        injections(rows, cols) <= DENSE_LIMIT,
        "reference::dense_f64 is for tiny instances only"
    );
    let cost = |i: usize, j: usize| {
        let c = costs[i * cols + j];
        c.is_finite().then_some(c)
    };
    best_assignment(rows, cols, 0.0f64, &cost, sense)
}

/// Whether the problem's objective is lexicographic by tier: rows carry tiers (even if
/// all are tier 1). Otherwise the objective is the weight alone (every bonus of
/// [`Problem::tier_bonuses`] is 0).
pub fn is_tiered(problem: &Problem) -> bool {
    problem.has_tiers() && problem.n_tiers() >= 1
}

/// The state of the exhaustive search over flows.
struct Search<'p> {
    problem: &'p Problem,
    arc_row: Vec<usize>,
    tiered: bool,
    row_left: Vec<u64>,
    col_left: Vec<u64>,
    group_left: Vec<u64>,
    quantity: Vec<u64>,
    weight: i128,
    best: Option<(Vec<u64>, i128)>,
}

impl Search<'_> {
    /// Whether `(q, w)` beats the best so far: tiered, `(q_1, …, q_T, w)`
    /// lexicographically; untiered, the weight, then the quantity.
    fn improves(&self, q: &[u64], w: i128) -> bool {
        let Some((bq, bw)) = &self.best else {
            return true;
        };
        if self.tiered {
            (q, w) > (bq.as_slice(), *bw)
        } else {
            (w, q.iter().sum::<u64>()) > (*bw, bq.iter().sum::<u64>())
        }
    }

    fn go(&mut self, arc: usize) {
        let p = self.problem;
        if arc == p.n_arcs() {
            if self.improves(&self.quantity, self.weight) {
                self.best = Some((self.quantity.clone(), self.weight));
            }
            return;
        }
        let row = self.arc_row[arc];
        let col = p.arc_col(arc);
        let group = p.row_group(row);
        let mut hi = u64::from(p.arc_cap(arc))
            .min(self.row_left[row])
            .min(self.col_left[col]);
        if let Some(g) = group {
            hi = hi.min(self.group_left[g]);
        }
        let tier = p.row_tier(row) as usize - 1;
        let w = i128::from(p.arc_weight(arc));
        for x in 0..=hi {
            self.row_left[row] -= x;
            self.col_left[col] -= x;
            if let Some(g) = group {
                self.group_left[g] -= x;
            }
            self.quantity[tier] += x;
            self.weight += w * i128::from(x);
            self.go(arc + 1);
            self.weight -= w * i128::from(x);
            self.quantity[tier] -= x;
            if let Some(g) = group {
                self.group_left[g] += x;
            }
            self.col_left[col] += x;
            self.row_left[row] += x;
        }
    }
}

/// Best `(quantity_by_tier, weight)` of a sparse problem, by enumerating every integer
/// flow within arc capacities, row supplies, column capacities and group capacities.
///
/// `quantity_by_tier[t - 1]` is the number of units received by rows of tier `t`
/// (length [`Problem::n_tiers`]) and `weight` is `Σ w_a · flow_a`, as computed by
/// [`crate::Matching::quantity_by_tier`] and [`crate::Matching::weight`].
///
/// The comparison follows the objective of [`crate::sparse::solve`] (the compound
/// weights of [`Problem::tier_bonuses`]), but is implemented directly:
/// * tiered problems (see [`is_tiered`]): lexicographically, more tier-1 units first,
///   then more tier-2 units, …, then more weight. This value is unique, so a solver
///   must match both parts;
/// * otherwise: the weight alone, so only the weight is unique. Among flows of best
///   weight the one with the most units is reported, but a solver may legitimately
///   return fewer (for example by leaving zero-weight arcs empty).
///
/// The empty flow is always feasible, so there is always an answer.
///
/// # Panics
/// When the instance exceeds [`SPARSE_LIMIT`] candidate flows (a documented
/// precondition: this is test support).
///
/// # Complexity
/// O(Π_a (1 + effective cap_a)) time, O(rows + cols + arcs) space.
pub fn sparse(problem: &Problem) -> (Vec<u64>, i128) {
    let mut arc_row = vec![0usize; problem.n_arcs()];
    for row in 0..problem.n_rows() {
        for arc in problem.arcs_of(row) {
            arc_row[arc] = row;
        }
    }
    let candidates = (0..problem.n_arcs()).fold(1u64, |acc, arc| {
        let row = arc_row[arc];
        let mut hi = problem
            .arc_cap(arc)
            .min(problem.row_supply(row))
            .min(problem.col_capacity(problem.arc_col(arc)));
        if let Some(g) = problem.row_group(row) {
            hi = hi.min(problem.group_capacity(g));
        }
        acc.saturating_mul(u64::from(hi) + 1)
    });
    assert!(
        candidates <= SPARSE_LIMIT,
        "reference::sparse is for tiny instances only ({candidates} candidate flows)"
    );
    let mut search = Search {
        problem,
        arc_row,
        tiered: is_tiered(problem),
        row_left: (0..problem.n_rows())
            .map(|r| u64::from(problem.row_supply(r)))
            .collect(),
        col_left: (0..problem.n_cols())
            .map(|c| u64::from(problem.col_capacity(c)))
            .collect(),
        group_left: (0..problem.n_groups())
            .map(|g| u64::from(problem.group_capacity(g)))
            .collect(),
        quantity: vec![0; problem.n_tiers()],
        weight: 0,
        best: None,
    };
    search.go(0);
    search
        .best
        .unwrap_or_else(|| (vec![0; problem.n_tiers()], 0))
}
