//! `test-background-context`: `context.Background()`/`TODO()` in a test, benchmark or fuzz
//! function, where `t.Context()` is cancelled when the test ends.

use tree_sitter::Node;

use super::new_root;
use super::{Check, Needle, Rule, GO_CONTEXT_IMPORT, GO_NEW_ROOT};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;

pub static RULE: Rule = Rule {
    name: "test-background-context",
    title: "a test creates a root context instead of using `t.Context()`",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    needles: &[GO_CONTEXT_IMPORT, &[Needle::Text("testing\"")], GO_NEW_ROOT],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/test-background-context.md"),
    check: Check::Go(check),
};

/// Prefixes of the functions `go test` runs.
const TEST_PREFIXES: &[&str] = &["Test", "Benchmark", "Fuzz"];

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(go::CONTEXT_PATHS) || !file.imports.imports_any(&["testing"]) {
        return;
    }
    let first = out.len();
    let mut replaced = Vec::new();
    // `t.Context()` is Go 1.24: the fix needs a module that says so.
    let module = file.module();
    let new_enough = module.as_ref().is_some_and(|m| m.go_at_least(1, 24));
    for &call in file.new_root_calls() {
        let Some(parent) = test_parent(file, call) else {
            continue;
        };
        if is_teardown(file, call, &parent) {
            continue;
        }
        let name = file.text(parent.param);
        let written = file.text(call);
        replaced.push(call);
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "`{written}` in a test is never cancelled, so work started with it can outlive \
                 the test"
            ),
            span: Span::of(call),
            labels: vec![Label {
                span: Span::of(parent.param),
                message: format!("`{name}.Context()` is cancelled when the test ends"),
            }],
            help: match module.as_ref().and_then(|m| m.go) {
                _ if new_enough => format!("use `{name}.Context()`"),
                Some(v) => format!(
                    "use `{name}.Context()` once the module requires Go 1.24 (its go.mod says \
                     go {v})"
                ),
                None => format!(
                    "use `{name}.Context()` (Go 1.24+; no go.mod with a `go` line was found, so \
                     no fix is offered)"
                ),
            },
            fix: (parent.reachable && new_enough).then(|| Fix {
                applicability: Applicability::Safe,
                message: format!("replace with `{name}.Context()`"),
                edits: vec![Edit {
                    span: Span::of(call),
                    new_text: format!("{name}.Context()"),
                }],
            }),
        });
    }
    // Replacing every use of the context package would leave its import unused, which does
    // not compile: then the fixes need a look (and an import removal) first.
    if !replaced.is_empty() && !context_used_elsewhere(file, &replaced) {
        for d in &mut out[first..] {
            if let Some(fix) = &mut d.fix {
                fix.applicability = Applicability::Unsafe;
            }
        }
    }
}

/// Whether the file refers to the context package other than through `calls`.
fn context_used_elsewhere(file: &GoFile<'_>, calls: &[Node<'_>]) -> bool {
    let mut used = false;
    crate::lang::walk_tree(file.tree.root_node(), |node| {
        if used {
            return false;
        }
        if calls.contains(&node) {
            return false;
        }
        let qualifier = match node.kind() {
            "selector_expression" => node.child_by_field_name("operand"),
            "qualified_type" => node.child_by_field_name("package"),
            _ => None,
        };
        if let Some(q) = qualifier {
            used = file
                .imports
                .path_of(file.text(q))
                .is_some_and(|p| go::CONTEXT_PATHS.contains(&p));
        }
        true
    });
    used
}

/// Whether the new root serves teardown, where `t.Context()` would be wrong or pointless:
/// - it is used, through its variable, in a `t.Cleanup` callback, which runs after
///   `t.Context()` is cancelled (`ctx := context.Background(); …; t.Cleanup(func() {
///   remove(ctx, id) })`);
/// - it is in a deferred call (`defer srv.Shutdown(context.Background())`): moving it to
///   `t.Context()` gains nothing and breaks once the teardown moves into `t.Cleanup`.
fn is_teardown(file: &GoFile<'_>, call: Node<'_>, parent: &TestParent<'_>) -> bool {
    let deferred = crate::lang::ancestors(call)
        .take_while(|a| *a != parent.function)
        .any(|a| a.kind() == "defer_statement");
    deferred
        || new_root::bound_context_uses(file, call)
            .into_iter()
            .any(|r| {
                go::enclosing_functions(r)
                    .take_while(|f| *f != parent.function)
                    .any(|f| is_cleanup_callback(file, f))
            })
}

struct TestParent<'t> {
    /// The `*testing.T` (or B, F, TB) parameter nearest to the call.
    param: Node<'t>,
    /// The function that declares it.
    function: Node<'t>,
    /// False when an inner function shadows the parameter's name.
    reachable: bool,
}

/// The testing parameter whose context the call should use: the innermost function with one,
/// inside a `Test*`/`Benchmark*`/`Fuzz*` function. `None` inside `Cleanup` callbacks (the test
/// context is already cancelled there) and when a request handler's parameter is nearer.
fn test_parent<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<TestParent<'t>> {
    let functions: Vec<Node<'t>> = go::enclosing_functions(call).collect();
    let top = *functions.last()?;
    let top_name = go::function_name(top, file.source)?;
    if top.kind() != "function_declaration"
        || !TEST_PREFIXES.iter().any(|p| top_name.starts_with(p))
    {
        return None;
    }
    let mut inner_names: Vec<&str> = Vec::new();
    for function in functions {
        if is_cleanup_callback(file, function) {
            return None;
        }
        let params: Vec<go::Param<'t>> = go::function_parameters(function).collect();
        if params.iter().any(|p| file.handler_type(p.ty).is_some()) {
            return None;
        }
        if let Some(param) = params.iter().find(|p| file.is_testing_type(p.ty)) {
            let name = param.name?;
            if file.text(name) == "_" {
                return None;
            }
            return Some(TestParent {
                param: name,
                function,
                reachable: !inner_names.contains(&file.text(name)),
            });
        }
        inner_names.extend(params.iter().filter_map(|p| p.name).map(|n| file.text(n)));
    }
    None
}

/// A func literal passed to `x.Cleanup(...)`.
fn is_cleanup_callback(file: &GoFile<'_>, function: Node<'_>) -> bool {
    function.kind() == "func_literal"
        && function
            .parent()
            .filter(|p| p.kind() == "argument_list")
            .and_then(|args| args.parent())
            .and_then(|call| call.child_by_field_name("function"))
            .filter(|f| f.kind() == "selector_expression")
            .and_then(|f| f.child_by_field_name("field"))
            .is_some_and(|field| file.text(field) == "Cleanup")
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::lang::Language;
    use crate::LintSettings;

    /// The fixes' applicability for `src` in a module whose go.mod says `go_line`; `None` for
    /// a finding without a fix.
    fn fixes_in(src: &str, go_line: &str) -> Vec<Option<Applicability>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            format!("module m\n\n{go_line}\n"),
        )
        .unwrap();
        let settings = LintSettings::only(&[&super::RULE]);
        crate::lint_file(
            Language::Go,
            src,
            Some(&dir.path().join("a_test.go")),
            &settings,
        )
        .unwrap()
        .iter()
        .map(|d| d.fix.as_ref().map(|f| f.applicability))
        .collect()
    }

    fn applicability(src: &str) -> Vec<Applicability> {
        fixes_in(src, "go 1.24").into_iter().flatten().collect()
    }

    #[test]
    fn the_fix_needs_go_1_24_in_the_nearest_go_mod() {
        let src = "package p\nimport (\n\t\"context\"\n\t\"testing\"\n)\nfunc TestA(t *testing.T) \
                   {\n\tvar c context.Context = context.Background()\n\t_ = c\n}\n";
        assert_eq!(fixes_in(src, "go 1.24.1"), [Some(Applicability::Safe)]);
        assert_eq!(fixes_in(src, "go 1.23"), [None]);
    }

    #[test]
    fn the_fix_is_unsafe_when_it_would_leave_the_import_unused() {
        let only =
            "package p\nimport (\n\t\"context\"\n\t\"testing\"\n)\nfunc TestA(t *testing.T) \
                    {\n\t_ = context.Background()\n}\n";
        assert_eq!(applicability(only), [Applicability::Unsafe]);
        let more =
            "package p\nimport (\n\t\"context\"\n\t\"testing\"\n)\nfunc TestA(t *testing.T) \
                    {\n\tvar c context.Context = context.Background()\n\t_ = c\n}\n";
        assert_eq!(applicability(more), [Applicability::Safe]);
    }
}
