//! The Rust layer shared by every Rust rule: the per-file model (`RustFile`: the `use` table,
//! the calls, `let`s, functions and struct fields of the file, the async runtime it uses),
//! resolving a path to the item it names, and test code. `types` gives expressions the types
//! the syntax shows (tokens, `JoinHandle`s, spawners, std blocking types), `flow` the exits of
//! a block, and `cargo` what the nearest `Cargo.toml` says about tokio.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use tree_sitter::{Node, Tree};

use super::{named_children, text, walk_tree};

pub mod cargo;
pub mod flow;
pub mod types;

pub use flow::{always_does, diverges, exit_span, exits, preceded_by, Exit, ExitKind};
pub use types::{Spawn, Spawner, TreeTypes, Ty};

/// Nodes whose body runs on its own: an exit inside one leaves it, not the enclosing function.
pub const OWNER_KINDS: &[&str] = &["function_item", "closure_expression", "async_block"];

/// Items that start a new scope of their own: never searched from an enclosing function.
pub(crate) const ITEM_KINDS: &[&str] = &[
    "function_item",
    "impl_item",
    "trait_item",
    "mod_item",
    "struct_item",
    "enum_item",
    "const_item",
    "static_item",
];

/// Macros that never return: a path ending in one of them does not reach the end.
pub const NO_RETURN_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// Macros that return an error from the enclosing function (`anyhow::bail!` and friends).
pub const RETURN_MACROS: &[&str] = &["bail"];

/// The async runtimes whose use makes blocking calls in `async` code a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsyncRuntime {
    Tokio,
    AsyncStd,
    Smol,
}

impl AsyncRuntime {
    /// The runtime a path starts with: `tokio::spawn` → tokio.
    fn of_path(path: &str) -> Option<AsyncRuntime> {
        let root = path.trim_start_matches("::").split("::").next()?;
        match root {
            "tokio" | "tokio_util" | "tokio_stream" => Some(AsyncRuntime::Tokio),
            "async_std" => Some(AsyncRuntime::AsyncStd),
            "smol" => Some(AsyncRuntime::Smol),
            _ => None,
        }
    }
}

/// The per-file model of a Rust file, gathered in one walk so that rules do not walk the whole
/// tree again: the `use` table, every call, `let`, `fn` and struct field in document order, and
/// the async runtime the file uses.
pub struct RustFile<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    /// The file's path, when it is known (its `Cargo.toml`, test files by name).
    pub path: Option<&'a Path>,
    /// local name → the full paths it stands for, from every `use` declaration of the file,
    /// each with the byte range of the scope (file, module, block) where it is visible
    uses: HashMap<String, Vec<(Range<usize>, String)>>,
    /// prefixes of glob imports (`use tokio::time::*` → `tokio::time`), with their scopes
    globs: Vec<(Range<usize>, String)>,
    pub calls: Vec<Node<'a>>,
    /// Macro invocations (`select!`, `join!`, …): their arguments are not parsed.
    pub macros: Vec<Node<'a>>,
    pub lets: Vec<Node<'a>>,
    pub functions: Vec<Node<'a>>,
    /// Named fields of struct declarations (`field_declaration`).
    pub fields: Vec<Node<'a>>,
    /// The async runtime named by a `use`, a path or an attribute (`#[tokio::main]`); tokio
    /// wins when several are.
    pub runtime: Option<AsyncRuntime>,
    /// What the scanned tree declares about task handles and test modules (none for a file
    /// linted alone).
    pub tree_types: &'a TreeTypes,
    /// [`RustFile::is_test_file`] and [`RustFile::workspace_path`], worked out once.
    test_file: std::cell::OnceCell<bool>,
    workspace_path: std::cell::OnceCell<Option<std::path::PathBuf>>,
}

impl<'a> RustFile<'a> {
    pub fn new(source: &'a str, tree: &'a Tree) -> RustFile<'a> {
        let mut file = RustFile {
            source,
            tree,
            path: None,
            uses: HashMap::new(),
            globs: Vec::new(),
            calls: Vec::new(),
            macros: Vec::new(),
            lets: Vec::new(),
            functions: Vec::new(),
            fields: Vec::new(),
            runtime: None,
            tree_types: &types::NO_TREE_TYPES,
            test_file: std::cell::OnceCell::new(),
            workspace_path: std::cell::OnceCell::new(),
        };
        let mut declarations = Vec::new();
        let mut runtimes = Vec::new();
        walk_tree(tree.root_node(), |node| {
            match node.kind() {
                "use_declaration" => {
                    declarations.push(node);
                    return false;
                }
                "call_expression" => file.calls.push(node),
                "macro_invocation" => file.macros.push(node),
                "let_declaration" => file.lets.push(node),
                "function_item" => file.functions.push(node),
                "field_declaration" => file.fields.push(node),
                // A path in an expression, type or attribute: `tokio::spawn`.
                "scoped_identifier" | "scoped_type_identifier" => {
                    runtimes.extend(AsyncRuntime::of_path(text(node, source)));
                }
                _ => {}
            }
            true
        });
        for declaration in declarations {
            // A `use` is visible in the whole module or block that holds it.
            let scope = declaration
                .parent()
                .map_or(0..source.len(), |p| p.byte_range());
            if let Some(argument) = declaration.child_by_field_name("argument") {
                file.add_use(argument, scope);
            }
        }
        runtimes.extend(
            file.uses
                .values()
                .flatten()
                .filter_map(|(_, p)| AsyncRuntime::of_path(p)),
        );
        runtimes.extend(
            file.globs
                .iter()
                .filter_map(|(_, p)| AsyncRuntime::of_path(p)),
        );
        file.runtime = [
            AsyncRuntime::Tokio,
            AsyncRuntime::AsyncStd,
            AsyncRuntime::Smol,
        ]
        .into_iter()
        .find(|r| runtimes.contains(r));
        file
    }

    fn add_use(&mut self, argument: Node<'_>, scope: Range<usize>) {
        let mut bind = |name: &str, full: String| {
            self.uses
                .entry(name.to_string())
                .or_default()
                .push((scope.clone(), full));
        };
        let mut globs = Vec::new();
        let mut stack = vec![(String::new(), argument)];
        while let Some((prefix, node)) = stack.pop() {
            let join = |path: &str| -> String {
                let path = normalize(path);
                if prefix.is_empty() {
                    path
                } else {
                    format!("{prefix}::{path}")
                }
            };
            match node.kind() {
                "identifier" | "scoped_identifier" | "self" => {
                    let full = join(text(node, self.source));
                    let full = full.strip_suffix("::self").unwrap_or(&full).to_string();
                    if let Some(name) = last_segment(&full) {
                        bind(name, full.clone());
                    }
                }
                "use_as_clause" => {
                    let (Some(path), Some(alias)) = (
                        node.child_by_field_name("path"),
                        node.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let full = join(text(path, self.source));
                    let full = full.strip_suffix("::self").unwrap_or(&full).to_string();
                    let alias = text(alias, self.source);
                    if alias != "_" {
                        bind(alias, full);
                    }
                }
                "scoped_use_list" => {
                    let inner = match node.child_by_field_name("path") {
                        Some(path) => join(text(path, self.source)),
                        None => prefix.clone(),
                    };
                    if let Some(list) = node.child_by_field_name("list") {
                        stack.push((inner, list));
                    }
                }
                "use_list" => {
                    for child in named_children(node) {
                        stack.push((prefix.clone(), child));
                    }
                }
                "use_wildcard" => {
                    let glob = match named_children(node).next() {
                        Some(path) => join(text(path, self.source)),
                        None => prefix.clone(),
                    };
                    globs.push((scope.clone(), glob));
                }
                _ => {}
            }
        }
        self.globs.extend(globs);
    }

    /// The full path a name imported by `use` stands for at a byte offset: the binding of the
    /// innermost module or block around it.
    fn used(&self, name: &str, at: usize) -> Option<&str> {
        self.uses
            .get(name)?
            .iter()
            .filter(|(scope, _)| scope.contains(&at))
            .min_by_key(|(scope, _)| scope.len())
            .map(|(_, full)| full.as_str())
    }

    /// The glob-imported modules visible at a byte offset.
    fn globs_at(&self, at: usize) -> impl Iterator<Item = &str> {
        self.globs
            .iter()
            .filter(move |(scope, _)| scope.contains(&at))
            .map(|(_, glob)| glob.as_str())
    }

    /// The calls inside `node`, in document order (a slice of [`RustFile::calls`]).
    pub fn calls_within(&self, node: Node<'_>) -> impl Iterator<Item = Node<'a>> + '_ {
        let (start, end) = (node.start_byte(), node.end_byte());
        let first = self.calls.partition_point(|c| c.start_byte() < start);
        self.calls[first..]
            .iter()
            .copied()
            .take_while(move |c| c.start_byte() < end)
            .filter(move |c| c.end_byte() <= end)
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
    }

    /// The file's directory, when its path is known.
    pub fn dir(&self) -> Option<&'a Path> {
        self.path
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
    }

    /// Whether the file is test, benchmark or example code by Cargo's layout and naming
    /// conventions: below the outermost `Cargo.toml` (the workspace root), a directory or file
    /// named `tests`, `test`, `testing`, `benches`, `examples`, or `*_test(s)`, `*_testing`,
    /// `test_*`, `testing_*` (the files of `#[cfg(test)] mod …;` declarations, test-support
    /// crates like `test-utils`), and the files of modules that another scanned file declares
    /// only for tests (`#[cfg(any(test, feature = "test_utils"))] pub mod sweettest;`).
    pub fn is_test_file(&self) -> bool {
        *self.test_file.get_or_init(|| {
            self.test_file_by_path()
                || self
                    .path
                    .is_some_and(|p| self.tree_types.is_test_module_file(p))
        })
    }

    /// The file's path below its workspace root (the outermost `Cargo.toml` above it), or as
    /// given when there is none.
    pub fn workspace_path(&self) -> Option<&Path> {
        let path = self.path?;
        let relative = self.workspace_path.get_or_init(|| {
            let root = self.dir().and_then(cargo::root_dir)?;
            let absolute = std::path::absolute(path).ok()?;
            absolute.strip_prefix(root).ok().map(Path::to_path_buf)
        });
        Some(relative.as_deref().unwrap_or(path))
    }

    /// Whether the file belongs to a command-line tool, by the workspace's layout: a binary's
    /// `main.rs` or `src/bin/`, or a directory named `bin`, `cli`, `cmd`, `xtask`, `commands`,
    /// `tools`, `*-cli`, `*ctl`. Such code runs one command at a time, and the process (with
    /// its runtime and every task) ends when the command does.
    pub fn is_tool_file(&self) -> bool {
        let Some(path) = self.workspace_path() else {
            return false;
        };
        if path.file_name().is_some_and(|n| n == "main.rs") {
            return true;
        }
        path.parent()
            .into_iter()
            .flat_map(Path::components)
            .filter_map(|c| c.as_os_str().to_str())
            .any(|dir| {
                matches!(
                    dir,
                    "bin" | "binaries" | "cli" | "cmd" | "xtask" | "commands" | "command" | "tools"
                ) || dir.ends_with("-cli")
                    || dir.ends_with("_cli")
                    || dir.ends_with("ctl")
                    || dir.starts_with("cli-")
                    || dir.starts_with("cli_")
                    || dir.starts_with("cmd_")
                    || dir.starts_with("cmd-")
            })
    }

    fn test_file_by_path(&self) -> bool {
        let Some(relative) = self.workspace_path() else {
            return false;
        };
        let name = relative
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let test_name = |n: &str| {
            matches!(
                n,
                "tests" | "test" | "testing" | "testbed" | "benches" | "examples"
            ) || [
                "_test", "_tests", "_testing", "-test", "-tests", "-testing", "_bench",
            ]
            .iter()
            .any(|suffix| n.ends_with(suffix))
                || ["test_", "test-", "testing_", "testing-"]
                    .iter()
                    .any(|prefix| n.starts_with(prefix))
        };
        test_name(name)
            || relative
                .parent()
                .into_iter()
                .flat_map(Path::components)
                .filter_map(|c| c.as_os_str().to_str())
                .any(test_name)
    }

    /// The full path a path expression or type names, as far as the `use` table tells:
    /// `Tok::new` → `tokio_util::sync::CancellationToken::new` after `use ... as Tok`.
    /// Generic arguments are dropped; an unknown first segment is kept as written.
    pub fn resolve(&self, path: Node<'_>) -> String {
        let written = normalize(self.text(path));
        let (first, rest) = match written.split_once("::") {
            Some((first, rest)) => (first, Some(rest)),
            None => (written.as_str(), None),
        };
        match (self.used(first, path.start_byte()), rest) {
            (Some(full), Some(rest)) => format!("{full}::{rest}"),
            (Some(full), None) => full.to_string(),
            (None, _) => written.clone(),
        }
    }

    /// Whether a path expression names one of `wanted` (full paths), directly, through a
    /// `use` (renamed or not) or through a glob import of its parent module.
    pub fn names_any(&self, path: Node<'_>, wanted: &[&str]) -> bool {
        if !matches!(path.kind(), "identifier" | "scoped_identifier") {
            return false;
        }
        let resolved = self.resolve(path);
        if wanted.contains(&resolved.as_str()) {
            return true;
        }
        let first = resolved.split("::").next().unwrap_or("");
        if self.used(first, path.start_byte()).is_some() {
            return false;
        }
        self.globs_at(path.start_byte())
            .any(|glob| wanted.contains(&format!("{glob}::{resolved}").as_str()))
    }

    /// Whether a `use` visible at `at` brings the item `path` into scope: by name (renamed or
    /// not) or by a glob import of its parent.
    pub fn imports(&self, path: &str, at: Node<'_>) -> bool {
        let at = at.start_byte();
        self.uses
            .values()
            .flatten()
            .any(|(scope, p)| p == path && scope.contains(&at))
            || path
                .rsplit_once("::")
                .is_some_and(|(parent, _)| self.globs_at(at).any(|g| g == parent))
    }

    /// Whether a `use` visible at `at` binds `name` (`use std::thread;` binds `thread`).
    pub fn imports_name(&self, name: &str, at: Node<'_>) -> bool {
        self.used(name, at.start_byte()).is_some()
    }

    /// `CancellationToken`, `&CancellationToken`, `&'a mut tokio_util::sync::CancellationToken`
    /// or a renamed import of it.
    pub fn is_token_type(&self, ty: Node<'_>) -> bool {
        let ty = match ty.kind() {
            "reference_type" => match ty.child_by_field_name("type") {
                Some(inner) => inner,
                None => return false,
            },
            _ => ty,
        };
        matches!(ty.kind(), "type_identifier" | "scoped_type_identifier")
            && is_token_path(&self.resolve(ty))
    }

    /// `CancellationToken::new()` or `CancellationToken::default()`.
    pub fn is_token_constructor(&self, expr: Node<'_>) -> bool {
        if expr.kind() != "call_expression" {
            return false;
        }
        let Some(function) = expr.child_by_field_name("function") else {
            return false;
        };
        if !matches!(function.kind(), "scoped_identifier" | "generic_function") {
            return false;
        }
        let resolved = self.resolve(function);
        match resolved.rsplit_once("::") {
            Some((ty, "new" | "default")) => is_token_path(ty),
            _ => false,
        }
    }

    /// Parameters of a function typed as a token: `(pattern, parameter)`.
    pub fn token_parameters<'t>(&self, function: Node<'t>) -> Vec<(Node<'t>, Node<'t>)> {
        let Some(params) = function.child_by_field_name("parameters") else {
            return Vec::new();
        };
        named_children(params)
            .filter(|p| p.kind() == "parameter")
            .filter(|p| {
                p.child_by_field_name("type")
                    .is_some_and(|t| self.is_token_type(t))
            })
            .filter_map(|p| Some((p.child_by_field_name("pattern")?, p)))
            .collect()
    }

    /// Whether a node lies in test code: a test file (see [`RustFile::is_test_file`]), a
    /// `#[test]`/`#[tokio::test]`/`#[rstest]` function, an
    /// item under `#[cfg(test)]` (or `cfg(all(test, …))`, `cfg(any(test, …))`), or a file
    /// that starts with `#![cfg(test)]`.
    pub fn is_test_code(&self, node: Node<'_>) -> bool {
        if self.is_test_file() {
            return true;
        }
        let root = self.tree.root_node();
        if named_children(root)
            .take_while(|n| matches!(n.kind(), "inner_attribute_item" | "line_comment"))
            .filter(|n| n.kind() == "inner_attribute_item")
            .filter_map(|n| named_children(n).find(|c| c.kind() == "attribute"))
            .any(|a| is_test_attribute(&normalize(self.text(a))))
        {
            return true;
        }
        if super::ancestors(node).nth(MAX_ANCESTORS).is_some() {
            return true;
        }
        ancestors(node).any(|item| {
            attributes(item).any(|attribute| is_test_attribute(&normalize(self.text(attribute))))
        })
    }
}

/// `test`, `tokio::test(…)`, `rstest`, `test_case(…)`, or a `cfg` that holds only in tests.
fn is_test_attribute(attribute: &str) -> bool {
    let name = attribute.split('(').next().unwrap_or("");
    if name == "test" || name.ends_with("::test") || name == "rstest" || name == "test_case" {
        return true;
    }
    match attribute.strip_prefix("cfg(") {
        Some(predicate) => cfg_needs_test(predicate.strip_suffix(')').unwrap_or(predicate)),
        None => false,
    }
}

/// Whether a `cfg` predicate can only hold when compiling tests: `test`, `all(test, …)`, or
/// `any(…)` of such predicates (`any(test, feature = "testing")` holds outside tests too).
fn cfg_needs_test(predicate: &str) -> bool {
    if predicate == "test" {
        return true;
    }
    // `feature = "test-utils"`, `feature = "testing"`: test support compiled for other crates'
    // tests.
    if let Some(feature) = predicate.strip_prefix("feature=") {
        return feature.contains("test");
    }
    let (list, all) = if let Some(rest) = predicate.strip_prefix("all(") {
        (rest, true)
    } else if let Some(rest) = predicate.strip_prefix("any(") {
        (rest, false)
    } else {
        return false;
    };
    let list = list.strip_suffix(')').unwrap_or(list);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    let parts: Vec<_> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    if all {
        parts.iter().any(|p| cfg_needs_test(p))
    } else {
        !parts.is_empty() && parts.iter().all(|p| cfg_needs_test(p))
    }
}

/// How far up the tree the Rust layer looks. `Node::parent` costs time proportional to the
/// node's depth, so unbounded ancestor walks from nodes nested thousands of levels deep would
/// be quadratic; past this bound the rules give up on the node (and report nothing about it).
pub const MAX_ANCESTORS: usize = 256;

/// The ancestors of a node, innermost first, at most [`MAX_ANCESTORS`] of them.
pub fn ancestors<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    super::ancestors(node).take(MAX_ANCESTORS)
}

/// The comments on lines of their own right above `node` or above a statement or item around
/// it, up to its function's doc comments (attributes between a comment and its item are
/// skipped). A comment that ends a line of code is about that code, and is left out.
pub fn comments_above<'s>(file: &RustFile<'s>, node: Node<'_>) -> Vec<&'s str> {
    let own_line = |comment: Node<'_>| {
        let start = comment.start_byte();
        let line_start = file.source[..start].rfind('\n').map_or(0, |i| i + 1);
        file.source[line_start..start].trim().is_empty()
    };
    let mut comments = Vec::new();
    for ancestor in std::iter::once(node).chain(ancestors(node)) {
        let mut previous = ancestor.prev_sibling();
        while let Some(sibling) = previous {
            match sibling.kind() {
                "attribute_item" => {}
                kind if kind.ends_with("comment") && own_line(sibling) => {
                    comments.push(file.text(sibling));
                }
                _ => break,
            }
            previous = sibling.prev_sibling();
        }
        if ancestor.kind() == "function_item" {
            break;
        }
    }
    comments
}

/// Whether `ancestor` is among the (bounded) ancestors of `node`.
pub fn reaches(node: Node<'_>, ancestor: Node<'_>) -> bool {
    ancestors(node).any(|a| a == ancestor)
}

/// `CancellationToken` or a path ending in `::CancellationToken`.
pub fn is_token_path(path: &str) -> bool {
    last_segment(path) == Some("CancellationToken")
}

/// The path without whitespace, a leading `::` and generic arguments.
pub(crate) fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("::::", "::");
    let out = out.trim_start_matches("::").trim_end_matches("::");
    out.to_string()
}

fn last_segment(path: &str) -> Option<&str> {
    path.rsplit("::").next().filter(|s| !s.is_empty())
}

/// The `attribute` nodes of the `#[...]` items right before an item.
pub fn attributes<'t>(item: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    std::iter::successors(item.prev_named_sibling(), |n| n.prev_named_sibling())
        .take_while(|n| {
            matches!(
                n.kind(),
                "attribute_item" | "line_comment" | "block_comment"
            )
        })
        .filter(|n| n.kind() == "attribute_item")
        .filter_map(|n| named_children(n).find(|c| c.kind() == "attribute"))
}

/// The nearest function, closure or async block around a node.
pub fn owner(node: Node<'_>) -> Option<Node<'_>> {
    ancestors(node).find(|n| OWNER_KINDS.contains(&n.kind()))
}

/// The nearest `fn` item around a node.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    ancestors(node).find(|n| n.kind() == "function_item")
}

/// `receiver.method(...)`: the method name and the receiver.
pub fn method_call<'s, 't>(file: &RustFile<'s>, call: Node<'t>) -> Option<(&'s str, Node<'t>)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    if function.kind() != "field_expression" {
        return None;
    }
    let name = file.text(function.child_by_field_name("field")?);
    Some((name, function.child_by_field_name("value")?))
}

/// The name of a macro invocation without its path: `anyhow::bail!` → `bail`.
pub fn macro_name<'s>(invocation: Node<'_>, source: &'s str) -> Option<&'s str> {
    let path = text(invocation.child_by_field_name("macro")?, source);
    path.rsplit("::").next()
}

/// Calls `visit` on every node of `root`'s subtree that runs as part of `root`'s own body:
/// nested functions, closures, async blocks and items are not entered (they are visited
/// themselves, their insides are not).
pub fn walk_own_body<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    walk_tree(root, |node| {
        visit(node);
        node == root || !(OWNER_KINDS.contains(&node.kind()) || ITEM_KINDS.contains(&node.kind()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Language};

    fn with_file(src: &str, f: impl FnOnce(&RustFile<'_>)) {
        let tree = parse(Language::Rust, src).unwrap();
        let file = RustFile::new(src, &tree);
        f(&file);
    }

    fn find<'t>(root: Node<'t>, src: &str, kind: &str, snippet: &str) -> Node<'t> {
        let mut found = None;
        walk_tree(root, |n| {
            if found.is_none() && n.kind() == kind && text(n, src) == snippet {
                found = Some(n);
            }
            true
        });
        found.unwrap_or_else(|| panic!("no {kind} `{snippet}`"))
    }

    #[test]
    fn use_declarations_resolve_renamed_grouped_and_glob_imports() {
        let src = "use tokio_util::sync::{CancellationToken as Tok, DropGuard};\n\
                   use tokio::{self as tk, task::{self, spawn_blocking}};\n\
                   use tokio::time::*;\n\
                   fn f() { Tok::new(); task::spawn(x); spawn_blocking(y); timeout(d, h); tk::spawn(z); }\n";
        with_file(src, |file| {
            let root = file.tree.root_node();
            let tok = find(root, src, "scoped_identifier", "Tok::new");
            assert_eq!(
                file.resolve(tok),
                "tokio_util::sync::CancellationToken::new"
            );
            let call = find(root, src, "call_expression", "Tok::new()");
            assert!(file.is_token_constructor(call));
            for spawn in ["task::spawn(x)", "spawn_blocking(y)", "tk::spawn(z)"] {
                let call = find(root, src, "call_expression", spawn);
                assert!(file.spawn(call).is_some(), "{spawn}");
            }
            let timeout = find(root, src, "identifier", "timeout");
            assert!(file.names_any(timeout, &["tokio::time::timeout"]));
        });
    }

    #[test]
    fn token_types_include_references_and_full_paths() {
        let src = "fn f(a: &CancellationToken, b: tokio_util::sync::CancellationToken, c: Arc<CancellationToken>, d: &'a Token) {}\n";
        with_file(src, |file| {
            let function = named_children(file.tree.root_node()).next().unwrap();
            let names: Vec<_> = file
                .token_parameters(function)
                .into_iter()
                .map(|(p, _)| file.text(p))
                .collect();
            assert_eq!(names, ["a", "b"]);
        });
    }

    #[test]
    fn test_and_tool_files_by_path() {
        let tree = parse(Language::Rust, "fn f() {}\n").unwrap();
        let kinds = |path: &str| {
            let mut file = RustFile::new("fn f() {}\n", &tree);
            file.path = Some(Path::new(path));
            (file.is_test_file(), file.is_tool_file())
        };
        for (path, test, tool) in [
            ("src/server.rs", false, false),
            ("crates/db/src/engine/alter_test.rs", true, false),
            ("crates/db/src/tests.rs", true, false),
            ("crates/db/tests/it.rs", true, false),
            ("lib/collection/src/model_testing/mod.rs", true, false),
            ("crates/test-utils/src/lib.rs", true, false),
            ("examples/src/client.rs", true, false),
            ("crates/app/src/main.rs", false, true),
            ("crates/app/src/bin/tool.rs", false, true),
            ("cli/tools/upgrade.rs", false, true),
            ("tools/restatectl/src/lib.rs", false, true),
            ("crates/xtask/src/bench.rs", false, true),
            ("testdata/rust/rule/basic.rs", false, false),
        ] {
            assert_eq!(kinds(path), (test, tool), "{path}");
        }
    }

    #[test]
    fn test_code_is_recognised_by_attributes() {
        let src = "#[tokio::test(flavor = \"multi_thread\")]\nasync fn a() { x(); }\n\
                   #[cfg(test)]\nmod tests { fn b() { y(); } }\nfn c() { z(); }\n\
                   #[cfg(all(test, unix))]\nfn d() { w(); }\n#[cfg(any(test, feature = \"test-utils\"))]\nfn e() { v(); }\n\
                   #[cfg(any(test, unix))]\nfn g() { u(); }\n";
        with_file(src, |file| {
            let root = file.tree.root_node();
            for (call, test) in [
                ("x()", true),
                ("y()", true),
                ("z()", false),
                ("w()", true),
                ("v()", true),
                ("u()", false),
            ] {
                let node = find(root, src, "call_expression", call);
                assert_eq!(file.is_test_code(node), test, "{call}");
            }
        });
    }
}

#[cfg(test)]
mod deep_tests {
    use crate::lang::Language;
    use crate::rules::RULES;

    /// Every Rust rule over code nested thousands of levels deep: no stack overflow, and the
    /// finding outside the nesting is still reported.
    #[test]
    fn rules_survive_deep_nesting() {
        let depth = 5000;
        let nested = format!("{}y()?;{}", "if x { ".repeat(depth), " }".repeat(depth));
        let src = format!(
            "async fn f() -> Result<()> {{\n    let token = CancellationToken::new();\n    \
             tokio::spawn(watch(token.clone()));\n    a()?;\n    {nested}\n    token.cancel();\n    Ok(())\n}}\n\
             fn g(t: CancellationToken) {{ t.drop_guard(); {} }}\n",
            "{ ".repeat(depth) + &"}".repeat(depth)
        );
        let rules: Vec<_> = RULES
            .iter()
            .copied()
            .filter(|r| r.language == Language::Rust)
            .collect();
        let found = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                let settings = crate::LintSettings::only(&rules);
                crate::lint_file(Language::Rust, &src, None, &settings)
                    .unwrap_or_default()
                    .iter()
                    .map(|d| d.rule)
                    .collect::<Vec<_>>()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found, ["missing-drop-guard", "discarded-drop-guard"]);
    }
}
