//! From a `check` command line to a filtered report: config files (one run per config),
//! stdin, severity overrides, baseline and `--new-from-rev`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;

use crate::cli::{CheckArgs, Format};
use crate::config::{self, Config};
use crate::lang::go::GoSettings;
use crate::lang::Language;
use crate::rules::Rule;
use crate::suppress::UNUSED_SUPPRESSION;
use crate::{baseline, diff, CheckOptions, Error, Report};

/// Lints what the command line asks for and applies every report-level filter.
pub fn collect(args: &CheckArgs) -> Result<Report, Error> {
    let start = Instant::now();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let stdin = paths.iter().any(|p| p == Path::new("-"));
    if stdin && paths.len() > 1 {
        return Err(Error::Usage(
            "`-` (stdin) cannot be combined with other paths".into(),
        ));
    }
    if stdin != args.stdin_filename.is_some() {
        return Err(Error::Usage(
            "read from stdin with the path `-` and `--stdin-filename NAME` together".into(),
        ));
    }
    let mut report = Report::default();
    if let Some(name) = &args.stdin_filename {
        report = check_stdin(args, name)?;
    } else {
        for (config, group) in group_by_config(args, &paths)? {
            let options = options_for(args, &config, group)?;
            let mut part = crate::check(&options)?;
            apply_severities(&config, &mut part);
            report.files.append(&mut part.files);
            report.errors.append(&mut part.errors);
            report.fixes.append(&mut part.fixes);
            report.files_scanned += part.files_scanned;
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.errors.sort();
    if let Some(file) = &args.write_baseline {
        let written = baseline::Baseline::from_report(&report);
        written.write(file)?;
        eprintln!(
            "ctxlint: recorded {} finding{} in {}",
            written.len(),
            if written.len() == 1 { "" } else { "s" },
            file.display()
        );
        report.files.clear();
    } else if let Some(file) = &args.baseline {
        baseline::Baseline::read(file)?.filter(&mut report);
    }
    if let Some(rev) = &args.new_from_rev {
        diff::ChangedLines::since(rev)
            .map_err(Error::Usage)?
            .filter(&mut report);
    }
    report.files.retain(|f| !f.diagnostics.is_empty());
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Where each report goes: the `--format` report to the first plain `--output FILE` (or
/// stdout, `None`), plus one file per `--output FORMAT:FILE`.
/// `--fix` / `--diff` (with `--unsafe-fixes`): how to fix, or `None` to only report.
pub fn fix_mode(args: &CheckArgs) -> Option<crate::fix::FixMode> {
    (args.fix || args.diff).then_some(crate::fix::FixMode {
        unsafe_fixes: args.unsafe_fixes,
        write: !args.diff,
    })
}

pub fn outputs(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
    let mut main = None;
    let mut extra = Vec::new();
    for value in &args.output {
        let prefixed = value
            .split_once(':')
            .and_then(|(f, file)| Some((Format::from_str(f, false).ok()?, file)));
        match prefixed {
            Some((_, "")) => return Err(Error::Usage(format!("`--output {value}` names no file"))),
            Some((format, file)) => extra.push((format, Some(PathBuf::from(file)))),
            None if main.is_none() => main = Some(PathBuf::from(value)),
            None => {
                return Err(Error::Usage(
                    "only one `--output FILE` without a format; use `FORMAT:FILE` for more".into(),
                ))
            }
        }
    }
    let mut all = vec![(args.format, main)];
    all.extend(extra);
    Ok(all)
}

/// The paths grouped by the config file that governs them (in the order first seen).
fn group_by_config(
    args: &CheckArgs,
    paths: &[PathBuf],
) -> Result<Vec<(Config, Vec<PathBuf>)>, Error> {
    if args.isolated {
        return Ok(vec![(Config::default(), paths.to_vec())]);
    }
    if let Some(file) = &args.config {
        return Ok(vec![(Config::load(file)?, paths.to_vec())]);
    }
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Option<PathBuf>> = BTreeMap::new();
    for path in paths {
        let dir = if path.is_dir() {
            path.clone()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let file = by_dir
            .entry(dir)
            .or_insert_with_key(|dir| {
                config::find(if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                })
            })
            .clone();
        match groups.iter_mut().find(|(f, _)| *f == file) {
            Some((_, group)) => group.push(path.clone()),
            None => groups.push((file, vec![path.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(file, paths)| {
            let config = match file {
                Some(file) => Config::load(&file)?,
                None => Config::default(),
            };
            Ok((config, paths))
        })
        .collect()
}

/// The rules to run and whether unused suppressions are reported, CLI over config: `--select`
/// replaces the file's `select`; `ignore` is the union of both, except that a rule named in
/// `--select` is not removed by the file's `ignore`.
fn rules_for(args: &CheckArgs, config: &Config) -> Result<(Vec<&'static Rule>, bool), Error> {
    select_with_config(
        &args.select,
        &args.ignore,
        args.report_unused_suppressions,
        config,
    )
}

/// The rules to run (and whether to report unused suppressions) from command-line choices on
/// top of a config file: `select` replaces the file's, `ignore` adds to it.
pub fn select_with_config(
    cli_select: &[String],
    cli_ignore: &[String],
    cli_report_unused: bool,
    config: &Config,
) -> Result<(Vec<&'static Rule>, bool), Error> {
    let known = config::known_rule_names();
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
    let report_unused = (cli_report_unused || select.iter().any(|n| n == UNUSED_SUPPRESSION))
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
        crate::select_rules(&select_real, &ignore_real)?
    };
    Ok((rules, report_unused))
}

fn options_for(
    args: &CheckArgs,
    config: &Config,
    paths: Vec<PathBuf>,
) -> Result<CheckOptions, Error> {
    let mut options = CheckOptions::new(paths);
    let (rules, report_unused) = rules_for(args, config)?;
    options.rules = rules;
    options.report_unused_suppressions = report_unused;
    options.walk.excludes = args.exclude.clone();
    options.walk.default_excludes = !args.no_default_excludes;
    options.walk.follow_links = args.follow;
    options.walk.threads = args.threads;
    options.walk.config_excludes = config.exclude_matcher()?;
    options.max_file_size = args.max_file_size;
    options.prefilter = !args.no_prefilter;
    options.fix = fix_mode(args);
    options.go = go_settings(config);
    Ok(options)
}

/// The built-in Go tables with the config's entries first (they win on a tie).
pub fn go_settings(config: &Config) -> GoSettings {
    let mut go = GoSettings::default();
    let mut handler_types = config.handler_types.clone();
    handler_types.append(&mut go.handler_types);
    go.handler_types = handler_types;
    let mut cancel_functions = config.cancel_functions.clone();
    cancel_functions.append(&mut go.cancel_functions);
    go.cancel_functions = cancel_functions;
    go
}

fn apply_severities(config: &Config, report: &mut Report) {
    for file in &mut report.files {
        apply_severities_to(config, &mut file.diagnostics);
    }
}

/// Applies the config's `[rules.<name>] severity` overrides.
pub fn apply_severities_to(config: &Config, diagnostics: &mut [crate::diagnostic::Diagnostic]) {
    for d in diagnostics {
        if let Some(severity) = config.severity_of(d.rule) {
            d.severity = severity;
        }
    }
}

/// `-` with `--stdin-filename NAME`: the source comes from stdin, config and excludes are
/// resolved as if it were the file NAME.
fn check_stdin(args: &CheckArgs, name: &Path) -> Result<Report, Error> {
    let display = name.to_string_lossy().into_owned();
    let language = Language::from_path(name).ok_or_else(|| {
        Error::Usage(format!(
            "--stdin-filename {display}: not a file ctxlint can lint (its extension names no supported language)"
        ))
    })?;
    if fix_mode(args).is_some() {
        return Err(Error::Usage(
            "--fix and --diff rewrite files; they cannot be used with stdin (`-`)".into(),
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let config = if args.isolated {
        Config::default()
    } else if let Some(file) = &args.config {
        Config::load(file)?
    } else {
        match config::find(name) {
            Some(file) => Config::load(&file)?,
            None => Config::default(),
        }
    };
    let options = options_for(args, &config, vec![name.to_path_buf()])?;
    if excluded(args, &options, name) {
        return Ok(Report::default());
    }
    let mut report = match crate::decode(bytes) {
        Ok(source) => crate::check_source(&display, language, source, &options),
        Err(message) => Report {
            errors: vec![crate::FileError::new(&display, message)],
            ..Report::default()
        },
    };
    apply_severities(&config, &mut report);
    Ok(report)
}

/// Whether the config's or the command line's excludes skip a stdin file named `name`.
fn excluded(args: &CheckArgs, options: &CheckOptions, name: &Path) -> bool {
    if let Some(m) = &options.walk.config_excludes {
        if config::is_excluded(m, name, false) {
            return true;
        }
    }
    if args.exclude.is_empty() {
        return false;
    }
    let Ok(cwd) = std::env::current_dir() else {
        return false;
    };
    let mut builder = ignore::gitignore::GitignoreBuilder::new(&cwd);
    for glob in &args.exclude {
        let _ = builder.add_line(None, glob);
    }
    match builder.build() {
        Ok(m) => config::is_excluded(&m, name, false),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &[&str]) -> CheckArgs {
        let mut full = vec!["ctxlint", "check"];
        full.extend_from_slice(line);
        match crate::cli::Cli::parse_from(full).command {
            crate::cli::Command::Check(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn command_line_selection_wins_over_the_file() {
        let config = Config {
            select: Some(vec!["discarded-cancel".into()]),
            ignore: vec!["background-in-handler".into()],
            ..Config::default()
        };
        let names = |a: &CheckArgs| -> Vec<&str> {
            rules_for(a, &config)
                .unwrap()
                .0
                .iter()
                .map(|r| r.name)
                .collect()
        };
        assert_eq!(names(&args(&[])), ["discarded-cancel"]);
        assert_eq!(
            names(&args(&["--select", "background-in-handler"])),
            ["background-in-handler"]
        );
        assert!(names(&args(&["--ignore", "discarded-cancel"])).is_empty());
        let (rules, unused) =
            rules_for(&args(&["--select", "unused-suppression"]), &config).unwrap();
        assert!(rules.is_empty() && unused);
        assert!(rules_for(&args(&["--select", "nope"]), &config).is_err());
        assert!(crate::rules::find(UNUSED_SUPPRESSION).is_none());
    }

    #[test]
    fn outputs_split_format_prefixes() {
        let o = outputs(&args(&["--format", "github", "--output", "sarif:x.sarif"])).unwrap();
        assert_eq!(
            o,
            [
                (Format::Github, None),
                (Format::Sarif, Some(PathBuf::from("x.sarif")))
            ]
        );
        let o = outputs(&args(&["--output", "r.txt"])).unwrap();
        assert_eq!(o, [(Format::Human, Some(PathBuf::from("r.txt")))]);
        assert!(outputs(&args(&["--output", "a", "--output", "b"])).is_err());
    }
}
