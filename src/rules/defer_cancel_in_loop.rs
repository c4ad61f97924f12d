//! `defer-cancel-in-loop`: a deferred call of a cancel function inside a `for` body runs only
//! when the function returns, so every iteration's context stays alive until then.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::go::{self, CancelBinding, GoFile};
use crate::lang::{ancestors, named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "defer-cancel-in-loop",
    title: "a cancel function is deferred inside a loop",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: super::GO_CANCEL_NEEDLES,
    doc: include_str!("../../rules/defer-cancel-in-loop.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if file.cancel_bindings().next().is_none() {
        return;
    }
    for &defer in file.defer_statements() {
        check_defer(file, defer, out);
    }
}

fn check_defer<'a>(file: &GoFile<'a>, defer: Node<'a>, out: &mut Vec<Diagnostic>) {
    let Some(call) = named_children(defer).find(|n| n.kind() == "call_expression") else {
        return;
    };
    let Some(function) = call.child_by_field_name("function") else {
        return;
    };
    // The innermost loop around the defer within its own function: a func literal in the
    // loop runs its defers when the literal returns, once per iteration.
    let Some(innermost_loop) = ancestors(defer)
        .take_while(|a| !go::FUNCTION_KINDS.contains(&a.kind()))
        .find(|a| a.kind() == "for_statement")
    else {
        return;
    };
    // `defer cancel()`, or `defer func() { ... cancel() ... }()`.
    let callees: Vec<Node<'_>> = match function.kind() {
        "identifier" => vec![function],
        "func_literal" => called_identifiers(function),
        _ => return,
    };
    let Some((callee, binding)) = callees
        .into_iter()
        .find_map(|c| binding_of(file, c, defer).map(|b| (c, b)))
    else {
        return;
    };
    let name = file.text(callee);
    let deferred = if callee == function {
        format!("`defer {name}()`")
    } else {
        format!("a deferred call of `{name}`")
    };
    let same_body = innermost_loop
        .child_by_field_name("body")
        .is_some_and(|body| contains(body, binding.statement))
        && !ancestors(binding.statement)
            .take_while(|a| *a != innermost_loop)
            .any(|a| go::FUNCTION_KINDS.contains(&a.kind()));
    let (span, label) = if same_body {
        (
            Span::of(binding.cancel),
            Label {
                span: Span::of(defer),
                message: "deferred here, inside the loop".into(),
            },
        )
    } else {
        (
            Span::of(defer),
            Label {
                span: Span::of(binding.cancel),
                message: format!("{name} is bound here"),
            },
        )
    };
    out.push(Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "{deferred} inside a loop runs only when the function returns, so every \
             iteration's context from `{}` stays alive until then",
            binding.callee
        ),
        span,
        labels: vec![label],
        help: format!(
            "call `{name}()` at the end of each iteration, or move the loop body into a function \
             (or func literal) so the defer runs per iteration"
        ),
        fix: None,
    });
}

/// The cancel binding `ident` refers to: the last one before `at` that binds the same
/// variable, in the function that declares it (nested literals included).
fn binding_of<'a>(
    file: &GoFile<'a>,
    ident: Node<'a>,
    at: Node<'a>,
) -> Option<CancelBinding<'a, 'a>> {
    let declaration = go::declaration_of(ident, file.source)?;
    let owner = go::enclosing_functions(declaration).next()?;
    file.cancel_bindings()
        .filter(|b| contains(owner, b.statement) && b.statement.start_byte() < at.start_byte())
        .filter(|b| go::declaration_of(b.cancel, file.source) == Some(declaration))
        .last()
}

/// The identifiers called as functions inside a func literal (`x(...)`).
fn called_identifiers(literal: Node<'_>) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    walk_tree(literal, |node| {
        if node.kind() == "call_expression" {
            if let Some(f) = node.child_by_field_name("function") {
                if f.kind() == "identifier" {
                    found.push(f);
                }
            }
        }
        true
    });
    found
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}
