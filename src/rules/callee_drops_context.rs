//! `callee-drops-context`: a function with a parent context calls a function of the scanned
//! tree that takes no context and starts its own root for cancellable work.

use std::path::Path;

use tree_sitter::Node;

use super::context_not_passed::written;
use super::new_root::{self, Parent, Site};
use super::{Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::go::roots::{shown, RootStart};
use crate::lang::go::siblings::Declared;
use crate::lang::go::GoFile;
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "callee-drops-context",
    title: "a function with a context calls one that takes none and starts its own root",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    needles: &[&[Needle::HandlerType], &[Needle::RootCall]],
    function_needles: &[],
    test_files: false,
    doc: include_str!("../../rules/callee-drops-context.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Test code: test-background-context's; the test's deadline bounds the work.
    if file.is_test_file() || file.imports.imports_any(&["testing"]) {
        return;
    }
    let roots = &file.settings.roots;
    let siblings = &file.settings.siblings;
    for call in file.calls_named_where(|name| roots.has_name(name)) {
        let Some(start) = file.find_declared(call, |name, receiver, package| {
            roots.find(name, receiver, package)
        }) else {
            continue;
        };
        // A callee with a context-taking sibling is context-not-passed's (with a safe fix).
        if file
            .find_declared(call, |name, receiver, package| {
                siblings.find(name, receiver, package)
            })
            .is_some()
        {
            continue;
        }
        let Some(parent) = new_root::parent_context(file, call) else {
            continue;
        };
        if new_root::detached_location(file, call, &parent).is_some()
            || new_root::in_callback(file, call, parent.function, Some(&parent.expression))
            || callback_takes_parent(file, call, &parent)
            || passes_context(file, call, &parent)
        {
            continue;
        }
        out.push(diagnostic(file, call, &parent, start));
    }
}

/// Whether the call hands the callee a func literal that uses the parent context
/// (`WithClient(addr, func(c Client) error { return c.Get(ctx, k) })`): the work runs in the
/// callback, with the parent; the callee's own root only sets it up (a connection).
fn callback_takes_parent(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let name = file.text(parent.param);
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    named_children(arguments)
        .filter(|a| a.kind() == "func_literal")
        .any(|literal| {
            crate::lang::tokens(literal, name, file.source).any(|t| t.kind() == "identifier")
        })
}

/// Whether the call passes a context (the parent, or a name like `ctx`): the callee that is
/// built takes one, whatever the variant in the index (a package declaring the function once
/// per platform, with different parameters).
fn passes_context(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    named_children(arguments).any(|a| {
        let text = file.text(a);
        text == parent.expression
            || a.kind() == "identifier" && (text == "ctx" || text.ends_with("Ctx"))
            || text.ends_with(".Context()")
    })
}

fn diagnostic(
    file: &GoFile<'_>,
    call: Node<'_>,
    parent: &Parent<'_>,
    start: &RootStart,
) -> Diagnostic {
    let ctx = &parent.expression;
    let (name, root) = (&start.declared.name, &start.root);
    let function = call.child_by_field_name("function").unwrap_or(call);
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{}` takes no context and starts its own with `{root}`, so its work ignores the \
             cancellation of `{ctx}` and goes on after the caller has given up",
            written(file, call)
        ),
        span: Span::of(call),
        labels: vec![
            Label {
                span: Span::of(function),
                message: format!(
                    "`{name}` → `{root}` ({}:{})",
                    shown(&start.file, file.dir),
                    start.root_line
                ),
            },
            Label {
                span: Span::of(parent.param),
                message: "the parent context is available here".into(),
            },
        ],
        help: format!(
            "pass `{ctx}` down: give `{name}` a `ctx context.Context` parameter and use it \
             instead of `{root}`"
        ),
        fix: None,
    }
}

/// The functions and methods a Go file declares that take no context and start a root for
/// cancellable work: a `context.Background()`/`TODO()` that background-in-handler would report
/// if the function had a parent (not one for a logger, cleanup, a goroutine, stored state …;
/// see [`new_root::classify`]), nor one in a callback or one that only reads configuration.
/// Constructors (`New…`), functions named like cleanup, a start of detached work or logging
/// (`Close`, `StartMonitor`, `Fatalf`), `main`, `init`, configuration packages and test files
/// are left out. The first pass of
/// the engine runs this on every file that may start a root.
pub fn roots_in(file: &GoFile<'_>, path: &Path) -> Vec<RootStart> {
    // A configuration package's roots read settings (flipt's `AllMethods(context.Background())`
    // reads values a context may carry): nothing to cancel.
    if file.is_test_file() || matches!(file.package.as_str(), "config" | "settings" | "options") {
        return Vec::new();
    }
    let dir = file.dir.unwrap_or(Path::new(""));
    let functions = file.functions();
    let mut import_path = None;
    let mut found: Vec<RootStart> = Vec::new();
    let mut done: Vec<usize> = Vec::new();
    for &call in file.new_root_calls() {
        let Some((mut index, _)) = file.function_of(call) else {
            continue;
        };
        // Out to the declaration: no function on the way takes a context or makes one.
        let declaration = loop {
            let function = &functions[index];
            if !function.context_params.is_empty() || function.returns_context {
                break None;
            }
            match function.enclosing {
                Some(outer) => index = outer,
                None => break Some(index),
            }
        };
        let Some(index) = declaration.filter(|i| !done.contains(i)) else {
            continue;
        };
        let function = &functions[index];
        let Some(name) = function.name else {
            continue;
        };
        // Constructors start roots for the long-lived state they make.
        let constructor = new_root::words(name).first().is_some_and(|w| w == "new");
        if matches!(name, "main" | "init")
            || constructor
            || new_root::detach_name(name).is_some()
            || new_root::named_like_logging(name)
        {
            continue;
        }
        let receiver = match function.node.child_by_field_name("receiver") {
            Some(list) => {
                let ty = crate::lang::go::parameters(list).next().map(|p| p.ty);
                match ty.and_then(|t| crate::lang::go::siblings::type_name(file, t)) {
                    Some(ty) => Some(ty.to_string()),
                    None => continue,
                }
            }
            None => None,
        };
        if new_root::in_callback(file, call, function.node, None)
            || new_root::feeds_config_getter(file, call)
            || new_root::classify(file, call, &Parent::absent(function.node)) != Site::Plain
        {
            continue;
        }
        done.push(index);
        let import_path = import_path
            .get_or_insert_with(|| file.module().and_then(|m| m.import_path_of(dir)))
            .clone();
        found.push(RootStart {
            declared: Declared {
                dir: dir.to_path_buf(),
                import_path,
                package: file.package.clone(),
                receiver,
                name: name.to_string(),
            },
            file: path.to_path_buf(),
            root: file.text(call).to_string(),
            root_line: call.start_position().row + 1,
        });
    }
    found
}
