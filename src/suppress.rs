//! Inline suppressions, for every language with `//` comments:
//!
//! - `//ctxlint:ignore <rule>[,<rule>] <reason>` silences the named rules;
//! - `//nolint:ctxlint` silences every ctxlint rule, `//nolint:<rule>[,<other>]` the named ones
//!   (golangci-lint style: names of other linters in the list are allowed and ignored; a
//!   trailing `// reason` is allowed; `// nolint:<names>` with one space is read too, as
//!   golangci-lint reads it), and bare `//nolint` / `//nolint:all` silence everything.
//!
//! Suppressions written for the equivalent checks of other tools are honoured too, so code
//! already triaged for them stays quiet (see [`FOREIGN_CHECKS`]): `//nolint:govet`,
//! `//nolint:lostcancel`, `//nolint:contextcheck`, `//nolint:noctx`, `//nolint:usetesting`, and
//! staticcheck's `//lint:ignore <checks> <reason>` (one line) and `//lint:file-ignore <checks>
//! <reason>` (the whole file) naming those checks or ctxlint rules.
//!
//! A comment that follows code on its line applies to that line. A comment alone on its line
//! applies to its own line and to the next line that is not itself a `//` comment, so several
//! directives can be stacked above a statement. A finding is silenced when its primary location
//! starts on such a line.
//!
//! With the rule `unused-suppression` (`--report-unused-suppressions`), a `ctxlint:ignore` or
//! `nolint` naming ctxlint rules that silences nothing is reported. Only rules that ran on the
//! file count: a suppression for a rule that is not selected is left alone. Bare `//nolint` and
//! `//nolint:all` are meant for every linter and never reported, and neither are other tools'
//! names (`//nolint:govet` that silences nothing of ours still serves go vet).

use tree_sitter::Tree;

use crate::diagnostic::{Diagnostic, LineIndex, Severity, Span};
use crate::lang::walk_tree;
use crate::rules::{self, Rule, UNUSED_SUPPRESSION};

/// Checks of other tools that find what ctxlint rules find: a suppression of the check
/// silences those rules too.
pub const FOREIGN_CHECKS: &[(&str, &[&str])] = &[
    // go vet's lostcancel, alone or through golangci-lint's govet.
    ("govet", &["discarded-cancel", "missing-defer-cancel"]),
    ("lostcancel", &["discarded-cancel", "missing-defer-cancel"]),
    (
        "contextcheck",
        &["background-in-handler", "callee-drops-context"],
    ),
    ("noctx", &["context-not-passed"]),
    ("usetesting", &["test-background-context"]),
];

/// Which rules a directive names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Every rule; `reportable` when it names ctxlint (`//nolint:ctxlint`).
    All { reportable: bool },
    /// These rules (only ours), each with whether it silenced something.
    Rules(Vec<Named>),
}

/// A rule a directive silences.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    rule: String,
    /// The other tool's check that named it (`govet`), if it was not named itself: such an
    /// entry is never reported as unused, since the directive serves that tool.
    via: Option<&'static str>,
    used: bool,
}

impl Named {
    fn ours(rule: &str) -> Named {
        Named {
            rule: rule.to_string(),
            via: None,
            used: false,
        }
    }
}

/// The rules named by a list of `nolint` / `lint:ignore` names: ours as they are, other tools'
/// checks through [`FOREIGN_CHECKS`] (case-insensitive, as golangci-lint), the rest ignored.
fn named_rules<'n>(names: impl IntoIterator<Item = &'n str>) -> Vec<Named> {
    let mut found: Vec<Named> = Vec::new();
    for name in names {
        if rules::find(name).is_some() {
            found.push(Named::ours(name));
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if let Some((check, rules)) = FOREIGN_CHECKS.iter().find(|(c, _)| *c == lower) {
            found.extend(rules.iter().map(|r| Named {
                rule: r.to_string(),
                via: Some(check),
                used: false,
            }));
        }
    }
    found
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
    /// `//lint:file-ignore`: the whole file.
    file_wide: bool,
}

/// What a comment directs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    scope: Scope,
    unknown: Vec<String>,
    file_wide: bool,
}

/// Parses one comment's text. `None` when it is no directive of ours.
fn parse(comment: &str) -> Option<Parsed> {
    let known = |name: &str| rules::find(name).is_some();
    let parsed = |scope, unknown| Parsed {
        scope,
        unknown,
        file_wide: false,
    };
    if let Some(rest) = comment.strip_prefix("//ctxlint:ignore") {
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let list = rest.split_whitespace().next()?;
        let (mut names, mut unknown) = (Vec::new(), Vec::new());
        for name in list.split(',').filter(|n| !n.is_empty()) {
            if known(name) {
                names.push(Named::ours(name));
            } else {
                unknown.push(name.to_string());
            }
        }
        return Some(parsed(Scope::Rules(names), unknown));
    }
    // staticcheck: `//lint:ignore Check1,Check2 reason`, `//lint:file-ignore Check reason`.
    for (prefix, file_wide) in [("//lint:ignore", false), ("//lint:file-ignore", true)] {
        if let Some(rest) = comment.strip_prefix(prefix) {
            if !rest.starts_with(char::is_whitespace) {
                return None;
            }
            let list = rest.split_whitespace().next()?;
            let names: Vec<&str> = list.split(',').filter(|n| !n.is_empty()).collect();
            let scope = if names.contains(&"ctxlint") {
                Scope::All { reportable: true }
            } else {
                let named = named_rules(names);
                if named.is_empty() {
                    return None;
                }
                Scope::Rules(named)
            };
            return Some(Parsed {
                scope,
                unknown: Vec::new(),
                file_wide,
            });
        }
    }
    // golangci-lint also reads `// nolint:<names>` (one space, the form gofmt leaves alone);
    // a bare `// nolint` may be prose and is not a directive.
    let list = match comment.strip_prefix("//nolint") {
        Some(rest) => {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with("//") {
                return Some(parsed(Scope::All { reportable: false }, Vec::new()));
            }
            rest.strip_prefix(':')?
        }
        None => comment.strip_prefix("// nolint:")?,
    };
    let list = list
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    let names: Vec<&str> = list.split(',').map(str::trim).collect();
    if names.contains(&"all") {
        return Some(parsed(Scope::All { reportable: false }, Vec::new()));
    }
    if names.contains(&"ctxlint") {
        return Some(parsed(Scope::All { reportable: true }, Vec::new()));
    }
    let ours = named_rules(names);
    (!ours.is_empty()).then(|| parsed(Scope::Rules(ours), Vec::new()))
}

/// Finds the directives among a tree's comments.
fn directives(tree: &Tree, source: &str) -> Vec<Directive> {
    let finder = |needle: &str| memchr::memmem::find(source.as_bytes(), needle.as_bytes());
    if finder("ctxlint:ignore").is_none()
        && finder("nolint").is_none()
        && finder("lint:ignore").is_none()
        && finder("lint:file-ignore").is_none()
    {
        return Vec::new();
    }
    let index = LineIndex::new(source);
    let mut found = Vec::new();
    walk_tree(tree.root_node(), |node| {
        if !node.kind().contains("comment") {
            return true;
        }
        let text = source.get(node.byte_range()).unwrap_or("");
        let Some(Parsed {
            scope,
            unknown,
            file_wide,
        }) = parse(text)
        else {
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
            file_wide,
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
        for directive in directives
            .iter_mut()
            .filter(|x| x.file_wide || x.lines.contains(&line))
        {
            match &mut directive.scope {
                Scope::All { .. } => {
                    directive.used = true;
                    silenced = true;
                }
                Scope::Rules(names) => {
                    for named in names.iter_mut().filter(|n| n.rule == d.rule) {
                        named.used = true;
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
                    .filter(|n| !n.used && n.via.is_none() && ran(&n.rule))
                    .map(|n| n.rule.clone()),
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

    fn scope(comment: &str) -> Option<Scope> {
        parse(comment).map(|p| p.scope)
    }

    fn rules_of(comment: &str) -> Vec<(String, Option<&'static str>)> {
        match scope(comment) {
            Some(Scope::Rules(names)) => names.into_iter().map(|n| (n.rule, n.via)).collect(),
            other => panic!("{comment}: {other:?}"),
        }
    }

    #[test]
    fn directives_parse_in_both_styles() {
        let all = Scope::All { reportable: true };
        assert_eq!(scope("//nolint:ctxlint"), Some(all));
        assert_eq!(scope("//nolint"), Some(Scope::All { reportable: false }));
        assert_eq!(
            scope("//nolint:errcheck,discarded-cancel // reason"),
            Some(Scope::Rules(vec![Named::ours("discarded-cancel")]))
        );
        assert_eq!(scope("//nolint:errcheck"), None);
        assert_eq!(
            scope("// nolint:ctxlint"),
            Some(Scope::All { reportable: true })
        );
        assert_eq!(rules_of("// nolint:govet"), rules_of("//nolint:govet"));
        assert_eq!(scope("// nolint"), None);
        assert_eq!(scope("//  nolint:ctxlint"), None);
        assert_eq!(scope("//nolintx"), None);
        let parsed = parse("//ctxlint:ignore discarded-cancel,nope the caller cancels").unwrap();
        assert_eq!(
            parsed.scope,
            Scope::Rules(vec![Named::ours("discarded-cancel")])
        );
        assert_eq!(parsed.unknown, ["nope"]);
        assert_eq!(scope("//ctxlint:ignored x"), None);
    }

    #[test]
    fn other_tools_checks_name_their_ctxlint_equivalents() {
        let cancel = |via| {
            vec![
                ("discarded-cancel".to_string(), Some(via)),
                ("missing-defer-cancel".to_string(), Some(via)),
            ]
        };
        assert_eq!(rules_of("//nolint:govet // triaged"), cancel("govet"));
        assert_eq!(
            rules_of("//nolint:errcheck,lostcancel"),
            cancel("lostcancel")
        );
        assert_eq!(rules_of("//nolint:GoVet"), cancel("govet"));
        assert_eq!(
            rules_of("//nolint:contextcheck"),
            [
                ("background-in-handler".to_string(), Some("contextcheck")),
                ("callee-drops-context".to_string(), Some("contextcheck")),
            ]
        );
        assert_eq!(
            rules_of("//nolint:noctx"),
            [("context-not-passed".to_string(), Some("noctx"))]
        );
        assert_eq!(
            rules_of("//nolint:usetesting"),
            [("test-background-context".to_string(), Some("usetesting"))]
        );
        // staticcheck style, one line or the whole file; its own check IDs are not ours.
        assert_eq!(
            rules_of("//lint:ignore lostcancel the caller cancels"),
            cancel("lostcancel")
        );
        assert_eq!(
            rules_of("//lint:ignore SA1012,background-in-handler reason"),
            [("background-in-handler".to_string(), None)]
        );
        assert!(
            parse("//lint:file-ignore usetesting old tests")
                .unwrap()
                .file_wide
        );
        assert!(!parse("//lint:ignore usetesting reason").unwrap().file_wide);
        assert_eq!(scope("//lint:ignore SA1012 reason"), None);
        assert_eq!(scope("//lint:ignored govet"), None);
    }
}
