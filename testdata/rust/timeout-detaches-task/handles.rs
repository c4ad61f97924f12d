use std::sync::Mutex;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::timeout;

// Handles whose type the file shows: fields, `Option`s and `Mutex`es of them, parameters,
// typed locals, and spawns written as methods or inline.
struct Worker {
    task: Option<JoinHandle<()>>,
    shared: Mutex<Option<JoinHandle<()>>>,
    flush: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    handle: Handle,
}

impl Worker {
    async fn stop(&mut self) {
        let _ = timeout(Duration::from_secs(5), self.task.take().unwrap()).await; // want "timeout-detaches-task"
    }

    async fn stop_shared(&self) {
        let task = self.shared.lock().unwrap().take();
        if let Some(task) = task {
            let _ = timeout(Duration::from_secs(5), task).await; // want "timeout-detaches-task"
        }
    }

    async fn stop_flush(&self) {
        if let Some(task) = self.flush.lock().await.take() {
            let _ = timeout(Duration::from_secs(5), task).await; // want "timeout-detaches-task"
        }
    }

    async fn on_the_handle(&self) {
        let task = self.handle.spawn(work());
        let _ = timeout(Duration::from_secs(5), task).await; // want "timeout-detaches-task"
    }

    async fn on_current(&self) {
        let task = Handle::current().spawn(work());
        let _ = timeout(Duration::from_secs(5), task).await; // want "timeout-detaches-task"
    }

    async fn blocking_on_current(&self) {
        let task = Handle::current().spawn_blocking(compute);
        let _ = timeout(Duration::from_secs(5), task).await;
    }
}

async fn inline_spawn() {
    let _ = timeout(Duration::from_secs(5), tokio::spawn(work())).await; // want "timeout-detaches-task"
}

async fn inline_builder() -> std::io::Result<()> {
    let _ = timeout( // want "timeout-detaches-task"
        Duration::from_secs(5),
        tokio::task::Builder::new().name("w").spawn(work())?,
    )
    .await;
    Ok(())
}

async fn parameter(task: JoinHandle<u32>) -> Option<u32> {
    timeout(Duration::from_secs(1), task).await.ok()?.ok() // want "timeout-detaches-task"
}

async fn each_of_many(tasks: Vec<JoinHandle<()>>) {
    for task in tasks {
        let _ = timeout(Duration::from_secs(1), task).await; // want "timeout-detaches-task"
    }
}

// Clean look-alikes.
impl Worker {
    async fn by_reference(&mut self) {
        if let Some(task) = self.task.as_mut() {
            if timeout(Duration::from_secs(5), task).await.is_err() {
                task.abort();
            }
        }
    }

    async fn abort_handle_kept(&mut self) {
        let task = self.task.take().unwrap();
        let abort = task.abort_handle();
        if timeout(Duration::from_secs(5), task).await.is_err() {
            abort.abort();
        }
    }
}

async fn join_set_spawn_returns_an_abort_handle(set: &mut JoinSet<()>) {
    let abort = set.spawn(work());
    let _ = timeout(Duration::from_secs(5), set.join_next()).await;
    abort.abort();
}

async fn thread_handle(handle: std::thread::JoinHandle<()>) {
    let _ = timeout(Duration::from_secs(5), wait_thread(handle)).await;
}

async fn awaited_output() {
    let task = tokio::spawn(work());
    let output = task.await;
    let _ = timeout(Duration::from_secs(5), process(output)).await;
}

// The handle was already taken (and awaited) above: this `take()` is always `None`.
struct Server {
    join_handle: Option<JoinHandle<()>>,
}

impl Server {
    async fn shutdown(&mut self, graceful: bool) {
        if graceful {
            if let Some(join_handle) = self.join_handle.take() {
                let _ = join_handle.await;
            }
            if let Some(join_handle) = self.join_handle.take() {
                let _ = timeout(Duration::from_secs(5), join_handle).await;
            }
        } else if let Some(join_handle) = self.join_handle.take() {
            join_handle.abort();
        }
    }

    // Taken on one branch only, or put back in between: the later take can be `Some`.
    async fn maybe_taken(&mut self, flag: bool) {
        if flag {
            let _ = self.join_handle.take();
        }
        if let Some(join_handle) = self.join_handle.take() {
            let _ = timeout(Duration::from_secs(5), join_handle).await; // want "timeout-detaches-task"
        }
    }

    async fn put_back(&mut self) {
        let first = self.join_handle.take();
        self.join_handle = first;
        let _ = timeout(Duration::from_secs(5), self.join_handle.take().unwrap()).await; // want "timeout-detaches-task"
    }
}

async fn on_a_runtime_field(worker: &Worker, rt: &tokio::runtime::Runtime) {
    let task = rt.spawn(work());
    let _ = timeout(Duration::from_secs(5), task).await; // want "timeout-detaches-task"
}

// The handles are moved out of a field inside a block that yields a tuple (iggy's sink
// manager); the same loop over `&mut handle` with `abort()` is the clean look-alike.
struct Details {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task_handles: Vec<JoinHandle<()>>,
}

async fn stop_connector(details: &tokio::sync::Mutex<Details>) {
    let (shutdown, task_handles) = {
        let mut details = details.lock().await;
        (details.shutdown.take(), std::mem::take(&mut details.task_handles))
    };
    if let Some(tx) = shutdown {
        let _ = tx.send(());
    }
    for handle in task_handles {
        let _ = timeout(Duration::from_secs(5), handle).await; // want "timeout-detaches-task"
    }
}

async fn stop_connector_aborting(details: &tokio::sync::Mutex<Details>) {
    let task_handles = {
        let mut details = details.lock().await;
        std::mem::take(&mut details.task_handles)
    };
    for mut handle in task_handles {
        if timeout(Duration::from_secs(5), &mut handle).await.is_err() {
            handle.abort();
        }
    }
}
