// A connection pool's own `drop_guard` takes the connection: it does not make every
// argument-less `drop_guard()` of the file someone else's.
use tokio_util::sync::CancellationToken;

struct Pool {
    idle: Vec<Conn>,
}

impl Pool {
    fn drop_guard(&mut self, conn: Conn) {
        self.idle.push(conn);
    }
}

async fn serve(pool: &mut Pool, conn: Conn, token: CancellationToken) {
    token.clone().drop_guard(); // want "discarded-drop-guard"
    let _ = token.clone().drop_guard(); // want "discarded-drop-guard"
    pool.drop_guard(conn);
    let _guard = token.drop_guard();
    accept(&pool).await;
}

async fn unknown_receiver(shutdown: Shutdown, runtime: &mut RuntimeHandle) {
    // Receivers whose type the file does not show are left alone: other types (a runtime
    // handle that shuts down when its guard goes) have argument-less `drop_guard`s too.
    shutdown.token().drop_guard();
    runtime.drop_guard();
}
