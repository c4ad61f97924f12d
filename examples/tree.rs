//! Prints the tree-sitter syntax tree of files, for writing rules and queries:
//! `cargo run --example tree -- path/to/file.go`
use std::path::Path;

fn main() -> anyhow::Result<()> {
    for arg in std::env::args().skip(1) {
        print_tree(Path::new(&arg))?;
    }
    Ok(())
}

fn print_tree(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    let language = ctxlint::lang::Language::from_path(path)
        .ok_or_else(|| anyhow::anyhow!("{shown}: unknown language"))?;
    let source = std::fs::read_to_string(path)?;
    let tree = ctxlint::lang::parse(language, &source)
        .ok_or_else(|| anyhow::anyhow!("{shown}: parse failed"))?;
    let mut depth = 0;
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_named() || node.is_missing() {
            let field = cursor
                .field_name()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            let leaf = if node.child_count() == 0 {
                format!(" {:?}", &source[node.byte_range()])
            } else {
                String::new()
            };
            let missing = if node.is_missing() { " (MISSING)" } else { "" };
            let line = node.start_position().row + 1;
            let indent = depth * 2;
            println!(
                "{:indent$}{field}{}{missing} [{line}]{leaf}",
                "",
                node.kind()
            );
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return Ok(());
            }
            depth -= 1;
        }
    }
}
