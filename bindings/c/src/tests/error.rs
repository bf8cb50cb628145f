//! The error object's accessors and the mapping of the solver's errors.

use std::ffi::CStr;

use aidmatch_assign::AssignError;

use super::util::*;
use crate::error::Failure;
use crate::*;

#[test]
fn every_accessor_accepts_null() {
    // SAFETY: NULL is allowed everywhere an error object is taken.
    unsafe {
        assert!(aidmatch_error_message(std::ptr::null()).is_null());
        assert_eq!(aidmatch_error_row(std::ptr::null()), -1);
        assert!(aidmatch_error_column(std::ptr::null()).is_null());
        assert!(aidmatch_error_value(std::ptr::null()).is_null());
        assert_eq!(aidmatch_error_status(std::ptr::null()), AIDMATCH_STATUS_OK);
        aidmatch_error_free(std::ptr::null_mut());
    }
}

#[test]
fn a_new_error_is_empty() {
    let err = ErrObj::new();
    assert_eq!(err.message(), "");
    assert_eq!(err.row(), -1);
    assert_eq!(err.column(), None);
    assert_eq!(err.value(), None);
    assert_eq!(err.status(), AIDMATCH_STATUS_OK);
}

#[test]
fn status_numbers_are_fixed_and_named() {
    let expected = [
        (0, "AIDMATCH_STATUS_OK"),
        (1, "AIDMATCH_STATUS_INVALID_INPUT"),
        (2, "AIDMATCH_STATUS_NULL_PARAMETER"),
        (3, "AIDMATCH_STATUS_INFEASIBLE"),
        (4, "AIDMATCH_STATUS_OUT_OF_MEMORY"),
        (5, "AIDMATCH_STATUS_INVALID_UTF8"),
        (6, "AIDMATCH_STATUS_MALFORMED_JSON"),
        (7, "AIDMATCH_STATUS_IO"),
        (8, "AIDMATCH_STATUS_INTERRUPTED"),
        (9, "AIDMATCH_STATUS_OUT_OF_RANGE"),
        (100, "AIDMATCH_STATUS_PANIC"),
        (101, "AIDMATCH_STATUS_INTERNAL"),
    ];
    assert_eq!(aidmatch_status::ALL.len(), expected.len());
    for (status, (number, name)) in aidmatch_status::ALL.iter().zip(expected) {
        assert_eq!(*status as u32, number);
        // SAFETY: a static string.
        let got = unsafe { CStr::from_ptr(aidmatch_status_name(number)) };
        assert_eq!(got.to_str(), Ok(name));
    }
    for unknown in [10, 99, 102, u32::MAX] {
        // SAFETY: a static string.
        let got = unsafe { CStr::from_ptr(aidmatch_status_name(unknown)) };
        assert_eq!(got.to_str(), Ok("AIDMATCH_STATUS_UNKNOWN"));
    }
}

#[test]
fn solver_errors_keep_their_message_and_location() {
    let e = AssignError::InvalidEntry {
        row: 2,
        col: 5,
        value: f64::NAN,
    };
    let message = e.to_string();
    let f = Failure::from(e);
    assert_eq!(f.status, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(f.message, message);
    assert_eq!(f.row, Some(2));
    assert_eq!(f.column.as_deref(), Some("5"));
    assert_eq!(f.value.as_deref(), Some("NaN"));

    assert_eq!(
        Failure::from(AssignError::Infeasible).status,
        AIDMATCH_STATUS_INFEASIBLE
    );
    assert_eq!(
        Failure::from(AssignError::Interrupted).status,
        AIDMATCH_STATUS_INTERRUPTED
    );
    let f = Failure::from(AssignError::TierOutOfRange {
        row: 4,
        tier: 0,
        max: 255,
    });
    assert_eq!((f.row, f.value.as_deref()), (Some(4), Some("0")));
    let f = Failure::from(AssignError::DuplicateArc {
        row: 1,
        col: 2,
        first: 0,
        second: 3,
    });
    assert_eq!((f.row, f.column.as_deref()), (Some(1), Some("2")));
}
