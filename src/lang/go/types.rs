//! Type facts: what the syntax shows about the type of a value, without a type checker.
//!
//! A receiver's type is known only from what is written: a parameter or variable declared with
//! the type, a constructor with a known result (`sql.Open` gives a `*sql.DB`, `db.Begin()` a
//! `*sql.Tx`, `&http.Client{…}` an `*http.Client`), or a field of a struct type, or a
//! package-level variable, declared anywhere in the package. Anything else is unknown, and the
//! rules that ask stay silent.
//!
//! The package-wide part is a [`TypeIndex`] made by the engine's parallel first pass (the one
//! that finds cancel-producing wrappers) from each file's [`PackageTypes`]; a file's own
//! declarations are read again from its tree when it is linted, so a file linted alone (the
//! language server, `lint_file`) still knows them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tree_sitter::Node;

use super::{declaration_of, GoFile};
use crate::lang::{ancestors, named_children, text};

/// The standard library types whose methods have context-taking variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StdType {
    SqlDb,
    SqlTx,
    SqlConn,
    SqlStmt,
    HttpClient,
    TlsConn,
    SlogLogger,
}

/// Import path, type name and the type they name.
const STD_TYPES: &[(&str, &str, StdType)] = &[
    ("database/sql", "DB", StdType::SqlDb),
    ("database/sql", "Tx", StdType::SqlTx),
    ("database/sql", "Conn", StdType::SqlConn),
    ("database/sql", "Stmt", StdType::SqlStmt),
    ("net/http", "Client", StdType::HttpClient),
    ("crypto/tls", "Conn", StdType::TlsConn),
    ("log/slog", "Logger", StdType::SlogLogger),
];

impl StdType {
    /// How the type is written with its package's default name: `*sql.DB`.
    pub fn written(self) -> &'static str {
        match self {
            StdType::SqlDb => "*sql.DB",
            StdType::SqlTx => "*sql.Tx",
            StdType::SqlConn => "*sql.Conn",
            StdType::SqlStmt => "*sql.Stmt",
            StdType::HttpClient => "*http.Client",
            StdType::TlsConn => "*tls.Conn",
            StdType::SlogLogger => "*slog.Logger",
        }
    }
}

/// A type as far as the syntax tells: a known standard library type, a type declared in
/// the package by that name, or a type of another package (by import path and name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    Std(StdType),
    Local(String),
    Imported(String, String),
}

/// Whether a file may declare a field or variable of a [`StdType`]: it names one of them with
/// the package's default name (as text: `mysql.DB` counts too). Other files are not parsed by
/// the first pass. One pass over the file's dots, where a search per name read it seven times.
pub fn mentions_std_type(bytes: &[u8]) -> bool {
    /// [`STD_TYPES`] as (package's default name, type name), and the types' first letters.
    struct Written {
        names: Vec<(&'static [u8], &'static [u8])>,
        first: [bool; 256],
    }
    static WRITTEN: std::sync::LazyLock<Written> = std::sync::LazyLock::new(|| {
        let names: Vec<(&[u8], &[u8])> = STD_TYPES
            .iter()
            .map(|(path, name, _)| {
                let package = path.rsplit('/').next().unwrap_or(path);
                (package.as_bytes(), name.as_bytes())
            })
            .collect();
        let mut first = [false; 256];
        for (_, name) in &names {
            first[usize::from(name[0])] = true;
        }
        Written { names, first }
    });
    let written = &*WRITTEN;
    memchr::memchr_iter(b'.', bytes).any(|dot| {
        let (before, after) = (&bytes[..dot], &bytes[dot + 1..]);
        // Most selectors are ruled out by the letter after the dot.
        after
            .first()
            .is_some_and(|b| written.first[usize::from(*b)])
            && written
                .names
                .iter()
                .any(|(package, name)| after.starts_with(name) && before.ends_with(package))
    })
}

/// The types of struct fields and package-level variables one file (or a whole package)
/// declares. A name declared with different types (files for different build constraints) is
/// kept as `None`: unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageTypes {
    /// (struct type, field) → the field's type; embedded fields are named by their type.
    fields: BTreeMap<(String, String), Option<TypeRef>>,
    /// Package-level variable → its type.
    vars: BTreeMap<String, Option<TypeRef>>,
}

impl PackageTypes {
    /// The top-level declarations of a file with a known (or local) type.
    pub fn of_file(file: &GoFile<'_>) -> PackageTypes {
        file.model.finding_types.set(true);
        let types = PackageTypes::of_declarations(file);
        file.model.finding_types.set(false);
        types
    }

    fn of_declarations(file: &GoFile<'_>) -> PackageTypes {
        let mut types = PackageTypes::default();
        for decl in named_children(file.tree.root_node()) {
            match decl.kind() {
                "type_declaration" => {
                    for spec in named_children(decl).filter(|s| s.kind() == "type_spec") {
                        types.add_struct(file, spec);
                    }
                }
                "var_declaration" => {
                    for spec in var_specs(decl) {
                        for (name, ty) in file.var_spec_types(spec, 0) {
                            merge(&mut types.vars, name, ty);
                        }
                    }
                }
                _ => {}
            }
        }
        types
    }

    fn add_struct(&mut self, file: &GoFile<'_>, spec: Node<'_>) {
        let (Some(name), Some(body)) = (
            spec.child_by_field_name("name"),
            spec.child_by_field_name("type"),
        ) else {
            return;
        };
        if body.kind() != "struct_type" {
            return;
        }
        let owner = file.text(name);
        let Some(list) = named_children(body).find(|n| n.kind() == "field_declaration_list") else {
            return;
        };
        for field in named_children(list).filter(|f| f.kind() == "field_declaration") {
            let Some(ty) = field.child_by_field_name("type") else {
                continue;
            };
            let Some(known) = file.type_of_type(ty) else {
                continue;
            };
            let mut cursor = field.walk();
            let names: Vec<&str> = field
                .children_by_field_name("name", &mut cursor)
                .map(|n| file.text(n))
                .collect();
            if names.is_empty() {
                // An embedded field is named by its type: `*sql.DB` gives `DB`.
                if let Some(embedded) = embedded_name(ty, file.source) {
                    merge(
                        &mut self.fields,
                        (owner.to_string(), embedded.to_string()),
                        known.clone(),
                    );
                }
            }
            for n in names {
                merge(
                    &mut self.fields,
                    (owner.to_string(), n.to_string()),
                    known.clone(),
                );
            }
        }
    }

    /// Adds another file's (or package part's) facts; the result does not depend on the order.
    pub fn merge(&mut self, other: &PackageTypes) {
        for (key, ty) in &other.fields {
            merge_option(&mut self.fields, key.clone(), ty.clone());
        }
        for (key, ty) in &other.vars {
            merge_option(&mut self.vars, key.clone(), ty.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.vars.is_empty()
    }

    /// The import paths of the packages whose types these fields and variables have
    /// ([`TypeRef::Imported`]).
    pub fn imported_packages(&self) -> impl Iterator<Item = &str> {
        self.fields
            .values()
            .chain(self.vars.values())
            .filter_map(|ty| match ty {
                Some(TypeRef::Imported(path, _)) => Some(path.as_str()),
                _ => None,
            })
    }

    fn field(&self, owner: &str, field: &str) -> Option<Option<&TypeRef>> {
        self.fields
            .get(&(owner.to_string(), field.to_string()))
            .map(Option::as_ref)
    }

    fn var(&self, name: &str) -> Option<Option<&TypeRef>> {
        self.vars.get(name).map(Option::as_ref)
    }
}

fn merge<K: Ord>(map: &mut BTreeMap<K, Option<TypeRef>>, key: K, ty: TypeRef) {
    merge_option(map, key, Some(ty));
}

fn merge_option<K: Ord>(map: &mut BTreeMap<K, Option<TypeRef>>, key: K, ty: Option<TypeRef>) {
    match map.get_mut(&key) {
        Some(existing) if *existing != ty => *existing = None,
        Some(_) => {}
        None => {
            map.insert(key, ty);
        }
    }
}

/// The `var_spec`s of a `var` declaration, parenthesised or not.
fn var_specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut specs = Vec::new();
    for child in named_children(decl) {
        match child.kind() {
            "var_spec" => specs.push(child),
            "var_spec_list" => {
                specs.extend(named_children(child).filter(|s| s.kind() == "var_spec"))
            }
            _ => {}
        }
    }
    specs
}

/// The name an embedded field's type gives it: `DB` for `*sql.DB`, `Store` for `Store`.
fn embedded_name<'s>(ty: Node<'_>, source: &'s str) -> Option<&'s str> {
    match ty.kind() {
        "pointer_type" => embedded_name(named_children(ty).next()?, source),
        "qualified_type" => ty.child_by_field_name("name").map(|n| text(n, source)),
        "type_identifier" => Some(text(ty, source)),
        "generic_type" => embedded_name(ty.child_by_field_name("type")?, source),
        _ => None,
    }
}

/// The package-level type facts of the scanned tree, by directory and package name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeIndex {
    packages: HashMap<(PathBuf, String), PackageTypes>,
}

impl TypeIndex {
    /// Builds the index from each file's facts (directory, package name, facts); the result
    /// does not depend on their order.
    pub fn new(files: impl IntoIterator<Item = (PathBuf, String, PackageTypes)>) -> TypeIndex {
        let mut packages: HashMap<(PathBuf, String), PackageTypes> = HashMap::new();
        for (dir, package, types) in files {
            packages.entry((dir, package)).or_default().merge(&types);
        }
        TypeIndex { packages }
    }

    /// The names of the fields and package-level variables of one of the standard library
    /// types `wanted` that a package declared in `dir` (any package name) has: a file there
    /// can reach such a value without naming the type's package itself, but not without
    /// writing one of these names (`s.db`, `client`; an embedded field is reached by its
    /// type's name, `s.DB`).
    pub fn std_typed_names_in<'a>(
        &'a self,
        dir: &'a Path,
        wanted: &'a [StdType],
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.declared_in(dir)
            .filter(|(_, ty)| matches!(ty, Some(TypeRef::Std(t)) if wanted.contains(t)))
            .map(|(name, _)| name)
    }

    /// Whether a package declared in `dir` has a field or package-level variable of a type
    /// of the package `path`: a file there can reach that package's methods without importing
    /// it.
    pub fn has_type_of_package_in(&self, dir: &Path, path: &str) -> bool {
        self.declared_in(dir)
            .any(|(_, ty)| matches!(ty, Some(TypeRef::Imported(p, _)) if p == path))
    }

    /// The fields and package-level variables of the packages declared in `dir` (any package
    /// name), by name, with their types.
    fn declared_in<'a>(
        &'a self,
        dir: &'a Path,
    ) -> impl Iterator<Item = (&'a str, &'a Option<TypeRef>)> + 'a {
        self.packages
            .iter()
            .filter(move |((d, _), _)| d == dir)
            .flat_map(|(_, types)| {
                let fields = types.fields.iter().map(|((_, f), ty)| (f.as_str(), ty));
                fields.chain(types.vars.iter().map(|(v, ty)| (v.as_str(), ty)))
            })
    }

    fn package(&self, dir: &Path, package: &str) -> Option<&PackageTypes> {
        self.packages.get(&(dir.to_path_buf(), package.to_string()))
    }
}

/// What the call of a constructor or method with a known result gives.
fn call_result(file: &GoFile<'_>, call: Node<'_>, depth: usize) -> Option<TypeRef> {
    let function = call.child_by_field_name("function")?;
    if let Some(name) = file.calls_package(call, &["database/sql"]) {
        return matches!(name, "Open" | "OpenDB").then_some(TypeRef::Std(StdType::SqlDb));
    }
    if let Some(name) = file.calls_package(call, &["crypto/tls"]) {
        return matches!(name, "Dial" | "DialWithDialer" | "Client" | "Server")
            .then_some(TypeRef::Std(StdType::TlsConn));
    }
    if let Some(name) = file.calls_package(call, &["log/slog"]) {
        return matches!(name, "New" | "Default").then_some(TypeRef::Std(StdType::SlogLogger));
    }
    if function.kind() != "selector_expression" {
        return None;
    }
    let method = file.text(function.child_by_field_name("field")?);
    let receiver = file.type_of_depth(function.child_by_field_name("operand")?, depth + 1)?;
    let TypeRef::Std(receiver) = receiver else {
        return None;
    };
    use StdType::*;
    let result = match (receiver, method) {
        (SqlDb | SqlConn, "Begin" | "BeginTx") => SqlTx,
        (SqlDb | SqlConn | SqlTx, "Prepare" | "PrepareContext") => SqlStmt,
        (SqlTx, "Stmt" | "StmtContext") => SqlStmt,
        (SqlDb, "Conn") => SqlConn,
        (SlogLogger, "With" | "WithGroup") => SlogLogger,
        _ => return None,
    };
    Some(TypeRef::Std(result))
}

impl<'a> GoFile<'a> {
    /// The type a type expression names, if it is a known standard library type or a type
    /// of this package (`T`, `*T`, `T[X]`).
    pub fn type_of_type(&self, ty: Node<'_>) -> Option<TypeRef> {
        match ty.kind() {
            "pointer_type" | "parenthesized_type" => self.type_of_type(named_children(ty).next()?),
            "qualified_type" => STD_TYPES
                .iter()
                .find(|(package, name, _)| self.is_named_type(ty, package, name))
                .map(|&(_, _, t)| TypeRef::Std(t))
                .or_else(|| {
                    let package = self.text(ty.child_by_field_name("package")?);
                    let name = self.text(ty.child_by_field_name("name")?);
                    let path = self.imports.path_of(package)?;
                    Some(TypeRef::Imported(path.to_string(), name.to_string()))
                }),
            "type_identifier" => {
                let name = self.text(ty);
                // A dot import may make the name a standard library type.
                STD_TYPES
                    .iter()
                    .find(|(package, n, _)| *n == name && self.is_named_type(ty, package, n))
                    .map(|&(_, _, t)| TypeRef::Std(t))
                    .or_else(|| Some(TypeRef::Local(name.to_string())))
            }
            "generic_type" => self.type_of_type(ty.child_by_field_name("type")?),
            _ => None,
        }
    }

    /// The type of an expression, as far as the syntax shows it (see the module docs).
    pub fn type_of(&self, expr: Node<'_>) -> Option<TypeRef> {
        self.type_of_depth(expr, 0)
    }

    fn type_of_depth(&self, expr: Node<'_>, depth: usize) -> Option<TypeRef> {
        if depth > 8 {
            return None;
        }
        match expr.kind() {
            "parenthesized_expression" => {
                self.type_of_depth(named_children(expr).next()?, depth + 1)
            }
            "identifier" => match declaration_of(expr, self.source) {
                Some(declaration) => self.declared_type(declaration, depth),
                None => {
                    let name = self.text(expr);
                    if self.imports.path_of(name).is_some() {
                        return None;
                    }
                    self.package_var(name)
                }
            },
            "selector_expression" => {
                let operand = expr.child_by_field_name("operand")?;
                let field = self.text(expr.child_by_field_name("field")?);
                if operand.kind() == "identifier"
                    && declaration_of(operand, self.source).is_none()
                    && self
                        .imports
                        .path_of(self.text(operand))
                        .is_some_and(|p| p == "net/http")
                {
                    return (field == "DefaultClient").then_some(TypeRef::Std(StdType::HttpClient));
                }
                match self.type_of_depth(operand, depth + 1)? {
                    TypeRef::Local(owner) => self.field_type(&owner, field),
                    TypeRef::Std(_) | TypeRef::Imported(..) => None,
                }
            }
            "call_expression" => call_result(self, expr, depth),
            "unary_expression" => {
                let operator = expr.child_by_field_name("operator")?;
                let operand = expr.child_by_field_name("operand")?;
                (self.text(operator) == "&" && operand.kind() == "composite_literal")
                    .then(|| self.type_of_depth(operand, depth + 1))?
            }
            "composite_literal" => self.type_of_type(expr.child_by_field_name("type")?),
            _ => None,
        }
    }

    /// The type of the variable an identifier declares (a parameter, receiver, `var` or `:=`).
    fn declared_type(&self, name: Node<'_>, depth: usize) -> Option<TypeRef> {
        let mut up = ancestors(name);
        let parent = up.next()?;
        match parent.kind() {
            "parameter_declaration" | "variadic_parameter_declaration" => {
                self.type_of_type(parent.child_by_field_name("type")?)
            }
            "var_spec" => self
                .var_spec_types(parent, depth + 1)
                .into_iter()
                .find(|(n, _)| n == self.text(name))
                .map(|(_, t)| t),
            "expression_list" => {
                let statement = up.next()?;
                if statement.kind() != "short_var_declaration" {
                    return None;
                }
                let index = named_children(parent).position(|n| n == name)?;
                let values = statement.child_by_field_name("right")?;
                let value = single_value(values, index, named_children(parent).count())?;
                self.type_of_depth(value, depth + 1)
            }
            _ => None,
        }
    }

    /// The names a `var_spec` declares with their known types: from the written type, or from
    /// the values.
    fn var_spec_types(&self, spec: Node<'_>, depth: usize) -> Vec<(String, TypeRef)> {
        let mut cursor = spec.walk();
        let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut cursor).collect();
        if let Some(ty) = spec.child_by_field_name("type") {
            let Some(known) = self.type_of_type(ty) else {
                return Vec::new();
            };
            return names
                .iter()
                .map(|n| (self.text(*n).to_string(), known.clone()))
                .collect();
        }
        let Some(values) = spec.child_by_field_name("value") else {
            return Vec::new();
        };
        names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let value = single_value(values, i, names.len())?;
                Some((self.text(*n).to_string(), self.type_of_depth(value, depth)?))
            })
            .collect()
    }

    /// A field's type from this file's declarations, else the package's. While this file's
    /// declarations are being found (a package variable initialised from a field, `var x =
    /// cfg.db.Begin()`), only the package's are known.
    fn field_type(&self, owner: &str, field: &str) -> Option<TypeRef> {
        if !self.model.finding_types.get() {
            if let Some(known) = self.own_types().field(owner, field) {
                return known.cloned();
            }
        }
        self.package_types()?.field(owner, field)?.cloned()
    }

    /// A package-level variable's type from this file's declarations, else the package's.
    fn package_var(&self, name: &str) -> Option<TypeRef> {
        if self.model.finding_types.get() {
            return None;
        }
        match self.own_types().var(name) {
            Some(known) => known.cloned(),
            None => self.package_types()?.var(name)?.cloned(),
        }
    }

    fn package_types(&self) -> Option<&'a PackageTypes> {
        self.settings.types.package(self.dir?, &self.package)
    }
}

/// The value assigned to the `index`-th of `count` names: the `index`-th value when there is
/// one per name, or the only value for the first name (`db, err := sql.Open(…)`: the first
/// result).
fn single_value(values: Node<'_>, index: usize, count: usize) -> Option<Node<'_>> {
    let n = values.named_child_count();
    if n == count {
        values.named_child(index)
    } else if n == 1 && index == 0 {
        values.named_child(0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::go::GoSettings;
    use crate::lang::{parse, walk_tree, Language};

    #[test]
    fn the_byte_scan_finds_each_name_as_text() {
        // As a search for each name would: anywhere, inside longer words too.
        for text in [
            "var db *sql.DB",
            "c http.Client",
            "x := mysql.DBX{}",
            "l *slog.Logger",
            "func f(t tls.Conn)",
            "s *sql.Stmt\n",
            "sql.Tx",
            "a.b.sql.Conn.c",
            "gosql.Stmt",
        ] {
            assert!(mentions_std_type(text.as_bytes()), "{text}");
        }
        for text in [
            "",
            ".",
            "sql.",
            "sql.D",
            "http.client",
            "tls.Config",
            "slog.Log",
            "sql .DB",
            "db.Query(ctx)",
            "http.Get(u)",
        ] {
            assert!(!mentions_std_type(text.as_bytes()), "{text}");
        }
    }

    /// The type of each call's receiver (`x` in `x.Query()`), in document order.
    fn receiver_types(src: &str) -> Vec<Option<TypeRef>> {
        let tree = parse(Language::Go, src).unwrap();
        let settings = GoSettings::default();
        let file = GoFile::new(src, &tree, &settings);
        let mut found = Vec::new();
        crate::lang::with_root(&tree, || {
            walk_tree(tree.root_node(), |n| {
                if n.kind() == "call_expression" {
                    let f = n.child_by_field_name("function").unwrap();
                    if f.kind() == "selector_expression"
                        && file.text(f.child_by_field_name("field").unwrap()) == "Query"
                    {
                        found.push(file.type_of(f.child_by_field_name("operand").unwrap()));
                    }
                }
                true
            });
        });
        found
    }

    #[test]
    fn receivers_are_known_from_declarations_and_constructors() {
        let src = "package p\nimport (\n\t\"database/sql\"\n\tq \"database/sql\"\n)\n\
                   type S struct{ db *sql.DB; store *Store }\ntype Store struct{ conn *q.Conn }\n\
                   var global, _ = sql.Open(\"x\", \"y\")\n\
                   func (s *S) f(db *sql.DB, other Other) {\n\
                   \tdb.Query()\n\ttx, _ := db.Begin()\n\ttx.Query()\n\ts.db.Query()\n\
                   \ts.store.conn.Query()\n\tother.Query()\n\tglobal.Query()\n\
                   \tst, err := tx.Prepare(\"\")\n\tst.Query()\n\t_ = err\n\
                   \tfor _, d := range dbs { d.Query() }\n}\n";
        use StdType::*;
        let std = |t| Some(TypeRef::Std(t));
        assert_eq!(
            receiver_types(src),
            [
                std(SqlDb),
                std(SqlTx),
                std(SqlDb),
                std(SqlConn),
                Some(TypeRef::Local("Other".into())),
                std(SqlDb),
                std(SqlStmt),
                None,
            ]
        );
    }

    /// A package variable initialised from a field (`var db = S{}.db`) is typed while the
    /// file's own declarations are being found: only the package's are asked then (this file's
    /// would be found again from within, which panicked on pebble).
    #[test]
    fn package_variables_from_fields_do_not_ask_for_the_file_being_read() {
        let src = "package p\nimport \"database/sql\"\ntype S struct{ db *sql.DB }\n\
                   var db = S{}.db\nfunc f(s S) {\n\tdb.Query()\n\ts.db.Query()\n}\n";
        assert_eq!(
            receiver_types(src),
            [None, Some(TypeRef::Std(StdType::SqlDb))]
        );
    }

    #[test]
    fn conflicting_declarations_are_unknown_whatever_the_order() {
        let mut a = PackageTypes::default();
        merge(&mut a.vars, "x".into(), TypeRef::Std(StdType::SqlDb));
        let mut b = PackageTypes::default();
        merge(&mut b.vars, "x".into(), TypeRef::Local("T".into()));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.var("x"), Some(None));
    }
}
