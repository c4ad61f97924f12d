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
