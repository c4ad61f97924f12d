//! `discarded-cancel`: the cancel function of `context.WithCancel` & co. is bound to `_`.

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "discarded-cancel",
    title: "the cancel function of a derived context is assigned to `_`",
    language: Language::Go,
    default_severity: Severity::Error,
    enabled_by_default: true,
    needles: &[&[Needle::CancelFunction]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/discarded-cancel.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Fixes offered so far per function (by start byte): each gets its own name, so applying
    // them together never declares `cancel` twice in one scope.
    let mut fixes_per_function: FixesPerFunction<'_> = Default::default();
    let mut sites = DefinitionSites::default();
    for candidate in file.cancel_calls() {
        // Out of time (`--file-timeout`): the file's findings are thrown away.
        if crate::deadline::expired() {
            return;
        }
        let (Some(statement), Some(blank)) = (candidate.statement, candidate.cancel_target())
        else {
            continue;
        };
        if file.text(blank) != "_" {
            continue;
        }
        let (call, callee, targets) = (candidate.call, candidate.callee, &candidate.targets);
        // Package-level declarations run once, at start-up: nothing piles up per call (go vet
        // does not look there either).
        if go::enclosing_functions(statement).next().is_none() {
            continue;
        }
        if parent_released(file, statement, call, &mut sites) || holds_nothing(file, call) {
            continue;
        }
        let kept = context_kept(file, statement, targets, blank);
        // Handed out with a parent that came from the caller: the timer and the link to the
        // parent end when the caller's context does. Deliberate often enough (a helper that
        // returns a derived context) that this is only worth a note.
        let bounded_by_caller = kept && parent_from_caller(file, statement, call);
        let call_text = format!(
            "{}({})",
            default_name(callee),
            if file.cancel_takes_cause(call) {
                "nil"
            } else {
                ""
            }
        );
        let help = if bounded_by_caller {
            "return the cancel function to the caller with the context (or keep it next to the \
             context) so whoever ends the work can release it before the caller's context ends"
                .to_string()
        } else if kept {
            "the context outlives this function, so it cannot be cancelled here: return the \
             cancel function to the caller (or keep it with the context) so whoever ends the \
             work can call it"
                .to_string()
        } else if in_loop(statement) {
            format!("bind it to a variable and call `{call_text}` at the end of each iteration")
        } else {
            format!("bind it to a variable and call it when the work is done: `defer {call_text}`")
        };
        out.push(Diagnostic {
            rule: RULE.name,
            severity: if bounded_by_caller {
                Severity::Info
            } else {
                RULE.default_severity
            },
            message: if bounded_by_caller {
                format!(
                    "the context from `{callee}` is handed out without its cancel function, so \
                     its resources are held until the caller's context ends"
                )
            } else {
                format!(
                    "the cancel function returned by `{callee}` is discarded, so the context and \
                     its resources leak until the parent is cancelled"
                )
            },
            span: Span::of(blank),
            labels: vec![Label {
                span: Span::of(call),
                message: "this call returns a cancel function".into(),
            }],
            help,
            fix: if kept {
                None
            } else {
                fix(
                    file,
                    statement,
                    blank,
                    targets,
                    call,
                    callee,
                    &mut fixes_per_function,
                )
            },
        });
    }
}

/// Whether the discarded context's parent is released anyway by the time the function is
/// done, which also stops the child and its timer: a parent bound with its own cancel function
/// that is used on every path (`tctx, _ = context.WithTimeout(tctx, d)` after
/// `tctx, cancel := context.WithCancel(ctx); defer cancel()`), or a test's `t.Context()`.
fn parent_released<'s>(
    file: &GoFile<'s>,
    statement: Node<'_>,
    call: Node<'_>,
    sites: &mut DefinitionSites<'s>,
) -> bool {
    let Some(parent) = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
    else {
        return false;
    };
    if is_test_context(file, parent) {
        return true;
    }
    if parent.kind() != "identifier" {
        return false;
    }
    if !sites.any_before(file, statement, file.text(parent)) {
        return false;
    }
    match reaching_definition(file, statement, file.text(parent)) {
        Some(definition) => match file.cancel_binding(definition) {
            Some(binding) => {
                binding
                    .targets
                    .iter()
                    .any(|t| *t != binding.cancel && file.text(*t) == file.text(parent))
                    && super::missing_defer_cancel::released_on_every_path(file, &binding)
            }
            // `ctx := t.Context()`.
            None => single_value(definition).is_some_and(|v| is_test_context(file, v)),
        },
        None => false,
    }
}

/// Whether the discarded context holds nothing its parent does not: `context.WithCancel` (or
/// `WithCancelCause`) of a parent that is never cancelled registers with no parent and runs no
/// timer. In a test, the same for a wrapper of the tree that starts no timer: whatever else its
/// cancel function releases lives no longer than the test.
fn holds_nothing(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let Some(parent) = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
    else {
        return false;
    };
    if !super::missing_defer_cancel::never_cancelled(file, parent) {
        return false;
    }
    matches!(
        file.calls_package(call, go::CONTEXT_PATHS),
        Some("WithCancel" | "WithCancelCause")
    ) || (file.imports.imports_any(&["testing"]) && file.calls_wrapper_without_timer(call))
}

/// Whether the call's first argument is a context the enclosing function was given (a
/// parameter of a `Context` type, or an element or field of one): the caller's context.
fn parent_from_caller(file: &GoFile<'_>, statement: Node<'_>, call: Node<'_>) -> bool {
    let Some(mut parent) = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
    else {
        return false;
    };
    while let Some(inner) = match parent.kind() {
        "index_expression" | "parenthesized_expression" => parent.named_child(0),
        "selector_expression" => parent.child_by_field_name("operand"),
        _ => None,
    } {
        parent = inner;
    }
    let Some(function) = go::enclosing_functions(statement).next() else {
        return false;
    };
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return false;
    };
    parent.kind() == "identifier"
        && go::declaration_of(parent, file.source).is_some_and(|d| {
            go::parameters(parameters)
                .any(|p| p.name == Some(d) && file.text(p.ty).contains("Context"))
        })
}

/// `t.Context()` on a `*testing.T`/`B`/`F` or `testing.TB` parameter: cancelled when the test
/// ends.
fn is_test_context(file: &GoFile<'_>, expression: Node<'_>) -> bool {
    let Some(function) = expression
        .child_by_field_name("function")
        .filter(|_| expression.kind() == "call_expression")
    else {
        return false;
    };
    let (Some(operand), Some(field)) = (
        function.child_by_field_name("operand"),
        function.child_by_field_name("field"),
    ) else {
        return false;
    };
    if file.text(field) != "Context" || operand.kind() != "identifier" {
        return false;
    }
    go::declaration_of(operand, file.source)
        .and_then(|d| d.parent())
        .and_then(|p| p.child_by_field_name("type"))
        .is_some_and(|ty| file.is_testing_type(ty))
}

/// The value of a single-valued definition (`x := v`, `x = v`, `var x = v`).
fn single_value(definition: Node<'_>) -> Option<Node<'_>> {
    let values = definition
        .child_by_field_name("right")
        .or_else(|| definition.child_by_field_name("value"))?;
    (values.named_child_count() == 1)
        .then(|| values.named_child(0))
        .flatten()
}

/// Where each name is defined or assigned in each top-level function (by start byte), found by
/// one walk per function: most parents are never assigned before their use, and saying so
/// must not walk back through thousands of statements per finding.
#[derive(Default)]
struct DefinitionSites<'s> {
    by_function: std::collections::HashMap<usize, std::collections::HashMap<&'s str, Vec<usize>>>,
}

impl<'s> DefinitionSites<'s> {
    /// Whether `name` may be defined or assigned before `statement` in its top-level
    /// function: when not, [`reaching_definition`] finds nothing.
    fn any_before(&mut self, file: &GoFile<'s>, statement: Node<'_>, name: &str) -> bool {
        let Some(top) = crate::lang::ancestors(statement)
            .filter(|a| matches!(a.kind(), "function_declaration" | "method_declaration"))
            .last()
        else {
            return true;
        };
        let source = file.source;
        let sites = self.by_function.entry(top.start_byte()).or_insert_with(|| {
            let mut sites: std::collections::HashMap<&'s str, Vec<usize>> = Default::default();
            crate::lang::walk_tree(top, |n| {
                let names: Vec<Node<'_>> = match n.kind() {
                    "short_var_declaration" | "assignment_statement" => n
                        .child_by_field_name("left")
                        .map(|l| named_children(l).collect())
                        .unwrap_or_default(),
                    "var_spec" => {
                        let mut cursor = n.walk();
                        n.children_by_field_name("name", &mut cursor).collect()
                    }
                    _ => Vec::new(),
                };
                for name in names {
                    sites
                        .entry(crate::lang::text(name, source))
                        .or_default()
                        .push(n.start_byte());
                }
                true
            });
            sites
        });
        sites
            .get(name)
            .is_some_and(|starts| starts.iter().any(|&s| s < statement.start_byte()))
    }
}

/// The statement that last assigned `name` before `statement`, found by walking back through
/// the enclosing blocks (and out of func literals, for captured variables): `None` when some
/// earlier statement assigns it in a way that cannot be followed (inside an `if`, a loop, ...).
fn reaching_definition<'t>(file: &GoFile<'_>, statement: Node<'t>, name: &str) -> Option<Node<'t>> {
    let start = match statement.kind() {
        "var_spec" => crate::lang::ancestors(statement).find(|n| n.kind() == "var_declaration")?,
        _ => statement,
    };
    let mut child = start;
    for ancestor in crate::lang::ancestors(start) {
        match ancestor.kind() {
            "function_declaration" | "method_declaration" => return None,
            "statement_list" | "block" => {
                let earlier: Vec<Node<'t>> = named_children(ancestor)
                    .take_while(|s| *s != child)
                    .collect();
                for s in earlier.into_iter().rev() {
                    if let Some(definition) = defines(file, s, name) {
                        return Some(definition);
                    }
                    if assigns_somewhere(file, s, name) {
                        return None;
                    }
                }
            }
            _ => {}
        }
        child = ancestor;
    }
    None
}

/// The definition `statement` makes of `name` at its top level (`name, x := ...`,
/// `name = ...`, `var name = ...`).
fn defines<'t>(file: &GoFile<'_>, statement: Node<'t>, name: &str) -> Option<Node<'t>> {
    match statement.kind() {
        "short_var_declaration" | "assignment_statement" => statement
            .child_by_field_name("left")
            .is_some_and(|l| named_children(l).any(|t| file.text(t) == name))
            .then_some(statement),
        "var_declaration" => {
            let mut found = None;
            crate::lang::walk_tree(statement, |n| {
                if n.kind() == "var_spec" {
                    let mut cursor = n.walk();
                    if n.children_by_field_name("name", &mut cursor)
                        .any(|x| file.text(x) == name)
                    {
                        found = Some(n);
                    }
                    return false;
                }
                true
            });
            found
        }
        _ => None,
    }
}

/// Whether anything inside `statement` (not in func literals) assigns `name`.
fn assigns_somewhere(file: &GoFile<'_>, statement: Node<'_>, name: &str) -> bool {
    let mut found = false;
    crate::lang::walk_tree(statement, |n| {
        if found || n.kind() == "func_literal" {
            return false;
        }
        if matches!(
            n.kind(),
            "short_var_declaration" | "assignment_statement" | "var_declaration"
        ) {
            found = defines(file, n, name).is_some();
        }
        !found
    });
    found
}

/// Whether the context bound next to the discarded cancel function is returned or stored
/// (in a field, an element, a package variable, a composite literal): it outlives the
/// function, so a deferred cancel would hand out a dead context.
fn context_kept(
    file: &GoFile<'_>,
    statement: Node<'_>,
    targets: &[Node<'_>],
    blank: Node<'_>,
) -> bool {
    let Some(function) = go::enclosing_functions(statement).next() else {
        return false;
    };
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let result_context = function.child_by_field_name("result").is_some_and(|r| {
        targets
            .iter()
            .any(|t| r.start_byte() <= t.start_byte() && t.end_byte() <= r.end_byte())
    });
    result_context
        || targets
            .iter()
            .filter(|t| **t != blank && t.kind() == "identifier" && file.text(**t) != "_")
            .any(|t| go::kept_beyond(body, file.text(*t), file.source))
}

/// Whether `statement` sits in a loop of its own function.
fn in_loop(statement: Node<'_>) -> bool {
    crate::lang::ancestors(statement)
        .take_while(|a| !go::FUNCTION_KINDS.contains(&a.kind()))
        .any(|a| a.kind() == "for_statement")
}

/// `stop` for `signal.NotifyContext`, `cancel` for everything else.
fn default_name(callee: &str) -> &'static str {
    if callee.ends_with("NotifyContext") {
        "stop"
    } else {
        "cancel"
    }
}

/// Per function (by start byte): how many fixes were offered in it so far, and its free names.
type FixesPerFunction<'s> = std::collections::HashMap<usize, (usize, crate::lang::FreeNames<'s>)>;

/// `_` → a free name, plus `defer <name>()` on the next line. Only for `:=` and `var`, inside
/// a function, where a statement can follow; safe unless the context escapes the function.
fn fix<'s>(
    file: &GoFile<'s>,
    definition: Node<'_>,
    blank: Node<'_>,
    targets: &[Node<'_>],
    call: Node<'_>,
    callee: &str,
    fixes_per_function: &mut FixesPerFunction<'s>,
) -> Option<Fix> {
    if definition.kind() == "assignment_statement" {
        return None;
    }
    let statement = go::enclosing_statement(definition)?;
    let function = go::enclosing_functions(statement).next()?;
    // A defer inside a loop waits for the function: see defer-cancel-in-loop.
    if in_loop(statement) {
        return None;
    }
    let body = function.child_by_field_name("body")?;
    let (earlier, names) = fixes_per_function
        .entry(function.start_byte())
        .or_insert_with(|| (0, crate::lang::FreeNames::new(function, file.source)));
    let name = names.nth(default_name(callee), *earlier);
    *earlier += 1;
    let escapes = go::any_escapes(body, targets, file.source);
    let takes_cause = file.cancel_takes_cause(call);
    let deferred = if takes_cause {
        format!("{name}(nil)")
    } else {
        format!("{name}()")
    };
    Some(Fix {
        applicability: if escapes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: format!("bind the cancel function to `{name}` and `defer {deferred}`"),
        edits: vec![
            crate::diagnostic::Edit {
                span: Span::of(blank),
                new_text: name.clone(),
            },
            go::insert_defer_after(statement, &name, takes_cause, file.source),
        ],
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::lang::Language;
    use crate::LintSettings;

    fn severities(src: &str) -> Vec<Severity> {
        let settings = LintSettings::only(&[&super::RULE]);
        crate::lint_file(Language::Go, src, None, &settings)
            .unwrap()
            .iter()
            .map(|d| d.severity)
            .collect()
    }

    #[test]
    fn a_context_handed_out_with_the_callers_parent_is_only_a_note() {
        let src = "package p\nimport (\n\t\"context\"\n\t\"time\"\n)\nfunc f(p context.Context) \
                   context.Context {\n\tctx, _ := context.WithTimeout(p, time.Second)\n\treturn \
                   ctx\n}\nfunc g() context.Context {\n\tctx, _ := \
                   context.WithTimeout(context.TODO(), time.Second)\n\treturn ctx\n}\nfunc h(p \
                   context.Context) {\n\tctx, _ := context.WithTimeout(p, time.Second)\n\t_ = \
                   ctx\n}\n";
        assert_eq!(
            severities(src),
            vec![Severity::Info, Severity::Error, Severity::Error]
        );
    }
}
