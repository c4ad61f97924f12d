// Blocking code its author wrote on purpose, and the look-alikes that are still reported.
use std::net::{SocketAddr, ToSocketAddrs};

// A comment right above says the code blocks (fred's glommio resolver).
pub async fn resolve_glommio(host: String, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    // glommio users should probably use a non-blocking impl such as hickory-dns
    spawn_local(async move {
        let addr = format!("{}:{}", host, port);
        let ips: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
        Ok(ips)
    })
    .await
}

// The same lookup under a comment that only says what it looks up.
pub async fn resolve(host: String, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    // resolve the host given in the configuration
    spawn_local(async move {
        let addr = format!("{}:{}", host, port);
        let ips: Vec<SocketAddr> = addr.to_socket_addrs()?.collect(); // want "blocking-in-async"
        Ok(ips)
    })
    .await
}

// The address the server binds, resolved before the accept task starts (tremor's HTTP
// server): local configuration, looked up once.
pub async fn serve(host: String, port: u16) -> std::io::Result<()> {
    let addr = (host.as_str(), port)
        .to_socket_addrs()?
        .next()
        .ok_or(std::io::ErrorKind::InvalidInput)?;
    spawn_local(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        accept(listener).await
    })
    .await
}

// The address the client connects to is a remote lookup.
pub async fn dial(host: String, port: u16) -> std::io::Result<()> {
    let addr = (host.as_str(), port) // want "blocking-in-async"
        .to_socket_addrs()?
        .next()
        .ok_or(std::io::ErrorKind::InvalidInput)?;
    let stream = tokio::net::TcpStream::connect(addr).await?;
    drop(stream);
    Ok(())
}

/// Synchronous on purpose: it runs once, when the gateway starts.
pub async fn install_rules() -> std::io::Result<()> {
    std::process::Command::new("iptables").arg("-A").output()?;
    Ok(())
}

/// Installs the firewall rules.
pub async fn install_rules_again() -> std::io::Result<()> {
    std::process::Command::new("iptables").arg("-A").output()?; // want "blocking-in-async"
    Ok(())
}
