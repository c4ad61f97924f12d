// Nothing in this file runs beside this code: no task is spawned, no futures are joined. A
// one-off helper like this is command-line or setup code more often than not.
use std::time::Duration;

pub async fn settle() {
    std::thread::sleep(Duration::from_millis(50));
    tokio::task::yield_now().await;
}
