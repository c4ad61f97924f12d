use std::net::ToSocketAddrs;

pub async fn connect(host: &str, port: u16) -> std::io::Result<tokio::net::TcpStream> {
    let addr = (host, port).to_socket_addrs()?.next(); // want "blocking-in-async"
    tokio::net::TcpStream::connect(addr.unwrap()).await
}
