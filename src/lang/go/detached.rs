//! The functions and methods of the scanned tree that detach a context parameter at once: every
//! reference to the parameter is the argument of `context.WithoutCancel(...)` (boulder's
//! `runExperiment` starts with `ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx),
//! d)`). Handing the parameter such a function runs no work the caller's cancellation can cut
//! short.
//!
//! Few calls ever need to know, so nothing is parsed for it up front: the engine's first pass
//! keeps, from the outline of the files that write `WithoutCancel` ([`candidates_in`]), the text
//! of the functions that do (with the file's package clause and imports), by directory and name.
//! A function is parsed and read only when a rule asks about it ([`DetachIndex::detaches`]), at
//! most once. Each lookup asks whether any of the candidates of that name is such a function,
//! so the answer does not depend on the order the files came in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tree_sitter::Node;

use super::{function_parameters, outline, references, GoFile, GoSettings, CONTEXT_PATHS};
use crate::lang::named_children;

/// Whether a Go text (a file, a function) can declare a detaching function: it writes
/// `WithoutCancel`.
pub fn mentions_detach(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"WithoutCancel").is_some()
}

/// One function (or method, with its receiver's type name) and the index of a context
/// parameter it detaches at once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Detacher {
    pub receiver: Option<String>,
    pub name: String,
    pub param: usize,
}

/// A piece of a file that may declare a detaching function, unparsed: the file's package clause
/// and imports followed by one function or method that writes `WithoutCancel` (`name` is its
/// name), or, when the outline cannot tell the functions apart, the whole file (`name` is
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Candidate {
    pub name: Option<String>,
    pub text: String,
}

/// The candidates of a Go file that writes `WithoutCancel` (see [`Candidate`]), from its outline
/// and a byte search: nothing is parsed.
pub fn candidates_in(source: &str) -> Vec<Candidate> {
    if !mentions_detach(source.as_bytes()) {
        return Vec::new();
    }
    let whole = || {
        vec![Candidate {
            name: None,
            text: source.to_string(),
        }]
    };
    let Some(items) = outline::outline(source) else {
        return whole();
    };
    let text_of = |item: &outline::Item<'_>| source.get(item.range.clone()).unwrap_or("");
    let mut header = String::new();
    let mut functions = Vec::new();
    for item in &items {
        let text = text_of(item);
        if let Some(name) = item.function {
            if mentions_detach(text.as_bytes()) {
                functions.push((name, text));
            }
            continue;
        }
        // Several declarations on a line, one of them a function that may detach: the
        // functions are not told apart without parsing.
        if item.words.contains(&"func") && mentions_detach(text.as_bytes()) {
            return whole();
        }
        if matches!(item.words.first(), Some(&"package" | &"import")) {
            header.push_str(text);
        }
    }
    functions
        .into_iter()
        .map(|(name, text)| Candidate {
            name: Some(name.to_string()),
            text: format!("{header}{text}"),
        })
        .collect()
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

/// What a candidate declares, once read: its package's name and its detaching functions.
#[derive(Debug)]
struct Read {
    package: String,
    detachers: Vec<Detacher>,
}

/// A candidate and, once a lookup has needed it, what it declares.
#[derive(Debug)]
struct Piece {
    text: String,
    read: OnceLock<Read>,
}

impl Piece {
    /// What the piece declares, parsed on the first call. A parse that does not finish (a
    /// time budget ran out) is not kept: the next lookup tries again.
    fn read(&self) -> Option<&Read> {
        if let Some(read) = self.read.get() {
            return Some(read);
        }
        let tree = crate::lang::parse(crate::lang::Language::Go, &self.text)?;
        let settings = GoSettings::empty();
        let read = crate::lang::with_root(&tree, || {
            let file = GoFile::new(&self.text, &tree, &settings);
            Read {
                package: file.package.clone(),
                detachers: detachers_in(&file),
            }
        });
        Some(self.read.get_or_init(|| read))
    }
}

/// The candidates of the scanned tree, by directory and name (see the module docs).
#[derive(Debug, Default)]
pub struct DetachIndex {
    /// By directory and function name; `None` for the whole files whose functions the outline
    /// could not tell apart. Each list sorted by text, without repeats.
    pieces: HashMap<(PathBuf, Option<String>), Vec<Piece>>,
}

impl PartialEq for DetachIndex {
    /// Equal candidates (what has been read of them is a cache).
    fn eq(&self, other: &DetachIndex) -> bool {
        self.pieces.len() == other.pieces.len()
            && self.pieces.iter().all(|(key, pieces)| {
                other.pieces.get(key).is_some_and(|others| {
                    pieces.len() == others.len()
                        && pieces.iter().zip(others).all(|(a, b)| a.text == b.text)
                })
            })
    }
}

impl Eq for DetachIndex {}

impl DetachIndex {
    /// From each file's directory and candidates.
    pub fn new(files: impl IntoIterator<Item = (PathBuf, Vec<Candidate>)>) -> DetachIndex {
        let mut texts: HashMap<(PathBuf, Option<String>), Vec<String>> = HashMap::new();
        for (dir, candidates) in files {
            for c in candidates {
                texts.entry((dir.clone(), c.name)).or_default().push(c.text);
            }
        }
        let pieces = texts
            .into_iter()
            .map(|(key, mut texts)| {
                texts.sort();
                texts.dedup();
                let pieces = texts
                    .into_iter()
                    .map(|text| Piece {
                        text,
                        read: OnceLock::new(),
                    })
                    .collect();
                (key, pieces)
            })
            .collect();
        DetachIndex { pieces }
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Whether the function (or method of the type `receiver`) `name` of the package `package`
    /// in `dir` detaches its parameter `param`. Reads (parses) the candidates of that name in
    /// `dir` the first time they are asked about.
    pub fn detaches(
        &self,
        dir: &Path,
        package: &str,
        receiver: Option<&str>,
        name: &str,
        param: usize,
    ) -> bool {
        if self.pieces.is_empty() {
            return false;
        }
        let wanted = Detacher {
            receiver: receiver.map(str::to_string),
            name: name.to_string(),
            param,
        };
        let named = (dir.to_path_buf(), Some(name.to_string()));
        let whole = (dir.to_path_buf(), None);
        [named, whole]
            .iter()
            .filter_map(|key| self.pieces.get(key))
            .flatten()
            .filter_map(Piece::read)
            .any(|read| read.package == package && read.detachers.contains(&wanted))
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
        func both(ctx context.Context) { send(context.WithoutCancel(ctx), \"\"); send(ctx, \"\") }\n";

    #[test]
    fn only_the_functions_that_write_it_are_kept_with_the_package_clause_and_imports() {
        let found = candidates_in(VA);
        let names: Vec<Option<&str>> = found.iter().map(|c| c.name.as_deref()).collect();
        assert_eq!(names, [Some("runExperiment"), Some("notify"), Some("both")]);
        assert!(found[0]
            .text
            .starts_with("// Package va validates.\npackage va\n"));
        assert!(found[0].text.contains("\"time\"\n)\n"));
        assert!(!found[0].text.contains("type VA") && !found[0].text.contains("work"));
        assert!(candidates_in("package va\n\nfunc f() {}\n").is_empty());
    }

    #[test]
    fn functions_the_outline_cannot_tell_apart_keep_the_whole_file() {
        let text = "package va\nimport \"context\"\nfunc a() {}; func b(ctx context.Context) { f(context.WithoutCancel(ctx)) }\n";
        assert_eq!(
            candidates_in(text),
            [Candidate {
                name: None,
                text: text.to_string()
            }]
        );
        let index = DetachIndex::new([(PathBuf::from("va"), candidates_in(text))]);
        assert!(index.detaches(Path::new("va"), "va", None, "b", 0));
    }

    #[test]
    fn a_lookup_reads_the_candidates_of_its_name_in_its_package() {
        let index = DetachIndex::new([
            (PathBuf::from("va"), candidates_in(VA)),
            (PathBuf::from("va"), candidates_in(VA)),
        ]);
        let dir = Path::new("va");
        assert!(index.detaches(dir, "va", Some("VA"), "runExperiment", 0));
        assert!(index.detaches(dir, "va", None, "notify", 0));
        assert!(!index.detaches(dir, "va", None, "runExperiment", 0));
        assert!(!index.detaches(dir, "va", Some("Other"), "runExperiment", 0));
        assert!(!index.detaches(dir, "va", Some("VA"), "runExperiment", 1));
        assert!(!index.detaches(dir, "va", Some("VA"), "work", 0));
        assert!(!index.detaches(dir, "va", None, "both", 0));
        assert!(!index.detaches(dir, "va_test", None, "notify", 0));
        assert!(!index.detaches(Path::new("other"), "va", None, "notify", 0));
        let again = DetachIndex::new([(PathBuf::from("va"), candidates_in(VA))]);
        assert_eq!(index, again);
    }
}
