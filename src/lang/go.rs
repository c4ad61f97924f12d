//! The Go layer shared by every Go rule: the file's package and import table, resolving
//! `<alias>.Func(...)` to an import path, enclosing functions, parameters and their types,
//! and the tables of calls and types the rules recognise.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tree_sitter::{Node, Tree};

use super::{ancestors, named_children, text, walk_tree};

/// `Background()`/`TODO()` calls, for [`GoFile::new_root_calls`].
pub static NEW_ROOT_CALLS: std::sync::LazyLock<tree_sitter::Query> =
    std::sync::LazyLock::new(|| {
        crate::rules::compile_query(
            super::Language::Go,
            include_str!("../../rules/go/new-root-calls.scm"),
        )
    });

/// Import paths of the `context` package.
pub const CONTEXT_PATHS: &[&str] = &["context", "golang.org/x/net/context"];

/// A function (declaration, method or literal) as the rules see it.
pub const FUNCTION_KINDS: &[&str] = &["function_declaration", "method_declaration", "func_literal"];

/// A function that returns a cancel function: calling it and dropping that result leaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelFunction {
    /// Import path of the declaring package (matched like [`import_path_matches`]).
    pub package: String,
    pub name: String,
    /// Index of the cancel function among the results.
    pub result: usize,
}

/// A parameter type that carries a request's context, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerType {
    /// Import path of the package declaring the type (matched like [`import_path_matches`]).
    pub package: String,
    pub name: String,
    /// `Some(true)`: only `*T`; `Some(false)`: only `T`; `None`: either.
    pub pointer: Option<bool>,
    /// The expression that yields the context, with `{}` standing for the parameter name.
    pub context: String,
}

/// What the Go rules know beyond the file itself: built-in tables plus configuration.
#[derive(Debug, Clone)]
pub struct GoSettings {
    pub cancel_functions: Vec<CancelFunction>,
    pub handler_types: Vec<HandlerType>,
    /// Cancel-producing functions declared in the scanned tree (see [`cancel_wrappers`]).
    pub wrappers: Vec<CancelWrapper>,
}

/// A function of the scanned tree whose results include a `context.CancelFunc` or
/// `CancelCauseFunc`: calling it is like calling `context.WithCancel`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CancelWrapper {
    /// The directory of the declaring file, as walked.
    pub dir: PathBuf,
    /// The declaring package's name.
    pub package: String,
    pub name: String,
    /// Index of the cancel function among the results.
    pub result: usize,
    /// The cancel function is a `CancelCauseFunc`: it takes the cause as its argument.
    pub cause: bool,
}

impl CancelWrapper {
    /// Whether `pkg.Name` with `pkg` imported from `path` may be this function: the import
    /// path ends with the declaring directory's name and names a package of the same name.
    /// A `main` or external test package cannot be imported.
    fn matches_import(&self, path: &str, name: &str) -> bool {
        let dir_name = self.dir.file_name().and_then(|n| n.to_str());
        name == self.name
            && self.package != "main"
            && !self.package.ends_with("_test")
            && dir_name.is_some_and(|d| path.rsplit('/').next() == Some(d))
            && default_package_name(path) == self.package
    }

    /// Whether `Name(...)` in a file of `package` in `dir` is this function.
    fn matches_local(&self, dir: Option<&Path>, package: &str, name: &str) -> bool {
        name == self.name && package == self.package && dir == Some(self.dir.as_path())
    }
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
    let Some(tree) = crate::lang::parse(crate::lang::Language::Go, source) else {
        return Vec::new();
    };
    let settings = GoSettings {
        cancel_functions: Vec::new(),
        handler_types: Vec::new(),
        wrappers: Vec::new(),
    };
    let file = GoFile::new(source, &tree, &settings);
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
            found.push(CancelWrapper {
                dir: dir.to_path_buf(),
                package: file.package.clone(),
                name: file.text(name).to_string(),
                result: index,
                cause: is_type(types[index], "CancelCauseFunc"),
            });
        }
    }
    found
}

impl Default for GoSettings {
    fn default() -> Self {
        let mut cancel_functions = Vec::new();
        for path in CONTEXT_PATHS {
            for name in [
                "WithCancel",
                "WithTimeout",
                "WithDeadline",
                "WithCancelCause",
                "WithTimeoutCause",
                "WithDeadlineCause",
            ] {
                cancel_functions.push(CancelFunction {
                    package: path.to_string(),
                    name: name.to_string(),
                    result: 1,
                });
            }
        }
        cancel_functions.push(CancelFunction {
            package: "os/signal".into(),
            name: "NotifyContext".into(),
            result: 1,
        });
        let handler = |package: &str, name: &str, pointer, context: &str| HandlerType {
            package: package.into(),
            name: name.into(),
            pointer,
            context: context.into(),
        };
        let mut handler_types = Vec::new();
        for path in CONTEXT_PATHS {
            handler_types.push(handler(path, "Context", Some(false), "{}"));
        }
        handler_types.extend([
            handler("net/http", "Request", Some(true), "{}.Context()"),
            handler(
                "github.com/gin-gonic/gin",
                "Context",
                Some(true),
                "{}.Request.Context()",
            ),
            handler(
                "github.com/labstack/echo",
                "Context",
                Some(false),
                "{}.Request().Context()",
            ),
            handler("github.com/gofiber/fiber", "Ctx", None, "{}.UserContext()"),
        ]);
        GoSettings {
            cancel_functions,
            handler_types,
            wrappers: Vec::new(),
        }
    }
}

/// `got` names the package `wanted`, allowing a major-version suffix (`.../echo/v4`).
pub fn import_path_matches(got: &str, wanted: &str) -> bool {
    match got.strip_prefix(wanted) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix("/v")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// The name a package is referred to by when imported without an alias, guessed from its path
/// the way Go tooling does: the last element, skipping a `/vN` suffix, minus `go-`/`-go`/`.vN`.
pub fn default_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    let is_version = |s: &str| {
        s.strip_prefix('v')
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_version(last) {
        if let Some(prev) = parts.next() {
            last = prev;
        }
    }
    if let Some((base, version)) = last.rsplit_once('.') {
        if is_version(version) {
            last = base;
        }
    }
    last = last.strip_prefix("go-").unwrap_or(last);
    last.strip_suffix("-go").unwrap_or(last)
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
    /// [`GoFile::new_root_calls`], found once for all the rules that need them.
    new_roots: std::cell::OnceCell<Vec<Node<'a>>>,
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
            new_roots: std::cell::OnceCell::new(),
        }
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
    }

    /// The `go.mod` governing this file's directory (module path, `go` version), if known.
    pub fn module(&self) -> Option<std::sync::Arc<super::gomod::GoMod>> {
        self.dir.and_then(super::gomod::nearest)
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
                if is_declared_locally(operand, alias, self.source) {
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

    /// The calls of `context.Background()` and `context.TODO()` (any alias, dot imports), in
    /// document order.
    pub fn new_root_calls(&self) -> &[Node<'a>] {
        self.new_roots.get_or_init(|| {
            let mut calls = Vec::new();
            if !self.imports.imports_any(CONTEXT_PATHS) {
                return calls;
            }
            let query = &*NEW_ROOT_CALLS;
            crate::rules::for_each_match(query, self.tree.root_node(), self.source, |captures| {
                let Some(call) = crate::rules::capture(query, captures, "call") else {
                    return;
                };
                let has_args = call
                    .child_by_field_name("arguments")
                    .is_some_and(|a| a.named_child_count() > 0);
                if !has_args && self.calls_package(call, CONTEXT_PATHS).is_some() {
                    calls.push(call);
                }
            });
            calls
        })
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

impl<'a> GoFile<'a> {
    /// The cancel binding made by `statement`, if it is one.
    pub fn cancel_binding<'t>(&self, statement: Node<'t>) -> Option<CancelBinding<'t, 'a>> {
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
        if call.kind() != "call_expression" {
            return None;
        }
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
}

/// The identifier that declares the variable `ident` refers to, or `ident` itself when it
/// declares a new variable (`:=` in a new scope, `var`, a parameter, a range or receive
/// variable). Go's scoping: a block's names are visible after their declaring statement;
/// `if`/`for`/`switch` initializers, range and receive variables and type switch aliases
/// cover their statement; parameters and results cover the function, and func literals see
/// the names of the functions around them. `None` for names declared outside any function.
pub fn declaration_of<'t>(ident: Node<'t>, source: &str) -> Option<Node<'t>> {
    let name = text(ident, source);
    let position = ident.start_byte();
    let parent = ident.parent()?;
    let declares_here = match parent.kind() {
        "var_spec" | "const_spec" | "parameter_declaration" | "variadic_parameter_declaration" => {
            parent.child_by_field_name("type") != Some(ident)
                && parent.child_by_field_name("value") != Some(ident)
        }
        "expression_list" => parent.parent().is_some_and(|p| {
            p.child_by_field_name("left") == Some(parent)
                && match p.kind() {
                    "short_var_declaration" => true,
                    "range_clause" | "receive_statement" => has_define(p),
                    _ => false,
                }
        }),
        _ => false,
    };
    if declares_here {
        // `a, b := ...` re-uses a variable declared earlier in the same block.
        let statement = parent.parent()?;
        if statement.kind() == "short_var_declaration" {
            if let Some(list) = statement.parent().filter(|l| l.kind() == "statement_list") {
                if let Some(earlier) = declared_in_list(list, name, statement.start_byte(), source)
                {
                    return Some(earlier);
                }
            }
        }
        return Some(ident);
    }
    let mut child = ident;
    for scope in ancestors(ident) {
        let found = match scope.kind() {
            "statement_list" => declared_in_list(scope, name, position, source),
            "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                let mut found = scope
                    .child_by_field_name("initializer")
                    .filter(|init| *init != child && init.end_byte() <= position)
                    .and_then(|init| declared_by(init, name, source));
                if found.is_none() && scope.kind() == "type_switch_statement" {
                    found = scope
                        .child_by_field_name("alias")
                        .filter(|a| a.end_byte() <= position)
                        .and_then(|a| named_children(a).find(|n| text(*n, source) == name));
                }
                found
            }
            "for_statement" => named_children(scope).find_map(|clause| match clause.kind() {
                "for_clause" => clause
                    .child_by_field_name("initializer")
                    .filter(|init| *init != child && init.end_byte() <= position)
                    .and_then(|init| declared_by(init, name, source)),
                "range_clause" if clause != child => declared_by(clause, name, source),
                _ => None,
            }),
            "communication_case" => scope
                .child_by_field_name("communication")
                .filter(|c| *c != child)
                .and_then(|c| declared_by(c, name, source)),
            "func_literal" | "function_declaration" | "method_declaration" => {
                let found = ["receiver", "parameters", "result"]
                    .iter()
                    .filter_map(|f| scope.child_by_field_name(f))
                    .filter(|l| l.kind() == "parameter_list")
                    .flat_map(parameters)
                    .find_map(|p| p.name.filter(|n| text(*n, source) == name));
                if found.is_none() && scope.kind() != "func_literal" {
                    return None;
                }
                found
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        child = scope;
    }
    None
}

/// The first statement of a list, ending before `before`, that declares `name`.
fn declared_in_list<'t>(
    list: Node<'t>,
    name: &str,
    before: usize,
    source: &str,
) -> Option<Node<'t>> {
    named_children(list)
        .take_while(|s| s.end_byte() <= before)
        .find_map(|s| declared_by(s, name, source))
}

/// The identifier by which a statement declares `name` in its scope, if it does.
fn declared_by<'t>(statement: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let left = |s: Node<'t>| {
        s.child_by_field_name("left")
            .and_then(|l| named_children(l).find(|n| text(*n, source) == name))
    };
    match statement.kind() {
        "short_var_declaration" => left(statement),
        "range_clause" | "receive_statement" if has_define(statement) => left(statement),
        "labeled_statement" => named_children(statement)
            .find(|n| n.kind() != "label_name")
            .and_then(|inner| declared_by(inner, name, source)),
        "var_declaration" | "const_declaration" | "var_spec_list" => {
            named_children(statement).find_map(|spec| declared_by(spec, name, source))
        }
        "var_spec" | "const_spec" => {
            let mut cursor = statement.walk();
            let found = statement
                .children_by_field_name("name", &mut cursor)
                .find(|n| text(*n, source) == name);
            found
        }
        _ => None,
    }
}

fn has_define(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let defines = node.children(&mut cursor).any(|c| c.kind() == ":=");
    defines
}

/// Every identifier in `within` (nested func literals included) that refers to the variable
/// declared by `declaration` (as [`declaration_of`] resolves it), the declaration included.
pub fn references<'t>(within: Node<'t>, declaration: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let name = text(declaration, source);
    let mut found = Vec::new();
    walk_tree(within, |node| {
        if node.kind() == "identifier"
            && text(node, source) == name
            && declaration_of(node, source) == Some(declaration)
        {
            found.push(node);
        }
        true
    });
    found
}

/// A declared parameter: its name (absent for unnamed parameters) and type.
#[derive(Debug, Clone, Copy)]
pub struct Param<'t> {
    pub name: Option<Node<'t>>,
    pub ty: Node<'t>,
}

/// The parameters of a `parameter_list`, one entry per name (`a, b int` gives two).
pub fn parameters<'t>(list: Node<'t>) -> impl Iterator<Item = Param<'t>> {
    named_children(list)
        .filter(|d| {
            d.kind() == "parameter_declaration" || d.kind() == "variadic_parameter_declaration"
        })
        .flat_map(|decl| {
            let ty = decl.child_by_field_name("type");
            let mut cursor = decl.walk();
            let names: Vec<Node<'t>> = decl.children_by_field_name("name", &mut cursor).collect();
            let params: Vec<Param<'t>> = match ty {
                None => Vec::new(),
                Some(ty) if names.is_empty() => vec![Param { name: None, ty }],
                Some(ty) => names
                    .into_iter()
                    .map(|n| Param { name: Some(n), ty })
                    .collect(),
            };
            params
        })
}

/// The parameters of a function node (receiver excluded).
pub fn function_parameters<'t>(func: Node<'t>) -> impl Iterator<Item = Param<'t>> {
    func.child_by_field_name("parameters")
        .into_iter()
        .flat_map(parameters)
}

/// The functions enclosing a node, innermost first.
pub fn enclosing_functions<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    ancestors(node).filter(|n| FUNCTION_KINDS.contains(&n.kind()))
}

/// The name of a declared function or method (`None` for literals).
pub fn function_name<'s>(func: Node<'_>, source: &'s str) -> Option<&'s str> {
    func.child_by_field_name("name").map(|n| text(n, source))
}

/// Whether `name`, used at `use_site`, is declared by an enclosing function as a parameter,
/// receiver, result or local variable before the use: then it is not a package qualifier.
pub fn is_declared_locally(use_site: Node<'_>, name: &str, source: &str) -> bool {
    enclosing_functions(use_site).any(|func| {
        let params = ["receiver", "parameters", "result"]
            .iter()
            .filter_map(|f| func.child_by_field_name(f))
            .filter(|l| l.kind() == "parameter_list")
            .flat_map(parameters)
            .any(|p| p.name.is_some_and(|n| text(n, source) == name));
        params || {
            let mut found = false;
            if let Some(body) = func.child_by_field_name("body") {
                walk_tree(body, |node| {
                    if found || node.start_byte() >= use_site.start_byte() {
                        return false;
                    }
                    if declared_names(node).any(|n| text(n, source) == name) {
                        found = true;
                    }
                    node.kind() != "func_literal"
                });
            }
            found
        }
    })
}

/// The identifiers a declaration statement introduces (`:=`, `var`, `const`, range `:=`).
pub fn declared_names<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let defines = match node.kind() {
        "short_var_declaration" => true,
        "range_clause" => is_range_define(node),
        _ => false,
    };
    let names: Vec<Node<'t>> = match node.kind() {
        _ if defines => node
            .child_by_field_name("left")
            .map(|l| {
                named_children(l)
                    .filter(|n| n.kind() == "identifier")
                    .collect()
            })
            .unwrap_or_default(),
        "var_spec" | "const_spec" => {
            let mut cursor = node.walk();
            node.children_by_field_name("name", &mut cursor).collect()
        }
        _ => Vec::new(),
    };
    names.into_iter()
}

fn is_range_define(range: Node<'_>) -> bool {
    let mut cursor = range.walk();
    let defines = range.children(&mut cursor).any(|c| c.kind() == ":=");
    defines
}

/// The statement that holds a definition, when a statement can follow it in the same block:
/// a `:=`/`=` statement or the `var` declaration of a `var_spec` (not an `if`/`for` header).
pub fn enclosing_statement(def: Node<'_>) -> Option<Node<'_>> {
    let statement = match def.kind() {
        "var_spec" => ancestors(def).find(|n| n.kind() == "var_declaration")?,
        _ => def,
    };
    matches!(statement.parent()?.kind(), "statement_list" | "block").then_some(statement)
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

/// Whether any named variable among the left-hand `targets` of a definition (`ctx` in
/// `ctx, cancel := ...`) may outlive the function: see [`escapes`].
pub fn any_escapes(body: Node<'_>, targets: &[Node<'_>], source: &str) -> bool {
    targets
        .iter()
        .filter(|t| t.kind() == "identifier" && text(**t, source) != "_")
        .any(|t| escapes(body, text(*t, source), source))
}

/// How a variable's value may outlive the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Returned to the caller.
    Returned,
    /// Stored in a field, an element, a package variable or a composite literal.
    Stored,
    /// Sent on a channel.
    Sent,
    /// Used in a `go` statement or a func literal, which may run after the function returns.
    Captured,
}

/// Whether a variable may outlive the function through one of its uses in `body`: returned,
/// sent on a channel, used in a `go` statement or a func literal, put in a composite literal,
/// or assigned to anything but a plain local. Conservative: anything unclear counts as an
/// escape.
pub fn escapes(body: Node<'_>, name: &str, source: &str) -> bool {
    first_escape(body, name, source, |_| true)
}

/// Whether the variable is returned or stored (see [`Escape`]): the value itself is kept past
/// the function, not only used by work that may run later.
pub fn kept_beyond(body: Node<'_>, name: &str, source: &str) -> bool {
    first_escape(body, name, source, |e| {
        matches!(e, Escape::Returned | Escape::Stored)
    })
}

fn first_escape(body: Node<'_>, name: &str, source: &str, wanted: impl Fn(Escape) -> bool) -> bool {
    let mut escaped = false;
    walk_tree(body, |node| {
        if escaped {
            return false;
        }
        if node.kind() == "identifier" && text(node, source) == name {
            escaped = use_escapes(node, body, source).is_some_and(&wanted);
        }
        true
    });
    escaped
}

fn use_escapes(ident: Node<'_>, body: Node<'_>, source: &str) -> Option<Escape> {
    // Captured by a goroutine or a closure: it may run after the function returns, whatever
    // the statement around the use inside it does.
    if ancestors(ident)
        .take_while(|a| *a != body)
        .any(|a| matches!(a.kind(), "go_statement" | "func_literal"))
    {
        return Some(Escape::Captured);
    }
    let mut child = ident;
    for ancestor in ancestors(ident) {
        if ancestor == body {
            return None;
        }
        match ancestor.kind() {
            // `return ctx, nil` hands it out; `return f(ctx)` only uses it.
            "return_statement" => {
                return (ident.parent().and_then(|p| p.parent()) == Some(ancestor))
                    .then_some(Escape::Returned)
            }
            "composite_literal" => return Some(Escape::Stored),
            "send_statement" => {
                return (ancestor.child_by_field_name("value") == Some(child))
                    .then_some(Escape::Sent);
            }
            "var_spec" | "short_var_declaration" => return None,
            // `s.ctx = ctx`, `m[k] = ctx`, `*p = ctx` or a package variable keep it; `_ = ctx`
            // and plain locals do not.
            "assignment_statement" => {
                if ancestor.child_by_field_name("right") != Some(child) {
                    return None;
                }
                let stored = ancestor.child_by_field_name("left").is_none_or(|left| {
                    named_children(left).any(|target| {
                        let name = text(target, source);
                        target.kind() != "identifier"
                            || (name != "_" && !is_declared_locally(target, name, source))
                    })
                });
                return stored.then_some(Escape::Stored);
            }
            _ => {}
        }
        child = ancestor;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Language};

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
    fn default_names_follow_go_conventions() {
        assert_eq!(default_package_name("context"), "context");
        assert_eq!(default_package_name("net/http"), "http");
        assert_eq!(default_package_name("github.com/labstack/echo/v4"), "echo");
        assert_eq!(default_package_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(
            default_package_name("github.com/mattn/go-sqlite3"),
            "sqlite3"
        );
        assert!(import_path_matches(
            "github.com/labstack/echo/v4",
            "github.com/labstack/echo"
        ));
        assert!(!import_path_matches(
            "github.com/labstack/echox",
            "github.com/labstack/echo"
        ));
        assert!(!import_path_matches(
            "github.com/labstack/echo/vx",
            "github.com/labstack/echo"
        ));
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
        let src = "package p\nimport . \"context\"\nfunc f() { WithTimeout(nil, 1) }\n";
        with_file(src, |f| {
            assert_eq!(
                f.cancel_result(first_call(f.tree)),
                Some((1, "WithTimeout"))
            );
        });
    }

    /// The declaration each occurrence of `name` resolves to, as its byte offset (or None).
    fn resolutions(src: &str, name: &str) -> Vec<Option<usize>> {
        let tree = parse(Language::Go, src).unwrap();
        let mut found = Vec::new();
        walk_tree(tree.root_node(), |n| {
            if n.kind() == "identifier" && text(n, src) == name {
                found.push(declaration_of(n, src).map(|d| d.start_byte()));
            }
            true
        });
        found
    }

    #[test]
    fn inner_short_declarations_shadow() {
        let src = "package p\nfunc f() {\n\tx := 1\n\t{\n\t\tx := 2\n\t\t_ = x\n\t}\n\t_ = x\n}\n";
        let r = resolutions(src, "x");
        let (outer, inner) = (r[0].unwrap(), r[1].unwrap());
        assert_ne!(outer, inner);
        assert_eq!(r, [Some(outer), Some(inner), Some(inner), Some(outer)]);
    }

    #[test]
    fn redeclaration_in_the_same_block_reuses_the_variable() {
        let src = "package p\nfunc f() {\n\ta, x := 1, 2\n\tb, x := 3, 4\n\t_ = x\n}\n";
        let r = resolutions(src, "x");
        assert!(r.iter().all(|d| *d == r[0] && d.is_some()));
    }

    #[test]
    fn headers_scope_their_statement() {
        let src = "package p\nfunc f() {\n\tif x := 1; x > 0 { _ = x }\n\t_ = x\n\tfor _, x := range xs { _ = x }\n}\n";
        let r = resolutions(src, "x");
        assert_eq!(r[1], r[0]);
        assert_eq!(r[2], r[0]);
        assert_eq!(r[3], None, "after the if, x is a package-level name");
        assert_eq!(r[5], r[4]);
    }

    #[test]
    fn literals_see_captured_variables_unless_they_shadow_them() {
        let src = "package p\nfunc f(x int) {\n\tfunc() { _ = x }()\n\tfunc(x int) { _ = x }(1)\n\tfunc() { x := 2; _ = x }()\n}\n";
        let r = resolutions(src, "x");
        assert_eq!(r[1], r[0]);
        assert_eq!(r[3], r[2]);
        assert_ne!(r[2], r[0]);
        assert_eq!(r[5], r[4]);
        assert_ne!(r[4], r[0]);
    }

    #[test]
    fn the_right_hand_side_sees_the_outer_variable() {
        let src = "package p\nfunc f(x int) {\n\t{\n\t\tx := x + 1\n\t\t_ = x\n\t}\n}\n";
        let r = resolutions(src, "x");
        assert_eq!(r[2], r[0]);
        assert_eq!(r[3], r[1]);
        assert_ne!(r[1], r[0]);
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
