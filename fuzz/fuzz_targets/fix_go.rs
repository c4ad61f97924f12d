//! Applies every fix (safe and unsafe) to arbitrary Go: the result never has more syntax
//! errors than the input, and a second fix run changes nothing.
#![no_main]

use ctxlint::fix::{fix_source, syntax_errors, FixMode};
use ctxlint::lang::Language;
use ctxlint::LintSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let settings = LintSettings::only(ctxlint::rules::RULES);
    let lint = |text: &str| ctxlint::lint_file(Language::Go, text, None, &settings);
    let Some(diagnostics) = lint(source) else {
        return;
    };
    let mode = FixMode {
        unsafe_fixes: true,
        write: false,
    };
    let fixed = fix_source(Language::Go, source, diagnostics, mode, lint);
    if fixed.source == source {
        return;
    }
    let before = syntax_errors(Language::Go, source).unwrap_or(0);
    let after = syntax_errors(Language::Go, &fixed.source).unwrap_or(0);
    assert!(after <= before, "fixing added syntax errors:\n{}", fixed.source);
    if fixed.notes.iter().any(|n| n.message.contains("passes")) {
        return; // stopped at the pass limit: more fixes may apply on purpose
    }
    let again = fix_source(Language::Go, &fixed.source, fixed.diagnostics, mode, lint);
    assert_eq!(again.source, fixed.source, "a second fix run changed the text");
});
