//! The command-line front end: runs a parsed command line (`check`, `rule`, `server`). For
//! `check`, from the arguments to a filtered report — config files (one run per config),
//! stdin, baseline and `--new-from-rev` — then fixes and rendering.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{CommandFactory, ValueEnum};

use crate::cli::{self, CheckArgs, FailOn, Format};
use crate::config::{self, Config};
use crate::diagnostic::Severity;
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
            let rule = rules::find(&name)
                .ok_or_else(|| Error::UnknownRule(rules::unknown_rule_message(&name)))?;
            write!(out, "{}", rule.doc)?;
            out.flush()?;
            return Ok(0);
        }
        cli::Command::Completions { shell } => {
            clap_complete::generate(shell, &mut cli::Cli::command(), "ctxlint", &mut out);
            out.flush()?;
            return Ok(0);
        }
        cli::Command::Man => {
            clap_mangen::Man::new(cli::Cli::command()).render(&mut out)?;
            out.flush()?;
            return Ok(0);
        }
        cli::Command::Server { select, ignore, .. } => {
            // Unlock stdout: the server writes to it from its own thread.
            drop(out);
            let choices = Choices {
                select,
                ignore,
                report_unused: false,
            };
            return Ok(server::run(choices));
        }
        cli::Command::Check(args) => args,
    };
    let outputs = outputs(&args)?;
    // With stdout closed (`>&-`) Rust's runtime puts /dev/null on it, read-write, and the report
    // would vanish silently. A parent can open /dev/null read-write too (Python's
    // `subprocess.DEVNULL`), so this is a note on stderr, never an error: the run and its exit
    // code stay as they are.
    let to_stdout = args.diff || outputs.iter().any(|(_, file)| file.is_none());
    if to_stdout && !args.show_settings && stdout_is_closed() {
        eprintln!("{STDOUT_CLOSED}");
    }
    if args.show_settings {
        show_settings(&args, &mut out)?;
        out.flush()?;
        return Ok(0);
    }
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
        let path = render::escape_path(&error.path);
        writeln!(stderr, "error: {path}: {}", error.message)?;
    }
    if let Some(mode) = fix_mode {
        let changed = match fix::report(&report.fixes, mode, &mut out, &mut stderr)
            .and_then(|changed| out.flush().map(|()| changed))
        {
            Ok(changed) => changed,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                writeln!(stderr, "{CUT_SHORT}")?;
                true
            }
            Err(e) => return Err(e.into()),
        };
        if !mode.write {
            if !args.quiet {
                writeln!(
                    stderr,
                    "{}",
                    fix_note(&report.fixes, mode, report.unwritten)
                )?;
            }
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
        quiet: args.quiet,
    };
    if !args.quiet {
        // The human summary line says it too; other formats have no place for it.
        if report.baseline_hidden > 0 && !matches!(args.format, Format::Human | Format::Github) {
            writeln!(
                stderr,
                "ctxlint: {} hidden by the baseline",
                plural(report.baseline_hidden, "finding")
            )?;
        }
        if let (Some(recorded), Some(file)) = (report.baseline_recorded, &args.write_baseline) {
            writeln!(
                stderr,
                "ctxlint: recorded {} in {}",
                plural(recorded, "finding"),
                file.display()
            )?;
        }
    }
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
        let rendered = if args.statistics {
            statistics(&report, args.format, args.quiet, &mut out)
        } else {
            render::render(&report, args.format, render_options, &mut out)
        };
        match rendered.and_then(|()| out.flush()) {
            Ok(()) => {}
            // `ctxlint check | head` closes the pipe early: not an error, but the report is
            // incomplete, which the user should know.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                if !args.quiet {
                    writeln!(stderr, "{CUT_SHORT}")?;
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let (Some(mode), false) = (fix_mode, args.quiet) {
        writeln!(
            stderr,
            "{}",
            fix_note(&report.fixes, mode, report.unwritten)
        )?;
    }
    let failing = report
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| fails(d.severity, args.fail_on));
    Ok(if !report.errors.is_empty() {
        2
    } else if failing && !args.exit_zero {
        1
    } else {
        0
    })
}

/// Whether ctxlint was started with file descriptor 1 closed (`ctxlint check >&-`). Rust's
/// runtime opens `/dev/null` read-write on a standard descriptor found closed at startup, so
/// the report would vanish without an error; a shell's `> /dev/null` opens it write-only, and
/// stays allowed. Linux only (the flags are read from `/proc`).
#[cfg(target_os = "linux")]
fn stdout_is_closed() -> bool {
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    if std::fs::read_link("/proc/self/fd/1").ok().as_deref() != Some(Path::new("/dev/null")) {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    info.lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
        .is_some_and(|flags| flags & O_ACCMODE == O_RDWR)
}

#[cfg(not(target_os = "linux"))]
fn stdout_is_closed() -> bool {
    false
}

/// Said on stderr when stdout is /dev/null opened read-write, as it is after `>&-`.
const STDOUT_CLOSED: &str =
    "ctxlint: standard output is closed or /dev/null opened read-write: the report is discarded (use --output FILE to keep it)";

/// Said on stderr when the reader of stdout closed it before the report was written.
const CUT_SHORT: &str = "ctxlint: the report was cut short: standard output was closed";

/// Whether a finding of `severity` makes the exit code 1 under `--fail-on`.
fn fails(severity: Severity, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Info => true,
        FailOn::Warning => severity != Severity::Info,
        FailOn::Error => severity == Severity::Error,
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What `--fix`/`--diff` did, for stderr; a run with nothing to fix says so instead of
/// "applied 0 fixes", unless fixes were found that could not be written (`unwritten` files).
fn fix_note(fixes: &[fix::FileFix], mode: fix::FixMode, unwritten: usize) -> String {
    let changed = fixes.iter().any(|f| f.original != f.fixed);
    let failed = format!(
        "the fixes to {} could not be written (see the errors above)",
        plural(unwritten, "file")
    );
    match (changed, unwritten) {
        (true, 0) => fix::summary(fixes, mode),
        (true, _) => format!("{}; {failed}", fix::summary(fixes, mode)),
        (false, 0) => "no fixes to apply".into(),
        (false, _) => failed,
    }
}

/// `--statistics`: the number of findings per rule, most frequent first, with how many have a
/// fix; JSON with `--format json`, else a table and the summary line.
fn statistics(
    report: &Report,
    format: Format,
    quiet: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Row {
        rule: &'static str,
        severity: &'static str,
        count: usize,
        fixable: usize,
        unsafe_fixable: usize,
    }
    let mut rows: Vec<Row> = Vec::new();
    for d in report.files.iter().flat_map(|f| &f.diagnostics) {
        let i = match rows.iter().position(|r| r.rule == d.rule) {
            Some(i) => i,
            None => {
                rows.push(Row {
                    rule: d.rule,
                    severity: d.severity.as_str(),
                    count: 0,
                    fixable: 0,
                    unsafe_fixable: 0,
                });
                rows.len() - 1
            }
        };
        rows[i].count += 1;
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(crate::diagnostic::Applicability::Safe) => rows[i].fixable += 1,
            Some(crate::diagnostic::Applicability::Unsafe) => rows[i].unsafe_fixable += 1,
            None => {}
        }
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    let count_width = rows.first().map_or(1, |r| r.count.to_string().len());
    for r in &rows {
        let mut fixable = Vec::new();
        if r.fixable > 0 {
            fixable.push(format!("{} fixable", r.fixable));
        }
        if r.unsafe_fixable > 0 {
            fixable.push(format!("{} with --unsafe-fixes", r.unsafe_fixable));
        }
        writeln!(
            out,
            "{:>count_width$}  {:<width$}  {:<7}  {}",
            r.count,
            r.rule,
            r.severity,
            fixable.join(", ")
        )?;
    }
    if !quiet {
        writeln!(out, "{}", render::summary(report))?;
    }
    Ok(())
}

/// `--show-settings`: for each group of paths that share a config file, what applies to them.
fn show_settings(args: &CheckArgs, out: &mut dyn std::io::Write) -> Result<(), Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let groups = match &args.stdin_filename {
        Some(name) => group_by_config(args, std::slice::from_ref(name))?,
        None => group_by_config(args, &paths)?,
    };
    for (config, group) in groups {
        let options = options_for(args, &config, group.clone())?;
        let settings = &options.settings;
        let names: Vec<String> = group.iter().map(|p| p.display().to_string()).collect();
        writeln!(out, "{}:", names.join(", "))?;
        let file = match &config.file {
            Some(file) => walk::absolute(file).display().to_string(),
            None if args.isolated => "none (--isolated)".into(),
            None => "none (built-in defaults)".into(),
        };
        writeln!(out, "  config file: {file}")?;
        writeln!(out, "  rules:")?;
        for rule in &settings.rules {
            let severity = settings
                .severity_of(rule.name)
                .unwrap_or(rule.default_severity);
            writeln!(out, "    {:<24} {severity}", rule.name)?;
        }
        if !settings.per_file_ignores.is_empty() {
            writeln!(out, "  per-file ignores:")?;
            for p in &settings.per_file_ignores {
                writeln!(out, "    {:?} = [{}]", p.glob, p.rules.join(", "))?;
            }
        }
        let defaults = if options.walk.default_excludes {
            walk::DEFAULT_EXCLUDES.join(" ") + " cargo-target/ generated files"
        } else {
            "none (--no-default-excludes)".into()
        };
        writeln!(out, "  default excludes: {defaults}")?;
        writeln!(out, "  config excludes: [{}]", config.exclude.join(", "))?;
        writeln!(
            out,
            "  command-line excludes: [{}]",
            args.exclude.join(", ")
        )?;
        writeln!(
            out,
            "  files named on the command line: {}",
            if args.force_exclude {
                "excluded like walked files (--force-exclude)"
            } else {
                "always linted, unless the config excludes them"
            }
        )?;
        writeln!(
            out,
            "  go: {} handler types, {} cancel functions ({} from the config)",
            settings.go.handler_types.len(),
            settings.go.cancel_functions.len(),
            config.handler_types.len() + config.cancel_functions.len()
        )?;
    }
    Ok(())
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
            report.unwritten += part.unwritten;
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.errors.sort();
    if let Some(file) = &args.write_baseline {
        let written = baseline::Baseline::from_report(&report);
        written.write(file)?;
        report.baseline_recorded = Some(written.len());
        report.files.clear();
    } else if let Some(file) = &args.baseline {
        let before = report.diagnostic_count();
        baseline::Baseline::read(file)?.filter(&mut report);
        report.baseline_hidden = before - report.diagnostic_count();
    }
    if let Some(rev) = &args.new_from_rev {
        let first = args
            .stdin_filename
            .as_ref()
            .or_else(|| paths.first())
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = if first.is_dir() {
            first
        } else {
            first
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        diff::ChangedLines::since(rev, &dir)
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
                Some(file) => Config::load_found(&file)?,
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
    options.walk.force_exclude = args.force_exclude;
    options.max_file_size = args.max_file_size;
    options.file_timeout = (!args.file_timeout.is_zero()).then_some(args.file_timeout);
    options.settings.prefilter = !args.no_prefilter && !args.parse_only;
    options.settings.partial_parse = options.settings.prefilter;
    if args.parse_only {
        options.settings.rules.clear();
    }
    options.fix = fix_mode(args);
    Ok(options)
}

/// `-` with `--stdin-filename NAME`: the source comes from stdin, config and excludes are
/// resolved as if it were the file NAME.
fn check_stdin(args: &CheckArgs, name: &Path) -> Result<Report, Error> {
    let display = crate::walk::display_path(name);
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
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Usage(format!("cannot read the source from stdin: {e}")))?;
    let config = if args.isolated {
        Config::default()
    } else if let Some(file) = &args.config {
        Config::load(file)?
    } else {
        match config::find(name) {
            Some(file) => Config::load_found(&file)?,
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
    let (linted, expired) = crate::deadline::within(options.file_timeout, || {
        engine::lint_file(
            language,
            &source,
            Some(Path::new(&display)),
            &options.settings,
        )
    });
    if let (true, Some(limit)) = (expired, options.file_timeout) {
        return Ok(Report {
            errors: vec![FileError::new(&display, engine::timed_out(limit))],
            ..Report::default()
        });
    }
    Ok(match linted {
        Some(diagnostics) => Report {
            files_scanned: 1,
            files: (!diagnostics.is_empty())
                .then(|| FileReport {
                    path: display.clone(),
                    file: name.to_path_buf(),
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
    })
}

/// Whether the config's or the command line's excludes skip a stdin file named `name`.
fn excluded(args: &CheckArgs, options: &CheckOptions, name: &Path) -> bool {
    if let Some(m) = &options.walk.config_excludes {
        if walk::is_excluded(m, name, false) {
            return true;
        }
    }
    walk::cli_excluded(&args.exclude, name)
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
