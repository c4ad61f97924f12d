//! `goroutine-outlives-context`: a request handler starts a goroutine that works with the
//! request's context and can return without waiting for it. The server cancels that context
//! as soon as the handler returns, so the goroutine's work fails halfway.
//!
//! Only contexts that are certainly cancelled when the function returns are considered:
//! - the request context of an HTTP handler: `r.Context()` of an `*http.Request` parameter
//!   (gin's `c.Request.Context()`, echo's `c.Request().Context()`), and local variables bound
//!   from it (`ctx := r.Context()`, `ctx, cancel := context.WithTimeout(r.Context(), d)`);
//! - the `ctx` of a gRPC unary handler: a method `(ctx context.Context, req *pb.XRequest)
//!   (*pb.XResponse, error)`, and variables bound from it.
//!
//! A plain `ctx context.Context` parameter is not: a long-lived `Run(ctx)` that starts workers
//! meant to stop with `ctx` is the normal, correct pattern.
//!
//! The goroutine "uses" the context when it passes it to a call (work that the cancellation
//! interrupts) — not a logging or tracing call, not `context.WithoutCancel(ctx)` — or passes it
//! to the function it runs. Watching it (`<-ctx.Done()`, `ctx.Err()`) is how a goroutine stops
//! with the request: not a use. A named function of the file that only watches its context
//! parameter, or only carries its values ([`context_values`]: logging, metrics, value getters,
//! a function of the file that only does that), is not a use either; nor is a function of the
//! package declared in another file that detaches it at once (looked up in the package's
//! other files, [`crate::lang::go::detached`], only for a goroutine about to be reported).
//!
//! The handler waits for the goroutine on a path when it calls `Wait()` (a `sync.WaitGroup`, an
//! errgroup), receives from or ranges over a channel the goroutine sends on or closes (or that
//! is passed to it), or waits for the request's context to be done; or calls a method of the
//! file whose body does so on a field of its receiver that the goroutine's methods close or
//! send on (`es.waitForExit()` with `<-es.exited`, and `close(es.exited)` in the goroutine's).
//! The finding needs one path from the `go` statement to a return (or the end of the handler)
//! without any of them.

use tree_sitter::Node;

use super::{context_values, Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::cfg::{Cfg, End};
use crate::lang::go::{self, GoFile};
use crate::lang::{named_children, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "goroutine-outlives-context",
    title: "a goroutine uses a request's context that is cancelled when the handler returns",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    // The handler has the `go` statement, the context (`r.Context()`, `c.Request.Context()`,
    // gRPC's `ctx context.Context`) and the parameter of a request type: an HTTP handler's
    // (`*http.Request`, `*gin.Context`, ...) or a gRPC request's, whose type ends in
    // `Request`, in the method's parameter list (checked last: it reads the text back).
    needles: &[],
    function_needles: &[
        &[Needle::Statement("go")],
        &[Needle::Text("Context")],
        &[Needle::RequestType, Needle::Parameter("Request")],
    ],
    test_files: true,
    doc: include_str!("../../rules/goroutine-outlives-context.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Only a function with a `go` statement of its own can start a goroutine that outlives it.
    // (The innermost function node itself: the model's list of functions, with their
    // parameters' types, would be built for this file only to find it.)
    let statements = file
        .go_statements()
        .iter()
        .map(|&statement| (statement, ()));
    for (function, _) in go::by_innermost_function(statements) {
        check_function(file, function, out);
    }
}

/// What cancels the context when the function returns.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    HttpHandler,
    GrpcHandler,
}

/// The request's context in one handler: the parameter it comes from, the expression that
/// yields it (`r.Context()`, or the `ctx` parameter itself) and the local variables bound from
/// it.
struct RequestContext<'t> {
    scope: Scope,
    param: Node<'t>,
    /// For HTTP handlers, the expression template with `{}` for the parameter's name.
    expression: Option<String>,
    /// Declarations of variables that hold the request's context (the gRPC `ctx` parameter
    /// included).
    variables: Vec<Node<'t>>,
    /// Assignments to those variables, in source order: the declaration, where the
    /// assignment starts, and whether the new value still comes from the request
    /// (`ctx, cancel = context.WithCancel(context.Background())` detaches what follows).
    assignments: Vec<(Node<'t>, usize, bool)>,
}

fn check_function<'a>(file: &GoFile<'a>, function: Node<'a>, out: &mut Vec<Diagnostic>) {
    let Some(body) = function.child_by_field_name("body") else {
        return;
    };
    let Some(request) = request_context(file, function) else {
        return;
    };
    let mut statements = Vec::new();
    walk_tree(body, |node| match node.kind() {
        "func_literal" => false,
        "go_statement" => {
            statements.push(node);
            false
        }
        _ => true,
    });
    let never_returns = |call: Node<'a>| file.never_returns(call);
    let mut cfg = None;
    let tied = tied_to_handler(file, function, body);
    for statement in statements {
        // A goroutine that writes the response, or uses what the handler closes when it
        // returns, is meant to end with the handler.
        if file.mentions_any(statement, &tied) {
            continue;
        }
        let Uses { mut uses, unseen } = context_uses(file, &request, statement);
        if uses.is_empty() {
            continue;
        }
        let graph = cfg.get_or_insert_with(|| Cfg::build(function, file.source, &never_returns));
        let Some(graph) = graph.as_ref() else {
            return;
        };
        let Some(exit) = unwaited_exit(file, graph, &request, statement) else {
            continue;
        };
        // Only now, with a finding at hand, the arguments handed to a function declared in
        // another file: one that detaches its parameter at once does no work with it.
        if let Some((call, arguments)) = unseen {
            uses.retain(|u| {
                arguments
                    .iter()
                    .find(|(a, _)| a == u)
                    .is_none_or(|(_, index)| !detached_in_package(file, call, *index))
            });
        }
        let Some(&first) = uses.first() else {
            continue;
        };
        out.push(diagnostic(file, &request, statement, first, &uses, exit));
    }
}

/// The declarations of what ends with the handler: its `http.ResponseWriter` parameters and
/// the variables it closes in a `defer` (`defer conn.Close()`).
fn tied_to_handler<'t>(file: &GoFile<'_>, function: Node<'t>, body: Node<'t>) -> Vec<Node<'t>> {
    let mut tied: Vec<Node<'t>> = go::function_parameters(function)
        .filter(|p| file.text(p.ty).ends_with("ResponseWriter"))
        .filter_map(|p| p.name)
        .collect();
    walk_tree(body, |node| {
        if node.kind() == "func_literal" {
            return false;
        }
        if node.kind() == "defer_statement" {
            let closed = named_children(node)
                .find(|c| c.kind() == "call_expression")
                .and_then(|call| call.child_by_field_name("function"))
                .filter(|f| f.kind() == "selector_expression")
                .filter(|f| {
                    f.child_by_field_name("field")
                        .is_some_and(|n| file.text(n) == "Close")
                })
                .and_then(|f| f.child_by_field_name("operand"))
                .filter(|o| o.kind() == "identifier")
                .and_then(|o| go::declaration_of(o, file.source));
            tied.extend(closed);
            return false;
        }
        true
    });
    tied
}

/// The request context of `function`, when it is an HTTP or gRPC unary handler.
fn request_context<'t>(file: &GoFile<'_>, function: Node<'t>) -> Option<RequestContext<'t>> {
    let params: Vec<go::Param<'t>> = go::function_parameters(function).collect();
    let mut request = None;
    for param in &params {
        let Some(name) = param.name.filter(|n| file.text(*n) != "_") else {
            continue;
        };
        if let Some(handler) = file.handler_type(param.ty) {
            // Contexts passed in as such are the caller's; fiber's user context
            // (`c.UserContext()`, whose name merely ends in `Context`) is not cancelled with
            // the request: only the request's own `….Context()` is.
            if handler.context.ends_with(".Context()") {
                request = Some(RequestContext {
                    scope: Scope::HttpHandler,
                    param: name,
                    expression: Some(handler.context.clone()),
                    variables: Vec::new(),
                    assignments: Vec::new(),
                });
                break;
            }
        }
    }
    if request.is_none() && is_grpc_unary_handler(file, function, &params) {
        let name = params[0].name?;
        request = Some(RequestContext {
            scope: Scope::GrpcHandler,
            param: name,
            expression: None,
            variables: vec![name],
            assignments: Vec::new(),
        });
    }
    let mut request = request?;
    let body = function.child_by_field_name("body")?;
    // Variables bound from the request's context, in order (`ctx := r.Context()`, then
    // `ctx, cancel := context.WithTimeout(ctx, d)`).
    walk_tree(body, |node| {
        if node.kind() == "func_literal" {
            return false;
        }
        if node.kind() == "short_var_declaration" || node.kind() == "assignment_statement" {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return true;
            };
            let from_request = yields_request_context(file, &request, right);
            for target in named_children(left).filter(|t| t.kind() == "identifier") {
                let Some(declaration) = go::declaration_of(target, file.source) else {
                    continue;
                };
                let known = request.variables.contains(&declaration);
                if known && declaration != target {
                    request
                        .assignments
                        .push((declaration, node.start_byte(), from_request));
                }
                let name = file.text(target);
                let named_like_a_context = name.to_ascii_lowercase().contains("ctx") || name == "c";
                if from_request && named_like_a_context && !known {
                    request.variables.push(declaration);
                }
            }
        }
        true
    });
    Some(request)
}

/// An exported method shaped like a gRPC unary handler: `(ctx context.Context, req
/// *pkg.NameRequest) (*pkg.Type, error)`.
fn is_grpc_unary_handler(file: &GoFile<'_>, function: Node<'_>, params: &[go::Param<'_>]) -> bool {
    let exported = go::function_name(function, file.source)
        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
    if function.kind() != "method_declaration" || params.len() != 2 || !exported {
        return false;
    }
    let request_type = |ty: Node<'_>| {
        ty.kind() == "pointer_type"
            && named_children(ty).next().is_some_and(|inner| {
                inner.kind() == "qualified_type"
                    && inner
                        .child_by_field_name("name")
                        .is_some_and(|n| file.text(n).ends_with("Request"))
            })
    };
    let results = function
        .child_by_field_name("result")
        .filter(|r| r.kind() == "parameter_list")
        .map(|r| go::parameters(r).map(|p| p.ty).collect::<Vec<_>>())
        .unwrap_or_default();
    file.is_context_type(params[0].ty)
        && params[0].name.is_some_and(|n| file.text(n) != "_")
        && request_type(params[1].ty)
        && results.len() == 2
        && results[0].kind() == "pointer_type"
        && named_children(results[0])
            .next()
            .is_some_and(|t| t.kind() == "qualified_type")
        && file.text(results[1]) == "error"
}

/// Whether an expression yields the request's context or a context derived from it:
/// `r.Context()`, a request context variable, or a call that takes one of them
/// (`context.WithTimeout(ctx, d)`, `metadata.NewOutgoingContext(ctx, md)`) — but not
/// `context.WithoutCancel(...)`.
fn yields_request_context(
    file: &GoFile<'_>,
    request: &RequestContext<'_>,
    value: Node<'_>,
) -> bool {
    let value = match value.kind() {
        "expression_list" if value.named_child_count() == 1 => match value.named_child(0) {
            Some(v) => v,
            None => return false,
        },
        _ => value,
    };
    if is_request_expression(file, request, value) {
        return true;
    }
    match value.kind() {
        "identifier" => is_context_reference(file, request, value),
        "call_expression" => {
            if is_detach(file, value) {
                return false;
            }
            value.child_by_field_name("arguments").is_some_and(|args| {
                named_children(args).any(|a| yields_request_context(file, request, a))
            })
        }
        _ => false,
    }
}

/// `r.Context()` (or the handler type's own expression) on the handler's parameter.
fn is_request_expression(file: &GoFile<'_>, request: &RequestContext<'_>, node: Node<'_>) -> bool {
    let Some(template) = &request.expression else {
        return false;
    };
    if node.kind() != "call_expression" {
        return false;
    }
    let name = file.text(request.param);
    if file.text(node) != template.replace("{}", name) {
        return false;
    }
    // The parameter, not a shadowing variable of the same name.
    let mut root = node;
    while let Some(inner) = root
        .child_by_field_name("function")
        .or_else(|| root.child_by_field_name("operand"))
    {
        root = inner;
    }
    go::declaration_of(root, file.source) == Some(request.param)
}

/// `context.WithoutCancel(...)`: a detached context.
fn is_detach(file: &GoFile<'_>, call: Node<'_>) -> bool {
    file.calls_package(call, go::CONTEXT_PATHS) == Some("WithoutCancel")
}

/// Where the goroutine of a `go` statement passes the request's context to a call.
struct Uses<'t> {
    /// In source order.
    uses: Vec<Node<'t>>,
    /// The statement's call, when it runs a function not declared in the file (`f(...)`,
    /// `x.m(...)`), and the arguments of `uses` it is handed, each with its index: whether
    /// that function detaches them is asked only of a finding (see [`detached_in_package`]).
    unseen: Option<(Node<'t>, Vec<(Node<'t>, usize)>)>,
}

/// Where the goroutine of `statement` passes the request's context to a call.
fn context_uses<'t>(
    file: &GoFile<'t>,
    request: &RequestContext<'t>,
    statement: Node<'t>,
) -> Uses<'t> {
    let none = Uses {
        uses: Vec::new(),
        unseen: None,
    };
    let Some(call) = named_children(statement).find(|c| c.kind() == "call_expression") else {
        return none;
    };
    let Some(function) = call.child_by_field_name("function") else {
        return none;
    };
    let mut uses = Vec::new();
    let mut unseen = Vec::new();
    let arguments: Vec<Node<'t>> = call
        .child_by_field_name("arguments")
        .map(|a| {
            named_children(a)
                .filter(|n| n.kind() != "comment")
                .collect()
        })
        .unwrap_or_default();
    for (index, argument) in arguments.iter().enumerate() {
        if !is_context_reference(file, request, *argument) {
            continue;
        }
        let callee = match function.kind() {
            "func_literal" => Some(function),
            _ => declared_callee(file, call),
        };
        // A function we can read that does no work with its context parameter (it watches
        // it, or takes only its values) is not cut short by the cancellation.
        let watcher = callee.is_some_and(|callee| {
            go::function_parameters(callee)
                .nth(index)
                .and_then(|p| p.name)
                .is_some_and(|p| only_watches(file, callee, p))
        });
        if !watcher {
            uses.push(*argument);
            if callee.is_none() {
                unseen.push((*argument, index));
            }
        }
    }
    if function.kind() == "func_literal" {
        // Work after `<-ctx.Done()` runs once the request is over by design: cleanup that
        // does not depend on the context being live, not work the cancellation cuts short.
        let watched_until = waits_for_done(file, request, function);
        walk_tree(function, |node| {
            if watched_until.is_some_and(|end| node.start_byte() >= end) {
                return false;
            }
            if is_context_reference(file, request, node) && passed_to_work(file, node) {
                uses.push(node);
                return false;
            }
            true
        });
    }
    uses.sort_by_key(|n| n.start_byte());
    uses.dedup();
    Uses {
        uses,
        unseen: (!unseen.is_empty()).then_some((call, unseen)),
    }
}

/// The end of the first statement of the literal's body that waits for the request's
/// context to be done (`<-ctx.Done()`).
fn waits_for_done(
    file: &GoFile<'_>,
    request: &RequestContext<'_>,
    literal: Node<'_>,
) -> Option<usize> {
    let body = literal.child_by_field_name("body")?;
    let statements = named_children(body)
        .find(|c| c.kind() == "statement_list")
        .unwrap_or(body);
    named_children(statements)
        .find(|statement| {
            statement.kind() == "expression_statement"
                && statement
                    .named_child(0)
                    .filter(|e| e.kind() == "unary_expression")
                    .filter(|e| {
                        e.child_by_field_name("operator")
                            .is_some_and(|o| file.text(o) == "<-")
                    })
                    .and_then(|e| e.child_by_field_name("operand"))
                    .is_some_and(|operand| is_done_of_request(file, request, operand))
        })
        .map(|statement| statement.end_byte())
}

/// A reference to the request's context: a variable holding it, or `r.Context()`.
fn is_context_reference(file: &GoFile<'_>, request: &RequestContext<'_>, node: Node<'_>) -> bool {
    match node.kind() {
        "identifier" => go::declaration_of(node, file.source).is_some_and(|d| {
            request.variables.contains(&d) && still_from_request(request, d, node.start_byte())
        }),
        "call_expression" => is_request_expression(file, request, node),
        _ => false,
    }
}

/// Whether the last assignment to `declaration` before `at`, if any, keeps the request's
/// context in it.
fn still_from_request(request: &RequestContext<'_>, declaration: Node<'_>, at: usize) -> bool {
    request
        .assignments
        .iter()
        .rfind(|(d, start, _)| *d == declaration && *start < at)
        .is_none_or(|(_, _, from_request)| *from_request)
}

/// Whether a context reference is an argument of a call that does work with it: not
/// `context.WithoutCancel`, not a call that only carries the context's values (a logging,
/// tracing or metrics call, a getter of a value, a function of this file that only hands its
/// parameter to those: [`context_values`]).
fn passed_to_work<'t>(file: &GoFile<'t>, reference: Node<'t>) -> bool {
    let Some(call) = reference
        .parent()
        .filter(|p| p.kind() == "argument_list")
        .and_then(|a| a.parent())
        .filter(|c| c.kind() == "call_expression")
    else {
        return false;
    };
    !is_detach(file, call)
        && !context_values::reads_values(file, reference, true)
        && !is_unseen_context_wrapper(file, call)
}

/// A context constructor of the package declared in another file (`NewCancelContext(ctx, ch)`):
/// such wrappers often keep only the parent's values and take cancellation from elsewhere, and
/// one file does not tell.
fn is_unseen_context_wrapper<'t>(file: &GoFile<'t>, call: Node<'t>) -> bool {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "identifier")
        .is_some_and(|f| {
            let name = file.text(f);
            (name.ends_with("Context") || name.ends_with("Ctx"))
                && go::declaration_of(f, file.source).is_none()
                && declared_callee(file, call).is_none()
        })
}

/// Whether `function` never works with its parameter `param`: it only watches it
/// (`p.Done()`, `p.Err()`), reads values from it, or hands it to logging and tracing.
fn only_watches<'t>(file: &GoFile<'t>, function: Node<'t>, param: Node<'t>) -> bool {
    function.child_by_field_name("body").is_some()
        && go::references(function, param, file.source)
            .into_iter()
            .filter(|r| *r != param)
            .all(|r| !passed_to_work(file, r))
}

/// Whether `call` runs a function of the package declared in another file (`f(...)`, or
/// `x.m(...)` with `x` of a type of the package) that detaches its parameter `index` at once
/// (`context.WithoutCancel`): see [`crate::lang::go::detached`]; known only when the file's
/// directory is. The directory's files are read the first time it is asked about.
fn detached_in_package(file: &GoFile<'_>, call: Node<'_>, index: usize) -> bool {
    let index_of = &file.settings.detached;
    let (Some(dir), Some(function)) = (file.dir, call.child_by_field_name("function")) else {
        return false;
    };
    if index_of.is_empty() {
        return false;
    }
    match function.kind() {
        "identifier" => {
            go::declaration_of(function, file.source).is_none()
                && index_of.detaches(dir, &file.package, None, file.text(function), index)
        }
        "selector_expression" => {
            let (Some(operand), Some(field)) = (
                function.child_by_field_name("operand"),
                function.child_by_field_name("field"),
            ) else {
                return false;
            };
            if matches!(file.callee(call), Some(go::Callee::Package { .. })) {
                return false;
            }
            match file.type_of(operand) {
                Some(go::types::TypeRef::Local(receiver)) => {
                    index_of.detaches(dir, &file.package, Some(&receiver), file.text(field), index)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The one function (`f(...)`) or method (`x.f(...)`) of this file a call can mean.
fn declared_callee<'t>(file: &GoFile<'t>, call: Node<'t>) -> Option<Node<'t>> {
    super::abandoned_sender::declared_callee(file, call)
}

/// Where the handler ends without waiting for the goroutine of `statement`.
enum Exit<'t> {
    Return(Node<'t>),
    FallsOff(Node<'t>),
}

fn unwaited_exit<'t>(
    file: &GoFile<'t>,
    cfg: &Cfg<'t>,
    request: &RequestContext<'t>,
    statement: Node<'t>,
) -> Option<Exit<'t>> {
    let signals = signals(file, statement);
    let waits = |node: Node<'t>| {
        let mut found = false;
        walk_tree(node, |n| {
            if found || n.kind() == "func_literal" {
                return false;
            }
            found = match n.kind() {
                "unary_expression" => {
                    n.child_by_field_name("operator")
                        .is_some_and(|o| file.text(o) == "<-")
                        && n.child_by_field_name("operand").is_some_and(|operand| {
                            signals.iter().any(|s| s == file.text(operand))
                                || is_done_of_request(file, request, operand)
                        })
                }
                "range_clause" => n
                    .child_by_field_name("right")
                    .is_some_and(|r| signals.iter().any(|s| s == file.text(r))),
                // `wg.Wait()`, `g.Wait()`; a call handed a channel the goroutine feeds
                // (`streamResponse(c, ch)` drains it); or a method of this file that waits
                // (`es.waitForExit()`).
                "call_expression" => {
                    n.child_by_field_name("function")
                        .filter(|f| f.kind() == "selector_expression")
                        .and_then(|f| f.child_by_field_name("field"))
                        .is_some_and(|f| file.text(f) == "Wait")
                        || n.child_by_field_name("arguments").is_some_and(|args| {
                            named_children(args).any(|a| {
                                a.kind() == "identifier"
                                    && signals.iter().any(|s| s == file.text(a))
                            })
                        })
                        || waits_through_method(file, n, &signals)
                }
                _ => false,
            };
            !found
        });
        found
    };
    // A goroutine the handler waits for on some path computes part of its answer: when the
    // handler returns early (an error from another part), cancelling it is right. Only a
    // goroutine no path waits for is fire-and-forget work.
    let (start, index) = cfg.locate(statement)?;
    let mut exit = None;
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![(start, index + 1)];
    while let Some((b, from)) = stack.pop() {
        let block = &cfg.blocks[b];
        if block.nodes.iter().skip(from).any(|n| waits(*n)) {
            return None;
        }
        match block.end {
            End::Return(r) => {
                exit.get_or_insert(Exit::Return(r));
                continue;
            }
            End::Exit(body) => {
                exit.get_or_insert(Exit::FallsOff(body));
                continue;
            }
            End::NoReturn(_) => continue,
            End::Next => {}
        }
        for &s in block.succs.iter().rev() {
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        }
    }
    exit
}

/// `ctx.Done()` of the request's context: the handler waits for the request to end.
fn is_done_of_request(file: &GoFile<'_>, request: &RequestContext<'_>, operand: Node<'_>) -> bool {
    operand
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .is_some_and(|f| {
            f.child_by_field_name("field")
                .is_some_and(|n| file.text(n) == "Done")
                && f.child_by_field_name("operand")
                    .is_some_and(|o| is_context_reference(file, request, o))
        })
}

/// What the goroutine signals on, as written in the handler: channels it sends on or closes,
/// the channels passed to the function it runs, and the channel fields that the methods of
/// this file it calls (`es.outboxWriteLoop(...)`, `es.exit()`) close or send on through their
/// receiver, written on the operand of the call (`es.openUntilExit`).
fn signals<'t>(file: &GoFile<'t>, statement: Node<'t>) -> Vec<String> {
    let mut found = Vec::new();
    walk_tree(statement, |node| {
        match node.kind() {
            "send_statement" => {
                if let Some(channel) = node.child_by_field_name("channel") {
                    found.push(file.text(channel).to_string());
                }
            }
            "call_expression" => {
                let function = node.child_by_field_name("function");
                let arguments = node.child_by_field_name("arguments");
                if let (Some(f), Some(args)) = (function, arguments) {
                    let is_close = f.kind() == "identifier" && file.text(f) == "close";
                    let is_go_call = node.parent() == Some(statement);
                    if is_close {
                        found.extend(named_children(args).map(|a| file.text(a).to_string()));
                    } else if is_go_call {
                        found.extend(
                            named_children(args)
                                .filter(|a| is_channel_variable(file, *a))
                                .map(|a| file.text(a).to_string()),
                        );
                    }
                    if let Some((operand, method)) = method_call(file, node) {
                        let mut fields = Vec::new();
                        receiver_signals(file, method, &mut vec![method], &mut fields);
                        let operand = file.text(operand);
                        found.extend(fields.into_iter().map(|f| format!("{operand}.{f}")));
                    }
                }
            }
            _ => {}
        }
        true
    });
    found
}

/// `x.m(...)` where `m` is the one method of this file so named: the operand `x` and the
/// method's declaration.
fn method_call<'t>(file: &GoFile<'t>, call: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    let operand = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")?
        .child_by_field_name("operand")?;
    let method = declared_callee(file, call).filter(|m| m.kind() == "method_declaration")?;
    Some((operand, method))
}

/// The name of a method's receiver, when it has one.
fn receiver<'t>(method: Node<'t>) -> Option<Node<'t>> {
    go::parameters(method.child_by_field_name("receiver")?)
        .next()?
        .name
}

/// The field `f` of a selector `r.f` on the receiver `receiver` of the method around it.
fn receiver_field<'t>(file: &GoFile<'t>, receiver: Node<'_>, node: Node<'t>) -> Option<&'t str> {
    if node.kind() != "selector_expression" {
        return None;
    }
    let operand = node
        .child_by_field_name("operand")
        .filter(|o| o.kind() == "identifier")?;
    (go::declaration_of(operand, file.source) == Some(receiver))
        .then(|| node.child_by_field_name("field").map(|f| file.text(f)))
        .flatten()
}

/// The fields of its receiver that `method` closes or sends on (`close(es.openUntilExit)`),
/// itself or through the methods of this file it calls on the same receiver (`es.exit()`);
/// `seen` holds the methods already read.
fn receiver_signals<'t>(
    file: &GoFile<'t>,
    method: Node<'t>,
    seen: &mut Vec<Node<'t>>,
    fields: &mut Vec<&'t str>,
) {
    let (Some(receiver), Some(body)) = (receiver(method), method.child_by_field_name("body"))
    else {
        return;
    };
    let mut called = Vec::new();
    walk_tree(body, |node| {
        match node.kind() {
            "send_statement" => {
                fields.extend(
                    node.child_by_field_name("channel")
                        .and_then(|c| receiver_field(file, receiver, c)),
                );
            }
            "call_expression" => {
                let function = node.child_by_field_name("function");
                let arguments = node.child_by_field_name("arguments");
                if let (Some(f), Some(args)) = (function, arguments) {
                    if f.kind() == "identifier" && file.text(f) == "close" {
                        fields.extend(
                            named_children(args).filter_map(|a| receiver_field(file, receiver, a)),
                        );
                    } else if let Some((operand, callee)) = method_call(file, node) {
                        if go::declaration_of(operand, file.source) == Some(receiver) {
                            called.push(callee);
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    for callee in called {
        if !seen.contains(&callee) {
            seen.push(callee);
            receiver_signals(file, callee, seen, fields);
        }
    }
}

/// Whether `call` is `x.m()` of a method of this file whose body (outside func literals)
/// waits for what the goroutine signals on through the receiver: it receives from or ranges
/// over a channel field (`<-es.openUntilExit` for `es.waitForExit()`) the goroutine closes or
/// sends on as `x.<field>` (see [`signals`]), or calls `Wait()` on a field (`r.wg.Wait()`).
fn waits_through_method<'t>(file: &GoFile<'t>, call: Node<'t>, signals: &[String]) -> bool {
    let Some((operand, method)) = method_call(file, call) else {
        return false;
    };
    let (Some(receiver), Some(body)) = (receiver(method), method.child_by_field_name("body"))
    else {
        return false;
    };
    let operand = file.text(operand);
    let signalled = |channel: Node<'t>| {
        receiver_field(file, receiver, channel).is_some_and(|f| {
            // `{operand}.{f}`, as `signals` writes it, without building it per signal.
            signals
                .iter()
                .any(|s| s.strip_prefix(operand).and_then(|r| r.strip_prefix('.')) == Some(f))
        })
    };
    let mut found = false;
    walk_tree(body, |n| {
        if found || matches!(n.kind(), "func_literal" | "go_statement") {
            return false;
        }
        found = match n.kind() {
            "unary_expression" => {
                n.child_by_field_name("operator")
                    .is_some_and(|o| file.text(o) == "<-")
                    && n.child_by_field_name("operand").is_some_and(signalled)
            }
            "range_clause" => n.child_by_field_name("right").is_some_and(signalled),
            "call_expression" => n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "selector_expression")
                .is_some_and(|f| {
                    f.child_by_field_name("field")
                        .is_some_and(|w| file.text(w) == "Wait")
                        && f.child_by_field_name("operand")
                            .is_some_and(|o| receiver_field(file, receiver, o).is_some())
                }),
            _ => false,
        };
        !found
    });
    found
}

/// A variable declared with a channel type or bound from `make(chan ...)`.
fn is_channel_variable(file: &GoFile<'_>, node: Node<'_>) -> bool {
    node.kind() == "identifier"
        && go::declaration_of(node, file.source)
            .and_then(|d| d.parent())
            .and_then(|list| match list.kind() {
                "expression_list" => list.parent(),
                _ => Some(list),
            })
            .is_some_and(|declaration| {
                let text = file.text(declaration);
                text.contains("make(chan") || text.contains("chan ")
            })
}

fn diagnostic(
    file: &GoFile<'_>,
    request: &RequestContext<'_>,
    statement: Node<'_>,
    first: Node<'_>,
    uses: &[Node<'_>],
    exit: Exit<'_>,
) -> Diagnostic {
    let keyword = statement.child(0).unwrap_or(statement);
    let written = file.text(first);
    let (whose, returns) = match request.scope {
        Scope::HttpHandler => ("the request's context", "the handler returns"),
        Scope::GrpcHandler => ("the RPC's context", "the RPC handler returns"),
    };
    let exit_label = match exit {
        Exit::Return(r) => Label {
            span: Span::of(r),
            message: "this return does not wait for the goroutine".into(),
        },
        Exit::FallsOff(body) => Label {
            span: Span::new(body.end_byte().saturating_sub(1), body.end_byte()),
            message: "the handler ends here without waiting for the goroutine".into(),
        },
    };
    let detached = format!("context.WithoutCancel({written})");
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "this goroutine uses {whose}, which is cancelled as soon as {returns}, and nothing \
             waits for it: its work can fail halfway with \"context canceled\""
        ),
        span: Span::of(keyword),
        labels: vec![
            Label {
                span: Span::of(first),
                message: format!("`{written}` is used by the goroutine here"),
            },
            exit_label,
        ],
        help: format!(
            "if the work must finish, detach it from the cancellation and keep the values: \
             `{detached}`; otherwise wait for the goroutine before returning"
        ),
        fix: fix(file, uses),
    }
}

/// `context.WithoutCancel(<use>)` at every use: safe where the nearest `go.mod` says 1.21 or
/// later (it exists from then on) and the file imports `context` under a name not shadowed
/// at the uses.
fn fix(file: &GoFile<'_>, uses: &[Node<'_>]) -> Option<Fix> {
    if !file.module().is_some_and(|m| m.go_at_least(1, 21)) {
        return None;
    }
    let alias = context_alias(file)?;
    if uses.iter().any(|u| declares_name(file, *u, alias)) {
        return None;
    }
    Some(Fix {
        applicability: Applicability::Safe,
        message: "detach the goroutine's context with `context.WithoutCancel`".into(),
        edits: uses
            .iter()
            .map(|u| Edit {
                span: Span::of(*u),
                new_text: format!("{alias}.WithoutCancel({})", file.text(*u)),
            })
            .collect(),
    })
}

/// Whether a function around `node` declares `name` anywhere (a parameter, a result, a local):
/// then `name.WithoutCancel` might not mean the package there. Conservative on purpose.
fn declares_name(file: &GoFile<'_>, node: Node<'_>, name: &str) -> bool {
    let Some(outermost) = go::enclosing_functions(node).last() else {
        return false;
    };
    let mut found = false;
    walk_tree(outermost, |n| {
        if found {
            return false;
        }
        if n.kind() == "identifier"
            && file.text(n) == name
            && go::declaration_of(n, file.source) == Some(n)
        {
            found = true;
        }
        true
    });
    found
}

/// The name the file imports the standard `context` package under.
fn context_alias<'a>(file: &GoFile<'a>) -> Option<&'a str> {
    let root = file.tree.root_node();
    let mut alias = None;
    walk_tree(root, |node| {
        if alias.is_some() || node.kind() == "function_declaration" {
            return false;
        }
        if node.kind() == "import_spec" {
            let path = node
                .child_by_field_name("path")
                .map(|p| file.text(p).trim_matches('"'));
            if path == Some("context") {
                alias = match node.child_by_field_name("name") {
                    None => Some("context"),
                    Some(n) if n.kind() == "package_identifier" => Some(file.text(n)),
                    Some(_) => None,
                };
            }
            return false;
        }
        true
    });
    alias
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::lang::Language;

    const HANDLER: &str = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc \
                           publish(ctx context.Context) error\n\nfunc h(w http.ResponseWriter, r \
                           *http.Request) {\n\tctx := r.Context()\n\tgo publish(ctx)\n\tgo func() \
                           {\n\t\t_ = publish(r.Context())\n\t}()\n}\n";

    fn lint_in(dir: &std::path::Path, src: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let settings = crate::LintSettings::only(&[&super::RULE]);
        crate::lint_file(Language::Go, src, Some(&dir.join("h.go")), &settings).unwrap()
    }

    #[test]
    fn the_fix_detaches_each_use_when_go_mod_allows_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.21\n").unwrap();
        let found = lint_in(dir.path(), HANDLER);
        assert_eq!(found.len(), 2);
        let texts: Vec<String> = found
            .iter()
            .map(|d| {
                let fix = d.fix.as_ref().expect("a fix");
                assert_eq!(fix.applicability, Applicability::Safe);
                fix.edits.iter().map(|e| e.new_text.clone()).collect()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "context.WithoutCancel(ctx)",
                "context.WithoutCancel(r.Context())"
            ]
        );
    }

    #[test]
    fn no_fix_before_go_1_21_or_without_a_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.20\n").unwrap();
        let found = lint_in(dir.path(), HANDLER);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|d| d.fix.is_none()));
        let settings = crate::LintSettings::only(&[&super::RULE]);
        let found = crate::lint_file(Language::Go, HANDLER, None, &settings).unwrap();
        assert!(found.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn no_fix_when_the_file_does_not_import_context() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
        let src = "package p\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r \
                   *http.Request) {\n\tgo publish(r.Context())\n}\n";
        let found = lint_in(dir.path(), src);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }
}
