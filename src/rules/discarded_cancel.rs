//! `discarded-cancel`: the cancel function of `context.WithCancel` & co. is bound to `_`.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;

pub static RULE: Rule = Rule {
    name: "discarded-cancel",
    title: "the cancel function of a derived context is assigned to `_`",
    language: Language::Go,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: super::GO_CANCEL_NEEDLES,
    doc: include_str!("../../rules/discarded-cancel.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Fixes offered so far per function (by start byte): each gets its own name, so applying
    // them together never declares `cancel` twice in one scope.
    let mut fixes_per_function: std::collections::HashMap<usize, usize> = Default::default();
    for candidate in file.cancel_calls() {
        let (Some(statement), Some(blank)) = (candidate.statement, candidate.cancel_target())
        else {
            continue;
        };
        if file.text(blank) != "_" {
            continue;
        }
        let (call, callee, targets) = (candidate.call, candidate.callee, &candidate.targets);
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "the cancel function returned by `{callee}` is discarded, so the context and its \
                 resources leak until the parent is cancelled"
            ),
            span: Span::of(blank),
            labels: vec![Label {
                span: Span::of(call),
                message: "this call returns a cancel function".into(),
            }],
            help: format!(
                "bind it to a variable and call it when the work is done: `defer {}()`",
                default_name(callee)
            ),
            fix: fix(
                file,
                statement,
                blank,
                targets,
                callee,
                &mut fixes_per_function,
            ),
        });
    }
}

/// `stop` for `signal.NotifyContext`, `cancel` for everything else.
fn default_name(callee: &str) -> &'static str {
    if callee.ends_with("NotifyContext") {
        "stop"
    } else {
        "cancel"
    }
}

/// `_` → a free name, plus `defer <name>()` on the next line. Only for `:=` and `var`, inside
/// a function, where a statement can follow; safe unless the context escapes the function.
fn fix(
    file: &GoFile<'_>,
    definition: Node<'_>,
    blank: Node<'_>,
    targets: &[Node<'_>],
    callee: &str,
    fixes_per_function: &mut std::collections::HashMap<usize, usize>,
) -> Option<Fix> {
    if definition.kind() == "assignment_statement" {
        return None;
    }
    let statement = go::enclosing_statement(definition)?;
    let function = go::enclosing_functions(statement).next()?;
    let body = function.child_by_field_name("body")?;
    let earlier = fixes_per_function.entry(function.start_byte()).or_default();
    let name = crate::lang::free_name(function, default_name(callee), file.source, *earlier);
    *earlier += 1;
    let escapes = go::any_escapes(body, targets, file.source);
    Some(Fix {
        applicability: if escapes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: format!("bind the cancel function to `{name}` and `defer {name}()`"),
        edits: vec![
            crate::diagnostic::Edit {
                span: Span::of(blank),
                new_text: name.clone(),
            },
            go::insert_defer_after(statement, &name, file.source),
        ],
    })
}
