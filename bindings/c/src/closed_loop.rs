//! The closed loop: keep a round's state, re-match it after feedback, insert an emergency
//! need between rounds.
//!
//! A platform keeps the **state** of a round (pairs and their statuses, the lists, the
//! policy, the dual prices of the round's first solve) and hands it back with the feedback. Two
//! forms, the same content:
//!
//! * one JSON document (`aidmatch::snapshot::State::to_json`), for a platform that stores
//!   it in a database: `aidmatch_match_json_with_state` returns the first one,
//!   `aidmatch_rematch_json` and `aidmatch_urgent_json` take one and return the next;
//! * a folder (`snapshot.json`, the lists, `policy.toml`, as `aidmatch match --snapshot`
//!   writes it): `aidmatch_match_files_with_state`, `aidmatch_rematch_files` and
//!   `aidmatch_urgent_files`, exactly as the command line's `match --snapshot`,
//!   `rematch` and `urgent`.
//!
//! Conversion only: the work is `aidmatch::rematch::rematch` and
//! `aidmatch::urgent::insert_urgent`.

use std::ffi::c_char;

use aidmatch_engine::io::{self, Format, ReadOptions};
use aidmatch_engine::model::{Inputs, Need, Outcome, Resource};
use aidmatch_engine::outcome::LoopRules;
use aidmatch_engine::rematch::{Rematch, RematchOptions, rematch};
use aidmatch_engine::snapshot::State;
use aidmatch_engine::urgent::insert_urgent;
use aidmatch_engine::{Error, Policy};

use crate::args;
use crate::boundary::{error_object, run};
use crate::error::{Failure, aidmatch_error};
use crate::matching::aidmatch_interrupt;
use crate::status::aidmatch_status;
use crate::two_lists::{
    c_string_of, explain_into, match_json_inputs, optional_path, path, read_policy, run_date,
    run_options,
};

/// Flag of `aidmatch_rematch_json`, `aidmatch_rematch_files` and
/// `aidmatch_round_rematch_json`: solve the re-match cold (from nothing) instead of from
/// the previous solution and prices (the command line's `rematch --cold`). The exact
/// solve reaches the same optimum; which of several equal optima it returns may differ,
/// and where resource budgets bind, the budget step that follows may then end elsewhere
/// (the summary's bound and gap say how far from the bound each is).
pub const AIDMATCH_REMATCH_COLD: u32 = 1;

/// The flags this version knows.
const KNOWN_FLAGS: u32 = AIDMATCH_REMATCH_COLD;

/// The re-match options of a call.
///
/// # Safety
/// `interrupt` is NULL or a live handle.
unsafe fn rematch_options(
    as_of: Option<&str>,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
) -> Result<RematchOptions, Failure> {
    if flags & !KNOWN_FLAGS != 0 {
        return Err(
            Failure::invalid(format!("argument `flags` has unknown bits 0x{flags:x}"))
                .column("flags")
                .value(flags.to_string()),
        );
    }
    let mut options = RematchOptions::new(run_date(as_of)?);
    options.warm = flags & AIDMATCH_REMATCH_COLD == 0;
    // SAFETY: guaranteed by the caller.
    options.cancel = unsafe { interrupt.as_ref() }.map(aidmatch_interrupt::flag);
    Ok(options)
}

/// A state document, read.
pub(crate) fn state_of(text: &str) -> Result<State, Failure> {
    Ok(State::from_json(text, "state_json")?)
}

/// The one need of an emergency: a JSON object, or an array holding exactly one.
fn one_need(needs: Vec<Need>, label: &str) -> Result<Need, Failure> {
    let found = needs.len();
    let mut it = needs.into_iter();
    match (it.next(), it.next()) {
        (Some(need), None) => Ok(need),
        _ => Err(
            Failure::invalid(format!("{label}: expected exactly one need, found {found}"))
                .column(label)
                .value(found.to_string()),
        ),
    }
}

/// The one need of `need_json`: a JSON object with the needs list's keys, or a JSON
/// array holding exactly one.
///
/// An object is read as the one element of an array; it must be one JSON value first, so
/// that text such as `{..},{..}` (not JSON, but an array's inside) is malformed rather
/// than two needs.
pub(crate) fn need_of(need_json: &str) -> Result<Need, Failure> {
    const LABEL: &str = "need_json";
    let text = need_json.strip_prefix('\u{feff}').unwrap_or(need_json);
    let opts = ReadOptions {
        label: Some(LABEL.to_owned()),
        ..ReadOptions::default()
    };
    let needs = if text.trim_start().starts_with('{') {
        // One value, whatever is inside it (skipped without building it, iteratively:
        // no depth limit, no number conversion); the list reader then checks the need.
        serde_json::from_str::<&serde_json::value::RawValue>(text).map_err(|e| Error::Syntax {
            file: LABEL.to_owned(),
            line: e.line(),
            message: e.to_string(),
        })?;
        io::needs_from_bytes(format!("[{text}]").as_bytes(), Format::Json, &opts)?
    } else {
        io::needs_from_bytes(need_json.as_bytes(), Format::Json, &opts)?
    };
    one_need(needs, LABEL)
}

/// Writes two strings to their output pointers, both or neither.
///
/// # Safety
/// Both pointers were checked by `args::out_pointer` and are writable.
unsafe fn write_pair(
    first: *mut *mut c_char,
    first_text: String,
    second: *mut *mut c_char,
    second_text: String,
) -> Result<(), Failure> {
    let a = c_string_of(first_text)?;
    let b = c_string_of(second_text)?;
    // SAFETY: checked non-NULL and aligned by the caller; writable by contract.
    unsafe {
        first.write(a.into_raw());
        second.write(b.into_raw());
    }
    Ok(())
}

/// Matches a first round like `aidmatch_match_json` and also returns the round's
/// **state**, the JSON document to store and hand back to `aidmatch_rematch_json` or
/// `aidmatch_urgent_json` (every match proposed on the run date; the closed-loop rules
/// are the defaults: proposals expire after 14 days, continuity bonus).
///
/// Arguments and statuses as for `aidmatch_match_json`. On success stores two new
/// strings, `*result_json` (exactly what `aidmatch_match_json` returns) and
/// `*state_json`; free each with `aidmatch_string_free`. On failure neither is written.
///
/// Thread-safe, as `aidmatch_match_json`.
///
/// # Safety
/// As for `aidmatch_match_json`; `state_json` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_match_json_with_state(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    interrupt: *const aidmatch_interrupt,
    result_json: *mut *mut c_char,
    state_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        args::out_pointer(result_json, "result_json")?;
        args::out_pointer(state_json, "state_json")?;
        // SAFETY: the caller's contract on the strings and `interrupt`.
        let (inputs, policy, result) = unsafe {
            match_json_inputs(
                needs_json,
                supply_json,
                exclusions_json,
                policy,
                as_of,
                interrupt,
            )
        }?;
        let state = State::from_run(&inputs, &policy, &LoopRules::default(), &result);
        let state = state.to_json()?;
        // SAFETY: both checked by args::out_pointer above.
        unsafe { write_pair(result_json, result.to_json(), state_json, state) }
    })
}

/// Re-matches a round after feedback (the command line's `rematch`): applies the
/// outcomes to the state's proposals (accepted, declined, delivered, failed; proposals
/// without an answer expire), keeps accepted and delivered pairs (they keep their
/// place, budget and household place), never proposes a declined pair again, adds the
/// new needs, and solves exactly, warm-started from the previous solution.
///
/// * `state_json`: the state of the previous round, as returned by
///   `aidmatch_match_json_with_state`, `aidmatch_rematch_json` or `aidmatch_urgent_json`.
/// * `outcomes_json`: JSON array of outcome objects (`need_id`, `resource_id`, `status`,
///   `at`, `note`, `declined_by`, `reason`); `"[]"` when there is no feedback.
/// * `needs_json`: optional (NULL = none), new needs added to the round's.
/// * `supply_json`: optional (NULL = the round's), a supply list replacing the round's.
/// * `policy`: optional (NULL = the round's), TOML or JSON as for `aidmatch_match_json`.
/// * `as_of`: optional date of this round `"YYYY-MM-DD"` (expiry, validity, waiting
///   time); NULL = today in UTC. Pass it for reproducible results.
/// * `flags`: 0, or `AIDMATCH_REMATCH_COLD`; other bits are `AIDMATCH_STATUS_INVALID_INPUT`.
/// * `interrupt`: optional (NULL); trigger it from another thread to abandon the run.
///
/// On success stores two new strings: `*result_json`, one JSON object `{assignments,
/// unmatched, referrals, summary, changes, rematch}` (the engine's result on the needs
/// matched in this run, then one change per need of the round, `kept`, `unchanged`,
/// `moved`, `dropped`, `new` or `unmatched`, then the figures of the re-match), and
/// `*next_state_json`, the state to store for the next call. Free each with
/// `aidmatch_string_free`. On failure neither is written.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (`state_json`,
/// `outcomes_json` or an output pointer is NULL); `AIDMATCH_STATUS_INVALID_UTF8`;
/// `AIDMATCH_STATUS_MALFORMED_JSON` (a document is not JSON or a list not an array);
/// `AIDMATCH_STATUS_INVALID_INPUT` (a state that is not an aidmatch state; a list element
/// with a bad value, located by row, column and value; feedback that cannot be applied:
/// the message names the need and the resource, the row is the 1-based outcome, the
/// column the field at fault); `AIDMATCH_STATUS_INTERRUPTED`.
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// Each non-NULL string is NUL-terminated and valid for the whole call; `result_json`
/// and `next_state_json` are NULL or valid for writing one pointer; `interrupt` is NULL
/// or a live handle; `err` is NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_rematch_json(
    state_json: *const c_char,
    outcomes_json: *const c_char,
    needs_json: *const c_char,
    supply_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
    result_json: *mut *mut c_char,
    next_state_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        args::out_pointer(result_json, "result_json")?;
        args::out_pointer(next_state_json, "next_state_json")?;
        // SAFETY: the caller's contract on the strings and `interrupt`.
        let r = unsafe {
            rematch_json_inputs(
                state_json,
                outcomes_json,
                needs_json,
                supply_json,
                policy,
                as_of,
                flags,
                interrupt,
            )
        }?;
        let next = r.state.to_json()?;
        // SAFETY: both checked by args::out_pointer above.
        unsafe { write_pair(result_json, r.to_json(), next_state_json, next) }
    })
}

/// Why one need was matched or not in a re-matched round: re-matches exactly as
/// `aidmatch_rematch_json` does with the same arguments (so the same round) and returns
/// the need's explanation as one JSON document, as `aidmatch_explain_json` does for a
/// first round and `aidmatch rematch --explain` prints. A pair declined in an earlier
/// round shows among the near misses, failing `declined`.
///
/// Arguments as for `aidmatch_rematch_json`, plus `need_id`, the need to explain (a
/// need of the round: kept ones are not matched again, so they have no explanation). On
/// success stores a new string in `*explanation_json`; free it with
/// `aidmatch_string_free`. On failure it is untouched.
///
/// Returns the statuses of `aidmatch_rematch_json`; `AIDMATCH_STATUS_NULL_PARAMETER` also
/// when `need_id` or `explanation_json` is NULL; `AIDMATCH_STATUS_INVALID_INPUT` with
/// column `need_id` and the id as value when the re-matched round has no such need, or
/// kept it from an earlier round (the message then says so and names the resource of
/// its kept pair).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// As for `aidmatch_rematch_json`; `need_id` is NUL-terminated and valid for the call;
/// `explanation_json` is NULL or valid for writing one pointer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the arguments of aidmatch_rematch_json, and the need
pub unsafe extern "C" fn aidmatch_rematch_explain_json(
    state_json: *const c_char,
    outcomes_json: *const c_char,
    needs_json: *const c_char,
    supply_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    flags: u32,
    need_id: *const c_char,
    interrupt: *const aidmatch_interrupt,
    explanation_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on the strings and `interrupt`.
    let round = || unsafe {
        rematch_json_inputs(
            state_json,
            outcomes_json,
            needs_json,
            supply_json,
            policy,
            as_of,
            flags,
            interrupt,
        )
    };
    // SAFETY: the caller's contract on `err`, `need_id` and `explanation_json`.
    unsafe { explain_into(err, need_id, explanation_json, round) }
}

/// Reads the state, lists, policy, date and flags of a JSON re-match call and
/// re-matches (the common part of `aidmatch_rematch_json` and
/// `aidmatch_rematch_explain_json`).
///
/// # Safety
/// Each string pointer is NULL or a NUL-terminated string valid for the call;
/// `interrupt` is NULL or a live handle.
#[allow(clippy::too_many_arguments)] // the arguments of aidmatch_rematch_json
unsafe fn rematch_json_inputs(
    state_json: *const c_char,
    outcomes_json: *const c_char,
    needs_json: *const c_char,
    supply_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
) -> Result<Rematch, Failure> {
    // SAFETY (both): forwarded contract.
    let state_json = unsafe { args::utf8(state_json, "state_json") }?;
    let feedback = unsafe {
        feedback_json(
            outcomes_json,
            needs_json,
            supply_json,
            policy,
            as_of,
            flags,
            interrupt,
        )
    }?;
    feedback.rematch(&state_of(state_json)?)
}

/// What a JSON re-match call brings to a state: the outcomes, the new needs, the supply
/// replacing the round's, and the options (date, flags, policy, interrupt).
pub(crate) struct Feedback {
    outcomes: Vec<Outcome>,
    needs: Vec<Need>,
    supply: Option<Vec<Resource>>,
    options: RematchOptions,
}

impl Feedback {
    /// Re-matches `state` with this feedback.
    pub(crate) fn rematch(self, state: &State) -> Result<Rematch, Failure> {
        let Feedback {
            outcomes,
            needs,
            supply,
            options,
        } = self;
        Ok(rematch(state, &outcomes, needs, supply, &options)?)
    }
}

/// Reads the feedback arguments of a JSON re-match call (those of
/// `aidmatch_rematch_json` after the state).
///
/// # Safety
/// Each string pointer is NULL or a NUL-terminated string valid for the call;
/// `interrupt` is NULL or a live handle.
pub(crate) unsafe fn feedback_json(
    outcomes_json: *const c_char,
    needs_json: *const c_char,
    supply_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
) -> Result<Feedback, Failure> {
    // SAFETY (all five): forwarded contract.
    let outcomes_json = unsafe { args::utf8(outcomes_json, "outcomes_json") }?;
    let needs_json = unsafe { args::optional_utf8(needs_json, "needs_json") }?;
    let supply_json = unsafe { args::optional_utf8(supply_json, "supply_json") }?;
    let policy = unsafe { args::optional_utf8(policy, "policy") }?;
    let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;

    let opts = ReadOptions::default();
    let outcomes: Vec<Outcome> =
        io::outcomes_from_bytes(outcomes_json.as_bytes(), Format::Json, &opts)?;
    let needs: Vec<Need> = match needs_json {
        Some(text) => io::needs_from_bytes(text.as_bytes(), Format::Json, &opts)?,
        None => Vec::new(),
    };
    let supply: Option<Vec<Resource>> = match supply_json {
        Some(text) => Some(io::supply_from_bytes(text.as_bytes(), Format::Json, &opts)?),
        None => None,
    };
    // SAFETY: forwarded contract on `interrupt`.
    let mut options = unsafe { rematch_options(as_of, flags, interrupt) }?;
    if let Some(text) = policy {
        options.policy = Some(Policy::from_str_auto(text).map_err(Error::from)?);
    }
    Ok(Feedback {
        outcomes,
        needs,
        supply,
        options,
    })
}

/// Matches one emergency need (急难) at once against the capacity the state has left
/// (the command line's `urgent`): the best-scored eligible resource with a free place,
/// every other pair unchanged. When none has room and the state's rules allow it, a
/// lower-tier open proposal is displaced by an exact re-match of the state with the need
/// added (accepted and delivered pairs stay), and the displaced needs are matched again
/// in the same call.
///
/// * `state_json`: the current state (as for `aidmatch_rematch_json`).
/// * `need_json`: the need, one JSON object with the needs list's keys (or a JSON array
///   holding exactly one); its `need_id` must not be in the state yet.
/// * `as_of`: optional date `"YYYY-MM-DD"`; NULL = today in UTC.
///
/// On success stores two new strings: `*result_json`, one JSON object `{need_id, mode,
/// resource_id, score, tier, reason, changes, insert_ms}` (`mode` is `free_place`,
/// `displaced` or `unmatched`; `reason` says why unmatched: `no_eligible_resource`,
/// `capacity_exhausted` or `household_limit`; `changes` lists the needs that moved),
/// and `*next_state_json`, the state with the need added (and its pair proposed). Free
/// each with `aidmatch_string_free`. On failure neither is written.
///
/// Returns the statuses of `aidmatch_rematch_json` (but no interrupt is taken: a
/// displacement re-match runs to its end); `AIDMATCH_STATUS_INVALID_INPUT` also when
/// `need_json` holds no need or several (the value is the number found), or a need id
/// the state already has (column `need_id`).
///
/// Thread-safe: calls may run at once.
///
/// # Safety
/// As for `aidmatch_rematch_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_urgent_json(
    state_json: *const c_char,
    need_json: *const c_char,
    as_of: *const c_char,
    result_json: *mut *mut c_char,
    next_state_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        args::out_pointer(result_json, "result_json")?;
        args::out_pointer(next_state_json, "next_state_json")?;
        // SAFETY (all three): NULL or NUL-terminated strings valid for the call.
        let state_json = unsafe { args::utf8(state_json, "state_json") }?;
        let need_json = unsafe { args::utf8(need_json, "need_json") }?;
        let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;

        let state = state_of(state_json)?;
        let need = need_of(need_json)?;
        let u = insert_urgent(&state, need, run_date(as_of)?)?;
        let next = u.state.to_json()?;
        // SAFETY: both checked by args::out_pointer above.
        unsafe { write_pair(result_json, u.to_json(), next_state_json, next) }
    })
}

/// Matches a first round like `aidmatch_match_files` and also writes the round's state
/// into `out_dir` (`snapshot.json`, `needs.json`, `supply.json`, `exclusions.json`,
/// `policy.toml`), as the command line's `match --snapshot`: the folder to hand to
/// `aidmatch_rematch_files` or `aidmatch_urgent_files`. Every file is written atomically.
///
/// Arguments and statuses as for `aidmatch_match_files`.
///
/// Thread-safe, but two calls must not write the same `out_dir` at once.
///
/// # Safety
/// As for `aidmatch_match_files`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_match_files_with_state(
    needs_path: *const c_char,
    supply_path: *const c_char,
    exclusions_path: *const c_char,
    policy_path: *const c_char,
    as_of: *const c_char,
    interrupt: *const aidmatch_interrupt,
    out_dir: *const c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY (all six): NULL or NUL-terminated strings valid for the call.
        let needs_path = unsafe { path(needs_path, "needs_path") }?;
        let supply_path = unsafe { path(supply_path, "supply_path") }?;
        let exclusions_path = unsafe { optional_path(exclusions_path, "exclusions_path") }?;
        let policy_path = unsafe { optional_path(policy_path, "policy_path") }?;
        let out_dir = unsafe { path(out_dir, "out_dir") }?;
        let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;

        let inputs: Inputs = io::read_inputs(
            &needs_path,
            &supply_path,
            exclusions_path.as_deref(),
            &ReadOptions::default(),
        )?;
        let policy = match policy_path {
            Some(p) => read_policy(&p, "policy_path")?,
            None => Policy::default(),
        };
        // SAFETY: `interrupt` is NULL or a live handle, by the caller's contract.
        let options = unsafe { run_options(as_of, interrupt) }?;
        let result = aidmatch_engine::run(&inputs, &policy, &options)?;
        result.write_dir(&out_dir)?;
        State::from_run(&inputs, &policy, &LoopRules::default(), &result).save(&out_dir)?;
        Ok(())
    })
}

/// Re-matches a round from its state folder (the command line's `rematch`), as
/// `aidmatch_rematch_json` does from a state document, and writes into `out_dir` the
/// result files (`assignments.csv`, `unmatched.csv`, `referrals.csv`, `summary.json`),
/// `changes.csv`, `rematch.json` and the next state, each file atomically.
///
/// * `previous_dir`: the folder of the previous round's state (from
///   `aidmatch_match_files_with_state`, `aidmatch_rematch_files`, `aidmatch_urgent_files`
///   or the command line). `out_dir` may be the same folder (the state is then replaced).
/// * `outcomes_path`: the outcomes file (`.csv` or `.json`).
/// * `needs_path`, `supply_path`, `policy_path`: optional (NULL), as the `needs_json`,
///   `supply_json` and `policy` of `aidmatch_rematch_json`.
/// * `as_of`, `flags`, `interrupt`: as for `aidmatch_rematch_json`.
///
/// Returns the statuses of `aidmatch_rematch_json`; `AIDMATCH_STATUS_INVALID_INPUT` with
/// the argument's name as the column for an empty path (`""`);
/// `AIDMATCH_STATUS_INVALID_UTF8` for a policy file that is not UTF-8 (column
/// `policy_path`); `AIDMATCH_STATUS_IO` when a file cannot be read or written (the
/// message names the path).
///
/// Thread-safe, but two calls must not write the same `out_dir` at once.
///
/// # Safety
/// Each non-NULL string is NUL-terminated and valid for the whole call; `interrupt` is
/// NULL or a live handle; `err` is NULL or a live error object not in use by another
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_rematch_files(
    previous_dir: *const c_char,
    outcomes_path: *const c_char,
    needs_path: *const c_char,
    supply_path: *const c_char,
    policy_path: *const c_char,
    as_of: *const c_char,
    flags: u32,
    interrupt: *const aidmatch_interrupt,
    out_dir: *const c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY (all seven): NULL or NUL-terminated strings valid for the call.
        let previous_dir = unsafe { path(previous_dir, "previous_dir") }?;
        let outcomes_path = unsafe { path(outcomes_path, "outcomes_path") }?;
        let needs_path = unsafe { optional_path(needs_path, "needs_path") }?;
        let supply_path = unsafe { optional_path(supply_path, "supply_path") }?;
        let policy_path = unsafe { optional_path(policy_path, "policy_path") }?;
        let out_dir = unsafe { path(out_dir, "out_dir") }?;
        let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;

        // SAFETY: `interrupt` is NULL or a live handle, by the caller's contract.
        let mut options = unsafe { rematch_options(as_of, flags, interrupt) }?;
        let state = State::load(&previous_dir)?;
        let opts = ReadOptions::default();
        let outcomes = io::read_outcomes(&outcomes_path, &opts)?;
        let needs = match &needs_path {
            Some(p) => io::read_needs(p, &opts)?,
            None => Vec::new(),
        };
        let supply = match &supply_path {
            Some(p) => Some(io::read_supply(p, &opts)?),
            None => None,
        };
        if let Some(p) = &policy_path {
            options.policy = Some(read_policy(p, "policy_path")?);
        }
        let r = rematch(&state, &outcomes, needs, supply, &options)?;
        r.write_dir(&out_dir)?;
        Ok(())
    })
}

/// Inserts one emergency need into a state folder (the command line's `urgent`), as
/// `aidmatch_urgent_json` does into a state document, and writes `urgent.json` (the
/// result object of `aidmatch_urgent_json`) and the next state into `out_dir`, each file
/// atomically.
///
/// * `previous_dir`: the folder of the current state (`out_dir` may be the same).
/// * `need_path`: a needs file (`.csv` or `.json`) with exactly one need.
/// * `as_of`: as for `aidmatch_urgent_json`.
///
/// Returns the statuses of `aidmatch_urgent_json`; `AIDMATCH_STATUS_INVALID_INPUT` with
/// the argument's name as the column for an empty path (`""`); `AIDMATCH_STATUS_IO` when
/// a file cannot be read or written (the message names the path).
///
/// Thread-safe, but two calls must not write the same `out_dir` at once.
///
/// # Safety
/// Each non-NULL string is NUL-terminated and valid for the whole call; `err` is NULL or
/// a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_urgent_files(
    previous_dir: *const c_char,
    need_path: *const c_char,
    as_of: *const c_char,
    out_dir: *const c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: `err` is NULL or a live error object, by the caller's contract.
    let err = unsafe { error_object(err) };
    run(err, || {
        // SAFETY (all four): NULL or NUL-terminated strings valid for the call.
        let previous_dir = unsafe { path(previous_dir, "previous_dir") }?;
        let need_path = unsafe { path(need_path, "need_path") }?;
        let out_dir = unsafe { path(out_dir, "out_dir") }?;
        let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;

        let as_of = run_date(as_of)?;
        let state = State::load(&previous_dir)?;
        let needs = io::read_needs(&need_path, &ReadOptions::default())?;
        let need = one_need(needs, &need_path.display().to_string())?;
        let u = insert_urgent(&state, need, as_of)?;
        u.write_dir(&out_dir)?;
        Ok(())
    })
}

/// The failure of feedback that cannot be applied: the row of the outcome, the field at
/// fault as the column, its value.
pub(crate) fn outcome_failure(e: &aidmatch_engine::outcome::OutcomeError) -> Failure {
    use aidmatch_engine::outcome::OutcomeError;
    let f = Failure::invalid(e.to_string());
    match e {
        OutcomeError::InvalidTransition { row, to, .. } => {
            f.row(*row).column("status").value(to.clone())
        }
        OutcomeError::NotProposed {
            row, resource_id, ..
        } => f.row(*row).column("resource_id").value(resource_id.clone()),
        OutcomeError::DeclineFieldsOnOtherStatus { row, status, .. } => {
            f.row(*row).column("status").value(status.clone())
        }
        OutcomeError::DateOutOfRange { row, at, .. } => {
            f.row(*row).column("at").value(at.to_string())
        }
        _ => f,
    }
}
