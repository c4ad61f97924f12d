// Runtime abstractions: a synchronous runtime that drives each future with `block_on` on a
// thread of its own may sleep in its `delay`; a tokio one may not.
use std::future::Future;
use std::time::Duration;

pub struct NoAsync;

impl Runtime for NoAsync {
    fn spawn<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        std::thread::spawn(move || {
            futures_executor::block_on(future);
        });
    }

    fn delay(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        async move {
            std::thread::sleep(duration);
        }
    }
}

pub struct Tokio;

impl Runtime for Tokio {
    fn spawn<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(future);
    }

    fn delay(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        async move {
            std::thread::sleep(duration); // want "blocking-in-async"
        }
    }
}

// A smol runtime that also offers `block_on`: its futures run on the executor all the same.
pub struct SmolRuntime;

impl Runtime for SmolRuntime {
    fn spawn<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        ::smol::spawn(future).detach();
    }

    fn block_on(&self, future: std::pin::Pin<Box<dyn Future<Output = ()> + '_>>) {
        ::smol::block_on(future);
    }

    fn connect_tcp(&self, addr: std::net::SocketAddr) -> BoxFuture<std::io::Result<Stream>> {
        Box::pin(async move {
            let stream = std::net::TcpStream::connect(addr)?; // want "blocking-in-async"
            stream.set_nonblocking(true)?;
            Ok(Stream::new(::smol::Async::new(stream)?))
        })
    }
}
