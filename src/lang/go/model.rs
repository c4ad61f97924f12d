//! The per-file model of a Go file: the facts the rules ask about, found once per file and
//! shared by every rule (the way ruff's semantic model and oxc's single pass keep many rules
//! cheap), so that no rule walks the whole tree on its own.
//!
//! Facts are located from the text rather than by walking the tree: a call of interest where
//! its name occurs (`WithCancel`, a configured or inferred cancel function, `Background`,
//! `TODO`), a statement where its keyword does (`func`, `defer`, `go`, `<-`). Each occurrence
//! becomes its syntax node with one descent from the root ([`crate::lang::tokens`]), so the
//! cost follows the number of candidates, not the size of the file. Each fact is computed on
//! first use and kept for the other rules.
//!
//! What a rule can ask of a [`GoFile`] (lists are in document order):
//! - [`GoFile::functions`]: every function declaration, method and func literal, with its
//!   enclosing function, the parameters that carry a request's context (the handler types of
//!   [`GoSettings`](super::GoSettings): `context.Context`, `*http.Request`, configured ones)
//!   and whether it returns a context; [`GoFile::function_of`] finds the innermost one around
//!   a node.
//! - [`GoFile::new_root_calls`]: the `context.Background()` and `context.TODO()` calls.
//! - [`GoFile::cancel_calls`]: the calls that produce a cancel function (the `context`
//!   package, `signal.NotifyContext`, configured and inferred wrappers), each with the `:=`,
//!   `=` or `var` statement that binds its results; [`GoFile::cancel_bindings`]: those whose
//!   cancel function is bound to a variable.
//! - [`GoFile::calls_named`]: the calls of functions or methods by name.
//! - [`GoFile::own_types`] and [`GoFile::type_of`]: the types the syntax shows (see
//!   [`types`](super::types)).
//! - [`GoFile::defer_statements`], [`GoFile::go_statements`], [`GoFile::send_statements`].
//! - Bindings and their uses: [`declaration_of`](super::declaration_of) (which declaration an
//!   identifier refers to) and [`references`](super::references) (the uses of a declaration).
//! - Escapes: [`escape`](super::escape) (how a use lets a value outlive its function:
//!   returned, sent, stored, captured by a goroutine or a func literal).

use std::cell::OnceCell;

use tree_sitter::Node;

use super::types::PackageTypes;
use super::{parameters, CancelBinding, GoFile, HandlerType, Param, CONTEXT_PATHS, FUNCTION_KINDS};
use crate::lang::{ancestors, parent, tokens, tokens_in};

/// A function declaration, method or func literal.
#[derive(Debug, Clone)]
pub struct Function<'a> {
    /// The `function_declaration`, `method_declaration` or `func_literal`.
    pub node: Node<'a>,
    /// The declared name (`None` for a literal).
    pub name: Option<&'a str>,
    pub body: Option<Node<'a>>,
    /// The index in [`GoFile::functions`] of the innermost function around this one.
    pub enclosing: Option<usize>,
    /// The parameters whose type carries a request's context, in order.
    pub context_params: Vec<ContextParam<'a>>,
    /// Whether a result is a `context.Context`: such a function makes new contexts.
    pub returns_context: bool,
}

/// A parameter whose type carries a request's context.
#[derive(Debug, Clone)]
pub struct ContextParam<'a> {
    pub param: Param<'a>,
    /// How its type yields the context (`{}.Context()` for `*http.Request`).
    pub handler: &'a HandlerType,
}

impl ContextParam<'_> {
    /// The expression that yields the context, e.g. `r.Context()`; `None` for an unnamed or
    /// `_` parameter.
    pub fn expression(&self, source: &str) -> Option<String> {
        let name = crate::lang::text(self.param.name?, source);
        (name != "_").then(|| self.handler.context.replace("{}", name))
    }
}

/// A call that produces a cancel function.
#[derive(Debug, Clone)]
pub struct CancelCall<'a> {
    pub call: Node<'a>,
    /// The index of the cancel function among the results.
    pub result: usize,
    /// The callee as written, e.g. `context.WithTimeout`.
    pub callee: &'a str,
    /// The `short_var_declaration`, `assignment_statement` (`=`) or `var_spec` whose only
    /// value is the call, if any.
    pub statement: Option<Node<'a>>,
    /// That statement's left-hand side, in order (empty without a statement).
    pub targets: Vec<Node<'a>>,
}

impl<'a> CancelCall<'a> {
    /// The left-hand element that receives the cancel function, if the call is bound.
    pub fn cancel_target(&self) -> Option<Node<'a>> {
        self.targets.get(self.result).copied()
    }
}

/// The facts of [`GoFile`], each computed on first use.
#[derive(Default)]
pub(super) struct Model<'a> {
    functions: OnceCell<Vec<Function<'a>>>,
    new_roots: OnceCell<Vec<Node<'a>>>,
    cancel_calls: OnceCell<Vec<CancelCall<'a>>>,
    defers: OnceCell<Vec<Node<'a>>>,
    gos: OnceCell<Vec<Node<'a>>>,
    sends: OnceCell<Vec<Node<'a>>>,
    own_types: OnceCell<PackageTypes>,
    /// Set while `own_types` is being found: package variables are unknown meanwhile.
    pub(super) finding_types: std::cell::Cell<bool>,
}

impl<'a> GoFile<'a> {
    /// The leaf tokens spelled `word` (see [`crate::lang::tokens`]) where the rules look for
    /// candidates: the whole file, or its [`GoFile::focus`].
    fn tokens(&self, word: &'a str) -> Box<dyn Iterator<Item = Node<'a>> + 'a> {
        let root = self.tree.root_node();
        match &self.focus {
            None => Box::new(tokens(root, word, self.source)),
            Some(focus) => {
                let source = self.source;
                let ranges = focus.clone();
                Box::new(
                    ranges
                        .into_iter()
                        .flat_map(move |range| tokens_in(root, range, word, source)),
                )
            }
        }
    }

    /// Whether the bytes `range` lie where the rules look for candidates (see
    /// [`GoFile::focus`]).
    fn in_focus(&self, range: std::ops::Range<usize>) -> bool {
        self.focus.as_ref().is_none_or(|focus| {
            focus
                .iter()
                .any(|r| r.start <= range.start && range.end <= r.end)
        })
    }

    /// The statements of `kind` that begin with the keyword or contain the operator `token`.
    fn statements(&self, token: &'a str, kind: &str) -> Vec<Node<'a>> {
        self.tokens(token)
            .filter(|t| t.kind() == token)
            .filter_map(|t| parent(t).filter(|p| p.kind() == kind))
            .collect()
    }

    /// Every function declaration, method and func literal, in document order.
    pub fn functions(&self) -> &[Function<'a>] {
        self.model.functions.get_or_init(|| {
            let mut functions: Vec<Function<'a>> = Vec::new();
            // The functions still open at the current position, innermost last.
            let mut open: Vec<usize> = Vec::new();
            // Every function, whatever the focus: rules look up the ones around a candidate.
            let keywords = tokens(self.tree.root_node(), "func", self.source);
            for keyword in keywords.filter(|t| t.kind() == "func") {
                let Some(node) = parent(keyword).filter(|p| FUNCTION_KINDS.contains(&p.kind()))
                else {
                    continue;
                };
                while open
                    .last()
                    .is_some_and(|&i| functions[i].node.end_byte() <= node.start_byte())
                {
                    open.pop();
                }
                let context_params = node
                    .child_by_field_name("parameters")
                    .into_iter()
                    .flat_map(parameters)
                    .filter_map(|param| {
                        let handler = self.handler_type(param.ty)?;
                        Some(ContextParam { param, handler })
                    })
                    .collect();
                functions.push(Function {
                    node,
                    name: node.child_by_field_name("name").map(|n| self.text(n)),
                    body: node.child_by_field_name("body"),
                    enclosing: open.last().copied(),
                    context_params,
                    returns_context: self.returns_context(node),
                });
                open.push(functions.len() - 1);
            }
            functions
        })
    }

    /// The innermost function (declaration, method or literal) around `node`, with its index
    /// in [`GoFile::functions`].
    pub fn function_of(&self, node: Node<'_>) -> Option<(usize, &Function<'a>)> {
        let function = ancestors(node).find(|a| FUNCTION_KINDS.contains(&a.kind()))?;
        let functions = self.functions();
        let index = functions
            .binary_search_by_key(&function.start_byte(), |f| f.node.start_byte())
            .ok()?;
        Some((index, &functions[index]))
    }

    /// The calls of `context.Background()` and `context.TODO()` (any alias, dot imports), in
    /// document order.
    pub fn new_root_calls(&self) -> &[Node<'a>] {
        self.model.new_roots.get_or_init(|| {
            if !self.imports.imports_any(CONTEXT_PATHS) {
                return Vec::new();
            }
            let mut calls: Vec<Node<'a>> = ["Background", "TODO"]
                .into_iter()
                .flat_map(|name| self.tokens(name))
                .filter_map(call_named)
                .filter(|call| {
                    let has_args = call
                        .child_by_field_name("arguments")
                        .is_some_and(|a| a.named_child_count() > 0);
                    !has_args && self.calls_package(*call, CONTEXT_PATHS).is_some()
                })
                .collect();
            calls.sort_by_key(|c| c.start_byte());
            calls
        })
    }

    /// The calls that produce a cancel function, in document order.
    pub fn cancel_calls(&self) -> &[CancelCall<'a>] {
        self.model.cancel_calls.get_or_init(|| {
            let settings = self.settings;
            let mut names: Vec<&str> = settings
                .cancel_functions
                .iter()
                .map(|f| f.name.as_str())
                .chain(settings.wrappers.iter().map(|w| w.name.as_str()))
                .collect();
            names.sort_unstable();
            names.dedup();
            let mut calls: Vec<Node<'a>> = if names.len() <= MAX_NAME_SEARCHES {
                names
                    .into_iter()
                    .flat_map(|name| self.tokens(name))
                    .filter_map(call_named)
                    .collect()
            } else {
                // A long configured list: one walk over the calls, not one search per name.
                let names: std::collections::HashSet<&str> = names.into_iter().collect();
                let mut calls = Vec::new();
                crate::lang::walk_tree(self.tree.root_node(), |n| {
                    if n.kind() == "call_expression" {
                        let name = n
                            .child_by_field_name("function")
                            .and_then(|f| match f.kind() {
                                "identifier" => Some(f),
                                "selector_expression" => f.child_by_field_name("field"),
                                _ => None,
                            });
                        if name.is_some_and(|name| names.contains(self.text(name)))
                            && self.in_focus(n.byte_range())
                        {
                            calls.push(n);
                        }
                    }
                    true
                });
                calls
            };
            calls.sort_by_key(|c| c.start_byte());
            calls
                .into_iter()
                .filter_map(|call| {
                    let (result, callee) = self.cancel_result(call)?;
                    let statement = ancestors(call)
                        .nth(1)
                        .filter(|s| self.assignment(*s).is_some_and(|(_, c)| c == call));
                    let targets = statement
                        .and_then(|s| self.assignment(s))
                        .map(|(targets, _)| targets)
                        .unwrap_or_default();
                    Some(CancelCall {
                        call,
                        result,
                        callee,
                        statement,
                        targets,
                    })
                })
                .collect()
        })
    }

    /// The cancel-producing calls whose cancel function is bound to a variable (not `_`), in
    /// document order.
    pub fn cancel_bindings(&self) -> impl Iterator<Item = CancelBinding<'a, 'a>> + '_ {
        self.cancel_calls().iter().filter_map(|c| {
            let cancel = c.cancel_target()?;
            if cancel.kind() != "identifier" || self.text(cancel) == "_" {
                return None;
            }
            Some(CancelBinding {
                statement: c.statement?,
                call: c.call,
                targets: c.targets.clone(),
                cancel,
                callee: c.callee,
            })
        })
    }

    /// Every `defer` statement, in document order.
    pub fn defer_statements(&self) -> &[Node<'a>] {
        self.model
            .defers
            .get_or_init(|| self.statements("defer", "defer_statement"))
    }

    /// Every `go` statement, in document order.
    pub fn go_statements(&self) -> &[Node<'a>] {
        self.model
            .gos
            .get_or_init(|| self.statements("go", "go_statement"))
    }

    /// The types of the struct fields and package-level variables this file declares (see
    /// [`types`](super::types)).
    pub fn own_types(&self) -> &PackageTypes {
        self.model
            .own_types
            .get_or_init(|| PackageTypes::of_file(self))
    }

    /// The calls whose function is `Name(...)` or `x.Name(...)` for one of `names`, in
    /// document order.
    pub fn calls_named(&self, names: &[&'a str]) -> Vec<Node<'a>> {
        let mut calls: Vec<Node<'a>> = names
            .iter()
            .flat_map(|name| self.tokens(name))
            .filter_map(call_named)
            .collect();
        calls.sort_by_key(|c| c.start_byte());
        calls
    }

    /// The calls `Name(...)` or `x.Name(...)` whose name satisfies `wanted`, in document
    /// order: one scan of the text for identifiers followed by `(`, for sets of names too
    /// large to search one by one.
    pub fn calls_named_where(&self, wanted: impl Fn(&str) -> bool) -> Vec<Node<'a>> {
        let root = self.tree.root_node();
        super::siblings::called_names(self.source, wanted)
            .into_iter()
            .filter(|name| self.in_focus(name.clone()))
            .filter_map(|name| {
                let token = root.descendant_for_byte_range(name.start, name.end)?;
                (token.start_byte() == name.start && token.end_byte() == name.end)
                    .then(|| call_named(token))?
            })
            .collect()
    }

    /// Every channel send (`ch <- v`), in document order.
    pub fn send_statements(&self) -> &[Node<'a>] {
        self.model
            .sends
            .get_or_init(|| self.statements("<-", "send_statement"))
    }
}

/// The call whose function is the identifier `name` (`Name(...)`) or whose selector ends in
/// the field `name` (`x.Name(...)`).
/// Up to this many cancel-producing names, their calls are found by searching the text for
/// each (fast for the built-in few); more are found by one walk over the tree.
const MAX_NAME_SEARCHES: usize = 64;

fn call_named(name: Node<'_>) -> Option<Node<'_>> {
    let mut up = ancestors(name);
    let function = match name.kind() {
        "identifier" => name,
        "field_identifier" => up
            .next()
            .filter(|s| s.kind() == "selector_expression")
            .filter(|s| s.child_by_field_name("field") == Some(name))?,
        _ => return None,
    };
    up.next()
        .filter(|c| c.kind() == "call_expression")
        .filter(|c| c.child_by_field_name("function") == Some(function))
}
