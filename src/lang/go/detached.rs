//! The functions and methods of the scanned tree that detach a context parameter at once: every
//! reference to the parameter is the argument of `context.WithoutCancel(...)` (boulder's
//! `runExperiment` starts with `ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx),
//! d)`). Handing the parameter such a function runs no work the caller's cancellation can cut
//! short.
//!
//! Few calls ever need to know, so nothing is read for it up front: the engine's first pass
//! keeps the text of the files that write `WithoutCancel` ([`mentions_detach`], a byte search),
//! by directory. When a rule asks about a function of a directory ([`DetachIndex::detaches`]),
//! the first time, those files are outlined and their functions that write `WithoutCancel`
//! parsed (with every declaration other than a function), once. A lookup asks whether any file
//! of the directory declares such a function of that package, receiver type and name, so the
//! answer does not depend on the order the files came in.

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
    let mut ty = super::parameters(list).next()?.ty;
    loop {
        match ty.kind() {
            "pointer_type" | "parenthesized_type" => ty = named_children(ty).next()?,
            "generic_type" => ty = ty.child_by_field_name("type")?,
            "type_identifier" => return Some(file.text(ty).to_string()),
            _ => return None,
        }
    }
}

/// A file that writes `WithoutCancel` and, once a lookup has needed it, what it declares: its
/// package's name and its detaching functions.
#[derive(Debug)]
struct Source {
    text: String,
    read: OnceLock<(String, Vec<Detacher>)>,
}

impl Source {
    /// What the file declares, parsed on the first call: every declaration other than a lone
    /// function, and the functions that write `WithoutCancel` (see [`super::needed_ranges`]).
    /// A parse that does not finish (a time budget ran out) is not kept: the next lookup tries
    /// again.
    fn read(&self) -> Option<&(String, Vec<Detacher>)> {
        if let Some(read) = self.read.get() {
            return Some(read);
        }
        let text = self.text.as_str();
        let ranges = outline::outline(text).and_then(|items| {
            super::needed_ranges(text, &items, |_, _, function| mentions_detach(function))
        });
        let tree = match ranges {
            Some(ranges) => crate::lang::parse_ranges(crate::lang::Language::Go, text, &ranges)?,
            None => crate::lang::parse(crate::lang::Language::Go, text)?,
        };
        let settings = GoSettings::empty();
        let read = crate::lang::with_root(&tree, || {
            let file = GoFile::new(text, &tree, &settings);
            (file.package.clone(), detachers_in(&file))
        });
        Some(self.read.get_or_init(|| read))
    }
}

/// The files of the scanned tree that may declare a detaching function, by directory (see the
/// module docs).
#[derive(Debug, Default)]
pub struct DetachIndex {
    /// Each directory's files, sorted by text, without repeats.
    sources: HashMap<PathBuf, Vec<Source>>,
}

impl PartialEq for DetachIndex {
    /// Equal texts (what has been read of them is a cache).
    fn eq(&self, other: &DetachIndex) -> bool {
        self.sources.len() == other.sources.len()
            && self.sources.iter().all(|(dir, sources)| {
                other.sources.get(dir).is_some_and(|others| {
                    sources.len() == others.len()
                        && sources.iter().zip(others).all(|(a, b)| a.text == b.text)
                })
            })
    }
}

impl Eq for DetachIndex {}

impl DetachIndex {
    /// From the directory and text of each file that writes `WithoutCancel`.
    pub fn new(files: impl IntoIterator<Item = (PathBuf, String)>) -> DetachIndex {
        let mut texts: HashMap<PathBuf, Vec<String>> = HashMap::new();
        for (dir, text) in files {
            texts.entry(dir).or_default().push(text);
        }
        let sources = texts
            .into_iter()
            .map(|(dir, mut texts)| {
                texts.sort();
                texts.dedup();
                let sources = texts
                    .into_iter()
                    .map(|text| Source {
                        text,
                        read: OnceLock::new(),
                    })
                    .collect();
                (dir, sources)
            })
            .collect();
        DetachIndex { sources }
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Whether the function (or method of the type `receiver`) `name` of the package `package`
    /// in `dir` detaches its parameter `param`. Reads (parses) the directory's files the first
    /// time it is asked about.
    pub fn detaches(
        &self,
        dir: &Path,
        package: &str,
        receiver: Option<&str>,
        name: &str,
        param: usize,
    ) -> bool {
        let Some(sources) = self.sources.get(dir) else {
            return false;
        };
        let wanted = Detacher {
            receiver: receiver.map(str::to_string),
            name: name.to_string(),
            param,
        };
        sources
            .iter()
            .filter_map(Source::read)
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
        let index = DetachIndex::new([
            (PathBuf::from("va"), VA.to_string()),
            (PathBuf::from("va"), VA.to_string()),
        ]);
        let dir = Path::new("va");
        assert!(index.detaches(dir, "va", Some("VA"), "runExperiment", 0));
        assert!(index.detaches(dir, "va", None, "notify", 0));
        assert!(index.detaches(dir, "va", None, "b", 0));
        assert!(!index.detaches(dir, "va", None, "runExperiment", 0));
        assert!(!index.detaches(dir, "va", Some("Other"), "runExperiment", 0));
        assert!(!index.detaches(dir, "va", Some("VA"), "runExperiment", 1));
        assert!(!index.detaches(dir, "va", Some("VA"), "work", 0));
        assert!(!index.detaches(dir, "va", None, "both", 0));
        assert!(!index.detaches(dir, "va_test", None, "notify", 0));
        assert!(!index.detaches(Path::new("other"), "va", None, "notify", 0));
        let again = DetachIndex::new([(PathBuf::from("va"), VA.to_string())]);
        assert_eq!(index, again);
        assert!(mentions_detach(VA.as_bytes()) && !mentions_detach(b"package va\n"));
    }
}
