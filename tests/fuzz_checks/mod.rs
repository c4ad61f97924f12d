//! What each fuzz target checks, shared by the targets in `fuzz/fuzz_targets/` and by
//! `tests/robustness.rs`, which replays every input the fuzzers ever crashed on
//! (`testdata/fuzz/<target>/`). Each function panics when the check fails.
#![allow(dead_code)] // each user calls its own subset

use std::cell::{Cell, OnceCell};
use std::collections::BTreeMap;
use std::path::Path;

use ctxlint::config::Config;
use ctxlint::diagnostic::Diagnostic;
use ctxlint::fix::{fix_parsed_source, FixMode};
use ctxlint::lang::{self, Language};
use ctxlint::oracle::{Fixes, Oracle};
use ctxlint::rules::UNUSED_SUPPRESSION;
use ctxlint::server::transport::{parse_body, Frame, MessageReader};
use ctxlint::settings::Choices;
use ctxlint::LintSettings;

/// Runs the check of the fuzz target named `target` on `data`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "lint_go" => lint(Language::Go, data),
        "lint_rust" => lint(Language::Rust, data),
        "fix_go" => fix_go(data),
        "fix_rust" => fix_rust(data),
        "lsp_message" => lsp_message(data),
        "config" => config(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// Lints the bytes with every rule: no panic, and every reported span lies inside the text
/// on character boundaries.
pub fn lint(language: Language, data: &[u8]) {
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

const SAFE: FixMode = FixMode {
    unsafe_fixes: false,
    write: false,
};
const UNSAFE: FixMode = FixMode {
    unsafe_fixes: true,
    write: false,
};

/// Whether some diagnostic has a fix that `--unsafe-fixes` applies and `--fix` does not.
fn has_unsafe_fix(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .any(|f| UNSAFE.applies(f) && !SAFE.applies(f))
}

/// A lint of `language` with every rule that notes whether any result has an unsafe fix.
/// The fix targets run safe fixes first, then every fix; when no diagnostic the safe run saw
/// (of the input, of each pass, of the repeated run) had an unsafe fix, `fix_source` takes
/// exactly the same steps with unsafe fixes allowed (the mode only decides which fixes
/// apply), so that run would repeat the safe one and face checks the safe one passed.
struct Linter {
    language: Language,
    settings: LintSettings,
    saw_unsafe_fix: Cell<bool>,
}

impl Linter {
    fn new(language: Language) -> Self {
        Linter {
            language,
            settings: LintSettings::only(ctxlint::rules::RULES),
            saw_unsafe_fix: Cell::new(false),
        }
    }

    fn lint(&self, text: &str) -> Option<Vec<Diagnostic>> {
        let diagnostics = ctxlint::lint_file(self.language, text, None, &self.settings);
        if diagnostics.as_deref().is_some_and(has_unsafe_fix) {
            self.saw_unsafe_fix.set(true);
        }
        diagnostics
    }
}

/// Applies the fixes to the bytes as Go, safe ones alone and then every one: the result
/// never has more syntax errors than the input, a second fix run changes nothing, and the
/// semantic oracle ([`ctxlint::oracle`]) finds nothing the fixes broke: no new finding, no
/// name declared twice, no import left unused and, for safe fixes, no `defer cancel()` of a
/// context that is returned, stored or handed to a goroutine.
pub fn fix_go(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let linter = Linter::new(Language::Go);
    let lint = |text: &str| linter.lint(text);
    let Some(diagnostics) = lint(source) else {
        return;
    };
    // No fix at all, or a text that does not parse (no pass can start): nothing changes.
    let (true, Some(tree)) = (
        UNSAFE.applies_any(&diagnostics),
        lang::parse(Language::Go, source),
    ) else {
        return;
    };
    let before = lang::error_spans(&tree).len();
    let oracle = OnceCell::new();
    for (mode, fixes) in [(SAFE, Fixes::Safe), (UNSAFE, Fixes::Unsafe)] {
        if mode == UNSAFE && !linter.saw_unsafe_fix.get() {
            return; // the same run again (see `Linter`)
        }
        let fixed = fix_parsed_source(
            Language::Go,
            source,
            Some(tree.clone()),
            diagnostics.clone(),
            mode,
            lint,
        );
        if fixed.source == source {
            continue;
        }
        let after_tree = lang::parse(Language::Go, &fixed.source);
        let after = after_tree
            .as_ref()
            .map_or(0, |t| lang::error_spans(t).len());
        assert!(
            after <= before,
            "fixing added syntax errors:\n{}",
            fixed.source
        );
        let oracle =
            oracle.get_or_init(|| Oracle::new(source, &tree, &diagnostics, &linter.settings));
        let problems = match &after_tree {
            Some(after_tree) => oracle.problems(&fixed.source, after_tree, fixes),
            None => Vec::new(),
        };
        assert!(
            problems.is_empty(),
            "{fixes:?} fixes broke the code: {problems:?}\n{}",
            fixed.source
        );
        if fixed.notes.iter().any(|n| n.message.contains("passes")) {
            continue; // stopped at the pass limit: more fixes may apply on purpose
        }
        let again = fix_parsed_source(
            Language::Go,
            &fixed.source,
            after_tree,
            fixed.diagnostics,
            mode,
            lint,
        );
        assert_eq!(
            again.source, fixed.source,
            "a second fix run changed the text"
        );
    }
}

/// Applies the fixes to the bytes as Rust, safe ones alone and then every one: the result
/// never has more syntax errors than the input, no rule finds more than it found before
/// (`unused-suppression` aside), and a second fix run changes nothing. (The semantic oracle reads Go only.)
pub fn fix_rust(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let linter = Linter::new(Language::Rust);
    let lint = |text: &str| linter.lint(text);
    let Some(diagnostics) = lint(source) else {
        return;
    };
    let counts = |diagnostics: &[Diagnostic]| {
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        // A suppression left stale by a fix is news, not damage (as in the oracle).
        for d in diagnostics.iter().filter(|d| d.rule != UNUSED_SUPPRESSION) {
            *counts.entry(d.rule).or_default() += 1;
        }
        counts
    };
    let had = counts(&diagnostics);
    // No fix at all, or a text that does not parse (no pass can start): nothing changes.
    let (true, Some(tree)) = (
        UNSAFE.applies_any(&diagnostics),
        lang::parse(Language::Rust, source),
    ) else {
        return;
    };
    let before = lang::error_spans(&tree).len();
    for mode in [SAFE, UNSAFE] {
        if mode == UNSAFE && !linter.saw_unsafe_fix.get() {
            return; // the same run again (see `Linter`)
        }
        let fixed = fix_parsed_source(
            Language::Rust,
            source,
            Some(tree.clone()),
            diagnostics.clone(),
            mode,
            lint,
        );
        if fixed.source == source {
            continue;
        }
        let after_tree = lang::parse(Language::Rust, &fixed.source);
        let after = after_tree
            .as_ref()
            .map_or(0, |t| lang::error_spans(t).len());
        assert!(
            after <= before,
            "fixing added syntax errors:\n{}",
            fixed.source
        );
        for (rule, count) in counts(&fixed.diagnostics) {
            let was = had.get(rule).copied().unwrap_or(0);
            assert!(
                count <= was,
                "fixing added findings of {rule} ({was} before, {count} after):\n{}",
                fixed.source
            );
        }
        if fixed.notes.iter().any(|n| n.message.contains("passes")) {
            continue;
        }
        let again = fix_parsed_source(
            Language::Rust,
            &fixed.source,
            after_tree,
            fixed.diagnostics,
            mode,
            lint,
        );
        assert_eq!(
            again.source, fixed.source,
            "a second fix run changed the text"
        );
    }
}

fn check_reply(frame: &Frame) {
    if let Frame::Invalid { reply, reason } = frame {
        assert_eq!(reply["jsonrpc"], "2.0");
        let id = &reply["id"];
        assert!(id.is_null() || id.is_string() || id.is_number(), "{reply}");
        let code = reply["error"]["code"].as_i64();
        assert!(code == Some(-32700) || code == Some(-32600), "{reply}");
        assert_eq!(reply["error"]["message"], reason.as_str());
    }
}

/// Reads the bytes as the language server's input stream (`Content-Length` framing,
/// JSON-RPC bodies): no panic, no allocation of the size a header claims (the fuzzer's
/// `-rss_limit_mb` / `-malloc_limit_mb` catch one), every read consumes input, and what
/// cannot be read is answered with a JSON-RPC error object. Then the bytes as one body.
pub fn lsp_message(data: &[u8]) {
    let mut reader = MessageReader::new(data);
    let mut frames = 0;
    while let Ok(Some(frame)) = reader.read() {
        check_reply(&frame);
        frames += 1;
        assert!(frames <= data.len(), "the reader made no progress");
    }
    check_reply(&parse_body(data));
}

const CONFIG_GO: &str = "package p

import (
	\"context\"
	\"net/http\"
)

func handler(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.Background())
	_ = ctx
	go work(context.TODO())
	cancel()
}

func work(ctx context.Context) {}
";

/// Parses the bytes as a `ctxlint.toml`: no panic; an error names a line of the text; a
/// config that parses resolves to lint settings (globs compiled, rules chosen) that lint a
/// small Go file, under names its `per-file-ignores` may match.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/fuzz/ctxlint.toml");
    let config = match Config::parse(path, text) {
        Ok(config) => config,
        Err(e) => {
            let lines = text.split('\n').count();
            assert!(e.line <= lines, "line {} of {lines}: {e}", e.line);
            let _ = e.to_string();
            return;
        }
    };
    let _ = config.exclude_matcher();
    let Ok(settings) = LintSettings::resolve(&config, &Choices::default()) else {
        return;
    };
    for name in ["/fuzz/handler.go", "/fuzz/sub/handler_test.go"] {
        let _ = ctxlint::lint_file(Language::Go, CONFIG_GO, Some(Path::new(name)), &settings);
    }
}
