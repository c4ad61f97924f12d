//! How long the language server takes to re-lint one open document: parse, run every default
//! rule, and turn the findings into UTF-16 LSP positions.
//!
//! - a typical ~300-line Go handler file (`benches/data/handler.go`), parsed from scratch;
//! - a 6 000-line file (that file's declarations repeated), parsed from scratch, and after a
//!   one-line edit: the server applies the edit to the previous tree (`Tree::edit`),
//!   tree-sitter reparses only what changed, and the rules run again only where the edit can
//!   change their findings (`ctxlint::incremental::Relint`).
//!
//! `cargo bench --bench relint` prints the median and p90 of each after a warm-up.
//! Without `--bench` (e.g. `cargo test --benches`) each runs once, as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ctxlint::diagnostic::{ColumnEncoding, LineIndex};
use ctxlint::incremental::Relint;
use ctxlint::lang::{self, Language};
use ctxlint::LintSettings;
use tree_sitter::{InputEdit, Point, Tree};

const SOURCE: &str = include_str!("data/handler.go");

/// Lints `source` parsed into `tree` (after the lint `previous`) and converts the findings'
/// positions, as the server does.
fn lint(source: &str, tree: &Tree, settings: &LintSettings, previous: &mut Relint) -> usize {
    let diagnostics = previous.lint(Language::Go, black_box(source), tree, None, settings);
    let index = LineIndex::new(source);
    for d in &diagnostics {
        for byte in [d.span.start, d.span.end] {
            black_box(index.position(source, byte, ColumnEncoding::Utf16));
        }
    }
    diagnostics.len()
}

fn relint(source: &str, settings: &LintSettings) -> usize {
    let tree = lang::parse(Language::Go, black_box(source)).expect("the bench file parses");
    lint(source, &tree, settings, &mut Relint::new())
}

/// About `lines` lines: the package clause and imports of `handler.go`, then its declarations
/// repeated (the same names again: tree-sitter and the rules do not mind).
fn large(lines: usize) -> String {
    let body_start = SOURCE.find("\n)\n").expect("an import block") + 3;
    let (head, body) = SOURCE.split_at(body_start);
    let mut text = head.to_string();
    while text.lines().count() < lines {
        text.push_str(body);
    }
    text
}

/// The one-line edit: a digit of the `limit := 50` line nearest the middle of `text` changed
/// (`50` ↔ `51`), as the editor sends it.
fn one_line_edit(text: &str) -> (String, InputEdit) {
    let middle = text.len() / 2;
    let at = text[middle..]
        .find("limit := 5")
        .map(|i| middle + i + "limit := 5".len())
        .expect("a `limit := 50` line after the middle");
    let new_digit = if &text[at..at + 1] == "0" { "1" } else { "0" };
    let mut edited = text.to_string();
    edited.replace_range(at..at + 1, new_digit);
    let row = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let edit = InputEdit {
        start_byte: at,
        old_end_byte: at + 1,
        new_end_byte: at + 1,
        start_position: Point::new(row, column),
        old_end_position: Point::new(row, column + 1),
        new_end_position: Point::new(row, column + 1),
    };
    (edited, edit)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (warm_up, runs) = if bench { (20, 200) } else { (0, 1) };
    let settings = LintSettings::default();

    for _ in 0..warm_up {
        relint(SOURCE, &settings);
    }
    let mut findings = 0;
    let relints = measure(runs, || findings = relint(SOURCE, &settings));
    assert!(findings > 0, "the bench file should have findings");
    let parses = measure(runs, || {
        black_box(lang::parse(Language::Go, black_box(SOURCE)));
    });
    println!(
        "benches/data/handler.go: {} lines, {} bytes, {findings} findings, {runs} runs",
        SOURCE.lines().count(),
        SOURCE.len()
    );
    report("relint", relints);
    report("  of which parse", parses);

    // A 6 000-line file: from scratch, then after a one-line edit with the previous tree.
    let text = large(6000);
    let (edited, edit) = one_line_edit(&text);
    let texts = [text, edited];
    let mut trees: Vec<Tree> = texts
        .iter()
        .map(|t| lang::parse(Language::Go, t).expect("the large file parses"))
        .collect();
    let (scratch_runs, scratch_warm_up) = ((runs / 10).max(1), warm_up / 10);
    for _ in 0..scratch_warm_up {
        relint(&texts[0], &settings);
    }
    let scratch = measure(scratch_runs, || findings = relint(&texts[0], &settings));
    println!(
        "6 000-line file: {} lines, {} bytes, {findings} findings",
        texts[0].lines().count(),
        texts[0].len()
    );
    report("relint from scratch", scratch);
    // Each run edits the current text into the other one (`50` → `51`, then back): the
    // previous tree gets the edit, the new text is reparsed with it, then linted.
    let mut current = 0;
    let mut previous = Relint::new();
    lint(&texts[0], &trees[0], &settings, &mut previous);
    let mut step = |lint_too: bool| {
        let next = 1 - current;
        let mut old = trees[current].clone();
        let mut edit = edit;
        if next == 0 {
            std::mem::swap(&mut edit.old_end_byte, &mut edit.new_end_byte);
        }
        old.edit(&edit);
        let tree = lang::reparse(Language::Go, &texts[next], Some(&old)).expect("reparses");
        if lint_too {
            findings = lint(&texts[next], &tree, &settings, &mut previous);
        }
        trees[next] = tree;
        current = next;
    };
    for _ in 0..warm_up {
        step(true);
    }
    let incremental = measure(runs, || step(true));
    let reparses = measure(runs, || step(false));
    let redone = previous
        .redone()
        .map_or("all (a whole lint)".to_string(), |n| n.to_string());
    println!("after a one-line edit: {findings} findings, {runs} runs, declarations linted again: {redone}");
    report("relint (incremental parse)", incremental);
    report("  of which reparse", reparses);
}

fn measure(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f();
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn report(what: &str, times: Vec<Duration>) {
    let ms = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{what}: median {:.3} ms, p90 {:.3} ms, min {:.3} ms, max {:.3} ms",
        ms(0.5),
        ms(0.9),
        ms(0.0),
        ms(1.0)
    );
}
