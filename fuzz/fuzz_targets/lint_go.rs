//! Lints arbitrary bytes as Go with every rule (see lint_checks.rs).
#![no_main]

#[path = "lint_checks.rs"]
mod lint_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lint_checks::lint_and_check_spans(ctxlint::lang::Language::Go, data);
});
