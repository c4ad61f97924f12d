//! How linting time grows with the number of cancel-producing calls in one Go function: the
//! flow analysis of missing-defer-cancel (and the rules sharing its cancel tracking) must stay
//! near-linear, or one generated file can stall a CI run.
//!
//! Six shapes, each at 1k, 5k and 20k `context.WithCancel` calls in one function:
//! - `distinct`: `ctxN, cancelN := context.WithCancel(parent)` then `defer cancelN()`;
//! - `reused`: the same `ctx, cancel` names rebound with `=` and released each time;
//! - `leaky`: distinct names, never released (every search runs to the end of the function);
//! - `branches`: distinct names, each released in one branch of an `if`/`else` only, so every
//!   search leaves through the join of its branches and used to run on through all the later
//!   branch blocks to the end of the function (quadratic until the searches stopped at the
//!   first block from which none of the binding's uses can be reached, `Cfg::reach`);
//! - `early-return`: distinct names, each followed by `if x { return nil }` before the release
//!   (the fix looked for a later `defer` by walking the siblings, quadratic in tree-sitter);
//! - `discarded`: `ctxN, _ := context.WithCancel(parent)`, each a discarded-cancel finding with
//!   a fix (each fix looked for a free name and for an earlier assignment of `parent` by
//!   walking the function).
//!
//! `cargo bench --bench cancel_scaling` prints the median of 5 runs per size and the time per
//! call, so a flat last column means linear time. Without `--bench` (e.g. `cargo test
//! --benches`) it runs the smallest size once, as a smoke test. `-- --only <shape> <calls>`
//! lints one file once, for a profiler: instruction counts from
//! `valgrind --tool=callgrind` repeat exactly, whatever the load on the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ctxlint::lang::Language;
use ctxlint::LintSettings;

/// One function with `n` cancel-producing calls of the given shape.
fn source(shape: &str, n: usize) -> String {
    let mut src = String::from(
        "package p\n\nimport \"context\"\n\nfunc use(context.Context) {}\n\nfunc f(parent context.Context, x bool) error {\n",
    );
    if shape == "reused" {
        src.push_str("\tvar ctx context.Context\n\tvar cancel context.CancelFunc\n");
    }
    for i in 0..n {
        let line = match shape {
            "distinct" => format!(
                "\tctx{i}, cancel{i} := context.WithCancel(parent)\n\tdefer cancel{i}()\n\tuse(ctx{i})\n"
            ),
            "reused" => {
                "\tctx, cancel = context.WithCancel(parent)\n\tuse(ctx)\n\tcancel()\n".to_string()
            }
            "branches" => format!(
                "\tctx{i}, cancel{i} := context.WithCancel(parent)\n\tif x {{\n\t\tcancel{i}()\n\t}} else {{\n\t\tuse(ctx{i})\n\t}}\n"
            ),
            "discarded" => format!("\tctx{i}, _ := context.WithCancel(parent)\n\tuse(ctx{i})\n"),
            "early-return" => format!(
                "\tctx{i}, cancel{i} := context.WithCancel(parent)\n\tif x {{\n\t\treturn nil\n\t}}\n\tuse(ctx{i})\n\tcancel{i}()\n"
            ),
            _ => format!("\tctx{i}, cancel{i} := context.WithCancel(parent)\n\tuse(ctx{i})\n\t_ = cancel{i}\n"),
        };
        src.push_str(&line);
    }
    src.push_str("\treturn nil\n}\n");
    src
}

const SHAPES: [&str; 6] = [
    "distinct",
    "reused",
    "leaky",
    "branches",
    "early-return",
    "discarded",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    // `-- --only <shape> <calls>`: that one file once, e.g. under valgrind --tool=callgrind.
    let only = args.iter().position(|a| a == "--only").map(|i| {
        let shape = args.get(i + 1).map(String::as_str).unwrap_or("distinct");
        let n = args
            .get(i + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000);
        (shape, n)
    });
    let all_sizes = [1_000, 5_000, 20_000];
    let (shapes, sizes, runs): (Vec<&str>, Vec<usize>, usize) = match only {
        Some((shape, n)) => (vec![shape], vec![n], 1),
        None if bench => (SHAPES.to_vec(), all_sizes.to_vec(), 5),
        None => (SHAPES.to_vec(), vec![1_000], 1),
    };
    let settings = LintSettings::default();
    println!("shape          calls    bytes      median   per call");
    for shape in shapes {
        for &n in &sizes {
            let src = source(shape, n);
            let mut times: Vec<Duration> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    let found = ctxlint::lint_file(Language::Go, black_box(&src), None, &settings)
                        .expect("the generated file parses");
                    black_box(found);
                    start.elapsed()
                })
                .collect();
            times.sort();
            let median = times[times.len() / 2];
            println!(
                "{shape:<12} {n:>6} {:>8} {:>10.1?} {:>10.2?}",
                src.len(),
                median,
                median / n as u32
            );
        }
    }
}
