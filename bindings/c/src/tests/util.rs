//! Helpers shared by the unit tests.

use std::ffi::CStr;

use crate::*;

/// An error object freed when dropped.
pub(crate) struct ErrObj(pub(crate) *mut aidmatch_error);

impl ErrObj {
    pub(crate) fn new() -> Self {
        let e = aidmatch_error_new();
        assert!(!e.is_null());
        Self(e)
    }
    pub(crate) fn message(&self) -> String {
        // SAFETY: a live error object.
        let p = unsafe { aidmatch_error_message(self.0) };
        assert!(!p.is_null());
        // SAFETY: a NUL-terminated string owned by the object.
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("utf-8")
            .to_owned()
    }
    pub(crate) fn row(&self) -> i64 {
        // SAFETY: a live error object.
        unsafe { aidmatch_error_row(self.0) }
    }
    pub(crate) fn column(&self) -> Option<String> {
        // SAFETY: a live error object.
        opt(unsafe { aidmatch_error_column(self.0) })
    }
    pub(crate) fn value(&self) -> Option<String> {
        // SAFETY: a live error object.
        opt(unsafe { aidmatch_error_value(self.0) })
    }
    pub(crate) fn status(&self) -> aidmatch_status {
        // SAFETY: a live error object.
        unsafe { aidmatch_error_status(self.0) }
    }
}

impl Drop for ErrObj {
    fn drop(&mut self) {
        // SAFETY: created by aidmatch_error_new, freed once here.
        unsafe { aidmatch_error_free(self.0) };
    }
}

fn opt(p: *const std::ffi::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: a NUL-terminated string owned by the error object.
        Some(
            unsafe { CStr::from_ptr(p) }
                .to_str()
                .expect("utf-8")
                .to_owned(),
        )
    }
}

pub(crate) use aidmatch_status::*;
