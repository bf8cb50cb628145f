//! Sparse maximum-weight b-matching on CSR arrays, its result handle, and the interrupt
//! handle that lets another thread abandon a long solve.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aidmatch_assign::sparse::{self, Options};
use aidmatch_assign::{AssignError, Problem};

use crate::args;
use crate::boundary::{error_object, guard, run};
use crate::error::{Failure, aidmatch_error};
use crate::status::aidmatch_status;

/// A flag that another thread sets to abandon a running solve, which then returns
/// `AIDMATCH_STATUS_INTERRUPTED` soon after.
///
/// **Ownership:** created by `aidmatch_interrupt_new`, freed at most once by
/// `aidmatch_interrupt_free`. It may not be freed while a call that was given it runs.
///
/// **Thread safety:** `aidmatch_interrupt_trigger` and `aidmatch_interrupt_reset` may be
/// called from any thread at any time, also while a solve that uses it runs; one handle may
/// be given to several solves at once (triggering it stops them all).
#[derive(Debug)]
#[allow(non_camel_case_types, reason = "C name, shown as is in the header")]
pub struct aidmatch_interrupt {
    flag: Arc<AtomicBool>,
}

impl aidmatch_interrupt {
    /// The shared flag, for the solver's or the engine's options.
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }
}

/// Creates an interrupt handle, not triggered. Returns NULL only if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn aidmatch_interrupt_new() -> *mut aidmatch_interrupt {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(aidmatch_interrupt {
            flag: Arc::new(AtomicBool::new(false)),
        }))
    })
}

/// Triggers the interrupt: every solve using it stops with `AIDMATCH_STATUS_INTERRUPTED`,
/// and so does every later solve given it until `aidmatch_interrupt_reset`. NULL is a no-op.
///
/// # Safety
/// `interrupt` is NULL or a live handle from `aidmatch_interrupt_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_interrupt_trigger(interrupt: *const aidmatch_interrupt) {
    guard((), || {
        // SAFETY: guaranteed by the caller.
        if let Some(i) = unsafe { interrupt.as_ref() } {
            i.flag.store(true, Ordering::Relaxed);
        }
    })
}

/// Clears a triggered interrupt so that the handle can be used again. NULL is a no-op.
///
/// # Safety
/// `interrupt` is NULL or a live handle from `aidmatch_interrupt_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_interrupt_reset(interrupt: *const aidmatch_interrupt) {
    guard((), || {
        // SAFETY: guaranteed by the caller.
        if let Some(i) = unsafe { interrupt.as_ref() } {
            i.flag.store(false, Ordering::Relaxed);
        }
    })
}

/// Frees an interrupt handle. NULL is a no-op. Free it at most once, and not while a
/// call that was given it is running.
///
/// # Safety
/// `interrupt` is NULL or a handle from `aidmatch_interrupt_new` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_interrupt_free(interrupt: *mut aidmatch_interrupt) {
    guard((), || {
        if !interrupt.is_null() {
            // SAFETY: a pointer from `aidmatch_interrupt_new`, freed only here.
            drop(unsafe { Box::from_raw(interrupt) });
        }
    })
}

/// The matched pairs of a sparse solve: `len` triples (row, column, units), sorted by row
/// then column, and the total weight.
///
/// **Ownership:** returned by `aidmatch_max_weight_matching`, owned by the caller, freed at
/// most once by `aidmatch_matching_free`. The arrays it returns belong to it and may not
/// outlive it.
///
/// **Thread safety:** immutable: any number of threads may read it at once; it must not be
/// freed while another thread reads it.
#[derive(Debug)]
#[allow(non_camel_case_types, reason = "C name, shown as is in the header")]
pub struct aidmatch_matching {
    rows: Vec<usize>,
    cols: Vec<usize>,
    units: Vec<u32>,
    weight: i128,
}

/// Exact maximum-weight bipartite b-matching on a sparse problem in compressed sparse row
/// (CSR) form, as `aidmatch_assign::sparse::solve` defines it. Nobody is forced to be
/// matched, so every valid problem has a solution.
///
/// The arcs of row `i` are positions `indptr[i] .. indptr[i + 1]` of `indices` (their
/// columns) and `weights` (their `int64_t` weights, |w| <= 2^53 - 1). `indptr_len` must be
/// `n_rows + 1`, `indptr` must start at 0 and never decrease, and
/// `indices_len == weights_len == indptr[n_rows]`. Limits of the solver, which indexes
/// in 32 bits: `n_rows + 2 * n_cols` at most 4294967294 (2^32 - 2), and at most
/// 4294967295 (2^32 - 1) arcs. Each column `j` takes at most `col_capacity[j]` units
/// (`col_capacity_len == n_cols`). Optional arrays (NULL with length 0 when absent):
/// `row_capacity` (default 1 unit per row), `row_tier` (1 = most urgent .. 255; the
/// solve first maximises the matched units of tier 1, then tier 2, ..., and only then
/// the weight). `interrupt` is optional (NULL).
///
/// On success stores a new result handle in `*out`, which the caller frees with
/// `aidmatch_matching_free`. On failure `*out` is untouched.
///
/// Time: a strongly polynomial min-cost flow on each connected component (see the
/// aidmatch-assign docs); memory O(n_rows + n_cols + arcs).
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` for a NULL `out` or a
/// NULL buffer of non-zero length; `AIDMATCH_STATUS_INVALID_INPUT` for sizes above the
/// limits, inconsistent lengths (the column names the length argument, e.g.
/// `indptr_len`, the value its value), an `indptr` that does not start at 0, decreases
/// or does not end at the number of arcs (column `indptr`, the row where it decreases),
/// and for an arc whose column index is out of range (row, column `indices`, the index
/// as value), whose weight is out of range (row, the arc's column, the weight), or that
/// repeats a (row, column) pair (row and column), or a tier out of range (row, column
/// `row_tier`, the tier); `AIDMATCH_STATUS_INTERRUPTED` when `interrupt` was triggered.
///
/// Thread-safe: calls may run at once; the solve may use several threads internally.
///
/// # Safety
/// Each non-NULL buffer is valid for reading its length for the whole call; `out` is NULL
/// or valid for writing one pointer; `interrupt` is NULL or a live handle; `err` is NULL
/// or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_max_weight_matching(
    n_rows: usize,
    n_cols: usize,
    indptr: *const usize,
    indptr_len: usize,
    indices: *const usize,
    indices_len: usize,
    weights: *const i64,
    weights_len: usize,
    col_capacity: *const u32,
    col_capacity_len: usize,
    row_capacity: *const u32,
    row_capacity_len: usize,
    row_tier: *const u32,
    row_tier_len: usize,
    interrupt: *const aidmatch_interrupt,
    out: *mut *mut aidmatch_matching,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        args::out_pointer(out, "out")?;
        if n_rows.checked_add(1).is_none() {
            return Err(Failure::invalid(format!(
                "n_rows + 1 = {n_rows} + 1 overflows size_t"
            )));
        }
        // SAFETY (all five): the buffers are valid for their lengths by the caller's
        // contract, and the slices do not outlive this call.
        let indptr = unsafe { args::slice(indptr, indptr_len, "indptr") }?;
        let indices = unsafe { args::slice(indices, indices_len, "indices") }?;
        let weights = unsafe { args::slice(weights, weights_len, "weights") }?;
        let col_capacity = unsafe { args::slice(col_capacity, col_capacity_len, "col_capacity") }?;
        let row_capacity =
            unsafe { args::optional_slice(row_capacity, row_capacity_len, "row_capacity") }?;
        let row_tier = unsafe { args::optional_slice(row_tier, row_tier_len, "row_tier") }?;
        // SAFETY: NULL or a live handle, by the caller's contract.
        let cancel = unsafe { interrupt.as_ref() }.map(aidmatch_interrupt::flag);

        check_csr(n_rows, n_cols, indptr, indices, weights)?;
        check_len("col_capacity", col_capacity.len(), "n_cols", n_cols)?;
        if let Some(rc) = row_capacity {
            check_len("row_capacity", rc.len(), "n_rows", n_rows)?;
        }
        if let Some(t) = row_tier {
            check_len("row_tier", t.len(), "n_rows", n_rows)?;
        }
        let located = |e| arc_failure(e, indptr, indices);
        let mut builder =
            Problem::from_csr(n_rows, n_cols, indptr, indices, weights).map_err(located)?;
        builder.col_capacity(to_vec(col_capacity, "col_capacity")?);
        if let Some(rc) = row_capacity {
            builder.row_supply(to_vec(rc, "row_capacity")?);
        }
        if let Some(t) = row_tier {
            builder.row_tier(to_vec(t, "row_tier")?);
        }
        let problem = builder.build().map_err(located)?;
        let options = Options {
            cancel,
            ..Options::default()
        };
        let m = sparse::solve(&problem, &options)?;

        let pairs: Vec<(usize, usize, u32)> = m.pairs(&problem).collect();
        let result = aidmatch_matching {
            rows: pairs.iter().map(|p| p.0).collect(),
            cols: pairs.iter().map(|p| p.1).collect(),
            units: pairs.iter().map(|p| p.2).collect(),
            weight: m.weight(&problem),
        };
        // SAFETY: `out` checked non-NULL and aligned; valid for writing by contract.
        unsafe { out.write(Box::into_raw(Box::new(result))) };
        Ok(())
    })
}

/// The most nodes of the sparse solver's network besides source and sink (`n_rows + 2 ·
/// n_cols` here: it indexes nodes in 32 bits and refuses 2^32 - 1 or more).
const MAX_NODES: u128 = u32::MAX as u128 - 1;
/// The most arcs of a sparse problem (the solver indexes them in 32 bits).
const MAX_ARCS: usize = u32::MAX as usize;

/// Checks the CSR arrays in the words of the C arguments, before the solver sees them:
/// the sizes against the solver's limits, `indptr`'s length and values (starting at 0,
/// never decreasing, ending at the number of arcs), and `weights` as long as `indices`.
/// What the solver checks arc by arc (a column out of range, a weight beyond 2^53 - 1, a
/// duplicate) it reports, located by [`arc_failure`].
fn check_csr(
    n_rows: usize,
    n_cols: usize,
    indptr: &[usize],
    indices: &[usize],
    weights: &[i64],
) -> Result<(), Failure> {
    let nodes = n_rows as u128 + 2 * n_cols as u128;
    if nodes > MAX_NODES {
        return Err(Failure::invalid(format!(
            "n_rows + 2 · n_cols = {n_rows} + 2 · {n_cols} = {nodes}, but the solver takes at \
             most {MAX_NODES} (2^32 - 2)"
        ))
        .value(nodes.to_string()));
    }
    check_len("indptr", indptr.len(), "n_rows + 1", n_rows + 1)?;
    let nnz = indices.len();
    if nnz > MAX_ARCS {
        return Err(Failure::invalid(format!(
            "indices has {nnz} arcs, but the solver takes at most {MAX_ARCS} (2^32 - 1)"
        ))
        .column("indices_len")
        .value(nnz.to_string()));
    }
    if weights.len() != nnz {
        return Err(Failure::invalid(format!(
            "weights has {} entries, but indices has {nnz}: one weight per arc",
            weights.len()
        ))
        .column("weights_len")
        .value(weights.len().to_string()));
    }
    if indptr[0] != 0 {
        return Err(
            Failure::invalid(format!("indptr[0] is {}, expected 0", indptr[0]))
                .row(0)
                .column("indptr")
                .value(indptr[0].to_string()),
        );
    }
    if let Some(row) = (0..n_rows).find(|&i| indptr[i] > indptr[i + 1]) {
        let (lo, hi) = (indptr[row], indptr[row + 1]);
        return Err(Failure::invalid(format!(
            "indptr decreases at row {row}: indptr[{row}] = {lo} > indptr[{}] = {hi} (it must \
             never decrease)",
            row + 1
        ))
        .row(row)
        .column("indptr")
        .value(hi.to_string()));
    }
    if indptr[n_rows] != nnz {
        return Err(Failure::invalid(format!(
            "indptr[n_rows] = indptr[{n_rows}] is {}, but indices and weights have {nnz} \
             entries (it must be the number of arcs)",
            indptr[n_rows]
        ))
        .column("indptr")
        .value(indptr[n_rows].to_string()));
    }
    Ok(())
}

/// `got` elements in argument `what`, which must have `expected` (`expected_name`).
fn check_len(what: &str, got: usize, expected_name: &str, expected: usize) -> Result<(), Failure> {
    if got == expected {
        return Ok(());
    }
    Err(Failure::invalid(format!(
        "{what} has length {got}, expected {expected_name} = {expected}"
    ))
    .column(format!("{what}_len"))
    .value(got.to_string()))
}

/// A refusal of the solver for one arc, in the words of the C arguments and located:
/// the row of the arc (from `indptr`, which `check_csr` checked), its column and the
/// value at fault. Other refusals are passed on as they are.
fn arc_failure(e: AssignError, indptr: &[usize], indices: &[usize]) -> Failure {
    // The row whose range indptr[row]..indptr[row + 1] holds the arc.
    let row_of = |arc: usize| {
        indptr
            .partition_point(|&start| start <= arc)
            .saturating_sub(1)
    };
    match e {
        AssignError::IndexOutOfRange {
            arc,
            side: "column",
            index,
            len,
        } => {
            let row = row_of(arc);
            Failure::invalid(format!(
                "indices[{arc}] = {index} (an arc of row {row}) is not a column: n_cols is {len}"
            ))
            .row(row)
            .column("indices")
            .value(index.to_string())
        }
        AssignError::WeightOutOfRange { arc, value, limit } => {
            let row = row_of(arc);
            Failure::invalid(format!(
                "weights[{arc}] = {value} (row {row}, column {}) is outside the supported range \
                 ±{limit} (2^53 - 1)",
                indices[arc]
            ))
            .row(row)
            .column(indices[arc].to_string())
            .value(value.to_string())
        }
        AssignError::DuplicateArc {
            row,
            col,
            first,
            second,
        } => Failure::invalid(format!(
            "duplicate arc: row {row} has column {col} twice (indices[{first}] and \
             indices[{second}])"
        ))
        .row(row)
        .column(col.to_string()),
        AssignError::TierOutOfRange { row, tier, max } => {
            Failure::invalid(format!("row_tier[{row}] is {tier}, expected 1..={max}"))
                .row(row)
                .column("row_tier")
                .value(tier.to_string())
        }
        other => Failure::from(other),
    }
}

/// Copies a caller's array into an owned vector, reporting exhaustion instead of aborting.
fn to_vec<T: Copy>(values: &[T], what: &str) -> Result<Vec<T>, Failure> {
    let mut v = Vec::new();
    v.try_reserve_exact(values.len())
        .map_err(|_| Failure::out_of_memory(what))?;
    v.extend_from_slice(values);
    Ok(v)
}

/// Borrows a result handle.
///
/// # Safety
/// `m` is NULL or a live handle.
unsafe fn borrow<'a>(m: *const aidmatch_matching) -> Option<&'a aidmatch_matching> {
    // SAFETY: guaranteed by the caller.
    unsafe { m.as_ref() }
}

/// Number of matched (row, column) pairs; 0 for NULL.
///
/// # Safety
/// `m` is NULL or a live handle from `aidmatch_max_weight_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_len(m: *const aidmatch_matching) -> usize {
    // SAFETY: forwarded contract.
    guard(0, || unsafe { borrow(m) }.map_or(0, |m| m.rows.len()))
}

/// The row of every pair, `aidmatch_matching_len(m)` elements, ascending. Owned by `m`:
/// do not free; may not outlive `m`. NULL when `m` is NULL; may be any non-NULL pointer
/// when the length is 0.
///
/// # Safety
/// `m` is NULL or a live handle from `aidmatch_max_weight_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_rows(m: *const aidmatch_matching) -> *const usize {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { borrow(m) }.map_or(std::ptr::null(), |m| m.rows.as_ptr())
    })
}

/// The column of every pair (`aidmatch_matching_len(m)` elements), owned by `m` like
/// `aidmatch_matching_rows`.
///
/// # Safety
/// `m` is NULL or a live handle from `aidmatch_max_weight_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_cols(m: *const aidmatch_matching) -> *const usize {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { borrow(m) }.map_or(std::ptr::null(), |m| m.cols.as_ptr())
    })
}

/// The units of every pair, at least 1 each (`aidmatch_matching_len(m)` elements), owned
/// by `m` like `aidmatch_matching_rows`.
///
/// # Safety
/// `m` is NULL or a live handle from `aidmatch_max_weight_matching`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_units(m: *const aidmatch_matching) -> *const u32 {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { borrow(m) }.map_or(std::ptr::null(), |m| m.units.as_ptr())
    })
}

/// Writes the total weight Σ weight × units of the matching (tier bonuses excluded) into
/// `*weight`.
///
/// Returns `AIDMATCH_STATUS_NULL_PARAMETER` when `m` or `weight` is NULL, and
/// `AIDMATCH_STATUS_OUT_OF_RANGE` when the exact total does not fit in `int64_t`
/// (`*weight` untouched).
///
/// # Safety
/// `m` is NULL or a live handle; `weight` is NULL or valid for writing; `err` as elsewhere.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_weight(
    m: *const aidmatch_matching,
    weight: *mut i64,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY: forwarded contract.
        let m = unsafe { borrow(m) }.ok_or_else(|| Failure::null("m"))?;
        args::out_pointer(weight, "weight")?;
        let w = i64::try_from(m.weight).map_err(|_| {
            Failure::new(
                aidmatch_status::AIDMATCH_STATUS_OUT_OF_RANGE,
                format!("total weight {} does not fit in int64_t", m.weight),
            )
            .value(m.weight.to_string())
        })?;
        // SAFETY: checked non-NULL and aligned; writable by contract.
        unsafe { weight.write(w) };
        Ok(())
    })
}

/// Frees a result handle. NULL is a no-op. Free it at most once; the arrays it returned
/// become invalid.
///
/// # Safety
/// `m` is NULL or a handle from `aidmatch_max_weight_matching` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_matching_free(m: *mut aidmatch_matching) {
    guard((), || {
        if !m.is_null() {
            // SAFETY: a pointer from `aidmatch_max_weight_matching`, freed only here.
            drop(unsafe { Box::from_raw(m) });
        }
    })
}
