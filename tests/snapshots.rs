//! insta snapshots of the human and JSON output of one fixture directory.

use std::path::PathBuf;

use ctxlint::render::{self, RenderOptions};
use ctxlint::{check, diagnostic::ColumnEncoding, CheckOptions};

fn report() -> ctxlint::Report {
    // Relative to the crate root (cargo runs tests there) so paths in snapshots are stable.
    let mut options = CheckOptions::new(vec![PathBuf::from("testdata/go/discarded-cancel")]);
    options.walk.threads = 1;
    check(&options).expect("check runs")
}

#[test]
fn human_output() {
    let mut out = Vec::new();
    render::human(&report(), false, false, &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn json_output() {
    let mut out = Vec::new();
    render::json(&report(), ColumnEncoding::Utf8, &mut out).unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    doc["summary"]["elapsed_ms"] = 0.into();
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn short_output() {
    let mut out = Vec::new();
    let options = RenderOptions {
        color: false,
        column_encoding: ColumnEncoding::Utf8,
        quiet: false,
    };
    render::render(&report(), ctxlint::cli::Format::Short, options, &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}
