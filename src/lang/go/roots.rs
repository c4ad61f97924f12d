//! Functions that start their own root: a function or method declared in the scanned tree (its
//! `vendor/` directory included) that takes no context and calls `context.Background()` or
//! `context.TODO()` for cancellable work. Calling one where a parent context exists drops that
//! context (callee-drops-context). So does calling a function that takes no context and calls
//! one of those at a plain site, up to [`MAX_DEPTH`] functions down.
//!
//! Found by the engine's parallel first pass, the one that finds the context-taking siblings:
//! a byte scan picks the files that import `context` and write `Background()` or `TODO()`, and
//! only those are parsed. Which new roots count (not logging, cleanup or detached work) is the
//! rules' judgement: the engine hands the pass a function that makes it.

use std::path::{Path, PathBuf};

use super::siblings::{ByName, Declared};

/// A function or method of the scanned tree that takes no context and starts a root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RootStart {
    pub declared: Declared,
    /// The declaring file, as walked.
    pub file: PathBuf,
    /// The new root as written (`context.Background()`) and its 1-based line, in `file`: the
    /// declaring file, or the file of the last function of `via`.
    pub root: String,
    pub root_line: usize,
    /// The functions of the tree the declared one reaches the root through, in order: empty
    /// when it starts the root itself.
    pub via: Vec<Step>,
}

/// One call down a chain to a new root: the function called, and where the call is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Step {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
}

/// How many functions a chain from a call site down to a new root may go through (the callee
/// included): `fetch → load → query → context.Background()` is three.
pub const MAX_DEPTH: usize = 3;

impl AsRef<Declared> for RootStart {
    fn as_ref(&self) -> &Declared {
        &self.declared
    }
}

/// Whether a text (one declaration) writes `Background()` or `TODO()`: where a root may start
/// in a file that [`mentions_root`].
pub fn mentions_root_call(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"Background()").is_some()
        || memchr::memmem::find(bytes, b"TODO()").is_some()
}

/// Whether a Go file may start a root: it imports `context` and writes `Background()` or
/// `TODO()`.
pub fn mentions_root(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"context\"").is_some() && mentions_root_call(bytes)
}

/// The functions of the scanned tree that start a root, found by name (the first by file
/// when a package declares one in several, one per platform).
pub type RootIndex = ByName<RootStart>;

/// A path for messages: relative to `from` (the reporting file's directory) when it is below
/// it, else as walked without a leading `./` (a `vendor/` file, walked by its absolute path,
/// relative to the working directory when it is below it).
pub fn shown(path: &Path, from: Option<&Path>) -> String {
    let relative = from
        .filter(|d| !d.as_os_str().is_empty())
        .and_then(|d| path.strip_prefix(d).ok());
    let cwd = std::env::current_dir().ok();
    let walked = path.strip_prefix(".").unwrap_or(path);
    let walked = cwd
        .as_deref()
        .filter(|_| walked.is_absolute())
        .and_then(|cwd| walked.strip_prefix(cwd).ok())
        .unwrap_or(walked);
    relative.unwrap_or(walked).display().to_string()
}
