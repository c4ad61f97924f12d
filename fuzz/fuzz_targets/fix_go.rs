//! Fixes arbitrary bytes as Go and judges the result with the semantic oracle.
//! The check is `tests/fuzz_checks`' (`check("fix_go", data)`), which `tests/robustness.rs`
//! replays on every input this target crashed on (`testdata/fuzz/fix_go/`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_checks::check("fix_go", data);
});
