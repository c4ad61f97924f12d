//! Uses of a context that only carry its values, not its cancellation: `ctx.Value(...)`, the
//! context handed to a logging, tracing or metrics call (it only carries the logger, span or
//! tags), to a getter of a value it carries (`leases.FromContext(ctx)`), or to a function of the
//! file that does nothing else with that parameter (pkgsite's `recordCacheError(ctx, …)`, which
//! only hands it to `stats.RecordWithTags`). Shared by errgroup-context (a use after `Wait` that
//! only reads values sees no cancelled context) and goroutine-outlives-context (a goroutine that
//! only reads values is not cut short by the cancellation).

use tree_sitter::Node;

use crate::lang::go::{self, GoFile};
use crate::lang::named_children;

/// Whether the context reference `reference` only carries values (see the module docs). With
/// `read_callee`, a function of this file it is handed to is read one level down, not further:
/// it is among the functions a partial parse keeps for the declaration (the prefilter's
/// `Reach::Named`).
pub(super) fn reads_values<'a>(file: &GoFile<'a>, reference: Node<'a>, read_callee: bool) -> bool {
    let Some(parent) = reference.parent() else {
        return false;
    };
    if parent.kind() == "selector_expression" {
        return parent
            .child_by_field_name("field")
            .is_some_and(|f| file.text(f) == "Value");
    }
    if parent.kind() != "argument_list" {
        return false;
    }
    let Some(call) = parent.parent() else {
        return false;
    };
    if is_sink(file, call) || is_value_getter(file, call) {
        return true;
    }
    read_callee && callee_reads_only_values(file, call, reference)
}

/// Whether `call` runs the one function or method of this file it can mean, and that function
/// only reads values from the parameter `argument` is passed as (every reference of it is
/// [`reads_values`] without reading further callees). Not for a variadic parameter.
pub(super) fn callee_reads_only_values<'a>(
    file: &GoFile<'a>,
    call: Node<'a>,
    argument: Node<'a>,
) -> bool {
    let Some(index) = call.child_by_field_name("arguments").and_then(|args| {
        named_children(args)
            .filter(|n| n.kind() != "comment")
            .position(|n| n == argument)
    }) else {
        return false;
    };
    let Some(callee) = super::abandoned_sender::declared_callee(file, call) else {
        return false;
    };
    let Some(param) = go::function_parameters(callee)
        .nth(index)
        .filter(|p| !file.text(p.ty).starts_with("..."))
        .and_then(|p| p.name)
    else {
        return false;
    };
    callee.child_by_field_name("body").is_some()
        && go::references(callee, param, file.source)
            .into_iter()
            .filter(|r| *r != param)
            .all(|r| reads_values(file, r, false))
}

/// A call named like a getter of a value a context carries: `FromContext`,
/// `…FromContext` (`trace.SpanFromContext`, `leases.FromContext`) or `From…Context`
/// (`metadata.FromIncomingContext`).
pub(super) fn is_value_getter(file: &GoFile<'_>, call: Node<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let name = match function.kind() {
        "selector_expression" => function
            .child_by_field_name("field")
            .map_or("", |f| file.text(f)),
        "identifier" => file.text(function),
        _ => "",
    };
    name.ends_with("FromContext") || (name.starts_with("From") && name.ends_with("Context"))
}

/// Logging and tracing calls: those of the shared table, or a qualifier or name that says so.
pub(super) fn is_sink(file: &GoFile<'_>, call: Node<'_>) -> bool {
    if super::new_root::is_sink(file, call) {
        return true;
    }
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let written = file.text(function).to_ascii_lowercase();
    // Counting calls (`fs.CountError(ctx, err)`) only read the stats the context carries.
    let name = match function.kind() {
        "selector_expression" => function
            .child_by_field_name("field")
            .map_or("", |f| file.text(f)),
        _ => file.text(function),
    };
    ["log", "trace", "span", "metric", "otel"]
        .iter()
        .any(|w| written.contains(w))
        || name.starts_with("Count")
}
