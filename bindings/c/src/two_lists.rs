//! The two-lists engine: match a needs list with a supply list, from JSON strings or files.
//!
//! Conversion only: the strings and paths go to `aidmatch::io` and `aidmatch::Policy`,
//! the run to `aidmatch::run`, the result back through `MatchResult::to_json` or
//! `MatchResult::write_dir`.

use std::ffi::{CString, c_char};
use std::path::{Path, PathBuf};

use aidmatch_engine::date::Date;
use aidmatch_engine::io::{self, Format, ReadOptions};
use aidmatch_engine::model::Inputs;
use aidmatch_engine::policy::PolicyError;
use aidmatch_engine::rematch::Rematch;
use aidmatch_engine::{Error, MatchResult, Policy, RunOptions};

use crate::args;
use crate::boundary::{error_object, guard, run, run_into_string};
use crate::error::{Failure, aidmatch_error};
use crate::matching::aidmatch_interrupt;
use crate::status::aidmatch_status;

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        use aidmatch_status::*;
        let message = e.to_string();
        match e {
            Error::Invalid { .. } => {
                let mut f = Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message);
                if let Some(p) = e.first_problem() {
                    f = f.row(p.row);
                    // The engine writes "" where a problem has no column (an element that
                    // is not an object) or no value (a missing one); the error object
                    // says NULL, as documented.
                    if !p.column.is_empty() {
                        f = f.column(p.column.clone());
                    }
                    if !p.value.is_empty() {
                        f = f.value(p.value.clone());
                    }
                }
                f
            }
            Error::Io { .. } => Failure::new(AIDMATCH_STATUS_IO, message),
            Error::Syntax { .. } => Failure::new(AIDMATCH_STATUS_MALFORMED_JSON, message),
            Error::Policy(p) => {
                let f = Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message);
                match p {
                    PolicyError::Syntax { .. } => Failure {
                        status: AIDMATCH_STATUS_MALFORMED_JSON,
                        ..f
                    },
                    PolicyError::UnknownKey { key, .. } => f.column(key),
                    PolicyError::Invalid { key, value, .. } => f.column(key).value(value),
                    _ => f,
                }
            }
            Error::Interrupted => Failure::new(AIDMATCH_STATUS_INTERRUPTED, message),
            Error::Outcome(o) => crate::closed_loop::outcome_failure(&o),
            Error::TooManyRows { limit, .. } => {
                Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message)
                    .column("MAX_ROWS")
                    .value(limit.to_string())
            }
            Error::Limit { name, limit, .. } => {
                Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message)
                    .column(name)
                    .value(limit.to_string())
            }
            // The engine builds the solver's problem itself: a refusal or a certificate
            // that does not verify is a bug or a limit of aidmatch, not of the input.
            Error::Solver(inner) => Failure {
                message,
                ..Failure::from(inner)
            },
            Error::Certificate { .. } => Failure::new(AIDMATCH_STATUS_INTERNAL, message),
            Error::BeforePreviousRound { as_of, .. } => {
                Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message)
                    .column("as_of")
                    .value(as_of.to_string())
            }
            // Encoding, UnknownFormat, Snapshot (a state that is not one), and variants
            // added later: the input is at fault.
            _ => Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message),
        }
    }
}

/// The run date: `as_of` parsed, or today's date in UTC (as the command line does).
pub(crate) fn run_date(as_of: Option<&str>) -> Result<Date, Failure> {
    match as_of {
        Some(text) => Date::parse(text).map_err(|e| {
            Failure::invalid(format!("argument `as_of`: {e}"))
                .column("as_of")
                .value(text)
        }),
        None => {
            let days = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() / 86_400);
            i32::try_from(days)
                .ok()
                .and_then(Date::from_days_since_epoch)
                .ok_or_else(|| {
                    Failure::new(
                        aidmatch_status::AIDMATCH_STATUS_INTERNAL,
                        "the system clock is outside 0001-01-01..9999-12-31",
                    )
                })
        }
    }
}

/// The run options of a call.
///
/// # Safety
/// `interrupt` is NULL or a live handle.
pub(crate) unsafe fn run_options(
    as_of: Option<&str>,
    interrupt: *const aidmatch_interrupt,
) -> Result<RunOptions, Failure> {
    let mut options = RunOptions::new(run_date(as_of)?);
    // SAFETY: guaranteed by the caller.
    options.cancel = unsafe { interrupt.as_ref() }.map(aidmatch_interrupt::flag);
    Ok(options)
}

/// Matches a needs list with a supply list given as JSON strings, under a policy, and
/// returns the whole result as one JSON document `{assignments, unmatched, referrals,
/// summary}` (the spec's field names), exactly as `aidmatch::run(..).to_json()`.
///
/// * `needs_json`, `supply_json`: JSON arrays of objects with the spec's keys (UTF-8).
/// * `exclusions_json`: optional (NULL = none), a JSON array of exclusion objects.
/// * `policy`: optional (NULL = the documented default policy), the policy text in TOML
///   or JSON (JSON when it starts with `{`).
/// * `as_of`: optional run date `"YYYY-MM-DD"` against which validity dates and waiting
///   times are counted; NULL = today's date in UTC. Pass it for reproducible results.
/// * `interrupt`: optional (NULL); trigger it from another thread to abandon the run.
///
/// On success stores a new NUL-terminated string in `*result_json`; free it with
/// `aidmatch_string_free`. On failure `*result_json` is untouched.
///
/// Returns `AIDMATCH_STATUS_OK`; `AIDMATCH_STATUS_NULL_PARAMETER` (a required string or
/// `result_json` is NULL); `AIDMATCH_STATUS_INVALID_UTF8`; `AIDMATCH_STATUS_MALFORMED_JSON`
/// (a list is not JSON, or not a JSON array; or the policy is not valid TOML/JSON);
/// `AIDMATCH_STATUS_INVALID_INPUT` (an element or value of a list is invalid: the error's row is the
/// 1-based position of the object in its array, its column the key and its value the
/// value as written; or the policy has an unknown key or a value out of range, named as
/// the column); `AIDMATCH_STATUS_INTERRUPTED`.
///
/// Thread-safe: calls may run at once; a run uses several threads internally.
///
/// # Safety
/// Each non-NULL string is NUL-terminated and valid for the whole call; `result_json` is
/// NULL or valid for writing one pointer; `interrupt` is NULL or a live handle; `err` is
/// NULL or a live error object not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_match_json(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    interrupt: *const aidmatch_interrupt,
    result_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    // SAFETY: the caller's contract on `err`, `result_json`, the strings and `interrupt`.
    unsafe {
        run_into_string(err, result_json, "result_json", || {
            let (_, _, result) = match_json_inputs(
                needs_json,
                supply_json,
                exclusions_json,
                policy,
                as_of,
                interrupt,
            )?;
            Ok(result.to_json())
        })
    }
}

/// Why one need was matched or not: matches the lists as `aidmatch_match_json` does and
/// returns the need's explanation as one JSON document, exactly as the command line's
/// `aidmatch explain` prints it (compact): its tier, every eligible resource with its
/// score and its terms, which was chosen, how the capacity of the others was taken (in
/// counts and scores, never other people's ids), the nearest misses and the checks they
/// failed, its row of `assignments` or `unmatched`, and its household's referrals.
///
/// Arguments as for `aidmatch_match_json`, plus `need_id`, the need to explain. On
/// success stores a new NUL-terminated string in `*explanation_json`; free it with
/// `aidmatch_string_free`. On failure `*explanation_json` is untouched.
///
/// Returns the statuses of `aidmatch_match_json`; `AIDMATCH_STATUS_NULL_PARAMETER` also
/// when `need_id` or `explanation_json` is NULL; `AIDMATCH_STATUS_INVALID_INPUT` with
/// column `need_id` and the id as value when the needs list has no such need.
///
/// Thread-safe, as `aidmatch_match_json`.
///
/// # Safety
/// As for `aidmatch_match_json`; `need_id` is NUL-terminated and valid for the call.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the arguments of aidmatch_match_json, and the need
pub unsafe extern "C" fn aidmatch_explain_json(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    need_id: *const c_char,
    interrupt: *const aidmatch_interrupt,
    explanation_json: *mut *mut c_char,
    err: *mut aidmatch_error,
) -> aidmatch_status {
    let round = || {
        // SAFETY: the caller's contract on the strings and `interrupt`.
        let (_, _, result) = unsafe {
            match_json_inputs(
                needs_json,
                supply_json,
                exclusions_json,
                policy,
                as_of,
                interrupt,
            )
        }?;
        Ok(result)
    };
    // SAFETY: the caller's contract on `err`, `need_id` and `explanation_json`.
    unsafe { explain_into(err, need_id, explanation_json, round) }
}

/// What an explain call explains from: a first round's result, or a re-match (which
/// also knows the needs it kept from earlier rounds).
pub(crate) trait Explains {
    /// The need's explanation as JSON, or why there is none.
    fn explanation_json(&self, need_id: &str) -> Result<String, String>;
}

impl Explains for MatchResult {
    fn explanation_json(&self, need_id: &str) -> Result<String, String> {
        self.explain(need_id)
            .map(|e| e.to_json())
            .ok_or_else(|| format!("the needs list has no need {need_id:?}"))
    }
}

impl Explains for Rematch {
    fn explanation_json(&self, need_id: &str) -> Result<String, String> {
        self.explain(need_id)
            .map(|e| e.to_json())
            .map_err(|e| e.to_string())
    }
}

impl<T: Explains + ?Sized> Explains for &T {
    fn explanation_json(&self, need_id: &str) -> Result<String, String> {
        (**self).explanation_json(need_id)
    }
}

/// The frame of the explain calls: checks the output pointer and `need_id`, runs the
/// round (`round`), and writes the need's explanation; invalid input naming column
/// `need_id` (the message says why: no such need, or one kept from an earlier round)
/// when there is none.
///
/// # Safety
/// `err` is NULL or a live error object; `need_id` is NULL or a NUL-terminated string
/// valid for the call; `explanation_json` is NULL or valid for writing one pointer.
pub(crate) unsafe fn explain_into<R: Explains>(
    err: *mut aidmatch_error,
    need_id: *const c_char,
    explanation_json: *mut *mut c_char,
    round: impl FnOnce() -> Result<R, Failure>,
) -> aidmatch_status {
    // SAFETY: guaranteed by the caller.
    unsafe {
        run_into_string(err, explanation_json, "explanation_json", || {
            let need = args::utf8(need_id, "need_id")?;
            round()?
                .explanation_json(need)
                .map_err(|why| Failure::invalid(why).column("need_id").value(need))
        })
    }
}

/// Reads the lists, policy and date of a JSON call and runs the engine on them (the
/// common part of `aidmatch_match_json` and `aidmatch_match_json_with_state`).
///
/// # Safety
/// Each string pointer is NULL or a NUL-terminated string valid for the call;
/// `interrupt` is NULL or a live handle.
pub(crate) unsafe fn match_json_inputs(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
    as_of: *const c_char,
    interrupt: *const aidmatch_interrupt,
) -> Result<(Inputs, Policy, MatchResult), Failure> {
    // SAFETY (all three): forwarded contract.
    let (inputs, policy) =
        unsafe { json_inputs(needs_json, supply_json, exclusions_json, policy) }?;
    let as_of = unsafe { args::optional_utf8(as_of, "as_of") }?;
    let options = unsafe { run_options(as_of, interrupt) }?;
    let result = aidmatch_engine::run(&inputs, &policy, &options)?;
    Ok((inputs, policy, result))
}

/// The lists and policy of a JSON call: needs, supply, optional exclusions (NULL =
/// none), optional policy text (NULL = the default policy).
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string valid for the call.
pub(crate) unsafe fn json_inputs(
    needs_json: *const c_char,
    supply_json: *const c_char,
    exclusions_json: *const c_char,
    policy: *const c_char,
) -> Result<(Inputs, Policy), Failure> {
    // SAFETY (all four): forwarded contract.
    let needs_json = unsafe { args::utf8(needs_json, "needs_json") }?;
    let supply_json = unsafe { args::utf8(supply_json, "supply_json") }?;
    let exclusions_json = unsafe { args::optional_utf8(exclusions_json, "exclusions_json") }?;
    let policy = unsafe { args::optional_utf8(policy, "policy") }?;
    let opts = ReadOptions::default();
    let inputs = Inputs {
        needs: io::needs_from_bytes(needs_json.as_bytes(), Format::Json, &opts)?,
        resources: io::supply_from_bytes(supply_json.as_bytes(), Format::Json, &opts)?,
        exclusions: match exclusions_json {
            Some(text) => io::exclusions_from_bytes(text.as_bytes(), Format::Json, &opts)?,
            None => Vec::new(),
        },
    };
    let policy = match policy {
        Some(text) => Policy::from_str_auto(text).map_err(Error::from)?,
        None => Policy::default(),
    };
    Ok((inputs, policy))
}

/// A JSON text as a C string (JSON escapes control characters, so it has no NUL).
pub(crate) fn c_string_of(text: String) -> Result<CString, Failure> {
    CString::new(text).map_err(|_| {
        Failure::new(
            aidmatch_status::AIDMATCH_STATUS_INTERNAL,
            "the result JSON contains a NUL byte",
        )
    })
}

/// Reads the lists from files (CSV or JSON by extension; UTF-8, GB18030 or UTF-16 with a
/// BOM, detected), matches them under the policy file, and writes `assignments.csv`,
/// `unmatched.csv`, `referrals.csv` and `summary.json` into `out_dir` (created if missing;
/// each file written atomically), exactly as the `aidmatch` command line does.
///
/// `exclusions_path` and `policy_path` are optional (NULL = none / the default policy; a
/// policy file is UTF-8 TOML, or JSON when it starts with `{`). `as_of` and `interrupt`
/// as for `aidmatch_match_json`. Paths are byte strings on Unix (any encoding), UTF-8
/// elsewhere.
///
/// Returns the statuses of `aidmatch_match_json`; `AIDMATCH_STATUS_INVALID_INPUT` with
/// the argument's name as the column for an empty path (`""` is never taken as the
/// current directory); `AIDMATCH_STATUS_INVALID_UTF8` for a policy file that is not
/// UTF-8 (column `policy_path`, the first bad byte as value); `AIDMATCH_STATUS_IO` when
/// a file cannot be read or written (the message names the path). Problems of all three
/// lists are reported together: the message lists them, one a line, and the error's
/// row, column and value locate the first (CSV rows count the header as row 1).
///
/// Thread-safe, but two calls must not write the same `out_dir` at once.
///
/// # Safety
/// As for `aidmatch_match_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_match_files(
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

        let inputs = io::read_inputs(
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
        Ok(())
    })
}

/// Reads the policy file of argument `name`: an unreadable file is `IO` (as the engine
/// reports I/O errors), a file that is not UTF-8 text `INVALID_UTF8` naming the file,
/// the offset and the byte, with the argument as the column (as for a string argument).
pub(crate) fn read_policy(path: &Path, name: &str) -> Result<Policy, Failure> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let at = e.valid_up_to();
        let failure = Failure::new(
            aidmatch_status::AIDMATCH_STATUS_INVALID_UTF8,
            format!(
                "policy file {} (argument `{name}`) is not valid UTF-8 (invalid byte at offset \
                 {at})",
                path.display()
            ),
        )
        .column(name);
        match bytes.get(at) {
            Some(byte) => failure.value(format!("0x{byte:02x}")),
            None => failure,
        }
    })?;
    Ok(Policy::from_str_auto(text).map_err(Error::from)?)
}

/// A required path argument. An empty string is invalid input naming the argument as
/// the column: to the operating system "" would mean the current directory, and a
/// missing configuration value must not write results (or read a state) wherever the
/// host process happened to start.
///
/// # Safety
/// Unless NULL, `ptr` is a NUL-terminated string valid for the call.
pub(crate) unsafe fn path(ptr: *const c_char, name: &str) -> Result<PathBuf, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { std::ffi::CStr::from_ptr(ptr) }.to_bytes();
    if bytes.is_empty() {
        return Err(Failure::invalid(format!("argument `{name}` is an empty path")).column(name));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        // SAFETY: as above.
        unsafe { args::utf8(ptr, name) }.map(PathBuf::from)
    }
}

/// An optional path argument: NULL means absent; "" is invalid, as for [`path`].
///
/// # Safety
/// As for [`path`].
pub(crate) unsafe fn optional_path(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<PathBuf>, Failure> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { path(ptr, name) }.map(Some)
    }
}

/// Frees a string returned by aidmatch (`aidmatch_match_json`'s result). NULL is a no-op.
/// Free each string at most once, and only strings from aidmatch (never `aidmatch_version`
/// or the strings of an error object, which are not yours).
///
/// # Safety
/// `s` is NULL or a string returned by aidmatch and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: a pointer from CString::into_raw in this library, freed only here.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
