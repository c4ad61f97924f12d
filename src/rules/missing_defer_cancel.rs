//! `missing-defer-cancel`: a cancel function bound to a local variable is not used on every
//! path from its definition to the end of the function (go vet's lostcancel, from syntax).
//!
//! Each function and func literal is analysed on its own over its control-flow graph
//! ([`crate::lang::go::cfg`]): starting right after the definition, a depth-first search looks for a
//! path that reaches a `return` or the closing brace, an assignment that overwrites the
//! variable, or the definition itself again (a loop or a `goto` back), without passing a use.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity, Span};
use crate::lang::go::cfg::{Cfg, End};
use crate::lang::go::{self, CancelBinding, GoFile};
use crate::lang::{ancestors, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "missing-defer-cancel",
    title: "a cancel function is not called on every path",
    language: Language::Go,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: super::GO_CANCEL_NEEDLES,
    doc: include_str!("../../rules/missing-defer-cancel.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    walk_tree(file.tree.root_node(), |node| {
        if go::FUNCTION_KINDS.contains(&node.kind()) {
            check_function(file, node, out);
        }
        true
    });
}

fn check_function(file: &GoFile<'_>, function: Node<'_>, out: &mut Vec<Diagnostic>) {
    // Returning from main.main ends the process: nothing leaks.
    if file.package == "main"
        && function.kind() == "function_declaration"
        && go::function_name(function, file.source) == Some("main")
    {
        return;
    }
    let Some(body) = function.child_by_field_name("body") else {
        return;
    };
    let bindings = bindings_in(file, body);
    if bindings.is_empty() {
        return;
    }
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let Some(cfg) = Cfg::build(function, file.source, &never_returns) else {
        return;
    };
    for binding in bindings {
        // Variables declared outside this function (package level, or captured from an
        // enclosing function) are someone else's to cancel.
        let Some(declaration) = go::declaration_of(binding.cancel, file.source) else {
            continue;
        };
        // (Parameters and named results are inside the function node too.)
        if go::enclosing_functions(declaration).next() != Some(function) {
            continue;
        }
        if let Some(leak) = find_leak(file, function, &cfg, &binding, declaration) {
            out.push(diagnostic(file, function, &binding, declaration, leak));
        }
    }
}

/// The cancel bindings of a body, not looking inside nested func literals.
fn bindings_in<'t, 'a>(file: &GoFile<'a>, body: Node<'t>) -> Vec<CancelBinding<'t, 'a>> {
    let mut found = Vec::new();
    walk_tree(body, |node| {
        if let Some(binding) = file.cancel_binding(node) {
            found.push(binding);
        }
        node.kind() != "func_literal"
    });
    found
}

/// Where a path loses the cancel function.
enum Leak<'t> {
    /// A `return` statement.
    Return(Node<'t>),
    /// Control falls off the end of the function body.
    FallsOff(Node<'t>),
    /// An assignment that overwrites the variable.
    Overwrite(Node<'t>),
    /// The definition runs again after a `goto` back or a `continue`.
    Again(Node<'t>),
    /// The definition runs again in the next iteration of its loop (the loop, if found).
    NextIteration(Option<Node<'t>>),
}

/// What one node of the graph does to the variable.
#[derive(PartialEq)]
enum Event {
    Use,
    Overwrite,
}

fn find_leak<'t>(
    file: &GoFile<'_>,
    function: Node<'t>,
    cfg: &Cfg<'t>,
    binding: &CancelBinding<'t, '_>,
    declaration: Node<'t>,
) -> Option<Leak<'t>> {
    let references = go::references(function, declaration, file.source);
    let named_result = function
        .child_by_field_name("result")
        .is_some_and(|r| contains(r, declaration));
    let event = |node: Node<'t>| -> Option<Event> {
        if named_result && node.kind() == "return_statement" && node.named_child_count() == 0 {
            return Some(Event::Use);
        }
        let inside =
            |r: &Node<'t>| node.start_byte() <= r.start_byte() && r.end_byte() <= node.end_byte();
        let mut overwritten = false;
        for reference in references.iter().filter(|r| inside(r)) {
            if *reference == binding.cancel || is_assigned(*reference, node) {
                overwritten = true;
            } else {
                return Some(Event::Use);
            }
        }
        overwritten.then_some(Event::Overwrite)
    };
    let (start, index) = cfg.locate(binding.statement)?;
    let mut seen = vec![false; cfg.blocks.len()];
    // (block, first node to look at, the block we came from)
    let mut stack: Vec<(usize, usize, Option<usize>)> = vec![(start, index + 1, None)];
    while let Some((b, from, came_from)) = stack.pop() {
        let block = &cfg.blocks[b];
        let mut stop = false;
        for &node in block.nodes.iter().skip(from) {
            match event(node) {
                Some(Event::Use) => {
                    stop = true;
                    break;
                }
                Some(Event::Overwrite) => {
                    let contains_definition = node.start_byte() <= binding.statement.start_byte()
                        && binding.statement.end_byte() <= node.end_byte();
                    if !contains_definition {
                        return Some(Leak::Overwrite(node));
                    }
                    let jump = came_from
                        .and_then(|p| cfg.blocks[p].nodes.last().copied())
                        .filter(|n| matches!(n.kind(), "goto_statement" | "continue_statement"));
                    return Some(match jump {
                        Some(jump) => Leak::Again(jump),
                        None => Leak::NextIteration(enclosing_loop(binding.statement, function)),
                    });
                }
                None => {}
            }
        }
        if stop {
            continue;
        }
        match block.end {
            End::Return(r) => return Some(Leak::Return(r)),
            End::Exit(body) => return Some(Leak::FallsOff(body)),
            End::NoReturn(_) => continue,
            End::Next => {}
        }
        // Depth-first in source order: push the successors reversed.
        for &s in block.succs.iter().rev() {
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0, Some(b)));
            }
        }
    }
    None
}

/// Whether `reference` is a target of a plain assignment (`=`, or `:=` re-using it) made by
/// `node` itself, not inside a func literal of it.
fn is_assigned(reference: Node<'_>, node: Node<'_>) -> bool {
    let Some(list) = reference.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    let Some(statement) = list.parent() else {
        return false;
    };
    if statement.child_by_field_name("left") != Some(list) {
        return false;
    }
    let plain = match statement.kind() {
        "short_var_declaration" => true,
        "assignment_statement" => statement
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "="),
        _ => false,
    };
    plain
        && !ancestors(reference)
            .take_while(|a| *a != node)
            .any(|a| a.kind() == "func_literal")
}

fn diagnostic(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    declaration: Node<'_>,
    leak: Leak<'_>,
) -> Diagnostic {
    let name = file.text(binding.cancel);
    let callee = binding.callee;
    let lost = |span| {
        (
            format!(
                "`{name}` is not called on every path, so the context from `{callee}` can leak"
            ),
            Label {
                span,
                message: format!("this return is reached without calling {name}"),
            },
        )
    };
    let (message, label) = match leak {
        Leak::Return(node) => lost(Span::of(node)),
        Leak::FallsOff(body) => lost(closing_brace(body)),
        Leak::Overwrite(node) => (
            format!(
                "`{name}` is overwritten before it is called, so the context from `{callee}` \
                 leaks"
            ),
            Label {
                span: Span::of(node),
                message: format!("{name} is overwritten here before it is called"),
            },
        ),
        Leak::NextIteration(the_loop) => (
            format!(
                "`{name}` is defined again by the next iteration before it is called, so every \
                 earlier context from `{callee}` leaks"
            ),
            Label {
                span: the_loop
                    .and_then(|l| l.child_by_field_name("body"))
                    .map_or(Span::of(binding.statement), closing_brace),
                message: format!("the loop goes around again without calling {name}"),
            },
        ),
        Leak::Again(node) => (
            format!(
                "`{name}` is defined again before it is called, so every earlier context from \
                 `{callee}` leaks"
            ),
            Label {
                span: Span::of(node),
                message: format!("control comes back to the definition without calling {name}"),
            },
        ),
    };
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message,
        span: Span::of(binding.cancel),
        labels: vec![label],
        help: if enclosing_loop(binding.statement, function).is_some() {
            // A defer in a loop waits for the function: see defer-cancel-in-loop.
            format!(
                "call `{name}()` on every path through the loop body, or move the body into a \
                 func literal with `defer {name}()`"
            )
        } else {
            format!("add `defer {name}()` right after this line")
        },
        fix: fix(file, function, binding, declaration),
    }
}

/// `defer <name>()` after the defining statement: safe unless the context or the cancel
/// function escapes (a named result escapes through every return); none where no statement
/// can follow or where the defer would sit in a loop.
fn fix(
    file: &GoFile<'_>,
    function: Node<'_>,
    binding: &CancelBinding<'_, '_>,
    declaration: Node<'_>,
) -> Option<Fix> {
    let statement = go::enclosing_statement(binding.statement)?;
    if enclosing_loop(statement, function).is_some() {
        return None;
    }
    let body = function.child_by_field_name("body")?;
    let name = file.text(binding.cancel);
    let named_result = function
        .child_by_field_name("result")
        .is_some_and(|r| contains(r, declaration));
    let escapes = named_result || go::any_escapes(body, &binding.targets, file.source);
    Some(Fix {
        applicability: if escapes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: format!("add `defer {name}()` after the definition"),
        edits: vec![go::insert_defer_after(statement, name, file.source)],
    })
}

/// The last byte of a block: its `}`.
fn closing_brace(block: Node<'_>) -> Span {
    Span::new(block.end_byte().saturating_sub(1), block.end_byte())
}

/// The innermost `for` around `node` within `function`.
fn enclosing_loop<'t>(node: Node<'t>, function: Node<'t>) -> Option<Node<'t>> {
    ancestors(node)
        .take_while(|a| *a != function)
        .find(|a| a.kind() == "for_statement")
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

#[cfg(test)]
mod tests {
    use crate::lang::Language;
    use crate::LintSettings;

    fn lint(src: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let settings = LintSettings::only(&[&super::RULE]);
        crate::lint_file(Language::Go, src, None, &settings).unwrap()
    }

    #[test]
    fn deep_nesting_is_skipped_not_overflowed() {
        let depth = 5000;
        let src = format!(
            "package p\nimport \"context\"\nfunc f(p context.Context) {{\n_, cancel := \
             context.WithCancel(p)\n{}\n{}\n}}\n",
            "if x {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        assert!(lint(&src).is_empty());
    }

    #[test]
    fn the_fix_inserts_a_defer_and_is_unsafe_when_the_context_escapes() {
        let src = "package p\nimport \"context\"\nfunc f(p context.Context) {\n\tctx, cancel := \
                   context.WithCancel(p)\n\t_ = ctx\n}\nfunc g(p context.Context) context.Context \
                   {\n\tctx, cancel := context.WithCancel(p)\n\treturn ctx\n}\n";
        let found = lint(src);
        assert_eq!(found.len(), 2);
        let safe = found[0].fix.as_ref().unwrap();
        assert_eq!(safe.applicability, crate::diagnostic::Applicability::Safe);
        assert_eq!(safe.edits[0].new_text, "\n\tdefer cancel()");
        let unsafe_fix = found[1].fix.as_ref().unwrap();
        assert_eq!(
            unsafe_fix.applicability,
            crate::diagnostic::Applicability::Unsafe
        );
    }
}
