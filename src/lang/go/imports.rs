//! Imports a fix leaves unused. Go refuses to compile a file with an unused import, so a fix
//! that removes the last use of a package (background-in-handler replacing the only
//! `context.TODO()` with `r.Context()`) must remove its import too.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

use super::default_package_name;
use crate::diagnostic::Span;
use crate::lang::{self, is_ident_byte, named_children, text, walk_tree, Language};

/// The spans of `after` to delete so that no import used in `before` is left unused in
/// `after`: a spec's whole line inside a group, or the whole declaration when it was the only
/// spec (with a blank line next to it where gofmt would not keep two). Sorted, not
/// overlapping. Blank, dot and `"C"` imports are never touched, nor is anything when either
/// text fails to parse.
pub fn left_unused(before: &str, after: &str) -> Vec<Span> {
    match lang::parse(Language::Go, after) {
        Some(tree) => left_unused_parsed(before, None, after, &tree),
        None => Vec::new(),
    }
}

/// [`left_unused`] with the syntax tree of `after`, and that of `before` when the caller has
/// it (otherwise `before` is parsed if some import is unused in `after`).
fn left_unused_parsed(
    before: &str,
    before_tree: Option<&Tree>,
    after: &str,
    after_tree: &Tree,
) -> Vec<Span> {
    let root = after_tree.root_node();
    let used = qualifier_uses(root, after);
    let unused: Vec<(Node<'_>, &str)> = import_specs(root, after)
        .filter(|(_, name)| !used.contains(name))
        .collect();
    if unused.is_empty() {
        return Vec::new();
    }
    let parsed;
    let before_tree = match before_tree {
        Some(tree) => tree,
        None => match lang::parse(Language::Go, before) {
            Some(tree) => {
                parsed = tree;
                &parsed
            }
            None => return Vec::new(),
        },
    };
    let used_before = qualifier_uses(before_tree.root_node(), before);
    let removed: Vec<Node<'_>> = unused
        .into_iter()
        .filter(|(_, name)| used_before.contains(name))
        .map(|(spec, _)| spec)
        .collect();
    let mut spans = Vec::new();
    for decl in named_children(root).filter(|n| n.kind() == "import_declaration") {
        let mut specs = Vec::new();
        walk_tree(decl, |n| {
            if n.kind() == "import_spec" {
                specs.push(n);
            }
            n.kind() != "import_spec"
        });
        let gone: Vec<Node<'_>> = specs
            .iter()
            .copied()
            .filter(|s| removed.contains(s))
            .collect();
        if !specs.is_empty() && gone.len() == specs.len() {
            spans.push(whole_lines(decl, after).unwrap_or_else(|| in_line(decl, after)));
        } else {
            spans.extend(
                gone.into_iter()
                    .map(|s| whole_lines(s, after).unwrap_or_else(|| in_line(s, after))),
            );
        }
    }
    // Each removal is decided on the text as it is; widening for blank lines is done on
    // adjacent removals merged first.
    spans.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<Span> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
        .into_iter()
        .map(|s| without_double_blank(s, after))
        .collect()
}

/// `after` without the imports [`left_unused`] finds, given the syntax trees of both texts.
pub fn remove_left_unused(
    before: &str,
    before_tree: &Tree,
    after: String,
    after_tree: &Tree,
) -> String {
    let spans = left_unused_parsed(before, Some(before_tree), &after, after_tree);
    if spans.is_empty() {
        return after;
    }
    let mut out = String::with_capacity(after.len());
    let mut at = 0;
    for span in spans {
        if span.start > at {
            out.push_str(after.get(at..span.start).unwrap_or(""));
        }
        at = at.max(span.end);
    }
    out.push_str(after.get(at..).unwrap_or(""));
    out
}

/// The named import specs of a file with the name they bind (alias or default name).
fn import_specs<'t, 's>(
    root: Node<'t>,
    source: &'s str,
) -> impl Iterator<Item = (Node<'t>, &'s str)> + 't
where
    's: 't,
{
    let mut specs = Vec::new();
    for decl in named_children(root).filter(|n| n.kind() == "import_declaration") {
        walk_tree(decl, |node| {
            if node.kind() != "import_spec" {
                return true;
            }
            let Some(path) = node.child_by_field_name("path") else {
                return false;
            };
            let path = text(path, source).trim_matches(|c| c == '"' || c == '`');
            let name = match node.child_by_field_name("name") {
                Some(name) if name.kind() == "package_identifier" => text(name, source),
                Some(_) => return false,
                None if path == "C" => return false,
                None => default_package_name(path),
            };
            specs.push((node, name));
            false
        });
    }
    specs.into_iter()
}

/// The names that qualify something outside the imports: `name.X` in an expression or a
/// type.
fn qualifier_uses<'s>(root: Node<'_>, source: &'s str) -> HashSet<&'s str> {
    let mut used = HashSet::new();
    walk_tree(root, |node| match node.kind() {
        "import_declaration" => false,
        "selector_expression" => {
            if let Some(o) = node
                .child_by_field_name("operand")
                .filter(|o| o.kind() == "identifier")
            {
                used.insert(text(o, source));
            }
            true
        }
        "qualified_type" => {
            if let Some(p) = node.child_by_field_name("package") {
                used.insert(text(p, source));
            }
            true
        }
        _ => true,
    });
    used
}

/// The lines `node` occupies, if nothing but whitespace and a trailing comment shares them.
fn whole_lines(node: Node<'_>, source: &str) -> Option<Span> {
    let start = source[..node.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[node.end_byte()..];
    let end = node.end_byte() + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let before = &source[start..node.start_byte()];
    let after = source[node.end_byte()..end].trim();
    (before.trim().is_empty() && (after.is_empty() || after.starts_with("//")))
        .then_some(Span::new(start, end))
}

/// `node` sharing its line with other code (`import ("context"; "net/http")`, `import
/// "context"; import "net/http"`): its text with the `;` that separates it from the next
/// item, or else from the previous one, and the blanks around that `;`.
fn in_line(node: Node<'_>, source: &str) -> Span {
    let blank = |c: char| c == ' ' || c == '\t';
    let (start, end) = (node.start_byte(), node.end_byte());
    let rest = &source[end..];
    let after_blanks = rest.trim_start_matches(blank);
    if let Some(next) = after_blanks.strip_prefix(';') {
        let next = next.trim_start_matches(blank);
        return Span::new(start, source.len() - next.len());
    }
    let head = source[..start].trim_end_matches(blank);
    match head.strip_suffix(';') {
        Some(previous) => Span::new(previous.len(), end),
        None => Span::new(start, end),
    }
}

/// Widens a removal of whole lines by one blank line where it would otherwise leave two blank
/// lines together, or a blank line right after `(` or before `)`.
fn without_double_blank(span: Span, source: &str) -> Span {
    let blank = |line: &str| line.trim().is_empty();
    let previous = source[..span.start]
        .strip_suffix('\n')
        .map(|s| (s.rfind('\n').map_or(0, |i| i + 1), s));
    let next_end = source[span.end..]
        .find('\n')
        .map(|i| span.end + i + 1)
        .filter(|_| span.end < source.len());
    let next = next_end.map(|e| &source[span.end..e]);
    match (previous, next) {
        (Some((start, s)), Some(next)) if blank(&s[start..]) => {
            if blank(next) || next.trim() == ")" {
                Span::new(start, span.end)
            } else {
                span
            }
        }
        (Some((start, s)), Some(next)) if s[start..].trim_end().ends_with('(') && blank(next) => {
            Span::new(span.start, next_end.unwrap_or(span.end))
        }
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tidy(before: &str, after: &str) -> String {
        let parse = |text| lang::parse(Language::Go, text).unwrap();
        remove_left_unused(before, &parse(before), after.to_string(), &parse(after))
    }

    #[test]
    fn the_only_import_goes_with_its_declaration() {
        let before = "package p\n\nimport \"context\"\n\nfunc f() { g(context.TODO()) }\n";
        let after = "package p\n\nimport \"context\"\n\nfunc f() { g(ctx) }\n";
        assert_eq!(tidy(before, after), "package p\n\nfunc f() { g(ctx) }\n");
    }

    #[test]
    fn a_grouped_import_loses_its_line() {
        let before = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) { g(context.TODO()) }\n";
        let after = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) { g(r.Context()) }\n";
        assert_eq!(
            tidy(before, after),
            "package p\n\nimport (\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) { g(r.Context()) }\n"
        );
    }

    #[test]
    fn a_group_of_one_goes_whole_and_blank_lines_stay_single() {
        let before = "package p\n\nimport (\n\t\"context\"\n)\n\nfunc f() { g(context.TODO()) }\n";
        let after = "package p\n\nimport (\n\t\"context\"\n)\n\nfunc f() { g(ctx) }\n";
        assert_eq!(tidy(before, after), "package p\n\nfunc f() { g(ctx) }\n");
        let before = "package p\n\nimport (\n\t\"fmt\"\n\n\t\"context\"\n\n\t\"os\"\n)\n\nvar _ = fmt.X\nvar _ = os.X\nvar _ = context.X\n";
        let after = before.replace("context.X", "1");
        assert_eq!(
            tidy(before, &after),
            "package p\n\nimport (\n\t\"fmt\"\n\n\t\"os\"\n)\n\nvar _ = fmt.X\nvar _ = os.X\nvar _ = 1\n"
        );
    }

    #[test]
    fn an_import_sharing_its_line_goes_with_its_semicolon() {
        // Valid Go, though not gofmt's layout: the spec used to stay, and the fixed file did
        // not compile (fix_go fuzz target).
        let body = "\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tload(context.Background())\n}\n";
        let fixed = body.replace("context.Background()", "r.Context()");
        for (imports, left) in [
            (
                "import (\"context\"; \"net/http\")",
                "import (\"net/http\")",
            ),
            (
                "import (\"net/http\"; \"context\")",
                "import (\"net/http\")",
            ),
            (
                "import \"context\"; import \"net/http\"",
                "import \"net/http\"",
            ),
            (
                "import \"net/http\"; import \"context\"",
                "import \"net/http\"",
            ),
        ] {
            let before = format!("package p\n\n{imports}{body}");
            let after = format!("package p\n\n{imports}{fixed}");
            assert_eq!(tidy(&before, &after), format!("package p\n\n{left}{fixed}"));
        }
    }

    #[test]
    fn imports_still_used_or_never_used_stay() {
        // Still used in a type.
        let before =
            "package p\n\nimport \"context\"\n\nfunc f(c context.Context) { g(context.TODO()) }\n";
        let after = "package p\n\nimport \"context\"\n\nfunc f(c context.Context) { g(c) }\n";
        assert_eq!(tidy(before, after), after);
        // Unused before the fix already: not the fix's doing, not touched.
        let src = "package p\n\nimport \"os\"\n";
        assert_eq!(tidy(src, src), src);
        // Blank, dot and cgo imports are never removed.
        let before = "package p\n\nimport (\n\t_ \"embed\"\n\t. \"fmt\"\n\t\"C\"\n)\n";
        assert_eq!(tidy(before, before), before);
    }

    #[test]
    fn aliases_and_versioned_paths_bind_their_names() {
        let before = "package p\n\nimport (\n\tstdctx \"context\"\n\t\"example.com/yaml.v3\"\n)\n\nvar a = stdctx.TODO()\nvar b = yaml.X\n";
        let after = before.replace("stdctx.TODO()", "1").replace("yaml.X", "2");
        assert_eq!(tidy(before, &after), "package p\n\nvar a = 1\nvar b = 2\n");
    }
}

/// The import paths a Go file names, from a byte scan of its import declarations (up to its
/// first other declaration), without parsing: for choosing which `vendor/` packages to read.
/// A quoted string in a comment inside an import group counts too (a harmless extra path).
pub fn import_paths(bytes: &[u8]) -> Vec<&str> {
    import_lines(bytes)
        .into_iter()
        .map(|(_, path)| path)
        .collect()
}

/// The imports [`import_paths`] finds, each with what its line has before the path (the
/// alias, `_`, `.`, or nothing; blanks trimmed; `import` and `(` left out).
pub fn import_lines(bytes: &[u8]) -> Vec<(&[u8], &str)> {
    let mut specs = Vec::new();
    let mut in_group = false;
    for line in bytes.split(|b| *b == b'\n') {
        let line = line.trim_ascii();
        let rest = if in_group {
            line
        } else if let Some(rest) = line.strip_prefix(b"import") {
            let rest = rest.trim_ascii_start();
            match rest.strip_prefix(b"(") {
                Some(group) => {
                    in_group = true;
                    group
                }
                None => rest,
            }
        } else if [&b"func"[..], b"type", b"var", b"const"]
            .iter()
            .any(|k| line.starts_with(k))
        {
            break;
        } else {
            continue;
        };
        let after = match quoted(rest) {
            Some((path, end)) => {
                let open = end - path.len() - 2;
                specs.push((rest[..open].trim_ascii(), path));
                &rest[end..]
            }
            None => rest,
        };
        // The group closes on this line: a `)` after the path, before any comment.
        let code = match after.windows(2).position(|w| w == b"//") {
            Some(comment) => &after[..comment],
            None => after,
        };
        if in_group && code.contains(&b')') {
            in_group = false;
        }
    }
    specs
}

/// The import paths of the file with these bytes and [`import_lines`] `lines` through whose
/// package its code may name something: those whose name (the alias, else
/// [`default_package_name`]) occurs as a word followed by a `.` (blanks and comments between
/// allowed). A blank or dot import names nothing (a dot-imported function is called like a
/// local one). An import whose line has anything else before the path (a comment) counts as
/// used.
pub fn used_import_paths<'b>(bytes: &[u8], lines: &[(&[u8], &'b str)]) -> Vec<&'b str> {
    lines
        .iter()
        .filter(|&&(before, path)| match before {
            b"_" | b"." => false,
            b"" => qualifies(bytes, default_package_name(path).as_bytes()),
            alias if alias.iter().all(|b| is_ident_byte(*b)) => qualifies(bytes, alias),
            _ => true,
        })
        .map(|&(_, path)| path)
        .collect()
}

/// Whether `name` occurs in `bytes` as a whole word followed by a `.`, blanks and comments
/// between allowed (`name.X`, `name .X`, `name /* c */ .X`).
fn qualifies(bytes: &[u8], name: &[u8]) -> bool {
    if name.is_empty() {
        return false;
    }
    memchr::memmem::find_iter(bytes, name).any(|at| {
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            return false;
        }
        let mut rest = &bytes[at + name.len()..];
        loop {
            rest = rest.trim_ascii_start();
            if let Some(comment) = rest.strip_prefix(b"//") {
                rest = memchr::memchr(b'\n', comment).map_or(&[][..], |end| &comment[end..]);
            } else if let Some(comment) = rest.strip_prefix(b"/*") {
                rest =
                    memchr::memmem::find(comment, b"*/").map_or(&[][..], |end| &comment[end + 2..]);
            } else {
                return rest.first() == Some(&b'.');
            }
        }
    })
}

/// The first `"…"` or `` `…` `` string of a line, if valid UTF-8, and where it ends.
fn quoted(line: &[u8]) -> Option<(&str, usize)> {
    let open = line.iter().position(|b| *b == b'"' || *b == b'`')?;
    let quote = line[open];
    let len = line[open + 1..].iter().position(|b| *b == quote)?;
    let path = std::str::from_utf8(&line[open + 1..open + 1 + len]).ok()?;
    Some((path, open + len + 2))
}

#[cfg(test)]
mod import_path_tests {
    use super::{import_paths, used_import_paths};

    #[test]
    fn used_imports_are_those_whose_name_qualifies_something() {
        let src =
            b"package p\nimport (\n\t\"fmt\"\n\tx \"example.com/x\"\n\t\"example.com/go-y/v2\"\n\
                    \t_ \"embed\"\n\t. \"example.com/dot\"\n\t\"example.com/unused\"\n\
                    \t/* odd */ \"example.com/odd\"\n\tz \"example.com/z\"\n)\n\
                    func f() { fmt.Println(x /* c */ .A, y.\n\tB); _ = unused; dot.C(); zz.D() }\n";
        assert_eq!(
            used_import_paths(src, &super::import_lines(src)),
            [
                "fmt",
                "example.com/x",
                "example.com/go-y/v2",
                "example.com/odd"
            ]
        );
    }

    #[test]
    fn import_paths_come_from_the_import_declarations() {
        let src = b"// Package p.\npackage p\n\nimport \"fmt\"\nimport x \"example.com/x\"\n\
                    import (\n\t\"context\"\n\n\ty \"example.com/y\" // why\n\t_ \"embed\"\n)\n\
                    import (\"a\"; \"b\")\nfunc f() { _ = \"example.com/z\" }\nimport \"late\"\n";
        assert_eq!(
            import_paths(src),
            [
                "fmt",
                "example.com/x",
                "context",
                "example.com/y",
                "embed",
                "a"
            ]
        );
    }
}
