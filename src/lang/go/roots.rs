//! Functions that start their own root: a function or method declared in the scanned tree (its
//! `vendor/` directory included) that takes no context and calls `context.Background()` or
//! `context.TODO()` for cancellable work. Calling one where a parent context exists drops that
//! context (callee-drops-context).
//!
//! Found by the engine's parallel first pass, the one that finds the context-taking siblings:
//! a byte scan picks the files that import `context` and write `Background()` or `TODO()`, and
//! only those are parsed. Which new roots count (not logging, cleanup or detached work) is the
//! rules' judgement: the engine hands the pass a function that makes it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::siblings::{called_names, PackageRef};

/// A function or method of the scanned tree that takes no context and starts a root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RootStart {
    /// The directory of the declaring file, as walked.
    pub dir: PathBuf,
    /// The declaring package's import path (from the nearest `go.mod`, or the path after
    /// `vendor/`), when known.
    pub import_path: Option<String>,
    pub package: String,
    /// The receiver's type name for a method; `None` for a function.
    pub receiver: Option<String>,
    pub name: String,
    /// The declaring file, as walked.
    pub file: PathBuf,
    /// The new root as written (`context.Background()`) and its 1-based line.
    pub root: String,
    pub root_line: usize,
}

/// Whether a Go file may start a root: it imports `context` and writes `Background()` or
/// `TODO()`.
pub fn mentions_root(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"context\"").is_some()
        && (memchr::memmem::find(bytes, b"Background()").is_some()
            || memchr::memmem::find(bytes, b"TODO()").is_some())
}

/// The functions of the scanned tree that start a root, found by name.
#[derive(Debug, Clone, Default)]
pub struct RootIndex {
    by_name: HashMap<String, Vec<RootStart>>,
}

impl RootIndex {
    /// Builds the index from each file's functions; the result does not depend on their order.
    pub fn new(files: Vec<Vec<RootStart>>) -> RootIndex {
        let all: BTreeSet<RootStart> = files.into_iter().flatten().collect();
        let mut by_name: HashMap<String, Vec<RootStart>> = HashMap::new();
        for start in all {
            by_name.entry(start.name.clone()).or_default().push(start);
        }
        RootIndex { by_name }
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_name.values().map(Vec::len).sum()
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Whether `text` may call a function that starts a root: one of the names followed by `(`.
    pub fn called_in(&self, text: &str) -> bool {
        !self.is_empty() && !called_names(text, |name| self.has_name(name)).is_empty()
    }

    /// The function `name` with the receiver type `receiver` declared in `package` (the first
    /// by file when the package declares it in several, one per platform).
    pub fn find(
        &self,
        name: &str,
        receiver: Option<&str>,
        package: PackageRef<'_>,
    ) -> Option<&RootStart> {
        self.by_name.get(name)?.iter().find(|s| {
            s.receiver.as_deref() == receiver
                && package.declares(&s.dir, &s.package, s.import_path.as_deref())
        })
    }
}

/// A path for messages: relative to `from` (the reporting file's directory) when it is below
/// it, else as walked.
pub fn shown(path: &Path, from: Option<&Path>) -> String {
    let relative = from
        .filter(|d| !d.as_os_str().is_empty())
        .and_then(|d| path.strip_prefix(d).ok());
    relative.unwrap_or(path).display().to_string()
}
