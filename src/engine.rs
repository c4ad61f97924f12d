//! The engine: lint one file ([`lint_file`]) or a tree ([`check`]) with [`LintSettings`].
//!
//! The pipeline is walk → read → prefilter → parse once → run every enabled rule of the file's
//! language whose needles occur in it → drop findings inside syntax errors → suppressions →
//! sort. Files are linted in
//! parallel and the report is sorted, so it is the same whatever the thread count.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::fix;
use crate::lang::go::GoFile;
use crate::lang::rust::RustFile;
use crate::lang::{self, Language};
use crate::prefilter;
use crate::rules::{Check, Rule};
use crate::settings::LintSettings;
use crate::walk::{self, FileError, Target, WalkOptions};
use crate::{progress, suppress};

/// Files larger than this are skipped with a message unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// How long the analysis of one file may take unless `--file-timeout` says otherwise. Real
/// files take milliseconds; only generated or hostile ones come near it.
pub const DEFAULT_FILE_TIMEOUT: Duration = Duration::from_secs(10);

/// The findings in one file, with its source kept for rendering.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as reported (see [`crate::walk::display_path`]).
    pub path: String,
    /// The file's real path (its bytes, for SARIF's percent-encoded URIs); empty for stdin
    /// under no `--stdin-filename`.
    pub file: std::path::PathBuf,
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
    /// Findings not reported because a baseline (`--baseline`) records them.
    pub baseline_hidden: usize,
    /// `--write-baseline`: how many findings were recorded (none are reported then).
    pub baseline_recorded: Option<usize>,
    /// `--fix`: files whose fixes could not be written (each also has an error).
    pub unwritten: usize,
}

impl Report {
    pub fn diagnostic_count(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }

    /// Findings with a fix: (safe, unsafe).
    pub fn fixable_count(&self) -> (usize, usize) {
        let mut counts = (0, 0);
        for fix in self
            .files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter_map(|d| d.fix.as_ref())
        {
            match fix.applicability {
                crate::diagnostic::Applicability::Safe => counts.0 += 1,
                crate::diagnostic::Applicability::Unsafe => counts.1 += 1,
            }
        }
        counts
    }
}

/// Everything a `check` run needs to know.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub walk: WalkOptions,
    pub settings: LintSettings,
    pub max_file_size: u64,
    /// `--file-timeout`: a file whose analysis (with its fixing) takes longer is skipped with
    /// an error, so one generated or hostile file cannot stall a run; `None`: no limit.
    pub file_timeout: Option<Duration>,
    /// `--fix`/`--diff`: fix each file, then report what remains.
    pub fix: Option<fix::FixMode>,
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
                force_exclude: false,
            },
            settings: LintSettings::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            file_timeout: Some(DEFAULT_FILE_TIMEOUT),
            fix: None,
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
    let progress = progress::Progress::new(targets.len());
    let outcomes: Vec<Outcome> = pool.install(|| {
        targets
            .par_iter()
            .map(|target| {
                let outcome = analyse(target, options);
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
            Outcome::Unwritten(file, error) => {
                report.files_scanned += 1;
                report.files.extend(file);
                report.unwritten += 1;
                errors.push(error);
            }
        }
    }
    errors.sort();
    report.errors = errors;
    report.elapsed = start.elapsed();
    Ok(report)
}

/// The options with what the scanned tree declares added to the Go settings: the
/// cancel-producing wrappers, the types of struct fields and package variables (see
/// [`lang::go::types`]), the functions with a context-taking sibling (see
/// [`lang::go::siblings`]), the functions that start their own root (see
/// [`lang::go::roots`]), found by one parallel first pass that parses only the files a byte
/// scan picks, and the linted Go files where the functions that detach a context parameter at
/// once are looked for when a rule asks (see [`lang::go::detached`]). The `vendor/`
/// directories of the scanned modules are read for siblings and roots even when they are not
/// linted. Files that cannot be read are left to the main pass to
/// report. For the Rust rules, the `JoinHandle` aliases, spawn wrappers and test-only module
/// files of the tree (see [`lang::rust::TreeTypes`]).
fn with_wrappers(targets: &[Target], options: &CheckOptions) -> CheckOptions {
    let mut options = options.clone();
    let rules = options.settings.rules_to_run();
    if rules.iter().any(|r| matches!(r.check, Check::Go(_))) {
        with_go_declarations(targets, &mut options, &rules);
    }
    if rules.iter().any(|r| matches!(r.check, Check::Rust(_))) {
        let declared = rust_declarations(targets, options.max_file_size);
        options.settings.rust = std::sync::Arc::new(lang::rust::TreeTypes::new(declared));
    }
    options
}

/// The Go part of [`with_wrappers`].
fn with_go_declarations(targets: &[Target], options: &mut CheckOptions, rules: &[&Rule]) {
    // Only context-not-passed and callee-drops-context ask about siblings (the latter leaves
    // the callees that have one to the former), only callee-drops-context about roots: other
    // runs skip vendor/ altogether.
    let roots = rules
        .iter()
        .any(|r| r.name == crate::rules::CALLEE_DROPS_CONTEXT);
    let siblings = roots || rules.iter().any(|r| r.name == "context-not-passed");
    let root_settings = options.settings.go.clone();
    let root_pass = lang::go::RootPass {
        settings: &root_settings,
        judge: &crate::rules::roots_in,
    };
    // Only goroutine-outlives-context asks which functions detach a context parameter, and
    // only of the packages it lints: the index holds their files, read when asked.
    let detachers = rules
        .iter()
        .any(|r| r.name == crate::rules::GOROUTINE_OUTLIVES_CONTEXT);
    let in_targets = lang::go::Wanted {
        wrappers: true,
        types: true,
        siblings,
        roots,
        partial: options.settings.partial_parse,
    };
    // Without a `vendor/` directory (most modules), the imports need not be read for it.
    let vendor_dirs = if (siblings || roots) && options.walk.default_excludes {
        vendor_dirs(&options.paths, targets)
    } else {
        Vec::new()
    };
    let read_vendor = !vendor_dirs.is_empty();
    // Without callee-drops-context (whose roots may be in any imported package), only the
    // vendored packages a lookup of context-not-passed can reach are read (see
    // [`SiblingReach`]); with a target inside a `vendor/` directory (named on the command line,
    // or a document of the language server), the packages it shares a directory with may
    // matter too, and every imported one is read.
    let cwd = std::env::current_dir().unwrap_or_default();
    let reach = (read_vendor && !roots && !targets.iter().any(|t| in_vendor_dir(&cwd, &t.path)))
        .then(|| SiblingReach::new(&options.settings.go));
    let (declared, mut file_imports, reached) = collect_declarations(
        targets,
        options.max_file_size,
        in_targets,
        Some(&root_pass),
        read_vendor || roots,
        reach.as_ref(),
    );
    let mut imports: std::collections::BTreeSet<String> = file_imports
        .values()
        .flatten()
        .map(String::as_str)
        .collect::<HashSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    if reach.is_some() {
        // The imports the lookups can go through, and the packages of the types in the type
        // facts of those files' directories (`s.client.Get()` with a field `client *pkg.T`),
        // of those the targets import (as before: what the byte scan of imports finds).
        let dirs: HashSet<&Path> = reached
            .keys()
            .map(|p| p.parent().unwrap_or(Path::new("")))
            .collect();
        let mut wanted: HashSet<&str> = reached.values().flatten().map(String::as_str).collect();
        wanted.extend(
            declared
                .iter()
                .filter(|(path, _)| dirs.contains(path.parent().unwrap_or(Path::new(""))))
                .flat_map(|(_, d)| d.types.imported_packages()),
        );
        imports.retain(|path| wanted.contains(path.as_str()));
    }
    let vendored = if read_vendor {
        vendor_targets(&vendor_dirs, targets, &imports)
    } else {
        Vec::new()
    };
    let in_vendor = lang::go::Wanted {
        wrappers: false,
        types: false,
        ..in_targets
    };
    let (mut vendor_declared, vendor_imports, _) = collect_declarations(
        &vendored,
        options.max_file_size,
        in_vendor,
        Some(&root_pass),
        roots,
        None,
    );
    file_imports.extend(vendor_imports);
    // The packages declaring the aliases of `context.Context` that the siblings found so far
    // take first (`aws.Context`), when the targets do not import them.
    let aliases: std::collections::BTreeSet<String> = declared
        .iter()
        .chain(&vendor_declared)
        .flat_map(|(_, d)| d.siblings.alias_packages())
        .filter(|path| !imports.contains(*path))
        .map(str::to_string)
        .collect();
    if read_vendor && !aliases.is_empty() {
        let only_siblings = lang::go::Wanted {
            roots: false,
            ..in_vendor
        };
        let vendored = vendor_targets(&vendor_dirs, targets, &aliases);
        let (more, _, _) = collect_declarations(
            &vendored,
            options.max_file_size,
            only_siblings,
            None,
            false,
            None,
        );
        vendor_declared.extend(more);
    }
    let mut wrappers = Vec::new();
    let mut types = Vec::new();
    let mut sibling_files = Vec::new();
    let mut root_files = Vec::new();
    for (path, declarations) in declared.into_iter().chain(vendor_declared) {
        wrappers.extend(declarations.wrappers);
        if !declarations.types.is_empty() {
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            types.push((dir, declarations.package, declarations.types));
        }
        if !declarations.siblings.is_empty() {
            sibling_files.push(declarations.siblings);
        }
        if !declarations.roots.is_empty() {
            root_files.push(declarations.roots);
        }
    }
    wrappers.sort();
    wrappers.dedup();
    let partial = options.settings.partial_parse;
    let max_file_size = options.max_file_size;
    let go = &mut options.settings.go;
    go.wrappers = wrappers;
    go.types = std::sync::Arc::new(lang::go::types::TypeIndex::new(types));
    go.siblings = std::sync::Arc::new(lang::go::siblings::SiblingIndex::siblings(sibling_files));
    if detachers {
        let files = targets
            .iter()
            .filter(|t| t.language == Language::Go)
            .map(|t| t.path.clone());
        go.detached = std::sync::Arc::new(lang::go::detached::DetachIndex::new(
            files.collect(),
            max_file_size,
        ));
    }
    let direct: Vec<lang::go::roots::RootStart> = root_files.into_iter().flatten().collect();
    let all_roots = if roots && !direct.is_empty() {
        let go_targets: Vec<&Target> = targets
            .iter()
            .filter(|t| t.language == Language::Go)
            .chain(&vendored)
            .collect();
        with_callers(
            &go_targets,
            &file_imports,
            max_file_size,
            partial,
            go,
            direct,
        )
    } else {
        direct
    };
    go.roots = std::sync::Arc::new(lang::go::roots::RootIndex::new(all_roots));
}

/// The functions that start a root (`direct`) and those that reach one through functions of
/// the tree, up to [`lang::go::roots::MAX_DEPTH`] functions down: one parallel pass per step,
/// each parsing only the files that may call a function found by the step before (a byte scan
/// of their names, those of the file's own directory and of the packages it imports), and of
/// those, with `partial`, only the functions that call one of the step's names (and every
/// other declaration). Each step depends only on the ones before, so the result is the same
/// whatever the thread count and file order.
fn with_callers(
    targets: &[&Target],
    imports: &FileImports,
    max_file_size: u64,
    partial: bool,
    settings: &lang::go::GoSettings,
    direct: Vec<lang::go::roots::RootStart>,
) -> Vec<lang::go::roots::RootStart> {
    let mut all = direct.clone();
    let mut frontier = direct;
    for _ in 1..lang::go::roots::MAX_DEPTH {
        let known = lang::go::roots::RootIndex::new(all.iter().cloned());
        // The step's names by declaring directory and by import path: a file can call only
        // those of its own directory's package and of the packages it imports.
        let mut by_dir: HashMap<&Path, HashSet<&str>> = HashMap::new();
        let mut by_import: HashMap<&str, HashSet<&str>> = HashMap::new();
        for start in &frontier {
            let declared = &start.declared;
            by_dir
                .entry(declared.dir.as_path())
                .or_default()
                .insert(declared.name.as_str());
            if let Some(path) = &declared.import_path {
                by_import
                    .entry(path.as_str())
                    .or_default()
                    .insert(declared.name.as_str());
            }
        }
        let reachable = |path: &Path, bytes: &[u8]| -> HashSet<&str> {
            let dir = path.parent().unwrap_or(Path::new(""));
            let mut names: HashSet<&str> = by_dir.get(dir).cloned().unwrap_or_default();
            for import in lang::go::imports::import_paths(bytes) {
                if let Some(more) = by_import.get(import) {
                    names.extend(more);
                }
            }
            names
        };
        let mut settings = settings.clone();
        settings.roots = std::sync::Arc::new(lang::go::roots::RootIndex::new(frontier.clone()));
        // Files known (from the first pass) to import none of the step's packages and to lie
        // outside its directories cannot call its names: they are not read again.
        let may_call = |path: &Path| match imports.get(path) {
            Some(paths) => {
                by_dir.contains_key(path.parent().unwrap_or(Path::new("")))
                    || paths.iter().any(|p| by_import.contains_key(p.as_str()))
            }
            None => true,
        };
        let found: Vec<lang::go::roots::RootStart> = targets
            .par_iter()
            .filter(|t| !t.path.to_string_lossy().ends_with("_test.go") && may_call(&t.path))
            .flat_map_iter(|target| {
                let found = with_file_bytes(&target.path, max_file_size, |bytes| {
                    let source = std::str::from_utf8(bytes).ok()?;
                    let names = reachable(&target.path, bytes);
                    if names.is_empty()
                        || lang::go::siblings::called_names(source, |n| names.contains(n))
                            .is_empty()
                    {
                        return None;
                    }
                    // Only the functions that call a name of the step (and every other
                    // declaration) can be a caller: the rest is not parsed.
                    let ranges = partial
                        .then(|| lang::go::outline::outline(source))
                        .flatten()
                        .and_then(|items| {
                            lang::go::needed_ranges(source, &items, |_, _, text| {
                                std::str::from_utf8(text)
                                    .is_ok_and(|text| settings.roots.called_in(text))
                            })
                        });
                    let tree = match ranges {
                        Some(ranges) => lang::parse_ranges(Language::Go, source, &ranges)?,
                        None => lang::parse(Language::Go, source)?,
                    };
                    Some(lang::with_root(&tree, || {
                        let mut file = GoFile::new(source, &tree, &settings);
                        file.dir = Some(target.path.parent().unwrap_or(Path::new("")));
                        crate::rules::callers_in(&file, &target.path, &known)
                    }))
                });
                // Files that cannot be read are left to the main pass to report.
                found.ok().flatten().unwrap_or_default()
            })
            .collect();
        if found.is_empty() {
            break;
        }
        // One function per declaration: the first in order when several files of a package
        // reach it (platform variants).
        let found: std::collections::BTreeSet<_> = found.into_iter().collect();
        all.extend(found.iter().cloned());
        frontier = found.into_iter().collect();
    }
    all
}

/// For the language server, which lints one document at a time: `settings` with what the Go
/// package in `dir` declares (the files of the directory, tests excluded, and the `vendor/`
/// packages they import, as `check` reads them): the types of its struct fields, the functions
/// with a context-taking sibling and the functions that start their own root, chains included,
/// and the functions that may detach a context parameter at once. Only when
/// context-not-passed, callee-drops-context or goroutine-outlives-context runs (no other rule
/// asks); the workspace's cancel wrappers in `settings` are kept. Files that cannot be read
/// are left out.
pub fn with_package_declarations(dir: &Path, settings: &LintSettings) -> LintSettings {
    let rules = settings.rules_to_run();
    if !rules.iter().any(|r| {
        r.name == crate::rules::CALLEE_DROPS_CONTEXT
            || r.name == crate::rules::GOROUTINE_OUTLIVES_CONTEXT
            || r.name == "context-not-passed"
    }) {
        return settings.clone();
    }
    let files = package_files(dir).unwrap_or_default();
    let targets: Vec<Target> = files
        .into_iter()
        .map(|path| Target {
            display: path.to_string_lossy().into_owned(),
            path,
            language: Language::Go,
            explicit: false,
        })
        .collect();
    let mut options = CheckOptions::new(vec![dir.to_path_buf()]);
    options.settings = settings.clone();
    let wrappers = settings.go.wrappers.clone();
    with_go_declarations(&targets, &mut options, &rules);
    let go = &mut options.settings.go;
    go.wrappers.extend(wrappers);
    go.wrappers.sort();
    go.wrappers.dedup();
    options.settings
}

/// The `JoinHandle` aliases, spawn wrappers and test-only module files each Rust target
/// declares (see [`lang::rust::TreeTypes`]), in parallel; only files mentioning `JoinHandle`
/// or declaring a module in a file of its own under a test `cfg` are parsed.
fn rust_declarations(targets: &[Target], max_file_size: u64) -> Vec<lang::rust::types::Declared> {
    targets
        .par_iter()
        .filter(|t| t.language == Language::Rust)
        .filter_map(|target| {
            let declared = with_file_bytes(&target.path, max_file_size, |bytes| {
                if memchr::memmem::find(bytes, b"JoinHandle").is_none()
                    && !declares_test_module_file(bytes)
                {
                    return None;
                }
                let source = std::str::from_utf8(bytes).ok()?;
                let tree = lang::parse(Language::Rust, source)?;
                let declared = lang::with_root(&tree, || {
                    let mut file = RustFile::new(source, &tree);
                    file.path = Some(&target.path);
                    lang::rust::types::declarations(&file, &target.path)
                });
                (!declared.is_empty()).then_some(declared)
            });
            // Files that cannot be read are left to the main pass to report.
            declared.ok().flatten()
        })
        .collect()
}

/// Whether a file may declare a module kept in a file of its own for tests: a line
/// `mod name;` (after `pub`, `pub(crate)`, …) under attribute lines, or with an attribute on
/// the same line, that mention `cfg` and `test` (`#[cfg(any(test, feature = "test_utils"))]`).
fn declares_test_module_file(bytes: &[u8]) -> bool {
    let test_cfg = |line: &[u8]| {
        memchr::memmem::find(line, b"cfg").is_some()
            && memchr::memmem::find(line, b"test").is_some()
    };
    let mut attributes_say_test = false;
    for line in bytes.split(|&b| b == b'\n').map(<[u8]>::trim_ascii) {
        if line.starts_with(b"#[") && !line.ends_with(b";") {
            attributes_say_test |= test_cfg(line);
            continue;
        }
        let declares = line.ends_with(b";")
            && memchr::memmem::find(line, b"mod ").is_some_and(|at| {
                let before = line[..at].trim_ascii();
                before.is_empty() || before.starts_with(b"pub") || before.ends_with(b"]")
            });
        if declares && (attributes_say_test || test_cfg(line)) {
            return true;
        }
        attributes_say_test = false;
    }
    false
}

/// The `vendor/` directories of the scanned modules: beside the `go.mod` of each Go target's
/// package, and in each directory given on the command line; those that exist, sorted.
fn vendor_dirs(paths: &[PathBuf], targets: &[Target]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| std::path::absolute(p.join("vendor")).ok())
        .collect();
    let mut packages: Vec<&Path> = targets
        .iter()
        .filter(|t| t.language == Language::Go)
        .filter_map(|t| t.path.parent())
        .collect();
    packages.dedup();
    let mut modules: Vec<PathBuf> = packages
        .into_iter()
        .filter_map(lang::go::gomod::module_dir)
        .collect();
    modules.sort();
    modules.dedup();
    dirs.extend(modules.into_iter().map(|m| m.join("vendor")));
    dirs.retain(|d| d.is_dir());
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The Go files (tests excluded) of the packages of the `vendor/` directories `dirs` (see
/// [`vendor_dirs`]) that the targets import: what a call in the targets can reach, read only
/// for declarations. Only those packages' directories are listed, not the whole `vendor/` tree.
fn vendor_targets(
    dirs: &[PathBuf],
    targets: &[Target],
    imports: &std::collections::BTreeSet<String>,
) -> Vec<Target> {
    // The vendored files that are targets too (with --no-default-excludes), known by their
    // absolute path (the current directory asked once, not once a file); only paths in a
    // `vendor` directory can be one.
    let cwd = std::env::current_dir().unwrap_or_default();
    let known: std::collections::HashSet<PathBuf> = targets
        .iter()
        .filter(|t| in_vendor_dir(&cwd, &t.path))
        .map(|t| cwd.join(&t.path))
        .collect();
    let mut vendored = Vec::new();
    for package in dirs.iter().flat_map(|vendor| {
        let vendored = vendored_packages(vendor);
        imports
            .iter()
            .filter(move |i| vendored.may_hold(i))
            .map(move |i| vendor.join(i))
    }) {
        let Some(mut files) = package_files(&package) else {
            continue;
        };
        if !known.is_empty() {
            files.retain(|p| !known.contains(&cwd.join(p)));
        }
        vendored.extend(files.into_iter().map(|path| Target {
            display: path.to_string_lossy().into_owned(),
            path,
            language: Language::Go,
            explicit: false,
        }));
    }
    vendored
}

/// Whether `path`, made absolute against `cwd`, lies in a `vendor/` directory (a relative
/// path named from inside one, `.` in `vendor/example.com/x`, does too).
fn in_vendor_dir(cwd: &Path, path: &Path) -> bool {
    // What `cwd.join(path).components()` would go through, without building the path; a
    // path without the bytes `vendor` has no such component.
    let in_vendor = |p: &Path| {
        memchr::memmem::find(p.as_os_str().as_encoded_bytes(), b"vendor").is_some()
            && p.components().any(|c| c.as_os_str() == "vendor")
    };
    in_vendor(path) || !path.is_absolute() && in_vendor(cwd)
}

/// What a `vendor/` directory can hold: the packages its `modules.txt` lists (`go mod vendor`
/// writes one, and the go command builds only those), or, without one, the import paths whose
/// first element is in the directory (not `fmt`, `net/http`) and that are not of the module's
/// own packages.
enum Vendored {
    Listed(HashSet<String>),
    Unlisted {
        top: HashSet<std::ffi::OsString>,
        module: Option<String>,
    },
}

impl Vendored {
    fn may_hold(&self, import: &str) -> bool {
        match self {
            Vendored::Listed(packages) => packages.contains(import),
            Vendored::Unlisted { top, module } => {
                let first = import.split('/').next().unwrap_or(import);
                let own = module.as_deref().is_some_and(|m| {
                    import
                        .strip_prefix(m)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                });
                top.contains(std::ffi::OsStr::new(first)) && !own
            }
        }
    }
}

/// What the `vendor/` directory `vendor` can hold (see [`Vendored`]).
fn vendored_packages(vendor: &Path) -> Vendored {
    if let Ok(text) = std::fs::read_to_string(vendor.join("modules.txt")) {
        return Vendored::Listed(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        );
    }
    let top = std::fs::read_dir(vendor)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name())
                .collect()
        })
        .unwrap_or_default();
    let module = vendor
        .parent()
        .and_then(lang::go::gomod::nearest)
        .filter(|m| vendor.parent() == Some(m.dir.as_path()))
        .and_then(|m| m.module.clone());
    Vendored::Unlisted { top, module }
}

/// The cancel-producing wrappers each Go target declares (targets declaring none are left
/// out), in parallel; only files mentioning `CancelFunc` are parsed.
pub fn collect_wrappers(
    targets: &[Target],
    max_file_size: u64,
) -> Vec<(PathBuf, Vec<lang::go::CancelWrapper>)> {
    let wanted = lang::go::Wanted {
        wrappers: true,
        types: false,
        siblings: false,
        roots: false,
        partial: true,
    };
    collect_declarations(targets, max_file_size, wanted, None, false, None)
        .0
        .into_iter()
        .filter(|(_, d)| !d.wrappers.is_empty())
        .map(|(path, d)| (path, d.wrappers))
        .collect()
}

/// The import paths each Go file names (see [`lang::go::imports::import_paths`]), by path.
type FileImports = HashMap<PathBuf, Vec<String>>;

/// What each Go target declares for its package and tree (see [`lang::go::declarations`]);
/// targets declaring nothing are left out. With `imports`, also the import paths each target
/// names (for [`vendor_targets`] and [`with_callers`]).
fn collect_declarations(
    targets: &[Target],
    max_file_size: u64,
    wanted: lang::go::Wanted,
    root_pass: Option<&lang::go::RootPass<'_>>,
    imports: bool,
    reach: Option<&SiblingReach>,
) -> (
    Vec<(PathBuf, lang::go::Declarations)>,
    FileImports,
    FileImports,
) {
    type Found = (
        Option<(PathBuf, lang::go::Declarations)>,
        (PathBuf, Vec<String>),
        Option<Vec<String>>,
    );
    let found: Vec<Found> = targets
        .par_iter()
        .filter(|t| t.language == Language::Go)
        .filter_map(|target| {
            let read = with_file_bytes(&target.path, max_file_size, |bytes| {
                let lines = if imports {
                    lang::go::imports::import_lines(bytes)
                } else {
                    Vec::new()
                };
                let imported = lines.iter().map(|(_, path)| path.to_string()).collect();
                let imported = (target.path.clone(), imported);
                let used = reach.and_then(|r| r.used_imports(&target.path, bytes, &lines));
                let wanted = wanted.in_file(bytes);
                if !wanted.any() {
                    return (None, imported, used);
                }
                let declared = std::str::from_utf8(bytes)
                    .ok()
                    .map(|source| lang::go::declarations(source, &target.path, wanted, root_pass))
                    .filter(|d| !d.is_empty())
                    .map(|d| (target.path.clone(), d));
                (declared, imported, used)
            });
            // Files that cannot be read are left to the main pass to report.
            read.ok()
        })
        .collect();
    let mut declared = Vec::new();
    let mut imported = HashMap::new();
    let mut reached = HashMap::new();
    for (declarations, (path, paths), used) in found {
        declared.extend(declarations);
        if let Some(used) = used {
            reached.insert(path.clone(), used);
        }
        if imports {
            imported.insert(path, paths);
        }
    }
    (declared, imported, reached)
}

/// Which files' calls can be the lookups of context-not-passed in the index of siblings (see
/// [`lang::go::siblings::ByName::find`]), and through which of their imports: a vendored
/// package is read only when such a call can reach it. The rule looks only in files that are
/// not tests and name a handler type (the parameter that gives a function its parent context,
/// its first needle), and a call there reaches an imported package only through the name the
/// file imports it under (`pkg.F()`, or a value whose type is written `pkg.T`, in the file or
/// in the type facts of its directory, which the engine adds).
struct SiblingReach {
    /// The handler types' names (`Context`, `Request`, `Ctx`, configured ones).
    handler_types: Vec<String>,
}

impl SiblingReach {
    fn new(go: &lang::go::GoSettings) -> SiblingReach {
        let mut handler_types: Vec<String> =
            go.handler_types.iter().map(|h| h.name.clone()).collect();
        handler_types.sort();
        handler_types.dedup();
        SiblingReach { handler_types }
    }

    /// The imports of the file at `path` with these bytes and import lines through which a
    /// lookup can go ([`lang::go::imports::used_import_paths`]); `None` for a file where the
    /// rule does not look (a test, or no handler type's name as a word, comments included).
    fn used_imports(
        &self,
        path: &Path,
        bytes: &[u8],
        lines: &[(&[u8], &str)],
    ) -> Option<Vec<String>> {
        if lang::go::is_test_path(Some(path))
            || !self
                .handler_types
                .iter()
                .any(|name| lang::has_word(bytes, name))
        {
            return None;
        }
        Some(
            lang::go::imports::used_import_paths(bytes, lines)
                .into_iter()
                .map(str::to_string)
                .collect(),
        )
    }
}

enum Outcome {
    /// Linted; `Some` when it has findings (after fixing), and what fixing did.
    Linted(Option<FileReport>, Option<fix::FileFix>),
    /// Generated code found by walking.
    Skipped,
    Failed(FileError),
    /// Linted, but its fixes could not be written: its findings as they are, and why.
    Unwritten(Option<FileReport>, FileError),
}

fn analyse(target: &Target, options: &CheckOptions) -> Outcome {
    let fail = |message: String| Outcome::Failed(FileError::new(&target.display, message));
    let read = with_file_bytes(&target.path, options.max_file_size, |bytes| {
        let text = match as_text(bytes) {
            Ok(text) => text,
            Err(message) => return fail(message),
        };
        let generated = match target.language {
            Language::Go => walk::is_generated(text),
            Language::Rust => walk::is_generated_rust(text),
        };
        if !target.explicit && options.walk.default_excludes && generated {
            return Outcome::Skipped;
        }
        // One needle scan of the file, for the prefilter and the lint.
        let settings = options.settings.for_file(&target.path);
        let scan = prefilter::Scan::new(text, Some(&target.path), &settings.go);
        let active = scan.rules(target.language, Some(&target.path), &settings);
        // Files the prefilter proves cannot produce a finding: linted, clean.
        if settings.prefilter && !prefilter::reports_any(&active, &settings) {
            return Outcome::Linted(None, None);
        }
        let scanned = Scanned {
            settings: &settings,
            scan: &scan,
            active: &active,
        };
        let (outcome, expired) = crate::deadline::within(options.file_timeout, || {
            lint_target(target, text.to_string(), options, &scanned)
        });
        match (expired, options.file_timeout) {
            (true, Some(limit)) => fail(timed_out(limit)),
            _ => outcome,
        }
    });
    read.unwrap_or_else(fail)
}

/// Reads a file into this thread's buffer and hands its bytes to `f`: each worker reads every
/// file into the same buffer, so the many files that are dropped unparsed (prefilter, wrapper
/// pass) cost no allocation. `Err` says why the file could not be read (or is too large).
///
/// Four system calls a file (open, a read of all of it into the buffer, the read that finds
/// its end, close): its size is asked only past 1 MiB (not to read much of a huge file) and
/// when it turns out larger than `max_file_size`, for the message. `File::read_to_end` would
/// ask for the size twice more (a `statx` and an `lseek`) on top of the caller's `statx`:
/// seven calls a file, 22 000 of the 57 000 of a run on moby.
fn with_file_bytes<R>(
    path: &Path,
    max_file_size: u64,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, String> {
    thread_local! {
        // Zeroed bytes, as many as the largest file read so far needed (64 KiB at first); only
        // the first `filled` of them are a file's.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let too_large = |len: u64| {
        format!("file is {len} bytes, larger than --max-file-size {max_file_size}; skipped")
    };
    // One byte more than allowed: reading it tells the file is too large.
    let limit = usize::try_from(max_file_size)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    BUFFER.with(|buffer| {
        let mut bytes = buffer.borrow_mut();
        let mut filled = 0;
        let mut asked = false;
        loop {
            let end = bytes.len().min(limit);
            if filled == end {
                if filled == limit {
                    break;
                }
                // A file past 1 MiB (few are) is asked its size before more of it is read.
                if filled >= 1 << 20 && !asked {
                    asked = true;
                    match file.metadata() {
                        Ok(m) if m.len() > max_file_size => return Err(too_large(m.len())),
                        _ => {}
                    }
                }
                let grown = (bytes.len() * 2).max(64 * 1024).min(limit);
                bytes.resize(grown, 0);
                continue;
            }
            match std::io::Read::read(&mut file, &mut bytes[filled..end]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        if filled as u64 > max_file_size {
            let len = file
                .metadata()
                .map_or(filled as u64, |m| m.len().max(filled as u64));
            return Err(too_large(len));
        }
        Ok(f(&bytes[..filled]))
    })
}

/// A file's text scanned for needles ([`prefilter::Scan`]) with its settings (the config's
/// `[per-file-ignores]` applied), and the rules that can report something in it.
struct Scanned<'a> {
    settings: &'a LintSettings,
    scan: &'a prefilter::Scan<'a, 'a>,
    active: &'a [&'static Rule],
}

/// Lints one file's text (read from `target.path`), fixing it first when asked.
/// `scanned` is that text's scan.
fn lint_target(
    target: &Target,
    source: String,
    options: &CheckOptions,
    scanned: &Scanned<'_>,
) -> Outcome {
    let fail = |message: String| Outcome::Failed(FileError::new(&target.display, message));
    let path = Some(target.path.as_path());
    // Out of time, a lint is incomplete: `None` stops the fixing before anything is written.
    let lint = |text: &str| {
        lint_file(target.language, text, path, &options.settings)
            .filter(|_| !crate::deadline::expired())
    };
    let first =
        lint_scanned(target.language, path, scanned).filter(|_| !crate::deadline::expired());
    let Some(diagnostics) = first else {
        // (Out of time: the caller reports that instead.)
        return fail(PARSER_GAVE_UP.into());
    };
    let (source, diagnostics, fixed) = match options.fix {
        Some(mode) if mode.applies_any(&diagnostics) => {
            let (path, display, language) = (&target.path, &target.display, target.language);
            let roots = fix::write_roots(&options.paths);
            match fix::fix_file(
                path,
                display,
                language,
                source.clone(),
                diagnostics.clone(),
                mode,
                &roots,
                lint,
            ) {
                Ok((fixed, source, diagnostics)) => (source, diagnostics, Some(fixed)),
                Err(message) => {
                    let file = (!diagnostics.is_empty()).then(|| FileReport {
                        path: target.display.clone(),
                        file: target.path.clone(),
                        source,
                        diagnostics,
                    });
                    return Outcome::Unwritten(file, FileError::new(&target.display, message));
                }
            }
        }
        _ => (source, diagnostics, None),
    };
    let file = (!diagnostics.is_empty()).then(|| FileReport {
        path: target.display.clone(),
        file: target.path.clone(),
        source,
        diagnostics,
    });
    Outcome::Linted(file, fixed)
}

/// Why a file is skipped when its analysis ran out of time.
pub fn timed_out(limit: Duration) -> String {
    format!(
        "analysis took longer than --file-timeout {}; skipped, its findings are not reported",
        format_duration(limit)
    )
}

/// `10s`, `250ms`, `1.5s`: as `--file-timeout` takes it.
pub fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else if d.as_nanos() % 1_000_000 == 0 && d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{d:?}")
    }
}

/// Why a file has no findings at all: tree-sitter returned no tree.
pub const PARSER_GAVE_UP: &str = "the parser gave up on this file";

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

/// Lints one file: parses `source` once and runs every rule of `settings` for its language
/// over the tree. `path` is the file's path, when known: functions of the same Go package live
/// in its directory (cancel-producing wrappers are called unqualified), the nearest `go.mod` or
/// `Cargo.toml` is found from there, and Go and Rust test files are known by name. Findings whose primary span touches a syntax error, or that an inline suppression
/// silences, are dropped; the config's severity overrides are applied. Sorted by (start byte,
/// rule). `None` when the parser gives up.
pub fn lint_file(
    language: Language,
    source: &str,
    path: Option<&Path>,
    settings: &LintSettings,
) -> Option<Vec<Diagnostic>> {
    // `[per-file-ignores]`: the rules the config turns off for this file do not run.
    let settings = match path {
        Some(path) => settings.for_file(path),
        None => std::borrow::Cow::Borrowed(settings),
    };
    let scan = prefilter::Scan::new(source, path, &settings.go);
    let active = scan.rules(language, path, &settings);
    let scanned = Scanned {
        settings: &settings,
        scan: &scan,
        active: &active,
    };
    lint_scanned(language, path, &scanned)
}

/// [`lint_file`] of a text already scanned.
fn lint_scanned(
    language: Language,
    path: Option<&Path>,
    scanned: &Scanned<'_>,
) -> Option<Vec<Diagnostic>> {
    let (settings, source, active) = (scanned.settings, scanned.scan.text(), scanned.active);
    // Only the declarations where a finding can be, when that is not all of them; a file that
    // does not parse cleanly so is parsed whole (its errors are the whole file's).
    let partial = match language {
        Language::Go => prefilter::go_parse_ranges_scanned(scanned.scan, active, settings),
        Language::Rust => None,
    };
    if let Some(partial) = partial {
        if partial.ranges.is_empty() {
            return Some(Vec::new());
        }
        let tree = lang::parse_ranges(language, source, &partial.ranges)
            .filter(|t| !t.root_node().has_error());
        if let Some(tree) = tree {
            let functions = &partial.left_out_functions;
            return Some(lint_parsed(
                language, source, &tree, path, settings, active, functions,
            ));
        }
    }
    let tree = lang::parse(language, source)?;
    Some(lint_parsed(
        language,
        source,
        &tree,
        path,
        settings,
        active,
        &[],
    ))
}

/// Lints one file already parsed into `tree` (the language server keeps each document's tree
/// and parses only what an edit changed): as [`lint_file`], whose `[per-file-ignores]` the
/// caller has applied.
pub fn lint_tree(
    language: Language,
    source: &str,
    tree: &tree_sitter::Tree,
    path: Option<&Path>,
    settings: &LintSettings,
) -> Vec<Diagnostic> {
    let active = prefilter::rules_for(language, source, path, settings);
    lint_parsed(language, source, tree, path, settings, &active, &[])
}

/// [`lint_tree`] with the rules `active` (those whose needles occur in the file; the others
/// have nothing to report here), over a tree of the whole file or of part of a Go file
/// ([`lang::parse_ranges`]) whose left-out declarations include the functions
/// `left_out_functions`.
fn lint_parsed(
    language: Language,
    source: &str,
    tree: &tree_sitter::Tree,
    path: Option<&Path>,
    settings: &LintSettings,
    active: &[&'static Rule],
    left_out_functions: &[&str],
) -> Vec<Diagnostic> {
    let part = Part {
        left_out_functions,
        focus: None,
    };
    let findings = run_rules(language, source, tree, path, settings, active, &part);
    finish(language, source, tree, settings, findings)
}

/// What of a Go file the rules see: the functions declared in what was left out of a partial
/// parse ([`lang::parse_ranges`]), and the byte ranges where they look for candidates (see
/// [`GoFile::focus`]; `None`: everywhere). The default is a whole file.
#[derive(Default)]
pub(crate) struct Part<'s> {
    pub left_out_functions: &'s [&'s str],
    pub focus: Option<Vec<std::ops::Range<usize>>>,
}

/// The findings of `rules` in a file parsed into `tree` (whole, or the [`Part`] `part` of a Go
/// file), as the rules report them, in the order of `rules`.
pub(crate) fn run_rules(
    language: Language,
    source: &str,
    tree: &tree_sitter::Tree,
    path: Option<&Path>,
    settings: &LintSettings,
    rules: &[&'static Rule],
    part: &Part<'_>,
) -> Vec<Diagnostic> {
    let dir = path
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty());
    let mut diagnostics = Vec::new();
    lang::with_root(tree, || match language {
        Language::Go => {
            let mut file = GoFile::new(source, tree, &settings.go);
            file.functions.extend_from_slice(part.left_out_functions);
            file.focus = part.focus.clone();
            file.dir = dir;
            file.test_file = lang::go::is_test_path(path);
            for rule in rules {
                if let Check::Go(check) = rule.check {
                    check(&file, &mut diagnostics);
                }
            }
        }
        Language::Rust => {
            let mut file = RustFile::new(source, tree);
            file.path = path;
            file.tree_types = &settings.rust;
            for rule in rules {
                if let Check::Rust(check) = rule.check {
                    check(&file, &mut diagnostics);
                }
            }
        }
    });
    diagnostics
}

/// The rules' findings in a file parsed into `tree` as reported: without those whose primary
/// span touches a syntax error or that an inline suppression silences, with the config's
/// severities, sorted by (start byte, rule).
pub(crate) fn finish(
    language: Language,
    source: &str,
    tree: &tree_sitter::Tree,
    settings: &LintSettings,
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let broken = lang::error_spans(tree);
    diagnostics.retain(|d| {
        !broken.iter().any(|e| {
            d.span.start < e.end.max(e.start + 1) && e.start < d.span.end.max(d.span.start + 1)
        })
    });
    let ran: Vec<&Rule> = settings
        .rules_to_run()
        .iter()
        .copied()
        .filter(|r| r.language == language && !matches!(r.check, Check::Suppressions))
        .collect();
    suppress::apply(
        tree,
        source,
        &ran,
        &mut diagnostics,
        settings.report_unused(),
    );
    // Rules that ran only to judge the suppressions are not reported.
    diagnostics.retain(|d| settings.rules.iter().any(|r| r.name == d.rule));
    for d in &mut diagnostics {
        if let Some(severity) = settings.severity_of(d.rule) {
            d.severity = severity;
        }
    }
    diagnostics.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    diagnostics.dedup();
    diagnostics
}

/// The non-test `.go` files of one package directory, sorted; `None` when it cannot be read.
pub(crate) fn package_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files: Vec<(std::ffi::OsString, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.file_name(), e.path()))
        .filter(|(_, p)| {
            p.extension().is_some_and(|x| x == "go") && !p.to_string_lossy().ends_with("_test.go")
        })
        .collect();
    // All in one directory: in the order of their names.
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(files.into_iter().map(|(_, path)| path).collect())
}
