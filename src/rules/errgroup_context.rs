//! `errgroup-context`: misuse of the context of `golang.org/x/sync/errgroup.WithContext`.
//!
//! Two findings:
//! - the group's context is discarded (`g, _ := errgroup.WithContext(ctx)`): a failing
//!   goroutine cancels nothing, so the group behaves like a plain `errgroup.Group` while the
//!   code reads as if it cancelled the others;
//! - the group's context is used after `g.Wait()` returned: errgroup cancels it when `Wait`
//!   returns, so every later use sees a cancelled context. Found over the function's
//!   control-flow graph: from each `g.Wait()` (not deferred, not in a `go` statement), the
//!   first reference to the context variable on some path, before the variable is assigned
//!   again.

use tree_sitter::Node;

use super::{context_values, Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::go::cfg::{Cfg, End};
use crate::lang::go::{self, GoFile};
use crate::lang::{ancestors, named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "errgroup-context",
    title: "an errgroup's context is discarded or used after Wait",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[&[Needle::Text("errgroup\"")]],
    // The `errgroup.WithContext` call is in the function the finding is in, with its context
    // discarded or a `Wait` the context can be used after.
    function_needles: &[&[Needle::GroupContext]],
    test_files: true,
    doc: include_str!("../../rules/errgroup-context.md"),
    check: Check::Go(check),
};

const ERRGROUP: &[&str] = &["golang.org/x/sync/errgroup"];

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(ERRGROUP) {
        return;
    }
    // Only a function that calls `errgroup.WithContext` itself binds a group's context: the
    // calls by innermost function, in document order.
    let calls = file
        .calls_named(&["WithContext"])
        .into_iter()
        .filter(|&call| file.calls_package(call, ERRGROUP) == Some("WithContext"))
        .map(|call| (call, call));
    let by_function = go::by_innermost_function(calls);
    for (function, calls) in by_function {
        check_function(file, function, &calls, out);
    }
}

/// `g, gctx := errgroup.WithContext(ctx)` (or `=`, or `var`).
struct GroupBinding<'t> {
    statement: Node<'t>,
    call: Node<'t>,
    group: Node<'t>,
    context: Node<'t>,
}

fn check_function<'a>(
    file: &GoFile<'a>,
    function: Node<'a>,
    calls: &[Node<'a>],
    out: &mut Vec<Diagnostic>,
) {
    let bindings = group_bindings(file, calls);
    if bindings.is_empty() {
        return;
    }
    let mut cfg = None;
    for binding in bindings {
        if file.text(binding.context) == "_" {
            if !in_test(file, function) && goroutines_use_parent(file, function, &binding) {
                out.push(discarded(file, &binding));
            }
            continue;
        }
        if binding.group.kind() != "identifier" || binding.context.kind() != "identifier" {
            continue;
        }
        let (Some(group), Some(context)) = (
            go::declaration_of(binding.group, file.source),
            go::declaration_of(binding.context, file.source),
        ) else {
            continue;
        };
        let waits = wait_calls(file, function, group);
        if waits.is_empty() {
            continue;
        }
        let never_returns = |call: Node<'a>| file.never_returns(call);
        let graph = cfg.get_or_insert_with(|| Cfg::build(function, file.source, &never_returns));
        let Some(graph) = graph.as_ref() else {
            return;
        };
        let references = go::references(function, context, file.source);
        for wait in waits {
            if let Some(used) = first_use_after(file, graph, wait, &binding, &references) {
                out.push(used_after_wait(file, &binding, wait, used));
                break;
            }
        }
    }
}

/// The bindings of the `errgroup.WithContext` calls `calls` (in document order) that are the
/// only value of a `:=`, `=` or `var` with two names.
fn group_bindings<'t>(file: &GoFile<'_>, calls: &[Node<'t>]) -> Vec<GroupBinding<'t>> {
    let mut found = Vec::new();
    for &call in calls {
        let Some(values) = call.parent().filter(|v| v.named_child_count() == 1) else {
            continue;
        };
        let Some(statement) = values.parent() else {
            continue;
        };
        let (targets, value_field): (Vec<Node<'t>>, _) = match statement.kind() {
            "short_var_declaration" => (
                statement
                    .child_by_field_name("left")
                    .map(|l| named_children(l).collect())
                    .unwrap_or_default(),
                "right",
            ),
            "assignment_statement"
                if statement
                    .child_by_field_name("operator")
                    .is_some_and(|o| file.text(o) == "=") =>
            {
                (
                    statement
                        .child_by_field_name("left")
                        .map(|l| named_children(l).collect())
                        .unwrap_or_default(),
                    "right",
                )
            }
            "var_spec" => {
                let mut cursor = statement.walk();
                let names = statement
                    .children_by_field_name("name", &mut cursor)
                    .collect();
                (names, "value")
            }
            _ => continue,
        };
        if targets.len() == 2 && statement.child_by_field_name(value_field) == Some(values) {
            found.push(GroupBinding {
                statement,
                call,
                group: targets[0],
                context: targets[1],
            });
        }
    }
    found
}

/// Whether some func literal passed to `g.Go` uses the context the group was made from: then
/// the work is cancellable and a failure could have cancelled the others. Goroutines that
/// take no context gain nothing from the group's context: a plain group is what the code
/// means, and it is silent.
fn goroutines_use_parent(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &GroupBinding<'_>,
) -> bool {
    let Some(parent) = binding
        .call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
    else {
        return false;
    };
    let parent_declaration = (parent.kind() == "identifier")
        .then(|| go::declaration_of(parent, file.source))
        .flatten();
    let Some(group) = (binding.group.kind() == "identifier")
        .then(|| go::declaration_of(binding.group, file.source))
        .flatten()
    else {
        return false;
    };
    let go_calls = method_calls(file, function, group, "Go");
    let tries = method_calls(file, function, group, "TryGo");
    if let ([only], []) = (&go_calls[..], &tries[..]) {
        if alone_with_nothing_to_cancel(file, function, group, *only, parent_declaration) {
            return false;
        }
    }
    go_calls.into_iter().any(|call| {
        let Some(literal) = call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .filter(|a| a.kind() == "func_literal")
        else {
            return false;
        };
        if !may_fail(file, literal) {
            return false;
        }
        match parent_declaration {
            Some(declaration) => go::references(literal, declaration, file.source)
                .iter()
                .any(|r| *r != declaration),
            None => file.text(literal).contains(file.text(parent)),
        }
    })
}

/// Whether `go_call` is the group's only goroutine and nothing else could be cancelled: it runs
/// once (not in a loop or a func literal) and the function does not use the parent context
/// between starting it and waiting for it. A failing goroutine then has no other work the
/// group's context could stop: the group is a `go` statement with a wait (redpanda connect's
/// Oracle CDC input runs its one streaming reader that way).
fn alone_with_nothing_to_cancel(
    file: &GoFile<'_>,
    function: Node<'_>,
    group: Node<'_>,
    go_call: Node<'_>,
    parent_declaration: Option<Node<'_>>,
) -> bool {
    let repeated = ancestors(go_call)
        .take_while(|a| *a != function)
        .any(|a| matches!(a.kind(), "for_statement" | "func_literal"));
    // The group handed to another function may get more goroutines there.
    let handed_on = go::references(function, group, file.source)
        .into_iter()
        .filter(|r| *r != group)
        .any(|r| {
            r.parent().is_none_or(|p| {
                p.kind() != "selector_expression" || p.child_by_field_name("operand") != Some(r)
            })
        });
    if repeated || handed_on {
        return false;
    }
    let Some(last_wait) = method_calls(file, function, group, "Wait")
        .into_iter()
        .map(|w| w.start_byte())
        .max()
    else {
        return false;
    };
    let Some(parent) = parent_declaration else {
        return false;
    };
    !go::references(function, parent, file.source)
        .iter()
        .any(|r| go_call.end_byte() <= r.start_byte() && r.start_byte() < last_wait)
}

/// Whether a goroutine of the group can return an error: some `return` of the literal (not of
/// a literal nested in it) returns something other than `nil`.
fn may_fail(file: &GoFile<'_>, literal: Node<'_>) -> bool {
    let Some(body) = literal.child_by_field_name("body") else {
        return false;
    };
    let mut fails = false;
    walk_tree(body, |node| {
        if fails || node.kind() == "func_literal" {
            return false;
        }
        if node.kind() == "return_statement" {
            fails = named_children(node).any(|value| file.text(value) != "nil");
        }
        true
    });
    fails
}

/// Whether `function` is (or is nested in) a test: a function with a `*testing.T`, `B` or `F`
/// or `testing.TB` parameter. A test gains nothing from cancelling its other goroutines.
fn in_test(file: &GoFile<'_>, function: Node<'_>) -> bool {
    std::iter::once(function)
        .chain(go::enclosing_functions(function))
        .flat_map(go::function_parameters)
        .any(|p| is_testing_type(file, p.ty))
}

/// `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`.
pub(crate) fn is_testing_type(file: &GoFile<'_>, ty: Node<'_>) -> bool {
    let ty = match ty.kind() {
        "pointer_type" => named_children(ty).next().unwrap_or(ty),
        _ => ty,
    };
    ["T", "B", "F", "TB"]
        .iter()
        .any(|name| file.is_named_type(ty, "testing", name))
}

/// `g.<method>(...)` calls of the group declared by `group` anywhere in `function`.
fn method_calls<'t>(
    file: &GoFile<'_>,
    function: Node<'t>,
    group: Node<'t>,
    method: &str,
) -> Vec<Node<'t>> {
    go::references(function, group, file.source)
        .into_iter()
        .filter_map(|reference| {
            let selector = reference
                .parent()
                .filter(|p| p.kind() == "selector_expression")?;
            let field = selector.child_by_field_name("field")?;
            let call = selector
                .parent()
                .filter(|c| c.kind() == "call_expression")?;
            (file.text(field) == method
                && selector.child_by_field_name("operand") == Some(reference))
            .then_some(call)
        })
        .collect()
}

/// `g.Wait()` calls of the group declared by `group`, made by `function` itself: not in a
/// nested func literal, not deferred, not run by a `go` statement.
fn wait_calls<'t>(file: &GoFile<'_>, function: Node<'t>, group: Node<'t>) -> Vec<Node<'t>> {
    method_calls(file, function, group, "Wait")
        .into_iter()
        .filter(|call| {
            !ancestors(*call).take_while(|a| *a != function).any(|a| {
                matches!(
                    a.kind(),
                    "func_literal" | "defer_statement" | "go_statement"
                )
            })
        })
        .collect()
}

/// The first reference (in source order) to the group's context that some path from `wait`
/// reaches before the variable is assigned again.
fn first_use_after<'t>(
    file: &GoFile<'t>,
    cfg: &Cfg<'t>,
    wait: Node<'t>,
    binding: &GroupBinding<'t>,
    references: &[Node<'t>],
) -> Option<Node<'t>> {
    let (start, index) = cfg.locate(wait)?;
    let mut first = None;
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![(start, index + 1)];
    while let Some((b, from)) = stack.pop() {
        let block = &cfg.blocks[b];
        let mut stopped = false;
        for &node in block.nodes.iter().skip(from) {
            if contains(node, binding.statement) {
                stopped = true;
                break;
            }
            let inside: Vec<Node<'t>> = references
                .iter()
                .copied()
                .filter(|r| contains(node, *r))
                .collect();
            if let Some(used) = inside
                .iter()
                .copied()
                .find(|r| !is_assigned(*r) && !only_carries_values(file, *r))
            {
                if first.is_none_or(|f: Node<'t>| used.start_byte() < f.start_byte()) {
                    first = Some(used);
                }
                stopped = true;
                break;
            }
            if inside.iter().any(|r| is_assigned(*r)) {
                stopped = true;
                break;
            }
        }
        if stopped {
            continue;
        }
        if matches!(block.end, End::Return(_) | End::Exit(_) | End::NoReturn(_)) {
            continue;
        }
        for &s in block.succs.iter().rev() {
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        }
    }
    first
}

/// Whether `reference` is a target of an assignment or definition: `ctx = ...`,
/// `ctx := ...` or `var ctx context.Context`, which makes the variable a new one (a callback
/// that waits for the previous call's group, then declares its context again).
fn is_assigned(reference: Node<'_>) -> bool {
    let Some(parent) = reference.parent() else {
        return false;
    };
    if parent.kind() == "var_spec" {
        let mut cursor = parent.walk();
        return parent
            .children_by_field_name("name", &mut cursor)
            .any(|name| name == reference);
    }
    let Some(list) = Some(parent).filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    list.parent().is_some_and(|statement| {
        matches!(
            statement.kind(),
            "assignment_statement" | "short_var_declaration"
        ) && statement.child_by_field_name("left") == Some(list)
    })
}

/// A use that does not depend on the context being live: `ctx.Value(...)`, the context handed
/// to a logging or tracing call (it only carries the logger or span) or to a getter of a value
/// it carries (`leases.FromContext(ctx)`), or to a function of this file that does nothing else
/// with that parameter (buildkit's `sr.computeChainMetadata(ctx, filter)`, which only reads the
/// lease): see [`context_values::reads_values`].
fn only_carries_values<'a>(file: &GoFile<'a>, reference: Node<'a>) -> bool {
    context_values::reads_values(file, reference, true)
}

fn discarded(file: &GoFile<'_>, binding: &GroupBinding<'_>) -> Diagnostic {
    let group = file.text(binding.group);
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "the context of `{}` is discarded, so a failing goroutine of `{group}` cancels \
             nothing",
            file.text(
                binding
                    .call
                    .child_by_field_name("function")
                    .unwrap_or(binding.call)
            )
        ),
        span: Span::of(binding.context),
        labels: Vec::new(),
        help: format!(
            "name the context and use it in the goroutines (`{group}, gctx := ...`), or use a \
             plain `errgroup.Group` if nothing should be cancelled"
        ),
        fix: None,
    }
}

fn used_after_wait(
    file: &GoFile<'_>,
    binding: &GroupBinding<'_>,
    wait: Node<'_>,
    used: Node<'_>,
) -> Diagnostic {
    let name = file.text(binding.context);
    let group = file.text(binding.group);
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{name}` is the context of `{group}`, which is cancelled once `{group}.Wait()` \
             returns, so this use always sees a cancelled context"
        ),
        span: Span::of(used),
        labels: vec![
            Label {
                span: Span::of(wait),
                message: format!("`{name}` is cancelled when this returns"),
            },
            Label {
                span: Span::of(binding.context),
                message: format!("`{name}` is the group's context from here"),
            },
        ],
        help: format!(
            "use the parent context after `Wait`; give the group's context its own name \
             (`{group}, gctx := errgroup.WithContext(ctx)`) so the two cannot be mixed up"
        ),
        fix: None,
    }
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}
