//! File discovery: the paths given on the command line, walked in parallel with the `ignore`
//! crate (honouring .gitignore/.ignore, skipping hidden directories), filtered by language and
//! by the default and user excludes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use ignore::gitignore::Gitignore;

use crate::lang::Language;

/// Directories skipped unless `--no-default-excludes` is given.
pub const DEFAULT_EXCLUDES: &[&str] = &["vendor/", "third_party/", "testdata/", "node_modules/"];

#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Extra gitignore-style globs to skip.
    pub excludes: Vec<String>,
    pub default_excludes: bool,
    pub follow_links: bool,
    pub threads: usize,
    /// The `exclude` globs of a config file, anchored at its directory. Unlike `excludes`,
    /// they also skip files named on the command line (so hooks and editors respect them).
    pub config_excludes: Option<ignore::gitignore::Gitignore>,
    /// `--force-exclude`: files named on the command line are skipped like walked ones when
    /// an exclude (default, `--exclude` or the config's) matches, and generated files too.
    pub force_exclude: bool,
}

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The path as reported: as given on the command line, joined with the walked part.
    pub display: String,
    pub path: PathBuf,
    pub language: Language,
    /// Named on the command line: linted even if excluded or generated.
    pub explicit: bool,
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

/// A path as text for every output format: a name that is not UTF-8 keeps its valid parts
/// and shows each other byte escaped (`\xff`), as ripgrep and ruff do, so two such names never
/// look alike (a lossy conversion made every bad byte U+FFFD). The file itself is always
/// opened and written through its real path, never through this text.
pub fn display_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Finds every file to lint under `paths`, sorted by display path. Problems (a missing path,
/// an unreadable directory, a symlink loop) are returned beside the targets; the walk goes on.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> (Vec<Target>, Vec<FileError>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let display_root = display_path(root);
        match std::fs::metadata(root) {
            Err(e) => errors.push(FileError::new(&display_root, e.to_string())),
            Ok(meta) if meta.is_dir() => walk_dir(root, options, &mut targets, &mut errors),
            Ok(meta) if !meta.is_file() => {
                errors.push(FileError::new(&display_root, "not a regular file".into()))
            }
            Ok(_) if config_excluded(options, root, false) => {}
            Ok(_) if options.force_exclude && force_excluded(options, root) => {}
            Ok(_) => match Language::from_path(root) {
                Some(language) => targets.push(Target {
                    display: display_root,
                    path: root.clone(),
                    language,
                    explicit: !options.force_exclude,
                }),
                None => errors.push(FileError::new(
                    &display_root,
                    "not a file ctxlint can lint (expected a .go or .rs file)".into(),
                )),
            },
        }
    }
    targets.sort();
    targets.dedup_by(|a, b| a.display == b.display);
    errors.sort();
    (targets, errors)
}

fn config_excluded(options: &WalkOptions, path: &Path, is_dir: bool) -> bool {
    options
        .config_excludes
        .as_ref()
        .is_some_and(|m| is_excluded(m, path, is_dir))
}

/// `--force-exclude` for a file named on the command line: whether a default exclude (a
/// `vendor/`, `testdata/`... directory or cargo build output among the directories of the path
/// as given, or of its part under the current directory) or an `--exclude` glob skips it.
fn force_excluded(options: &WalkOptions, path: &Path) -> bool {
    if cli_excluded(&options.excludes, path) {
        return true;
    }
    if !options.default_excludes {
        return false;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let relative = path.strip_prefix(&cwd).unwrap_or(path);
    let Some(dirs) = relative.parent() else {
        return false;
    };
    let mut dir = cwd.clone();
    for component in dirs.components() {
        let name = component.as_os_str();
        dir.push(name);
        let name = name.to_string_lossy();
        let default = DEFAULT_EXCLUDES
            .iter()
            .any(|d| d.trim_end_matches('/') == name);
        let cargo_target =
            name == "target" && dir.parent().is_some_and(|p| p.join("Cargo.toml").is_file());
        if default || cargo_target || dir.join("CACHEDIR.TAG").is_file() {
            return true;
        }
    }
    false
}

/// Whether the command line's `--exclude` globs (gitignore-style, relative to the current
/// directory) skip `path`, a file named on the command line.
pub fn cli_excluded(excludes: &[String], path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let Ok(cwd) = std::env::current_dir() else {
        return false;
    };
    let mut builder = ignore::gitignore::GitignoreBuilder::new(&cwd);
    for glob in excludes {
        let _ = builder.add_line(None, glob);
    }
    match builder.build() {
        Ok(m) => is_excluded(&m, path, false),
        Err(_) => false,
    }
}

fn walk_dir(
    root: &Path,
    options: &WalkOptions,
    targets: &mut Vec<Target>,
    errors: &mut Vec<FileError>,
) {
    let mut overrides = OverrideBuilder::new(root);
    let defaults = if options.default_excludes {
        DEFAULT_EXCLUDES
    } else {
        &[]
    };
    for glob in defaults
        .iter()
        .copied()
        .chain(options.excludes.iter().map(String::as_str))
    {
        if let Err(e) = overrides.add(&format!("!{glob}")) {
            errors.push(FileError::new(glob, format!("invalid exclude glob: {e}")));
        }
    }
    let overrides = match overrides.build() {
        Ok(o) => o,
        Err(e) => {
            errors.push(FileError::new(
                &display_path(root),
                format!("invalid excludes: {e}"),
            ));
            return;
        }
    };
    let found = Mutex::new((Vec::new(), Vec::new()));
    let config_excludes = options.config_excludes.clone();
    let skip_build_dirs = options.default_excludes;
    WalkBuilder::new(root)
        .overrides(overrides)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            entry.depth() == 0
                || !((skip_build_dirs && is_build_output(entry))
                    || config_excludes
                        .as_ref()
                        .is_some_and(|m| is_excluded(m, entry.path(), is_dir)))
        })
        .follow_links(options.follow_links)
        .threads(options.threads)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let mut guard = found.lock().unwrap_or_else(|p| p.into_inner());
                let (targets, errors) = &mut *guard;
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if let (true, Some(language)) = (is_file, Language::from_path(entry.path()))
                        {
                            targets.push(Target {
                                display: display(root, entry.path()),
                                path: entry.path().to_path_buf(),
                                language,
                                explicit: false,
                            });
                        }
                    }
                    Err(e) => errors.push(walk_error(root, &e)),
                }
                WalkState::Continue
            })
        });
    let (found_targets, found_errors) = found.into_inner().unwrap_or_else(|p| p.into_inner());
    targets.extend(found_targets);
    errors.extend(found_errors);
}

/// The root as given joined with the walked part; under the root `.` (the default) the
/// `./` prefix is dropped: `a/b.go`, not `./a/b.go`.
fn display(root: &Path, path: &Path) -> String {
    let s = display_path(path);
    match s.strip_prefix("./") {
        Some(rest) if root == Path::new(".") => rest.to_string(),
        _ => s,
    }
}

fn walk_error(root: &Path, error: &ignore::Error) -> FileError {
    match error {
        ignore::Error::WithPath { path, err } => {
            FileError::new(&display(root, path), err.to_string())
        }
        ignore::Error::Loop { child, .. } => FileError::new(
            &display(root, child),
            "symbolic link loop, not followed".into(),
        ),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(root, err)
        }
        other => FileError::new("<walk>", other.to_string()),
    }
}

/// Whether a walked directory holds build output rather than sources: cargo's `target/`
/// (a `target` directory beside a `Cargo.toml`, which is not always gitignored, for example in
/// an unpacked crate) or any directory tagged with `CACHEDIR.TAG`, which cargo writes there.
/// A `target` directory without a `Cargo.toml` beside it (a Go package, say) is linted.
fn is_build_output(entry: &ignore::DirEntry) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
        return false;
    }
    let path = entry.path();
    let cargo_target = entry.file_name() == "target"
        && path
            .parent()
            .is_some_and(|p| p.join("Cargo.toml").is_file());
    cargo_target || path.join("CACHEDIR.TAG").is_file()
}

/// Whether a Go file's header marks it as generated: a `// Code generated ... DO NOT EDIT.`
/// line before the package clause (the convention of `go generate`).
pub fn is_generated(source: &str) -> bool {
    for line in source.lines() {
        let line = line.trim_end();
        if line.starts_with("package ") {
            return false;
        }
        if line.starts_with("// Code generated ") && line.ends_with(" DO NOT EDIT.") {
            return true;
        }
    }
    false
}

/// Whether a Rust file's header marks it as generated: `@generated` (the marker of prost,
/// cargo and rustfmt) or `Code generated ... DO NOT EDIT.` in the comments before the first item.
pub fn is_generated_rust(source: &str) -> bool {
    for line in source.lines() {
        let line = line.trim();
        let header = line.is_empty()
            || line.starts_with("//")
            || line.starts_with("/*")
            || line.starts_with('*')
            || line.starts_with("#!");
        if !header {
            return false;
        }
        if line.contains("@generated")
            || (line.contains("Code generated ") && line.contains("DO NOT EDIT"))
        {
            return true;
        }
    }
    false
}

/// Whether an exclude matcher skips `path` (relative to the current directory or absolute).
pub fn is_excluded(matcher: &Gitignore, path: &Path, is_dir: bool) -> bool {
    // Cheap first (no file system access); canonical when that is not under the root.
    let absolute = match std::path::absolute(path) {
        Ok(p)
            if p.starts_with(matcher.path()) && !p.components().any(|c| c.as_os_str() == "..") =>
        {
            p
        }
        _ => absolute(path),
    };
    if absolute.starts_with(matcher.path()) {
        matcher
            .matched_path_or_any_parents(&absolute, is_dir)
            .is_ignore()
    } else {
        matcher.matched(&absolute, is_dir).is_ignore()
    }
}

/// An absolute, normalised form of `path`: canonical when it exists, else its nearest existing
/// ancestor made canonical and the rest appended (a `--stdin-filename` need not exist).
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(p) = cur.canonicalize() {
            return rest.iter().rev().fold(p, |acc, part| acc.join(part));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_headers_follow_the_go_convention() {
        assert!(is_generated(
            "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage p\n"
        ));
        assert!(is_generated(
            "// Copyright\n\n// Code generated by x DO NOT EDIT.\npackage p\n"
        ));
        assert!(!is_generated(
            "package p\n// Code generated by x. DO NOT EDIT.\n"
        ));
        assert!(!is_generated("// Code generated by x\npackage p\n"));
    }

    #[test]
    fn generated_rust_files_carry_a_marker_in_their_header() {
        assert!(is_generated_rust(
            "// This file is @generated by prost-build.\npub struct A {}\n"
        ));
        assert!(is_generated_rust(
            "#![allow(x)]\n// Code generated by a tool. DO NOT EDIT.\nfn f() {}\n"
        ));
        assert!(!is_generated_rust(
            "use a::b;\n// This file is @generated by prost-build.\n"
        ));
        assert!(!is_generated_rust("//! Docs\nfn f() {}\n"));
    }
}
