//! `missing-drop-guard`: a local token is handed to spawned work, but some exit of the
//! function is reached without cancelling it, so the work outlives its owner.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity, Span};
use crate::lang::rust::{self, RustFile};
use crate::lang::rust::{ancestors, method_call};
use crate::lang::{walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "missing-drop-guard",
    title: "a token handed to spawned work is not cancelled on every exit",
    language: Language::Rust,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: &[&[
        Needle::Text("CancellationToken"),
        Needle::Text("child_token"),
    ]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/missing-drop-guard.md"),
    check: Check::Rust(check),
};

/// Methods that cancel the token (a drop guard cancels it when dropped, at the latest when
/// the scope ends).
const CANCELLING: &[&str] = &["cancel", "drop_guard", "drop_guard_ref"];
/// Methods that give another handle to the same token (or to a child it cancels).
const DERIVING: &[&str] = &["clone", "child_token"];

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(
        file.lets
            .iter()
            .filter_map(|&definition| analyse(file, definition)),
    );
}

/// What the uses of a token (and its clones) after its `let` show.
#[derive(Default)]
struct Uses<'t> {
    /// The token itself leaves the function's hands: returned, stored, sent, moved.
    escapes: bool,
    /// The first spawn call that receives a clone.
    spawn: Option<Node<'t>>,
    /// Every spawn call that receives a clone.
    spawns: Vec<Node<'t>>,
    /// Some cancel or drop guard outside spawned work.
    cancelled: bool,
    /// Lent to a call (`serve(&token)`), which may cancel it.
    lent: bool,
}

fn analyse<'t>(file: &RustFile<'_>, definition: Node<'t>) -> Option<Diagnostic> {
    let pattern = definition.child_by_field_name("pattern")?;
    let value = definition.child_by_field_name("value")?;
    if pattern.kind() != "identifier" || !creates_token(file, value) {
        return None;
    }
    let scope = definition.parent().filter(|p| p.kind() == "block")?;
    let owner = rust::owner(definition)?;
    let is_main = owner.kind() == "function_item"
        && owner.child_by_field_name("name").is_some_and(|n| {
            let name = file.text(n);
            name == "main" || name.ends_with("_main") || name.starts_with("main_")
        });
    if is_main || file.is_test_code(definition) || file.is_tool_file() {
        // The runtime shuts down with main (or `async_main`, `real_main`: main in all but
        // name), the test or the command-line tool, taking every task with it.
        return None;
    }
    let name = file.text(pattern);
    let mut aliases: Vec<&str> = vec![name];
    let uses = classify_uses(file, definition, scope, &mut aliases);
    let spawn = uses.spawn?;
    // A token never cancelled here but lent to a call may be cancelled there.
    if uses.escapes || (!uses.cancelled && uses.lent) {
        return None;
    }
    // Once the only task holding a clone has been awaited (or aborted), it cannot outlive
    // the function any more.
    let handle = match uses.spawns[..] {
        [only] => handle_name(file, only),
        _ => None,
    };
    let is_cancel = |n: Node<'_>| {
        is_cancel_of(file, n, &aliases) || handle.is_some_and(|h| is_join_of(file, n, h))
    };
    let exit = rust::exits(scope, spawn.end_byte(), file.source)
        .into_iter()
        .find(|e| !rust::preceded_by(*e, scope, definition.end_byte(), file.source, &is_cancel))?;
    let function = rust::enclosing_function(definition).unwrap_or(owner);
    let guard = crate::lang::free_name(function, "_guard", file.source, 0);
    let how = if uses.cancelled {
        "not cancelled on every exit"
    } else {
        "never cancelled"
    };
    Some(Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{name}` is handed to spawned work but {how}, so that work outlives its owner"
        ),
        span: Span::of(definition),
        labels: vec![
            Label {
                span: Span::of(spawn),
                message: format!("a clone of `{name}` is moved into this task"),
            },
            Label {
                span: rust::exit_span(exit),
                message: format!("this exit is reached without cancelling `{name}`"),
            },
        ],
        help: format!(
            "create a drop guard right after the token: `let {guard} = {name}.clone().drop_guard();`"
        ),
        fix: Some(Fix {
            applicability: Applicability::Safe,
            message: format!("cancel `{name}` on every exit with a drop guard `{guard}`"),
            edits: vec![crate::lang::insert_line_after(
                definition,
                &format!("let {guard} = {name}.clone().drop_guard();"),
                file.source,
            )],
        }),
    })
}

/// `CancellationToken::new()` or `<anything>.child_token()`.
fn creates_token(file: &RustFile<'_>, value: Node<'_>) -> bool {
    file.is_token_constructor(value)
        || method_call(file, value).is_some_and(|(m, _)| m == "child_token")
}

/// The spawn call whose arguments contain `node`, if any (below `scope`): a spawn whose task
/// can outlive the function (not one on a local `JoinSet`, which aborts its tasks when dropped).
fn enclosing_spawn<'t>(file: &RustFile<'_>, node: Node<'t>, scope: Node<'t>) -> Option<Node<'t>> {
    ancestors(node)
        .take_while(|a| *a != scope)
        .filter(|a| a.kind() == "arguments")
        .filter_map(|a| a.parent())
        .find(|call| file.spawn(*call).is_some_and(|s| s.outlives) && !aborted_on_drop(file, *call))
}

/// Whether a spawn's handle goes into `AbortOnDropHandle::new(...)`, directly or through the
/// local it is bound to: the task is aborted when that handle is dropped.
fn aborted_on_drop(file: &RustFile<'_>, spawn: Node<'_>) -> bool {
    let wraps = |call: Node<'_>| {
        call.kind() == "call_expression"
            && call
                .child_by_field_name("function")
                .is_some_and(|f| file.resolve(f).ends_with("AbortOnDropHandle::new"))
    };
    let wrapper = |node: Node<'_>| {
        node.parent()
            .filter(|a| a.kind() == "arguments")
            .and_then(|a| a.parent())
            .is_some_and(wraps)
    };
    if wrapper(spawn) {
        return true;
    }
    let (Some(handle), Some(function)) = (
        let_of(spawn).and_then(|d| d.child_by_field_name("pattern")),
        rust::enclosing_function(spawn),
    ) else {
        return false;
    };
    let name = file.text(handle);
    file.calls_within(function).filter(|c| wraps(*c)).any(|c| {
        c.child_by_field_name("arguments")
            .and_then(|a| crate::lang::named_children(a).next())
            .is_some_and(|a| a.kind() == "identifier" && file.text(a) == name)
    })
}

/// Whether a closure or async block lies between `node` and `outer`.
fn inside_closure(node: Node<'_>, outer: Node<'_>) -> bool {
    ancestors(node)
        .take_while(|a| *a != outer)
        .any(|a| matches!(a.kind(), "closure_expression" | "async_block"))
}

fn classify_uses<'s, 't>(
    file: &RustFile<'s>,
    definition: Node<'t>,
    scope: Node<'t>,
    aliases: &mut Vec<&'s str>,
) -> Uses<'t> {
    let source = file.source;
    let name = aliases[0];
    let mut uses = Uses::default();
    let mut shadows: Vec<(Node<'t>, usize)> = Vec::new();
    let mut identifiers = Vec::new();
    walk_tree(scope, |node| {
        if node.kind() == "identifier" && node.start_byte() >= definition.end_byte() {
            identifiers.push(node);
        }
        // Nested functions have names of their own.
        node.kind() != "function_item" && node.end_byte() > definition.end_byte()
    });
    for id in identifiers {
        let text = crate::lang::text(id, source);
        if !aliases.contains(&text) {
            continue;
        }
        let parent = match id.parent() {
            Some(p) => p,
            None => continue,
        };
        if parent.kind() == "let_declaration" && parent.child_by_field_name("pattern") == Some(id) {
            continue;
        }
        if !rust::reaches(id, scope) {
            // Too deep to tell where this use sits: give up on the token.
            uses.escapes = true;
            break;
        }
        let method = parent
            .parent()
            .filter(|_| {
                parent.kind() == "field_expression"
                    && parent.child_by_field_name("value") == Some(id)
            })
            .and_then(|call| Some((method_call(file, call)?.0, call)));
        // `let t2 = t.clone();` makes `t2` another handle; `let t = t.clone();` shadows `t`
        // with a clone for the rest of its block.
        if let Some((m, call)) = method {
            if let (true, Some(definition)) = (DERIVING.contains(&m), let_of(call)) {
                let alias = definition
                    .child_by_field_name("pattern")
                    .map_or("", |p| crate::lang::text(p, source));
                if alias == name {
                    if let Some(block) = definition.parent() {
                        shadows.push((block, definition.end_byte()));
                    }
                } else if !aliases.contains(&alias) {
                    aliases.push(alias);
                }
            }
        }
        let is_original = text == name
            && !shadows
                .iter()
                .any(|&(block, end)| id.start_byte() >= end && rust::reaches(id, block));
        if let Some(spawn) = enclosing_spawn(file, id, scope) {
            let cancels = matches!(method, Some((m, _)) if CANCELLING.contains(&m))
                || (parent.kind() == "token_tree"
                    && macro_method(id, source).is_some_and(|m| CANCELLING.contains(&m)));
            if cancels {
                // The spawned work cancels the token itself: its lifetime is the task's
                // business, not this function's.
                uses.escapes = true;
                break;
            }
            let clone_outside_task = matches!(method, Some((m, _)) if DERIVING.contains(&m))
                && !inside_closure(id, spawn);
            if is_original && !clone_outside_task {
                // The token itself is moved into the task: the task owns it.
                uses.escapes = true;
            } else {
                uses.spawn.get_or_insert(spawn);
                if !uses.spawns.contains(&spawn) {
                    uses.spawns.push(spawn);
                }
            }
            continue;
        }
        if inside_closure(id, scope) {
            // Captured by a closure or async block that may run at any time, or never.
            uses.escapes = true;
            break;
        }
        match method {
            Some((m, call)) if CANCELLING.contains(&m) => cancel(&mut uses, m, call),
            Some((m, call)) if DERIVING.contains(&m) => match call.parent() {
                // Recorded above as an alias.
                Some(_) if let_of(call).is_some() => {}
                Some(p) if p.kind() == "field_expression" => {
                    if let Some((m, c)) = p
                        .parent()
                        .and_then(|c| Some((method_call(file, c)?.0, c)))
                        .filter(|(m, _)| CANCELLING.contains(m))
                    {
                        cancel(&mut uses, m, c);
                    }
                }
                _ => uses.escapes = true,
            },
            Some(_) => {}
            None => match parent.kind() {
                "reference_expression" => {
                    uses.lent |= parent.parent().is_some_and(|p| p.kind() == "arguments");
                }
                // A cancel in a macro inside a loop (a `select!` loop that runs until the
                // task is done or cancelled): when the loop ends is beyond syntax.
                "token_tree" if in_loop(id, scope) && macro_cancels(id, source) => {
                    uses.escapes = true;
                    break;
                }
                "token_tree" => match macro_method(id, source) {
                    Some(m) if CANCELLING.contains(&m) => uses.cancelled = true,
                    Some("cancelled" | "is_cancelled") => {}
                    _ if id
                        .prev_sibling()
                        .is_some_and(|p| crate::lang::text(p, source) == "&") => {}
                    _ => uses.escapes = true,
                },
                _ => uses.escapes = true,
            },
        }
    }
    uses
}

/// Records a cancel (`t.cancel()`, `t.clone().drop_guard()`); a drop guard that is not bound
/// to a local (stored in a struct, returned, passed on) hands the token's lifetime to its new
/// owner.
fn cancel(uses: &mut Uses<'_>, method: &str, call: Node<'_>) {
    let guard_moves_on = method != "cancel"
        && call
            .parent()
            .is_none_or(|p| !matches!(p.kind(), "let_declaration" | "expression_statement"));
    if guard_moves_on {
        uses.escapes = true;
    } else {
        uses.cancelled = true;
    }
}

/// Whether a loop lies between `node` and `scope`.
fn in_loop(node: Node<'_>, scope: Node<'_>) -> bool {
    ancestors(node).take_while(|a| *a != scope).any(|a| {
        matches!(
            a.kind(),
            "loop_expression" | "while_expression" | "for_expression"
        )
    })
}

/// Whether an identifier in a macro's tokens is followed by a cancelling method.
fn macro_cancels(id: Node<'_>, source: &str) -> bool {
    macro_method(id, source).is_some_and(|m| CANCELLING.contains(&m))
}

/// The `let <identifier> = call;` whose value is `call`.
fn let_of(call: Node<'_>) -> Option<Node<'_>> {
    let definition = call.parent().filter(|p| p.kind() == "let_declaration")?;
    let binds_name = definition
        .child_by_field_name("pattern")
        .is_some_and(|p| p.kind() == "identifier");
    (binds_name && definition.child_by_field_name("value") == Some(call)).then_some(definition)
}

/// In a macro's tokens, the method called on an identifier: `t . cancel` → `cancel`.
fn macro_method<'s>(id: Node<'_>, source: &'s str) -> Option<&'s str> {
    let dot = id.next_sibling()?;
    if crate::lang::text(dot, source) != "." {
        return None;
    }
    Some(crate::lang::text(dot.next_sibling()?, source))
}

/// The local a spawn's `JoinHandle` is bound to: `let h = tokio::spawn(...);`.
fn handle_name<'s>(file: &RustFile<'s>, spawn: Node<'_>) -> Option<&'s str> {
    let parent = spawn.parent().filter(|p| p.kind() == "let_declaration")?;
    let pattern = parent.child_by_field_name("pattern")?;
    (pattern.kind() == "identifier").then(|| file.text(pattern))
}

/// `h.await`, `(&mut h).await` or `h.abort()`.
fn is_join_of(file: &RustFile<'_>, node: Node<'_>, handle: &str) -> bool {
    let is_handle = |n: Node<'_>| {
        let text = file.text(n);
        text == handle || text == format!("(&mut {handle})")
    };
    match node.kind() {
        "await_expression" => crate::lang::named_children(node)
            .next()
            .is_some_and(is_handle),
        _ => matches!(method_call(file, node), Some(("abort", receiver)) if is_handle(receiver)),
    }
}

/// `t.cancel()`, `t.drop_guard()`, `t.clone().drop_guard()` for `t` among `aliases`, or a macro
/// whose arguments do that somewhere (`select!` arms): macro arguments are not parsed, so a
/// cancel inside one is given the benefit of the doubt.
fn is_cancel_of(file: &RustFile<'_>, node: Node<'_>, aliases: &[&str]) -> bool {
    if node.kind() == "macro_invocation" {
        let mut found = false;
        walk_tree(node, |n| {
            if n.kind() == "identifier"
                && n.parent().is_some_and(|p| p.kind() == "token_tree")
                && aliases.contains(&file.text(n))
                && macro_method(n, file.source).is_some_and(|m| CANCELLING.contains(&m))
            {
                found = true;
            }
            !found
        });
        return found;
    }
    let Some((method, receiver)) = method_call(file, node) else {
        return false;
    };
    if !CANCELLING.contains(&method) {
        return false;
    }
    let receiver = match method_call(file, receiver) {
        Some(("clone", inner)) => inner,
        _ => receiver,
    };
    receiver.kind() == "identifier" && aliases.contains(&file.text(receiver))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_inserts_a_guard_after_the_let_with_its_indentation() {
        let src = "impl S {\n    async fn f(&self) -> Result<()> {\n        let token = CancellationToken::new();\n        \
                   tokio::spawn(watch(token.clone()));\n        connect().await?;\n        token.cancel();\n        Ok(())\n    }\n}\n";
        let fixed = super::super::tests::apply_fixes(Language::Rust, &RULE, src);
        assert_eq!(
            fixed,
            src.replace(
                "CancellationToken::new();\n",
                "CancellationToken::new();\n        let _guard = token.clone().drop_guard();\n"
            )
        );
        // The fixed code is clean.
        assert_eq!(
            super::super::tests::apply_fixes(Language::Rust, &RULE, &fixed),
            fixed
        );
        let commented = src.replace("::new();\n", "::new(); // the owner\n");
        assert!(
            super::super::tests::apply_fixes(Language::Rust, &RULE, &commented).contains(
                "::new(); // the owner\n        let _guard = token.clone().drop_guard();\n"
            )
        );
        let taken = src.replace("&self", "&self, _guard: u8");
        assert!(
            super::super::tests::apply_fixes(Language::Rust, &RULE, &taken)
                .contains("let _guard2 = token.clone().drop_guard();")
        );
    }
}
