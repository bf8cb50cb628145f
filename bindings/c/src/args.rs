//! Checked conversion of C arguments (pointer + length, C strings) into Rust values.
//!
//! Every check that protects Rust's own rules lives here: NULL, alignment, a length whose
//! byte size exceeds `isize::MAX` (which `slice::from_raw_parts` forbids), valid UTF-8.
//! A zero-length buffer may be NULL.

use std::ffi::{CStr, c_char};

use crate::error::Failure;
use crate::status::aidmatch_status;

/// Whether `len` elements of `T` fit in one Rust slice (at most `isize::MAX` bytes).
fn fits<T>(len: usize) -> bool {
    len.checked_mul(std::mem::size_of::<T>())
        .is_some_and(|bytes| bytes <= isize::MAX as usize)
}

/// Checks a pointer that will address `len` elements of `T`.
fn check<T>(ptr: *const T, len: usize, name: &str) -> Result<(), Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    if !ptr.is_aligned() {
        return Err(Failure::invalid(format!(
            "argument `{name}` is not aligned for its element type ({} bytes)",
            std::mem::align_of::<T>()
        )));
    }
    if !fits::<T>(len) {
        return Err(Failure::invalid(format!(
            "argument `{name}` has length {len}, more than the address space holds"
        )));
    }
    Ok(())
}

/// A required input buffer of `len` elements (NULL allowed when `len` is 0).
///
/// # Safety
/// Unless `len` is 0 or `ptr` is NULL, `ptr` points to `len` initialised elements that stay
/// valid and unchanged for `'a`.
pub(crate) unsafe fn slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    check(ptr, len, name)?;
    // SAFETY: non-NULL, aligned, at most isize::MAX bytes, and valid by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An optional input buffer: NULL (with length 0) means absent.
///
/// # Safety
/// As for [`slice`].
pub(crate) unsafe fn optional_slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<Option<&'a [T]>, Failure> {
    if ptr.is_null() {
        if len != 0 {
            return Err(Failure::invalid(format!(
                "argument `{name}` is NULL (absent) but its length is {len}; pass length 0"
            )));
        }
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { slice(ptr, len, name) }.map(Some)
}

/// Checks a caller-allocated output buffer of `len` elements, without touching it.
pub(crate) fn output<T>(ptr: *mut T, len: usize, name: &str) -> Result<(), Failure> {
    if len == 0 {
        return Ok(());
    }
    check(ptr.cast_const(), len, name)
}

/// Checks a pointer to one output value.
pub(crate) fn out_pointer<T>(ptr: *mut T, name: &str) -> Result<(), Failure> {
    check(ptr.cast_const(), 1, name)
}

/// Copies `values` into an output buffer checked by [`output`] for at least `values.len()`.
///
/// # Safety
/// `ptr` addresses at least `values.len()` writable elements.
pub(crate) unsafe fn write_all<T: Copy>(ptr: *mut T, values: &[T]) {
    if !values.is_empty() {
        // SAFETY: `values` is Rust-owned, so it cannot overlap the caller's buffer, which
        // the caller guarantees writable for `values.len()` elements.
        unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), ptr, values.len()) };
    }
}

/// A required NUL-terminated UTF-8 string.
///
/// # Safety
/// Unless NULL, `ptr` points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn utf8<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|e| {
        let at = e.valid_up_to();
        let failure = Failure::new(
            aidmatch_status::AIDMATCH_STATUS_INVALID_UTF8,
            format!("argument `{name}` is not valid UTF-8 (invalid byte at offset {at})"),
        );
        match c.to_bytes().get(at) {
            Some(byte) => failure.value(format!("0x{byte:02x}")),
            None => failure,
        }
    })
}

/// An optional NUL-terminated UTF-8 string: NULL means absent.
///
/// # Safety
/// As for [`utf8`].
pub(crate) unsafe fn optional_utf8<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { utf8(ptr, name) }.map(Some)
}
