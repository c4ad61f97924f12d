//! The functions and methods of the scanned tree that detach a context parameter at once: every
//! reference to the parameter is the argument of `context.WithoutCancel(...)` (boulder's
//! `runExperiment` starts with `ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx),
//! d)`). Handing the parameter such a function runs no work the caller's cancellation can cut
//! short.
//!
//! Few calls ever need to know, so nothing is read for it up front: the engine hands the index
//! the linted Go files, and a rule asks about a function of a directory
//! ([`DetachIndex::detaches`]) only for a finding it is about to make. The first time a directory
//! is asked about, its files that write `WithoutCancel` ([`mentions_detach`]) are read, outlined,
//! and parsed in part (every declaration other than a function, and the functions that write
//! `WithoutCancel`), once. A lookup asks whether any file of the directory declares such a
//! function of that package, receiver type and name, so the answer does not depend on the order
//! the files came in nor on which file asked first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use memchr::memmem::Finder;
use tree_sitter::Node;

use super::{function_parameters, outline, references, GoFile, GoSettings, CONTEXT_PATHS};
use crate::lang::named_children;

/// Whether a Go text (a file, a function) can declare a detaching function: it writes
/// `WithoutCancel`.
pub fn mentions_detach(bytes: &[u8]) -> bool {
    static DETACH: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("WithoutCancel"));
    DETACH.find(bytes).is_some()
}

/// One function (or method, with its receiver's type name) and the index of a context
/// parameter it detaches at once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Detacher {
    pub receiver: Option<String>,
    pub name: String,
    pub param: usize,
}

/// The detaching functions and methods a parsed Go text declares.
pub fn detachers_in(file: &GoFile<'_>) -> Vec<Detacher> {
    let mut found = Vec::new();
    for function in named_children(file.tree.root_node()) {
        let receiver = match function.kind() {
            "function_declaration" => None,
            "method_declaration" => match receiver_type(file, function) {
                Some(name) => Some(name),
                None => continue,
            },
            _ => continue,
        };
        let Some(name) = function.child_by_field_name("name") else {
            continue;
        };
        if function.child_by_field_name("body").is_none() {
            continue;
        }
        for (index, param) in function_parameters(function).enumerate() {
            let Some(param_name) = param.name.filter(|n| file.text(*n) != "_") else {
                continue;
            };
            if !file.is_context_type(param.ty) {
                continue;
            }
            let uses: Vec<Node<'_>> = references(function, param_name, file.source)
                .into_iter()
                .filter(|r| *r != param_name)
                .collect();
            if !uses.is_empty() && uses.iter().all(|r| detached_here(file, *r)) {
                found.push(Detacher {
                    receiver: receiver.clone(),
                    name: file.text(name).to_string(),
                    param: index,
                });
            }
        }
    }
    found
}

/// Whether the reference is the argument of `context.WithoutCancel(...)`.
fn detached_here(file: &GoFile<'_>, reference: Node<'_>) -> bool {
    reference
        .parent()
        .filter(|p| p.kind() == "argument_list")
        .and_then(|a| a.parent())
        .is_some_and(|call| file.calls_package(call, CONTEXT_PATHS) == Some("WithoutCancel"))
}

/// The name of the type of a method's receiver (`T` for `(r *T)`, `(r T[K])`).
fn receiver_type(file: &GoFile<'_>, method: Node<'_>) -> Option<String> {
    let list = method.child_by_field_name("receiver")?;
    let ty = super::parameters(list).next()?.ty;
    super::siblings::type_name(file, ty).map(str::to_string)
}

/// What a file declares: its package's name and its detaching functions.
type Declared = (String, Vec<Detacher>);

/// What the Go text `text` declares: `None` when its parse did not finish (a time budget ran
/// out). Only every declaration other than a lone function and the functions that write
/// `WithoutCancel` are parsed (see [`super::needed_ranges`]).
fn declared_in(text: &str) -> Option<Declared> {
    let ranges = outline::outline(text).and_then(|items| {
        super::needed_ranges(text, &items, |_, _, function| mentions_detach(function))
    });
    let tree = match ranges {
        Some(ranges) => crate::lang::parse_ranges(crate::lang::Language::Go, text, &ranges)?,
        None => crate::lang::parse(crate::lang::Language::Go, text)?,
    };
    let settings = GoSettings::empty();
    Some(crate::lang::with_root(&tree, || {
        let file = GoFile::new(text, &tree, &settings);
        (file.package.clone(), detachers_in(&file))
    }))
}

/// The detaching functions the files `paths` declare; `None` when a parse did not finish. Files
/// that cannot be read, are larger than `max_file_size` or are not UTF-8 are left out.
fn read_files(paths: &[PathBuf], max_file_size: u64) -> Option<Vec<Declared>> {
    let mut found = Vec::new();
    for path in paths {
        let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= max_file_size);
        let Some(text) = small
            .then(|| std::fs::read(path).ok())
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
        else {
            continue;
        };
        if !mentions_detach(text.as_bytes()) {
            continue;
        }
        found.push(declared_in(&text)?);
    }
    Some(found)
}

/// One directory's linted Go files and, once a lookup has read them, what they declare.
#[derive(Debug, Default)]
struct Directory {
    paths: Vec<PathBuf>,
    read: OnceLock<Vec<Declared>>,
}

impl Directory {
    /// What the directory's files declare, read on the first call. A read cut short by a time
    /// budget is not kept: the next lookup reads again.
    fn declared(&self, max_file_size: u64) -> std::borrow::Cow<'_, [Declared]> {
        if let Some(read) = self.read.get() {
            return std::borrow::Cow::Borrowed(read);
        }
        match read_files(&self.paths, max_file_size) {
            Some(read) => std::borrow::Cow::Borrowed(self.read.get_or_init(|| read)),
            None => std::borrow::Cow::Owned(Vec::new()),
        }
    }
}

/// The linted Go files, grouped by directory at the first lookup (see the module docs).
#[derive(Debug, Default)]
pub struct DetachIndex {
    files: Vec<PathBuf>,
    max_file_size: u64,
    directories: OnceLock<HashMap<PathBuf, Directory>>,
}

impl PartialEq for DetachIndex {
    /// The same files (what has been read of them is a cache).
    fn eq(&self, other: &DetachIndex) -> bool {
        self.files == other.files && self.max_file_size == other.max_file_size
    }
}

impl Eq for DetachIndex {}

impl DetachIndex {
    /// Over the linted Go files `files`, each read when a lookup asks about its directory and
    /// only when no larger than `max_file_size`.
    pub fn new(files: Vec<PathBuf>, max_file_size: u64) -> DetachIndex {
        DetachIndex {
            files,
            max_file_size,
            directories: OnceLock::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether the function (or method of the type `receiver`) `name` of the package `package`
    /// in `dir` detaches its parameter `param`. Reads the directory's files the first time it
    /// is asked about.
    pub fn detaches(
        &self,
        dir: &Path,
        package: &str,
        receiver: Option<&str>,
        name: &str,
        param: usize,
    ) -> bool {
        if self.files.is_empty() {
            return false;
        }
        let directories = self.directories.get_or_init(|| {
            let mut directories: HashMap<PathBuf, Directory> = HashMap::new();
            for path in &self.files {
                let dir = path.parent().unwrap_or(Path::new(""));
                directories
                    .entry(dir.to_path_buf())
                    .or_default()
                    .paths
                    .push(path.clone());
            }
            directories
        });
        let Some(directory) = directories.get(dir) else {
            return false;
        };
        let wanted = Detacher {
            receiver: receiver.map(str::to_string),
            name: name.to_string(),
            param,
        };
        directory
            .declared(self.max_file_size)
            .iter()
            .any(|(declared, detachers)| declared == package && detachers.contains(&wanted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VA: &str = "// Package va validates.\npackage va\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\n\
        type VA struct{ timeout time.Duration }\n\n\
        // runExperiment detaches.\n\
        func (va *VA) runExperiment(ctx context.Context, op string) {\n\
        \tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), va.timeout)\n\
        \tdefer cancel()\n\t_ = ctx\n}\n\n\
        func (va *VA) work(ctx context.Context) error { return ctx.Err() }\n\n\
        func notify(c context.Context, name string) { send(context.WithoutCancel(c), name) }\n\n\
        func both(ctx context.Context) { send(context.WithoutCancel(ctx), \"\"); send(ctx, \"\") }\n\n\
        func a() {}; func b(ctx context.Context) { f(context.WithoutCancel(ctx)) }\n";

    #[test]
    fn a_lookup_reads_the_functions_of_its_directory_that_write_it() {
        let dir = tempfile::tempdir().unwrap();
        let va = dir.path().join("va");
        std::fs::create_dir(&va).unwrap();
        std::fs::write(va.join("va.go"), VA).unwrap();
        std::fs::write(va.join("other.go"), "package va\n\nfunc other() {}\n").unwrap();
        let files = vec![va.join("va.go"), va.join("other.go")];
        let index = DetachIndex::new(files.clone(), u64::MAX);
        assert!(index.detaches(&va, "va", Some("VA"), "runExperiment", 0));
        assert!(index.detaches(&va, "va", None, "notify", 0));
        assert!(index.detaches(&va, "va", None, "b", 0));
        assert!(!index.detaches(&va, "va", None, "runExperiment", 0));
        assert!(!index.detaches(&va, "va", Some("Other"), "runExperiment", 0));
        assert!(!index.detaches(&va, "va", Some("VA"), "runExperiment", 1));
        assert!(!index.detaches(&va, "va", Some("VA"), "work", 0));
        assert!(!index.detaches(&va, "va", None, "both", 0));
        assert!(!index.detaches(&va, "va_test", None, "notify", 0));
        assert!(!index.detaches(dir.path(), "va", None, "notify", 0));
        assert_eq!(index, DetachIndex::new(files.clone(), u64::MAX));
        let too_small = DetachIndex::new(files, 100);
        assert!(!too_small.detaches(&va, "va", None, "notify", 0));
        assert!(mentions_detach(VA.as_bytes()) && !mentions_detach(b"package va\n"));
    }
}
