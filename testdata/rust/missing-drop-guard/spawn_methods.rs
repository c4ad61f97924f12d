use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

// Spawns written as methods of a runtime handle, a runtime, a task builder or a join set that
// outlives the function.
struct Server {
    runtime: Runtime,
    workers: JoinSet<()>,
}

impl Server {
    async fn on_handle(&self, handle: Handle) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        handle.spawn(watch(token.clone()));
        check()?;
        token.cancel();
        Ok(())
    }

    async fn on_current(&self) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        Handle::current().spawn(watch(token.clone()));
        check()?;
        token.cancel();
        Ok(())
    }

    fn on_the_runtime(&self) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        self.runtime.spawn(watch(token.clone()));
        check()?;
        token.cancel();
        Ok(())
    }

    fn blocking_on_the_runtime(&self) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        let child = token.clone();
        self.runtime.spawn_blocking(move || poll(child));
        check()?;
        token.cancel();
        Ok(())
    }

    fn blocking_in_the_set(&mut self) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        let child = token.clone();
        self.workers.spawn_blocking(move || poll(child));
        check()?;
        token.cancel();
        Ok(())
    }

    fn with_a_builder(&self) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        tokio::task::Builder::new()
            .name("watcher")
            .spawn(watch(token.clone()))?;
        check()?;
        token.cancel();
        Ok(())
    }
}

// Clean: the tasks stop with a spawner local to the function.
fn local_runtime() -> Result<()> {
    let runtime = Runtime::new()?;
    let token = CancellationToken::new();
    runtime.spawn(watch(token.clone()));
    check()?;
    token.cancel();
    Ok(())
}

async fn unknown_spawner(pool: &Pool) -> Result<()> {
    let token = CancellationToken::new();
    pool.spawn(watch(token.clone()));
    check()?;
    token.cancel();
    Ok(())
}
