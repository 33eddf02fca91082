//! Work within one photo shared between threads.

/// Runs `a` and `b` side by side on a thread pool's thread (the checker runs every photo on its
/// own pool: with more than one thread, one photo's independent stages share the cores), one
/// after the other anywhere else. Their results are the same either way; a panic in either
/// reaches the caller as it would have without the other.
pub(crate) fn side_by_side<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if rayon::current_thread_index().is_some() { rayon::join(a, b) } else { (a(), b()) }
}
