//! Applies the fixes to arbitrary Go, safe ones alone and then every one: the result never
//! has more syntax errors than the input, a second fix run changes nothing, and the semantic
//! oracle ([`ctxlint::oracle`]) finds nothing the fixes broke: no new finding, no name
//! declared twice, no import left unused and, for safe fixes, no `defer cancel()` of a
//! context that is returned, stored or handed to a goroutine.
#![no_main]

use ctxlint::fix::{fix_source, syntax_errors, FixMode};
use ctxlint::lang::Language;
use ctxlint::oracle::{fix_problems, Fixes};
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
    for (unsafe_fixes, fixes) in [(false, Fixes::Safe), (true, Fixes::Unsafe)] {
        let mode = FixMode {
            unsafe_fixes,
            write: false,
        };
        let fixed = fix_source(Language::Go, source, diagnostics.clone(), mode, lint);
        if fixed.source == source {
            continue;
        }
        let before = syntax_errors(Language::Go, source).unwrap_or(0);
        let after = syntax_errors(Language::Go, &fixed.source).unwrap_or(0);
        assert!(after <= before, "fixing added syntax errors:\n{}", fixed.source);
        let problems = fix_problems(source, &fixed.source, &settings, fixes);
        assert!(
            problems.is_empty(),
            "{fixes:?} fixes broke the code: {problems:?}\n{}",
            fixed.source
        );
        if fixed.notes.iter().any(|n| n.message.contains("passes")) {
            continue; // stopped at the pass limit: more fixes may apply on purpose
        }
        let again = fix_source(Language::Go, &fixed.source, fixed.diagnostics, mode, lint);
        assert_eq!(again.source, fixed.source, "a second fix run changed the text");
    }
});
