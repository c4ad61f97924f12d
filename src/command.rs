//! The command-line front end: runs a parsed command line (`check`, `rule`, `server`). For
//! `check`, from the arguments to a filtered report — config files (one run per config),
//! stdin, baseline and `--new-from-rev` — then fixes and rendering.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;

use crate::cli::{self, CheckArgs, Format};
use crate::config::{self, Config};
use crate::engine::{self, CheckOptions, FileReport, Report};
use crate::error::Error;
use crate::lang::Language;
use crate::settings::{Choices, LintSettings};
use crate::walk::{self, FileError};
use crate::{baseline, diff, fix, render, rules, server};

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: cli::Cli) -> Result<u8, Error> {
    use std::io::{IsTerminal, Write};
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let args = match cli.command {
        cli::Command::Rule { name: None } => {
            for rule in rules::RULES {
                let state = if rule.enabled_by_default {
                    ""
                } else {
                    ", off by default"
                };
                writeln!(
                    out,
                    "{:<24} {} ({}{state}): {}",
                    rule.name,
                    rule.languages()
                        .iter()
                        .map(|l| l.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                    rule.default_severity,
                    rule.title
                )?;
            }
            out.flush()?;
            return Ok(0);
        }
        cli::Command::Rule { name: Some(name) } => {
            let rule = rules::find(&name).ok_or_else(|| Error::UnknownRule {
                valid: rules::RULES
                    .iter()
                    .map(|r| r.name)
                    .collect::<Vec<_>>()
                    .join(", "),
                name,
            })?;
            write!(out, "{}", rule.doc)?;
            out.flush()?;
            return Ok(0);
        }
        cli::Command::Server { .. } => {
            // Unlock stdout: the server writes to it from its own thread.
            drop(out);
            return Ok(server::run());
        }
        cli::Command::Check(args) => args,
    };
    let mut report = collect(&args)?;
    let fix_mode = fix_mode(&args);
    if args.absolute_paths {
        let absolute = |p: &mut String| {
            if let Ok(abs) = std::path::absolute(&*p) {
                *p = abs.to_string_lossy().into_owned();
            }
        };
        report.files.iter_mut().for_each(|f| absolute(&mut f.path));
        report.errors.iter_mut().for_each(|e| absolute(&mut e.path));
        report.fixes.iter_mut().for_each(|f| absolute(&mut f.path));
    }
    let mut stderr = std::io::stderr().lock();
    for error in &report.errors {
        writeln!(stderr, "error: {}: {}", error.path, error.message)?;
    }
    if let Some(mode) = fix_mode {
        let changed = match fix::report(&report.fixes, mode, &mut out, &mut stderr)
            .and_then(|changed| out.flush().map(|()| changed))
        {
            Ok(changed) => changed,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
            Err(e) => return Err(e.into()),
        };
        if !mode.write {
            writeln!(stderr, "{}", fix::summary(&report.fixes, mode))?;
            return Ok(if !report.errors.is_empty() {
                2
            } else {
                u8::from(changed)
            });
        }
    }
    let color = match args.color {
        cli::Color::Always => true,
        cli::Color::Never => false,
        cli::Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let render_options = render::RenderOptions {
        color,
        column_encoding: args.column_encoding,
    };
    let outputs = outputs(&args)?;
    for (format, file) in &outputs {
        let Some(file) = file else { continue };
        let options = render::RenderOptions {
            color: false,
            ..render_options
        };
        let mut buffer = Vec::new();
        render::render(&report, *format, options, &mut buffer)?;
        std::fs::write(file, buffer).map_err(|e| {
            Error::Usage(format!(
                "cannot write the report to {}: {e}",
                file.display()
            ))
        })?;
    }
    if outputs.iter().any(|(_, file)| file.is_none()) {
        match render::render(&report, args.format, render_options, &mut out)
            .and_then(|()| out.flush())
        {
            Ok(()) => {}
            // `ctxlint check | head` closes the pipe early: not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(mode) = fix_mode {
        writeln!(stderr, "{}", fix::summary(&report.fixes, mode))?;
    }
    Ok(if !report.errors.is_empty() {
        2
    } else if report.diagnostic_count() > 0 && !args.exit_zero {
        1
    } else {
        0
    })
}

/// Lints what the command line asks for and applies every report-level filter.
fn collect(args: &CheckArgs) -> Result<Report, Error> {
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
            let mut part = engine::check(&options)?;
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

/// `--fix` / `--diff` (with `--unsafe-fixes`): how to fix, or `None` to only report.
fn fix_mode(args: &CheckArgs) -> Option<fix::FixMode> {
    (args.fix || args.diff).then_some(fix::FixMode {
        unsafe_fixes: args.unsafe_fixes,
        write: !args.diff,
    })
}

/// Where each report goes: the `--format` report to the first plain `--output FILE` (or
/// stdout, `None`), plus one file per `--output FORMAT:FILE`.
fn outputs(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
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

fn options_for(
    args: &CheckArgs,
    config: &Config,
    paths: Vec<PathBuf>,
) -> Result<CheckOptions, Error> {
    let mut options = CheckOptions::new(paths);
    let choices = Choices {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        report_unused: args.report_unused_suppressions,
    };
    options.settings = LintSettings::resolve(config, &choices)?;
    options.walk.excludes = args.exclude.clone();
    options.walk.default_excludes = !args.no_default_excludes;
    options.walk.follow_links = args.follow;
    options.walk.threads = args.threads;
    options.walk.config_excludes = config.exclude_matcher()?;
    options.max_file_size = args.max_file_size;
    options.prefilter = !args.no_prefilter;
    options.fix = fix_mode(args);
    Ok(options)
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
    let source = match engine::decode(bytes) {
        Ok(source) => source,
        Err(message) => {
            return Ok(Report {
                errors: vec![FileError::new(&display, message)],
                ..Report::default()
            })
        }
    };
    Ok(
        match engine::lint_file(
            language,
            &source,
            Some(Path::new(&display)),
            &options.settings,
        ) {
            Some(diagnostics) => Report {
                files_scanned: 1,
                files: (!diagnostics.is_empty())
                    .then(|| FileReport {
                        path: display.clone(),
                        source,
                        diagnostics,
                    })
                    .into_iter()
                    .collect(),
                ..Report::default()
            },
            None => Report {
                errors: vec![FileError::new(&display, engine::PARSER_GAVE_UP.into())],
                ..Report::default()
            },
        },
    )
}

/// Whether the config's or the command line's excludes skip a stdin file named `name`.
fn excluded(args: &CheckArgs, options: &CheckOptions, name: &Path) -> bool {
    if let Some(m) = &options.walk.config_excludes {
        if walk::is_excluded(m, name, false) {
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
        Ok(m) => walk::is_excluded(&m, name, false),
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
        match cli::Cli::parse_from(full).command {
            cli::Command::Check(a) => a,
            _ => unreachable!(),
        }
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
