//! `timeout-detaches-task`: `tokio::time::timeout(d, handle)` takes a `JoinHandle` by value;
//! when the time runs out the handle is dropped, which detaches the task instead of stopping it.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::rust::{self, RustFile};
use crate::lang::{named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "timeout-detaches-task",
    title: "a `JoinHandle` passed by value to `timeout` detaches the task on timeout",
    language: Language::Rust,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &["timeout"],
    doc: include_str!("../../rules/timeout-detaches-task.md"),
    check: Check::Rust(check),
};

/// The timeout functions and the index of their future argument.
const TIMEOUTS: &[&str] = &["tokio::time::timeout", "tokio::time::timeout_at"];

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(file.calls.iter().filter_map(|&call| detached(file, call)));
}

fn detached(file: &RustFile<'_>, call: Node<'_>) -> Option<Diagnostic> {
    let function = call.child_by_field_name("function")?;
    if !file.names_any(function, TIMEOUTS) {
        return None;
    }
    let arguments: Vec<_> = named_children(call.child_by_field_name("arguments")?)
        .filter(|a| !matches!(a.kind(), "line_comment" | "block_comment"))
        .collect();
    let [_, handle] = arguments[..] else {
        return None;
    };
    if handle.kind() != "identifier" || file.is_test_code(call) {
        return None;
    }
    let name = file.text(handle);
    let binding = spawned_binding(file, call, name)?;
    let callee = file.text(function);
    Some(Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{callee}` drops the `JoinHandle` `{name}` when the time runs out, which detaches \
             the task: it keeps running"
        ),
        span: Span::of(call),
        labels: vec![Label {
            span: Span::of(binding),
            message: format!("`{name}` is the handle of the task spawned here"),
        }],
        help: if binding
            .child_by_field_name("function")
            .is_some_and(|f| file.text(f).ends_with("spawn_blocking"))
        {
            format!(
                "a blocking task cannot be aborted: pass `&mut {name}` to keep its handle, and \
                 stop the work through a flag or token it checks"
            )
        } else {
            format!(
                "pass `&mut {name}` and call `{name}.abort()` on timeout, or wrap the handle in \
                 `tokio_util::task::AbortOnDropHandle`"
            )
        },
        fix: None,
    })
}

/// The spawn call of the last `let <name> = spawn(...)` before `call` in the same function.
fn spawned_binding<'t>(file: &RustFile<'_>, call: Node<'t>, name: &str) -> Option<Node<'t>> {
    let function = rust::enclosing_function(call)?;
    let body = function.child_by_field_name("body")?;
    let mut last = None;
    walk_tree(body, |node| {
        if node.start_byte() >= call.start_byte() {
            return false;
        }
        if node.kind() == "let_declaration" {
            let pattern = node.child_by_field_name("pattern");
            if pattern.is_some_and(|p| p.kind() == "identifier" && file.text(p) == name) {
                last = node.child_by_field_name("value");
            }
        }
        node.kind() != "function_item" || node == function
    });
    let value = last?;
    file.is_spawn_function(value).then_some(value)
}
