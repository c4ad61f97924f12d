//! `background-in-handler`: `context.Background()`/`TODO()` where a parent context exists.

use super::new_root::{self, Site};
use super::{Check, Needle, Rule, GO_CONTEXT_IMPORT, GO_NEW_ROOT};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;

pub static RULE: Rule = Rule {
    name: "background-in-handler",
    title: "a new root context is created where a parent context is available",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[GO_CONTEXT_IMPORT, GO_NEW_ROOT, &[Needle::HandlerType]],
    function_needles: &[],
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
            fix: replaceable.then(|| Fix {
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
