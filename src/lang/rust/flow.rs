//! The exits of a block for flow purposes (`?`, `return`, `bail!`, `break`, falling off the
//! end) and a small syntactic "is this exit preceded by X on every path" check.

use tree_sitter::Node;

use super::{
    ancestors, macro_name, normalize, reaches, walk_own_body, ITEM_KINDS, NO_RETURN_MACROS,
    OWNER_KINDS, RETURN_MACROS,
};
use crate::lang::{named_children, text};

/// How a path leaves a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// `expr?`
    Try,
    /// `return`
    Return,
    /// `bail!(...)`
    Bail,
    /// `break`/`continue` out of the block
    Break,
    /// falling off the end of the block
    End,
}

/// One way out of a block: the node and the span to point at.
#[derive(Debug, Clone, Copy)]
pub struct Exit<'t> {
    pub kind: ExitKind,
    pub node: Node<'t>,
}

/// Every exit out of `block` that starts after byte `after`, in document order, including
/// falling off its end when that is reachable. Exits inside closures, async blocks and
/// nested items leave those, not the block, and are skipped; a `break`/`continue` inside a
/// loop nested in the block stays in the block.
pub fn exits<'t>(block: Node<'t>, after: usize, source: &str) -> Vec<Exit<'t>> {
    let mut found = Vec::new();
    walk_own_body(block, |node| {
        if node.end_byte() <= after {
            return;
        }
        let kind = match node.kind() {
            "try_expression" => ExitKind::Try,
            "return_expression" => ExitKind::Return,
            "macro_invocation"
                if macro_name(node, source).is_some_and(|m| RETURN_MACROS.contains(&m)) =>
            {
                ExitKind::Bail
            }
            "break_expression" | "continue_expression" if !inside_loop(node, block) => {
                ExitKind::Break
            }
            _ => return,
        };
        let exit = Exit { kind, node };
        if node == block
            || !reaches(node, block)
            || owner_within(node, block)
            || exit_span(exit).start < after
        {
            return;
        }
        found.push(exit);
    });
    let statements: Vec<Node<'t>> = named_children(block)
        .filter(|s| s.end_byte() > after && !is_comment(*s))
        .collect();
    if !statements.iter().any(|s| diverges(*s, source)) {
        found.push(Exit {
            kind: ExitKind::End,
            node: block,
        });
    }
    found
}

fn is_comment(node: Node<'_>) -> bool {
    matches!(node.kind(), "line_comment" | "block_comment")
}

/// Whether a closure, async block or item lies between `node` and `block`.
fn owner_within(node: Node<'_>, block: Node<'_>) -> bool {
    ancestors(node)
        .take_while(|a| *a != block)
        .any(|a| OWNER_KINDS.contains(&a.kind()) || ITEM_KINDS.contains(&a.kind()))
}

/// Whether a `break`/`continue` targets a loop nested inside `block` (labelled breaks are
/// assumed to target the innermost loop too).
fn inside_loop(node: Node<'_>, block: Node<'_>) -> bool {
    ancestors(node).take_while(|a| *a != block).any(|a| {
        matches!(
            a.kind(),
            "loop_expression" | "while_expression" | "for_expression"
        )
    })
}

/// Whether evaluating a statement or expression never completes normally: `return`,
/// `break`, `continue`, `panic!` & co., `bail!`, `std::process::exit`, an `if`/`match`
/// whose every branch diverges, a `loop` without `break`. Deep nesting gives up (false).
pub fn diverges(node: Node<'_>, source: &str) -> bool {
    diverges_at(node, source, 0)
}

const MAX_DEPTH: usize = 64;

fn diverges_at(node: Node<'_>, source: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let deeper = |n: Node<'_>| diverges_at(n, source, depth + 1);
    match node.kind() {
        "return_expression" | "break_expression" | "continue_expression" => true,
        "macro_invocation" => macro_name(node, source)
            .is_some_and(|m| NO_RETURN_MACROS.contains(&m) || RETURN_MACROS.contains(&m)),
        "call_expression" => node.child_by_field_name("function").is_some_and(|f| {
            let f = normalize(text(f, source));
            f == "std::process::exit" || f == "process::exit"
        }),
        "expression_statement" | "parenthesized_expression" => {
            named_children(node).next().is_some_and(deeper)
        }
        "block" => named_children(node).any(deeper),
        "if_expression" => {
            let consequence = node.child_by_field_name("consequence");
            let alternative = node
                .child_by_field_name("alternative")
                .and_then(|e| named_children(e).next());
            match (consequence, alternative) {
                (Some(c), Some(a)) => deeper(c) && deeper(a),
                _ => false,
            }
        }
        "match_expression" => {
            let arms = match_arms(node);
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| a.child_by_field_name("value").is_some_and(deeper))
        }
        "loop_expression" => {
            let mut has_break = false;
            if let Some(body) = node.child_by_field_name("body") {
                walk_own_body(body, |n| {
                    if n.kind() == "break_expression" && !inside_loop(n, body) {
                        has_break = true;
                    }
                });
            }
            !has_break
        }
        _ => false,
    }
}

/// Whether evaluating `node` to completion certainly does what `event` recognises (for
/// example cancelling a token): `event` holds for the node itself or for a part that always
/// runs; a block does it in some statement; an `if`/`match` does it (or diverges) in every
/// branch. Closures and async blocks are not run. Deep nesting gives up (true: no finding).
pub fn always_does(node: Node<'_>, source: &str, event: &dyn Fn(Node<'_>) -> bool) -> bool {
    always_does_at(node, source, event, 0)
}

fn always_does_at(
    node: Node<'_>,
    source: &str,
    event: &dyn Fn(Node<'_>) -> bool,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    if event(node) {
        return true;
    }
    let deeper = |n: Node<'_>| always_does_at(n, source, event, depth + 1);
    let branch = |n: Node<'_>| deeper(n) || diverges(n, source);
    match node.kind() {
        "block" => {
            for statement in named_children(node) {
                if deeper(statement) {
                    return true;
                }
                if diverges(statement, source) {
                    // The rest never runs; the block does not complete.
                    return true;
                }
            }
            false
        }
        "if_expression" => {
            if node.child_by_field_name("condition").is_some_and(deeper) {
                return true;
            }
            let consequence = node.child_by_field_name("consequence");
            let alternative = node
                .child_by_field_name("alternative")
                .and_then(|e| named_children(e).next());
            match (consequence, alternative) {
                (Some(c), Some(a)) => branch(c) && branch(a),
                _ => false,
            }
        }
        "match_expression" => {
            if node.child_by_field_name("value").is_some_and(deeper) {
                return true;
            }
            let arms = match_arms(node);
            !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| a.child_by_field_name("value").is_some_and(branch))
        }
        "let_declaration" | "let_condition" => {
            node.child_by_field_name("value").is_some_and(deeper)
        }
        // Only the first condition of a chain always runs.
        "let_chain" => named_children(node).next().is_some_and(deeper),
        "call_expression" => {
            node.child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("value"))
                .is_some_and(deeper)
                || node
                    .child_by_field_name("arguments")
                    .is_some_and(|a| named_children(a).any(deeper))
        }
        "expression_statement"
        | "parenthesized_expression"
        | "await_expression"
        | "try_expression"
        | "reference_expression"
        | "assignment_expression"
        | "field_expression" => named_children(node).any(deeper),
        _ => false,
    }
}

/// Whether some statement that always runs before `exit` (after byte `after`, within
/// `scope`) always does `event`: walks up from the exit to `scope`, looking at the earlier
/// statements of every enclosing block.
pub fn preceded_by(
    exit: Exit<'_>,
    scope: Node<'_>,
    after: usize,
    source: &str,
    event: &dyn Fn(Node<'_>) -> bool,
) -> bool {
    let earlier = |block: Node<'_>, before: usize| {
        named_children(block)
            .filter(|s| s.start_byte() >= after && s.end_byte() <= before)
            .any(|s| always_does(s, source, event))
    };
    if exit.kind == ExitKind::End {
        return earlier(scope, scope.end_byte());
    }
    // `h.await?`: the operand of `?` runs before the exit.
    if exit.kind == ExitKind::Try
        && named_children(exit.node)
            .next()
            .is_some_and(|operand| always_does(operand, source, event))
    {
        return true;
    }
    if !reaches(exit.node, scope) {
        return true;
    }
    let mut node = exit.node;
    while let Some(parent) = node.parent() {
        if parent.kind() == "block" && earlier(parent, node.start_byte()) {
            return true;
        }
        if parent == scope {
            break;
        }
        node = parent;
    }
    false
}

/// The point to show for an exit: the `?`, the `return`/`bail!`/`break`, or the closing `}`.
pub fn exit_span(exit: Exit<'_>) -> crate::diagnostic::Span {
    use crate::diagnostic::Span;
    match exit.kind {
        ExitKind::Try => {
            let end = exit.node.end_byte();
            Span::new(end.saturating_sub(1), end)
        }
        ExitKind::End => {
            let end = exit.node.end_byte();
            Span::new(end.saturating_sub(1), end)
        }
        ExitKind::Return | ExitKind::Break => {
            let start = exit.node.start_byte();
            let keyword = exit
                .node
                .child(0)
                .map_or(exit.node.end_byte(), |k| k.end_byte());
            Span::new(start, keyword)
        }
        ExitKind::Bail => Span::of(exit.node),
    }
}

/// The arms of a `match` expression.
fn match_arms(node: Node<'_>) -> Vec<Node<'_>> {
    node.child_by_field_name("body")
        .map(|b| {
            named_children(b)
                .filter(|a| a.kind() == "match_arm")
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Language};

    fn body(src: &str, f: impl FnOnce(Node<'_>)) {
        let tree = parse(Language::Rust, src).unwrap();
        crate::lang::with_root(&tree, || {
            let function = named_children(tree.root_node()).next().unwrap();
            f(function.child_by_field_name("body").unwrap());
        });
    }

    #[test]
    fn exits_skip_closures_and_inner_loops() {
        let src = "fn f() {\n    let t = 1;\n    a()?;\n    let c = || b()?;\n    for x in y { break; }\n    if z { return; }\n}\n";
        body(src, |body| {
            let after = src.find("let t").unwrap();
            let kinds: Vec<_> = exits(body, after, src).iter().map(|e| e.kind).collect();
            assert_eq!(kinds, [ExitKind::Try, ExitKind::Return, ExitKind::End]);
        });
    }

    #[test]
    fn a_diverging_tail_has_no_end_exit() {
        let src = "fn f() {\n    let t = 1;\n    loop { x(); }\n}\n";
        body(src, |body| {
            assert!(exits(body, src.find("let t").unwrap(), src).is_empty());
        });
    }
}
