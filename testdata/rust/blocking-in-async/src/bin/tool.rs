// A binary target: command-line code.
pub async fn retry() {
    std::thread::sleep(std::time::Duration::from_secs(1));
    let _ = tokio::spawn(async {});
}
