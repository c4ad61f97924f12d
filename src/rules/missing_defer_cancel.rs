//! `missing-defer-cancel`: a cancel function bound to a local variable is not used on every
//! path from its definition to the end of the function (go vet's lostcancel, from syntax).
//!
//! Each function and func literal is analysed on its own over its control-flow graph
//! ([`crate::lang::go::cfg`]): starting right after the definition, a depth-first search looks for a
//! path that reaches a `return` or the closing brace, an assignment that overwrites the
//! variable, or the definition itself again (a loop or a `goto` back), without passing a use.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::cfg::{BlockId, Cfg, End, Reach};
use crate::lang::go::{self, CancelBinding, GoFile};
use crate::lang::{ancestors, named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "missing-defer-cancel",
    title: "a cancel function is not called on every path",
    language: Language::Go,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: &[&[Needle::CancelFunction]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/missing-defer-cancel.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Each function with its own cancel bindings (not those of nested func literals), in
    // document order.
    let mut bindings: Vec<(usize, CancelBinding<'_, '_>)> = file
        .cancel_bindings()
        .filter_map(|b| Some((file.function_of(b.statement)?.0, b)))
        .collect();
    bindings.sort_by_key(|(function, _)| *function);
    for group in bindings.chunk_by(|a, b| a.0 == b.0) {
        let function = file.functions()[group[0].0].node;
        let bindings = group.iter().map(|(_, b)| b.clone()).collect();
        check_function(file, function, bindings, out);
    }
}

fn check_function<'a>(
    file: &GoFile<'a>,
    function: Node<'a>,
    bindings: Vec<CancelBinding<'a, 'a>>,
    out: &mut Vec<Diagnostic>,
) {
    // Returning from main.main ends the process: nothing leaks.
    if file.package == "main"
        && function.kind() == "function_declaration"
        && go::function_name(function, file.source) == Some("main")
    {
        return;
    }
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let Some(cfg) = Cfg::build(function, file.source, &never_returns) else {
        return;
    };
    let mut uses = Uses::default();
    for binding in bindings {
        if crate::deadline::expired() {
            return;
        }
        // Variables declared outside this function (package level, or captured from an
        // enclosing function) are someone else's to cancel.
        let Some(declaration) = go::declaration_of(binding.cancel, file.source) else {
            continue;
        };
        // (Parameters and named results are inside the function node too.)
        if go::enclosing_functions(declaration).next() != Some(function) {
            continue;
        }
        if explained(file, &binding) {
            continue;
        }
        if let Some(leak) = find_leak(
            file,
            function,
            &cfg,
            &binding,
            declaration,
            &mut uses,
            Parent::AsWritten,
        ) {
            out.push(diagnostic(file, function, &binding, declaration, leak));
        }
    }
}

/// The references of each variable of one function and the graph nodes that hold them,
/// found once and shared by every binding of the variable: a function that rebinds one
/// `ctx, cancel` thousands of times must not look for them thousands of times.
#[derive(Default)]
struct Uses<'t> {
    by_declaration: HashMap<usize, Rc<VariableUses<'t>>>,
}

struct VariableUses<'t> {
    /// Every reference, by position.
    references: Vec<Node<'t>>,
    /// The graph nodes holding a reference, as (block, index), sorted.
    nodes: Vec<(BlockId, usize)>,
    /// The lowest rank in the function's [`Reach`] of a block holding a reference, found
    /// once: each of thousands of bindings of one variable asks.
    lowest_rank: OnceCell<Option<usize>>,
}

impl VariableUses<'_> {
    fn lowest_rank(&self, reach: &Reach) -> Option<usize> {
        *self
            .lowest_rank
            .get_or_init(|| self.nodes.iter().map(|&(b, _)| reach.rank[b]).min())
    }
}

impl<'t> Uses<'t> {
    fn of(
        &mut self,
        file: &GoFile<'_>,
        function: Node<'t>,
        cfg: &Cfg<'t>,
        declaration: Node<'t>,
    ) -> Rc<VariableUses<'t>> {
        self.by_declaration
            .entry(declaration.id())
            .or_insert_with(|| {
                let mut references = go::references(function, declaration, file.source);
                references.sort_by_key(|r| r.start_byte());
                let mut nodes: Vec<(BlockId, usize)> =
                    references.iter().filter_map(|r| cfg.locate(*r)).collect();
                nodes.sort_unstable();
                nodes.dedup();
                Rc::new(VariableUses {
                    references,
                    nodes,
                    lowest_rank: OnceCell::new(),
                })
            })
            .clone()
    }
}

/// Whether a comment right above or right below the definition says that the cancel function
/// is deliberately not called or deferred here (`// We do NOT use defer cancel() here: the
/// caller reads the body`): the author has weighed it.
fn explained(file: &GoFile<'_>, binding: &CancelBinding<'_, '_>) -> bool {
    let Some(statement) = go::enclosing_statement(binding.statement) else {
        return false;
    };
    let name = file.text(binding.cancel).to_lowercase();
    let says_so = |comment: Node<'_>| {
        let text = file.text(comment).to_lowercase();
        text.contains(&name)
            && ["not ", "n't ", "never ", "no "]
                .iter()
                .any(|word| text.contains(word))
    };
    let mut comments = Vec::new();
    let mut above = statement.prev_sibling();
    while let Some(comment) = above.filter(|n| n.kind() == "comment") {
        comments.push(comment);
        above = comment.prev_sibling();
    }
    let mut below = statement.next_sibling();
    while let Some(comment) = below.filter(|n| n.kind() == "comment") {
        comments.push(comment);
        below = comment.next_sibling();
    }
    comments.into_iter().any(says_so)
}

/// Where a path loses the cancel function.
enum Leak<'t> {
    /// A `return` statement.
    Return(Node<'t>),
    /// Control falls off the end of the function body.
    FallsOff(Node<'t>),
    /// An assignment that overwrites the variable.
    Overwrite(Node<'t>),
    /// The definition runs again after a `goto` back or a `continue`.
    Again(Node<'t>),
    /// The definition runs again in the next iteration of its loop (the loop, if found).
    NextIteration(Option<Node<'t>>),
}

/// What one node of the graph does to the variable.
#[derive(PartialEq)]
enum Event {
    /// The cancel function is used, or nothing is left to release (the context has ended).
    Use,
    Overwrite,
}

/// What the search knows about one binding besides the graph.
struct Facts<'t> {
    /// Every reference to the cancel variable in the function, by position.
    cancel: Rc<VariableUses<'t>>,
    /// The same for each of `contexts`.
    context_uses: Vec<Rc<VariableUses<'t>>>,
    /// The cancel variable is a named result: a bare `return` hands it out.
    named_result: bool,
    /// Declarations of the other variables the call binds (`ctx` in `ctx, cancel := ...`):
    /// a path that receives from their `Done()` channel waited for the context to end.
    contexts: Vec<Node<'t>>,
    /// The error branch right after a call returning `(..., cancel, err)`: the cancel
    /// function is nil there by convention, so nothing is lost on its paths.
    error_branch: Option<ErrorCheck<'t>>,
}

/// `if err != nil { ... }` right after the defining statement.
#[derive(Clone, Copy)]
struct ErrorCheck<'t> {
    statement: Node<'t>,
    consequence: Node<'t>,
}

impl<'t> Facts<'t> {
    fn new(
        file: &GoFile<'_>,
        function: Node<'t>,
        cfg: &Cfg<'t>,
        binding: &CancelBinding<'t, '_>,
        declaration: Node<'t>,
        uses: &mut Uses<'t>,
    ) -> Facts<'t> {
        let named_result = function
            .child_by_field_name("result")
            .is_some_and(|r| contains(r, declaration));
        let contexts: Vec<Node<'t>> = binding
            .targets
            .iter()
            .filter(|t| **t != binding.cancel && t.kind() == "identifier")
            .filter(|t| file.text(**t) != "_")
            .filter_map(|t| go::declaration_of(*t, file.source))
            .collect();
        Facts {
            cancel: uses.of(file, function, cfg, declaration),
            context_uses: contexts
                .iter()
                .map(|c| uses.of(file, function, cfg, *c))
                .collect(),
            named_result,
            contexts,
            error_branch: error_check(file, binding),
        }
    }

    fn event(
        &self,
        file: &GoFile<'_>,
        binding: &CancelBinding<'t, '_>,
        node: Node<'t>,
    ) -> Option<Event> {
        if self.named_result && node.kind() == "return_statement" && node.named_child_count() == 0 {
            return Some(Event::Use);
        }
        let inside =
            |r: &Node<'t>| node.start_byte() <= r.start_byte() && r.end_byte() <= node.end_byte();
        let references = &self.cancel.references;
        let first = references.partition_point(|r| r.start_byte() < node.start_byte());
        let mut overwritten = false;
        for reference in references[first..].iter().take_while(|r| inside(r)) {
            if *reference == binding.cancel {
                overwritten = true;
            } else if let Some(value) = assigned_value(*reference, node) {
                // `cancel = nil` hands the duty on deliberately (go vet counts it as a use).
                if value.is_some_and(|v| v.kind() == "nil") {
                    return Some(Event::Use);
                }
                overwritten = true;
            } else {
                return Some(Event::Use);
            }
        }
        if overwritten {
            return Some(Event::Overwrite);
        }
        // Waiting for `<-ctx.Done()` of this very context: it has ended, nothing is left.
        if !self.contexts.is_empty() && waits_for_done(file, node, &self.contexts) {
            return Some(Event::Use);
        }
        None
    }

    /// Whether `node` lies in the error branch after the call, where the cancel function
    /// is nil.
    fn in_error_branch(&self, node: Node<'_>) -> bool {
        self.error_branch
            .is_some_and(|check| contains(check.consequence, node))
    }

    /// The indexes, from `from` on, of the nodes of block `b` that refer to the cancel
    /// function or one of the contexts, in order: the only nodes [`Facts::event`] can
    /// report. Lazy: the search usually stops at the first.
    fn candidates(&self, b: BlockId, from: usize) -> impl Iterator<Item = usize> + '_ {
        let lists: Vec<&[(BlockId, usize)]> = std::iter::once(&self.cancel)
            .chain(&self.context_uses)
            .map(|uses| {
                let first = uses.nodes.partition_point(|p| *p < (b, from));
                &uses.nodes[first..]
            })
            .collect();
        let mut cursors = vec![0; lists.len()];
        std::iter::from_fn(move || {
            let next = lists
                .iter()
                .zip(&cursors)
                .filter_map(|(list, &c)| list.get(c).filter(|p| p.0 == b).map(|p| p.1))
                .min()?;
            for (list, c) in lists.iter().zip(cursors.iter_mut()) {
                if list.get(*c) == Some(&(b, next)) {
                    *c += 1;
                }
            }
            Some(next)
        })
    }
}

/// Whether an overwrite of the cancel function may lose nothing because the parent context is
/// never cancelled ([`loses_nothing`]).
#[derive(Clone, Copy, PartialEq)]
enum Parent {
    /// The parent as written: `context.Background()` is never cancelled.
    AsWritten,
    /// As if the parent were cancellable (what a fix that passes the caller's context in
    /// place of `context.Background()` makes of it).
    Cancellable,
}

fn find_leak<'t>(
    file: &GoFile<'_>,
    function: Node<'t>,
    cfg: &Cfg<'t>,
    binding: &CancelBinding<'t, '_>,
    declaration: Node<'t>,
    uses: &mut Uses<'t>,
    parent: Parent,
) -> Option<Leak<'t>> {
    let facts = Facts::new(file, function, cfg, binding, declaration, uses);
    let (start, index) = cfg.locate(binding.statement)?;
    // A later spec of the same `var ( … )` block that uses the cancel function
    // (`store = &Store{shutdown: cancel}`) shares the definition's node in the graph.
    let defining = cfg.blocks[start].nodes[index];
    let references = &facts.cancel.references;
    let after_statement =
        references.partition_point(|r| r.start_byte() < binding.statement.end_byte());
    if references[after_statement..]
        .iter()
        .take_while(|r| r.start_byte() < defining.end_byte())
        .any(|r| r.end_byte() <= defining.end_byte())
    {
        return None;
    }
    let mut seen = vec![false; cfg.blocks.len()];
    // Past the horizon (a block from which no event and no block of the error branch can be
    // reached), every path ends where it would without this binding: at the block's exit, or
    // nowhere. A bare `return` of a named result is an event only for this binding: no
    // horizon then.
    let reach = cfg.reach();
    let horizon = if facts.named_result {
        0
    } else {
        let error_branch = facts
            .error_branch
            .map(|check| cfg.blocks_within(check.consequence.byte_range()));
        std::iter::once(&facts.cancel)
            .chain(&facts.context_uses)
            .filter_map(|uses| uses.lowest_rank(reach))
            .chain(
                std::iter::once(start)
                    .chain(error_branch.into_iter().flatten())
                    .map(|b| reach.rank[b]),
            )
            .min()
            .unwrap_or(0)
    };
    // (block, first node to look at, the block we came from)
    let mut stack: Vec<(usize, usize, Option<usize>)> = vec![(start, index + 1, None)];
    'blocks: while let Some((b, from, came_from)) = stack.pop() {
        // Out of time (`--file-timeout`): the file's findings are thrown away.
        if crate::deadline::expired() {
            return None;
        }
        let block = &cfg.blocks[b];
        // Paths through the error branch after the call lose nothing: cancel is nil there.
        if block
            .nodes
            .get(from)
            .is_some_and(|n| facts.in_error_branch(*n))
        {
            continue;
        }
        if reach.rank[b] < horizon {
            match reach.exit[b].map(|e| cfg.blocks[e].end) {
                Some(End::Return(r)) => return Some(Leak::Return(r)),
                Some(End::Exit(body)) => return Some(Leak::FallsOff(body)),
                _ => continue,
            }
        }
        // Only nodes that refer to the cancel function or its context can be events: visit
        // those, in order, rather than every node of a block of thousands.
        for i in facts.candidates(b, from) {
            let node = block.nodes[i];
            match facts.event(file, binding, node) {
                Some(Event::Use) => continue 'blocks,
                Some(Event::Overwrite) => {
                    let contains_definition = contains(node, binding.statement);
                    if !contains_definition {
                        if parent == Parent::AsWritten && loses_nothing(file, binding, &facts, node)
                        {
                            continue 'blocks;
                        }
                        return Some(Leak::Overwrite(node));
                    }
                    if guarded_recreation(file, function, binding, declaration) {
                        continue 'blocks;
                    }
                    let jump = came_from
                        .and_then(|p| cfg.blocks[p].nodes.last().copied())
                        .filter(|n| matches!(n.kind(), "goto_statement" | "continue_statement"));
                    return Some(match jump {
                        Some(jump) => Leak::Again(jump),
                        None => Leak::NextIteration(enclosing_loop(binding.statement, function)),
                    });
                }
                None => {}
            }
        }
        match block.end {
            // A bare return hands out a named result.
            End::Return(r) if facts.named_result && r.named_child_count() == 0 => continue,
            End::Return(r) => return Some(Leak::Return(r)),
            End::Exit(body) => return Some(Leak::FallsOff(body)),
            End::NoReturn(_) => continue,
            End::Next => {}
        }
        // Depth-first in source order: push the successors reversed.
        for &s in block.succs.iter().rev() {
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0, Some(b)));
            }
        }
    }
    None
}

/// Whether the cancel function of `binding` is used on every path to the end of its
/// function (deferred, called, handed on): then its context is released when the function
/// returns at the latest. `false` when that cannot be told.
pub(super) fn released_on_every_path(file: &GoFile<'_>, binding: &CancelBinding<'_, '_>) -> bool {
    released(file, binding, Parent::AsWritten)
}

/// [`released_on_every_path`] as if the parent context could be cancelled: an overwrite of
/// the cancel function before any use then loses a context registered with its parent, even
/// where the parent is `context.Background()` now.
pub(super) fn released_from_any_parent(file: &GoFile<'_>, binding: &CancelBinding<'_, '_>) -> bool {
    released(file, binding, Parent::Cancellable)
}

fn released(file: &GoFile<'_>, binding: &CancelBinding<'_, '_>, parent: Parent) -> bool {
    let Some(function) = go::enclosing_functions(binding.statement).next() else {
        return false;
    };
    let Some(declaration) = go::declaration_of(binding.cancel, file.source) else {
        return false;
    };
    if go::enclosing_functions(declaration).next() != Some(function) {
        return false;
    }
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let Some(cfg) = Cfg::build(function, file.source, &never_returns) else {
        return false;
    };
    find_leak(
        file,
        function,
        &cfg,
        binding,
        declaration,
        &mut Uses::default(),
        parent,
    )
    .is_none()
}

/// `if err != nil { ... }` as the statement right after a definition whose call returns
/// something after the cancel function (`client, cancel, err := dial(...)`), comparing that
/// last result with nil.
fn error_check<'t>(file: &GoFile<'_>, binding: &CancelBinding<'t, '_>) -> Option<ErrorCheck<'t>> {
    let cancel_index = binding.targets.iter().position(|t| *t == binding.cancel)?;
    let last = *binding.targets.last()?;
    if cancel_index + 1 == binding.targets.len()
        || last.kind() != "identifier"
        || file.text(last) == "_"
    {
        return None;
    }
    let statement = go::enclosing_statement(binding.statement)?;
    let next = std::iter::successors(statement.next_named_sibling(), |n| n.next_named_sibling())
        .find(|n| n.kind() != "comment")?;
    if next.kind() != "if_statement" || next.child_by_field_name("initializer").is_some() {
        return None;
    }
    let condition = next.child_by_field_name("condition")?;
    let operator = condition.child_by_field_name("operator")?;
    if condition.kind() != "binary_expression" || file.text(operator) != "!=" {
        return None;
    }
    let (left, right) = (
        condition.child_by_field_name("left")?,
        condition.child_by_field_name("right")?,
    );
    let compared = match (left.kind(), right.kind()) {
        ("identifier", "nil") => left,
        ("nil", "identifier") => right,
        _ => return None,
    };
    if file.text(compared) != file.text(last) {
        return None;
    }
    Some(ErrorCheck {
        statement: next,
        consequence: next.child_by_field_name("consequence")?,
    })
}

/// Whether `node` (not looking into func literals) receives from `<x>.Done()` where `x` is
/// one of the variables declared by `contexts`: it waits until that context has ended.
fn waits_for_done(file: &GoFile<'_>, node: Node<'_>, contexts: &[Node<'_>]) -> bool {
    let mut found = false;
    walk_tree(node, |n| {
        if found || n.kind() == "func_literal" {
            return false;
        }
        if n.kind() == "unary_expression"
            && n.child_by_field_name("operator")
                .is_some_and(|o| file.text(o) == "<-")
        {
            found = n
                .child_by_field_name("operand")
                .and_then(|call| done_receiver(file, call))
                .and_then(|x| go::declaration_of(x, file.source))
                .is_some_and(|d| contexts.contains(&d));
        }
        !found
    });
    found
}

/// `x` in the call `x.Done()`.
fn done_receiver<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<Node<'t>> {
    if call.kind() != "call_expression"
        || call
            .child_by_field_name("arguments")
            .is_some_and(|a| a.named_child_count() > 0)
    {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let field = function.child_by_field_name("field")?;
    let operand = function.child_by_field_name("operand")?;
    (function.kind() == "selector_expression"
        && file.text(field) == "Done"
        && operand.kind() == "identifier")
        .then_some(operand)
}

/// Overwriting the cancel function of `context.WithCancel(context.Background())` (or of any
/// parent that is never cancelled) before the context was used loses nothing: such a context
/// registers with no parent and runs no timer, so there is nothing to release.
fn loses_nothing(
    file: &GoFile<'_>,
    binding: &CancelBinding<'_, '_>,
    facts: &Facts<'_>,
    overwrite: Node<'_>,
) -> bool {
    let Some(parent) = binding.context_argument(file, &["WithCancel", "WithCancelCause"], 0) else {
        return false;
    };
    if !never_cancelled(file, parent) {
        return false;
    }
    // The context must not have been handed to anything in between.
    let between = |n: &Node<'_>| {
        binding.statement.end_byte() <= n.start_byte() && n.start_byte() < overwrite.start_byte()
    };
    facts.context_uses.iter().all(|context| {
        let references = &context.references;
        let first = references.partition_point(|r| r.start_byte() < binding.statement.end_byte());
        !references.get(first).is_some_and(between)
    })
}

/// `context.Background()`, `context.TODO()`, and `WithValue`/`WithoutCancel` of those:
/// contexts whose `Done()` is nil. Also a struct literal that only wraps such a context
/// (`app.Context{Context: context.Background()}`).
pub(super) fn never_cancelled(file: &GoFile<'_>, expression: Node<'_>) -> bool {
    if expression.kind() == "composite_literal" {
        let Some(body) = expression.child_by_field_name("body") else {
            return false;
        };
        let values: Vec<Node<'_>> = named_children(body)
            .filter(|e| e.kind() != "comment")
            .filter_map(|e| match e.kind() {
                "keyed_element" => e.named_child(1),
                _ => Some(e),
            })
            .map(|v| match v.kind() {
                "literal_element" => v.named_child(0).unwrap_or(v),
                _ => v,
            })
            .collect();
        return !values.is_empty() && values.iter().all(|v| never_cancelled(file, *v));
    }
    if expression.kind() != "call_expression" {
        return false;
    }
    match file.calls_package(expression, go::CONTEXT_PATHS) {
        Some("Background" | "TODO" | "WithoutCancel") => true,
        Some("WithValue") => expression
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|inner| never_cancelled(file, inner)),
        _ => false,
    }
}

/// A definition in a loop that assigns variables declared outside it, re-run only under a
/// guard on state the loop keeps (`if jobCtx != nil { continue }`, `if !c.running`, a
/// `case <-done:` whose channel is set to nil): the loop re-creates the context only after it
/// ended, which the guard tracks; it is not a new context per iteration.
fn guarded_recreation(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    declaration: Node<'_>,
) -> bool {
    let Some(the_loop) = enclosing_loop(binding.statement, function) else {
        return false;
    };
    let Some(body) = the_loop.child_by_field_name("body") else {
        return false;
    };
    if contains(body, declaration) {
        return false;
    }
    let guards = guards_of(binding.statement, body);
    // The state a guard reads: a field, or a variable declared outside the loop.
    let mut state: Vec<&str> = Vec::new();
    for guard in guards {
        walk_tree(guard, |n| match n.kind() {
            "selector_expression" => {
                state.push(file.text(n));
                false
            }
            "identifier" => {
                if go::declaration_of(n, file.source).is_some_and(|d| !contains(body, d)) {
                    state.push(file.text(n));
                }
                false
            }
            "func_literal" | "call_expression" => false,
            _ => true,
        });
    }
    !state.is_empty() && assigns_any(file, body, &state)
}

/// The conditions that decide whether `statement` runs, inside `body`: the `if` conditions and
/// `case` expressions around it, and early-exit guards (`if cond { continue }`) before it.
fn guards_of<'t>(statement: Node<'t>, body: Node<'t>) -> Vec<Node<'t>> {
    let mut guards = Vec::new();
    let mut child = statement;
    for ancestor in ancestors(statement) {
        match ancestor.kind() {
            "if_statement" if ancestor.child_by_field_name("condition") != Some(child) => {
                guards.extend(ancestor.child_by_field_name("condition"));
            }
            "expression_case" => {
                let mut cursor = ancestor.walk();
                guards.extend(ancestor.children_by_field_name("value", &mut cursor));
                guards.extend(
                    ancestor
                        .parent()
                        .and_then(|s| s.child_by_field_name("value")),
                );
            }
            "communication_case" => guards.extend(ancestor.child_by_field_name("communication")),
            "statement_list" | "block" => {
                for earlier in named_children(ancestor).take_while(|s| *s != child) {
                    if earlier.kind() == "if_statement" && exits_early(earlier) {
                        guards.extend(earlier.child_by_field_name("condition"));
                    }
                }
            }
            _ => {}
        }
        if ancestor == body {
            break;
        }
        child = ancestor;
    }
    guards
}

/// `if cond { ...; continue }` (or `break`, `return`, `goto`): the code after it runs only when
/// `cond` is false.
fn exits_early(statement: Node<'_>) -> bool {
    statement
        .child_by_field_name("consequence")
        .and_then(|c| block_statements(c).last())
        .is_some_and(|last| {
            matches!(
                last.kind(),
                "continue_statement" | "break_statement" | "return_statement" | "goto_statement"
            )
        })
}

/// The statements of a block (inside its `statement_list`), comments left out.
fn block_statements<'t>(block: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    named_children(block)
        .flat_map(|n| {
            let inner: Vec<Node<'t>> = if n.kind() == "statement_list" {
                named_children(n).collect()
            } else {
                vec![n]
            };
            inner
        })
        .filter(|n| n.kind() != "comment")
}

/// Whether any statement in `body` assigns one of `names` (as written: `x`, `c.running`).
fn assigns_any(file: &GoFile<'_>, body: Node<'_>, names: &[&str]) -> bool {
    let mut found = false;
    walk_tree(body, |n| {
        if found {
            return false;
        }
        let left = match n.kind() {
            "assignment_statement" | "short_var_declaration" => n.child_by_field_name("left"),
            "inc_statement" | "dec_statement" => n.named_child(0),
            _ => None,
        };
        if let Some(left) = left {
            let targets: Vec<Node<'_>> = if left.kind() == "expression_list" {
                named_children(left).collect()
            } else {
                vec![left]
            };
            found = targets.iter().any(|t| names.contains(&file.text(*t)));
        }
        !found
    });
    found
}

/// If `reference` is a target of a plain assignment (`=`, or `:=` re-using it) made by `node`
/// itself, not inside a func literal of it: the value assigned to it, when it can be told.
fn assigned_value<'t>(reference: Node<'t>, node: Node<'t>) -> Option<Option<Node<'t>>> {
    let list = reference
        .parent()
        .filter(|p| p.kind() == "expression_list")?;
    let statement = list.parent()?;
    if statement.child_by_field_name("left") != Some(list) {
        return None;
    }
    let plain = match statement.kind() {
        "short_var_declaration" => true,
        "assignment_statement" => statement
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "="),
        _ => false,
    };
    if !plain
        || ancestors(reference)
            .take_while(|a| *a != node)
            .any(|a| a.kind() == "func_literal")
    {
        return None;
    }
    let index = named_children(list).position(|t| t == reference)?;
    let values = statement.child_by_field_name("right")?;
    let value = (values.named_child_count() == list.named_child_count())
        .then(|| values.named_child(index))
        .flatten();
    Some(value)
}

fn diagnostic(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    declaration: Node<'_>,
    leak: Leak<'_>,
) -> Diagnostic {
    let name = file.text(binding.cancel);
    let callee = binding.callee;
    let lost = |span| {
        (
            format!(
                "`{name}` is not called on every path, so the context from `{callee}` can leak"
            ),
            Label {
                span,
                message: format!("this return is reached without calling {name}"),
            },
        )
    };
    let (message, label) = match leak {
        Leak::Return(node) => lost(Span::of(node)),
        Leak::FallsOff(body) => lost(closing_brace(body)),
        Leak::Overwrite(node) => (
            format!(
                "`{name}` is overwritten before it is called, so the context from `{callee}` \
                 leaks"
            ),
            Label {
                span: Span::of(node),
                message: format!("{name} is overwritten here before it is called"),
            },
        ),
        Leak::NextIteration(the_loop) => (
            format!(
                "`{name}` is defined again by the next iteration before it is called, so every \
                 earlier context from `{callee}` leaks"
            ),
            Label {
                span: the_loop
                    .and_then(|l| l.child_by_field_name("body"))
                    .map_or(Span::of(binding.statement), closing_brace),
                message: format!("the loop goes around again without calling {name}"),
            },
        ),
        Leak::Again(node) => (
            format!(
                "`{name}` is defined again before it is called, so every earlier context from \
                 `{callee}` leaks"
            ),
            Label {
                span: Span::of(node),
                message: format!("control comes back to the definition without calling {name}"),
            },
        ),
    };
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message,
        span: Span::of(binding.cancel),
        labels: vec![label],
        help: if enclosing_loop(binding.statement, function).is_some() {
            // A defer in a loop waits for the function: see defer-cancel-in-loop.
            format!(
                "call `{name}()` on every path through the loop body, or move the body into a \
                 func literal with `defer {name}()`"
            )
        } else {
            format!("add `defer {name}()` right after this line")
        },
        fix: fix(file, function, binding, declaration),
    }
}

/// `defer <name>()` after the defining statement — after the error check when the call also
/// returns an error (deferring the nil function of a failed call panics) — or, when a
/// `defer <name>()` already follows in the same block, that statement moved up. Safe unless
/// the context or the cancel function escapes (a named result escapes through every return),
/// or the cancel function of a wrapper (which may not tolerate a second call) is also called
/// elsewhere. None where no statement can follow, where the defer would sit in a loop, or
/// where moving the later defer would defer an older function.
fn fix(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    declaration: Node<'_>,
) -> Option<Fix> {
    let statement = go::enclosing_statement(binding.statement)?;
    if enclosing_loop(statement, function).is_some() {
        return None;
    }
    let body = function.child_by_field_name("body")?;
    let name = file.text(binding.cancel);
    let anchor = error_check(file, binding).map_or(statement, |check| check.statement);
    let references = go::references(function, declaration, file.source);
    // The first `defer cancel()` after the anchor in the same block, found from the
    // references rather than by walking the siblings (thousands of statements, each
    // `next_named_sibling` scanning from the first).
    let later_defer = references
        .iter()
        .filter(|r| r.start_byte() >= anchor.end_byte())
        .filter_map(|r| r.parent()?.parent())
        .filter(|s| s.parent() == anchor.parent() && defers_call_of(file, *s, &references))
        .min_by_key(|s| s.start_byte());
    let (message, edits) = match later_defer {
        Some(defer) => {
            let reassigned = references.iter().any(|r| {
                anchor.end_byte() <= r.start_byte()
                    && r.end_byte() <= defer.start_byte()
                    && assigned_value(*r, function).is_some()
            });
            if reassigned {
                return None;
            }
            let (moved, deletion) = whole_line(defer, file.source)?;
            (
                format!("move `defer {name}()` up, right after the definition"),
                vec![
                    crate::lang::insert_line_after(anchor, moved, file.source),
                    deletion,
                ],
            )
        }
        None => (
            format!("add `defer {name}()` after the definition"),
            vec![go::insert_defer_after(
                anchor,
                name,
                file.cancel_takes_cause(binding.call),
                file.source,
            )],
        ),
    };
    let named_result = function
        .child_by_field_name("result")
        .is_some_and(|r| contains(r, declaration));
    let escapes = named_result || go::any_escapes(body, &binding.targets, file.source);
    let from_context = file
        .calls_package(binding.call, go::CONTEXT_PATHS)
        .is_some()
        || file.calls_package(binding.call, &["os/signal"]).is_some();
    let called_elsewhere = later_defer.is_none() && references.len() > 1;
    Some(Fix {
        applicability: if escapes || (called_elsewhere && !from_context) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message,
        edits,
    })
}

/// `defer x()` (any arguments) where `x` is one of `references`.
fn defers_call_of(file: &GoFile<'_>, statement: Node<'_>, references: &[Node<'_>]) -> bool {
    statement.kind() == "defer_statement"
        && named_children(statement)
            .find(|n| n.kind() == "call_expression")
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|f| f.kind() == "identifier" && references.contains(&f))
        && !file.text(statement).contains('\n')
}

/// The text of a statement alone on its line (with its trailing comment), and the edit that
/// deletes that line; `None` when something else shares the line.
fn whole_line<'s>(statement: Node<'_>, source: &'s str) -> Option<(&'s str, Edit)> {
    let line_start = source[..statement.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if !source[line_start..statement.start_byte()].trim().is_empty() {
        return None;
    }
    let end = statement.end_byte();
    let newline = source[end..].find('\n').map(|i| end + i);
    let line_end = newline.unwrap_or(source.len());
    let rest = source[end..line_end].trim();
    if !rest.is_empty() && !rest.starts_with("//") {
        return None;
    }
    let text = source[statement.start_byte()..line_end].trim_end();
    let deletion = Edit {
        span: Span::new(line_start, newline.map_or(line_end, |n| n + 1)),
        new_text: String::new(),
    };
    Some((text, deletion))
}

/// The last byte of a block: its `}`.
fn closing_brace(block: Node<'_>) -> Span {
    Span::new(block.end_byte().saturating_sub(1), block.end_byte())
}

/// The innermost `for` around `node` within `function`.
fn enclosing_loop<'t>(node: Node<'t>, function: Node<'t>) -> Option<Node<'t>> {
    ancestors(node)
        .take_while(|a| *a != function)
        .find(|a| a.kind() == "for_statement")
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

#[cfg(test)]
mod tests {
    use crate::lang::Language;
    use crate::LintSettings;

    fn lint(src: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let settings = LintSettings::only(&[&super::RULE]);
        crate::lint_file(Language::Go, src, None, &settings).unwrap()
    }

    #[test]
    fn deep_nesting_is_skipped_not_overflowed() {
        let depth = 5000;
        let src = format!(
            "package p\nimport \"context\"\nfunc f(p context.Context) {{\n_, cancel := \
             context.WithCancel(p)\n{}\n{}\n}}\n",
            "if x {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        assert!(lint(&src).is_empty());
    }

    #[test]
    fn the_fix_inserts_a_defer_and_is_unsafe_when_the_context_escapes() {
        let src = "package p\nimport \"context\"\nfunc f(p context.Context) {\n\tctx, cancel := \
                   context.WithCancel(p)\n\t_ = ctx\n}\nfunc g(p context.Context) context.Context \
                   {\n\tctx, cancel := context.WithCancel(p)\n\treturn ctx\n}\n";
        let found = lint(src);
        assert_eq!(found.len(), 2);
        let safe = found[0].fix.as_ref().unwrap();
        assert_eq!(safe.applicability, crate::diagnostic::Applicability::Safe);
        assert_eq!(safe.edits[0].new_text, "\n\tdefer cancel()");
        let unsafe_fix = found[1].fix.as_ref().unwrap();
        assert_eq!(
            unsafe_fix.applicability,
            crate::diagnostic::Applicability::Unsafe
        );
    }
}
