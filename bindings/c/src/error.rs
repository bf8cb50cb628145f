//! The caller-owned error object, and the `Failure` every entry point returns inside Rust.
//!
//! A host creates one `aidmatch_error` with [`aidmatch_error_new`], passes it to any number
//! of calls, reads the message, row, column and value after a failure, and frees it once.
//! Passing NULL instead is always allowed: the status code alone then tells what happened.

use std::ffi::{CString, c_char};

use aidmatch_assign::AssignError;

use crate::boundary::guard;
use crate::status::aidmatch_status;

/// Details of the last failure of a call that was given this object: the message (the
/// same words as the Rust error), and where known the row, column and offending value.
///
/// **Ownership:** created by `aidmatch_error_new`, owned by the caller, freed at most once
/// by `aidmatch_error_free`. Every call that takes it first resets it, then fills it on
/// failure: after a success its message is `""`, its row -1 and its column and value NULL.
///
/// **Thread safety:** not synchronised. Use one object per thread (or per call); never
/// pass the same object to two calls running at the same time.
///
/// The strings it returns are owned by it and stay valid until the object is reused by
/// another call or freed; they may not outlive it.
#[derive(Debug)]
#[allow(non_camel_case_types, reason = "C name, shown as is in the header")]
pub struct aidmatch_error {
    status: aidmatch_status,
    message: CString,
    row: i64,
    column: Option<CString>,
    value: Option<CString>,
}

impl aidmatch_error {
    fn cleared() -> Self {
        Self {
            status: aidmatch_status::AIDMATCH_STATUS_OK,
            message: CString::default(),
            row: -1,
            column: None,
            value: None,
        }
    }

    /// Resets the object to "no error" (used at the start of every call).
    pub(crate) fn clear(&mut self) {
        *self = Self::cleared();
    }

    /// Records a failure.
    pub(crate) fn set(&mut self, failure: &Failure) {
        self.status = failure.status;
        self.message = c_string(&failure.message);
        self.row = failure
            .row
            .and_then(|r| i64::try_from(r).ok())
            .unwrap_or(-1);
        self.column = failure.column.as_deref().map(c_string);
        self.value = failure.value.as_deref().map(c_string);
    }
}

/// A C string of `s`; an interior NUL (possible in a user's value) is shown as `\0`.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// A failed call, as the Rust side sees it: the status and what goes into the error object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub(crate) status: aidmatch_status,
    pub(crate) message: String,
    pub(crate) row: Option<usize>,
    pub(crate) column: Option<String>,
    pub(crate) value: Option<String>,
}

impl Failure {
    pub(crate) fn new(status: aidmatch_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            row: None,
            column: None,
            value: None,
        }
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(aidmatch_status::AIDMATCH_STATUS_INVALID_INPUT, message)
    }
    /// A required pointer argument was NULL.
    pub(crate) fn null(argument: &str) -> Self {
        Self::new(
            aidmatch_status::AIDMATCH_STATUS_NULL_PARAMETER,
            format!("argument `{argument}` is NULL"),
        )
    }
    pub(crate) fn out_of_memory(what: &str) -> Self {
        Self::new(
            aidmatch_status::AIDMATCH_STATUS_OUT_OF_MEMORY,
            format!("out of memory while allocating {what}"),
        )
    }
    pub(crate) fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub(crate) fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub(crate) fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

impl From<AssignError> for Failure {
    fn from(e: AssignError) -> Self {
        use aidmatch_status::*;
        let message = e.to_string();
        let invalid = Failure::new(AIDMATCH_STATUS_INVALID_INPUT, message.clone());
        match e {
            AssignError::Infeasible => Failure::new(AIDMATCH_STATUS_INFEASIBLE, message),
            AssignError::Interrupted => Failure::new(AIDMATCH_STATUS_INTERRUPTED, message),
            AssignError::InvalidEntry { row, col, value } => invalid
                .row(row)
                .column(col.to_string())
                .value(value.to_string()),
            AssignError::CostOutOfRange {
                row, col, value, ..
            } => invalid
                .row(row)
                .column(col.to_string())
                .value(value.to_string()),
            // The solver's message writes both numbers out in full (300 digits each);
            // the exponent form says the same in a line.
            AssignError::FloatCostOutOfRange {
                row,
                col,
                value,
                limit,
            } => Failure::invalid(format!(
                "cost {value:e} at row {row}, column {col} is outside the supported range \
                 ±{limit:e} (DBL_MAX / (4 (min(rows, cols) + 1)))"
            ))
            .row(row)
            .column(col.to_string())
            .value(format!("{value:e}")),
            AssignError::DuplicateArc { row, col, .. } => invalid.row(row).column(col.to_string()),
            AssignError::IndexOutOfRange { index, .. } => invalid.value(index.to_string()),
            AssignError::WeightOutOfRange { value, .. } => invalid.value(value.to_string()),
            AssignError::TierOutOfRange { row, tier, .. } => {
                invalid.row(row).value(tier.to_string())
            }
            // Shape, Length, TierOverflow, WarmStart, and variants added later: the input
            // is at fault, and the message says where.
            _ => invalid,
        }
    }
}

/// Creates an empty error object (message `""`, row -1, column and value NULL).
///
/// Returns NULL only if memory is exhausted. Free it with `aidmatch_error_free`.
#[unsafe(no_mangle)]
pub extern "C" fn aidmatch_error_new() -> *mut aidmatch_error {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(aidmatch_error::cleared()))
    })
}

/// Frees an error object. NULL is a no-op. Free each object at most once; the strings it
/// returned become invalid.
///
/// # Safety
/// `err` is NULL or a pointer from `aidmatch_error_new` not yet freed, and no other call
/// is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_free(err: *mut aidmatch_error) {
    guard((), || {
        if !err.is_null() {
            // SAFETY: the caller passes a pointer from `aidmatch_error_new`, freed only here.
            drop(unsafe { Box::from_raw(err) });
        }
    })
}

/// Borrows the object behind `err`, if any.
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
unsafe fn borrow<'a>(err: *const aidmatch_error) -> Option<&'a aidmatch_error> {
    // SAFETY: guaranteed by the caller.
    unsafe { err.as_ref() }
}

/// The status of the last failure recorded in `err`, or `AIDMATCH_STATUS_OK` when the last
/// call succeeded or `err` is NULL.
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_status(err: *const aidmatch_error) -> aidmatch_status {
    guard(aidmatch_status::AIDMATCH_STATUS_PANIC, || {
        // SAFETY: forwarded contract.
        unsafe { borrow(err) }.map_or(aidmatch_status::AIDMATCH_STATUS_OK, |e| e.status)
    })
}

/// The message of the last failure, in the same words as the Rust error (for example
/// `cost matrix is infeasible`); `""` after a success; NULL when `err` is NULL.
///
/// The string belongs to `err`: do not free it; it may not outlive `err` and is replaced
/// by the next call that is given `err`.
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_message(err: *const aidmatch_error) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        unsafe { borrow(err) }.map_or(std::ptr::null(), |e| e.message.as_ptr())
    })
}

/// The row where the failure was found, or -1 when it has none (or `err` is NULL):
/// 0-based for a matrix or CSR row; for a list, the row the Rust error names (the
/// spreadsheet row of a CSV file, whose header is row 1, or the 1-based position of the
/// object in a JSON array).
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_row(err: *const aidmatch_error) -> i64 {
    guard(-1, || {
        // SAFETY: forwarded contract.
        unsafe { borrow(err) }.map_or(-1, |e| e.row)
    })
}

/// The column where the failure was found: a matrix column index written in decimal, or
/// the name of a field of the input; NULL when it has none (or `err` is NULL).
///
/// Owned by `err`, like `aidmatch_error_message`.
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_column(err: *const aidmatch_error) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        let e = unsafe { borrow(err) };
        e.and_then(|e| e.column.as_ref())
            .map_or(std::ptr::null(), |c| c.as_ptr())
    })
}

/// The offending value as text (for example `NaN`), or NULL when there is none (or `err`
/// is NULL).
///
/// Owned by `err`, like `aidmatch_error_message`.
///
/// # Safety
/// `err` is NULL or a live pointer from `aidmatch_error_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aidmatch_error_value(err: *const aidmatch_error) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded contract.
        let e = unsafe { borrow(err) };
        e.and_then(|e| e.value.as_ref())
            .map_or(std::ptr::null(), |c| c.as_ptr())
    })
}
