//! What a fix must never do to Go code, checked on the text before and after it: the
//! semantic oracle of the fix fuzz target and of the fixture tests (a fix that parses can
//! still break the build or the program, as real trees showed). Each check counts problems
//! in both texts and reports only those the fix added, so input that was already broken
//! does not count against it:
//! - a finding of some rule that was not there before (more findings of a rule; a
//!   suppression the fix left with nothing to silence does not count);
//! - a name declared twice in one scope (`:=` with no new variable, `var x` twice);
//! - an import no longer used;
//! - a `defer cancel()` of a context that is returned, stored or handed to a goroutine.
//!
//! Written independently of the fixes and of [`crate::lang::go::imports`], from the
//! syntax tree alone.

use std::collections::{BTreeMap, HashSet};

use tree_sitter::{Node, Tree};

use crate::diagnostic::Diagnostic;
use crate::lang::go::default_package_name;
use crate::lang::{self, named_children, text, walk_tree, Language};
use crate::rules::UNUSED_SUPPRESSION;
use crate::settings::LintSettings;

/// Whether the fixes checked may change behaviour (`--unsafe-fixes`): then only what breaks
/// the build or adds findings counts, not a `defer` ending an escaping context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    Safe,
    Unsafe,
}

/// The problems `after` (the fixed text) has that `before` did not, one line each; empty when
/// the fix is sound or `after` does not parse (syntax is checked elsewhere).
pub fn fix_problems(
    before: &str,
    after: &str,
    settings: &LintSettings,
    fixes: Fixes,
) -> Vec<String> {
    let (Some(old), Some(new)) = (
        lang::parse(Language::Go, before),
        lang::parse(Language::Go, after),
    ) else {
        return Vec::new();
    };
    let findings = crate::lint_file(Language::Go, before, None, settings).unwrap_or_default();
    Oracle::new(before, &old, &findings, settings).problems(after, &new, fixes)
}

/// What a check finds in a text, to compare before and after a fix: each problem, with the
/// byte where it lies.
type Check = fn(Node<'_>, &str) -> Vec<(String, usize)>;

/// The checks besides the findings: (what, check, whether only fixes that keep behaviour
/// must pass it).
const CHECKS: [(&str, Check, bool); 3] = [
    ("declared twice", redeclarations, false),
    ("import not used", unused_imports, false),
    (
        "defer of a context that outlives the function",
        escaping_defers,
        true,
    ),
];

/// The oracle for the fixes of one text: what the text has before any fix, judged once, for
/// any number of fixed texts ([`fix_problems`] for one).
pub struct Oracle<'a> {
    settings: &'a LintSettings,
    before: Judged,
}

/// What a text has: findings per rule, and what each of [`CHECKS`] finds in it (`None` for
/// a check not judged on this text).
struct Judged {
    findings: BTreeMap<&'static str, usize>,
    broken: Option<Before>,
    found: Vec<Option<Vec<String>>>,
}

/// A text that did not parse, with its syntax tree.
struct Before {
    text: String,
    tree: Tree,
}

/// Findings per rule. A fix can settle what a suppression silenced (`defer cancel()` of a
/// parent makes the discarded cancel of its child harmless): the suppression is then reported
/// as stale, which is news, not damage. Findings in code that does not parse (inside an
/// ERROR node or a function with a syntax error) are not counted: there the rules see
/// whatever the parser's recovery makes of the text, which an edit can change (a `defer
/// cancel()` put on its own line after `x, _ := context.WithCancel()/…` turned the rest of
/// the line into a statement of its own).
fn findings(
    diagnostics: &[Diagnostic],
    root: Node<'_>,
    was_broken: impl Fn(usize) -> bool,
) -> BTreeMap<&'static str, usize> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.rule != UNUSED_SUPPRESSION) {
        if !in_broken_code(root, d.span.start) && !was_broken(d.span.start) {
            *counts.entry(d.rule).or_default() += 1;
        }
    }
    counts
}

/// Where each line of `after` was in `before`: the byte offset of the line it came from,
/// by a line diff (an edited or inserted line maps to the first line it replaced, or to the
/// line it was inserted before).
fn line_origins(before: &str, after: &str) -> Vec<usize> {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let mut starts = Vec::with_capacity(old.len() + 1);
    let mut offset = 0;
    for line in &old {
        starts.push(offset);
        offset += line.len();
    }
    starts.push(offset);
    let mut origins = vec![0; new.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
        for (i, new_index) in op.new_range().enumerate() {
            let old_index = match op.tag() {
                similar::DiffTag::Equal => op.old_range().start + i,
                _ => op.old_range().start,
            };
            origins[new_index] = starts[old_index];
        }
    }
    origins
}

/// Whether the byte `at` of `after` was in code that did not parse before the fixes (see
/// [`in_broken_code`]), found through the line it came from ([`line_origins`]) at the same
/// column. A fix can change the parser's recovery so that such code parses afterwards (an
/// `exec.Command(ne)` made `exec.CommandContext(pt, ne)` in a broken function let the next
/// `func ret(…) {http.Get(url)}` parse): its findings were there before, in broken code.
fn was_broken_before(before: &Before, after: &str, origins: &[usize], at: usize) -> bool {
    let line = after[..at].matches('\n').count();
    let column = at - after[..at].rfind('\n').map_or(0, |i| i + 1);
    let Some(&start) = origins.get(line) else {
        return false;
    };
    let rest = &before.text[start..];
    let end = start + rest.find('\n').unwrap_or(rest.len());
    in_broken_code(before.tree.root_node(), (start + column).min(end))
}

/// Whether the byte `at` lies in an ERROR node or in a function with a syntax error.
fn in_broken_code(root: Node<'_>, at: usize) -> bool {
    if !root.has_error() {
        return false;
    }
    let mut node = root.descendant_for_byte_range(at, at);
    while let Some(n) = node {
        let function = matches!(
            n.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        );
        if n.is_error() || (function && n.has_error()) {
            return true;
        }
        node = n.parent();
    }
    false
}

impl<'a> Oracle<'a> {
    /// The oracle for fixes of `before`, whose syntax tree is `tree` and whose diagnostics
    /// with `settings` are `diagnostics`.
    pub fn new(
        before: &str,
        tree: &Tree,
        diagnostics: &[Diagnostic],
        settings: &'a LintSettings,
    ) -> Self {
        let root = tree.root_node();
        // Imports that did not parse before (`import("context""net/http"\n"o")`) can parse
        // once a fix took one out: what they import was never judged, so it is not news.
        let broken = broken_imports(root);
        let before = Judged {
            findings: findings(diagnostics, root, |_| false),
            broken: root.has_error().then(|| Before {
                text: before.to_string(),
                tree: tree.clone(),
            }),
            found: CHECKS
                .iter()
                .map(|(what, check, _)| {
                    let judged = !(*what == "import not used" && broken);
                    judged.then(|| check(root, before).into_iter().map(|(w, _)| w).collect())
                })
                .collect(),
        };
        Oracle { settings, before }
    }

    /// The problems `after` (a fixed text, whose syntax tree is `tree`) has that the text
    /// before did not, one line each; empty when the fix is sound.
    pub fn problems(&self, after: &str, tree: &Tree, fixes: Fixes) -> Vec<String> {
        let before = &self.before;
        let mut problems = Vec::new();
        let diagnostics =
            crate::lint_file(Language::Go, after, None, self.settings).unwrap_or_default();
        let root = tree.root_node();
        let origins = (before.broken.as_ref()).map(|b| (b, line_origins(&b.text, after)));
        let was_broken = |at| {
            (origins.as_ref()).is_some_and(|(b, lines)| was_broken_before(b, after, lines, at))
        };
        for (rule, count) in &findings(&diagnostics, root, was_broken) {
            let had = before.findings.get(rule).copied().unwrap_or(0);
            if *count > had {
                problems.push(format!("new finding: {rule} ({had} before, {count} after)"));
            }
        }
        for ((what, check, behaviour), was) in CHECKS.iter().zip(&before.found) {
            let Some(was) = was else {
                continue;
            };
            if *behaviour && fixes == Fixes::Unsafe {
                continue;
            }
            // Compared as multisets: a problem the input already had counts once, however
            // the fix rewrote its statement.
            let mut was = was.clone();
            // One in code that did not parse before is not news either: the check did not
            // judge it there (an import inside a broken function becomes one when a fix
            // changes where the recovery ends the function). Such problems are set aside
            // before the multiset is matched, or one could use up the match of a problem
            // the input already had elsewhere (`import("time")` in a broken function and
            // an unused `"time"` of the real import declaration).
            for (found, _) in check(tree.root_node(), after)
                .into_iter()
                .filter(|(_, at)| !was_broken(*at))
            {
                match was.iter().position(|w| *w == found) {
                    Some(i) => {
                        was.swap_remove(i);
                    }
                    None => problems.push(format!("{what}: {found}")),
                }
            }
        }
        problems
    }
}

/// Names declared twice in one block: `a, b := ...` where every name is already declared in
/// that block (parameters and results count for a function's body), or `var a` again.
/// Each as the names declared again, for comparing before and after. A block with a
/// syntax error in it or in its function's signature is not judged: the parser's recovery
/// can attach the statements to another scope (`func(ctx T{ctx := x}` has no body until
/// an edit inside it makes one).
fn redeclarations(root: Node<'_>, source: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    walk_tree(root, |node| {
        if node.kind() != "block" {
            return true;
        }
        let owner = node.parent();
        let broken = node.has_error() || owner.is_some_and(|f| f.has_error());
        if !broken {
            let mut declared: HashSet<&str> = HashSet::new();
            if let Some(f) = owner.filter(|f| {
                matches!(
                    f.kind(),
                    "function_declaration" | "method_declaration" | "func_literal"
                )
            }) {
                for field in ["receiver", "parameters", "result"] {
                    if let Some(list) = f.child_by_field_name(field) {
                        walk_tree(list, |n| {
                            if n.kind() == "identifier" {
                                declared.insert(text(n, source));
                            }
                            !matches!(n.kind(), "func_literal" | "function_type")
                        });
                    }
                }
            }
            let statements = named_children(node)
                .find(|n| n.kind() == "statement_list")
                .map(|list| named_children(list).collect::<Vec<_>>())
                .unwrap_or_default();
            for statement in statements {
                let names: Vec<&str> = match statement.kind() {
                    "short_var_declaration" => statement
                        .child_by_field_name("left")
                        .map(|l| named_children(l).map(|n| text(n, source)).collect())
                        .unwrap_or_default(),
                    "var_declaration" => {
                        let mut names = Vec::new();
                        walk_tree(statement, |n| {
                            if n.kind() == "var_spec" {
                                let mut cursor = n.walk();
                                names.extend(
                                    n.children_by_field_name("name", &mut cursor)
                                        .map(|x| text(x, source)),
                                );
                                return false;
                            }
                            true
                        });
                        names
                    }
                    _ => continue,
                };
                let names: Vec<&str> = names.into_iter().filter(|n| *n != "_").collect();
                let again: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| declared.contains(n))
                    .collect();
                let twice = match statement.kind() {
                    "short_var_declaration" => !names.is_empty() && again.len() == names.len(),
                    _ => !again.is_empty(),
                };
                // By name alone: a fix may rewrite a statement the input already had
                // (`var ctx, _ =` redeclared, then given a cancel name).
                if twice {
                    let names = format!("`{}`", again.join(", "));
                    found.push((names, statement.start_byte()));
                }
                declared.extend(names);
            }
        }
        true
    });
    found
}

/// Whether an import declaration of the file has a syntax error.
fn broken_imports(root: Node<'_>) -> bool {
    named_children(root).any(|n| n.kind() == "import_declaration" && n.has_error())
}

/// Imports whose package name is used nowhere (blank, dot and `"C"` imports aside).
fn unused_imports(root: Node<'_>, source: &str) -> Vec<(String, usize)> {
    let mut imports: Vec<(String, &str, usize)> = Vec::new();
    // An import declaration with a syntax error is not judged: which strings are imports is
    // whatever the parser's recovery makes of it (`import("context""o")`).
    for decl in named_children(root).filter(|n| n.kind() == "import_declaration" && !n.has_error())
    {
        walk_tree(decl, |n| {
            if n.kind() != "import_spec" {
                return true;
            }
            let path = n
                .child_by_field_name("path")
                .map(|p| text(p, source).trim_matches(|c| c == '"' || c == '`'))
                .unwrap_or("");
            let name = match n.child_by_field_name("name") {
                Some(alias) => text(alias, source).to_string(),
                None => default_package_name(path).to_string(),
            };
            if !matches!(name.as_str(), "_" | ".") && path != "C" && !path.is_empty() {
                imports.push((name, path, n.start_byte()));
            }
            false
        });
    }
    let mut used: HashSet<&str> = HashSet::new();
    walk_tree(root, |n| {
        match n.kind() {
            "import_declaration" => return false,
            "selector_expression" => {
                if let Some(o) = n.child_by_field_name("operand") {
                    used.insert(text(o, source));
                }
            }
            "qualified_type" => {
                if let Some(p) = n.child_by_field_name("package") {
                    used.insert(text(p, source));
                }
            }
            _ => {}
        }
        true
    });
    imports
        .into_iter()
        .filter(|(name, _, _)| !used.contains(name.as_str()))
        .map(|(_, path, at)| (format!("\"{path}\""), at))
        .collect()
}

/// `defer cancel()` where `cancel` was bound with a context (`ctx, cancel := ...`) that the
/// function returns, stores (a field, an element, a composite literal) or uses in a `go`
/// statement: the deferred call ends it while it is still in use. A function with a syntax
/// error is not judged: what it stores is whatever the parser's recovery makes of the text
/// (`func r({b, cancel := ...` reads as a composite literal holding `b`).
fn escaping_defers(root: Node<'_>, source: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    walk_tree(root, |function| {
        if !matches!(
            function.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) || function.has_error()
        {
            return true;
        }
        let Some(body) = function.child_by_field_name("body") else {
            return true;
        };
        // cancel name → the context names bound with it by one call (`ctx, cancel :=
        // f(...)`), with where the binding ends: a `defer` calls the cancel function the
        // variable held when the `defer` ran, so only bindings before it count.
        let mut bound: Vec<(&str, Vec<&str>, usize)> = Vec::new();
        let mut deferred: Vec<(&str, usize)> = Vec::new();
        walk_tree(body, |n| {
            match n.kind() {
                "func_literal" => return false,
                "short_var_declaration" | "assignment_statement" => {
                    let left: Vec<&str> = n
                        .child_by_field_name("left")
                        .map(|l| named_children(l).map(|x| text(x, source)).collect())
                        .unwrap_or_default();
                    let one_call = n.child_by_field_name("right").is_some_and(|r| {
                        let values: Vec<Node<'_>> = named_children(r).collect();
                        values.len() == 1 && values[0].kind() == "call_expression"
                    });
                    if left.len() >= 2 && one_call {
                        let cancel = left[left.len() - 1];
                        bound.push((cancel, left[..left.len() - 1].to_vec(), n.end_byte()));
                    }
                }
                "defer_statement" => {
                    let call = named_children(n).find(|c| c.kind() == "call_expression");
                    if let Some(f) = call.and_then(|c| c.child_by_field_name("function")) {
                        if f.kind() == "identifier" {
                            deferred.push((text(f, source), n.start_byte()));
                        }
                    }
                }
                _ => {}
            }
            true
        });
        for (cancel, at) in deferred {
            let contexts = bound
                .iter()
                .filter(|(c, _, end)| *c == cancel && *end <= at)
                .flat_map(|(_, ctxs, _)| ctxs.iter().copied())
                .filter(|c| *c != "_");
            for ctx in contexts {
                if let Some(how) = escapes(body, ctx, source) {
                    let name = function_name(function, source);
                    found.push((
                        format!("`defer {cancel}()` while `{ctx}` is {how} in {name}"),
                        at,
                    ));
                }
            }
        }
        true
    });
    found
}

/// How the variable `name` leaves `body`: returned, stored, or used by a `go` statement.
fn escapes(body: Node<'_>, name: &str, source: &str) -> Option<&'static str> {
    let mut how = None;
    walk_tree(body, |n| {
        if how.is_some() {
            return false;
        }
        let mentions = |node: Node<'_>| {
            let mut hit = false;
            walk_tree(node, |x| {
                hit |= x.kind() == "identifier" && text(x, source) == name;
                !hit
            });
            hit
        };
        match n.kind() {
            // Returned itself (`return ctx, nil`) or inside a value (`return &T{ctx: ctx}`),
            // not merely used to compute the result (`return use(ctx)`).
            "return_statement" => {
                let returned = named_children(n)
                    .flat_map(|list| match list.kind() {
                        "expression_list" => named_children(list).collect(),
                        _ => vec![list],
                    })
                    .any(|e| {
                        let e = match e.kind() {
                            "unary_expression" => e.child_by_field_name("operand").unwrap_or(e),
                            _ => e,
                        };
                        (e.kind() == "identifier" && text(e, source) == name)
                            || (e.kind() == "composite_literal" && mentions(e))
                    });
                if returned {
                    how = Some("returned");
                }
            }
            "go_statement" if mentions(n) => how = Some("used by a goroutine"),
            "assignment_statement" => {
                let stores = n.child_by_field_name("left").is_some_and(|l| {
                    named_children(l)
                        .any(|t| matches!(t.kind(), "selector_expression" | "index_expression"))
                });
                if stores && n.child_by_field_name("right").is_some_and(mentions) {
                    how = Some("stored");
                }
            }
            "keyed_element" | "literal_value" if mentions(n) => how = Some("stored"),
            _ => {}
        }
        how.is_none()
    });
    how
}

fn function_name(function: Node<'_>, source: &str) -> String {
    function.child_by_field_name("name").map_or_else(
        || "a func literal".into(),
        |n| format!("`{}`", text(n, source)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(before: &str, after: &str) -> Vec<String> {
        fix_problems(
            before,
            after,
            &LintSettings::only(crate::rules::RULES),
            Fixes::Safe,
        )
    }

    const BEFORE: &str = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) context.Context {\n\tctx, _ := context.WithCancel(p)\n\treturn ctx\n}\n";

    #[test]
    fn a_sound_fix_has_no_problems() {
        let before = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx, _ := context.WithCancel(p)\n\t_ = ctx\n}\n";
        let after = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx, cancel := context.WithCancel(p)\n\tdefer cancel()\n\t_ = ctx\n}\n";
        assert_eq!(problems(before, after), Vec::<String>::new());
    }

    #[test]
    fn a_problem_where_the_code_was_broken_before_does_not_use_up_an_old_one() {
        // fix_go failure 15: `import("time")` lay in a broken func literal; the fix made it
        // a top-level import, unused like the real declaration's `"time"`, which the input
        // already had. The new one is set aside first, the old one matches.
        let before = "\nfunc(c context.Context{d(){d(context.Background())}\nimport(\"time\")\n}import (\"context\"\n\"time\")t";
        let after = before.replace("d(context.Background())", "d(c)");
        assert_eq!(problems(before, &after), Vec::<String>::new());
    }

    #[test]
    fn a_suppression_left_stale_by_a_fix_is_no_damage() {
        // `defer l()` ends the parent, so the child's discarded cancel is no longer reported
        // and its suppression silences nothing (fix_go fuzz target).
        let before = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx, l := context.WithCancel(p)\n\tx, _ := context.WithCancel(ctx) //lint:ignore discarded-cancel\n\t_ = x\n}\n";
        let after = before.replace(
            "\tctx, l := context.WithCancel(p)\n",
            "\tctx, l := context.WithCancel(p)\n\tdefer l()\n",
        );
        assert_eq!(problems(before, &after), Vec::<String>::new());
    }

    #[test]
    fn a_redeclaration_the_input_had_is_not_new_when_its_statement_changes() {
        // `ctx` was declared twice before the fix named the cancel function (fix_go target).
        let before = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx := p\n\tvar ctx, _ = context.WithCancel(p)\n\t_ = ctx\n}\n";
        let after = before.replace(
            "var ctx, _ = context.WithCancel(p)\n",
            "var ctx, cancel = context.WithCancel(p)\n\tdefer cancel()\n",
        );
        assert_eq!(problems(before, &after), Vec::<String>::new());
    }

    #[test]
    fn a_defer_in_a_function_that_does_not_parse_is_not_judged() {
        // The recovery reads `{b, cancel := ...` in a broken signature as a composite literal
        // that stores `b` (fix_go fuzz target).
        let before = "import(\"context\n)\nfunc r({b,_:=context.WithDeadline()\0a{0b}";
        let after = before.replace(
            "b,_:=context.WithDeadline()",
            "b,cancel:=context.WithDeadline()\ndefer cancel()",
        );
        assert_eq!(problems(before, &after), Vec::<String>::new());
    }

    #[test]
    fn a_finding_in_a_function_that_does_not_parse_is_not_judged() {
        // `defer cancel()` on its own line after `x,_:=context.WithCancel()/...` made the rest
        // of the line a statement of its own, where context-not-passed found `exec.Command()`
        // (fix_go fuzz target).
        let before = "import(\"context\"\"os/exec\")func n(c context.Context{func({x,_:=context.WithCancel()/\0_=c,_=o}e\x01exec.Command()";
        let after = before.replace(
            "x,_:=context.WithCancel()",
            "x,cancel:=context.WithCancel()\ndefer cancel()",
        );
        assert_eq!(problems(before, &after), Vec::<String>::new());
        // The same finding in a function that parses counts.
        let before = "package p\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n)\n\nfunc n(c context.Context) {\n\t_ = c\n}\n";
        let after = before.replace("\t_ = c\n", "\t_ = c\n\t_ = exec.Command(\"go\")\n");
        let found = problems(before, &after);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("new finding: context-not-passed")),
            "{found:?}"
        );
    }

    #[test]
    fn a_defer_counts_only_the_contexts_bound_with_its_cancel_function_before_it() {
        // `ctx, cancel = t, u` after `defer cancel()` binds no context with the deferred
        // function (fix_go fuzz target).
        let before = "package p\n\nimport \"context\"\n\nfunc g(t context.Context, u context.CancelFunc) context.Context {\n\tvar ctx context.Context\n\t_, cancel := context.WithCancel(t)\n\tctx, cancel = t, u\n\treturn ctx\n}\n";
        let after = before.replace(
            "context.WithCancel(t)\n",
            "context.WithCancel(t)\n\tdefer cancel()\n",
        );
        assert_eq!(problems(before, &after), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_damage_is_caught() {
        // The context is returned: a deferred cancel hands out a dead context.
        let deferred = BEFORE.replace(
            "\tctx, _ := context.WithCancel(p)\n",
            "\tctx, cancel := context.WithCancel(p)\n\tdefer cancel()\n",
        );
        let found = problems(BEFORE, &deferred);
        assert!(
            found
                .iter()
                .any(|p| p.contains("`defer cancel()` while `ctx` is returned")),
            "{found:?}"
        );
        // `cancel` declared twice in one block.
        let before = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx, cancel := context.WithCancel(p)\n\tdefer cancel()\n\tc2, _ := context.WithCancel(ctx)\n\t_ = c2\n}\n";
        let twice = before.replace(
            "c2, _ := context.WithCancel(ctx)\n\t_ = c2\n",
            "ctx, cancel := context.WithCancel(ctx)\n\tdefer cancel()\n",
        );
        let found = problems(before, &twice);
        assert!(
            found.iter().any(|p| p.starts_with("declared twice")),
            "{found:?}"
        );
        // The last use of an import gone.
        let before = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tload(context.TODO())\n}\n";
        let after = before.replace("context.TODO()", "r.Context()");
        let found = problems(before, &after);
        assert!(
            found.contains(&"import not used: \"context\"".to_string()),
            "{found:?}"
        );
        // A new finding.
        let after = BEFORE.replace(
            "return ctx",
            "ctx2, _ := context.WithTimeout(ctx, 1)\n\t_ = ctx2\n\treturn ctx",
        );
        let found = problems(BEFORE, &after);
        assert!(
            found.iter().any(|p| p.starts_with("new finding")),
            "{found:?}"
        );
    }
}
