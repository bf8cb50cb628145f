//! Rayon threads in a process forked from one that used them.
//!
//! The solvers (and the `aidmatch` engine) run their parallel parts on Rayon's global
//! pool. A child that `fork` made (Python's `multiprocessing` start method on Linux
//! before 3.14, a pre-forking server) inherits the parent's memory, the pool's
//! bookkeeping included, but none of its threads: its first parallel call would hand
//! work to threads that do not exist and wait forever. [`install`] runs work as it is
//! in the process that first called it, and on a pool of the process's own in any other
//! (a forked child, and its children); the parallel calls inside run there. The Python
//! module and the C ABI run every call through it; a Rust host that forks should too.
//!
//! No lock is held across a fork: the process of origin is an atomic, and the child's
//! pool is looked up with `try_lock` (a lock taken by a parent thread that the child does
//! not have is never released, so the child then builds a pool for the call alone).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use rayon::ThreadPool;

/// The process that first ran aidmatch work (0 until then); its work uses the global pool.
static ORIGIN: AtomicU32 = AtomicU32::new(0);

/// The pool of a process other than the origin, with that process's id.
static OWN: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);

/// How often to try the lock of [`OWN`] before building a pool for one call.
const LOCK_TRIES: usize = 1000;

/// Runs `work` where its parallel parts have threads (see the module docs). Costs a
/// `getpid` and an atomic load in the process of origin.
pub fn install<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let pid = std::process::id();
    let origin = match ORIGIN.compare_exchange(0, pid, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => pid,
        Err(first) => first,
    };
    if origin == pid {
        return work();
    }
    match own_pool(pid) {
        Some(pool) => pool.install(work),
        // No thread could be started: the work runs here (its parallel parts would
        // wait, as without this module).
        None => work(),
    }
}

/// This process's own pool, built on first use.
fn own_pool(pid: u32) -> Option<Arc<ThreadPool>> {
    for _ in 0..LOCK_TRIES {
        let mut slot = match OWN.try_lock() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                std::thread::yield_now();
                continue;
            }
        };
        if let Some((owner, pool)) = slot.as_ref() {
            if *owner == pid {
                return Some(Arc::clone(pool));
            }
        }
        // A pool inherited from the process this one was forked from has no threads
        // here: it is left as it is (dropping it would signal threads that do not
        // exist) and replaced.
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
        let pool = Arc::new(build()?);
        *slot = Some((pid, Arc::clone(&pool)));
        return Some(pool);
    }
    build().map(Arc::new)
}

fn build() -> Option<ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("aidmatch-{i}"))
        .build()
        .ok()
}
