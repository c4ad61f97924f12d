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

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::lang::go::outline::Item;
use crate::lang::go::GoSettings;
use crate::lang::{is_ident_byte, Language};
use crate::rules::{Needle, Rule, RULES, SLOG_LEVELS};
use crate::settings::LintSettings;

/// The rules of `settings` that can report something in a file of `language` at `path` with
/// this text (every rule that runs, without the prefilter).
pub fn rules_for(
    language: Language,
    text: &str,
    path: Option<&Path>,
    settings: &LintSettings,
) -> Vec<&'static Rule> {
    Scan::new(text, path, &settings.go).rules(language, path, settings)
}

/// Whether a file of `language` at `path` with this text must be parsed: without the
/// prefilter always, with it when some rule whose findings are reported can report something
/// in it (`unused-suppression` where it has a suppression comment; rules that run only to
/// judge suppressions do not count).
pub fn worth_parsing(
    language: Language,
    text: &str,
    path: Option<&Path>,
    settings: &LintSettings,
) -> bool {
    !settings.prefilter || reports_any(&rules_for(language, text, path, settings), settings)
}

/// Whether one of the rules `active` has its findings reported under `settings` (rules that
/// run only to judge suppressions do not count).
pub(crate) fn reports_any(active: &[&Rule], settings: &LintSettings) -> bool {
    active
        .iter()
        .any(|r| settings.rules.iter().any(|s| std::ptr::eq(*s, *r)))
}

/// Every needle group of `rule`: those anywhere in the file, then those in the declaration of
/// the finding.
fn all_groups(rule: &Rule) -> impl Iterator<Item = &'static [Needle]> {
    rule.needles.iter().chain(rule.function_needles).copied()
}

/// The rules whose findings in a function declaration depend only on that declaration, the
/// file's other non-function declarations (imports, types, variables, constants) and the
/// functions it names (see [`go_parse_ranges`]). A rule not listed here makes its files parse
/// whole.
pub(crate) const PARTIAL_PARSE_RULES: &[&str] = &[
    "abandoned-sender",
    "background-in-handler",
    "callee-drops-context",
    "context-not-passed",
    "defer-cancel-in-loop",
    "discarded-cancel",
    "errgroup-context",
    "goroutine-outlives-context",
    "missing-defer-cancel",
    "prefer-without-cancel",
];

/// How much of a Go file a rule of [`PARTIAL_PARSE_RULES`] reads for its findings in one
/// declaration, beyond the file's non-function declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The declaration's [`closure`].
    Closure,
    /// The declaration and the functions and methods it names ([`named`]), not what those
    /// name in turn.
    Named,
    /// The declaration and the functions and methods its `go` statements run
    /// ([`go_callees`]).
    GoCallees,
    /// The declaration alone.
    Itself,
}

/// The rules whose findings need less than [`Reach::Closure`]: abandoned-sender reads the
/// function a `go` statement runs (`declared_callee`: a function or method of the file named
/// as the callee of the statement's call), context-not-passed nothing but the function with
/// the call, errgroup-context the function with the `errgroup.WithContext` call and the
/// functions it hands the group's context to.
const NARROW_RULES: &[(&str, Reach)] = &[
    ("abandoned-sender", Reach::GoCallees),
    ("context-not-passed", Reach::Itself),
    ("errgroup-context", Reach::Named),
];

/// The rules that read, of the file's declarations other than functions, only the package
/// clause and the imports (the package's name, import paths and aliases): not its types,
/// constants and variables (a name declared outside any function resolves to no
/// declaration for them). A file where only these rules have candidates parses its type,
/// constant and variable declarations only where they are candidates or reached themselves.
const LIGHT_RULES: &[&str] = &[
    "abandoned-sender",
    "errgroup-context",
    "goroutine-outlives-context",
];

fn reach(rule: &Rule) -> Reach {
    NARROW_RULES
        .iter()
        .find(|(name, _)| *name == rule.name)
        .map_or(Reach::Closure, |(_, reach)| *reach)
}

/// What of a Go file to parse when not all of it: the byte ranges (none when no declaration
/// can hold a finding: nothing to parse), and the names of the functions (not methods)
/// declared in what is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial<'t> {
    pub ranges: Vec<std::ops::Range<usize>>,
    pub left_out_functions: Vec<&'t str>,
}

/// The parts of a Go file the rules of `settings` need ([`crate::lang::parse_ranges`] parses
/// only those), or `None` to parse it whole. The candidates are the top-level declarations
/// where some rule that runs has a member of every needle group (counting members in the
/// file's other non-function declarations, except for its `function_needles`); without any,
/// nothing is parsed. Kept: every declaration other than a function (the package clause,
/// imports, types, variables, constants; only the package clause and imports, and the types,
/// variables and constants that are candidates or reached, when only [`LIGHT_RULES`] have
/// candidates), the candidates, then, until nothing changes, every
/// function or method whose name a candidate or kept function mentions and every one that
/// mentions a package-level variable one of them mentions ([`closure`]); less for the
/// candidates of rules that read less ([`Reach`]). Whole files:
/// when a rule outside [`PARTIAL_PARSE_RULES`] runs, when unused suppressions are reported or a `lint:file-ignore`
/// comment could be left out, and when the text is beyond the outline's lexer
/// ([`outline`](crate::lang::go::outline)).
pub fn go_parse_ranges<'t>(
    text: &'t str,
    path: Option<&Path>,
    settings: &LintSettings,
) -> Option<Partial<'t>> {
    let scan = Scan::new(text, path, &settings.go);
    let active = scan.rules(Language::Go, path, settings);
    go_parse_ranges_scanned(&scan, &active, settings)
}

/// [`go_parse_ranges`] of a file already scanned (with the Go settings of `settings`), where
/// the rules `active` can report something.
pub(crate) fn go_parse_ranges_scanned<'t>(
    scan: &Scan<'t, '_>,
    active: &[&'static Rule],
    settings: &LintSettings,
) -> Option<Partial<'t>> {
    let text = scan.text;
    if !settings.partial_parse
        || settings.report_unused()
        || memchr::memmem::find(text.as_bytes(), b"lint:file-ignore").is_some()
    {
        return None;
    }
    if active.is_empty()
        || active
            .iter()
            .any(|r| !PARTIAL_PARSE_RULES.contains(&r.name))
    {
        return None;
    }
    let items = crate::lang::go::outline::outline(text)?;
    if items.iter().all(|i| i.function.is_none()) {
        return None;
    }
    let found = ItemHits::scan(scan, &items);
    // The closer needle group of each active rule that has one in this file.
    let reported: Vec<Option<Vec<Needle>>> = active
        .iter()
        .map(|r| crate::rules::reported_calls(r, scan))
        .collect();
    // Whether declaration `k` is where a finding of the `i`-th active rule can be.
    let is_candidate = |i: usize, k: usize| {
        let rule = active[i];
        let here = |group: &[Needle]| group.iter().any(|n| found.has(k, *n));
        let anywhere =
            |group: &&[Needle]| group.iter().any(|n| found.has(k, *n) || found.shared(*n));
        rule.needles.iter().all(anywhere)
            && rule.function_needles.iter().all(|group| here(group))
            && reported[i].as_deref().is_none_or(here)
    };
    // The declarations where a finding of an active rule with each reach can be.
    let candidates = |wanted: Reach| -> Vec<bool> {
        (0..items.len())
            .map(|k| {
                (0..active.len())
                    .filter(|&i| reach(active[i]) == wanted)
                    .any(|i| is_candidate(i, k))
            })
            .collect()
    };
    let reached: Vec<bool> = closure(&items, &candidates(Reach::Closure), Callees::Every)
        .into_iter()
        .zip(named(&items, &candidates(Reach::Named)))
        .zip(go_callees(scan, &items, &candidates(Reach::GoCallees)))
        .zip(candidates(Reach::Itself))
        .map(|(((deep, named), go), itself)| deep || named || go || itself)
        .collect();
    if !reached.contains(&true) {
        return Some(Partial {
            ranges: Vec::new(),
            left_out_functions: Vec::new(),
        });
    }
    // The types, constants and variables are read only when a rule other than
    // [`LIGHT_RULES`] has a candidate.
    // (Without one of them active, the candidates found are another rule's.)
    let values_and_types_read = !active.iter().any(|r| LIGHT_RULES.contains(&r.name))
        || active
            .iter()
            .enumerate()
            .filter(|(_, r)| !LIGHT_RULES.contains(&r.name))
            .any(|(i, _)| (0..items.len()).any(|k| is_candidate(i, k)));
    let kept: Vec<bool> = items
        .iter()
        .zip(&reached)
        .map(|(item, reached)| {
            *reached
                || item.function.is_none() && (values_and_types_read || !item.only_values_and_types)
        })
        .collect();
    if kept.iter().all(|k| *k) {
        return None;
    }
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut left_out_functions = Vec::new();
    for (item, kept) in items.iter().zip(&kept) {
        if !kept {
            if !item.method {
                left_out_functions.extend(item.function);
            }
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.end == item.range.start => last.end = item.range.end,
            _ => ranges.push(item.range.clone()),
        }
    }
    Some(Partial {
        ranges,
        left_out_functions,
    })
}

/// Which functions and methods a mention of their name leads to, in [`closure`] and
/// [`reaching`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callees {
    /// Every function or method of that name: what a partial parse must keep, so that the
    /// rules see whether a name is declared more than once.
    Every,
    /// Only a function that is the one function of its name, or a method that is the one
    /// method of its name: the rules read a callee's declaration only when the call can mean
    /// no other (see `declared_callee` in the goroutine rules), so on a whole tree the
    /// declarations of a repeated name are not read through their name.
    Unique,
}

/// The functions and methods of an outline a mention of each name leads to (see [`Callees`]).
fn callees<'t>(items: &[Item<'t>], which: Callees) -> HashMap<&'t str, Vec<usize>> {
    let mut by_kind: HashMap<(&str, bool), Vec<usize>> = HashMap::new();
    for (k, item) in items.iter().enumerate() {
        if let Some(name) = item.function {
            by_kind.entry((name, item.method)).or_default().push(k);
        }
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for ((name, _), declarations) in by_kind {
        if which == Callees::Every || declarations.len() == 1 {
            by_name.entry(name).or_default().extend(declarations);
        }
    }
    by_name
}

/// The declarations of an outline the rules read for findings in the declarations `seeds`:
/// those, then, until none is new, every function or method whose name one of them mentions
/// (as far as `which` says) and every declaration that mentions a package-level variable one
/// of them mentions.
pub(crate) fn closure(items: &[Item<'_>], seeds: &[bool], which: Callees) -> Vec<bool> {
    let variables: HashSet<&str> = items
        .iter()
        .flat_map(|i| i.variables.iter().copied())
        .collect();
    let mut seen_variables = HashSet::new();
    let by_name = callees(items, which);
    // The words of each item as a set, made when the users of a variable are first looked for.
    let mut word_sets: Option<Vec<HashSet<&str>>> = None;
    let mut reached = seeds.to_vec();
    let mut pending: Vec<usize> = (0..items.len()).filter(|k| seeds[*k]).collect();
    while let Some(k) = pending.pop() {
        let mut wanted = Vec::new();
        for word in &items[k].words {
            wanted.extend(by_name.get(word).into_iter().flatten());
            if variables.contains(word) && seen_variables.insert(*word) {
                let sets = word_sets.get_or_insert_with(|| {
                    items
                        .iter()
                        .map(|i| i.words.iter().copied().collect())
                        .collect()
                });
                let users = sets.iter().enumerate().filter(|(_, s)| s.contains(word));
                wanted.extend(users.map(|(j, _)| j));
            }
        }
        for j in wanted {
            if !reached[j] {
                reached[j] = true;
                pending.push(j);
            }
        }
    }
    reached
}

/// The declarations `seeds` and every function or method named as the callee of the call of
/// one of their `go` statements (`go f(…)`, `go x.y.f(…)`: `f`); every one whose name a seed
/// mentions ([`named`]) when a `go` statement of the seed is beyond this (`go f[T](x)`, a
/// callee across lines; a func literal, `go func(…) {…}(…)`, names none).
fn go_callees(scan: &Scan<'_, '_>, items: &[Item<'_>], seeds: &[bool]) -> Vec<bool> {
    if !seeds.contains(&true) {
        return seeds.to_vec();
    }
    let Some(go) = AUTOMATON.index.get(&Needle::Statement("go")).copied() else {
        return named(items, seeds);
    };
    let bytes = scan.text.as_bytes();
    let item_of = |at: usize| items.partition_point(|i| i.range.end <= at);
    let mut lines = CommentLines::default();
    let mut callees: Vec<&[u8]> = Vec::new();
    let mut unsure_seeds = vec![false; items.len()];
    for &(start, id) in &scan.occurrences {
        let k = item_of(start);
        if id != go || !seeds.get(k).copied().unwrap_or(false) || unsure_seeds[k] {
            continue;
        }
        if !counts(
            Needle::Statement("go"),
            scan.text,
            start,
            0..bytes.len(),
            &mut lines,
        ) {
            continue;
        }
        match go_callee(bytes, start + "go".len()) {
            Some(Some(name)) => callees.push(name),
            Some(None) => {}
            None => unsure_seeds[k] = true,
        }
    }
    let unsure = named(items, &unsure_seeds);
    items
        .iter()
        .zip(seeds)
        .zip(unsure)
        .map(|((item, seed), unsure)| {
            *seed
                || unsure
                || item
                    .function
                    .is_some_and(|f| callees.contains(&f.as_bytes()))
        })
        .collect()
}

/// The name of the function or method called by the `go` statement whose keyword ends at
/// `at`: `Some(Some(f))` for `go f(` and `go x.y.f(` (blanks between, on the keyword's line),
/// `Some(None)` for a func literal (`go func`), `None` for anything else.
fn go_callee(bytes: &[u8], at: usize) -> Option<Option<&[u8]>> {
    let mut i = at;
    let mut last: Option<&[u8]> = None;
    let mut after_dot = true;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' => i += 1,
            b'.' if !after_dot => {
                after_dot = true;
                i += 1;
            }
            b'(' if !after_dot => return Some(last),
            b if is_ident_byte(b) && after_dot => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                let word = &bytes[start..i];
                if last.is_none() && word == b"func" {
                    return Some(None);
                }
                if !word.is_ascii() || word[0].is_ascii_digit() {
                    return None;
                }
                last = Some(word);
                after_dot = false;
            }
            _ => return None,
        }
    }
    None
}

/// The declarations `seeds` and every function or method whose name one of them mentions.
fn named(items: &[Item<'_>], seeds: &[bool]) -> Vec<bool> {
    let mentioned: HashSet<&str> = items
        .iter()
        .zip(seeds)
        .filter(|(_, seed)| **seed)
        .flat_map(|(item, _)| item.words.iter().copied())
        .collect();
    items
        .iter()
        .zip(seeds)
        .map(|(item, seed)| *seed || item.function.is_some_and(|f| mentioned.contains(f)))
        .collect()
}

/// The declarations whose [`closure`] (with the same `which`) holds one of `targets` (the
/// targets too): those whose findings a change to the targets can change.
pub(crate) fn reaching(items: &[Item<'_>], targets: &[bool], which: Callees) -> Vec<bool> {
    let variables: HashSet<&str> = items
        .iter()
        .flat_map(|i| i.variables.iter().copied())
        .collect();
    let by_name = callees(items, which);
    let names: HashSet<&str> = by_name.keys().copied().collect();
    let is_callee = |j: usize| {
        items[j]
            .function
            .and_then(|name| by_name.get(name))
            .is_some_and(|declarations| declarations.contains(&j))
    };
    // The declarations that mention each function name and package variable.
    let mut mentions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, item) in items.iter().enumerate() {
        for word in &item.words {
            if names.contains(word) || variables.contains(word) {
                let mentioning = mentions.entry(word).or_default();
                if mentioning.last() != Some(&k) {
                    mentioning.push(k);
                }
            }
        }
    }
    let mut reached = targets.to_vec();
    let mut pending: Vec<usize> = (0..items.len()).filter(|k| targets[*k]).collect();
    while let Some(j) = pending.pop() {
        // One step of `closure` reaches `j` from a declaration that names it or that shares
        // a package variable with it.
        let shared: HashSet<&str> = items[j]
            .words
            .iter()
            .copied()
            .filter(|w| variables.contains(w))
            .collect();
        let name = items[j].function.filter(|_| is_callee(j));
        for word in name.into_iter().chain(shared) {
            for &k in mentions.get(word).into_iter().flatten() {
                if !reached[k] {
                    reached[k] = true;
                    pending.push(k);
                }
            }
        }
    }
    reached
}

/// The needles found in each item of a Go file's outline.
struct ItemHits<'t> {
    /// By item, then by pattern of [`AUTOMATON`] (a needle [`judged_when_asked`]: any
    /// occurrence, see `asked`).
    found: Vec<bool>,
    /// The text, and each item's scope (see [`counts`]).
    text: &'t str,
    scopes: Vec<std::ops::Range<usize>>,
    /// The occurrences of the patterns of needles [`judged_when_asked`]: (item, start,
    /// pattern), in the order of the scan; whether one counts is judged when asked.
    asked: Vec<(usize, usize, usize)>,
    patterns: usize,
    /// By item: a name only the settings know of a cancel function, of a handler type, of a
    /// request type; a call of a function with a context-taking sibling.
    cancel_functions: Vec<bool>,
    handler_types: Vec<bool>,
    request_types: Vec<bool>,
    sibling_calls: Vec<bool>,
    root_calls: Vec<bool>,
    /// Whether the Go settings report `log/slog` calls ([`Needle::SlogLevel`]).
    slog_calls: bool,
    /// The patterns of [`AUTOMATON`] that are names of cancel functions, of handler types, of
    /// request types.
    cancel_patterns: Vec<usize>,
    handler_patterns: Vec<usize>,
    request_patterns: Vec<usize>,
    /// Whether an item that is not a function has the needle.
    shared: HashMap<Needle, bool>,
    /// Which items are functions.
    functions: Vec<bool>,
}

impl<'t> ItemHits<'t> {
    /// The needles of the file `scan` in each of its declarations `items`, from the scan's
    /// occurrences (the text is not searched again).
    fn scan(scan: &Scan<'t, '_>, items: &[Item<'_>]) -> ItemHits<'t> {
        let automaton = &*AUTOMATON;
        let text = scan.text;
        let patterns = automaton.patterns.len();
        let item_of = |at: usize| items.partition_point(|i| i.range.end <= at);
        let mut found = vec![false; items.len() * patterns];
        let mut asked = Vec::new();
        let mut lines = CommentLines::default();
        for &(start, id) in &scan.occurrences {
            let item = item_of(start);
            let slot = item * patterns + id;
            if slot < found.len() && judged_when_asked(automaton.patterns[id]) {
                found[slot] = true;
                asked.push((item, start, id));
                continue;
            }
            if slot < found.len() && !found[slot] {
                // The declaration the hit is in (a hit between declarations: up to the end of
                // the next one).
                let range = &items[item].range;
                let scope = range.start.min(start)..range.end;
                found[slot] = counts(automaton.patterns[id], text, start, scope, &mut lines);
            }
        }
        let by_item = |positions: &mut dyn Iterator<Item = usize>| {
            let mut by_item = vec![false; items.len()];
            for at in positions {
                if let Some(slot) = by_item.get_mut(item_of(at)) {
                    *slot = true;
                }
            }
            by_item
        };
        let names_of = |kind: usize| {
            let words: &[(usize, u8)] = if scan.names[kind].others.is_empty() {
                &[]
            } else {
                scan.words()
            };
            by_item(
                &mut words
                    .iter()
                    .filter(|(_, kinds)| kinds & (1 << kind) != 0)
                    .map(|(at, _)| *at),
            )
        };
        let mut hits = ItemHits {
            cancel_patterns: scan.names[CANCEL].built_in.clone(),
            handler_patterns: scan.names[HANDLER].built_in.clone(),
            request_patterns: scan.names[REQUEST].built_in.clone(),
            cancel_functions: names_of(CANCEL),
            handler_types: names_of(HANDLER),
            request_types: names_of(REQUEST),
            sibling_calls: by_item(&mut scan.sibling_calls().iter().copied()),
            root_calls: by_item(&mut scan.root_calls().iter().copied()),
            slog_calls: scan.go.slog_calls,
            found,
            text,
            scopes: items.iter().map(|i| i.range.clone()).collect(),
            asked,
            patterns,
            shared: Default::default(),
            functions: items.iter().map(|i| i.function.is_some()).collect(),
        };
        // Asked only of the needles anywhere in the file (`Rule::needles`).
        let needles: Vec<Needle> = RULES
            .iter()
            .flat_map(|r| r.needles.iter().copied())
            .flat_map(|g| g.iter().copied())
            .collect();
        for needle in needles {
            let shared = (0..items.len()).any(|k| !hits.functions[k] && hits.has(k, needle));
            hits.shared.insert(needle, shared);
        }
        hits
    }

    /// Whether item `k` has `needle`.
    fn has(&self, k: usize, needle: Needle) -> bool {
        let found = |id: usize| self.found[k * self.patterns + id];
        match needle {
            Needle::CancelFunction => {
                self.cancel_functions[k] || self.cancel_patterns.iter().any(|id| found(*id))
            }
            Needle::HandlerType => {
                self.handler_types[k] || self.handler_patterns.iter().any(|id| found(*id))
            }
            Needle::RequestType => {
                self.request_types[k] || self.request_patterns.iter().any(|id| found(*id))
            }
            Needle::SiblingCall => self.sibling_calls[k],
            Needle::RootCall => self.root_calls[k],
            Needle::SlogLevel => self.slog_calls && slog_levels().any(found),
            Needle::Parameter(_) => AUTOMATON.index.get(&needle).is_some_and(|id| {
                found(*id)
                    && any_in_parameter_list(
                        self.text.as_bytes(),
                        text_of(needle),
                        self.asked_in(k, *id),
                        self.scopes[k].start,
                    )
            }),
            Needle::UnbufferedChannel | Needle::GroupContext => {
                AUTOMATON.index.get(&needle).is_some_and(|id| {
                    let mut lines = CommentLines::default();
                    found(*id)
                        && self.asked_in(k, *id).any(|start| {
                            let scope = self.scopes[k].clone();
                            counts(needle, self.text, start, scope, &mut lines)
                        })
                })
            }
            _ => AUTOMATON.index.get(&needle).is_some_and(|id| found(*id)),
        }
    }

    /// The starts of the occurrences of the pattern `id` (of a needle [`judged_when_asked`])
    /// in item `k`.
    fn asked_in(&self, k: usize, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.asked
            .iter()
            .filter(move |(item, _, pattern)| *item == k && *pattern == id)
            .map(|(_, start, _)| *start)
    }

    /// Whether an item that is not a function has `needle`.
    fn shared(&self, needle: Needle) -> bool {
        self.shared.get(&needle).copied().unwrap_or(true)
    }
}

/// Where the words `names` occur in code in `text`, each with the kinds (a bit set) of its
/// name. Most identifiers are ruled out by their length and first byte before any hashing.
fn word_positions(names: &HashMap<&str, u8>, text: &str) -> Vec<(usize, u8)> {
    let bytes = text.as_bytes();
    // Bit `n` of `lengths`: a name of `n` bytes (bit 63: 63 bytes or more).
    let mut lengths = 0u64;
    let mut first = [false; 256];
    for name in names.keys() {
        lengths |= 1 << name.len().min(63);
        if let Some(b) = name.bytes().next() {
            first[usize::from(b)] = true;
        }
    }
    let mut lines = CommentLines::default();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident_byte(bytes[i]) {
            i += 1;
        }
        if lengths & (1 << (i - start).min(63)) == 0 || !first[usize::from(bytes[start])] {
            continue;
        }
        // Identifier runs split only at ASCII bytes: `start..i` is on character boundaries.
        if let Some(kinds) = names.get(&text[start..i]) {
            if !lines.is_comment(bytes, start) {
                found.push((start, *kinds));
            }
        }
    }
    found
}

/// Every needle text of the registry, compiled once.
struct Automaton {
    search: Option<AhoCorasick>,
    /// The needle of each pattern of `search`.
    patterns: Vec<Needle>,
    /// The pattern of each needle of `patterns`.
    index: HashMap<Needle, usize>,
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let defaults = GoSettings::default();
    let mut patterns: Vec<Needle> = Vec::new();
    for needle in RULES
        .iter()
        .flat_map(|r| all_groups(r))
        .flat_map(|g| g.iter())
    {
        let expanded: Vec<Needle> = match needle {
            Needle::CancelFunction | Needle::HandlerType => names(&defaults, *needle, |_| true)
                .into_iter()
                .map(|n| Needle::Word(leak(n)))
                .collect(),
            // The names, and the import paths that make them request types.
            Needle::RequestType => {
                let names = names(&defaults, *needle, |_| true);
                let packages = defaults
                    .handler_types
                    .iter()
                    .filter(|h| names.contains(&h.name))
                    .map(|h| Needle::Text(leak(h.package.clone())));
                names
                    .iter()
                    .map(|n| Needle::Word(leak(n.clone())))
                    .chain(packages)
                    .collect()
            }
            Needle::SiblingCall | Needle::RootCall => Vec::new(),
            Needle::SlogLevel => SLOG_LEVELS.iter().map(|w| Needle::Word(w)).collect(),
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
        index: (0..patterns.len()).map(|id| (patterns[id], id)).collect(),
        patterns,
    }
});

impl Automaton {
    /// The pattern of the word needle `word`, if it is one.
    fn word_position(&self, word: &str) -> Option<usize> {
        self.patterns
            .iter()
            .position(|p| matches!(p, Needle::Word(w) if *w == word))
    }

    /// The pattern of the text needle `text`, if it is one.
    fn text_position(&self, text: &str) -> Option<usize> {
        self.patterns
            .iter()
            .position(|p| matches!(p, Needle::Text(t) if *t == text))
    }
}

/// The patterns of [`AUTOMATON`] of the words of [`Needle::SlogLevel`].
fn slog_levels() -> impl Iterator<Item = usize> {
    SLOG_LEVELS
        .iter()
        .filter_map(|w| AUTOMATON.index.get(&Needle::Word(w)).copied())
}

/// A built-in name as a `'static` needle (the automaton lives for the whole run).
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

fn text_of(needle: Needle) -> &'static str {
    match needle {
        Needle::Text(t)
        | Needle::Word(t)
        | Needle::Statement(t)
        | Needle::Comment(t)
        | Needle::Parameter(t) => t,
        Needle::UnbufferedChannel => "make",
        Needle::GroupContext => "WithContext",
        Needle::CancelFunction
        | Needle::HandlerType
        | Needle::RequestType
        | Needle::SiblingCall
        | Needle::RootCall
        | Needle::SlogLevel => "",
    }
}

/// The names a settings-dependent needle stands for in a text that mentions the import paths
/// `mentions` accepts, sorted and deduplicated.
fn names(go: &GoSettings, needle: Needle, mentions: impl Fn(&str) -> bool) -> Vec<String> {
    let mut names: Vec<String> = match needle {
        Needle::CancelFunction => go
            .cancel_functions
            .iter()
            .map(|f| f.name.clone())
            .chain(go.wrappers.iter().map(|w| w.name.clone()))
            .collect(),
        Needle::HandlerType => go.handler_types.iter().map(|h| h.name.clone()).collect(),
        // A type is known by its import path: a file that does not mention the path cannot
        // have a parameter of that type.
        Needle::RequestType => go
            .handler_types
            .iter()
            .filter(|h| h.context != "{}" && mentions(&h.package))
            .map(|h| h.name.clone())
            .collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

/// The settings-dependent needles, by index in [`Scan::names`].
const CANCEL: usize = 0;
const HANDLER: usize = 1;
const REQUEST: usize = 2;

fn kind_of(needle: Needle) -> Option<usize> {
    match needle {
        Needle::CancelFunction => Some(CANCEL),
        Needle::HandlerType => Some(HANDLER),
        Needle::RequestType => Some(REQUEST),
        _ => None,
    }
}

/// The names a settings-dependent needle stands for in one file: the patterns of
/// [`AUTOMATON`] among them, and the others (only the settings know them).
struct Names {
    built_in: Vec<usize>,
    others: Vec<String>,
}

/// One scan of a file's text for the needles of every rule and of the settings, read by every
/// question asked about the file (which rules can report something in it, which of its
/// declarations to parse): the multi-pattern search runs once per file, and the names only the
/// settings know (inferred cancel wrappers, configured ones) are looked for in one pass over
/// the file's words, the first time one is asked about.
pub struct Scan<'a, 'g> {
    text: &'a str,
    /// The file's path, when known (the functions of the tree it can reach depend on it).
    path: Option<&'g Path>,
    go: &'g GoSettings,
    /// Every occurrence of a pattern of [`AUTOMATON`]: (start, pattern); whether it counts is
    /// judged where it is asked.
    occurrences: Vec<(usize, usize)>,
    /// By pattern of [`AUTOMATON`]: whether an occurrence counts (for a needle
    /// [`judged_when_asked`], whether one is in code).
    found: Vec<bool>,
    /// By [`CANCEL`], [`HANDLER`], [`REQUEST`].
    names: [Names; 3],
    /// Where the names only the settings know occur, with their kinds (bit `1 << CANCEL`, …).
    words: OnceCell<Vec<(usize, u8)>>,
    /// Where a function with a context-taking sibling, or that starts a root, is called.
    sibling_calls: OnceCell<Vec<usize>>,
    root_calls: OnceCell<Vec<usize>>,
}

impl<'a, 'g> Scan<'a, 'g> {
    /// Scans `text`, of the file at `path`, for the needles of the registry and of the Go
    /// settings `go`.
    pub fn new(text: &'a str, path: Option<&'g Path>, go: &'g GoSettings) -> Scan<'a, 'g> {
        let automaton = &*AUTOMATON;
        let mut found = vec![false; automaton.patterns.len()];
        let mut occurrences = Vec::new();
        let mut lines = CommentLines::default();
        if let Some(search) = &automaton.search {
            for hit in search.find_overlapping_iter(text) {
                let id = hit.pattern().as_usize();
                occurrences.push((hit.start(), id));
                if !found[id] {
                    let needle = automaton.patterns[id];
                    found[id] = if judged_when_asked(needle) {
                        !lines.is_comment(text.as_bytes(), hit.start())
                    } else {
                        counts(needle, text, hit.start(), 0..text.len(), &mut lines)
                    };
                }
            }
        }
        // A request type is known by its import path (see `names`).
        let mentions = |package: &str| match automaton.text_position(package) {
            Some(id) => found[id],
            None => memchr::memmem::find(text.as_bytes(), package.as_bytes()).is_some(),
        };
        let names = [
            Needle::CancelFunction,
            Needle::HandlerType,
            Needle::RequestType,
        ]
        .map(|needle| {
            let (built_in, others): (Vec<String>, Vec<String>) = names(go, needle, mentions)
                .into_iter()
                .partition(|name| automaton.word_position(name).is_some());
            Names {
                built_in: built_in
                    .iter()
                    .filter_map(|name| automaton.word_position(name))
                    .collect(),
                others,
            }
        });
        Scan {
            text,
            path,
            go,
            occurrences,
            found,
            names,
            words: OnceCell::new(),
            sibling_calls: OnceCell::new(),
            root_calls: OnceCell::new(),
        }
    }

    /// The text scanned.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The path of the file scanned, when known.
    pub fn path(&self) -> Option<&'g Path> {
        self.path
    }

    /// The Go settings the text was scanned with.
    pub fn go(&self) -> &'g GoSettings {
        self.go
    }

    /// The rules of `settings` (whose Go settings the scan was made with) that can report
    /// something in this text in a file of `language` at `path` (every rule that runs, without
    /// the prefilter).
    pub fn rules(
        &self,
        language: Language,
        path: Option<&Path>,
        settings: &LintSettings,
    ) -> Vec<&'static Rule> {
        let rules = settings.rules_to_run();
        if !settings.prefilter {
            return rules;
        }
        let test_file = language == Language::Go && crate::lang::go::is_test_path(path);
        rules
            .into_iter()
            .filter(|r| {
                r.languages().contains(&language)
                    && (r.test_files || !test_file)
                    && self.satisfies(r)
                    && crate::rules::may_report(r, self)
            })
            .collect()
    }

    /// Whether every needle group of `rule` has a member in the text.
    fn satisfies(&self, rule: &Rule) -> bool {
        all_groups(rule).all(|group| group.iter().any(|n| self.contains(*n)))
    }

    fn contains(&self, needle: Needle) -> bool {
        match needle {
            // Judged only here, where a rule that runs asks (see `Scan::new`).
            Needle::Parameter(_) => AUTOMATON.index.get(&needle).is_some_and(|id| {
                self.found[*id]
                    && any_in_parameter_list(
                        self.text.as_bytes(),
                        text_of(needle),
                        self.occurrences
                            .iter()
                            .filter(|(_, pattern)| pattern == id)
                            .map(|(start, _)| *start),
                        0,
                    )
            }),
            Needle::UnbufferedChannel | Needle::GroupContext => {
                AUTOMATON.index.get(&needle).is_some_and(|id| {
                    let mut lines = CommentLines::default();
                    self.found[*id]
                        && self
                            .occurrences
                            .iter()
                            .filter(|(_, pattern)| pattern == id)
                            .any(|(start, _)| {
                                counts(needle, self.text, *start, 0..self.text.len(), &mut lines)
                            })
                })
            }
            Needle::SiblingCall => !self.sibling_calls().is_empty(),
            Needle::RootCall => !self.root_calls().is_empty(),
            Needle::SlogLevel => self.go.slog_calls && slog_levels().any(|id| self.found[id]),
            _ => match kind_of(needle) {
                Some(kind) => {
                    let names = &self.names[kind];
                    names.built_in.iter().any(|id| self.found[*id])
                        || !names.others.is_empty()
                            && self
                                .words()
                                .iter()
                                .any(|(_, kinds)| kinds & (1 << kind) != 0)
                }
                None => AUTOMATON
                    .index
                    .get(&needle)
                    .is_some_and(|id| self.found[*id]),
            },
        }
    }

    /// Where the names only the settings know occur (one pass over the words of the text,
    /// however many names the settings list).
    fn words(&self) -> &[(usize, u8)] {
        self.words.get_or_init(|| {
            let mut kinds: HashMap<&str, u8> = HashMap::new();
            for (kind, names) in self.names.iter().enumerate() {
                for name in &names.others {
                    *kinds.entry(name.as_str()).or_default() |= 1 << kind;
                }
            }
            if kinds.is_empty() {
                Vec::new()
            } else {
                word_positions(&kinds, self.text)
            }
        })
    }

    /// Where a function with a context-taking sibling that the file can reach is called.
    pub(crate) fn sibling_calls(&self) -> &[usize] {
        self.sibling_calls.get_or_init(|| {
            self.go
                .siblings
                .calls_in_file(self.text, self.path, &self.go.types)
        })
    }

    /// Where a function that starts a root and that the file can reach is called.
    pub(crate) fn root_calls(&self) -> &[usize] {
        self.root_calls.get_or_init(|| {
            self.go
                .roots
                .calls_in_file(self.text, self.path, &self.go.types)
        })
    }
}

/// Whether the occurrences of `needle` in a file are judged only where a rule that runs asks
/// ([`Scan::contains`]), not when the file is scanned: their check reads far beyond the hit
/// (a parameter list's opening, a channel's or group's uses), which a run without the rules
/// that need them should not pay for.
fn judged_when_asked(needle: Needle) -> bool {
    matches!(
        needle,
        Needle::Parameter(_) | Needle::UnbufferedChannel | Needle::GroupContext
    )
}

/// Whether the occurrence of `needle` at `start` counts: a word where the needle is one, and
/// in code unless the needle is a comment's. `scope` is the part of the text the needle's
/// declaration spans (all of it when declarations do not matter).
fn counts(
    needle: Needle,
    text: &str,
    start: usize,
    scope: std::ops::Range<usize>,
    lines: &mut CommentLines,
) -> bool {
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
        Needle::UnbufferedChannel => {
            is_word(bytes, start, start + "make".len())
                && bytes[..start]
                    .iter()
                    .rev()
                    .find(|b| !is_blank(**b))
                    .is_none_or(|b| matches!(b, b'=' | b',') || unsure(*b))
                && !lines.is_comment(bytes, start)
                && may_make_unbuffered_channel(&bytes[start + "make".len()..])
                && may_reach_a_sender(bytes, start, scope)
        }
        Needle::GroupContext => {
            is_word(bytes, start, start + "WithContext".len())
                && !lines.is_comment(bytes, start)
                && may_misuse_group_context(bytes, start, scope)
        }
        _ => !lines.is_comment(bytes, start),
    }
}

/// Whether one of these occurrences of the [`Needle::Parameter`] `needle` (their starts, in
/// text order) is in code, not a comment, may end the type of the last parameter of a list
/// ([`may_end_last_pointer_parameter`]) and may be in a parameter list; reading back stops at
/// `from`.
fn any_in_parameter_list(
    bytes: &[u8],
    needle: &str,
    mut starts: impl Iterator<Item = usize>,
    from: usize,
) -> bool {
    let mut lines = CommentLines::default();
    starts.any(|start| {
        !lines.is_comment(bytes, start)
            && may_end_last_pointer_parameter(bytes, start, start + needle.len())
            && in_parameter_list(bytes, start, from.min(start))
    })
}

/// Whether `bytes[start..end]` may end the name of a package's type that the last parameter
/// of a list points to (`req *pb.GetRequest)`, `r *http.Request,\n)`): after it a `)`, or a
/// `,` and a `)`; before it the rest of the name, a `.`, the package's name and a `*`
/// (blanks aside). A comment or non-ASCII text on the way counts.
fn may_end_last_pointer_parameter(bytes: &[u8], start: usize, end: usize) -> bool {
    let after_blanks = |mut at: usize| {
        while bytes.get(at).is_some_and(|b| is_blank(*b)) {
            at += 1;
        }
        at
    };
    let mut after = after_blanks(end);
    if bytes.get(after) == Some(&b',') {
        after = after_blanks(after + 1);
    }
    match bytes.get(after) {
        Some(b')') => {}
        Some(b) => return unsure(*b),
        None => return false,
    }
    // Back over the rest of the name, the `.`, the package and the `*`.
    let word_start = |mut at: usize| {
        while at > 0 && is_ident_byte(bytes[at - 1]) {
            at -= 1;
        }
        at
    };
    let mut at = blank_before(bytes, word_start(start));
    for expected in [b'.', b'*'] {
        match at.checked_sub(1).map(|i| bytes[i]) {
            Some(b) if b == expected => {}
            Some(b) => return unsure(b),
            None => return false,
        }
        at = blank_before(bytes, at - 1);
        if expected == b'.' {
            let package = word_start(at);
            if package == at {
                return at > 0 && unsure(bytes[at - 1]);
            }
            at = blank_before(bytes, package);
        }
    }
    true
}

/// Whether `bytes[at]` may be inside a parameter list (see [`Needle::Parameter`]): reading
/// back from it, line by line (the code of each line only: no string, rune or `//` comment),
/// the first `(`, `[` or `{` that is not matched is a `(` that opens parameters. Reading stops
/// at `from` (not in a parameter list), and counts when a line is beyond this. It stops too
/// after a line whose code begins, in its first column, with `func` and leaves no bracket
/// open: a function declaration's parameters open on or after the line of its keyword, and
/// the declarations before it are closed.
fn in_parameter_list(bytes: &[u8], at: usize, from: usize) -> bool {
    match open_bracket(bytes, at, from, &["type", "var", "const", "import", "func"]) {
        Some(Some(open)) => bytes[open] == b'(' && opens_parameters(bytes, open),
        Some(None) => false,
        None => true,
    }
}

/// The innermost `(`, `[` or `{` still open at `bytes[at]`, read back from it line by line
/// (the code of each line only: no string, rune or `//` comment): `Some(None)` when reading
/// reaches `from` or, with none open on it, a line whose code begins with one of the
/// keywords `starts` in its first column (a declaration's start: with
/// [`DECLARATION_KEYWORDS`], `type`, `var`, `const` or `import`, none of which can be in
/// brackets), `None` when a line is beyond this.
fn open_bracket(bytes: &[u8], at: usize, from: usize, starts: &[&str]) -> Option<Option<usize>> {
    let from = from.min(at);
    let mut depth = 0usize;
    let mut end = at;
    loop {
        let start = memchr::memrchr(b'\n', &bytes[from..end]).map_or(from, |i| from + i + 1);
        let code = code_of_line(&bytes[start..end])?;
        for (i, byte) in code.iter().enumerate().rev() {
            match byte {
                b')' | b']' | b'}' => depth += 1,
                b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
                b'(' | b'[' | b'{' => return Some(Some(start + i)),
                _ => {}
            }
        }
        if start <= from || begins_with_keyword(&code, starts) {
            return Some(None);
        }
        end = start - 1;
    }
}

/// The keywords of the declarations that cannot be inside brackets.
const DECLARATION_KEYWORDS: &[&str] = &["type", "var", "const", "import"];

/// Whether a line's code begins, in its first column, with one of `keywords`.
fn begins_with_keyword(code: &[u8], keywords: &[&str]) -> bool {
    keywords.iter().any(|keyword| {
        code.starts_with(keyword.as_bytes())
            && code
                .get(keyword.len())
                .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    })
}

/// A line's bytes with its strings and runes blanked and its `//` comment cut, or `None` when
/// that is beyond a line (a raw string, a `/*` comment) or the text is not ASCII. A line with
/// none of these (most) is its own code, borrowed.
fn code_of_line(line: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b'"' | b'\'' | b'`' | b'/');
    if line.iter().all(plain) {
        return Some(std::borrow::Cow::Borrowed(line));
    }
    let mut code = Vec::with_capacity(line.len());
    let mut quote = None;
    let mut escaped = false;
    for (i, &byte) in line.iter().enumerate() {
        if !byte.is_ascii() || byte == b'`' {
            return None;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == q {
                    quote = None;
                }
                code.push(b' ');
            }
            None => match byte {
                b'"' | b'\'' => {
                    quote = Some(byte);
                    code.push(b' ');
                }
                b'/' if line.get(i + 1) == Some(&b'/') => break,
                b'/' if line.get(i + 1) == Some(&b'*') => return None,
                b'*' if line.get(i + 1) == Some(&b'/') => return None,
                _ => code.push(byte),
            },
        }
    }
    Some(std::borrow::Cow::Owned(code))
}

/// Whether the `(` at `open` opens parameters: it follows `func`, a name that follows `func`
/// or `)` (a method's name after its receiver), a `]` (type parameters) or a `)` (results).
fn opens_parameters(bytes: &[u8], open: usize) -> bool {
    let before = |at: usize| bytes[..at].iter().rposition(|b| !matches!(b, b' ' | b'\t'));
    let Some(last) = before(open) else {
        return false;
    };
    match bytes[last] {
        b']' | b')' => true,
        b if is_ident_byte(b) => {
            let word_start = bytes[..=last]
                .iter()
                .rposition(|b| !is_ident_byte(*b))
                .map_or(0, |i| i + 1);
            if &bytes[word_start..=last] == b"func" {
                return true;
            }
            before(word_start).is_some_and(|i| {
                bytes[i] == b')'
                    || (i >= 3 && &bytes[i - 3..=i] == b"func" && is_word(bytes, i - 3, i + 1))
            })
        }
        _ => false,
    }
}

/// Whether the text after a `make` can be the rest of a `make(chan T)` or `make(chan T, 0)`
/// call: `(chan` (blanks aside), then up to the parenthesis that closes it no buffer size but
/// `0`. Whatever this does not follow (a string, a comment, non-ASCII text, the end of the
/// text) counts.
fn may_make_unbuffered_channel(rest: &[u8]) -> bool {
    let skip_blanks = |at: usize| {
        rest[at..]
            .iter()
            .position(|b| !is_blank(*b))
            .map_or(rest.len(), |i| at + i)
    };
    let opening = skip_blanks(0);
    match rest.get(opening) {
        Some(b'(') => {}
        Some(b) if !unsure(*b) => return false,
        _ => return true,
    }
    let ty = skip_blanks(opening + 1);
    match rest.get(ty) {
        Some(b'c') if rest[ty..].starts_with(b"chan") && is_word(rest, ty, ty + 4) => {}
        Some(b) if !unsure(*b) => return false,
        _ => return true,
    }
    let mut depth = 1;
    for (at, byte) in rest.iter().enumerate().skip(ty + "chan".len()) {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            // `make(chan T,)`, `make(chan T, 0)`: unbuffered; any other size: buffered.
            b',' if depth == 1 => {
                let size = skip_blanks(at + 1);
                return match rest.get(size) {
                    Some(b'0') => match rest.get(skip_blanks(size + 1)) {
                        Some(b')' | b',') => true,
                        Some(b) => unsure(*b),
                        None => true,
                    },
                    Some(b')') => true,
                    Some(b) => unsure(*b),
                    None => true,
                };
            }
            b'"' | b'\'' | b'`' => return true,
            b if unsure(*b) => return true,
            _ => {}
        }
    }
    true
}

/// Whether the channel made by the `make` at `start` can be sent on by a goroutine, as far as
/// the text of its declaration `scope` tells: it is bound to a new variable (`name :=`,
/// `var name =`, `name =` in a `var ( … )` group right before the `make`; not an assignment
/// to a field or to a variable declared before, nor an argument or element after a comma),
/// whose name occurs in `scope` followed by `<-` (a send, in a func literal), or alone between
/// `(` or `,` and `,` or `)` (an argument, as of the call of a `go` statement: the function it
/// runs sends on its parameter), and neither used in its block other than by a receive
/// ([`unused_in_its_block`]) nor received right after every `go` statement that names it
/// ([`received_after_every_go`]). A channel used neither way is never handed to a goroutine
/// that sends on it; one used so has no sender the rule knows, one received so is never
/// given up while its sender may still send. Whatever this does not follow (a list of names or values, a typed `var`, a comment,
/// non-ASCII text) counts.
fn may_reach_a_sender(bytes: &[u8], start: usize, scope: std::ops::Range<usize>) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let inline_blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r');
    // Back from the `make`: `=` or `:=`, then the name, at the start of its statement.
    let mut at = blank_before(bytes, start);
    if at > 0 && bytes[at - 1] == b',' {
        return may_be_declared_value(bytes, at - 1);
    }
    if at == 0 || bytes[at - 1] != b'=' {
        return true;
    }
    at -= 1;
    let short = at > 0 && bytes[at - 1] == b':';
    if short {
        at -= 1;
    }
    while at > 0 && inline_blank(bytes[at - 1]) {
        at -= 1;
    }
    let end = at;
    while at > 0 && is_ident(bytes[at - 1]) {
        at -= 1;
    }
    let name = &bytes[at..end];
    if name.is_empty() || name[0].is_ascii_digit() || (at > 0 && !bytes[at - 1].is_ascii()) {
        return true;
    }
    // `x.f = make(chan T)` assigns a field: no variable is declared.
    if !short && at > 0 && bytes[at - 1] == b'.' {
        return false;
    }
    let mut before = at;
    while before > 0 && inline_blank(bytes[before - 1]) {
        before -= 1;
    }
    let after_var = var_ends_at(bytes, before);
    let starts_statement =
        before == 0 || matches!(bytes[before - 1], b'\n' | b'{' | b';' | b'(') || after_var;
    if !starts_statement {
        return true;
    }
    // `name = make(chan T)` outside `var (…)` assigns a variable declared before.
    if !short && !after_var && !in_var_group(bytes, at, scope.start) {
        return false;
    }
    // `var _ = make(chan T)` binds no channel.
    if name == b"_" {
        return false;
    }
    let text = &bytes[scope.clone()];
    let sent_or_passed = memchr::memmem::find_iter(text, name).any(|found| {
        let (from, to) = (scope.start + found, scope.start + found + name.len());
        if !is_word(bytes, from, to) {
            return false;
        }
        let next = bytes[to..].iter().copied().find(|b| !is_blank(*b));
        match next {
            Some(b'<') => bytes[to..]
                .iter()
                .position(|b| *b == b'<')
                .is_some_and(|i| bytes.get(to + i + 1) == Some(&b'-')),
            Some(b',' | b')') => {
                let mut back = from;
                let mut crossed_line = false;
                while back > 0 && is_blank(bytes[back - 1]) {
                    crossed_line |= bytes[back - 1] == b'\n';
                    back -= 1;
                }
                // The line before may end in a comment inside the argument list.
                crossed_line
                    || back == 0
                    || unsure(bytes[back - 1])
                    || (matches!(bytes[back - 1], b'(' | b',')
                        && may_be_go_argument(bytes, back - 1))
            }
            Some(b) => unsure(b),
            None => false,
        }
    });
    sent_or_passed
        && unused_in_its_block(bytes, start, name, scope.end)
            .is_some_and(|block_end| !received_after_every_go(bytes, start, name, block_end))
}

/// Unless the variable `name` bound from the `make` at `start` is used after it directly in
/// its block, out of any bracket, other than by a receive (`return name`, `return x, name`,
/// `for range name`, `name <- v`, `x = name`, `if name != nil`), or first mentioned in a
/// `return` anywhere in the block, before any func literal in it (`return R{C: name}`): only
/// receives and arguments of `go` statements may use a channel outside its goroutine, and
/// only sends and `close` inside it, for the goroutine to be its sender. Not counted: a field
/// (`x.name`), a label (`name:`, `goto name`), a key (`name:`), a name before `,` outside a
/// `return` (it may be declared again there) or after `var`, `const` or `type`. `None` when it
/// is used so, else where reading stopped: at the end of the block or a case of a `switch` or
/// `select` (no `go` statement after it can name the variable), or at `end`, where the text
/// is beyond this (see [`code_from`]).
fn unused_in_its_block(bytes: &[u8], start: usize, name: &[u8], end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut previous: [Option<Code>; 2] = [None, None];
    // The depth of the `return` statement being read, and whether a `func` came in it.
    let mut returning: Option<(usize, bool)> = None;
    let mut named_before = false;
    let mut codes = code_from(bytes, start, end).peekable();
    while let Some(code) = codes.next() {
        let Some(code) = code else {
            return Some(end);
        };
        match code {
            Code::Byte(_, b'(' | b'[' | b'{') => depth += 1,
            Code::Byte(at, b')' | b']' | b'}') => match depth.checked_sub(1) {
                Some(d) => depth = d,
                // (A `)` closes a `var ( … )` group: the block goes on.)
                None => return Some(if bytes[at] == b'}' { at } else { end }),
            },
            Code::Word(first, past) => {
                let word = &bytes[first..past];
                if depth == 0 && matches!(word, b"case" | b"default") {
                    return Some(first);
                }
                match word {
                    b"return" => returning = Some((depth, false)),
                    b"func" => returning = returning.map(|(d, _)| (d, true)),
                    _ => {}
                }
                if word == name {
                    let field_or_receive = match previous {
                        [_, Some(Code::Byte(_, b'.'))] => true,
                        [Some(Code::Byte(l, b'<')), Some(Code::Byte(m, b'-'))] => m == l + 1,
                        _ => false,
                    };
                    let before_colon = matches!(codes.peek(), Some(Some(Code::Byte(_, b':'))));
                    // The first mention, in a `return` with no func literal before it: the
                    // variable itself (no other declaration of the name came first), handed
                    // out (`return T{Result: name}`).
                    if !named_before
                        && returning.is_some_and(|(_, func)| !func)
                        && !field_or_receive
                        && !before_colon
                    {
                        return None;
                    }
                    named_before = true;
                    let not_a_use = field_or_receive
                        || before_colon
                        || returning.is_none()
                            && matches!(codes.peek(), Some(Some(Code::Byte(_, b','))))
                        || matches!(previous, [_, Some(Code::Word(s, e))] if matches!(
                            &bytes[s..e],
                            b"goto" | b"break" | b"continue" | b"var" | b"const" | b"type"
                        ));
                    if depth == 0 && !not_a_use {
                        return None;
                    }
                }
            }
            Code::Byte(_, b'\n' | b';') if returning.is_some_and(|(d, _)| d == depth) => {
                returning = None;
            }
            _ => {}
        }
        if returning.is_some_and(|(d, _)| depth < d) {
            returning = None;
        }
        previous = [previous[1], Some(code)];
    }
    Some(end)
}

/// Whether every `go` statement that names the channel `name` after the `make` at `start`,
/// up to `end` (the end of the declaration), is followed in its block by a receive from it
/// (`v := <-name`, `v = <-name`, `if v := <-name; …`, `<-name`, `return <-name`) that every
/// path from the statement reaches: nothing between them returns or jumps (`return`, `goto`,
/// `break`, `continue`, `fallthrough`), begins another case of a `switch` or `select` or
/// closes the block, and the name does not occur before the receive (another variable could
/// have it there). Then no path from the goroutine's start gives up the channel. Whatever
/// this does not follow (the end of a `go` statement, a literal or comment left open, a `/*`
/// comment, non-ASCII code) does not hold.
fn received_after_every_go(bytes: &[u8], start: usize, name: &[u8], end: usize) -> bool {
    let mut from = start;
    while let Some(found) = memchr::memmem::find(&bytes[from..end], b"go") {
        let go = from + found;
        from = go + "go".len();
        if !is_word(bytes, go, from) || !begins_statement(bytes, go) {
            continue;
        }
        // The statement: to the end of the line (or a `;`) where no bracket is left open,
        // after the `)` that ends its call.
        let mut depth = 0usize;
        let mut last = None;
        let mut names = false;
        let mut statement_end = None;
        for code in code_from(bytes, from, end) {
            let Some(code) = code else {
                return false;
            };
            match code {
                Code::Word(first, past) => {
                    names |= &bytes[first..past] == name;
                    last = None;
                }
                Code::Byte(at, b'\n' | b';') if depth == 0 => {
                    statement_end = Some(at);
                    break;
                }
                Code::Byte(_, b) => {
                    if !nest(&mut depth, b) {
                        return false;
                    }
                    if b != b'\n' {
                        last = Some(b);
                    }
                }
            }
        }
        let Some(statement_end) = statement_end.filter(|_| last == Some(b')')) else {
            return false;
        };
        if names && !received_next(bytes, statement_end, name, end) {
            return false;
        }
        from = statement_end;
    }
    true
}

/// `depth` after the byte of code `b`: one more after an opening bracket, one less after a
/// closing one; `false` for a closing bracket at depth 0 (the block ends).
fn nest(depth: &mut usize, b: u8) -> bool {
    match b {
        b'(' | b'[' | b'{' => *depth += 1,
        b')' | b']' | b'}' => match depth.checked_sub(1) {
            Some(d) => *depth = d,
            None => return false,
        },
        _ => {}
    }
    true
}

/// Whether a receive from `name` (as [`received_after_every_go`] takes one) comes next in
/// the block after the statement that ends at `from`, up to `end`.
fn received_next(bytes: &[u8], from: usize, name: &[u8], end: usize) -> bool {
    let mut depth = 0usize;
    // The last three bytes of code before the current word (`None`: a word).
    let mut before: [Option<(usize, u8)>; 3] = [None; 3];
    let mut codes = code_from(bytes, from, end);
    while let Some(code) = codes.next() {
        let Some(code) = code else {
            return false;
        };
        match code {
            Code::Word(first, past) => {
                let word = &bytes[first..past];
                if word == name {
                    // `<-name` after the start of a statement or an assignment's `=` (not `==`,
                    // `!=`, `<=` or `>=`: a receive in a condition may not be made).
                    let statement_or_assignment = |before: Option<(usize, u8)>| match before {
                        Some((_, b'\n' | b';')) => true,
                        Some((e, b'=')) => !matches!(bytes[e - 1], b'=' | b'!' | b'<' | b'>'),
                        _ => false,
                    };
                    return depth == 0
                        && matches!(before, [a, Some((l, b'<')), Some((m, b'-'))]
                            if m == l + 1 && statement_or_assignment(a));
                }
                match word {
                    b"return" => {
                        let rest: Vec<Option<Code>> = codes.by_ref().take(3).collect();
                        return depth == 0
                            && matches!(rest.as_slice(),
                                [Some(Code::Byte(l, b'<')), Some(Code::Byte(m, b'-')), Some(Code::Word(s, e))]
                                if *m == l + 1 && &bytes[*s..*e] == name);
                    }
                    b"goto" | b"break" | b"continue" | b"fallthrough" => return false,
                    b"case" | b"default" if depth == 0 => return false,
                    _ => {}
                }
                before = [None; 3];
            }
            Code::Byte(at, b) => {
                if !nest(&mut depth, b) {
                    return false;
                }
                before = [before[1], before[2], Some((at, b))];
            }
        }
    }
    false
}

/// A piece of code: a word (an identifier or keyword) or another byte (a string, rune or raw
/// string stands as its opening quote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    Word(usize, usize),
    Byte(usize, u8),
}

/// The code of `bytes[from..end]`, in order, with blanks and `//` comments left out; an item
/// `None` where the text is beyond this (a literal left open before `end`, a `/*` comment, a
/// byte that is not ASCII outside literals), after which nothing more comes.
fn code_from(bytes: &[u8], from: usize, end: usize) -> impl Iterator<Item = Option<Code>> + '_ {
    let mut i = from;
    let mut stopped = false;
    std::iter::from_fn(move || {
        while i < end && !stopped {
            let b = bytes[i];
            let at = i;
            match b {
                b' ' | b'\t' | b'\r' => i += 1,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    i = memchr::memchr(b'\n', &bytes[i..end]).map_or(end, |n| i + n);
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => stopped = true,
                b'`' => match memchr::memchr(b'`', &bytes[i + 1..end]) {
                    Some(n) => {
                        i += n + 2;
                        return Some(Some(Code::Byte(at, b)));
                    }
                    None => stopped = true,
                },
                b'"' | b'\'' => {
                    let mut j = i + 1;
                    while j < end && bytes[j] != b && bytes[j] != b'\n' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    if j >= end || bytes[j] != b {
                        stopped = true;
                    } else {
                        i = j + 1;
                        return Some(Some(Code::Byte(at, b)));
                    }
                }
                _ if !b.is_ascii() => stopped = true,
                _ if is_ident_byte(b) => {
                    while i < end && is_ident_byte(bytes[i]) {
                        i += 1;
                    }
                    return Some(Some(Code::Word(at, i)));
                }
                _ => {
                    i += 1;
                    return Some(Some(Code::Byte(at, b)));
                }
            }
        }
        if stopped {
            i = end;
            stopped = false;
            return Some(None);
        }
        None
    })
}

/// Whether `bytes[at]` may be in the `( … )` of a `var` declaration, read back to `from` (see
/// [`open_bracket`]; a line beyond this counts).
fn in_var_group(bytes: &[u8], at: usize, from: usize) -> bool {
    match open_bracket(bytes, at, from, DECLARATION_KEYWORDS) {
        Some(Some(open)) => {
            bytes[open] == b'(' && var_ends_at(bytes, bytes[..open].trim_ascii_end().len())
        }
        Some(None) => false,
        None => true,
    }
}

/// Whether the `,` at `comma`, before a `make`, may separate the values of a declaration
/// (`a, c := 1, make(chan T)`): reading back on its line (its code: no string, rune or
/// comment), an `=` comes before any bracket left open. One left open first makes the `make`
/// an argument of a call or an element of a composite literal (`f(x, make(chan T))`,
/// `T{a, make(chan T)}`); a line beyond this, or its start reached first, counts.
fn may_be_declared_value(bytes: &[u8], comma: usize) -> bool {
    let start = memchr::memrchr(b'\n', &bytes[..comma]).map_or(0, |i| i + 1);
    let Some(code) = code_of_line(&bytes[start..comma]) else {
        return true;
    };
    let mut depth = 0usize;
    for byte in code.iter().rev() {
        match byte {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' | b'[' | b'{' => return false,
            b'=' if depth == 0 => return true,
            _ => {}
        }
    }
    true
}

/// Whether the group context bound from the `WithContext` call at `start` can be discarded or
/// used after the group's `Wait`, as far as the text of its declaration `scope` tells: it is
/// `_` (`g, _ := errgroup.WithContext(ctx)`), or after a `Wait` in `scope` its name occurs
/// again, or a `for` loop may hold that `Wait` (a later iteration reaches earlier uses; not a
/// loop that also holds a `:=` or `var` binding, which declares the context again first), or
/// there is a `goto`. Otherwise no path from a `Wait` reaches a use. Whatever this does not
/// follow (other bindings, a comment, non-ASCII text) counts.
fn may_misuse_group_context(bytes: &[u8], start: usize, scope: std::ops::Range<usize>) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let word_before = |end: usize| {
        let mut at = end;
        while at > 0 && is_ident(bytes[at - 1]) {
            at -= 1;
        }
        (at < end && !bytes[at].is_ascii_digit() && (at == 0 || bytes[at - 1].is_ascii()))
            .then_some(at)
    };
    // Back from the call: the package (`errgroup.`), `=` or `:=`, then `group, context`.
    let mut at = blank_before(bytes, start);
    if at > 0 && bytes[at - 1] == b'.' {
        let Some(package) = word_before(blank_before(bytes, at - 1)) else {
            return true;
        };
        at = blank_before(bytes, package);
    }
    if at == 0 || bytes[at - 1] != b'=' {
        return true;
    }
    at -= 1;
    let short = at > 0 && bytes[at - 1] == b':';
    if short {
        at -= 1;
    }
    let context_end = blank_before(bytes, at);
    let Some(context_start) = word_before(context_end) else {
        return true;
    };
    let comma = blank_before(bytes, context_start);
    if comma == 0 || bytes[comma - 1] != b',' {
        return true;
    }
    let Some(group) = word_before(blank_before(bytes, comma - 1)) else {
        return true;
    };
    let mut before = group;
    while before > 0 && matches!(bytes[before - 1], b' ' | b'\t' | b'\r') {
        before -= 1;
    }
    let after_var = var_ends_at(bytes, before);
    let starts_statement =
        before == 0 || matches!(bytes[before - 1], b'\n' | b'{' | b';' | b'(') || after_var;
    let context = &bytes[context_start..context_end];
    if !starts_statement || context == b"_" {
        return true;
    }
    // A `:=` or `var` binding declares its variables each time its block runs: a loop that
    // holds the binding as well as the `Wait` comes back to it before any use of the
    // variable (a use before it in the loop is of another variable), unless the binding is
    // the loop's initial statement (`for g, ctx := …; ; {`: right after the keyword).
    let declares = short || after_var || in_var_group(bytes, group, scope.start);
    let comes_back = |keyword: usize| {
        let header = keyword + "for".len();
        declares
            && header < group
            && bytes[header..group]
                .iter()
                .find(|b| !is_blank(**b))
                .is_some_and(|b| *b != b'/')
    };
    // Where a statement can begin (not in a comment after `//`, as `for` often is).
    let statements = |word: &'static [u8], from: usize, to: usize| {
        memchr::memmem::find_iter(&bytes[from..to], word)
            .map(move |i| from + i)
            .filter(move |&i| is_word(bytes, i, i + word.len()) && begins_statement(bytes, i))
    };
    if statements(b"goto", scope.start, scope.end).next().is_some() {
        return true;
    }
    let waits = memchr::memmem::find_iter(&bytes[scope.clone()], b"Wait")
        .map(|i| scope.start + i)
        .filter(|&i| is_word(bytes, i, i + "Wait".len()));
    waits.into_iter().any(|wait| {
        let used_after = memchr::memmem::find_iter(&bytes[wait..scope.end], context)
            .any(|i| is_word(bytes, wait + i, wait + i + context.len()));
        used_after
            || statements(b"for", scope.start, wait)
                .any(|f| !comes_back(f) && may_be_in_loop(bytes, f, wait))
    })
}

/// Whether the text at `at` can be inside the `for` statement whose keyword is at `keyword`:
/// from the keyword on, the braces (outside strings, runes and comments) neither close the
/// block around the loop nor close the loop's body at the end of a line before `at`.
fn may_be_in_loop(bytes: &[u8], keyword: usize, at: usize) -> bool {
    let mut depth = 0usize;
    let mut i = keyword;
    while i < at {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                if depth == 0 {
                    // A body closed at the end of its line ends the statement; a composite
                    // literal of the loop's header (`range []T{a} {`) is followed by more.
                    let rest = &bytes[i + 1..at];
                    let next = rest.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
                    if next.is_some_and(|n| rest[n] == b'\n' || rest[n..].starts_with(b"//")) {
                        return false;
                    }
                }
            }
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < at && bytes[i] != quote {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'\n' => return true,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < at && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < at && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < at && !bytes[i..].starts_with(b"*/") {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// Whether the `(` or `,` at `at` can be part of the arguments of the call of a `go` statement
/// (`go f(x, y)`, `go s.run(x)`): back to the opening parenthesis, then a name or selector,
/// then the word `go`. Whatever this does not follow (a literal, nested brackets across
/// lines, a string or comment, non-ASCII text) counts.
fn may_be_go_argument(bytes: &[u8], at: usize) -> bool {
    let mut depth = 0usize;
    let mut open = at + 1;
    loop {
        if open == 0 {
            return true;
        }
        open -= 1;
        match bytes[open] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' => break,
            b'[' | b'{' | b'\n' | b'"' | b'\'' | b'`' => return true,
            b if unsure(b) => return true,
            _ => {}
        }
    }
    let mut callee = open;
    while callee > 0 && matches!(bytes[callee - 1], b' ' | b'\t') {
        callee -= 1;
    }
    let end = callee;
    while callee > 0
        && (bytes[callee - 1].is_ascii_alphanumeric() || matches!(bytes[callee - 1], b'_' | b'.'))
    {
        callee -= 1;
    }
    if callee == end || (callee > 0 && !bytes[callee - 1].is_ascii()) {
        // `func(...) {...}(x)`, `(f)(x)`, `f[T](x)`: not followed.
        return true;
    }
    let mut keyword = callee;
    while keyword > 0 && matches!(bytes[keyword - 1], b' ' | b'\t') {
        keyword -= 1;
    }
    keyword >= 2 && &bytes[keyword - 2..keyword] == b"go" && is_word(bytes, keyword - 2, keyword)
}

/// Where the blanks ([`is_blank`]) that end at `at` begin.
fn blank_before(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && is_blank(bytes[at - 1]) {
        at -= 1;
    }
    at
}

/// Whether a byte can be a blank between Go tokens (all ASCII white space, to be safe).
fn is_blank(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == 0x0b
}

/// Whether a byte is beyond what the needle checks follow, so that they count the needle: the
/// `/` of a comment, a byte of a non-ASCII character.
fn unsure(byte: u8) -> bool {
    byte == b'/' || !byte.is_ascii()
}

/// Whether `bytes[start..end]` is not part of a longer identifier.
/// Whether the keyword `var` ends at `end` (a word of its own).
fn var_ends_at(bytes: &[u8], end: usize) -> bool {
    bytes[..end].ends_with(b"var") && is_word(bytes, end - 3, end)
}

fn is_word(bytes: &[u8], start: usize, end: usize) -> bool {
    !(start > 0 && is_ident_byte(bytes[start - 1])
        || bytes.get(end).is_some_and(|b| is_ident_byte(*b)))
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

/// Whether `bytes` has `word` as a whole word in code: not on a line whose first non-blank
/// characters are `//` (see [`CommentLines`]).
pub(crate) fn has_code_word(bytes: &[u8], word: &str) -> bool {
    let mut lines = CommentLines::default();
    memchr::memmem::find_iter(bytes, word.as_bytes()).any(|at| {
        let end = at + word.len();
        (at == 0 || !is_ident_byte(bytes[at - 1]))
            && bytes.get(end).is_none_or(|b| !is_ident_byte(*b))
            && !lines.is_comment(bytes, at)
    })
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
        worth_parsing(language, text, None, settings)
    }

    #[test]
    fn parameter_needles_count_only_in_parameter_lists() {
        let at = |text: &str| {
            let start = text.find("Request").unwrap();
            in_parameter_list(text.as_bytes(), start, 0)
        };
        // Parameters of a method, a function, a literal, over several lines, results.
        assert!(at(
            "func (s *S) Get(ctx context.Context, r *pb.GetRequest) {"
        ));
        assert!(at("func get(ctx context.Context, r *pb.GetRequest) {"));
        assert!(at("x := func(w http.ResponseWriter, r *http.Request) {"));
        assert!(at(
            "func (s *S) Get(\n\tctx context.Context, // a (note)\n\tr *pb.GetRequest,\n) {"
        ));
        assert!(at("func f[T any](r map[string]*Request) {"));
        // Arguments, bodies, strings and comments are not.
        assert!(!at("func f() {\n\ts.do(r.Request)\n}"));
        assert!(!at("func f(a int) {\n\tvar r *http.Request\n}"));
        assert!(!at("func f(a int) {\n\tlog(\"(\", x.Request)\n}"));
        assert!(!at("func f(a int) {\n\t// func(\n\tx := Request{}\n}"));
        // Declarations at the top level: the reading stops at their first line.
        assert!(!at("type GetRequest struct {\n\tKey string\n}"));
        assert!(!at("func f(a int) {\n}\n\nvar x = pb.GetRequest{}"));
        assert!(!at(
            "import (\n\t\"x\"\n)\n\nconst (\n\tA = 1\n\tB = Request\n)"
        ));
        // A function's name or result: the reading stops at the line of its `func`, before
        // the raw string of the declaration above.
        assert!(!at("var s = `\n`\n\nfunc (s *S) RequestProgress() error {"));
        assert!(!at("var s = `\n`\n\nfunc f() *pb.GetRequest {"));
        assert!(at("var s = `\n`\n\nfunc f(\n\tr *pb.GetRequest,\n) {"));
        // Beyond a line: counts.
        assert!(at("func f(a int) {\n\tx := `\n(`\n\ty := Request{}\n}"));
        // The type a pointer parameter, the last of its list, points to (`*pb.GetRequest`).
        let last = |text: &str| {
            let start = text.find("Request").unwrap();
            may_end_last_pointer_parameter(text.as_bytes(), start, start + "Request".len())
        };
        for pointer in [
            "(ctx context.Context, r *pb.GetRequest)",
            "(w http.ResponseWriter, r *http.Request)",
            "(\n\tctx context.Context,\n\tr *pb.GetRequest,\n)",
            "(r * pb.GetRequest /* the request */)",
        ] {
            assert!(last(pointer), "{pointer}");
        }
        for other in [
            "(p *conditionalProgressRequestor) run(",
            "(ctx context.Context, request model.WatchRequest)",
            "(r *GetRequest)",
            "(r *pb.GetRequest, n int)",
        ] {
            assert!(!last(other), "{other}");
        }
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
    fn partial_parsing_keeps_what_the_rules_need() {
        let settings = LintSettings::default();
        let text = "package p\n\nimport \"context\"\n\nvar n = 3\n\nfunc setN() { n = 5 }\n\nfunc helper() {}\n\nfunc (s *S) unrelated() { other() }\n\nfunc other() {}\n\n// f does.\nfunc f(p context.Context) {\n\t_, cancel := context.WithCancel(p)\n\thelper()\n\t_ = n\n\t_ = cancel\n}\n";
        let partial =
            go_parse_ranges(text, None, &settings).expect("some declarations are left out");
        let kept: String = partial.ranges.iter().map(|r| &text[r.clone()]).collect();
        // The imports, the variable, the function with the needle, the helper it calls and the
        // function assigning the variable it reads; not the others.
        for wanted in [
            "import",
            "var n",
            "func setN",
            "func helper",
            "// f does.",
            "func f(",
        ] {
            assert!(kept.contains(wanted), "{wanted}: {kept}");
        }
        assert!(
            !kept.contains("unrelated") && !kept.contains("func other"),
            "{kept}"
        );
        assert_eq!(partial.left_out_functions, ["other"]);
        // Off, with a rule that needs the whole file, or with unused suppressions reported.
        let off = LintSettings {
            partial_parse: false,
            ..LintSettings::default()
        };
        assert_eq!(go_parse_ranges(text, None, &off), None);
        let whole = LintSettings::only(&[find("test-background-context").unwrap()]);
        let testing = text.replace("\"context\"", "\"context\"\n\t\"testing\"");
        let testing = testing.replace("_ = cancel", "_ = context.Background()");
        assert!(go_parse_ranges(&testing, None, &LintSettings::default()).is_some());
        assert_eq!(go_parse_ranges(&testing, None, &whole), None);
        let mut unused = LintSettings::default();
        unused.rules.push(find(UNUSED_SUPPRESSION).unwrap());
        assert_eq!(go_parse_ranges(text, None, &unused), None);
    }

    #[test]
    fn narrow_rules_keep_less() {
        let text = "package p\n\nimport (\n\t\"context\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\nfunc f(ctx context.Context) error {\n\tg, _ := errgroup.WithContext(ctx)\n\tg.Go(work)\n\treturn g.Wait()\n}\n\nfunc work() error { return deeper() }\n\nfunc deeper() error { return nil }\n\nfunc s() int {\n\tc := make(chan int)\n\tgo send(c)\n\tif late {\n\t\treturn 0\n\t}\n\treturn <-c\n}\n\nfunc send(c chan int) { c <- deeper2() }\n\nfunc deeper2() int { return 1 }\n";
        let kept = |rule: &str| -> Vec<&str> {
            let settings = LintSettings::only(&[find(rule).unwrap()]);
            let partial = go_parse_ranges(text, None, &settings).expect("partly parsed");
            let kept: String = partial.ranges.iter().map(|r| &text[r.clone()]).collect();
            [
                "func f(",
                "func work",
                "func deeper(",
                "func s(",
                "func send",
                "func deeper2",
            ]
            .into_iter()
            .filter(|f| kept.contains(f))
            .collect()
        };
        // errgroup-context: the function with the call and those it names (not what they name
        // in turn); abandoned-sender: the function with the channel and the one its goroutine
        // runs.
        assert_eq!(kept("errgroup-context"), ["func f(", "func work"]);
        assert_eq!(kept("abandoned-sender"), ["func s(", "func send"]);
    }

    /// context-not-passed parses only the functions with a handler type that call what the
    /// file can have it report: here `time.Sleep` (and not `Get`, which no `*http.Client`
    /// receiver can be, `Client` being written only in a comment).
    #[test]
    fn context_not_passed_parses_only_functions_with_a_reported_call() {
        let text = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\t\"time\"\n)\n\n\
                    // Client: see the docs.\nfunc a(r *http.Request) { _ = r.Form.Get(\"x\") }\n\n\
                    func b(r *http.Request) { time.Sleep(time.Second) }\n\n\
                    func c() { time.Sleep(time.Second) }\n\n\
                    func d(ctx context.Context) { _ = ctx }\n";
        let settings = LintSettings::only(&[find("context-not-passed").unwrap()]);
        let partial = go_parse_ranges(text, None, &settings).expect("partly parsed");
        let kept: String = partial.ranges.iter().map(|r| &text[r.clone()]).collect();
        let functions = ["func a(", "func b(", "func c(", "func d("];
        let kept: Vec<&str> = functions.into_iter().filter(|f| kept.contains(f)).collect();
        assert_eq!(kept, ["func b("]);
    }

    #[test]
    fn rules_run_only_where_their_needles_are() {
        let settings = LintSettings::default();
        let text = "package p\nimport (\"context\"; \"net/http\")\nfunc f(r *http.Request) { go g(context.TODO(), r.Context()) }\n";
        let names: Vec<&str> = rules_for(Language::Go, text, None, &settings)
            .iter()
            .map(|r| r.name)
            .collect();
        // The import, `TODO` and a handler type; `go`, a request type and `Context`; no cancel
        // function, no `chan`, no `defer`, no call that context-not-passed looks at.
        assert_eq!(
            names,
            ["background-in-handler", "goroutine-outlives-context"]
        );
        // `go` only where a statement begins: not in an import path or a package name.
        let paths = "package p\nimport (\n\t\"context\"\n\t\"github.com/x/go-y\"\n\t\"go.etcd.io/z\"\n)\nfunc f(c context.Context) {}\n";
        assert!(rules_for(Language::Go, paths, None, &settings).is_empty());
        let labelled =
            "package p\nfunc f(r *http.Request) {\nL: go g(r.Context())\n\tif x { /* c */ go g() }\n}\n";
        let names: Vec<&str> = rules_for(Language::Go, labelled, None, &settings)
            .iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["goroutine-outlives-context"]);
        // abandoned-sender: an unbuffered channel bound by `:=`, `=` or in a list of values.
        let sender = LintSettings::only(&[find("abandoned-sender").unwrap()]);
        let runs = |make: &str| {
            let text = format!("package p\nfunc f() {{\n\tc {make}\n\tgo g(c)\n}}\n");
            !rules_for(Language::Go, &text, None, &sender).is_empty()
        };
        for unbuffered in [
            ":= make(chan int)",
            ":= make( chan int )",
            ":=\n\t\tmake(\n\t\t\tchan int,\n\t\t)",
            ", d := 1, make(chan int, 0)",
            ":= make(chan struct{ a, b int })",
            ":= make(chan func(int, int) error)",
            ":= make(chan int /* , 1 */)",
            ":= make(chan int, 0 /* none */)",
            ":= /* x */ make(chan int)",
            ":= make(chan<- int)",
        ] {
            assert!(runs(unbuffered), "{unbuffered}");
        }
        for other in [
            ":= make(chan int, 1)",
            ":= make(chan int, n)",
            ":= make(chan int, 0x0)",
            ":= make([]chan int)",
            ":= make(map[chan int]bool)",
            ":= &T{c: make(chan int)}",
            ":= (make(chan int))",
            ":= remake(chan int)",
            ":= x.makeChan(chan int)",
            "= make(chan int)",
            ":= f(x, make(chan int))",
            ":= T{x, make(chan int)}",
            ", d := f(1, make(chan int))",
        ] {
            assert!(!runs(other), "{other}");
        }
        // ... whose name is sent on or passed as an argument in the declaration: a channel
        // used neither way is never sent on by a goroutine.
        let declares = |body: &str| {
            let text = format!("package p\nfunc f() {{\n\t{body}\n}}\n");
            !rules_for(Language::Go, &text, None, &sender).is_empty()
        };
        for sent in [
            "c := make(chan int)\n\tgo func() { c <- 1 }()",
            "c := make(chan int)\n\tgo func() {\n\t\tselect {\n\t\tcase c<-1:\n\t\t}\n\t}()",
            "c := make(chan int)\n\tgo func(x chan int) { x <- 1 }(c)",
            "c := make(chan int)\n\tgo run(ctx,\n\t\t// results\n\t\tc,\n\t)",
            "var c = make(chan int)\n\tgo run(c /* results */)",
            "c := make(chan int)\n\tgo s.run(h(1, 2), c)",
            "c := make(chan int)\n\tgo func(c chan int) {}(c)",
            "var c chan int = make(chan int)\n\tgo g()",
            "var (\n\t\tc = make(chan int)\n\t)\n\tgo g(1, c)",
            "var (c = make(chan int))\n\tgo g(1, c)",
            "a, c := 1, make(chan int)\n\tgo g()",
            "a, c := f(1, 2), make(chan int)\n\tgo g(c)",
        ] {
            assert!(declares(sent), "{sent}");
        }
        for unsent in [
            "c := make(chan int)\n\tgo g()\n\treturn c",
            "c := make(chan int)\n\tgo func() { d <- 1 }()\n\t<-c",
            "c := make(chan int)\n\tgo g(cc)\n\tx := <-c",
            "c := make(chan int)\n\tgo g(c.x)\n\ts.c = c",
            "var _ = make(chan int)\n\tgo g(c)",
            "c = make(chan int)\n\tgo g(c)",
            "s.c = make(chan int)\n\tgo g(s.c)\n\tc <- 1",
            "if true {\n\t\tc = make(chan int)\n\t}\n\tgo g(c)",
            "f(x, make(chan int))\n\tgo g(c)",
            "c := make(chan int)\n\tgo g()\n\tclose(c)\n\tsignal.Notify(c, x)\n\tf(1, c)",
        ] {
            assert!(!declares(unsent), "{unsent}");
        }
        // ... unless every `go` statement naming it is followed by a receive from it that
        // every path from there reaches.
        let sent = "c := make(chan int)\n\tgo func() { c <- 1 }()";
        for received in [
            "\n\t<-c",
            "\n\tv, ok := <-c",
            "\n\tif err := <-c; err != nil {\n\t\treturn\n\t}",
            "\n\tif ok {\n\t\tlog(\"c\") // c\n\t}\n\tfor i := range n {\n\t\twork(i)\n\t}\n\treturn <-c",
        ] {
            assert!(!declares(&format!("{sent}{received}")), "{received}");
        }
        for abandoned in [
            "\n\tif x {\n\t\treturn\n\t}\n\t<-c",
            "\n\tfor _, x := range xs {\n\t\tif x {\n\t\t\tbreak\n\t\t}\n\t}\n\t<-c",
            "\n\tif ready && <-c {\n\t}",
            "\n\tx = a == <-c",
            "\n\tselect {\n\tcase <-c:\n\tcase <-done:\n\t}",
            "\n\tc := other\n\t<-c",
            "\n\tgo func() { c <- 2 }()\n\t<-c",
            " /* started */\n\t<-c",
            "\n\tf(<-c)",
        ] {
            assert!(declares(&format!("{sent}{abandoned}")), "{abandoned}");
        }
        // ... or used directly in its block other than by a receive (not by the goroutine).
        for used in [
            "\n\treturn c",
            "\n\treturn nil, c",
            "\n\treturn true, c, nil",
            "\n\tfor v := range c {\n\t\tuse(v)\n\t}",
            "\n\tif c != nil {\n\t}",
            "\n\tc <- 2",
        ] {
            assert!(!declares(&format!("{sent}{used}")), "{used}");
        }
        // ... or first mentioned in a `return` that hands it out, anywhere after it.
        let handed_out = "c := make(chan int)\n\tif err != nil {\n\t\treturn R{C: c}\n\t}\n\tgo func() { c <- 1 }()";
        assert!(!declares(handed_out));
        for kept in [
            "c := make(chan int)\n\tif err != nil {\n\t\treturn R{c: 1}\n\t}\n\tgo func() { c <- 1 }()",
            "c := make(chan int)\n\tf := func(c int) int {\n\t\treturn c\n\t}\n\tgo func() { c <- 1 }()",
            "c := make(chan int)\n\tif err != nil {\n\t\treturn func(c int) {}\n\t}\n\tgo func() { c <- 1 }()",
            "c := make(chan int)\n\tif err != nil {\n\t\treturn x.c\n\t}\n\tgo func() { c <- 1 }()",
        ] {
            assert!(declares(kept), "{kept}");
        }
        for not_used in [
            "\n\ts.c = 1",
            "\n\tif x {\n\t\treturn c\n\t}",
            "\n\tc, err := f()",
            "\n\tgoto c",
        ] {
            assert!(declares(&format!("{sent}{not_used}")), "{not_used}");
        }
        assert!(declares(
            "switch {\n\tcase a:\n\t\tc := make(chan int)\n\t\tgo send(c)\n\tcase b:\n\t\treturn c\n\t}"
        ));
        // A `var ( … )` group does not end the block: the `go` statement after it counts.
        assert!(declares(
            "var (\n\t\tc = make(chan int)\n\t)\n\tgo func() { c <- 1 }()"
        ));
        // After the block, no `go` statement can name the channel: received in it, not one.
        assert!(!declares(
            "{\n\t\tc := make(chan int)\n\t\tgo send(c)\n\t\t<-c\n\t}\n\tgo send(c)"
        ));
        assert!(declares(
            "for {\n\t\tc := make(chan int)\n\t\tgo send(c)\n\t}\n\t<-c"
        ));
        assert!(declares(
            "c := make(chan int)\n\tswitch {\n\tcase a:\n\t\tgo send(c)\n\tcase b:\n\t\t<-c\n\t}"
        ));
        let off = LintSettings {
            prefilter: false,
            ..LintSettings::only(&[find("abandoned-sender").unwrap()])
        };
        // errgroup-context: a group context discarded or that can be used after `Wait`.
        let group = LintSettings::only(&[find("errgroup-context").unwrap()]);
        let binds = |body: &str| {
            let text = format!("package p\nimport \"golang.org/x/sync/errgroup\"\nfunc f() error {{\n\tx := f(y)\n\tg, gctx := errgroup.WithContext(ctx)\n\t{body}\n}}\n");
            !rules_for(Language::Go, &text, None, &group).is_empty()
        };
        for misused in [
            "g.Wait()\n\tuse(gctx)",
            "for {\n\t\tuse(gctx)\n\t\tg.Wait()\n\t}",
            "for _, x := range []int{1} { use(gctx, x); g.Wait() }",
            "for _, x := range []int{\n\t\t1,\n\t} {\n\t\tg.Wait()\n\t}",
            "use(gctx)\n\tg.Wait()\n\tgoto L",
        ] {
            assert!(binds(misused), "{misused}");
        }
        for fine in [
            "g.Go(func() error { return use(gctx) })\n\treturn g.Wait()",
            "for _, x := range xs {\n\t\tlog(\"} {\")\n\t\tg.Go(func() error { return use(gctx, x) })\n\t}\n\treturn g.Wait()",
            "for _, x := range xs { // }\n\t\tg.Go(func() error { return use(gctx, '}') })\n\t}\n\treturn g.Wait()",
            "// Wait for the group's goroutines\n\t// for a while.\n\treturn g.Wait()",
        ] {
            assert!(!binds(fine), "{fine}");
        }
        // A loop around the `Wait` that holds a `:=` or `var` binding too comes back to it
        // (a new context) first, unless the binding is the loop's initial statement; to an
        // assignment, it does not.
        let in_loop = |header: &str, binding: &str| {
            let text = format!("package p\nimport \"golang.org/x/sync/errgroup\"\nfunc f() error {{\n\tfor {header}{{\n\t\tuse(gctx)\n\t\t{binding}\n\t\tg.Wait()\n\t}}\n}}\n");
            !rules_for(Language::Go, &text, None, &group).is_empty()
        };
        let declared = "g, gctx := errgroup.WithContext(ctx)";
        let in_group = "var (\n\t\t\tn = 1\n\t\t\tg, gctx = errgroup.WithContext(ctx)\n\t\t)";
        assert!(!in_loop("_, x := range xs ", declared));
        assert!(!in_loop("", in_group));
        assert!(in_loop("", "g, gctx = errgroup.WithContext(ctx)"));
        for header in [
            "\n\tg, gctx := errgroup.WithContext(ctx); ; ",
            "/* c */ g, gctx := errgroup.WithContext(ctx); ; ",
        ] {
            assert!(in_loop(header, ""), "{header}");
        }
        let discarded = "package p\nimport \"golang.org/x/sync/errgroup\"\nfunc f() {\n\tg, _ := errgroup.WithContext(ctx)\n\tg.Go(h)\n}\n";
        assert!(!rules_for(Language::Go, discarded, None, &group).is_empty());
        assert_eq!(rules_for(Language::Go, "", None, &off).len(), 1);
    }
}
