//! The C ABI's closed loop, `aidmatch_rematch_json` and `aidmatch_urgent_json`, on
//! arbitrary feedback, arrivals and emergencies.
//!
//! The input is `state \0 outcomes \0 new_needs \0 urgent_need \0 as_of \0 flags`, each
//! a C string (a missing part is NULL). An empty `state` stands for the valid state of
//! the first round on `bindings/c/tests/data` (made once, by
//! `aidmatch_match_json_with_state`), so most inputs reach the re-match itself; a
//! non-empty one is passed as it is. `flags` is the first byte of its part.
//! Properties: never `PANIC` or `INTERNAL`; on `OK` both outputs are written, the result
//! is JSON, the next state reads back (`State::from_json`) and holds every need of the
//! result's `changes` (re-match) or the emergency need (insertion); on failure neither
//! output is written and the error object has a message. After an `OK` re-match,
//! `aidmatch_rematch_explain_json` on the same arguments explains its first need (or
//! refuses it, `INVALID_INPUT`, when that need was kept). The same state taken up as a
//! round (`aidmatch_round_open_json`) and re-matched with the same arguments
//! (`aidmatch_round_rematch_json`) gives the same status, next state and result (its
//! timings aside), and explains that need as the JSON call does.
#![no_main]

use std::ffi::{CStr, CString, c_char};
use std::ptr;
use std::sync::OnceLock;

use aidmatch::snapshot::State;
use aidmatch_capi::{
    aidmatch_error, aidmatch_error_free, aidmatch_error_message, aidmatch_error_new,
    aidmatch_match_json_with_state, aidmatch_rematch_explain_json, aidmatch_rematch_json,
    aidmatch_round, aidmatch_round_explain_json, aidmatch_round_free, aidmatch_round_open_json,
    aidmatch_round_rematch_json, aidmatch_round_result_json, aidmatch_round_state_json,
    aidmatch_status, aidmatch_string_free, aidmatch_urgent_json,
};
use libfuzzer_sys::fuzz_target;

const NEEDS: &str = include_str!("../../bindings/c/tests/data/needs.json");
const SUPPLY: &str = include_str!("../../bindings/c/tests/data/supply.json");
const EXCLUSIONS: &str = include_str!("../../bindings/c/tests/data/exclusions.json");

/// Takes (and frees) a string the library returned.
fn take(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string from the library, freed once here.
    let s = unsafe { CStr::from_ptr(p) }.to_str().map(str::to_owned);
    // SAFETY: as above.
    unsafe { aidmatch_string_free(p) };
    Some(s.unwrap_or_else(|_| panic!("the library returned a string that is not UTF-8")))
}

fn first_state() -> &'static CString {
    static STATE: OnceLock<CString> = OnceLock::new();
    STATE.get_or_init(|| {
        let c = |s: &str| CString::new(s).unwrap_or_default();
        let (n, s, e, d) = (c(NEEDS), c(SUPPLY), c(EXCLUSIONS), c("2024-10-01"));
        let mut result = ptr::null_mut();
        let mut state = ptr::null_mut();
        // SAFETY: NUL-terminated strings; writable outputs; NULL error object.
        let status = unsafe {
            aidmatch_match_json_with_state(
                n.as_ptr(),
                s.as_ptr(),
                e.as_ptr(),
                ptr::null(),
                d.as_ptr(),
                ptr::null(),
                &mut result,
                &mut state,
                ptr::null_mut(),
            )
        };
        assert_eq!(status, aidmatch_status::AIDMATCH_STATUS_OK);
        take(result);
        CString::new(take(state).unwrap_or_default()).unwrap_or_default()
    })
}

/// The checks common to both calls.
fn check(
    status: aidmatch_status,
    err: *mut aidmatch_error,
    result: *mut c_char,
    next: *mut c_char,
) -> Option<(serde_json::Value, State)> {
    assert!(
        !matches!(
            status,
            aidmatch_status::AIDMATCH_STATUS_PANIC | aidmatch_status::AIDMATCH_STATUS_INTERNAL
        ),
        "status {status:?}"
    );
    if status != aidmatch_status::AIDMATCH_STATUS_OK {
        assert!(
            result.is_null() && next.is_null(),
            "an output written on failure"
        );
        // SAFETY: a live error object.
        let m = unsafe { CStr::from_ptr(aidmatch_error_message(err)) };
        assert!(!m.to_bytes().is_empty(), "failure without a message");
        return None;
    }
    let result = take(result).unwrap_or_else(|| panic!("OK without a result"));
    let next = take(next).unwrap_or_else(|| panic!("OK without a next state"));
    let doc: serde_json::Value =
        serde_json::from_str(&result).unwrap_or_else(|e| panic!("result is not JSON: {e}"));
    let state = State::from_json(&next, "next")
        .unwrap_or_else(|e| panic!("the next state does not read back: {e}"));
    Some((doc, state))
}

/// A document without the re-match's timings.
fn untimed(mut doc: serde_json::Value) -> serde_json::Value {
    if let Some(r) = doc.get_mut("rematch").and_then(|r| r.as_object_mut()) {
        r.retain(|k, _| !k.ends_with("_ms"));
    }
    doc
}

/// Takes the state up as a round and re-matches it with the JSON call's arguments: the
/// next round, or the status of the step that failed.
///
/// # Safety
/// The pointers as for `aidmatch_rematch_json`.
unsafe fn round_rematch(
    state: &CStr,
    arg: impl Fn(usize) -> *const c_char,
    flags: u32,
    err: *mut aidmatch_error,
) -> Result<*mut aidmatch_round, aidmatch_status> {
    let mut stored: *mut aidmatch_round = ptr::null_mut();
    // SAFETY: a live NUL-terminated string; a writable output; a live error object.
    let status = unsafe { aidmatch_round_open_json(state.as_ptr(), &mut stored, err) };
    if status != aidmatch_status::AIDMATCH_STATUS_OK {
        assert!(stored.is_null(), "a round made on failure");
        return Err(status);
    }
    let mut next: *mut aidmatch_round = ptr::null_mut();
    // SAFETY: a live round; the caller's strings; a writable output.
    let status = unsafe {
        aidmatch_round_rematch_json(
            stored,
            arg(1),
            arg(2),
            ptr::null(),
            ptr::null(),
            arg(4),
            flags,
            ptr::null(),
            &mut next,
            err,
        )
    };
    // SAFETY: made above, freed once; the next round does not depend on it.
    unsafe { aidmatch_round_free(stored) };
    if status != aidmatch_status::AIDMATCH_STATUS_OK {
        assert!(next.is_null(), "a round made on failure");
        return Err(status);
    }
    Ok(next)
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<CString> = data
        .splitn(6, |&b| b == 0)
        .map(|p| CString::new(p.to_vec()).unwrap_or_default())
        .collect();
    let state: &CStr = match parts.first() {
        Some(s) if !s.as_bytes().is_empty() => s.as_c_str(),
        _ => first_state().as_c_str(),
    };
    let ptr_of = |i: usize| parts.get(i).map_or(ptr::null(), |s| s.as_ptr());
    let flags = parts
        .get(5)
        .and_then(|f| f.as_bytes().first())
        .map_or(0, |&b| u32::from(b) & 3);
    let err = aidmatch_error_new();

    let mut result = ptr::null_mut();
    let mut next = ptr::null_mut();
    // SAFETY: NULL or live NUL-terminated strings; writable outputs; a live error object.
    let status = unsafe {
        aidmatch_rematch_json(
            state.as_ptr(),
            ptr_of(1),
            ptr_of(2),
            ptr::null(),
            ptr::null(),
            ptr_of(4),
            flags,
            ptr::null(),
            &mut result,
            &mut next,
            err,
        )
    };
    // SAFETY: as above.
    let round = unsafe { round_rematch(state, ptr_of, flags, err) };
    // Both succeed or both fail (not always with the same status: the round reads the
    // state before the feedback, the JSON call after it).
    assert_eq!(
        round.is_ok(),
        status == aidmatch_status::AIDMATCH_STATUS_OK,
        "one re-matched, the other not: {round:?}, {status:?}"
    );
    let round = round.unwrap_or(ptr::null_mut());
    if let Some((doc, next)) = check(status, err, result, next) {
        let mut text = ptr::null_mut();
        // SAFETY: a live round (the JSON call succeeded, so did the round's); an output.
        let s = unsafe { aidmatch_round_result_json(round, &mut text, err) };
        assert_eq!(s, aidmatch_status::AIDMATCH_STATUS_OK);
        let ours: serde_json::Value = serde_json::from_str(&take(text).unwrap_or_default())
            .unwrap_or_else(|e| panic!("round result is not JSON: {e}"));
        assert_eq!(
            untimed(ours),
            untimed(doc.clone()),
            "the round's result differs"
        );
        let mut text = ptr::null_mut();
        // SAFETY: as above.
        let s = unsafe { aidmatch_round_state_json(round, &mut text, err) };
        assert_eq!(s, aidmatch_status::AIDMATCH_STATUS_OK);
        let ours = State::from_json(&take(text).unwrap_or_default(), "round")
            .unwrap_or_else(|e| panic!("the round's state does not read back: {e}"));
        assert!(ours == next, "the round's next state differs");
        let ids: std::collections::HashSet<&str> = next
            .inputs
            .needs
            .iter()
            .map(|n| n.need_id.as_str())
            .collect();
        let changes = doc["changes"]
            .as_array()
            .unwrap_or_else(|| panic!("no changes in {doc}"));
        assert_eq!(changes.len(), ids.len(), "a need lost or invented");
        for c in changes {
            let id = c["need_id"].as_str().unwrap_or_default();
            assert!(ids.contains(id), "change of unknown need {id}");
        }
        // The same re-match explains its first need (a kept one is not in the round).
        if let Some(c) = changes.first() {
            let id = c["need_id"].as_str().unwrap_or_default();
            let kept = c["change"] == "kept";
            let need = CString::new(id).unwrap_or_default();
            let mut text = ptr::null_mut();
            // SAFETY: as above; `text` is writable.
            let status = unsafe {
                aidmatch_rematch_explain_json(
                    state.as_ptr(),
                    ptr_of(1),
                    ptr_of(2),
                    ptr::null(),
                    ptr::null(),
                    ptr_of(4),
                    flags,
                    need.as_ptr(),
                    ptr::null(),
                    &mut text,
                    err,
                )
            };
            let want = if kept {
                aidmatch_status::AIDMATCH_STATUS_INVALID_INPUT
            } else {
                aidmatch_status::AIDMATCH_STATUS_OK
            };
            assert_eq!(status, want, "explaining {id} ({})", c["change"]);
            let text = take(text);
            let mut ours = ptr::null_mut();
            // SAFETY: a live round; `need` a NUL-terminated string; an output.
            let s = unsafe { aidmatch_round_explain_json(round, need.as_ptr(), &mut ours, err) };
            assert_eq!(s, status, "the round explains {id} otherwise");
            assert_eq!(take(ours), text, "the round's explanation of {id} differs");
            if let Some(text) = text {
                let e: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("explanation is not JSON: {e}"));
                assert_eq!(e["need_id"], id, "explained another need");
            }
        }
    }
    // SAFETY: NULL or made above, freed once.
    unsafe { aidmatch_round_free(round) };

    let mut result = ptr::null_mut();
    let mut next = ptr::null_mut();
    // SAFETY: as above.
    let status = unsafe {
        aidmatch_urgent_json(
            state.as_ptr(),
            ptr_of(3),
            ptr_of(4),
            &mut result,
            &mut next,
            err,
        )
    };
    if let Some((doc, next)) = check(status, err, result, next) {
        let id = doc["need_id"].as_str().unwrap_or_default().to_owned();
        assert!(
            next.inputs.needs.iter().any(|n| n.need_id == id),
            "the emergency need {id} is not in the next state"
        );
        assert!(
            matches!(
                doc["mode"].as_str(),
                Some("free_place" | "displaced" | "unmatched")
            ),
            "mode {}",
            doc["mode"]
        );
    }
    // SAFETY: created above, freed once.
    unsafe { aidmatch_error_free(err) };
});
