//! Reads arbitrary bytes as the language server's framed JSON-RPC input.
//! The check is `tests/fuzz_checks`' (`check("lsp_message", data)`), which `tests/robustness.rs`
//! replays on every input this target crashed on (`testdata/fuzz/lsp_message/`).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_checks::check("lsp_message", data);
});
