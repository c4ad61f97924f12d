//! The top-level outline of a Go file from its bytes, without parsing: where each top-level
//! declaration begins and ends, which are lone function declarations (and their names), and the
//! identifiers each mentions. The engine uses it to parse only the declarations where a finding
//! can be (see [`crate::prefilter::go_parse_ranges`]).
//!
//! A small lexer skips comments, strings, raw strings and runes and counts brackets. A
//! declaration begins where `package`, `import`, `type`, `var`, `const` or `func` is the first
//! token of its line outside any bracket; it takes the comment and blank lines before it (so a
//! suppression comment stays with the declaration it is written above). Anything the lexer
//! cannot follow (an unterminated string or comment, brackets that do not balance) gives no
//! outline: the file is then parsed whole.

use std::ops::Range;

use crate::lang::is_ident_byte;

/// One top-level item: a declaration with the comment and blank lines before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    /// Whole lines, from the first comment or blank line after the previous declaration to
    /// the line after its own end.
    pub range: Range<usize>,
    /// For a lone function or method declaration, its name; `None` for every other item
    /// (package clause, imports, types, variables, constants, several declarations on a line).
    pub function: Option<&'a str>,
    /// Whether that function is a method (has a receiver).
    pub method: bool,
    /// The names a `var` item declares.
    pub variables: Vec<&'a str>,
    /// Whether the item declares only types, constants or variables (its declaration keywords
    /// outside brackets are all `type`, `const` or `var`): no package clause, import or
    /// function declaration.
    pub only_values_and_types: bool,
    /// Every identifier (and keyword) in code in the item, in order, repeats included (a set
    /// of them would be built for every item of every file outlined; few are asked about).
    pub words: Vec<&'a str>,
}

const DECLARATION_KEYWORDS: &[&str] = &["package", "import", "type", "var", "const", "func"];

/// The items of a Go file in order, covering it from byte 0 to its end; `None` when the
/// lexer cannot follow the text.
pub fn outline(text: &str) -> Option<Vec<Item<'_>>> {
    let bytes = text.as_bytes();
    let mut items: Vec<Item<'_>> = Vec::new();
    // The current item's tokens: (keyword-ness aside) identifiers and brackets at depth.
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut item_start = 0;
    let mut depth: usize = 0;
    // The end of the last code token, and whether a code token began on the current line.
    let mut last_code_end = 0;
    let mut line_has_code = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_has_code = false;
                i += 1;
                tokens.push(Token::Newline);
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&bytes[i + 2..], b"*/")?;
                i += 2 + end + 2;
            }
            b'"' | b'\'' => {
                i = quoted_end(bytes, i)?;
                (last_code_end, line_has_code) = (i, true);
                tokens.push(Token::Other);
            }
            b'`' => {
                i = i + 1 + memchr::memchr(b'`', &bytes[i + 1..])? + 1;
                (last_code_end, line_has_code) = (i, true);
                tokens.push(Token::Other);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
                (last_code_end, line_has_code) = (i, true);
                tokens.push(Token::Open(b));
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                (last_code_end, line_has_code) = (i, true);
                tokens.push(Token::Close);
            }
            _ if is_ident_byte(b) => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                // Identifier runs split only at ASCII bytes: on character boundaries.
                let word = &text[start..i];
                if depth == 0 && !line_has_code && DECLARATION_KEYWORDS.contains(&word) {
                    // A new declaration: the previous item ends after the line of its last code.
                    let boundary = memchr::memchr(b'\n', &bytes[last_code_end..start])
                        .map_or(start, |n| last_code_end + n + 1);
                    if boundary > item_start && tokens.iter().any(|t| !matches!(t, Token::Newline))
                    {
                        items.push(item(item_start..boundary, &tokens));
                        tokens.clear();
                        item_start = boundary;
                    }
                }
                (last_code_end, line_has_code) = (i, true);
                tokens.push(Token::Word(word, depth));
            }
            _ => {
                i += 1;
                (last_code_end, line_has_code) = (i, true);
                tokens.push(match b {
                    b',' => Token::Comma,
                    b';' => Token::Newline,
                    _ => Token::Other,
                });
            }
        }
    }
    if depth != 0 {
        return None;
    }
    if item_start < bytes.len() || items.is_empty() {
        items.push(item(item_start..bytes.len(), &tokens));
    }
    Some(items)
}

#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    /// An identifier or keyword, with the bracket depth it is at.
    Word(&'a str, usize),
    Open(u8),
    Close,
    Comma,
    /// A new line or a `;`: where a spec can end.
    Newline,
    Other,
}

/// The end (exclusive) of the string or rune literal opening at `start`; `None` if it does not
/// end on its line.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn item<'a>(range: Range<usize>, tokens: &[Token<'a>]) -> Item<'a> {
    let words = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w, _) => Some(*w),
            _ => None,
        })
        .collect();
    let top_keywords: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w, 0) if DECLARATION_KEYWORDS.contains(w) => Some(*w),
            _ => None,
        })
        .collect();
    let (function, method) = match top_keywords.as_slice() {
        ["func"] => function_name(tokens).map_or((None, false), |(n, m)| (Some(n), m)),
        _ => (None, false),
    };
    let variables = match top_keywords.first() {
        Some(&"var") => variable_names(tokens),
        _ => Vec::new(),
    };
    let only_values_and_types = !top_keywords.is_empty()
        && top_keywords
            .iter()
            .all(|k| matches!(*k, "type" | "const" | "var"));
    Item {
        range,
        function,
        method,
        variables,
        only_values_and_types,
        words,
    }
}

/// The name of the function declared by `func name(` or `func (receiver) name(`, and whether
/// it has a receiver.
fn function_name<'a>(tokens: &[Token<'a>]) -> Option<(&'a str, bool)> {
    let at = tokens
        .iter()
        .position(|t| matches!(t, Token::Word("func", 0)))?;
    let mut rest = tokens[at + 1..].iter();
    let mut next = rest.next()?;
    let method = matches!(next, Token::Open(b'('));
    if method {
        // Skip the receiver: up to the bracket that closes at depth 0.
        for t in rest.by_ref() {
            if let Token::Close = t {
                break;
            }
        }
        next = rest.next()?;
    }
    match next {
        Token::Word(name, 0) => Some((*name, method)),
        _ => None,
    }
}

/// The names declared by `var a, b T` or by each spec of `var ( … )`: the identifiers, separated
/// by commas, that begin a spec.
fn variable_names<'a>(tokens: &[Token<'a>]) -> Vec<&'a str> {
    let mut names = Vec::new();
    let Some(at) = tokens
        .iter()
        .position(|t| matches!(t, Token::Word("var", 0)))
    else {
        return names;
    };
    let rest = &tokens[at + 1..];
    let (grouped, specs) = match rest.first() {
        Some(Token::Open(b'(')) => (true, &rest[1..]),
        _ => (false, rest),
    };
    let spec_depth = usize::from(grouped);
    // 0: a name may come (a spec begins, or after a comma), 1: after a name, 2: past the names.
    let mut state = 0;
    for t in specs {
        state = match (t, state) {
            (Token::Word(w, d), 0) if *d == spec_depth => {
                names.push(*w);
                1
            }
            (Token::Comma, 1) => 0,
            (Token::Newline, _) if grouped => 0,
            (Token::Newline, _) => break,
            _ => 2,
        };
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Vec<(String, Option<&str>)> {
        outline(text)
            .unwrap()
            .into_iter()
            .map(|i| (text[i.range].to_string(), i.function))
            .collect()
    }

    #[test]
    fn items_are_whole_lines_with_their_leading_comments() {
        let text = "package p\n\nimport \"x\"\n\n// F does.\n//nolint\nfunc F() {\n\ts := `\nfunc G() {}\n`\n\t_ = s\n}\nfunc (r *T) M(a int) { if a > 0 { return } }\n\nvar (\n\ta = 1\n\tb, c int\n)\nfunc H() {}; func I() {}\n";
        let items = shape(text);
        assert_eq!(
            items,
            [
                ("package p\n".to_string(), None),
                ("\nimport \"x\"\n".to_string(), None),
                (
                    "\n// F does.\n//nolint\nfunc F() {\n\ts := `\nfunc G() {}\n`\n\t_ = s\n}\n"
                        .to_string(),
                    Some("F")
                ),
                (
                    "func (r *T) M(a int) { if a > 0 { return } }\n".to_string(),
                    Some("M")
                ),
                ("\nvar (\n\ta = 1\n\tb, c int\n)\n".to_string(), None),
                ("func H() {}; func I() {}\n".to_string(), None),
            ]
        );
        let all = outline(text).unwrap();
        assert_eq!(all.first().map(|i| i.range.start), Some(0));
        assert_eq!(all.last().map(|i| i.range.end), Some(text.len()));
        assert!(all[4].variables.contains(&"a") && all[4].variables.contains(&"b"));
        assert!(all[2].words.contains(&"s") && !all[2].words.contains(&"G"));
    }

    #[test]
    fn text_the_lexer_cannot_follow_has_no_outline() {
        assert!(outline("package p\nfunc f() {\n").is_none());
        assert!(outline("package p\nfunc f() }\n").is_none());
        assert!(outline("package p\nvar s = \"abc\nfunc f() {}\n").is_none());
        assert!(outline("package p\n/* open\nfunc f() {}\n").is_none());
        assert!(outline("package p\nvar s = `abc\n").is_none());
        assert_eq!(outline("").map(|o| o.len()), Some(1));
    }
}
