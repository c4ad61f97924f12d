//! `background-in-handler`: `context.Background()`/`TODO()` where a parent context exists.

use super::missing_defer_cancel;
use super::new_root::{self, Site};
use super::{Check, Needle, Rule, GO_CONTEXT_IMPORT, GO_NEW_ROOT};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    name: "background-in-handler",
    title: "a new root context is created where a parent context is available",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[GO_CONTEXT_IMPORT, &[Needle::HandlerType]],
    // Every finding is a `context.Background()` or `TODO()` call.
    function_needles: &[GO_NEW_ROOT],
    test_files: true,
    doc: include_str!("../../rules/background-in-handler.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(go::CONTEXT_PATHS) {
        return;
    }
    for &call in file.new_root_calls() {
        let Some(parent) = new_root::parent_context(file, call) else {
            continue;
        };
        if new_root::classify(file, call, &parent) != Site::Plain {
            continue;
        }
        let written = file.text(call);
        // With the parent, a call whose error is thrown away can fail unseen where it could
        // not before (`_ = sem.Acquire(context.Background(), 1)`): no replacement there.
        let replaceable = parent.reachable && !new_root::error_discarded(file, call);
        // A derived context whose cancel function is not released on every path leaks once
        // it is made from the parent: no replacement there either.
        let fixable = replaceable && !derivation_needs_the_root(file, call);
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
            help: if replaceable {
                format!(
                    "use `{0}`; for work that must outlive it, use `context.WithoutCancel({0})`",
                    parent.expression
                )
            } else {
                format!(
                    "use `{0}` and handle the error the call can then return; for work that \
                     must outlive it, use `context.WithoutCancel({0})`",
                    parent.expression
                )
            },
            fix: fixable.then(|| Fix {
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

/// Whether `root` is the parent (itself or through `context.WithValue`) of a
/// `context.WithCancel` or `WithCancelCause` whose cancel function is discarded, or not
/// released on every path, or whose context is not used. Made from a root that is never
/// cancelled, such a context registers with no parent, and missing-defer-cancel,
/// discarded-cancel and defer-cancel-in-loop rightly let that pass; made from the parent
/// context, it stays registered with the parent until the parent ends: a leak the
/// replacement would add.
fn derivation_needs_the_root(file: &GoFile<'_>, root: Node<'_>) -> bool {
    let mut parent = root;
    let derivation = loop {
        let Some(arguments) = parent.parent().filter(|a| a.kind() == "argument_list") else {
            return false;
        };
        if arguments.named_child(0) != Some(parent) {
            return false;
        }
        let Some(call) = arguments.parent() else {
            return false;
        };
        match file.calls_package(call, go::CONTEXT_PATHS) {
            Some("WithValue") => parent = call,
            Some("WithCancel" | "WithCancelCause") => break call,
            _ => return false,
        }
    };
    let Some(binding) = file.cancel_bindings().find(|b| b.call == derivation) else {
        return true; // the cancel function is discarded, or goes where it cannot be followed
    };
    let context_unused = binding
        .targets
        .iter()
        .all(|t| *t == binding.cancel || file.text(*t) == "_");
    context_unused || !missing_defer_cancel::released_from_any_parent(file, &binding)
}
