//! The one boundary between C and Rust: every exported function runs its body in here.
//!
//! [`run`] is for fallible calls: it resets the caller's error object, runs the body under
//! `catch_unwind`, turns an `Err(Failure)` or a caught panic into a status code and fills
//! the error object. [`guard`] is for infallible accessors and destructors: a panic (which
//! they have no reason to raise) returns a fixed fallback value. Either way a panic never
//! unwinds into the host, which for a C caller is undefined behaviour and for a JVM a crash.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use std::ffi::c_char;

use crate::args;
use crate::error::{Failure, aidmatch_error};
use crate::status::aidmatch_status;
use crate::two_lists::c_string_of;

// The boundary catches panics; with panic = "abort" it could not, and a bug would kill the
// host process instead of returning AIDMATCH_STATUS_PANIC.
#[cfg(panic = "abort")]
compile_error!("aidmatch-capi must be built with panic = \"unwind\"");

/// Runs an infallible body; a panic yields `on_panic`.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Runs a fallible body and reports its outcome through the status code and `err`.
///
/// The body must write its outputs only once nothing can fail any more, so that on any
/// failure the caller's outputs are untouched.
pub(crate) fn run(
    mut err: Option<&mut aidmatch_error>,
    body: impl FnOnce() -> Result<(), Failure>,
) -> aidmatch_status {
    if let Some(e) = err.as_deref_mut() {
        e.clear();
    }
    // On a pool with threads even in a forked child (`aidmatch_assign::pool`).
    let call = CallBody(body);
    let outcome = aidmatch_assign::pool::install(move || {
        let body = call.into_inner();
        catch_unwind(AssertUnwindSafe(body))
    });
    let failure = match outcome {
        Ok(Ok(())) => return aidmatch_status::AIDMATCH_STATUS_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => panic_failure(payload),
    };
    if let Some(e) = err {
        // Recording allocates; if even that panics, the status still gets through.
        let _ = catch_unwind(AssertUnwindSafe(|| e.set(&failure)));
    }
    failure.status
}

/// A call's body, which `aidmatch_assign::pool::install` may run on one of its threads
/// (in a forked child) while the calling thread waits for it.
struct CallBody<F>(F);

// SAFETY: the body holds the caller's pointers, valid for the whole call by the
// caller's contract; it runs on one thread at a time while the calling thread waits for
// it, and the pool's hand-over orders its writes before the caller reads them.
unsafe impl<F> Send for CallBody<F> {}

impl<F> CallBody<F> {
    /// The body (a method, so that a closure moves the whole `CallBody`, not its field).
    fn into_inner(self) -> F {
        self.0
    }
}

/// The frame of a call with one output: resets `err`, checks `out` (NULL, alignment)
/// before anything else, runs `body` under [`run`], and writes what it made to `*out`
/// only on success.
///
/// # Safety
/// `err` is NULL or a live error object not in use by another thread; `out` is NULL or
/// valid for writing one `T`.
pub(crate) unsafe fn run_into<T>(
    err: *mut aidmatch_error,
    out: *mut T,
    name: &str,
    body: impl FnOnce() -> Result<T, Failure>,
) -> aidmatch_status {
    // SAFETY: guaranteed by the caller.
    let err = unsafe { error_object(err) };
    run(err, || {
        args::out_pointer(out, name)?;
        let value = body()?;
        // SAFETY: checked non-NULL and aligned above; writable by the caller's contract.
        unsafe { out.write(value) };
        Ok(())
    })
}

/// [`run_into`] for a call whose output is a new string (freed by
/// `aidmatch_string_free`).
///
/// # Safety
/// As for [`run_into`].
pub(crate) unsafe fn run_into_string(
    err: *mut aidmatch_error,
    out: *mut *mut c_char,
    name: &str,
    body: impl FnOnce() -> Result<String, Failure>,
) -> aidmatch_status {
    // SAFETY: forwarded contract.
    unsafe { run_into(err, out, name, || Ok(c_string_of(body()?)?.into_raw())) }
}

/// The caller's error object, if any.
///
/// # Safety
/// `err` is NULL or a live `aidmatch_error` that no other thread is using, for `'a`.
pub(crate) unsafe fn error_object<'a>(err: *mut aidmatch_error) -> Option<&'a mut aidmatch_error> {
    // SAFETY: guaranteed by the caller.
    unsafe { err.as_mut() }
}

/// The failure reported for a caught panic, with the panic's own message when it has one.
fn panic_failure(payload: Box<dyn Any + Send>) -> Failure {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    // A payload's destructor could itself panic: drop it under the boundary too, and
    // forget (leak) the payload of such a second panic rather than loop.
    if let Err(second) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(second);
    }
    Failure::new(
        aidmatch_status::AIDMATCH_STATUS_PANIC,
        format!("internal error: aidmatch panicked ({detail}); please report this bug"),
    )
}
