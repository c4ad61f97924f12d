//! `blocking-in-async`: a blocking std call (`std::thread::sleep`, `std::fs`, std sockets,
//! `std::process::Command::output`, `reqwest::blocking`, a std channel's `recv`) inside async
//! code holds a runtime worker thread, and every task scheduled on it stalls meanwhile.

use tree_sitter::Node;

use super::{Check, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use crate::lang::rust::{ancestors, cargo, AsyncRuntime, RustFile};
use crate::lang::{named_children, Language};

pub static RULE: Rule = Rule {
    name: "blocking-in-async",
    title: "a blocking std call inside async code stalls a runtime worker thread",
    language: Language::Rust,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    needles: &["tokio", "async_std", "smol"],
    doc: include_str!("../../rules/blocking-in-async.md"),
    check: Check::Rust(check),
};

/// What kind of blocking call it is: it decides the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sleep,
    /// A `std::fs` function (its name) or `File::open`/`create`.
    Fs(&'static str),
    /// I/O on a `std::fs::File` value.
    FileIo,
    Connect,
    Accept,
    Resolve,
    Stdin,
    Process,
    Reqwest,
    Recv,
}

/// `std::fs` functions and their tokio names (`exists` is `try_exists` there).
const FS_FUNCTIONS: &[(&str, &str)] = &[
    ("canonicalize", "canonicalize"),
    ("copy", "copy"),
    ("create_dir", "create_dir"),
    ("create_dir_all", "create_dir_all"),
    ("exists", "try_exists"),
    ("hard_link", "hard_link"),
    ("metadata", "metadata"),
    ("read", "read"),
    ("read_dir", "read_dir"),
    ("read_link", "read_link"),
    ("read_to_string", "read_to_string"),
    ("remove_dir", "remove_dir"),
    ("remove_dir_all", "remove_dir_all"),
    ("remove_file", "remove_file"),
    ("rename", "rename"),
    ("set_permissions", "set_permissions"),
    ("symlink_metadata", "symlink_metadata"),
    ("write", "write"),
];

/// Methods of `std::fs::File` (and its `Read`/`Write` traits) that do I/O.
const FILE_IO: &[&str] = &[
    "read",
    "read_exact",
    "read_to_end",
    "read_to_string",
    "write",
    "write_all",
    "flush",
    "sync_all",
    "sync_data",
    "set_len",
];

fn check(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let Some(runtime) = file.runtime else {
        return;
    };
    let mut time_feature = None;
    for &call in &file.calls {
        let Some((kind, shown)) = blocking(file, call) else {
            continue;
        };
        let Some(context) = async_context(file, call) else {
            continue;
        };
        if file.is_test_code(call) {
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
    let path = file.resolve(function);
    match path.as_str() {
        "std::thread::sleep" | "std::thread::sleep_ms" => Some(Kind::Sleep),
        "std::fs::File::open" => Some(Kind::Fs("File::open")),
        "std::fs::File::create" | "std::fs::File::create_new" => Some(Kind::Fs("File::create")),
        "std::net::TcpStream::connect" | "std::net::TcpStream::connect_timeout" => {
            Some(Kind::Connect)
        }
        "std::net::ToSocketAddrs::to_socket_addrs" => Some(Kind::Resolve),
        path if path.starts_with("reqwest::blocking::") => Some(Kind::Reqwest),
        path => {
            let name = path.strip_prefix("std::fs::")?;
            FS_FUNCTIONS
                .iter()
                .find(|(std, _)| *std == name)
                .map(|(std, _)| Kind::Fs(std))
        }
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
        // The trait must be imported for the method to resolve to it.
        return file
            .imports("std::net::ToSocketAddrs")
            .then_some((Kind::Resolve, "ToSocketAddrs"));
    }
    if method == "open" && opens_options(file, receiver) {
        return Some((Kind::Fs("File::open"), "OpenOptions"));
    }
    if method == "send"
        && chain_root_path(file, receiver).is_some_and(|p| p.starts_with("reqwest::blocking::"))
    {
        return Some((Kind::Reqwest, "RequestBuilder"));
    }
    let ty = file.type_of(receiver)?;
    let path = ty.target().path()?;
    match (path, method) {
        ("std::sync::mpsc::Receiver", "recv" | "recv_timeout") => Some((Kind::Recv, "Receiver")),
        ("std::process::Command", "output" | "status") => Some((Kind::Process, "Command")),
        ("std::process::Child", "wait" | "wait_with_output") => Some((Kind::Process, "Child")),
        ("std::io::Stdin", "read_line" | "read_to_string" | "lines") => {
            Some((Kind::Stdin, "Stdin"))
        }
        ("std::net::TcpListener", "accept" | "incoming") => Some((Kind::Accept, "TcpListener")),
        ("std::fs::File", _) if FILE_IO.contains(&method) && declared_file(file, receiver) => {
            Some((Kind::FileIo, "File"))
        }
        _ => None,
    }
}

/// `OpenOptions::new().read(true).open(p)` or `File::options().append(true).open(p)`.
fn opens_options(file: &RustFile<'_>, receiver: Node<'_>) -> bool {
    chain_root_path(file, receiver)
        .is_some_and(|p| p == "std::fs::OpenOptions::new" || p == "std::fs::File::options")
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

/// Whether a `File` receiver was declared with its type (a parameter, field or typed `let`)
/// rather than opened in this function, whose `File::open` is reported already.
fn declared_file(file: &RustFile<'_>, receiver: Node<'_>) -> bool {
    match receiver.kind() {
        "identifier" => file
            .binding(receiver)
            .is_some_and(|b| b.value.is_none() || b.ty.is_some()),
        "field_expression" => true,
        _ => false,
    }
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
                return (!argument_of(file, ancestor, |name| name.ends_with("block_on")))
                    .then_some(AsyncContext { awaits });
            }
            "function_item" => {
                return is_async_function(file, ancestor).then_some(AsyncContext { awaits });
            }
            "closure_expression" => {
                if is_async_closure(file, ancestor) {
                    return Some(AsyncContext { awaits });
                }
                if argument_of(file, ancestor, runs_elsewhere) || stored(ancestor) {
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

/// Calls that run a closure argument on another thread, or in a blocking section.
fn runs_elsewhere(name: &str) -> bool {
    name.contains("blocking")
        || name.contains("block_in_place")
        || name.contains("unblock")
        || name.contains("spawn")
        || name.contains("scope")
        || name.contains("thread")
}

/// Whether a closure or block is an argument of a call whose function or method name
/// satisfies `wanted`.
fn argument_of(file: &RustFile<'_>, node: Node<'_>, wanted: impl Fn(&str) -> bool) -> bool {
    let Some(call) = node
        .parent()
        .filter(|p| p.kind() == "arguments")
        .and_then(|a| a.parent())
    else {
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
        (Kind::Fs(name), _) => {
            let equivalent = match name {
                "File::open" | "File::create" => name.to_string(),
                _ => FS_FUNCTIONS
                    .iter()
                    .find(|(std, _)| *std == name)
                    .map_or(name, |(_, async_name)| async_name)
                    .to_string(),
            };
            format!("use `{rt}::fs::{equivalent}(…).await`, or move the work into `{offload}`")
        }
        (Kind::FileIo, _) => format!(
            "use `{rt}::fs::File` with its async read/write methods, or move the work into \
             `{offload}`"
        ),
        (Kind::Connect, _) => format!("use `{rt}::net::TcpStream::connect(addr).await`"),
        (Kind::Accept, _) => format!("use `{rt}::net::TcpListener` and `accept().await`"),
        (Kind::Resolve, AsyncRuntime::Tokio) => {
            "resolve with `tokio::net::lookup_host(addr).await`".into()
        }
        (Kind::Resolve, _) => format!("resolve inside `{offload}`"),
        (Kind::Stdin, _) => format!("read from `{rt}::io::stdin()`, or inside `{offload}`"),
        (Kind::Process, AsyncRuntime::Tokio) => {
            "use `tokio::process::Command` and `.output().await` / `.status().await`".into()
        }
        (Kind::Process, AsyncRuntime::AsyncStd) => {
            "use `async_std::process::Command` and `.output().await` / `.status().await`".into()
        }
        (Kind::Process, AsyncRuntime::Smol) => {
            "use `smol::process::Command` and `.output().await` / `.status().await`".into()
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
    if first == "std" || !file.imports_name(first) {
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
