//! A round kept in memory, called as a C host would: the same results, explanations and
//! states as the JSON calls on the same arguments, rounds taken up from stored states,
//! hostile arguments, and threads sharing one round.

use std::ffi::{CString, c_char};

use aidmatch_engine::snapshot::State;

use super::closed_loop::{
    AS_OF, EXCLUSIONS, NEEDS, NEXT, POLICY, RematchArgs, SUPPLY, TempDir, URGENT_FILE, c,
    call_rematch, call_urgent, engine_first_round, engine_rematch, first_round, json, p, read,
    take,
};
use super::util::*;
use crate::*;

/// A round handle freed when dropped (NULL allowed).
struct Round(*mut aidmatch_round);

// SAFETY: a round never changes once made; the library documents it as shareable.
unsafe impl Send for Round {}
// SAFETY: as above.
unsafe impl Sync for Round {}

impl Drop for Round {
    fn drop(&mut self) {
        // SAFETY: NULL or a live handle, freed once here.
        unsafe { aidmatch_round_free(self.0) };
    }
}

/// aidmatch_round_match_json on the test data.
fn match_round(err: &ErrObj) -> (aidmatch_status, Round) {
    let (needs, supply, excl, policy, as_of) =
        (c(NEEDS), c(SUPPLY), c(EXCLUSIONS), c(POLICY), c(AS_OF));
    let mut out: *mut aidmatch_round = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings; a writable output.
    let s = unsafe {
        aidmatch_round_match_json(
            needs.as_ptr(),
            supply.as_ptr(),
            excl.as_ptr(),
            policy.as_ptr(),
            as_of.as_ptr(),
            std::ptr::null(),
            &mut out,
            err.0,
        )
    };
    (s, Round(out))
}

/// aidmatch_round_open_json on `state`.
fn open_round(state: Option<&str>, err: &ErrObj) -> (aidmatch_status, Round) {
    let state = state.map(c);
    let mut out: *mut aidmatch_round = std::ptr::null_mut();
    // SAFETY: a NUL-terminated string or NULL; a writable output.
    let s = unsafe { aidmatch_round_open_json(p(&state), &mut out, err.0) };
    (s, Round(out))
}

impl Round {
    /// aidmatch_round_rematch_json with the feedback of `a` (its `state` is not used).
    fn rematch(&self, a: &RematchArgs<'_>, err: &ErrObj) -> (aidmatch_status, Round) {
        let [outcomes, needs, supply, policy, as_of] =
            [a.outcomes, a.needs, a.supply, a.policy, a.as_of].map(|s| s.map(c));
        let mut out: *mut aidmatch_round = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; NUL-terminated strings or NULL; an output.
        let s = unsafe {
            aidmatch_round_rematch_json(
                self.0,
                p(&outcomes),
                p(&needs),
                p(&supply),
                p(&policy),
                p(&as_of),
                a.flags,
                a.interrupt,
                &mut out,
                err.0,
            )
        };
        (s, Round(out))
    }

    fn result(&self, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; an output.
        let s = unsafe { aidmatch_round_result_json(self.0, &mut out, err.0) };
        (s, take(out))
    }

    fn explain(&self, need: Option<&str>, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let need = need.map(c);
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; a NUL-terminated string or NULL; an output.
        let s = unsafe { aidmatch_round_explain_json(self.0, p(&need), &mut out, err.0) };
        (s, take(out))
    }

    fn state(&self, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; an output.
        let s = unsafe { aidmatch_round_state_json(self.0, &mut out, err.0) };
        (s, take(out))
    }

    fn save(&self, dir: &CString, err: &ErrObj) -> aidmatch_status {
        // SAFETY: NULL or a live handle; a NUL-terminated string.
        unsafe { aidmatch_round_save(self.0, dir.as_ptr(), err.0) }
    }

    /// A desk on the round and the result of inserting the test's emergency need into it.
    fn desk_insert(&self, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let as_of = c(NEXT);
        let mut desk: *mut aidmatch_desk = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; a NUL-terminated string; an output.
        let s = unsafe { aidmatch_round_desk(self.0, as_of.as_ptr(), &mut desk, err.0) };
        if s != AIDMATCH_STATUS_OK {
            return (s, None);
        }
        let need = c(URGENT_FILE);
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: a live desk; a NUL-terminated string; an output.
        let s = unsafe { aidmatch_desk_insert(desk, need.as_ptr(), &mut out, err.0) };
        // SAFETY: a live desk, freed once here.
        unsafe { aidmatch_desk_free(desk) };
        (s, take(out))
    }
}

/// An emergency insertion's result without its timing.
fn untimed(text: &str) -> serde_json::Value {
    let mut v = json(text);
    v.as_object_mut().and_then(|o| o.remove("insert_ms"));
    v
}

#[test]
fn a_matched_round_gives_what_the_json_calls_give() {
    let err = ErrObj::new();
    let (s, round) = match_round(&err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (_, result, state) = first_round(&err);
    assert_eq!(round.result(&err), (AIDMATCH_STATUS_OK, result));
    assert_eq!(round.state(&err), (AIDMATCH_STATUS_OK, state.clone()));
    let (engine, _) = engine_first_round();
    for need in ["N1", "N2", "N3"] {
        let want = engine.explain(need).expect("a need of the data").to_json();
        assert_eq!(
            round.explain(Some(need), &err),
            (AIDMATCH_STATUS_OK, Some(want))
        );
    }
    // An emergency desk on the round is the desk on its state.
    let (s, placed) = round.desk_insert(&err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (s, urgent, _) = call_urgent(
        state.as_deref(),
        Some(URGENT_FILE.as_bytes()),
        Some(NEXT),
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!(
        untimed(&placed.expect("placed")),
        untimed(&urgent.expect("urgent"))
    );
}

#[test]
fn a_re_matched_round_gives_what_the_json_calls_give() {
    let err = ErrObj::new();
    let (_, round) = match_round(&err);
    let (s, next) = round.rematch(&RematchArgs::default(), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    // The round it came from is unchanged, and may be freed first.
    let (_, first_result, state) = first_round(&err);
    assert_eq!(round.result(&err), (AIDMATCH_STATUS_OK, first_result));
    drop(round);

    let state = state.expect("state");
    let (s, result, next_state) = call_rematch(
        &RematchArgs {
            state: Some(&state),
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (s, ours) = next.result(&err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (ours, theirs) = (json(&ours.expect("result")), json(&result.expect("result")));
    // Everything but the re-match's timings.
    for key in [
        "assignments",
        "unmatched",
        "referrals",
        "summary",
        "changes",
    ] {
        assert_eq!(ours[key], theirs[key], "{key}");
    }
    assert_eq!(
        ours["rematch"]["kept_pairs"],
        theirs["rematch"]["kept_pairs"]
    );
    assert_eq!(next.state(&err), (AIDMATCH_STATUS_OK, next_state.clone()));

    // Explanations of the re-matched round, without a re-run.
    let r = engine_rematch();
    let want = r.result.explain("N2").expect("N2 in the round").to_json();
    assert_eq!(
        next.explain(Some("N2"), &err),
        (AIDMATCH_STATUS_OK, Some(want))
    );
    // N1's pair was accepted: kept, not a need of the round.
    assert_eq!(
        next.explain(Some("N1"), &err),
        (AIDMATCH_STATUS_INVALID_INPUT, None)
    );
    assert_eq!(
        (err.column().as_deref(), err.value().as_deref()),
        (Some("need_id"), Some("N1"))
    );
    assert!(
        err.message().contains("kept its agreed pair with \"R1\""),
        "{}",
        err.message()
    );

    // The loop goes on from the round: a third round, no feedback.
    let third = RematchArgs {
        outcomes: Some("[]"),
        needs: None,
        as_of: Some("2024-10-15"),
        ..RematchArgs::default()
    };
    let (s, again) = next.rematch(&third, &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (s, _, want) = call_rematch(
        &RematchArgs {
            state: next_state.as_deref(),
            ..third
        },
        &err,
    );
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!(again.state(&err), (AIDMATCH_STATUS_OK, want));
}

#[test]
fn a_stored_state_is_a_round_without_a_result() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (s, stored) = open_round(Some(&state), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!(
        stored.state(&err),
        (AIDMATCH_STATUS_OK, Some(state.clone()))
    );
    assert_eq!(stored.result(&err), (AIDMATCH_STATUS_INVALID_INPUT, None));
    assert_eq!(err.column().as_deref(), Some("round"));
    assert_eq!(
        stored.explain(Some("N1"), &err),
        (AIDMATCH_STATUS_INVALID_INPUT, None)
    );
    assert_eq!(err.column().as_deref(), Some("round"));

    // Re-matched, it gives the next state the JSON call gives.
    let (s, next) = stored.rematch(&RematchArgs::default(), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let (_, _, want) = call_rematch(
        &RematchArgs {
            state: Some(&state),
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(next.state(&err), (AIDMATCH_STATUS_OK, want));

    // Saved and taken up again from the folder: the same state.
    let tmp = TempDir::new("round");
    assert_eq!(stored.save(&tmp.c("stored"), &err), AIDMATCH_STATUS_OK);
    let mut from_dir: *mut aidmatch_round = std::ptr::null_mut();
    // SAFETY: a NUL-terminated string; a writable output.
    let s = unsafe { aidmatch_round_open_dir(tmp.c("stored").as_ptr(), &mut from_dir, err.0) };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let from_dir = Round(from_dir);
    assert_eq!(from_dir.state(&err), (AIDMATCH_STATUS_OK, Some(state)));
    // A folder that is not a state.
    let mut out: *mut aidmatch_round = std::ptr::null_mut();
    // SAFETY: as above.
    let s = unsafe { aidmatch_round_open_dir(tmp.c("missing").as_ptr(), &mut out, err.0) };
    assert_eq!((s, out), (AIDMATCH_STATUS_IO, std::ptr::null_mut()));
}

#[test]
fn a_saved_round_is_what_the_command_line_writes() {
    let err = ErrObj::new();
    let tmp = TempDir::new("round-save");
    let (_, round) = match_round(&err);
    assert_eq!(round.save(&tmp.c("r1"), &err), AIDMATCH_STATUS_OK);
    let (engine, engine_state) = engine_first_round();
    let r1 = tmp.0.join("r1");
    assert_eq!(State::load(&r1).expect("a state"), engine_state);
    let theirs = tmp.0.join("theirs1");
    engine.write_dir(&theirs).expect("engine writes");
    for f in ["assignments.csv", "unmatched.csv", "summary.json"] {
        assert_eq!(read(&r1, f), read(&theirs, f), "{f}");
    }
    let (_, next) = round.rematch(&RematchArgs::default(), &err);
    assert_eq!(next.save(&tmp.c("r2"), &err), AIDMATCH_STATUS_OK);
    let r2 = tmp.0.join("r2");
    let theirs = tmp.0.join("theirs2");
    engine_rematch().write_dir(&theirs).expect("engine writes");
    for f in [
        "assignments.csv",
        "changes.csv",
        "snapshot.json",
        "needs.json",
    ] {
        assert_eq!(read(&r2, f), read(&theirs, f), "{f}");
    }
    assert!(read(&r2, "rematch.json").contains("\"kept_pairs\": 1"));
}

#[test]
fn round_calls_reject_hostile_arguments_and_write_nothing() {
    let err = ErrObj::new();
    let null_round = Round(std::ptr::null_mut());
    assert_eq!(
        null_round.result(&err),
        (AIDMATCH_STATUS_NULL_PARAMETER, None)
    );
    assert!(err.message().contains("round"), "{}", err.message());
    assert_eq!(
        null_round.explain(Some("N1"), &err),
        (AIDMATCH_STATUS_NULL_PARAMETER, None)
    );
    assert_eq!(
        null_round.state(&err),
        (AIDMATCH_STATUS_NULL_PARAMETER, None)
    );
    let (s, next) = null_round.rematch(&RematchArgs::default(), &err);
    assert_eq!(
        (s, next.0),
        (AIDMATCH_STATUS_NULL_PARAMETER, std::ptr::null_mut())
    );
    assert_eq!(
        null_round.save(&c("/nonexistent"), &err),
        AIDMATCH_STATUS_NULL_PARAMETER
    );
    assert_eq!(
        null_round.desk_insert(&err),
        (AIDMATCH_STATUS_NULL_PARAMETER, None)
    );

    let (_, round) = match_round(&err);
    // A NULL need, a NULL output, an unknown need.
    assert_eq!(
        round.explain(None, &err),
        (AIDMATCH_STATUS_NULL_PARAMETER, None)
    );
    assert!(err.message().contains("need_id"), "{}", err.message());
    // SAFETY: a live handle; NULL outputs are reported, not written.
    let s = unsafe { aidmatch_round_result_json(round.0, std::ptr::null_mut(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // SAFETY: as above.
    let s = unsafe { aidmatch_round_state_json(round.0, std::ptr::null_mut(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(
        round.explain(Some("N-NOT-THERE"), &err),
        (AIDMATCH_STATUS_INVALID_INPUT, None)
    );
    assert_eq!(err.value().as_deref(), Some("N-NOT-THERE"));
    // Feedback that cannot be applied: located, and no round made.
    let bad =
        r#"[{"need_id": "N1", "resource_id": "R9", "status": "accepted", "at": "2024-10-03"}]"#;
    let (s, next) = round.rematch(
        &RematchArgs {
            outcomes: Some(bad),
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(
        (s, next.0),
        (AIDMATCH_STATUS_INVALID_INPUT, std::ptr::null_mut())
    );
    assert_eq!(err.row(), 1);
    let (s, next) = round.rematch(
        &RematchArgs {
            outcomes: None,
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(
        (s, next.0),
        (AIDMATCH_STATUS_NULL_PARAMETER, std::ptr::null_mut())
    );
    let (s, next) = round.rematch(
        &RematchArgs {
            flags: 0x80,
            ..RematchArgs::default()
        },
        &err,
    );
    assert_eq!(
        (s, next.0),
        (AIDMATCH_STATUS_INVALID_INPUT, std::ptr::null_mut())
    );
    // A desk on the round, dated with bad text or a bad date: the statuses documented.
    for (as_of, status) in [
        (&b"2024-10-\xff8"[..], AIDMATCH_STATUS_INVALID_UTF8),
        (&b"2024-02-30"[..], AIDMATCH_STATUS_INVALID_INPUT),
    ] {
        let as_of = CString::new(as_of).expect("no NUL");
        let mut desk: *mut aidmatch_desk = std::ptr::null_mut();
        // SAFETY: a live handle; a NUL-terminated string; an output.
        let s = unsafe { aidmatch_round_desk(round.0, as_of.as_ptr(), &mut desk, err.0) };
        assert_eq!(
            (s, desk),
            (status, std::ptr::null_mut()),
            "{}",
            err.message()
        );
    }
    assert_eq!(err.column().as_deref(), Some("as_of"));
    // Not a state.
    let (s, stored) = open_round(Some("{\"not\": \"a state\"}"), &err);
    assert_eq!(
        (s, stored.0),
        (AIDMATCH_STATUS_INVALID_INPUT, std::ptr::null_mut())
    );
    let (s, stored) = open_round(None, &err);
    assert_eq!(
        (s, stored.0),
        (AIDMATCH_STATUS_NULL_PARAMETER, std::ptr::null_mut())
    );
    // SAFETY: NULL is a no-op.
    unsafe { aidmatch_round_free(std::ptr::null_mut()) };
}

#[test]
fn threads_share_one_round() {
    let err = ErrObj::new();
    let (_, round) = match_round(&err);
    let (_, expected) = round.rematch(&RematchArgs::default(), &err);
    let (_, want_state) = expected.state(&err);
    let (_, want_n2) = round.explain(Some("N2"), &err);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|k| {
                let (round, want_state, want_n2) = (&round, &want_state, &want_n2);
                scope.spawn(move || {
                    let err = ErrObj::new();
                    if k % 2 == 0 {
                        let (s, next) = round.rematch(&RematchArgs::default(), &err);
                        assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
                        assert_eq!(&next.state(&err).1, want_state);
                    } else {
                        assert_eq!(&round.explain(Some("N2"), &err).1, want_n2);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("no panic");
        }
    });
}
