//! Inline suppressions, for every language with `//` comments:
//!
//! - `//ctxlint:ignore <rule>[,<rule>] <reason>` silences the named rules;
//! - `//nolint:ctxlint` silences every ctxlint rule, `//nolint:<rule>[,<other>]` the named ones
//!   (golangci-lint style: names of other linters in the list are allowed and ignored; a
//!   trailing `// reason` is allowed), and bare `//nolint` / `//nolint:all` silence everything.
//!
//! A comment that follows code on its line applies to that line. A comment alone on its line
//! applies to its own line and to the next line that is not itself a `//` comment, so several
//! directives can be stacked above a statement. A finding is silenced when its primary location
//! starts on such a line.
//!
//! With the rule `unused-suppression` (`--report-unused-suppressions`), a `ctxlint:ignore` or
//! `nolint` naming ctxlint rules that silences nothing is reported. Only rules that ran on the
//! file count: a suppression for a rule that is not selected is left alone. Bare `//nolint` and
//! `//nolint:all` are meant for every linter and never reported.

use tree_sitter::Tree;

use crate::diagnostic::{Diagnostic, LineIndex, Severity, Span};
use crate::lang::walk_tree;
use crate::rules::{self, Rule, UNUSED_SUPPRESSION};

/// Which rules a directive names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Every rule; `reportable` when it names ctxlint (`//nolint:ctxlint`).
    All { reportable: bool },
    /// These rule names (only ours, for `nolint`), each with whether it silenced something.
    Rules(Vec<(String, bool)>),
}

#[derive(Debug, Clone)]
struct Directive {
    span: Span,
    /// 0-based lines it applies to.
    lines: [usize; 2],
    scope: Scope,
    used: bool,
    /// Names in a `ctxlint:ignore` that are no rule at all.
    unknown: Vec<String>,
}

/// Parses one comment's text. `None` when it is no directive of ours.
fn parse(comment: &str) -> Option<(Scope, Vec<String>)> {
    let known = |name: &str| rules::find(name).is_some();
    if let Some(rest) = comment.strip_prefix("//ctxlint:ignore") {
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let list = rest.split_whitespace().next()?;
        let (mut names, mut unknown) = (Vec::new(), Vec::new());
        for name in list.split(',').filter(|n| !n.is_empty()) {
            if known(name) {
                names.push((name.to_string(), false));
            } else {
                unknown.push(name.to_string());
            }
        }
        return Some((Scope::Rules(names), unknown));
    }
    let rest = comment.strip_prefix("//nolint")?;
    if rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with("//") {
        return Some((Scope::All { reportable: false }, Vec::new()));
    }
    let list = rest.strip_prefix(':')?;
    let list = list
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    let names: Vec<&str> = list.split(',').map(str::trim).collect();
    if names.contains(&"all") {
        return Some((Scope::All { reportable: false }, Vec::new()));
    }
    if names.contains(&"ctxlint") {
        return Some((Scope::All { reportable: true }, Vec::new()));
    }
    let ours: Vec<(String, bool)> = names
        .into_iter()
        .filter(|n| known(n))
        .map(|n| (n.to_string(), false))
        .collect();
    (!ours.is_empty()).then_some((Scope::Rules(ours), Vec::new()))
}

/// Finds the directives among a tree's comments.
fn directives(tree: &Tree, source: &str) -> Vec<Directive> {
    let finder = |needle: &str| memchr::memmem::find(source.as_bytes(), needle.as_bytes());
    if finder("ctxlint:ignore").is_none() && finder("nolint").is_none() {
        return Vec::new();
    }
    let index = LineIndex::new(source);
    let mut found = Vec::new();
    walk_tree(tree.root_node(), |node| {
        if !node.kind().contains("comment") {
            return true;
        }
        let text = source.get(node.byte_range()).unwrap_or("");
        let Some((scope, unknown)) = parse(text) else {
            return false;
        };
        let span = Span::of(node);
        let line = index.line_of(span.start);
        let before = &source[index.line_start(line)..span.start];
        let target = if before.trim().is_empty() {
            next_code_line(source, &index, index.line_of(span.end))
        } else {
            line
        };
        found.push(Directive {
            span,
            lines: [line, target],
            scope,
            used: false,
            unknown,
        });
        false
    });
    found
}

/// The first line after `line` that is not a `//` comment line.
fn next_code_line(source: &str, index: &LineIndex, line: usize) -> usize {
    let mut next = line + 1;
    loop {
        let start = index.line_start(next);
        if start == 0 || start >= source.len() {
            return next;
        }
        let text = source[start..].lines().next().unwrap_or("");
        if !text.trim_start().starts_with("//") {
            return next;
        }
        next += 1;
    }
}

/// Drops the findings that a directive silences and, if asked, adds `unused-suppression`
/// findings for directives that silenced nothing. `ran` are the rules that checked the file.
pub fn apply(
    tree: &Tree,
    source: &str,
    ran: &[&Rule],
    diagnostics: &mut Vec<Diagnostic>,
    report_unused: bool,
) {
    let mut directives = directives(tree, source);
    if directives.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    diagnostics.retain(|d| {
        let line = index.line_of(d.span.start);
        let mut silenced = false;
        for directive in directives.iter_mut().filter(|x| x.lines.contains(&line)) {
            match &mut directive.scope {
                Scope::All { .. } => {
                    directive.used = true;
                    silenced = true;
                }
                Scope::Rules(names) => {
                    for (_, used) in names.iter_mut().filter(|(n, _)| n == d.rule) {
                        *used = true;
                        directive.used = true;
                        silenced = true;
                    }
                }
            }
        }
        !silenced
    });
    if !report_unused {
        return;
    }
    let any_ran = !ran.is_empty();
    let ran = |name: &str| ran.iter().any(|r| r.name == name);
    for directive in directives {
        let mut unused: Vec<String> = Vec::new();
        match &directive.scope {
            Scope::All { reportable: true } if !directive.used && any_ran => {
                unused.push("ctxlint".into())
            }
            Scope::All { .. } => {}
            Scope::Rules(names) => unused.extend(
                names
                    .iter()
                    .filter(|(n, used)| !used && ran(n))
                    .map(|(n, _)| n.clone()),
            ),
        }
        let text = source
            .get(directive.span.start..directive.span.end)
            .unwrap_or("");
        let quoted = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !directive.unknown.is_empty() {
            let known = rules::names();
            let hint = directive
                .unknown
                .iter()
                .find_map(|n| rules::did_you_mean(n, &known))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            diagnostics.push(Diagnostic {
                rule: UNUSED_SUPPRESSION,
                severity: Severity::Warning,
                message: format!(
                    "{} in this suppression {} no rule, so it silences nothing",
                    quoted(&directive.unknown),
                    if directive.unknown.len() == 1 {
                        "names"
                    } else {
                        "name"
                    }
                ),
                span: directive.span,
                labels: Vec::new(),
                help: format!("use the names listed by `ctxlint rule`{hint}"),
                fix: None,
            });
        }
        if unused.is_empty() {
            continue;
        }
        let message = if unused == ["ctxlint"] {
            format!(
                "`{}` silences no finding, so it would hide a future one unnoticed",
                text.trim()
            )
        } else {
            format!(
                "this suppression of {} silences no finding, so it would hide a future one unnoticed",
                quoted(&unused)
            )
        };
        diagnostics.push(Diagnostic {
            rule: UNUSED_SUPPRESSION,
            severity: Severity::Warning,
            message,
            span: directive.span,
            labels: Vec::new(),
            help: "remove the suppression (or the rule names that no longer apply)".into(),
            fix: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_in_both_styles() {
        let all = Scope::All { reportable: true };
        assert_eq!(parse("//nolint:ctxlint").map(|p| p.0), Some(all));
        assert_eq!(
            parse("//nolint").map(|p| p.0),
            Some(Scope::All { reportable: false })
        );
        assert_eq!(
            parse("//nolint:errcheck,discarded-cancel // reason").map(|p| p.0),
            Some(Scope::Rules(vec![("discarded-cancel".into(), false)]))
        );
        assert_eq!(parse("//nolint:errcheck"), None);
        assert_eq!(parse("// nolint:ctxlint"), None);
        assert_eq!(parse("//nolintx"), None);
        let (scope, unknown) =
            parse("//ctxlint:ignore discarded-cancel,nope the caller cancels").unwrap();
        assert_eq!(
            scope,
            Scope::Rules(vec![("discarded-cancel".into(), false)])
        );
        assert_eq!(unknown, ["nope"]);
        assert_eq!(parse("//ctxlint:ignored x"), None);
    }
}
