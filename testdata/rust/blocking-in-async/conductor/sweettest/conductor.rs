// Test harness: compiled only for tests, through the `cfg` on `mod sweettest` in lib.rs.
use std::net::ToSocketAddrs;

pub async fn websocket_client_by_port(port: u16) -> std::io::Result<tokio::net::TcpStream> {
    let addr = format!("localhost:{port}").to_socket_addrs()?.next();
    tokio::net::TcpStream::connect(addr.unwrap()).await
}
