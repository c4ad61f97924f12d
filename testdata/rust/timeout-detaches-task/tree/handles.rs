pub type ServerJoinHandle = tokio::task::JoinHandle<()>;

pub type ThreadHandle = std::thread::JoinHandle<()>;

pub type TwiceHandle = tokio::task::JoinHandle<u8>;

pub struct OtherHandle;

pub type PoolHandle = tokio::task::JoinHandle<()>;

// An associated type is no alias: `Output` stays unknown elsewhere.
impl Launch for Launcher {
    type Output = tokio::task::JoinHandle<()>;
}
