//! Parses arbitrary bytes as a ctxlint.toml and lints with the settings.
//! The check is `tests/fuzz_checks`' (`check("config", data)`), which `tests/robustness.rs`
//! replays on every input this target crashed on (`testdata/fuzz/config/`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_checks::check("config", data);
});
