//! How long the language server takes to re-lint one open document: parse, run every default
//! rule, and turn the findings into UTF-16 LSP positions, on a typical ~300-line Go handler
//! file (`benches/data/handler.go`).
//!
//! `cargo bench --bench relint` prints the median and p90 of 500 runs after a warm-up.
//! Without `--bench` (e.g. `cargo test --benches`) it runs once, as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ctxlint::diagnostic::{ColumnEncoding, LineIndex};
use ctxlint::lang::Language;
use ctxlint::LintSettings;

const SOURCE: &str = include_str!("data/handler.go");

fn relint(settings: &LintSettings) -> usize {
    let diagnostics = ctxlint::lint_file(Language::Go, black_box(SOURCE), None, settings)
        .expect("the bench file parses");
    let index = LineIndex::new(SOURCE);
    for d in &diagnostics {
        for byte in [d.span.start, d.span.end] {
            black_box(index.position(SOURCE, byte, ColumnEncoding::Utf16));
        }
    }
    diagnostics.len()
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (warm_up, runs) = if bench { (50, 500) } else { (0, 1) };
    let settings = LintSettings::default();
    for _ in 0..warm_up {
        relint(&settings);
    }
    let mut findings = 0;
    let relints = measure(runs, || findings = relint(&settings));
    assert!(findings > 0, "the bench file should have findings");
    let parses = measure(runs, || {
        black_box(ctxlint::lang::parse(Language::Go, black_box(SOURCE)));
    });
    println!(
        "{} lines, {} bytes, {findings} findings, {runs} runs",
        SOURCE.lines().count(),
        SOURCE.len()
    );
    report("relint", relints);
    report("  of which parse", parses);
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
