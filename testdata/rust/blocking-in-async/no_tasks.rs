// Nothing in this file runs beside this code: no task is spawned, no futures are joined. A
// one-off helper like this is command-line or setup code more often than not.
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::Command;
use std::time::Duration;

// A std sleep has a drop-in async replacement: it is reported even here (kata's firecracker
// API client sleeps on the worker between retries).
pub async fn settle() {
    std::thread::sleep(Duration::from_millis(50)); // want "blocking-in-async"
    tokio::task::yield_now().await;
}

pub async fn send_with_retry(client: &Client, body: String) -> Result<(), Error> {
    for _ in 0..10 {
        match client.send(body.clone()).await {
            Ok(_) => return Ok(()),
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10)); // want "blocking-in-async"
                continue;
            }
        }
    }
    sleep_for(Duration::from_millis(1)).await;
    Err(Error::GaveUp)
}

// Only where no runtime is running does it sleep on the thread (opentelemetry-otlp's
// `sleep_for`): a tokio worker never gets here.
async fn sleep_for(duration: Duration) {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::time::sleep(duration).await;
        return;
    }
    std::thread::sleep(duration);
}

pub async fn git_status() -> std::io::Result<Vec<u8>> {
    Ok(Command::new("git").arg("status").output()?.stdout)
}

// A lookup on the network blocks as long as the resolver takes, whoever calls it: it is
// reported even here. The function ends in `Err(..)` after its retries, but the lookup runs
// on every attempt, not on the way out with an error (risingwave's `try_resolve_dns`).
pub async fn try_resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    let addr = format!("{host}:{port}");
    for _ in 0..20 {
        match addr.to_socket_addrs() { // want "blocking-in-async"
            Ok(mut found) => {
                if let Some(addr) = found.next() {
                    return Ok(addr);
                }
            }
            Err(e) => tracing::warn!("{e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("cannot resolve {addr}"))
}

// Cleanup on the way out with an error stays silent.
pub async fn connect_or_explain(addr: &str) -> Result<(), String> {
    if addr.is_empty() {
        let hint = addr.to_socket_addrs().map(|a| a.count()).unwrap_or(0);
        return Err(format!("no address ({hint} candidates)"));
    }
    Ok(())
}

// A private helper of a file that runs nothing concurrently is called from here only
// (databend's metactl looks up the address it was given on the command line).
async fn available_addr(endpoint: &str) -> std::io::Result<Option<SocketAddr>> {
    let found = endpoint.to_socket_addrs()?.next();
    tokio::task::yield_now().await;
    Ok(found)
}
