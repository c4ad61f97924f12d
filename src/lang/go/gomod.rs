//! What the nearest `go.mod` says: the module path (to resolve imports of the scanned tree's own
//! packages) and the `go` version (fixes that need a newer Go, such as `context.WithoutCancel`
//! from 1.21 or `t.Context()` from 1.24, are only offered when the module says so).
//!
//! Lookups are cached per directory for the whole process; a cached `go.mod` is read again when
//! its modification time changes (the language server runs for hours).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A Go language version from a `go` directive, e.g. `go 1.21.3` → 1.21.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32) -> GoVersion {
        GoVersion { major, minor }
    }

    /// `1.21`, `1.21.3`, `1.22rc1`, `1.21beta2` → the major and minor numbers.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text = parts.next()?;
        let digits = minor_text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(minor_text.len());
        let minor = minor_text[..digits].parse().ok()?;
        Some(GoVersion { major, minor })
    }
}

impl std::fmt::Display for GoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The parts of a `go.mod` file the rules use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoMod {
    /// The directory holding the `go.mod`: the module's root (absolute).
    pub dir: PathBuf,
    /// The `module` path, e.g. `github.com/docker/docker`.
    pub module: Option<String>,
    /// The `go` directive.
    pub go: Option<GoVersion>,
}

impl GoMod {
    /// Reads the `module` and `go` directives of a `go.mod` text; anything else is ignored, and
    /// so is a malformed line (a broken `go.mod` must not stop linting).
    pub fn parse(dir: &Path, text: &str) -> GoMod {
        let mut module = None;
        let mut go = None;
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or("").trim();
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("module"), Some(path)) if module.is_none() => {
                    module = Some(path.trim_matches(|c| c == '"' || c == '`').to_string());
                }
                (Some("go"), Some(version)) if go.is_none() => go = GoVersion::parse(version),
                _ => {}
            }
        }
        GoMod {
            dir: dir.to_path_buf(),
            module,
            go,
        }
    }

    /// Whether the module declares at least Go `major.minor` (false when it says nothing).
    pub fn go_at_least(&self, major: u32, minor: u32) -> bool {
        self.go.is_some_and(|v| v >= GoVersion::new(major, minor))
    }

    /// The import path of the package in `dir` (inside the module), e.g.
    /// `github.com/docker/docker/daemon/logger`. A package under a `vendor/` directory is
    /// imported by the path after it (`vendor/github.com/a/b` → `github.com/a/b`).
    pub fn import_path_of(&self, dir: &Path) -> Option<String> {
        let module = self.module.as_deref()?;
        let dir = std::path::absolute(dir).ok()?;
        let rest = dir.strip_prefix(&self.dir).ok()?;
        let parts = rest
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<&str>>>()?;
        if let Some(vendor) = parts.iter().rposition(|p| *p == "vendor") {
            let vendored = &parts[vendor + 1..];
            return (!vendored.is_empty()).then(|| vendored.join("/"));
        }
        let mut path = module.to_string();
        for part in parts {
            path.push('/');
            path.push_str(part);
        }
        Some(path)
    }
}

struct Cached {
    modified: Option<SystemTime>,
    parsed: Arc<GoMod>,
}

/// directory → the `go.mod` that governs it (None: none up to the filesystem root).
static CACHE: Mutex<Option<HashMap<PathBuf, Option<PathBuf>>>> = Mutex::new(None);
/// `go.mod` path → its parsed content.
static PARSED: Mutex<Option<HashMap<PathBuf, Cached>>> = Mutex::new(None);

/// The `go.mod` nearest to `dir` (in it or a parent), parsed.
pub fn nearest(dir: &Path) -> Option<Arc<GoMod>> {
    let file = go_mod_file(dir)?;
    let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
    let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    let parsed = parsed.get_or_insert_with(HashMap::new);
    if let Some(cached) = parsed.get(&file) {
        if cached.modified == modified {
            return Some(cached.parsed.clone());
        }
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let module = Arc::new(GoMod::parse(file.parent()?, &text));
    parsed.insert(
        file,
        Cached {
            modified,
            parsed: module.clone(),
        },
    );
    Some(module)
}

/// The directory of the `go.mod` nearest to `dir` (absolute), without reading it.
pub fn module_dir(dir: &Path) -> Option<PathBuf> {
    go_mod_file(dir)?.parent().map(Path::to_path_buf)
}

/// The nearest `go.mod` to `dir` as an absolute path. Every directory looked at on the way up
/// is remembered, so the directories of a tree are each looked at once.
fn go_mod_file(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(found) = cache.get(dir) {
        return found.clone();
    }
    let absolute = std::path::absolute(dir).ok()?;
    let mut visited = Vec::new();
    let mut found = None;
    for ancestor in absolute.ancestors() {
        if let Some(known) = cache.get(ancestor) {
            found = known.clone();
            break;
        }
        visited.push(ancestor.to_path_buf());
        let file = ancestor.join("go.mod");
        if file.is_file() {
            found = Some(file);
            break;
        }
    }
    for ancestor in visited {
        cache.insert(ancestor, found.clone());
    }
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_the_go_command() {
        assert_eq!(GoVersion::parse("1.21"), Some(GoVersion::new(1, 21)));
        assert_eq!(GoVersion::parse("1.21.3"), Some(GoVersion::new(1, 21)));
        assert_eq!(GoVersion::parse("1.22rc1"), Some(GoVersion::new(1, 22)));
        assert_eq!(GoVersion::parse("1"), None);
        assert_eq!(GoVersion::parse("x.y"), None);
        assert!(GoVersion::new(1, 9) < GoVersion::new(1, 21));
    }

    #[test]
    fn directives_are_read_and_the_rest_ignored() {
        let text =
            "// comment\nmodule \"example.com/m\" // trailing\n\ngo 1.21.0\ntoolchain go1.22.1\n\
                    require (\n\tgolang.org/x/sync v0.1.0\n)\n";
        let m = GoMod::parse(Path::new("/src/m"), text);
        assert_eq!(m.module.as_deref(), Some("example.com/m"));
        assert_eq!(m.go, Some(GoVersion::new(1, 21)));
        assert!(m.go_at_least(1, 21));
        assert!(!m.go_at_least(1, 24));
        assert_eq!(
            m.import_path_of(Path::new("/src/m/a/b")).as_deref(),
            Some("example.com/m/a/b")
        );
        assert_eq!(
            m.import_path_of(Path::new("/src/m")).as_deref(),
            Some("example.com/m")
        );
        assert_eq!(m.import_path_of(Path::new("/elsewhere")), None);
        assert_eq!(
            m.import_path_of(Path::new("/src/m/vendor/github.com/x/y"))
                .as_deref(),
            Some("github.com/x/y")
        );
        assert_eq!(m.import_path_of(Path::new("/src/m/vendor")), None);
        let broken = GoMod::parse(Path::new("."), "module\ngo banana\n");
        assert_eq!((broken.module, broken.go), (None, None));
        assert!(!GoMod::parse(Path::new("."), "").go_at_least(1, 0));
    }

    #[test]
    fn the_nearest_go_mod_governs_and_changes_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/m\ngo 1.20\n").unwrap();
        let found = nearest(&sub).unwrap();
        assert_eq!(found.dir, dir.path());
        assert_eq!(found.go, Some(GoVersion::new(1, 20)));
        // A rewrite with a later modification time is read again.
        let file = dir.path().join("go.mod");
        std::fs::write(&file, "module example.com/m\ngo 1.22\n").unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(nearest(&sub).unwrap().go, Some(GoVersion::new(1, 22)));
        assert!(nearest(Path::new("/")).is_none_or(|m| m.dir == Path::new("/")));
    }
}
