//! The closed-loop entry points (state, re-match, emergency insertion) called as a C host
//! would, against the engine's own functions on the same data.

use std::ffi::{CStr, CString, c_char};
use std::path::{Path, PathBuf};

use aidmatch_engine::date::Date;
use aidmatch_engine::io::{self, Format, ReadOptions};
use aidmatch_engine::model::Inputs;
use aidmatch_engine::outcome::LoopRules;
use aidmatch_engine::rematch::{Rematch, RematchOptions, rematch};
use aidmatch_engine::snapshot::State;
use aidmatch_engine::urgent::insert_urgent;
use aidmatch_engine::{Policy, RunOptions};

use super::util::*;
use crate::*;

pub(super) const NEEDS: &str = include_str!("../../tests/data/needs.json");
pub(super) const SUPPLY: &str = include_str!("../../tests/data/supply.json");
pub(super) const EXCLUSIONS: &str = include_str!("../../tests/data/exclusions.json");
pub(super) const POLICY: &str = include_str!("../../tests/data/policy.toml");
pub(super) const AS_OF: &str = "2024-10-01";
pub(super) const NEXT: &str = "2024-10-08";

/// Feedback on the first round: N1 accepted, N2 declined by its provider.
pub(super) const OUTCOMES: &str = include_str!("../../tests/data/outcomes.json");
/// A new need for the cadre's visits.
pub(super) const NEW_NEEDS: &str = include_str!("../../tests/data/new_needs.json");
/// An emergency need between rounds (an array of one).
pub(super) const URGENT_FILE: &str = include_str!("../../tests/data/urgent_need.json");

/// The emergency need as one JSON object.
pub(super) fn urgent() -> String {
    let t = URGENT_FILE.trim();
    t.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .expect("an array")
        .trim()
        .to_owned()
}

pub(super) fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

pub(super) fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Takes a string returned by the library (NULL = None) and frees it.
pub(super) fn take(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    // SAFETY: a string from the library, freed once here.
    let text = unsafe { CStr::from_ptr(s) }
        .to_str()
        .expect("utf-8")
        .to_owned();
    // SAFETY: as above.
    unsafe { aidmatch_string_free(s) };
    Some(text)
}

pub(super) fn date(s: &str) -> Date {
    Date::parse(s).expect("date")
}

/// The engine's first round and its state on the test data.
pub(super) fn engine_first_round() -> (aidmatch_engine::MatchResult, State) {
    let opts = ReadOptions::default();
    let inputs = Inputs {
        needs: io::needs_from_bytes(NEEDS.as_bytes(), Format::Json, &opts).expect("needs"),
        resources: io::supply_from_bytes(SUPPLY.as_bytes(), Format::Json, &opts).expect("supply"),
        exclusions: io::exclusions_from_bytes(EXCLUSIONS.as_bytes(), Format::Json, &opts)
            .expect("exclusions"),
    };
    let policy = Policy::from_str_auto(POLICY).expect("policy");
    let result =
        aidmatch_engine::run(&inputs, &policy, &RunOptions::new(date(AS_OF))).expect("run");
    let state = State::from_run(&inputs, &policy, &LoopRules::default(), &result);
    (result, state)
}

/// aidmatch_match_json_with_state on the test data: (status, result, state).
pub(super) fn first_round(err: &ErrObj) -> (aidmatch_status, Option<String>, Option<String>) {
    let (needs, supply, excl, policy, as_of) =
        (c(NEEDS), c(SUPPLY), c(EXCLUSIONS), c(POLICY), c(AS_OF));
    let mut result: *mut c_char = std::ptr::null_mut();
    let mut state: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings; writable outputs.
    let s = unsafe {
        aidmatch_match_json_with_state(
            needs.as_ptr(),
            supply.as_ptr(),
            excl.as_ptr(),
            policy.as_ptr(),
            as_of.as_ptr(),
            std::ptr::null(),
            &mut result,
            &mut state,
            err.0,
        )
    };
    (s, take(result), take(state))
}

pub(super) struct RematchArgs<'a> {
    pub(super) state: Option<&'a str>,
    pub(super) outcomes: Option<&'a str>,
    pub(super) needs: Option<&'a str>,
    pub(super) supply: Option<&'a str>,
    pub(super) policy: Option<&'a str>,
    pub(super) as_of: Option<&'a str>,
    pub(super) flags: u32,
    pub(super) interrupt: *const aidmatch_interrupt,
}

impl Default for RematchArgs<'_> {
    fn default() -> Self {
        RematchArgs {
            state: None,
            outcomes: Some(OUTCOMES),
            needs: Some(NEW_NEEDS),
            supply: None,
            policy: None,
            as_of: Some(NEXT),
            flags: 0,
            interrupt: std::ptr::null(),
        }
    }
}

pub(super) fn call_rematch(
    a: &RematchArgs<'_>,
    err: &ErrObj,
) -> (aidmatch_status, Option<String>, Option<String>) {
    let [state, outcomes, needs, supply, policy, as_of] =
        [a.state, a.outcomes, a.needs, a.supply, a.policy, a.as_of].map(|s| s.map(c));
    let mut result: *mut c_char = std::ptr::null_mut();
    let mut next: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings or NULL; writable outputs.
    let s = unsafe {
        aidmatch_rematch_json(
            p(&state),
            p(&outcomes),
            p(&needs),
            p(&supply),
            p(&policy),
            p(&as_of),
            a.flags,
            a.interrupt,
            &mut result,
            &mut next,
            err.0,
        )
    };
    (s, take(result), take(next))
}

pub(super) fn call_urgent(
    state: Option<&str>,
    need: Option<&[u8]>,
    as_of: Option<&str>,
    err: &ErrObj,
) -> (aidmatch_status, Option<String>, Option<String>) {
    let state = state.map(c);
    let need = need.map(|b| CString::new(b).expect("no NUL"));
    let as_of = as_of.map(c);
    let mut result: *mut c_char = std::ptr::null_mut();
    let mut next: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings or NULL; writable outputs.
    let s = unsafe {
        aidmatch_urgent_json(
            p(&state),
            p(&need),
            p(&as_of),
            &mut result,
            &mut next,
            err.0,
        )
    };
    (s, take(result), take(next))
}

/// The engine's own re-match of the first round with the test feedback and new needs
/// (what `RematchArgs::default()` passes).
pub(super) fn engine_rematch() -> Rematch {
    let (_, engine_state) = engine_first_round();
    let opts = ReadOptions::default();
    let outcomes = io::outcomes_from_bytes(OUTCOMES.as_bytes(), Format::Json, &opts).expect("o");
    let new = io::needs_from_bytes(NEW_NEEDS.as_bytes(), Format::Json, &opts).expect("n");
    let options = RematchOptions::new(date(NEXT));
    rematch(&engine_state, &outcomes, new, None, &options).expect("engine rematch")
}

pub(super) fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn first_round_returns_the_engines_result_and_state() {
    let err = ErrObj::new();
    let (s, result, state) = first_round(&err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (engine, engine_state) = engine_first_round();
    assert_eq!(result.as_deref(), Some(engine.to_json().as_str()));
    let state = state.expect("state");
    assert_eq!(state, engine_state.to_json().expect("state json"));
    assert_eq!(State::from_json(&state, "t").expect("reads"), engine_state);
}

#[test]
fn rematch_json_equals_the_engines_rematch() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (s, result, next) = call_rematch(
        &RematchArgs {
            state: Some(&state),
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (result, next) = (result.expect("result"), next.expect("next"));

    let r = engine_rematch();
    assert_eq!(next, r.state.to_json().expect("next json"));
    let (ours, theirs) = (json(&result), json(&r.to_json()));
    for key in [
        "assignments",
        "unmatched",
        "referrals",
        "summary",
        "changes",
    ] {
        assert_eq!(ours[key], theirs[key], "{key}");
    }
    // What the feedback means: N1 kept, N2 never offered R2 again, N5 visited by R3.
    let change = |id: &str| {
        ours["changes"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["need_id"] == id))
            .map(|c| (c["change"].clone(), c["resource_id"].clone()))
    };
    assert_eq!(change("N1"), Some(("kept".into(), "R1".into())));
    assert_eq!(
        change("N2"),
        Some(("unmatched".into(), serde_json::Value::Null))
    );
    assert_eq!(change("N5"), Some(("new".into(), "R3".into())));
    assert_eq!(ours["rematch"]["kept_pairs"], 1);
    assert_eq!(ours["rematch"]["forbidden_pairs"], 1);
    assert_eq!(ours["rematch"]["warm"]["mode"], "warm");

    // Cold gives the same matching; the summary says cold.
    let (s, cold, cold_next) = call_rematch(
        &RematchArgs {
            state: Some(&state),
            flags: AIDMATCH_REMATCH_COLD,
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let cold = json(&cold.expect("cold"));
    assert_eq!(cold["assignments"], ours["assignments"]);
    assert_eq!(cold["rematch"]["warm"]["mode"], "cold");
    assert_eq!(cold_next.as_deref(), Some(next.as_str()));

    // The next state carries the loop on: a second re-match from it, no feedback.
    let (s, _, _) = call_rematch(
        &RematchArgs {
            state: Some(&next),
            outcomes: Some("[]"),
            needs: None,
            as_of: Some("2024-10-15"),
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
}

/// Calls aidmatch_rematch_explain_json with `a` and `need`; returns the status and text.
fn call_rematch_explain(
    a: &RematchArgs<'_>,
    need: Option<&str>,
    err: &ErrObj,
) -> (aidmatch_status, Option<String>) {
    let [state, outcomes, needs, supply, policy, as_of, need] = [
        a.state, a.outcomes, a.needs, a.supply, a.policy, a.as_of, need,
    ]
    .map(|s| s.map(c));
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings or NULL; a writable output.
    let s = unsafe {
        aidmatch_rematch_explain_json(
            p(&state),
            p(&outcomes),
            p(&needs),
            p(&supply),
            p(&policy),
            p(&as_of),
            a.flags,
            p(&need),
            a.interrupt,
            &mut out,
            err.0,
        )
    };
    (s, take(out))
}

#[test]
fn rematch_explain_json_explains_a_need_of_the_re_matched_round() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let args = RematchArgs {
        state: Some(&state),
        ..RematchArgs::default()
    };
    let (s, text) = call_rematch_explain(&args, Some("N2"), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let text = text.expect("explanation");
    // The engine's re-match of the same state and feedback explains N2 the same way.
    let r = engine_rematch();
    let want = r
        .result
        .explain("N2")
        .expect("N2 is in the round")
        .to_json();
    assert_eq!(text, want);
    // N2 declined R2 (by the provider): R2 is a near miss failing "declined".
    let doc = json(&text);
    let miss = doc["near_misses"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["resource_id"] == "R2"))
        .unwrap_or_else(|| panic!("R2 among the near misses: {doc}"));
    assert!(
        miss["failed"]
            .as_array()
            .expect("list")
            .contains(&"declined".into())
    );
    // N1's pair was accepted: kept, not matched again, so not a need of the round.
    let (s, text) = call_rematch_explain(&args, Some("N1"), &err);
    assert_eq!((s, text), (AIDMATCH_STATUS_INVALID_INPUT, None));
    assert_eq!(
        (err.column().as_deref(), err.value().as_deref()),
        (Some("need_id"), Some("N1"))
    );
    assert!(
        err.message().contains("kept its agreed pair with \"R1\""),
        "{}",
        err.message()
    );
    let (s, _) = call_rematch_explain(&args, None, &err);
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert!(err.message().contains("need_id"), "{}", err.message());
}

#[test]
fn rematch_json_rejects_hostile_arguments_and_writes_nothing() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let st = Some(state.as_str());
    let base = || RematchArgs {
        state: st,
        ..RematchArgs::default()
    };

    let (s, r, n) = call_rematch(
        &RematchArgs {
            state: None,
            ..base()
        },
        &err,
    );
    assert_eq!((s, r, n), (AIDMATCH_STATUS_NULL_PARAMETER, None, None));
    assert_eq!(err.message(), "argument `state_json` is NULL");
    let (s, _, _) = call_rematch(
        &RematchArgs {
            outcomes: None,
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);

    // Not JSON; JSON but not a state; another format.
    for (bad, expected) in [
        ("{\"format\": ", AIDMATCH_STATUS_MALFORMED_JSON),
        ("[1, 2]", AIDMATCH_STATUS_INVALID_INPUT),
        ("{}", AIDMATCH_STATUS_INVALID_INPUT),
    ] {
        let (s, r, n) = call_rematch(
            &RematchArgs {
                state: Some(bad),
                ..base()
            },
            &err,
        );
        assert_eq!(
            (s, r, n),
            (expected, None, None),
            "{bad}: {}",
            err.message()
        );
        assert!(err.message().contains("state_json"), "{}", err.message());
    }
    let other = state.replace("aidmatch-state-v1", "aidmatch-state-v9");
    let (s, _, _) = call_rematch(
        &RematchArgs {
            state: Some(&other),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert!(
        err.message().contains("aidmatch-state-v9"),
        "{}",
        err.message()
    );

    // Feedback that cannot be applied: row, column, value; the message names the pair.
    let (s, _, _) = call_rematch(
        &RematchArgs {
            outcomes: Some(
                r#"[{"need_id": "N1", "resource_id": "R1", "status": "accepted"},
                    {"need_id": "N1", "resource_id": "R1", "status": "declined"}]"#,
            ),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert_eq!(err.row(), 2);
    assert_eq!(err.column().as_deref(), Some("status"));
    assert!(
        err.message().contains("\"N1\"") && err.message().contains("\"R1\""),
        "{}",
        err.message()
    );
    let (s, _, _) = call_rematch(
        &RematchArgs {
            outcomes: Some(r#"[{"need_id": "N3", "resource_id": "R1", "status": "accepted"}]"#),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert_eq!(
        (err.row(), err.column().as_deref(), err.value().as_deref()),
        (1, Some("resource_id"), Some("R1"))
    );
    // A new need with the id of a kept need (fuzz crasher capi_loop crash-8cc57328).
    let dup = NEW_NEEDS.replace("\"N5\"", "\"N1\"");
    let (s, r, n) = call_rematch(
        &RematchArgs {
            needs: Some(&dup),
            ..base()
        },
        &err,
    );
    assert_eq!((s, r, n), (AIDMATCH_STATUS_INVALID_INPUT, None, None));
    assert_eq!(
        (err.row(), err.column().as_deref(), err.value().as_deref()),
        (1, Some("need_id"), Some("N1"))
    );
    // A bad value in the new needs: located as in any list.
    let bad_needs = NEW_NEEDS.replace("care_visit", "space_travel");
    let (s, _, _) = call_rematch(
        &RematchArgs {
            needs: Some(&bad_needs),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(
        (err.row(), err.column().as_deref(), err.value().as_deref()),
        (1, Some("category"), Some("space_travel"))
    );
    let (s, _, _) = call_rematch(
        &RematchArgs {
            outcomes: Some("[{"),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_MALFORMED_JSON);
    let (s, _, _) = call_rematch(&RematchArgs { flags: 6, ..base() }, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("flags"));
    let (s, _, _) = call_rematch(
        &RematchArgs {
            as_of: Some("2024-02-30"),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    let (s, _, _) = call_rematch(
        &RematchArgs {
            policy: Some("versoin = 1"),
            ..base()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("versoin"));

    // Invalid UTF-8 in the state.
    let mut bytes = state.clone().into_bytes();
    bytes[20] = 0xff;
    let bad = CString::new(bytes).expect("no NUL");
    let outcomes = c(OUTCOMES);
    let mut result: *mut c_char = std::ptr::null_mut();
    let mut next: *mut c_char = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings; writable outputs.
    let s = unsafe {
        aidmatch_rematch_json(
            bad.as_ptr(),
            outcomes.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut result,
            &mut next,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_INVALID_UTF8);
    assert!(result.is_null() && next.is_null());
    // NULL output pointers.
    let st = c(&state);
    // SAFETY: a NULL output must be refused before anything else.
    let s = unsafe {
        aidmatch_rematch_json(
            st.as_ptr(),
            outcomes.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut result,
            std::ptr::null_mut(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(err.message(), "argument `next_state_json` is NULL");
    assert!(result.is_null());

    // A triggered interrupt abandons the run.
    let stop = aidmatch_interrupt_new();
    // SAFETY: a live handle.
    unsafe { aidmatch_interrupt_trigger(stop) };
    let (s, r, n) = call_rematch(
        &RematchArgs {
            interrupt: stop,
            ..base()
        },
        &err,
    );
    assert_eq!((s, r, n), (AIDMATCH_STATUS_INTERRUPTED, None, None));
    // SAFETY: freed once.
    unsafe { aidmatch_interrupt_free(stop) };
}

#[test]
fn urgent_json_places_one_need_as_the_engine_does() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (s, result, next) = call_urgent(Some(&state), Some(urgent().as_bytes()), Some(NEXT), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let result = json(&result.expect("result"));
    assert_eq!(result["need_id"], "U1");
    assert_eq!(result["mode"], "free_place");
    assert_eq!(result["resource_id"], "R3");
    assert_eq!(result["tier"], 1);
    let (_, engine_state) = engine_first_round();
    let need = io::needs_from_bytes(URGENT_FILE.as_bytes(), Format::Json, &Default::default())
        .expect("need")
        .remove(0);
    let u = insert_urgent(&engine_state, need, date(NEXT)).expect("engine");
    assert_eq!(
        next.as_deref(),
        Some(u.state.to_json().expect("json").as_str())
    );
    assert_eq!(result["score"], u.score.expect("score"));

    // An array of one is the same need; an array of two, or none, is refused.
    let (s, _, _) = call_urgent(
        Some(&state),
        Some(format!(" {URGENT_FILE}").as_bytes()),
        Some(NEXT),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let two = format!("[{}, {}]", urgent(), urgent().replace("U1", "U2"));
    let (s, r, n) = call_urgent(Some(&state), Some(two.as_bytes()), Some(NEXT), &err);
    assert_eq!((s, r, n), (AIDMATCH_STATUS_INVALID_INPUT, None, None));
    assert_eq!(err.value().as_deref(), Some("2"));
    let (s, _, _) = call_urgent(Some(&state), Some(b"[]"), Some(NEXT), &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.value().as_deref(), Some("0"));
    // Two objects side by side are not JSON (the inside of an array is not an array), and
    // neither is anything after the object.
    for text in [
        format!("{},{}", urgent(), urgent().replace("U1", "U2")),
        format!("{} {}", urgent(), urgent().replace("U1", "U2")),
        format!("{}]", urgent()),
        format!("\u{feff} {} garbage", urgent()),
    ] {
        let (s, r, n) = call_urgent(Some(&state), Some(text.as_bytes()), Some(NEXT), &err);
        assert_eq!(
            (s, r, n),
            (AIDMATCH_STATUS_MALFORMED_JSON, None, None),
            "{text}: {}",
            err.message()
        );
        assert!(
            err.message().starts_with("need_json: line ")
                && err.message().contains(": trailing characters at line "),
            "{}",
            err.message()
        );
    }
    // A BOM and blanks before the object are fine.
    let padded = format!("\u{feff}\n  {}\n", urgent());
    let (s, _, _) = call_urgent(Some(&state), Some(padded.as_bytes()), Some(NEXT), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    // A need id the state already has.
    let dup = urgent().replace("U1", "N1");
    let (s, _, _) = call_urgent(Some(&state), Some(dup.as_bytes()), Some(NEXT), &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("need_id"));
    assert_eq!(err.value().as_deref(), Some("N1"));
    // Hostile arguments.
    let (s, _, _) = call_urgent(None, Some(urgent().as_bytes()), None, &err);
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    let (s, _, _) = call_urgent(Some(&state), None, None, &err);
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    let (s, _, _) = call_urgent(Some(&state), Some(b"{\"need_id\": \"U\xff\"}"), None, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_UTF8);
    let (s, _, _) = call_urgent(Some(&state), Some(b"{\"need_id\""), None, &err);
    assert_eq!(s, AIDMATCH_STATUS_MALFORMED_JSON);
    let (s, _, _) = call_urgent(Some("{}"), Some(urgent().as_bytes()), None, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    let bad = urgent().replace("\"urgency\": \"emergency\"", "\"urgency\": \"yesterday\"");
    let (s, _, _) = call_urgent(Some(&state), Some(bad.as_bytes()), None, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("urgency"));
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("aidmatch-capi-loop-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
    pub(super) fn c(&self, sub: &str) -> CString {
        c(self.0.join(sub).to_str().expect("utf-8"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn data(name: &str) -> CString {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    c(path.to_str().expect("utf-8 path"))
}

pub(super) fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_folder_functions_write_what_the_engine_writes() {
    let err = ErrObj::new();
    let tmp = TempDir::new("files");
    std::fs::write(tmp.0.join("outcomes.json"), OUTCOMES).expect("write");
    std::fs::write(tmp.0.join("new.json"), NEW_NEEDS).expect("write");
    let (as_of, next) = (c(AS_OF), c(NEXT));
    // SAFETY (all calls): NUL-terminated strings or NULL.
    let s = unsafe {
        aidmatch_match_files_with_state(
            data("needs.json").as_ptr(),
            data("supply.json").as_ptr(),
            data("exclusions.json").as_ptr(),
            data("policy.toml").as_ptr(),
            as_of.as_ptr(),
            std::ptr::null(),
            tmp.c("round1").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (engine, engine_state) = engine_first_round();
    let round1 = tmp.0.join("round1");
    assert_eq!(State::load(&round1).expect("state"), engine_state);
    let theirs = tmp.0.join("theirs1");
    engine.write_dir(&theirs).expect("engine writes");
    for f in [
        "assignments.csv",
        "unmatched.csv",
        "referrals.csv",
        "summary.json",
    ] {
        assert_eq!(read(&round1, f), read(&theirs, f), "{f}");
    }

    // SAFETY: as above.
    let s = unsafe {
        aidmatch_rematch_files(
            tmp.c("round1").as_ptr(),
            tmp.c("outcomes.json").as_ptr(),
            tmp.c("new.json").as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            next.as_ptr(),
            0,
            std::ptr::null(),
            tmp.c("round2").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let opts = ReadOptions::default();
    let r = rematch(
        &engine_state,
        &io::outcomes_from_bytes(OUTCOMES.as_bytes(), Format::Json, &opts).expect("o"),
        io::needs_from_bytes(NEW_NEEDS.as_bytes(), Format::Json, &opts).expect("n"),
        None,
        &RematchOptions::new(date(NEXT)),
    )
    .expect("engine rematch");
    let round2 = tmp.0.join("round2");
    let theirs = tmp.0.join("theirs2");
    r.write_dir(&theirs).expect("engine writes");
    for f in [
        "assignments.csv",
        "unmatched.csv",
        "summary.json",
        "changes.csv",
        "snapshot.json",
        "needs.json",
        "supply.json",
        "policy.toml",
    ] {
        assert_eq!(read(&round2, f), read(&theirs, f), "{f}");
    }
    assert!(read(&round2, "rematch.json").contains("\"kept_pairs\": 1"));

    // SAFETY: as above.
    let s = unsafe {
        aidmatch_urgent_files(
            tmp.c("round2").as_ptr(),
            data("urgent_need.json").as_ptr(),
            next.as_ptr(),
            tmp.c("round2b").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let report = json(&read(&tmp.0.join("round2b"), "urgent.json"));
    assert_eq!(report["need_id"], "U1");
    assert_eq!(report["mode"], "free_place");
    let state2b = State::load(&tmp.0.join("round2b")).expect("state");
    assert!(state2b.inputs.needs.iter().any(|n| n.need_id == "U1"));

    // Missing state folder: IO naming the path, nothing written.
    // SAFETY: as above.
    let s = unsafe {
        aidmatch_rematch_files(
            tmp.c("nowhere").as_ptr(),
            tmp.c("outcomes.json").as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            next.as_ptr(),
            0,
            std::ptr::null(),
            tmp.c("round3").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_IO, "{}", err.message());
    assert!(err.message().contains("nowhere"), "{}", err.message());
    assert!(!tmp.0.join("round3").exists());
    // SAFETY: as above.
    let s = unsafe {
        aidmatch_urgent_files(
            tmp.c("round2").as_ptr(),
            data("needs.json").as_ptr(),
            next.as_ptr(),
            tmp.c("round3").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert!(
        err.message().contains("exactly one need, found 4"),
        "{}",
        err.message()
    );
    assert!(!tmp.0.join("round3").exists());
    // SAFETY: NULL required paths are refused before anything is read.
    let s = unsafe {
        aidmatch_urgent_files(
            std::ptr::null(),
            data("urgent_need.json").as_ptr(),
            std::ptr::null(),
            tmp.c("round3").as_ptr(),
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(err.message(), "argument `previous_dir` is NULL");
    // SAFETY: as above.
    let s = unsafe {
        aidmatch_match_files_with_state(
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
}
