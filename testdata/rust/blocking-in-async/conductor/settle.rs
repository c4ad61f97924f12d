use std::time::Duration;

async fn settle() {
    tokio::spawn(peer());
    std::thread::sleep(Duration::from_millis(10));
}
