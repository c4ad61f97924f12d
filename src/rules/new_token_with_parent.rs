//! `new-token-with-parent`: `CancellationToken::new()` in a function that was given a
//! parent token and never uses it.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::rust::{self, RustFile};
use crate::lang::{walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "new-token-with-parent",
    title: "a new root token is created although a parent token is at hand",
    language: Language::Rust,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[&[Needle::Text("CancellationToken")]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/new-token-with-parent.md"),
    check: Check::Rust(check),
};

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for &function in &file.functions {
        check_function(file, function, out);
    }
}

fn check_function(file: &RustFile<'_>, function: Node<'_>, out: &mut Vec<Diagnostic>) {
    let Some(body) = function.child_by_field_name("body") else {
        return;
    };
    let parents = file.token_parameters(function);
    let unused: Vec<_> = parents
        .iter()
        .filter(|(pattern, _)| !is_used(file, body, *pattern))
        .collect();
    // A function that uses one of its parent tokens may create a separate root on purpose.
    if unused.is_empty() || unused.len() < parents.len() {
        return;
    }
    let (pattern, parameter) = *unused[0];
    let roots: Vec<_> = file
        .calls_within(body)
        .filter(|&call| {
            file.is_token_constructor(call) && rust::enclosing_function(call) == Some(function)
        })
        .collect();
    let parent_name = file.text(pattern);
    let help = match parent_name.strip_prefix('_') {
        Some("") => "name the parent token parameter and derive the new token from it: \
                     `parent.child_token()`"
            .to_string(),
        Some(rest) if pattern.kind() == "identifier" => {
            format!("rename `{parent_name}` to `{rest}` and derive the new token from it: `{rest}.child_token()`")
        }
        _ => format!("derive the new token from the parent: `{parent_name}.child_token()`"),
    };
    let shown = if parent_name == "_" {
        "the parent token".to_string()
    } else {
        format!("`{parent_name}`")
    };
    for call in roots {
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "`{}` creates a root token that ignores the cancellation of {shown}, so this \
                 work goes on after the caller has cancelled",
                file.text(call)
            ),
            span: Span::of(call),
            labels: vec![Label {
                span: Span::of(parameter),
                message: "the parent token is available here".into(),
            }],
            help: help.clone(),
            fix: None,
        });
    }
}

/// Whether a parameter is used in the body: a name not starting with `_` that occurs in it
/// (macro arguments count).
fn is_used(file: &RustFile<'_>, body: Node<'_>, pattern: Node<'_>) -> bool {
    if pattern.kind() != "identifier" {
        // `mut parent` or a destructuring pattern: look at the names it binds.
        let mut used = false;
        walk_tree(pattern, |n| {
            if n.kind() == "identifier" && is_used(file, body, n) {
                used = true;
            }
            true
        });
        return used;
    }
    let name = file.text(pattern);
    if name.starts_with('_') {
        return false;
    }
    let mut used = false;
    walk_tree(body, |n| {
        if n.kind() == "identifier" && file.text(n) == name {
            used = true;
        }
        !used
    });
    used
}
