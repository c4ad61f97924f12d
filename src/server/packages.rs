//! What each Go package directory declares (the type facts, context-taking siblings and
//! root-starting functions of its files and of the `vendor/` packages they import, and its files
//! where functions detaching a context parameter are looked for, see
//! [`engine::with_package_declarations`]), read from disk once and kept while the directory's
//! files are unchanged. Re-linting a document after an edit then neither reads its package
//! again nor loses the incremental re-lint, which reuses the previous lint only when the
//! indexes are the same ([`crate::incremental`]).
//!
//! An entry is dropped when a file of its directory is saved or changes on disk (a watched
//! file), and is checked against the directory's files (names, sizes, modification times)
//! before each use, so that a change the client does not report is seen too. A change under a
//! `vendor/` directory, or to a `go.mod`, drops every entry. The edits of an open document do
//! not change its package's entry: the package is read from disk, not from the editor.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::engine;
use crate::lang::go::{self, CancelWrapper, GoSettings};
use crate::settings::LintSettings;

/// The package indexes of the directories linted so far, shared by the lint workers.
#[derive(Default)]
pub struct PackageCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<PathBuf, Entry>,
    /// Counts the invalidations: a read that began before one is not kept.
    generation: u64,
}

struct Entry {
    /// The settings the package was read with (the rules that ran and the Go settings).
    read_with: (Vec<&'static str>, GoSettings),
    /// The directory's files when they were read.
    files: Vec<Stamp>,
    /// What the package declares (the Go settings after the read).
    declared: Declared,
}

/// A file as the directory listing shows it.
#[derive(PartialEq)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

#[derive(Clone)]
struct Declared {
    types: Arc<go::types::TypeIndex>,
    siblings: Arc<go::siblings::SiblingIndex>,
    roots: Arc<go::roots::RootIndex>,
    detached: Arc<go::detached::DetachIndex>,
    wrappers: Vec<CancelWrapper>,
}

impl PackageCache {
    /// `settings` with what the Go package in `dir` declares, as
    /// [`engine::with_package_declarations`] gives it, from the cache when its files are
    /// unchanged since they were read with the same settings.
    pub fn settings(&self, dir: &Path, settings: &LintSettings) -> LintSettings {
        let read_with = (
            settings.rules_to_run().iter().map(|r| r.name).collect(),
            settings.go.clone(),
        );
        let files = stamps(dir);
        let generation = {
            let state = self.lock();
            if let Some(entry) = state.entries.get(dir) {
                if entry.read_with == read_with && entry.files == files {
                    return with(settings, &entry.declared);
                }
            }
            state.generation
        };
        let read = engine::with_package_declarations(dir, settings);
        let go = &read.go;
        let declared = Declared {
            types: Arc::clone(&go.types),
            siblings: Arc::clone(&go.siblings),
            roots: Arc::clone(&go.roots),
            detached: Arc::clone(&go.detached),
            wrappers: go.wrappers.clone(),
        };
        let mut state = self.lock();
        if state.generation == generation {
            let entry = Entry {
                read_with,
                files,
                declared,
            };
            state.entries.insert(dir.to_path_buf(), entry);
        }
        read
    }

    /// The file at `path` was saved or changed on disk: what was read from its directory (every
    /// package, for a file under `vendor/` or a `go.mod`) is read again on next use.
    pub fn invalidate(&self, path: &Path) {
        let mut state = self.lock();
        state.generation += 1;
        let in_vendor = path
            .components()
            .any(|c| c == Component::Normal("vendor".as_ref()));
        let go_mod = path.file_name().is_some_and(|n| n == "go.mod");
        if in_vendor || go_mod {
            state.entries.clear();
        } else if let Some(dir) = path.parent() {
            state.entries.remove(dir);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A worker that panicked while holding the lock left the map whole (it only inserts).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `settings` with the indexes and wrappers of a package read before.
fn with(settings: &LintSettings, declared: &Declared) -> LintSettings {
    let mut settings = settings.clone();
    let go = &mut settings.go;
    go.types = Arc::clone(&declared.types);
    go.siblings = Arc::clone(&declared.siblings);
    go.roots = Arc::clone(&declared.roots);
    go.detached = Arc::clone(&declared.detached);
    go.wrappers = declared.wrappers.clone();
    settings
}

/// The package's files (those [`engine::with_package_declarations`] reads from the
/// directory) with their sizes and modification times.
fn stamps(dir: &Path) -> Vec<Stamp> {
    engine::package_files(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|path| {
            let metadata = std::fs::metadata(&path).ok();
            Stamp {
                len: metadata.as_ref().map_or(0, |m| m.len()),
                modified: metadata.and_then(|m| m.modified().ok()),
                path,
            }
        })
        .collect()
}
