use std::time::Duration;

async fn two_more_peers() {
    tokio::spawn(peer());
    std::thread::sleep(Duration::from_millis(20));
    peer().await;
}
