use std::time::Duration;

/// Wait, bounded, for the transport task to deliver the final message at teardown.
/// Best-effort by design: a wedged hub cannot hold the process hostage beyond the bound.
#[cfg(unix)]
async fn flush_end(transport: tokio::task::JoinHandle<()>) {
    let _ = tokio::time::timeout(Duration::from_secs(2), transport).await;
}

async fn stop(&mut self) {
    // best effort: the reporter may still be sending when the node shuts down
    let _ = tokio::time::timeout(Duration::from_secs(1), tokio::spawn(report())).await;
}

/// Wait for the sync loop to stop; it is asked to stop first.
async fn stop_sync(handle: tokio::task::JoinHandle<()>) {
    // Give the task a moment to shut down gracefully
    let _ = tokio::time::timeout(Duration::from_secs(5), handle).await; // want "timeout-detaches-task"
}

async fn after(handle: tokio::task::JoinHandle<()>) {
    flush().await; // best effort
    let _ = tokio::time::timeout(Duration::from_secs(5), handle).await; // want "timeout-detaches-task"
}
