//! `timeout-detaches-task`: `tokio::time::timeout(d, handle)` takes a `JoinHandle` by value;
//! when the time runs out the handle is dropped, which detaches the task instead of stopping it.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::rust::{self, RustFile};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "timeout-detaches-task",
    title: "a `JoinHandle` passed by value to `timeout` detaches the task on timeout",
    language: Language::Rust,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[&[Needle::Text("timeout")]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/timeout-detaches-task.md"),
    check: Check::Rust(check),
};

/// The timeout functions; the future is their second argument.
const TIMEOUTS: &[&str] = &["tokio::time::timeout", "tokio::time::timeout_at"];

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(file.calls.iter().filter_map(|&call| detached(file, call)));
}

/// Where the handle comes from, for the label and the help.
struct Origin<'t> {
    /// The spawn call, or the declaration that shows the `JoinHandle` type.
    node: Node<'t>,
    message: String,
    blocking: bool,
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
    let origin = origin(file, handle)?;
    // A `spawn_blocking` task cannot be aborted: keeping its handle would not stop it either.
    if origin.blocking
        || file.is_test_code(call)
        || file.is_tool_file()
        || aborts_elsewhere(file, call, handle)
        || already_taken(file, handle)
        || best_effort(file, call)
    {
        return None;
    }
    let callee = file.text(function);
    let inline = origin.node == handle;
    let shown = if inline {
        "of the task spawned here".to_string()
    } else {
        format!("`{}`", file.text(handle))
    };
    let name = if handle.kind() == "identifier" {
        file.text(handle)
    } else {
        "handle"
    };
    let help = if inline {
        "bind the handle first, pass `&mut handle` and call `handle.abort()` on timeout, or wrap \
         it in `tokio_util::task::AbortOnDropHandle`"
            .to_string()
    } else {
        format!(
            "pass `&mut {name}` and call `{name}.abort()` on timeout, or wrap the handle in \
             `tokio_util::task::AbortOnDropHandle`"
        )
    };
    Some(Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{callee}` drops the `JoinHandle` {shown} when the time runs out, which detaches \
             the task: it keeps running"
        ),
        span: Span::of(call),
        labels: if inline {
            Vec::new()
        } else {
            vec![Label {
                span: Span::of(origin.node),
                message: origin.message,
            }]
        },
        help,
        fix: None,
    })
}

/// Where a `JoinHandle` passed by value comes from: a spawn written inline, a binding from a
/// spawn, or a variable, parameter or field whose declared type shows a `JoinHandle`.
fn origin<'t>(file: &RustFile<'t>, handle: Node<'t>) -> Option<Origin<'t>> {
    if let Some(spawn) = file.spawn(handle) {
        return file
            .type_of(handle)
            .is_some_and(|t| t.is_join_handle())
            .then_some(Origin {
                node: handle,
                message: String::new(),
                blocking: spawn.blocking,
            });
    }
    if !file.type_of(handle).is_some_and(|t| t.is_join_handle()) {
        return None;
    }
    let text = file.text(handle);
    // A binding whose value is a spawn: point at the spawn.
    let binding = (handle.kind() == "identifier")
        .then(|| file.binding(handle))
        .flatten();
    if let Some(value) = binding.and_then(|b| b.value) {
        if let Some(spawn) = file.spawn(value) {
            return Some(Origin {
                node: value,
                message: format!("`{text}` is the handle of the task spawned here"),
                blocking: spawn.blocking,
            });
        }
    }
    // A `for` over a collection of handles: point at the collection.
    if let Some(collection) = binding
        .filter(|b| b.node.kind() == "for_expression")
        .and_then(|b| b.value)
    {
        return Some(Origin {
            node: collection,
            message: format!("`{text}` is taken from these `JoinHandle`s"),
            blocking: false,
        });
    }
    let declared = binding
        .map(|b| b.ty.map_or(b.node, |t| t))
        .or_else(|| field_declaration(file, handle))
        .unwrap_or(handle);
    Some(Origin {
        node: declared,
        message: "a `JoinHandle` is declared here".to_string(),
        blocking: false,
    })
}

/// The struct field declaration `self.worker…` reads, if the expression starts with a field.
fn field_declaration<'t>(file: &RustFile<'t>, expr: Node<'_>) -> Option<Node<'t>> {
    let mut node = expr;
    let field = loop {
        node = match node.kind() {
            "field_expression" => match node.child_by_field_name("value") {
                Some(value) if matches!(value.kind(), "self" | "identifier") => {
                    break node.child_by_field_name("field")?;
                }
                Some(value) => value,
                None => return None,
            },
            "call_expression" => node.child_by_field_name("function")?,
            "try_expression" | "await_expression" | "parenthesized_expression" => {
                named_children(node).next()?
            }
            _ => return None,
        };
    };
    let name = file.text(field);
    file.fields.iter().copied().find(|f| {
        f.child_by_field_name("name")
            .is_some_and(|n| file.text(n) == name)
    })
}

/// Whether the task can still be stopped after the handle is gone: its `AbortHandle` was
/// taken before the timeout (`let abort = handle.abort_handle();`).
fn aborts_elsewhere(file: &RustFile<'_>, call: Node<'_>, handle: Node<'_>) -> bool {
    let Some(function) = rust::enclosing_function(call) else {
        return false;
    };
    let handle = file.text(handle);
    file.calls_within(function)
        .take_while(|c| c.start_byte() < call.start_byte())
        .filter_map(|c| rust::method_call(file, c))
        .any(|(method, receiver)| method == "abort_handle" && file.text(receiver) == handle)
}

/// Whether the handle comes from `x.take()` (through `if let Some(h) = …`, `.unwrap()`,
/// `.expect(…)`, `?`) after an earlier statement of the function already took `x` on every
/// path, with no assignment to `x` in between: `take()` then always gives `None`, and the
/// timeout is dead code.
fn already_taken(file: &RustFile<'_>, handle: Node<'_>) -> bool {
    let mut node = handle;
    if node.kind() == "identifier" {
        match file.binding(node).and_then(|b| b.value) {
            Some(value) => node = value,
            None => return false,
        }
    }
    let take = loop {
        match node.kind() {
            "try_expression" => match named_children(node).next() {
                Some(inner) => node = inner,
                None => return false,
            },
            "call_expression" => match rust::method_call(file, node) {
                Some(("unwrap" | "expect", receiver)) => node = receiver,
                Some(("take", _)) => break node,
                _ => return false,
            },
            _ => return false,
        }
    };
    let Some((_, taken)) = rust::method_call(file, take) else {
        return false;
    };
    let taken = file.text(taken);
    let Some(function) = rust::enclosing_function(take) else {
        return false;
    };
    file.calls_within(function)
        .take_while(|c| c.end_byte() <= take.start_byte())
        .filter(
            |c| matches!(rust::method_call(file, *c), Some(("take", r)) if file.text(r) == taken),
        )
        .any(|earlier| {
            let between = &file.source[earlier.end_byte()..take.start_byte()];
            let reassigned = between
                .match_indices(taken)
                .any(|(i, _)| between[i + taken.len()..].trim_start().starts_with("= "));
            !reassigned && always_runs_before(file, earlier, take)
        })
}

/// Whether `earlier` runs, on every path, before `later` is reached: it is part of a statement
/// that always evaluates it, in a block around `later`, and no closure or async block lies
/// between.
fn always_runs_before(file: &RustFile<'_>, earlier: Node<'_>, later: Node<'_>) -> bool {
    let Some(statement) =
        rust::ancestors(earlier).find(|a| a.parent().is_some_and(|p| p.kind() == "block"))
    else {
        return false;
    };
    let (Some(block), true) = (
        statement.parent(),
        statement.end_byte() <= later.start_byte(),
    ) else {
        return false;
    };
    rust::reaches(later, block)
        && !rust::ancestors(earlier)
            .take_while(|a| *a != statement)
            .any(|a| rust::OWNER_KINDS.contains(&a.kind()))
        && rust::always_does(statement, file.source, &|n| n == earlier)
}

/// Whether a comment above the call, or on its function, calls the wait best-effort (atuin's
/// `flush_end`: "Best-effort by design: a wedged hub cannot hold the process hostage beyond the
/// bound"): leaving the task behind on timeout is what its author chose.
fn best_effort(file: &RustFile<'_>, call: Node<'_>) -> bool {
    rust::comments_above(file, call).into_iter().any(|comment| {
        let comment = comment.to_ascii_lowercase();
        comment.contains("best-effort") || comment.contains("best effort")
    })
}
