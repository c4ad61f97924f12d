//! Go scopes: which declaration a name refers to, the references of a variable, parameters,
//! enclosing functions, and whether a value may outlive its function.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::Node;

use crate::lang::{ancestors, named_children, parent, text, tokens};

/// A function (declaration, method or literal) as the rules see it.
pub const FUNCTION_KINDS: &[&str] = &["function_declaration", "method_declaration", "func_literal"];

/// The identifier that declares the variable `ident` refers to, or `ident` itself when it
/// declares a new variable (`:=` in a new scope, `var`, a parameter, a range or receive
/// variable). Go's scoping: a block's names are visible after their declaring statement;
/// `if`/`for`/`switch` initializers, range and receive variables and type switch aliases
/// cover their statement; parameters and results cover the function, and func literals see
/// the names of the functions around them. `None` for names declared outside any function.
pub fn declaration_of<'t>(ident: Node<'t>, source: &str) -> Option<Node<'t>> {
    let name = text(ident, source);
    let position = ident.start_byte();
    // One descent finds every ancestor (`Node::parent` descends from the root each time).
    let path: Vec<Node<'t>> = ancestors(ident).collect();
    let parent = *path.first()?;
    let declares_here = match parent.kind() {
        "var_spec" | "const_spec" | "parameter_declaration" | "variadic_parameter_declaration" => {
            parent.child_by_field_name("type") != Some(ident)
                && parent.child_by_field_name("value") != Some(ident)
        }
        "expression_list" => path.get(1).is_some_and(|&p| {
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
        let statement = *path.get(1)?;
        if statement.kind() == "short_var_declaration" {
            if let Some(&list) = path.get(2).filter(|l| l.kind() == "statement_list") {
                if let Some(earlier) = declared_in_list(list, name, statement.start_byte(), source)
                {
                    return Some(earlier);
                }
            }
        }
        return Some(ident);
    }
    let mut child = ident;
    for scope in path {
        let found = match scope.kind() {
            "statement_list" => declared_in_list(scope, name, position, source),
            // `var ( a = …; b = f(a) )`: a spec's names are in scope from its end on.
            "var_spec_list" | "const_declaration" | "var_declaration" => named_children(scope)
                .filter(|spec| spec.end_byte() <= position)
                .find_map(|spec| match spec.kind() {
                    "var_spec" | "const_spec" => declared_by(spec, name, source),
                    _ => None,
                }),
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

/// The first statement of a list, ending before `before`, that declares `name`. Long lists
/// (a generated function of thousands of statements) are indexed once per tree, so that
/// resolving every name in them stays linear.
fn declared_in_list<'t>(
    list: Node<'t>,
    name: &str,
    before: usize,
    source: &str,
) -> Option<Node<'t>> {
    if list.named_child_count() >= INDEXED_LIST {
        if let Some(first) = first_declarations(list, source) {
            let (end, ident) = *first.get(name)?;
            // SAFETY: `ident` was found in the tree of `list`, which is still registered
            // under the same `with_root` (the cache is dropped when that changes), and the
            // lifetime 't of `list` keeps that tree alive.
            return (end <= before).then(|| unsafe { Node::from_raw(ident) });
        }
    }
    named_children(list)
        .take_while(|s| s.end_byte() <= before)
        .find_map(|s| declared_by(s, name, source))
}

/// Statement lists at least this long are indexed.
const INDEXED_LIST: usize = 32;

/// Calls of [`identifiers`] on one node after which its identifiers are indexed.
const INDEXED_AFTER: u32 = 4;

type RawNode = tree_sitter::ffi::TSNode;

/// The first declaration of each name in a statement list: (end of the declaring statement,
/// the identifier).
type FirstDeclarations = Rc<HashMap<Box<str>, (usize, RawNode)>>;

/// The identifiers under a node by name, in document order.
type Identifiers = Rc<HashMap<Box<str>, Vec<RawNode>>>;

/// Facts about the nodes of the tree being linted, by node id, for the current
/// [`crate::lang::with_root`] registration only.
#[derive(Default)]
struct ScopeCache {
    registration: u64,
    /// statement list → the first declaration of each name in it: (end of the declaring
    /// statement, the identifier)
    lists: HashMap<usize, FirstDeclarations>,
    /// how often the references inside a node were asked for
    asked: HashMap<usize, u32>,
    /// node → its identifiers by name, in document order
    identifiers: HashMap<usize, Identifiers>,
}

thread_local! {
    static CACHE: RefCell<ScopeCache> = RefCell::new(ScopeCache::default());
}

/// Runs `f` on the cache of `node`'s tree; `None` when the tree is not registered.
fn with_cache<R>(node: Node<'_>, f: impl FnOnce(&mut ScopeCache) -> R) -> Option<R> {
    let registration = crate::lang::registration(node)?;
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.registration != registration {
            *cache = ScopeCache {
                registration,
                ..ScopeCache::default()
            };
        }
        Some(f(&mut cache))
    })
}

fn first_declarations(list: Node<'_>, source: &str) -> Option<FirstDeclarations> {
    if let Some(found) = with_cache(list, |c| c.lists.get(&list.id()).cloned())? {
        return Some(found);
    }
    let mut first: HashMap<Box<str>, (usize, RawNode)> = HashMap::new();
    for statement in named_children(list) {
        for ident in declared_idents(statement) {
            first
                .entry(text(ident, source).into())
                .or_insert((statement.end_byte(), ident.into_raw()));
        }
    }
    let first = Rc::new(first);
    with_cache(list, |c| c.lists.insert(list.id(), first.clone()));
    Some(first)
}

/// The identifiers of `within` named `name`, from an index of all its identifiers once it
/// has been asked about often enough to pay for one; `None` before that.
fn indexed_identifiers<'t>(within: Node<'t>, source: &str, name: &str) -> Option<Vec<Node<'t>>> {
    let index = with_cache(within, |c| {
        let asked = c.asked.entry(within.id()).or_insert(0);
        *asked += 1;
        (*asked > INDEXED_AFTER).then(|| c.identifiers.get(&within.id()).cloned())
    })??;
    let index = match index {
        Some(index) => index,
        None => {
            let mut by_name: HashMap<Box<str>, Vec<RawNode>> = HashMap::new();
            crate::lang::walk_tree(within, |n| {
                if n.kind() == "identifier" {
                    by_name
                        .entry(text(n, source).into())
                        .or_default()
                        .push(n.into_raw());
                }
                true
            });
            let index = Rc::new(by_name);
            with_cache(within, |c| c.identifiers.insert(within.id(), index.clone()));
            index
        }
    };
    // SAFETY: as in `declared_in_list`: nodes of the registered tree of `within`.
    Some(
        index
            .get(name)
            .map(|nodes| {
                nodes
                    .iter()
                    .map(|n| unsafe { Node::from_raw(*n) })
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The identifiers a statement declares in its scope (see [`declared_by`]).
fn declared_idents<'t>(statement: Node<'t>) -> Vec<Node<'t>> {
    let left = |s: Node<'t>| {
        s.child_by_field_name("left")
            .map(|l| named_children(l).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    match statement.kind() {
        "short_var_declaration" => left(statement),
        "range_clause" | "receive_statement" if has_define(statement) => left(statement),
        "labeled_statement" => super::labeled_body(statement)
            .map(declared_idents)
            .unwrap_or_default(),
        "var_declaration" | "const_declaration" | "var_spec_list" => named_children(statement)
            .flat_map(declared_idents)
            .collect(),
        "var_spec" | "const_spec" => {
            let mut cursor = statement.walk();
            let names: Vec<Node<'t>> = statement
                .children_by_field_name("name", &mut cursor)
                .collect();
            names
        }
        _ => Vec::new(),
    }
}

/// The identifier by which a statement declares `name` in its scope, if it does.
fn declared_by<'t>(statement: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    declared_idents(statement)
        .into_iter()
        .find(|n| text(*n, source) == name)
}

fn has_define(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let defines = node.children(&mut cursor).any(|c| c.kind() == ":=");
    defines
}

/// Every identifier in `within` (nested func literals included) that refers to the variable
/// declared by `declaration` (as [`declaration_of`] resolves it), the declaration included.
/// Asked often about one function (many bindings in it), its identifiers are indexed once.
pub fn references<'t>(within: Node<'t>, declaration: Node<'t>, source: &str) -> Vec<Node<'t>> {
    identifiers(within, text(declaration, source), source)
        .into_iter()
        .filter(|node| declaration_of(*node, source) == Some(declaration))
        .collect()
}

/// The identifiers named `name` in `within` (nested func literals included), in document
/// order: searched for in the text, or looked up in an index of the node's identifiers once
/// it has been asked about often (one function with thousands of bindings, each asked
/// about, stays linear instead of searching the whole function for each).
fn identifiers<'t>(within: Node<'t>, name: &str, source: &str) -> Vec<Node<'t>> {
    indexed_identifiers(within, source, name).unwrap_or_else(|| {
        tokens(within, name, source)
            .filter(|node| node.kind() == "identifier")
            .collect()
    })
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

/// `items`, each at its node, grouped by the innermost function that holds the node, the
/// functions in document order (items outside any function are left out).
pub fn by_innermost_function<'t, T>(
    items: impl IntoIterator<Item = (Node<'t>, T)>,
) -> Vec<(Node<'t>, Vec<T>)> {
    let mut groups: Vec<(Node<'t>, Vec<T>)> = Vec::new();
    for (node, item) in items {
        let Some(function) = enclosing_functions(node).next() else {
            continue;
        };
        match groups.iter_mut().find(|(f, _)| *f == function) {
            Some((_, group)) => group.push(item),
            None => groups.push((function, vec![item])),
        }
    }
    groups.sort_by_key(|(f, _)| f.start_byte());
    groups
}

/// The name of a declared function or method (`None` for literals).
pub fn function_name<'s>(func: Node<'_>, source: &'s str) -> Option<&'s str> {
    func.child_by_field_name("name").map(|n| text(n, source))
}

/// The statement that holds a definition, when a statement can follow it in the same block:
/// a `:=`/`=` statement or the `var` declaration of a `var_spec` (not an `if`/`for` header).
pub fn enclosing_statement(def: Node<'_>) -> Option<Node<'_>> {
    let statement = match def.kind() {
        "var_spec" => ancestors(def).find(|n| n.kind() == "var_declaration")?,
        _ => def,
    };
    matches!(parent(statement)?.kind(), "statement_list" | "block").then_some(statement)
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
    identifiers(body, name, source)
        .into_iter()
        .any(|node| use_escapes(node, body, source).is_some_and(&wanted))
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
                return (ancestors(ident).nth(1) == Some(ancestor)).then_some(Escape::Returned)
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
                            || (name != "_" && declaration_of(target, source).is_none())
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
    use crate::lang::{parse, walk_tree, Language};

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
}
