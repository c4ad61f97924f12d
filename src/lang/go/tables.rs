//! The tables the Go rules recognise: the `context` package's import paths, the cancel-producing
//! functions and handler types (built in, configured, or inferred from the scanned tree), and how
//! import paths name packages.

use std::path::{Path, PathBuf};

/// Import paths of the `context` package.
pub const CONTEXT_PATHS: &[&str] = &["context", "golang.org/x/net/context"];

/// A function that returns a cancel function: calling it and dropping that result leaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelFunction {
    /// Import path of the declaring package (matched like [`import_path_matches`]).
    pub package: String,
    pub name: String,
    /// Index of the cancel function among the results.
    pub result: usize,
}

/// A parameter type that carries a request's context, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerType {
    /// Import path of the package declaring the type (matched like [`import_path_matches`]).
    pub package: String,
    pub name: String,
    /// `Some(true)`: only `*T`; `Some(false)`: only `T`; `None`: either.
    pub pointer: Option<bool>,
    /// The expression that yields the context, with `{}` standing for the parameter name.
    pub context: String,
}

/// What the Go rules know beyond the file itself: built-in tables plus configuration. Equal
/// settings give equal findings (the tree-wide indexes are compared by identity first, then by
/// value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoSettings {
    pub cancel_functions: Vec<CancelFunction>,
    pub handler_types: Vec<HandlerType>,
    /// Cancel-producing functions declared in the scanned tree (see [`cancel_wrappers`]).
    pub wrappers: Vec<CancelWrapper>,
    /// The types of struct fields and package variables declared in the scanned tree (see
    /// [`types`](super::types)).
    pub types: std::sync::Arc<super::types::TypeIndex>,
    /// The functions and methods of the scanned tree (its `vendor/` included) with a
    /// context-taking sibling (see [`siblings`](super::siblings)).
    pub siblings: std::sync::Arc<super::siblings::SiblingIndex>,
    /// The functions and methods of the scanned tree (its `vendor/` included) that take no
    /// context and start their own root (see [`roots`](super::roots)).
    pub roots: std::sync::Arc<super::roots::RootIndex>,
    /// The functions and methods of the scanned tree that may detach a context parameter at
    /// once, read when asked about (see [`detached`](super::detached)).
    pub detached: std::sync::Arc<super::detached::DetachIndex>,
    /// `[rules.context-not-passed] slog = true`: `log/slog` calls without the context are
    /// reported too (info).
    pub slog_calls: bool,
}

/// A function of the scanned tree whose results include a `context.CancelFunc` or
/// `CancelCauseFunc`: calling it is like calling `context.WithCancel`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CancelWrapper {
    /// The directory of the declaring file, as walked.
    pub dir: PathBuf,
    /// The declaring package's import path, from the nearest `go.mod` (and `vendor/`), when
    /// known.
    pub import_path: Option<String>,
    /// The declaring package's name.
    pub package: String,
    pub name: String,
    /// Index of the cancel function among the results.
    pub result: usize,
    /// The cancel function is a `CancelCauseFunc`: it takes the cause as its argument.
    pub cause: bool,
    /// The function may start a timer: its text mentions a timeout, a deadline or the `time`
    /// package. Without one, its context only holds what its parent holds.
    pub timer: bool,
}

impl CancelWrapper {
    /// Whether `pkg.Name` with `pkg` imported from `path` may be this function. With the
    /// declaring package's import path known (a `go.mod` above it), the paths must be equal —
    /// which finds a module's root package too (`github.com/org/mod/v2` declared in the
    /// module's top directory). Without one, a guess: the import path ends with the declaring
    /// directory's name and names a package of the same name. A `main` or external test
    /// package cannot be imported.
    pub(super) fn matches_import(&self, path: &str, name: &str) -> bool {
        if name != self.name || self.package == "main" || self.package.ends_with("_test") {
            return false;
        }
        if let Some(import_path) = &self.import_path {
            return path == import_path;
        }
        let dir_name = self.dir.file_name().and_then(|n| n.to_str());
        dir_name.is_some_and(|d| path.rsplit('/').next() == Some(d))
            && default_package_name(path) == self.package
    }

    /// Whether `Name(...)` in a file of `package` in `dir` is this function.
    pub(super) fn matches_local(&self, dir: Option<&Path>, package: &str, name: &str) -> bool {
        name == self.name && package == self.package && dir == Some(self.dir.as_path())
    }
}

impl Default for GoSettings {
    fn default() -> Self {
        let mut cancel_functions = Vec::new();
        for path in CONTEXT_PATHS {
            for name in [
                "WithCancel",
                "WithTimeout",
                "WithDeadline",
                "WithCancelCause",
                "WithTimeoutCause",
                "WithDeadlineCause",
            ] {
                cancel_functions.push(CancelFunction {
                    package: path.to_string(),
                    name: name.to_string(),
                    result: 1,
                });
            }
        }
        cancel_functions.push(CancelFunction {
            package: "os/signal".into(),
            name: "NotifyContext".into(),
            result: 1,
        });
        let handler = |package: &str, name: &str, pointer, context: &str| HandlerType {
            package: package.into(),
            name: name.into(),
            pointer,
            context: context.into(),
        };
        let mut handler_types = Vec::new();
        for path in CONTEXT_PATHS {
            handler_types.push(handler(path, "Context", Some(false), "{}"));
        }
        handler_types.extend([
            handler("net/http", "Request", Some(true), "{}.Context()"),
            handler(
                "github.com/gin-gonic/gin",
                "Context",
                Some(true),
                "{}.Request.Context()",
            ),
            handler(
                "github.com/labstack/echo",
                "Context",
                Some(false),
                "{}.Request().Context()",
            ),
            handler("github.com/gofiber/fiber", "Ctx", None, "{}.UserContext()"),
        ]);
        GoSettings {
            cancel_functions,
            handler_types,
            ..GoSettings::empty()
        }
    }
}

impl GoSettings {
    /// No tables at all: for the passes that read only what a file itself declares.
    pub fn empty() -> Self {
        GoSettings {
            cancel_functions: Vec::new(),
            handler_types: Vec::new(),
            wrappers: Vec::new(),
            types: Default::default(),
            siblings: Default::default(),
            roots: Default::default(),
            detached: Default::default(),
            slog_calls: false,
        }
    }
}

/// `got` names the package `wanted`, allowing a major-version suffix (`.../echo/v4`).
pub fn import_path_matches(got: &str, wanted: &str) -> bool {
    match got.strip_prefix(wanted) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix("/v")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// The name a package is referred to by when imported without an alias, guessed from its path
/// the way Go tooling does: the last element, skipping a `/vN` suffix, minus `go-`/`-go`/`.vN`.
pub fn default_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    let is_version = |s: &str| {
        s.strip_prefix('v')
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    };
    if is_version(last) {
        if let Some(prev) = parts.next() {
            last = prev;
        }
    }
    if let Some((base, version)) = last.rsplit_once('.') {
        if is_version(version) {
            last = base;
        }
    }
    last = last.strip_prefix("go-").unwrap_or(last);
    last.strip_suffix("-go").unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_follow_go_conventions() {
        assert_eq!(default_package_name("context"), "context");
        assert_eq!(default_package_name("net/http"), "http");
        assert_eq!(default_package_name("github.com/labstack/echo/v4"), "echo");
        assert_eq!(default_package_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(
            default_package_name("github.com/mattn/go-sqlite3"),
            "sqlite3"
        );
        assert!(import_path_matches(
            "github.com/labstack/echo/v4",
            "github.com/labstack/echo"
        ));
        assert!(!import_path_matches(
            "github.com/labstack/echox",
            "github.com/labstack/echo"
        ));
        assert!(!import_path_matches(
            "github.com/labstack/echo/vx",
            "github.com/labstack/echo"
        ));
    }
}
