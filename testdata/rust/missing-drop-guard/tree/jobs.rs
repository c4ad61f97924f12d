use std::future::Future;

use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;

struct Jobs {
    tracker: TaskTracker,
}

/// Spawns a background task that must finish before the runtime shuts down.
pub fn spawn<F>(name: &'static str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    COUNTERS.started(name);
    JOBS.tracker.spawn(future)
}

/// Runs `future` later, on the caller's schedule: nothing is spawned.
pub fn later<F: Future>(future: F) -> Deferred<F> {
    Deferred::new(future)
}
