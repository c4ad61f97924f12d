//! Pathological inputs: deep nesting, very long functions and huge files must neither crash
//! nor hang (no timing assertions: the machine is shared; a quadratic blow-up shows up as a
//! test that does not finish).

use std::path::PathBuf;

use ctxlint::{check, rules, CheckOptions, Report};

fn lint(name: &str, text: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let mut options = CheckOptions::new(vec![PathBuf::from(&path)]);
    options.settings.rules = rules::RULES.to_vec();
    check(&options).expect("check runs")
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
