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
//!   Arithmetic is `f64`, as in scipy, except that a matrix of integers of at most 31
//!   bits (and no infinities) is solved exactly in integer arithmetic.
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
//! 1. reduction: `u_i = min_j c_ij`, `v = 0`, and for a square matrix also the column
//!    reduction `v_j = min_i (c_ij - u_i)`; each row takes its lowest free column of
//!    reduced cost zero;
//! 2. a matching on the sparse graph of zero-reduced-cost pairs (augmenting paths by
//!    depth-first search), which on integer costs with many ties assigns nearly all rows;
//! 3. two passes of augmenting row reduction, which only lowers prices of columns that
//!    become assigned, so the rectangular dual convention above holds throughout (the
//!    column reduction of square LAPJV would break it, hence its use only on square
//!    matrices);
//! 4. a shortest augmenting path (Dijkstra on reduced costs, with price updates) for each
//!    row still free.
//!
//! Time is `O(n² m)` in the worst case; on random matrices the initialisation assigns
//! most rows in `O(n m)` and few augmenting paths remain. Space is `O(n + m)` beyond the
//! input, plus one working copy of the matrix when it is transposed, negated
//! (maximising), masked, widened to `i128`, or compacted.
//!
//! Row scans are limited by memory bandwidth, so integer matrices whose entries fit in
//! `i16` or `i32` are solved from a compact copy, and so are `f64` matrices whose entries
//! are all integers of at most 31 bits: those are then solved *exactly*, in integer
//! arithmetic, and their duals are exact integers returned as `f64`. A compact `i16`
//! copy is solved in `i32` arithmetic when `16 (n + 1) max|c| <= 2^27` (a 4000 × 4000
//! matrix of costs below 1000, say), which doubles the lanes of the vectorised row scans
//! of the shortest path phase.
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
//! * [`AssignError::Length`] if a matrix has more than `u32::MAX - 1` rows or
//!   columns (indices are stored in 32 bits to halve memory traffic).
//! * [`AssignError::Interrupted`] (only from the `_with` functions) if the caller's
//!   cancel flag was set during the solve.
//!
//! # Cancelling, and tiny matrices
//!
//! [`linear_sum_assignment_with`] and [`linear_sum_assignment_i64_with`] take
//! [`DenseOptions`]: a cancel flag that another thread may set to stop a long solve (it
//! is read every [`CANCEL_EVERY`] cost entries scanned, so a solve stops within a fraction
//! of a millisecond), and the switch of the tiny-matrix path. Matrices whose longer side
//! is at most [`SMALL_SIDE`] are solved by plain shortest augmenting paths on stack arrays,
//! which allocate almost nothing (a 5 × 5 solve takes a third of the general kernel's
//! time); the result is an optimum with the same dual convention and tie rule.

mod kernel;
mod small;

use crate::AssignError;
use crate::problem::MAX_WEIGHT;
use kernel::{Cancel, Cost, Solved, Stop};
use std::borrow::Cow;
use std::sync::atomic::AtomicBool;

pub use kernel::CANCEL_EVERY;
/// Matrices whose longer side is at most this are solved by the tiny-matrix path (see
/// the [module docs](self)) unless [`DenseOptions::small_path`] is false.
pub const SMALL_SIDE: usize = small::MAX_SIDE;

/// Options of [`linear_sum_assignment_with`] and [`linear_sum_assignment_i64_with`].
///
/// ```
/// use std::sync::atomic::AtomicBool;
/// use aidmatch_assign::dense::{linear_sum_assignment_with, DenseOptions, Sense};
///
/// let stop = AtomicBool::new(false); // another thread may set it
/// let mut options = DenseOptions::default();
/// options.cancel = Some(&stop);
/// let a = linear_sum_assignment_with(&[4.0, 1.0, 2.0, 0.5], 2, 2, Sense::Minimize, &options)?;
/// assert_eq!(a.col_ind(), &[1, 0]);
/// # Ok::<(), aidmatch_assign::AssignError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DenseOptions<'a> {
    /// When another thread sets this flag, the solve stops with
    /// [`AssignError::Interrupted`] (the flag is read every [`CANCEL_EVERY`] entries
    /// scanned). Default `None`.
    pub cancel: Option<&'a AtomicBool>,
    /// Solve matrices whose longer side is at most [`SMALL_SIDE`] with the tiny-matrix
    /// path (default `true`); `false` always uses the general kernel (the tests compare
    /// both).
    pub small_path: bool,
}

impl Default for DenseOptions<'_> {
    fn default() -> Self {
        DenseOptions {
            cancel: None,
            small_path: true,
        }
    }
}

fn stop_error(stop: Stop) -> AssignError {
    match stop {
        Stop::Infeasible => AssignError::Infeasible,
        Stop::Interrupted => AssignError::Interrupted,
    }
}

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
/// wrong sign), [`AssignError::FloatCostOutOfRange`] (a finite `|c|` above
/// `f64::MAX / (4 (min(rows, cols) + 1))`, where sums could overflow),
/// [`AssignError::Infeasible`], [`AssignError::Length`] (a side longer than
/// `u32::MAX - 1`).
pub fn linear_sum_assignment(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
) -> Result<Assignment<f64>, AssignError> {
    linear_sum_assignment_with(costs, rows, cols, sense, &DenseOptions::default())
}

/// [`linear_sum_assignment`] with [`DenseOptions`]: a cancel flag, and the switch of
/// the tiny-matrix path.
///
/// # Errors
///
/// Those of [`linear_sum_assignment`], and [`AssignError::Interrupted`] when the cancel
/// flag was set during the solve.
pub fn linear_sum_assignment_with(
    costs: &[f64],
    rows: usize,
    cols: usize,
    sense: Sense,
    options: &DenseOptions<'_>,
) -> Result<Assignment<f64>, AssignError> {
    check_shape(costs.len(), rows, cols)?;
    check_side(rows, cols)?;
    let bad = match sense {
        Sense::Minimize => f64::NEG_INFINITY,
        Sense::Maximize => f64::INFINITY,
    };
    let transposed = rows > cols;
    let negate = sense == Sense::Maximize;
    let (n, m) = (rows.min(cols), rows.max(cols));
    let small = options.small_path && n > 0 && m <= SMALL_SIDE;
    let mut cancel = Cancel::new(options.cancel);
    // One pass, row by row: reject invalid entries, notice whether every cost is an
    // integer of 32 bits (then the solve is exact, in integer arithmetic), and copy the
    // row to `i16` while it is in cache, as long as that stays possible.
    let mut integral = true;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    let mut copy: Option<Vec<i16>> =
        (!transposed && !small).then(|| Vec::with_capacity(rows * cols));
    for (i, row) in costs.chunks_exact(cols.max(1)).enumerate() {
        let (mut invalid, mut row_integral) = (false, true);
        let (mut row_lo, mut row_hi) = (0.0f64, 0.0f64);
        for &c in row {
            invalid |= c.is_nan() | (c == bad);
            // Adding and removing 1.5 * 2^52 rounds to an integer when |c| < 2^51, so
            // this tests integrality (the range is checked on `lo` and `hi` below).
            row_integral &= (c + ROUND) - ROUND == c;
            row_lo = if c < row_lo { c } else { row_lo };
            row_hi = if c > row_hi { c } else { row_hi };
        }
        if invalid {
            let j = row
                .iter()
                .position(|&c| c.is_nan() || c == bad)
                .unwrap_or(0);
            return Err(AssignError::InvalidEntry {
                row: i,
                col: j,
                value: row[j],
            });
        }
        integral &= row_integral;
        lo = lo.min(row_lo);
        hi = hi.max(row_hi);
        if integral && row_lo >= -I16_LIMIT && row_hi <= I16_LIMIT {
            if let Some(w) = &mut copy {
                let sign = if negate { -1.0 } else { 1.0 };
                w.extend(row.iter().map(|&c| (sign * c) as i16));
            }
        } else {
            copy = None;
        }
    }
    let max_abs = lo.abs().max(hi.abs());
    // Finite costs so large that path sums could overflow to infinity would be taken for
    // forbidden pairs (a crasher of fuzz/dense): refuse them. `max_abs` counts the
    // forbidden infinities too, so the extra pass runs only when one is present or a cost
    // is really that large.
    let float_limit = f64::MAX / (4.0 * (n as f64 + 1.0));
    if max_abs > float_limit {
        if let Some(k) = costs
            .iter()
            .position(|c| c.is_finite() && c.abs() > float_limit)
        {
            return Err(AssignError::FloatCostOutOfRange {
                row: k / cols,
                col: k % cols,
                value: costs[k],
                limit: float_limit,
            });
        }
    }
    // Integers below 2^31 in magnitude, and then the duals are below 2^52: exact in f64.
    let exact = integral
        && max_abs <= f64::from(i32::MAX)
        && 16.0 * (n as f64 + 1.0) * max_abs <= (1u64 << 52) as f64;
    // The i64 price floor; only used when `exact` (then it is below 2^50).
    let floor = if exact {
        -(4 * (n as i64 + 1) * max_abs as i64)
    } else {
        0
    };
    let back = |t: f64| match sense {
        Sense::Minimize => t,
        Sense::Maximize => -t,
    };
    if small {
        // The working matrix: transposed if tall, negated if maximising.
        let at = |i: usize, j: usize| {
            let c = if transposed {
                costs[j * cols + i]
            } else {
                costs[i * cols + j]
            };
            if negate { -c } else { c }
        };
        let solved = if exact {
            let s = small::solve(n, m, |i, j| at(i, j) as i64).map_err(stop_error)?;
            Solved {
                col_of_row: s.col_of_row,
                u: s.u.into_iter().map(|x| x as f64).collect(),
                v: s.v.into_iter().map(|x| x as f64).collect(),
            }
        } else {
            small::solve(n, m, at).map_err(stop_error)?
        };
        return Ok(assemble(solved, rows, cols, transposed, back, |i, j| {
            costs[i * cols + j]
        }));
    }
    let compact = match copy {
        Some(work) if exact => Some(solve_i16(&work, n, m, max_abs as u64, &mut cancel)),
        _ if exact => {
            let (lo, hi) = if negate {
                (-(hi as i64), -(lo as i64))
            } else {
                (lo as i64, hi as i64)
            };
            let value = |c: f64| if negate { -(c as i64) } else { c as i64 };
            solve_compact(
                costs,
                (rows, cols, transposed),
                (lo, hi),
                value,
                floor,
                &mut cancel,
            )
        }
        _ => None,
    };
    let solved = match compact {
        Some(result) => {
            let s = result.map_err(stop_error)?;
            Solved {
                col_of_row: s.col_of_row,
                u: s.u.into_iter().map(|x| x as f64).collect(),
                v: s.v.into_iter().map(|x| x as f64).collect(),
            }
        }
        None => {
            let work: Cow<'_, [f64]> = match (transposed, negate) {
                (false, false) => Cow::Borrowed(costs),
                (_, true) => Cow::Owned(working_copy(costs, rows, cols, transposed, |_, c| -c)),
                (true, false) => Cow::Owned(working_copy(costs, rows, cols, true, |_, c| c)),
            };
            kernel::solve(&work, n, m, f64::NEG_INFINITY, &mut cancel).map_err(stop_error)?
        }
    };
    Ok(assemble(solved, rows, cols, transposed, back, |i, j| {
        costs[i * cols + j]
    }))
}

/// Solves the rectangular linear sum assignment problem exactly on `i64` costs.
///
/// `allowed`, if given, is a row-major mask of the same length: `false` marks a forbidden
/// pair. Duals and objective are `i128`. See the [module docs](self).
///
/// # Errors
///
/// [`AssignError::Shape`] (costs or mask), [`AssignError::CostOutOfRange`] (a permitted
/// `|c| > MAX_WEIGHT`, the first in row-major order), [`AssignError::Infeasible`],
/// [`AssignError::Length`] (a side longer than `u32::MAX - 1`).
pub fn linear_sum_assignment_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
) -> Result<Assignment<i128>, AssignError> {
    linear_sum_assignment_i64_with(costs, rows, cols, allowed, sense, &DenseOptions::default())
}

/// [`linear_sum_assignment_i64`] with [`DenseOptions`]: a cancel flag, and the switch
/// of the tiny-matrix path.
///
/// # Errors
///
/// Those of [`linear_sum_assignment_i64`], and [`AssignError::Interrupted`] when the
/// cancel flag was set during the solve.
pub fn linear_sum_assignment_i64_with(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
    options: &DenseOptions<'_>,
) -> Result<Assignment<i128>, AssignError> {
    check_shape(costs.len(), rows, cols)?;
    check_side(rows, cols)?;
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
    let transposed = rows > cols;
    let (n, m) = (rows.min(cols), rows.max(cols));
    let small = options.small_path && n > 0 && m <= SMALL_SIDE;
    let mut cancel = Cancel::new(options.cancel);
    let negate = sense == Sense::Maximize;
    let mut max_abs: u64 = 0;
    // Without a mask: one pass, row by row, that checks the range, and copies the row to
    // `i16` while it is in cache, as long as that stays possible.
    let mut copy: Option<Vec<i16>> = None;
    let (mut lo, mut hi) = (0i64, 0i64);
    match allowed {
        None => {
            copy = (!transposed && !small).then(|| Vec::with_capacity(rows * cols));
            for (i, row) in costs.chunks_exact(cols.max(1)).enumerate() {
                let (mut row_lo, mut row_hi) = (0i64, 0i64);
                for &c in row {
                    row_lo = row_lo.min(c);
                    row_hi = row_hi.max(c);
                }
                if row_lo < -MAX_WEIGHT || row_hi > MAX_WEIGHT {
                    let j = row
                        .iter()
                        .position(|c| c.unsigned_abs() > MAX_WEIGHT as u64)
                        .unwrap_or(0);
                    return Err(out_of_range(i * cols + j));
                }
                lo = lo.min(row_lo);
                hi = hi.max(row_hi);
                if row_lo >= -I16_MAX && row_hi <= I16_MAX {
                    if let Some(w) = &mut copy {
                        let sign = if negate { -1 } else { 1 };
                        w.extend(row.iter().map(|&c| (sign * c) as i16));
                    }
                } else {
                    copy = None;
                }
            }
            max_abs = lo.unsigned_abs().max(hi.unsigned_abs());
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
    let back = |t: i128| if negate { -t } else { t };
    // Every finite quantity of the kernel is at most 16 (n + 1) max|c| in magnitude.
    let bound = 16 * (n as u128 + 1) * u128::from(max_abs);
    let mask_of = |k: usize| allowed.is_none_or(|mask| mask[k]);
    // The i64 price floor; only used when `bound` admits i64 arithmetic.
    let floor = i64::try_from(4 * (n as i128 + 1) * i128::from(max_abs)).map_or(i64::MIN, |f| -f);
    if small {
        // The working matrix: transposed if tall, negated if maximising, INF if masked.
        let at = |i: usize, j: usize| {
            let k = if transposed {
                j * cols + i
            } else {
                i * cols + j
            };
            match (mask_of(k), negate) {
                (false, _) => (false, 0),
                (true, true) => (true, -costs[k]),
                (true, false) => (true, costs[k]),
            }
        };
        let solved = if bound <= 1 << 59 {
            let s = small::solve(n, m, |i, j| match at(i, j) {
                (true, c) => c,
                (false, _) => i64::INF,
            })
            .map_err(stop_error)?;
            Solved {
                col_of_row: s.col_of_row,
                u: s.u.into_iter().map(i128::from).collect(),
                v: s.v.into_iter().map(i128::from).collect(),
            }
        } else {
            small::solve(n, m, |i, j| match at(i, j) {
                (true, c) => i128::from(c),
                (false, _) => i128::INF,
            })
            .map_err(stop_error)?
        };
        return Ok(assemble(solved, rows, cols, transposed, back, |i, j| {
            i128::from(costs[i * cols + j])
        }));
    }
    let compact = match (allowed, copy) {
        (None, Some(work)) if bound <= 1 << 59 => {
            Some(solve_i16(&work, n, m, max_abs, &mut cancel))
        }
        (None, _) if bound <= 1 << 59 => {
            let (lo, hi) = if negate { (-hi, -lo) } else { (lo, hi) };
            let value = |c: i64| if negate { -c } else { c };
            solve_compact(
                costs,
                (rows, cols, transposed),
                (lo, hi),
                value,
                floor,
                &mut cancel,
            )
        }
        _ => None,
    };
    let solved = if let Some(result) = compact {
        let s = result.map_err(stop_error)?;
        Solved {
            col_of_row: s.col_of_row,
            u: s.u.into_iter().map(i128::from).collect(),
            v: s.v.into_iter().map(i128::from).collect(),
        }
    } else if bound <= 1 << 59 {
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
        let s = kernel::solve(&work, n, m, floor, &mut cancel).map_err(stop_error)?;
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
        kernel::solve(&work, n, m, floor, &mut cancel).map_err(stop_error)?
    };
    Ok(assemble(solved, rows, cols, transposed, back, |i, j| {
        i128::from(costs[i * cols + j])
    }))
}

/// `1.5 * 2^52`: adding and subtracting it rounds an `f64` below 2^51 to an integer.
const ROUND: f64 = 6_755_399_441_055_744.0;

/// Largest magnitude stored in a compact `i16` copy; symmetric, so that negation fits.
const I16_MAX: i64 = i16::MAX as i64;
/// [`I16_MAX`] as a float.
const I16_LIMIT: f64 = i16::MAX as f64;

/// Solves from a compact `i16` or `i32` copy of the working matrix (transposed if
/// asked, each entry mapped by `value`) in `i64` arithmetic, if the working values lie
/// in `lo..=hi` within `i32`. Smaller entries mean fewer bytes per row scan, and the
/// scans are bound by memory bandwidth.
fn solve_compact<S: Copy>(
    costs: &[S],
    (rows, cols, transposed): (usize, usize, bool),
    (lo, hi): (i64, i64),
    value: impl Fn(S) -> i64,
    floor: i64,
    cancel: &mut Cancel<'_>,
) -> Option<Result<Solved<i64>, Stop>> {
    let (n, m) = (rows.min(cols), rows.max(cols));
    if lo >= -I16_MAX && hi <= I16_MAX {
        let work = working_copy(costs, rows, cols, transposed, |_, c| value(c) as i16);
        let max_abs = lo.unsigned_abs().max(hi.unsigned_abs());
        Some(solve_i16(&work, n, m, max_abs, cancel))
    } else if lo >= i64::from(i32::MIN) && hi <= i64::from(i32::MAX) {
        let work = working_copy(costs, rows, cols, transposed, |_, c| value(c) as i32);
        Some(kernel::solve(&work, n, m, floor, cancel))
    } else {
        None
    }
}

/// Solves a compact `i16` working matrix (`n × m`, entries at most `max_abs` in
/// magnitude) in `i32` arithmetic when every quantity of the kernel fits, that is when
/// `16 (n + 1) max_abs <= 2^27` (see [`kernel::Cost`] for `i32`), otherwise in `i64`:
/// narrower labels and prices mean twice the lanes per vector in the row scans. The
/// price floor is `-4 (n + 1) max_abs`, as in `i64`.
fn solve_i16(
    work: &[i16],
    n: usize,
    m: usize,
    max_abs: u64,
    cancel: &mut Cancel<'_>,
) -> Result<Solved<i64>, Stop> {
    let floor = 4 * (n as u128 + 1) * u128::from(max_abs);
    if 4 * floor <= 1 << 27 {
        let floor = -(floor as i32);
        let s = kernel::solve::<i16, i32>(work, n, m, floor, cancel)?;
        Ok(Solved {
            col_of_row: s.col_of_row,
            u: s.u.into_iter().map(i64::from).collect(),
            v: s.v.into_iter().map(i64::from).collect(),
        })
    } else {
        let floor = -(floor as i64);
        kernel::solve::<i16, i64>(work, n, m, floor, cancel)
    }
}

/// The kernel indexes rows and columns with `u32`: a matrix may have at most
/// `u32::MAX - 1` rows and as many columns (a single row of 2^32 costs is 32 GiB), even
/// when the other side is empty (its dual vector alone would be that long).
fn check_side(rows: usize, cols: usize) -> Result<(), AssignError> {
    let long = rows.max(cols);
    let limit = u32::MAX as usize - 1;
    if long > limit {
        return Err(AssignError::Length {
            what: "the longer side of the cost matrix",
            expected: limit,
            got: long,
        });
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_beyond_u32_are_refused_not_truncated() {
        let limit = u32::MAX as usize - 1;
        assert_eq!(check_side(1, limit), Ok(()));
        assert!(check_side(0, usize::MAX).is_err());
        assert_eq!(check_side(0, limit), Ok(()));
        assert_eq!(
            check_side(2, limit + 1),
            Err(AssignError::Length {
                what: "the longer side of the cost matrix",
                expected: limit,
                got: limit + 1,
            })
        );
        assert!(check_side(limit + 1, 1).is_err());
    }
}
