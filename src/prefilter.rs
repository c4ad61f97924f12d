//! A byte-level prefilter: most files cannot produce any finding (a Go file that never
//! imports `context` has no context to misuse), so they are not parsed at all.
//!
//! Each rule lists needles: byte strings at least one of which occurs in any file where the
//! rule can report something. A file containing none of the needles of the enabled rules of
//! its language is counted as scanned and skipped. `tests/prefilter.rs` proves that results
//! are the same with and without it.

use aho_corasick::AhoCorasick;

use crate::lang::go::GoSettings;
use crate::lang::Language;
use crate::rules::Rule;

/// Needles per language, compiled once per run.
pub struct Prefilter {
    by_language: Vec<(Language, Option<AhoCorasick>)>,
}

impl Prefilter {
    /// `None` for a language means "parse every file" (a rule without needles is enabled).
    pub fn new(rules: &[&Rule], go: &GoSettings) -> Prefilter {
        let mut by_language: Vec<(Language, Option<Vec<String>>)> = Vec::new();
        for rule in rules {
            let entry = match by_language.iter_mut().find(|(l, _)| *l == rule.language) {
                Some(entry) => entry,
                None => {
                    by_language.push((rule.language, Some(Vec::new())));
                    by_language.last_mut().expect("just pushed")
                }
            };
            match (&mut entry.1, rule.needles.is_empty()) {
                (Some(needles), false) => {
                    needles.extend(rule.needles.iter().map(|n| n.to_string()))
                }
                (slot, _) => *slot = None,
            }
        }
        // Cancel functions from configuration and wrapper inference are called by name.
        for (language, needles) in &mut by_language {
            if let (Language::Go, Some(needles)) = (*language, needles.as_mut()) {
                needles.extend(go.cancel_functions.iter().map(|f| f.name.clone()));
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
        let rules: Vec<&Rule> = RULES.to_vec();
        let filter = Prefilter::new(&rules, &GoSettings::default());
        assert!(filter.may_match(Language::Go, b"import \"context\"\n"));
        assert!(filter.may_match(Language::Go, b"import ctx \"golang.org/x/net/context\"\n"));
        assert!(filter.may_match(Language::Go, b"import \"os/signal\"\n"));
        assert!(!filter.may_match(Language::Go, b"package p\nfunc f() {}\n"));
        // No rule enabled for a language: nothing to find there.
        let filter = Prefilter::new(&[], &GoSettings::default());
        assert!(!filter.may_match(Language::Go, b"import \"context\"\n"));
    }
}
