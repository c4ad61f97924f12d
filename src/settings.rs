//! What linting a file needs beyond its text, and where it comes from: the rules to run, the Go
//! tables and the severity overrides, resolved from a config file with the command line's
//! choices on top. `ctxlint check` and the language server both resolve settings here.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::lang::go::GoSettings;
use crate::rules::{self, Rule, UNUSED_SUPPRESSION};

/// Everything a lint of one file needs besides its text.
#[derive(Debug, Clone)]
pub struct LintSettings {
    /// The rules whose findings are reported (`unused-suppression` among them to report
    /// suppressions that silence nothing).
    pub rules: Vec<&'static Rule>,
    pub go: GoSettings,
    /// What the scanned tree declares about task handles (`JoinHandle` aliases, spawn
    /// wrappers), for the Rust rules.
    pub rust: std::sync::Arc<crate::lang::rust::TreeTypes>,
    /// `[rules.<name>] severity` overrides, applied to every finding.
    pub severities: Vec<(String, Severity)>,
    /// `[per-file-ignores]`: rules not run on the files a glob matches.
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Run a rule only on the files that contain its needles, and parse only the files where
    /// some rule runs (see [`crate::prefilter`]); off, every rule sees every file.
    pub prefilter: bool,
    /// Parse only the declarations of a Go file where a finding can be, with the imports,
    /// types, variables and constants (see [`crate::prefilter::go_parse_ranges`]); off, every
    /// file is parsed whole.
    pub partial_parse: bool,
}

/// One `[per-file-ignores]` entry. A glob without `/` matches a file name in any directory
/// (`"*_test.go"`); one with `/` matches the path relative to the config file's directory.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub glob: String,
    matcher: globset::GlobMatcher,
    /// The config file's directory (absolute).
    base: PathBuf,
    pub rules: Vec<String>,
}

impl PerFileIgnore {
    pub fn matches(&self, path: &Path) -> bool {
        if !self.glob.contains('/') {
            return path
                .file_name()
                .is_some_and(|name| self.matcher.is_match(name));
        }
        let path = crate::walk::absolute(path);
        path.strip_prefix(&self.base)
            .is_ok_and(|relative| self.matcher.is_match(relative))
    }
}

impl Default for LintSettings {
    /// The rules enabled by default with the built-in Go tables.
    fn default() -> LintSettings {
        LintSettings {
            rules: rules::default_rules(),
            go: GoSettings::default(),
            rust: Default::default(),
            severities: Vec::new(),
            per_file_ignores: Vec::new(),
            prefilter: true,
            partial_parse: true,
        }
    }
}

/// Rule choices made on the command line, applied on top of a config file.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub report_unused: bool,
}

impl LintSettings {
    /// Only these rules, with the built-in Go tables.
    pub fn only(rules: &[&'static Rule]) -> LintSettings {
        LintSettings {
            rules: rules.to_vec(),
            ..LintSettings::default()
        }
    }

    /// The settings of a config file with `choices` on top: `select` replaces the file's;
    /// `ignore` is the union of both, except that a rule named in `select` is not removed by
    /// the file's `ignore`. Go tables: the config's entries first (they win on a tie).
    pub fn resolve(config: &Config, choices: &Choices) -> Result<LintSettings, Error> {
        Ok(LintSettings {
            rules: select_with_config(choices, config)?,
            go: go_settings(config),
            rust: Default::default(),
            severities: config.severities.clone(),
            per_file_ignores: per_file_ignores(config)?,
            prefilter: true,
            partial_parse: true,
        })
    }

    /// The settings for the file at `path`: without the rules `[per-file-ignores]` turns off
    /// for it (borrowed unchanged when none applies).
    pub fn for_file(&self, path: &Path) -> Cow<'_, LintSettings> {
        let off: Vec<&str> = self
            .per_file_ignores
            .iter()
            .filter(|p| p.matches(path))
            .flat_map(|p| p.rules.iter().map(String::as_str))
            .collect();
        if off.is_empty() {
            return Cow::Borrowed(self);
        }
        let all = off.contains(&rules::ALL);
        let mut settings = self.clone();
        settings.rules.retain(|r| !all && !off.contains(&r.name));
        Cow::Owned(settings)
    }

    /// Whether suppressions that silence nothing are reported.
    pub fn report_unused(&self) -> bool {
        self.rules.iter().any(|r| r.name == UNUSED_SUPPRESSION)
    }

    /// The rules that run: those reported, except that `unused-suppression` selected alone
    /// is judged by the rules enabled by default (their findings are not reported).
    pub fn rules_to_run(&self) -> Vec<&'static Rule> {
        if self.report_unused() && self.rules.len() == 1 {
            rules::RULES
                .iter()
                .copied()
                .filter(|r| r.enabled_by_default || r.name == UNUSED_SUPPRESSION)
                .collect()
        } else {
            self.rules.clone()
        }
    }

    /// The severity a finding of `rule` is reported with, if the config overrides it.
    pub fn severity_of(&self, rule: &str) -> Option<Severity> {
        self.severities
            .iter()
            .find(|(name, _)| name == rule)
            .map(|(_, s)| *s)
    }
}

/// The config governing `path`: the nearest config file (see [`config::find`]), or the
/// defaults when there is none or `path` is empty (an unsaved editor buffer).
pub fn config_for(path: &Path) -> Result<Config, ConfigError> {
    let file = (!path.as_os_str().is_empty())
        .then(|| config::find(path))
        .flatten();
    match file {
        Some(file) => Config::load_found(&file),
        None => Ok(Config::default()),
    }
}

/// The rules to report (see [`LintSettings::resolve`]).
fn select_with_config(choices: &Choices, config: &Config) -> Result<Vec<&'static Rule>, Error> {
    if choices.ignore.iter().any(|n| n == rules::ALL) {
        return Err(Error::Usage(
            "`ALL` selects every rule; it cannot be ignored (select the rules to run instead)"
                .into(),
        ));
    }
    let mut select: Vec<String> = if choices.select.is_empty() {
        config.select.clone().unwrap_or_default()
    } else {
        choices.select.clone()
    };
    if select.iter().any(|n| n == rules::ALL) {
        select = rules::RULES.iter().map(|r| r.name.to_string()).collect();
    }
    let mut ignore: Vec<String> = config
        .ignore
        .iter()
        .filter(|n| !choices.select.contains(n))
        .cloned()
        .collect();
    ignore.extend(choices.ignore.iter().cloned());
    let mut rules = select_rules(&select, &ignore)?;
    let named = |names: &[String]| names.iter().any(|n| n == UNUSED_SUPPRESSION);
    if choices.report_unused && !named(&select) && !named(&ignore) {
        rules.extend(rules::find(UNUSED_SUPPRESSION));
    }
    Ok(rules)
}

fn per_file_ignores(config: &Config) -> Result<Vec<PerFileIgnore>, Error> {
    let base = config
        .dir()
        .map(crate::walk::absolute)
        .unwrap_or_else(|| crate::walk::absolute(Path::new(".")));
    config
        .per_file_ignores
        .iter()
        .map(|(glob, rules)| {
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| Error::Usage(format!("invalid per-file-ignores glob `{glob}`: {e}")))?
                .compile_matcher();
            Ok(PerFileIgnore {
                glob: glob.clone(),
                matcher,
                base: base.clone(),
                rules: rules.clone(),
            })
        })
        .collect()
}

/// The built-in Go tables with the config's entries first (they win on a tie).
fn go_settings(config: &Config) -> GoSettings {
    let mut go = GoSettings::default();
    let mut handler_types = config.handler_types.clone();
    handler_types.append(&mut go.handler_types);
    go.handler_types = handler_types;
    let mut cancel_functions = config.cancel_functions.clone();
    cancel_functions.append(&mut go.cancel_functions);
    go.cancel_functions = cancel_functions;
    go.slog_calls = config.slog_calls;
    go
}

/// Chooses the rules to run: `select` (or the defaults when empty) minus `ignore`.
pub fn select_rules(select: &[String], ignore: &[String]) -> Result<Vec<&'static Rule>, Error> {
    for name in select.iter().chain(ignore) {
        if rules::find(name).is_none() {
            return Err(Error::UnknownRule(rules::unknown_rule_message(name)));
        }
    }
    Ok(rules::RULES
        .iter()
        .copied()
        .filter(|r| {
            if select.is_empty() {
                r.enabled_by_default
            } else {
                select.iter().any(|s| s == r.name)
            }
        })
        .filter(|r| !ignore.iter().any(|i| i == r.name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_selection_wins_over_the_file() {
        let config = Config {
            select: Some(vec!["discarded-cancel".into()]),
            ignore: vec!["background-in-handler".into()],
            ..Config::default()
        };
        let resolve = |select: &[&str], ignore: &[&str]| {
            let choices = Choices {
                select: select.iter().map(|s| s.to_string()).collect(),
                ignore: ignore.iter().map(|s| s.to_string()).collect(),
                report_unused: false,
            };
            LintSettings::resolve(&config, &choices)
        };
        let names = |select: &[&str], ignore: &[&str]| -> Vec<&str> {
            let settings = resolve(select, ignore).unwrap();
            settings.rules.iter().map(|r| r.name).collect()
        };
        assert_eq!(names(&[], &[]), ["discarded-cancel"]);
        assert_eq!(
            names(&["background-in-handler"], &[]),
            ["background-in-handler"]
        );
        assert!(names(&[], &["discarded-cancel"]).is_empty());
        let settings = resolve(&[UNUSED_SUPPRESSION], &[]).unwrap();
        assert_eq!(settings.rules.len(), 1);
        assert!(settings.report_unused());
        let judges = settings.rules_to_run();
        assert!(judges.len() > 1 && judges.iter().any(|r| r.name == "discarded-cancel"));
        assert!(resolve(&["nope"], &[]).is_err());
    }
}
