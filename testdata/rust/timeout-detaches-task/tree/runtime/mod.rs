// Another file gives `TwiceHandle` another type: the name is ambiguous and stays unknown.
pub type TwiceHandle = crate::pool::Slot;

// A struct of the name an alias has elsewhere: the name is ambiguous too.
pub struct PoolHandle {
    inner: tokio::task::JoinHandle<()>,
}
