//! What linting a file needs beyond its text, and where it comes from: the rules to run, the Go
//! tables and the severity overrides, resolved from a config file with the command line's
//! choices on top. `ctxlint check` and the language server both resolve settings here.

use std::path::Path;

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::lang::go::GoSettings;
use crate::rules::{self, Rule, UNUSED_SUPPRESSION};

/// Everything a lint of one file needs besides its text.
#[derive(Debug, Clone)]
pub struct LintSettings {
    /// The rules to run.
    pub rules: Vec<&'static Rule>,
    pub go: GoSettings,
    /// Report `//ctxlint:ignore` and `//nolint` comments that silence nothing.
    pub report_unused: bool,
    /// `[rules.<name>] severity` overrides, applied to every finding.
    pub severities: Vec<(String, Severity)>,
}

impl Default for LintSettings {
    /// The rules enabled by default with the built-in Go tables.
    fn default() -> LintSettings {
        LintSettings {
            rules: rules::default_rules(),
            go: GoSettings::default(),
            report_unused: false,
            severities: Vec::new(),
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
        let (rules, report_unused) = select_with_config(choices, config)?;
        Ok(LintSettings {
            rules,
            go: go_settings(config),
            report_unused,
            severities: config.severities.clone(),
        })
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
        Some(file) => Config::load(&file),
        None => Ok(Config::default()),
    }
}

/// The rules to run and whether to report unused suppressions (see [`LintSettings::resolve`]).
fn select_with_config(
    choices: &Choices,
    config: &Config,
) -> Result<(Vec<&'static Rule>, bool), Error> {
    let (cli_select, cli_ignore) = (&choices.select, &choices.ignore);
    let known = rules::known_names();
    for name in cli_select.iter().chain(cli_ignore) {
        if !known.contains(&name.as_str()) {
            return Err(Error::UnknownRule {
                name: name.clone(),
                valid: known.join(", "),
            });
        }
    }
    let select: Vec<String> = if cli_select.is_empty() {
        config.select.clone().unwrap_or_default()
    } else {
        cli_select.to_vec()
    };
    let ignore: Vec<String> = config
        .ignore
        .iter()
        .filter(|n| !cli_select.contains(n))
        .chain(cli_ignore)
        .cloned()
        .collect();
    let report_unused = (choices.report_unused || select.iter().any(|n| n == UNUSED_SUPPRESSION))
        && !ignore.iter().any(|n| n == UNUSED_SUPPRESSION);
    let real = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| *n != UNUSED_SUPPRESSION)
            .cloned()
            .collect()
    };
    let (select_real, ignore_real) = (real(&select), real(&ignore));
    let rules = if !select.is_empty() && select_real.is_empty() {
        Vec::new()
    } else {
        select_rules(&select_real, &ignore_real)?
    };
    Ok((rules, report_unused))
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
    go
}

/// Chooses the rules to run: `select` (or the defaults when empty) minus `ignore`.
pub fn select_rules(select: &[String], ignore: &[String]) -> Result<Vec<&'static Rule>, Error> {
    for name in select.iter().chain(ignore) {
        if rules::find(name).is_none() {
            return Err(Error::UnknownRule {
                name: name.clone(),
                valid: rules::RULES
                    .iter()
                    .map(|r| r.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
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
        assert!(settings.rules.is_empty() && settings.report_unused);
        assert!(resolve(&["nope"], &[]).is_err());
    }
}
