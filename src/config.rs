//! `ctxlint.toml` / `.ctxlint.toml`: discovery, parsing with source positions, validation.
//!
//! Discovery: for each path given on the command line (a file counts from its directory) the
//! nearest config file is used, looking in that directory and then its parents up to the
//! repository root (the first directory holding `.git`), or up to the filesystem root outside a
//! repository. In one directory `ctxlint.toml` wins over `.ctxlint.toml`. Paths that resolve to
//! the same file share one run; `--config FILE` uses FILE for every path and `--isolated` uses
//! none. Globs in `exclude` are gitignore-style, anchored at the config file's directory.
//!
//! ```toml
//! select = ["discarded-cancel"]          # default: the rules enabled by default
//! ignore = ["background-in-handler"]
//! exclude = ["gen/", "**/*_mock.go"]
//!
//! [rules.background-in-handler]
//! severity = "error"                     # "error" | "warning" | "info"
//!
//! [go]
//! handler-types = [
//!   { package = "github.com/go-chi/chi/v5", type = "*Context", context = "{}.Request().Context()" },
//! ]
//! cancel-functions = [
//!   "example.com/pool.Acquire",                        # the cancel func is result 1
//!   { function = "example.com/pool.Start", result = 0 },
//! ]
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::{LineIndex, Severity};
use crate::lang::go::{CancelFunction, HandlerType};
use crate::rules;

/// The file names looked for, in order of preference.
pub const FILE_NAMES: &[&str] = &["ctxlint.toml", ".ctxlint.toml"];

/// A problem in a configuration file, located by line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: the problem is the file as a whole (it cannot be read), not a position in it.
        if self.line == 0 {
            return write!(f, "{}: {}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// One configuration file's settings (or the defaults, with `file == None`).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub file: Option<PathBuf>,
    /// `None`: not set, the rules enabled by default run.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub exclude: Vec<String>,
    /// Severity overrides, applied to findings after the rules ran.
    pub severities: Vec<(String, Severity)>,
    /// `[per-file-ignores]`: glob → rules not reported in the files it matches.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    pub handler_types: Vec<HandlerType>,
    pub cancel_functions: Vec<CancelFunction>,
    /// `[rules.context-not-passed] slog = true`: also report `log/slog` calls without the
    /// context (info).
    pub slog_calls: bool,
}

impl Config {
    /// Loads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        };
        let file = std::fs::File::open(path)
            .map_err(|e| error(format!("cannot read the config file: {e}")))?;
        let mut text = String::new();
        // One byte over the limit is enough to know it is too large.
        std::io::Read::read_to_string(
            &mut std::io::Read::take(file, MAX_CONFIG_SIZE + 1),
            &mut text,
        )
        .map_err(|e| error(format!("cannot read the config file: {e}")))?;
        if text.len() as u64 > MAX_CONFIG_SIZE {
            return Err(error(format!(
                "the config file is larger than {MAX_CONFIG_SIZE} bytes; not read"
            )));
        }
        Config::parse(path, &text)
    }

    /// Loads a config file found by [`find`] (not named by the user): one that is a symbolic
    /// link to a file outside the tree it was found in (the repository, or its directory
    /// outside one) is refused, so a checked-out tree cannot make ctxlint read, and echo
    /// parts of in error messages, an arbitrary file. `--config` reads any file.
    pub fn load_found(path: &Path) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        };
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            let dir = path.parent().unwrap_or(Path::new("."));
            let tree = crate::baseline::repo_root(&crate::walk::absolute(dir))
                .unwrap_or_else(|| dir.to_path_buf());
            let target = std::fs::canonicalize(path)
                .map_err(|e| error(format!("cannot read the config file: {e}")))?;
            let inside = std::fs::canonicalize(&tree).is_ok_and(|tree| target.starts_with(tree));
            if !inside {
                return Err(error(format!(
                    "the config file is a symbolic link to {}, outside the tree; not read (name it with --config to use it)",
                    target.display()
                )));
            }
        }
        Config::load(path)
    }

    /// Parses the text of a config file; `path` is used for messages and to anchor globs.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let parser = Parser {
            path,
            index: LineIndex::new(text),
            text,
        };
        let root = DeTable::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            parser.error(&span, e.message().trim_end().to_string())
        })?;
        let mut config = Config {
            file: Some(path.to_path_buf()),
            ..Config::default()
        };
        for (key, value) in root.get_ref() {
            match &**key.get_ref() {
                "select" => config.select = Some(parser.rule_names(value, "select", true)?),
                "ignore" => config
                    .ignore
                    .extend(parser.rule_names(value, "ignore", false)?),
                "exclude" => config.exclude = parser.strings(value, "exclude")?,
                "rules" => {
                    let (severities, off) = parser.rules(value, &mut config.slog_calls)?;
                    config.severities = severities;
                    config.ignore.extend(off);
                }
                "per-file-ignores" => config.per_file_ignores = parser.per_file_ignores(value)?,
                "go" => parser.go(value, &mut config)?,
                other => return Err(parser.unknown(key, other, TOP_KEYS)),
            }
        }
        Ok(config)
    }

    /// The directory the config file is in: `exclude` globs are relative to it.
    pub fn dir(&self) -> Option<&Path> {
        self.file.as_deref().and_then(Path::parent)
    }

    /// The `exclude` globs as a matcher anchored at the config's directory.
    pub fn exclude_matcher(&self) -> Result<Option<Gitignore>, ConfigError> {
        let Some(dir) = self.dir() else {
            return Ok(None);
        };
        if self.exclude.is_empty() {
            return Ok(None);
        }
        let mut builder = GitignoreBuilder::new(dir);
        for glob in &self.exclude {
            builder.add_line(None, glob).map_err(|e| ConfigError {
                path: self.file.clone().unwrap_or_default(),
                line: 1,
                column: 1,
                message: format!("invalid exclude glob `{glob}`: {e}"),
            })?;
        }
        builder.build().map(Some).map_err(|e| ConfigError {
            path: self.file.clone().unwrap_or_default(),
            line: 1,
            column: 1,
            message: format!("invalid excludes: {e}"),
        })
    }

    pub fn severity_of(&self, rule: &str) -> Option<Severity> {
        self.severities
            .iter()
            .find(|(name, _)| name == rule)
            .map(|(_, s)| *s)
    }
}

/// The nearest config file for a path: its directory (or itself, for a directory) and then the
/// parents, stopping at the repository root.
pub fn find(path: &Path) -> Option<PathBuf> {
    let path = crate::walk::absolute(path);
    let mut dir = if path.is_dir() {
        Some(path.as_path())
    } else {
        path.parent()
    };
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Entries accepted in one list of a config file (`exclude`, `go.cancel-functions`, ...):
/// real configs list tens; more is a mistake or a hostile file, which must not make every
/// run slow.
pub const MAX_ENTRIES: usize = 1000;

/// Bytes accepted in a config file.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

const TOP_KEYS: &[&str] = &[
    "select",
    "ignore",
    "exclude",
    "per-file-ignores",
    "rules",
    "go",
];
const RULE_KEYS: &[&str] = &["severity"];
const GO_KEYS: &[&str] = &["handler-types", "cancel-functions"];
const HANDLER_KEYS: &[&str] = &["package", "type", "context"];
const CANCEL_KEYS: &[&str] = &["function", "result"];

type SeveritiesAndOff = (Vec<(String, Severity)>, Vec<String>);

struct Parser<'a> {
    path: &'a Path,
    index: LineIndex,
    text: &'a str,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Parser<'_> {
    fn error(&self, span: &Range<usize>, message: String) -> ConfigError {
        let pos = self.index.position(
            self.text,
            span.start,
            crate::diagnostic::ColumnEncoding::Utf32,
        );
        ConfigError {
            path: self.path.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message,
        }
    }

    fn unknown(&self, key: &Spanned<Cow<'_, str>>, name: &str, valid: &[&str]) -> ConfigError {
        let mut message = format!("unknown key `{name}`");
        match rules::did_you_mean(name, valid) {
            Some(best) => message.push_str(&format!("; did you mean `{best}`?")),
            None => message.push_str(&format!("; expected one of: {}", valid.join(", "))),
        }
        self.error(&key.span(), message)
    }

    fn table<'v, 'i>(
        &self,
        value: &'v Value<'i>,
        what: &str,
    ) -> Result<&'v DeTable<'i>, ConfigError> {
        match value.get_ref() {
            DeValue::Table(t) if t.len() > MAX_ENTRIES => Err(self.error(
                &value.span(),
                format!(
                    "`{what}` has {} entries, more than the {MAX_ENTRIES} ctxlint accepts in one table",
                    t.len()
                ),
            )),
            DeValue::Table(t) => Ok(t),
            _ => Err(self.error(&value.span(), format!("`{what}` must be a table"))),
        }
    }

    fn string<'v>(&self, value: &'v Value<'_>, what: &str) -> Result<&'v str, ConfigError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s),
            _ => Err(self.error(&value.span(), format!("`{what}` must be a string"))),
        }
    }

    /// An entry of the array under `key`, which must be a string.
    fn entry<'v>(&self, value: &'v Value<'_>, key: &str) -> Result<&'v str, ConfigError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s),
            _ => Err(self.error(
                &value.span(),
                format!("each entry of `{key}` must be a string"),
            )),
        }
    }

    fn array<'v, 'i>(
        &self,
        value: &'v Value<'i>,
        what: &str,
    ) -> Result<&'v [Value<'i>], ConfigError> {
        match value.get_ref() {
            DeValue::Array(a) if a.len() > MAX_ENTRIES => Err(self.error(
                &value.span(),
                format!(
                    "`{what}` has {} entries, more than the {MAX_ENTRIES} ctxlint accepts in one list",
                    a.len()
                ),
            )),
            DeValue::Array(a) => Ok(a),
            _ => Err(self.error(&value.span(), format!("`{what}` must be an array"))),
        }
    }

    fn strings(&self, value: &Value<'_>, what: &str) -> Result<Vec<String>, ConfigError> {
        self.array(value, what)?
            .iter()
            .map(|v| self.entry(v, what).map(str::to_string))
            .collect()
    }

    fn rule_name(&self, name: &str, span: &Range<usize>) -> Result<(), ConfigError> {
        let known = rules::names();
        if known.contains(&name) {
            return Ok(());
        }
        Err(self.error(span, rules::unknown_rule_message(name)))
    }

    /// A list of rule names under `key`; `ALL` is accepted where rules are selected.
    fn rule_names(
        &self,
        value: &Value<'_>,
        key: &str,
        allow_all: bool,
    ) -> Result<Vec<String>, ConfigError> {
        let mut names = Vec::new();
        for v in self.array(value, key)? {
            let name = self.entry(v, key)?;
            if !(allow_all && name == rules::ALL) {
                self.rule_name(name, &v.span())?;
            }
            names.push(name.to_string());
        }
        Ok(names)
    }

    /// `[rules.<name>]`: the severity overrides, and the rules turned off (`severity = "off"`).
    fn rules(&self, value: &Value<'_>, slog: &mut bool) -> Result<SeveritiesAndOff, ConfigError> {
        let (mut severities, mut off) = (Vec::new(), Vec::new());
        for (name, settings) in self.table(value, "rules")? {
            self.rule_name(name.get_ref(), &name.span())?;
            let what = format!("rules.{}", name.get_ref());
            for (key, v) in self.table(settings, &what)? {
                match &**key.get_ref() {
                    "severity" => {
                        let s = self.string(v, &format!("{what}.severity"))?;
                        if s == "off" {
                            off.push(name.get_ref().to_string());
                            continue;
                        }
                        let severity = Severity::parse(s).ok_or_else(|| {
                            self.error(
                                &v.span(),
                                format!(
                                    "unknown severity `{s}` in `{what}.severity`; expected \"error\", \"warning\", \"info\" or \"off\""
                                ),
                            )
                        })?;
                        severities.push((name.get_ref().to_string(), severity));
                    }
                    "slog" if name.get_ref() == "context-not-passed" => match v.get_ref() {
                        DeValue::Boolean(b) => *slog = *b,
                        _ => {
                            return Err(self
                                .error(&v.span(), format!("`{what}.slog` must be true or false")))
                        }
                    },
                    other => return Err(self.unknown(key, other, RULE_KEYS)),
                }
            }
        }
        Ok((severities, off))
    }

    /// `[per-file-ignores]`: `"glob" = ["rule", ...]`; each glob must compile.
    fn per_file_ignores(
        &self,
        value: &Value<'_>,
    ) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
        let mut out = Vec::new();
        for (glob, rules) in self.table(value, "per-file-ignores")? {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                return Err(self.error(
                    &glob.span(),
                    format!(
                        "invalid glob `{}` in `per-file-ignores`: {e}",
                        glob.get_ref()
                    ),
                ));
            }
            let key = format!("per-file-ignores.\"{}\"", glob.get_ref());
            out.push((
                glob.get_ref().to_string(),
                self.rule_names(rules, &key, true)?,
            ));
        }
        Ok(out)
    }

    fn go(&self, value: &Value<'_>, config: &mut Config) -> Result<(), ConfigError> {
        for (key, v) in self.table(value, "go")? {
            match &**key.get_ref() {
                "handler-types" => {
                    for item in self.array(v, "go.handler-types")? {
                        config.handler_types.push(self.handler_type(item)?);
                    }
                }
                "cancel-functions" => {
                    for item in self.array(v, "go.cancel-functions")? {
                        config.cancel_functions.push(self.cancel_function(item)?);
                    }
                }
                other => return Err(self.unknown(key, other, GO_KEYS)),
            }
        }
        Ok(())
    }

    fn handler_type(&self, value: &Value<'_>) -> Result<HandlerType, ConfigError> {
        let table = self.table(value, "go.handler-types entry")?;
        let (mut package, mut ty, mut context) = (None, None, None);
        for (key, v) in table {
            match &**key.get_ref() {
                "package" => package = Some((self.string(v, "package")?, v.span())),
                "type" => ty = Some((self.string(v, "type")?, v.span())),
                "context" => context = Some((self.string(v, "context")?, v.span())),
                other => return Err(self.unknown(key, other, HANDLER_KEYS)),
            }
        }
        let missing = |what: &str| {
            self.error(
                &value.span(),
                format!("a handler type needs `{what}` (keys: package, type, context)"),
            )
        };
        let (package, _) = package.ok_or_else(|| missing("package"))?;
        let (ty, ty_span) = ty.ok_or_else(|| missing("type"))?;
        let (context, context_span) = context.ok_or_else(|| missing("context"))?;
        let (pointer, name) = match ty.strip_prefix('*') {
            Some(name) => (true, name),
            None => (false, ty),
        };
        if !is_identifier(name) {
            return Err(self.error(
                &ty_span,
                format!("`{ty}` is not a type name; write `Name` or `*Name`, without the package"),
            ));
        }
        if !context.contains("{}") {
            return Err(self.error(
                &context_span,
                format!("`{context}` does not use the parameter; write `{{}}` where its name goes, e.g. `{{}}.Context()`"),
            ));
        }
        if package.is_empty() {
            return Err(missing("package"));
        }
        Ok(HandlerType {
            package: package.to_string(),
            name: name.to_string(),
            pointer: Some(pointer),
            context: context.to_string(),
        })
    }

    fn cancel_function(&self, value: &Value<'_>) -> Result<CancelFunction, ConfigError> {
        let (function, span, result) = match value.get_ref() {
            DeValue::String(s) => (s.as_ref(), value.span(), 1),
            DeValue::Table(table) => {
                let (mut function, mut result) = (None, 1);
                for (key, v) in table {
                    match &**key.get_ref() {
                        "function" => function = Some((self.string(v, "function")?, v.span())),
                        "result" => {
                            result = match v.get_ref() {
                                DeValue::Integer(i) => i
                                    .as_str()
                                    .parse::<usize>()
                                    .ok()
                                    .filter(|&n| n < 64)
                                    .ok_or_else(|| {
                                        self.error(
                                            &v.span(),
                                            "`result` must be a small non-negative integer (0-based index)".into(),
                                        )
                                    })?,
                                _ => {
                                    return Err(self.error(
                                        &v.span(),
                                        "`result` must be an integer".into(),
                                    ))
                                }
                            }
                        }
                        other => return Err(self.unknown(key, other, CANCEL_KEYS)),
                    }
                }
                let (function, span) = function.ok_or_else(|| {
                    self.error(
                        &value.span(),
                        "a cancel function needs `function = \"import/path.Name\"`".into(),
                    )
                })?;
                (function, span, result)
            }
            _ => {
                return Err(self.error(
                    &value.span(),
                    "a cancel function is \"import/path.Name\" or { function = \"import/path.Name\", result = N }".into(),
                ))
            }
        };
        let (package, name) = function
            .rsplit_once('.')
            .filter(|(p, n)| !p.is_empty() && is_identifier(n) && !p.ends_with('/'))
            .ok_or_else(|| {
                self.error(
                    &span,
                    format!(
                        "`{function}` is not `import/path.Name`, e.g. `example.com/pool.Acquire`"
                    ),
                )
            })?;
        Ok(CancelFunction {
            package: package.to_string(),
            name: name.to_string(),
            result,
        })
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("ctxlint.toml"), text)
    }

    #[test]
    fn a_full_config_parses() {
        let c = parse(
            r#"
select = ["discarded-cancel", "background-in-handler"]
ignore = ["background-in-handler"]
exclude = ["gen/"]

[rules.discarded-cancel]
severity = "warning"

[go]
handler-types = [
  { package = "github.com/go-chi/chi/v5", type = "*Context", context = "{}.Request().Context()" },
  { package = "example.com/rpc", type = "Call", context = "{}.Ctx" },
]
cancel-functions = ["example.com/pool.Acquire", { function = "gopkg.in/x.v2.Start", result = 0 }]
"#,
        )
        .unwrap();
        assert_eq!(c.select.as_deref().map(<[_]>::len), Some(2));
        assert_eq!(c.ignore, ["background-in-handler"]);
        assert_eq!(c.exclude, ["gen/"]);
        assert_eq!(c.severity_of("discarded-cancel"), Some(Severity::Warning));
        assert_eq!(c.handler_types[0].name, "Context");
        assert_eq!(c.handler_types[0].pointer, Some(true));
        assert_eq!(c.handler_types[1].pointer, Some(false));
        assert_eq!(c.cancel_functions[0].package, "example.com/pool");
        assert_eq!(c.cancel_functions[0].name, "Acquire");
        assert_eq!(c.cancel_functions[0].result, 1);
        assert_eq!(c.cancel_functions[1].package, "gopkg.in/x.v2");
        assert_eq!(c.cancel_functions[1].result, 0);
    }

    #[test]
    fn unknown_keys_and_rules_are_located_with_a_suggestion() {
        let e = parse("select = []\nexlude = [\"a\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.contains("did you mean `exclude`"),
            "{}",
            e.message
        );
        let e = parse("select = [\n  \"discarded-cancle\",\n]\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("`discarded-cancel`"), "{}", e.message);
        let e = parse("[rules.background-in-handlr]\nseverity = \"info\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("[rules.discarded-cancel]\nseverity = \"fatal\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("[go]\nhandler-types = [{ package = \"p\", typ = \"T\" }]\n").unwrap_err();
        assert!(e.message.contains("did you mean `type`"), "{}", e.message);
        let e = parse("[go]\ncancel-functions = [\"nodot\"]\n").unwrap_err();
        assert!(e.message.contains("import/path.Name"), "{}", e.message);
        let e = parse("select = [").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn slog_is_an_option_of_context_not_passed_only() {
        assert!(!parse("").unwrap().slog_calls);
        let c = parse("[rules.context-not-passed]\nslog = true\n").unwrap();
        assert!(c.slog_calls);
        let e = parse("[rules.context-not-passed]\nslog = \"yes\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse("[rules.background-in-handler]\nslog = true\n").is_err());
    }

    #[test]
    fn key_typos_get_a_suggestion() {
        assert_eq!(rules::did_you_mean("selct", TOP_KEYS), Some("select"));
        assert_eq!(rules::did_you_mean("zzzzzz", TOP_KEYS), None);
    }
}
