//! `defer-cancel-in-loop`: a deferred call of a cancel function inside a `for` body runs only
//! when the function returns, so every iteration's context stays alive until then.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::go::cfg::{Cfg, End};
use crate::lang::go::{self, CancelBinding, GoFile};
use crate::lang::{ancestors, named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "defer-cancel-in-loop",
    title: "a cancel function is deferred inside a loop",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[&[Needle::CancelFunction], &[Needle::Statement("defer")]],
    function_needles: &[],
    test_files: true,
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
    let Some(owner) = go::enclosing_functions(defer).next() else {
        return;
    };
    // The loop whose iterations each make a context: the innermost one around both the
    // definition and the defer. None: the definition runs once, before the loop.
    let making_loop = ancestors(binding.statement)
        .take_while(|a| !go::FUNCTION_KINDS.contains(&a.kind()))
        .find(|a| a.kind() == "for_statement" && contains(*a, defer));
    let name = file.text(callee);
    let deferred = if callee == function {
        format!("`defer {name}()`")
    } else {
        format!("a deferred call of `{name}`")
    };
    if !goes_around_unreleased(file, owner, defer, &binding, making_loop.is_some()) {
        return;
    }
    let Some(making_loop) = making_loop else {
        // The same function deferred again on every iteration: no context piles up, but
        // the deferred calls do.
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "{deferred} inside a loop defers the same cancel function again on every \
                 iteration; the calls pile up until the function returns"
            ),
            span: Span::of(defer),
            labels: vec![Label {
                span: Span::of(binding.cancel),
                message: format!("{name} is bound here, before the loop"),
            }],
            help: format!("defer `{name}()` once, before the loop"),
            fix: None,
        });
        return;
    };
    let Some(body) = making_loop.child_by_field_name("body") else {
        return;
    };
    let contexts = context_declarations(file, &binding);
    if holds_nothing(file, &binding)
        || waits_out_timeout(file, making_loop, &binding)
        || waits_for_expiry(file, body, &contexts)
        || go::declaration_of(binding.cancel, file.source)
            .is_none_or(|cancel| escapes_iteration(file, body, &contexts, cancel))
        || (file.imports.imports_any(&["testing"]) && few_iterations(file, making_loop))
    {
        return;
    }
    let same_body = innermost_loop == making_loop;
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

/// Whether control can go from the defer around the loop — back to the definition (or, for a
/// definition before the loop, to the defer itself) — without using the cancel function on
/// the way. Not when the block with the defer always returns, or every path that continues
/// calls the cancel function first.
fn goes_around_unreleased(
    file: &GoFile<'_>,
    function: Node<'_>,
    defer: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    defined_in_loop: bool,
) -> bool {
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let Some(cfg) = Cfg::build(function, file.source, &never_returns) else {
        return true;
    };
    let Some(declaration) = go::declaration_of(binding.cancel, file.source) else {
        return true;
    };
    let references = go::references(function, declaration, file.source);
    let target = if defined_in_loop {
        binding.statement
    } else {
        defer
    };
    let Some((start, index)) = cfg.locate(defer) else {
        return true;
    };
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![(start, index + 1)];
    while let Some((b, from)) = stack.pop() {
        let block = &cfg.blocks[b];
        let mut released = false;
        for &node in block.nodes.iter().skip(from) {
            if contains(node, target) {
                return true;
            }
            // A call on the path, not one a goroutine or closure may make later.
            let called_here = |r: &Node<'_>| {
                contains(node, *r)
                    && !ancestors(*r)
                        .take_while(|a| *a != node)
                        .any(|a| a.kind() == "func_literal")
            };
            if references.iter().any(called_here) {
                released = true;
                break;
            }
        }
        if released || block.end != End::Next {
            continue;
        }
        for &s in &block.succs {
            if !std::mem::replace(&mut seen[s], true) {
                stack.push((s, 0));
            }
        }
    }
    false
}

/// `_, cancel := context.WithCancel(context.Background())`: a context nobody can use, made
/// from a root that is never cancelled, registers with no parent and runs no timer.
fn holds_nothing(file: &GoFile<'_>, binding: &CancelBinding<'_, '_>) -> bool {
    binding
        .targets
        .iter()
        .all(|t| *t == binding.cancel || file.text(*t) == "_")
        && matches!(
            file.calls_package(binding.call, go::CONTEXT_PATHS),
            Some("WithCancel" | "WithCancelCause")
        )
        && binding
            .call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|p| super::missing_defer_cancel::never_cancelled(file, p))
}

/// Whether each iteration waits at least as long as the context's timeout before the next one
/// starts (`for ; ...; <-time.After(d)` or a last `time.Sleep(d)` with the `d` of
/// `context.WithTimeout(parent, d)`): every earlier context has expired by then, which releases
/// it; nothing piles up.
fn waits_out_timeout(
    file: &GoFile<'_>,
    the_loop: Node<'_>,
    binding: &CancelBinding<'_, '_>,
) -> bool {
    let Some(timeout) = binding.context_argument(file, &["WithTimeout", "WithTimeoutCause"], 1)
    else {
        return false;
    };
    let waits = |n: Node<'_>| {
        let call = match n.kind() {
            "unary_expression" if file.text(n).starts_with("<-") => {
                n.child_by_field_name("operand")
            }
            "expression_statement" => n.named_child(0).and_then(|e| match e.kind() {
                "unary_expression" if file.text(e).starts_with("<-") => {
                    e.child_by_field_name("operand")
                }
                _ => Some(e),
            }),
            _ => None,
        };
        call.filter(|c| c.kind() == "call_expression")
            .is_some_and(|c| {
                matches!(file.calls_package(c, &["time"]), Some("After" | "Sleep"))
                    && c.child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                        .is_some_and(|d| file.text(d) == file.text(timeout))
            })
    };
    let update = named_children(the_loop)
        .find(|n| n.kind() == "for_clause")
        .and_then(|c| c.child_by_field_name("update"));
    let last = the_loop
        .child_by_field_name("body")
        .and_then(|b| block_statements(b).last());
    update.is_some_and(waits) || last.is_some_and(waits)
}

/// The statements of a block (inside its `statement_list`), comments left out.
fn block_statements<'t>(block: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    named_children(block)
        .flat_map(|n| {
            let inner: Vec<Node<'t>> = if n.kind() == "statement_list" {
                named_children(n).collect()
            } else {
                vec![n]
            };
            inner
        })
        .filter(|n| n.kind() != "comment")
}

/// The declarations of the variables bound next to the cancel function (`ctx`).
fn context_declarations<'t>(file: &GoFile<'_>, binding: &CancelBinding<'t, '_>) -> Vec<Node<'t>> {
    binding
        .targets
        .iter()
        .filter(|t| **t != binding.cancel && t.kind() == "identifier" && file.text(**t) != "_")
        .filter_map(|t| go::declaration_of(*t, file.source))
        .collect()
}

/// Whether the iteration waits for its context to end, after which nothing is left to
/// release: it receives from `<-ctx.Done()`, or it insists on the expiry — an `if` that fails
/// or leaves unless the call made with the context timed out (`err != context.DeadlineExceeded`,
/// `!errors.Is(err, context.DeadlineExceeded)`, `err == nil` after the call; in tests also
/// `if ready(ctx) { t.Fatal(...) }`: the test expects nothing to happen before the deadline).
fn waits_for_expiry(file: &GoFile<'_>, body: Node<'_>, contexts: &[Node<'_>]) -> bool {
    let test = file.imports.imports_any(&["testing"]);
    let mut found = false;
    walk_tree(body, |n| {
        if found {
            return false;
        }
        found = match n.kind() {
            "unary_expression" => {
                file.text(n).starts_with("<-")
                    && n.child_by_field_name("operand")
                        .and_then(|call| done_receiver(file, call))
                        .and_then(|x| go::declaration_of(x, file.source))
                        .is_some_and(|d| contexts.contains(&d))
            }
            "if_statement" => {
                let condition = n.child_by_field_name("condition");
                let consequence = n.child_by_field_name("consequence");
                match (condition, consequence) {
                    (Some(condition), Some(consequence)) => {
                        (insists_on_deadline(file, condition) && fails(file, consequence, true))
                            || (stops_at_deadline(file, condition) && leaves(consequence))
                            || (test
                                && fails(file, consequence, false)
                                && file.mentions_any(n, contexts)
                                && (is_nil_check(file, condition, "==")
                                    || (condition.kind() == "call_expression"
                                        && file.mentions_any(condition, contexts))))
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        !found
    });
    found
}

/// `err != <pkg>.DeadlineExceeded` (also `status.Code(err) != codes.DeadlineExceeded`) or `!errors.Is(err, <pkg>.DeadlineExceeded)`.
fn insists_on_deadline(file: &GoFile<'_>, condition: Node<'_>) -> bool {
    let is_deadline = |n: Option<Node<'_>>| {
        n.and_then(|n| n.child_by_field_name("field"))
            .is_some_and(|f| file.text(f) == "DeadlineExceeded")
    };
    match condition.kind() {
        "binary_expression" => {
            condition
                .child_by_field_name("operator")
                .is_some_and(|o| file.text(o) == "!=")
                && is_deadline(condition.child_by_field_name("right"))
        }
        "unary_expression" => condition
            .child_by_field_name("operand")
            .filter(|call| call.kind() == "call_expression")
            .filter(|call| {
                call.child_by_field_name("function")
                    .is_some_and(|f| file.text(f) == "errors.Is")
            })
            .and_then(|call| call.child_by_field_name("arguments"))
            .is_some_and(|args| is_deadline(args.named_child(1))),
        _ => false,
    }
}

/// `err == <pkg>.DeadlineExceeded` or `errors.Is(err, <pkg>.DeadlineExceeded)`.
fn stops_at_deadline(file: &GoFile<'_>, condition: Node<'_>) -> bool {
    match condition.kind() {
        "binary_expression" => {
            condition
                .child_by_field_name("operator")
                .is_some_and(|o| file.text(o) == "==")
                && condition
                    .child_by_field_name("right")
                    .and_then(|r| r.child_by_field_name("field"))
                    .is_some_and(|f| file.text(f) == "DeadlineExceeded")
        }
        "call_expression" => {
            condition
                .child_by_field_name("function")
                .is_some_and(|f| file.text(f) == "errors.Is")
                && condition
                    .child_by_field_name("arguments")
                    .and_then(|args| args.named_child(1))
                    .and_then(|a| a.child_by_field_name("field"))
                    .is_some_and(|f| file.text(f) == "DeadlineExceeded")
        }
        _ => false,
    }
}

/// Whether a block ends by leaving the loop: `break` or `return`.
fn leaves(block: Node<'_>) -> bool {
    named_children(block)
        .flat_map(|n| {
            if n.kind() == "statement_list" {
                named_children(n).collect::<Vec<_>>()
            } else {
                vec![n]
            }
        })
        .filter(|n| n.kind() != "comment")
        .last()
        .is_some_and(|n| matches!(n.kind(), "break_statement" | "return_statement"))
}

/// `x <operator> nil`.
fn is_nil_check(file: &GoFile<'_>, condition: Node<'_>, operator: &str) -> bool {
    condition.kind() == "binary_expression"
        && condition
            .child_by_field_name("operator")
            .is_some_and(|o| file.text(o) == operator)
        && condition
            .child_by_field_name("right")
            .is_some_and(|r| r.kind() == "nil")
}

/// Whether a block reports a test failure or panics — or, with `returns`, returns a value.
fn fails(file: &GoFile<'_>, block: Node<'_>, returns: bool) -> bool {
    let mut found = false;
    walk_tree(block, |n| {
        if found || n.kind() == "func_literal" {
            return false;
        }
        found = match n.kind() {
            "return_statement" => returns && n.named_child_count() > 0,
            "call_expression" => n.child_by_field_name("function").is_some_and(|f| {
                let name = match f.kind() {
                    "selector_expression" => f.child_by_field_name("field"),
                    _ => Some(f),
                };
                name.is_some_and(|name| {
                    matches!(
                        file.text(name),
                        "panic" | "Fatal" | "Fatalf" | "Error" | "Errorf" | "FailNow" | "Fail"
                    )
                })
            }),
            _ => false,
        };
        !found
    });
    found
}

/// `x` in the call `x.Done()`.
fn done_receiver<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<Node<'t>> {
    let function = call.child_by_field_name("function")?;
    let operand = function.child_by_field_name("operand")?;
    (call.kind() == "call_expression"
        && function.kind() == "selector_expression"
        && function
            .child_by_field_name("field")
            .is_some_and(|f| file.text(f) == "Done")
        && operand.kind() == "identifier")
        .then_some(operand)
}

/// Whether the context, or a value made from it, outlives the iteration: stored in a variable
/// declared outside the loop body, an element or a field; sent on a channel; captured by a `go`
/// statement. A value made from it is one that carries it (see [`carries`]): `stream, err :=
/// client.Watch(ctx)`, `req.Clone(ctx)`, `&job{ctx: ctx}`, transitively; error values are not
/// counted.
fn escapes_iteration(
    file: &GoFile<'_>,
    body: Node<'_>,
    contexts: &[Node<'_>],
    cancel: Node<'_>,
) -> bool {
    let mut derived: Vec<Node<'_>> = contexts.to_vec();
    let mut escaped = false;
    walk_tree(body, |n| {
        if escaped {
            return false;
        }
        match n.kind() {
            // A goroutine that calls the cancel function itself ends the context when it is
            // done: the loop does not keep it alive for it.
            "go_statement" => {
                escaped = file.mentions_any(n, &derived) && !file.mentions_any(n, &[cancel]);
            }
            "send_statement" => {
                escaped = n
                    .child_by_field_name("value")
                    .is_some_and(|v| carries(file, v, &derived));
            }
            "short_var_declaration" | "assignment_statement" => {
                let (Some(left), Some(right)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return true;
                };
                let values: Vec<Node<'_>> = named_children(right).collect();
                for (i, target) in named_children(left).enumerate() {
                    // `a, b := f(ctx)` gives both results of the call; `a, b := x, y` pairs.
                    let value = if values.len() == 1 {
                        values.first()
                    } else {
                        values.get(i)
                    };
                    if !value.is_some_and(|v| carries(file, *v, &derived)) {
                        continue;
                    }
                    let name = file.text(target);
                    if name == "_" || name == "err" || name.ends_with("Err") {
                        continue;
                    }
                    let declaration = (target.kind() == "identifier")
                        .then(|| go::declaration_of(target, file.source))
                        .flatten();
                    match declaration {
                        Some(d) if contains(body, d) => derived.push(d),
                        _ => escaped = true,
                    }
                }
            }
            _ => {}
        }
        !escaped
    });
    escaped
}

/// Whether the value of `expression` may hold on to one of `derived`: the variable itself,
/// its address, a selector on it (`proc.Resize` may be a method value), a call that takes it
/// as an argument (`f(ctx)`, `append(s, v)`), or a composite literal with it as an element.
/// Deeper reads (`string(resp.Items[0].Name)`) are data taken from it, not the value itself.
fn carries(file: &GoFile<'_>, expression: Node<'_>, derived: &[Node<'_>]) -> bool {
    match expression.kind() {
        "identifier" => {
            go::declaration_of(expression, file.source).is_some_and(|d| derived.contains(&d))
        }
        "parenthesized_expression" => named_children(expression).any(|e| carries(file, e, derived)),
        // `proc.Resize` may be a method value bound to it; `resp.Items[0].Name` is data.
        "selector_expression" => expression
            .child_by_field_name("operand")
            .is_some_and(|o| o.kind() == "identifier" && carries(file, o, derived)),
        "unary_expression" => {
            file.text(expression).starts_with('&')
                && expression
                    .child_by_field_name("operand")
                    .is_some_and(|o| carries(file, o, derived))
        }
        "call_expression" => expression
            .child_by_field_name("arguments")
            .is_some_and(|args| named_children(args).any(|a| carries(file, a, derived))),
        "composite_literal" => expression.child_by_field_name("body").is_some_and(|body| {
            let mut found = false;
            walk_tree(body, |n| {
                if found {
                    return false;
                }
                if matches!(n.kind(), "literal_element" | "keyed_element") {
                    found = named_children(n).any(|e| carries(file, e, derived));
                }
                !found
            });
            found
        }),
        // Elements of a composite literal's body.
        "literal_value" | "literal_element" => {
            named_children(expression).any(|e| carries(file, e, derived))
        }
        _ => false,
    }
}

/// The largest fixed bound of a test loop that is not worth a warning.
const FEW: u64 = 100;

/// A test loop over a short collection the test spells out, or counted to a fixed bound of at
/// most a hundred: its deferred calls pile up a fixed, small number of times and are all
/// released when the test function returns.
fn few_iterations(file: &GoFile<'_>, the_loop: Node<'_>) -> bool {
    let Some(clause) =
        named_children(the_loop).find(|n| n.kind() != "block" && n.kind() != "comment")
    else {
        return false;
    };
    let small = |n: Node<'_>| constant_value(file, n).is_some_and(|v| v <= FEW);
    match clause.kind() {
        "range_clause" => clause
            .child_by_field_name("right")
            .is_some_and(|right| small(right) || few_elements(file, right)),
        "for_clause" => clause
            .child_by_field_name("condition")
            .filter(|c| c.kind() == "binary_expression")
            .is_some_and(|c| {
                matches!(
                    c.child_by_field_name("operator").map(|o| file.text(o)),
                    Some("<" | "<=")
                ) && c.child_by_field_name("right").is_some_and(small)
            }),
        _ => false,
    }
}

/// Whether `expression` is a short collection a test spells out: a composite literal, a local
/// variable initialised with one (a table of cases) or with `make(T, n)` for a small constant
/// `n`, or a field of an element of such a table (`tc.want` in `for _, tc := range cases`).
fn few_elements(file: &GoFile<'_>, expression: Node<'_>) -> bool {
    match expression.kind() {
        "composite_literal" => true,
        "call_expression" => {
            expression
                .child_by_field_name("function")
                .is_some_and(|f| file.text(f) == "make")
                && expression
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(1))
                    .and_then(|n| constant_value(file, n))
                    .is_some_and(|n| n <= FEW)
        }
        "identifier" => go::declaration_of(expression, file.source)
            .and_then(initial_value)
            .is_some_and(|value| value.kind() != "identifier" && few_elements(file, value)),
        // A field of the element of a table: `tc.want` with `tc` from `range cases`.
        "selector_expression" => expression
            .child_by_field_name("operand")
            .filter(|o| o.kind() == "identifier")
            .and_then(|o| go::declaration_of(o, file.source))
            .and_then(|d| ancestors(d).find(|a| a.kind() == "range_clause"))
            .and_then(|clause| clause.child_by_field_name("right"))
            .is_some_and(|table| {
                table.kind() != "selector_expression" && few_elements(file, table)
            }),
        _ => false,
    }
}

/// The value a declaring identifier is initialised with (`x := v`, `var x = v`), when it is
/// paired with one value.
fn initial_value(declaration: Node<'_>) -> Option<Node<'_>> {
    let parent = declaration.parent()?;
    let (names, values): (Vec<Node<'_>>, Node<'_>) = match parent.kind() {
        "expression_list" => {
            let statement = parent.parent()?;
            if statement.kind() != "short_var_declaration" {
                return None;
            }
            (
                named_children(parent).collect(),
                statement.child_by_field_name("right")?,
            )
        }
        "var_spec" => {
            let mut cursor = parent.walk();
            (
                parent.children_by_field_name("name", &mut cursor).collect(),
                parent.child_by_field_name("value")?,
            )
        }
        _ => return None,
    };
    let index = names.iter().position(|n| *n == declaration)?;
    (values.named_child_count() == names.len())
        .then(|| values.named_child(index))
        .flatten()
}

/// Whether a statement of the file assigns `name` (`name = ...`, `name++`, `name += ...`).
fn assigned_in_file(file: &GoFile<'_>, name: &str) -> bool {
    let mut found = false;
    walk_tree(file.tree.root_node(), |n| {
        if found {
            return false;
        }
        let left = match n.kind() {
            "assignment_statement" => n.child_by_field_name("left"),
            "inc_statement" | "dec_statement" => n.named_child(0),
            _ => None,
        };
        if let Some(left) = left {
            found = std::iter::once(left)
                .chain(named_children(left))
                .any(|t| t.kind() == "identifier" && file.text(t) == name);
        }
        !found
    });
    found
}

/// The value of an integer literal, or of the constant the name refers to when it is declared
/// with one (in a function around it, or at the top level of this file), or of a package-level
/// variable of this file declared with one and never assigned. A constant of another function
/// is not in scope: it bounds nothing here (and partial parsing may leave it out).
fn constant_value(file: &GoFile<'_>, node: Node<'_>) -> Option<u64> {
    match node.kind() {
        "int_literal" => file.text(node).replace('_', "").parse().ok(),
        "parenthesized_expression" => node.named_child(0).and_then(|n| constant_value(file, n)),
        "binary_expression" => {
            let left = constant_value(file, node.child_by_field_name("left")?)?;
            let right = constant_value(file, node.child_by_field_name("right")?)?;
            match file.text(node.child_by_field_name("operator")?) {
                "+" => left.checked_add(right),
                "-" => left.checked_sub(right),
                "*" => left.checked_mul(right),
                _ => None,
            }
        }
        "identifier" => {
            let name = file.text(node);
            let spec = match go::declaration_of(node, file.source) {
                // Declared in a function: only a constant counts.
                Some(declaring) => declaring.parent().filter(|s| s.kind() == "const_spec")?,
                None => top_level_spec(file, name)?,
            };
            let mut cursor = spec.walk();
            let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut cursor).collect();
            let i = names.iter().position(|x| file.text(*x) == name)?;
            spec.child_by_field_name("value")?
                .named_child(i)
                .filter(|v| v.kind() == "int_literal")
                .and_then(|v| file.text(v).replace('_', "").parse().ok())
        }
        _ => None,
    }
}

/// The top-level `const` spec that declares `name` in the file, or the top-level `var` spec
/// that does when no statement of the file assigns it.
fn top_level_spec<'t>(file: &GoFile<'t>, name: &str) -> Option<Node<'t>> {
    let declares = |spec: &Node<'_>| {
        let mut cursor = spec.walk();
        let found = spec
            .children_by_field_name("name", &mut cursor)
            .any(|n| file.text(n) == name);
        found
    };
    let specs = named_children(file.tree.root_node()).flat_map(|declaration| {
        named_children(declaration)
            .flat_map(|s| match s.kind() {
                "var_spec_list" => named_children(s).collect::<Vec<_>>(),
                _ => vec![s],
            })
            .filter(|s| matches!(s.kind(), "const_spec" | "var_spec"))
    });
    let spec = specs.into_iter().find(|s| declares(s))?;
    (spec.kind() == "const_spec" || !assigned_in_file(file, name)).then_some(spec)
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
