//! A round kept in memory: match once, then explain, store, re-match and open an
//! emergency desk from the same handle.
//!
//! The JSON calls (`aidmatch_match_json_with_state`, `aidmatch_rematch_json`,
//! `aidmatch_explain_json`, `aidmatch_rematch_explain_json`) take everything as text and
//! give everything back as text: a platform that explains a need re-runs the whole round,
//! and every re-match reads the state document and writes the next one (at province
//! scale: seconds for each, and the whole round again for each explanation). An
//! `aidmatch_round` keeps a round's result and state in memory instead, as Python's
//! `MatchResult` does:
//!
//! * `aidmatch_round_match_json` matches a first round; `aidmatch_round_open_json` and
//!   `aidmatch_round_open_dir` take up a stored state (a round without a result of its
//!   own: it can be re-matched, stored and given a desk);
//! * `aidmatch_round_rematch_json` re-matches a round after feedback into a new round
//!   (the state is not read from text; from a round that holds a run, the engine also
//!   reuses that run's eligible pairs and scores where they cannot have changed: the
//!   same result, sooner);
//! * `aidmatch_round_result_json`, `aidmatch_round_explain_json` (no re-run),
//!   `aidmatch_round_state_json`, `aidmatch_round_save` and `aidmatch_round_desk` read
//!   the round.
//!
//! Every result, explanation and state is exactly what the JSON calls return for the
//! same arguments. Conversion only: the work is `aidmatch::run`,
//! `aidmatch::rematch::rematch` and `aidmatch::urgent::UrgentDesk`.

use std::ffi::c_char;

use aidmatch_engine::MatchResult;
use aidmatch_engine::outcome::LoopRules;
use aidmatch_engine::rematch::Rematch;
use aidmatch_engine::snapshot::State;

use crate::args;
use crate::boundary::{error_object, guard, run, run_into, run_into_string};
use crate::closed_loop::{feedback_json, state_of};
use crate::desk::{aidmatch_desk, desk_handle};
use crate::error::{Failure, aidmatch_error};
use crate::matching::aidmatch_interrupt;
use crate::status::aidmatch_status;
use crate::two_lists::{Explains, explain_into, match_json_inputs, path};

/// A round of the two lists kept in memory: a first match, a re-match, or a stored state.
///
/// **Ownership:** created by `aidmatch_round_match_json`, `aidmatch_round_open_json`,
/// `aidmatch_round_open_dir` or `aidmatch_round_rematch_json`, owned by the caller, freed
/// at most once by `aidmatch_round_free`. A round does not depend on the round it was
/// re-matched from: either may be freed first. Passing a freed handle to any function is
/// undefined behaviour (it cannot be detected); NULL is `AIDMATCH_STATUS_NULL_PARAMETER`
/// (a no-op for `aidmatch_round_free`).
///
/// **Thread safety:** a round never changes once made; any number of threads may call
/// the functions that take it at once. It must not be freed while another thread uses it.
#[allow(non_camel_case_types, reason = "C name, shown as is in the header")]
pub struct aidmatch_round {
    kind: Round,
}

/// Where a round came from. (One per handle: the size of the variants does not matter.)
#[allow(clippy::large_enum_variant)]
enum Round {
    /// A first match: its result and its state (built once, as
    /// `aidmatch_match_json_with_state` builds it: a platform stores it, re-matches it or
    /// opens a desk on it, and the state holds the lists the run read).
    Match { result: MatchResult, state: State },
    /// A re-match: its result, changes, figures and next state.
    Rematch(Rematch),
    /// A stored state taken up again: no result of its own.
    Stored(State),
}

// The thread-safety promise above, checked by the compiler: a round may be used from any
// thread (`Sync`) and freed on another than the one that made it (`Send`).
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<aidmatch_round>();
};

impl std::fmt::Debug for aidmatch_round {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("aidmatch_round").finish_non_exhaustive()
    }
}

impl aidmatch_round {
    /// The round's state.
    fn state(&self) -> &State {
        match &self.kind {
            Round::Match { state, .. } | Round::Stored(state) => state,
            Round::Rematch(r) => &r.state,
        }
    }

    /// What explains the round's needs; invalid input for a stored state.
    fn explains(&self) -> Result<&dyn Explains, Failure> {
        match &self.kind {
            Round::Match { result, .. } => Ok(result),
            Round::Rematch(r) => Ok(r),
            Round::Stored(_) => Err(no_result()),
        }
    }
}

/// The failure of asking a stored state for a result or an explanation.
fn no_result() -> Failure {
    Failure::invalid(
        "this round was opened from a stored state and has no result of its own; re-match \
         it (aidmatch_round_rematch_json) for one",
    )
    .column("round")
}

/// The round behind a handle.
///
/// # Safety
/// `round` is NULL or a live handle.
unsafe fn round_ref<'a>(round: *const aidmatch_round) -> Result<&'a aidmatch_round, Failure> {
    // SAFETY: guaranteed by the caller.
    unsafe { round.as_ref() }.ok_or_else(|| Failure::null("round"))
}

/// A new handle holding `kind`.
fn handle(kind: Round) -> *mut aidmatch_round {
    Box::into_raw(Box::new(aidmatch_round { kind }))
}

/// Matches a first round as `aidmatch_match_json` does and keeps it in memory.
///
/// Arguments and statuses as for `aidmatch_match_json`; on success stores a new handle
/// in `*out` (free it with `aidmatch_round_free`), on failure `*out` is untouched.
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// As for `aidmatch_match_json`; `out` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_match_json(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    interrupt: *const aidmatch_interrupt,
    out: *mut *mut aidmatch_round,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out`, the strings and `interrupt`.
    unsafe {
        run_into(err, out, "out", || {
            let (inputs, policy, result) = match_json_inputs(
                needs_json,
                supply_json,
                exclusions_json,
                policy,
                as_of,
                interrupt,
            )?;
            let state = State::from_run(&inputs, &policy, &LoopRules::default(), &result);
            Ok(handle(Round::Match { result, state }))
        })
    }
}

/// Takes up a stored state document (as `aidmatch_round_state_json`,
/// `aidmatch_match_json_with_state`, `aidmatch_rematch_json`, `aidmatch_urgent_json` or
/// `aidmatch_desk_state` return it) as a round: one to re-match, store or open a desk on.
/// It has no result of its own: `aidmatch_round_result_json` and
/// `aidmatch_round_explain_json` on it are `AIDMATCH_STATUS_INVALID_INPUT`.
///
/// On success stores a new handle in `*out`; on failure `*out` is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`state_json` or
/// `out`); `AIDMATCH_STATUS_INVALID_UTF8`; `AIDMATCH_STATUS_MALFORMED_JSON`;
/// `AIDMATCH_STATUS_INVALID_INPUT` (not an aidmatch state; a bad list value located by
/// row, column and value).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// `state_json` is NULL or a NUL-terminated string valid for the call; `out` is NULL or
/// valid for writing one pointer; `err` is NULL or a live error object not in use by
/// another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_open_json(
    state_json: *const c_char,
    out: *mut *mut aidmatch_round,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out` and `state_json`.
    unsafe {
        run_into(err, out, "out", || {
            let state_json = args::utf8(state_json, "state_json")?;
            Ok(handle(Round::Stored(state_of(state_json)?)))
        })
    }
}

/// Takes up a stored state folder (as `aidmatch_round_save`,
/// `aidmatch_match_files_with_state`, `aidmatch_rematch_files`, `aidmatch_desk_save` or
/// the command line write it) as a round, as `aidmatch_round_open_json` does a document.
///
/// Returns the statuses of `aidmatch_round_open_json` (`dir` in place of `state_json`);
/// `AIDMATCH_STATUS_INVALID_INPUT` with column `dir` for an empty path (`""`);
/// `AIDMATCH_STATUS_IO` when a file cannot be read (the message names the path).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// `dir` is NULL or a NUL-terminated string valid for the call; `out` is NULL or valid
/// for writing one pointer; `err` is NULL or a live error object not in use by another
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_open_dir(
    dir: *const c_char,
    out: *mut *mut aidmatch_round,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out` and `dir`.
    unsafe {
        run_into(err, out, "out", || {
            let dir = path(dir, "dir")?;
            Ok(handle(Round::Stored(State::load(&dir)?)))
        })
    }
}

/// Re-matches a round after feedback into a new round, exactly as `aidmatch_rematch_json`
/// does with the round's state: same result, changes, figures and next state.
///
/// `round` is the round to carry on (it is not changed); the other arguments are those
/// of `aidmatch_rematch_json` after `state_json`. On success stores the new round in
/// `*next` (free it with `aidmatch_round_free`); on failure `*next` is untouched.
///
/// Returns the statuses of `aidmatch_rematch_json`; `AIDMATCH_STATUS_NULL_PARAMETER` for
/// a NULL `round` or `next`.
///
/// Thread-safe: calls may run at once, on the same round too.
///
/// # Safety
/// `round` is NULL or a live handle; the strings and `interrupt` as for
/// `aidmatch_rematch_json`; `next` is NULL or valid for writing one pointer; `err` is
/// NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the arguments of aidmatch_rematch_json
pub unsafe extern "C" fn aidmatch_round_rematch_json(
    round: *const aidmatch_round,
    outcomes_json: *const c_char,
    needs_json: *const c_char,
    supply_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
    next: *mut *mut aidmatch_round,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `next`, `round`, the strings and
    // `interrupt`.
    unsafe {
        run_into(err, next, "next", || {
            let round = round_ref(round)?;
            let feedback = feedback_json(
                outcomes_json,
                needs_json,
                supply_json,
                policy,
                as_of,
                flags,
                interrupt,
            )?;
            Ok(handle(Round::Rematch(feedback.rematch(round.state())?)))
        })
    }
}

/// The round's result as one JSON document: for a first match what `aidmatch_match_json`
/// returns (`{assignments, unmatched, referrals, summary}`), for a re-match what
/// `aidmatch_rematch_json` returns as `result_json` (also `changes` and `rematch`).
///
/// On success stores a new string in `*result_json` (free it with
/// `aidmatch_string_free`); on failure it is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`round` or
/// `result_json`); `AIDMATCH_STATUS_INVALID_INPUT` (column `round`) for a round opened
/// from a stored state, which has no result.
///
/// Thread-safe.
///
/// # Safety
/// `round` is NULL or a live handle; `result_json` is NULL or valid for writing one
/// pointer; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_result_json(
    round: *const aidmatch_round,
    result_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `result_json` and `round`.
    unsafe {
        run_into_string(err, result_json, "result_json", || {
            let round = round_ref(round)?;
            match &round.kind {
                Round::Match { result, .. } => Ok(result.to_json()),
                Round::Rematch(r) => Ok(r.to_json()),
                Round::Stored(_) => Err(no_result()),
            }
        })
    }
}

/// Why one need of the round was matched or not, without running anything again: the
/// explanation `aidmatch_explain_json` (first match) or `aidmatch_rematch_explain_json`
/// (re-match) returns for the same arguments.
///
/// On success stores a new string in `*explanation_json` (free it with
/// `aidmatch_string_free`); on failure it is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`round`, `need_id` or
/// `explanation_json`); `AIDMATCH_STATUS_INVALID_UTF8` (`need_id`);
/// `AIDMATCH_STATUS_INVALID_INPUT` with column `need_id` and the id as value when the
/// round has no such need, or kept it from an earlier round (not matched again, so
/// without an explanation: the message says so and names the resource of its kept
/// pair); with column `round` for a round opened from a stored state.
///
/// Thread-safe.
///
/// # Safety
/// `round` is NULL or a live handle; `need_id` is NULL or a NUL-terminated string valid
/// for the call; `explanation_json` is NULL or valid for writing one pointer; `err` is
/// NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_explain_json(
    round: *const aidmatch_round,
    need_id: *const c_char,
    explanation_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: NULL or a live handle, by the caller's contract (read in `explain_into`).
    let of_round = || unsafe { round_ref(round) }?.explains();
    // SAFETY: the caller's contract on `err`, `need_id` and `explanation_json`.
    unsafe { explain_into(err, need_id, explanation_json, of_round) }
}

/// The round's state as one JSON document, to store and take up again with
/// `aidmatch_round_open_json` (or hand to `aidmatch_rematch_json`,
/// `aidmatch_urgent_json`, `aidmatch_desk_open`): for a first match what
/// `aidmatch_match_json_with_state` returns as `state_json`, for a re-match what
/// `aidmatch_rematch_json` returns as `next_state_json`.
///
/// On success stores a new string in `*state_json` (free it with
/// `aidmatch_string_free`); on failure it is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`round` or
/// `state_json`).
///
/// Thread-safe.
///
/// # Safety
/// `round` is NULL or a live handle; `state_json` is NULL or valid for writing one
/// pointer; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_state_json(
    round: *const aidmatch_round,
    state_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `state_json` and `round`.
    unsafe {
        run_into_string(err, state_json, "state_json", || {
            Ok(round_ref(round)?.state().to_json()?)
        })
    }
}

/// Writes the round into the folder `out_dir` (created if missing; each file
/// atomically), as the command line does: a first match writes what `match --snapshot`
/// writes (the result files and the state), a re-match what `rematch` writes (also
/// `changes.csv` and `rematch.json`), a stored state its state files alone. The state
/// files are what `aidmatch_round_open_dir`, `aidmatch_rematch_files`,
/// `aidmatch_urgent_files` and the command line read.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`round` or
/// `out_dir`); `AIDMATCH_STATUS_INVALID_INPUT` with column `out_dir` for an empty path
/// (`""`); `AIDMATCH_STATUS_IO` when a file cannot be written (the message names the
/// path).
///
/// Thread-safe, but two calls must not write the same `out_dir` at once.
///
/// # Safety
/// `round` is NULL or a live handle; `out_dir` is NULL or a NUL-terminated string valid
/// for the call; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_save(
    round: *const aidmatch_round,
    out_dir: *const c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY: NULL or a live handle, by the caller's contract.
        let round = unsafe { round_ref(round) }?;
        // SAFETY: NULL or a NUL-terminated string valid for the call.
        let out_dir = unsafe { path(out_dir, "out_dir") }?;
        match &round.kind {
            Round::Match { result, state } => {
                result.write_dir(&out_dir)?;
                state.save(&out_dir)?;
            }
            Round::Rematch(r) => r.write_dir(&out_dir)?,
            Round::Stored(state) => state.save(&out_dir)?,
        }
        Ok(())
    })
}

/// Opens an emergency desk on the round's state, for insertions dated `as_of`
/// (`"YYYY-MM-DD"`; NULL = today in UTC), as `aidmatch_desk_open` does on the state
/// document (the desk holds its own copy: the round may be freed first).
///
/// On success stores a new desk in `*out` (free it with `aidmatch_desk_free`); on failure
/// `*out` is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`round` or `out`);
/// `AIDMATCH_STATUS_INVALID_UTF8` (`as_of`); `AIDMATCH_STATUS_INVALID_INPUT` (an invalid
/// date, column `as_of`; or the errors of opening a desk as `aidmatch_desk_open` has
/// them: a policy of the state that is not valid, named as the column).
///
/// Thread-safe.
///
/// # Safety
/// `round` is NULL or a live handle; `as_of` is NULL or a NUL-terminated string valid for
/// the call; `out` is NULL or valid for writing one pointer; `err` is NULL or a live
/// error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_desk(
    round: *const aidmatch_round,
    as_of: *const c_char,
    out: *mut *mut aidmatch_desk,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `out`, `round` and `as_of`.
    unsafe {
        run_into(err, out, "out", || {
            let round = round_ref(round)?;
            let as_of = args::optional_utf8(as_of, "as_of")?;
            desk_handle(round.state().clone(), as_of)
        })
    }
}

/// Frees a round. NULL is a no-op. Free it at most once, and not while another thread
/// uses it; rounds made from it and desks opened on it stay valid.
///
/// # Safety
/// `round` is NULL or a handle from an `aidmatch_round_*` function not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_round_free(round: *mut aidmatch_round) {
    guard((), || {
        if !round.is_null() {
            // SAFETY: a pointer from `store`, freed only here.
            drop(unsafe { Box::from_raw(round) });
        }
    })
}
