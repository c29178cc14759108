//! The one helper for shared state that every stage may use.

use std::sync::{Mutex, MutexGuard};

/// The value behind a mutex, also after a thread panicked holding it: what
/// it guards (lists of files and errors) stays usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
