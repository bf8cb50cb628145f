//! The C ABI of aidmatch: `libaidmatch.so` / `libaidmatch.a` and `include/aidmatch.h`.
//!
//! # Who should use this crate
//!
//! Hosts that are not Rust: the provincial platform's Java servers (through JNA or JNI),
//! C and C++ programs, or any language with a C foreign function interface. Rust code
//! should use the `aidmatch` and `aidmatch-assign` crates directly.
//!
//! # What it holds
//!
//! Conversion only, no matching logic: each function checks its C arguments (NULL,
//! alignment, lengths, UTF-8), calls the Rust library, and converts the result or the
//! error back. The header is generated from these sources by cbindgen; the unit test
//! `header::header_is_up_to_date` fails when the committed header drifts.
//!
//! # Conventions (the same for every function)
//!
//! * Fallible functions return an `aidmatch_status`; `AIDMATCH_STATUS_OK` is 0.
//! * Outputs are written only on success.
//! * The last argument is an optional `aidmatch_error *` (NULL allowed) that receives the
//!   message (the same words as the Rust error), row, column and value of a failure.
//! * Every buffer argument is followed by its length in elements; a buffer of length 0 may
//!   be NULL; an optional buffer is absent when NULL with length 0.
//! * Every handle has a `_free` function; `_free(NULL)` is a no-op; free at most once.
//! * No panic crosses the boundary: a bug returns `AIDMATCH_STATUS_PANIC`.
//! * `size_t` is the index type; with JNA on 64-bit platforms map it to `long`.

mod args;
mod boundary;
mod closed_loop;
mod desk;
mod error;
mod lsap;
mod matching;
mod round;
mod status;
#[cfg(test)]
mod tests;
mod two_lists;

use std::ffi::c_char;

pub use closed_loop::{
    AIDMATCH_REMATCH_COLD, aidmatch_match_files_with_state, aidmatch_match_json_with_state,
    aidmatch_rematch_explain_json, aidmatch_rematch_files, aidmatch_rematch_json,
    aidmatch_urgent_files, aidmatch_urgent_json,
};
pub use desk::{
    aidmatch_desk, aidmatch_desk_free, aidmatch_desk_insert, aidmatch_desk_open,
    aidmatch_desk_open_dir, aidmatch_desk_save, aidmatch_desk_state,
};
pub use error::{
    aidmatch_error, aidmatch_error_column, aidmatch_error_free, aidmatch_error_message,
    aidmatch_error_new, aidmatch_error_row, aidmatch_error_status, aidmatch_error_value,
};
pub use lsap::{aidmatch_lsap_f64, aidmatch_lsap_i64};
pub use matching::{
    aidmatch_interrupt, aidmatch_interrupt_free, aidmatch_interrupt_new, aidmatch_interrupt_reset,
    aidmatch_interrupt_trigger, aidmatch_matching, aidmatch_matching_cols, aidmatch_matching_free,
    aidmatch_matching_len, aidmatch_matching_rows, aidmatch_matching_units,
    aidmatch_matching_weight, aidmatch_max_weight_matching,
};
pub use round::{
    aidmatch_round, aidmatch_round_desk, aidmatch_round_explain_json, aidmatch_round_free,
    aidmatch_round_match_json, aidmatch_round_open_dir, aidmatch_round_open_json,
    aidmatch_round_rematch_json, aidmatch_round_result_json, aidmatch_round_save,
    aidmatch_round_state_json,
};
pub use status::{aidmatch_status, aidmatch_status_name};
pub use two_lists::{
    aidmatch_explain_json, aidmatch_match_files, aidmatch_match_json, aidmatch_string_free,
};

/// Major version of the library this header belongs to (checked against Cargo's version by
/// a unit test). Compare with `aidmatch_version()` at run time to detect a mismatched
/// shared library.
pub const AIDMATCH_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const AIDMATCH_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const AIDMATCH_VERSION_PATCH: u32 = 0;

/// The version of the loaded library, `"MAJOR.MINOR.PATCH"`. The string is static: never
/// free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn aidmatch_version() -> *const c_char {
    const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };
    boundary::guard(VERSION.as_ptr(), || VERSION.as_ptr())
}
