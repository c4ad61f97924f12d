//! `background-in-handler`: `context.Background()`/`TODO()` where a parent context exists.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;

pub static RULE: Rule = Rule {
    name: "background-in-handler",
    title: "a new root context is created where a parent context is available",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: super::GO_CONTEXT_NEEDLES,
    doc: include_str!("../../rules/background-in-handler.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(go::CONTEXT_PATHS) {
        return;
    }
    for &call in file.new_root_calls() {
        let Some(parent) = parent_context(file, call) else {
            continue;
        };
        if is_deliberate_root(file, call, &parent) {
            continue;
        }
        let written = file.text(call);
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "`{written}` ignores the cancellation of `{}`, so this work goes on after the \
                 caller has given up",
                parent.expression
            ),
            span: Span::of(call),
            labels: vec![Label {
                span: Span::of(parent.param),
                message: "the parent context is available here".into(),
            }],
            help: format!(
                "use `{0}`; for work that must outlive it, use `context.WithoutCancel({0})`",
                parent.expression
            ),
            fix: parent.reachable.then(|| Fix {
                applicability: Applicability::Unsafe,
                message: format!("replace with `{}`", parent.expression),
                edits: vec![Edit {
                    span: Span::of(call),
                    new_text: parent.expression.clone(),
                }],
            }),
        });
    }
}

/// A new root that is meant to outlive the call, or a fallback for a missing parent:
/// - stored in a field, map, slice or composite literal (`s.ctx, s.cancel =
///   context.WithCancel(context.Background())`): long-lived state, which the request's
///   context would cancel too early;
/// - assigned to the parent itself (`if ctx == nil { ctx = context.Background() }`): there is
///   no parent to pass down;
/// - compared with (`ctx == context.Background()`): no work starts from it.
fn is_deliberate_root(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let mut child = call;
    for node in crate::lang::ancestors(call) {
        match node.kind() {
            "keyed_element" | "literal_element" | "composite_literal" => return true,
            "assignment_statement" => {
                if node.child_by_field_name("right") != Some(child) {
                    return false;
                }
                let Some(left) = node.child_by_field_name("left") else {
                    return false;
                };
                return crate::lang::named_children(left).any(|target| {
                    matches!(target.kind(), "selector_expression" | "index_expression")
                        || file.text(target) == file.text(parent.param)
                });
            }
            // `if ctx != context.Background()` compares; it starts no work.
            "binary_expression" => {
                return node
                    .child_by_field_name("operator")
                    .is_some_and(|op| matches!(file.text(op), "==" | "!="));
            }
            "call_expression"
            | "argument_list"
            | "expression_list"
            | "parenthesized_expression"
            | "unary_expression" => {}
            _ => return false,
        }
        child = node;
    }
    false
}

struct Parent<'t> {
    /// The parameter that carries the parent context.
    param: Node<'t>,
    /// The expression that yields it, e.g. `r.Context()`.
    expression: String,
    /// False when an inner function shadows the parameter's name, so the expression would
    /// not mean the same thing at the call.
    reachable: bool,
}

/// The innermost enclosing function's parent context. A function that returns a context is a
/// deliberate new root: nothing is reported inside it.
fn parent_context<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<Parent<'t>> {
    let mut inner_names: Vec<&str> = Vec::new();
    for function in go::enclosing_functions(call) {
        if file.returns_context(function) {
            return None;
        }
        let params: Vec<go::Param<'t>> = go::function_parameters(function).collect();
        for param in &params {
            let Some(name) = param.name.map(|n| file.text(n)) else {
                continue;
            };
            if name == "_" {
                continue;
            }
            if let Some(handler) = file.handler_type(param.ty) {
                return Some(Parent {
                    param: param.name.unwrap_or(param.ty),
                    expression: handler.context.replace("{}", name),
                    reachable: !inner_names.contains(&name),
                });
            }
        }
        inner_names.extend(params.iter().filter_map(|p| p.name).map(|n| file.text(n)));
        // Results of an inner literal shadow too.
        if let Some(result) = function.child_by_field_name("result") {
            if result.kind() == "parameter_list" {
                inner_names.extend(
                    go::parameters(result)
                        .filter_map(|p| p.name)
                        .map(|n| file.text(n)),
                );
            }
        }
    }
    None
}
