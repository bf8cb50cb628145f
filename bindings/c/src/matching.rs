//! Sparse maximum-weight b-matching on CSR arrays, its result handle, and the interrupt
//! handle that lets another thread abandon a long solve.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aidmatch_assign::Problem;
use aidmatch_assign::sparse::{self, Options};

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
/// `n_rows + 1`, and `indices_len == weights_len == indptr[n_rows]`. Each column `j` takes
/// at most `col_capacity[j]` units (`col_capacity_len == n_cols`). Optional arrays (NULL
/// with length 0 when absent): `row_capacity` (default 1 unit per row), `row_tier`
/// (1 = most urgent .. 255; the solve first maximises the matched units of tier 1, then
/// tier 2, ..., and only then the weight). `interrupt` is optional (NULL).
///
/// On success stores a new result handle in `*out`, which the caller frees with
/// `aidmatch_matching_free`. On failure `*out` is untouched.
///
/// Time: a strongly polynomial min-cost flow on each connected component (see the
/// aidmatch-assign docs); memory O(n_rows + n_cols + arcs).
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` for a NULL `out` or a
/// NULL buffer of non-zero length; `AIDMATCH_STATUS_INVALID_INPUT` for inconsistent
/// lengths, an index, weight or tier out of range or a duplicate arc;
/// `AIDMATCH_STATUS_INTERRUPTED` when `interrupt` was triggered.
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

        let mut builder = Problem::from_csr(n_rows, n_cols, indptr, indices, weights)?;
        builder.col_capacity(to_vec(col_capacity, "col_capacity")?);
        if let Some(rc) = row_capacity {
            builder.row_supply(to_vec(rc, "row_capacity")?);
        }
        if let Some(t) = row_tier {
            builder.row_tier(to_vec(t, "row_tier")?);
        }
        let problem = builder.build()?;
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
