use tokio_util::sync::CancellationToken;

// No exit cancels the token: the strongest case of "some exit does not".
async fn never_cancelled(addr: &str) {
    let token = CancellationToken::new(); // want "missing-drop-guard"
    tokio::spawn(heartbeat(token.clone()));
    serve(addr).await;
}

async fn never_cancelled_child(parent: &CancellationToken) -> Result<()> {
    let token = parent.child_token(); // want "missing-drop-guard"
    let watcher = token.clone();
    tokio::spawn(async move {
        watcher.cancelled().await;
        cleanup().await;
    });
    load().await?;
    Ok(())
}

// Clean look-alikes.
async fn the_task_cancels_it() {
    let token = CancellationToken::new();
    let stopper = token.clone();
    tokio::spawn(async move {
        tokio::signal::ctrl_c().await.ok();
        stopper.cancel();
    });
    tokio::spawn(serve_until(token.clone()));
    wait().await;
}

async fn guard_kept() {
    let token = CancellationToken::new();
    let _guard = token.clone().drop_guard();
    tokio::spawn(heartbeat(token.clone()));
    serve("addr").await;
}

fn returned_to_the_caller() -> CancellationToken {
    let token = CancellationToken::new();
    tokio::spawn(heartbeat(token.clone()));
    token
}

async fn task_awaited() -> Result<()> {
    let token = CancellationToken::new();
    let task = tokio::spawn(heartbeat(token.clone()));
    task.await?;
    Ok(())
}

async fn loops_forever() {
    let token = CancellationToken::new();
    tokio::spawn(heartbeat(token.clone()));
    loop {
        tick().await;
    }
}
