//! The Rust layer shared by every Rust rule: the file's `use` table, resolving a path to the
//! item it names, recognising tokens (`tokio_util::sync::CancellationToken`) and spawn calls,
//! test code, and the exits of a block for flow purposes (`?`, `return`, `bail!`, `break`,
//! falling off the end) with a small syntactic "is this exit preceded by X on every path" check.

use std::collections::HashMap;
use tree_sitter::{Node, Tree};

use super::{named_children, text, walk_tree};

/// Nodes whose body runs on its own: an exit inside one leaves it, not the enclosing function.
pub const OWNER_KINDS: &[&str] = &["function_item", "closure_expression", "async_block"];

/// Items that start a new scope of their own: never searched from an enclosing function.
const ITEM_KINDS: &[&str] = &[
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

/// Functions of tokio that spawn a task and return its `JoinHandle`.
pub const SPAWN_FUNCTIONS: &[&str] = &[
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_blocking",
    "tokio::task::spawn_local",
];

/// A parsed Rust file with its `use` table.
pub struct RustFile<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    /// local name → full path, from every `use` declaration of the file
    uses: HashMap<String, String>,
    /// prefixes of glob imports (`use tokio::time::*` → `tokio::time`)
    globs: Vec<String>,
    /// Every call, `let` and `fn` of the file in document order, gathered in one walk so
    /// that rules do not walk the whole tree again.
    pub calls: Vec<Node<'a>>,
    pub lets: Vec<Node<'a>>,
    pub functions: Vec<Node<'a>>,
    /// Named fields of struct declarations (`field_declaration`).
    pub fields: Vec<Node<'a>>,
}

impl<'a> RustFile<'a> {
    pub fn new(source: &'a str, tree: &'a Tree) -> RustFile<'a> {
        let mut file = RustFile {
            source,
            tree,
            uses: HashMap::new(),
            globs: Vec::new(),
            calls: Vec::new(),
            lets: Vec::new(),
            functions: Vec::new(),
            fields: Vec::new(),
        };
        let mut declarations = Vec::new();
        walk_tree(tree.root_node(), |node| {
            match node.kind() {
                "use_declaration" => {
                    declarations.push(node);
                    return false;
                }
                "call_expression" => file.calls.push(node),
                "let_declaration" => file.lets.push(node),
                "function_item" => file.functions.push(node),
                "field_declaration" => file.fields.push(node),
                _ => {}
            }
            true
        });
        for declaration in declarations {
            if let Some(argument) = declaration.child_by_field_name("argument") {
                file.add_use(argument);
            }
        }
        file
    }

    fn add_use(&mut self, argument: Node<'_>) {
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
                    let full = join(self.text(node));
                    let full = full.strip_suffix("::self").unwrap_or(&full).to_string();
                    if let Some(name) = last_segment(&full) {
                        self.uses.insert(name.to_string(), full.clone());
                    }
                }
                "use_as_clause" => {
                    let (Some(path), Some(alias)) = (
                        node.child_by_field_name("path"),
                        node.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let full = join(self.text(path));
                    let full = full.strip_suffix("::self").unwrap_or(&full).to_string();
                    let alias = self.text(alias);
                    if alias != "_" {
                        self.uses.insert(alias.to_string(), full);
                    }
                }
                "scoped_use_list" => {
                    let inner = match node.child_by_field_name("path") {
                        Some(path) => join(self.text(path)),
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
                        Some(path) => join(self.text(path)),
                        None => prefix.clone(),
                    };
                    self.globs.push(glob);
                }
                _ => {}
            }
        }
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.source)
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
        match (self.uses.get(first), rest) {
            (Some(full), Some(rest)) => format!("{full}::{rest}"),
            (Some(full), None) => full.clone(),
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
        if self.uses.contains_key(first) {
            return false;
        }
        self.globs
            .iter()
            .any(|glob| wanted.contains(&format!("{glob}::{resolved}").as_str()))
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

    /// A call of a tokio function that spawns a task and returns its `JoinHandle`.
    pub fn is_spawn_function(&self, call: Node<'_>) -> bool {
        call.kind() == "call_expression"
            && call
                .child_by_field_name("function")
                .is_some_and(|f| self.names_any(f, SPAWN_FUNCTIONS))
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

    /// Whether a node lies in test code: a `#[test]`/`#[tokio::test]` function, a
    /// `#[cfg(test)]` item, or a file that starts with `#![cfg(test)]`.
    pub fn is_test_code(&self, node: Node<'_>) -> bool {
        let root = self.tree.root_node();
        if named_children(root)
            .take_while(|n| matches!(n.kind(), "inner_attribute_item" | "line_comment"))
            .any(|n| normalize(self.text(n)) == "#![cfg(test)]")
        {
            return true;
        }
        if super::ancestors(node).nth(MAX_ANCESTORS).is_some() {
            return true;
        }
        ancestors(node).any(|item| {
            attributes(item).any(|attribute| {
                let attribute = normalize(self.text(attribute));
                attribute == "test"
                    || attribute.ends_with("::test")
                    || attribute.contains("::test(")
                    || attribute == "cfg(test)"
            })
        })
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

/// Whether `ancestor` is among the (bounded) ancestors of `node`.
pub fn reaches(node: Node<'_>, ancestor: Node<'_>) -> bool {
    ancestors(node).any(|a| a == ancestor)
}

/// `CancellationToken` or a path ending in `::CancellationToken`.
pub fn is_token_path(path: &str) -> bool {
    last_segment(path) == Some("CancellationToken")
}

/// The path without whitespace, a leading `::` and generic arguments.
fn normalize(path: &str) -> String {
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

/// How a path leaves a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// `expr?`
    Try,
    /// `return`
    Return,
    /// `bail!(...)`
    Bail,
    /// `break`/`continue` out of the block
    Break,
    /// falling off the end of the block
    End,
}

/// One way out of a block: the node and the span to point at.
#[derive(Debug, Clone, Copy)]
pub struct Exit<'t> {
    pub kind: ExitKind,
    pub node: Node<'t>,
}

/// Every exit out of `block` that starts after byte `after`, in document order, including
/// falling off its end when that is reachable. Exits inside closures, async blocks and
/// nested items leave those, not the block, and are skipped; a `break`/`continue` inside a
/// loop nested in the block stays in the block.
pub fn exits<'t>(block: Node<'t>, after: usize, source: &str) -> Vec<Exit<'t>> {
    let mut found = Vec::new();
    walk_own_body(block, |node| {
        if node.end_byte() <= after {
            return;
        }
        let kind = match node.kind() {
            "try_expression" => ExitKind::Try,
            "return_expression" => ExitKind::Return,
            "macro_invocation"
                if macro_name(node, source).is_some_and(|m| RETURN_MACROS.contains(&m)) =>
            {
                ExitKind::Bail
            }
            "break_expression" | "continue_expression" if !inside_loop(node, block) => {
                ExitKind::Break
            }
            _ => return,
        };
        let exit = Exit { kind, node };
        if node == block
            || !reaches(node, block)
            || owner_within(node, block)
            || exit_span(exit).start < after
        {
            return;
        }
        found.push(exit);
    });
    let statements: Vec<Node<'t>> = named_children(block)
        .filter(|s| s.end_byte() > after && !is_comment(*s))
        .collect();
    if !statements.iter().any(|s| diverges(*s, source)) {
        found.push(Exit {
            kind: ExitKind::End,
            node: block,
        });
    }
    found
}

fn is_comment(node: Node<'_>) -> bool {
    matches!(node.kind(), "line_comment" | "block_comment")
}

/// Whether a closure, async block or item lies between `node` and `block`.
fn owner_within(node: Node<'_>, block: Node<'_>) -> bool {
    ancestors(node)
        .take_while(|a| *a != block)
        .any(|a| OWNER_KINDS.contains(&a.kind()) || ITEM_KINDS.contains(&a.kind()))
}

/// Whether a `break`/`continue` targets a loop nested inside `block` (labelled breaks are
/// assumed to target the innermost loop too).
fn inside_loop(node: Node<'_>, block: Node<'_>) -> bool {
    ancestors(node).take_while(|a| *a != block).any(|a| {
        matches!(
            a.kind(),
            "loop_expression" | "while_expression" | "for_expression"
        )
    })
}

/// Whether evaluating a statement or expression never completes normally: `return`,
/// `break`, `continue`, `panic!` & co., `bail!`, `std::process::exit`, an `if`/`match`
/// whose every branch diverges, a `loop` without `break`. Deep nesting gives up (false).
pub fn diverges(node: Node<'_>, source: &str) -> bool {
    diverges_at(node, source, 0)
}

const MAX_DEPTH: usize = 64;

fn diverges_at(node: Node<'_>, source: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let deeper = |n: Node<'_>| diverges_at(n, source, depth + 1);
    match node.kind() {
        "return_expression" | "break_expression" | "continue_expression" => true,
        "macro_invocation" => macro_name(node, source)
            .is_some_and(|m| NO_RETURN_MACROS.contains(&m) || RETURN_MACROS.contains(&m)),
        "call_expression" => node.child_by_field_name("function").is_some_and(|f| {
            let f = normalize(text(f, source));
            f == "std::process::exit" || f == "process::exit"
        }),
        "expression_statement" | "parenthesized_expression" => {
            named_children(node).next().is_some_and(deeper)
        }
        "block" => named_children(node).any(deeper),
        "if_expression" => {
            let consequence = node.child_by_field_name("consequence");
            let alternative = node
                .child_by_field_name("alternative")
                .and_then(|e| named_children(e).next());
            match (consequence, alternative) {
                (Some(c), Some(a)) => deeper(c) && deeper(a),
                _ => false,
            }
        }
        "match_expression" => {
            let arms = match_arms(node);
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| a.child_by_field_name("value").is_some_and(deeper))
        }
        "loop_expression" => {
            let mut has_break = false;
            if let Some(body) = node.child_by_field_name("body") {
                walk_own_body(body, |n| {
                    if n.kind() == "break_expression" && !inside_loop(n, body) {
                        has_break = true;
                    }
                });
            }
            !has_break
        }
        _ => false,
    }
}

/// Whether evaluating `node` to completion certainly does what `event` recognises (for
/// example cancelling a token): `event` holds for the node itself or for a part that always
/// runs; a block does it in some statement; an `if`/`match` does it (or diverges) in every
/// branch. Closures and async blocks are not run. Deep nesting gives up (true: no finding).
pub fn always_does(node: Node<'_>, source: &str, event: &dyn Fn(Node<'_>) -> bool) -> bool {
    always_does_at(node, source, event, 0)
}

fn always_does_at(
    node: Node<'_>,
    source: &str,
    event: &dyn Fn(Node<'_>) -> bool,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    if event(node) {
        return true;
    }
    let deeper = |n: Node<'_>| always_does_at(n, source, event, depth + 1);
    let branch = |n: Node<'_>| deeper(n) || diverges(n, source);
    match node.kind() {
        "block" => {
            for statement in named_children(node) {
                if deeper(statement) {
                    return true;
                }
                if diverges(statement, source) {
                    // The rest never runs; the block does not complete.
                    return true;
                }
            }
            false
        }
        "if_expression" => {
            if node.child_by_field_name("condition").is_some_and(deeper) {
                return true;
            }
            let consequence = node.child_by_field_name("consequence");
            let alternative = node
                .child_by_field_name("alternative")
                .and_then(|e| named_children(e).next());
            match (consequence, alternative) {
                (Some(c), Some(a)) => branch(c) && branch(a),
                _ => false,
            }
        }
        "match_expression" => {
            if node.child_by_field_name("value").is_some_and(deeper) {
                return true;
            }
            let arms = match_arms(node);
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| a.child_by_field_name("value").is_some_and(branch))
        }
        "let_declaration" => node.child_by_field_name("value").is_some_and(deeper),
        "call_expression" => {
            node.child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("value"))
                .is_some_and(deeper)
                || node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| named_children(a).any(deeper))
        }
        "expression_statement"
        | "parenthesized_expression"
        | "await_expression"
        | "try_expression"
        | "reference_expression"
        | "assignment_expression"
        | "field_expression" => named_children(node).any(deeper),
        _ => false,
    }
}

/// Whether some statement that always runs before `exit` (after byte `after`, within
/// `scope`) always does `event`: walks up from the exit to `scope`, looking at the earlier
/// statements of every enclosing block.
pub fn preceded_by(
    exit: Exit<'_>,
    scope: Node<'_>,
    after: usize,
    source: &str,
    event: &dyn Fn(Node<'_>) -> bool,
) -> bool {
    let earlier = |block: Node<'_>, before: usize| {
        named_children(block)
            .filter(|s| s.start_byte() >= after && s.end_byte() <= before)
            .any(|s| always_does(s, source, event))
    };
    if exit.kind == ExitKind::End {
        return earlier(scope, scope.end_byte());
    }
    // `h.await?`: the operand of `?` runs before the exit.
    if exit.kind == ExitKind::Try
        && named_children(exit.node)
            .next()
            .is_some_and(|operand| always_does(operand, source, event))
    {
        return true;
    }
    if !reaches(exit.node, scope) {
        return true;
    }
    let mut node = exit.node;
    while let Some(parent) = node.parent() {
        if parent.kind() == "block" && earlier(parent, node.start_byte()) {
            return true;
        }
        if parent == scope {
            break;
        }
        node = parent;
    }
    false
}

/// The point to show for an exit: the `?`, the `return`/`bail!`/`break`, or the closing `}`.
pub fn exit_span(exit: Exit<'_>) -> crate::diagnostic::Span {
    use crate::diagnostic::Span;
    match exit.kind {
        ExitKind::Try => {
            let end = exit.node.end_byte();
            Span::new(end.saturating_sub(1), end)
        }
        ExitKind::End => {
            let end = exit.node.end_byte();
            Span::new(end.saturating_sub(1), end)
        }
        ExitKind::Return | ExitKind::Break => {
            let start = exit.node.start_byte();
            let keyword = exit
                .node
                .child(0)
                .map_or(exit.node.end_byte(), |k| k.end_byte());
            Span::new(start, keyword)
        }
        ExitKind::Bail => Span::of(exit.node),
    }
}

/// The arms of a `match` expression.
fn match_arms(node: Node<'_>) -> Vec<Node<'_>> {
    node.child_by_field_name("body")
        .map(|b| {
            named_children(b)
                .filter(|a| a.kind() == "match_arm")
                .collect()
        })
        .unwrap_or_default()
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
                assert!(file.is_spawn_function(call), "{spawn}");
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
    fn exits_skip_closures_and_inner_loops() {
        let src = "fn f() {\n    let t = 1;\n    a()?;\n    let c = || b()?;\n    for x in y { break; }\n    if z { return; }\n}\n";
        with_file(src, |file| {
            let function = named_children(file.tree.root_node()).next().unwrap();
            let body = function.child_by_field_name("body").unwrap();
            let after = src.find("let t").unwrap();
            let kinds: Vec<_> = exits(body, after, src).iter().map(|e| e.kind).collect();
            assert_eq!(kinds, [ExitKind::Try, ExitKind::Return, ExitKind::End]);
        });
    }

    #[test]
    fn a_diverging_tail_has_no_end_exit() {
        let src = "fn f() {\n    let t = 1;\n    loop { x(); }\n}\n";
        with_file(src, |file| {
            let function = named_children(file.tree.root_node()).next().unwrap();
            let body = function.child_by_field_name("body").unwrap();
            assert!(exits(body, src.find("let t").unwrap(), src).is_empty());
        });
    }

    #[test]
    fn test_code_is_recognised_by_attributes() {
        let src = "#[tokio::test(flavor = \"multi_thread\")]\nasync fn a() { x(); }\n\
                   #[cfg(test)]\nmod tests { fn b() { y(); } }\nfn c() { z(); }\n";
        with_file(src, |file| {
            let root = file.tree.root_node();
            for (call, test) in [("x()", true), ("y()", true), ("z()", false)] {
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
