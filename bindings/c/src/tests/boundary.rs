//! A panic inside the boundary becomes AIDMATCH_STATUS_PANIC and never unwinds.

use super::util::*;
use crate::boundary::{error_object, guard, run};

/// `run` with the test's error object.
fn run_with(err: &ErrObj, body: impl FnOnce() -> Result<(), Failure>) -> crate::aidmatch_status {
    // SAFETY: a live error object used by this thread only.
    run(unsafe { error_object(err.0) }, body)
}
use crate::error::Failure;

#[test]
fn panic_in_a_fallible_call_returns_the_panic_status_and_message() {
    let err = ErrObj::new();
    let mut output = 7;
    let status = run_with(&err, || {
        if output == 7 {
            panic!("deliberate test panic");
        }
        output = 8;
        Ok(())
    });
    assert_eq!(status, AIDMATCH_STATUS_PANIC);
    assert_eq!(output, 7, "outputs are untouched on failure");
    assert_eq!(err.status(), AIDMATCH_STATUS_PANIC);
    assert!(
        err.message().contains("deliberate test panic"),
        "{}",
        err.message()
    );
    assert_eq!(err.row(), -1);
}

#[test]
fn panic_with_a_non_string_payload_and_no_error_object() {
    let status = run(None, || std::panic::panic_any(42_u64));
    assert_eq!(status, AIDMATCH_STATUS_PANIC);
}

#[test]
fn guard_returns_the_fallback_on_panic() {
    assert_eq!(guard(5, || -> i32 { panic!("deliberate test panic") }), 5);
    assert_eq!(guard(5, || 6), 6);
}

#[test]
fn a_failure_fills_the_error_and_a_later_success_clears_it() {
    let err = ErrObj::new();
    let status = run_with(&err, || {
        Err(Failure::invalid("bad thing")
            .row(3)
            .column("need_type")
            .value("x\0y"))
    });
    assert_eq!(status, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.message(), "bad thing");
    assert_eq!(err.row(), 3);
    assert_eq!(err.column().as_deref(), Some("need_type"));
    assert_eq!(
        err.value().as_deref(),
        Some("x\\0y"),
        "interior NUL is escaped"
    );
    let status = run_with(&err, || Ok(()));
    assert_eq!(status, AIDMATCH_STATUS_OK);
    assert_eq!(err.status(), AIDMATCH_STATUS_OK);
    assert_eq!(err.message(), "");
    assert_eq!(err.row(), -1);
    assert_eq!(err.column(), None);
    assert_eq!(err.value(), None);
}

#[test]
fn a_row_beyond_int64_is_reported_as_none() {
    let err = ErrObj::new();
    run_with(&err, || Err(Failure::invalid("far").row(usize::MAX)));
    assert_eq!(err.row(), -1);
}
