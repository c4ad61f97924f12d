//! `unused-suppression`: a `//ctxlint:ignore` or `//nolint` comment that silences nothing.
//!
//! It judges the other rules' findings, so it has no check of its own: the engine runs it
//! after every other rule of the file, in `suppress::apply`. Selected alone, the rules enabled
//! by default run to judge the suppressions and only its own findings are reported.

use super::{Check, Needle, Rule};
use crate::diagnostic::Severity;
use crate::lang::Language;

/// The rule's name, for the code that reports it.
pub const NAME: &str = "unused-suppression";

pub static RULE: Rule = Rule {
    name: NAME,
    title: "an inline suppression silences no finding",
    // Its fixtures start with Go; `Check::Suppressions` makes it apply to every language.
    language: Language::Go,
    default_severity: Severity::Warning,
    enabled_by_default: false,
    needles: &[&[Needle::Comment("//ctxlint:"), Needle::Comment("//nolint")]],
    function_needles: &[],
    test_files: true,
    doc: include_str!("../../rules/unused-suppression.md"),
    check: Check::Suppressions,
};
