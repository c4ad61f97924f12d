// Futures driven side by side: the blocking one holds up the other.
use std::time::Duration;

pub async fn both(a: Client, b: Client) {
    let (x, y) = tokio::join!(a.fetch(), slow(b));
    drop((x, y));
}

async fn slow(b: Client) -> Response {
    std::thread::sleep(Duration::from_millis(50)); // want "blocking-in-async"
    b.fetch().await
}

pub async fn shell(program: &str) -> std::io::Result<std::process::Output> {
    std::process::Command::new(program).output() // want "blocking-in-async"
}

// Cleanup on the way out with an error runs once per failure.
pub async fn open_device(name: &str) -> Result<Device> {
    match Device::create(name).await {
        Ok(device) => Ok(device),
        Err(e) => {
            let _ = std::process::Command::new("ifconfig").arg(name).arg("destroy").output();
            return Err(e.into());
        }
    }
}
