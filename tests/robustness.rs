//! Pathological inputs: deep nesting, very long functions and huge files must neither crash
//! nor hang (no timing assertions: the machine is shared; a quadratic blow-up shows up as a
//! test that does not finish).

use std::path::PathBuf;

use ctxlint::{check, rules, CheckOptions, Report};

mod fuzz_checks;

fn lint(name: &str, text: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let mut options = CheckOptions::new(vec![PathBuf::from(&path)]);
    options.settings.rules = rules::RULES.to_vec();
    // These runs must finish, however long a loaded machine takes.
    options.file_timeout = None;
    check(&options).expect("check runs")
}

/// One function with `n` discarded cancel functions on one line each: seconds of analysis in
/// a debug build for a few hundred.
fn many_leaks(n: usize) -> String {
    let body: String = (0..n)
        .map(|i| format!("\tctx{i}, _ := context.WithCancel(p)\n\t_ = ctx{i}\n"))
        .collect();
    format!("package p\n\nimport \"context\"\n\nfunc f(p context.Context) {{\n{body}}}\n")
}

#[test]
fn a_file_over_its_time_budget_is_skipped_with_a_message_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("slow.go"), many_leaks(2000)).unwrap();
    std::fs::write(dir.path().join("ok.go"), many_leaks(1)).unwrap();
    let mut options = CheckOptions::new(vec![dir.path().to_path_buf()]);
    // A budget no analysis of thousands of nodes fits in: the outcome does not depend on
    // the machine's speed (the clock is read after the first 1024 steps).
    options.file_timeout = Some(std::time::Duration::from_nanos(1));
    let report = check(&options).expect("check runs");
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(report.errors[0].path.ends_with("slow.go"));
    assert_eq!(
        report.errors[0].message,
        "analysis took longer than --file-timeout 1ns; skipped, its findings are not reported"
    );
    // The small file fits in the budget and is reported; nothing of the slow one is.
    let files: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("ok.go"), "{files:?}");
    assert_eq!(rules_found(&report), ["discarded-cancel"]);
}

#[test]
fn every_fixture_survives_a_budget_running_out_anywhere() {
    // Cutting the analysis short at arbitrary points must never panic (rules see partial
    // iterations); budgets from 1ns (gone after 1024 steps) up.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for nanos in [1, 20_000, 200_000] {
        let mut options = CheckOptions::new(vec![root.clone()]);
        options.walk.default_excludes = false;
        options.settings.rules = rules::RULES.to_vec();
        options.file_timeout = Some(std::time::Duration::from_nanos(nanos));
        let report = check(&options).expect("check runs");
        for e in &report.errors {
            assert!(
                e.message.contains("--file-timeout")
                    || !e.path.ends_with(".go") && !e.path.ends_with(".rs"),
                "{e:?}"
            );
        }
    }
}

fn rules_found(report: &Report) -> Vec<&'static str> {
    report
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(|d| d.rule))
        .collect()
}

const DEPTH: usize = 5000;

#[test]
fn five_thousand_nested_func_literals() {
    let text = format!(
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {{\n{}ctx, _ := context.WithCancel(p)\n_ = ctx\n{}}}\n",
        "func() {\n".repeat(DEPTH),
        "}()\n".repeat(DEPTH)
    );
    let report = lint("deep.go", &text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(rules_found(&report), ["discarded-cancel"]);
}

#[test]
fn five_thousand_nested_blocks_in_a_loop() {
    let text = format!(
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {{\n\tfor {{\n{}ctx, cancel := context.WithCancel(p)\ndefer cancel()\n_ = ctx\n{}}}\n}}\n",
        "{\n".repeat(DEPTH),
        "}\n".repeat(DEPTH)
    );
    let report = lint("blocks.go", &text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(rules_found(&report), ["defer-cancel-in-loop"]);
}

#[test]
fn five_thousand_nested_ifs_and_rust_blocks() {
    let go = format!(
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {{\n\tctx, cancel := context.WithCancel(p)\n{}use(ctx)\n{}\tcancel()\n}}\n",
        "if ok {\n".repeat(DEPTH),
        "}\n".repeat(DEPTH)
    );
    let report = lint("ifs.go", &go);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let rust = format!(
        "use tokio_util::sync::CancellationToken;\nasync fn f() {{\n    let t = CancellationToken::new();\n{}    t.clone().drop_guard();\n{}}}\n",
        "{\n".repeat(DEPTH),
        "}\n".repeat(DEPTH)
    );
    let report = lint("deep.rs", &rust);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn a_twenty_thousand_line_function() {
    let mut text = String::from(
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context) error {\n\tctx, cancel := context.WithCancel(p)\n",
    );
    for i in 0..20_000 {
        text.push_str(&format!(
            "\tif err := g(ctx, {i}); err != nil {{\n\t\treturn err\n\t}}\n"
        ));
    }
    text.push_str("\tcancel()\n\treturn nil\n}\n");
    let report = lint("long.go", &text);
    assert_eq!(rules_found(&report), ["missing-defer-cancel"]);
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_message() {
    let mut text = String::from("package p\n\nimport \"context\"\n\n");
    while text.len() < 11 * 1024 * 1024 {
        text.push_str("func f(p context.Context) { ctx, _ := context.WithCancel(p); _ = ctx }\n");
    }
    let report = lint("huge.go", &text);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].message.contains("--max-file-size"));
    assert!(report.files.is_empty());
}

#[test]
fn every_input_a_fuzzer_crashed_on_passes_its_check() {
    // testdata/fuzz/<target>/: the inputs (minimised) each fuzz target failed on, replayed
    // through the same check the target runs (tests/fuzz_checks).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    let mut replayed = 0;
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap().path();
        let name = target.file_name().unwrap().to_str().unwrap().to_string();
        for input in std::fs::read_dir(&target).unwrap() {
            let input = input.unwrap().path();
            let data = std::fs::read(&input).unwrap();
            let result = std::panic::catch_unwind(|| fuzz_checks::check(&name, &data));
            assert!(result.is_ok(), "{} fails its check", input.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no input under {}", root.display());
}
