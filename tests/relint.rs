//! Re-linting a document after an edit (`ctxlint::incremental::Relint`, the language server's
//! path) must find exactly what a whole lint of the new text finds. Applies many random
//! one-line edits to every Go fixture and the benchmark's handler file, in sequence, each
//! with the previous tree edited and reparsed as the server does, and compares.

use std::path::{Path, PathBuf};

use ctxlint::incremental::Relint;
use ctxlint::lang::{self, Language};
use ctxlint::{rules, LintSettings};
use tree_sitter::{InputEdit, Point, Tree};

/// A small deterministic generator (xorshift): the same edits on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn point(text: &str, at: usize) -> Point {
    let row = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    Point::new(row, column)
}

/// Replaces `range` of `text` by `with`, editing `tree` to match.
fn apply(text: &mut String, tree: &mut Tree, range: std::ops::Range<usize>, with: &str) {
    let edit = InputEdit {
        start_byte: range.start,
        old_end_byte: range.end,
        new_end_byte: range.start + with.len(),
        start_position: point(text, range.start),
        old_end_position: point(text, range.end),
        new_end_position: {
            let mut new = text[..range.start].to_string();
            new.push_str(with);
            point(&new, new.len())
        },
    };
    text.replace_range(range, with);
    tree.edit(&edit);
}

/// One random edit of one line: a character changed, the line deleted, duplicated, or a
/// statement inserted after it.
fn random_edit(text: &str, random: &mut Random) -> (std::ops::Range<usize>, String) {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|i| *i < text.len())
        .collect();
    let start = starts[random.below(starts.len())];
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let line = &text[start..end];
    match random.below(6) {
        0 => (start..end, String::new()),
        1 => (end..end, line.to_string()),
        2 => {
            let statements = [
                "\t_ = 1\n",
                "\tgo work(ctx)\n",
                "\tdefer cancel()\n",
                "\tc := make(chan int)\n",
                "\treturn\n",
                "\t}\n",
                "\t//nolint\n",
                "\tctx, cancel := context.WithCancel(context.Background())\n",
            ];
            (
                end..end,
                statements[random.below(statements.len())].to_string(),
            )
        }
        _ => {
            // A character of the line (ASCII only, so the text stays UTF-8).
            let ascii: Vec<usize> = line
                .char_indices()
                .filter(|(_, c)| c.is_ascii_alphanumeric())
                .map(|(i, _)| start + i)
                .collect();
            if ascii.is_empty() {
                return (end..end, "\n".to_string());
            }
            let at = ascii[random.below(ascii.len())];
            let replacement = ["1", "x", "", "_", "ctx", "(", "{"][random.below(7)];
            (at..at + 1, replacement.to_string())
        }
    }
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            go_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
}

fn compare(files: &[PathBuf], settings: &LintSettings, edits: usize, seed: u64) -> usize {
    let mut random = Random(seed);
    let mut compared = 0;
    for file in files {
        let Ok(mut text) = std::fs::read_to_string(file) else {
            continue;
        };
        let path = Some(file.as_path());
        let Some(mut tree) = lang::parse(Language::Go, &text) else {
            continue;
        };
        let mut relint = Relint::new();
        for step in 0..=edits {
            if step > 0 {
                let (range, with) = random_edit(&text, &mut random);
                apply(&mut text, &mut tree, range, &with);
                tree = lang::reparse(Language::Go, &text, Some(&tree)).expect("reparses");
            }
            let incremental = relint.lint(Language::Go, &text, &tree, path, settings);
            let fresh = lang::parse(Language::Go, &text).expect("parses");
            let whole = ctxlint::lint_tree(Language::Go, &text, &fresh, path, settings);
            assert_eq!(
                incremental,
                whole,
                "{} after {step} edits:\n{text}",
                file.display()
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn relint_after_random_edits_finds_what_a_whole_lint_finds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("benches/data/handler.go")];
    go_files(&root.join("testdata/go"), &mut files);
    files.sort();
    let defaults = LintSettings::default();
    let every_rule = LintSettings {
        rules: rules::RULES
            .iter()
            .copied()
            .filter(|r| r.name != rules::UNUSED_SUPPRESSION)
            .collect(),
        ..LintSettings::default()
    };
    let compared = compare(&files, &defaults, 25, 0x9e37_79b9_7f4a_7c15)
        + compare(&files, &every_rule, 10, 0x2545_f491_4f6c_dd1d);
    assert!(compared > 1000, "only {compared} comparisons");
}

/// The benchmark's large file (handler.go's declarations repeated): edits of one line keep
/// finding the same as a whole lint.
#[test]
fn relint_of_a_large_file_after_one_line_edits() {
    let source = include_str!("../benches/data/handler.go");
    let body_start = source.find("\n)\n").expect("an import block") + 3;
    let (head, body) = source.split_at(body_start);
    let mut text = head.to_string();
    for _ in 0..5 {
        text.push_str(body);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.go");
    std::fs::write(&path, &text).unwrap();
    compare(&[path], &LintSettings::default(), 40, 7);
}
