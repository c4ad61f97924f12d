//! The rule registry: every rule is a plain value listed once here, sorted by name.

mod abandoned_sender;
mod background_in_handler;
mod blocking_in_async;
mod callee_drops_context;
mod context_not_passed;
mod context_values;
mod defer_cancel_in_loop;
mod discarded_cancel;
mod discarded_drop_guard;
mod errgroup_context;
mod goroutine_outlives_context;
mod missing_defer_cancel;
mod missing_drop_guard;
mod new_root;
mod new_token_with_parent;
mod prefer_without_cancel;
mod test_background_context;
mod timeout_detaches_task;
mod unused_suppression;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lang::go::GoFile;
use crate::lang::rust::RustFile;
use crate::lang::Language;

/// Where rule documentation is published; `<base><name>.md` is a rule's page.
pub const DOCS_BASE: &str = "https://github.com/ctxlint/ctxlint/blob/main/rules/";

/// How a rule inspects a file of its language.
#[derive(Clone, Copy)]
pub enum Check {
    Go(fn(&GoFile<'_>, &mut Vec<Diagnostic>)),
    Rust(fn(&RustFile<'_>, &mut Vec<Diagnostic>)),
    /// Judges the file's suppression comments after every other rule ran (any language).
    Suppressions,
}

/// A rule: its public name, documentation and the function that finds its problems.
pub struct Rule {
    /// Kebab-case name: public API (config, suppressions, JSON).
    pub name: &'static str,
    /// One lowercase line, shown by `ctxlint rule`.
    pub title: &'static str,
    pub language: Language,
    pub default_severity: Severity,
    pub enabled_by_default: bool,
    /// What the text of every file where this rule can report anything contains: each group
    /// has a needle that occurs (see [`crate::prefilter`]). No group (here and in
    /// `function_needles`): the rule sees every file.
    pub needles: &'static [&'static [Needle]],
    /// More needle groups, each with a member inside the very top-level declaration that holds
    /// the finding (the function or method, or the `var` whose func literal it is in), not
    /// only somewhere in the file: partial parsing leaves out the functions without them.
    pub function_needles: &'static [&'static [Needle]],
    /// Whether the rule can report anything in a Go test file (`_test.go`); `false` lets the
    /// prefilter skip test files for it.
    pub test_files: bool,
    /// Markdown with the headings What it does / Why is this bad? / Example / Use instead.
    pub doc: &'static str,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Rule {
    pub fn url(&self) -> String {
        format!("{DOCS_BASE}{}.md", self.name)
    }

    /// The languages whose files the rule checks (and whose fixture directories it has).
    pub fn languages(&self) -> &'static [Language] {
        match (self.check, self.language) {
            (Check::Suppressions, _) => &[Language::Go, Language::Rust],
            (_, Language::Go) => &[Language::Go],
            (_, Language::Rust) => &[Language::Rust],
        }
    }
}

/// A string whose absence from a file's text proves that a rule has nothing to report there.
/// Needles other than [`Needle::Comment`] count only in code: an occurrence on a line that
/// starts with `//` (a comment, or the inside of a raw string) is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needle {
    /// These bytes, in code.
    Text(&'static str),
    /// This word, in code, not part of a longer identifier (`chan`, not `channel`).
    Word(&'static str),
    /// This keyword where a statement can begin (`go`, `defer`): a word that is the first on
    /// its line or follows `{`, `;`, `:` or the end of a `/* */` comment on it. A Go statement
    /// begins only there, so `go` in `"github.com/x/go-y"` or `go.etcd.io` is not one.
    Statement(&'static str),
    /// These bytes, in code, ending the name of a package's type that the last parameter of a
    /// parameter list points to (`req *pb.GetRequest)`: a gRPC unary handler's request):
    /// inside the parentheses that follow `func` (a func literal or type, a receiver), a
    /// function's name (`func Name(`, `) Name(`) or type parameters (`](`). Read back from
    /// the bytes to the unmatched `(`, a line at a time with its strings and `//` comment left
    /// out; where the text is beyond this (a raw string or `/*` comment on the way, non-ASCII
    /// text), it counts. Judged only where a rule that runs or partial parsing asks (and only
    /// when the other groups before it hold there).
    Parameter(&'static str),
    /// A `make(chan T)` or `make(chan T, 0)` call that is a value of a variable declaration:
    /// the word `make`, in code, after `=` or `,` and then `(chan` (blanks aside), with no
    /// buffer size other than `0` before the closing parenthesis, whose name (`name :=`,
    /// `var name =`, `name =` in a `var ( … )` group) the declaration sends on (`name <-`) or
    /// passes as an argument (`(name)`, `, name,`), unless its block uses it out of brackets
    /// other than by a receive (`return name`, `for range name`) or every `go` statement
    /// naming it is followed in its block by a receive from it that every path reaches
    /// (`v := <-name`, `return <-name`, with no `return`, jump or other case between). Judged
    /// only where partial parsing or a rule that runs asks. Not one: a value
    /// assigned to a variable declared before or to a field (`name =`, `x.f =`), an argument
    /// or element after a comma (`f(x, make(chan T))`, `T{a, make(chan T)}`). Where the text
    /// is beyond this (a string, a comment, a list of names), it counts.
    UnbufferedChannel,
    /// A `WithContext` call (the word, in code) bound as `g, ctx :=` (`=`, `var g, ctx =`)
    /// whose context is `_` or may be used after a `Wait` of the declaration: its name occurs
    /// after a `Wait`, a `for` loop may hold the `Wait` (for a `:=` or `var` binding, a loop
    /// that begins after it or whose initial statement it may be: a loop holding it and the
    /// `Wait` declares the context anew before a use), or there is a `goto`. Where the text
    /// is beyond this (another binding, a comment), it counts. Judged only where partial
    /// parsing or a rule that runs asks.
    GroupContext,
    /// These bytes anywhere, comments included (suppression comments).
    Comment(&'static str),
    /// The name of a function that produces a cancel function, as a word: built in,
    /// configured or inferred from the tree (see [`crate::lang::go::GoSettings`]).
    CancelFunction,
    /// The name of a parameter type that carries a request's context, as a word (`Context`,
    /// `Request`, configured ones).
    HandlerType,
    /// The name of a parameter type whose context is the request's, cancelled when the
    /// handler returns (`*http.Request`: `r.Context()`; not `context.Context`), as a word, in a
    /// file that mentions the type's import path.
    RequestType,
    /// A call of a function or method of the scanned tree that has a context-taking sibling
    /// (see [`crate::lang::go::siblings`]): its name followed by `(`.
    SiblingCall,
    /// A call of a function or method of the scanned tree that takes no context and starts its
    /// own root (see [`crate::lang::go::roots`]): its name followed by `(`.
    RootCall,
    /// A word of [`SLOG_LEVELS`], only where the Go settings report `log/slog` calls
    /// (`slog_calls`): elsewhere no rule looks at them.
    SlogLevel,
}

/// The `log/slog` calls that have a `…Context` variant: `slog.Info(…)` and
/// `(*slog.Logger).Info(…)` → `InfoContext(ctx, …)`. (`Log` and `LogAttrs` take a context
/// already.)
pub const SLOG_LEVELS: &[&str] = &["Debug", "Error", "Info", "Warn"];

/// The import of the `context` package: `"context"` and `"golang.org/x/net/context"` both end
/// in `context"`.
pub const GO_CONTEXT_IMPORT: &[Needle] = &[Needle::Text("context\"")];
/// A `context.Background()` or `context.TODO()` call.
pub const GO_NEW_ROOT: &[Needle] = &[Needle::Word("Background"), Needle::Word("TODO")];

/// Every rule, sorted by name.
pub static RULES: &[&Rule] = &[
    &abandoned_sender::RULE,
    &background_in_handler::RULE,
    &blocking_in_async::RULE,
    &callee_drops_context::RULE,
    &context_not_passed::RULE,
    &defer_cancel_in_loop::RULE,
    &discarded_cancel::RULE,
    &discarded_drop_guard::RULE,
    &errgroup_context::RULE,
    &goroutine_outlives_context::RULE,
    &missing_defer_cancel::RULE,
    &missing_drop_guard::RULE,
    &new_token_with_parent::RULE,
    &prefer_without_cancel::RULE,
    &test_background_context::RULE,
    &timeout_detaches_task::RULE,
    &unused_suppression::RULE,
];

/// The rules that run when none are selected.
pub fn default_rules() -> Vec<&'static Rule> {
    RULES
        .iter()
        .copied()
        .filter(|r| r.enabled_by_default)
        .collect()
}

pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// The name of the rule whose callees the engine's first pass looks for, and how it judges
/// them (see [`crate::lang::go::RootPass`]).
pub const CALLEE_DROPS_CONTEXT: &str = callee_drops_context::RULE.name;
pub use callee_drops_context::{callers_in, roots_in};

/// The name of the rule that asks which functions of the linted packages detach a context
/// parameter at once (see [`crate::lang::go::detached`]): the engine hands it their files.
pub const GOROUTINE_OUTLIVES_CONTEXT: &str = goroutine_outlives_context::RULE.name;

/// Whether `rule` can report something in the file scanned by `scan`, whose needles it has
/// found: a closer byte scan of the rules whose needles alone let through many files they
/// have nothing to say about (see [`context_not_passed::reported_calls`]; for
/// callee-drops-context, a call of a function that starts a root, declared where the file can
/// reach it: [`crate::lang::go::siblings::ByName::calls_in_file`]); `true` for the others.
pub(crate) fn may_report(rule: &Rule, scan: &crate::prefilter::Scan<'_, '_>) -> bool {
    if std::ptr::eq(rule, &context_not_passed::RULE) {
        return context_not_passed::may_report(scan);
    }
    if std::ptr::eq(rule, &callee_drops_context::RULE) {
        return !scan.root_calls().is_empty();
    }
    true
}

/// For a rule whose `function_needles` let through many declarations it has nothing to say
/// about, a closer needle group for the file scanned by `scan`: each declaration where the
/// rule reports something has a member of it (see [`context_not_passed::reported_calls`]).
/// `None` for the others.
pub(crate) fn reported_calls(
    rule: &Rule,
    scan: &crate::prefilter::Scan<'_, '_>,
) -> Option<Vec<Needle>> {
    std::ptr::eq(rule, &context_not_passed::RULE).then(|| context_not_passed::reported_calls(scan))
}

/// The name of the rule that reports suppressions silencing nothing.
pub use unused_suppression::NAME as UNUSED_SUPPRESSION;

/// Every rule's name, in registry order.
pub fn names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.name).collect()
}

/// `--select ALL` / `select = ["ALL"]`: every rule, including those off by default.
pub const ALL: &str = "ALL";

/// "unknown rule `x`; did you mean `y`?", or the valid names when none is close.
pub fn unknown_rule_message(name: &str) -> String {
    let known = names();
    match did_you_mean(name, &known) {
        Some(best) => format!("unknown rule `{name}`; did you mean `{best}`?"),
        None => format!(
            "unknown rule `{name}`; valid rules are: {}, or `{ALL}` in a selection",
            known.join(", ")
        ),
    }
}

/// The closest of `candidates` to `name`, if close enough to be a plausible typo.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    /// Applies the fixes of every finding of `rule` in `source` (edits must not overlap): for the
    /// fix tests of the rules.
    pub(crate) fn apply_fixes(language: Language, rule: &'static Rule, source: &str) -> String {
        let settings = crate::LintSettings::only(&[rule]);
        let diagnostics = crate::lint_file(language, source, None, &settings).unwrap_or_default();
        let mut edits: Vec<_> = diagnostics
            .into_iter()
            .filter_map(|d| d.fix)
            .flat_map(|f| f.edits)
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = source.to_string();
        for edit in edits {
            out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        out
    }

    #[test]
    fn suggestions_are_close_names() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            did_you_mean("discard-cancel", &names()),
            Some("discarded-cancel")
        );
        assert_eq!(did_you_mean("zzzzzz", &names()), None);
    }

    #[test]
    fn registry_is_sorted_and_unique() {
        let names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn every_rule_has_docs_and_fixtures() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for rule in RULES {
            assert!(
                rule.title.chars().next().is_some_and(|c| c.is_lowercase()),
                "{}: title must start lowercase",
                rule.name
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    rule.doc.contains(heading),
                    "{}: doc lacks {heading}",
                    rule.name
                );
            }
            for language in rule.languages() {
                let dir = root.join("testdata").join(language.name()).join(rule.name);
                let mut wants = 0;
                let mut clean_lines = 0;
                let mut pending = vec![dir.clone()];
                let mut files = Vec::new();
                while let Some(d) = pending.pop() {
                    for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{d:?}: {e}")) {
                        let path = entry.unwrap().path();
                        if path.is_dir() {
                            pending.push(path);
                        } else {
                            files.push(path);
                        }
                    }
                }
                for file in files {
                    let text = std::fs::read_to_string(file).unwrap();
                    for line in text.lines() {
                        if line.contains(&format!("// want \"{}\"", rule.name)) {
                            wants += 1;
                        } else if line.contains("func ") || line.contains("fn ") {
                            clean_lines += 1;
                        }
                    }
                }
                assert!(wants > 0, "{}: no `want` in {dir:?}", rule.name);
                assert!(clean_lines > 0, "{}: no clean case in {dir:?}", rule.name);
            }
        }
    }
}
