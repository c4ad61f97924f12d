use tokio_util::sync::CancellationToken;

async fn statement(token: CancellationToken) {
    token.clone().drop_guard(); // want "discarded-drop-guard"
    work(&token).await;
}

async fn let_blank(token: &CancellationToken) {
    let _ = token.clone().drop_guard(); // want "discarded-drop-guard"
    work(token).await;
}

async fn assign_blank(token: CancellationToken) {
    _ = token.drop_guard(); // want "discarded-drop-guard"
    work(&token).await;
}

fn by_reference(token: &CancellationToken) {
    token.drop_guard_ref(); // want "discarded-drop-guard"
    spawn_watcher(token);
}

fn guard_name_taken(token: CancellationToken, _guard: u8) {
    token.drop_guard(); // want "discarded-drop-guard"
    log("started");
}

// Clean: the guard is kept, returned, disarmed or dropped on purpose.
async fn kept(token: &CancellationToken) {
    let _guard = token.clone().drop_guard();
    let guard = token.drop_guard_ref();
    work(token).await;
    drop(guard);
}

fn returned(token: CancellationToken) -> DropGuard {
    token.drop_guard()
}

fn disarmed(token: CancellationToken) -> CancellationToken {
    token.drop_guard().disarm()
}

fn stored(token: CancellationToken) -> Holder {
    Holder {
        guard: token.drop_guard(),
    }
}

// Clean: the last statement of its block. Nothing runs between it and the end of the scope,
// so the token is cancelled just when a bound guard would cancel it: this is a `cancel()`.
#[tokio::test]
async fn metrics_served_until_the_end() {
    let cancellation_token = CancellationToken::new();
    let metrics_cancellation = cancellation_token.child_token();
    tokio::spawn(async move { start_metrics(metrics_cancellation).await });
    assert!(scrape().await.contains("open_fd_count 1"));

    cancellation_token.drop_guard();
}

fn stop(token: &CancellationToken, force: bool) {
    if force {
        let _ = token.drop_guard_ref();
        // cancelled: the workers stop at once
    }
}
