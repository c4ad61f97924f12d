use anyhow::{bail, Result};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

async fn early_question_mark(addr: &str) -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    let worker = tokio::spawn(heartbeat(token.clone()));
    let conn = connect(addr).await?;
    conn.run().await;
    token.cancel();
    worker.await?;
    Ok(())
}

async fn early_return(parent: &CancellationToken, jobs: Vec<Job>) -> Option<u32> {
    let token = parent.child_token(); // want "missing-drop-guard"
    let child = token.clone();
    tokio::spawn(async move {
        child.cancelled().await;
    });
    if jobs.is_empty() {
        return None;
    }
    token.cancel();
    Some(1)
}

async fn bail_out(config: Config, set: &mut JoinSet<()>) -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    set.spawn(serve(token.clone()));
    if !config.valid() {
        bail!("invalid config");
    }
    token.cancel();
    Ok(())
}

async fn falls_off_the_end(flag: bool) {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    tokio::spawn(watch(token.clone()));
    if flag {
        token.cancel();
    }
}

async fn match_arm(msg: Message) -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    tokio::task::spawn_local(listen(token.clone()));
    match msg {
        Message::Stop => {
            token.cancel();
            Ok(())
        }
        Message::Fail(e) => Err(e.into()),
        Message::Other => {
            let Some(x) = msg.payload() else {
                return Ok(());
            };
            token.cancel();
            process(x)
        }
    }
}

struct Supervisor {
    tasks: JoinSet<()>,
}

impl Supervisor {
    fn start(&mut self, config: &Config) -> Result<()> {
        let token = CancellationToken::new(); // want "missing-drop-guard"
        self.tasks.spawn(serve(token.clone()));
        config.check()?;
        token.cancel();
        Ok(())
    }
}

async fn tracked(config: &Config) -> Result<()> {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new(); // want "missing-drop-guard"
    tracker.spawn(serve(token.clone()));
    config.check()?;
    token.cancel();
    tracker.close();
    Ok(())
}

async fn two_tasks_one_awaited() -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    let first = tokio::spawn(watch(token.clone()));
    let second = tokio::spawn(watch(token.clone()));
    first.await?;
    token.cancel();
    second.await?;
    Ok(())
}

async fn shadowed_clone_moved_into_the_task(addr: &str) -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    {
        let token = token.clone();
        tokio::spawn(async move {
            token.cancelled().await;
        });
    }
    connect(addr).await?;
    token.cancel();
    Ok(())
}

async fn shadowed_inside_the_spawn(addr: &str) -> Result<()> {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    tokio::spawn({
        let token = token.clone();
        async move { token.cancelled().await }
    });
    connect(addr).await?;
    token.cancel();
    Ok(())
}
