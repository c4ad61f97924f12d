//! Applying fixes: `check --fix` (safe fixes), `--unsafe-fixes` (unsafe ones too) and `--diff`
//! (what `--fix` would change, as a unified diff, writing nothing).
//!
//! Fixes are generic: any rule's [`Fix`] is a set of byte-range edits applied together or not at
//! all. A pass takes the applicable fixes of a file in diagnostic order, drops any fix whose
//! edits overlap an earlier one, applies the rest, and keeps the result only if it has no more
//! syntax errors than the text it started from. The file is then re-linted and the next pass
//! applies what is applicable now (a fix set aside for a conflict is offered again), until
//! nothing is left or [`MAX_PASSES`] is reached. The file is written once, atomically.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, LineIndex, Span};
use crate::lang::{self, Language};
use crate::rules::UNUSED_SUPPRESSION;

/// Lint–fix passes per file before giving up on converging.
pub const MAX_PASSES: usize = 10;

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixMode {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Write the fixed files (`--fix`); when false, only compute them (`--diff`).
    pub write: bool,
}

impl FixMode {
    /// Whether this mode applies `fix`.
    pub fn applies(self, fix: &Fix) -> bool {
        !fix.edits.is_empty()
            && match fix.applicability {
                Applicability::Safe => true,
                Applicability::Unsafe => self.unsafe_fixes,
            }
    }

    /// Whether any of `diagnostics` has a fix this mode applies.
    pub fn applies_any(self, diagnostics: &[Diagnostic]) -> bool {
        diagnostics
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| self.applies(f)))
    }
}

/// What fixing did to one file (only files that had an applicable fix get one).
#[derive(Debug, Clone)]
pub struct FileFix {
    /// The path as reported.
    pub path: String,
    pub original: String,
    /// The text after the fixes (equal to `original` when none could be applied).
    pub fixed: String,
    /// Fixes applied, over all passes.
    pub applied: usize,
    /// Fixes that were set aside or refused, for stderr.
    pub notes: Vec<Note>,
}

/// Something stderr should say about fixing a file: at a 1-based line (of the text the pass
/// worked on), or about the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note {
    pub line: Option<usize>,
    pub message: String,
}

/// The outcome of [`fix_source`].
#[derive(Debug, Clone)]
pub struct Fixed {
    pub source: String,
    /// The diagnostics of `source` (what remains unfixed).
    pub diagnostics: Vec<Diagnostic>,
    pub applied: usize,
    pub notes: Vec<Note>,
}

/// Fixes one file: the lint–fix passes of [`fix_source`], then (in write mode, when something
/// changed) an atomic write, only if the file's real path lies under one of `roots` (the paths
/// named on the command line). `lint` lints a text the way the file was linted. Returns the fix
/// record, the resulting text and its diagnostics; `Err` is a message for the file's error.
#[allow(clippy::too_many_arguments)]
pub fn fix_file(
    path: &Path,
    display: &str,
    language: Language,
    source: String,
    diagnostics: Vec<Diagnostic>,
    mode: FixMode,
    roots: &[PathBuf],
    lint: impl FnMut(&str) -> Option<Vec<Diagnostic>>,
) -> Result<(FileFix, String, Vec<Diagnostic>), String> {
    let fixed = fix_source(language, &source, diagnostics, mode, lint);
    if mode.write && fixed.source != source {
        write_atomically(path, roots, &source, &fixed.source)
            .map_err(|e| format!("the fixes could not be written: {e}"))?;
    }
    let record = FileFix {
        path: display.to_string(),
        fixed: fixed.source.clone(),
        original: source,
        applied: fixed.applied,
        notes: fixed.notes,
    };
    Ok((record, fixed.source, fixed.diagnostics))
}

/// Applies the fixes `mode` allows to `source`, pass after pass (re-linting with `lint` in
/// between) until none is applicable, a pass changes nothing, or [`MAX_PASSES`] is reached.
/// `diagnostics` are those of `source`. Never panics on malformed fixes: they are skipped with
/// a note.
pub fn fix_source(
    language: Language,
    source: &str,
    diagnostics: Vec<Diagnostic>,
    mode: FixMode,
    lint: impl FnMut(&str) -> Option<Vec<Diagnostic>>,
) -> Fixed {
    fix_parsed_source(language, source, None, diagnostics, mode, lint)
}

/// [`fix_source`] given the syntax tree of `source` ([`lang::parse`]'s, not a partial parse)
/// when the caller has it.
pub fn fix_parsed_source(
    language: Language,
    source: &str,
    tree: Option<Tree>,
    diagnostics: Vec<Diagnostic>,
    mode: FixMode,
    mut lint: impl FnMut(&str) -> Option<Vec<Diagnostic>>,
) -> Fixed {
    let mut notes = Vec::new();
    let mut current = source.to_string();
    let mut current_diagnostics = diagnostics.clone();
    // The tree of `current` when the caller or the previous pass has it.
    let mut next_tree = tree;
    let mut applied = 0;
    for pass in 1.. {
        if !mode.applies_any(&current_diagnostics) {
            break;
        }
        if pass > MAX_PASSES {
            notes.push(Note {
                line: None,
                message: format!(
                    "fixes still apply after {MAX_PASSES} passes; stopped (run `--fix` again)"
                ),
            });
            break;
        }
        // The tree of the text this pass starts from: the previous pass's, unless it changed
        // the text after parsing it.
        let current_tree = match next_tree.take() {
            Some(tree) => tree,
            None => match lang::parse(language, &current) {
                Some(tree) => tree,
                None => break,
            },
        };
        let broken = current_tree.root_node().has_error();
        let Some((text, text_tree, count)) = fix_pass(
            language,
            &current,
            &current_tree,
            &current_diagnostics,
            mode,
            &mut notes,
        ) else {
            break;
        };
        // Go does not compile with an unused import: the fixes take out what they leave unused.
        // gofmt aligns trailing comments: the runs next to a changed line are aligned again.
        let (text, tree) = match language {
            Language::Go => {
                let cleaned = lang::go::imports::remove_left_unused(
                    &current,
                    &current_tree,
                    text.clone(),
                    &text_tree,
                );
                let cleaned_tree = if cleaned == text {
                    Some(text_tree)
                } else {
                    lang::parse(language, &cleaned)
                };
                match cleaned_tree {
                    // In a file that does not parse, imports run together (`"context""o"`) may
                    // not come out cleanly: then no fix of this pass is applied.
                    Some(cleaned_tree)
                        if lang::error_spans(&cleaned_tree).len()
                            > lang::error_spans(&current_tree).len() =>
                    {
                        notes.push(Note {
                            line: None,
                            message: "the fixes leave an import unused that cannot be removed \
                                      without a syntax error; not applied"
                                .into(),
                        });
                        break;
                    }
                    Some(cleaned_tree) => {
                        let aligned = lang::go::align::realign_comments(
                            &current,
                            &current_tree,
                            cleaned.clone(),
                            &cleaned_tree,
                        );
                        let tree = (aligned == cleaned).then_some(cleaned_tree);
                        (aligned, tree)
                    }
                    // Out of time: the lint below says so.
                    None => (cleaned, None),
                }
            }
            Language::Rust => (text, Some(text_tree)),
        };
        let Some(relinted) = lint(&text) else {
            notes.push(Note {
                line: None,
                message: "the fixed text could not be parsed; no fix applied".into(),
            });
            return Fixed {
                source: source.to_string(),
                diagnostics,
                applied: 0,
                notes,
            };
        };
        // In a file with syntax errors the parser's recovery can read a line a fix inserts
        // otherwise than it would anywhere else (`defer cancel(nil)` as a type conversion after
        // a stray backquote), and the fix then does not do what it says: a pass that leaves
        // more findings than it started with is not applied.
        if broken && adds_findings(&current_diagnostics, &relinted) {
            notes.push(Note {
                line: None,
                message: "the fixes would add findings to this file, which has syntax errors; \
                          not applied"
                    .into(),
            });
            break;
        }
        current = text;
        next_tree = tree;
        current_diagnostics = relinted;
        applied += count;
    }
    // A fix set aside again in a later pass says the same thing twice.
    let mut seen = std::collections::HashSet::new();
    notes.retain(|n| seen.insert(n.clone()));
    Fixed {
        source: current,
        diagnostics: current_diagnostics,
        applied,
        notes,
    }
}

/// Whether some rule finds more in `after` than in `before` (stale suppressions aside: a fix
/// that removes what a suppression was for is news, not damage).
fn adds_findings(before: &[Diagnostic], after: &[Diagnostic]) -> bool {
    let counts = |diagnostics: &[Diagnostic]| {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for d in diagnostics.iter().filter(|d| d.rule != UNUSED_SUPPRESSION) {
            *counts.entry(d.rule).or_default() += 1;
        }
        counts
    };
    let had = counts(before);
    counts(after)
        .iter()
        .any(|(rule, n)| *n > had.get(rule).copied().unwrap_or(0))
}

/// One pass: the applicable, well-formed, non-overlapping fixes of `diagnostics`, applied to
/// `source` if that adds no syntax error; otherwise each fix is tried on its own (in order, on
/// top of the ones kept) and those that would add syntax errors are refused. `tree` is the
/// syntax tree of `source`. Returns the text, its tree and how many fixes were applied;
/// `None` when nothing was applied.
fn fix_pass(
    language: Language,
    source: &str,
    tree: &Tree,
    diagnostics: &[Diagnostic],
    mode: FixMode,
    notes: &mut Vec<Note>,
) -> Option<(String, Tree, usize)> {
    let index = LineIndex::new(source);
    let line = |byte: usize| index.line_of(byte) + 1;
    let mut candidates: Vec<(&Diagnostic, &Fix)> = diagnostics
        .iter()
        .filter_map(|d| Some((d, d.fix.as_ref().filter(|f| mode.applies(f))?)))
        .collect();
    candidates.sort_by_key(|(d, _)| (d.span.start, d.rule));

    let mut accepted: Vec<(&Diagnostic, &Fix)> = Vec::new();
    for (d, fix) in candidates {
        if !well_formed(fix, source) {
            notes.push(Note {
                line: Some(line(d.span.start)),
                message: format!("the fix of `{}` has invalid edits; skipped", d.rule),
            });
            continue;
        }
        let conflict = accepted.iter().find(|(_, other)| fixes_overlap(fix, other));
        if let Some((other, _)) = conflict {
            notes.push(Note {
                line: Some(line(d.span.start)),
                message: format!(
                    "the fix of `{}` overlaps the fix of `{}` at line {}; dropped from this \
                     pass, the file is re-linted and the next pass applies it if it still can",
                    d.rule,
                    other.rule,
                    line(other.span.start)
                ),
            });
            continue;
        }
        accepted.push((d, fix));
    }
    if accepted.is_empty() {
        return None;
    }

    let baseline = lang::error_spans(tree).len();
    // The text and its tree, if it has no more syntax errors than `source` and, in a file
    // with syntax errors, the code away from the edits still parses as it did: there a small
    // edit can change how the parser recovers far from it (a stray backquote that was skipped
    // opens a raw string that swallows the next lines), and the fix would then rewrite what
    // the file means rather than the line it names.
    let no_worse = |fixes: &[&Fix]| {
        let text = apply(source, fixes.iter().copied());
        let after = lang::parse(language, &text).ok_or("could not be parsed")?;
        if lang::error_spans(&after).len() > baseline {
            return Err("would have more syntax errors");
        }
        if baseline > 0 && !same_parse_outside(tree, &after, fixes) {
            return Err("would change how the broken code around it parses");
        }
        Ok((text, after))
    };
    let all: Vec<&Fix> = accepted.iter().map(|(_, f)| *f).collect();
    if let Ok((text, tree)) = no_worse(&all) {
        return Some((text, tree, accepted.len()));
    }
    let mut kept: Vec<&Fix> = Vec::new();
    let mut result = None;
    for (d, fix) in &accepted {
        let trial: Vec<&Fix> = kept.iter().copied().chain([*fix]).collect();
        match no_worse(&trial) {
            Ok(trial) => {
                kept.push(fix);
                result = Some(trial);
            }
            Err(why) => notes.push(Note {
                line: Some(line(d.span.start)),
                message: format!("the fix of `{}` was not applied: the result {why}", d.rule),
            }),
        }
    }
    let (text, tree) = result?;
    Some((text, tree, kept.len()))
}

/// Whether every node of `before` that neither contains nor touches an edit of `fixes` is
/// found in `after` with the same kind at the same place (moved by the edits before it), and
/// `after` has no other such node: the edits changed how their own surroundings parse, not how
/// the rest of the file does.
fn same_parse_outside(before: &Tree, after: &Tree, fixes: &[&Fix]) -> bool {
    let regions = edit_regions(fixes.iter().flat_map(|f| &f.edits));
    let touches = |node: &Span, edit: Span| node.start <= edit.end && edit.start <= node.end;
    let untouched = |tree: &Tree, in_after: bool| {
        let mut nodes = Vec::new();
        // Every node, whatever the time (`lang::walk_tree` stops when `--file-timeout`
        // expires, and two cut walks could compare equal), as `lang::error_spans` does.
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            let span = Span::of(node);
            let mut shift: isize = 0;
            let mut clear = true;
            for (before, after) in &regions {
                let edit = if in_after { *after } else { *before };
                if touches(&span, edit) {
                    clear = false;
                    break;
                }
                if edit.end < span.start && !in_after {
                    shift += growth(*before, *after);
                }
            }
            if clear {
                let start = span.start.saturating_add_signed(shift);
                let end = span.end.saturating_add_signed(shift);
                nodes.push((start, end, node.kind_id(), node.is_missing()));
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    nodes.sort_unstable();
                    return nodes;
                }
            }
        }
    };
    untouched(before, false) == untouched(after, true)
}

/// Where each of `edits` (well formed, not overlapping) lies in the text before them and in
/// the text after them, in the order of the text.
fn edit_regions<'e>(edits: impl IntoIterator<Item = &'e Edit>) -> Vec<(Span, Span)> {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut shift: isize = 0;
    edits
        .into_iter()
        .map(|e| {
            let start = e.span.start.saturating_add_signed(shift);
            let after = Span::new(start, start + e.new_text.len());
            shift += growth(e.span, after);
            (e.span, after)
        })
        .collect()
}

/// How many bytes an edit of `before` into `after` adds (negative: removes).
fn growth(before: Span, after: Span) -> isize {
    (after.end - after.start) as isize - (before.end - before.start) as isize
}

/// Edits inside the source, on character boundaries, not overlapping each other.
fn well_formed(fix: &Fix, source: &str) -> bool {
    let in_bounds = |e: &Edit| {
        e.span.start <= e.span.end
            && e.span.end <= source.len()
            && source.is_char_boundary(e.span.start)
            && source.is_char_boundary(e.span.end)
    };
    fix.edits.iter().all(in_bounds)
        && fix
            .edits
            .iter()
            .enumerate()
            .all(|(i, a)| fix.edits[i + 1..].iter().all(|b| !a.span.overlaps(b.span)))
}

fn fixes_overlap(a: &Fix, b: &Fix) -> bool {
    a.edits
        .iter()
        .any(|x| b.edits.iter().any(|y| x.span.overlaps(y.span)))
}

/// Applies the edits of `fixes` (well formed and not overlapping) to `source`.
fn apply<'f>(source: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> String {
    let mut edits: Vec<&Edit> = fixes.into_iter().flat_map(|f| &f.edits).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len() + 64);
    let mut at = 0;
    for edit in edits {
        let Span { start, end } = edit.span;
        // Guarded by `well_formed` and the overlap check; never slice out of order.
        if start < at || end > source.len() {
            continue;
        }
        out.push_str(source.get(at..start).unwrap_or(""));
        out.push_str(&edit.new_text);
        at = end;
    }
    out.push_str(source.get(at..).unwrap_or(""));
    out
}

/// The edits of one fix as an editor applies it (the language server's code actions): its own
/// edits plus, for Go, the deletion of every import that applying it leaves unused, as
/// `--fix` does, all in `source`'s offsets. Only the fix's own edits when they are malformed
/// or a deletion would touch one of them.
pub fn edits_with_import_cleanup(language: Language, source: &str, fix: &Fix) -> Vec<Edit> {
    let edits = fix.edits.clone();
    if language != Language::Go || !well_formed(fix, source) {
        return edits;
    }
    let after = apply(source, [fix]);
    let unused = lang::go::imports::left_unused(source, &after);
    if unused.is_empty() {
        return edits;
    }
    let regions = edit_regions(&fix.edits);
    // An offset of the fixed text outside every edit, as an offset of `source`.
    let to_source = |span: Span| -> Option<Span> {
        let mut shift: isize = 0;
        for (before, after) in &regions {
            if span.end <= after.start {
                break;
            }
            if span.start < after.end {
                return None;
            }
            shift += growth(*before, *after);
        }
        Some(Span::new(
            span.start.checked_add_signed(-shift)?,
            span.end.checked_add_signed(-shift)?,
        ))
    };
    let mut all = edits.clone();
    for span in unused {
        match to_source(span) {
            Some(span) => all.push(Edit {
                span,
                new_text: String::new(),
            }),
            None => return edits,
        }
    }
    all
}

/// Replaces `path` with `text` through a temporary file in the same directory and a rename,
/// keeping the mode, owner and group. Refuses if the file no longer holds `expected`, is
/// read-only, or its real path (symbolic links resolved) is not under one of `roots`: a link
/// followed with `-L` must not lead a fix outside the scanned tree. A link inside the roots
/// stays a link and its target is rewritten. Where the owner cannot be kept (not running as
/// root), the file is rewritten in place instead, which keeps it.
pub fn write_atomically(
    path: &Path,
    roots: &[PathBuf],
    expected: &str,
    text: &str,
) -> io::Result<()> {
    let real = fs::canonicalize(path)?;
    if !roots.iter().any(|root| real.starts_with(root)) {
        return Err(io::Error::other(format!(
            "its real path {} is outside the paths named on the command line; left as it is",
            crate::walk::display_path(&real)
        )));
    }
    if fs::read(&real)? != expected.as_bytes() {
        return Err(io::Error::other(
            "the file changed while it was being fixed; left as it is",
        ));
    }
    let metadata = fs::metadata(&real)?;
    let permissions = metadata.permissions();
    if permissions.readonly() {
        return Err(io::Error::other("the file is read-only; left as it is"));
    }
    let dir = real
        .parent()
        .ok_or_else(|| io::Error::other("the file has no parent directory"))?;
    // tempfile's error names the temporary file, which the user never asked about: say
    // which directory refused it and why.
    let mut temp = tempfile::Builder::new()
        .prefix(".ctxlint-fix-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            let cause = match e.raw_os_error() {
                Some(code) => io::Error::from_raw_os_error(code),
                None => io::Error::from(e.kind()),
            };
            io::Error::new(
                e.kind(),
                format!(
                    "cannot create a temporary file in its directory {} ({cause}); left as it is",
                    crate::walk::display_path(dir)
                ),
            )
        })?;
    temp.write_all(text.as_bytes())?;
    if !same_owner(temp.as_file(), &metadata) {
        drop(temp);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&real)?;
        file.write_all(text.as_bytes())?;
        return file.sync_all();
    }
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

/// Gives `temp` the owner and group of the file it replaces; false if that is not allowed.
#[cfg(unix)]
fn same_owner(temp: &fs::File, original: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(current) = temp.metadata() else {
        return false;
    };
    (current.uid() == original.uid() && current.gid() == original.gid())
        || std::os::unix::fs::fchown(temp, Some(original.uid()), Some(original.gid())).is_ok()
}

#[cfg(not(unix))]
fn same_owner(_: &fs::File, _: &fs::Metadata) -> bool {
    true
}

/// The real paths of the paths named on the command line, under which `--fix` may write.
pub fn write_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect()
}

/// A unified diff (`--- a/path`, `+++ b/path`, 3 lines of context) of what fixing changed;
/// empty when nothing did.
pub fn unified_diff(file: &FileFix) -> String {
    if file.original == file.fixed {
        return String::new();
    }
    let path = file.path.strip_prefix("./").unwrap_or(&file.path);
    similar::TextDiff::from_lines(&file.original, &file.fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Prints the notes of fixing on `err` and, for `--diff`, the diffs on `out`. Returns whether
/// any file changed (or would).
pub fn report(
    fixes: &[FileFix],
    mode: FixMode,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    for file in fixes {
        for note in &file.notes {
            match note.line {
                Some(line) => writeln!(err, "note: {}:{line}: {}", file.path, note.message)?,
                None => writeln!(err, "note: {}: {}", file.path, note.message)?,
            }
        }
    }
    let mut changed = false;
    for file in fixes.iter().filter(|f| f.original != f.fixed) {
        changed = true;
        if !mode.write {
            out.write_all(unified_diff(file).as_bytes())?;
        }
    }
    Ok(changed)
}

/// `applied 3 fixes in 2 files` (`--fix`) or `would apply ...` (`--diff`).
pub fn summary(fixes: &[FileFix], mode: FixMode) -> String {
    let changed = fixes.iter().filter(|f| f.original != f.fixed);
    let count: usize = changed.clone().map(|f| f.applied).sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "es" });
    format!(
        "{} {} in {} file{}",
        if mode.write { "applied" } else { "would apply" },
        plural(count, "fix"),
        changed.clone().count(),
        if changed.count() == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    const SAFE: FixMode = FixMode {
        unsafe_fixes: false,
        write: false,
    };
    const ALL: FixMode = FixMode {
        unsafe_fixes: true,
        write: false,
    };

    fn edit(start: usize, end: usize, new_text: &str) -> Edit {
        Edit {
            span: Span::new(start, end),
            new_text: new_text.into(),
        }
    }

    fn finding(
        rule: &'static str,
        at: usize,
        applicability: Applicability,
        edits: Vec<Edit>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Error,
            message: "m".into(),
            span: Span::new(at, at + 1),
            labels: Vec::new(),
            help: "h".into(),
            fix: Some(Fix {
                applicability,
                message: "f".into(),
                edits,
            }),
        }
    }

    fn run(source: &str, diagnostics: Vec<Diagnostic>, mode: FixMode) -> Fixed {
        fix_source(
            Language::Go,
            source,
            diagnostics,
            mode,
            |_| Some(Vec::new()),
        )
    }

    /// The notes as `line: message`.
    fn said(fixed: &Fixed) -> Vec<String> {
        fixed
            .notes
            .iter()
            .map(|n| match n.line {
                Some(line) => format!("{line}: {}", n.message),
                None => n.message.clone(),
            })
            .collect()
    }

    const SRC: &str = "package p\n\nfunc f() {\n\tx := 1\n\t_ = x\n}\n";

    #[test]
    fn edits_of_a_fix_are_applied_together() {
        let x = SRC.find("x :=").unwrap();
        let use_x = SRC.find("= x").unwrap() + 2;
        let d = finding(
            "r",
            x,
            Applicability::Safe,
            vec![edit(x, x + 1, "y"), edit(use_x, use_x + 1, "y")],
        );
        let fixed = run(SRC, vec![d], SAFE);
        assert_eq!(
            fixed.source,
            "package p\n\nfunc f() {\n\ty := 1\n\t_ = y\n}\n"
        );
        assert_eq!(fixed.applied, 1);
        assert!(fixed.notes.is_empty(), "{:?}", fixed.notes);
    }

    #[test]
    fn unsafe_fixes_need_the_flag() {
        let x = SRC.find("x :=").unwrap();
        let d = finding("r", x, Applicability::Unsafe, vec![edit(x, x, "/* u */ ")]);
        assert_eq!(run(SRC, vec![d.clone()], SAFE).source, SRC);
        assert!(!SAFE.applies_any(std::slice::from_ref(&d)));
        assert_eq!(run(SRC, vec![d], ALL).applied, 1);
    }

    #[test]
    fn a_fix_that_overlaps_an_earlier_one_is_dropped_whole_with_a_note() {
        let x = SRC.find("x :=").unwrap();
        let one = SRC.find("1").unwrap();
        let first = finding("first", x, Applicability::Safe, vec![edit(x, x + 1, "a")]);
        // Its second edit is fine but the first one overlaps: nothing of it is applied.
        let second = finding(
            "second",
            one,
            Applicability::Safe,
            vec![edit(one, one + 1, "2"), edit(x, x + 1, "b")],
        );
        let fixed = run(SRC, vec![second, first], SAFE);
        assert_eq!(fixed.source, SRC.replacen("x :=", "a :=", 1));
        assert_eq!(fixed.applied, 1);
        assert_eq!(fixed.notes.len(), 1);
        assert!(
            said(&fixed)[0]
                .starts_with("4: the fix of `second` overlaps the fix of `first` at line 4;"),
            "{:?}",
            said(&fixed)
        );
    }

    #[test]
    fn two_insertions_at_one_point_conflict() {
        let at = SRC.find("\t_ = x").unwrap();
        let a = finding("a", at, Applicability::Safe, vec![edit(at, at, "\tA()\n")]);
        let b = finding("b", at, Applicability::Safe, vec![edit(at, at, "\tB()\n")]);
        let fixed = run(SRC, vec![a, b], SAFE);
        assert_eq!(fixed.applied, 1);
        assert!(fixed.source.contains("\tA()\n\t_ = x") && !fixed.source.contains("B()"));
    }

    #[test]
    fn an_editor_fix_also_removes_the_imports_it_leaves_unused() {
        let source = "package p\n\nimport (\n\t\"context\"\n\t\"log/slog\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tslog.InfoContext(context.TODO(), \"x\")\n}\n";
        let at = source.find("context.TODO()").unwrap();
        let fix = Fix {
            applicability: Applicability::Unsafe,
            message: "use r.Context()".into(),
            edits: vec![Edit {
                span: Span::new(at, at + "context.TODO()".len()),
                new_text: "r.Context()".into(),
            }],
        };
        let edits = edits_with_import_cleanup(Language::Go, source, &fix);
        let fixed = apply(
            source,
            [&Fix {
                edits,
                ..fix.clone()
            }],
        );
        assert_eq!(
            fixed,
            "package p\n\nimport (\n\t\"log/slog\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tslog.InfoContext(r.Context(), \"x\")\n}\n"
        );
        // Rust, or a fix that leaves every import used: its own edits only.
        assert_eq!(
            edits_with_import_cleanup(Language::Rust, source, &fix),
            fix.edits
        );
        let keeps = Fix {
            edits: vec![Edit {
                span: Span::new(at, at),
                new_text: "/* */".into(),
            }],
            ..fix
        };
        assert_eq!(
            edits_with_import_cleanup(Language::Go, source, &keeps),
            keeps.edits
        );
    }

    #[test]
    fn in_broken_code_a_fix_must_leave_the_rest_parsed_as_it_was() {
        // A stray backquote on line 3 is skipped by the parser; a fix that only touches line 4
        // goes through.
        let src = "package p\n\nfunc f(p`) {\n\tx := 1\n}\n\nfunc g() {}\n";
        let x = src.find("x :=").unwrap();
        let rename = finding("good", x, Applicability::Safe, vec![edit(x, x + 1, "y")]);
        let fixed = run(src, vec![rename], SAFE);
        assert_eq!(fixed.applied, 1, "{:?}", said(&fixed));
        assert!(fixed.source.contains("y := 1"));
        // The fuzzer's case: `defer n()` after line 2 of a file whose backquote on line 2 was
        // skipped makes it open a raw string down to the next backquote, five lines on.
        let src = include_str!("../testdata/fuzz/fix_go/backquote-that-opens-a-raw-string.bin");
        let eol = src.find(".S)\n").unwrap() + 3;
        let opening = finding(
            "opens",
            eol,
            Applicability::Safe,
            vec![edit(eol, eol, "\ndefer n()")],
        );
        let fixed = run(src, vec![opening], SAFE);
        assert_eq!(fixed.source, src);
        assert_eq!(
            said(&fixed),
            [
                "2: the fix of `opens` was not applied: the result would change how the broken \
              code around it parses"
            ]
        );
    }

    #[test]
    fn in_broken_code_a_pass_that_adds_findings_is_refused() {
        // The fuzzer's case: after a stray backquote, discarded-cancel's `defer cancel(nil)`
        // parses as a type conversion, so missing-defer-cancel finds `cancel` never called
        // (and its own fix added one more such line in each pass).
        let src = include_str!("../testdata/fuzz/fix_go/defer-read-as-a-type-conversion.bin");
        let settings = crate::LintSettings::only(crate::rules::RULES);
        let lint = |text: &str| crate::lint_file(Language::Go, text, None, &settings);
        let first = lint(src).unwrap();
        assert!(first.iter().any(|d| d.rule == "discarded-cancel"));
        let fixed = fix_source(Language::Go, src, first, SAFE, lint);
        assert_eq!(fixed.source, src);
        assert_eq!(
            said(&fixed),
            ["the fixes would add findings to this file, which has syntax errors; not applied"]
        );
        // The same fix in a file that parses goes through (findings are not compared there:
        // the fuzzers' oracle holds fixes to that).
        let clean = "package p\n\nimport \"context\"\n\nfunc A(p context.Context) {\n\te, _ := \
                     context.WithCancelCause(p)\n\t_ = e\n}\n";
        let fixed = fix_source(Language::Go, clean, lint(clean).unwrap(), SAFE, lint);
        assert!(
            fixed.source.contains("defer cancel(nil)"),
            "{}",
            fixed.source
        );
    }

    #[test]
    fn a_fix_that_adds_syntax_errors_is_refused() {
        let brace = SRC.rfind('}').unwrap();
        let x = SRC.find("x :=").unwrap();
        let breaking = finding(
            "breaks",
            brace,
            Applicability::Safe,
            vec![edit(brace, brace + 1, "")],
        );
        let fixed = run(SRC, vec![breaking.clone()], SAFE);
        assert_eq!(fixed.source, SRC);
        assert_eq!(fixed.applied, 0);
        assert_eq!(
            said(&fixed),
            ["6: the fix of `breaks` was not applied: the result would have more syntax errors"]
        );
        // A good fix in the same pass still goes through.
        let good = finding("good", x, Applicability::Safe, vec![edit(x, x + 1, "y")]);
        let fixed = run(SRC, vec![breaking, good], SAFE);
        assert_eq!(fixed.applied, 1);
        assert!(fixed.source.contains("y := 1") && fixed.source.ends_with("}\n"));
    }

    #[test]
    fn fixes_in_already_broken_files_may_keep_the_errors() {
        let src = "package p\nfunc f() { x := }\nfunc g() { a := 1 }\n";
        let a = src.find("a :=").unwrap();
        let d = finding("r", a, Applicability::Safe, vec![edit(a, a + 1, "b")]);
        let fixed = run(src, vec![d], SAFE);
        assert_eq!(fixed.applied, 1);
        assert!(fixed.source.contains("b := 1"));
    }

    #[test]
    fn malformed_edits_are_skipped_without_panicking() {
        let src = "package p // é\n";
        let e = src.find('é').unwrap();
        for bad in [edit(5, 3, ""), edit(0, 10_000, ""), edit(e + 1, e + 1, "x")] {
            let fixed = run(
                src,
                vec![finding("r", 0, Applicability::Safe, vec![bad])],
                SAFE,
            );
            assert_eq!(fixed.source, src);
            assert_eq!(
                said(&fixed),
                ["1: the fix of `r` has invalid edits; skipped"]
            );
        }
        // Two edits of one fix that overlap each other make the fix malformed too.
        let twice = finding(
            "r",
            0,
            Applicability::Safe,
            vec![edit(0, 0, "a"), edit(0, 0, "b")],
        );
        assert_eq!(run(src, vec![twice], SAFE).source, src);
    }

    #[test]
    fn passes_repeat_until_nothing_applies() {
        // A "rule" that appends one `x` while the text has fewer than three at the end.
        let lint = |text: &str| {
            let n = text.len() - text.trim_end_matches('x').len();
            Some(if n < 3 {
                vec![finding(
                    "grow",
                    0,
                    Applicability::Safe,
                    vec![edit(text.len(), text.len(), "x")],
                )]
            } else {
                Vec::new()
            })
        };
        let src = "package p\n//";
        let first = lint(src).unwrap();
        let fixed = fix_source(Language::Go, src, first, SAFE, lint);
        assert_eq!(fixed.source, "package p\n//xxx");
        assert_eq!(fixed.applied, 3);
        assert!(fixed.diagnostics.is_empty());
    }

    #[test]
    fn passes_stop_at_the_bound() {
        let lint = |text: &str| {
            Some(vec![finding(
                "grow",
                0,
                Applicability::Safe,
                vec![edit(text.len(), text.len(), "x")],
            )])
        };
        let src = "package p\n//";
        let first = lint(src).unwrap();
        let fixed = fix_source(Language::Go, src, first, SAFE, lint);
        assert_eq!(fixed.applied, MAX_PASSES);
        assert_eq!(fixed.notes.len(), 1, "{:?}", fixed.notes);
        assert!(said(&fixed)[0].contains("after 10 passes"));
    }

    #[test]
    fn diffs_are_unified_with_a_and_b_prefixes() {
        let file = FileFix {
            path: "./dir/x.go".into(),
            original: "a\nb\nc\n".into(),
            fixed: "a\nB\nc\n".into(),
            applied: 1,
            notes: Vec::new(),
        };
        assert_eq!(
            unified_diff(&file),
            "--- a/dir/x.go\n+++ b/dir/x.go\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        let same = FileFix {
            fixed: file.original.clone(),
            ..file
        };
        assert_eq!(unified_diff(&same), "");
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_permissions_and_refuse_stale_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.go");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let roots = write_roots(&[dir.path().to_path_buf()]);
        write_atomically(&path, &roots, "old", "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(write_atomically(&path, &roots, "old", "newer").is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        // Nothing but the file is left in the directory.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
