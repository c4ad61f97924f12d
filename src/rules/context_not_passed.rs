//! `context-not-passed`: a call with a context-taking variant, made without the parent context
//! the function has.

use std::path::Path;

use tree_sitter::Node;

use super::new_root::{self, Parent};
use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::siblings::Sibling;
use crate::lang::go::types::{StdType, TypeRef};
use crate::lang::go::{self, Callee, GoFile};
use crate::lang::{is_ident_byte, named_children, Language};
use crate::prefilter::has_code_word;

pub static RULE: Rule = Rule {
    name: "context-not-passed",
    title: "a call that has a context-taking variant is made without the context in scope",
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: true,
    // The handler type first: it rules out files more cheaply than the calls of siblings.
    needles: &[HANDLER_TYPE, CALLS_OR_SIBLINGS],
    function_needles: &[HANDLER_TYPE, CALLED],
    test_files: false,
    doc: include_str!("../../rules/context-not-passed.md"),
    check: Check::Go(check),
};

/// A call has a parent context only through a parameter of a handler type (`Context`,
/// `Request`, configured ones) of its function or of one around it: the type's name is in the
/// top-level declaration that holds the call, as is the call's name.
const HANDLER_TYPE: &[Needle] = &[Needle::HandlerType];

/// [`CALLS`], the calls of functions with a context-taking sibling, and the import of
/// `log/slog` (its calls are reported with the `slog` option): [`NAMES`] but the levels.
const CALLS_OR_SIBLINGS: &[Needle] = NAMES.split_at(NAMES.len() - 1).0;

/// Every finding is a call of [`CALLS`], of a function with a context-taking sibling or, with
/// the `slog` option, of a level of [`SLOG_LEVELS`], in the declaration of the finding:
/// [`NAMES`] but the import.
const CALLED: &[Needle] = NAMES.split_at(1).1;

/// The import of `log/slog`, the calls of functions with a context-taking sibling, [`CALLS`],
/// then the words of [`SLOG_LEVELS`] (with the `slog` option).
const NAMES: &[Needle] = &[
    Needle::Text("log/slog\""),
    Needle::SiblingCall,
    Needle::Word("Begin"),
    Needle::Word("Command"),
    Needle::Word("Dial"),
    Needle::Word("DialTimeout"),
    Needle::Word("DialWithDialer"),
    Needle::Word("Exec"),
    Needle::Word("Get"),
    Needle::Word("Handshake"),
    Needle::Word("Head"),
    Needle::Word("LookupAddr"),
    Needle::Word("LookupCNAME"),
    Needle::Word("LookupHost"),
    Needle::Word("LookupIP"),
    Needle::Word("LookupMX"),
    Needle::Word("LookupNS"),
    Needle::Word("LookupPort"),
    Needle::Word("LookupSRV"),
    Needle::Word("LookupTXT"),
    Needle::Word("NewRequest"),
    Needle::Word("Ping"),
    Needle::Word("Post"),
    Needle::Word("PostForm"),
    Needle::Word("Prepare"),
    Needle::Word("Query"),
    Needle::Word("QueryRow"),
    Needle::Word("Sleep"),
    Needle::SlogLevel,
];

/// The names of the calls this rule looks at: [`CALLS_OR_SIBLINGS`] past its first two needles.
const CALLS: &[Needle] = CALLS_OR_SIBLINGS.split_at(2).1;

/// The functions of the standard library this rule reports, by import path: called qualified
/// by the name the file imports the package under (see [`package_variant`]).
const PACKAGE_CALLS: &[(&str, &[&str])] = &[
    (
        "net/http",
        &["NewRequest", "Get", "Head", "Post", "PostForm"],
    ),
    ("os/exec", &["Command"]),
    (
        "net",
        &[
            "Dial",
            "DialTimeout",
            "LookupAddr",
            "LookupCNAME",
            "LookupHost",
            "LookupIP",
            "LookupMX",
            "LookupNS",
            "LookupPort",
            "LookupSRV",
            "LookupTXT",
        ],
    ),
    ("crypto/tls", &["Dial", "DialWithDialer"]),
    ("time", &["Sleep"]),
];

/// The methods of standard library types this rule reports ([`method_variant`]), by the
/// package of the types.
struct Methods {
    names: &'static [&'static str],
    package: &'static str,
    /// The types' names, one of which a file that knows a receiver of them without type facts
    /// writes in code (none: the import suffices).
    written: &'static [&'static str],
    types: &'static [StdType],
}

const METHODS: &[Methods] = &[
    Methods {
        names: &["Query", "QueryRow", "Exec", "Prepare", "Ping", "Begin"],
        package: "database/sql",
        written: &[],
        types: &[
            StdType::SqlDb,
            StdType::SqlTx,
            StdType::SqlConn,
            StdType::SqlStmt,
        ],
    },
    Methods {
        names: &["Get", "Head", "Post", "PostForm"],
        package: "net/http",
        written: &["Client", "DefaultClient"],
        types: &[StdType::HttpClient],
    },
    Methods {
        names: &["Handshake"],
        package: "crypto/tls",
        written: &[],
        types: &[StdType::TlsConn],
    },
];

/// Whether a file whose text has this rule's needles can hold a call it reports. The needles
/// ask only for names, and most of them (`Get`, `Query`, `Exec`) are far more often methods of
/// other types (`r.Form.Get`, `r.URL.Query`), so a file is parsed for this rule only if it may
/// call
/// - a function of the scanned tree with a context-taking sibling: by name, declared in the
///   file's directory or in a package the file names the import path of or has the type facts
///   of a type of;
/// - a function of [`PACKAGE_CALLS`], qualified by a name the file imports its package under;
/// - a method of [`METHODS`], by name in code, where its receiver's type can be known
///   ([`receivers_known`]);
/// - with the `slog` option, a `log/slog` function or `*slog.Logger` method.
///
/// A byte scan: it may let a file through that has no such call, never the reverse.
pub(crate) fn may_report(scan: &crate::prefilter::Scan<'_, '_>) -> bool {
    let bytes = scan.text().as_bytes();
    !scan.sibling_calls().is_empty()
        || slog_known(scan)
        || METHODS
            .iter()
            .any(|m| m.names.iter().any(|n| has_code_word(bytes, n)) && receivers_known(scan, m))
        || PACKAGE_CALLS.iter().any(|(path, names)| {
            imported_as(bytes, path)
                .iter()
                .any(|alias| names.iter().any(|n| qualified_call(bytes, alias, n)))
        })
}

/// The calls [`may_report`] lets through, as needles: a declaration where this rule reports
/// something has one of them (as the prefilter counts them, in code).
pub(crate) fn reported_calls(scan: &crate::prefilter::Scan<'_, '_>) -> Vec<Needle> {
    let bytes = scan.text().as_bytes();
    let mut calls = Vec::new();
    if !scan.sibling_calls().is_empty() {
        calls.push(Needle::SiblingCall);
    }
    if slog_known(scan) {
        calls.push(Needle::SlogLevel);
    }
    for methods in METHODS.iter().filter(|m| receivers_known(scan, m)) {
        calls.extend(methods.names.iter().map(|&n| Needle::Word(n)));
    }
    for (path, names) in PACKAGE_CALLS {
        for alias in imported_as(bytes, path) {
            let qualified = names.iter().filter(|n| qualified_call(bytes, alias, n));
            calls.extend(qualified.map(|&n| Needle::Word(n)));
        }
    }
    calls
}

/// Whether a receiver of the types of `methods` can be known in the file: only where the file
/// imports their package (a parameter, variable or constructor of the type; for `*http.Client`
/// one that names `Client` or `DefaultClient` in code), or where its package declares a field
/// or variable of one of them (the type facts of the first pass).
fn receivers_known(scan: &crate::prefilter::Scan<'_, '_>, methods: &Methods) -> bool {
    let bytes = scan.text().as_bytes();
    memchr::memmem::find(bytes, methods.package.as_bytes()).is_some()
        && (methods.written.is_empty() || methods.written.iter().any(|n| has_code_word(bytes, n)))
        || facts(scan, methods.types)
}

/// Whether `log/slog` calls are reported (the `slog` option) and the file may make one.
fn slog_known(scan: &crate::prefilter::Scan<'_, '_>) -> bool {
    scan.go().slog_calls
        && (memchr::memmem::find(scan.text().as_bytes(), b"log/slog").is_some()
            || facts(scan, &[StdType::SlogLogger]))
}

/// Whether the type facts of the file's directory have a field or variable of one of `types`
/// that the file names in code (only through its name can the file reach it).
fn facts(scan: &crate::prefilter::Scan<'_, '_>, types: &[StdType]) -> bool {
    let dir = scan.path().and_then(Path::parent);
    let bytes = scan.text().as_bytes();
    dir.is_some_and(|d| {
        scan.go()
            .types
            .std_typed_names_in(d, types)
            .any(|name| has_code_word(bytes, name))
    })
}

/// The names a file may import the package `path` under: the alias written before each
/// `"path"` (or `` `path` ``) in the text, else the package's default name. A dot or blank
/// import gives none (a dot-imported function is not reported); the same quoted text in other
/// code at worst adds a name.
fn imported_as<'t>(bytes: &'t [u8], path: &'t str) -> Vec<&'t [u8]> {
    let default = path.rsplit('/').next().unwrap_or(path).as_bytes();
    let mut names: Vec<&[u8]> = Vec::new();
    for quote in ['"', '`'] {
        let quoted = format!("{quote}{path}{quote}");
        for at in memchr::memmem::find_iter(bytes, quoted.as_bytes()) {
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let before = bytes[line_start..at].trim_ascii_end();
            let start = before
                .iter()
                .rposition(|b| !is_ident_byte(*b))
                .map_or(0, |i| i + 1);
            match &before[start..] {
                b"" if before.ends_with(b".") => {}
                b"" | b"import" => names.push(default),
                b"_" => {}
                alias => names.push(alias),
            }
        }
    }
    names
}

/// Whether `bytes` has `alias.name` (blanks allowed around the dot), `name` a whole word; a
/// comment just before the dot counts too.
fn qualified_call(bytes: &[u8], alias: &[u8], name: &str) -> bool {
    memchr::memmem::find_iter(bytes, name.as_bytes()).any(|at| {
        let end = at + name.len();
        if bytes.get(end).is_some_and(|b| is_ident_byte(*b)) {
            return false;
        }
        let before = bytes[..at].trim_ascii_end();
        let Some(before) = before.strip_suffix(b".") else {
            return false;
        };
        let before = before.trim_ascii_end();
        before.ends_with(b"/")
            || before.ends_with(alias)
                && before
                    .len()
                    .checked_sub(alias.len() + 1)
                    .is_none_or(|i| !is_ident_byte(before[i]))
    })
}

/// The `log/slog` calls that have a `…Context` variant, reported with the `slog` option.
use super::SLOG_LEVELS;

/// A `log/slog` package function or `*slog.Logger` method of [`SLOG_LEVELS`].
fn slog_variant(file: &GoFile<'_>, call: Node<'_>) -> Option<Variant> {
    let name = match file.calls_package(call, &["log/slog"]) {
        Some(name) => name,
        None => {
            let function = call.child_by_field_name("function")?;
            if function.kind() != "selector_expression" {
                return None;
            }
            let receiver = file.type_of(function.child_by_field_name("operand")?)?;
            if receiver != TypeRef::Std(StdType::SlogLogger) {
                return None;
            }
            file.text(function.child_by_field_name("field")?)
        }
    };
    let to = match name {
        "Debug" => "DebugContext",
        "Error" => "ErrorContext",
        "Info" => "InfoContext",
        "Warn" => "WarnContext",
        _ => return None,
    };
    Some(Variant {
        what: "the record",
        help: format!("use `{to}({{ctx}}, …)`"),
        fix: Some((Applicability::Safe, Rewrite::Rename(to.into()))),
    })
}

/// What the call does, for the message: "so {what} goes on after the caller has given up".
/// And what to do instead.
struct Variant {
    what: &'static str,
    /// The help, with `{ctx}` for the parent expression.
    help: String,
    fix: Option<(Applicability, Rewrite)>,
}

/// How the fix rewrites the call: the function part, then the context as the first argument.
enum Rewrite {
    /// Replace the called name (`Query` → `QueryContext`).
    Rename(String),
    /// Replace the whole function expression (`net.Dial` → `(&net.Dialer{}).DialContext`).
    Function(String),
    /// `Begin()` → `BeginTx(ctx, nil)`.
    BeginTx,
}

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // Test code (test files, and helpers that import `testing`): the test's own deadline
    // bounds the work, and maintainers do not thread contexts through it.
    if file.is_test_file() || file.imports.imports_any(&["testing"]) {
        return;
    }
    let names: Vec<&str> = CALLS
        .iter()
        .filter_map(|n| match n {
            Needle::Word(name) => Some(*name),
            _ => None,
        })
        .collect();
    let siblings = &file.settings.siblings;
    let mut calls = file.calls_named(&names);
    let slog_calls = if file.settings.slog_calls {
        file.calls_named(SLOG_LEVELS)
    } else {
        Vec::new()
    };
    calls.extend(slog_calls.iter().copied());
    if !siblings.is_empty() {
        calls.extend(
            file.calls_named_where(|name| siblings.has_name(name) && !names.contains(&name)),
        );
        calls.sort_by_key(|c| c.start_byte());
    }
    calls.sort_by_key(|c| c.start_byte());
    calls.dedup();
    for call in calls {
        let slog = slog_calls.contains(&call);
        let found = if slog {
            slog_variant(file, call)
        } else {
            variant(file, call)
        };
        let Some(variant) = found else {
            continue;
        };
        let Some(parent) = new_root::parent_context(file, call) else {
            continue;
        };
        if new_root::detached_location(file, call, &parent).is_some()
            || new_root::parent_is_nil_here(file, call, &parent)
            || command_stored(file, call)
            || gets_context_later(file, call, &parent)
            || quiet_sleep(file, call, &parent)
        {
            continue;
        }
        let mut diagnostic = diagnostic(file, call, &parent, variant);
        if slog {
            let written = written(file, call);
            diagnostic.severity = Severity::Info;
            diagnostic.message = format!(
                "`{written}` logs without `{}`, so the record loses its trace and span IDs and \
                 request-scoped values",
                parent.expression
            );
        }
        out.push(diagnostic);
    }
}

/// Whether a request from `http.NewRequest` or a command from `exec.Command` receives the
/// context afterwards: `req = req.WithContext(ctx)`, `req.Clone(ctx)`, or handed to a call
/// together with a context (`client.Do(ctx, req)`, `runCmdContext(ctx, cmd)`, which attach it
/// or watch it).
fn gets_context_later(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    if file.calls_package(call, &["net/http"]) != Some("NewRequest")
        && file.calls_package(call, &["os/exec"]) != Some("Command")
    {
        return false;
    }
    let Some(target) = bound_variable(file, call) else {
        return false;
    };
    let Some(declaration) = go::declaration_of(target, file.source) else {
        return false;
    };
    let Some(body) = parent.function.child_by_field_name("body") else {
        return false;
    };
    let command = file.calls_package(call, &["os/exec"]) == Some("Command");
    go::references(body, declaration, file.source)
        .into_iter()
        .filter(|r| r.start_byte() > call.end_byte())
        .any(|r| {
            let Some(p) = r.parent() else {
                return false;
            };
            // A command handed to a helper is run (or detached, like a daemon) as the
            // helper decides; one put in a struct (`plugin.ClientConfig{Cmd: cmd}`) is run by
            // its owner, for as long as the owner lives.
            if command
                && matches!(
                    p.kind(),
                    "argument_list" | "literal_element" | "keyed_element"
                )
            {
                return true;
            }
            // A command returned to the caller (a shim or daemon it starts), or started and
            // never waited for here: it is meant to outlive the function.
            if command
                && (p.kind() == "expression_list"
                    && p.parent().is_some_and(|r| r.kind() == "return_statement")
                    || starts_without_wait(file, body, declaration))
            {
                return true;
            }
            // Stored for reuse (`s.req = req`): the context is attached at each use.
            if p.kind() == "expression_list"
                && p.parent().is_some_and(|a| {
                    a.kind() == "assignment_statement"
                        && a.child_by_field_name("right") == Some(p)
                        && a.child_by_field_name("left").is_some_and(|l| {
                            named_children(l).any(|t| t.kind() == "selector_expression")
                        })
                })
            {
                return true;
            }
            if p.kind() == "selector_expression" {
                let method = p.child_by_field_name("field").map(|f| file.text(f));
                return matches!(method, Some("WithContext" | "Clone"));
            }
            p.kind() == "argument_list"
                && named_children(p).any(|a| a != r && is_context(file, a, parent))
        })
}

/// Whether the command of an `exec.Command` call is kept as state (`pm.proc = exec.Command(…)`):
/// the process outlives the function, which starts it and leaves it to the owner to stop. Or
/// handed straight to a call (`return g.state(fs, exec.Command("go", "mod", "tidy"))`): run as
/// the callee decides, as a command variable handed on is (see [`gets_context_later`]).
fn command_stored(file: &GoFile<'_>, call: Node<'_>) -> bool {
    if file.calls_package(call, &["os/exec"]) != Some("Command") {
        return false;
    }
    if call.parent().is_some_and(|p| p.kind() == "argument_list") {
        return true;
    }
    let Some(values) = call.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    values.parent().is_some_and(|a| {
        a.kind() == "assignment_statement"
            && a.child_by_field_name("right") == Some(values)
            && a.child_by_field_name("left")
                .and_then(|l| l.named_child(0))
                .is_some_and(|t| t.kind() == "selector_expression")
    })
}

/// Whether a command variable is started (`cmd.Start()`) but never waited for in `body`.
fn starts_without_wait(file: &GoFile<'_>, body: Node<'_>, declaration: Node<'_>) -> bool {
    let methods: Vec<&str> = go::references(body, declaration, file.source)
        .into_iter()
        .filter_map(|r| r.parent().filter(|p| p.kind() == "selector_expression"))
        .filter_map(|p| p.child_by_field_name("field"))
        .map(|f| file.text(f))
        .collect();
    methods.contains(&"Start") && !methods.contains(&"Wait")
}

/// Whether an argument looks like a context: the parent expression, or a name like `ctx`.
fn is_context(file: &GoFile<'_>, arg: Node<'_>, parent: &Parent<'_>) -> bool {
    let text = file.text(arg);
    text == parent.expression
        || arg.kind() == "identifier"
            && (text == "ctx" || text.ends_with("Ctx") || text.ends_with("ctx"))
        || text.ends_with(".Context()")
}

/// Whether an identifier is assigned to (`x = …`, `x *= 2`, `x++`).
fn is_assigned(ident: Node<'_>) -> bool {
    let Some(parent) = ident.parent() else {
        return false;
    };
    match parent.kind() {
        "inc_statement" | "dec_statement" => true,
        "expression_list" => parent.parent().is_some_and(|s| {
            s.kind() == "assignment_statement" && s.child_by_field_name("left") == Some(parent)
        }),
        _ => false,
    }
}

/// The variable the first result of `call` is assigned to (`req, err := f(…)`).
fn bound_variable<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<Node<'t>> {
    let values = call.parent().filter(|p| p.kind() == "expression_list")?;
    let statement = values.parent()?;
    if !matches!(
        statement.kind(),
        "short_var_declaration" | "assignment_statement"
    ) || statement.child_by_field_name("right") != Some(values)
    {
        return None;
    }
    let target = statement.child_by_field_name("left")?.named_child(0)?;
    (target.kind() == "identifier" && file.text(target) != "_").then_some(target)
}

/// A `time.Sleep` that does not hold the caller up for long: reported are only sleeps of a
/// computed duration (a backoff, a configured interval, a server's `Retry-After`) in a retry
/// or poll loop. A constant sleep is short and bounded; a single computed one outside a loop
/// is mostly a test hook or a simulated delay.
fn quiet_sleep(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    if file.calls_package(call, &["time"]) != Some("Sleep") {
        return false;
    }
    // A constant, or a random one bounded by a second.
    let constant = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .and_then(|d| duration(file, d, 0))
        .is_some_and(|(ns, exact)| exact || ns <= 1e9);
    // The loop around the sleep in its own function: a goroutine started per item
    // (`for … { g.Go(func() { time.Sleep(stagger) … }) }`) sleeps once.
    let Some(for_loop) = crate::lang::ancestors(call)
        .take_while(|a| *a != parent.function && a.kind() != "func_literal")
        .find(|a| a.kind() == "for_statement")
    else {
        return true;
    };
    // A loop that checks a context on each round (`case <-ctx.Done():`, `ctx.Err()`) stops
    // within one sleep of the cancellation.
    let body = file.text(for_loop);
    constant || body.contains(".Done()") || body.contains(".Err() ")
}

/// The value in nanoseconds of a duration expression, and whether it is exact: literals, `time`
/// units, products and sums of them, parentheses, conversions, constants (and locals assigned a
/// constant once); `rand.Int63n(n)` and friends give their bound, not exact.
fn duration(file: &GoFile<'_>, expr: Node<'_>, depth: usize) -> Option<(f64, bool)> {
    if depth > 4 {
        return None;
    }
    match expr.kind() {
        "int_literal" | "float_literal" => {
            Some((file.text(expr).replace('_', "").parse().ok()?, true))
        }
        "parenthesized_expression" => duration(file, expr.named_child(0)?, depth + 1),
        "selector_expression" => {
            let operand = expr.child_by_field_name("operand")?;
            let unit = file.text(expr.child_by_field_name("field")?);
            if file.imports.path_of(file.text(operand)) != Some("time") {
                return None;
            }
            let ns = match unit {
                "Nanosecond" => 1.0,
                "Microsecond" => 1e3,
                "Millisecond" => 1e6,
                "Second" => 1e9,
                "Minute" => 60e9,
                "Hour" => 3600e9,
                _ => return None,
            };
            Some((ns, true))
        }
        "binary_expression" => {
            let (left, l_exact) = duration(file, expr.child_by_field_name("left")?, depth + 1)?;
            let (right, r_exact) = duration(file, expr.child_by_field_name("right")?, depth + 1)?;
            let exact = l_exact && r_exact;
            match file.text(expr.child_by_field_name("operator")?) {
                "*" => Some((left * right, exact)),
                "+" => Some((left + right, exact)),
                "/" if right != 0.0 && r_exact => Some((left / right, exact)),
                _ => None,
            }
        }
        // `time.Duration(x)`, `int64(x)`, `float64(x)`; `rand.Int63n(n)`, `r.Intn(n)` (below n).
        "call_expression" => {
            let function = file.text(expr.child_by_field_name("function")?);
            let argument = expr.child_by_field_name("arguments")?.named_child(0)?;
            let name = function.rsplit('.').next().unwrap_or(function);
            match name {
                "Duration" | "int64" | "int" | "float64" => duration(file, argument, depth + 1),
                "Int63n" | "Intn" | "Int31n" | "N" => {
                    duration(file, argument, depth + 1).map(|(ns, _)| (ns, false))
                }
                _ => None,
            }
        }
        // A constant, or a local variable initialised with a constant and never assigned
        // again (`retryDelay = 100 * time.Millisecond` in a `var` block).
        "identifier" => {
            let declaration = go::declaration_of(expr, file.source)?;
            let parent = declaration.parent()?;
            let value = match parent.kind() {
                "const_spec" | "var_spec" => parent.child_by_field_name("value")?,
                "expression_list" => parent
                    .parent()
                    .filter(|s| s.kind() == "short_var_declaration")?
                    .child_by_field_name("right")?,
                _ => return None,
            };
            if value.named_child_count() != 1 {
                return None;
            }
            if parent.kind() != "const_spec" {
                let function = go::enclosing_functions(declaration).next()?;
                let reassigned = go::references(function, declaration, file.source)
                    .into_iter()
                    .any(|r| r != declaration && is_assigned(r));
                if reassigned {
                    return None;
                }
            }
            duration(file, value.named_child(0)?, depth + 1)
        }
        _ => None,
    }
}

/// The called function as written, for messages; with a receiver written over several lines
/// (`(&dns.Client{…}).Exchange`), the name alone.
pub(super) fn written(file: &GoFile<'_>, call: Node<'_>) -> String {
    let function = call.child_by_field_name("function").unwrap_or(call);
    let text = file.text(function);
    match function.child_by_field_name("field") {
        Some(field) if text.contains('\n') => format!("….{}", file.text(field)),
        _ => text.to_string(),
    }
}

fn diagnostic(
    file: &GoFile<'_>,
    call: Node<'_>,
    parent: &Parent<'_>,
    variant: Variant,
) -> Diagnostic {
    let written = written(file, call);
    let ctx = &parent.expression;
    let fix = variant
        .fix
        .filter(|_| parent.reachable)
        .and_then(|(applicability, rewrite)| {
            let edits = edits(file, call, &rewrite, ctx)?;
            Some(Fix {
                applicability,
                message: format!("pass `{ctx}`"),
                edits,
            })
        });
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{written}` ignores the cancellation of `{ctx}`, so {} goes on after the caller \
             has given up",
            variant.what
        ),
        span: Span::of(call),
        labels: vec![Label {
            span: Span::of(parent.param),
            message: "the parent context is available here".into(),
        }],
        help: variant.help.replace("{ctx}", ctx),
        fix,
    }
}

/// The edits of a rewrite: the function part, and `ctx` inserted as the first argument.
fn edits(file: &GoFile<'_>, call: Node<'_>, rewrite: &Rewrite, ctx: &str) -> Option<Vec<Edit>> {
    let function = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let name = match function.kind() {
        "selector_expression" => function.child_by_field_name("field")?,
        _ => function,
    };
    let mut edits = Vec::new();
    match rewrite {
        Rewrite::Rename(to) => edits.push(Edit {
            span: Span::of(name),
            new_text: to.clone(),
        }),
        Rewrite::Function(to) => edits.push(Edit {
            span: Span::of(function),
            new_text: to.clone(),
        }),
        Rewrite::BeginTx => {
            edits.push(Edit {
                span: Span::of(name),
                new_text: "BeginTx".into(),
            });
            edits.push(Edit {
                span: Span::of(arguments),
                new_text: format!("({ctx}, nil)"),
            });
            return Some(edits);
        }
    }
    let open = arguments.start_byte() + 1;
    let separator = if arguments.named_child_count() > 0 {
        ", "
    } else {
        ""
    };
    if file.source.get(open..open + 1) == Some("\n") {
        // Arguments on their own lines: the context goes on the first line.
        return None;
    }
    edits.push(Edit {
        span: Span::empty(open),
        new_text: format!("{ctx}{separator}"),
    });
    Some(edits)
}

/// The context-taking variant of the call, if it is one of the known APIs and the receiver's
/// type is known.
fn variant(file: &GoFile<'_>, call: Node<'_>) -> Option<Variant> {
    let known = match file.callee(call) {
        Some(Callee::Package { path, name }) => package_variant(file, call, path, name),
        Some(Callee::Local { .. }) => None,
        None => method_variant(file, call),
    };
    known.or_else(|| sibling_variant(file, call))
}

/// A function or method of the scanned tree with a context-taking sibling (see
/// [`siblings`](crate::lang::go::siblings)), called without a context argument.
fn sibling_variant(file: &GoFile<'_>, call: Node<'_>) -> Option<Variant> {
    let index = &file.settings.siblings;
    let function = call.child_by_field_name("function")?;
    let name = function.child_by_field_name("field").unwrap_or(function);
    if !index.has_name(file.text(name)) || log_level(file.text(name)) {
        return None;
    }
    let sibling = file.find_declared(call, |name, receiver, package| {
        index.find(name, receiver, package)
    })?;
    if logging_package(&sibling.declared.package) {
        return None;
    }
    sibling_help(file, call, sibling)
}

/// Whether a function of the tree is named like a log level (`Warn`, `Error`, `Infof`): a
/// logging wrapper (dagger's `engine/slog`) whose `…Context` sibling takes the logger from the
/// context. Calling the plain one loses the record's trace IDs, no work goes on after the
/// caller gave up: like `log/slog` without the `slog` option, it is not reported. So are the
/// functions of a [`logging_package`].
fn log_level(name: &str) -> bool {
    let words = new_root::words(name);
    words.len() == 1
        && (new_root::named_like_logging(name)
            || matches!(words[0].as_str(), "error" | "log" | "logf"))
}

/// Whether a package is named like a logging package (dagger's `engine/slog` with its
/// `ExtraDebug`/`ExtraDebugContext`): its functions write records, see [`log_level`].
fn logging_package(name: &str) -> bool {
    matches!(
        name,
        "log"
            | "slog"
            | "logger"
            | "logging"
            | "logs"
            | "logr"
            | "klog"
            | "glog"
            | "zap"
            | "logrus"
    )
}

fn sibling_help(file: &GoFile<'_>, call: Node<'_>, sibling: &Sibling) -> Option<Variant> {
    // The variant implemented with the plain function (`ExecuteContext` sets the context,
    // then calls `Execute`; `PrepareContext` watches the context around `Prepare`).
    let declared = go::enclosing_functions(call)
        .last()
        .and_then(|f| go::function_name(f, file.source));
    if declared == Some(sibling.variant.as_str()) {
        return None;
    }
    // A call that already passes a context (to the plain function, which then takes one
    // among other parameters) is not this rule's.
    let arguments = call.child_by_field_name("arguments")?;
    if named_children(arguments).any(|a| {
        let text = file.text(a);
        a.kind() == "identifier" && (text == "ctx" || text.ends_with("Ctx"))
            || text.ends_with(".Context()")
            || text.contains("context.")
    }) {
        return None;
    }
    Some(Variant {
        what: "its work",
        help: format!("use `{}({{ctx}}, …)`", sibling.variant),
        fix: Some((
            Applicability::Safe,
            Rewrite::Rename(sibling.variant.clone()),
        )),
    })
}

fn package_variant(file: &GoFile<'_>, call: Node<'_>, path: &str, name: &str) -> Option<Variant> {
    let alias = call
        .child_by_field_name("function")
        .and_then(|f| f.child_by_field_name("operand"))
        .map(|o| file.text(o))?;
    let variant = match (path, name) {
        ("net/http", "NewRequest") => Variant {
            what: "the request",
            help: "use `http.NewRequestWithContext({ctx}, …)`".into(),
            fix: Some((
                Applicability::Safe,
                Rewrite::Rename("NewRequestWithContext".into()),
            )),
        },
        ("net/http", "Get" | "Head" | "Post" | "PostForm") => http_client_variant(name),
        ("os/exec", "Command") => Variant {
            what: "the process",
            help: "use `exec.CommandContext({ctx}, …)`: the process is killed when the context \
                   is done"
                .into(),
            fix: Some((
                Applicability::Unsafe,
                Rewrite::Rename("CommandContext".into()),
            )),
        },
        ("net", "Dial") => Variant {
            what: "the connection attempt",
            help: "use `(&net.Dialer{}).DialContext({ctx}, …)`".into(),
            fix: Some((
                Applicability::Unsafe,
                Rewrite::Function(format!("(&{alias}.Dialer{{}}).DialContext")),
            )),
        },
        ("net", "DialTimeout") => Variant {
            what: "the connection attempt",
            help: "use `(&net.Dialer{Timeout: …}).DialContext({ctx}, …)`".into(),
            fix: None,
        },
        ("net", "LookupIP") => Variant {
            what: "the lookup",
            help: "use `net.DefaultResolver.LookupIP({ctx}, \"ip\", host)`".into(),
            fix: None,
        },
        (
            "net",
            "LookupAddr" | "LookupCNAME" | "LookupHost" | "LookupMX" | "LookupNS" | "LookupPort"
            | "LookupSRV" | "LookupTXT",
        ) => Variant {
            what: "the lookup",
            help: format!("use `net.DefaultResolver.{name}({{ctx}}, …)`"),
            // `net.LookupHost(h)` is `net.DefaultResolver.LookupHost(context.Background(), h)`.
            fix: Some((
                Applicability::Safe,
                Rewrite::Function(format!("{alias}.DefaultResolver.{name}")),
            )),
        },
        ("crypto/tls", "Dial" | "DialWithDialer") => Variant {
            what: "the connection attempt",
            help: "use `(&tls.Dialer{Config: …}).DialContext({ctx}, …)`".into(),
            fix: None,
        },
        ("time", "Sleep") => Variant {
            what: "the sleep",
            help: "wait in a `select` on `{ctx}.Done()` and a `time.NewTimer`".into(),
            fix: None,
        },
        _ => return None,
    };
    Some(variant)
}

fn http_client_variant(name: &str) -> Variant {
    Variant {
        what: "the request",
        help: format!(
            "build the request with `http.NewRequestWithContext({{ctx}}, …)` and send it with \
             the client's `Do` instead of `{name}`"
        ),
        fix: None,
    }
}

/// Methods of a receiver whose type is known: `database/sql`, `*http.Client`, `*tls.Conn`.
fn method_variant(file: &GoFile<'_>, call: Node<'_>) -> Option<Variant> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "selector_expression" {
        return None;
    }
    let name = file.text(function.child_by_field_name("field")?);
    let TypeRef::Std(receiver) = file.type_of(function.child_by_field_name("operand")?)? else {
        return None;
    };
    use StdType::*;
    let (what, to) = match (receiver, name) {
        (SqlDb | SqlTx | SqlStmt, "Query") => ("the query", "QueryContext"),
        (SqlDb | SqlTx | SqlStmt, "QueryRow") => ("the query", "QueryRowContext"),
        (SqlDb | SqlTx | SqlStmt, "Exec") => ("the statement", "ExecContext"),
        (SqlDb | SqlTx, "Prepare") => ("the statement", "PrepareContext"),
        (SqlDb, "Ping") => ("the ping", "PingContext"),
        (SqlDb, "Begin") => {
            return Some(Variant {
                what: "the transaction",
                help: "use `BeginTx({ctx}, nil)`".into(),
                fix: Some((Applicability::Safe, Rewrite::BeginTx)),
            })
        }
        (HttpClient, "Get" | "Head" | "Post" | "PostForm") => {
            return Some(http_client_variant(name))
        }
        (TlsConn, "Handshake") => ("the handshake", "HandshakeContext"),
        _ => return None,
    };
    Some(Variant {
        what,
        help: format!("use `{to}({{ctx}}, …)` (a `{}` method)", receiver.written()),
        fix: Some((Applicability::Safe, Rewrite::Rename(to.into()))),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::apply_fixes;
    use crate::diagnostic::Applicability;
    use crate::lang::Language;
    use crate::LintSettings;

    const SRC: &str = "package p

import (
\t\"context\"
\t\"database/sql\"
\t\"net\"
\t\"net/http\"
\t\"os/exec\"
)

func h(w http.ResponseWriter, r *http.Request, db *sql.DB) {
\treq, _ := http.NewRequest(\"GET\", \"/\", nil)
\ttx, _ := db.Begin()
\t_, _ = tx.Exec(\"SELECT 1\")
\t_, _ = db.Query(\"SELECT 1\")
\t_, _ = net.LookupHost(\"h\")
\t_ = exec.Command(\"ls\")
\t_ = req
}

func g(ctx context.Context, db *sql.DB) {
\t_ = db.Ping()
\t_, _ = net.Dial(\"tcp\", \"h:1\")
}
";

    /// The needles end with the `log/slog` levels, which count only with the `slog` option.
    #[test]
    fn needles_end_with_the_slog_levels() {
        assert_eq!(super::NAMES.last(), Some(&super::Needle::SlogLevel));
        assert!(!super::CALLS_OR_SIBLINGS.contains(&super::Needle::SlogLevel));
    }

    /// `testdata/go/context-not-passed-slog/`: with `[rules.context-not-passed] slog = true`
    /// the `// want` lines are reported (info) and fixed; without it, nothing.
    #[test]
    fn slog_calls_are_reported_only_with_the_option() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/go/context-not-passed-slog/handler.go"
        );
        let src = std::fs::read_to_string(path).unwrap();
        let mut settings = LintSettings::only(&[&super::RULE]);
        assert!(crate::lint_file(Language::Go, &src, None, &settings)
            .unwrap()
            .is_empty());
        settings.go.slog_calls = true;
        let found = crate::lint_file(Language::Go, &src, None, &settings).unwrap();
        let index = crate::diagnostic::LineIndex::new(&src);
        let lines: Vec<usize> = found
            .iter()
            .map(|d| index.line_of(d.span.start) + 1)
            .collect();
        let wanted: Vec<usize> = src
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("// want \"context-not-passed\""))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(lines, wanted);
        assert!(found
            .iter()
            .all(|d| d.severity == crate::diagnostic::Severity::Info));
        let mut fixed = src.clone();
        let mut edits: Vec<_> = found
            .iter()
            .flat_map(|d| d.fix.as_ref().unwrap().edits.clone())
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            fixed.replace_range(e.span.start..e.span.end, &e.new_text);
        }
        assert!(fixed.contains("slog.InfoContext(r.Context(), \"request\", \"path\""));
        assert!(fixed.contains("s.log.WarnContext(r.Context(), \"slow\")"));
        assert!(fixed.contains("slog.DebugContext(ctx, \"start\")"));
        assert!(crate::lint_file(Language::Go, &fixed, None, &settings)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn safe_fixes_add_the_parent_and_rename() {
        let settings = LintSettings::only(&[&super::RULE]);
        let found = crate::lint_file(Language::Go, SRC, None, &settings).unwrap();
        let fixes: Vec<Option<Applicability>> = found
            .iter()
            .map(|d| d.fix.as_ref().map(|f| f.applicability))
            .collect();
        use Applicability::*;
        assert_eq!(
            fixes,
            [
                Some(Safe),
                Some(Safe),
                Some(Safe),
                Some(Safe),
                Some(Safe),
                Some(Unsafe),
                Some(Safe),
                Some(Unsafe)
            ]
        );
        let fixed = apply_fixes(Language::Go, &super::RULE, SRC);
        for expected in [
            "http.NewRequestWithContext(r.Context(), \"GET\", \"/\", nil)",
            "db.BeginTx(r.Context(), nil)",
            "tx.ExecContext(r.Context(), \"SELECT 1\")",
            "db.QueryContext(r.Context(), \"SELECT 1\")",
            "net.DefaultResolver.LookupHost(r.Context(), \"h\")",
            "exec.CommandContext(r.Context(), \"ls\")",
            "db.PingContext(ctx)",
            "(&net.Dialer{}).DialContext(ctx, \"tcp\", \"h:1\")",
        ] {
            assert!(fixed.contains(expected), "{expected} not in\n{fixed}");
        }
        assert!(crate::lint_file(Language::Go, &fixed, None, &settings)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_byte_scan_lets_through_only_files_that_may_call_a_reported_function() {
        let go = crate::lang::go::GoSettings::default();
        let may = |src: &str| super::may_report(&crate::prefilter::Scan::new(src, None, &go));
        let handler = "func h(w http.ResponseWriter, r *http.Request) {";
        // `Get` of a form, a header, a map: not a call of `net/http` nor of a client.
        assert!(!may(&format!(
            "package p\nimport \"net/http\"\n{handler} r.Form.Get(\"a\") }}"
        )));
        assert!(may(&format!(
            "package p\nimport \"net/http\"\n{handler} http.Get(\"a\") }}"
        )));
        assert!(may(&format!(
            "package p\nimport nh \"net/http\"\n{handler} nh . Get(\"a\") }}"
        )));
        // The package under another name: `http.Get` is not its function.
        assert!(!may(&format!(
            "package p\nimport nh \"net/http\"\n{handler} http.Get(\"a\") }}"
        )));
        assert!(may(&format!(
            "package p\nimport \"net/http\"\n{handler} c := &http.Client{{}}; c.Get(\"a\") }}"
        )));
        // `Client` only in a comment: no receiver can be a client.
        assert!(!may(&format!(
            "package p\nimport \"net/http\"\n// Client\n{handler} s.c.Get(\"a\") }}"
        )));
        assert!(may(&format!(
            "package p\nimport (\n\t\"database/sql\"\n\t\"net/http\"\n)\n{handler} s.db.Query(\"a\") }}"
        )));
        assert!(!may(&format!(
            "package p\nimport \"net/http\"\n{handler} s.db.Query(\"a\") }}"
        )));
        assert!(may(&format!(
            "package p\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n{handler} time.Sleep(d) }}"
        )));
    }
}
