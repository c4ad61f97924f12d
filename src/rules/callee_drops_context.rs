//! `callee-drops-context`: a function with a parent context calls a function of the scanned
//! tree that takes no context and starts its own root for cancellable work.

use std::path::Path;

use tree_sitter::Node;

use super::context_not_passed::written;
use super::new_root::{self, Parent, Site};
use super::{Check, Needle, Rule};
use crate::diagnostic::{Diagnostic, Label, Severity, Span};
use crate::lang::go::roots::{shown, RootIndex, RootStart, Step};
use crate::lang::go::siblings::{Declared, PackageRef};
use crate::lang::go::GoFile;
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "callee-drops-context",
    title: "a function with a context calls one that takes none and starts its own root",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    needles: NEEDLES,
    // The call and the request's context are in the same function.
    function_needles: NEEDLES,
    test_files: false,
    doc: include_str!("../../rules/callee-drops-context.md"),
    check: Check::Go(check),
};

/// A request's context (a parameter of a handler type) and a call of a function that starts a
/// root.
const NEEDLES: &[&[Needle]] = &[&[Needle::HandlerType], &[Needle::RootCall]];

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
        if !request_scoped(file, &parent) {
            continue;
        }
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

/// Whether the parent context is a request's: a parameter of a request type (`*http.Request`,
/// gin's, echo's or fiber's context, a configured handler type), or a `context.Context`
/// followed by a request parameter, the shape of an RPC handler (`func (s *Server)
/// GetUser(ctx context.Context, req *pb.GetUserRequest) (*pb.User, error)`). A request
/// handler's work belongs to the request, so a callee that drops its context is a bug; a
/// plain `ctx` parameter is also passed to lifecycle code (a run loop, a daemon's restore, a
/// sync recording its history, a cleanup), where a callee's own root is as often deliberate
/// (8 of the 20 such findings read), so those calls are not reported.
fn request_scoped(file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
    let Some(function) = file.functions().iter().find(|f| f.node == parent.function) else {
        return false;
    };
    let Some(first) = function.context_params.first() else {
        return false;
    };
    if first.handler.context != "{}" {
        return true;
    }
    let Some(list) = function.node.child_by_field_name("parameters") else {
        return false;
    };
    let mut params = crate::lang::go::parameters(list)
        .skip_while(|p| p.name != first.param.name || p.ty != first.param.ty);
    params.next();
    params.next().is_some_and(|next| {
        let written = file.text(next.ty).trim_start_matches('*');
        let name = written.rsplit('.').next().unwrap_or(written);
        name.ends_with("Request")
    })
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
    let names: Vec<String> = std::iter::once(name)
        .chain(start.via.iter().map(|s| &s.name))
        .map(|n| format!("`{n}`"))
        .collect();
    let through = match start.via.last() {
        Some(last) => format!(" in `{}`", last.name),
        None => String::new(),
    };
    let function = call.child_by_field_name("function").unwrap_or(call);
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{}` takes no context and starts its own with `{root}`{through}, so its work \
             ignores the cancellation of `{ctx}` and goes on after the caller has given up",
            written(file, call)
        ),
        span: Span::of(call),
        labels: vec![
            Label {
                span: Span::of(function),
                message: chain(file, start),
            },
            Label {
                span: Span::of(parent.param),
                message: "the parent context is available here".into(),
            },
        ],
        help: format!(
            "pass `{ctx}` down: give {} a `ctx context.Context` parameter and use it instead of \
             `{root}`",
            names.join(", ")
        ),
        fix: None,
    }
}

/// The chain from the callee down to its root, each step with where it is called and the root
/// with where it starts: `` `fetch` → `load` (api.go:12) → `context.Background()` (db.go:30) ``.
fn chain(file: &GoFile<'_>, start: &RootStart) -> String {
    let mut text = format!("`{}`", start.declared.name);
    for step in &start.via {
        text.push_str(&format!(
            " → `{}` ({}:{})",
            step.name,
            shown(&step.file, file.dir),
            step.line
        ));
    }
    text.push_str(&format!(
        " → `{}` ({}:{})",
        start.root,
        shown(&start.file, file.dir),
        start.root_line
    ));
    text
}

/// The functions and methods a Go file declares that take no context and start a root for
/// cancellable work: a `context.Background()`/`TODO()` that background-in-handler would report
/// if the function had a parent (not one for a logger, cleanup, a goroutine, stored state …;
/// see [`new_root::classify`]), nor one in a callback or one that only reads configuration.
/// Constructors (`New…`), functions named like cleanup, a start of detached work or logging
/// (`Close`, `StartMonitor`, `Fatalf`), `main`, `init`, configuration packages and test files
/// are left out, and so are functions whose root is deliberate by their shape: they return no
/// error (see [`returns_error`]), they run a callback they are given (see
/// [`runs_callback_parameter`]), the root is made once for all callers (`once.Do(func() {
/// … })`), made uncancellable (`context.WithoutCancel(context.TODO())`) or kept through a
/// derived context (see [`new_root::kept_through_derived`]). The first pass of the engine runs this on every file that may start a root.
pub fn roots_in(file: &GoFile<'_>, path: &Path) -> Vec<RootStart> {
    let mut found: Vec<RootStart> = Vec::new();
    let mut done: Vec<usize> = Vec::new();
    for &call in file.new_root_calls() {
        let Some((index, callee)) = declared_callee(file, call).filter(|(i, _)| !done.contains(i))
        else {
            continue;
        };
        let function = file.functions()[index].node;
        if runs_callback_parameter(file, function, call)
            || in_once(file, call, function)
            || made_uncancellable(file, call)
            || read_back(file, call)
            || only_serialised(file, call, function)
            || new_root::kept_through_derived(file, call)
            || new_root::feeds_config_getter(file, call)
            || new_root::classify(file, call, &Parent::absent(function)) != Site::Plain
        {
            continue;
        }
        done.push(index);
        found.push(RootStart {
            declared: callee,
            file: path.to_path_buf(),
            root: file.text(call).to_string(),
            root_line: call.start_position().row + 1,
            via: Vec::new(),
        });
    }
    found
}

/// The functions of a Go file that take no context and call, at a plain site (not in a
/// `defer`, a goroutine, a callback, an error branch), a function of `file`'s root index
/// (`file.settings.roots`: those found one step further down) that none of the `known` ones
/// is; each with the chain through the first such call. The same judgement of the caller as
/// [`roots_in`]'s; the engine runs this a bounded number of times, one step up the chain each.
pub fn callers_in(file: &GoFile<'_>, path: &Path, known: &RootIndex) -> Vec<RootStart> {
    let roots = &file.settings.roots;
    let mut found: Vec<RootStart> = Vec::new();
    let mut done: Vec<usize> = Vec::new();
    for call in file.calls_named_where(|name| roots.has_name(name)) {
        let Some((index, caller)) = declared_callee(file, call).filter(|(i, _)| !done.contains(i))
        else {
            continue;
        };
        let function = file.functions()[index].node;
        let here = PackageRef::Dir(file.dir.unwrap_or(Path::new("")), &file.package);
        if known
            .find(&caller.name, caller.receiver.as_deref(), here)
            .is_some()
        {
            continue;
        }
        let Some(start) = file.find_declared(call, |name, receiver, package| {
            roots.find(name, receiver, package)
        }) else {
            continue;
        };
        let absent = Parent::absent(function);
        if new_root::detached_location(file, call, &absent).is_some()
            || new_root::in_callback(file, call, function, None)
            || passes_context(file, call, &absent)
            || file
                .find_declared(call, |name, receiver, package| {
                    file.settings.siblings.find(name, receiver, package)
                })
                .is_some()
        {
            continue;
        }
        done.push(index);
        let mut via = vec![Step {
            name: start.declared.name.clone(),
            file: path.to_path_buf(),
            line: call.start_position().row + 1,
        }];
        via.extend(start.via.iter().cloned());
        found.push(RootStart {
            declared: caller,
            file: start.file.clone(),
            root: start.root.clone(),
            root_line: start.root_line,
            via,
        });
    }
    found
}

/// The function declaration around `node` as a callee that may drop a context, with its index
/// in the file's functions: no function on the way out takes a context or makes one, it
/// returns an error (see [`returns_error`]), and it is not a constructor (`New…`: its roots are
/// for the long-lived state it makes), `main`, `init`, named like cleanup, a start of detached
/// work or logging, nor declared in a test file or a configuration package (whose roots read
/// settings: flipt's `AllMethods(context.Background())`).
fn declared_callee(file: &GoFile<'_>, node: Node<'_>) -> Option<(usize, Declared)> {
    if file.is_test_file() || matches!(file.package.as_str(), "config" | "settings" | "options") {
        return None;
    }
    let functions = file.functions();
    let (mut index, _) = file.function_of(node)?;
    // Out to the declaration: no function on the way takes a context or makes one.
    loop {
        let function = &functions[index];
        if !function.context_params.is_empty() || function.returns_context {
            return None;
        }
        match function.enclosing {
            Some(outer) => index = outer,
            None => break,
        }
    }
    let function = &functions[index];
    let name = function.name?;
    let constructor = new_root::words(name).first().is_some_and(|w| w == "new");
    if matches!(name, "main" | "init")
        || constructor
        || new_root::detach_name(name).is_some()
        || new_root::named_like_logging(name)
        || !returns_error(file, function.node)
        || error_constructor(file, function.node, name)
        || new_root::in_callback(file, node, function.node, None)
    {
        return None;
    }
    let receiver = match function.node.child_by_field_name("receiver") {
        Some(list) => {
            let ty = crate::lang::go::parameters(list).next()?.ty;
            Some(crate::lang::go::siblings::type_name(file, ty)?.to_string())
        }
        None => None,
    };
    let dir = file.dir.unwrap_or(Path::new(""));
    Some((
        index,
        Declared {
            dir: dir.to_path_buf(),
            import_path: file.module().and_then(|m| m.import_path_of(dir)),
            package: file.package.clone(),
            receiver,
            name: name.to_string(),
        },
    ))
}

/// Whether a function declares an `error` result (or one of a type named `…Error`,
/// `*iamError`). One that returns none cannot tell its callers that its work stopped: a
/// getter maps a failure to a default (containerd's `SnapshotService(name)` falls back to the
/// default snapshotter, loki's `Size()` reads a cached value), a procedure is best-effort or
/// must finish anyway (publishing events, hooks, invalidating a cache). Cancelling it would
/// turn the caller's cancellation into a wrong value or a silently skipped step, so its root
/// is taken as deliberate.
fn returns_error(file: &GoFile<'_>, function: Node<'_>) -> bool {
    let Some(result) = function.child_by_field_name("result") else {
        return false;
    };
    let is_error = |ty: Node<'_>| {
        let written = file.text(ty).trim_start_matches('*');
        let name = written.rsplit('.').next().unwrap_or(written);
        name == "error" || name.ends_with("Error")
    };
    match result.kind() {
        "parameter_list" => crate::lang::go::parameters(result).any(|p| is_error(p.ty)),
        _ => is_error(result),
    }
}

/// Whether a function is an error constructor: named `…Error`, `…Errorf` or `…Err`, with an
/// error as its only result (boundary's `handlers.InvalidArgumentErrorf(msg, fields)
/// *ApiError`). It builds an error value; a root it starts feeds the reporting of that error
/// (an event, a log), not work of the caller's.
fn error_constructor(file: &GoFile<'_>, function: Node<'_>, name: &str) -> bool {
    let named = new_root::words(name)
        .last()
        .is_some_and(|w| matches!(w.as_str(), "error" | "errorf" | "err"));
    let single = function.child_by_field_name("result").is_some_and(|r| {
        r.kind() != "parameter_list" || crate::lang::go::parameters(r).count() == 1
    });
    named && single && returns_error(file, function)
}

/// Whether the root is handed to a call that also gets a func literal calling a func-typed
/// parameter of the function (`WithClient(addr string, fn func(Client) error)` made of
/// `pb.WithGrpcClient(context.Background(), addr, func(conn *grpc.ClientConn) error { return
/// fn(NewClient(conn)) })`): the root only bounds the connection; the work is the caller's
/// callback, with whatever context the caller gives it.
fn runs_callback_parameter(file: &GoFile<'_>, function: Node<'_>, root: Node<'_>) -> bool {
    let Some(list) = function.child_by_field_name("parameters") else {
        return false;
    };
    let callbacks: Vec<&str> = crate::lang::go::parameters(list)
        .filter(|p| p.ty.kind() == "function_type")
        .filter_map(|p| p.name.map(|n| file.text(n)))
        .collect();
    let Some(arguments) = root.parent().filter(|a| a.kind() == "argument_list") else {
        return false;
    };
    named_children(arguments)
        .filter(|a| a.kind() == "func_literal")
        .any(|literal| {
            callbacks.iter().any(|name| {
                crate::lang::tokens(literal, name, file.source).any(|t| {
                    t.kind() == "identifier"
                        && t.parent().is_some_and(|p| {
                            p.kind() == "call_expression"
                                && p.child_by_field_name("function") == Some(t)
                        })
                })
            })
        })
}

/// Whether the root is wrapped in `context.WithoutCancel(…)`
/// (`container.CheckpointTo(context.WithoutCancel(context.TODO()), …)`): the author states the
/// work must not be cancelled, so a caller's cancellation is not meant to reach it.
fn made_uncancellable(file: &GoFile<'_>, root: Node<'_>) -> bool {
    root.parent()
        .filter(|a| a.kind() == "argument_list")
        .and_then(|a| a.parent())
        .is_some_and(|call| {
            matches!(
                file.callee(call),
                Some(crate::lang::go::Callee::Package {
                    path: "context",
                    name: "WithoutCancel"
                })
            )
        })
}

/// Whether the root only carries a value to a call that reads it back
/// (`tenant.TenantIDs(user.InjectOrgID(context.TODO(), orgID))`, dskit's way of parsing an
/// org ID): the root is the first argument of `context.WithValue` or of an `Inject…` call, and
/// that call's result goes straight to a reader (`…FromContext`, `Extract…`, `TenantID`,
/// `TenantIDs`). Nothing there can be cancelled.
fn read_back(file: &GoFile<'_>, root: Node<'_>) -> bool {
    let Some(carrier) = call_with_argument(root).filter(|c| {
        let name = new_root::function_name(file, *c);
        name == "WithValue" || name.starts_with("Inject")
    }) else {
        return false;
    };
    call_with_argument(carrier).is_some_and(|reader| {
        let name = new_root::function_name(file, reader);
        name.ends_with("FromContext")
            || name.starts_with("Extract")
            || matches!(name, "TenantID" | "TenantIDs")
    })
}

/// Whether the root is the context of a request clone that is only written out
/// (`cloned := req.Clone(context.Background())` then `cloned.Write(&buf)`, to hash or log the
/// request): no request is sent with it, so nothing can be cancelled.
fn only_serialised(file: &GoFile<'_>, root: Node<'_>, function: Node<'_>) -> bool {
    let Some(clone) =
        call_with_argument(root).filter(|c| new_root::function_name(file, *c) == "Clone")
    else {
        return false;
    };
    let Some(declaration) = clone
        .parent()
        .filter(|l| l.kind() == "expression_list")
        .and_then(|l| l.parent())
        .filter(|s| s.kind() == "short_var_declaration")
        .and_then(|s| s.child_by_field_name("left"))
        .and_then(|left| named_children(left).next())
    else {
        return false;
    };
    let uses: Vec<Node<'_>> = crate::lang::go::references(function, declaration, file.source)
        .into_iter()
        .filter(|n| *n != declaration)
        .collect();
    !uses.is_empty()
        && uses.iter().all(|used| {
            used.parent()
                .filter(|p| {
                    p.kind() == "selector_expression"
                        && p.child_by_field_name("operand") == Some(*used)
                })
                .and_then(|p| p.child_by_field_name("field"))
                .is_some_and(|f| matches!(file.text(f), "Write" | "WriteProxy"))
        })
}

/// The call that has `node` as one of its arguments.
fn call_with_argument(node: Node<'_>) -> Option<Node<'_>> {
    node.parent()
        .filter(|a| a.kind() == "argument_list")
        .and_then(|a| a.parent())
        .filter(|c| c.kind() == "call_expression")
}

/// Whether the root is made in the func literal of a `sync.Once`'s `Do` (`p.resolveOnce.Do(func()
/// { … })`): its result is shared by every caller, so no one caller's context may cancel it.
fn in_once(file: &GoFile<'_>, call: Node<'_>, function: Node<'_>) -> bool {
    crate::lang::ancestors(call)
        .take_while(|a| *a != function)
        .filter(|a| a.kind() == "func_literal")
        .filter_map(|literal| literal.parent()?.parent())
        .filter(|c| c.kind() == "call_expression")
        .filter_map(|c| c.child_by_field_name("function"))
        .filter(|f| f.kind() == "selector_expression")
        .any(|f| {
            let field = f.child_by_field_name("field").map(|n| file.text(n));
            let operand = f.child_by_field_name("operand").map(|n| file.text(n));
            field == Some("Do")
                && operand.is_some_and(|o| {
                    let last = o.rsplit('.').next().unwrap_or(o);
                    last.to_ascii_lowercase().contains("once")
                })
        })
}
