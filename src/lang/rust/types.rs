//! The types the syntax shows: what a name was declared or bound as (a parameter, a typed or
//! initialised `let`, an `if let Some(x)`, a `for` pattern, a struct field of the file), and
//! what a few well-known calls and methods return (`tokio::spawn` → `JoinHandle`,
//! `Handle::current()` → `Handle`, `x.take().unwrap()`, `m.lock()`). Anything else is unknown:
//! the rules only act on types they can see.

use tree_sitter::Node;

use super::{ancestors, normalize, RustFile};
use crate::lang::named_children;

/// How deep `type_of` follows bindings and method chains.
const MAX_DEPTH: usize = 16;

/// Functions of tokio that spawn a task and return its `JoinHandle`.
pub const SPAWN_FUNCTIONS: &[&str] = &[
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_blocking",
    "tokio::task::spawn_local",
];

/// Methods that spawn a task on a [`Spawner`].
const SPAWN_METHODS: &[&str] = &[
    "spawn",
    "spawn_blocking",
    "spawn_local",
    "spawn_on",
    "spawn_local_on",
    "spawn_blocking_on",
];

/// A type as far as the syntax shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A named type: its path (resolved through the `use` table) and generic arguments.
    Path(String, Vec<Ty>),
    /// `&T` / `&mut T`.
    Ref(Box<Ty>),
    Tuple(Vec<Ty>),
    /// What locking a `Mutex<T>`/`RwLock<T>` gives: a guard that derefs to `T`.
    Guard(Box<Ty>),
}

impl Ty {
    fn named(path: &str, args: Vec<Ty>) -> Ty {
        Ty::Path(path.to_string(), args)
    }

    /// The path of a named type.
    pub fn path(&self) -> Option<&str> {
        match self {
            Ty::Path(path, _) => Some(path),
            _ => None,
        }
    }

    /// The last segment of a named type's path: `tokio::task::JoinHandle` → `JoinHandle`.
    pub fn name(&self) -> Option<&str> {
        self.path().and_then(|p| p.rsplit("::").next())
    }

    fn arg(&self, index: usize) -> Option<&Ty> {
        match self {
            Ty::Path(_, args) => args.get(index),
            _ => None,
        }
    }

    /// The type methods are called on: through references, smart pointers and lock guards.
    pub fn target(&self) -> &Ty {
        let mut ty = self;
        loop {
            ty = match ty {
                Ty::Ref(inner) | Ty::Guard(inner) => inner,
                Ty::Path(_, args) if matches!(ty.name(), Some("Arc" | "Rc" | "Box")) => {
                    match args.first() {
                        Some(inner) => inner,
                        None => return ty,
                    }
                }
                _ => return ty,
            }
        }
    }

    /// `tokio_util::sync::CancellationToken`, however it is reached (by reference, in an `Arc`).
    pub fn is_token(&self) -> bool {
        self.target().name() == Some("CancellationToken")
    }

    /// A task's `JoinHandle` owned by value (tokio's or another runtime's; not a
    /// `std::thread::JoinHandle`, which is no future).
    pub fn is_join_handle(&self) -> bool {
        match self {
            Ty::Path(path, _) => self.name() == Some("JoinHandle") && !path.starts_with("std::"),
            _ => false,
        }
    }

    /// `Option<T>` or `Result<T, E>` (any `…Result` alias): their `T`.
    fn unwrapped(&self) -> Option<&Ty> {
        match self.name() {
            Some("Option") => self.arg(0),
            Some(name) if name.ends_with("Result") => self.arg(0),
            _ => None,
        }
    }

    /// The elements of a collection iterated by value (`Vec<T>`, `VecDeque<T>`, `Option<T>`,
    /// `HashMap<K, V>` → `(K, V)`, or what `drain`/`into_iter` gave).
    fn element(&self) -> Option<Ty> {
        match self.name()? {
            "Vec" | "VecDeque" | "Option" | "HashSet" | "BTreeSet" | "IntoIter" | "Drain"
            | "FuturesUnordered" => self.arg(0).cloned(),
            "HashMap" | "BTreeMap" | "IndexMap" => {
                Some(Ty::Tuple(vec![self.arg(0)?.clone(), self.arg(1)?.clone()]))
            }
            _ => None,
        }
    }

    /// The kind of spawner this type is, if any.
    pub fn spawner(&self) -> Option<Spawner> {
        let path = self.path()?;
        // Distinctive names count without a visible path; the generic ones only under tokio.
        let tokio = |wanted: &str| path == wanted || path == format!("tokio::{wanted}");
        let tokio_util = |name: &str| {
            path == name || (path.starts_with("tokio") && path.ends_with(&format!("::{name}")))
        };
        if tokio("runtime::Handle") {
            Some(Spawner::Handle)
        } else if tokio("runtime::Runtime") {
            Some(Spawner::Runtime)
        } else if tokio("task::Builder") {
            Some(Spawner::TaskBuilder)
        } else if tokio_util("JoinSet") {
            Some(Spawner::JoinSet)
        } else if tokio_util("TaskTracker") {
            Some(Spawner::TaskTracker)
        } else if tokio_util("LocalSet") {
            Some(Spawner::LocalSet)
        } else {
            None
        }
    }
}

/// Something whose methods spawn tokio tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spawner {
    /// `tokio::runtime::Handle`: the tasks belong to a runtime that lives elsewhere.
    Handle,
    /// `tokio::runtime::Runtime`: dropping it shuts its tasks down.
    Runtime,
    /// `tokio::task::Builder`: like `tokio::spawn`, returns `io::Result<JoinHandle>`.
    TaskBuilder,
    /// `tokio::task::JoinSet`: aborts its tasks when dropped; `spawn` returns an `AbortHandle`.
    JoinSet,
    /// `tokio_util::task::TaskTracker`: tracks, never aborts.
    TaskTracker,
    /// `tokio::task::LocalSet`: its tasks stop when it is dropped.
    LocalSet,
}

impl Spawner {
    /// Whether dropping the spawner stops its tasks.
    fn owns_tasks(self) -> bool {
        matches!(
            self,
            Spawner::Runtime | Spawner::JoinSet | Spawner::LocalSet
        )
    }
}

/// A call that spawns a task.
#[derive(Debug, Clone, Copy)]
pub struct Spawn {
    /// `spawn_blocking`: the task cannot be aborted.
    pub blocking: bool,
    /// The task can outlive the function: it is not spawned on a spawner local to the
    /// function that stops its tasks when dropped (a local `JoinSet`, `Runtime`, `LocalSet`).
    pub outlives: bool,
}

/// What the scanned tree declares about task handles and test modules, found by a first pass
/// over the files that mention `JoinHandle` or declare a module kept in a file of its own (a
/// per-file analysis cannot see these when they live in another file or crate): type aliases
/// of a task's `JoinHandle` (`pub type ServerJoinHandle = tokio::task::JoinHandle<()>;`),
/// spawn wrappers, free functions declared to return a `JoinHandle` whose body ends in a spawn
/// (`pub fn spawn<F>(name: &str, f: F) -> JoinHandle<..> { …; TASKS.tracker.spawn(f) }`,
/// called as `tasks::spawn(…)`), and modules declared only for tests.
#[derive(Debug, Clone, Default)]
pub struct TreeTypes {
    /// Names of the aliases, sorted; a name that another scanned alias or type declaration
    /// gives some other type is left out.
    join_handle_aliases: Vec<String>,
    /// Sorted by module and name; a module and name declared twice with different blocking
    /// is left out.
    spawn_wrappers: Vec<SpawnWrapper>,
    /// The files of modules declared only for tests in another file
    /// (`#[cfg(any(test, feature = "test-utils"))] pub mod harness;`), each as the path of its
    /// `.rs` file without the extension (`src/harness`), which is also the directory of its
    /// submodules; sorted.
    test_modules: Vec<std::path::PathBuf>,
}

/// A function that spawns a task and returns its handle, named by its module and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpawnWrapper {
    /// The module that declares it: an inline `mod`, or the file (`tasks.rs` → `tasks`,
    /// `tasks/mod.rs` → `tasks`).
    module: String,
    name: String,
    /// It ends in `spawn_blocking`: the task cannot be aborted.
    blocking: bool,
}

/// What one file declares for [`TreeTypes`].
#[derive(Debug, Default)]
pub struct Declared {
    /// Every type alias, struct, enum, union and trait: its name and whether it is an alias of
    /// a task's `JoinHandle`.
    aliases: Vec<(String, bool)>,
    wrappers: Vec<SpawnWrapper>,
    test_modules: Vec<std::path::PathBuf>,
}

impl Declared {
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty() && self.wrappers.is_empty() && self.test_modules.is_empty()
    }
}

/// No declarations: what a file linted on its own sees.
pub static NO_TREE_TYPES: TreeTypes = TreeTypes {
    join_handle_aliases: Vec::new(),
    spawn_wrappers: Vec::new(),
    test_modules: Vec::new(),
};

impl TreeTypes {
    pub fn new(files: impl IntoIterator<Item = Declared>) -> TreeTypes {
        let mut aliases: Vec<(String, bool)> = Vec::new();
        let mut wrappers = Vec::new();
        let mut test_modules = Vec::new();
        for declared in files {
            aliases.extend(declared.aliases);
            wrappers.extend(declared.wrappers);
            test_modules.extend(declared.test_modules);
        }
        test_modules.sort();
        test_modules.dedup();
        aliases.sort();
        aliases.dedup();
        let ambiguous = |name: &str| aliases.iter().filter(|(n, _)| n == name).count() > 1;
        let join_handle_aliases = aliases
            .iter()
            .filter(|(name, handle)| *handle && !ambiguous(name))
            .map(|(name, _)| name.clone())
            .collect();
        wrappers.sort();
        wrappers.dedup();
        let twice = |w: &SpawnWrapper| {
            wrappers
                .iter()
                .filter(|o| o.module == w.module && o.name == w.name)
                .count()
                > 1
        };
        let spawn_wrappers = wrappers.iter().filter(|w| !twice(w)).cloned().collect();
        TreeTypes {
            join_handle_aliases,
            spawn_wrappers,
            test_modules,
        }
    }

    /// Whether a file belongs to a module declared only for tests in another file: it is the
    /// module's file or lies in its directory.
    pub fn is_test_module_file(&self, path: &std::path::Path) -> bool {
        let module = path.with_extension("");
        self.test_modules
            .iter()
            .any(|m| module == *m || path.starts_with(m))
    }

    fn is_join_handle_alias(&self, name: &str) -> bool {
        self.join_handle_aliases
            .binary_search_by(|a| a.as_str().cmp(name))
            .is_ok()
    }

    /// The wrapper a resolved call path names: its last two segments are the wrapper's module
    /// and name (`crate::tasks::spawn`, `tasks::spawn`).
    fn wrapper(&self, path: &str) -> Option<&SpawnWrapper> {
        let mut segments = path.rsplit("::");
        let (name, module) = (segments.next()?, segments.next()?);
        self.spawn_wrappers
            .iter()
            .find(|w| w.name == name && w.module == module)
    }
}

/// The type aliases and spawn wrappers a file declares (see [`TreeTypes`]); `path` names the
/// file's module. Test code declares nothing.
pub fn declarations(file: &RustFile<'_>, path: &std::path::Path) -> Declared {
    let stem = path.file_stem().and_then(|s| s.to_str());
    let file_module = match stem {
        Some("mod") => path
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|d| d.to_str()),
        // A crate root is reached by the crate's name, which the file does not tell.
        Some("lib" | "main") => None,
        other => other,
    };
    let mut declared = Declared::default();
    // Submodules declared here live beside a crate root or `mod.rs`, else in the directory
    // named after the file.
    let submodules = match stem {
        Some("lib" | "main" | "mod") => path.parent().map(std::path::Path::to_path_buf),
        Some(stem) => path.parent().map(|d| d.join(stem)),
        None => None,
    };
    crate::lang::walk_tree(file.tree.root_node(), |node| {
        match node.kind() {
            // `#[cfg(test)] mod tests;`: the module's own file cannot see the attribute.
            "mod_item" => {
                let name = node.child_by_field_name("name").map(|n| file.text(n));
                let elsewhere = node.child_by_field_name("body").is_none()
                    && node.parent().is_some_and(|p| p.kind() == "source_file");
                if let (Some(dir), Some(name), true) = (&submodules, name, elsewhere) {
                    let attributes: Vec<_> = super::attributes(node)
                        .map(|a| super::normalize(file.text(a)))
                        .collect();
                    // `#[path = "…"]` puts the file somewhere else.
                    if attributes.iter().any(|a| super::is_test_attribute(a))
                        && !attributes.iter().any(|a| a.starts_with("path"))
                    {
                        declared.test_modules.push(dir.join(name));
                    }
                }
            }
            "type_item" if !file.is_test_code(node) => {
                let name = node.child_by_field_name("name");
                let ty = node.child_by_field_name("type");
                if let (Some(name), Some(ty)) = (name, ty) {
                    let handle = file.type_of_node(ty).is_some_and(|t| t.is_join_handle());
                    let name = file.text(name);
                    if name != "JoinHandle" {
                        declared.aliases.push((name.to_string(), handle));
                    }
                }
            }
            // A struct or enum of that name makes the name ambiguous too.
            "struct_item" | "enum_item" | "union_item" | "trait_item" => {
                if let Some(name) = node.child_by_field_name("name") {
                    declared.aliases.push((file.text(name).to_string(), false));
                }
                // A trait's associated types (`type Output = JoinHandle<()>;`) are no aliases.
                return node.kind() != "trait_item";
            }
            // Nor are an impl's; its methods are reached through their receiver.
            "impl_item" => return false,
            "function_item" if !file.is_test_code(node) => {
                let module = match node.parent().and_then(|p| p.parent()) {
                    None => file_module,
                    Some(m) if m.kind() == "mod_item" => {
                        m.child_by_field_name("name").map(|n| file.text(n))
                    }
                    // A method, or a function inside another item: reached otherwise.
                    Some(_) => None,
                };
                let returns_handle = node
                    .child_by_field_name("return_type")
                    .and_then(|t| file.type_of_node(t))
                    .is_some_and(|t| t.is_join_handle());
                let spawn = node
                    .child_by_field_name("body")
                    .and_then(tail)
                    .and_then(|t| file.spawn(t));
                let name = node.child_by_field_name("name").map(|n| file.text(n));
                if let (Some(module), Some(name), Some(spawn), true) =
                    (module, name, spawn, returns_handle)
                {
                    declared.wrappers.push(SpawnWrapper {
                        module: module.to_string(),
                        name: name.to_string(),
                        blocking: spawn.blocking,
                    });
                }
                return false;
            }
            _ => {}
        }
        true
    });
    declared
}

/// Where and how a name is bound.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'t> {
    /// The `let` declaration, `let` condition, parameter, `for` or `match` arm.
    pub node: Node<'t>,
    /// Its declared type, if written.
    pub ty: Option<Node<'t>>,
    /// The value the pattern destructures (the `let`'s value, what a `for` iterates, what a
    /// `match` matches).
    pub value: Option<Node<'t>>,
    /// How the name sits in the pattern.
    steps: Steps,
    /// Bound by a parameter of a function or closure.
    pub parameter: bool,
    /// Bound by a `for` pattern: the type is the element type of the value.
    iterated: bool,
}

/// The path from a pattern to the name it binds: `Some(x)` unwraps, `(a, x)` takes field 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Steps {
    items: [Step; 4],
    len: usize,
    /// A step the types cannot follow (`ref x`, a struct pattern, …).
    opaque: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Step {
    #[default]
    Unwrap,
    Field(usize),
}

impl Steps {
    fn push(mut self, step: Step) -> Steps {
        if self.len == self.items.len() {
            self.opaque = true;
        } else {
            self.items[self.len] = step;
            self.len += 1;
        }
        self
    }

    /// The steps after the first one.
    fn rest(&self) -> Steps {
        let mut rest = Steps {
            opaque: self.opaque,
            ..Steps::default()
        };
        for step in &self.items[1..self.len.max(1)] {
            rest = rest.push(*step);
        }
        rest
    }

    fn apply(&self, ty: Ty) -> Option<Ty> {
        if self.opaque {
            return None;
        }
        let mut ty = ty;
        for step in &self.items[..self.len] {
            ty = match (step, ty) {
                (Step::Unwrap, ty) => ty.unwrapped()?.clone(),
                (Step::Field(i), Ty::Tuple(items)) => items.get(*i)?.clone(),
                _ => return None,
            };
        }
        Some(ty)
    }
}

impl<'a> RustFile<'a> {
    /// A type written in the source: `Option<JoinHandle<()>>`, `&CancellationToken`, …
    pub fn type_of_node(&self, node: Node<'_>) -> Option<Ty> {
        self.type_of_node_at(node, 0)
    }

    fn type_of_node_at(&self, node: Node<'_>, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node.kind() {
            "type_identifier" | "scoped_type_identifier" => {
                Some(Ty::named(&self.resolve_type(node), Vec::new()))
            }
            "generic_type" => {
                let base = node.child_by_field_name("type")?;
                let args = node
                    .child_by_field_name("type_arguments")
                    .map(|list| {
                        named_children(list)
                            .filter(|a| !matches!(a.kind(), "lifetime" | "type_binding"))
                            .map(|a| {
                                self.type_of_node_at(a, depth + 1)
                                    .unwrap_or_else(|| Ty::named("_", Vec::new()))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(Ty::named(&self.resolve_type(base), args))
            }
            "reference_type" => Some(Ty::Ref(Box::new(
                self.type_of_node_at(node.child_by_field_name("type")?, depth + 1)?,
            ))),
            "tuple_type" => Some(Ty::Tuple(
                named_children(node)
                    .map(|t| {
                        self.type_of_node_at(t, depth + 1)
                            .unwrap_or_else(|| Ty::named("_", Vec::new()))
                    })
                    .collect(),
            )),
            _ => None,
        }
    }

    /// A type path resolved through the `use` table and, for a bare name, the glob imports
    /// that could bring it (`use tokio::runtime::*` makes `Handle` tokio's).
    fn resolve_type(&self, node: Node<'_>) -> String {
        let resolved = self.resolve(node);
        let name = resolved.rsplit("::").next().unwrap_or_default();
        if !resolved.starts_with("std::") && self.tree_types.is_join_handle_alias(name) {
            return "tokio::task::JoinHandle".to_string();
        }
        if !resolved.contains("::") && GLOB_IMPORTED_TYPES.contains(&resolved.as_str()) {
            if let Some(glob) = self
                .globs_at(node.start_byte())
                .find(|g| *g == "tokio" || g.starts_with("tokio::"))
            {
                return format!("{glob}::{resolved}");
            }
        }
        resolved
    }

    /// The type of an expression, as far as the syntax shows it.
    pub fn type_of(&self, expr: Node<'_>) -> Option<Ty> {
        self.type_of_at(expr, 0)
    }

    fn type_of_at(&self, expr: Node<'_>, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        let deeper = |n: Node<'_>| self.type_of_at(n, depth + 1);
        match expr.kind() {
            "identifier" => {
                let binding = self.binding(expr)?;
                self.binding_type(binding, depth + 1)
            }
            "field_expression" => {
                let field = expr.child_by_field_name("field")?;
                if field.kind() != "field_identifier" {
                    return None;
                }
                self.field_type(self.text(field))
            }
            "parenthesized_expression" => deeper(named_children(expr).next()?),
            "block" => deeper(tail(expr)?),
            "reference_expression" => {
                let value = expr.child_by_field_name("value")?;
                Some(Ty::Ref(Box::new(deeper(value)?)))
            }
            "try_expression" => deeper(named_children(expr).next()?)?.unwrapped().cloned(),
            "await_expression" => match deeper(named_children(expr).next()?)? {
                // `tokio::sync::Mutex::lock(..).await`
                guard @ Ty::Guard(_) => Some(guard),
                _ => None,
            },
            "call_expression" => self.call_type(expr, depth),
            _ => None,
        }
    }

    /// The type of a struct field of this file named `name`, when every field of that name
    /// agrees on it.
    fn field_type(&self, name: &str) -> Option<Ty> {
        let mut found: Option<Ty> = None;
        for field in &self.fields {
            if field
                .child_by_field_name("name")
                .is_none_or(|n| self.text(n) != name)
            {
                continue;
            }
            let ty = self.type_of_node(field.child_by_field_name("type")?)?;
            match &found {
                Some(seen) if *seen != ty => return None,
                _ => found = Some(ty),
            }
        }
        found
    }

    fn binding_type(&self, binding: Binding<'_>, depth: usize) -> Option<Ty> {
        let mut steps = binding.steps;
        // A declared type is the type of the whole pattern.
        let ty = match (binding.ty, binding.value) {
            (Some(ty), _) => self.type_of_node_at(ty, depth)?,
            (None, Some(mut value)) => {
                // `let (a, h) = { …; (x, std::mem::take(&mut self.handles)) };`: the part of
                // a tuple written out that the name binds.
                if !binding.iterated {
                    for _ in 0..MAX_DEPTH {
                        value = match (value.kind(), steps.items[..steps.len].first()) {
                            ("block", _) => tail(value)?,
                            ("parenthesized_expression", _) => named_children(value).next()?,
                            ("tuple_expression", Some(Step::Field(i))) if !steps.opaque => {
                                let part = named_children(value)
                                    .filter(|c| {
                                        !matches!(c.kind(), "line_comment" | "block_comment")
                                    })
                                    .nth(*i)?;
                                steps = steps.rest();
                                part
                            }
                            _ => break,
                        };
                    }
                }
                self.type_of_at(value, depth)?
            }
            (None, None) => return None,
        };
        let ty = if binding.iterated { ty.element()? } else { ty };
        steps.apply(ty)
    }

    /// What a call returns, for the calls the rules care about.
    fn call_type(&self, call: Node<'_>, depth: usize) -> Option<Ty> {
        let function = call.child_by_field_name("function")?;
        let arguments = call.child_by_field_name("arguments");
        if function.kind() == "field_expression" {
            let method = self.text(function.child_by_field_name("field")?);
            let receiver = function.child_by_field_name("value")?;
            return self.method_type(receiver, method, depth);
        }
        if !matches!(
            function.kind(),
            "identifier" | "scoped_identifier" | "generic_function"
        ) {
            return None;
        }
        if self.names_any(function, SPAWN_FUNCTIONS) || self.spawn_wrapper(function).is_some() {
            return Some(Ty::named("tokio::task::JoinHandle", Vec::new()));
        }
        let path = self.resolve(function);
        let first_argument = || arguments.and_then(|a| named_children(a).next());
        match path.as_str() {
            "std::sync::mpsc::channel" | "std::sync::mpsc::sync_channel" => {
                return Some(Ty::Tuple(vec![
                    Ty::named("std::sync::mpsc::Sender", Vec::new()),
                    Ty::named("std::sync::mpsc::Receiver", Vec::new()),
                ]))
            }
            "std::mem::take" | "std::mem::replace" | "Option::take" => {
                return match self.type_of_at(first_argument()?, depth + 1)? {
                    Ty::Ref(inner) => Some(*inner),
                    _ => None,
                };
            }
            _ => {}
        }
        let (ty, constructor) = path.rsplit_once("::")?;
        let ty = normalize(ty);
        let named = Ty::named(&ty, Vec::new());
        let result = |ty: Ty| Ty::named("std::io::Result", vec![ty]);
        match (ty.as_str(), constructor) {
            ("tokio::runtime::Runtime", "new") => Some(result(named)),
            ("tokio::runtime::Handle", "try_current") => Some(result(named)),
            ("tokio::runtime::Builder", _) => Some(named),
            ("std::net::TcpListener", "bind") => Some(result(named)),
            ("std::process::Command", "new") => Some(named),
            (
                _,
                "new" | "default" | "current" | "with_capacity" | "new_current_thread"
                | "new_multi_thread",
            ) if ty
                .rsplit("::")
                .next()
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase())) =>
            {
                Some(named)
            }
            _ => None,
        }
    }

    /// What `receiver.method(...)` returns.
    fn method_type(&self, receiver: Node<'_>, method: &str, depth: usize) -> Option<Ty> {
        if method == "child_token" {
            return Some(Ty::named("tokio_util::sync::CancellationToken", Vec::new()));
        }
        let ty = self.type_of_at(receiver, depth + 1)?;
        let target = ty.target().clone();
        if let Some(spawner) = target.spawner().filter(|_| SPAWN_METHODS.contains(&method)) {
            return match spawner {
                Spawner::JoinSet => Some(Ty::named("tokio::task::AbortHandle", Vec::new())),
                Spawner::TaskBuilder => Some(Ty::named(
                    "std::io::Result",
                    vec![Ty::named("tokio::task::JoinHandle", Vec::new())],
                )),
                _ => Some(Ty::named("tokio::task::JoinHandle", Vec::new())),
            };
        }
        match method {
            "clone" => Some(match ty {
                Ty::Ref(inner) => *inner,
                Ty::Guard(inner) => *inner,
                ty => ty,
            }),
            "unwrap" | "expect" | "unwrap_unchecked" => match ty {
                // `std::sync::Mutex::lock()` returns a `LockResult` of the guard.
                guard @ Ty::Guard(_) => Some(guard),
                ty => ty.unwrapped().cloned(),
            },
            "take" => match target.name() {
                Some("Option") => Some(target),
                _ => None,
            },
            "lock" | "read" | "write" | "blocking_lock" | "blocking_read" | "blocking_write"
                if matches!(target.name(), Some("Mutex" | "RwLock")) =>
            {
                Some(Ty::Guard(Box::new(target.arg(0)?.clone())))
            }
            "remove" => match target.name()? {
                "Vec" | "VecDeque" => target.arg(0).cloned(),
                "HashMap" | "BTreeMap" | "IndexMap" => {
                    Some(Ty::named("Option", vec![target.arg(1)?.clone()]))
                }
                _ => None,
            },
            "pop" | "pop_front" | "pop_back" => match target.name()? {
                "Vec" | "VecDeque" => Some(Ty::named("Option", vec![target.arg(0)?.clone()])),
                _ => None,
            },
            "drain" | "into_iter" | "into_values" => match target.name()? {
                "Vec" | "VecDeque" | "Option" => {
                    Some(Ty::named("IntoIter", vec![target.arg(0)?.clone()]))
                }
                "HashMap" | "BTreeMap" | "IndexMap" if method == "into_values" => {
                    Some(Ty::named("IntoIter", vec![target.arg(1)?.clone()]))
                }
                "HashMap" | "BTreeMap" | "IndexMap" => {
                    Some(Ty::named("IntoIter", vec![target.element()?]))
                }
                _ => None,
            },
            "handle" if target.spawner() == Some(Spawner::Runtime) => {
                Some(Ty::named("tokio::runtime::Handle", Vec::new()))
            }
            "build" if target.path() == Some("tokio::runtime::Builder") => Some(Ty::named(
                "std::io::Result",
                vec![Ty::named("tokio::runtime::Runtime", Vec::new())],
            )),
            // The configuration methods of the builders return the builder.
            _ if matches!(
                target.path(),
                Some("tokio::runtime::Builder" | "tokio::task::Builder")
            ) =>
            {
                Some(target)
            }
            // `Command::new(p).arg(a).env(k, v)` configures the same command.
            "arg" | "args" | "env" | "envs" | "env_remove" | "env_clear" | "current_dir"
            | "stdin" | "stdout" | "stderr" | "uid" | "gid" | "kill_on_drop"
                if target.path() == Some("std::process::Command") =>
            {
                Some(target)
            }
            "spawn" if target.path() == Some("std::process::Command") => Some(Ty::named(
                "std::io::Result",
                vec![Ty::named("std::process::Child", Vec::new())],
            )),
            _ => None,
        }
    }

    /// Whether a call spawns a task: a tokio spawn function, or a spawn method of a
    /// [`Spawner`] (`handle.spawn`, `Handle::current().spawn`, `runtime.spawn_blocking`,
    /// `join_set.spawn`, `tokio::task::Builder::new().spawn`, …).
    pub fn spawn(&self, call: Node<'_>) -> Option<Spawn> {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        if self.names_any(function, SPAWN_FUNCTIONS) {
            return Some(Spawn {
                blocking: self.text(function).ends_with("spawn_blocking"),
                outlives: true,
            });
        }
        if let Some(wrapper) = self.spawn_wrapper(function) {
            return Some(Spawn {
                blocking: wrapper.blocking,
                outlives: true,
            });
        }
        if function.kind() != "field_expression" {
            return None;
        }
        let method = self.text(function.child_by_field_name("field")?);
        if !SPAWN_METHODS.contains(&method) {
            return None;
        }
        let receiver = function.child_by_field_name("value")?;
        let spawner = self.type_of(receiver)?.target().spawner()?;
        Some(Spawn {
            blocking: method.starts_with("spawn_blocking"),
            outlives: !spawner.owns_tasks() || !self.is_local(receiver),
        })
    }

    /// The project's spawn wrapper a function path names (`tasks::spawn`, or `spawn` after
    /// `use crate::tasks::spawn`), if any.
    fn spawn_wrapper(&self, function: Node<'_>) -> Option<&SpawnWrapper> {
        if !matches!(function.kind(), "identifier" | "scoped_identifier") {
            return None;
        }
        self.tree_types.wrapper(&self.resolve(function))
    }

    /// Whether the file shows async work running concurrently: it spawns tasks (tokio's spawns,
    /// or any `spawn`/`spawn_local` function or method given a future rather than a closure or
    /// nothing: `tauri::async_runtime::spawn(fut)`, `runtime.spawn(async { … })`), or drives
    /// futures side by side (`select!`, `join!`, `join_all`, `buffer_unordered`, `JoinSet`,
    /// `FuturesUnordered`). Test code does not count: its tasks show nothing of how the
    /// file's other code runs.
    pub fn runs_concurrently(&self) -> bool {
        const COMBINATORS: &[&str] = &[
            "join_all",
            "try_join_all",
            "select_all",
            "buffer_unordered",
            "buffered",
            "for_each_concurrent",
        ];
        let macros = self.macros.iter().any(|&m| {
            super::macro_name(m, self.source)
                .is_some_and(|name| matches!(name, "select" | "join" | "try_join"))
                && !self.is_test_code(m)
        });
        macros
            || self.calls.iter().any(|&call| {
                if self.is_test_code(call) {
                    return false;
                }
                if self.spawn(call).is_some() {
                    return true;
                }
                let Some(function) = call.child_by_field_name("function") else {
                    return false;
                };
                let name = match function.kind() {
                    "field_expression" => function.child_by_field_name("field"),
                    "scoped_identifier" => function.child_by_field_name("name"),
                    _ => Some(function),
                }
                .map_or("", |n| self.text(n));
                let spawns_future = matches!(name, "spawn" | "spawn_local")
                    && !self.resolve(function).starts_with("std::thread")
                    && call.child_by_field_name("arguments").is_some_and(|a| {
                        named_children(a)
                            .next()
                            .is_some_and(|first| !matches!(first.kind(), "closure_expression"))
                    });
                spawns_future
                    || COMBINATORS.contains(&name)
                    || (name == "new"
                        && function.kind() == "scoped_identifier"
                        && matches!(
                            self.resolve(function).rsplit("::").nth(1),
                            Some("JoinSet" | "FuturesUnordered" | "FuturesOrdered")
                        ))
            })
    }

    /// Whether an expression is a local variable of its function (not a parameter, a field or
    /// something reached through one).
    fn is_local(&self, expr: Node<'_>) -> bool {
        expr.kind() == "identifier" && self.binding(expr).is_some_and(|b| !b.parameter)
    }

    /// The binding a name refers to: the nearest `let` before it in an enclosing block, an
    /// `if let`/`while let` condition, a `for` pattern, a `match` arm, or a parameter of the
    /// enclosing closures and function.
    pub fn binding<'t>(&self, id: Node<'t>) -> Option<Binding<'t>> {
        let name = self.text(id);
        let mut child = id;
        for ancestor in ancestors(id) {
            let found = match ancestor.kind() {
                "block" => named_children(ancestor)
                    .take_while(|s| s.end_byte() <= child.start_byte())
                    .filter(|s| s.kind() == "let_declaration")
                    .filter_map(|s| self.let_binding(s, name))
                    .last(),
                "if_expression" | "while_expression"
                    if ancestor.child_by_field_name("condition") != Some(child) =>
                {
                    let condition = ancestor.child_by_field_name("condition");
                    condition.and_then(|c| self.condition_binding(c, name))
                }
                // `if let Some(h) = x.take() && let Err(_) = timeout(d, h).await`: the earlier
                // conditions of a chain bind names for the later ones.
                "let_chain" => named_children(ancestor)
                    .take_while(|c| c.end_byte() <= child.start_byte())
                    .filter_map(|c| self.condition_binding(c, name))
                    .last(),
                "for_expression" if ancestor.child_by_field_name("body") == Some(child) => {
                    let pattern = ancestor.child_by_field_name("pattern")?;
                    self.binds(pattern, name).map(|steps| Binding {
                        node: ancestor,
                        ty: None,
                        value: ancestor.child_by_field_name("value"),
                        steps,
                        parameter: false,
                        iterated: true,
                    })
                }
                "match_arm" if ancestor.child_by_field_name("value") == Some(child) => {
                    let pattern = ancestor
                        .child_by_field_name("pattern")
                        .and_then(|p| named_children(p).next())?;
                    let matched = ancestor
                        .parent()
                        .and_then(|b| b.parent())
                        .and_then(|m| m.child_by_field_name("value"));
                    self.binds(pattern, name).map(|steps| Binding {
                        node: ancestor,
                        ty: None,
                        value: matched,
                        steps,
                        parameter: false,
                        iterated: false,
                    })
                }
                "closure_expression" | "function_item" => {
                    let parameters = ancestor.child_by_field_name("parameters")?;
                    named_children(parameters).find_map(|p| {
                        let (pattern, ty) = match p.kind() {
                            "parameter" => (
                                p.child_by_field_name("pattern")?,
                                p.child_by_field_name("type"),
                            ),
                            "identifier" | "mut_pattern" | "tuple_pattern" => (p, None),
                            _ => return None,
                        };
                        self.binds(pattern, name).map(|steps| Binding {
                            node: p,
                            ty,
                            value: None,
                            steps,
                            parameter: true,
                            iterated: false,
                        })
                    })
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
            if matches!(ancestor.kind(), "function_item" | "impl_item" | "mod_item") {
                return None;
            }
            child = ancestor;
        }
        None
    }

    fn let_binding<'t>(&self, declaration: Node<'t>, name: &str) -> Option<Binding<'t>> {
        let pattern = declaration.child_by_field_name("pattern")?;
        let steps = self.binds(pattern, name)?;
        Some(Binding {
            node: declaration,
            ty: declaration.child_by_field_name("type"),
            value: declaration.child_by_field_name("value"),
            steps,
            parameter: false,
            iterated: false,
        })
    }

    /// The binding of `name` by the `let` conditions of an `if`/`while` condition.
    fn condition_binding<'t>(&self, condition: Node<'t>, name: &str) -> Option<Binding<'t>> {
        match condition.kind() {
            "let_condition" => {
                let pattern = condition.child_by_field_name("pattern")?;
                self.binds(pattern, name).map(|steps| Binding {
                    node: condition,
                    ty: None,
                    value: condition.child_by_field_name("value"),
                    steps,
                    parameter: false,
                    iterated: false,
                })
            }
            "let_chain" => named_children(condition)
                .filter_map(|c| self.condition_binding(c, name))
                .last(),
            _ => None,
        }
    }

    /// How a pattern binds `name`, if it does.
    fn binds(&self, pattern: Node<'_>, name: &str) -> Option<Steps> {
        self.binds_at(pattern, name, Steps::default(), 0)
    }

    fn binds_at(&self, pattern: Node<'_>, name: &str, steps: Steps, depth: usize) -> Option<Steps> {
        if depth > MAX_DEPTH {
            return None;
        }
        match pattern.kind() {
            "identifier" => (self.text(pattern) == name).then_some(steps),
            "mut_pattern" => named_children(pattern)
                .find(|c| c.kind() != "mutable_specifier")
                .and_then(|c| self.binds_at(c, name, steps, depth + 1)),
            "tuple_struct_pattern" => {
                let constructor = pattern.child_by_field_name("type")?;
                let unwraps = matches!(self.text(constructor), "Some" | "Ok");
                let fields: Vec<_> = named_children(pattern)
                    .filter(|c| *c != constructor)
                    .collect();
                fields.iter().find_map(|field| {
                    let steps = if unwraps && fields.len() == 1 {
                        steps.push(Step::Unwrap)
                    } else {
                        Steps {
                            opaque: true,
                            ..steps
                        }
                    };
                    self.binds_at(*field, name, steps, depth + 1)
                })
            }
            "tuple_pattern" => named_children(pattern).enumerate().find_map(|(i, field)| {
                self.binds_at(field, name, steps.push(Step::Field(i)), depth + 1)
            }),
            _ => {
                // Struct, slice, reference and `ref` patterns: the name is bound, its type
                // is not followed.
                let mut found = None;
                for child in named_children(pattern) {
                    let opaque = Steps {
                        opaque: true,
                        ..steps
                    };
                    if let Some(steps) = self.binds_at(child, name, opaque, depth + 1) {
                        found = Some(steps);
                        break;
                    }
                }
                found
            }
        }
    }
}

/// The value of a block: its last expression, written without a `;`.
fn tail(block: Node<'_>) -> Option<Node<'_>> {
    let last = named_children(block)
        .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
        .last()?;
    let statement = last.kind().ends_with("_statement")
        || last.kind().ends_with("_declaration")
        || last.kind().ends_with("_item")
        || last.kind() == "label";
    (!statement).then_some(last)
}

/// Type names that a glob import of a tokio module may bring into scope.
const GLOB_IMPORTED_TYPES: &[&str] = &["Handle", "Runtime", "Builder", "JoinHandle"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, text, Language};

    fn with_file(src: &str, f: impl FnOnce(&RustFile<'_>)) {
        let tree = parse(Language::Rust, src).unwrap();
        crate::lang::with_root(&tree, || {
            let file = RustFile::new(src, &tree);
            f(&file);
        });
    }

    /// The type of the argument of every `probe(...)` call, in order.
    fn probes(src: &str) -> Vec<Option<Ty>> {
        let mut out = Vec::new();
        with_file(src, |file| {
            for &call in &file.calls {
                let function = call.child_by_field_name("function").unwrap();
                if text(function, src) == "probe" {
                    let argument = named_children(call.child_by_field_name("arguments").unwrap())
                        .next()
                        .unwrap();
                    out.push(file.type_of(argument));
                }
            }
        });
        out
    }

    fn handle() -> Option<Ty> {
        Some(Ty::named("tokio::task::JoinHandle", Vec::new()))
    }

    #[test]
    fn handles_from_spawns_fields_options_and_locks() {
        let src = "use tokio::runtime::Handle;\nuse tokio::task::JoinHandle;\n\
                   struct S { worker: Option<JoinHandle<()>>, guarded: Mutex<Option<JoinHandle<()>>>, rt: Arc<tokio::runtime::Runtime> }\n\
                   impl S { async fn f(&mut self, h: JoinHandle<u8>) {\n\
                   let a = tokio::spawn(x);\n probe(a);\n\
                   probe(self.worker.take().unwrap());\n\
                   probe(self.guarded.lock().unwrap().take().expect(\"x\"));\n\
                   probe(self.guarded.lock().await.take().unwrap());\n\
                   probe(h);\n probe(&mut h);\n\
                   probe(Handle::current().spawn(y));\n\
                   probe(self.rt.spawn_blocking(z));\n\
                   if let Some(w) = self.worker.take() { probe(w); }\n\
                   if let Some(w) = self.worker.take() && probe(w) {}\n\
                   let hs: Vec<JoinHandle<()>> = vec![];\n for x in hs { probe(x); }\n\
                   let b = tokio::task::Builder::new().name(\"n\").spawn(f)?;\n probe(b);\n\
                   let t = std::thread::spawn(f);\n probe(t);\n\
                   } }\n";
        let got = probes(src);
        assert_eq!(got.len(), 13);
        for (i, ty) in got.iter().enumerate() {
            let by_value = ty.as_ref().is_some_and(Ty::is_join_handle);
            assert_eq!(by_value, !matches!(i, 5 | 12), "probe {i}: {ty:?}");
        }
        assert_eq!(got[0], handle());
    }

    #[test]
    fn shadowing_and_scopes_pick_the_nearest_binding() {
        let src = "async fn f(token: CancellationToken) {\n\
                   let h = tokio::spawn(x);\n\
                   { let h = 1; probe(h); }\n\
                   probe(h);\n\
                   let h = h.await;\n probe(h);\n\
                   let c = token.child_token();\n probe(c.clone());\n\
                   let (tx, rx) = std::sync::mpsc::channel();\n probe(rx);\n\
                   }\n";
        let got = probes(src);
        assert_eq!(got[0], None);
        assert_eq!(got[1], handle());
        assert_eq!(got[2], None);
        assert!(got[3].as_ref().is_some_and(Ty::is_token));
        assert_eq!(
            got[4].as_ref().and_then(Ty::path),
            Some("std::sync::mpsc::Receiver")
        );
    }

    #[test]
    fn spawns_by_function_and_by_method() {
        let src = "use tokio::runtime::{Handle, Runtime};\nuse tokio::task::JoinSet;\n\
                   struct S { set: JoinSet<()>, handle: Handle }\n\
                   impl S { fn f(&mut self, outer: &mut JoinSet<()>) {\n\
                   tokio::spawn(a);\n tokio::task::spawn_blocking(b);\n\
                   self.handle.spawn(c);\n Handle::current().spawn_blocking(d);\n\
                   let rt = Runtime::new().unwrap();\n rt.spawn(e);\n\
                   let mut local = JoinSet::new();\n local.spawn(g);\n\
                   self.set.spawn(h);\n outer.spawn_blocking(i);\n\
                   tokio::task::Builder::new().name(\"x\").spawn(j);\n\
                   other.spawn(k);\n std::thread::spawn(l);\n\
                   } }\n";
        with_file(src, |file| {
            let mut kinds = Vec::new();
            for &call in &file.calls {
                let Some(spawn) = file.spawn(call) else {
                    continue;
                };
                let argument = named_children(call.child_by_field_name("arguments").unwrap())
                    .next()
                    .unwrap();
                kinds.push((file.text(argument), spawn.blocking, spawn.outlives));
            }
            assert_eq!(
                kinds,
                [
                    ("a", false, true),
                    ("b", true, true),
                    ("c", false, true),
                    ("d", true, true),
                    ("e", false, false),
                    ("g", false, false),
                    ("h", false, true),
                    ("i", true, true),
                    ("j", false, true),
                ]
            );
        });
    }
}
