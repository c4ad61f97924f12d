//! Lints arbitrary bytes as Rust with every rule: no panic, and every reported span lies inside
//! the text on character boundaries.
#![no_main]

use ctxlint::lang::{go::GoSettings, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let settings = GoSettings::default();
    let Some(diagnostics) =
        ctxlint::lint_source_with(Language::Rust, source, ctxlint::rules::RULES, &settings, true)
    else {
        return;
    };
    for d in &diagnostics {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= source.len(), "{d:?}");
            assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
        }
    }
});
