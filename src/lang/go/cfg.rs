//! A control-flow graph of one Go function body (or func literal), built from the tree-sitter
//! tree: blocks of nodes (simple statements and the expressions of statement headers) with
//! successor edges, the way `golang.org/x/tools/go/cfg` does it.
//!
//! Nested func literals are not part of the graph: they are nodes like any expression, so a
//! rule that looks inside a node sees the uses in them. Each literal gets a graph of its own.
//! Calls that never return (the caller says which) end their block with no successor.
//! Deeply nested code is built recursively with a depth guard: past [`MAX_DEPTH`] the graph
//! is not built and the function is skipped.

use std::cell::OnceCell;
use std::collections::HashMap;
use tree_sitter::Node;

use crate::lang::{named_children, text};

/// Nesting depth (statements inside statements) past which a function is not analysed.
pub const MAX_DEPTH: usize = 400;

pub type BlockId = usize;

/// How control leaves a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End<'t> {
    /// To the successors (none for an unreachable dead end such as `select {}`).
    Next,
    /// A `return` statement.
    Return(Node<'t>),
    /// Falls off the end of the function: the body's closing brace.
    Exit(Node<'t>),
    /// A call that never returns (`panic`, `os.Exit`, `t.Fatal`, ...).
    NoReturn(Node<'t>),
}

#[derive(Debug, Clone)]
pub struct Block<'t> {
    /// Nodes in execution order: statements, and the parts of compound statements that run
    /// here (an `if` initializer and condition, a `for` condition, a range expression, ...).
    /// A branch statement (`break`, `continue`, `goto`, `fallthrough`) is the last node.
    pub nodes: Vec<Node<'t>>,
    pub succs: Vec<BlockId>,
    pub end: End<'t>,
}

/// The graph of one function; block 0 is the entry.
#[derive(Debug, Clone)]
pub struct Cfg<'t> {
    pub blocks: Vec<Block<'t>>,
    /// Every node of every block as (start byte, end byte, block, index), by start: what
    /// [`Cfg::locate`] searches, built on first use.
    by_position: OnceCell<Vec<(usize, usize, BlockId, usize)>>,
    /// See [`Cfg::reach`]; built on first use.
    reach: OnceCell<Reach>,
}

/// What every path search over one graph can share: the strongly connected components in
/// topological order, and an exit each block can reach. A search for paths avoiding a few
/// blocks ("events") that arrives at a block from which none of them can be reached needs
/// to look no further: it ends at that block's exit, or nowhere. That keeps a function with
/// thousands of definitions, each searched for from its own place, near-linear instead of
/// searching to the end of the function thousands of times.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Per block, the index of its component in Tarjan's order (a component is numbered
    /// after every component it can reach): `b` can reach `e` only if
    /// `rank[b] >= rank[e]`.
    pub rank: Vec<usize>,
    /// Per block, a block ending in a `return` or falling off the end that it can reach
    /// (itself included), if any; the first in successor order, deterministically.
    pub exit: Vec<Option<BlockId>>,
}

impl<'t> Cfg<'t> {
    /// Builds the graph of a `function_declaration`, `method_declaration` or `func_literal`.
    /// `never_returns` is asked about each call used as a statement. `None` when the function
    /// has no body or nests deeper than [`MAX_DEPTH`].
    pub fn build(
        function: Node<'t>,
        source: &'t str,
        never_returns: &dyn Fn(Node<'t>) -> bool,
    ) -> Option<Cfg<'t>> {
        let body = function.child_by_field_name("body")?;
        // A syntax error inside the body (or syntax newer than the grammar, Go 1.26's
        // `new(int64(0))`) leaves its paths unknown: no graph, so no flow finding.
        if body.has_error() {
            return None;
        }
        let mut builder = Builder {
            source,
            never_returns,
            blocks: vec![empty_block()],
            current: 0,
            targets: Vec::new(),
            labels: HashMap::new(),
            fallthrough: None,
            depth: 0,
            too_deep: false,
        };
        builder.statement(body, None);
        if builder.too_deep {
            return None;
        }
        let last = builder.current;
        builder.blocks[last].end = End::Exit(body);
        Some(Cfg {
            blocks: builder.blocks,
            by_position: OnceCell::new(),
            reach: OnceCell::new(),
        })
    }

    /// Every node of every block as (start byte, end byte, block, index), by start.
    fn by_position(&self) -> &[(usize, usize, BlockId, usize)] {
        self.by_position.get_or_init(|| {
            let mut all: Vec<(usize, usize, BlockId, usize)> = self
                .blocks
                .iter()
                .enumerate()
                .flat_map(|(b, block)| {
                    block
                        .nodes
                        .iter()
                        .enumerate()
                        .map(move |(i, n)| (n.start_byte(), n.end_byte(), b, i))
                })
                .collect();
            all.sort_unstable();
            all
        })
    }

    /// The blocks holding a node that starts inside `range` (bytes).
    pub fn blocks_within(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = BlockId> + '_ {
        let all = self.by_position();
        let first = all.partition_point(|e| e.0 < range.start);
        all[first..]
            .iter()
            .take_while(move |e| e.0 < range.end)
            .map(|e| e.2)
    }

    /// The components and reachable exits of the graph (see [`Reach`]), computed once.
    pub fn reach(&self) -> &Reach {
        self.reach.get_or_init(|| reach(&self.blocks))
    }

    /// The block and index of the node that contains `node` (or is it). A binary search over
    /// the nodes by position: the nodes of a graph do not overlap, so the one that starts
    /// last at or before `node` is the only candidate (searched in full if it does not
    /// contain `node`, e.g. next to an empty node of a syntax error).
    pub fn locate(&self, node: Node<'_>) -> Option<(BlockId, usize)> {
        let by_position = self.by_position();
        let (start, end) = (node.start_byte(), node.end_byte());
        let after = by_position.partition_point(|e| e.0 <= start);
        if let Some(&(_, e, b, i)) = after.checked_sub(1).map(|k| &by_position[k]) {
            let overlaps_next = by_position.get(after).is_some_and(|next| next.0 < e);
            if end <= e && !overlaps_next {
                return Some((b, i));
            }
        }
        self.blocks.iter().enumerate().find_map(|(b, block)| {
            block
                .nodes
                .iter()
                .position(|n| {
                    n.start_byte() <= node.start_byte() && node.end_byte() <= n.end_byte()
                })
                .map(|i| (b, i))
        })
    }
}

/// Tarjan's strongly connected components, iteratively (a graph of thousands of blocks must
/// not overflow the stack), then the exits component by component: Tarjan completes a
/// component after every component it reaches, so their exits are known by then.
fn reach(blocks: &[Block<'_>]) -> Reach {
    const UNSEEN: usize = usize::MAX;
    let n = blocks.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut rank = vec![0; n];
    let mut exit: Vec<Option<BlockId>> = vec![None; n];
    // Blocks whose component is complete (ranked).
    let mut done = vec![false; n];
    let mut next_index = 0;
    let mut components = 0;
    // (block, next successor to look at)
    let mut work: Vec<(BlockId, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (b, ref mut next)) = work.last_mut() {
            if *next == 0 && index[b] == UNSEEN {
                index[b] = next_index;
                low[b] = next_index;
                next_index += 1;
                stack.push(b);
                on_stack[b] = true;
            }
            if let Some(&s) = blocks[b].succs.get(*next) {
                *next += 1;
                if index[s] == UNSEEN {
                    work.push((s, 0));
                } else if on_stack[s] {
                    low[b] = low[b].min(index[s]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[b]);
            }
            if low[b] != index[b] {
                continue;
            }
            let mut members = Vec::new();
            while let Some(m) = stack.pop() {
                on_stack[m] = false;
                members.push(m);
                if m == b {
                    break;
                }
            }
            members.sort_unstable();
            let own = members
                .iter()
                .copied()
                .find(|&m| matches!(blocks[m].end, End::Return(_) | End::Exit(_)));
            let found = own.or_else(|| {
                members.iter().find_map(|&m| {
                    blocks[m]
                        .succs
                        .iter()
                        .filter(|&&s| done[s])
                        .find_map(|&s| exit[s])
                })
            });
            for &m in &members {
                rank[m] = components;
                exit[m] = found;
                done[m] = true;
            }
            components += 1;
        }
    }
    Reach { rank, exit }
}

fn empty_block<'t>() -> Block<'t> {
    Block {
        nodes: Vec::new(),
        succs: Vec::new(),
        end: End::Next,
    }
}

/// Where `break` and `continue` go inside a loop, switch or select.
struct Target<'s> {
    label: Option<&'s str>,
    break_to: BlockId,
    continue_to: Option<BlockId>,
}

struct Builder<'t, 'f> {
    source: &'t str,
    never_returns: &'f dyn Fn(Node<'t>) -> bool,
    blocks: Vec<Block<'t>>,
    current: BlockId,
    targets: Vec<Target<'t>>,
    labels: HashMap<&'t str, BlockId>,
    /// The body a `fallthrough` in the current case clause goes to.
    fallthrough: Option<BlockId>,
    depth: usize,
    too_deep: bool,
}

impl<'t> Builder<'t, '_> {
    fn new_block(&mut self) -> BlockId {
        self.blocks.push(empty_block());
        self.blocks.len() - 1
    }

    fn edge(&mut self, from: BlockId, to: BlockId) {
        if !self.blocks[from].succs.contains(&to) {
            self.blocks[from].succs.push(to);
        }
    }

    fn add(&mut self, node: Node<'t>) {
        let current = self.current;
        self.blocks[current].nodes.push(node);
    }

    /// Ends the current block with `end` and continues in a fresh, unreachable block.
    fn stop(&mut self, end: End<'t>) {
        let current = self.current;
        self.blocks[current].end = end;
        self.current = self.new_block();
    }

    /// Jumps from the current block to `to` and continues in a fresh, unreachable block.
    fn jump(&mut self, to: BlockId) {
        self.edge(self.current, to);
        self.current = self.new_block();
    }

    fn label_block(&mut self, name: &'t str) -> BlockId {
        if let Some(&b) = self.labels.get(name) {
            return b;
        }
        let b = self.new_block();
        self.labels.insert(name, b);
        b
    }

    fn statements(&mut self, list: Node<'t>) {
        for child in named_children(list) {
            if self.too_deep {
                return;
            }
            self.statement(child, None);
        }
    }

    fn statement(&mut self, node: Node<'t>, label: Option<&'t str>) {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
        } else {
            self.statement_inner(node, label);
        }
        self.depth -= 1;
    }

    fn statement_inner(&mut self, node: Node<'t>, label: Option<&'t str>) {
        match node.kind() {
            "block" | "statement_list" => self.statements(node),
            "comment" | "empty_statement" => {}
            "labeled_statement" => {
                let name = node
                    .child_by_field_name("label")
                    .map(|l| text(l, self.source))
                    .unwrap_or("");
                let target = self.label_block(name);
                self.edge(self.current, target);
                self.current = target;
                if let Some(inner) = super::labeled_body(node) {
                    self.statement(inner, Some(name));
                }
            }
            "return_statement" => {
                self.add(node);
                self.stop(End::Return(node));
            }
            "expression_statement" => {
                self.add(node);
                if let Some(call) = named_children(node).next() {
                    if call.kind() == "call_expression" && (self.never_returns)(call) {
                        self.stop(End::NoReturn(call));
                    }
                }
            }
            "goto_statement" => {
                self.add(node);
                let name = self.label_name(node);
                let target = self.label_block(name.unwrap_or(""));
                self.jump(target);
            }
            "break_statement" | "continue_statement" => {
                self.add(node);
                let name = self.label_name(node);
                let is_break = node.kind() == "break_statement";
                let target = self.targets.iter().rev().find_map(|t| {
                    if name.is_some() && t.label != name {
                        return None;
                    }
                    if is_break {
                        Some(t.break_to)
                    } else {
                        t.continue_to
                    }
                });
                match target {
                    Some(t) => self.jump(t),
                    // Does not compile: treat as a dead end.
                    None => self.stop(End::Next),
                }
            }
            "fallthrough_statement" => {
                self.add(node);
                match self.fallthrough {
                    Some(t) => self.jump(t),
                    None => self.stop(End::Next),
                }
            }
            "if_statement" => self.if_statement(node),
            "for_statement" => self.for_statement(node, label),
            "expression_switch_statement" | "type_switch_statement" => {
                self.switch_statement(node, label)
            }
            "select_statement" => self.select_statement(node, label),
            _ => self.add(node),
        }
    }

    fn label_name(&self, branch: Node<'t>) -> Option<&'t str> {
        named_children(branch)
            .find(|n| n.kind() == "label_name")
            .map(|n| text(n, self.source))
    }

    fn if_statement(&mut self, node: Node<'t>) {
        if let Some(init) = node.child_by_field_name("initializer") {
            self.add(init);
        }
        if let Some(cond) = node.child_by_field_name("condition") {
            self.add(cond);
        }
        let head = self.current;
        let done = self.new_block();
        let then = self.new_block();
        self.edge(head, then);
        self.current = then;
        if let Some(consequence) = node.child_by_field_name("consequence") {
            self.statement(consequence, None);
        }
        self.edge(self.current, done);
        match node.child_by_field_name("alternative") {
            Some(alternative) => {
                let otherwise = self.new_block();
                self.edge(head, otherwise);
                self.current = otherwise;
                self.statement(alternative, None);
                self.edge(self.current, done);
            }
            None => self.edge(head, done),
        }
        self.current = done;
    }

    fn for_statement(&mut self, node: Node<'t>, label: Option<&'t str>) {
        let clause = named_children(node).find(|n| n.kind() != "block" && n.kind() != "comment");
        let (mut condition, mut update, mut range_vars) = (None, None, None);
        match clause.map(|c| (c.kind(), c)) {
            Some(("for_clause", c)) => {
                if let Some(init) = c.child_by_field_name("initializer") {
                    self.add(init);
                }
                condition = c.child_by_field_name("condition");
                update = c.child_by_field_name("update");
            }
            Some(("range_clause", c)) => {
                if let Some(right) = c.child_by_field_name("right") {
                    self.add(right);
                }
                // A range loop may run its body zero times: the head always may exit.
                range_vars = Some(c.child_by_field_name("left").unwrap_or(c));
            }
            Some((_, c)) => condition = Some(c),
            None => {}
        }
        let head = self.new_block();
        self.edge(self.current, head);
        if let Some(c) = condition {
            self.blocks[head].nodes.push(c);
        }
        let done = self.new_block();
        if condition.is_some() || range_vars.is_some() {
            self.edge(head, done);
        }
        let post = match update {
            Some(u) => {
                let post = self.new_block();
                self.blocks[post].nodes.push(u);
                self.edge(post, head);
                post
            }
            None => head,
        };
        let body = self.new_block();
        self.edge(head, body);
        self.current = body;
        if let Some(vars) = range_vars {
            self.add(vars);
        }
        self.targets.push(Target {
            label,
            break_to: done,
            continue_to: Some(post),
        });
        if let Some(b) = node.child_by_field_name("body") {
            self.statement(b, None);
        }
        self.targets.pop();
        self.edge(self.current, post);
        self.current = done;
    }

    fn switch_statement(&mut self, node: Node<'t>, label: Option<&'t str>) {
        for field in ["initializer", "value"] {
            if let Some(n) = node.child_by_field_name(field) {
                self.add(n);
            }
        }
        let clauses: Vec<Node<'t>> = named_children(node)
            .filter(|n| matches!(n.kind(), "expression_case" | "type_case" | "default_case"))
            .collect();
        let done = self.new_block();
        let bodies: Vec<BlockId> = clauses.iter().map(|_| self.new_block()).collect();
        // Case expressions are tested one clause after the other, in source order, until one
        // matches; the default clause is taken when none does.
        let mut test = self.current;
        let mut default = None;
        for (i, clause) in clauses.iter().enumerate() {
            if clause.kind() == "default_case" {
                default = Some(bodies[i]);
                continue;
            }
            let next = self.new_block();
            self.edge(test, next);
            test = next;
            for value in clause_values(*clause) {
                self.blocks[test].nodes.push(value);
            }
            self.edge(test, bodies[i]);
        }
        self.edge(test, default.unwrap_or(done));
        self.targets.push(Target {
            label,
            break_to: done,
            continue_to: None,
        });
        let saved = self.fallthrough;
        for (i, clause) in clauses.iter().enumerate() {
            self.current = bodies[i];
            self.fallthrough = bodies.get(i + 1).copied();
            self.clause_body(*clause);
            self.edge(self.current, done);
        }
        self.fallthrough = saved;
        self.targets.pop();
        self.current = done;
    }

    fn select_statement(&mut self, node: Node<'t>, label: Option<&'t str>) {
        let clauses: Vec<Node<'t>> = named_children(node)
            .filter(|n| matches!(n.kind(), "communication_case" | "default_case"))
            .collect();
        let head = self.current;
        let done = self.new_block();
        self.targets.push(Target {
            label,
            break_to: done,
            continue_to: None,
        });
        // A select takes exactly one clause; with none (`select {}`) it blocks forever.
        for clause in clauses {
            let body = self.new_block();
            self.edge(head, body);
            self.current = body;
            if let Some(comm) = clause.child_by_field_name("communication") {
                self.add(comm);
            }
            self.clause_body(clause);
            self.edge(self.current, done);
        }
        self.targets.pop();
        self.current = done;
    }

    fn clause_body(&mut self, clause: Node<'t>) {
        for child in named_children(clause) {
            if child.kind() == "statement_list" {
                self.statements(child);
            }
        }
    }
}

/// The expressions (or types) a case clause compares against.
fn clause_values(clause: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let mut cursor = clause.walk();
    let values: Vec<Node<'_>> = clause
        .children_by_field_name("value", &mut cursor)
        .collect();
    values.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Language};

    /// Builds the graph of the first function of `body` (wrapped in `func f(...)`), with
    /// `panic(...)` as the only call that never returns, and answers reachability questions
    /// about statements identified by the marker calls `a()`, `b()`, ... in them.
    struct Graph {
        src: String,
        tree: tree_sitter::Tree,
    }

    impl Graph {
        fn new(body: &str) -> Graph {
            let src = format!("package p\n\nfunc f() (err error) {{\n{body}\n}}\n");
            let tree = parse(Language::Go, &src).unwrap();
            assert!(!tree.root_node().has_error(), "{src}");
            Graph { src, tree }
        }

        fn with<'g, R>(&'g self, f: impl FnOnce(&Cfg<'g>, &dyn Fn(&str) -> Node<'g>) -> R) -> R {
            let func = self
                .tree
                .root_node()
                .named_child(1)
                .expect("a function after the package clause");
            let src = self.src.as_str();
            let never = |call: Node<'g>| {
                call.child_by_field_name("function")
                    .is_some_and(|f| text(f, src) == "panic")
            };
            let cfg = Cfg::build(func, src, &never).expect("a graph");
            let find = |marker: &str| -> Node<'g> {
                let at = src.find(&format!("{marker}()")).expect("marker");
                func.descendant_for_byte_range(at, at + 1).unwrap()
            };
            f(&cfg, &find)
        }

        /// Whether control can go from marker `from` to marker `to` (later in the walk).
        fn reaches(&self, from: &str, to: &str) -> bool {
            self.with(|cfg, find| {
                let (fb, fi) = cfg.locate(find(from)).unwrap();
                let (tb, ti) = cfg.locate(find(to)).unwrap();
                if fb == tb && fi < ti {
                    return true;
                }
                let mut seen = vec![false; cfg.blocks.len()];
                let mut stack = cfg.blocks[fb].succs.clone();
                while let Some(b) = stack.pop() {
                    if b == tb {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[b], true) {
                        stack.extend(cfg.blocks[b].succs.iter().copied());
                    }
                }
                false
            })
        }

        /// Whether marker `from` can reach the end of the function (a return or the brace).
        fn returns(&self, from: &str) -> bool {
            self.with(|cfg, find| {
                let (fb, _) = cfg.locate(find(from)).unwrap();
                let mut seen = vec![false; cfg.blocks.len()];
                let mut stack = vec![fb];
                while let Some(b) = stack.pop() {
                    if std::mem::replace(&mut seen[b], true) {
                        continue;
                    }
                    if matches!(cfg.blocks[b].end, End::Return(_) | End::Exit(_)) {
                        return true;
                    }
                    stack.extend(cfg.blocks[b].succs.iter().copied());
                }
                false
            })
        }
    }

    #[test]
    fn reach_ranks_components_after_what_they_reach_and_finds_exits() {
        let g = Graph::new("a()\nfor x() { b(); if y() { return } }\nc()\nfor { d() }");
        g.with(|cfg, node| {
            let reach = cfg.reach();
            let block = |name: &str| cfg.locate(node(name)).unwrap().0;
            // b() and the loop head are one component; a() reaches it, c() is reached.
            assert_eq!(reach.rank[block("b")], reach.rank[block("x")]);
            assert!(reach.rank[block("a")] > reach.rank[block("b")]);
            assert!(reach.rank[block("b")] > reach.rank[block("c")]);
            // Every block before the endless loop reaches the `return`; d() reaches no exit.
            for name in ["a", "b", "x", "y"] {
                let exit = reach.exit[block(name)].unwrap();
                assert!(matches!(cfg.blocks[exit].end, End::Return(_)), "{name}");
            }
            assert_eq!(reach.exit[block("d")], None);
            assert_eq!(reach.exit[block("c")], None);
        });
    }

    #[test]
    fn straight_line_code_falls_off_the_end() {
        let g = Graph::new("a()\nb()");
        assert!(g.reaches("a", "b"));
        assert!(g.returns("b"));
        g.with(|cfg, _| {
            assert!(cfg.blocks.iter().any(|b| matches!(b.end, End::Exit(_))));
        });
    }

    #[test]
    fn if_else_joins_both_branches() {
        let g = Graph::new("if x { a() } else if y { b() } else { c() }\nd()");
        assert!(!g.reaches("a", "b"));
        assert!(!g.reaches("b", "c"));
        assert!(g.reaches("a", "d") && g.reaches("b", "d") && g.reaches("c", "d"));
        let g = Graph::new("a()\nif x { return }\nb()");
        assert!(g.reaches("a", "b"));
        let g = Graph::new("if x { a(); return }\nb()");
        assert!(!g.reaches("a", "b"));
    }

    #[test]
    fn three_clause_for_loops_back_through_post() {
        let g = Graph::new("for i := 0; i < n; i++ { a() }\nb()");
        assert!(g.reaches("a", "a"));
        assert!(g.reaches("a", "b"));
    }

    #[test]
    fn condition_only_for_may_exit() {
        let g = Graph::new("for x < 3 { a() }\nb()");
        assert!(g.reaches("a", "b"));
        assert!(g.reaches("a", "a"));
    }

    #[test]
    fn infinite_for_exits_only_by_break() {
        let g = Graph::new("for { a() }\nb()");
        assert!(!g.reaches("a", "b"));
        assert!(!g.returns("a"));
        let g = Graph::new("for { a(); if x { break } }\nb()");
        assert!(g.reaches("a", "b"));
    }

    #[test]
    fn range_loops_may_run_zero_times() {
        let g = Graph::new("a()\nfor _, v := range xs { b() }\nc()");
        assert!(g.reaches("a", "c"));
        assert!(g.reaches("b", "b"));
        assert!(g.reaches("b", "c"));
    }

    #[test]
    fn continue_goes_to_the_loop_head() {
        let g = Graph::new("for { a(); if x { continue }\nb() }");
        assert!(g.reaches("a", "b"));
        assert!(g.reaches("a", "a"));
        assert!(!g.returns("a"));
    }

    #[test]
    fn labelled_break_and_continue_leave_the_outer_loop() {
        let g = Graph::new("outer:\nfor { for { a(); break outer }\nb() }\nc()");
        assert!(g.reaches("a", "c"));
        assert!(!g.reaches("a", "b"));
        let g = Graph::new("outer:\nfor { b(); for { a(); continue outer } }\nc()");
        assert!(g.reaches("a", "b"));
        assert!(!g.reaches("a", "c"));
    }

    #[test]
    fn goto_jumps_to_its_label_backwards_and_forwards() {
        let g = Graph::new("retry:\na()\nif x { goto retry }\nb()");
        assert!(g.reaches("a", "a"));
        let g = Graph::new("a()\ngoto done\nb()\ndone:\nc()");
        assert!(g.reaches("a", "c"));
        assert!(!g.reaches("a", "b"));
    }

    #[test]
    fn switch_without_default_may_skip_every_case() {
        let g = Graph::new("z()\nswitch x { case 1: a()\ncase 2: b() }\nc()");
        assert!(!g.reaches("a", "b"));
        assert!(g.reaches("a", "c"));
        assert!(g.reaches("z", "c"));
        // Case expressions are tested in order: the second only when the first fails.
        let g = Graph::new("switch { case a(): x()\ncase b(): y() }\nc()");
        assert!(g.reaches("a", "b"));
        assert!(!g.reaches("x", "b"));
        assert!(g.reaches("b", "c"));
        // With a default, some clause always runs.
        let g = Graph::new("z()\nswitch { default: b()\ncase a(): return }\nc()");
        assert!(g.reaches("a", "b"));
        g.with(|cfg, find| {
            let (test, _) = cfg.locate(find("a")).unwrap();
            let (after, _) = cfg.locate(find("c")).unwrap();
            assert!(!cfg.blocks[test].succs.contains(&after));
        });
    }

    #[test]
    fn fallthrough_enters_the_next_clause() {
        let g = Graph::new("switch x { case 1: a(); fallthrough\ncase 2: b()\ncase 3: c() }");
        assert!(g.reaches("a", "b"));
        assert!(!g.reaches("a", "c"));
    }

    #[test]
    fn break_inside_a_switch_leaves_the_switch_not_the_loop() {
        let g = Graph::new("for { switch x { case 1: a(); break }\nb() }\nc()");
        assert!(g.reaches("a", "b"));
        assert!(!g.reaches("a", "c"));
    }

    #[test]
    fn type_switch_takes_one_clause() {
        let g = Graph::new("switch v := y.(type) { case int: a()\ncase string: b() }\nc()");
        assert!(!g.reaches("a", "b"));
        assert!(g.reaches("a", "c"));
    }

    #[test]
    fn blocking_select_takes_exactly_one_case() {
        let g = Graph::new("z()\nselect { case <-ch: a()\ncase v := <-ch2: b() }\nc()");
        assert!(!g.reaches("a", "b"));
        assert!(g.reaches("a", "c"));
        g.with(|cfg, find| {
            let (head, _) = cfg.locate(find("z")).unwrap();
            let (after, _) = cfg.locate(find("c")).unwrap();
            assert!(!cfg.blocks[head].succs.contains(&after));
            assert_eq!(cfg.blocks[head].succs.len(), 2);
        });
    }

    #[test]
    fn select_with_default_takes_one_of_all() {
        let g = Graph::new("z()\nselect { case <-ch: a()\ndefault: b() }\nc()");
        g.with(|cfg, find| {
            let (head, _) = cfg.locate(find("z")).unwrap();
            assert_eq!(cfg.blocks[head].succs.len(), 2);
        });
        assert!(g.reaches("b", "c"));
    }

    #[test]
    fn empty_select_blocks_forever() {
        let g = Graph::new("a()\nselect {}\nb()");
        assert!(!g.reaches("a", "b"));
        assert!(!g.returns("a"));
    }

    #[test]
    fn return_ends_the_path() {
        let g = Graph::new("a()\nreturn\nb()");
        assert!(!g.reaches("a", "b"));
        g.with(|cfg, find| {
            let (block, _) = cfg.locate(find("a")).unwrap();
            assert!(
                matches!(cfg.blocks[block].end, End::Return(r) if r.kind() == "return_statement")
            );
        });
    }

    #[test]
    fn calls_that_never_return_end_the_path() {
        let g = Graph::new("if x { a(); panic(\"no\") }\nb()");
        assert!(!g.reaches("a", "b"));
        assert!(!g.returns("a"));
    }

    #[test]
    fn defer_and_go_are_plain_nodes() {
        let g = Graph::new("defer a()\ngo b()\nc()");
        assert!(g.reaches("a", "b") && g.reaches("b", "c"));
    }

    #[test]
    fn func_literals_are_not_part_of_the_graph() {
        let g = Graph::new("h := func() { b(); return }\na()");
        // The literal is one node of the enclosing block, like any expression.
        assert!(g.reaches("b", "a"));
        g.with(|cfg, _| {
            assert!(!cfg.blocks.iter().any(|b| matches!(b.end, End::Return(_))));
        });
    }

    #[test]
    fn deep_nesting_gives_up_without_overflowing() {
        let depth = 5000;
        let src = format!(
            "package p\nfunc f() {{\n{}\n{}\n}}\n",
            "if x {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        let tree = parse(Language::Go, &src).unwrap();
        let func = tree.root_node().named_child(1).unwrap();
        assert!(Cfg::build(func, &src, &|_| false).is_none());
        let shallow = "package p\nfunc f() { if x { if y { a() } } }\n";
        let tree = parse(Language::Go, shallow).unwrap();
        let func = tree.root_node().named_child(1).unwrap();
        assert!(Cfg::build(func, shallow, &|_| false).is_some());
    }
}
