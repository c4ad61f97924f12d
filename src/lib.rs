//! ctxlint: finds cancellation-context misuse in Go (and Rust) source from syntax alone.
//!
//! The pipeline is walk → read → parse once → run every enabled rule of the file's language
//! → drop findings inside syntax errors → sort → render.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod driver;
pub mod fix;
pub mod flow;
pub mod lang;
pub mod prefilter;
pub mod progress;
pub mod render;
pub mod rules;
pub mod server;
pub mod suppress;
pub mod walk;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::lang::go::{GoFile, GoSettings};
use crate::lang::rust::RustFile;
use crate::lang::Language;
use crate::prefilter::Prefilter;
use crate::rules::{Check, Rule};
use crate::walk::{Target, WalkOptions};

/// Files larger than this are skipped with a message unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Errors that stop a whole run (usage errors): exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown rule `{name}`; valid rules are: {valid}")]
    UnknownRule { name: String, valid: String },
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool { threads: usize, message: String },
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Usage(String),
}

/// A file that could not be analysed (or a path that could not be walked).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

impl FileError {
    pub fn new(path: &str, message: String) -> FileError {
        FileError {
            path: path.to_string(),
            message,
        }
    }
}

/// The findings in one file, with its source kept for rendering.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of a run, sorted: files by path, diagnostics by (start byte, rule).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub errors: Vec<FileError>,
    pub files_scanned: usize,
    pub elapsed: Duration,
    /// Files that had an applicable fix (with `CheckOptions::fix`), sorted by path.
    pub fixes: Vec<fix::FileFix>,
}

impl Report {
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }
}

/// Everything a `check` run needs to know.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub walk: WalkOptions,
    pub rules: Vec<&'static Rule>,
    pub go: GoSettings,
    pub max_file_size: u64,
    /// `--fix`/`--diff`: fix each file, then report what remains.
    pub fix: Option<fix::FixMode>,
    /// Skip parsing files that contain none of the enabled rules' needles.
    pub prefilter: bool,
    /// Report `//ctxlint:ignore` and `//nolint` comments that silence nothing.
    pub report_unused_suppressions: bool,
}

impl CheckOptions {
    /// Lint `paths` with the rules enabled by default and the built-in settings.
    pub fn new(paths: Vec<PathBuf>) -> CheckOptions {
        CheckOptions {
            paths,
            walk: WalkOptions {
                excludes: Vec::new(),
                default_excludes: true,
                follow_links: false,
                threads: 0,
                config_excludes: None,
            },
            rules: rules::default_rules(),
            go: GoSettings::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            prefilter: true,
            fix: None,
            report_unused_suppressions: false,
        }
    }
}

/// Walks, parses and lints every file; `threads == 0` means one per core.
pub fn check(options: &CheckOptions) -> Result<Report, Error> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.walk.threads)
        // Deeply nested code must not overflow a worker's stack.
        .stack_size(64 * 1024 * 1024)
        .build()
        .map_err(|e| Error::ThreadPool {
            threads: options.walk.threads,
            message: e.to_string(),
        })?;
    let (targets, mut errors) = walk::discover(&options.paths, &options.walk);
    let options = &pool.install(|| with_wrappers(&targets, options));
    let prefilter = options.prefilter.then(|| Prefilter::new(options));
    let progress = progress::Progress::new(targets.len());
    let outcomes: Vec<Outcome> = pool.install(|| {
        targets
            .par_iter()
            .map(|target| {
                let outcome = analyse(target, options, prefilter.as_ref());
                progress.inc();
                outcome
            })
            .collect()
    });
    progress.finish();
    let mut report = Report::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Linted(file, fixed) => {
                report.files_scanned += 1;
                report.files.extend(file);
                report.fixes.extend(fixed);
            }
            Outcome::Skipped => {}
            Outcome::Failed(error) => errors.push(error),
        }
    }
    errors.sort();
    report.errors = errors;
    report.elapsed = start.elapsed();
    Ok(report)
}

/// The options with the cancel-producing wrappers declared in the scanned tree added to the
/// Go settings, found by a parallel first pass that parses only the files mentioning
/// `CancelFunc`. Files that cannot be read are left to the main pass to report.
fn with_wrappers(targets: &[Target], options: &CheckOptions) -> CheckOptions {
    let mut options = options.clone();
    if options.rules.iter().any(|r| r.language == Language::Go) {
        options.go.wrappers = collect_wrappers(targets, options.max_file_size)
            .into_iter()
            .flat_map(|(_, wrappers)| wrappers)
            .collect();
        options.go.wrappers.sort();
        options.go.wrappers.dedup();
    }
    options
}

/// The cancel-producing wrappers each Go target declares (targets declaring none are left
/// out), in parallel; only files mentioning `CancelFunc` are parsed.
pub fn collect_wrappers(
    targets: &[Target],
    max_file_size: u64,
) -> Vec<(PathBuf, Vec<lang::go::CancelWrapper>)> {
    targets
        .par_iter()
        .filter(|t| t.language == Language::Go)
        .filter_map(|target| {
            let dir = target.path.parent().unwrap_or(std::path::Path::new(""));
            let wrappers = with_file_bytes(&target.path, max_file_size, |bytes| {
                if !lang::go::mentions_cancel_func(bytes) {
                    return Some(Vec::new());
                }
                let source = std::str::from_utf8(bytes).ok()?;
                Some(lang::go::cancel_wrappers(source, dir))
            });
            // Files that cannot be read are left to the main pass to report.
            let wrappers = wrappers.ok().flatten()?;
            (!wrappers.is_empty()).then(|| (target.path.clone(), wrappers))
        })
        .collect()
}

enum Outcome {
    /// Linted; `Some` when it has findings (after fixing), and what fixing did.
    Linted(Option<FileReport>, Option<fix::FileFix>),
    /// Generated code found by walking.
    Skipped,
    Failed(FileError),
}

fn analyse(target: &Target, options: &CheckOptions, prefilter: Option<&Prefilter>) -> Outcome {
    let fail = |message: String| Outcome::Failed(FileError::new(&target.display, message));
    let read = with_file_bytes(&target.path, options.max_file_size, |bytes| {
        let text = match as_text(bytes) {
            Ok(text) => text,
            Err(message) => return fail(message),
        };
        if let Some(outcome) = skip(target, text, options, prefilter) {
            return outcome;
        }
        lint_text(target, text.to_string(), options, None)
    });
    read.unwrap_or_else(fail)
}

/// Reads a file into this thread's buffer and hands its bytes to `f`: each worker reads every
/// file into the same buffer, so the many files that are dropped unparsed (prefilter, wrapper
/// pass) cost no allocation. `Err` says why the file could not be read (or is too large).
fn with_file_bytes<R>(
    path: &std::path::Path,
    max_file_size: u64,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, String> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len > max_file_size {
        return Err(format!(
            "file is {len} bytes, larger than --max-file-size {max_file_size}; skipped"
        ));
    }
    BUFFER.with(|buffer| {
        let mut bytes = buffer.borrow_mut();
        bytes.clear();
        std::io::Read::read_to_end(&mut file, &mut bytes).map_err(|e| e.to_string())?;
        Ok(f(&bytes))
    })
}

/// Files not to parse: generated ones found by walking (`Skipped`), and those the prefilter
/// proves cannot produce a finding (linted, clean).
fn skip(
    target: &Target,
    text: &str,
    options: &CheckOptions,
    prefilter: Option<&Prefilter>,
) -> Option<Outcome> {
    let generated = match target.language {
        Language::Go => walk::is_generated(text),
        Language::Rust => walk::is_generated_rust(text),
    };
    if !target.explicit && options.walk.default_excludes && generated {
        return Some(Outcome::Skipped);
    }
    if prefilter.is_some_and(|p| !p.may_match(target.language, text.as_bytes())) {
        return Some(Outcome::Linted(None, None));
    }
    None
}

/// Lints one file's text as `target.display`; a source not read from disk (stdin) too.
fn lint_text(
    target: &Target,
    source: String,
    options: &CheckOptions,
    prefilter: Option<&Prefilter>,
) -> Outcome {
    let fail = |message: String| Outcome::Failed(FileError::new(&target.display, message));
    if let Some(outcome) = skip(target, &source, options, prefilter) {
        return outcome;
    }
    let dir = target.path.parent();
    let lint = |text: &str| {
        lint_source_in(
            target.language,
            text,
            dir,
            &options.rules,
            &options.go,
            options.report_unused_suppressions,
        )
    };
    let Some(diagnostics) = lint(&source) else {
        return fail("the parser gave up on this file".into());
    };
    let (source, diagnostics, fixed) = match options.fix {
        Some(mode) if mode.applies_any(&diagnostics) => {
            let (path, display, language) = (&target.path, &target.display, target.language);
            match fix::fix_file(path, display, language, source, diagnostics, mode, lint) {
                Ok((fixed, source, diagnostics)) => (source, diagnostics, Some(fixed)),
                Err(message) => return fail(message),
            }
        }
        _ => (source, diagnostics, None),
    };
    let file = (!diagnostics.is_empty()).then(|| FileReport {
        path: target.display.clone(),
        source,
        diagnostics,
    });
    Outcome::Linted(file, fixed)
}

/// Checks that bytes are text: no NUL byte (a binary file) and valid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    as_text(&bytes)?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The bytes as text, or why they are not: a NUL byte in the first 8 KiB (a binary file) or
/// invalid UTF-8.
fn as_text(bytes: &[u8]) -> Result<&str, String> {
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err("binary file (contains NUL bytes), not source code".into());
    }
    std::str::from_utf8(bytes)
        .map_err(|e| format!("invalid UTF-8 at byte {}, not analysed", e.valid_up_to()))
}

/// Parses one source once and runs every given rule of its language over the tree. Findings
/// whose primary span touches a syntax error, or that an inline suppression silences, are
/// dropped. Sorted by (start byte, rule).
pub fn lint_source(
    language: Language,
    source: &str,
    rules: &[&Rule],
    go: &GoSettings,
) -> Option<Vec<Diagnostic>> {
    lint_source_with(language, source, rules, go, false)
}

/// [`lint_source`], optionally reporting suppressions that silence nothing.
pub fn lint_source_with(
    language: Language,
    source: &str,
    rules: &[&Rule],
    go: &GoSettings,
    report_unused_suppressions: bool,
) -> Option<Vec<Diagnostic>> {
    lint_source_in(
        language,
        source,
        None,
        rules,
        go,
        report_unused_suppressions,
    )
}

/// [`lint_source_with`] for a file in directory `dir` (functions of the same package live
/// there: cancel-producing wrappers are called unqualified).
pub fn lint_source_in(
    language: Language,
    source: &str,
    dir: Option<&std::path::Path>,
    rules: &[&Rule],
    go: &GoSettings,
    report_unused_suppressions: bool,
) -> Option<Vec<Diagnostic>> {
    let tree = lang::parse(language, source)?;
    let mut diagnostics = Vec::new();
    lang::with_root(&tree, || match language {
        Language::Go => {
            let mut file = GoFile::new(source, &tree, go);
            file.dir = dir;
            for rule in rules {
                if let Check::Go(check) = rule.check {
                    check(&file, &mut diagnostics);
                }
            }
        }
        Language::Rust => {
            let mut file = RustFile::new(source, &tree);
            file.dir = dir;
            for rule in rules {
                if let Check::Rust(check) = rule.check {
                    check(&file, &mut diagnostics);
                }
            }
        }
    });
    let broken = lang::error_spans(&tree);
    diagnostics.retain(|d| {
        !broken.iter().any(|e| {
            d.span.start < e.end.max(e.start + 1) && e.start < d.span.end.max(d.span.start + 1)
        })
    });
    suppress::apply(
        &tree,
        source,
        language,
        rules,
        &mut diagnostics,
        report_unused_suppressions,
    );
    diagnostics.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    diagnostics.dedup();
    Some(diagnostics)
}

/// Lints a source that is not read from disk (`--stdin-filename`), reported as `display`.
pub fn check_source(
    display: &str,
    language: Language,
    source: String,
    options: &CheckOptions,
) -> Report {
    let start = Instant::now();
    let target = Target {
        display: display.to_string(),
        path: PathBuf::from(display),
        language,
        explicit: true,
    };
    let mut report = Report::default();
    match lint_text(&target, source, options, None) {
        Outcome::Linted(file, _) => {
            report.files_scanned = 1;
            report.files.extend(file);
        }
        Outcome::Skipped => {}
        Outcome::Failed(error) => report.errors.push(error),
    }
    report.elapsed = start.elapsed();
    report
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
                    rule.language.name(),
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
    let mut report = driver::collect(&args)?;
    let fix_mode = driver::fix_mode(&args);
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
    let outputs = driver::outputs(&args)?;
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
