//! `discarded-cancel`: the cancel function of `context.WithCancel` & co. is bound to `_`.

use std::sync::LazyLock;
use tree_sitter::{Node, Query};

use super::{Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::{capture, compile_query, for_each_match, named_children, Language};

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

pub static QUERY: LazyLock<Query> = LazyLock::new(|| {
    compile_query(
        Language::Go,
        include_str!("../../rules/go/discarded-cancel.scm"),
    )
});

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Fixes offered so far per function (by start byte): each gets its own name, so applying
    // them together never declares `cancel` twice in one scope.
    let mut fixes_per_function: std::collections::HashMap<usize, usize> = Default::default();
    for_each_match(&QUERY, file.tree.root_node(), file.source, |captures| {
        let (Some(statement), Some(call)) = (
            capture(&QUERY, captures, "statement"),
            capture(&QUERY, captures, "call"),
        ) else {
            return;
        };
        let Some((index, callee)) = file.cancel_result(call) else {
            return;
        };
        let targets: Vec<Node<'_>> = match capture(&QUERY, captures, "left") {
            Some(left) => named_children(left).collect(),
            None => {
                let mut cursor = statement.walk();
                statement
                    .children_by_field_name("name", &mut cursor)
                    .collect()
            }
        };
        let Some(&blank) = targets.get(index) else {
            return;
        };
        if file.text(blank) != "_" {
            return;
        }
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
                &targets,
                callee,
                &mut fixes_per_function,
            ),
        });
    });
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
