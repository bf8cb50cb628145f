//! Long work with the GIL released, while Python's signal handlers keep running.
//!
//! Python runs signal handlers (Ctrl-C raises `KeyboardInterrupt`) only on a thread
//! that holds the GIL, between bytecodes. A solve inside Rust would therefore ignore
//! Ctrl-C until it finished. [`run`] puts the work on a scoped helper thread and has
//! the calling thread wait for it without the GIL in slices of [`SIGNAL_POLL`],
//! re-attaching between slices to call `PyErr_CheckSignals`. When a handler raises,
//! the work is told to stop through its cancel flag, awaited (still without the GIL),
//! and the handler's exception is returned.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;

/// How often waiting work checks for Ctrl-C.
pub(crate) const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` with the GIL released, catching panics.
///
/// With `inline`, the work runs on this thread (for work known to be short: no
/// helper thread, no signal checks). Otherwise see the module docs.
///
/// Returns `Ok(result or panic payload)` when the work finished, and `Err` with the
/// signal handler's exception when it was interrupted.
pub(crate) fn run<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    inline: bool,
    work: impl FnOnce() -> T + Send,
) -> PyResult<std::thread::Result<T>> {
    // On a pool with threads even in a forked child (see `aidmatch_assign::pool`).
    let guarded = move || aidmatch_assign::pool::install(|| catch_unwind(AssertUnwindSafe(work)));
    if inline {
        return Ok(py.detach(guarded));
    }
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        scope.spawn(move || {
            // The receiver lives until a result arrives; a failed send cannot happen.
            let _ = tx.send(guarded());
        });
        let mut rx = rx;
        loop {
            // A `Receiver` is not `Sync`: move it into the GIL-free section and back.
            let (received, back) = py.detach(move || (rx.recv_timeout(SIGNAL_POLL), rx));
            rx = back;
            match received {
                Ok(done) => return Ok(done),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(signal) = py.check_signals() {
                        cancel.store(true, Ordering::Relaxed);
                        // Wait, without the GIL, for the work to notice and return.
                        let _ = py.detach(move || rx.recv());
                        return Err(signal);
                    }
                }
                // The sender sends before it drops, and `guarded` catches panics: a
                // disconnect without a result is impossible; report it if it happens.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Ok(Err(Box::new("the worker thread ended without a result")));
                }
            }
        }
    })
}
