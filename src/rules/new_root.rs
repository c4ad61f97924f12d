//! Where a `context.Background()`/`TODO()` call sits in a function that already has a parent
//! context, and whether the new root is deliberate. background-in-handler reports the plain
//! sites; prefer-without-cancel the cleanup and detach sites; both stay silent on the rest.
//!
//! Read on real trees (moby, containerd, loki, minio, dapr, temporal, terraform …), most new
//! roots next to a parent are deliberate: they feed a logger, release a resource that must be
//! released even after cancellation, run in a goroutine or a callback that outlives the
//! function, become long-lived state, or a comment says why. Only the rest is reported.

use tree_sitter::Node;

use crate::lang::go::{self, GoFile};
use crate::lang::{ancestors, named_children, walk_tree};

/// The parent context of the function around a new root call.
pub struct Parent<'t> {
    /// The parameter that carries the parent context.
    pub param: Node<'t>,
    /// The function (declaration or literal) that declares `param`.
    pub function: Node<'t>,
    /// The expression that yields it, e.g. `r.Context()`.
    pub expression: String,
    /// False when an inner function shadows the parameter's name, so the expression would
    /// not mean the same thing at the call.
    pub reachable: bool,
}

impl<'t> Parent<'t> {
    /// No parent at all: what `function`, which takes no context, starts its new roots for
    /// (callee-drops-context asks). No text can spell its expression, so nothing is taken for
    /// a use of the parent.
    pub fn absent(function: Node<'t>) -> Parent<'t> {
        Parent {
            param: function,
            function,
            expression: "\0".into(),
            reachable: false,
        }
    }
}

/// The innermost enclosing function's parent context, from the file's model of functions and
/// their context parameters. A function that returns a context is a deliberate new root:
/// nothing is reported inside it.
pub fn parent_context<'t>(file: &GoFile<'t>, call: Node<'t>) -> Option<Parent<'t>> {
    let functions = file.functions();
    let mut index = file.function_of(call).map(|(i, _)| i);
    let mut inner_names: Vec<&str> = Vec::new();
    while let Some(i) = index {
        let function = &functions[i];
        if function.returns_context {
            return None;
        }
        if let Some(param) = function.context_params.first() {
            // An unnamed, `_` or `_ctx` context parameter is ignored on purpose (a callback
            // with a fixed signature): no parent here, and an outer one is not meant for it.
            let name = param.param.name.map(|n| file.text(n)).unwrap_or("_");
            if name.starts_with('_') {
                return None;
            }
            return Some(Parent {
                param: param.param.name.unwrap_or(param.param.ty),
                function: function.node,
                expression: param.handler.context.replace("{}", name),
                reachable: !inner_names.contains(&name),
            });
        }
        // Parameters and results of an inner function shadow the outer names.
        for list in ["parameters", "result"] {
            if let Some(list) = function
                .node
                .child_by_field_name(list)
                .filter(|l| l.kind() == "parameter_list")
            {
                inner_names.extend(
                    go::parameters(list)
                        .filter_map(|p| p.name)
                        .map(|n| file.text(n)),
                );
            }
        }
        index = function.enclosing;
    }
    None
}

/// What a new root next to a parent is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// Nothing says it is deliberate: background-in-handler's finding.
    Plain,
    /// Cleanup or detached work, which must not be cancelled with the parent but could keep
    /// its values: prefer-without-cancel's finding.
    Detach(Detach),
    /// Deliberate, and nothing better to suggest: a value carrier for a logger or tracer, a
    /// root stored as long-lived state or returned, a copy of the parent's values, a nil
    /// fallback, a comparison.
    Quiet,
}

/// Why a site is cleanup or detached work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detach {
    Defer,
    Go,
    ErrorPath,
    /// A call named like cleanup (`Release`, `Close`, `Shutdown` …).
    Cleanup(String),
    /// A call that starts work meant to outlive the function (`StartAsync`, `startMonitor`).
    Start(String),
    /// A func literal that is returned, stored or registered as a callback.
    OutlivingLiteral,
    /// The parent is already done here (`case <-ctx.Done():`, `if ctx.Err() != nil`).
    ParentDone,
    /// The root receives the parent's values by hand (`CopyValues(context.TODO(), ctx)`).
    CopiesValues,
    Comment,
}

impl Detach {
    /// Where the call is, for messages: "in a deferred call".
    pub fn describe(&self) -> String {
        match self {
            Detach::Defer => "in a deferred call".into(),
            Detach::Go => "in a goroutine".into(),
            Detach::ErrorPath => "on an error path".into(),
            Detach::Cleanup(name) | Detach::Start(name) => format!("passed to `{name}`"),
            Detach::OutlivingLiteral => "in a func literal that outlives the function".into(),
            Detach::ParentDone => "after the parent context is done".into(),
            Detach::CopiesValues => "with values copied from the parent by hand".into(),
            Detach::Comment => "where a comment explains the fresh context".into(),
        }
    }
}

/// Classifies the new root `call` inside `parent.function`.
pub fn classify(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> Site {
    if is_stored_root(file, call, parent)
        || parent_is_nil_here(file, call, parent)
        || set_as_state(file, call)
        || feeds_sink(file, call)
        || wrapper_from_parent(file, call, parent)
        || product_outlives(file, call, parent)
        || table_case_setup(file, parent)
        || nil_fallback(file, call)
        || in_shared_work(file, call, parent.function)
    {
        return Site::Quiet;
    }
    let binding = Binding::of(file, call);
    if let Some(binding) = &binding {
        if binding.discarded
            || binding.is_kept(file)
            || binding.replaces_parent(file, parent)
            || binding.fallback_for_parent(file, parent)
            || binding.bounded_goroutine(file)
        {
            return Site::Quiet;
        }
        if binding.copies_parent_values(file, parent) {
            return Site::Detach(Detach::CopiesValues);
        }
    }
    if consuming_call(file, call).is_some_and(|c| takes_parent(file, c, call, parent)) {
        return Site::Detach(Detach::CopiesValues);
    }
    if cancellation_forwarded(file, parent, binding.as_ref()) {
        return Site::Quiet;
    }
    if let Some(detach) = detach_site(file, call, parent, binding.as_ref()) {
        return Site::Detach(detach);
    }
    Site::Plain
}

/// The cleanup and detach reasons that are about where the call is.
fn detach_site(
    file: &GoFile<'_>,
    call: Node<'_>,
    parent: &Parent<'_>,
    binding: Option<&Binding<'_>>,
) -> Option<Detach> {
    if let Some(detach) = detached_location(file, call, parent) {
        return Some(detach);
    }
    if let Some(detach) = consuming_call(file, call).and_then(|c| detach_call(file, c)) {
        return Some(detach);
    }
    if let Some(detach) = binding.and_then(|b| b.only_detach_use(file)) {
        return Some(detach);
    }
    if explained_by_comment(file, call, parent) {
        return Some(Detach::Comment);
    }
    None
}

/// Whether a node sits where work is cleanup or detached from the parent, by its location
/// alone: in a `defer` or `go` statement, a func literal that outlives the function, an error
/// branch, or after the parent is done. context-not-passed stays silent there too.
pub fn detached_location(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> Option<Detach> {
    let mut child = call;
    for node in ancestors(call) {
        if node == parent.function {
            break;
        }
        match node.kind() {
            "defer_statement" => return Some(Detach::Defer),
            "go_statement" => return Some(Detach::Go),
            "func_literal" if literal_outlives(file, node) => {
                return Some(Detach::OutlivingLiteral)
            }
            "func_literal" => {
                if let Some(name) = cleanup_literal(file, node) {
                    return Some(Detach::Cleanup(name));
                }
            }
            "block" if is_error_branch(file, node) => return Some(Detach::ErrorPath),
            "communication_case" if waits_for_parent(file, node, parent) => {
                return Some(Detach::ParentDone)
            }
            "block" if parent_err_branch(file, node, parent) => return Some(Detach::ParentDone),
            "statement_list" if waited_before(file, node, child, parent) => {
                return Some(Detach::ParentDone)
            }
            _ => {}
        }
        child = node;
    }
    None
}

/// Whether the new root is deliberately long-lived or no work starts from it:
/// - stored in a field, map, slice or composite literal (`s.ctx, s.cancel =
///   context.WithCancel(context.Background())`), which the request's context would cancel too
///   early;
/// - assigned to the parent itself (`if ctx == nil { ctx = context.Background() }`): there is
///   no parent to pass down;
/// - compared with (`ctx == context.Background()`).
fn is_stored_root(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let mut child = call;
    for node in ancestors(call) {
        match node.kind() {
            "keyed_element" | "literal_element" | "composite_literal" => return true,
            "assignment_statement" => {
                if node.child_by_field_name("right") != Some(child) {
                    return false;
                }
                let Some(left) = node.child_by_field_name("left") else {
                    return false;
                };
                return named_children(left).any(|target| {
                    matches!(target.kind(), "selector_expression" | "index_expression")
                        || file.text(target) == file.text(parent.param)
                        || declared_outside(file, target, parent.function)
                });
            }
            "binary_expression" => {
                return node
                    .child_by_field_name("operator")
                    .is_some_and(|op| matches!(file.text(op), "==" | "!="));
            }
            "call_expression"
            | "argument_list"
            | "expression_list"
            | "parenthesized_expression"
            | "unary_expression" => {}
            _ => return false,
        }
        child = node;
    }
    false
}

/// Whether `node` runs only where the parent is nil: in the `if ctx == nil { … }` branch, or
/// the `else` of `if ctx != nil { … }` (`if ctx == nil { return w.Result() }` then
/// `w.ResultWithContext(ctx)`). There is no parent to pass there.
pub fn parent_is_nil_here(file: &GoFile<'_>, node: Node<'_>, parent: &Parent<'_>) -> bool {
    if parent.param == parent.function {
        return false;
    }
    let name = file.text(parent.param);
    let mut child = node;
    for a in ancestors(node) {
        if a == parent.function {
            break;
        }
        if a.kind() == "if_statement" {
            let condition: String = a
                .child_by_field_name("condition")
                .map(|c| {
                    file.text(c)
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect()
                })
                .unwrap_or_default();
            let is_nil = condition == format!("{name}==nil") || condition == format!("nil=={name}");
            let not_nil =
                condition == format!("{name}!=nil") || condition == format!("nil!={name}");
            if is_nil && a.child_by_field_name("consequence") == Some(child)
                || not_nil && a.child_by_field_name("alternative") == Some(child)
            {
                return true;
            }
        }
        child = a;
    }
    false
}

/// Whether a context derived from the new root is kept beyond the function: the root is bound
/// to a local (`ctx := context.Background()`) that a `context.With…` call derives from, and
/// that derived context or its cancel function is stored (`streamCtx, cancel :=
/// context.WithCancel(ctx)` then `m.cancel = cancel`). The root is long-lived state, as when it
/// is stored itself.
pub fn kept_through_derived(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let Some(binding) = Binding::of(file, call) else {
        return false;
    };
    let Some(context) = binding.context else {
        return false;
    };
    // Only a derivation with a cancel function (`context.WithCancel`, `WithTimeout` …): other
    // calls taking the context first (`conn, err := DialPipeContext(ctx, p)`) use it.
    binding.uses(file, context).into_iter().any(|r| {
        argument_of(r).is_some_and(|outer| {
            first_argument(outer) == Some(r) && file.cancel_result(outer).is_some()
        }) && Binding::of(file, r).is_some_and(|derived| derived.is_kept(file))
    })
}

/// Whether the new root is the fallback of `cmp.Or(s.ctx, context.Background())`: a default
/// for a context kept elsewhere when it is unset.
fn nil_fallback(file: &GoFile<'_>, call: Node<'_>) -> bool {
    argument_of(call).is_some_and(|c| {
        matches!(
            file.callee(c),
            Some(go::Callee::Package {
                path: "cmp",
                name: "Or"
            })
        )
    })
}

/// Whether `node` runs in a callback: inside a func literal (below `function`) that is stored,
/// returned, registered or handed to a call that keeps it (`predicate.NewPredicateFuncs(func
/// …)`, `SetOnTeardown(func …)`), rather than called at once or handed to a call that runs it
/// before it returns: a runner named like one (`Go`, `Do`, `WithClient`, `retry`, `sort.Slice`,
/// `Walk` …), or a call that is also given `parent` (`retryOp(ctx, func …)`). A callback runs
/// when another context is in charge, or none.
pub fn in_callback(
    file: &GoFile<'_>,
    node: Node<'_>,
    function: Node<'_>,
    parent: Option<&str>,
) -> bool {
    for literal in ancestors(node)
        .take_while(|a| *a != function)
        .filter(|a| a.kind() == "func_literal")
    {
        let Some(up) = literal.parent() else {
            return true;
        };
        let runs_now = match up.kind() {
            "call_expression" => up.child_by_field_name("function") == Some(literal),
            "argument_list" => up.parent().is_some_and(|call| {
                let name = function_name(file, call);
                SYNCHRONOUS_RUNNERS.contains(&name)
                    || words(name)
                        .first()
                        .is_some_and(|w| RUNNER_WORDS.contains(&w.as_str()))
                    || named_children(up).any(|a| Some(file.text(a)) == parent)
            }),
            _ => false,
        };
        if !runs_now {
            return true;
        }
    }
    false
}

/// First words of calls that run a func literal argument before they return.
const RUNNER_WORDS: &[&str] = &[
    "with", "retry", "do", "run", "walk", "for", "each", "sort", "slice", "visit", "try", "range",
    "list", "exec", "execute", "in", "update", "view", "transact", "lock",
];

/// Whether the new root only reads configuration: it is handed to a getter of settings
/// (`fs.GetConfig(context.TODO())`, `GetOptions`), which reads values and does no cancellable
/// work.
pub fn feeds_config_getter(file: &GoFile<'_>, call: Node<'_>) -> bool {
    consuming_call(file, call).is_some_and(|c| {
        let name = words(function_name(file, c));
        name.first().is_some_and(|w| w == "get")
            && name
                .last()
                .is_some_and(|w| matches!(w.as_str(), "config" | "options" | "settings"))
    })
}

/// Words of a call's name or receiver that make it run the work of several callers once for
/// all of them: a batching executor (`m.batchExecutor.BatchFor(ctx, key, d, fn)`), a
/// `singleflightGroup`.
const SHARED_WORK_WORDS: &[&str] = &["batch", "batcher", "singleflight"];

/// Whether `call` sits in a func literal without parameters whose run is shared by several
/// callers: handed (itself, or through a one-argument conversion such as
/// `batch.ExecuterFunc(func …)`) to a call named like a batcher, or to `Do`/`DoChan` in a file
/// that imports `singleflight`. The first caller's context would cancel the work the others
/// wait for, so a fresh root is the point there (lakefs `ref.Manager.GetTag`, read on the
/// holdout trees). A literal that takes parameters (`db.Batch(func(tx *bolt.Tx) error …)`)
/// runs this caller's own step and is not matched.
fn in_shared_work(file: &GoFile<'_>, call: Node<'_>, function: Node<'_>) -> bool {
    let singleflight = file
        .imports
        .imports_any(&["golang.org/x/sync/singleflight"]);
    ancestors(call)
        .take_while(|a| *a != function)
        .filter(|a| a.kind() == "func_literal")
        .any(|literal| {
            let no_parameters = literal
                .child_by_field_name("parameters")
                .is_some_and(|p| p.named_child_count() == 0);
            no_parameters && handed_to_shared_run(file, literal, singleflight)
        })
}

/// Whether the func literal `literal` is an argument of a call that shares its run, directly
/// or as the only argument of a conversion that is itself such an argument.
fn handed_to_shared_run(file: &GoFile<'_>, literal: Node<'_>, singleflight: bool) -> bool {
    let mut argument = literal;
    for _ in 0..2 {
        let Some(arguments) = argument.parent().filter(|a| a.kind() == "argument_list") else {
            return false;
        };
        let Some(call) = arguments.parent() else {
            return false;
        };
        let path = function_path(file, call);
        let name = path.last().copied().unwrap_or("");
        if singleflight && matches!(name, "Do" | "DoChan") {
            return true;
        }
        if path
            .iter()
            .flat_map(|p| words(p))
            .any(|w| SHARED_WORK_WORDS.contains(&w.as_str()))
        {
            return true;
        }
        if arguments.named_child_count() != 1 {
            return false;
        }
        argument = call;
    }
    false
}

/// Whether the parent is the context parameter of a case function in a test's table (`{"put",
/// func(s *Store, ctx context.Context) error { … }}`): the table's runner picks that context,
/// often a cancelled or expired one on purpose, and the case's setup needs a live root.
fn table_case_setup(file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
    file.test_file
        && parent.function.kind() == "func_literal"
        && parent
            .function
            .parent()
            .is_some_and(|p| matches!(p.kind(), "literal_element" | "keyed_element"))
}

/// Whether the new root is handed straight to a setter of a context kept as state
/// (`vm.SetContext(context.Background())`, `SetRequestCtx`): resetting what a pooled or
/// long-lived object holds to a neutral root, where the parent would be kept past its end.
fn set_as_state(file: &GoFile<'_>, call: Node<'_>) -> bool {
    argument_of(call).is_some_and(|c| {
        let name = function_name(file, c);
        name.starts_with("Set") && (name.ends_with("Context") || name.ends_with("Ctx"))
    })
}

/// Whether the new root is handed to a function taken from the parent's own values (`wrap :=
/// ctx.Value(wrapperKey{}).(Wrapper)`, then `wrap(context.Background())`): the parent supplies
/// what to do with a context of its own, so the fresh root is the point.
fn wrapper_from_parent(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let Some(function) = argument_of(call).and_then(|c| c.child_by_field_name("function")) else {
        return false;
    };
    if function.kind() != "identifier" {
        return false;
    }
    let Some(statement) = go::declaration_of(function, file.source).and_then(|d| {
        ancestors(d).find(|a| a.kind().ends_with("declaration") || a.kind().ends_with("statement"))
    }) else {
        return false;
    };
    file.text(statement)
        .contains(&format!("{}.Value(", parent.expression))
}

/// Whether what the new root made outlives the function in a way that needs the root, or is
/// cancelled another way: the result of the call that takes it (`f, err :=
/// fifo.OpenFifo(context.Background(), …)`) is closed by a goroutine that does not follow the
/// parent (the goroutine owns it after the function returns), returned inside a composite
/// literal (`return &readerAt{rac}`), or is a command run by a call that takes the parent.
/// Such products may hold their context (a fifo closed when it is done, a lazy download), and
/// the parent would end them while they are still in use.
fn product_outlives(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let Some(consumer) = consuming_call(file, call) else {
        return false;
    };
    if is_value_wrapper(file, consumer) {
        return false;
    }
    let Some(list) = consumer
        .parent()
        .filter(|l| l.kind() == "expression_list" && l.named_child_count() == 1)
    else {
        return false;
    };
    let Some(statement) = list.parent().filter(|s| {
        matches!(s.kind(), "short_var_declaration" | "assignment_statement")
            && s.child_by_field_name("right") == Some(list)
    }) else {
        return false;
    };
    let Some(left) = statement.child_by_field_name("left") else {
        return false;
    };
    named_children(left)
        .filter(|t| t.kind() == "identifier" && file.text(*t) != "_")
        .filter(|t| !file.text(*t).to_ascii_lowercase().contains("err"))
        .filter_map(|t| go::declaration_of(t, file.source))
        .any(|declaration| {
            go::references(parent.function, declaration, file.source)
                .into_iter()
                .filter(|r| *r != declaration && !is_assigned(*r))
                .any(|r| {
                    closed_by_detached_goroutine(file, r, parent)
                        || returned_in_literal(r)
                        || builds_receiver_field(file, r)
                        || command_run_with_parent(file, consumer, r, parent)
                })
        })
}

/// Whether `product` is a command (`cmd = exec.CommandContext(context.TODO(), …)`) handed to a
/// runner together with the parent (`run(ctx, cmd)`): the runner cancels it its own way (helper
/// processes that `CommandContext` would leave behind).
fn command_run_with_parent(
    file: &GoFile<'_>,
    consumer: Node<'_>,
    product: Node<'_>,
    parent: &Parent<'_>,
) -> bool {
    matches!(
        file.callee(consumer),
        Some(go::Callee::Package {
            path: "os/exec",
            ..
        })
    ) && argument_of(product).is_some_and(|c| takes_parent(file, c, product, parent))
}

/// Whether `product` is the receiver of a `Close()` call in a goroutine that never mentions
/// the parent context.
fn closed_by_detached_goroutine(file: &GoFile<'_>, product: Node<'_>, parent: &Parent<'_>) -> bool {
    let closes = product
        .parent()
        .filter(|s| s.kind() == "selector_expression")
        .and_then(|s| s.child_by_field_name("field"))
        .is_some_and(|f| file.text(f) == "Close");
    let Some(goroutine) = ancestors(product)
        .take_while(|a| *a != parent.function)
        .find(|a| a.kind() == "go_statement")
    else {
        return false;
    };
    closes && !mentions_parent(file, goroutine, parent)
}

/// Whether `node` refers to the parent context anywhere inside.
fn mentions_parent(file: &GoFile<'_>, node: Node<'_>, parent: &Parent<'_>) -> bool {
    let name = file.text(parent.param);
    let mut found = false;
    walk_tree(node, |n| {
        found |= n.kind() == "identifier" && file.text(n) == name;
        !found
    });
    found
}

/// Whether `ident` is an argument of the call that builds a field of the method's receiver
/// (`queueSetting := settings.Queue(context.Background(), …)`, then `d.thumbQueue =
/// queue.New(…, queueSetting.MaxRetry)`): what the root read configures long-lived state of the
/// object, which a cancelled first caller must not leave half-configured. A product stored as
/// it is (`m.manager = manager`) is not: the parent could have made it.
fn builds_receiver_field(file: &GoFile<'_>, ident: Node<'_>) -> bool {
    let Some(receiver) = ancestors(ident)
        .find(|a| {
            matches!(
                a.kind(),
                "method_declaration" | "function_declaration" | "func_literal"
            )
        })
        .filter(|f| f.kind() == "method_declaration")
        .and_then(|m| m.child_by_field_name("receiver"))
        .and_then(|list| go::parameters(list).next())
        .and_then(|p| p.name)
        .map(|n| file.text(n))
    else {
        return false;
    };
    let mut child = ident;
    let mut argument = false;
    for a in ancestors(ident) {
        match a.kind() {
            "assignment_statement" => {
                return argument
                    && a.child_by_field_name("right") == Some(child)
                    && a.child_by_field_name("left").is_some_and(|left| {
                        named_children(left).any(|t| {
                            t.kind() == "selector_expression"
                                && t.child_by_field_name("operand")
                                    .is_some_and(|o| file.text(o) == receiver)
                        })
                    });
            }
            "argument_list" => argument = true,
            "call_expression"
            | "selector_expression"
            | "expression_list"
            | "parenthesized_expression"
            | "unary_expression"
            | "binary_expression" => {}
            _ => return false,
        }
        child = a;
    }
    false
}

/// Whether `ident` is an element of a composite literal in a return statement.
fn returned_in_literal(ident: Node<'_>) -> bool {
    let mut in_literal = false;
    for a in ancestors(ident) {
        match a.kind() {
            "literal_element" | "keyed_element" => in_literal = true,
            "return_statement" => return in_literal,
            "literal_value"
            | "composite_literal"
            | "unary_expression"
            | "expression_list"
            | "parenthesized_expression" => {}
            _ => return false,
        }
    }
    false
}

/// Whether `node` runs in a goroutine started inside `function` (`go func() { … }()` or an
/// argument of `go f(…)`).
fn in_goroutine(node: Node<'_>, function: Node<'_>) -> bool {
    ancestors(node)
        .take_while(|a| *a != function)
        .any(|a| a.kind() == "go_statement")
}

/// Whether an assigned identifier is a variable of an outer function or of the package: the
/// value outlives the function (`captured = r.Clone(context.Background())` in a handler
/// literal of a test).
fn declared_outside(file: &GoFile<'_>, target: Node<'_>, function: Node<'_>) -> bool {
    if target.kind() != "identifier" || file.text(target) == "_" {
        return false;
    }
    match go::declaration_of(target, file.source) {
        Some(declaration) => {
            declaration.start_byte() < function.start_byte()
                || declaration.end_byte() > function.end_byte()
        }
        None => true,
    }
}

/// The call that takes the new root as an argument, looking through value wrappers
/// (`f(log.WithLogger(context.Background(), l))` gives `f(...)`); `None` when the root, or the
/// last wrapper, is not an argument.
fn consuming_call<'t>(file: &GoFile<'_>, call: Node<'t>) -> Option<Node<'t>> {
    consumers(file, call).last().copied()
}

/// The calls the new root flows into as an argument: each value wrapper
/// (`log.WithLogger(context.Background(), l)`) and then the first call that is not one.
fn consumers<'t>(file: &GoFile<'_>, call: Node<'t>) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut node = call;
    while let Some(outer) = argument_of(node) {
        found.push(outer);
        if !is_value_wrapper(file, outer) || first_argument(outer) != Some(node) {
            break;
        }
        node = outer;
    }
    found
}

/// The call whose argument `node` is (through parentheses).
fn argument_of(node: Node<'_>) -> Option<Node<'_>> {
    let mut child = node;
    for a in ancestors(node) {
        match a.kind() {
            "parenthesized_expression" => {}
            "argument_list" => {
                return a
                    .parent()
                    .filter(|c| c.kind() == "call_expression")
                    .filter(|_| child.parent() == Some(a));
            }
            _ => return None,
        }
        child = a;
    }
    None
}

/// The first argument of a call; a comment before it (`f( // why` then the argument on the
/// next line) is not one.
fn first_argument(call: Node<'_>) -> Option<Node<'_>> {
    call.child_by_field_name("arguments")
        .and_then(|a| named_children(a).find(|n| n.kind() != "comment"))
}

/// A call that returns its first argument with something added: `context.WithValue`,
/// `context.WithCancel`, `log.WithLogger`, `namespaces.WithNamespace`,
/// `metadata.NewOutgoingContext`, `trace.ContextWithSpan` and the like.
/// `exec.CommandContext` ends like a wrapper but makes a command, not a context; the
/// standard library's I/O of [`IO_CALLS`] does work with it.
fn is_value_wrapper(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let name = function_name(file, call);
    if IO_CALLS.contains(&name) {
        return false;
    }
    if matches!(
        file.callee(call),
        Some(go::Callee::Package {
            path: "os/exec",
            ..
        })
    ) {
        return false;
    }
    name.starts_with("With")
        || name.starts_with("Context")
        || name.ends_with("Context")
        || file.cancel_result(call).is_some()
}

/// Methods of the standard library named like a context wrapper that do I/O with the context
/// they take (`database/sql`, `net.Dialer`, `tls.Conn`): `_, err := db.ExecContext(
/// context.Background(), q)` runs a statement, it does not bind a context.
const IO_CALLS: &[&str] = &[
    "ExecContext",
    "QueryContext",
    "QueryRowContext",
    "PrepareContext",
    "PingContext",
    "DialContext",
    "HandshakeContext",
];

/// The name of the called function or method (`Release` in `r.Release(ctx)`).
pub(super) fn function_name<'a>(file: &GoFile<'a>, call: Node<'_>) -> &'a str {
    let Some(function) = call.child_by_field_name("function") else {
        return "";
    };
    let name = match function.kind() {
        "selector_expression" => function.child_by_field_name("field"),
        "identifier" => Some(function),
        _ => None,
    };
    name.map(|n| file.text(n)).unwrap_or("")
}

/// The identifiers of a call's function, outermost qualifier first: `["diag",
/// "DefaultComponentMonitoring", "StateInvoked"]`; calls in the chain are looked through
/// (`a.B().C` gives `a`, `B`, `C`).
fn function_path<'a>(file: &GoFile<'a>, call: Node<'_>) -> Vec<&'a str> {
    let mut path = Vec::new();
    let mut node = call.child_by_field_name("function");
    while let Some(n) = node {
        match n.kind() {
            "selector_expression" => {
                if let Some(field) = n.child_by_field_name("field") {
                    path.push(file.text(field));
                }
                node = n.child_by_field_name("operand");
            }
            "call_expression" => node = n.child_by_field_name("function"),
            "identifier" => {
                path.push(file.text(n));
                node = None;
            }
            _ => node = None,
        }
    }
    path.reverse();
    path
}

/// The words of an identifier, lowercase: `DefaultComponentMonitoring` → default, component,
/// monitoring; `HTTPClient` → http, client; `batch_log` → batch, log.
pub fn words(identifier: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = identifier.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(|n| n.is_lowercase())
                    && chars[i - 1].is_uppercase());
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Import paths of logging, tracing and metrics packages: a context passed to their functions
/// only carries values (a logger, a span, tags).
const SINK_PACKAGES: &[&str] = &[
    "log/slog",
    "github.com/sirupsen/logrus",
    "github.com/rs/zerolog",
    "go.uber.org/zap",
    "k8s.io/klog",
    "github.com/go-logr/logr",
    "github.com/containerd/log",
    "github.com/moby/buildkit/util/bklog",
    "github.com/hashicorp/go-hclog",
    "github.com/go-kit/log",
    "go.opentelemetry.io/otel",
    "go.opencensus.io",
    "github.com/opentracing/opentracing-go",
    "google.golang.org/grpc/metadata",
    "google.golang.org/grpc/grpclog",
    "golang.org/x/tools/internal/event",
];

/// Words that make a qualifier (a package alias, a variable or field on the way to the
/// method) a logger, tracer or metrics recorder.
const SINK_QUALIFIER_WORDS: &[&str] = &[
    "log",
    "logger",
    "logging",
    "logr",
    "slog",
    "klog",
    "glog",
    "hclog",
    "bklog",
    "zerolog",
    "logrus",
    "zap",
    "ctxzap",
    "tracer",
    "tracing",
    "trace",
    "telemetry",
    "monitoring",
    "metrics",
    "otel",
];

/// Words that make a function name a logging call (`LogAttrs`, `GetLogger`, `auditLogIf`).
const SINK_NAME_WORDS: &[&str] = &["log", "logf", "logln", "logger", "logging"];

/// First words of names that fetch or move logs rather than write one (`ReadLog`,
/// `StreamLogs`): real work.
const LOG_WORK_VERBS: &[&str] = &[
    "read", "fetch", "get", "list", "tail", "stream", "watch", "follow", "query", "search",
    "download", "upload", "export", "delete", "rotate", "open", "send", "push", "ship",
];

/// Tracing helpers whose context argument only carries the span.
const SINK_NAMES: &[&str] = &[
    "SpanFromContext",
    "SpanContextFromContext",
    "ContextWithSpan",
    "StartSpan",
    "StartSpanFromContext",
    "FromIncomingContext",
    "FromOutgoingContext",
];

/// Whether the new root only carries values into a logging, tracing or metrics call:
/// `log.G(context.TODO())`, `logger.LogAttrs(context.Background(), …)`,
/// `diag.DefaultMonitoring.Record(context.Background(), …)`, `tracer.Start(…)`.
fn feeds_sink(file: &GoFile<'_>, call: Node<'_>) -> bool {
    consumers(file, call).into_iter().any(|c| is_sink(file, c))
}

/// Whether a call only carries a context's values into logging, tracing or metrics.
pub(super) fn is_sink(file: &GoFile<'_>, call: Node<'_>) -> bool {
    if is_log_event_context(file, call) {
        return true;
    }
    if let Some(go::Callee::Package { path, .. }) = file.callee(call) {
        if SINK_PACKAGES.iter().any(|p| {
            path == *p
                || path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/'))
        }) {
            return true;
        }
    }
    let path = function_path(file, call);
    let Some((name, qualifiers)) = path.split_last() else {
        return false;
    };
    if SINK_NAMES.contains(name) {
        return true;
    }
    if qualifiers
        .iter()
        .flat_map(|q| words(q))
        .any(|w| SINK_QUALIFIER_WORDS.contains(&w.as_str()))
    {
        return true;
    }
    logs_by_name(name)
}

/// Whether a function's name makes it a logging call (`LogAttrs`, `GetLogger`,
/// `auditLogIf`), not one that fetches or moves logs (`ReadLog`).
fn logs_by_name(name: &str) -> bool {
    let name_words = words(name);
    let logs = name_words
        .iter()
        .any(|w| SINK_NAME_WORDS.contains(&w.as_str()));
    logs && !name_words.first().is_some_and(|w| {
        LOG_WORK_VERBS.contains(&w.as_str()) && !name_words.contains(&"logger".to_string())
    })
}

/// `….Ctx(ctx)` inside a zerolog-style event chain that ends by writing the entry
/// (`l.Err(err).Ctx(ctx).Msg("…")`, `log.Info().Ctx(ctx).Send()`): the context only
/// carries values into the log entry.
fn is_log_event_context(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let named_ctx = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|f| file.text(f) == "Ctx");
    if !named_ctx {
        return false;
    }
    // Up the chain: each outer call's function is a selector on the inner call.
    let mut inner = call;
    let mut last = None;
    while let Some(selector) = inner.parent().filter(|p| p.kind() == "selector_expression") {
        let Some(outer) = selector.parent().filter(|p| p.kind() == "call_expression") else {
            break;
        };
        last = selector.child_by_field_name("field").map(|f| file.text(f));
        inner = outer;
    }
    last.is_some_and(|name| matches!(name, "Msg" | "Msgf" | "MsgFunc" | "Send"))
}

/// First words of the functions of a logging package (`Fatalf`, `Debugf`, `Printf`).
const LOG_LEVEL_WORDS: &[&str] = &[
    "debug", "debugf", "info", "infof", "notice", "noticef", "warn", "warnf", "warning",
    "warningf", "errorf", "fatal", "fatalf", "fatalln", "panicf", "print", "printf", "println",
    "trace", "tracef",
];

/// Whether a function named `name` writes a log record (`LogLevelPrintf`, `Fatalf`, `Trace`):
/// a root it starts only carries values to the logger.
pub fn named_like_logging(name: &str) -> bool {
    logs_by_name(name)
        || words(name)
            .first()
            .is_some_and(|w| LOG_LEVEL_WORDS.contains(&w.as_str()))
}

/// First words of calls that release or tear something down: they must run even when the
/// parent is cancelled.
const CLEANUP_VERBS: &[&str] = &[
    "release",
    "close",
    "delete",
    "remove",
    "cleanup",
    "clean",
    "shutdown",
    "unregister",
    "deregister",
    "abort",
    "kill",
    "unmount",
    "umount",
    "stop",
    "unlock",
    "cancel",
    "rollback",
    "teardown",
    "destroy",
    "unsubscribe",
    "disconnect",
    "terminate",
    "exit",
    "deactivate",
];

/// First words of calls that start work meant to outlive the caller.
const START_VERBS: &[&str] = &["start", "launch", "spawn"];

/// Whether `call` is cleanup or starts detached work, by its name.
fn detach_call(file: &GoFile<'_>, call: Node<'_>) -> Option<Detach> {
    detach_name(function_name(file, call))
}

/// Whether a function named `name` is cleanup (`Close`, `releaseLease`) or starts detached
/// work (`StartMonitor`), by the first word of its name.
pub fn detach_name(name: &str) -> Option<Detach> {
    let first = words(name).into_iter().next()?;
    if CLEANUP_VERBS.contains(&first.as_str()) {
        Some(Detach::Cleanup(name.to_string()))
    } else if START_VERBS.contains(&first.as_str()) {
        Some(Detach::Start(name.to_string()))
    } else {
        None
    }
}

/// `if err != nil { … return … }`: the consequence of an `if` that tests an error and leaves
/// (return, continue, break, goto or panic).
fn is_error_branch(file: &GoFile<'_>, block: Node<'_>) -> bool {
    let Some(statement) = block.parent().filter(|p| p.kind() == "if_statement") else {
        return false;
    };
    if statement.child_by_field_name("consequence") != Some(block) {
        return false;
    }
    let Some(condition) = statement.child_by_field_name("condition") else {
        return false;
    };
    let mut tests_error = false;
    walk_tree(condition, |n| {
        if n.kind() == "binary_expression"
            && n.child_by_field_name("operator")
                .is_some_and(|op| file.text(op) == "!=")
        {
            let sides = [
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ];
            let nil = sides.iter().flatten().any(|s| s.kind() == "nil");
            let err = sides.iter().flatten().any(|s| {
                s.kind() == "identifier" && file.text(*s).to_ascii_lowercase().contains("err")
            });
            tests_error |= nil && err;
        }
        !tests_error
    });
    if !tests_error {
        return false;
    }
    let mut leaves = false;
    walk_tree(block, |n| {
        if matches!(
            n.kind(),
            "return_statement" | "continue_statement" | "break_statement" | "goto_statement"
        ) {
            leaves = true;
        }
        !leaves && n.kind() != "func_literal"
    });
    leaves
}

/// `case <-ctx.Done():` of the parent.
fn waits_for_parent(file: &GoFile<'_>, case: Node<'_>, parent: &Parent<'_>) -> bool {
    case.child_by_field_name("communication")
        .is_some_and(|c| receives_done(file, c, parent))
}

/// Whether `node` (a receive statement or expression) is `<-<parent>.Done()`.
fn receives_done(file: &GoFile<'_>, node: Node<'_>, parent: &Parent<'_>) -> bool {
    let text: String = file
        .text(node)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let done = format!("<-{}.Done()", parent.expression);
    text == done || text.ends_with(&format!("={done}"))
}

/// `if ctx.Err() != nil { … }` or `if errors.Is(ctx.Err(), …) { … }` on the parent.
fn parent_err_branch(file: &GoFile<'_>, block: Node<'_>, parent: &Parent<'_>) -> bool {
    let Some(statement) = block.parent().filter(|p| p.kind() == "if_statement") else {
        return false;
    };
    if statement.child_by_field_name("consequence") != Some(block) {
        return false;
    }
    let Some(condition) = statement.child_by_field_name("condition") else {
        return false;
    };
    let text: String = file
        .text(condition)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let err = format!("{}.Err()", parent.expression);
    text == format!("{err}!=nil") || text.starts_with(&format!("errors.Is({err},"))
}

/// A statement `<-ctx.Done()` (the parent's) before `child` in `list`: from there on the
/// parent is a completion signal, not a cancellation.
fn waited_before(file: &GoFile<'_>, list: Node<'_>, child: Node<'_>, parent: &Parent<'_>) -> bool {
    named_children(list)
        .take_while(|s| s.end_byte() <= child.start_byte())
        .any(|s| s.kind() == "expression_statement" && receives_done(file, s, parent))
}

/// Whether the function waits for the parent (`<-ctx.Done()`, or a `case <-ctx.Done():` that
/// leaves) and calls the new root's cancel function itself, directly or deferred: the parent's
/// cancellation reaches the work, in an order the function chooses (a graceful shutdown).
fn cancellation_forwarded(
    file: &GoFile<'_>,
    parent: &Parent<'_>,
    binding: Option<&Binding<'_>>,
) -> bool {
    let Some(cancel) = binding.and_then(|b| b.cancel) else {
        return false;
    };
    let Some(body) = parent.function.child_by_field_name("body") else {
        return false;
    };
    let mut waits = false;
    walk_tree(body, |n| {
        waits |= match n.kind() {
            "expression_statement" => receives_done(file, n, parent),
            "communication_case" => waits_for_parent(file, n, parent),
            _ => false,
        };
        !waits
    });
    waits
        && go::references(body, cancel, file.source).iter().any(|r| {
            r.parent().is_some_and(|p| {
                p.kind() == "call_expression" && p.child_by_field_name("function") == Some(*r)
            })
        })
}

/// Registration calls whose func literal argument runs later, after the function returned.
const CALLBACK_REGISTRATIONS: &[&str] = &[
    "Cleanup",
    "AfterFunc",
    "SetFinalizer",
    "RegisterOnShutdown",
    "OnShutdown",
    "OnStop",
    "OnClose",
];

/// Whether a func literal runs after its function returned: it is returned, stored in a field,
/// map, slice or struct literal, registered as a callback (`t.Cleanup`, `AfterFunc`), or bound
/// to a local that is one of those or run with `go`.
fn literal_outlives(file: &GoFile<'_>, literal: Node<'_>) -> bool {
    let Some(parent) = literal.parent() else {
        return false;
    };
    match parent.kind() {
        "literal_element" | "keyed_element" => true,
        "argument_list" => parent.parent().is_some_and(|c| {
            CALLBACK_REGISTRATIONS.contains(&function_name(file, c))
                || words(function_name(file, c))
                    .first()
                    .is_some_and(|w| LATER_WORDS.contains(&w.as_str()))
                || result_is_stored(file, c)
                || named_children(parent).any(|a| is_stored_context(file, a))
        }),
        "parenthesized_expression" => literal_outlives(file, parent),
        "expression_list" => {
            let Some(statement) = parent.parent() else {
                return false;
            };
            match statement.kind() {
                "return_statement" => true,
                "assignment_statement" | "short_var_declaration" | "var_spec" => {
                    let index = named_children(parent).position(|n| n == literal);
                    let left = statement
                        .child_by_field_name("left")
                        .or_else(|| statement.child_by_field_name("name"));
                    let Some(target) = left.and_then(|l| match l.kind() {
                        "expression_list" => index.and_then(|i| l.named_child(i)),
                        _ => Some(l),
                    }) else {
                        return false;
                    };
                    if target.kind() != "identifier" {
                        return true;
                    }
                    local_outlives(file, target)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// First words of calls that keep a func literal argument to run it later, when they are
/// done (`scheduleTrailingFlush(key, func …)`, `RegisterHook`, `OnEvent`), or hand it to a
/// worker pool (`workers.Submit(func …)`) or an event loop (`fe.dispatch(func …)`, which dagger's
/// UI runs on its own goroutine after the exporter returned).
const LATER_WORDS: &[&str] = &[
    "schedule",
    "register",
    "enqueue",
    "subscribe",
    "submit",
    "dispatch",
    "on",
];

/// Whether an argument is a context kept as state (`m.ctx`, `s.baseCtx`, `w.rootContext`): a
/// func literal handed to a call together with it runs under that context's lifetime, not
/// the function's (`newBuffer(m.ctx, func(msg) error { … })`).
fn is_stored_context(file: &GoFile<'_>, argument: Node<'_>) -> bool {
    argument.kind() == "selector_expression"
        && argument.child_by_field_name("field").is_some_and(|f| {
            let field = file.text(f).to_ascii_lowercase();
            field.ends_with("ctx") || field.ends_with("context")
        })
}

/// The cleanup name a func literal goes by, if any: bound to a local named like cleanup
/// (`releaseConn := func() { … }`), converted to or handed to a cleanup type or function
/// (`closerFunc(func() { … })`), or appended to a list of cleanups (`closers = append(closers,
/// func() { … })`). Such a literal releases what the function holds, on paths where the
/// parent may already be done.
fn cleanup_literal(file: &GoFile<'_>, literal: Node<'_>) -> Option<String> {
    let parent = literal.parent()?;
    match parent.kind() {
        "expression_list" => {
            let statement = parent.parent()?;
            if !matches!(
                statement.kind(),
                "assignment_statement" | "short_var_declaration" | "var_spec"
            ) {
                return None;
            }
            let index = named_children(parent).position(|n| n == literal)?;
            let left = statement
                .child_by_field_name("left")
                .or_else(|| statement.child_by_field_name("name"))?;
            let target = match left.kind() {
                "expression_list" => left.named_child(index)?,
                _ => left,
            };
            let name = file.text(target);
            (target.kind() == "identifier" && is_cleanup_name(name)).then(|| name.to_string())
        }
        "argument_list" => {
            let call = parent.parent()?;
            let name = function_name(file, call);
            if is_cleanup_name(name) {
                return Some(name.to_string());
            }
            let list = first_argument(call).filter(|_| name == "append")?;
            let list_name = match list.kind() {
                "selector_expression" => list.child_by_field_name("field")?,
                _ => list,
            };
            (list != literal && is_cleanup_name(file.text(list_name)))
                .then(|| file.text(list).to_string())
        }
        _ => None,
    }
}

/// Whether a name starts with a cleanup verb, or a noun made from one: `releaseConn`,
/// `closers`, `closerFunc`, `cleanups`.
fn is_cleanup_name(name: &str) -> bool {
    words(name).first().is_some_and(|first| {
        CLEANUP_VERBS.iter().any(|verb| {
            first
                .strip_prefix(verb)
                .is_some_and(|rest| matches!(rest, "" | "s" | "r" | "rs" | "er" | "ers"))
        })
    })
}

/// Whether a call's result is kept as state: assigned to a field or element, or put in a
/// composite literal (`f.renew = NewRenew(period, func() error { … })`): a func literal
/// handed to it lives as long as that state.
fn result_is_stored(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let mut child = call;
    for node in ancestors(call) {
        match node.kind() {
            "literal_element" | "keyed_element" => return true,
            "assignment_statement" => {
                if node.child_by_field_name("right") != Some(child) {
                    return false;
                }
                return node.child_by_field_name("left").is_some_and(|left| {
                    named_children(left).any(|t| {
                        matches!(t.kind(), "selector_expression" | "index_expression")
                            || t.kind() == "unary_expression" && file.text(t).starts_with('*')
                    })
                });
            }
            "expression_list" | "parenthesized_expression" | "unary_expression" => {}
            _ => return false,
        }
        child = node;
    }
    false
}

/// Whether a local holding a func literal is returned, stored, registered or run with `go`.
fn local_outlives(file: &GoFile<'_>, target: Node<'_>) -> bool {
    let Some(declaration) = go::declaration_of(target, file.source) else {
        return false;
    };
    let Some(function) = go::enclosing_functions(target).next() else {
        return false;
    };
    go::references(function, declaration, file.source)
        .into_iter()
        .filter(|r| *r != declaration && *r != target)
        .any(|r| {
            let Some(parent) = r.parent() else {
                return false;
            };
            match parent.kind() {
                "call_expression" => parent.parent().is_some_and(|s| s.kind() == "go_statement"),
                "expression_list" => parent
                    .parent()
                    .is_some_and(|s| s.kind() == "return_statement"),
                "literal_element" | "keyed_element" => true,
                "argument_list" => parent
                    .parent()
                    .is_some_and(|c| CALLBACK_REGISTRATIONS.contains(&function_name(file, c))),
                _ => stores(r),
            }
        })
}

/// Whether `ident` is the right-hand side of an assignment to a field, element or pointer.
fn stores(ident: Node<'_>) -> bool {
    let Some(list) = ident.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    let Some(statement) = list.parent().filter(|s| s.kind() == "assignment_statement") else {
        return false;
    };
    if statement.child_by_field_name("right") != Some(list) {
        return false;
    }
    let index = named_children(list).position(|n| n == ident);
    statement
        .child_by_field_name("left")
        .and_then(|l| index.and_then(|i| l.named_child(i)))
        .is_some_and(|t| t.kind() != "identifier")
}

/// The variables a new root is bound to: `ctx, cancel := context.WithTimeout(context.
/// Background(), d)` binds `ctx` (the root, derived) and `cancel`.
struct Binding<'t> {
    /// The context is bound to `_`: no work starts from it (`g, _ := errgroup.WithContext(
    /// context.Background())` only wants the group).
    discarded: bool,
    /// The declaration of the context variable, if it is a named local.
    context: Option<Node<'t>>,
    /// The root only carries values (`context.WithValue(context.Background(), k, v)`).
    value_only: bool,
    /// The declaration of the cancel variable, if any.
    cancel: Option<Node<'t>>,
    /// The function whose body holds the uses.
    function: Node<'t>,
}

impl<'t> Binding<'t> {
    fn of(file: &GoFile<'_>, call: Node<'t>) -> Option<Binding<'t>> {
        // Up through wrappers to the value that is bound.
        let mut value = call;
        while let Some(outer) = argument_of(value) {
            if first_argument(outer) != Some(value) || !is_value_wrapper(file, outer) {
                break;
            }
            value = outer;
        }
        let list = value.parent().filter(|p| p.kind() == "expression_list")?;
        if list.named_child_count() != 1 {
            return None;
        }
        let statement = list.parent()?;
        let targets: Vec<Node<'t>> = match statement.kind() {
            "short_var_declaration" | "assignment_statement" => {
                if statement.child_by_field_name("right") != Some(list) {
                    return None;
                }
                named_children(statement.child_by_field_name("left")?).collect()
            }
            "var_spec" => {
                let mut cursor = statement.walk();
                let names = statement
                    .children_by_field_name("name", &mut cursor)
                    .collect();
                names
            }
            _ => return None,
        };
        let declaration = |target: Option<&Node<'t>>| {
            target
                .filter(|t| t.kind() == "identifier" && file.text(**t) != "_")
                .and_then(|t| go::declaration_of(*t, file.source))
        };
        let cancel_index = (value != call)
            .then(|| file.cancel_result(value))
            .flatten()
            .map(|(i, _)| i);
        // `g, gctx := errgroup.WithContext(…)`: the context is the second result.
        let context_index = match file.callee(value) {
            Some(go::Callee::Package {
                path,
                name: "WithContext",
            }) if go::import_path_matches(path, "golang.org/x/sync/errgroup") => 1,
            _ => 0,
        };
        Some(Binding {
            value_only: function_name(file, value) == "WithValue",
            discarded: targets
                .get(context_index)
                .is_some_and(|t| file.text(*t) == "_"),
            context: declaration(targets.get(context_index)),
            cancel: cancel_index.and_then(|i| declaration(targets.get(i))),
            function: go::enclosing_functions(call).next()?,
        })
    }

    fn uses(&self, file: &GoFile<'_>, declaration: Node<'t>) -> Vec<Node<'t>> {
        go::references(self.function, declaration, file.source)
            .into_iter()
            .filter(|r| *r != declaration && !is_assigned(*r))
            .collect()
    }

    /// Whether the root, or its cancel function, is kept beyond the function (stored in a
    /// field or struct literal, returned, captured by a stored closure), or the root only
    /// receives the parent's values (`newCtx = fs.CopyConfig(newCtx, ctx)`).
    fn is_kept(&self, file: &GoFile<'_>) -> bool {
        let vars = [self.context, self.cancel];
        vars.iter().flatten().any(|d| {
            self.uses(file, *d)
                .into_iter()
                .any(|r| flows_into_storage(file, r, self.function))
        }) || self.cancel.is_some_and(|d| {
            self.uses(file, d)
                .into_iter()
                .any(|r| handed_over(file, r, self.function))
        }) || self.value_only
            && self.context.is_some_and(|d| {
                self.uses(file, d).into_iter().any(|r| {
                    ancestors(r)
                        .take_while(|a| *a != self.function)
                        .any(|a| a.kind() == "return_statement")
                })
            })
    }

    /// Whether the root only feeds goroutines that the function itself stops on the way out:
    /// every use of the context is in a `go` statement and the cancel is deferred (`defer
    /// cancel()`, or called in a deferred func literal, in the order the function chooses). The
    /// goroutines end with the function, which follows the parent through its own calls.
    fn bounded_goroutine(&self, file: &GoFile<'_>) -> bool {
        let (Some(context), Some(cancel)) = (self.context, self.cancel) else {
            return false;
        };
        let uses = self.uses(file, context);
        !uses.is_empty()
            && uses.iter().all(|r| in_goroutine(*r, self.function))
            && self.uses(file, cancel).into_iter().any(|r| {
                ancestors(r)
                    .take_while(|a| *a != self.function)
                    .any(|a| a.kind() == "defer_statement")
            })
    }

    /// Whether the root becomes the parent's context: `req = req.WithContext(ctx)` on an
    /// `*http.Request` parameter that is an outgoing request being built, not a server's.
    fn replaces_parent(&self, file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
        let name = file.text(parent.param);
        self.context.is_some_and(|d| {
            self.uses(file, d).into_iter().any(|r| {
                argument_of(r)
                    .and_then(|c| c.parent())
                    .filter(|l| l.kind() == "expression_list")
                    .and_then(|l| l.parent().map(|s| (l, s)))
                    .is_some_and(|(l, s)| {
                        s.kind() == "assignment_statement"
                            && s.child_by_field_name("right") == Some(l)
                            && s.child_by_field_name("left").is_some_and(|left| {
                                named_children(left).any(|t| file.text(t) == name)
                            })
                    })
            })
        })
    }

    /// Whether the root is only a default that the next statement replaces with the parent
    /// when there is one: `ctx := context.Background()` then `if c.Request != nil { ctx =
    /// c.Request.Context() }`.
    fn fallback_for_parent(&self, file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
        let Some(context) = self.context else {
            return false;
        };
        let Some(next) = ancestors(context)
            .find(|a| matches!(a.kind(), "short_var_declaration" | "var_declaration"))
            .and_then(|s| s.next_named_sibling())
            .filter(|s| s.kind() == "if_statement")
        else {
            return false;
        };
        go::references(self.function, context, file.source)
            .into_iter()
            .filter(|r| is_assigned(*r) && next.byte_range().contains(&r.start_byte()))
            .any(|r| {
                r.parent()
                    .and_then(|l| l.parent())
                    .and_then(|s| s.child_by_field_name("right"))
                    .is_some_and(|right| mentions_parent(file, right, parent))
            })
    }

    /// Whether the root receives the parent's values by hand: passed to a call together with
    /// the parent (`newCtx = fs.CopyConfig(newCtx, ctx)`), or wrapped (`WithValue`,
    /// `ContextWithSpan` …) in a function that reads the parent's values (`ctx.Value(key)`,
    /// `trace.SpanFromContext(ctx)`) — `context.WithoutCancel` by hand.
    fn copies_parent_values(&self, file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
        let Some(context) = self.context else {
            return false;
        };
        let reads_values = parent
            .function
            .child_by_field_name("body")
            .is_some_and(|b| {
                let body = file.text(b);
                body.contains(&format!("{}.Value(", parent.expression))
                    || body.contains(&format!("FromContext({})", parent.expression))
            });
        self.uses(file, context).into_iter().any(|r| {
            argument_of(r).is_some_and(|c| {
                takes_parent(file, c, r, parent)
                    || reads_values
                        && is_value_wrapper(file, c)
                        && file.cancel_result(c).is_none()
                        && first_argument(c) == Some(r)
            })
        })
    }

    /// When every use of the root is an argument of cleanup (`Shutdown(shutdownCtx)`) or of a
    /// call that starts detached work, the last such call.
    fn only_detach_use(&self, file: &GoFile<'_>) -> Option<Detach> {
        let uses = self.uses(file, self.context?);
        let mut detach = None;
        for r in &uses {
            let call = argument_of(*r)?;
            detach = Some(detach_call(file, call)?);
        }
        detach
    }
}

/// Calls that run a func literal argument before they return (or before the function waits
/// for them): handing a closure to these keeps it within the function.
const SYNCHRONOUS_RUNNERS: &[&str] = &["Go", "Do", "Run", "Once", "TryGo", "Wait", "Range"];

/// Whether a use of a cancel function hands it to other code that decides when to cancel:
/// passed as an argument (`newWatcher(ctx, cancel)`), or called in a func literal that is
/// passed as a callback (`onClose := func() { cancel() }; dial(addr, onClose)`).
fn handed_over(file: &GoFile<'_>, ident: Node<'_>, function: Node<'_>) -> bool {
    if ident.parent().is_some_and(|p| p.kind() == "argument_list") {
        return true;
    }
    let Some(literal) = ancestors(ident)
        .take_while(|a| *a != function)
        .find(|a| a.kind() == "func_literal")
    else {
        return false;
    };
    let passed = |node: Node<'_>| {
        node.parent()
            .filter(|p| p.kind() == "argument_list")
            .and_then(|args| args.parent())
            .is_some_and(|call| !SYNCHRONOUS_RUNNERS.contains(&function_name(file, call)))
    };
    if passed(literal) {
        return true;
    }
    // `onClose := func() { … }` passed on later.
    let Some(target) = literal
        .parent()
        .filter(|l| l.kind() == "expression_list")
        .and_then(|l| l.parent())
        .filter(|s| s.kind() == "short_var_declaration")
        .and_then(|s| s.child_by_field_name("left"))
        .and_then(|l| l.named_child(0))
    else {
        return false;
    };
    go::references(function, target, file.source)
        .into_iter()
        .any(|r| r != target && passed(r))
}

/// Whether an identifier is a target of an assignment (`ctx = …`), not a use.
fn is_assigned(ident: Node<'_>) -> bool {
    ident
        .parent()
        .filter(|l| l.kind() == "expression_list")
        .and_then(|l| l.parent().map(|s| (l, s)))
        .is_some_and(|(l, s)| {
            matches!(s.kind(), "assignment_statement" | "short_var_declaration")
                && s.child_by_field_name("left") == Some(l)
        })
}

fn is_parent(file: &GoFile<'_>, node: Node<'_>, parent: &Parent<'_>) -> bool {
    file.text(node) == parent.expression
}

/// Whether `call` takes the parent as an argument besides `root`.
fn takes_parent(file: &GoFile<'_>, call: Node<'_>, root: Node<'_>, parent: &Parent<'_>) -> bool {
    call.child_by_field_name("arguments")
        .is_some_and(|args| named_children(args).any(|a| a != root && is_parent(file, a, parent)))
}

/// Whether a use of a variable keeps its value beyond the function: a value in a composite
/// literal, assigned to a field, element or pointer (directly or as a constructor argument,
/// `s.client = newClient(ctx)`), returned as is, sent on a channel, or captured by a func
/// literal that outlives the function.
fn flows_into_storage(file: &GoFile<'_>, ident: Node<'_>, function: Node<'_>) -> bool {
    let mut child = ident;
    let mut through_call = false;
    for node in ancestors(ident) {
        if node == function {
            return false;
        }
        match node.kind() {
            "literal_element" | "keyed_element" => return true,
            "return_statement" => return !through_call,
            "send_statement" => return node.child_by_field_name("value") == Some(child),
            "func_literal" => return literal_outlives(file, node),
            "assignment_statement" => {
                if node.child_by_field_name("right") != Some(child) {
                    return false;
                }
                return node.child_by_field_name("left").is_some_and(|left| {
                    named_children(left).any(|t| {
                        matches!(
                            t.kind(),
                            "selector_expression" | "index_expression" | "unary_expression"
                        )
                    })
                });
            }
            // `ctxs = append(ctxs, root)`: kept in a collection.
            "argument_list" => {
                if node
                    .parent()
                    .is_some_and(|c| function_name(file, c) == "append")
                {
                    return true;
                }
                through_call = true
            }
            "call_expression"
            | "expression_list"
            | "parenthesized_expression"
            | "unary_expression"
            | "composite_literal"
            | "literal_value" => {}
            // A local use inside a statement: look no further, except in a nested func
            // literal (its statements are inside the function too).
            _ if node.kind().ends_with("statement")
                || node.kind() == "block"
                || node.kind() == "statement_list" =>
            {
                if let Some(literal) = ancestors(node)
                    .take_while(|a| *a != function)
                    .find(|a| a.kind() == "func_literal")
                {
                    return literal_outlives(file, literal);
                }
                return false;
            }
            _ => return false,
        }
        child = node;
    }
    false
}

/// Words in a comment right above (or after) the call that show the author chose a fresh
/// context on purpose.
const COMMENT_WORDS: &[&str] = &[
    "context",
    "ctx",
    "cancel",
    "background",
    "deadline",
    "timeout",
    "detach",
    "outliv",
    "fresh",
    "even if",
    "even when",
    "even after",
    "regardless",
];

/// Words a comment a few lines further up (code between) must use to explain the call: it has
/// to name the context itself.
const NEARBY_COMMENT_WORDS: &[&str] = &["context", "ctx", "background"];

/// Phrases in any earlier comment of the function that name the choice explicitly.
const FUNCTION_COMMENT_PHRASES: &[&str] = &[
    "context.background",
    "background()",
    "context.todo",
    "todo()",
    "not using `ctx`",
    "not using ctx",
    "don't use ctx",
    "do not use ctx",
    "background context",
    "fresh context",
    "detached context",
];

/// Comments that direct tools and explain nothing: suppressions, build constraints, analysis
/// test expectations.
fn is_directive(comment: &str) -> bool {
    let body = comment.trim_start_matches('/');
    ["nolint", "lint:", "ctxlint:", "go:", "want \""]
        .iter()
        .any(|d| body.starts_with(d) || body.trim_start().starts_with("want \""))
}

fn mentions(comment: &str, words: &[&str]) -> bool {
    let lower = comment.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// Whether a comment explains the new root: the comment block right above the statement or the
/// call's line, or at the end of the call's line, mentioning contexts or cancellation; a
/// comment a few lines up in the same paragraph that names the context; or an earlier comment
/// in the function that names the choice (`// deliberately uses context.Background()`).
fn explained_by_comment(file: &GoFile<'_>, call: Node<'_>, parent: &Parent<'_>) -> bool {
    let source = file.source;
    let statement = ancestors(call)
        .find(|a| {
            a.parent()
                .is_some_and(|p| matches!(p.kind(), "statement_list" | "block"))
        })
        .unwrap_or(call);
    for start in [statement.start_byte(), call.start_byte()] {
        let (adjacent, nearby) = comments_above(source, start);
        if adjacent.iter().any(|c| mentions(c, COMMENT_WORDS))
            || nearby.iter().any(|c| mentions(c, NEARBY_COMMENT_WORDS))
        {
            return true;
        }
    }
    let line_end = source[call.end_byte()..]
        .find('\n')
        .map_or(source.len(), |i| call.end_byte() + i);
    if let Some(i) = source[call.end_byte()..line_end].find("//") {
        let trailing = &source[call.end_byte() + i..line_end];
        if !is_directive(trailing) && mentions(trailing, COMMENT_WORDS) {
            return true;
        }
    }
    let Some(body) = parent.function.child_by_field_name("body") else {
        return false;
    };
    let mut named = false;
    walk_tree(body, |n| {
        if named || n.start_byte() >= call.start_byte() {
            return false;
        }
        if n.kind() == "comment" {
            named = mentions(file.text(n), FUNCTION_COMMENT_PHRASES);
        }
        true
    });
    named
}

/// How many lines above a statement a comment may be and still explain it.
const COMMENT_REACH: usize = 6;

/// The `//` comment lines above the line holding byte `at`, directives excluded: those right
/// above it (no line between), and those further up in the same paragraph (up to
/// [`COMMENT_REACH`] lines, stopping at a blank line or a block boundary, or the comment block
/// standing alone one blank line above).
fn comments_above(source: &str, at: usize) -> (Vec<&str>, Vec<&str>) {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let (mut adjacent, mut nearby) = (Vec::new(), Vec::new());
    let mut end = line_start;
    let mut code_between = false;
    // A comment block standing alone right above, one blank line away, still speaks about the
    // statement (`// todo: stop on context cancellation?`): it counts as nearby.
    let mut after_blank = false;
    for i in 0..COMMENT_REACH {
        if end == 0 {
            break;
        }
        let start = source[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = source[start..end - 1].trim();
        if line.is_empty() && i == 0 {
            after_blank = true;
            code_between = true;
            end = start;
            continue;
        }
        if line.is_empty() || line.ends_with('{') || line.starts_with('}') {
            break;
        }
        if !line.starts_with("//") {
            if after_blank {
                break;
            }
            code_between = true;
        } else if !is_directive(line) {
            if code_between {
                nearby.push(line);
            } else {
                adjacent.push(line);
            }
        }
        end = start;
    }
    (adjacent, nearby)
}

/// The uses of the variable a new root is bound to (`ctx := context.Background()` or
/// `ctx, cancel := context.WithTimeout(context.Background(), d)`), definitions excluded; empty
/// when it is not bound to a named local.
pub fn bound_context_uses<'t>(file: &GoFile<'_>, call: Node<'t>) -> Vec<Node<'t>> {
    Binding::of(file, call)
        .and_then(|b| b.context.map(|d| b.uses(file, d)))
        .unwrap_or_default()
}

/// Whether the function assigns to its parent parameter (`ctx, done, err :=
/// leaseutil.WithLease(ctx, …)`, `r = r.WithContext(…)`): the parent then carries values the
/// caller did not put there (a lease, a progress writer), which `WithoutCancel(ctx)` would pass
/// on.
pub fn parent_reassigned(file: &GoFile<'_>, parent: &Parent<'_>) -> bool {
    let Some(body) = parent.function.child_by_field_name("body") else {
        return false;
    };
    go::references(body, parent.param, file.source)
        .into_iter()
        .any(is_assigned)
}

/// Whether the new root feeds a call that reads no values from its context: a semaphore's
/// `Acquire` only waits.
pub fn feeds_valueless_call(file: &GoFile<'_>, call: Node<'_>) -> bool {
    consuming_call(file, call).is_some_and(|c| function_name(file, c) == "Acquire")
}

/// Whether the statement holding the new root discards its error: `_ = sem.Acquire(
/// context.Background(), 1)` or `v, _ := f(context.Background())`. With the parent, such a call
/// can fail where it could not before, and nobody would see it.
pub fn error_discarded(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let Some(consumer) = argument_of(call) else {
        return false;
    };
    let Some(list) = consumer.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    let Some(statement) = list.parent() else {
        return false;
    };
    if !matches!(
        statement.kind(),
        "assignment_statement" | "short_var_declaration"
    ) || statement.child_by_field_name("right") != Some(list)
    {
        return false;
    }
    statement
        .child_by_field_name("left")
        .and_then(|l| named_children(l).last())
        .is_some_and(|last| file.text(last) == "_")
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(
            words("DefaultComponentMonitoring"),
            ["default", "component", "monitoring"]
        );
        assert_eq!(words("HTTPClient"), ["http", "client"]);
        assert_eq!(words("auditLogInternal"), ["audit", "log", "internal"]);
        assert_eq!(words("bklog"), ["bklog"]);
        assert_eq!(words("batch_log2If"), ["batch", "log2", "if"]);
        assert_eq!(words("StopManagerAndAwaitStopped")[0], "stop");
    }
}
