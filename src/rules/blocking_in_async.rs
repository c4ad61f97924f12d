//! `blocking-in-async`: a call that waits on something outside the program
//! (`std::thread::sleep`, a std socket connect/accept or DNS lookup, a child process,
//! `reqwest::blocking`, a std channel's `recv`) inside async code holds a runtime worker thread,
//! and every task scheduled on it stalls meanwhile.
//!
//! `std::fs` calls are not reported: on real trees nine in ten of them were one-off startup,
//! shutdown or CLI work that nobody would change (see the rule's documentation).

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lang::rust::{
    ancestors, attributes, cargo, comments_above, normalize, AsyncRuntime, RustFile,
};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "blocking-in-async",
    title: "a blocking std call inside async code stalls a runtime worker thread",
    language: Language::Rust,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &[&[
        Needle::Text("tokio"),
        Needle::Text("async_std"),
        Needle::Text("smol"),
    ]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/blocking-in-async.md"),
    check: Check::Rust(check),
};

/// What kind of blocking call it is: it decides the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sleep,
    Connect,
    Accept,
    Resolve,
    Process,
    Reqwest,
    Recv,
}

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let Some(runtime) = file.runtime else {
        return;
    };
    if file.is_test_file() || file.is_tool_file() {
        return;
    }
    // Where the file shows no other task, a blocking call stalls nothing that is visible:
    // command-line code, one-off helpers.
    let mut concurrent = None;
    let mut time_feature = None;
    for &call in &file.calls {
        // A std blocking function returns no future: an awaited call is something else.
        if call
            .parent()
            .is_some_and(|p| p.kind() == "await_expression")
        {
            continue;
        }
        let Some((kind, shown)) = blocking(file, call) else {
            continue;
        };
        let Some(context) = async_context(file, call) else {
            continue;
        };
        if file.is_test_code(call)
            || on_error_return(file, call)
            || acknowledged(file, call)
            || probes_runtime(file, call)
            || (kind == Kind::Resolve && resolves_address_to_bind(file, call))
        {
            continue;
        }
        // A std sleep has a drop-in async replacement: it is reported wherever it is. A call
        // that waits on the network (a DNS lookup, a connect, a blocking HTTP request) in a
        // `pub` async function is reported all the same: how long it blocks is up to a remote
        // host, and its callers live elsewhere.
        let anywhere = kind == Kind::Sleep
            || (matches!(kind, Kind::Resolve | Kind::Connect | Kind::Reqwest)
                && crate::lang::rust::enclosing_function(call).is_some_and(is_public));
        if !anywhere && !*concurrent.get_or_insert_with(|| file.runs_concurrently()) {
            continue;
        }
        let mut diagnostic = diagnostic(call, &shown, kind, runtime);
        if kind == Kind::Sleep && runtime == AsyncRuntime::Tokio && context.awaits {
            let has_time =
                *time_feature.get_or_insert_with(|| file.dir().is_some_and(cargo::tokio_has_time));
            if has_time {
                diagnostic.fix = sleep_fix(file, call);
            }
        }
        out.push(diagnostic);
    }
}

/// Whether a function is `pub` (`pub(crate)` and the like included).
fn is_public(function: Node<'_>) -> bool {
    named_children(function).any(|c| c.kind() == "visibility_modifier")
}

/// Whether a comment right above the call's statement, above a statement around it, or on its
/// function says the code blocks or is synchronous (`// glommio users should probably use a
/// non-blocking impl`): the author knows, and the finding would tell them nothing.
fn acknowledged(file: &RustFile<'_>, call: Node<'_>) -> bool {
    comments_above(file, call).into_iter().any(|comment| {
        comment
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                matches!(
                    word.to_ascii_lowercase().as_str(),
                    "blocking" | "synchronous" | "synchronously"
                )
            })
    })
}

/// Whether the call's function asks whether a runtime is running
/// (`tokio::runtime::Handle::try_current()`): its blocking path is the fallback for callers
/// outside any runtime, where it stalls no worker.
fn probes_runtime(file: &RustFile<'_>, call: Node<'_>) -> bool {
    crate::lang::rust::enclosing_function(call).is_some_and(|function| {
        file.calls_within(function).any(|other| {
            other
                .child_by_field_name("function")
                .is_some_and(|f| file.resolve(f).ends_with("Handle::try_current"))
        })
    })
}

/// Whether a lookup resolves the address a listener binds: its result is bound by `let` to a
/// name that a `bind(…)` call of the same function takes (`let addr = (host,
/// port).to_socket_addrs()?.next()…; … TcpListener::bind(addr)`). A listen address is local
/// configuration, resolved once before the server starts.
fn resolves_address_to_bind(file: &RustFile<'_>, call: Node<'_>) -> bool {
    let Some(declaration) = ancestors(call)
        .take_while(|a| !matches!(a.kind(), "block" | "function_item"))
        .find(|a| a.kind() == "let_declaration")
    else {
        return false;
    };
    let Some(pattern) = declaration
        .child_by_field_name("pattern")
        .filter(|p| p.kind() == "identifier")
    else {
        return false;
    };
    let name = file.text(pattern);
    let Some(function) = crate::lang::rust::enclosing_function(call) else {
        return false;
    };
    file.calls_within(function)
        .filter(|other| other.start_byte() > declaration.end_byte())
        .filter(|other| called_name(*other).is_some_and(|n| file.text(n) == "bind"))
        .filter_map(|other| other.child_by_field_name("arguments"))
        .any(|arguments| {
            named_children(arguments).any(|argument| {
                let argument = match argument.kind() {
                    "reference_expression" => named_children(argument).last(),
                    _ => Some(argument),
                };
                argument.is_some_and(|a| a.kind() == "identifier" && file.text(a) == name)
            })
        })
}

/// Whether a call is cleanup on the way out with an error: a block around it (within its
/// function, the body itself excepted) ends by returning an `Err` (`return Err(..)`,
/// `bail!(..)`, an `Err(..)` tail). It runs once per failure. A function whose body ends in
/// `Err(..)` (a retry loop that gives up) still runs the call on every attempt.
fn on_error_return(file: &RustFile<'_>, call: Node<'_>) -> bool {
    let fails = |statement: Node<'_>| {
        let expression = match statement.kind() {
            "expression_statement" => named_children(statement).next(),
            _ => Some(statement),
        };
        let Some(expression) = expression else {
            return false;
        };
        let value = match expression.kind() {
            "return_expression" => named_children(expression).next(),
            "macro_invocation" => {
                return crate::lang::rust::macro_name(expression, file.source) == Some("bail")
            }
            _ => Some(expression),
        };
        value.is_some_and(|v| {
            v.kind() == "call_expression"
                && v.child_by_field_name("function")
                    .is_some_and(|f| file.text(f) == "Err")
        })
    };
    for ancestor in ancestors(call) {
        match ancestor.kind() {
            "block"
                if !ancestor.parent().is_some_and(|p| {
                    matches!(
                        p.kind(),
                        "function_item" | "closure_expression" | "async_block"
                    )
                }) =>
            {
                let last = named_children(ancestor)
                    .filter(|s| !matches!(s.kind(), "line_comment" | "block_comment"))
                    .last();
                if last.is_some_and(fails) {
                    return true;
                }
            }
            "function_item" | "closure_expression" | "async_block" => return false,
            _ => {}
        }
    }
    false
}

/// The blocking call a call is, if any, and how to name it: the path as written for a
/// function, `Type::method` for a method.
fn blocking(file: &RustFile<'_>, call: Node<'_>) -> Option<(Kind, String)> {
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "identifier" | "scoped_identifier" => {
            function_kind(file, function).map(|k| (k, file.text(function).to_string()))
        }
        "field_expression" => {
            let method = file.text(function.child_by_field_name("field")?);
            let receiver = function.child_by_field_name("value")?;
            let (kind, ty) = method_kind(file, method, receiver)?;
            Some((kind, format!("{ty}::{method}")))
        }
        _ => None,
    }
}

/// A blocking function, by the path it resolves to.
fn function_kind(file: &RustFile<'_>, function: Node<'_>) -> Option<Kind> {
    match file.resolve(function).as_str() {
        "std::thread::sleep" | "std::thread::sleep_ms" => Some(Kind::Sleep),
        "std::net::TcpStream::connect" | "std::net::TcpStream::connect_timeout"
            if !for_binding(file, function) =>
        {
            Some(Kind::Connect)
        }
        "std::net::ToSocketAddrs::to_socket_addrs" => Some(Kind::Resolve),
        path if path.starts_with("reqwest::blocking::") => Some(Kind::Reqwest),
        _ => None,
    }
}

/// A blocking method call, by the type of its receiver as far as the file shows it; with the
/// name of that type.
fn method_kind(
    file: &RustFile<'_>,
    method: &str,
    receiver: Node<'_>,
) -> Option<(Kind, &'static str)> {
    if method == "to_socket_addrs" {
        // The trait must be imported for the method to resolve to it. Resolving the address
        // to listen on (a local, usually numeric address) looks nothing up on the network.
        return (file.imports("std::net::ToSocketAddrs", receiver) && !for_binding(file, receiver))
            .then_some((Kind::Resolve, "ToSocketAddrs"));
    }
    if method == "send"
        && chain_root_path(file, receiver).is_some_and(|p| p.starts_with("reqwest::blocking::"))
    {
        return Some((Kind::Reqwest, "RequestBuilder"));
    }
    let ty = file.type_of(receiver)?;
    match (ty.target().path()?, method) {
        ("std::sync::mpsc::Receiver", "recv" | "recv_timeout") => Some((Kind::Recv, "Receiver")),
        ("std::process::Command", "output" | "status") => Some((Kind::Process, "Command")),
        ("std::process::Child", "wait" | "wait_with_output") => Some((Kind::Process, "Child")),
        ("std::net::TcpListener", "accept" | "incoming") => Some((Kind::Accept, "TcpListener")),
        _ => None,
    }
}

/// Whether a call works on the local address to bind: inside the arguments of a `bind(...)`
/// call, or in a function named for binding or listening (`bind_tcp`, `try_bind`,
/// `start_listener`: the first or last word of its name). Resolving a listen address parses
/// it, and probing a local port answers at once.
fn for_binding(file: &RustFile<'_>, node: Node<'_>) -> bool {
    let binds = |name: &str| {
        let mut words = name.split('_').filter(|w| !w.is_empty());
        let is_binding = |w: &str| matches!(w, "bind" | "listen" | "listener");
        words.next().is_some_and(is_binding) || words.next_back().is_some_and(is_binding)
    };
    ancestors(node).any(|a| match a.kind() {
        "arguments" => a
            .parent()
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|f| binds(file.text(f).rsplit([':', '.']).next().unwrap_or(""))),
        "function_item" => a
            .child_by_field_name("name")
            .is_some_and(|n| binds(file.text(n))),
        _ => false,
    })
}

/// The path of the function call a method chain starts with: `Client::new().get(u)` →
/// `reqwest::blocking::Client::new`; for a chain on a variable, the path of its declared type.
fn chain_root_path(file: &RustFile<'_>, receiver: Node<'_>) -> Option<String> {
    let mut node = receiver;
    for _ in 0..32 {
        match node.kind() {
            "call_expression" => {
                let function = node.child_by_field_name("function")?;
                match function.kind() {
                    "field_expression" => node = function.child_by_field_name("value")?,
                    "identifier" | "scoped_identifier" => return Some(file.resolve(function)),
                    _ => return None,
                }
            }
            "try_expression" | "parenthesized_expression" | "reference_expression" => {
                node = named_children(node).last()?;
            }
            "identifier" | "field_expression" => {
                return file
                    .type_of(node)
                    .and_then(|t| t.target().path().map(str::to_string));
            }
            _ => return None,
        }
    }
    None
}

/// Where a call runs asynchronously.
struct AsyncContext {
    /// `.await` may be written at the call: its nearest function, closure or block is async.
    awaits: bool,
}

/// The async function, block or closure the call runs in, directly or through closures that
/// run in place (`iter.map(|x| ...)`); `None` when it runs on a thread of its own
/// (`spawn_blocking`, `block_in_place`, `std::thread::spawn`), in a synchronous function, in an
/// async block driven by `block_on`, or in a closure stored for later.
fn async_context(file: &RustFile<'_>, call: Node<'_>) -> Option<AsyncContext> {
    let mut awaits = true;
    for ancestor in ancestors(call) {
        match ancestor.kind() {
            "async_block" => {
                let driven = argument_of(file, ancestor, |name| name.ends_with("block_on"))
                    || in_blocking_executor(file, ancestor);
                return (!driven).then_some(AsyncContext { awaits });
            }
            "function_item" => {
                return (is_async_function(file, ancestor) && !is_runtime_root(file, ancestor))
                    .then_some(AsyncContext { awaits });
            }
            "closure_expression" => {
                if is_async_closure(file, ancestor) {
                    return Some(AsyncContext { awaits });
                }
                if argument_of(file, ancestor, runs_elsewhere)
                    || argument_of_awaited(ancestor)
                    || stored(ancestor)
                {
                    return None;
                }
                awaits = false;
            }
            "impl_item" | "trait_item" | "mod_item" | "const_item" | "static_item" => return None,
            _ => {}
        }
    }
    None
}

/// Whether an async block is made by a method of an `impl` that runs futures on threads of
/// their own: a synchronous runtime (`impl Runtime for NoAsync`, whose `spawn` is
/// `std::thread::spawn(move || futures_executor::block_on(future))`), whose `delay` may well
/// sleep. A runtime that merely offers a `block_on` (smol's, tokio's) does not count.
fn in_blocking_executor(file: &RustFile<'_>, block: Node<'_>) -> bool {
    let Some(item) = ancestors(block).find(|a| a.kind() == "impl_item") else {
        return false;
    };
    file.calls_within(item).any(|call| {
        called_name(call).is_some_and(|n| file.text(n) == "block_on")
            && ancestors(call)
                .take_while(|a| *a != item)
                .filter(|a| a.kind() == "closure_expression")
                .filter_map(call_taking)
                .filter_map(|spawn| spawn.child_by_field_name("function"))
                .any(|f| file.resolve(f).ends_with("thread::spawn"))
    })
}

/// The name a call calls: the method, the last segment of a path, or the function.
fn called_name(call: Node<'_>) -> Option<Node<'_>> {
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "field_expression" => function.child_by_field_name("field"),
        "scoped_identifier" => function.child_by_field_name("name"),
        "identifier" => Some(function),
        _ => None,
    }
}

/// Calls that run a closure argument on another thread, or in a blocking section.
fn runs_elsewhere(name: &str) -> bool {
    name.contains("blocking")
        || name.contains("block_in_place")
        || name.contains("unblock")
        || name.contains("spawn")
        || name.contains("scope")
        || name.contains("thread")
}

/// The call a closure or block is an argument of: directly, or as the value of a block
/// argument (`spawn_blocking({ let x = x.clone(); move || … })`).
fn call_taking<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let mut node = node;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "arguments" => return parent.parent(),
            "block" | "parenthesized_expression" if named_children(parent).last() == Some(node) => {
                node = parent
            }
            _ => return None,
        }
    }
}

/// Whether a closure is an argument of a call whose future is awaited
/// (`call_with_permit(move |p| std::fs::read(p)).await`): a function that takes a closure and
/// returns a future runs it elsewhere (`spawn_blocking` wrappers), or it would have no reason to
/// be async.
fn argument_of_awaited(closure: Node<'_>) -> bool {
    let Some(mut node) = call_taking(closure) else {
        return false;
    };
    // Through `?`, and method chains on the future (`.map_err(..)`, `.instrument(..)`).
    loop {
        let Some(parent) = node.parent() else {
            return false;
        };
        match parent.kind() {
            "await_expression" => return true,
            "try_expression" | "parenthesized_expression" => node = parent,
            "field_expression" => match parent.parent() {
                Some(call) if call.kind() == "call_expression" => node = call,
                _ => return false,
            },
            _ => return false,
        }
    }
}

/// Whether a closure or block is an argument of a call whose function or method name
/// satisfies `wanted`.
fn argument_of(file: &RustFile<'_>, node: Node<'_>, wanted: impl Fn(&str) -> bool) -> bool {
    let Some(call) = call_taking(node) else {
        return false;
    };
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let name = match function.kind() {
        "field_expression" => function.child_by_field_name("field"),
        "scoped_identifier" => function.child_by_field_name("name"),
        "generic_function" => function.child_by_field_name("function"),
        _ => Some(function),
    };
    name.is_some_and(|n| wanted(file.text(n)))
}

/// A closure bound to a variable or field: it runs whenever someone calls it.
fn stored(closure: Node<'_>) -> bool {
    closure.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "let_declaration" | "field_initializer" | "assignment_expression"
        )
    })
}

/// An async function whose body is the root future of a runtime, run by `block_on` before
/// anything else is spawned: `main` (and `async_main`, `real_main`: main in all but name) or a
/// function under `#[tokio::main]` (`#[async_std::main]`, …).
fn is_runtime_root(file: &RustFile<'_>, function: Node<'_>) -> bool {
    let named_main = function.child_by_field_name("name").is_some_and(|n| {
        let name = file.text(n);
        name == "main" || name.ends_with("_main") || name.starts_with("main_")
    });
    named_main
        || attributes(function).any(|a| {
            let attribute = normalize(file.text(a));
            attribute
                .split('(')
                .next()
                .is_some_and(|p| p.ends_with("::main"))
        })
}

fn is_async_function(file: &RustFile<'_>, function: Node<'_>) -> bool {
    named_children(function)
        .find(|c| c.kind() == "function_modifiers")
        .is_some_and(|m| file.text(m).split_whitespace().any(|w| w == "async"))
}

fn is_async_closure(file: &RustFile<'_>, closure: Node<'_>) -> bool {
    (0..closure.child_count())
        .filter_map(|i| closure.child(i))
        .take_while(|c| c.kind() != "closure_parameters")
        .any(|c| file.text(c) == "async")
}

fn diagnostic(call: Node<'_>, shown: &str, kind: Kind, runtime: AsyncRuntime) -> Diagnostic {
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{shown}` blocks the runtime's worker thread, so the other tasks on it stall until \
             it returns"
        ),
        span: Span::of(call),
        labels: Vec::new(),
        help: help(kind, runtime),
        fix: None,
    }
}

/// The async equivalent of a blocking call, per runtime.
fn help(kind: Kind, runtime: AsyncRuntime) -> String {
    let (rt, offload) = match runtime {
        AsyncRuntime::Tokio => ("tokio", "tokio::task::spawn_blocking"),
        AsyncRuntime::AsyncStd => ("async_std", "async_std::task::spawn_blocking"),
        AsyncRuntime::Smol => ("smol", "smol::unblock"),
    };
    match (kind, runtime) {
        (Kind::Sleep, AsyncRuntime::Tokio) => {
            "use `tokio::time::sleep(d).await`, which lets other tasks run meanwhile".into()
        }
        (Kind::Sleep, AsyncRuntime::AsyncStd) => {
            "use `async_std::task::sleep(d).await`, which lets other tasks run meanwhile".into()
        }
        (Kind::Sleep, AsyncRuntime::Smol) => {
            "use `smol::Timer::after(d).await`, which lets other tasks run meanwhile".into()
        }
        (Kind::Connect, _) => format!("use `{rt}::net::TcpStream::connect(addr).await`"),
        (Kind::Accept, _) => format!("use `{rt}::net::TcpListener` and `accept().await`"),
        (Kind::Resolve, AsyncRuntime::Tokio) => {
            "resolve with `tokio::net::lookup_host(addr).await`".into()
        }
        (Kind::Resolve, _) => format!("resolve inside `{offload}`"),
        (Kind::Process, _) => {
            format!("use `{rt}::process::Command` and `.output().await` / `.status().await`")
        }
        (Kind::Reqwest, _) => "use the async `reqwest::Client` and `.await` its requests".into(),
        (Kind::Recv, _) => format!(
            "use an async channel (`{}`) and `.recv().await`, or receive inside `{offload}`",
            match runtime {
                AsyncRuntime::Tokio => "tokio::sync::mpsc",
                AsyncRuntime::AsyncStd => "async_std::channel",
                AsyncRuntime::Smol => "smol::channel",
            }
        ),
    }
}

/// `std::thread::sleep(d)` → `tokio::time::sleep(d).await`: safe unless the rewrite leaves an
/// import unused (crates that deny warnings would stop building) or a value that is not `Send`
/// is alive across the new `.await` (a lock guard, a `RefCell` borrow, a tracing span guard:
/// the future could no longer be spawned).
fn sleep_fix(file: &RustFile<'_>, call: Node<'_>) -> Option<Fix> {
    let function = call.child_by_field_name("function")?;
    let orphans_import = orphans_import(file, call, function);
    let holds_guard = holds_guard(file, call);
    Some(Fix {
        applicability: if orphans_import || holds_guard {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: "sleep with `tokio::time::sleep(…).await`".into(),
        edits: vec![
            Edit {
                span: Span::of(function),
                new_text: "tokio::time::sleep".into(),
            },
            Edit {
                span: Span::empty(call.end_byte()),
                new_text: ".await".into(),
            },
        ],
    })
}

/// Whether rewriting this call's path leaves the `use` that brought its first segment in
/// scope unused: no other path or name in the file starts with that segment.
fn orphans_import(file: &RustFile<'_>, call: Node<'_>, function: Node<'_>) -> bool {
    let written = file.text(function);
    let first = written
        .trim_start_matches("::")
        .split("::")
        .next()
        .unwrap_or("");
    if first == "std" || !file.imports_name(first, function) {
        return false;
    }
    let mut others = false;
    crate::lang::walk_tree(file.tree.root_node(), |node| {
        if others || node.kind() == "use_declaration" {
            return false;
        }
        if node.kind() == "identifier"
            && file.text(node) == first
            && !(node.start_byte() >= call.start_byte() && node.end_byte() <= call.end_byte())
        {
            others = true;
        }
        true
    });
    !others
}

/// Whether a `let` before the call in its async body keeps a value that is not `Send` alive
/// across the call: a lock guard, a `RefCell` borrow, an entered tracing span, an `Rc`.
fn holds_guard(file: &RustFile<'_>, call: Node<'_>) -> bool {
    const NOT_SEND: &[&str] = &[
        ".lock()",
        ".read()",
        ".write()",
        ".borrow()",
        ".borrow_mut()",
        ".enter()",
        "Rc::",
    ];
    let mut child = call;
    for ancestor in ancestors(call) {
        if ancestor.kind() == "block" {
            let held = named_children(ancestor)
                .take_while(|s| s.end_byte() <= child.start_byte())
                .filter(|s| s.kind() == "let_declaration")
                .filter_map(|s| s.child_by_field_name("value"))
                .map(|v| file.text(v))
                .any(|value| {
                    NOT_SEND.iter().any(|n| value.contains(n))
                        && !value.trim_end_matches('?').ends_with(".await")
                });
            if held {
                return true;
            }
        }
        if matches!(
            ancestor.kind(),
            "async_block" | "function_item" | "closure_expression"
        ) {
            break;
        }
        child = ancestor;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::LintSettings;

    /// Lints `source` as `src/lib.rs` of a package whose manifest says `manifest`, with
    /// `root` as the workspace root's manifest when given; returns the fixed source (safe
    /// fixes only) and the applicability of every fix offered.
    fn fix(manifest: &str, root: Option<&str>, source: &str) -> (String, Vec<Applicability>) {
        let dir = tempfile::tempdir().unwrap();
        let package = match root {
            Some(root) => {
                std::fs::write(dir.path().join("Cargo.toml"), root).unwrap();
                dir.path().join("crates/app")
            }
            None => dir.path().to_path_buf(),
        };
        std::fs::create_dir_all(package.join("src")).unwrap();
        std::fs::write(package.join("Cargo.toml"), manifest).unwrap();
        let path = package.join("src/lib.rs");
        let settings = LintSettings {
            rules: vec![&RULE],
            ..LintSettings::default()
        };
        // The file runs tasks: the rule reports only there.
        let source = &format!("{source}fn start() {{\n    tokio::spawn(poll());\n}}\n");
        let diagnostics =
            crate::lint_file(Language::Rust, source, Some(&path), &settings).unwrap_or_default();
        let applicability = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| f.applicability))
            .collect();
        let mut edits: Vec<_> = diagnostics
            .into_iter()
            .filter_map(|d| d.fix)
            .filter(|f| f.applicability == Applicability::Safe)
            .flat_map(|f| f.edits)
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = source.to_string();
        for edit in edits {
            out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        let out = out
            .split("fn start()")
            .next()
            .unwrap_or_default()
            .to_string();
        (out, applicability)
    }

    const TIME: &str =
        "[package]\nname = \"app\"\n[dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\"] }\n";
    const POLL: &str = "use tokio::sync::Mutex;\nasync fn poll() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n    tick().await;\n}\n";

    #[test]
    fn sleep_becomes_tokio_sleep_when_the_manifest_enables_time() {
        let (fixed, applicability) = fix(TIME, None, POLL);
        assert_eq!(
            fixed,
            POLL.replace(
                "std::thread::sleep(std::time::Duration::from_millis(5))",
                "tokio::time::sleep(std::time::Duration::from_millis(5)).await"
            )
        );
        assert_eq!(applicability, [Applicability::Safe]);
        // The fixed code is clean.
        assert_eq!(fix(TIME, None, &fixed).1, []);
    }

    #[test]
    fn workspace_inheritance_is_resolved() {
        let member = "[package]\nname = \"app\"\n[dependencies]\ntokio = { workspace = true }\n";
        let full = "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n";
        let (fixed, _) = fix(member, Some(full), POLL);
        assert!(fixed.contains("tokio::time::sleep("));
        let rt_only = full.replace("\"full\"", "\"rt\"");
        let (unfixed, applicability) = fix(member, Some(&rt_only), POLL);
        assert_eq!((unfixed.as_str(), applicability), (POLL, Vec::new()));
    }

    #[test]
    fn no_fix_without_the_time_feature_or_outside_an_await_position() {
        let plain = "[package]\nname = \"app\"\n[dependencies]\ntokio = \"1\"\n";
        assert_eq!(fix(plain, None, POLL).1, []);
        let closure = "async fn poll(items: Vec<u8>) {\n    items.iter().for_each(|_| std::thread::sleep(D));\n    let _ = tokio::spawn(async {});\n}\n";
        assert_eq!(fix(TIME, None, closure).1, []);
    }

    #[test]
    fn unsafe_when_an_import_would_be_left_unused_or_a_guard_is_held() {
        let only_use = "use tokio::sync::Mutex;\nuse std::thread;\nasync fn poll() {\n    thread::sleep(D);\n}\n";
        assert_eq!(fix(TIME, None, only_use).1, [Applicability::Unsafe]);
        let other_use = "use tokio::sync::Mutex;\nuse std::thread;\nasync fn poll() {\n    thread::sleep(D);\n    thread::spawn(f);\n}\n";
        let (fixed, applicability) = fix(TIME, None, other_use);
        assert_eq!(applicability, [Applicability::Safe]);
        assert!(fixed.contains("    tokio::time::sleep(D).await;\n    thread::spawn(f);"));
        let guard = "use tokio::sync::Mutex;\nasync fn poll(state: &std::sync::Mutex<u8>) {\n    let held = state.lock().unwrap();\n    std::thread::sleep(D);\n    drop(held);\n}\n";
        assert_eq!(fix(TIME, None, guard).1, [Applicability::Unsafe]);
    }
}
