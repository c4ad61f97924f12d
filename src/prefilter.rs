//! A byte-level prefilter: most files cannot produce any finding (a Go file that never
//! imports `context` has no context to misuse), so they are not parsed at all.
//!
//! Each rule lists needles: byte strings at least one of which occurs in any file where the
//! rule can report something. A file containing none of the needles of the enabled rules of
//! its language is counted as scanned and skipped. `tests/prefilter.rs` proves that results
//! are the same with and without it.

use aho_corasick::AhoCorasick;

use crate::lang::go::CONTEXT_PATHS;
use crate::lang::Language;
use crate::rules::{Check, Rule, UNUSED_SUPPRESSION};
use crate::settings::LintSettings;

/// Packages whose cancel functions need an import that the rules' needles already cover.
const BUILTIN_PACKAGES: &[&str] = &[CONTEXT_PATHS[0], CONTEXT_PATHS[1], "os/signal"];

/// Needles per language, compiled once per run.
pub struct Prefilter {
    by_language: Vec<(Language, Option<AhoCorasick>)>,
}

impl Prefilter {
    /// The prefilter for a run's enabled rules and settings.
    pub fn new(settings: &LintSettings) -> Prefilter {
        let mut extra = Vec::new();
        // Cancel functions from configuration and wrapper inference are called by name (the
        // built-in ones need their package's import, a needle already).
        extra.extend(
            settings
                .go
                .cancel_functions
                .iter()
                .filter(|f| !BUILTIN_PACKAGES.contains(&f.package.as_str()))
                .map(|f| (Language::Go, f.name.clone()))
                .chain(
                    settings
                        .go
                        .wrappers
                        .iter()
                        .map(|w| (Language::Go, w.name.clone())),
                ),
        );
        // A configured handler type gives a function a parent context (context-not-passed):
        // files importing its package.
        let defaults = crate::lang::go::GoSettings::default().handler_types;
        extra.extend(
            settings
                .go
                .handler_types
                .iter()
                .filter(|h| !defaults.contains(h))
                .map(|h| (Language::Go, h.package.clone())),
        );
        // The rules that check files (`unused-suppression` judges their findings).
        let checking = |rules: &[&'static Rule]| -> Vec<&'static Rule> {
            rules
                .iter()
                .copied()
                .filter(|r| !matches!(r.check, Check::Suppressions))
                .collect()
        };
        let ran = checking(&settings.rules_to_run());
        // Unused suppressions are reported in files that have one.
        if let Some(unused) = settings.rules.iter().find(|r| r.name == UNUSED_SUPPRESSION) {
            for rule in &ran {
                extra.extend(
                    unused
                        .needles
                        .iter()
                        .map(|n| (rule.language, n.to_string())),
                );
            }
        }
        let languages: Vec<Language> = ran.iter().map(|r| r.language).collect();
        Prefilter::with_needles(&languages, &checking(&settings.rules), &extra)
    }

    /// Needles for each of `languages` from the reported `rules` and `extra`; `None` for a
    /// language means "parse every file" (a rule without needles is enabled).
    fn with_needles(
        languages: &[Language],
        rules: &[&Rule],
        extra: &[(Language, String)],
    ) -> Prefilter {
        let mut by_language: Vec<(Language, Option<Vec<String>>)> = Vec::new();
        for language in languages {
            if !by_language.iter().any(|(l, _)| l == language) {
                by_language.push((*language, Some(Vec::new())));
            }
        }
        for rule in rules {
            let Some(entry) = by_language.iter_mut().find(|(l, _)| *l == rule.language) else {
                continue;
            };
            match (&mut entry.1, rule.needles.is_empty()) {
                (Some(needles), false) => {
                    needles.extend(rule.needles.iter().map(|n| n.to_string()))
                }
                (slot, _) => *slot = None,
            }
        }
        for (language, needles) in &mut by_language {
            if let Some(needles) = needles.as_mut() {
                needles.extend(
                    extra
                        .iter()
                        .filter(|(l, _)| l == language)
                        .map(|(_, n)| n.clone()),
                );
            }
        }
        Prefilter {
            by_language: by_language
                .into_iter()
                .map(|(language, needles)| {
                    let automaton = needles.and_then(|mut n| {
                        n.sort();
                        n.dedup();
                        AhoCorasick::new(&n).ok()
                    });
                    (language, automaton)
                })
                .collect(),
        }
    }

    /// Whether a file of `language` with this text might produce a finding.
    pub fn may_match(&self, language: Language, text: &[u8]) -> bool {
        match self.by_language.iter().find(|(l, _)| *l == language) {
            None => false,
            Some((_, None)) => true,
            Some((_, Some(automaton))) => automaton.is_match(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn files_without_any_needle_are_skipped() {
        let mut settings = LintSettings::default();
        let filter = Prefilter::new(&settings);
        assert!(filter.may_match(Language::Go, b"import \"context\"\n"));
        assert!(filter.may_match(Language::Go, b"import ctx \"golang.org/x/net/context\"\n"));
        assert!(filter.may_match(Language::Go, b"import \"os/signal\"\n"));
        assert!(!filter.may_match(Language::Go, b"package p\nfunc f() {}\n"));
        assert!(!filter.may_match(Language::Go, b"package p\n// x //nolint\n"));
        // Unused suppressions are reported wherever there is one.
        settings.rules = RULES.to_vec();
        let filter = Prefilter::new(&settings);
        assert!(filter.may_match(Language::Go, b"package p\n// x //nolint\n"));
        // ... also when it is the only rule selected.
        settings.rules.retain(|r| r.name == UNUSED_SUPPRESSION);
        let filter = Prefilter::new(&settings);
        assert!(filter.may_match(Language::Rust, b"// x //nolint\n"));
        assert!(!filter.may_match(Language::Go, b"import \"context\"\n"));
        // No rule enabled for a language: nothing to find there.
        settings.rules.clear();
        let filter = Prefilter::new(&settings);
        assert!(!filter.may_match(Language::Go, b"import \"context\"\n"));
    }
}
