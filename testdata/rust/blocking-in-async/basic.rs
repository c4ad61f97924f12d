use std::fs::{self, File};
use std::io::{BufRead, Read};
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

async fn reads_files(dir: &std::path::Path) -> std::io::Result<String> {
    let text = fs::read_to_string(dir.join("a.toml"))?; // want "blocking-in-async"
    std::fs::write(dir.join("b"), &text)?; // want "blocking-in-async"
    let mut f = File::open(dir.join("c"))?; // want "blocking-in-async"
    let mut more = String::new();
    f.read_to_string(&mut more)?;
    let _log = std::fs::OpenOptions::new().append(true).open(dir.join("log"))?; // want "blocking-in-async"
    Ok(text + &more)
}

async fn in_place_closures(paths: Vec<std::path::PathBuf>) -> Vec<Vec<u8>> {
    paths.iter().map(|p| fs::read(p).unwrap_or_default()).collect() // want "blocking-in-async"
}

struct Store {
    file: File,
}

impl Store {
    async fn flush(&mut self, data: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(&mut self.file, data)?;
        self.file.sync_all() // want "blocking-in-async"
    }
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

async fn terminal() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap(); // want "blocking-in-async"
    line
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
async fn async_equivalents(dir: &std::path::Path) -> std::io::Result<()> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let _ = tokio::fs::read_to_string(dir.join("a")).await?;
    let _ = tokio::net::TcpStream::connect("127.0.0.1:80").await?;
    let _ = tokio::process::Command::new("ls").output().await?;
    let (_tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    let _ = rx.recv().await;
    Ok(())
}

async fn offloaded(dir: std::path::PathBuf) {
    let _ = task::spawn_blocking(move || std::fs::read(dir)).await;
    tokio::task::block_in_place(|| std::thread::sleep(Duration::from_secs(1)));
    std::thread::spawn(|| thread::sleep(Duration::from_secs(1)));
    let later = || std::fs::remove_file("x");
    let _ = later;
}

fn synchronous(dir: &std::path::Path) -> std::io::Result<String> {
    thread::sleep(Duration::from_millis(1));
    fs::read_to_string(dir)
}

fn main() {
    let config = std::fs::read_to_string("config.toml").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        std::thread::sleep(Duration::from_millis(1));
        serve(config).await;
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
    async fn helper() {
        std::fs::write("/tmp/x", "y").unwrap();
    }
}
