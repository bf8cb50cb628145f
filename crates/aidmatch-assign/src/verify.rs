//! The certificate checker: proves, or refutes, that a solution is optimal.
//!
//! A solver of this crate returns, besides its answer, dual prices that certify it
//! (see [`Matching`] and the dual convention of [`crate::dense`]). This module checks
//! such certificates on its own code path: it reads only the public accessors of
//! [`Problem`] and of [`Assignment`], re-derives every sum, and shares no code with the
//! solvers. A bug in a solver therefore shows up here as a named [`Violation`] instead
//! of being confirmed by the same mistake.
//!
//! By linear-programming duality, a feasible flow together with non-negative prices that
//! satisfy complementary slackness is optimal: the checks below are a complete proof,
//! not a heuristic. Sparse checks run in exact `i128` arithmetic; every operation is
//! checked, and an overflow is reported as [`Violation::Overflow`], never a panic.
//!
//! # Example
//!
//! ```
//! use aidmatch_assign::verify::{Violation, verify};
//! use aidmatch_assign::{ProblemBuilder, sparse};
//!
//! // Two rows, two columns: 5 + 1 loses to 3 + 4.
//! let mut b = ProblemBuilder::new(2, 2);
//! b.arc(0, 0, 5).arc(0, 1, 3).arc(1, 0, 4).arc(1, 1, 1);
//! let problem = b.build()?;
//! let m = sparse::solve(&problem, &sparse::Options::default())?;
//! assert_eq!(verify(&problem, &m), Ok(()));
//! assert_eq!(m.weight(&problem), 7);
//!
//! // The other perfect matching, with the same prices, is refuted.
//! let mut worse = m.clone();
//! worse.flow = vec![1, 0, 0, 1];
//! assert!(matches!(
//!     verify(&problem, &worse),
//!     Err(Violation::NegativeReducedWeightWithFlow { .. })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Order of the checks
//!
//! Each function returns the *first* violation, in this fixed order, so that the same
//! input always gives the same report.
//!
//! [`verify`]: (1) lengths of the matching's arrays; (2) tier bonuses equal to
//! [`Problem::tier_bonuses`]; (3) primal feasibility: arc capacities and row supplies
//! (row by row, arcs in order), then column capacities, then group capacities;
//! (4) signs of row, column, group prices; (5) positive prices only on full rows,
//! columns, groups; (6) reduced weights arc by arc.
//!
//! [`verify_dense_i64`], [`verify_dense_f64`]: (1) shape of the inputs; (2) cost entries
//! valid for the sense; (3) lengths of the assignment; (4) rows strictly increasing,
//! indices in range, no column used twice, `mate` consistent; (5) pairs permitted;
//! (6) duals finite; (7) sign conditions of rectangular problems; (8) equality on
//! assigned pairs; (9) dual feasibility on every permitted entry; (10) objective.
//!
//! # Complexity
//!
//! [`verify`] and [`verify_feasible`]: O(arcs + rows + columns + groups) time and
//! O(columns + groups) extra space. Dense checks: O(rows · columns) time, O(columns)
//! extra space.

use std::fmt;

use crate::dense::{Assignment, Sense};
use crate::{Matching, Problem};

/// A number carried by a [`Violation`]: exact integer or floating point.
///
/// Floats compare by their bit pattern, so that a violation is `Eq` and a NaN equals
/// itself.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    Int(i128),
    Float(f64),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl Eq for Value {}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
        }
    }
}

/// The first reason a solution is not a proven optimum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// An array of the solution (or of the input) has the wrong length.
    #[error("{what} has length {got}, expected {expected}")]
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// The problem's tier bonuses overflow, so no certificate can be checked.
    #[error("the tier bonuses of the problem overflow 128-bit integers")]
    TierBonusUnavailable,
    /// The matching used a different bonus for a tier than [`Problem::tier_bonuses`].
    #[error("tier {tier} has bonus {got}, expected {expected}")]
    TierBonus {
        tier: usize,
        expected: i128,
        got: i128,
    },
    /// An arc carries more flow than its capacity.
    #[error("arc {arc} (row {row}, column {col}) carries {flow} units, above its capacity {cap}")]
    ArcOverCapacity {
        arc: usize,
        row: usize,
        col: usize,
        flow: u32,
        cap: u32,
    },
    /// A row receives more units than its supply.
    #[error("row {row} receives {used} units, above its supply {supply}")]
    RowOverSupply { row: usize, used: u64, supply: u32 },
    /// A column gives more units than its capacity.
    #[error("column {col} gives {used} units, above its capacity {capacity}")]
    ColumnOverCapacity {
        col: usize,
        used: u64,
        capacity: u32,
    },
    /// The rows of a group receive more units than the group's capacity.
    #[error("group {group} receives {used} units, above its capacity {capacity}")]
    GroupOverCapacity {
        group: usize,
        used: u64,
        capacity: u32,
    },
    /// A row price is negative.
    #[error("row {row} has negative price {price}")]
    NegativeRowPrice { row: usize, price: i128 },
    /// A column price is negative.
    #[error("column {col} has negative price {price}")]
    NegativeColumnPrice { col: usize, price: i128 },
    /// A group price is negative.
    #[error("group {group} has negative price {price}")]
    NegativeGroupPrice { group: usize, price: i128 },
    /// A row that did not receive its whole supply has a positive price.
    #[error("row {row} has price {price} but receives only {used} of its supply {supply}")]
    PricedRowNotFull {
        row: usize,
        price: i128,
        used: u64,
        supply: u32,
    },
    /// A column that is not full has a positive price.
    #[error("column {col} has price {price} but gives only {used} of its capacity {capacity}")]
    PricedColumnNotFull {
        col: usize,
        price: i128,
        used: u64,
        capacity: u32,
    },
    /// A group that is not full has a positive price.
    #[error("group {group} has price {price} but receives only {used} of its capacity {capacity}")]
    PricedGroupNotFull {
        group: usize,
        price: i128,
        used: u64,
        capacity: u32,
    },
    /// An arc with positive reduced weight is below its capacity: more flow would pay.
    #[error(
        "arc {arc} (row {row}, column {col}) has reduced weight {reduced} > 0 but carries {flow} of its capacity {cap}"
    )]
    PositiveReducedWeightBelowCapacity {
        arc: usize,
        row: usize,
        col: usize,
        reduced: i128,
        flow: u32,
        cap: u32,
    },
    /// An arc with negative reduced weight carries flow: less flow would pay.
    #[error(
        "arc {arc} (row {row}, column {col}) has reduced weight {reduced} < 0 but carries {flow} units"
    )]
    NegativeReducedWeightWithFlow {
        arc: usize,
        row: usize,
        col: usize,
        reduced: i128,
        flow: u32,
    },
    /// An exact sum does not fit its integer type; `index` is the arc, row, column or
    /// group being checked (see `what`).
    #[error("arithmetic overflow computing the {what} of index {index}")]
    Overflow { what: &'static str, index: usize },
    /// An index of a dense assignment is outside the matrix.
    #[error("{what} {index} is out of range (there are {len})")]
    IndexOutOfRange {
        what: &'static str,
        index: usize,
        len: usize,
    },
    /// The rows of a dense assignment are not strictly increasing.
    #[error(
        "assigned row {row} at position {position} does not follow row {previous} in increasing order"
    )]
    RowsNotIncreasing {
        position: usize,
        previous: usize,
        row: usize,
    },
    /// Two rows of a dense assignment share a column.
    #[error("column {col} is assigned to both row {first_row} and row {second_row}")]
    ColumnUsedTwice {
        col: usize,
        first_row: usize,
        second_row: usize,
    },
    /// `Assignment::mate` disagrees with `row_ind`/`col_ind`.
    #[error("mate of row {row} is {got:?}, expected {expected:?}")]
    MateMismatch {
        row: usize,
        expected: Option<usize>,
        got: Option<usize>,
    },
    /// An assigned pair is a forbidden entry.
    #[error("row {row} is assigned to column {col}, a forbidden entry")]
    ForbiddenPair { row: usize, col: usize },
    /// A cost entry is NaN, or an infinity of the wrong sign for the sense.
    #[error("cost at row {row}, column {col} is invalid: {value}")]
    InvalidCost {
        row: usize,
        col: usize,
        value: Value,
    },
    /// A dual value is NaN or infinite.
    #[error("{side} dual {index} is not finite: {value}")]
    NonFiniteDual {
        side: &'static str,
        index: usize,
        value: Value,
    },
    /// Dual feasibility fails on a permitted entry: `u_i + v_j > c_ij` when minimising,
    /// `u_i + v_j < c_ij` when maximising.
    #[error("duals of row {row} and column {col} sum to {sum}, beyond the cost {cost}")]
    DualInfeasible {
        row: usize,
        col: usize,
        sum: Value,
        cost: Value,
    },
    /// The duals of an assigned pair do not sum to its cost.
    #[error("assigned pair (row {row}, column {col}) has dual sum {sum}, not its cost {cost}")]
    NotTight {
        row: usize,
        col: usize,
        sum: Value,
        cost: Value,
    },
    /// A dual of the larger side of a rectangular problem has the wrong sign
    /// (positive when minimising, negative when maximising).
    #[error("{side} dual {index} has the wrong sign: {dual}")]
    DualSign {
        side: &'static str,
        index: usize,
        dual: Value,
    },
    /// An unassigned row or column of a rectangular problem has a non-zero dual.
    #[error("unassigned {side} {index} has non-zero dual {dual}")]
    UnassignedDualNonZero {
        side: &'static str,
        index: usize,
        dual: Value,
    },
    /// The reported objective is not the sum of the costs of the assigned pairs.
    #[error("reported objective {reported} differs from the sum of assigned costs {computed}")]
    ObjectiveMismatch { reported: Value, computed: Value },
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), Violation> {
    if expected == got {
        Ok(())
    } else {
        Err(Violation::Length {
            what,
            expected,
            got,
        })
    }
}

/// The units each row, column and group uses, after checking primal feasibility.
struct Usage {
    row: Vec<u64>,
    col: Vec<u64>,
    group: Vec<u64>,
}

/// Primal feasibility of `flow` (already of the right length), returning the usage.
fn feasibility(problem: &Problem, flow: &[u32]) -> Result<Usage, Violation> {
    let mut row_used = vec![0u64; problem.n_rows()];
    let mut col_used = vec![0u64; problem.n_cols()];
    let mut group_used = vec![0u64; problem.n_groups()];
    for (row, row_total) in row_used.iter_mut().enumerate() {
        let mut used: u64 = 0;
        for arc in problem.arcs_of(row) {
            let col = problem.arc_col(arc);
            let (f, cap) = (flow[arc], problem.arc_cap(arc));
            if f > cap {
                return Err(Violation::ArcOverCapacity {
                    arc,
                    row,
                    col,
                    flow: f,
                    cap,
                });
            }
            used = used.checked_add(u64::from(f)).ok_or(Violation::Overflow {
                what: "units received",
                index: row,
            })?;
            col_used[col] = col_used[col]
                .checked_add(u64::from(f))
                .ok_or(Violation::Overflow {
                    what: "units given",
                    index: col,
                })?;
        }
        let supply = problem.row_supply(row);
        if used > u64::from(supply) {
            return Err(Violation::RowOverSupply { row, used, supply });
        }
        *row_total = used;
        if let Some(g) = problem.row_group(row) {
            group_used[g] = group_used[g].checked_add(used).ok_or(Violation::Overflow {
                what: "units of group",
                index: g,
            })?;
        }
    }
    for (col, &used) in col_used.iter().enumerate() {
        let capacity = problem.col_capacity(col);
        if used > u64::from(capacity) {
            return Err(Violation::ColumnOverCapacity {
                col,
                used,
                capacity,
            });
        }
    }
    for (group, &used) in group_used.iter().enumerate() {
        let capacity = problem.group_capacity(group);
        if used > u64::from(capacity) {
            return Err(Violation::GroupOverCapacity {
                group,
                used,
                capacity,
            });
        }
    }
    Ok(Usage {
        row: row_used,
        col: col_used,
        group: group_used,
    })
}

/// Checks only primal feasibility of a flow: one entry per arc, within arc capacities,
/// row supplies, column capacities and group capacities. This is what a heuristic such
/// as [`crate::greedy::greedy`] must satisfy; it says nothing about optimality.
///
/// # Errors
/// The first violation among [`Violation::Length`], [`Violation::ArcOverCapacity`],
/// [`Violation::RowOverSupply`], [`Violation::ColumnOverCapacity`],
/// [`Violation::GroupOverCapacity`], [`Violation::Overflow`].
///
/// # Complexity
/// O(arcs + rows + columns + groups).
pub fn verify_feasible(problem: &Problem, flow: &[u32]) -> Result<(), Violation> {
    check_len("flow", problem.n_arcs(), flow.len())?;
    feasibility(problem, flow).map(|_| ())
}

/// Checks that `m` is an optimal b-matching of `problem`, proven by its dual prices.
///
/// The conditions are those documented on [`Matching`]: feasibility, non-negative
/// prices, tier bonuses equal to [`Problem::tier_bonuses`], and complementary
/// slackness with reduced weights `r_a = w_a + bonus − row_price − group_price −
/// col_price` computed exactly. Together they prove optimality for the compound
/// weights; they do not depend on how the solution was found.
///
/// # Errors
/// The first [`Violation`] in the order given in the [module docs](self).
///
/// # Complexity
/// O(arcs + rows + columns + groups) time.
pub fn verify(problem: &Problem, m: &Matching) -> Result<(), Violation> {
    // (1) Lengths.
    check_len("flow", problem.n_arcs(), m.flow.len())?;
    check_len("row_price", problem.n_rows(), m.row_price.len())?;
    check_len("col_price", problem.n_cols(), m.col_price.len())?;
    check_len("group_price", problem.n_groups(), m.group_price.len())?;
    // (2) Tier bonuses, recomputed from the problem rather than trusted.
    let bonus = problem
        .tier_bonuses()
        .map_err(|_| Violation::TierBonusUnavailable)?;
    check_len("tier_bonus", bonus.len(), m.tier_bonus.len())?;
    for (t, (&expected, &got)) in bonus.iter().zip(&m.tier_bonus).enumerate() {
        if expected != got {
            return Err(Violation::TierBonus {
                tier: t + 1,
                expected,
                got,
            });
        }
    }
    // (3) Primal feasibility.
    let usage = feasibility(problem, &m.flow)?;
    // (4) Signs of the prices.
    if let Some((row, &price)) = m.row_price.iter().enumerate().find(|(_, p)| **p < 0) {
        return Err(Violation::NegativeRowPrice { row, price });
    }
    if let Some((col, &price)) = m.col_price.iter().enumerate().find(|(_, p)| **p < 0) {
        return Err(Violation::NegativeColumnPrice { col, price });
    }
    if let Some((group, &price)) = m.group_price.iter().enumerate().find(|(_, p)| **p < 0) {
        return Err(Violation::NegativeGroupPrice { group, price });
    }
    // (5) Positive prices only where the constraint is tight.
    for (row, (&price, &used)) in m.row_price.iter().zip(&usage.row).enumerate() {
        let supply = problem.row_supply(row);
        if price > 0 && used < u64::from(supply) {
            return Err(Violation::PricedRowNotFull {
                row,
                price,
                used,
                supply,
            });
        }
    }
    for (col, (&price, &used)) in m.col_price.iter().zip(&usage.col).enumerate() {
        let capacity = problem.col_capacity(col);
        if price > 0 && used < u64::from(capacity) {
            return Err(Violation::PricedColumnNotFull {
                col,
                price,
                used,
                capacity,
            });
        }
    }
    for (group, (&price, &used)) in m.group_price.iter().zip(&usage.group).enumerate() {
        let capacity = problem.group_capacity(group);
        if price > 0 && used < u64::from(capacity) {
            return Err(Violation::PricedGroupNotFull {
                group,
                price,
                used,
                capacity,
            });
        }
    }
    // (6) Reduced weights.
    for row in 0..problem.n_rows() {
        let tier = problem.row_tier(row) as usize;
        let tier_bonus = match tier.checked_sub(1).and_then(|t| bonus.get(t)) {
            Some(&b) => b,
            None => {
                return Err(Violation::Length {
                    what: "tier_bonus (row tier beyond it)",
                    expected: tier,
                    got: bonus.len(),
                });
            }
        };
        let row_and_group = match problem.row_group(row) {
            Some(g) => m.row_price[row].checked_add(m.group_price[g]),
            None => Some(m.row_price[row]),
        };
        for arc in problem.arcs_of(row) {
            let col = problem.arc_col(arc);
            let overflow = Violation::Overflow {
                what: "reduced weight",
                index: arc,
            };
            let reduced = i128::from(problem.arc_weight(arc))
                .checked_add(tier_bonus)
                .zip(row_and_group)
                .and_then(|(c, p)| c.checked_sub(p))
                .and_then(|r| r.checked_sub(m.col_price[col]))
                .ok_or(overflow)?;
            let (flow, cap) = (m.flow[arc], problem.arc_cap(arc));
            if reduced > 0 && flow < cap {
                return Err(Violation::PositiveReducedWeightBelowCapacity {
                    arc,
                    row,
                    col,
                    reduced,
                    flow,
                    cap,
                });
            }
            if reduced < 0 && flow > 0 {
                return Err(Violation::NegativeReducedWeightWithFlow {
                    arc,
                    row,
                    col,
                    reduced,
                    flow,
                });
            }
        }
    }
    Ok(())
}

/// The parts of a dense assignment's certificate, for checking a certificate that did
/// not come from [`crate::dense`] (or a hand-made one) with [`verify_dense_parts_i64`]
/// and [`verify_dense_parts_f64`].
#[derive(Debug, Clone, Copy)]
pub struct DenseCertificate<'a, T> {
    /// Assigned rows, strictly increasing.
    pub row_ind: &'a [usize],
    /// Column of each assigned row.
    pub col_ind: &'a [usize],
    /// One dual per row.
    pub row_duals: &'a [T],
    /// One dual per column.
    pub col_duals: &'a [T],
    /// Reported sum of the costs of the assigned pairs.
    pub objective: T,
}

/// Arithmetic the dense checks need, exact for `i128` and with a tolerance for `f64`.
trait Scalar: Copy {
    fn value(self) -> Value;
    fn zero() -> Self;
    fn finite(self) -> bool;
    fn add(self, other: Self) -> Option<Self>;
    /// Whether `a ≤ b`, within the tolerance for floats, relative to `scale`.
    fn le(a: Self, b: Self, scale: Self, tolerance: f64) -> bool;
    fn abs(self) -> Option<Self>;
}

impl Scalar for i128 {
    fn value(self) -> Value {
        Value::Int(self)
    }
    fn zero() -> Self {
        0
    }
    fn finite(self) -> bool {
        true
    }
    fn add(self, other: Self) -> Option<Self> {
        self.checked_add(other)
    }
    fn le(a: Self, b: Self, _: Self, _: f64) -> bool {
        a <= b
    }
    fn abs(self) -> Option<Self> {
        self.checked_abs()
    }
}

impl Scalar for f64 {
    fn value(self) -> Value {
        Value::Float(self)
    }
    fn zero() -> Self {
        0.0
    }
    fn finite(self) -> bool {
        self.is_finite()
    }
    fn add(self, other: Self) -> Option<Self> {
        Some(self + other)
    }
    fn le(a: Self, b: Self, scale: Self, tolerance: f64) -> bool {
        // Written so that any NaN fails the comparison.
        a - b <= tolerance * scale.max(1.0)
    }
    fn abs(self) -> Option<Self> {
        Some(self.abs())
    }
}

/// `lhs ≤ rhs` when minimising, `lhs ≥ rhs` when maximising.
fn within<T: Scalar>(sense: Sense, lhs: T, rhs: T, scale: T, tolerance: f64) -> bool {
    match sense {
        Sense::Maximize => T::le(rhs, lhs, scale, tolerance),
        _ => T::le(lhs, rhs, scale, tolerance),
    }
}

fn equal<T: Scalar>(a: T, b: T, scale: T, tolerance: f64) -> bool {
    T::le(a, b, scale, tolerance) && T::le(b, a, scale, tolerance)
}

/// Sum of the magnitudes of `terms`, the scale of a float comparison.
fn scale_of<T: Scalar>(terms: &[T]) -> T {
    terms
        .iter()
        .try_fold(T::zero(), |acc, t| t.abs().and_then(|a| acc.add(a)))
        .unwrap_or(T::zero())
}

/// The dense checks (3) to (10), on costs already validated: `cost(i, j)` is `None`
/// for a forbidden entry.
fn dense_core<T: Scalar>(
    rows: usize,
    cols: usize,
    cost: impl Fn(usize, usize) -> Option<T>,
    sense: Sense,
    cert: &DenseCertificate<'_, T>,
    mate: Option<&dyn Fn(usize) -> Option<usize>>,
    tolerance: f64,
) -> Result<(), Violation> {
    let k = rows.min(cols);
    check_len("row_ind", k, cert.row_ind.len())?;
    check_len("col_ind", k, cert.col_ind.len())?;
    check_len("row_duals", rows, cert.row_duals.len())?;
    check_len("col_duals", cols, cert.col_duals.len())?;
    // (4) Structure: rows strictly increasing and in range; columns in range and unique.
    let mut row_of_col: Vec<Option<usize>> = vec![None; cols];
    let mut row_assigned = vec![false; rows];
    for (position, (&row, &col)) in cert.row_ind.iter().zip(cert.col_ind).enumerate() {
        if row >= rows {
            return Err(Violation::IndexOutOfRange {
                what: "row",
                index: row,
                len: rows,
            });
        }
        if position > 0 && cert.row_ind[position - 1] >= row {
            return Err(Violation::RowsNotIncreasing {
                position,
                previous: cert.row_ind[position - 1],
                row,
            });
        }
        if col >= cols {
            return Err(Violation::IndexOutOfRange {
                what: "column",
                index: col,
                len: cols,
            });
        }
        if let Some(first_row) = row_of_col[col] {
            return Err(Violation::ColumnUsedTwice {
                col,
                first_row,
                second_row: row,
            });
        }
        row_of_col[col] = Some(row);
        row_assigned[row] = true;
    }
    if let Some(mate) = mate {
        let mut next = 0;
        for row in 0..rows {
            let expected = if cert.row_ind.get(next) == Some(&row) {
                next += 1;
                Some(cert.col_ind[next - 1])
            } else {
                None
            };
            let got = mate(row);
            if got != expected {
                return Err(Violation::MateMismatch { row, expected, got });
            }
        }
    }
    // (5) Pairs permitted.
    for (&row, &col) in cert.row_ind.iter().zip(cert.col_ind) {
        if cost(row, col).is_none() {
            return Err(Violation::ForbiddenPair { row, col });
        }
    }
    // (6) Finite duals.
    for (side, duals) in [("row", cert.row_duals), ("column", cert.col_duals)] {
        if let Some((index, &d)) = duals.iter().enumerate().find(|(_, d)| !d.finite()) {
            return Err(Violation::NonFiniteDual {
                side,
                index,
                value: d.value(),
            });
        }
    }
    // (7) Sign conditions on the larger side of a rectangular problem.
    let zero = T::zero();
    let col_assigned: Vec<bool> = row_of_col.iter().map(Option::is_some).collect();
    let larger = if rows < cols {
        Some(("column", cert.col_duals, &col_assigned))
    } else if rows > cols {
        Some(("row", cert.row_duals, &row_assigned))
    } else {
        None
    };
    if let Some((side, duals, assigned)) = larger {
        for (index, &dual) in duals.iter().enumerate() {
            if !within(sense, dual, zero, zero, tolerance) {
                return Err(Violation::DualSign {
                    side,
                    index,
                    dual: dual.value(),
                });
            }
            if !assigned[index] && !equal(dual, zero, zero, tolerance) {
                return Err(Violation::UnassignedDualNonZero {
                    side,
                    index,
                    dual: dual.value(),
                });
            }
        }
    }
    // (8) Equality on assigned pairs, and the objective's exact or float sum.
    let mut computed = zero;
    for (&row, &col) in cert.row_ind.iter().zip(cert.col_ind) {
        let (u, v) = (cert.row_duals[row], cert.col_duals[col]);
        let c = cost(row, col).unwrap_or(zero);
        let overflow = Violation::Overflow {
            what: "dual sum of row",
            index: row,
        };
        let sum = u.add(v).ok_or(overflow)?;
        if !equal(sum, c, scale_of(&[u, v, c]), tolerance) {
            return Err(Violation::NotTight {
                row,
                col,
                sum: sum.value(),
                cost: c.value(),
            });
        }
        computed = computed.add(c).ok_or(Violation::Overflow {
            what: "objective at row",
            index: row,
        })?;
    }
    // (9) Dual feasibility on every permitted entry.
    for (row, &u) in cert.row_duals.iter().enumerate() {
        for (col, &v) in cert.col_duals.iter().enumerate() {
            let Some(c) = cost(row, col) else { continue };
            let sum = u.add(v).ok_or(Violation::Overflow {
                what: "dual sum of row",
                index: row,
            })?;
            if !within(sense, sum, c, scale_of(&[u, v, c]), tolerance) {
                return Err(Violation::DualInfeasible {
                    row,
                    col,
                    sum: sum.value(),
                    cost: c.value(),
                });
            }
        }
    }
    // (10) Objective.
    let mut magnitude = zero;
    for (&row, &col) in cert.row_ind.iter().zip(cert.col_ind) {
        let c = cost(row, col).unwrap_or(zero);
        magnitude = c.abs().and_then(|a| magnitude.add(a)).unwrap_or(magnitude);
    }
    if !equal(cert.objective, computed, magnitude, tolerance) {
        return Err(Violation::ObjectiveMismatch {
            reported: cert.objective.value(),
            computed: computed.value(),
        });
    }
    Ok(())
}

fn check_shape(
    costs_len: usize,
    allowed_len: Option<usize>,
    rows: usize,
    cols: usize,
) -> Result<(), Violation> {
    let expected = rows.checked_mul(cols).ok_or(Violation::Length {
        what: "costs (rows × cols overflows usize)",
        expected: usize::MAX,
        got: costs_len,
    })?;
    check_len("costs", expected, costs_len)?;
    if let Some(len) = allowed_len {
        check_len("allowed", expected, len)?;
    }
    Ok(())
}

/// Checks a certificate given as parts against integer costs: see [`verify_dense_i64`].
///
/// # Errors
/// The first [`Violation`] in the order given in the [module docs](self).
pub fn verify_dense_parts_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
    cert: &DenseCertificate<'_, i128>,
) -> Result<(), Violation> {
    dense_i64_impl(costs, rows, cols, allowed, sense, cert, None)
}

fn dense_i64_impl(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
    cert: &DenseCertificate<'_, i128>,
    mate: Option<&dyn Fn(usize) -> Option<usize>>,
) -> Result<(), Violation> {
    check_shape(costs.len(), allowed.map(<[bool]>::len), rows, cols)?;
    let cost = |i: usize, j: usize| {
        let k = i * cols + j;
        allowed.is_none_or(|a| a[k]).then(|| i128::from(costs[k]))
    };
    dense_core(rows, cols, cost, sense, cert, mate, 0.0)
}

/// Checks that `a` is an optimal assignment of the integer cost matrix, exactly.
///
/// `costs` is row-major `rows × cols`; `allowed` (same length) marks the permitted
/// entries, `None` permitting all. Checks: `min(rows, cols)` pairs, rows strictly
/// increasing, no row or column used twice, `mate` consistent, pairs permitted,
/// `u_i + v_j ≤ c_ij` on every permitted entry (`≥` when maximising) with equality on
/// the pairs, the sign conditions of rectangular problems (see [`crate::dense`]), and
/// the objective equal to the exact sum of the assigned costs.
///
/// # Errors
/// The first [`Violation`] in the order given in the [module docs](self).
///
/// # Complexity
/// O(rows · cols) time, O(rows + cols) extra space.
pub fn verify_dense_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
    a: &Assignment<i128>,
) -> Result<(), Violation> {
    let cert = DenseCertificate {
        row_ind: a.row_ind(),
        col_ind: a.col_ind(),
        row_duals: a.row_duals(),
        col_duals: a.col_duals(),
        objective: a.objective(),
    };
    let mate = |row: usize| a.mate(row);
    dense_i64_impl(costs, rows, cols, allowed, sense, &cert, Some(&mate))
}

/// Checks a certificate given as parts against float costs: see [`verify_dense_f64`].
///
/// # Errors
/// The first [`Violation`] in the order given in the [module docs](self).
pub fn verify_dense_parts_f64(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
    cert: &DenseCertificate<'_, f64>,
    tolerance: f64,
) -> Result<(), Violation> {
    dense_f64_impl(costs, rows, cols, sense, cert, None, tolerance)
}

fn dense_f64_impl(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
    cert: &DenseCertificate<'_, f64>,
    mate: Option<&dyn Fn(usize) -> Option<usize>>,
    tolerance: f64,
) -> Result<(), Violation> {
    check_shape(costs.len(), None, rows, cols)?;
    // (2) Entries: NaN and the infinity that would make the optimum unbounded are
    // invalid; the other infinity marks a forbidden entry, as in scipy.
    let forbidden = match sense {
        Sense::Maximize => f64::NEG_INFINITY,
        _ => f64::INFINITY,
    };
    for (k, &c) in costs.iter().enumerate() {
        if c.is_nan() || (c.is_infinite() && c != forbidden) {
            return Err(Violation::InvalidCost {
                row: k / cols,
                col: k % cols,
                value: Value::Float(c),
            });
        }
    }
    let cost = |i: usize, j: usize| {
        let c = costs[i * cols + j];
        c.is_finite().then_some(c)
    };
    dense_core(rows, cols, cost, sense, cert, mate, tolerance)
}

/// Checks that `a` is an optimal assignment of the float cost matrix, within
/// `tolerance`.
///
/// Entries equal to `+inf` (when minimising; `-inf` when maximising) are forbidden, as
/// in `scipy.optimize.linear_sum_assignment`; NaN and the other infinity are invalid.
/// The checks are those of [`verify_dense_i64`]. A comparison `x ≤ y` passes when
/// `x − y ≤ tolerance · max(1, s)`, where `s` is the sum of the magnitudes of the terms
/// involved (`|u_i| + |v_j| + |c_ij|` for a dual constraint, `Σ |c|` over the pairs for
/// the objective). A NaN tolerance fails every comparison.
///
/// # Errors
/// The first [`Violation`] in the order given in the [module docs](self).
///
/// # Complexity
/// O(rows · cols) time, O(rows + cols) extra space.
pub fn verify_dense_f64(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
    a: &Assignment<f64>,
    tolerance: f64,
) -> Result<(), Violation> {
    let cert = DenseCertificate {
        row_ind: a.row_ind(),
        col_ind: a.col_ind(),
        row_duals: a.row_duals(),
        col_duals: a.col_duals(),
        objective: a.objective(),
    };
    let mate = |row: usize| a.mate(row);
    dense_f64_impl(costs, rows, cols, sense, &cert, Some(&mate), tolerance)
}
