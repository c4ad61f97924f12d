//! Trailing comments a fix leaves out of line. gofmt aligns the trailing comments of
//! consecutive lines in one column (go/printer writes a tab before each and text/tabwriter pads
//! the cells before them with spaces to the widest one plus one). A fix that shortens or
//! lengthens a line (`t.Context()` for `context.Background()`), or inserts a line between two
//! of them, leaves the file not gofmt-clean. [`realign_comments`] re-aligns the runs of
//! trailing comments next to the lines a fix changed, and nothing else.
//!
//! gofmt's runs are not visible in its output, so they are inferred from the text before the
//! fix: two adjacent lines are in one run when both end in a comment, have the same
//! indentation, start in the same list (statements of one block, elements of one literal,
//! fields of one struct...) and their comments start in the same column. A run is re-aligned
//! only when that inference reproduces the text before the fix exactly (every comment of the
//! run one space after the widest code): a file, or a part of one, that gofmt did not format,
//! or laid out by a rule not modelled here, is left as it is.

use std::collections::HashSet;

use similar::DiffOp;
use tree_sitter::{Node, Tree};

use crate::lang;

/// `after` (`before` with a fix's edits applied) with the trailing comments of the runs that
/// contain or touch a changed line aligned again as gofmt aligns them. Only the spaces
/// between code and comment change, on those lines only. The trees are the syntax trees of
/// the two texts.
pub fn realign_comments(
    before: &str,
    before_tree: &Tree,
    after: String,
    after_tree: &Tree,
) -> String {
    if before == after {
        return after;
    }
    let (old, new) = (
        Cells::of(before, before_tree),
        Cells::of(&after, after_tree),
    );
    let map = LineMap::new(before, &after);
    let old_runs = old.runs(|j| {
        let (a, b) = (old.lines[j].as_ref()?, old.lines[j + 1].as_ref()?);
        Some(a.column == b.column)
    });
    // Whether the layout model reproduces the run of each line before the fix.
    let consistent: Vec<bool> = old_runs
        .iter()
        .map(|run| {
            let first = old.lines[run[0]].as_ref();
            old.aligned_at(run)
                .is_some_and(|c| first.is_some_and(|l| l.column == c))
        })
        .collect();
    let old_run_of = {
        let mut of = vec![usize::MAX; old.lines.len()];
        for (r, run) in old_runs.iter().enumerate() {
            for &j in run {
                of[j] = r;
            }
        }
        of
    };
    // The column the comment of a line of `after` had before the fix, where known.
    let column_before = |i: usize| -> Option<usize> {
        let cell = new.lines[i].as_ref()?;
        let j = map.origin[i].or(map.paired[i])?;
        let was = old.lines[j].as_ref()?;
        (was.comment_text(before) == cell.comment_text(&after)).then_some(was.column)
    };
    let new_runs = new.runs(|i| {
        match (map.origin[i], map.origin[i + 1]) {
            // Untouched neighbours stay as they were.
            (Some(a), Some(b)) if b == a + 1 => {
                Some(old_run_of[a] != usize::MAX && old_run_of[a] == old_run_of[b])
            }
            _ => Some(column_before(i)? == column_before(i + 1)?),
        }
    });

    let mut out_lines: Vec<String> = Vec::new();
    let mut replaced = false;
    let lines: Vec<&str> = after.split_inclusive('\n').collect();
    let mut realigned: Vec<Option<usize>> = vec![None; lines.len()];
    for run in &new_runs {
        let (first, last) = (run[0], run[run.len() - 1]);
        let near_change = (first.saturating_sub(1)..=last + 1).any(|i| map.changed(i))
            || (first..=last + 1).any(|i| map.deleted_before.contains(&i));
        if !near_change {
            continue;
        }
        let known = run
            .iter()
            .filter_map(|&i| map.origin[i].or(map.paired[i]))
            .filter(|&j| old_run_of[j] != usize::MAX);
        if known.clone().any(|j| !consistent[old_run_of[j]]) {
            continue;
        }
        let Some(column) = new.aligned_at(run) else {
            continue;
        };
        for &i in run {
            realigned[i] = Some(column);
        }
    }
    for (i, line) in lines.iter().enumerate() {
        match (realigned[i], new.lines.get(i).and_then(Option::as_ref)) {
            (Some(column), Some(cell)) if cell.column != column => {
                let mut fixed = String::with_capacity(line.len() + column);
                fixed.push_str(&line[..cell.code_end]);
                fixed.extend(std::iter::repeat_n(' ', column - cell.code));
                fixed.push_str(&line[cell.comment_start..]);
                out_lines.push(fixed);
                replaced = true;
            }
            _ => out_lines.push((*line).to_string()),
        }
    }
    if replaced {
        out_lines.concat()
    } else {
        after
    }
}

/// A line that ends in a comment gofmt aligns: `<tabs><code><spaces><comment>`. Widths are in
/// characters, as text/tabwriter counts them, from the end of the indentation.
#[derive(Debug, Clone)]
struct Cell {
    /// Leading tabs.
    indent: usize,
    /// Width of the code (without the spaces after it).
    code: usize,
    /// Width before the comment.
    column: usize,
    /// Byte offsets in the line: the end of the code, the start and end of the comment.
    code_end: usize,
    comment_start: usize,
    comment_end: usize,
    /// Byte offset of the line in the file.
    line_start: usize,
    /// The list the line starts in (the parent of the outermost node starting at its code).
    owner: usize,
}

impl Cell {
    fn comment_text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.line_start + self.comment_start..self.line_start + self.comment_end]
    }
}

/// The aligned-comment cell of each line of a text (`None` for lines without one).
struct Cells {
    lines: Vec<Option<Cell>>,
}

impl Cells {
    fn of(source: &str, tree: &Tree) -> Cells {
        let root = tree.root_node();
        let mut comments: Vec<Node<'_>> = Vec::new();
        // Rows that begin inside a token started on an earlier row (a raw string, a comment):
        // the printer does not lay them out.
        let mut opaque: HashSet<usize> = HashSet::new();
        lang::walk_tree(root, |n| {
            let (start, end) = (n.start_position().row, n.end_position().row);
            match n.kind() {
                "comment" | "raw_string_literal" | "interpreted_string_literal" => {
                    opaque.extend(start + 1..=end);
                    if n.kind() == "comment" && start == end {
                        comments.push(n);
                    }
                    false
                }
                _ => true,
            }
        });
        let starts: Vec<usize> = source
            .split_inclusive('\n')
            .scan(0, |at, line| {
                let start = *at;
                *at += line.len();
                Some(start)
            })
            .collect();
        let mut lines: Vec<Option<Cell>> = vec![None; starts.len()];
        for comment in comments {
            let row = comment.start_position().row;
            let (Some(&start), Some(slot)) = (starts.get(row), lines.get_mut(row)) else {
                continue;
            };
            if opaque.contains(&row) || slot.is_some() {
                continue;
            }
            let line = source[start..]
                .split_inclusive('\n')
                .next()
                .unwrap_or_default();
            let comment_start = comment.start_byte() - start;
            let comment_end = comment.end_byte() - start;
            let indent = line.len() - line.trim_start_matches('\t').len();
            let Some(before) = line.get(indent..comment_start) else {
                continue;
            };
            let code_text = before.trim_end_matches(' ');
            let trailing = line.get(comment_end..).unwrap_or_default();
            if code_text.is_empty()
                || code_text.contains('\t')
                || !trailing.trim().is_empty()
                || !before[code_text.len()..].chars().all(|c| c == ' ')
                || before.len() == code_text.len()
            {
                continue;
            }
            let code_start = start + indent;
            let Some(first) = root.descendant_for_byte_range(code_start, code_start) else {
                continue;
            };
            *slot = Some(Cell {
                indent,
                code: code_text.chars().count(),
                column: before.chars().count(),
                code_end: indent + code_text.len(),
                comment_start,
                comment_end,
                line_start: start,
                owner: owner(first),
            });
        }
        Cells { lines }
    }

    /// The maximal runs of adjacent lines with cells of the same indentation and list that
    /// `linked` (given the first line's index) joins; a single line is a run of one.
    fn runs(&self, linked: impl Fn(usize) -> Option<bool>) -> Vec<Vec<usize>> {
        let mut runs: Vec<Vec<usize>> = Vec::new();
        for (i, cell) in self.lines.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let joins = i > 0
                && self.lines[i - 1]
                    .as_ref()
                    .is_some_and(|prev| prev.indent == cell.indent && prev.owner == cell.owner)
                && linked(i - 1) == Some(true);
            match runs.last_mut() {
                Some(run) if joins => run.push(i),
                _ => runs.push(vec![i]),
            }
        }
        runs
    }

    /// The column gofmt puts the comments of `run` in: one space after the widest code.
    fn aligned_at(&self, run: &[usize]) -> Option<usize> {
        run.iter()
            .map(|&i| self.lines[i].as_ref().map(|c| c.code + 1))
            .try_fold(0, |max, w| Some(max.max(w?)))
    }
}

/// The node whose list a line starting at `first` (its first token) belongs to: the parent of
/// the outermost node starting there (a block's statements are all in its `statement_list`,
/// which starts where the first of them does).
fn owner(first: Node<'_>) -> usize {
    let mut node = first;
    while let Some(parent) = node.parent() {
        if parent.start_byte() != node.start_byte() || parent.kind() == "statement_list" {
            return parent.id();
        }
        node = parent;
    }
    node.id()
}

/// How the lines of the fixed text relate to those before the fix.
struct LineMap {
    /// The line before the fix that an unchanged line is.
    origin: Vec<Option<usize>>,
    /// For a changed line, the line it replaced (by position in a replaced block).
    paired: Vec<Option<usize>>,
    /// Lines of the fixed text right after lines the fix deleted.
    deleted_before: HashSet<usize>,
}

impl LineMap {
    fn new(before: &str, after: &str) -> LineMap {
        // Lines as the rest of this module counts them, ended by `\n` only: `TextDiff::from_lines`
        // also ends a line at a lone `\r`, and its indices then ran past these (a fuzzed file
        // with one lone `\r` panicked).
        let old: Vec<&str> = before.split_inclusive('\n').collect();
        let new: Vec<&str> = after.split_inclusive('\n').collect();
        let mut map = LineMap {
            origin: vec![None; new.len()],
            paired: vec![None; new.len()],
            deleted_before: HashSet::new(),
        };
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
            match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    for k in 0..len {
                        map.origin[new_index + k] = Some(old_index + k);
                    }
                }
                DiffOp::Delete { new_index, .. } => {
                    map.deleted_before.insert(new_index);
                }
                DiffOp::Insert { .. } => {}
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    for k in 0..new_len.min(old_len) {
                        map.paired[new_index + k] = Some(old_index + k);
                    }
                    if old_len > new_len {
                        map.deleted_before.insert(new_index + new_len);
                    }
                }
            }
        }
        map
    }

    /// Whether line `i` of the fixed text is new or changed (false past the end).
    fn changed(&self, i: usize) -> bool {
        i < self.origin.len() && self.origin[i].is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lang::Language;

    fn realign(before: &str, after: &str) -> String {
        let parse = |text| lang::parse(Language::Go, text).unwrap();
        realign_comments(before, &parse(before), after.to_string(), &parse(after))
    }

    #[test]
    fn a_lone_carriage_return_does_not_shift_the_line_map() {
        // Found by the fix_go fuzz target: a lone `\r` made the diff count one line more.
        let before = "package p\n\nfunc f() {\n\tg(context.Background()) // a\r x\n\th() // b\n}\n";
        let after = before.replace("context.Background()", "ctx");
        let _ = realign(before, &after);
        let map = LineMap::new(before, &after);
        assert_eq!(map.origin.len(), after.split_inclusive('\n').count());
    }

    #[test]
    fn a_shortened_line_pulls_its_run_in() {
        let before = "package p\n\nfunc f() {\n\tg(context.Background()) // a\n\th()                     // b\n}\n";
        let after = before.replace("context.Background()", "t.Context()");
        assert_eq!(
            realign(before, &after),
            "package p\n\nfunc f() {\n\tg(t.Context()) // a\n\th()            // b\n}\n"
        );
    }

    #[test]
    fn runs_gofmt_did_not_lay_out_are_left_as_they_are() {
        // Before the fix the comments were not one space after the widest code.
        let before = "package p\n\nfunc f() {\n\tg(context.Background())   // a\n\th()                       // b\n}\n";
        let after = before.replace("context.Background()", "t.Context()");
        assert_eq!(realign(before, &after), after);
        // A run far from the change is never touched, aligned or not.
        let before = "package p\n\nfunc f() {\n\tx := 1    // a\n\n\tg(context.Background())\n}\n";
        let after = before.replace("context.Background()", "t.Context()");
        assert_eq!(realign(before, &after), after);
    }

    #[test]
    fn lines_of_different_lists_or_indentation_are_separate_runs() {
        // The closing line of a literal and the statement after it happen to share a column:
        // gofmt aligns them separately, so lengthening the statement moves only its comment.
        let before = "package p\n\nfunc f() {\n\t_ = []int{\n\t\t1,\n\t} // a\n\tgo1() // b\n}\n";
        let after = before.replace("go1()", "goroutine()");
        assert_eq!(
            realign(before, &after),
            "package p\n\nfunc f() {\n\t_ = []int{\n\t\t1,\n\t} // a\n\tgoroutine() // b\n}\n"
        );
    }

    #[test]
    fn crlf_lines_and_wide_characters_are_measured_as_gofmt_does() {
        let before = "package p\r\n\r\nfunc f() {\r\n\tg(context.Background(), \"é\") // é\r\n\th()                          // b\r\n}\r\n";
        let after = before.replace("context.Background()", "t.Context()");
        assert_eq!(
            realign(before, &after),
            "package p\r\n\r\nfunc f() {\r\n\tg(t.Context(), \"é\") // é\r\n\th()                 // b\r\n}\r\n"
        );
    }
}
