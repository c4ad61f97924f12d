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
//! in the previous text or in the new one. The whole tree is at hand (the server reparses only
//! what changed), so a call by name leads only to a declaration it can mean: a function or
//! method whose name is declared once in its kind ([`Callees::Unique`]); a repeated name is
//! read by no rule. The local rules then run over the whole tree, looking for candidates
//! ([`crate::lang::go::GoFile::focus`]) only in those declarations, their closure and the
//! file's other non-function declarations — what partial parsing would parse for them — and
//! the other rules run as usual. Anything else — another language, a rule set or settings
//! that changed, a change to the imports, types, variables or constants, a declaration added,
//! removed or renamed, a text the outline's lexer cannot follow, a tree whose top-level
//! declarations are not the outline's or with a syntax error where the rules look, findings
//! from the previous lint that reach into the edited region — is a whole lint. Either way the
//! result is that of [`crate::lint_tree`] (`tests/relint.rs` compares them over many random
//! edits, and after edits of a function another one reads).

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::engine::{finish, run_rules, Part};
use crate::lang::go::outline::{outline, Item};
use crate::lang::go::GoSettings;
use crate::lang::{self, Language};
use crate::prefilter::{self, Callees};
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
        let relinted = previous.and_then(|last| {
            let rules = (settings, local_rules.as_slice());
            relint_local(&last, source, tree, path, rules)
        });
        self.redone = relinted.as_ref().map(|(_, redone)| *redone);
        let whole = Part::default();
        let local = relinted.map(|(local, _)| local).unwrap_or_else(|| {
            run_rules(language, source, tree, path, settings, &local_rules, &whole)
        });
        let mut findings = local.clone();
        findings.extend(run_rules(
            language,
            source,
            tree,
            path,
            settings,
            &other_rules,
            &whole,
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

/// The findings of the local `rules` (run with `settings`) in the new text `source`, parsed
/// into `tree`, from those of `last` where the edit cannot change them, and how many
/// declarations were linted again; `None` when that cannot be shown (a whole lint then).
fn relint_local(
    last: &Last,
    source: &str,
    tree: &tree_sitter::Tree,
    path: Option<&Path>,
    (settings, rules): (&LintSettings, &[&'static Rule]),
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
    let unique = Callees::Unique;
    let changed_old = in_range(old_items.len(), &edit.old_items);
    let reached_old = prefilter::reaching(&old_items, &changed_old, unique);
    let changed_new = in_range(new_items.len(), &edit.new_items);
    let mut redo = prefilter::reaching(&new_items, &changed_new, unique);
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
    // The new findings of the others: the rules run on the whole tree, looking for candidates
    // where partial parsing would parse (the declarations, what their rules read, and every
    // declaration that is not a function).
    let reached = prefilter::closure(&new_items, &redo, unique);
    let mut focus: Vec<Range<usize>> = Vec::new();
    for (item, reached) in new_items.iter().zip(&reached) {
        if item.function.is_some() && !reached {
            continue;
        }
        match focus.last_mut() {
            Some(last) if last.end == item.range.start => last.end = item.range.end,
            _ => focus.push(item.range.clone()),
        }
    }
    if !follows_outline(tree, &new_items, &focus) {
        return None;
    }
    let part = Part {
        left_out_functions: &[],
        focus: Some(focus),
    };
    let fresh = run_rules(Language::Go, source, tree, path, settings, rules, &part);
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

/// Whether `tree` has the top-level declarations of the outline `items` (each top-level node
/// inside one item) and no syntax error in the bytes `focus`: the declarations there are then
/// what partial parsing would see.
fn follows_outline(tree: &tree_sitter::Tree, items: &[Item<'_>], focus: &[Range<usize>]) -> bool {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let aligned = root.children(&mut cursor).all(|node| {
        let k = items.partition_point(|i| i.range.end <= node.start_byte());
        items.get(k).is_some_and(|i| node.end_byte() <= i.range.end)
    });
    let broken = lang::error_spans(tree);
    let clean = broken.iter().all(|e| {
        focus
            .iter()
            .all(|r| e.end.max(e.start + 1) <= r.start || r.end <= e.start)
    });
    aligned && clean
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
