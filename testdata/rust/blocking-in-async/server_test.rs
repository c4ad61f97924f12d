// The file of a `#[cfg(test)] mod server_test;`: test code by name.
pub async fn slow_peer() {
    std::thread::sleep(std::time::Duration::from_secs(1));
    let _ = tokio::spawn(async {});
}
