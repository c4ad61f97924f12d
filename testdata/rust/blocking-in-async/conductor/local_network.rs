use std::time::Duration;

async fn two_peers() {
    tokio::spawn(peer());
    std::thread::sleep(Duration::from_millis(50));
    peer().await;
}
