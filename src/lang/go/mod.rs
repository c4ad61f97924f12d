//! The Go layer shared by every Go rule: the file's package and import table, resolving
//! `<alias>.Func(...)` to an import path, the cancel-producing calls, and calls that never
//! return. [`tables`] holds what the rules recognise, [`scope`] resolves names, [`cfg`] builds
//! a function's control-flow graph and [`gomod`] reads the nearest `go.mod`.

pub mod align;
pub mod cfg;
pub mod detached;
pub mod gomod;
pub mod imports;
pub mod model;
pub mod outline;
pub mod roots;
pub mod scope;
pub mod siblings;
pub mod tables;
pub mod types;

use std::collections::HashMap;
use std::path::Path;
use tree_sitter::{Node, Tree};

use super::{named_children, text, walk_tree};
pub use model::{CancelCall, ContextParam, Function};
pub use scope::*;
pub use tables::*;

/// Whether `path` names a Go test file (`*_test.go`).
pub fn is_test_path(path: Option<&Path>) -> bool {
    path.and_then(Path::file_name)
        .is_some_and(|n| n.to_string_lossy().ends_with("_test.go"))
}

/// The statement a label names: `loop: // comment` + newline + `for { … }` has the comment
/// between the label and the loop.
pub fn labeled_body(labeled: Node<'_>) -> Option<Node<'_>> {
    named_children(labeled).find(|n| !matches!(n.kind(), "label_name" | "comment"))
}

/// Whether a Go file can declare a wrapper at all: it names `CancelFunc` or `CancelCauseFunc`.
pub fn mentions_cancel_func(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"CancelFunc").is_some()
        || memchr::memmem::find(bytes, b"CancelCauseFunc").is_some()
}

/// The cancel-producing functions a Go file declares: top-level functions (not methods)
/// whose results include `context.CancelFunc`/`CancelCauseFunc`. Cheap on files that do not
/// mention those names: they are not parsed.
pub fn cancel_wrappers(source: &str, dir: &Path) -> Vec<CancelWrapper> {
    if !mentions_cancel_func(source.as_bytes()) {
        return Vec::new();
    }
    match crate::lang::parse(crate::lang::Language::Go, source) {
        Some(tree) => wrappers_in(source, &tree, dir),
        None => Vec::new(),
    }
}

/// What a Go file declares for the rest of its package and tree: its cancel-producing
/// wrappers, the types of its struct fields and package variables, its functions with a
/// context-taking sibling and its functions that start their own root, as far as [`Wanted`].
/// A file mentioning none of `CancelFunc`, a standard library type with context-taking
/// methods, a variant's declaration or a new root is not parsed.
#[derive(Debug, Default)]
pub struct Declarations {
    pub package: String,
    pub wrappers: Vec<CancelWrapper>,
    pub types: types::PackageTypes,
    pub siblings: siblings::FileSiblings,
    pub roots: Vec<roots::RootStart>,
}

impl Declarations {
    pub fn is_empty(&self) -> bool {
        self.wrappers.is_empty()
            && self.types.is_empty()
            && self.siblings.is_empty()
            && self.roots.is_empty()
    }
}

/// Which declarations [`declarations`] looks for.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub wrappers: bool,
    pub types: bool,
    pub siblings: bool,
    /// The functions that start their own root (with a [`RootPass`]).
    pub roots: bool,
    /// Parse only the declarations that can hold what is wanted (see [`declaration_ranges`]),
    /// not the whole file.
    pub partial: bool,
}

impl Wanted {
    /// What a file may declare, from a byte scan: the wanted kinds its text mentions.
    pub fn in_file(self, bytes: &[u8]) -> Wanted {
        Wanted {
            wrappers: self.wrappers && mentions_cancel_func(bytes),
            types: self.types && types::mentions_std_type(bytes),
            siblings: self.siblings && siblings::may_declare_sibling(bytes),
            roots: self.roots && roots::mentions_root(bytes),
            partial: self.partial,
        }
    }

    pub fn any(self) -> bool {
        self.wrappers || self.types || self.siblings || self.roots
    }
}

/// How the first pass finds the functions that start their own root: the Go settings to read
/// the file with (its handler types and cancel functions), and the judgement of which new
/// roots count, which is the rules' (callee-drops-context) and is handed down by the engine.
pub struct RootPass<'a> {
    pub settings: &'a GoSettings,
    pub judge: &'a (dyn Fn(&GoFile<'_>, &Path) -> Vec<roots::RootStart> + Sync),
}

/// What the Go file at `path` with this text declares (see [`Declarations`]) of what it may
/// declare, `wanted` ([`Wanted::in_file`] of its text); the roots only with a [`RootPass`].
pub fn declarations(
    source: &str,
    path: &Path,
    mut wanted: Wanted,
    root_pass: Option<&RootPass<'_>>,
) -> Declarations {
    let test_file = is_test_path(Some(path));
    // Test files start roots that no rule asks about (their functions are not callees).
    wanted.roots &= root_pass.is_some() && !test_file;
    if !wanted.any() {
        return Declarations::default();
    }
    let tree = match declaration_ranges(source, wanted) {
        Some(ranges) => crate::lang::parse_ranges(crate::lang::Language::Go, source, &ranges),
        None => crate::lang::parse(crate::lang::Language::Go, source),
    };
    let Some(tree) = tree else {
        return Declarations::default();
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let settings = GoSettings::empty();
    let file = GoFile::new(source, &tree, &settings);
    crate::lang::with_root(&tree, || {
        let types = if wanted.types {
            types::PackageTypes::of_file(&file)
        } else {
            types::PackageTypes::default()
        };
        let siblings = if wanted.siblings {
            let import_path = gomod::nearest(dir).and_then(|m| m.import_path_of(dir));
            siblings::siblings_in(&file, dir, import_path)
        } else {
            siblings::FileSiblings::default()
        };
        let roots = match root_pass.filter(|_| wanted.roots) {
            Some(pass) => {
                let mut file = GoFile::new(source, &tree, pass.settings);
                file.dir = Some(dir);
                file.test_file = test_file;
                (pass.judge)(&file, path)
            }
            None => Vec::new(),
        };
        Declarations {
            package: file.package.clone(),
            wrappers: if wanted.wrappers {
                wrappers_in(source, &tree, dir)
            } else {
                Vec::new()
            },
            types,
            siblings,
            roots,
        }
    })
}

/// The parts of a file [`declarations`] needs, when they are not the whole file: every
/// top-level declaration other than a function (the package clause, imports, types,
/// variables, constants: the type facts, interfaces and aliases of `context.Context` are
/// there), the functions that may be a cancel-producing wrapper (they mention `CancelFunc`),
/// the functions and methods named like a context-taking variant or like the plain sibling of
/// one in the same file, and the functions that may start a root (they write `Background()`
/// or `TODO()`). The other functions cannot change what is found, so they are not parsed.
/// `None` (parse the whole file) without [`Wanted::partial`] (see [`needed_ranges`]).
fn declaration_ranges(source: &str, wanted: Wanted) -> Option<Vec<std::ops::Range<usize>>> {
    if !wanted.partial {
        return None;
    }
    let items = outline::outline(source)?;
    let bases: std::collections::HashSet<&str> = items
        .iter()
        .filter(|_| wanted.siblings)
        .filter_map(|item| item.function)
        .flat_map(siblings::plain_names)
        .collect();
    let ranges = needed_ranges(source, &items, |name, method, text| {
        wanted.wrappers && !method && mentions_cancel_func(text)
            || wanted.siblings
                && (bases.contains(name) || siblings::plain_names(name).next().is_some())
            || wanted.roots && roots::mentions_root_call(text)
    });
    // Only siblings wanted: of the other declarations, [`siblings::siblings_in`] reads the
    // package clause, the imports, interfaces and aliases; variables, constants and struct
    // types (most of a generated API or syscall file) are left out too.
    if !(wanted.siblings && !wanted.wrappers && !wanted.types && !wanted.roots) {
        return ranges;
    }
    let kept: Vec<&outline::Item<'_>> = items
        .iter()
        .filter(|item| match item.function {
            Some(_) => ranges.as_ref().is_none_or(|ranges| {
                ranges
                    .iter()
                    .any(|r| r.start <= item.range.start && item.range.end <= r.end)
            }),
            None => sibling_context(item, source),
        })
        .collect();
    if kept.len() == items.len() {
        return None;
    }
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for item in kept {
        match merged.last_mut() {
            Some(last) if last.end == item.range.start => last.end = item.range.end,
            _ => merged.push(item.range.clone()),
        }
    }
    Some(merged)
}

/// Whether a top-level declaration other than a lone function may matter to the siblings a
/// file declares: anything but a `var`, `const` or `type` declaration without `interface`
/// and without `=` (no interface, no alias).
fn sibling_context(item: &outline::Item<'_>, source: &str) -> bool {
    let words = &item.words;
    let plain = ["package", "import", "func", "interface"]
        .iter()
        .all(|w| !words.contains(w));
    let declaration = ["var", "const", "type"].iter().any(|w| words.contains(w));
    let alias = words.contains(&"type")
        && source
            .as_bytes()
            .get(item.range.clone())
            .is_some_and(|text| text.contains(&b'='));
    !(plain && declaration && !alias)
}

/// The byte ranges of a file's outline `items` to parse so that every declaration other
/// than a lone function or method is there, and the functions `needed` asks for (by name,
/// whether a method, and text); sorted and merged. `None` when every item is needed: the
/// whole file is parsed then, with the same result.
pub fn needed_ranges(
    source: &str,
    items: &[outline::Item<'_>],
    needed: impl Fn(&str, bool, &[u8]) -> bool,
) -> Option<Vec<std::ops::Range<usize>>> {
    let kept = |item: &outline::Item<'_>| match item.function {
        None => true,
        Some(name) => {
            let text = source
                .as_bytes()
                .get(item.range.clone())
                .unwrap_or_default();
            needed(name, item.method, text)
        }
    };
    if items.iter().all(kept) {
        return None;
    }
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for item in items.iter().filter(|item| kept(item)) {
        match ranges.last_mut() {
            Some(last) if last.end == item.range.start => last.end = item.range.end,
            _ => ranges.push(item.range.clone()),
        }
    }
    Some(ranges)
}

/// The cancel-producing functions a Go file already parsed into `tree` declares (see
/// [`cancel_wrappers`]).
pub fn wrappers_in(source: &str, tree: &Tree, dir: &Path) -> Vec<CancelWrapper> {
    if !mentions_cancel_func(source.as_bytes()) {
        return Vec::new();
    }
    let settings = GoSettings::empty();
    let file = GoFile::new(source, tree, &settings);
    let import_path = gomod::nearest(dir).and_then(|m| m.import_path_of(dir));
    let mut found = Vec::new();
    for func in named_children(tree.root_node()).filter(|n| n.kind() == "function_declaration") {
        let (Some(name), Some(result)) = (
            func.child_by_field_name("name"),
            func.child_by_field_name("result"),
        ) else {
            continue;
        };
        let types: Vec<Node<'_>> = if result.kind() == "parameter_list" {
            parameters(result).map(|p| p.ty).collect()
        } else {
            vec![result]
        };
        let is_type = |ty: Node<'_>, name: &str| {
            CONTEXT_PATHS
                .iter()
                .any(|p| file.is_named_type(ty, p, name))
        };
        let is_cancel = |ty: Node<'_>| is_type(ty, "CancelFunc") || is_type(ty, "CancelCauseFunc");
        if let Some(index) = types.iter().position(|t| is_cancel(*t)) {
            let text = file.text(func);
            let timer = ["Timeout", "Deadline", "time.", "AfterFunc"]
                .iter()
                .any(|word| text.contains(word));
            found.push(CancelWrapper {
                dir: dir.to_path_buf(),
                import_path: import_path.clone(),
                package: file.package.clone(),
                name: file.text(name).to_string(),
                result: index,
                cause: is_type(types[index], "CancelCauseFunc"),
                timer,
            });
        }
    }
    found
}

/// The import table of a file; every string borrows from the source.
#[derive(Debug, Clone, Default)]
pub struct Imports<'a> {
    /// alias (explicit or default name) → import path
    by_alias: HashMap<&'a str, &'a str>,
    /// paths imported with `.`
    dot: Vec<&'a str>,
}

impl<'a> Imports<'a> {
    pub fn from_tree(root: Node<'_>, source: &'a str) -> Imports<'a> {
        let mut imports = Imports::default();
        for decl in named_children(root).filter(|n| n.kind() == "import_declaration") {
            walk_tree(decl, |node| {
                if node.kind() != "import_spec" {
                    return true;
                }
                let Some(path_node) = node.child_by_field_name("path") else {
                    return false;
                };
                let path = text(path_node, source).trim_matches(|c| c == '"' || c == '`');
                match node.child_by_field_name("name") {
                    Some(name) if name.kind() == "dot" => imports.dot.push(path),
                    Some(name) if name.kind() == "blank_identifier" => {}
                    Some(name) => {
                        imports.by_alias.insert(text(name, source), path);
                    }
                    None => {
                        imports.by_alias.insert(default_package_name(path), path);
                    }
                }
                false
            });
        }
        imports
    }

    /// The import path an identifier used as a package qualifier refers to.
    pub fn path_of(&self, alias: &str) -> Option<&'a str> {
        self.by_alias.get(alias).copied()
    }

    pub fn dot_imports(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.dot.iter().copied()
    }

    /// Whether the file imports any of `paths` (as [`import_path_matches`]).
    pub fn imports_any(&self, paths: &[&str]) -> bool {
        self.by_alias
            .values()
            .chain(self.dot.iter())
            .any(|p| paths.iter().any(|w| import_path_matches(p, w)))
    }
}

/// One parsed Go file with what the rules need to know about it.
pub struct GoFile<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub package: String,
    pub imports: Imports<'a>,
    pub settings: &'a GoSettings,
    /// Names of the functions declared at the top level of this file.
    pub functions: Vec<&'a str>,
    /// The file's directory, when known: functions of the same package live there.
    pub dir: Option<&'a Path>,
    /// Whether the file is a Go test file (its name ends in `_test.go`), when its path is known.
    pub test_file: bool,
    /// The byte ranges (in order, disjoint) where the rules look for candidates, when not the
    /// whole file: the calls, statements and bindings of the model are those inside them, while
    /// the tree, the functions and every lookup stay whole (the incremental re-lint,
    /// [`crate::incremental`], runs the rules on the declarations an edit can change).
    pub focus: Option<Vec<std::ops::Range<usize>>>,
    /// The facts of the per-file model, each found once for all the rules (see [`model`]).
    model: model::Model<'a>,
}

/// What a call expression calls, as far as syntax can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee<'a> {
    /// `alias.Name(...)` where `alias` is an import of `path`.
    Package { path: &'a str, name: &'a str },
    /// `Name(...)`: a function of this package or of a dot import.
    Local { name: &'a str },
}

impl<'a> GoFile<'a> {
    /// Whether an identifier in `node` refers to one of the declarations `declarations`.
    pub fn mentions_any(&self, node: Node<'_>, declarations: &[Node<'_>]) -> bool {
        if declarations.is_empty() {
            return false;
        }
        let mut found = false;
        walk_tree(node, |n| {
            if found {
                return false;
            }
            if n.kind() == "identifier" {
                found = declaration_of(n, self.source).is_some_and(|d| declarations.contains(&d));
            }
            !found
        });
        found
    }

    pub fn new(source: &'a str, tree: &'a Tree, settings: &'a GoSettings) -> GoFile<'a> {
        let root = tree.root_node();
        let mut package = String::new();
        let mut functions = Vec::new();
        for child in named_children(root) {
            match child.kind() {
                "package_clause" => {
                    if let Some(name) = named_children(child).next() {
                        package = text(name, source).to_string();
                    }
                }
                "function_declaration" => {
                    if let Some(name) = child.child_by_field_name("name") {
                        functions.push(text(name, source));
                    }
                }
                _ => {}
            }
        }
        GoFile {
            source,
            tree,
            package,
            imports: Imports::from_tree(root, source),
            settings,
            functions,
            dir: None,
            test_file: false,
            focus: None,
            model: model::Model::default(),
        }
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
    }

    /// Whether this is a test file (`_test.go`).
    pub fn is_test_file(&self) -> bool {
        self.test_file
    }

    /// The `go.mod` governing this file's directory (module path, `go` version), if known.
    pub fn module(&self) -> Option<std::sync::Arc<gomod::GoMod>> {
        self.dir.and_then(gomod::nearest)
    }

    /// Resolves the function part of a call. A qualifier that is not an import, or that a local
    /// variable, parameter or receiver shadows, is a method call on a value: `None`.
    pub fn callee(&self, call: Node<'_>) -> Option<Callee<'a>> {
        let function = call.child_by_field_name("function")?;
        match function.kind() {
            "selector_expression" => {
                let operand = function.child_by_field_name("operand")?;
                let field = function.child_by_field_name("field")?;
                if operand.kind() != "identifier" {
                    return None;
                }
                let alias = self.text(operand);
                let path = self.imports.path_of(alias)?;
                if declaration_of(operand, self.source).is_some() {
                    return None;
                }
                Some(Callee::Package {
                    path,
                    name: self.text(field),
                })
            }
            "identifier" => Some(Callee::Local {
                name: self.text(function),
            }),
            _ => None,
        }
    }

    /// Whether the call is `Name(...)` of one of `paths`, qualified or through a dot import
    /// (and not shadowed by a function of this file). Returns the function name.
    pub fn calls_package(&self, call: Node<'_>, paths: &[&str]) -> Option<&'a str> {
        match self.callee(call)? {
            Callee::Package { path, name } => paths
                .iter()
                .any(|w| import_path_matches(path, w))
                .then_some(name),
            Callee::Local { name } => {
                let dot = self
                    .imports
                    .dot_imports()
                    .any(|p| paths.iter().any(|w| import_path_matches(p, w)));
                (dot && !self.functions.contains(&name)).then_some(name)
            }
        }
    }

    /// If `call` produces a cancel function, the index of that result and the callee's name.
    pub fn cancel_result(&self, call: Node<'_>) -> Option<(usize, &'a str)> {
        self.resolve_cancel(call)
            .map(|(index, _)| (index, self.callee_text(call)))
    }

    /// Whether the cancel function `call` produces takes a cause (`CancelCauseFunc`): it is
    /// called as `cancel(err)`, or `cancel(nil)`.
    pub fn cancel_takes_cause(&self, call: Node<'_>) -> bool {
        self.resolve_cancel(call).is_some_and(|(_, cause)| cause)
    }

    /// The index of the cancel function among the call's results, and whether it takes a
    /// cause.
    fn resolve_cancel(&self, call: Node<'_>) -> Option<(usize, bool)> {
        // The name first: resolving the qualifier walks the enclosing function.
        let function = call.child_by_field_name("function")?;
        let name = match function.kind() {
            "selector_expression" => function.child_by_field_name("field")?,
            _ => function,
        };
        let name = self.text(name);
        if !self
            .settings
            .cancel_functions
            .iter()
            .any(|f| f.name == name)
            && !self.settings.wrappers.iter().any(|w| w.name == name)
        {
            return None;
        }
        let callee = self.callee(call)?;
        self.settings
            .cancel_functions
            .iter()
            .find_map(|f| {
                let matched = match callee {
                    Callee::Package { path, name } => {
                        name == f.name && import_path_matches(path, &f.package)
                    }
                    Callee::Local { name } => {
                        name == f.name
                            && !self.functions.contains(&name)
                            && self
                                .imports
                                .dot_imports()
                                .any(|p| import_path_matches(p, &f.package))
                    }
                };
                matched.then_some((f.result, f.name.ends_with("Cause")))
            })
            .or_else(|| {
                self.settings.wrappers.iter().find_map(|w| {
                    let matched = match callee {
                        Callee::Package { path, name } => w.matches_import(path, name),
                        Callee::Local { name } => w.matches_local(self.dir, &self.package, name),
                    };
                    matched.then_some((w.result, w.cause))
                })
            })
    }

    /// Whether `call` is a call of a wrapper of the scanned tree that starts no timer (see
    /// [`CancelWrapper::timer`]).
    pub fn calls_wrapper_without_timer(&self, call: Node<'_>) -> bool {
        let Some(callee) = self.callee(call) else {
            return false;
        };
        self.settings.wrappers.iter().any(|w| {
            !w.timer
                && match callee {
                    Callee::Package { path, name } => w.matches_import(path, name),
                    Callee::Local { name } => w.matches_local(self.dir, &self.package, name),
                }
        })
    }

    fn callee_text(&self, call: Node<'_>) -> &'a str {
        call.child_by_field_name("function")
            .map(|f| self.text(f))
            .unwrap_or("")
    }

    /// Whether a type node names `pkg.Name` (or `Name` through a dot import) of a package
    /// matching `package`.
    pub fn is_named_type(&self, ty: Node<'_>, package: &str, name: &str) -> bool {
        match ty.kind() {
            "qualified_type" => {
                let (Some(pkg), Some(ty_name)) = (
                    ty.child_by_field_name("package"),
                    ty.child_by_field_name("name"),
                ) else {
                    return false;
                };
                self.text(ty_name) == name
                    && self
                        .imports
                        .path_of(self.text(pkg))
                        .is_some_and(|p| import_path_matches(p, package))
            }
            "type_identifier" => {
                self.text(ty) == name
                    && self
                        .imports
                        .dot_imports()
                        .any(|p| import_path_matches(p, package))
            }
            "parenthesized_type" => named_children(ty)
                .next()
                .is_some_and(|inner| self.is_named_type(inner, package, name)),
            _ => false,
        }
    }

    /// Whether a type node is `context.Context`.
    pub fn is_context_type(&self, ty: Node<'_>) -> bool {
        CONTEXT_PATHS
            .iter()
            .any(|p| self.is_named_type(ty, p, "Context"))
    }

    /// The handler type a parameter type matches, if any.
    pub fn handler_type(&self, ty: Node<'_>) -> Option<&'a HandlerType> {
        let (inner, pointer) = match ty.kind() {
            "pointer_type" => (named_children(ty).next()?, true),
            _ => (ty, false),
        };
        self.settings.handler_types.iter().find(|h| {
            h.pointer.is_none_or(|p| p == pointer) && self.is_named_type(inner, &h.package, &h.name)
        })
    }

    /// `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`.
    pub fn is_testing_type(&self, ty: Node<'_>) -> bool {
        match ty.kind() {
            "pointer_type" => named_children(ty).next().is_some_and(|inner| {
                ["T", "B", "F"]
                    .iter()
                    .any(|n| self.is_named_type(inner, "testing", n))
            }),
            _ => self.is_named_type(ty, "testing", "TB"),
        }
    }

    /// Whether any result of a function is `context.Context`.
    pub fn returns_context(&self, func: Node<'_>) -> bool {
        let Some(result) = func.child_by_field_name("result") else {
            return false;
        };
        if result.kind() == "parameter_list" {
            parameters(result).any(|p| self.is_context_type(p.ty))
        } else {
            self.is_context_type(result)
        }
    }
}

/// A statement that binds the cancel function of a cancel-producing call to a variable:
/// `ctx, cancel := f(...)`, `ctx, cancel = f(...)` or `var ctx, cancel = f(...)`.
#[derive(Debug, Clone)]
pub struct CancelBinding<'t, 'a> {
    /// The `short_var_declaration`, `assignment_statement` or `var_spec`.
    pub statement: Node<'t>,
    pub call: Node<'t>,
    /// The left-hand side, in order.
    pub targets: Vec<Node<'t>>,
    /// The identifier that receives the cancel function (never `_`).
    pub cancel: Node<'t>,
    /// The callee as written, e.g. `context.WithTimeout`.
    pub callee: &'a str,
}

impl<'t> CancelBinding<'t, '_> {
    /// The `index`-th argument of the binding's call when the call is one of the `context`
    /// package's functions `names` (`WithTimeout`'s duration is argument 1).
    pub fn context_argument(
        &self,
        file: &GoFile<'_>,
        names: &[&str],
        index: usize,
    ) -> Option<Node<'t>> {
        let name = file.calls_package(self.call, CONTEXT_PATHS)?;
        if !names.contains(&name) {
            return None;
        }
        self.call
            .child_by_field_name("arguments")?
            .named_child(index)
    }
}

impl<'a> GoFile<'a> {
    /// The cancel binding made by `statement`, if it is one.
    pub fn cancel_binding<'t>(&self, statement: Node<'t>) -> Option<CancelBinding<'t, 'a>> {
        let (targets, call) = self.assignment(statement)?;
        let (index, callee) = self.cancel_result(call)?;
        let cancel = *targets.get(index)?;
        if cancel.kind() != "identifier" || self.text(cancel) == "_" {
            return None;
        }
        Some(CancelBinding {
            statement,
            call,
            targets,
            cancel,
            callee,
        })
    }

    /// The left-hand side and the call of a `:=`, `=` or `var` statement whose only value is
    /// a call.
    fn assignment<'t>(&self, statement: Node<'t>) -> Option<(Vec<Node<'t>>, Node<'t>)> {
        let (targets, values): (Vec<Node<'t>>, Node<'t>) = match statement.kind() {
            "short_var_declaration" => (
                named_children(statement.child_by_field_name("left")?).collect(),
                statement.child_by_field_name("right")?,
            ),
            "assignment_statement" => {
                let operator = statement.child_by_field_name("operator")?;
                if self.text(operator) != "=" {
                    return None;
                }
                (
                    named_children(statement.child_by_field_name("left")?).collect(),
                    statement.child_by_field_name("right")?,
                )
            }
            "var_spec" => {
                let mut cursor = statement.walk();
                let names = statement
                    .children_by_field_name("name", &mut cursor)
                    .collect();
                (names, statement.child_by_field_name("value")?)
            }
            _ => return None,
        };
        if values.named_child_count() != 1 {
            return None;
        }
        let call = values.named_child(0)?;
        (call.kind() == "call_expression").then_some((targets, call))
    }

    /// Whether a call never returns: `panic`, `os.Exit`, `log.Fatal*`/`log.Panic*`,
    /// `runtime.Goexit`, `x.Fatal*` (a logger, a logging package or a test) and, on
    /// `t`/`b`/`f`/`tb`, `FailNow` and `Skip*`.
    pub fn never_returns(&self, call: Node<'_>) -> bool {
        let Some(function) = call.child_by_field_name("function") else {
            return false;
        };
        match function.kind() {
            "identifier" => self.text(function) == "panic" && !self.functions.contains(&"panic"),
            "selector_expression" => {
                if let Some(name) = self.calls_package(call, &["os"]) {
                    return name == "Exit";
                }
                if let Some(name) = self.calls_package(call, &["log"]) {
                    return name.starts_with("Fatal") || name.starts_with("Panic");
                }
                if let Some(name) = self.calls_package(call, &["runtime"]) {
                    return name == "Goexit";
                }
                let (Some(operand), Some(field)) = (
                    function.child_by_field_name("operand"),
                    function.child_by_field_name("field"),
                ) else {
                    return false;
                };
                let field = self.text(field);
                // Logging packages (`klog.Fatal`, `logrus.Fatalf`) and loggers and tests
                // (`logger.Fatal`, `t.Fatalf`, `s.t.Fatal`) exit on Fatal.
                if matches!(field, "Fatal" | "Fatalf" | "Fatalln") {
                    return true;
                }
                // zerolog: `log.Fatal().Err(err).Msg("…")` exits, `….Panic()….Msg` panics.
                if matches!(field, "Msg" | "Msgf" | "MsgFunc" | "Send")
                    && self.event_chain_starts_with(operand, &["Fatal", "Panic"])
                {
                    return true;
                }
                if self.callee(call).is_some() {
                    return false;
                }
                // `FailNow`/`SkipNow` are distinctive; `Skip` is common on readers.
                matches!(field, "FailNow" | "SkipNow")
                    || (matches!(self.text(operand), "t" | "b" | "f" | "tb")
                        && matches!(field, "Skip" | "Skipf"))
            }
            _ => false,
        }
    }

    /// Whether a method chain (`log.Fatal().Err(err)`) has a call without arguments to one
    /// of `levels` on its way: the level of a zerolog-style event.
    fn event_chain_starts_with(&self, mut node: Node<'_>, levels: &[&str]) -> bool {
        while node.kind() == "call_expression" {
            let Some(selector) = node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "selector_expression")
            else {
                return false;
            };
            let no_arguments = node
                .child_by_field_name("arguments")
                .is_some_and(|a| a.named_child_count() == 0);
            if no_arguments
                && selector
                    .child_by_field_name("field")
                    .is_some_and(|f| levels.contains(&self.text(f)))
            {
                return true;
            }
            let Some(operand) = selector.child_by_field_name("operand") else {
                return false;
            };
            node = operand;
        }
        false
    }
}

/// An edit that inserts `defer <name>()` (`defer <name>(nil)` when the function takes a
/// cause) on its own line after `statement`, indented like it.
pub fn insert_defer_after(
    statement: Node<'_>,
    name: &str,
    takes_cause: bool,
    source: &str,
) -> crate::diagnostic::Edit {
    let argument = if takes_cause { "nil" } else { "" };
    super::insert_line_after(statement, &format!("defer {name}({argument})"), source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Language};

    #[test]
    fn declarations_are_the_same_from_the_needed_declarations_alone() {
        let src = "package p\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n\t\"net/http\"\n)\n\n\
            type Context = context.Context\n\n\
            // S holds clients.\ntype S struct {\n\tdb *sql.DB\n\tc  *http.Client\n\tt  T\n}\n\n\
            var pool, other = sql.Open(\"x\", \"y\")\n\nconst n = 3\n\n\
            func (s *S) Get(k string) (string, error) { return s.load(k) }\n\n\
            func (s *S) load(k string) (string, error) { return k, nil }\n\n\
            func (s *S) GetWithContext(ctx Context, k string) (string, error) { return k, nil }\n\n\
            func Put(k string) error { return nil }\n\n\
            func PutCtx(ctx context.Context, k string) error { return nil }\n\n\
            func Start(p context.Context) (context.Context, context.CancelFunc) {\n\treturn context.WithTimeout(p, 1)\n}\n\n\
            func (s *S) Stop() context.CancelFunc { return nil }\n\n\
            type API interface {\n\tList(k string) error\n\tListContext(ctx context.Context, k string) error\n}\n\n\
            func a() {}; func b() {}\n\nfunc unrelated() { var db *sql.DB; _ = db }\n";
        let path = Path::new("d/p.go");
        let wanted = Wanted {
            wrappers: true,
            types: true,
            siblings: true,
            roots: false,
            partial: true,
        };
        let ranges = declaration_ranges(src, wanted).expect("some functions are left out");
        let parsed: String = ranges.iter().map(|r| &src[r.clone()]).collect();
        assert!(!parsed.contains("func (s *S) load") && !parsed.contains("func unrelated"));
        let partial = format!("{:?}", declarations(src, path, wanted, None));
        let whole = Wanted {
            partial: false,
            ..wanted
        };
        assert_eq!(
            partial,
            format!("{:?}", declarations(src, path, whole, None))
        );
        for (field, found) in [
            ("wrappers", "name: \"Start\""),
            ("siblings", "variant: \"GetWithContext\""),
            ("siblings", "variant: \"PutCtx\""),
            ("siblings", "variant: \"ListContext\""),
            ("types", "\"pool\""),
            ("types", "\"db\""),
        ] {
            assert!(partial.contains(found), "{field}: {found} in {partial}");
        }
    }

    /// The same on every Go fixture and the benchmark's handler file.
    #[test]
    fn declarations_of_every_fixture_are_the_same_from_the_needed_declarations_alone() {
        fn go_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    go_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "go") {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("benches/data/handler.go")];
        go_files(&root.join("testdata/go"), &mut files);
        let mut partial = 0;
        for file in files {
            let Ok(source) = std::fs::read_to_string(&file) else {
                continue;
            };
            let wanted = |partial| Wanted {
                wrappers: true,
                types: true,
                siblings: true,
                roots: false,
                partial,
            };
            let whole = declarations(
                &source,
                &file,
                wanted(false).in_file(source.as_bytes()),
                None,
            );
            let part = declarations(
                &source,
                &file,
                wanted(true).in_file(source.as_bytes()),
                None,
            );
            assert_eq!(
                format!("{part:?}"),
                format!("{whole:?}"),
                "{}",
                file.display()
            );
            partial += usize::from(
                wanted(true).in_file(source.as_bytes()).any()
                    && declaration_ranges(&source, wanted(true)).is_some(),
            );
        }
        assert!(partial > 20, "only {partial} files read in part");
    }

    fn with_file<R>(src: &str, f: impl FnOnce(&GoFile<'_>) -> R) -> R {
        let tree = parse(Language::Go, src).unwrap();
        let settings = GoSettings::default();
        let file = GoFile::new(src, &tree, &settings);
        f(&file)
    }

    fn first_call<'t>(tree: &'t Tree) -> Node<'t> {
        let mut call = None;
        walk_tree(tree.root_node(), |n| {
            if call.is_none() && n.kind() == "call_expression" {
                call = Some(n);
            }
            call.is_none()
        });
        call.unwrap()
    }

    #[test]
    fn imports_resolve_aliases_and_dot_imports() {
        let src = "package p\nimport (\n\tstdctx \"context\"\n\t. \"os/signal\"\n\t_ \"embed\"\n\t\"net/http\"\n)\n";
        with_file(src, |f| {
            assert_eq!(f.package, "p");
            assert_eq!(f.imports.path_of("stdctx"), Some("context"));
            assert_eq!(f.imports.path_of("http"), Some("net/http"));
            assert_eq!(f.imports.path_of("context"), None);
            assert_eq!(f.imports.dot_imports().collect::<Vec<_>>(), ["os/signal"]);
        });
    }

    #[test]
    fn callee_sees_shadowed_qualifiers_as_values() {
        let src = "package p\nimport \"context\"\nfunc f(context T) { context.WithCancel(nil) }\n";
        with_file(src, |f| {
            let tree = f.tree;
            assert_eq!(f.cancel_result(first_call(tree)), None);
        });
        let src = "package p\nimport \"context\"\nfunc f() { context.WithCancel(nil) }\n";
        with_file(src, |f| {
            assert_eq!(
                f.cancel_result(first_call(f.tree)),
                Some((1, "context.WithCancel"))
            );
        });
        // Scopes decide: a variable of an earlier block, or the one being declared by this
        // very statement, does not shadow the package.
        let src = "package p\nimport \"context\"\nfunc f(x bool) {\n\tif x { context := 1; _ = \
                   context }\n\tcontext, cancel := context.WithCancel(nil)\n}\n";
        with_file(src, |f| {
            let call = first_call(f.tree);
            assert_eq!(f.cancel_result(call), Some((1, "context.WithCancel")));
        });
        let src = "package p\nimport . \"context\"\nfunc f() { WithTimeout(nil, 1) }\n";
        with_file(src, |f| {
            assert_eq!(
                f.cancel_result(first_call(f.tree)),
                Some((1, "WithTimeout"))
            );
        });
    }

    #[test]
    fn wrappers_are_functions_returning_a_cancel_function() {
        let src = "package util\nimport stdctx \"context\"\nfunc A() (stdctx.Context, \
                   stdctx.CancelFunc) { return nil, nil }\nfunc B() (x int, stop \
                   stdctx.CancelCauseFunc) { return }\nfunc C() stdctx.CancelFunc { return nil \
                   }\nfunc D() (int, func()) { return 0, nil }\nfunc (T) E() \
                   stdctx.CancelFunc { return nil }\n";
        let found = cancel_wrappers(src, Path::new("x/util"));
        let names: Vec<(&str, usize)> = found.iter().map(|w| (w.name.as_str(), w.result)).collect();
        assert_eq!(names, [("A", 1), ("B", 1), ("C", 0)]);
        let a = &found[0];
        assert!(a.matches_import("example.com/m/x/util", "A"));
        assert!(!a.matches_import("example.com/m/x/other", "A"));
        assert!(!a.matches_import("example.com/m/x/util", "B"));
        assert!(a.matches_local(Some(Path::new("x/util")), "util", "A"));
        assert!(!a.matches_local(Some(Path::new("y/util")), "util", "A"));
        assert!(cancel_wrappers("package p\nfunc A() {}\n", Path::new("p")).is_empty());
    }

    #[test]
    fn calls_that_never_return() {
        let src = "package p\nimport (\n\t\"os\"\n\tl \"log\"\n\t\"runtime\"\n)\nfunc f(t T, r R) \
                   {\n\tpanic(1)\n\tos.Exit(1)\n\tl.Fatalf(\"\")\n\tl.Panicln()\n\t\
                   runtime.Goexit()\n\tt.Fatal()\n\tt.SkipNow()\n\tt.Skipf(\"\")\n\t\
                   new(T).FailNow()\n\tl.Println()\n\tos.Getenv(\"\")\n\tr.Skip(1)\n\t\
                   runtime.GC()\n}\n";
        with_file(src, |f| {
            let mut verdicts = Vec::new();
            walk_tree(f.tree.root_node(), |n| {
                if n.kind() == "expression_statement" {
                    verdicts.push(f.never_returns(n.named_child(0).unwrap()));
                }
                true
            });
            let mut expected = vec![true; 9];
            expected.extend([false; 4]);
            assert_eq!(verdicts, expected);
        });
    }
}
