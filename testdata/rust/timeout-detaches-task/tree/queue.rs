/// Queues work; returns its position, not a task.
pub fn spawn<F>(name: &'static str, future: F) -> usize {
    QUEUE.push(name, Box::pin(future))
}
