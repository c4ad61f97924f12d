//! Re-linting a document after an edit (`ctxlint::incremental::Relint`, the language server's
//! path) must find exactly what a whole lint of the new text finds. Applies many random
//! one-line edits to every Go fixture and the benchmark's handler file, in sequence, each
//! with the previous tree edited and reparsed as the server does, and compares.

use std::path::{Path, PathBuf};

use ctxlint::diagnostic::Diagnostic;
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

/// Lints each file, then applies `edits` random edits to it one after the other (undoing those
/// that break the syntax), re-linting after each and comparing with a whole lint. Returns how many lints were compared and how
/// many of them re-linted only part of the file.
fn compare(files: &[PathBuf], settings: &LintSettings, edits: usize, seed: u64) -> (usize, usize) {
    let mut random = Random(seed);
    let mut compared = 0;
    let mut partial = 0;
    for file in files {
        let Ok(mut text) = std::fs::read_to_string(file) else {
            continue;
        };
        let path = Some(file.as_path());
        let Some(mut tree) = lang::parse(Language::Go, &text) else {
            continue;
        };
        let mut relint = Relint::new();
        // An edit that breaks the syntax is undone by the next one, as when typing: otherwise
        // the first broken bracket would make every later lint a whole one.
        let mut undo: Option<(std::ops::Range<usize>, String)> = None;
        for step in 0..=edits {
            if step > 0 {
                let undoing = undo.is_some();
                let (range, with) = match undo.take() {
                    Some(undo) => undo,
                    None => random_edit(&text, &mut random),
                };
                let replaced = text[range.clone()].to_string();
                let inserted = range.start..range.start + with.len();
                apply(&mut text, &mut tree, range, &with);
                tree = lang::reparse(Language::Go, &text, Some(&tree)).expect("reparses");
                if !undoing && tree.root_node().has_error() {
                    undo = Some((inserted, replaced));
                }
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
            partial += usize::from(relint.redone().is_some());
        }
    }
    (compared, partial)
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
    let (some, partial) = compare(&files, &defaults, 25, 0x9e37_79b9_7f4a_7c15);
    let (more, more_partial) = compare(&files, &every_rule, 10, 0x2545_f491_4f6c_dd1d);
    let (compared, partial) = (some + more, partial + more_partial);
    assert!(compared > 1000, "only {compared} comparisons");
    // Many random edits break the syntax or change what is not a function: whole lints.
    assert!(partial > compared / 10, "{partial} of {compared} partial");
}

/// The benchmark's large file (handler.go's declarations repeated, `distinct`: with each copy's
/// names suffixed by its number, so that calls mean one declaration).
fn large_file(distinct: bool) -> String {
    let source = include_str!("../benches/data/handler.go");
    let body_start = source.find("\n)\n").expect("an import block") + 3;
    let (head, body) = source.split_at(body_start);
    let names: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("func "))
        .map(|rest| {
            rest.strip_prefix('(')
                .map_or(rest, |r| &r[r.find(") ").unwrap() + 2..])
        })
        .map(|rest| &rest[..rest.find(['(', '[']).unwrap()])
        .chain([
            "Order",
            "Item",
            "Store",
            "Notifier",
            "Handler",
            "errNotFound",
        ])
        .collect();
    let mut text = head.to_string();
    for copy in 0..5 {
        if !distinct {
            text.push_str(body);
            continue;
        }
        // Whole words only: `get` in `Get` or `getter` stays.
        let mut renamed = String::new();
        let mut word = String::new();
        for c in body.chars().chain(std::iter::once('\n')) {
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
                continue;
            }
            renamed.push_str(&word);
            if names.contains(&word.as_str()) {
                renamed.push_str(&copy.to_string());
            }
            word.clear();
            renamed.push(c);
        }
        renamed.pop();
        text.push_str(&renamed);
    }
    text
}

/// Edits of one line of the benchmark's large file keep finding the same as a whole lint, and
/// most re-lint only part of it.
#[test]
fn relint_of_a_large_file_after_one_line_edits() {
    for distinct in [false, true] {
        let text = large_file(distinct);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.go");
        std::fs::write(&path, &text).unwrap();
        assert!(
            lang::parse(Language::Go, &text).is_some_and(|t| !t.root_node().has_error()),
            "{text}"
        );
        let (compared, partial) = compare(&[path], &LintSettings::default(), 40, 7);
        assert!(partial > compared / 4, "{partial} of {compared} partial");
    }
}

/// A document being edited, re-linted after each edit and checked against a whole lint.
struct Editing {
    text: String,
    tree: Tree,
    relint: Relint,
    settings: LintSettings,
}

impl Editing {
    /// Starts with `text`; returns the first lint's findings, checked against a whole lint.
    fn start(text: &str) -> (Self, Vec<Diagnostic>) {
        let tree = lang::parse(Language::Go, text).expect("parses");
        let mut editing = Editing {
            text: text.to_string(),
            tree,
            relint: Relint::new(),
            settings: LintSettings::default(),
        };
        let found = editing.lint();
        (editing, found)
    }

    /// Replaces the first `from` with `to`, reparses as the server does and re-lints.
    fn edit(&mut self, from: &str, to: &str) -> Vec<Diagnostic> {
        let at = self.text.find(from).expect("text to edit");
        apply(&mut self.text, &mut self.tree, at..at + from.len(), to);
        self.tree = lang::reparse(Language::Go, &self.text, Some(&self.tree)).expect("reparses");
        self.lint()
    }

    fn lint(&mut self) -> Vec<Diagnostic> {
        let (text, settings) = (&self.text, &self.settings);
        let found = self
            .relint
            .lint(Language::Go, text, &self.tree, None, settings);
        let tree = lang::parse(Language::Go, text).expect("parses");
        let whole = ctxlint::lint_tree(Language::Go, text, &tree, None, settings);
        assert_eq!(found, whole, "{text}");
        found
    }
}

/// An edit of a function that another reads (run with `go`, its send decides whether the
/// caller abandons it) re-lints the caller too, and only an edit that can change what the
/// caller reads does.
#[test]
fn an_edit_of_a_callee_re_lints_its_callers() {
    let text = "package p\n\nimport \"context\"\n\ntype result struct{}\n\n\
        func compute(ctx context.Context) (result, error) { return result{}, nil }\n\n\
        func produce(ctx context.Context, out chan<- result) {\n\tr, _ := compute(ctx)\n\tout <- r\n}\n\n\
        func worker(ctx context.Context) (result, error) {\n\tout := make(chan result)\n\tgo produce(ctx, out)\n\
        \tselect {\n\tcase r := <-out:\n\t\treturn r, nil\n\tcase <-ctx.Done():\n\t\treturn result{}, ctx.Err()\n\t}\n}\n";
    let (mut editing, before) = Editing::start(text);
    assert_eq!(
        before.iter().map(|d| d.rule).collect::<Vec<_>>(),
        ["abandoned-sender"]
    );
    // The send goes, then comes back: the caller's finding with it.
    for (from, to, findings) in [
        ("\tout <- r\n", "\t_ = r\n", 0),
        ("\t_ = r\n", "\tout <- r\n", 1),
    ] {
        let found = editing.edit(from, to);
        assert_eq!(found.len(), findings, "{}", editing.text);
        // `produce`, and `worker`, which reads it.
        assert_eq!(editing.relint.redone(), Some(2), "{}", editing.text);
    }
}

/// A loop bound named like a constant of another function: editing that constant changes
/// nothing for the loop (only the constant in scope bounds it), so a re-lint of the edited
/// function alone finds what a whole lint finds.
#[test]
fn an_edit_of_a_constant_out_of_scope_changes_no_loop() {
    let text = "package p\n\nimport (\n\t\"context\"\n\t\"testing\"\n)\n\n\
        func TestSetup(t *testing.T) {\n\tconst rounds = 1000\n\t_ = rounds\n}\n\n\
        func TestRounds(t *testing.T, load func() int) {\n\trounds := load()\n\
        \tfor i := 0; i < rounds; i++ {\n\t\tctx, cancel := context.WithCancel(t.Context())\n\
        \t\tdefer cancel()\n\t\t_ = ctx\n\t}\n}\n";
    let (mut editing, _) = Editing::start(text);
    for (from, to) in [
        ("rounds = 1000", "rounds = 3"),
        ("rounds = 3", "rounds = 1000"),
    ] {
        let found = editing.edit(from, to);
        assert_eq!(
            found.iter().map(|d| d.rule).collect::<Vec<_>>(),
            ["defer-cancel-in-loop"],
            "{}",
            editing.text
        );
    }
}
