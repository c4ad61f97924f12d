//! Context-taking siblings: a function or method declared in the scanned tree (its `vendor/`
//! directory included) next to a variant named `<Name>Context`, `<Name>WithContext` or
//! `<Name>Ctx` that takes a `context.Context` first and otherwise the same parameters and
//! results (aws-sdk-go's `GetObject`/`GetObjectWithContext`, in-house clients). Calling the
//! plain one where a parent context exists drops it.
//!
//! Found by the engine's parallel first pass: a byte scan picks the files that may declare a
//! variant (a line `func … NameContext(ctx …` or an interface method `NameCtx(context.Context`)
//! and only those are parsed. A variant counts when its plain sibling is declared in the same
//! file with the same receiver, the same results and the same parameters after the context (a
//! trailing variadic option list may be added, as the AWS SDK does); anything else
//! (`FromContext`, `WithContext` constructors of a new context) is not a sibling.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use super::types::TypeRef;
use super::{parameters, GoFile, Param};
use crate::lang::{is_ident_byte, named_children};

/// The suffixes of a context-taking variant, longest first.
const SUFFIXES: &[&str] = &["WithContext", "Context", "Ctx"];

/// A function or method declared in the scanned tree, as the engine's first pass records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Declared {
    /// The directory of the declaring file, as walked.
    pub dir: PathBuf,
    /// The declaring package's import path (from the nearest `go.mod`, or the path after
    /// `vendor/`), when known.
    pub import_path: Option<String>,
    pub package: String,
    /// The receiver's type name for a method (of a struct or an interface); `None` for a
    /// function.
    pub receiver: Option<String>,
    pub name: String,
}

/// A function or method with a context-taking sibling.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sibling {
    /// The plain one, e.g. `GetObject`.
    pub declared: Declared,
    /// The variant's name, e.g. `GetObjectWithContext`.
    pub variant: String,
    /// Whether the variant's parameters after the context are exactly the plain one's: the
    /// call can be rewritten by renaming it and passing the context first.
    pub same_parameters: bool,
}

impl AsRef<Declared> for Sibling {
    fn as_ref(&self) -> &Declared {
        &self.declared
    }
}

/// How a variant's first parameter is typed, when it is not plainly `context.Context`: a name
/// that may be an alias of it (`aws.Context` with `type Context = context.Context`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum FirstParam {
    Context,
    /// `pkg.Name`, by import path.
    Imported(String, String),
    /// `Name`, declared in the same package.
    Local(String),
}

/// What one file declares about siblings: the candidates (not yet knowing whether an alias
/// makes their first parameter a context) and its aliases of `context.Context`.
#[derive(Debug, Clone, Default)]
pub struct FileSiblings {
    candidates: Vec<(Sibling, FirstParam)>,
    /// Type names declared `= context.Context`.
    aliases: Vec<String>,
    dir: PathBuf,
    import_path: Option<String>,
}

impl FileSiblings {
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty() && self.aliases.is_empty()
    }

    /// The import paths of the packages whose aliases decide whether a candidate's first
    /// parameter is a context (`aws.Context`): they must be read too.
    pub fn alias_packages(&self) -> impl Iterator<Item = &str> {
        self.candidates.iter().filter_map(|(_, first)| match first {
            FirstParam::Imported(path, _) => Some(path.as_str()),
            _ => None,
        })
    }
}

/// Whether a Go file may declare a context-taking sibling or an alias of `context.Context`:
/// a line that declares (`func …`, or an interface method line) a name ending in `Context(`
/// or `Ctx(` whose first parameter mentions `Context`, next to a declaration of a name it may
/// be the variant of ([`declares_plain`]), or a `= context.Context`. A byte scan: it may let
/// a file through that declares no sibling, never the reverse.
pub fn may_declare_sibling(bytes: &[u8]) -> bool {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // Two passes: `Context` (then `(` after it, or `= context.` before it) and `Ctx(`.
    static CONTEXT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Context"));
    static CTX: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Ctx("));
    let variant = |at: usize, len: usize| {
        let open = at + len - 1;
        declares_variant(bytes, at, len)
            && std::str::from_utf8(&bytes[ident_start(bytes, open)..open])
                .is_ok_and(|variant| plain_names(variant).any(|p| declares_plain(bytes, p)))
    };
    CONTEXT.find_iter(bytes).any(|at| match bytes.get(at + 7) {
        Some(b'(') => variant(at, 8),
        _ => bytes[..at].ends_with(b"= context."),
    }) || CTX.find_iter(bytes).any(|at| variant(at, 4))
}

/// Where the identifier that ends at `end` starts.
fn ident_start(bytes: &[u8], end: usize) -> usize {
    bytes[..end]
        .iter()
        .rposition(|b| !is_ident_byte(*b))
        .map_or(0, |i| i + 1)
}

/// Whether `name` may be declared in the file: the word followed by `(` or `[` (blanks
/// aside), where the line before it is blank (an interface method), is `func` or ends with the
/// `)` of a receiver or a comment's `*/`.
fn declares_plain(bytes: &[u8], name: &str) -> bool {
    memchr::memmem::find_iter(bytes, name.as_bytes()).any(|at| {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            return false;
        }
        let after = bytes[at + name.len()..].trim_ascii_start();
        if !after.starts_with(b"(") && !after.starts_with(b"[") {
            return false;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let before = bytes[line_start..at].trim_ascii();
        before.is_empty() || before == b"func" || before.ends_with(b")") || before.ends_with(b"*/")
    })
}

/// Whether the line around `at` (where `Context(`/`Ctx(` starts) declares a variant.
fn declares_variant(bytes: &[u8], at: usize, len: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let line = &bytes[line_start..at];
    let trimmed = line.trim_ascii_start();
    let declares = trimmed.starts_with(b"func ")
        || !trimmed.is_empty() && trimmed.iter().all(|b| is_ident_byte(*b)) && line_start != at;
    if !declares {
        return false;
    }
    let rest = &bytes[at + len..bytes.len().min(at + len + 80)];
    let first = rest
        .iter()
        .position(|b| *b == b',' || *b == b')')
        .map_or(rest, |end| &rest[..end]);
    memchr::memmem::find(first, b"Context").is_some()
}

/// The names whose variant `name` may be: `Get` for `GetCtx`, `GetWith` and `Get` for
/// `GetWithContext`; nothing for a name without a variant's suffix.
pub fn plain_names(name: &str) -> impl Iterator<Item = &str> {
    SUFFIXES
        .iter()
        .filter_map(move |s| name.strip_suffix(s).filter(|b| !b.is_empty()))
}

/// The siblings and aliases a parsed Go file declares (see the module docs).
pub fn siblings_in(file: &GoFile<'_>, dir: &Path, import_path: Option<String>) -> FileSiblings {
    let mut found = FileSiblings {
        dir: dir.to_path_buf(),
        import_path,
        ..FileSiblings::default()
    };
    // (receiver, name) → the declaration's signature.
    let mut declared: HashMap<(Option<&str>, &str), Signature<'_>> = HashMap::new();
    for decl in named_children(file.tree.root_node()) {
        match decl.kind() {
            "function_declaration" | "method_declaration" => {
                let receiver = match decl.child_by_field_name("receiver") {
                    Some(list) => match parameters(list).next().and_then(|p| type_name(file, p.ty))
                    {
                        Some(name) => Some(name),
                        None => continue,
                    },
                    None => None,
                };
                if let Some((name, signature)) = Signature::of(file, decl) {
                    declared.insert((receiver, name), signature);
                }
            }
            "type_declaration" => {
                for spec in named_children(decl) {
                    let Some(name) = spec.child_by_field_name("name").map(|n| file.text(n)) else {
                        continue;
                    };
                    let Some(ty) = spec.child_by_field_name("type") else {
                        continue;
                    };
                    if spec.kind() == "type_alias" && file.is_context_type(ty) {
                        found.aliases.push(name.to_string());
                    }
                    if spec.kind() == "type_spec" && ty.kind() == "interface_type" {
                        for method in named_children(ty)
                            .filter(|m| matches!(m.kind(), "method_elem" | "method_spec"))
                        {
                            if let Some((method_name, signature)) = Signature::of(file, method) {
                                declared.insert((Some(name), method_name), signature);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut keys: Vec<&(Option<&str>, &str)> = declared.keys().collect();
    keys.sort();
    for key @ (receiver, variant) in keys {
        let Some(base) = SUFFIXES
            .iter()
            .find_map(|s| variant.strip_suffix(s).filter(|b| !b.is_empty()))
        else {
            continue;
        };
        let (Some(with), Some(plain)) = (declared.get(key), declared.get(&(*receiver, base)))
        else {
            continue;
        };
        if with.params.is_empty() {
            continue;
        }
        let rest = &with.params[1..];
        let same_parameters = rest == plain.params.as_slice();
        let with_options = rest.len() == plain.params.len() + 1
            && rest[..plain.params.len()] == plain.params[..]
            && rest.last().is_some_and(|p| p.starts_with("..."));
        if with.results != plain.results || !(same_parameters || with_options) {
            continue;
        }
        let Some(first) = with.first_type.and_then(|t| first_param(file, t)) else {
            continue;
        };
        found.candidates.push((
            Sibling {
                declared: Declared {
                    dir: found.dir.clone(),
                    import_path: found.import_path.clone(),
                    package: file.package.clone(),
                    receiver: receiver.map(str::to_string),
                    name: base.to_string(),
                },
                variant: variant.to_string(),
                same_parameters,
            },
            first,
        ));
    }
    found
}

/// The parameter types (as written, without spaces) and results of a declaration.
struct Signature<'t> {
    params: Vec<String>,
    results: String,
    first_type: Option<Node<'t>>,
}

impl<'t> Signature<'t> {
    fn of<'s>(file: &GoFile<'s>, decl: Node<'t>) -> Option<(&'s str, Signature<'t>)> {
        let name = file.text(decl.child_by_field_name("name")?);
        let list = decl.child_by_field_name("parameters")?;
        let params: Vec<Param<'t>> = parameters(list).collect();
        let written = |ty: Node<'_>| -> String {
            let variadic = ty
                .parent()
                .is_some_and(|p| p.kind() == "variadic_parameter_declaration");
            let text: String = file.text(ty).split_whitespace().collect();
            if variadic {
                format!("...{text}")
            } else {
                text
            }
        };
        let results = decl
            .child_by_field_name("result")
            .map(|r| match r.kind() {
                "parameter_list" => parameters(r)
                    .map(|p| written(p.ty))
                    .collect::<Vec<_>>()
                    .join(","),
                _ => written(r),
            })
            .unwrap_or_default();
        Some((
            name,
            Signature {
                params: params.iter().map(|p| written(p.ty)).collect(),
                results,
                first_type: params.first().map(|p| p.ty),
            },
        ))
    }
}

/// The first parameter's type, if it may be a context.
fn first_param(file: &GoFile<'_>, ty: Node<'_>) -> Option<FirstParam> {
    if file.is_context_type(ty) {
        return Some(FirstParam::Context);
    }
    match ty.kind() {
        "qualified_type" => {
            let package = file.text(ty.child_by_field_name("package")?);
            let name = file.text(ty.child_by_field_name("name")?);
            let path = file.imports.path_of(package)?;
            Some(FirstParam::Imported(path.to_string(), name.to_string()))
        }
        "type_identifier" => Some(FirstParam::Local(file.text(ty).to_string())),
        _ => None,
    }
}

/// The name of a receiver's type: `T` for `T`, `*T`, `T[K]`, `*T[K]`.
pub(crate) fn type_name<'s>(file: &GoFile<'s>, ty: Node<'_>) -> Option<&'s str> {
    match ty.kind() {
        "pointer_type" | "parenthesized_type" => type_name(file, named_children(ty).next()?),
        "generic_type" => type_name(file, ty.child_by_field_name("type")?),
        "type_identifier" => Some(file.text(ty)),
        _ => None,
    }
}

/// The functions and methods with a context-taking sibling, by plain name.
pub type SiblingIndex = ByName<Sibling>;

impl ByName<Sibling> {
    /// Builds the index from each file's findings; the result does not depend on their order.
    pub fn siblings(files: Vec<FileSiblings>) -> SiblingIndex {
        // Aliases of `context.Context`: by import path, and by directory for local names.
        let mut by_path: HashSet<(&str, &str)> = HashSet::new();
        let mut by_dir: HashSet<(&Path, &str)> = HashSet::new();
        for file in &files {
            for alias in &file.aliases {
                if let Some(path) = &file.import_path {
                    by_path.insert((path, alias));
                }
                by_dir.insert((&file.dir, alias));
            }
        }
        let candidates = files.iter().flat_map(|file| {
            file.candidates
                .iter()
                .filter(|(_, first)| match first {
                    FirstParam::Context => true,
                    FirstParam::Imported(path, name) => {
                        by_path.contains(&(path.as_str(), name.as_str()))
                    }
                    FirstParam::Local(name) => {
                        by_dir.contains(&(file.dir.as_path(), name.as_str()))
                    }
                })
                .map(|(sibling, _)| sibling.clone())
        });
        ByName::new(candidates)
    }
}

/// Declarations of the scanned tree by name (siblings, functions that start a root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByName<T> {
    by_name: HashMap<String, Vec<T>>,
    /// The (first byte, last byte) pairs of the names, a bit each: most words of a text are
    /// ruled out by it before any hashing.
    ends: Vec<u64>,
}

impl<T> Default for ByName<T> {
    fn default() -> Self {
        ByName {
            by_name: HashMap::new(),
            ends: Vec::new(),
        }
    }
}

/// The bit of [`ByName::ends`] of a non-empty name.
fn ends_bit(name: &[u8]) -> usize {
    usize::from(name[0]) << 8 | usize::from(name[name.len() - 1])
}

impl<T: AsRef<Declared> + Ord> ByName<T> {
    /// Builds the index; the result does not depend on the order of `all`.
    pub fn new(all: impl IntoIterator<Item = T>) -> ByName<T> {
        let all: BTreeSet<T> = all.into_iter().collect();
        let mut by_name: HashMap<String, Vec<T>> = HashMap::new();
        for declaration in all {
            by_name
                .entry(declaration.as_ref().name.clone())
                .or_default()
                .push(declaration);
        }
        let mut ends = vec![0u64; 1 << 10];
        for name in by_name.keys().filter(|n| !n.is_empty()) {
            let bit = ends_bit(name.as_bytes());
            ends[bit / 64] |= 1 << (bit % 64);
        }
        ByName { by_name, ends }
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_name.values().map(Vec::len).sum()
    }

    /// Whether some declaration has this name.
    pub fn has_name(&self, name: &str) -> bool {
        let bytes = name.as_bytes();
        if bytes.is_empty() || self.ends.is_empty() {
            return false;
        }
        let bit = ends_bit(bytes);
        self.ends[bit / 64] & (1 << (bit % 64)) != 0 && self.by_name.contains_key(name)
    }

    /// Whether `text` may call one of the declarations: one of the names followed by `(`.
    pub fn called_in(&self, text: &str) -> bool {
        !self.is_empty() && !called_names(text, |name| self.has_name(name)).is_empty()
    }

    /// Where `text`, of a file in `dir`, may call one of the declarations (the starts of the
    /// names): one of the names followed by `(`, of a declaration in `dir` or of a package
    /// whose import path `reachable` accepts (one the file imports, or the package of a type
    /// the file can reach). A byte scan: never leaves out a call [`GoFile::find_declared`] can
    /// find a declaration of.
    pub fn calls_from<'t>(
        &self,
        text: &'t str,
        dir: Option<&Path>,
        reachable: impl Fn(&str) -> bool,
    ) -> Vec<usize> {
        if self.is_empty() {
            return Vec::new();
        }
        // Whether each name met so far is declared where the file can reach it.
        let known: std::cell::RefCell<HashMap<&'t str, bool>> = Default::default();
        let here = |name: &'t str| {
            if !self.has_name(name) {
                return false;
            }
            if let Some(&known) = known.borrow().get(name) {
                return known;
            }
            let found = self.by_name.get(name).is_some_and(|all| {
                all.iter().any(|d| {
                    let d = d.as_ref();
                    dir.is_none_or(|dir| d.dir == dir)
                        || d.import_path.as_deref().is_some_and(&reachable)
                })
            });
            known.borrow_mut().insert(name, found);
            found
        };
        called_names(text, here)
            .into_iter()
            .map(|call| call.start)
            .collect()
    }

    /// [`ByName::calls_from`] for the file at `path` with this text: the packages it can reach
    /// are those whose import path it names and those of the types its package's type facts
    /// `types` have.
    pub fn calls_in_file(
        &self,
        text: &str,
        path: Option<&Path>,
        types: &super::types::TypeIndex,
    ) -> Vec<usize> {
        let dir = path.and_then(Path::parent);
        self.calls_from(text, dir, |import| {
            memchr::memmem::find(text.as_bytes(), import.as_bytes()).is_some()
                || dir.is_some_and(|d| types.has_type_of_package_in(d, import))
        })
    }

    /// The declaration `name` with the receiver type `receiver` in the package `package` (by
    /// directory or import path); the first in order when the package has several (one per
    /// platform).
    pub fn find(&self, name: &str, receiver: Option<&str>, package: PackageRef<'_>) -> Option<&T> {
        self.by_name.get(name)?.iter().find(|d| {
            let d = d.as_ref();
            d.receiver.as_deref() == receiver
                && package.declares(&d.dir, &d.package, d.import_path.as_deref())
        })
    }
}

/// The byte ranges of the identifiers followed by `(` in `text` whose name satisfies `wanted`,
/// in order (a text scan: comments and strings included).
pub fn called_names<'t>(
    text: &'t str,
    wanted: impl Fn(&'t str) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for open in memchr::memchr_iter(b'(', bytes) {
        if open == 0 || !is_ident_byte(bytes[open - 1]) {
            continue;
        }
        let start = bytes[..open]
            .iter()
            .rposition(|b| !is_ident_byte(*b))
            .map_or(0, |i| i + 1);
        if text.get(start..open).is_some_and(&wanted) {
            found.push(start..open);
        }
    }
    found
}

impl GoFile<'_> {
    /// Resolves a call of a function or method that the scanned tree may declare, and asks
    /// `find` about it with its name, the receiver's type name (for a method) and the
    /// declaring package: `Name(…)` of this file's package (not a local func value),
    /// `pkg.Name(…)` by import path, `x.Name(…)` on a receiver whose type the syntax shows (see
    /// [`types`](super::types)). Nothing is guessed: a method on a value of unknown type is
    /// `None`, however few types declare a method of that name.
    pub fn find_declared<R>(
        &self,
        call: Node<'_>,
        find: impl FnOnce(&str, Option<&str>, PackageRef<'_>) -> Option<R>,
    ) -> Option<R> {
        let function = call.child_by_field_name("function")?;
        match self.callee(call) {
            Some(super::Callee::Package { path, name }) => {
                find(name, None, PackageRef::Import(path))
            }
            Some(super::Callee::Local { name }) => {
                // A local variable or parameter holding a func value is not the function.
                if super::declaration_of(function, self.source).is_some() {
                    return None;
                }
                find(name, None, PackageRef::Dir(self.dir?, &self.package))
            }
            None => {
                if function.kind() != "selector_expression" {
                    return None;
                }
                let name = self.text(function.child_by_field_name("field")?);
                let here = PackageRef::Dir(self.dir?, &self.package);
                match self.type_of(function.child_by_field_name("operand")?)? {
                    TypeRef::Local(owner) => find(name, Some(&owner), here),
                    TypeRef::Imported(path, owner) => {
                        find(name, Some(&owner), PackageRef::Import(&path))
                    }
                    TypeRef::Std(_) => None,
                }
            }
        }
    }
}

/// Where a callee is declared: the package in a directory (the calling file's own), or the
/// package an import path names.
#[derive(Debug, Clone, Copy)]
pub enum PackageRef<'a> {
    Dir(&'a Path, &'a str),
    Import(&'a str),
}

impl PackageRef<'_> {
    /// Whether this is the package `package` declared in `dir` with the import path
    /// `import_path` (a `main` or external test package cannot be imported).
    pub fn declares(self, dir: &Path, package: &str, import_path: Option<&str>) -> bool {
        match self {
            PackageRef::Dir(d, name) => dir == d && package == name,
            PackageRef::Import(path) => {
                import_path == Some(path) && package != "main" && !package.ends_with("_test")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::go::GoSettings;
    use crate::lang::{parse, Language};

    fn found(src: &str) -> Vec<(Option<String>, String, String, bool)> {
        let tree = parse(Language::Go, src).unwrap();
        let settings = GoSettings::default();
        let file = GoFile::new(src, &tree, &settings);
        let siblings = siblings_in(&file, Path::new("d"), Some("x/p".into()));
        SiblingIndex::siblings(vec![siblings])
            .by_name
            .into_values()
            .flatten()
            .map(|s| {
                (
                    s.declared.receiver,
                    s.declared.name,
                    s.variant,
                    s.same_parameters,
                )
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn variants_need_the_same_signature_after_the_context() {
        let src = "package p\nimport \"context\"\n\
            type Context = context.Context\n\
            type C struct{}\n\
            func (c *C) Get(k string) (string, error) { return \"\", nil }\n\
            func (c *C) GetCtx(ctx context.Context, k string) (string, error) { return \"\", nil }\n\
            func (c C) Put(k string) error { return nil }\n\
            func (c C) PutWithContext(ctx Context, k string, opts ...Option) error { return nil }\n\
            func From(x int) int { return x }\n\
            func FromContext(ctx context.Context) int { return 0 }\n\
            func Do() error { return nil }\n\
            func DoContext(ctx context.Context) (context.Context, error) { return ctx, nil }\n\
            func Run(a, b int) {}\n\
            func RunContext(ctx context.Context, a, b int) {}\n\
            type API interface {\n\tList(in *In) error\n\tListContext(context.Context, *In) error\n}\n";
        assert!(may_declare_sibling(src.as_bytes()));
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            found(src),
            [
                (None, "Run".into(), "RunContext".into(), true),
                (some("API"), "List".into(), "ListContext".into(), true),
                (some("C"), "Get".into(), "GetCtx".into(), true),
                (some("C"), "Put".into(), "PutWithContext".into(), false),
            ]
        );
    }

    #[test]
    fn the_byte_scan_skips_files_without_sibling_declarations() {
        assert!(!may_declare_sibling(
            b"package p\nfunc f(r *http.Request) { g(r.Context()) }\n"
        ));
        // A variant without a plain declaration beside it.
        assert!(!may_declare_sibling(
            b"package p\nfunc (c *C) GetContext(ctx context.Context) {}\nfunc f() { Get() }\n"
        ));
        assert!(may_declare_sibling(
            b"package p\nfunc (c *C) Get() {}\nfunc (c *C) GetContext(ctx context.Context) {}\n"
        ));
        assert!(may_declare_sibling(
            b"package p\nfunc Get[T any]() {}\nfunc GetWithContext(ctx context.Context) {}\n"
        ));
        assert!(may_declare_sibling(
            b"type I interface {\n\tGet() error\n\tGetCtx(ctx aws.Context) error\n}\n"
        ));
        assert!(may_declare_sibling(
            b"package p\nfunc (\n\tc *C,\n) Get() {}\nfunc (c *C) GetCtx(ctx context.Context) {}\n"
        ));
        assert!(may_declare_sibling(
            b"package p\ntype Context = context.Context\n"
        ));
    }
}
