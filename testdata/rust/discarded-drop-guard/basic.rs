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
}

fn by_reference(token: &CancellationToken) {
    token.drop_guard_ref(); // want "discarded-drop-guard"
}

fn guard_name_taken(token: CancellationToken, _guard: u8) {
    token.drop_guard(); // want "discarded-drop-guard"
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
