use std::time::Duration;

use tokio::time::timeout;

use crate::handles::{OtherHandle, PoolHandle, ServerJoinHandle, ThreadHandle, TwiceHandle};
use crate::report::Output;
use crate::tasks;

// The handle's type is an alias declared in another file (or crate) of the tree, and the
// spawn goes through the project's own wrapper: the tree's first pass finds both.
pub struct Server {
    join: ServerJoinHandle,
    thread: ThreadHandle,
    twice: TwiceHandle,
    other: OtherHandle,
    pool: PoolHandle,
    report: Output,
}

impl Server {
    pub async fn stop(self) {
        let _ = timeout(Duration::from_secs(5), self.join).await; // want "timeout-detaches-task"
    }

    // A std thread's handle, an alias two files give different types and a plain struct are
    // no task handles here.
    pub async fn stop_thread(self) {
        let _ = timeout(Duration::from_secs(5), self.thread).await;
    }

    pub async fn stop_twice(self) {
        let _ = timeout(Duration::from_secs(5), self.twice).await;
    }

    pub async fn stop_other(self) {
        let _ = timeout(Duration::from_secs(5), self.other).await;
        let _ = timeout(Duration::from_secs(5), self.pool).await;
        let _ = timeout(Duration::from_secs(5), self.report).await;
    }
}

pub async fn through_the_wrapper() {
    let flush = tasks::spawn("flush", flush());
    let _ = timeout(Duration::from_secs(5), flush).await; // want "timeout-detaches-task"
}

pub async fn inline_wrapper() {
    let _ = timeout(Duration::from_secs(5), crate::tasks::spawn("flush", flush())).await; // want "timeout-detaches-task"
}

// A blocking task cannot be aborted; a function of the same name in another module, or one
// whose body does not end in the spawn, is not taken for a wrapper.
pub async fn blocking_wrapper() {
    let read = tasks::spawn_io(read_all);
    let _ = timeout(Duration::from_secs(5), read).await;
}

pub async fn not_the_wrapper() {
    let flush = queue::spawn("flush", flush());
    let _ = timeout(Duration::from_secs(5), flush).await;
    let maybe = tasks::spawn_if(true, flush());
    let _ = timeout(Duration::from_secs(5), maybe).await;
}

async fn flush() {}

fn read_all() {}
