//! Re-linting a Go document after an edit (the language server): the rules that partial
//! parsing knows to be local ([`prefilter::PARTIAL_PARSE_RULES`]) run again only on the
//! top-level declarations whose findings the edit can change, and the findings of the others
//! are kept from the previous lint, moved by the edit.
//!
//! The previous and the new text are outlined ([`outline`]); the declarations before and
//! after the edited region are those whose text is unchanged. The edit is local when every
//! declaration it changes is a function or method, with the same names as before: then a
//! declaration's findings can change only if it is changed or its [`prefilter::closure`]
//! (the functions and package variables the rules read for it) holds a changed declaration,
//! in the previous text or in the new one. Those declarations, with their closure and the
//! file's other non-function declarations, are parsed on their own ([`lang::parse_ranges`])
//! and the local rules run over that tree, as partial parsing does for a whole run; the other
//! rules run over the whole tree. Anything else — another language, a rule set or settings
//! that changed, a change to the imports, types, variables or constants, a declaration added,
//! removed or renamed, a text the outline's lexer cannot follow, a syntax error in the part
//! parsed, findings from the previous lint that reach into the edited region — is a whole
//! lint. Either way the result is that of [`crate::lint_tree`] (`tests/relint.rs` compares
//! them over many random edits).

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::engine::{finish, run_rules};
use crate::lang::go::outline::{outline, Item};
use crate::lang::go::GoSettings;
use crate::lang::{self, Language};
use crate::prefilter;
use crate::rules::Rule;
use crate::settings::LintSettings;

/// A document's last lint, kept to re-lint it after an edit.
#[derive(Default, Clone)]
pub struct Relint {
    last: Option<Last>,
    /// How many top-level declarations the last lint ran the local rules on again; `None`
    /// when it was a whole lint.
    redone: Option<usize>,
}

#[derive(Clone)]
struct Last {
    text: String,
    /// The rules that ran, and the settings they ran with: any change to them makes the next
    /// lint a whole one.
    active: Vec<&'static str>,
    settings: Fingerprint,
    /// The findings of the local rules, as the rules reported them.
    local: Vec<Diagnostic>,
}

/// What of the settings the rules read. The tree-wide indexes are compared by identity, then
/// by value: the language server keeps each package's indexes while its files are unchanged
/// ([`crate::server`]), and indexes built again from the same files are equal.
#[derive(Clone, PartialEq)]
struct Fingerprint {
    rules: Vec<&'static str>,
    go: GoSettings,
}

impl Fingerprint {
    fn of(settings: &LintSettings) -> Fingerprint {
        Fingerprint {
            rules: settings.rules.iter().map(|r| r.name).collect(),
            go: settings.go.clone(),
        }
    }
}

impl Relint {
    pub fn new() -> Relint {
        Relint::default()
    }

    /// How many top-level declarations the last lint ran the local rules on again, the others'
    /// findings being kept; `None` when it was a whole lint (the first, or one whose edit or
    /// settings did not allow reuse).
    pub fn redone(&self) -> Option<usize> {
        self.redone
    }

    /// Lints `source`, parsed into `tree` (whole), at `path` with `settings`: the same
    /// findings as [`crate::lint_tree`], reusing what the previous call found where the edit
    /// cannot have changed it.
    pub fn lint(
        &mut self,
        language: Language,
        source: &str,
        tree: &tree_sitter::Tree,
        path: Option<&Path>,
        settings: &LintSettings,
    ) -> Vec<Diagnostic> {
        let active = prefilter::rules_for(language, source, path, settings);
        let (local_rules, other_rules): (Vec<&'static Rule>, Vec<&'static Rule>) = active
            .iter()
            .partition(|r| prefilter::PARTIAL_PARSE_RULES.contains(&r.name));
        let names: Vec<&'static str> = active.iter().map(|r| r.name).collect();
        let fingerprint = Fingerprint::of(settings);
        let reusable = language == Language::Go
            && settings.prefilter
            && !settings.report_unused()
            && !source.contains("lint:file-ignore");
        let previous = self
            .last
            .take()
            .filter(|_| reusable)
            .filter(|last| last.active == names && last.settings == fingerprint);
        let relinted =
            previous.and_then(|last| relint_local(&last, source, path, settings, &local_rules));
        self.redone = relinted.as_ref().map(|(_, redone)| *redone);
        let local = relinted.map(|(local, _)| local).unwrap_or_else(|| {
            run_rules(language, source, tree, path, settings, &local_rules, &[])
        });
        let mut findings = local.clone();
        findings.extend(run_rules(
            language,
            source,
            tree,
            path,
            settings,
            &other_rules,
            &[],
        ));
        if reusable {
            self.last = Some(Last {
                text: source.to_string(),
                active: names,
                settings: fingerprint,
                local,
            });
        }
        finish(language, source, tree, settings, findings)
    }
}

/// The findings of the local `rules` in the new text `source`, from those of `last` where the
/// edit cannot change them, and how many declarations were linted again; `None` when that
/// cannot be shown (a whole lint then).
fn relint_local(
    last: &Last,
    source: &str,
    path: Option<&Path>,
    settings: &LintSettings,
    rules: &[&'static Rule],
) -> Option<(Vec<Diagnostic>, usize)> {
    let old_items = outline(&last.text)?;
    let new_items = outline(source)?;
    let edit = Edit::between(&last.text, &old_items, source, &new_items)?;
    // Only functions and methods changed, none added, removed or renamed.
    let changed_old = &old_items[edit.old_items.clone()];
    let changed_new = &new_items[edit.new_items.clone()];
    let only_functions = |items: &[Item<'_>]| items.iter().all(|i| i.function.is_some());
    fn names<'t>(items: &[Item<'t>]) -> Vec<(Option<&'t str>, bool)> {
        let mut names: Vec<(Option<&str>, bool)> =
            items.iter().map(|i| (i.function, i.method)).collect();
        names.sort_unstable();
        names
    }
    if !only_functions(changed_old)
        || !only_functions(changed_new)
        || names(changed_old) != names(changed_new)
    {
        return None;
    }
    // The declarations whose findings the edit can change, in the new text.
    let in_range = |len: usize, range: &Range<usize>| -> Vec<bool> {
        (0..len).map(|k| range.contains(&k)).collect()
    };
    let reached_old = prefilter::reaching(&old_items, &in_range(old_items.len(), &edit.old_items));
    let mut redo = prefilter::reaching(&new_items, &in_range(new_items.len(), &edit.new_items));
    for (k, reached) in reached_old.iter().enumerate() {
        if *reached {
            if let Some(j) = edit.new_index(k) {
                redo[j] = true;
            }
        }
    }
    // The previous findings of the other declarations, moved by the edit.
    let mut kept = Vec::new();
    for finding in &last.local {
        let item = old_items.partition_point(|i| i.range.end <= finding.span.start);
        let Some(j) = edit.new_index(item) else {
            continue;
        };
        if redo[j] {
            continue;
        }
        kept.push(edit.moved(finding)?);
    }
    // The new findings of the others: parsed with what their rules read.
    let reached = prefilter::closure(&new_items, &redo);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut left_out = Vec::new();
    for (item, reached) in new_items.iter().zip(&reached) {
        if item.function.is_some() && !reached {
            if !item.method {
                left_out.extend(item.function);
            }
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.end == item.range.start => last.end = item.range.end,
            _ => ranges.push(item.range.clone()),
        }
    }
    let tree = lang::parse_ranges(Language::Go, source, &ranges)?;
    if tree.root_node().has_error() {
        return None;
    }
    let fresh = run_rules(
        Language::Go,
        source,
        &tree,
        path,
        settings,
        rules,
        &left_out,
    );
    let mut local: Vec<Diagnostic> = Vec::with_capacity(kept.len() + fresh.len());
    // In the order the rules ran: a rule's findings at one place keep their order.
    for rule in rules {
        local.extend(kept.iter().filter(|d| d.rule == rule.name).cloned());
        local.extend(
            fresh
                .iter()
                .filter(|d| d.rule == rule.name)
                .filter(|d| {
                    let item = new_items.partition_point(|i| i.range.end <= d.span.start);
                    redo.get(item).copied().unwrap_or(true)
                })
                .cloned(),
        );
    }
    Some((local, redo.iter().filter(|r| **r).count()))
}

/// Where two outlines of a text before and after an edit differ: the items before the first
/// that changed are the same (same bytes, same place), so are those after the last that
/// changed (same bytes, moved by `delta`).
struct Edit {
    /// The changed items of the old outline and of the new one.
    old_items: Range<usize>,
    new_items: Range<usize>,
    /// The changed bytes of the old text (from the start of the first changed item to the
    /// end of the last).
    old_bytes: Range<usize>,
    /// How far the unchanged items after the edit moved.
    delta: isize,
}

impl Edit {
    fn between(old_text: &str, old: &[Item<'_>], new_text: &str, new: &[Item<'_>]) -> Option<Edit> {
        let same = |a: &Item<'_>, b: &Item<'_>, a_text: &str, b_text: &str| {
            a_text.get(a.range.clone()) == b_text.get(b.range.clone())
        };
        let prefix = old
            .iter()
            .zip(new)
            .take_while(|(a, b)| a.range == b.range && same(a, b, old_text, new_text))
            .count();
        let delta = new_text.len() as isize - old_text.len() as isize;
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(new[prefix..].iter().rev())
            .take_while(|(a, b)| {
                b.range.start as isize - a.range.start as isize == delta
                    && same(a, b, old_text, new_text)
            })
            .count();
        let old_items = prefix..old.len() - suffix;
        let new_items = prefix..new.len() - suffix;
        let start = old.get(prefix).map_or(old_text.len(), |i| i.range.start);
        let end = old_items
            .end
            .checked_sub(1)
            .and_then(|k| old.get(k))
            .map_or(start, |i| i.range.end.max(start));
        Some(Edit {
            old_bytes: start..end,
            old_items,
            new_items,
            delta,
        })
    }

    /// The index in the new outline of the unchanged old item `k`, if it is unchanged.
    fn new_index(&self, k: usize) -> Option<usize> {
        if k < self.old_items.start {
            Some(k)
        } else if k >= self.old_items.end {
            Some(k - self.old_items.end + self.new_items.end)
        } else {
            None
        }
    }

    /// A byte offset of the old text outside the changed bytes, in the new text.
    fn moved_offset(&self, at: usize) -> Option<usize> {
        if at <= self.old_bytes.start {
            Some(at)
        } else if at >= self.old_bytes.end {
            usize::try_from(at as isize + self.delta).ok()
        } else {
            None
        }
    }

    /// A finding of the old text in the new one, unless some part of it lies in the changed
    /// bytes.
    fn moved(&self, finding: &Diagnostic) -> Option<Diagnostic> {
        let mut moved = finding.clone();
        let span = |span: &mut crate::diagnostic::Span| -> Option<()> {
            let (start, end) = (self.moved_offset(span.start)?, self.moved_offset(span.end)?);
            // Both ends on the same side of the edit.
            if (span.start <= self.old_bytes.start) != (span.end <= self.old_bytes.start) {
                return None;
            }
            (span.start, span.end) = (start, end);
            Some(())
        };
        span(&mut moved.span)?;
        for label in &mut moved.labels {
            span(&mut label.span)?;
        }
        if let Some(fix) = &mut moved.fix {
            for edit in &mut fix.edits {
                span(&mut edit.span)?;
            }
        }
        Some(moved)
    }
}
