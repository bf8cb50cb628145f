//! Dense rectangular linear sum assignment: the problem of
//! `scipy.optimize.linear_sum_assignment`, on `f64` or exact `i64` costs.
//!
//! Given an `rows × cols` cost matrix `C`, choose `min(rows, cols)` pairs `(i, j)`, no
//! row and no column twice, minimising (or maximising) the sum of their costs. Every row
//! is assigned when `rows <= cols`, every column when `rows > cols`. The result lists the
//! pairs by ascending row, as scipy does, and comes with dual prices that prove it
//! optimal.
//!
//! # Contract
//!
//! * [`linear_sum_assignment`] takes `f64` costs, row-major. Forbidden pairs are `+inf`
//!   when minimising, `-inf` when maximising; NaN and the other infinity are errors.
//!   Arithmetic is `f64`, as in scipy.
//! * [`linear_sum_assignment_i64`] takes `i64` costs and an optional mask of permitted
//!   entries. It is exact: permitted costs must satisfy `|c| <= MAX_WEIGHT` (2^53 − 1),
//!   the solver runs in `i64` when `16 (min(rows, cols) + 1) max|c| <= 2^59`, otherwise
//!   in `i128`, and returns `i128` duals and objective.
//! * Ties are broken deterministically, preferring low indices: a constant matrix gives
//!   the identity pairs `(0, 0), (1, 1), …`.
//!
//! # Duals
//!
//! When minimising, `u = row_duals()` and `v = col_duals()` satisfy `u_i + v_j <= c_ij`
//! for every permitted `(i, j)`, with equality on the chosen pairs. If `rows < cols`,
//! `v_j <= 0` for all `j` and `v_j = 0` for every unassigned column; if `rows > cols`,
//! `u_i <= 0` and `u_i = 0` for every unassigned row; a square matrix has no sign
//! condition. Then `Σ u + Σ v` equals the objective, which proves it optimal. When
//! maximising, the duals are those of minimising `−C`, negated: `u_i + v_j >= c_ij`,
//! equality on the pairs, and the signs flip.
//!
//! # Algorithm and complexity
//!
//! The Jonker–Volgenant family (Jonker and Volgenant, *Computing* 38, 1987), adapted to
//! rectangular matrices without padding them to square: with `n = min(rows, cols)` and
//! `m = max(rows, cols)` (the matrix is transposed internally when `rows > cols`),
//!
//! 1. row reduction `u_i = min_j c_ij`, `v = 0`, and a greedy assignment of rows to free
//!    columns among their minima;
//! 2. two passes of augmenting row reduction, which only lowers prices of columns that
//!    become assigned, so the rectangular dual convention above holds throughout (the
//!    column reduction of square LAPJV would break it);
//! 3. a shortest augmenting path (Dijkstra on reduced costs, with price updates) for each
//!    row still free.
//!
//! Time is `O(n² m)` in the worst case; on random matrices the initialisation assigns
//! most rows in `O(n m)` and the augmenting paths are short. Space is `O(n + m)` beyond
//! the input, plus one working copy of the matrix when it must be transposed, negated
//! (maximising), masked, or widened to `i128`.
//!
//! # Example
//!
//! Three requests (rows) and three providers (columns); the cost is the travel time in
//! minutes for provider `j` to serve request `i`:
//!
//! ```
//! use aidmatch_assign::dense::{linear_sum_assignment_i64, Sense};
//!
//! //            provider 0  1   2
//! let minutes = [         40, 25, 90,   // request 0
//!                         30, 60, 35,   // request 1
//!                         50, 20, 80];  // request 2
//! let a = linear_sum_assignment_i64(&minutes, 3, 3, None, Sense::Minimize)?;
//! assert_eq!(a.row_ind(), &[0, 1, 2]);
//! assert_eq!(a.col_ind(), &[0, 2, 1]);
//! assert_eq!(a.objective(), 40 + 35 + 20);
//! // The duals prove it: they sum to the objective.
//! let bound: i128 = a.row_duals().iter().chain(a.col_duals()).sum();
//! assert_eq!(bound, 95);
//! # Ok::<(), aidmatch_assign::AssignError>(())
//! ```
//!
//! # Errors
//!
//! * [`AssignError::Shape`] if the slice (or the mask) is not `rows × cols` long;
//! * [`AssignError::InvalidEntry`] for NaN, `-inf` when minimising, `+inf` when
//!   maximising (`f64` only), naming the first such entry in row-major order;
//! * [`AssignError::CostOutOfRange`] for a permitted `i64` cost with `|c| > MAX_WEIGHT`;
//! * [`AssignError::Infeasible`] if every choice of `min(rows, cols)` pairs uses a
//!   forbidden entry.

mod kernel;

use crate::AssignError;
use crate::problem::MAX_WEIGHT;
use kernel::{Cost, Infeasible, Solved};
use std::borrow::Cow;

/// Direction of optimisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sense {
    /// Minimise the sum of the chosen costs.
    #[default]
    Minimize,
    /// Maximise the sum of the chosen costs.
    Maximize,
}

/// Result of a dense solve: the chosen pairs, the dual prices that prove them optimal,
/// and the objective. `T` is `f64` for float costs and `i128` for integer costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment<T> {
    row_ind: Vec<usize>,
    col_ind: Vec<usize>,
    row_duals: Vec<T>,
    col_duals: Vec<T>,
    objective: T,
}

impl<T: Copy> Assignment<T> {
    /// Rows of the chosen pairs, ascending; `min(rows, cols)` of them.
    pub fn row_ind(&self) -> &[usize] {
        &self.row_ind
    }

    /// Columns of the chosen pairs, in the order of [`Self::row_ind`].
    pub fn col_ind(&self) -> &[usize] {
        &self.col_ind
    }

    /// The column assigned to `row`, if any. `O(log n)`.
    pub fn mate(&self, row: usize) -> Option<usize> {
        self.row_ind
            .binary_search(&row)
            .ok()
            .map(|k| self.col_ind[k])
    }

    /// Number of chosen pairs, `min(rows, cols)`.
    pub fn len(&self) -> usize {
        self.row_ind.len()
    }

    /// Whether no pair was chosen (an empty matrix).
    pub fn is_empty(&self) -> bool {
        self.row_ind.is_empty()
    }

    /// Row duals `u`, one per row (see the module docs for the convention).
    pub fn row_duals(&self) -> &[T] {
        &self.row_duals
    }

    /// Column duals `v`, one per column.
    pub fn col_duals(&self) -> &[T] {
        &self.col_duals
    }

    /// Sum of the costs of the chosen pairs, in the caller's sign.
    pub fn objective(&self) -> T {
        self.objective
    }
}

/// Solves the rectangular linear sum assignment problem on `f64` costs, as
/// `scipy.optimize.linear_sum_assignment` does.
///
/// `costs` is row-major with `rows * cols` entries. Forbidden pairs are `+inf` when
/// minimising and `-inf` when maximising. See the [module docs](self) for the contract,
/// the duals and the complexity.
///
/// # Errors
///
/// [`AssignError::Shape`], [`AssignError::InvalidEntry`] (NaN or an infinity of the
/// wrong sign), [`AssignError::Infeasible`].
pub fn linear_sum_assignment(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
) -> Result<Assignment<f64>, AssignError> {
    check_shape(costs.len(), rows, cols)?;
    let bad = match sense {
        Sense::Minimize => f64::NEG_INFINITY,
        Sense::Maximize => f64::INFINITY,
    };
    if let Some(k) = costs.iter().position(|&c| c.is_nan() || c == bad) {
        return Err(AssignError::InvalidEntry {
            row: k / cols,
            col: k % cols,
            value: costs[k],
        });
    }
    let transposed = rows > cols;
    let work: Cow<'_, [f64]> = if transposed || sense == Sense::Maximize {
        let sign = if sense == Sense::Maximize { -1.0 } else { 1.0 };
        Cow::Owned(working_copy(costs, rows, cols, transposed, |_, c| sign * c))
    } else {
        Cow::Borrowed(costs)
    };
    let (n, m) = (rows.min(cols), rows.max(cols));
    let solved = kernel::solve(&work, n, m, f64::NEG_INFINITY)
        .map_err(|Infeasible| AssignError::Infeasible)?;
    Ok(assemble(
        solved,
        rows,
        cols,
        transposed,
        |t| match sense {
            Sense::Minimize => t,
            Sense::Maximize => -t,
        },
        |i, j| costs[i * cols + j],
    ))
}

/// Solves the rectangular linear sum assignment problem exactly on `i64` costs.
///
/// `allowed`, if given, is a row-major mask of the same length: `false` marks a forbidden
/// pair. Duals and objective are `i128`. See the [module docs](self).
///
/// # Errors
///
/// [`AssignError::Shape`] (costs or mask), [`AssignError::CostOutOfRange`] (a permitted
/// `|c| > MAX_WEIGHT`, the first in row-major order), [`AssignError::Infeasible`].
pub fn linear_sum_assignment_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
) -> Result<Assignment<i128>, AssignError> {
    check_shape(costs.len(), rows, cols)?;
    if let Some(mask) = allowed {
        check_shape(mask.len(), rows, cols)?;
    }
    // A mask that permits everything is no mask.
    let allowed = allowed.filter(|mask| mask.iter().any(|&a| !a));
    let out_of_range = |k: usize| AssignError::CostOutOfRange {
        row: k / cols,
        col: k % cols,
        value: costs[k],
        limit: MAX_WEIGHT,
    };
    let mut max_abs: u64 = 0;
    match allowed {
        None => {
            for (k, &c) in costs.iter().enumerate() {
                let a = c.unsigned_abs();
                if a > MAX_WEIGHT as u64 {
                    return Err(out_of_range(k));
                }
                max_abs = max_abs.max(a);
            }
        }
        Some(mask) => {
            for (k, (&c, &ok)) in costs.iter().zip(mask).enumerate() {
                let a = if ok { c.unsigned_abs() } else { 0 };
                if a > MAX_WEIGHT as u64 {
                    return Err(out_of_range(k));
                }
                max_abs = max_abs.max(a);
            }
        }
    }
    let transposed = rows > cols;
    let (n, m) = (rows.min(cols), rows.max(cols));
    let negate = sense == Sense::Maximize;
    let back = |t: i128| if negate { -t } else { t };
    // Every finite quantity of the kernel is at most 16 (n + 1) max|c| in magnitude.
    let bound = 16 * (n as u128 + 1) * u128::from(max_abs);
    let mask_of = |k: usize| allowed.is_none_or(|mask| mask[k]);
    let solved = if bound <= 1 << 59 {
        let work: Cow<'_, [i64]> = if transposed || negate || allowed.is_some() {
            Cow::Owned(working_copy(costs, rows, cols, transposed, |k, c| {
                if !mask_of(k) {
                    i64::INF
                } else if negate {
                    -c
                } else {
                    c
                }
            }))
        } else {
            Cow::Borrowed(costs)
        };
        let floor = -(4 * (n as i64 + 1) * max_abs as i64);
        let s = kernel::solve(&work, n, m, floor).map_err(|Infeasible| AssignError::Infeasible)?;
        Solved {
            col_of_row: s.col_of_row,
            u: s.u.into_iter().map(i128::from).collect(),
            v: s.v.into_iter().map(i128::from).collect(),
        }
    } else {
        let work = working_copy(costs, rows, cols, transposed, |k, c| {
            if !mask_of(k) {
                i128::INF
            } else if negate {
                -i128::from(c)
            } else {
                i128::from(c)
            }
        });
        let floor = -(4 * (n as i128 + 1) * i128::from(max_abs));
        kernel::solve(&work, n, m, floor).map_err(|Infeasible| AssignError::Infeasible)?
    };
    Ok(assemble(solved, rows, cols, transposed, back, |i, j| {
        i128::from(costs[i * cols + j])
    }))
}

fn check_shape(got: usize, rows: usize, cols: usize) -> Result<(), AssignError> {
    match rows.checked_mul(cols) {
        Some(expected) if expected == got => Ok(()),
        expected => Err(AssignError::Shape {
            rows,
            cols,
            expected: expected.unwrap_or(usize::MAX),
            got,
        }),
    }
}

/// A copy of `costs` (`rows × cols`), transposed if asked, each entry mapped by
/// `f(index in costs, value)`. Transposition is blocked for cache locality.
fn working_copy<S: Copy, T: Copy + Default>(
    costs: &[S],
    rows: usize,
    cols: usize,
    transposed: bool,
    f: impl Fn(usize, S) -> T,
) -> Vec<T> {
    if !transposed {
        return costs.iter().enumerate().map(|(k, &c)| f(k, c)).collect();
    }
    const B: usize = 32;
    let mut out = vec![T::default(); rows * cols];
    for i0 in (0..rows).step_by(B) {
        for j0 in (0..cols).step_by(B) {
            for i in i0..(i0 + B).min(rows) {
                for j in j0..(j0 + B).min(cols) {
                    let k = i * cols + j;
                    out[j * rows + i] = f(k, costs[k]);
                }
            }
        }
    }
    out
}

/// Maps a kernel solution of the working matrix back to the caller's orientation and
/// sign.
fn assemble<T: Copy + Default + std::ops::Add<Output = T>>(
    s: Solved<T>,
    rows: usize,
    cols: usize,
    transposed: bool,
    back: impl Fn(T) -> T,
    cost: impl Fn(usize, usize) -> T,
) -> Assignment<T> {
    let u: Vec<T> = s.u.into_iter().map(&back).collect();
    let v: Vec<T> = s.v.into_iter().map(&back).collect();
    let (row_ind, col_ind, row_duals, col_duals) = if transposed {
        // Working rows are the caller's columns.
        let mut col_of = vec![usize::MAX; rows];
        for (j, &i) in s.col_of_row.iter().enumerate() {
            col_of[i] = j;
        }
        let (row_ind, col_ind): (Vec<usize>, Vec<usize>) = col_of
            .iter()
            .enumerate()
            .filter(|&(_, &j)| j != usize::MAX)
            .map(|(i, &j)| (i, j))
            .unzip();
        (row_ind, col_ind, v, u)
    } else {
        ((0..rows).collect(), s.col_of_row, u, v)
    };
    debug_assert_eq!(col_ind.len(), rows.min(cols));
    debug_assert_eq!(row_duals.len(), rows);
    debug_assert_eq!(col_duals.len(), cols);
    let objective = row_ind
        .iter()
        .zip(&col_ind)
        .fold(T::default(), |acc, (&i, &j)| acc + cost(i, j));
    Assignment {
        row_ind,
        col_ind,
        row_duals,
        col_duals,
        objective,
    }
}
