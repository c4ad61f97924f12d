// A command-line tool: its async code runs one thing at a time.
use std::time::Duration;

pub async fn wait_for_server(addr: &str) {
    while std::net::TcpStream::connect(addr).is_err() {
        std::thread::sleep(Duration::from_millis(100));
    }
}
