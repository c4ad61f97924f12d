use std::future::Future;

use tokio::task::JoinHandle;

/// Spawns a named background task.
pub fn spawn<F>(name: &'static str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tracing::debug!("spawning {name}");
    tokio::spawn(future)
}

pub fn spawn_io<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::spawn_blocking(f)
}

pub fn spawn_if<F>(really: bool, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if really {
        tokio::spawn(future)
    } else {
        tokio::spawn(async { std::future::pending().await })
    }
}
