//! A byte-level prefilter: a rule whose needles do not occur in a file cannot report anything
//! there, so it does not run on that file, and a file where no enabled rule can report anything
//! is not parsed at all (most of a tree: a Go file that creates no context and starts no
//! goroutine has nothing to misuse).
//!
//! Each rule declares its needles ([`Rule::needles`]): groups of strings, each group with a
//! member in every file where the rule can report something. One scan of the file finds them
//! all: a multi-pattern search over every rule's needles, then a check that each hit is a
//! word where the needle asks for one and lies outside a `//` comment line. Needles that come
//! from the settings (configured and inferred cancel functions, configured handler types) are
//! searched for one by one when the built-in ones are not found. `tests/prefilter.rs` proves
//! that results are the same with and without the prefilter, for every rule alone and all
//! together.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::lang::go::GoSettings;
use crate::lang::Language;
use crate::rules::{Needle, Rule, RULES};
use crate::settings::LintSettings;

/// The rules of `settings` that can report something in a file of `language` with this text
/// (every rule that runs, without the prefilter).
pub fn rules_for(language: Language, text: &str, settings: &LintSettings) -> Vec<&'static Rule> {
    let rules = settings.rules_to_run();
    if !settings.prefilter {
        return rules;
    }
    let hits = Hits::scan(text, &settings.go);
    rules
        .into_iter()
        .filter(|r| r.languages().contains(&language) && hits.satisfies(r))
        .collect()
}

/// Whether a file of `language` with this text must be parsed: without the prefilter always,
/// with it when some rule whose findings are reported can report something in it (`unused-suppression` where it has a suppression
/// comment; rules that run only to judge suppressions do not count).
pub fn worth_parsing(language: Language, text: &str, settings: &LintSettings) -> bool {
    if !settings.prefilter {
        return true;
    }
    rules_for(language, text, settings)
        .iter()
        .any(|r| settings.rules.iter().any(|s| std::ptr::eq(*s, *r)))
}

/// Every needle text of the registry, compiled once.
struct Automaton {
    search: Option<AhoCorasick>,
    /// The needle of each pattern of `search`.
    patterns: Vec<Needle>,
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let defaults = GoSettings::default();
    let mut patterns: Vec<Needle> = Vec::new();
    for needle in RULES
        .iter()
        .flat_map(|r| r.needles.iter())
        .flat_map(|g| g.iter())
    {
        let expanded: Vec<Needle> = match needle {
            Needle::CancelFunction => names(&defaults, Needle::CancelFunction)
                .into_iter()
                .map(|n| Needle::Word(leak(n)))
                .collect(),
            Needle::HandlerType => names(&defaults, Needle::HandlerType)
                .into_iter()
                .map(|n| Needle::Word(leak(n)))
                .collect(),
            Needle::SiblingCall | Needle::RootCall => Vec::new(),
            other => vec![*other],
        };
        for needle in expanded {
            if !patterns.contains(&needle) {
                patterns.push(needle);
            }
        }
    }
    let texts: Vec<&str> = patterns.iter().map(|n| text_of(*n)).collect();
    Automaton {
        search: AhoCorasick::new(texts).ok(),
        patterns,
    }
});

/// A built-in name as a `'static` needle (the automaton lives for the whole run).
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

fn text_of(needle: Needle) -> &'static str {
    match needle {
        Needle::Text(t) | Needle::Word(t) | Needle::Statement(t) | Needle::Comment(t) => t,
        Needle::CancelFunction | Needle::HandlerType | Needle::SiblingCall | Needle::RootCall => "",
    }
}

/// The names a settings-dependent needle stands for, sorted and deduplicated.
fn names(go: &GoSettings, needle: Needle) -> Vec<String> {
    let mut names: Vec<String> = match needle {
        Needle::CancelFunction => go
            .cancel_functions
            .iter()
            .map(|f| f.name.clone())
            .chain(go.wrappers.iter().map(|w| w.name.clone()))
            .collect(),
        Needle::HandlerType => go.handler_types.iter().map(|h| h.name.clone()).collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

/// The needles found in one file.
struct Hits<'a> {
    text: &'a str,
    go: &'a GoSettings,
    /// By pattern of [`AUTOMATON`].
    found: Vec<bool>,
}

impl<'a> Hits<'a> {
    fn scan(text: &'a str, go: &'a GoSettings) -> Hits<'a> {
        let automaton = &*AUTOMATON;
        let mut found = vec![false; automaton.patterns.len()];
        let mut lines = CommentLines::default();
        if let Some(search) = &automaton.search {
            for hit in search.find_overlapping_iter(text) {
                let id = hit.pattern().as_usize();
                if !found[id] {
                    found[id] = counts(automaton.patterns[id], text, hit.start(), &mut lines);
                }
            }
        }
        Hits { text, go, found }
    }

    /// Whether every needle group of `rule` has a member in the text.
    fn satisfies(&self, rule: &Rule) -> bool {
        rule.needles
            .iter()
            .all(|group| group.iter().any(|n| self.contains(*n)))
    }

    fn contains(&self, needle: Needle) -> bool {
        let automaton = &*AUTOMATON;
        match needle {
            Needle::CancelFunction | Needle::HandlerType => {
                let names = names(self.go, needle);
                let mut others = std::collections::HashSet::new();
                for name in &names {
                    let built_in = |p: &Needle| matches!(p, Needle::Word(w) if w == name);
                    match automaton.patterns.iter().position(built_in) {
                        Some(id) if self.found[id] => return true,
                        Some(_) => {}
                        None => {
                            others.insert(name.as_str());
                        }
                    }
                }
                // Names only the settings know: one pass over the words of the text, however
                // many names a config lists.
                !others.is_empty() && occurs_any_word(&others, self.text)
            }
            Needle::SiblingCall => self.go.siblings.called_in(self.text),
            Needle::RootCall => self.go.roots.called_in(self.text),
            _ => automaton
                .patterns
                .iter()
                .position(|p| *p == needle)
                .is_some_and(|id| self.found[id]),
        }
    }
}

/// Whether one of the words `names` occurs in code in `text` (for names that only the
/// settings know).
fn occurs_any_word(names: &std::collections::HashSet<&str>, text: &str) -> bool {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let mut lines = CommentLines::default();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        // Identifier runs split only at ASCII bytes: `start..i` is on character boundaries.
        if names.contains(&text[start..i]) && !lines.is_comment(bytes, start) {
            return true;
        }
    }
    false
}

/// Whether the occurrence of `needle` at `start` counts: a word where the needle is one, and
/// in code unless the needle is a comment's.
fn counts(needle: Needle, text: &str, start: usize, lines: &mut CommentLines) -> bool {
    let bytes = text.as_bytes();
    match needle {
        Needle::Comment(_) => true,
        Needle::Word(word) => {
            is_word(bytes, start, start + word.len()) && !lines.is_comment(bytes, start)
        }
        Needle::Statement(word) => {
            is_word(bytes, start, start + word.len())
                && begins_statement(bytes, start)
                && !lines.is_comment(bytes, start)
        }
        _ => !lines.is_comment(bytes, start),
    }
}

/// Whether `bytes[start..end]` is not part of a longer identifier.
fn is_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    !(start > 0 && is_ident(bytes[start - 1]) || bytes.get(end).is_some_and(|b| is_ident(*b)))
}

/// Whether a statement can begin at `start`: only blanks before it on its line, or a `{`, `;`,
/// `:` (a case or a label) or the `*/` of a comment.
fn begins_statement(bytes: &[u8], start: usize) -> bool {
    let line = &bytes[..start];
    match line
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'))
    {
        None => true,
        Some(i) => match line[i] {
            b'\n' | b'{' | b';' | b':' => true,
            b'/' => i > 0 && line[i - 1] == b'*',
            _ => false,
        },
    }
}

/// Whether a byte lies on a line whose first non-blank characters are `//`: a line comment,
/// or a line of a raw string or block comment — never code. Hits come in increasing order,
/// so the last line looked at is remembered.
#[derive(Default)]
struct CommentLines {
    /// The last line looked at: its byte range and whether it is a comment line.
    last: Option<(usize, usize, bool)>,
}

impl CommentLines {
    fn is_comment(&mut self, bytes: &[u8], at: usize) -> bool {
        if let Some((start, end, comment)) = self.last {
            if (start..end).contains(&at) {
                return comment;
            }
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = &bytes[start..end];
        let indent = line
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            .unwrap_or(line.len());
        let comment = line[indent..].starts_with(b"//");
        self.last = Some((start, end, comment));
        comment
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{find, UNUSED_SUPPRESSION};

    fn parses(settings: &LintSettings, language: Language, text: &str) -> bool {
        worth_parsing(language, text, settings)
    }

    #[test]
    fn files_without_any_needle_are_skipped() {
        let mut settings = LintSettings::default();
        let cancel = "package p\nimport \"context\"\nfunc f() { context.WithCancel(nil) }\n";
        assert!(parses(&settings, Language::Go, cancel));
        assert!(!parses(&settings, Language::Go, "import \"context\"\n"));
        assert!(!parses(&settings, Language::Go, "package p\nfunc f() {}\n"));
        assert!(!parses(
            &settings,
            Language::Go,
            "package p\n// x //nolint\n"
        ));
        // In a comment line only, or inside a longer name: not a needle.
        let commented = "package p\n  // context.WithCancel(nil)\n";
        assert!(!parses(&settings, Language::Go, commented));
        assert!(!parses(
            &settings,
            Language::Go,
            "var x = WithCancelled()\n"
        ));
        // Wrappers and configured cancel functions count by name.
        let wrapper = "package p\nfunc f() { ctx, stop := startTimer(nil) }\n";
        assert!(!parses(&settings, Language::Go, wrapper));
        settings
            .go
            .cancel_functions
            .push(crate::lang::go::CancelFunction {
                package: "example.com/timer".into(),
                name: "startTimer".into(),
                result: 1,
            });
        assert!(parses(&settings, Language::Go, wrapper));
        // Unused suppressions are reported wherever there is one.
        settings.rules = RULES.to_vec();
        assert!(parses(
            &settings,
            Language::Go,
            "package p\n// x //nolint\n"
        ));
        // ... also when it is the only rule selected.
        settings.rules.retain(|r| r.name == UNUSED_SUPPRESSION);
        assert!(parses(&settings, Language::Rust, "// x //nolint\n"));
        assert!(!parses(&settings, Language::Go, cancel));
        // No rule enabled for a language: nothing to find there.
        settings.rules.clear();
        assert!(!parses(&settings, Language::Go, cancel));
    }

    #[test]
    fn rules_run_only_where_their_needles_are() {
        let settings = LintSettings::default();
        let text =
            "package p\nimport \"context\"\nfunc f(c context.Context) { go g(context.TODO()) }\n";
        let names: Vec<&str> = rules_for(Language::Go, text, &settings)
            .iter()
            .map(|r| r.name)
            .collect();
        // The import, `TODO` and a handler type; `go` and `Context`; no cancel function, no
        // `chan`, no `defer`, no call that context-not-passed looks at.
        assert_eq!(
            names,
            ["background-in-handler", "goroutine-outlives-context"]
        );
        // `go` only where a statement begins: not in an import path or a package name.
        let paths = "package p\nimport (\n\t\"context\"\n\t\"github.com/x/go-y\"\n\t\"go.etcd.io/z\"\n)\nfunc f(c context.Context) {}\n";
        assert!(rules_for(Language::Go, paths, &settings).is_empty());
        let labelled =
            "package p\nfunc f(c context.Context) {\nL: go g()\n\tif x { /* c */ go g() }\n}\n";
        let names: Vec<&str> = rules_for(Language::Go, labelled, &settings)
            .iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["goroutine-outlives-context"]);
        let off = LintSettings {
            prefilter: false,
            ..LintSettings::only(&[find("abandoned-sender").unwrap()])
        };
        assert_eq!(rules_for(Language::Go, "", &off).len(), 1);
    }
}
