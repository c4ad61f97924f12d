//! `test-background-context`: `context.Background()`/`TODO()` in a test, benchmark or fuzz
//! function, where `t.Context()` is cancelled when the test ends.

use std::sync::LazyLock;
use tree_sitter::{Node, Query};

use super::{capture, compile_query, for_each_match, Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "test-background-context",
    title: "a test creates a root context instead of using `t.Context()`",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    doc: include_str!("../../rules/test-background-context.md"),
    check: Check::Go(check),
};

pub static QUERY: LazyLock<Query> = LazyLock::new(|| {
    compile_query(
        Language::Go,
        include_str!("../../rules/go/test-background-context.scm"),
    )
});

/// Prefixes of the functions `go test` runs.
const TEST_PREFIXES: &[&str] = &["Test", "Benchmark", "Fuzz"];

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(go::CONTEXT_PATHS) || !file.imports.imports_any(&["testing"]) {
        return;
    }
    for_each_match(&QUERY, file.tree.root_node(), file.source, |captures| {
        let Some(call) = capture(&QUERY, captures, "call") else {
            return;
        };
        let has_args = call
            .child_by_field_name("arguments")
            .is_some_and(|a| a.named_child_count() > 0);
        if has_args || file.calls_package(call, go::CONTEXT_PATHS).is_none() {
            return;
        }
        let Some(parent) = test_parent(file, call) else {
            return;
        };
        let name = file.text(parent.param);
        let written = file.text(call);
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
            help: format!("use `{name}.Context()` (Go 1.24+)"),
            fix: parent.reachable.then(|| Fix {
                applicability: Applicability::Safe,
                message: format!("replace with `{name}.Context()`"),
                edits: vec![Edit {
                    span: Span::of(call),
                    new_text: format!("{name}.Context()"),
                }],
            }),
        });
    });
}

struct TestParent<'t> {
    /// The `*testing.T` (or B, F, TB) parameter nearest to the call.
    param: Node<'t>,
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
        if let Some(param) = params.iter().find(|p| is_testing_type(file, p.ty)) {
            let name = param.name?;
            if file.text(name) == "_" {
                return None;
            }
            return Some(TestParent {
                param: name,
                reachable: !inner_names.contains(&file.text(name)),
            });
        }
        inner_names.extend(params.iter().filter_map(|p| p.name).map(|n| file.text(n)));
    }
    None
}

/// `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`.
fn is_testing_type(file: &GoFile<'_>, ty: Node<'_>) -> bool {
    match ty.kind() {
        "pointer_type" => named_children(ty).next().is_some_and(|inner| {
            ["T", "B", "F"]
                .iter()
                .any(|n| file.is_named_type(inner, "testing", n))
        }),
        _ => file.is_named_type(ty, "testing", "TB"),
    }
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
