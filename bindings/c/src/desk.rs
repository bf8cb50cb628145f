//! The emergency desk: a state kept in memory, prepared once, into which emergency needs
//! are inserted one at a time (`aidmatch::urgent::UrgentDesk`).
//!
//! `aidmatch_urgent_json` reads a state, prepares it, inserts one need and writes the
//! whole next state: O(state) per need (seconds at province scale). A platform that keeps
//! the state in memory opens a desk once (`aidmatch_desk_open`), then each
//! `aidmatch_desk_insert` costs the placement alone (microseconds; a displacement is a
//! whole re-match), and asks for the next state only when it stores it
//! (`aidmatch_desk_state`, `aidmatch_desk_save`). The results and states are the same as
//! successive `aidmatch_urgent_json` calls give.
//!
//! Conversion only: the work is `aidmatch::urgent::UrgentDesk`.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard};

use aidmatch_engine::snapshot::State;
use aidmatch_engine::urgent::UrgentDesk;

use crate::args;
use crate::boundary::{error_object, guard, run, run_into, run_into_string};
use crate::closed_loop::{need_of, state_of};
use crate::error::{Failure, aidmatch_error};
use crate::status::aidmatch_status;
use crate::two_lists::{path, run_date};

/// An emergency desk: a round's state and the capacity it has left, prepared once.
///
/// **Ownership:** created by `aidmatch_desk_open`, `aidmatch_desk_open_dir` or
/// `aidmatch_round_desk`, owned by the caller, freed at most once by
/// `aidmatch_desk_free`. Passing a freed handle to any function is undefined behaviour
/// (it cannot be detected); NULL is `AIDMATCH_STATUS_NULL_PARAMETER` (a no-op for
/// `aidmatch_desk_free`).
///
/// **Thread safety:** any number of threads may call `aidmatch_desk_insert`,
/// `aidmatch_desk_state` and `aidmatch_desk_save` on one desk at once; the calls are
/// serialised (each insertion sees the ones before it). It must not be freed while
/// another thread uses it.
///
/// **After an internal error** (`AIDMATCH_STATUS_PANIC` from a call on the desk) the desk
/// may be half-updated: every later call on it returns `AIDMATCH_STATUS_INTERNAL`. Free it
/// and open a new one from the last stored state.
#[allow(non_camel_case_types, reason = "C name, shown as is in the header")]
pub struct aidmatch_desk {
    pub(crate) inner: Mutex<UrgentDesk>,
}

// The thread-safety promise above, checked by the compiler.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<aidmatch_desk>();
};

impl std::fmt::Debug for aidmatch_desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("aidmatch_desk").finish_non_exhaustive()
    }
}

/// The desk behind a handle, locked.
///
/// # Safety
/// `desk` is NULL or a live desk handle.
unsafe fn lock<'a>(desk: *const aidmatch_desk) -> Result<MutexGuard<'a, UrgentDesk>, Failure> {
    // SAFETY: guaranteed by the caller.
    let Some(d) = (unsafe { desk.as_ref() }) else {
        return Err(Failure::null("desk"));
    };
    d.inner.lock().map_err(|_| {
        Failure::new(
            aidmatch_status::AIDMATCH_STATUS_INTERNAL,
            "the desk was left inconsistent by an earlier internal error; free it and open a \
             new one from the last stored state",
        )
    })
}

/// A new desk on `state`, for insertions dated `as_of`.
pub(crate) fn desk_handle(
    state: State,
    as_of: Option<&str>,
) -> Result<*mut aidmatch_desk, Failure> {
    let desk = UrgentDesk::open(state, run_date(as_of)?)?;
    Ok(Box::into_raw(Box::new(aidmatch_desk {
        inner: Mutex::new(desk),
    })))
}

/// Opens an emergency desk on a state document (as returned by
/// `aidmatch_match_json_with_state`, `aidmatch_rematch_json`, `aidmatch_urgent_json` or
/// `aidmatch_desk_state`), for insertions dated `as_of` (`"YYYY-MM-DD"`; NULL = today in
/// UTC: pass it for reproducible results). Proposals of the state that have expired by
/// then hold no place.
///
/// On success stores a new handle in `*out`; free it with `aidmatch_desk_free`. On
/// failure `*out` is untouched.
///
/// Time: O(resources · areas + pairs + needs), once (milliseconds for a county, about a
/// second for a province), besides reading the document.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`state_json` or
/// `out`); `AIDMATCH_STATUS_INVALID_UTF8`; `AIDMATCH_STATUS_MALFORMED_JSON`;
/// `AIDMATCH_STATUS_INVALID_INPUT` (not an aidmatch state, a bad list value located by
/// row, column and value, an invalid policy or date).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// `state_json` and `as_of` are NULL or NUL-terminated strings valid for the call; `out`
/// is NULL or valid for writing one pointer; `err` is NULL or a live error object not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_open(
    state_json: *const c_char,
    as_of: *const c_char,
    out: *mut *mut aidmatch_desk,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out` and the strings.
    unsafe {
        run_into(err, out, "out", || {
            let state_json = args::utf8(state_json, "state_json")?;
            let as_of = args::optional_utf8(as_of, "as_of")?;
            desk_handle(state_of(state_json)?, as_of)
        })
    }
}

/// Opens an emergency desk on a state folder (`snapshot.json`, the lists, `policy.toml`,
/// as `aidmatch_match_files_with_state`, `aidmatch_rematch_files`, `aidmatch_desk_save`
/// or the command line write it), as `aidmatch_desk_open` does on a document.
///
/// Returns the statuses of `aidmatch_desk_open`; `AIDMATCH_STATUS_INVALID_INPUT` with
/// column `state_dir` for an empty path (`""`); `AIDMATCH_STATUS_IO` when a file cannot
/// be read (the message names the path).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// As for `aidmatch_desk_open`, `state_dir` in place of `state_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_open_dir(
    state_dir: *const c_char,
    as_of: *const c_char,
    out: *mut *mut aidmatch_desk,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out` and the strings.
    unsafe {
        run_into(err, out, "out", || {
            let state_dir = path(state_dir, "state_dir")?;
            let as_of = args::optional_utf8(as_of, "as_of")?;
            desk_handle(State::load(&state_dir)?, as_of)
        })
    }
}

/// Inserts one emergency need (急难) into the desk: the best-scored eligible resource
/// with a free place in what the desk has left, every other pair unchanged; the desk
/// records the new proposal (places, budget, household limit) for the next insertion.
/// When no eligible resource has room and the state's rules allow it, a lower-tier open
/// proposal is displaced by an exact re-match of the desk's state with the need added
/// (slow: a whole engine run), after which the desk prepares itself again.
///
/// * `need_json`: the need, one JSON object with the needs list's keys (or a JSON array
///   holding exactly one); its `need_id` must not be in the desk's state yet.
///
/// On success stores a new string in `*result_json`: the same object as
/// `aidmatch_urgent_json`'s result, `{need_id, mode, resource_id, score, tier, reason,
/// changes, insert_ms}`; free it with `aidmatch_string_free`. On failure it is not
/// written and the desk is unchanged.
///
/// Time: O(candidates of the need) without displacement (microseconds).
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`desk`, `need_json`
/// or `result_json`); `AIDMATCH_STATUS_INVALID_UTF8`; `AIDMATCH_STATUS_MALFORMED_JSON`;
/// `AIDMATCH_STATUS_INVALID_INPUT` (a bad need value located by row, column and value;
/// no need or several, the value being the number found; a need id the desk already has,
/// column `need_id`); `AIDMATCH_STATUS_INTERNAL` for a desk left unusable by an earlier
/// internal error.
///
/// Thread-safe: insertions into one desk are serialised.
///
/// # Safety
/// `desk` is NULL or a live handle; `need_json` is NULL or a NUL-terminated string valid
/// for the call; `result_json` is NULL or valid for writing one pointer; `err` is NULL or
/// a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_insert(
    desk: *const aidmatch_desk,
    need_json: *const c_char,
    result_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `result_json`, `need_json` and `desk`.
    unsafe {
        run_into_string(err, result_json, "result_json", || {
            let need = need_of(args::utf8(need_json, "need_json")?)?;
            Ok(lock(desk)?.insert(need)?.to_json())
        })
    }
}

/// The desk's next state as one JSON document (the need of every insertion added, its
/// pair proposed), to store and hand back to `aidmatch_rematch_json`,
/// `aidmatch_urgent_json` or `aidmatch_desk_open`. The same document as successive
/// `aidmatch_urgent_json` calls would have returned.
///
/// On success stores a new string in `*state_json`; free it with
/// `aidmatch_string_free`. On failure it is not written.
///
/// Time: O(state) (the whole document is written).
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`desk` or
/// `state_json`); `AIDMATCH_STATUS_INTERNAL` for a desk left unusable by an earlier
/// internal error.
///
/// Thread-safe, serialised with the desk's other calls.
///
/// # Safety
/// `desk` is NULL or a live handle; `state_json` is NULL or valid for writing one
/// pointer; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_state(
    desk: *const aidmatch_desk,
    state_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `state_json` and `desk`.
    unsafe {
        run_into_string(err, state_json, "state_json", || {
            Ok(lock(desk)?.state().to_json()?)
        })
    }
}

/// Writes the desk's next state into the folder `out_dir` (`snapshot.json`,
/// `needs.json`, `supply.json`, `exclusions.json`, `policy.toml`; created if missing;
/// each file atomically), the folder that `aidmatch_rematch_files`,
/// `aidmatch_urgent_files`, `aidmatch_desk_open_dir` and the command line read.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`desk` or `out_dir`);
/// `AIDMATCH_STATUS_INVALID_INPUT` with column `out_dir` for an empty path (`""`);
/// `AIDMATCH_STATUS_IO` when a file cannot be written (the message names the path);
/// `AIDMATCH_STATUS_INTERNAL` for a desk left unusable by an earlier internal error.
///
/// Thread-safe, serialised with the desk's other calls; two calls must not write the
/// same `out_dir` at once.
///
/// # Safety
/// `desk` is NULL or a live handle; `out_dir` is NULL or a NUL-terminated string valid
/// for the call; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_save(
    desk: *const aidmatch_desk,
    out_dir: *const c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY: NULL or a NUL-terminated string valid for the call.
        let out_dir = unsafe { path(out_dir, "out_dir") }?;
        // SAFETY: NULL or a live handle, by the caller's contract.
        let mut d = unsafe { lock(desk) }?;
        d.state().save(&out_dir)?;
        Ok(())
    })
}

/// Frees a desk. NULL is a no-op. Free it at most once, and not while another thread
/// uses it.
///
/// # Safety
/// `desk` is NULL or a handle from `aidmatch_desk_open`, `aidmatch_desk_open_dir` or
/// `aidmatch_round_desk` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_desk_free(desk: *mut aidmatch_desk) {
    guard((), || {
        if !desk.is_null() {
            // SAFETY: a pointer from `desk_handle` (every creator), freed only here.
            drop(unsafe { Box::from_raw(desk) });
        }
    })
}
