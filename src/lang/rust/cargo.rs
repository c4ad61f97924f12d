//! What the nearest `Cargo.toml` says about tokio: whether the package depends on it and which
//! features it enables. `tokio = { workspace = true }` is followed to the workspace root's
//! `[workspace.dependencies]`, whose features add to the member's. Fixes that need a tokio
//! feature (`tokio::time::sleep` needs `time`) are only offered when the manifest says so.
//!
//! Lookups are cached per directory for the whole process; a cached manifest is read again when
//! its modification time changes (the language server runs for hours).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A dependency on tokio as one manifest writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Dependency {
    features: Vec<String>,
    /// `workspace = true`: the rest comes from the workspace root.
    inherited: bool,
}

/// The parts of one `Cargo.toml` that matter here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Manifest {
    /// Has a `[workspace]` table: the root of a workspace.
    workspace: bool,
    /// `tokio` in `[dependencies]` or a `[target.….dependencies]` table.
    tokio: Option<Dependency>,
    /// `tokio` in `[dev-dependencies]` (tests, benches and examples see these too).
    dev_tokio: Option<Dependency>,
    /// `tokio` in `[workspace.dependencies]`.
    workspace_tokio: Option<Dependency>,
}

impl Manifest {
    /// Reads a manifest; one that does not parse says nothing (a broken `Cargo.toml` must not
    /// stop linting).
    fn parse(text: &str) -> Manifest {
        let Ok(table) = toml::from_str::<toml::Table>(text) else {
            return Manifest::default();
        };
        let tokio_in =
            |deps: Option<&toml::Value>| deps.and_then(|d| d.get("tokio")).map(dependency);
        let mut tokio = tokio_in(table.get("dependencies"));
        if let Some(targets) = table.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                if let Some(more) = tokio_in(target.get("dependencies")) {
                    let merged = tokio.get_or_insert_with(Dependency::default);
                    merged.features.extend(more.features);
                    merged.inherited |= more.inherited;
                }
            }
        }
        let workspace = table.get("workspace");
        Manifest {
            workspace: workspace.is_some(),
            tokio,
            dev_tokio: tokio_in(table.get("dev-dependencies")),
            workspace_tokio: tokio_in(workspace.and_then(|w| w.get("dependencies"))),
        }
    }
}

/// `tokio = "1"`, `tokio = { version = "1", features = ["full"] }`, `{ workspace = true }`.
fn dependency(value: &toml::Value) -> Dependency {
    let features = value
        .get("features")
        .and_then(|f| f.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Dependency {
        features,
        inherited: value
            .get("workspace")
            .and_then(|w| w.as_bool())
            .unwrap_or(false),
    }
}

/// The tokio features enabled for code in `dir` by its package's manifest (and the workspace
/// root it inherits from): `None` when the package does not depend on tokio, or no manifest
/// was found. Files under `tests/`, `benches/` and `examples/` see the dev-dependencies too.
pub fn tokio_features(dir: &Path) -> Option<Vec<String>> {
    let path = nearest(dir)?;
    let manifest = read(&path)?;
    let package_dir = path.parent()?;
    let dev = std::path::absolute(dir)
        .ok()
        .and_then(|d| {
            d.strip_prefix(package_dir)
                .ok()
                .and_then(|rest| rest.components().next())
                .map(|c| c.as_os_str().to_owned())
        })
        .is_some_and(|first| matches!(first.to_str(), Some("tests" | "benches" | "examples")));
    let mut found: Option<Vec<String>> = None;
    let dependencies = [Some(&manifest.tokio), dev.then_some(&manifest.dev_tokio)];
    for dependency in dependencies.into_iter().flatten().flatten() {
        let features = found.get_or_insert_with(Vec::new);
        features.extend(dependency.features.iter().cloned());
        if dependency.inherited {
            let root = workspace_root(package_dir, &manifest)?;
            features.extend(root.workspace_tokio?.features);
        }
    }
    found
}

/// The outermost directory above `dir` (or `dir` itself) with a `Cargo.toml`: the root of the
/// workspace or repository the code belongs to.
pub fn root_dir(dir: &Path) -> Option<PathBuf> {
    let mut root = nearest(dir)?.parent()?.to_path_buf();
    while let Some(above) = root.parent().and_then(nearest) {
        match above.parent() {
            Some(parent) if parent != root => root = parent.to_path_buf(),
            _ => break,
        }
    }
    Some(root)
}

/// Whether code in `dir` may call `tokio::time`: tokio with its `time` (or `full`) feature.
pub fn tokio_has_time(dir: &Path) -> bool {
    tokio_features(dir).is_some_and(|f| f.iter().any(|f| f == "time" || f == "full"))
}

/// The manifest of the workspace `package_dir` belongs to: its own when it is the root,
/// otherwise the nearest one above with a `[workspace]` table.
fn workspace_root(package_dir: &Path, manifest: &Manifest) -> Option<Manifest> {
    if manifest.workspace {
        return Some(manifest.clone());
    }
    package_dir
        .ancestors()
        .skip(1)
        .map(|d| d.join("Cargo.toml"))
        .filter(|f| f.is_file())
        .filter_map(|f| read(&f))
        .find(|m| m.workspace)
        .map(|m| (*m).clone())
}

struct Cached {
    modified: Option<SystemTime>,
    parsed: Arc<Manifest>,
}

/// directory → the `Cargo.toml` that governs it (None: none up to the filesystem root).
static NEAREST: Mutex<Option<HashMap<PathBuf, Option<PathBuf>>>> = Mutex::new(None);
/// `Cargo.toml` path → its parsed content.
static PARSED: Mutex<Option<HashMap<PathBuf, Cached>>> = Mutex::new(None);

/// The `Cargo.toml` nearest to `dir` (in it or a parent), as an absolute path.
fn nearest(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut cache = NEAREST.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(found) = cache.get(dir) {
        return found.clone();
    }
    let found = std::path::absolute(dir)
        .ok()?
        .ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|f| f.is_file());
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

/// A manifest, parsed once per modification.
fn read(path: &Path) -> Option<Arc<Manifest>> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    let parsed = parsed.get_or_insert_with(HashMap::new);
    if let Some(cached) = parsed.get(path) {
        if cached.modified == modified {
            return Some(cached.parsed.clone());
        }
    }
    let text = std::fs::read_to_string(path).ok()?;
    let manifest = Arc::new(Manifest::parse(&text));
    parsed.insert(
        path.to_path_buf(),
        Cached {
            modified,
            parsed: manifest.clone(),
        },
    );
    Some(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn features_of_plain_table_and_target_dependencies() {
        let m = Manifest::parse(
            "[package]\nname = \"a\"\n[dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\"] }\n\
             [target.'cfg(unix)'.dependencies]\ntokio = { version = \"1\", features = [\"net\"] }\n",
        );
        assert_eq!(m.tokio.unwrap().features, ["rt", "time", "net"]);
        let plain = Manifest::parse("[dependencies]\ntokio = \"1\"\n");
        assert_eq!(plain.tokio, Some(Dependency::default()));
        assert_eq!(Manifest::parse("not [ toml"), Manifest::default());
    }

    #[test]
    fn workspace_inheritance_is_followed() {
        let root = tempfile::tempdir().unwrap();
        write(
            &root.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\n\
             tokio = { version = \"1\", features = [\"time\"] }\n",
        );
        let member = root.path().join("crates/a");
        write(
            &member.join("Cargo.toml"),
            "[package]\nname = \"a\"\n[dependencies]\ntokio = { workspace = true, features = [\"rt\"] }\n",
        );
        let src = member.join("src/server");
        std::fs::create_dir_all(&src).unwrap();
        let mut features = tokio_features(&src).unwrap();
        features.sort();
        assert_eq!(features, ["rt", "time"]);
        assert!(tokio_has_time(&src));

        let other = root.path().join("crates/b");
        write(
            &other.join("Cargo.toml"),
            "[package]\nname = \"b\"\n[dependencies]\ntokio = \"1\"\n[dev-dependencies]\n\
             tokio = { version = \"1\", features = [\"full\"] }\n",
        );
        std::fs::create_dir_all(other.join("src")).unwrap();
        std::fs::create_dir_all(other.join("tests")).unwrap();
        assert!(!tokio_has_time(&other.join("src")));
        assert!(tokio_has_time(&other.join("tests")));

        let none = root.path().join("crates/c");
        write(&none.join("Cargo.toml"), "[package]\nname = \"c\"\n");
        assert_eq!(tokio_features(&none), None);
    }
}
