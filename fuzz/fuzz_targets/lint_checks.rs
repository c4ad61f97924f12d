//! The checks shared by the `lint_*` targets: lint arbitrary bytes with every rule; no panic,
//! and every reported span lies inside the text on character boundaries.

use ctxlint::lang::Language;
use ctxlint::LintSettings;

pub fn lint_and_check_spans(language: Language, data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let settings = LintSettings::only(ctxlint::rules::RULES);
    let Some(diagnostics) = ctxlint::lint_file(language, source, None, &settings) else {
        return;
    };
    for d in &diagnostics {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= source.len(), "{d:?}");
            assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
        }
    }
}
