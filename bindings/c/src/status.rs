//! The status code every fallible function returns.

use std::ffi::{CStr, c_char};

/// What happened in a call. Every fallible function returns one of these; details (message,
/// row, column, value) go into the optional `aidmatch_error` passed to the call.
///
/// The numbers are part of the ABI: they never change and are never reused. New codes may
/// be added in later versions, so a host must treat an unknown code as a failure.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    non_camel_case_types,
    reason = "C names: the header shows exactly the Rust names, as in rustls-ffi"
)]
pub enum aidmatch_status {
    /// Success: the outputs have been written.
    AIDMATCH_STATUS_OK = 0,
    /// The input is invalid: wrong lengths or shape, an out-of-range index, weight or tier,
    /// a NaN cost, a buffer too short for the result, sizes whose product overflows.
    AIDMATCH_STATUS_INVALID_INPUT = 1,
    /// A pointer that must not be NULL was NULL.
    AIDMATCH_STATUS_NULL_PARAMETER = 2,
    /// No complete assignment exists (rectangular assignment with forbidden entries).
    AIDMATCH_STATUS_INFEASIBLE = 3,
    /// The library could not reserve memory for a copy of the input or for an output.
    /// (An allocation failure deep inside a solver still aborts, as Rust's allocator does.)
    AIDMATCH_STATUS_OUT_OF_MEMORY = 4,
    /// A string argument is not valid UTF-8.
    AIDMATCH_STATUS_INVALID_UTF8 = 5,
    /// A JSON (or TOML policy) argument could not be parsed.
    AIDMATCH_STATUS_MALFORMED_JSON = 6,
    /// A file could not be read or written.
    AIDMATCH_STATUS_IO = 7,
    /// The solve was abandoned because the caller triggered its `aidmatch_interrupt`.
    AIDMATCH_STATUS_INTERRUPTED = 8,
    /// A number that the library computed does not fit the C type asked for (for example a
    /// total weight beyond `int64_t`).
    AIDMATCH_STATUS_OUT_OF_RANGE = 9,
    /// The library panicked. The panic was caught at the boundary and did not unwind into
    /// the host; this is a bug in aidmatch, please report it with the input.
    AIDMATCH_STATUS_PANIC = 100,
    /// An internal invariant failed without a panic. Also a bug in aidmatch.
    AIDMATCH_STATUS_INTERNAL = 101,
}

impl aidmatch_status {
    /// Every status, in numeric order.
    pub(crate) const ALL: [Self; 12] = [
        Self::AIDMATCH_STATUS_OK,
        Self::AIDMATCH_STATUS_INVALID_INPUT,
        Self::AIDMATCH_STATUS_NULL_PARAMETER,
        Self::AIDMATCH_STATUS_INFEASIBLE,
        Self::AIDMATCH_STATUS_OUT_OF_MEMORY,
        Self::AIDMATCH_STATUS_INVALID_UTF8,
        Self::AIDMATCH_STATUS_MALFORMED_JSON,
        Self::AIDMATCH_STATUS_IO,
        Self::AIDMATCH_STATUS_INTERRUPTED,
        Self::AIDMATCH_STATUS_OUT_OF_RANGE,
        Self::AIDMATCH_STATUS_PANIC,
        Self::AIDMATCH_STATUS_INTERNAL,
    ];

    /// The symbolic name of the status, as written in the header.
    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            Self::AIDMATCH_STATUS_OK => c"AIDMATCH_STATUS_OK",
            Self::AIDMATCH_STATUS_INVALID_INPUT => c"AIDMATCH_STATUS_INVALID_INPUT",
            Self::AIDMATCH_STATUS_NULL_PARAMETER => c"AIDMATCH_STATUS_NULL_PARAMETER",
            Self::AIDMATCH_STATUS_INFEASIBLE => c"AIDMATCH_STATUS_INFEASIBLE",
            Self::AIDMATCH_STATUS_OUT_OF_MEMORY => c"AIDMATCH_STATUS_OUT_OF_MEMORY",
            Self::AIDMATCH_STATUS_INVALID_UTF8 => c"AIDMATCH_STATUS_INVALID_UTF8",
            Self::AIDMATCH_STATUS_MALFORMED_JSON => c"AIDMATCH_STATUS_MALFORMED_JSON",
            Self::AIDMATCH_STATUS_IO => c"AIDMATCH_STATUS_IO",
            Self::AIDMATCH_STATUS_INTERRUPTED => c"AIDMATCH_STATUS_INTERRUPTED",
            Self::AIDMATCH_STATUS_OUT_OF_RANGE => c"AIDMATCH_STATUS_OUT_OF_RANGE",
            Self::AIDMATCH_STATUS_PANIC => c"AIDMATCH_STATUS_PANIC",
            Self::AIDMATCH_STATUS_INTERNAL => c"AIDMATCH_STATUS_INTERNAL",
        }
    }
}

/// The symbolic name of a status code (`"AIDMATCH_STATUS_INFEASIBLE"` for 3), or
/// `"AIDMATCH_STATUS_UNKNOWN"` for a number this version does not define.
///
/// The status is taken as a plain `uint32_t` so that any number is safe to pass.
/// The returned string is static: never free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn aidmatch_status_name(status: u32) -> *const c_char {
    crate::boundary::guard(c"AIDMATCH_STATUS_PANIC".as_ptr(), || {
        aidmatch_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"AIDMATCH_STATUS_UNKNOWN", |s| s.c_name())
            .as_ptr()
    })
}
