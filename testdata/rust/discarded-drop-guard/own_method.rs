// A type of this file with its own argument-less `drop_guard`: not tokio-util's.
struct PageHandle {
    guard: Option<PageGuard>,
}

impl PageHandle {
    pub fn drop_guard(&mut self) {
        self.guard.take();
    }

    pub fn release(&mut self) {
        self.drop_guard();
    }
}

fn release_all(handles: &mut [PageHandle]) {
    for handle in handles {
        handle.drop_guard();
    }
}

// The receiver decides: a visible token is tokio-util's, whatever else the file declares.
struct Session {
    token: CancellationToken,
}

impl Session {
    fn close(&self) {
        self.token.clone().drop_guard(); // want "discarded-drop-guard"
        self.flush();
    }
}

fn local_token() {
    let token = tokio_util::sync::CancellationToken::new();
    let _ = token.child_token().drop_guard(); // want "discarded-drop-guard"
    tokio::spawn(watch(token));
}
