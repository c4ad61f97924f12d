use std::time::Duration;
use tokio::task;
use tokio::time::{self, timeout};

async fn by_value() {
    let handle = tokio::spawn(work());
    match tokio::time::timeout(Duration::from_secs(5), handle).await { // want "timeout-detaches-task"
        Ok(result) => result.unwrap(),
        Err(_) => log("timed out"),
    }
}

async fn spawn_with_import() {
    let h = task::spawn(compute());
    let _ = timeout(Duration::from_secs(1), h).await; // want "timeout-detaches-task"
}

async fn deadline(deadline: tokio::time::Instant) {
    let mut h = tokio::spawn(work());
    let _ = time::timeout_at(deadline, h).await; // want "timeout-detaches-task"
}

// Clean.
async fn blocking_task() {
    // Keeping the handle of a blocking task would not stop it either.
    let h = task::spawn_blocking(compute);
    let _ = timeout(Duration::from_secs(1), h).await;
}

async fn by_reference() {
    let mut handle = tokio::spawn(work());
    if timeout(Duration::from_secs(5), &mut handle).await.is_err() {
        handle.abort();
    }
}

async fn plain_future() {
    let fut = work();
    let _ = timeout(Duration::from_secs(5), fut).await;
}

async fn abort_on_drop() {
    let handle = AbortOnDropHandle::new(tokio::spawn(work()));
    let _ = timeout(Duration::from_secs(5), handle).await;
}

async fn other_timeout(handle: JoinHandle<()>) {
    let handle = std::thread::spawn(work);
    let _ = my::timeout(Duration::from_secs(5), handle);
}

#[tokio::test]
async fn tests_may_detach() {
    let handle = tokio::spawn(work());
    let _ = timeout(Duration::from_secs(5), handle).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn helper() {
        let handle = tokio::spawn(work());
        let _ = timeout(Duration::from_secs(5), handle).await;
    }
}
