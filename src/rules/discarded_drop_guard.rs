//! `discarded-drop-guard`: `token.drop_guard()` is dropped on the spot, which cancels the
//! token at once.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lang::rust::{self, RustFile};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "discarded-drop-guard",
    title: "the drop guard of a cancellation token is dropped at once",
    language: Language::Rust,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: &[&[Needle::Text("drop_guard")]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/discarded-drop-guard.md"),
    check: Check::Rust(check),
};

const METHODS: &[&str] = &["drop_guard", "drop_guard_ref"];

/// How the guard is thrown away.
enum Discard<'t> {
    /// `token.drop_guard();`
    Statement,
    /// `let _ = ...;` or `_ = ...;`: the `_` (or `_ =`) to replace
    Blank { blank: Node<'t>, assignment: bool },
}

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for &call in &file.calls {
        if let Some((method, discard)) = discarded_guard(file, call) {
            out.push(diagnostic(file, call, method, discard));
        }
    }
}

/// `x.drop_guard()` (no arguments) whose value is thrown away.
fn discarded_guard<'t>(file: &RustFile<'_>, call: Node<'t>) -> Option<(&'static str, Discard<'t>)> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "field_expression" {
        return None;
    }
    let field = file.text(function.child_by_field_name("field")?);
    let method = METHODS.iter().copied().find(|m| *m == field)?;
    let receiver = function.child_by_field_name("value")?;
    let arguments = call.child_by_field_name("arguments")?;
    if named_children(arguments).any(|a| !matches!(a.kind(), "line_comment" | "block_comment")) {
        return None;
    }
    // Decided by the receiver: only a token as far as the file shows it (bound from
    // `CancellationToken::new()`, a parameter or field typed so, `.clone()`/`.child_token()`
    // of one); other types have `drop_guard` methods of their own.
    if !file.type_of(receiver).is_some_and(|t| t.is_token()) {
        return None;
    }
    let parent = call.parent()?;
    let discard = match parent.kind() {
        "expression_statement" => Discard::Statement,
        "let_declaration" => {
            let pattern = parent.child_by_field_name("pattern")?;
            if file.text(pattern) != "_" || parent.child_by_field_name("value") != Some(call) {
                return None;
            }
            Discard::Blank {
                blank: pattern,
                assignment: false,
            }
        }
        "assignment_expression" => {
            let left = parent.child_by_field_name("left")?;
            if file.text(left) != "_"
                || parent.child_by_field_name("right") != Some(call)
                || parent.parent()?.kind() != "expression_statement"
            {
                return None;
            }
            Discard::Blank {
                blank: left,
                assignment: true,
            }
        }
        _ => return None,
    };
    let statement = match parent.kind() {
        "assignment_expression" => parent.parent()?,
        _ => parent,
    };
    if ends_its_block(statement) {
        // Nothing runs between the statement and the end of the scope: dropping the guard at
        // once cancels the token just when a bound guard would, like `cancel()`.
        return None;
    }
    Some((method, discard))
}

/// Whether a statement is the last thing its block runs: no statement or tail expression
/// (comments aside) follows it.
fn ends_its_block(statement: Node<'_>) -> bool {
    statement.parent().is_some_and(|p| p.kind() == "block")
        && std::iter::successors(statement.next_named_sibling(), |n| n.next_named_sibling())
            .all(|n| matches!(n.kind(), "line_comment" | "block_comment"))
}

fn diagnostic(
    file: &RustFile<'_>,
    call: Node<'_>,
    method: &str,
    discard: Discard<'_>,
) -> Diagnostic {
    let scope = rust::enclosing_function(call).unwrap_or(file.tree.root_node());
    let name = crate::lang::free_name(scope, "_guard", file.source, 0);
    let receiver = call
        .child_by_field_name("function")
        .and_then(|f| f.child_by_field_name("value"))
        .map_or("token", |r| file.text(r));
    let edit = match discard {
        Discard::Statement => Edit {
            span: Span::empty(call.start_byte()),
            new_text: format!("let {name} = "),
        },
        Discard::Blank { blank, assignment } => Edit {
            span: Span::of(blank),
            new_text: if assignment {
                format!("let {name}")
            } else {
                name.clone()
            },
        },
    };
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "the guard returned by `{method}()` is dropped at once, which cancels the token \
             immediately"
        ),
        span: Span::of(call),
        labels: Vec::new(),
        help: format!(
            "bind the guard for as long as the token must stay uncancelled: \
             `let {name} = {receiver}.{method}();`"
        ),
        fix: Some(Fix {
            applicability: Applicability::Safe,
            message: format!("bind the guard to `{name}`"),
            edits: vec![edit],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_bind_the_guard_in_every_form() {
        let src = "fn f(a: CancellationToken, b: CancellationToken, c: CancellationToken) {\n    \
                   a.drop_guard();\n    let _ = b.clone().drop_guard();\n    _ = c.drop_guard_ref();\n    work();\n}\n\
                   fn g(t: CancellationToken, _guard: u8) {\n    t.drop_guard();\n    work();\n}\n";
        let fixed = super::super::tests::apply_fixes(Language::Rust, &RULE, src);
        assert_eq!(
            fixed,
            "fn f(a: CancellationToken, b: CancellationToken, c: CancellationToken) {\n    \
             let _guard = a.drop_guard();\n    let _guard = b.clone().drop_guard();\n    \
             let _guard = c.drop_guard_ref();\n    work();\n}\n\
             fn g(t: CancellationToken, _guard: u8) {\n    let _guard2 = t.drop_guard();\n    work();\n}\n"
        );
        assert_eq!(
            super::super::tests::apply_fixes(Language::Rust, &RULE, &fixed),
            fixed
        );
    }
}
