//! aidmatch_match_json / aidmatch_match_files called as a C host would.

use std::ffi::{CString, c_char};
use std::path::{Path, PathBuf};

use aidmatch_engine::io::{self, Format, ReadOptions};
use aidmatch_engine::model::Inputs;
use aidmatch_engine::{Policy, RunOptions, date::Date};

use super::closed_loop::take;
use super::util::*;
use crate::*;

const NEEDS: &str = include_str!("../../tests/data/needs.json");
const SUPPLY: &str = include_str!("../../tests/data/supply.json");
const EXCLUSIONS: &str = include_str!("../../tests/data/exclusions.json");
const POLICY: &str = include_str!("../../tests/data/policy.toml");
const AS_OF: &str = "2024-10-01";

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Calls aidmatch_match_json; returns the status and the result (freed here).
fn match_json(
    needs: Option<&[u8]>,
    supply: Option<&[u8]>,
    exclusions: Option<&str>,
    policy: Option<&str>,
    as_of: Option<&str>,
    interrupt: *const aidmatch_interrupt,
    err: &ErrObj,
) -> (aidmatch_status, Option<String>) {
    let bytes = |b: &[u8]| CString::new(b).expect("no NUL");
    let needs = needs.map(bytes);
    let supply = supply.map(bytes);
    let exclusions = exclusions.map(c);
    let policy = policy.map(c);
    let as_of = as_of.map(c);
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings or NULL; `out` is writable.
    let s = unsafe {
        aidmatch_match_json(
            ptr(&needs),
            ptr(&supply),
            ptr(&exclusions),
            ptr(&policy),
            ptr(&as_of),
            interrupt,
            &mut out,
            err.0,
        )
    };
    (s, take(out))
}

/// What the engine itself returns for the test data.
fn engine_result(exclusions: bool) -> aidmatch_engine::MatchResult {
    let opts = ReadOptions::default();
    let inputs = Inputs {
        needs: io::needs_from_bytes(NEEDS.as_bytes(), Format::Json, &opts).expect("needs"),
        resources: io::supply_from_bytes(SUPPLY.as_bytes(), Format::Json, &opts).expect("supply"),
        exclusions: if exclusions {
            io::exclusions_from_bytes(EXCLUSIONS.as_bytes(), Format::Json, &opts).expect("excl")
        } else {
            Vec::new()
        },
    };
    let policy = Policy::from_str_auto(POLICY).expect("policy");
    let as_of = Date::parse(AS_OF).expect("date");
    aidmatch_engine::run(&inputs, &policy, &RunOptions::new(as_of)).expect("run")
}

#[test]
fn match_json_returns_exactly_the_engines_result() {
    let err = ErrObj::new();
    let (s, json) = match_json(
        Some(NEEDS.as_bytes()),
        Some(SUPPLY.as_bytes()),
        Some(EXCLUSIONS),
        Some(POLICY),
        Some(AS_OF),
        std::ptr::null(),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let json = json.expect("result");
    let expected = engine_result(true);
    assert_eq!(json, expected.to_json());
    let needs: Vec<&str> = expected
        .assignments
        .iter()
        .map(|a| a.need_id.as_str())
        .collect();
    assert!(needs.contains(&"N1") && needs.contains(&"N2"), "{json}");
    let unmatched: Vec<&str> = expected
        .unmatched
        .iter()
        .map(|u| u.need_id.as_str())
        .collect();
    assert!(
        unmatched.contains(&"N3") && unmatched.contains(&"N4"),
        "{json}"
    );
    // Without the exclusion N3 may be visited by the cadre: a different result.
    let (s, json) = match_json(
        Some(NEEDS.as_bytes()),
        Some(SUPPLY.as_bytes()),
        None,
        Some(POLICY),
        Some(AS_OF),
        std::ptr::null(),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!(
        json.as_deref(),
        Some(engine_result(false).to_json().as_str())
    );
}

/// Calls aidmatch_explain_json on the test data; returns the status and the text.
fn explain_json(
    need_id: Option<&str>,
    out: bool,
    err: &ErrObj,
) -> (aidmatch_status, Option<String>) {
    let (needs, supply, excl, policy, as_of) =
        (c(NEEDS), c(SUPPLY), c(EXCLUSIONS), c(POLICY), c(AS_OF));
    let need = need_id.map(c);
    let mut text: *mut c_char = std::ptr::null_mut();
    let target: *mut *mut c_char = if out { &mut text } else { std::ptr::null_mut() };
    // SAFETY: NUL-terminated strings or NULL; `target` is NULL or writable.
    let s = unsafe {
        aidmatch_explain_json(
            needs.as_ptr(),
            supply.as_ptr(),
            excl.as_ptr(),
            policy.as_ptr(),
            as_of.as_ptr(),
            ptr(&need),
            std::ptr::null(),
            target,
            err.0,
        )
    };
    (s, take(text))
}

#[test]
fn explain_json_is_the_engines_explanation_and_names_unknown_needs() {
    let err = ErrObj::new();
    let expected = engine_result(true);
    for need in ["N1", "N3"] {
        let (s, json) = explain_json(Some(need), true, &err);
        assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
        let want = expected
            .explain(need)
            .expect("a need of the data")
            .to_json();
        assert_eq!(json.as_deref(), Some(want.as_str()));
    }
    let (s, json) = explain_json(Some("N-NOT-THERE"), true, &err);
    assert_eq!((s, json), (AIDMATCH_STATUS_INVALID_INPUT, None));
    assert_eq!(err.column().as_deref(), Some("need_id"));
    assert_eq!(err.value().as_deref(), Some("N-NOT-THERE"));
    assert!(err.message().contains("N-NOT-THERE"), "{}", err.message());
    assert_eq!(
        explain_json(None, true, &err).0,
        AIDMATCH_STATUS_NULL_PARAMETER
    );
    assert!(err.message().contains("need_id"), "{}", err.message());
    assert_eq!(
        explain_json(Some("N1"), false, &err).0,
        AIDMATCH_STATUS_NULL_PARAMETER
    );
    assert!(
        err.message().contains("explanation_json"),
        "{}",
        err.message()
    );
}

#[test]
fn match_json_defaults_policy_and_date() {
    let err = ErrObj::new();
    let (s, json) = match_json(
        Some(NEEDS.as_bytes()),
        Some(SUPPLY.as_bytes()),
        None,
        None,
        None,
        std::ptr::null(),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert!(json.expect("result").starts_with("{\"assignments\":"));
}

#[test]
fn match_json_rejects_hostile_strings() {
    let err = ErrObj::new();
    let n = Some(NEEDS.as_bytes());
    let sp = Some(SUPPLY.as_bytes());
    let none = std::ptr::null();

    let (s, out) = match_json(None, sp, None, None, Some(AS_OF), none, &err);
    assert_eq!((s, out), (AIDMATCH_STATUS_NULL_PARAMETER, None));
    assert_eq!(err.message(), "argument `needs_json` is NULL");

    let (s, _) = match_json(
        Some(b"[{\"need_id\": \"N\xff\"}]"),
        sp,
        None,
        None,
        None,
        none,
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_UTF8);
    assert!(err.message().contains("offset 15"), "{}", err.message());
    assert_eq!(err.value().as_deref(), Some("0xff"));

    for malformed in [&b"[{"[..], b"{\"need_id\": 1}", b"", b"nul\x01l"] {
        let (s, _) = match_json(Some(malformed), sp, None, None, None, none, &err);
        assert_eq!(s, AIDMATCH_STATUS_MALFORMED_JSON, "{}", err.message());
    }

    let bad_category = NEEDS.replacen("\"rehabilitation\"", "\"space_travel\"", 1);
    let (s, _) = match_json(
        Some(bad_category.as_bytes()),
        sp,
        None,
        None,
        None,
        none,
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.row(), 2, "the second object of the array");
    assert_eq!(err.column().as_deref(), Some("category"));
    assert_eq!(err.value().as_deref(), Some("space_travel"));
    assert!(err.message().contains("space_travel"), "{}", err.message());

    let (s, _) = match_json(n, sp, Some("[1]"), None, None, none, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());

    let (s, _) = match_json(n, sp, None, Some("versoin = \"x\""), None, none, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("versoin"));
    assert!(
        err.message().contains("unknown policy key"),
        "{}",
        err.message()
    );
    // A value of the wrong type or beyond its type, and an unknown key in a table: the
    // dotted key as the column.
    for (policy, column, value) in [
        ("[score]\nbase = \"x\"", "score.base", Some("x")),
        (
            "[score]\nbase = 99999999999999999999",
            "score.base",
            Some("99999999999999999999"),
        ),
        (
            "[score]\nwaiting_cap_weeks = 4294967296",
            "score.waiting_cap_weeks",
            Some("4294967296"),
        ),
        ("version = 5", "version", Some("5")),
        (
            "{\"score\": {\"base\": 1e400}}",
            "score.base",
            Some("1e400"),
        ),
        ("[score]\nnope = 1", "score.nope", None),
    ] {
        let (s, _) = match_json(n, sp, None, Some(policy), None, none, &err);
        assert_eq!(
            s,
            AIDMATCH_STATUS_INVALID_INPUT,
            "{policy}: {}",
            err.message()
        );
        assert_eq!(err.column().as_deref(), Some(column), "{}", err.message());
        assert_eq!(err.value().as_deref(), value, "{}", err.message());
    }
    let (s, _) = match_json(n, sp, None, Some("[[[ not toml"), None, none, &err);
    assert_eq!(s, AIDMATCH_STATUS_MALFORMED_JSON, "{}", err.message());
    let (s, _) = match_json(n, sp, None, Some("{\"version\": 3"), None, none, &err);
    assert_eq!(s, AIDMATCH_STATUS_MALFORMED_JSON, "{}", err.message());

    let (s, _) = match_json(n, sp, None, None, Some("2024-02-30"), none, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.value().as_deref(), Some("2024-02-30"));

    // SAFETY: NULL result pointer must be rejected before anything is read.
    let s = unsafe {
        aidmatch_match_json(
            c(NEEDS).as_ptr(),
            c(SUPPLY).as_ptr(),
            none.cast(),
            none.cast(),
            none.cast(),
            none,
            std::ptr::null_mut(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // SAFETY: NULL is a no-op.
    unsafe { aidmatch_string_free(std::ptr::null_mut()) };
}

#[test]
fn a_missing_value_or_column_is_null_not_empty() {
    let err = ErrObj::new();
    let sp = Some(SUPPLY.as_bytes());
    // A key missing from every object: the column is the key, there is no value.
    let no_consent = NEEDS
        .replace("\"consent\": true, ", "")
        .replace("\"consent\": true", "")
        .replace("\"consent\": false, ", "")
        .replace("\"consent\": false", "");
    assert!(!no_consent.contains("consent"), "{no_consent}");
    let (s, _) = match_json(
        Some(no_consent.as_bytes()),
        sp,
        None,
        None,
        None,
        std::ptr::null(),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert_eq!(
        err.column().as_deref(),
        Some("consent"),
        "{}",
        err.message()
    );
    assert_eq!(err.value(), None, "{}", err.message());
    // An element that is not an object: no column.
    let trimmed = NEEDS.trim_end();
    let with_number = format!("{}, 1]", &trimmed[..trimmed.len() - 1]);
    let (s, _) = match_json(
        Some(with_number.as_bytes()),
        sp,
        None,
        None,
        None,
        std::ptr::null(),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert!(
        err.message().contains("expected an object"),
        "{}",
        err.message()
    );
    assert_eq!(err.column(), None, "{}", err.message());
}

#[test]
fn a_triggered_interrupt_abandons_the_run() {
    let err = ErrObj::new();
    let interrupt = aidmatch_interrupt_new();
    // SAFETY: a live handle, freed once.
    unsafe { aidmatch_interrupt_trigger(interrupt) };
    let (s, out) = match_json(
        Some(NEEDS.as_bytes()),
        Some(SUPPLY.as_bytes()),
        None,
        None,
        Some(AS_OF),
        interrupt,
        &err,
    );
    assert_eq!(
        (s, out),
        (AIDMATCH_STATUS_INTERRUPTED, None),
        "{}",
        err.message()
    );
    // SAFETY: as above.
    unsafe { aidmatch_interrupt_free(interrupt) };
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("aidmatch-capi-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn data(name: &str) -> CString {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    c(p.to_str().expect("utf-8 path"))
}

fn match_files(
    needs: &CString,
    exclusions: Option<CString>,
    policy: Option<CString>,
    out_dir: &CString,
    err: &ErrObj,
) -> aidmatch_status {
    let as_of = c(AS_OF);
    // SAFETY: NUL-terminated strings or NULL.
    unsafe {
        aidmatch_match_files(
            needs.as_ptr(),
            data("supply.json").as_ptr(),
            ptr(&exclusions),
            ptr(&policy),
            as_of.as_ptr(),
            std::ptr::null(),
            out_dir.as_ptr(),
            err.0,
        )
    }
}

#[test]
fn match_files_writes_what_the_engine_writes() {
    let err = ErrObj::new();
    let tmp = TempDir::new("files");
    let ours = tmp.0.join("ours");
    let theirs = tmp.0.join("theirs");
    let s = match_files(
        &data("needs.json"),
        Some(data("exclusions.json")),
        Some(data("policy.toml")),
        &c(ours.to_str().expect("utf-8")),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    engine_result(true)
        .write_dir(&theirs)
        .expect("engine writes");
    for file in [
        "assignments.csv",
        "unmatched.csv",
        "referrals.csv",
        "summary.json",
    ] {
        let a = std::fs::read(ours.join(file)).expect(file);
        let b = std::fs::read(theirs.join(file)).expect(file);
        assert!(a == b, "{file} differs from the engine's");
    }
}

#[test]
fn match_files_reports_missing_files_and_null_paths() {
    let err = ErrObj::new();
    let tmp = TempDir::new("missing");
    let out = c(tmp.0.join("out").to_str().expect("utf-8"));
    let s = match_files(&c("/nonexistent/needs.json"), None, None, &out, &err);
    assert_eq!(s, AIDMATCH_STATUS_IO, "{}", err.message());
    assert!(
        err.message().contains("/nonexistent/needs.json"),
        "{}",
        err.message()
    );
    let s = match_files(
        &data("needs.json"),
        None,
        Some(c("/nonexistent/policy.toml")),
        &out,
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_IO, "{}", err.message());
    let s = match_files(&data("needs.txt"), None, None, &out, &err);
    assert_ne!(s, AIDMATCH_STATUS_OK);
    assert!(!tmp.0.join("out").exists(), "nothing written on failure");
    // SAFETY: NULL paths must be rejected before anything is read.
    let s = unsafe {
        aidmatch_match_files(
            data("needs.json").as_ptr(),
            data("supply.json").as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(err.message(), "argument `out_dir` is NULL");
}

#[test]
fn a_policy_file_that_is_not_utf8_is_invalid_utf8_naming_the_file() {
    let err = ErrObj::new();
    let tmp = TempDir::new("latin1-policy");
    // "café" in Latin-1: byte 0xe9 at offset 14.
    let policy = tmp.0.join("policy.toml");
    std::fs::write(&policy, b"version = \"caf\xe9\"\n").expect("write");
    let out = tmp.0.join("out");
    let s = match_files(
        &data("needs.json"),
        None,
        Some(c(policy.to_str().expect("utf-8"))),
        &c(out.to_str().expect("utf-8")),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_UTF8, "{}", err.message());
    assert_eq!(err.column().as_deref(), Some("policy_path"));
    assert_eq!(err.value().as_deref(), Some("0xe9"));
    assert_eq!(
        err.message(),
        format!(
            "policy file {} (argument `policy_path`) is not valid UTF-8 (invalid byte at \
             offset 14)",
            policy.display()
        )
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_list_above_max_rows_is_invalid_input_naming_the_limit() {
    let err = ErrObj::new();
    let rows = aidmatch_engine::io::MAX_ROWS + 1;
    let mut needs = String::with_capacity(3 * rows + 2);
    needs.push('[');
    for k in 0..rows {
        needs.push_str(if k == 0 { "{}" } else { ",{}" });
    }
    needs.push(']');
    let (s, out) = match_json(
        Some(needs.as_bytes()),
        Some(SUPPLY.as_bytes()),
        None,
        None,
        Some(AS_OF),
        std::ptr::null(),
        &err,
    );
    assert_eq!((s, out), (AIDMATCH_STATUS_INVALID_INPUT, None));
    assert_eq!(err.column().as_deref(), Some("MAX_ROWS"));
    assert_eq!(err.value().as_deref(), Some("2000000"));
    assert_eq!(
        err.message(),
        "needs: more than 2000000 rows: above the limit MAX_ROWS"
    );
}
