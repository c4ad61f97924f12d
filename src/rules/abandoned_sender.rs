//! `abandoned-sender`: an unbuffered channel made in a function is handed only to one
//! goroutine that sends on it, and some path of the function returns without receiving from
//! it: the goroutine blocks on its send forever.
//!
//! The channel must be made in the function (`ch := make(chan T)`, `var ch = make(chan T)`) and
//! used nowhere but in one `go` statement — captured by its func literal, or passed as an
//! argument to a literal or to a function declared in the file — where it is only sent on or
//! closed, and in receives (`<-ch`) of the function itself. Any other use (returned, stored,
//! passed to a call, ranged over, closed by the function, used by another literal) may
//! receive elsewhere: silent. Sends inside a `select` that has another case or a `default`
//! cannot block forever and do not count.
//!
//! From the `go` statement, a depth-first search over the function's control-flow graph looks
//! for a path to a `return` or the closing brace (or back to the `make`, in a loop) that passes
//! no receive from the channel and no wait for the goroutine (a receive from another channel
//! it sends on or closes, or a `Wait()` of a group it calls `Done()` on).

use tree_sitter::Node;

use super::{Check, Needle, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::cfg::{Cfg, End};
use crate::lang::go::{self, Callee, GoFile};
use crate::lang::{ancestors, named_children, parent, walk_tree, Language};

pub static RULE: Rule = Rule {
    name: "abandoned-sender",
    title: "a goroutine can block forever sending on a channel nobody receives from",
    language: Language::Go,
    default_severity: Severity::Error,
    enabled_by_default: true,
    // The `make(chan T)` and the `go` statement are in the function the finding is in.
    needles: &[],
    // (The `go` statement first: the channel's needle reads far more of the text.)
    function_needles: &[&[Needle::Statement("go")], &[Needle::UnbufferedChannel]],
    test_files: false,
    doc: include_str!("../../rules/abandoned-sender.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    // A goroutine left blocked in a test ends with the test binary: not a hung service.
    if file.test_file {
        return;
    }
    // Only a function that makes a channel itself can abandon its sender: the channels made
    // and bound to a new local variable, by innermost function, in document order.
    // (The innermost function node itself: the model's list of functions, with their
    // parameters' types, would be built for this file only to find it.)
    let makes = file
        .calls_named(&["make"])
        .into_iter()
        .filter_map(|call| Some((call, channel_make(file, call)?)));
    let by_function = go::by_innermost_function(makes);
    for (function, makes) in by_function {
        check_function(file, function, makes, out);
    }
}

/// `ch := make(chan T)`: the channel's name where it is declared, and the `make` call.
struct ChannelMake<'t> {
    name: Node<'t>,
    call: Node<'t>,
    /// The declaring statement (`short_var_declaration` or `var_spec`).
    statement: Node<'t>,
}

/// The one goroutine a channel is handed to.
struct Sender<'t> {
    go: Node<'t>,
    /// The function the goroutine runs: a func literal or a declaration of this file.
    function: Node<'t>,
    /// Sends that can block: not a case of a `select` with another way out.
    blocking: Vec<Node<'t>>,
    /// Every send (blocking or not), and whether the goroutine closes the channel.
    sends: Vec<Node<'t>>,
}

/// Where the function gives up on the channel.
enum Exit<'t> {
    Return(Node<'t>),
    FallsOff(Node<'t>),
    /// The path comes back to the `make` (next iteration, `goto`): a new channel replaces it.
    Again,
}

fn check_function<'a>(
    file: &GoFile<'a>,
    function: Node<'a>,
    makes: Vec<ChannelMake<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    // Returning from main.main ends the process, goroutines included.
    if file.package == "main"
        && function.kind() == "function_declaration"
        && go::function_name(function, file.source) == Some("main")
    {
        return;
    }
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let mut cfg = None;
    for make in makes {
        let Some((sender, receives)) = sole_sender(file, function, &make) else {
            continue;
        };
        // A goroutine that sends a stream of values is a producer whose consumer may stop
        // on purpose; only a single result (or error) is the shape this rule is sure about.
        if !sends_at_most_once(file, &sender) {
            continue;
        }
        // Buffering the channel would not free a goroutine that can block elsewhere first:
        // streaming values on another channel, or writing into a pipe the function stops
        // reading. And one that watches a channel the function closes on the way out is told
        // to stop.
        if streams_on_another_channel(file, &sender)
            || writes_to_local_pipe(file, function, sender.go)
            || watches_closed_on_exit(file, function, sender.go, make.name)
        {
            continue;
        }
        if cfg.is_none() {
            cfg = Some(Cfg::build(function, file.source, &never_returns));
        }
        let Some(Some(graph)) = &cfg else {
            return;
        };
        let waits = waits_for(file, function, &sender);
        let Some(exit) = abandoning_exit(file, function, graph, &make, &sender, &receives, &waits)
        else {
            continue;
        };
        out.push(diagnostic(file, &make, &sender, exit));
    }
}

/// The unbuffered channel `call` makes, when it is bound to a new local variable (`ch :=
/// make(chan T)`, `var ch = make(chan T)`).
fn channel_make<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<ChannelMake<'t>> {
    if !is_unbuffered_make(file, call) {
        return None;
    }
    let values = parent(call)?;
    let statement = parent(values)?;
    let (names, value_list): (Vec<Node<'t>>, Option<Node<'t>>) = match statement.kind() {
        "short_var_declaration" => (
            statement
                .child_by_field_name("left")
                .map(|l| named_children(l).collect())
                .unwrap_or_default(),
            statement.child_by_field_name("right"),
        ),
        "var_spec" => {
            let mut cursor = statement.walk();
            let names = statement
                .children_by_field_name("name", &mut cursor)
                .collect();
            (names, statement.child_by_field_name("value"))
        }
        _ => return None,
    };
    if value_list != Some(values) {
        return None;
    }
    let values: Vec<Node<'t>> = named_children(values).collect();
    if names.len() != values.len() {
        return None;
    }
    let name = names[values.iter().position(|v| *v == call)?];
    let declares = name.kind() == "identifier"
        && file.text(name) != "_"
        && go::declaration_of(name, file.source) == Some(name);
    declares.then_some(ChannelMake {
        name,
        call,
        statement,
    })
}

/// `make(chan T)` or `make(chan T, 0)` of a two-way channel.
fn is_unbuffered_make(file: &GoFile<'_>, call: Node<'_>) -> bool {
    if call.kind() != "call_expression" {
        return false;
    }
    let is_make = call
        .child_by_field_name("function")
        .is_some_and(|f| f.kind() == "identifier" && file.text(f) == "make");
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    let args: Vec<Node<'_>> = named_children(arguments)
        .filter(|a| a.kind() != "comment")
        .collect();
    let two_way = args.first().is_some_and(|ty| {
        ty.kind() == "channel_type" && ty.child(1).is_some_and(|second| second.kind() != "<-")
    });
    let unbuffered = match args.len() {
        1 => true,
        2 => file.text(args[1]) == "0",
        _ => false,
    };
    is_make && two_way && unbuffered && !file.functions.contains(&"make")
}

/// The goroutine the channel is handed to, and the receives of the function from it — `None`
/// when the channel is used any other way.
fn sole_sender<'t>(
    file: &GoFile<'t>,
    function: Node<'t>,
    make: &ChannelMake<'t>,
) -> Option<(Sender<'t>, Vec<Node<'t>>)> {
    let mut receives = Vec::new();
    let mut go_statement: Option<Node<'t>> = None;
    let mut goroutine_function: Option<Node<'t>> = None;
    // References inside the goroutine's function (to the channel or to its parameter).
    let mut inner: Vec<Node<'t>> = Vec::new();
    let mut same_goroutine = |go: Node<'t>| match go_statement {
        Some(g) => g == go,
        None => {
            go_statement = Some(go);
            true
        }
    };
    for reference in go::references(function, make.name, file.source) {
        if reference == make.name {
            continue;
        }
        let literals: Vec<Node<'t>> = ancestors(reference)
            .take_while(|a| *a != function)
            .filter(|a| a.kind() == "func_literal")
            .collect();
        match literals.as_slice() {
            // Captured by exactly the literal of a `go` statement.
            [literal] => {
                let go = go_of_literal(*literal)?;
                if !same_goroutine(go) {
                    return None;
                }
                goroutine_function = Some(*literal);
                inner.push(reference);
            }
            [] => {
                if is_receive(file, reference) {
                    receives.push(reference);
                    continue;
                }
                // Passed to the goroutine's function as an argument.
                let (go, callee, parameter) = go_argument(file, reference)?;
                if !same_goroutine(go) {
                    return None;
                }
                if goroutine_function.is_some_and(|f| f != callee) {
                    return None;
                }
                goroutine_function = Some(callee);
                for r in go::references(callee, parameter, file.source) {
                    if r == parameter {
                        continue;
                    }
                    let nested = ancestors(r)
                        .take_while(|a| *a != callee)
                        .any(|a| a.kind() == "func_literal");
                    if nested {
                        return None;
                    }
                    inner.push(r);
                }
            }
            _ => return None,
        }
    }
    let go = go_statement?;
    let function_of_goroutine = goroutine_function?;
    let mut sends = Vec::new();
    for reference in inner {
        match goroutine_use(file, reference)? {
            Use::Send(send) => sends.push(send),
            Use::Close => {}
        }
    }
    let blocking: Vec<Node<'t>> = sends.iter().copied().filter(|s| can_block(*s)).collect();
    if blocking.is_empty() {
        return None;
    }
    // A `go` inside a loop that does not also make the channel starts several senders.
    let statement = make.statement;
    let in_other_loop = ancestors(go)
        .take_while(|a| *a != function)
        .any(|a| a.kind() == "for_statement" && !contains(a, statement));
    if in_other_loop {
        return None;
    }
    Some((
        Sender {
            go,
            function: function_of_goroutine,
            blocking,
            sends,
        },
        receives,
    ))
}

enum Use<'t> {
    Send(Node<'t>),
    Close,
}

/// What the goroutine does with the channel: send on it or close it; anything else is `None`.
fn goroutine_use<'t>(file: &GoFile<'_>, reference: Node<'t>) -> Option<Use<'t>> {
    let parent = reference.parent()?;
    match parent.kind() {
        "send_statement" if parent.child_by_field_name("channel") == Some(reference) => {
            Some(Use::Send(parent))
        }
        "argument_list" => {
            let call = parent.parent()?;
            let is_close = call
                .child_by_field_name("function")
                .is_some_and(|f| f.kind() == "identifier" && file.text(f) == "close");
            (is_close && parent.named_child_count() == 1).then_some(Use::Close)
        }
        _ => None,
    }
}

/// `<-ch`.
fn is_receive(file: &GoFile<'_>, reference: Node<'_>) -> bool {
    reference.parent().is_some_and(|p| {
        p.kind() == "unary_expression"
            && p.child_by_field_name("operand") == Some(reference)
            && p.child_by_field_name("operator")
                .is_some_and(|op| file.text(op) == "<-")
    })
}

/// A send that can block forever: not the case of a `select` with another case or `default`.
fn can_block(send: Node<'_>) -> bool {
    let Some(case) = send.parent().filter(|p| p.kind() == "communication_case") else {
        return true;
    };
    case.parent().is_none_or(|select| {
        named_children(select)
            .filter(|c| c.kind() != "comment")
            .count()
            <= 1
    })
}

/// The `go` statement that runs `literal` directly: `go func() { ... }()`.
fn go_of_literal(literal: Node<'_>) -> Option<Node<'_>> {
    let call = literal.parent().filter(|p| p.kind() == "call_expression")?;
    if call.child_by_field_name("function") != Some(literal) {
        return None;
    }
    call.parent().filter(|p| p.kind() == "go_statement")
}

/// When `reference` is an argument of the call of a `go` statement: the statement, the
/// function that runs (the literal, or a function or method declared in this file) and its
/// parameter that receives the channel.
fn go_argument<'t>(
    file: &GoFile<'t>,
    reference: Node<'t>,
) -> Option<(Node<'t>, Node<'t>, Node<'t>)> {
    let arguments = reference.parent().filter(|p| p.kind() == "argument_list")?;
    let call = arguments
        .parent()
        .filter(|p| p.kind() == "call_expression")?;
    let go = call.parent().filter(|p| p.kind() == "go_statement")?;
    let index = named_children(arguments)
        .filter(|a| a.kind() != "comment")
        .position(|a| a == reference)?;
    let callee = match call.child_by_field_name("function")? {
        literal if literal.kind() == "func_literal" => literal,
        _ => declared_callee(file, call)?,
    };
    let list = callee.child_by_field_name("parameters")?;
    let variadic = named_children(list).any(|d| d.kind() == "variadic_parameter_declaration");
    if variadic {
        return None;
    }
    let parameter = go::parameters(list).nth(index)?.name?;
    (file.text(parameter) != "_").then_some((go, callee, parameter))
}

/// The one function (`f(...)`) or method (`x.f(...)`) of this file a call can mean.
pub(super) fn declared_callee<'t>(file: &GoFile<'t>, call: Node<'t>) -> Option<Node<'t>> {
    let function = call.child_by_field_name("function")?;
    let (kind, name) = match function.kind() {
        "identifier" => ("function_declaration", file.text(function)),
        "selector_expression" => {
            if matches!(file.callee(call), Some(Callee::Package { .. })) {
                return None;
            }
            (
                "method_declaration",
                file.text(function.child_by_field_name("field")?),
            )
        }
        _ => return None,
    };
    let root = file.tree.root_node();
    let mut candidates = named_children(root)
        .filter(|d| d.kind() == kind && go::function_name(*d, file.source) == Some(name));
    let found = candidates.next()?;
    // Methods of two types with the same name: which one runs is not known from syntax.
    candidates.next().is_none().then_some(found)
}

/// The channels the goroutine sends on, as written in its function.
fn own_channels<'a>(file: &GoFile<'a>, sender: &Sender<'_>) -> Vec<&'a str> {
    sender
        .sends
        .iter()
        .filter_map(|s| s.child_by_field_name("channel"))
        .map(|c| file.text(c))
        .collect()
}

/// Whether the goroutine sends in a loop on another channel (a stream of values that may stop
/// being received) with a send that can block.
fn streams_on_another_channel(file: &GoFile<'_>, sender: &Sender<'_>) -> bool {
    let own = own_channels(file, sender);
    let Some(body) = sender.function.child_by_field_name("body") else {
        return false;
    };
    let mut found = false;
    walk_tree(body, |node| {
        if found || node.kind() == "func_literal" {
            return false;
        }
        if node.kind() == "send_statement" {
            let other = node
                .child_by_field_name("channel")
                .is_some_and(|c| !own.contains(&file.text(c)));
            let in_loop = ancestors(node)
                .take_while(|a| *a != body)
                .any(|a| a.kind() == "for_statement");
            found = other && in_loop && can_block(node);
        }
        !found
    });
    found
}

/// Whether the `go` statement uses a variable bound from `io.Pipe()` in `function`: the
/// goroutine can block writing into the pipe before it ever reaches its send.
fn writes_to_local_pipe(file: &GoFile<'_>, function: Node<'_>, go: Node<'_>) -> bool {
    // The `io.Pipe()` call would be in the function: without the name, no identifier of the
    // `go` statement needs resolving.
    if !file.text(function).contains("Pipe") {
        return false;
    }
    // Only a name declared in the statement of an `io.Pipe()` call can be bound from it: the
    // other identifiers of the `go` statement need no resolving. (The calls are looked for
    // where the rules look, as the `make` calls were: the top-level declaration of
    // `function` is there.)
    let is_pipe = |call: &Node<'_>| file.calls_package(*call, &["io"]) == Some("Pipe");
    let mut bound: Vec<&str> = Vec::new();
    for call in file.calls_named(&["Pipe"]).iter().filter(|c| is_pipe(c)) {
        let statement =
            ancestors(*call).find(|a| matches!(a.kind(), "short_var_declaration" | "var_spec"));
        if let Some(statement) = statement {
            walk_tree(statement, |node| {
                if node.kind() == "identifier" {
                    bound.push(file.text(node));
                }
                true
            });
        }
    }
    if bound.is_empty() {
        return false;
    }
    let mut found = false;
    walk_tree(go, |node| {
        if found {
            return false;
        }
        if node.kind() == "identifier" && bound.contains(&file.text(node)) {
            found = go::declaration_of(node, file.source)
                .filter(|d| contains(function, *d))
                .and_then(|d| {
                    ancestors(d).find(|a| matches!(a.kind(), "short_var_declaration" | "var_spec"))
                })
                .and_then(|statement| {
                    statement
                        .child_by_field_name("right")
                        .or_else(|| statement.child_by_field_name("value"))
                })
                .and_then(|values| values.named_child(0))
                .is_some_and(|call| {
                    call.kind() == "call_expression"
                        && file.calls_package(call, &["io"]) == Some("Pipe")
                });
        }
        !found
    });
    found
}

/// Whether the `go` statement uses a channel (other than `channel`) that `function` closes in
/// a `defer`: the goroutine watches it to stop when the function returns.
fn watches_closed_on_exit(
    file: &GoFile<'_>,
    function: Node<'_>,
    go: Node<'_>,
    channel: Node<'_>,
) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut closed: Vec<&str> = Vec::new();
    walk_tree(body, |node| {
        if node.kind() == "func_literal" {
            return false;
        }
        if node.kind() == "defer_statement" {
            if let Some(name) = closed_channel(file, node) {
                closed.push(name);
            }
            return false;
        }
        true
    });
    closed.retain(|c| *c != file.text(channel));
    if closed.is_empty() {
        return false;
    }
    let mut found = false;
    walk_tree(go, |node| {
        found = found || (node.kind() == "identifier" && closed.contains(&file.text(node)));
        !found
    });
    found
}

/// `close(x)` in a `defer` statement: `x`.
fn closed_channel<'a>(file: &GoFile<'a>, defer: Node<'_>) -> Option<&'a str> {
    let call = named_children(defer).find(|c| c.kind() == "call_expression")?;
    let is_close = call
        .child_by_field_name("function")
        .is_some_and(|f| f.kind() == "identifier" && file.text(f) == "close");
    let args = call.child_by_field_name("arguments")?;
    let argument = named_children(args).next()?;
    (is_close && argument.kind() == "identifier").then(|| file.text(argument))
}

/// Whether the goroutine signals anything besides its channel — closes another channel or
/// calls `Done()` — which a buffer would let happen before the function receives, changing
/// what a `select` of the function sees.
fn signals_elsewhere(file: &GoFile<'_>, sender: &Sender<'_>) -> bool {
    let own = own_channels(file, sender);
    let mut found = false;
    walk_tree(sender.function, |node| {
        if found {
            return false;
        }
        if node.kind() == "call_expression" {
            let function = node.child_by_field_name("function");
            let closes_other = function
                .is_some_and(|f| f.kind() == "identifier" && file.text(f) == "close")
                && node
                    .child_by_field_name("arguments")
                    .and_then(|a| named_children(a).next())
                    .is_some_and(|a| !own.contains(&file.text(a)));
            // `wg.Done()` as a statement; `<-ctx.Done()` only watches.
            let done = function
                .filter(|f| f.kind() == "selector_expression")
                .and_then(|f| f.child_by_field_name("field"))
                .is_some_and(|f| file.text(f) == "Done")
                && node.parent().is_some_and(|p| {
                    matches!(p.kind(), "expression_statement" | "defer_statement")
                });
            found = closes_other || done;
        }
        !found
    });
    found
}

/// Nodes of the function that wait for the goroutine to finish: receives from the other
/// channels it sends on or closes, and `Wait()` on what it calls `Done()` on.
fn waits_for<'t>(file: &GoFile<'_>, function: Node<'t>, sender: &Sender<'t>) -> Vec<Node<'t>> {
    let mut signals: Vec<&str> = Vec::new();
    walk_tree(sender.function, |node| {
        match node.kind() {
            "send_statement" => {
                if let Some(channel) = node.child_by_field_name("channel") {
                    signals.push(file.text(channel));
                }
            }
            "call_expression" => {
                if let Some(f) = node.child_by_field_name("function") {
                    let args = node.child_by_field_name("arguments");
                    if f.kind() == "identifier" && file.text(f) == "close" {
                        if let Some(arg) = args.and_then(|a| a.named_child(0)) {
                            signals.push(file.text(arg));
                        }
                    } else if f.kind() == "selector_expression"
                        && f.child_by_field_name("field").map(|n| file.text(n)) == Some("Done")
                    {
                        if let Some(operand) = f.child_by_field_name("operand") {
                            signals.push(file.text(operand));
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    if signals.is_empty() {
        return Vec::new();
    }
    let mut waits = Vec::new();
    walk_tree(function, |node| {
        if node == sender.go {
            return false;
        }
        let waited = match node.kind() {
            "unary_expression" => {
                node.child_by_field_name("operator")
                    .is_some_and(|op| file.text(op) == "<-")
                    && node
                        .child_by_field_name("operand")
                        .is_some_and(|o| signals.contains(&file.text(o)))
            }
            "call_expression" => node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "selector_expression")
                .is_some_and(|f| {
                    f.child_by_field_name("field").map(|n| file.text(n)) == Some("Wait")
                        && f.child_by_field_name("operand")
                            .is_some_and(|o| signals.contains(&file.text(o)))
                }),
            _ => false,
        };
        if waited {
            waits.push(node);
        }
        true
    });
    waits
}

/// A path from the `go` statement that gives the channel up without receiving from it.
///
/// Loops that receive from the channel (made before the loop) need care: the graph lets a
/// path skip their body (a `for` whose condition fails at once) or leave it before the
/// receive in the first iteration (`if done { return }` at the top), though such exits
/// usually test what earlier receives set. So once a path has entered such a loop, an exit counts only if the path also
/// took the other case of a `select` that receives from the channel (`case <-ctx.Done():`).
fn abandoning_exit<'t>(
    file: &GoFile<'_>,
    function: Node<'t>,
    cfg: &Cfg<'t>,
    make: &ChannelMake<'t>,
    sender: &Sender<'t>,
    receives: &[Node<'t>],
    waits: &[Node<'t>],
) -> Option<Exit<'t>> {
    let (start, index) = cfg.locate(sender.go)?;
    let server_sends = sender
        .blocking
        .iter()
        .all(|send| guarded_by_closed_check(file, sender.function, *send));
    let stops = |node: Node<'t>| {
        receives.iter().chain(waits).any(|r| contains(node, *r))
            || reports_test_failure(file, node)
            || (server_sends && stops_a_server(file, node))
    };
    let receive_loops: Vec<Node<'t>> = receives
        .iter()
        .flat_map(|r| {
            ancestors(*r)
                .take_while(|a| *a != function)
                .filter(|a| a.kind() == "for_statement" && !contains(*a, make.statement))
        })
        .collect();
    let in_receive_loop = |node: Node<'t>| receive_loops.iter().any(|l| contains(*l, node));
    // The `select` case whose communication is `node`, when that select also receives from
    // the channel.
    // Receiving from another channel of this function instead is a fan-in whose exits
    // count what came in: not taken as giving up.
    let other_case = |node: Node<'t>| {
        node.parent()
            .filter(|case| case.kind() == "communication_case")
            .filter(|case| {
                case.parent()
                    .is_some_and(|select| receives.iter().any(|r| contains(select, *r)))
            })
            .filter(|_| !receives_from_local_channel(file, function, node))
    };
    // State: (block, first node, the other case taken in this iteration, entered a receiving
    // loop). Going on in the loop outside that case (to the next iteration) forgets the case.
    let index_of =
        |b: usize, other: bool, looped: bool| b * 4 + usize::from(other) * 2 + usize::from(looped);
    let mut seen = vec![false; cfg.blocks.len() * 4];
    let mut stack: Vec<(usize, usize, Option<Node<'t>>, bool)> =
        vec![(start, index + 1, None, in_receive_loop(sender.go))];
    while let Some((b, from, mut other, mut looped)) = stack.pop() {
        let block = &cfg.blocks[b];
        let mut stopped = false;
        for (i, &node) in block.nodes.iter().enumerate().skip(from) {
            if stops(node) {
                stopped = true;
                break;
            }
            if i == 0 {
                if let Some(case) = other_case(node) {
                    other = Some(case);
                }
            }
            if in_receive_loop(node) {
                looped = true;
                if other.is_some_and(|case| !contains(case, node)) {
                    other = None;
                }
            }
            if contains(node, make.statement) && (other.is_some() || !looped) {
                return Some(Exit::Again);
            }
        }
        if stopped {
            continue;
        }
        let counts = other.is_some() || !looped;
        match block.end {
            End::Return(r) if counts => return Some(Exit::Return(r)),
            End::Exit(body) if counts => return Some(Exit::FallsOff(body)),
            End::Return(_) | End::Exit(_) | End::NoReturn(_) => continue,
            End::Next => {}
        }
        for &s in block.succs.iter().rev() {
            let key = index_of(s, other.is_some(), looped);
            if !seen[key] {
                seen[key] = true;
                stack.push((s, 0, other, looped));
            }
        }
    }
    None
}

/// Whether `node` (a select communication) receives from a channel made in `function`.
fn receives_from_local_channel(file: &GoFile<'_>, function: Node<'_>, node: Node<'_>) -> bool {
    let Some(right) = node.child_by_field_name("right") else {
        return false;
    };
    let Some(channel) = right
        .child_by_field_name("operand")
        .filter(|o| o.kind() == "identifier")
    else {
        return false;
    };
    go::declaration_of(channel, file.source)
        .filter(|d| contains(function, *d))
        .and_then(|d| {
            ancestors(d).find(|a| matches!(a.kind(), "short_var_declaration" | "var_spec"))
        })
        .is_some_and(|statement| file.text(statement).contains("make(chan"))
}

/// Whether a send sits under an `if` that excludes a closed server or listener
/// (`err != http.ErrServerClosed`, `!errors.Is(err, net.ErrClosed)`): it only happens when
/// serving fails on its own, not when the function shuts the server down.
fn guarded_by_closed_check(file: &GoFile<'_>, function: Node<'_>, send: Node<'_>) -> bool {
    ancestors(send)
        .take_while(|a| *a != function)
        .filter(|a| a.kind() == "if_statement")
        .filter_map(|i| i.child_by_field_name("condition"))
        .any(|condition| {
            let text = file.text(condition);
            ["ErrServerClosed", "ErrClosed", "ErrServerStopped"]
                .iter()
                .any(|e| text.contains(e))
        })
}

/// A call that shuts a server down: `Shutdown`, `Close`, `Stop`, `GracefulStop`.
fn stops_a_server(file: &GoFile<'_>, node: Node<'_>) -> bool {
    let mut found = false;
    walk_tree(node, |n| {
        if found || n.kind() == "func_literal" {
            return false;
        }
        if n.kind() == "call_expression" {
            found = n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "selector_expression")
                .and_then(|f| f.child_by_field_name("field"))
                .is_some_and(|f| {
                    matches!(file.text(f), "Shutdown" | "Close" | "Stop" | "GracefulStop")
                });
        }
        !found
    });
    found
}

/// A statement that marks the running test as failed — `t.Error(...)`, `t.Errorf(...)`,
/// `t.Fail()` on a `*testing.T`/`B`/`F` or `testing.TB` parameter, or testify's
/// `assert.Fail(t, ...)` — after which a blocked goroutine is the least of the test's
/// problems.
fn reports_test_failure(file: &GoFile<'_>, node: Node<'_>) -> bool {
    let Some(call) = node
        .named_child(0)
        .filter(|c| node.kind() == "expression_statement" && c.kind() == "call_expression")
    else {
        return false;
    };
    if let Some(name) = file.calls_package(
        call,
        &[
            "github.com/stretchr/testify/assert",
            "github.com/stretchr/testify/require",
        ],
    ) {
        return name.starts_with("Fail");
    }
    let Some(function) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
    else {
        return false;
    };
    let (Some(operand), Some(field)) = (
        function.child_by_field_name("operand"),
        function.child_by_field_name("field"),
    ) else {
        return false;
    };
    // `Fail*` names only test failures (`t.Fail()`, testify's `require.New(t).Fail(...)`).
    if file.text(field).starts_with("Fail") {
        return true;
    }
    if !matches!(file.text(field), "Error" | "Errorf") || operand.kind() != "identifier" {
        return false;
    }
    go::declaration_of(operand, file.source)
        .and_then(|d| d.parent())
        .and_then(|p| p.child_by_field_name("type"))
        .is_some_and(|ty| {
            let ty = match ty.kind() {
                "pointer_type" => named_children(ty).next().unwrap_or(ty),
                _ => ty,
            };
            ["T", "B", "F", "TB"]
                .iter()
                .any(|name| file.is_named_type(ty, "testing", name))
        })
}

/// Whether the goroutine can send at most once: no send is reachable from a send (itself
/// included, around a loop) in its function's graph.
fn sends_at_most_once(file: &GoFile<'_>, sender: &Sender<'_>) -> bool {
    let never_returns = |call: Node<'_>| file.never_returns(call);
    let Some(cfg) = Cfg::build(sender.function, file.source, &never_returns) else {
        return false;
    };
    let is_send = |node: Node<'_>| sender.sends.iter().any(|s| contains(node, *s));
    for &send in &sender.sends {
        let Some((start, index)) = cfg.locate(send) else {
            return false;
        };
        let mut seen = vec![false; cfg.blocks.len()];
        let mut stack = vec![(start, index + 1)];
        while let Some((b, from)) = stack.pop() {
            let block = &cfg.blocks[b];
            if block.nodes.iter().skip(from).any(|n| is_send(*n)) {
                return false;
            }
            for &s in &block.succs {
                if !seen[s] {
                    seen[s] = true;
                    stack.push((s, 0));
                }
            }
        }
    }
    true
}

fn diagnostic(
    file: &GoFile<'_>,
    make: &ChannelMake<'_>,
    sender: &Sender<'_>,
    exit: Exit<'_>,
) -> Diagnostic {
    let name = file.text(make.name);
    let exit_label = match exit {
        Exit::Return(r) => Label {
            span: Span::of(r),
            message: format!("this return does not receive from `{name}`"),
        },
        Exit::FallsOff(body) => Label {
            span: Span::new(body.end_byte().saturating_sub(1), body.end_byte()),
            message: format!("the function ends here without receiving from `{name}`"),
        },
        Exit::Again => Label {
            span: Span::of(make.call),
            message: format!(
                "the loop comes back here and makes a new channel without receiving from `{name}`"
            ),
        },
    };
    let send_label = Label {
        span: Span::of(sender.blocking[0]),
        message: "the goroutine blocks here forever".into(),
    };
    let buffered = buffered_call(file, make.call);
    let safe = !signals_elsewhere(file, sender);
    let help = format!(
        "give the channel room for the value so the send always completes: `{}`",
        buffered
            .as_ref()
            .map_or("make(chan T, 1)", |(_, text)| text.as_str())
    );
    Diagnostic {
        rule: RULE.name,
        severity: RULE.default_severity,
        message: format!(
            "`{name}` is unbuffered and this function can return without receiving from it, so \
             the goroutine sending on it blocks forever"
        ),
        span: Span::of(make.call),
        labels: vec![send_label, exit_label],
        help,
        fix: buffered.filter(|_| safe).map(|(edit, text)| Fix {
            applicability: Applicability::Safe,
            message: format!("use `{text}`"),
            edits: vec![edit],
        }),
    }
}

/// The edit that gives `make(chan T)` (or `make(chan T, 0)`) a buffer of one, and the call's
/// new text.
fn buffered_call(file: &GoFile<'_>, call: Node<'_>) -> Option<(Edit, String)> {
    let arguments = call.child_by_field_name("arguments")?;
    let args: Vec<Node<'_>> = named_children(arguments)
        .filter(|a| a.kind() != "comment")
        .collect();
    let edit = match args.as_slice() {
        [ty] => Edit {
            span: Span::empty(ty.end_byte()),
            new_text: ", 1".into(),
        },
        [_, size] => Edit {
            span: Span::of(*size),
            new_text: "1".into(),
        },
        _ => return None,
    };
    let mut text = file.text(call).to_string();
    let at = edit.span.start - call.start_byte();
    text.replace_range(at..edit.span.end - call.start_byte(), &edit.new_text);
    let single_line = !text.contains('\n');
    Some((
        edit,
        if single_line {
            text
        } else {
            "make(chan T, 1)".into()
        },
    ))
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

#[cfg(test)]
mod tests {
    use crate::lang::Language;
    use crate::rules::tests::apply_fixes;

    #[test]
    fn the_fix_gives_the_channel_a_buffer_of_one() {
        let src = "package p\nimport \"time\"\nfunc f() error {\n\tdone := make(chan error)\n\tgo \
                   func() { done <- nil }()\n\tselect {\n\tcase err := <-done:\n\t\treturn \
                   err\n\tcase <-time.After(1):\n\t\treturn nil\n\t}\n}\nfunc g() error {\n\tdone \
                   := make(chan error, 0)\n\tgo func() { done <- nil }()\n\tselect {\n\tcase err \
                   := <-done:\n\t\treturn err\n\tcase <-time.After(1):\n\t\treturn nil\n\t}\n}\n";
        let fixed = apply_fixes(Language::Go, &super::RULE, src);
        assert!(fixed.contains("done := make(chan error, 1)\n\tgo func() { done <- nil }()\n\tselect {\n\tcase err := <-done:\n\t\treturn err\n\tcase <-time.After(1):\n\t\treturn nil\n\t}\n}\nfunc g"));
        assert_eq!(fixed.matches("make(chan error, 1)").count(), 2);
        // Fixed code is clean.
        assert_eq!(apply_fixes(Language::Go, &super::RULE, &fixed), fixed);
        let settings = crate::LintSettings::only(&[&super::RULE]);
        assert!(crate::lint_file(Language::Go, &fixed, None, &settings)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn no_fix_when_the_goroutine_closes_another_channel_after_sending() {
        // With a buffer, the goroutine would close `errs` right after its send, and the
        // select could take the closed `errs` (a nil error) instead of the value.
        let src = "package p\nfunc hash() ([]byte, error)\nfunc validate() error\nfunc f() \
                   ([]byte, error) {\n\thashed := make(chan []byte)\n\terrs := make(chan \
                   error)\n\tgo func() {\n\t\tdefer close(hashed)\n\t\tdefer \
                   close(errs)\n\t\th, err := hash()\n\t\tif err != nil {\n\t\t\terrs <- \
                   err\n\t\t\treturn\n\t\t}\n\t\thashed <- h\n\t}()\n\tif err := \
                   validate(); err != nil {\n\t\treturn nil, err\n\t}\n\tselect {\n\tcase \
                   err := <-errs:\n\t\treturn nil, err\n\tcase h := <-hashed:\n\t\treturn h, \
                   nil\n\t}\n}\n";
        let settings = crate::LintSettings::only(&[&super::RULE]);
        let found = crate::lint_file(Language::Go, src, None, &settings).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|d| d.fix.is_none()));
        // The same goroutine closing only its own channel keeps the fix.
        let own = src
            .replace("\t\tdefer close(errs)\n", "")
            .replace("errs := make(chan error)", "errs := make(chan error, 1)");
        let found = crate::lint_file(Language::Go, &own, None, &settings).unwrap();
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_some());
    }

    #[test]
    fn labels_show_the_send_and_the_exit() {
        let src = "package p\nimport \"time\"\nfunc f() error {\n\tdone := make(chan error)\n\tgo \
                   func() { done <- nil }()\n\tselect {\n\tcase err := <-done:\n\t\treturn \
                   err\n\tcase <-time.After(1):\n\t\treturn nil\n\t}\n}\n";
        let settings = crate::LintSettings::only(&[&super::RULE]);
        let found = crate::lint_file(Language::Go, src, None, &settings).unwrap();
        assert_eq!(found.len(), 1);
        let labels: Vec<&str> = found[0]
            .labels
            .iter()
            .map(|l| &src[l.span.start..l.span.end])
            .collect();
        assert_eq!(labels, ["done <- nil", "return nil"]);
        assert_eq!(
            &src[found[0].span.start..found[0].span.end],
            "make(chan error)"
        );
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, crate::diagnostic::Applicability::Safe);
    }
}
