use tokio_util::sync::CancellationToken;

async fn stale(token: CancellationToken) {
    let _guard = token.drop_guard(); //ctxlint:ignore discarded-drop-guard the guard is kept now // want "unused-suppression"
    work().await;
}

async fn stale_everything(token: CancellationToken) {
    let _guard = token.drop_guard(); //nolint:ctxlint // want "unused-suppression"
    work().await;
}

// Clean: the suppression silences the finding it names.
async fn used(token: CancellationToken) {
    token.drop_guard(); //ctxlint:ignore discarded-drop-guard dropped on purpose: cancels at once
    work().await;
}

async fn work() {}
