use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tokio::task;

async fn sleeps(flag: bool) {
    std::thread::sleep(Duration::from_millis(10)); // want "blocking-in-async"
    if flag {
        thread::sleep(Duration::from_secs(1)); // want "blocking-in-async"
    }
}

async fn in_place_closures(hosts: Vec<String>) -> Vec<usize> {
    hosts.iter().map(|h| h.to_socket_addrs().map_or(0, |a| a.count())).collect() // want "blocking-in-async"
}

async fn network(addr: &str, listener: TcpListener) -> std::io::Result<()> {
    let _stream = TcpStream::connect(addr)?; // want "blocking-in-async"
    let _addrs = addr.to_socket_addrs()?; // want "blocking-in-async"
    let (_conn, _) = listener.accept()?; // want "blocking-in-async"
    Ok(())
}

async fn processes() -> std::io::Result<()> {
    let out = Command::new("git").arg("status").output()?; // want "blocking-in-async"
    let mut child = Command::new("sleep").arg("1").spawn()?;
    child.wait()?; // want "blocking-in-async"
    drop(out);
    Ok(())
}

async fn channel() {
    let (tx, rx) = mpsc::channel::<u32>();
    tx.send(1).unwrap();
    let _ = rx.recv(); // want "blocking-in-async"
}

async fn blocking_http() -> reqwest::Result<String> {
    reqwest::blocking::get("http://example.com")?.text() // want "blocking-in-async"
}

fn spawns_an_async_block() {
    tokio::spawn(async {
        std::thread::sleep(Duration::from_secs(1)); // want "blocking-in-async"
    });
}

async fn async_closure() {
    let f = async || {
        std::thread::sleep(Duration::from_secs(1)); // want "blocking-in-async"
    };
    f().await;
}

// Clean look-alikes.
async fn async_equivalents() -> std::io::Result<()> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let _ = tokio::net::TcpStream::connect("127.0.0.1:80").await?;
    let _ = tokio::net::lookup_host("example.com:80").await?;
    let _ = tokio::process::Command::new("ls").output().await?;
    let (_tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    let _ = rx.recv().await;
    Ok(())
}

async fn offloaded(addr: String) {
    let _ = task::spawn_blocking(move || addr.to_socket_addrs()).await;
    tokio::task::block_in_place(|| std::thread::sleep(Duration::from_secs(1)));
    std::thread::spawn(|| thread::sleep(Duration::from_secs(1)));
    let _ = task::spawn_blocking({
        let pause = Duration::from_secs(1);
        move || thread::sleep(pause)
    })
    .await;
    let later = || std::thread::sleep(Duration::from_secs(1));
    let _ = later;
}

// A function that takes a closure and returns a future runs it elsewhere.
async fn wrapped_offload() {
    with_permit(|| std::thread::sleep(Duration::from_secs(1))).await;
}

// std::fs is not reported: in real async code it is nearly always a deliberate one-off
// (startup, shutdown, a small config file).
async fn file_system(dir: &std::path::Path) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    std::fs::read_to_string(dir.join("config.toml"))
}

async fn tokio_file_system(dir: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use tokio::fs;
    fs::create_dir_all(dir).await?;
    let _ = tokio::fs::read_to_string(dir.join("a")).await?;
    fs::read(dir.join("b")).await
}

async fn terminal() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    line
}

fn synchronous() {
    thread::sleep(Duration::from_millis(1));
}

fn runtime_in_main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        std::thread::sleep(Duration::from_millis(1));
        serve().await;
    });
}

async fn own_sleep() {
    sleep(Duration::from_secs(1));
}

fn sleep(_d: Duration) {}

async fn other_receivers(rx: &mut tokio::sync::mpsc::Receiver<u32>, cmd: &mut tokio::process::Command) {
    let _ = rx.recv().await;
    let _ = cmd.output().await;
}

fn local_use_stays_local() {
    use tokio::sync::mpsc;
    let (_tx, rx) = mpsc::channel::<u32>(1);
    drop(rx);
}

async fn tokio_channel_here() {
    use tokio::sync::mpsc;
    let (_tx, mut rx) = mpsc::unbounded_channel::<u32>();
    let _ = rx.recv();
}

#[tokio::main]
async fn main() {
    // The root future of the runtime, before anything else runs.
    std::thread::sleep(Duration::from_millis(1));
}

#[tokio::main(flavor = "current_thread")]
async fn run_on_a_private_runtime() {
    std::thread::sleep(Duration::from_millis(1));
}

async fn async_main() {
    let _ = Command::new("true").status();
}

#[test]
fn sync_test() {
    std::thread::sleep(Duration::from_millis(1));
}

#[tokio::test]
async fn async_test() {
    std::thread::sleep(Duration::from_millis(1));
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    async fn helper() {
        let (_tx, rx) = mpsc::channel::<u32>();
        let _ = rx.recv();
    }
}

// Resolving the address to listen on parses a local address; nothing is looked up.
async fn bind_listener(addr: &str) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr.to_socket_addrs()?.next().unwrap()).await
}

async fn bind_with_retries(addr: &str) -> std::io::Result<()> {
    let resolved = addr.to_socket_addrs()?.next();
    listen_on(resolved).await
}

// Named after what it tests, not after binding: the STUN server is looked up on the network.
async fn test_bind_ipv6(stun: &str) -> std::io::Result<()> {
    let server = stun.to_socket_addrs()?.next(); // want "blocking-in-async"
    probe(server).await
}
