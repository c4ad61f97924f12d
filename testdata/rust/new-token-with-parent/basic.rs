use tokio_util::sync::CancellationToken;
use tokio_util::sync::CancellationToken as Token;

async fn ignores_parent(parent: &CancellationToken) {
    let token = CancellationToken::new(); // want "new-token-with-parent"
    run(token).await;
}

async fn underscore_parent(_parent: CancellationToken) {
    let token = Token::new(); // want "new-token-with-parent"
    run(token).await;
}

fn blank_parent(_: tokio_util::sync::CancellationToken) -> Worker {
    Worker::new(tokio_util::sync::CancellationToken::new()) // want "new-token-with-parent"
}

// Clean.
async fn uses_parent(parent: &CancellationToken) {
    let token = parent.child_token();
    run(token).await;
}

async fn uses_parent_and_makes_a_separate_root(parent: CancellationToken) {
    let shutdown = CancellationToken::new();
    tokio::select! {
        _ = parent.cancelled() => {}
        _ = shutdown.cancelled() => {}
    }
}

fn no_parent() -> CancellationToken {
    CancellationToken::new()
}

fn parent_of_another_type(parent: &Arc<Mutex<State>>) -> CancellationToken {
    CancellationToken::new()
}

fn nested_function_has_its_own_parameters(parent: &CancellationToken) {
    parent.cancel();
    fn inner() -> CancellationToken {
        CancellationToken::new()
    }
}
