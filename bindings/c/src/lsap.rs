//! Dense rectangular linear sum assignment (scipy's `linear_sum_assignment` contract).
//!
//! Both functions convert their arguments and call `aidmatch_assign::dense`; the solver
//! does all the checking of the numbers (shape, NaN, infinities, range).

use aidmatch_assign::dense::{self, Assignment, Sense};

use crate::args;
use crate::boundary::{error_object, run};
use crate::error::{Failure, aidmatch_error};
use crate::status::aidmatch_status;

fn sense(maximize: bool) -> Sense {
    if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    }
}

/// The most rows, and the most columns, of a dense matrix: the solver indexes them in 32
/// bits, and refuses a longer side even when the other is empty (its dual vector alone
/// would be that long). `tests::lsap` checks that the solver agrees.
pub(crate) const MAX_SIDE: usize = u32::MAX as usize - 1;

/// Checks the sizes shared by both solvers and returns min(rows, cols).
fn check_sizes(rows: usize, cols: usize, ind_len: usize) -> Result<usize, Failure> {
    if rows.checked_mul(cols).is_none() {
        return Err(Failure::invalid(format!(
            "rows × cols = {rows} × {cols} overflows size_t"
        )));
    }
    for (name, side) in [("rows", rows), ("cols", cols)] {
        if side > MAX_SIDE {
            return Err(Failure::invalid(format!(
                "argument `{name}` is {side}, but a side of the matrix may be at most \
                 {MAX_SIDE} (2^32 - 2)"
            ))
            .column(name)
            .value(side.to_string()));
        }
    }
    let n = rows.min(cols);
    if ind_len < n {
        return Err(Failure::invalid(format!(
            "row_ind and col_ind have room for {ind_len} entries, need min(rows, cols) = {n}"
        )));
    }
    Ok(n)
}

/// Writes an assignment's pairs into the caller's buffers.
///
/// # Safety
/// `row_ind` and `col_ind` were checked by `args::output` for the assignment's length.
unsafe fn write_pairs<T: Copy>(a: &Assignment<T>, row_ind: *mut usize, col_ind: *mut usize) {
    // SAFETY: forwarded contract.
    unsafe {
        args::write_all(row_ind, a.row_ind());
        args::write_all(col_ind, a.col_ind());
    }
}

/// Solves the rectangular linear sum assignment problem on a dense `double` cost matrix,
/// exactly as `scipy.optimize.linear_sum_assignment(costs, maximize)` does: choose
/// `n = min(rows, cols)` entries, at most one in each row and each column, with the least
/// (or, with `maximize`, greatest) total cost.
///
/// `costs` is row-major, `costs_len` must equal `rows * cols`. `+inf` (when minimising)
/// or `-inf` (when maximising) marks a forbidden entry; NaN and the other infinity are
/// errors.
///
/// Limits (where scipy has none): `rows` and `cols` are each at most 4294967294
/// (2^32 - 2), and every finite cost must satisfy
/// `|cost| <= DBL_MAX / (4 (min(rows, cols) + 1))`, so that no sum of the search can
/// overflow to infinity: about 2.2e307 for one row, and above 1e300 for any matrix that
/// fits in memory. A cost beyond it is `AIDMATCH_STATUS_INVALID_INPUT` located like NaN.
///
/// On success writes exactly `n` entries into each of the caller-allocated `row_ind` and
/// `col_ind` (each of `ind_len >= n` elements): pair `k` is row `row_ind[k]`, column
/// `col_ind[k]`, rows ascending. On failure neither buffer is touched.
///
/// A zero-sized matrix is valid and assigns nothing; buffers of length 0 may be NULL.
///
/// Time O(n² · max(rows, cols)) in the worst case; memory O(rows + cols) besides the input.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` for a NULL buffer of
/// non-zero length; `AIDMATCH_STATUS_INVALID_INPUT` when `costs_len != rows * cols`, the
/// product overflows, a side is above its limit (column `rows` or `cols`), `ind_len < n`
/// or a cost is invalid: NaN, the wrong infinity, or beyond the limit above (the error's
/// row, column and value then locate it, for example row 1, column `"1"`, value
/// `"1e308"`); `AIDMATCH_STATUS_INFEASIBLE` when forbidden entries leave no complete
/// assignment.
///
/// Thread-safe: any number of calls may run at once on distinct outputs and error objects.
///
/// # Safety
/// Each non-NULL buffer is valid for its length (`costs` for reading, `row_ind` and
/// `col_ind` for writing) for the whole call; `err` is NULL or a live error object not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_lsap_f64(
    rows: usize,
    cols: usize,
    costs: *const f64,
    costs_len: usize,
    maximize: bool,
    row_ind: *mut usize,
    col_ind: *mut usize,
    ind_len: usize,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        let n = check_sizes(rows, cols, ind_len)?;
        // SAFETY: `costs` valid for `costs_len` reads, by the caller's contract.
        let costs = unsafe { args::slice(costs, costs_len, "costs") }?;
        args::output(row_ind, n, "row_ind")?;
        args::output(col_ind, n, "col_ind")?;
        let a = dense::linear_sum_assignment(costs, rows, cols, sense(maximize))?;
        check_len(a.len(), n)?;
        // SAFETY: both buffers checked for `n` = a.len() elements.
        unsafe { write_pairs(&a, row_ind, col_ind) };
        Ok(())
    })
}

/// The integer twin of `aidmatch_lsap_f64`: exact on `int64_t` costs.
///
/// `allowed` is optional (NULL with `allowed_len` 0 means every entry is permitted):
/// a row-major mask of `rows * cols` bytes, non-zero = the entry may be chosen. (Bytes
/// rather than C `bool`, so that any host can fill it: a numpy bool array, a Java
/// `byte[]`; no byte value is undefined behaviour.) Every
/// permitted cost must satisfy |cost| <= 2^53 - 1, or the call fails with
/// `AIDMATCH_STATUS_INVALID_INPUT` naming the row, column and value.
///
/// Outputs, statuses, complexity and thread safety as for `aidmatch_lsap_f64`.
///
/// # Safety
/// As for `aidmatch_lsap_f64`; `allowed` is NULL or valid for `allowed_len` reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_lsap_i64(
    rows: usize,
    cols: usize,
    costs: *const i64,
    costs_len: usize,
    allowed: *const u8,
    allowed_len: usize,
    maximize: bool,
    row_ind: *mut usize,
    col_ind: *mut usize,
    ind_len: usize,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        let n = check_sizes(rows, cols, ind_len)?;
        // SAFETY: the buffers are valid for their lengths, by the caller's contract.
        let costs = unsafe { args::slice(costs, costs_len, "costs") }?;
        // SAFETY: as above.
        let mask = unsafe { args::optional_slice(allowed, allowed_len, "allowed") }?;
        args::output(row_ind, n, "row_ind")?;
        args::output(col_ind, n, "col_ind")?;
        let mask = match mask {
            None => None,
            Some(bytes) => {
                let mut m = Vec::new();
                m.try_reserve_exact(bytes.len())
                    .map_err(|_| Failure::out_of_memory("the `allowed` mask"))?;
                m.extend(bytes.iter().map(|&b| b != 0));
                Some(m)
            }
        };
        let a =
            dense::linear_sum_assignment_i64(costs, rows, cols, mask.as_deref(), sense(maximize))?;
        check_len(a.len(), n)?;
        // SAFETY: both buffers checked for `n` = a.len() elements.
        unsafe { write_pairs(&a, row_ind, col_ind) };
        Ok(())
    })
}

/// The solver's contract says a successful solve has exactly min(rows, cols) pairs; the
/// buffers were checked for that many, so anything else must not be written.
fn check_len(got: usize, n: usize) -> Result<(), Failure> {
    if got == n {
        Ok(())
    } else {
        Err(Failure::new(
            aidmatch_status::AIDMATCH_STATUS_INTERNAL,
            format!("solver returned {got} pairs, expected min(rows, cols) = {n}"),
        ))
    }
}
