//! Lints arbitrary bytes as Go with every rule.
//! The check is `tests/fuzz_checks`' (`check("lint_go", data)`), which `tests/robustness.rs`
//! replays on every input this target crashed on (`testdata/fuzz/lint_go/`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_checks::check("lint_go", data);
});
