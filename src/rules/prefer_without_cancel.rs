//! `prefer-without-cancel`: at cleanup and detach sites inside a function with a parent
//! context, `context.WithoutCancel(<parent>)` keeps the parent's values where
//! `Background()`/`TODO()` loses them.

use super::new_root::{self, Detach, Site};
use super::{Check, Needle, Rule, GO_CONTEXT_IMPORT, GO_NEW_ROOT};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity, Span};
use crate::lang::go::{self, GoFile};
use crate::lang::Language;

pub static RULE: Rule = Rule {
    name: "prefer-without-cancel",
    title: "a cleanup or detached call drops the parent context's values",
    language: Language::Go,
    default_severity: Severity::Info,
    enabled_by_default: false,
    needles: &[GO_CONTEXT_IMPORT, GO_NEW_ROOT, &[Needle::HandlerType]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/prefer-without-cancel.md"),
    check: Check::Go(check),
};

fn check(file: &GoFile<'_>, out: &mut Vec<Diagnostic>) {
    if !file.imports.imports_any(go::CONTEXT_PATHS) {
        return;
    }
    // `context.WithoutCancel` is Go 1.21: the fix needs a module that says so.
    let module = file.module();
    let go_version = module.as_ref().and_then(|m| m.go);
    let new_enough = module.as_ref().is_some_and(|m| m.go_at_least(1, 21));
    for &call in file.new_root_calls() {
        let Some(parent) = new_root::parent_context(file, call) else {
            continue;
        };
        let Site::Detach(site) = new_root::classify(file, call, &parent) else {
            continue;
        };
        // Work that outlives the call (a goroutine, a callback run later, a detach a comment
        // explains) is not necessarily this call's: its values may not belong there, and
        // the parent itself is often the better fix. Only cleanup and the end of this call's
        // own work are reported.
        if matches!(
            site,
            Detach::Go | Detach::OutlivingLiteral | Detach::Comment | Detach::Start(_)
        ) {
            continue;
        }
        if new_root::feeds_valueless_call(file, call) {
            continue;
        }
        let Some(qualifier) = without_cancel_qualifier(file, call) else {
            continue;
        };
        // A parent reassigned in the function carries values the caller did not put there.
        let applicability = if new_root::parent_reassigned(file, &parent) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let written = file.text(call);
        let replacement = format!("{qualifier}WithoutCancel({})", parent.expression);
        let help = match (new_enough, go_version) {
            (true, _) => format!(
                "use `{replacement}`: it keeps the values and still ignores the cancellation"
            ),
            (false, Some(v)) => format!(
                "use `{replacement}` once the module requires Go 1.21 (its go.mod says go {v})"
            ),
            (false, None) => format!(
                "use `{replacement}` (Go 1.21+; no go.mod with a `go` line was found, so no fix \
                 is offered)"
            ),
        };
        out.push(Diagnostic {
            rule: RULE.name,
            severity: RULE.default_severity,
            message: format!(
                "`{written}` {} drops the values of `{}` (trace IDs, loggers, request-scoped \
                 data)",
                site.describe(),
                parent.expression
            ),
            span: Span::of(call),
            labels: vec![Label {
                span: Span::of(parent.param),
                message: "the parent context is available here".into(),
            }],
            help,
            fix: (new_enough && parent.reachable).then(|| Fix {
                applicability,
                message: format!("replace with `{replacement}`"),
                edits: vec![Edit {
                    span: Span::of(call),
                    new_text: replacement.clone(),
                }],
            }),
        });
    }
}

/// How `WithoutCancel` is written where `call` is: `context.` (or the file's alias for the
/// standard `context` package), or nothing through a dot import. `None` for the legacy
/// `golang.org/x/net/context`, which has no `WithoutCancel`.
fn without_cancel_qualifier(file: &GoFile<'_>, call: tree_sitter::Node<'_>) -> Option<String> {
    match file.callee(call)? {
        go::Callee::Package { path, .. } => {
            let function = call.child_by_field_name("function")?;
            let operand = function.child_by_field_name("operand")?;
            (path == "context").then(|| format!("{}.", file.text(operand)))
        }
        go::Callee::Local { .. } => file
            .imports
            .dot_imports()
            .any(|p| p == "context")
            .then(String::new),
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::lang::Language;
    use crate::LintSettings;

    const SOURCE: &str = "package p\n\nimport c \"context\"\n\ntype l struct{}\n\nfunc (l) \
                          Release(ctx c.Context) {}\n\nfunc f(ctx c.Context, x l) {\n\tdefer \
                          x.Release(c.TODO())\n}\n";

    /// The fixes offered for `SOURCE` in a module whose go.mod says `go_line` (no go.mod when
    /// `None`).
    fn fixes(go_line: Option<&str>) -> Vec<(Applicability, String)> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(line) = go_line {
            std::fs::write(dir.path().join("go.mod"), format!("module m\n\n{line}\n")).unwrap();
        }
        let settings = LintSettings::only(&[&super::RULE]);
        crate::lint_file(
            Language::Go,
            SOURCE,
            Some(&dir.path().join("a.go")),
            &settings,
        )
        .unwrap()
        .into_iter()
        .filter_map(|d| d.fix)
        .map(|f| (f.applicability, f.edits[0].new_text.clone()))
        .collect()
    }

    #[test]
    fn a_reassigned_parent_makes_the_fix_unsafe() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
        let source = "package p\n\nimport \"context\"\n\nfunc f(ctx context.Context, r R) \
                      {\n\tctx = withLease(ctx)\n\tdefer r.Release(context.TODO())\n\tuse(ctx)\n}\n";
        let settings = LintSettings::only(&[&super::RULE]);
        let found = crate::lint_file(
            Language::Go,
            source,
            Some(&dir.path().join("a.go")),
            &settings,
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Unsafe);
    }

    #[test]
    fn the_fix_needs_go_1_21_in_the_nearest_go_mod() {
        let wanted = vec![(Applicability::Safe, "c.WithoutCancel(ctx)".to_string())];
        assert_eq!(fixes(Some("go 1.21")), wanted);
        assert_eq!(fixes(Some("go 1.23.4")), wanted);
        assert!(fixes(Some("go 1.20")).is_empty());
        // Without a go.mod (unless one happens to sit above the temporary directory).
        let outside = tempfile::tempdir().unwrap();
        if crate::lang::go::gomod::nearest(outside.path()).is_none() {
            assert!(fixes(None).is_empty());
        }
    }
}
