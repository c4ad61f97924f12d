//! Conversions between ctxlint's byte offsets and the protocol's shapes: positions in the
//! negotiated encoding, diagnostics, `file:` URIs, and the "ignore on this line" edit.

use std::path::PathBuf;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Range, Uri,
};

use crate::diagnostic::{ColumnEncoding, Diagnostic, Edit, LineIndex, Severity, Span};
use crate::rules;

/// Inserted by "ignore on this line" after the rule name, for the user to replace.
const REASON_PLACEHOLDER: &str = "TODO: reason";

/// Suppresses `rule` on `line`: adds it to a `//ctxlint:ignore` comment on the line above if
/// there is one (a second comment line would push that one out of reach), else inserts one
/// above with the line's indentation and line ending. `None` if the comment above already
/// names the rule.
pub(super) fn ignore_edit(text: &str, index: &LineIndex, line: usize, rule: &str) -> Option<Edit> {
    const DIRECTIVE: &str = "//ctxlint:ignore";
    let start = index.line_start(line);
    if line > 0 {
        let above_start = index.line_start(line - 1);
        let above = text.get(above_start..start).unwrap_or("");
        let trimmed = above.trim_start();
        if let Some(rest) = trimmed.strip_prefix(DIRECTIVE) {
            if rest.starts_with([' ', '\t']) {
                let rules_start = above.len() - rest.trim_start().len();
                let rules = above[rules_start..]
                    .split(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                if !rules.is_empty() {
                    if rules.split(',').any(|r| r == rule) {
                        return None;
                    }
                    let end = above_start + rules_start + rules.len();
                    return Some(Edit {
                        span: Span::empty(end),
                        new_text: format!(",{rule}"),
                    });
                }
            }
        }
    }
    let current = &text[start..];
    let current = current.split('\n').next().unwrap_or(current);
    let indent_len = current.len() - current.trim_start_matches([' ', '\t']).len();
    let newline = if current.ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    Some(Edit {
        span: Span::empty(start),
        new_text: format!(
            "{}{DIRECTIVE} {rule} {REASON_PLACEHOLDER}{newline}",
            &current[..indent_len]
        ),
    })
}

pub(super) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn to_position(
    index: &LineIndex,
    text: &str,
    byte: usize,
    encoding: ColumnEncoding,
) -> lsp_types::Position {
    let p = index.position(text, byte, encoding);
    lsp_types::Position::new(
        u32::try_from(p.line - 1).unwrap_or(u32::MAX),
        u32::try_from(p.column - 1).unwrap_or(u32::MAX),
    )
}

pub(super) fn to_range(
    index: &LineIndex,
    text: &str,
    span: Span,
    encoding: ColumnEncoding,
) -> Range {
    Range::new(
        to_position(index, text, span.start, encoding),
        to_position(index, text, span.end, encoding),
    )
}

/// An LSP range as bytes; an inverted range is put in order.
pub(super) fn to_span(
    index: &LineIndex,
    text: &str,
    range: Range,
    encoding: ColumnEncoding,
) -> Span {
    let offset = |p: lsp_types::Position| {
        index.offset(text, p.line as usize, p.character as usize, encoding)
    };
    let (a, b) = (offset(range.start), offset(range.end));
    Span::new(a.min(b), a.max(b))
}

/// The edit that turns `span` of the text that `index` indexes into `new_text`, for
/// [`tree_sitter::Tree::edit`] (points are rows and byte columns).
pub(super) fn input_edit(index: &LineIndex, span: Span, new_text: &str) -> tree_sitter::InputEdit {
    let point = |byte: usize| {
        let row = index.line_of(byte);
        tree_sitter::Point::new(row, byte - index.line_start(row))
    };
    let start_position = point(span.start);
    let new_end_position = match memchr::memrchr(b'\n', new_text.as_bytes()) {
        None => tree_sitter::Point::new(start_position.row, start_position.column + new_text.len()),
        Some(last) => tree_sitter::Point::new(
            start_position.row + memchr::memchr_iter(b'\n', new_text.as_bytes()).count(),
            new_text.len() - last - 1,
        ),
    };
    tree_sitter::InputEdit {
        start_byte: span.start,
        old_end_byte: span.end,
        new_end_byte: span.start + new_text.len(),
        start_position,
        old_end_position: point(span.end),
        new_end_position,
    }
}

pub(super) fn to_lsp(
    d: &Diagnostic,
    uri: &Uri,
    index: &LineIndex,
    text: &str,
    encoding: ColumnEncoding,
) -> lsp_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), to_range(index, text, label.span, encoding)),
            message: label.message.clone(),
        })
        .collect();
    let message = if d.help.is_empty() {
        d.message.clone()
    } else {
        format!("{}\nhelp: {}", d.message, d.help)
    };
    lsp_types::Diagnostic {
        range: to_range(index, text, d.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: rules::find(d.rule)
            .and_then(|rule| Uri::from_str(&rule.url()).ok())
            .map(|href| CodeDescription { href }),
        source: Some("ctxlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The path of a `file:` URI (percent-decoded; `/C:/x` becomes `C:/x` on Windows).
pub(super) fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // Skip the authority (usually empty, or `localhost`).
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    if cfg!(windows) {
        let b = decoded.as_bytes();
        if b.len() >= 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    Some(PathBuf::from(decoded))
}

pub(super) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn file_uris_become_paths() {
        let path = file_path(&uri("file:///home/a%20b/%CF%80.go")).unwrap();
        if cfg!(windows) {
            return;
        }
        assert_eq!(path, PathBuf::from("/home/a b/π.go"));
        assert_eq!(
            file_path(&uri("file://localhost/x/ctxlint.toml")),
            Some(PathBuf::from("/x/ctxlint.toml"))
        );
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(percent_decode("/bad%zz"), None);
        assert_eq!(percent_decode("/bad%"), None);
    }

    #[test]
    fn ignore_comments_go_above_with_the_line_indentation() {
        let text = "func f() {\r\n\t  x()\r\n}\r\n";
        let index = LineIndex::new(text);
        let edit = ignore_edit(text, &index, 1, "discarded-cancel").unwrap();
        assert_eq!(edit.span, Span::empty(text.find('\t').unwrap()));
        assert_eq!(
            edit.new_text,
            "\t  //ctxlint:ignore discarded-cancel TODO: reason\r\n"
        );
        let first = ignore_edit(text, &index, 0, "r").unwrap();
        assert_eq!(first.span, Span::empty(0));
        assert_eq!(first.new_text, "//ctxlint:ignore r TODO: reason\r\n");
    }

    #[test]
    fn ignore_comments_above_are_extended_not_stacked() {
        let text = "\t//ctxlint:ignore a,b the reason\n\tx()\n";
        let index = LineIndex::new(text);
        let edit = ignore_edit(text, &index, 1, "c").unwrap();
        assert_eq!(edit.span, Span::empty(text.find(" the").unwrap()));
        assert_eq!(edit.new_text, ",c");
        assert_eq!(ignore_edit(text, &index, 1, "b"), None);
        // Not the directive: a new line is inserted.
        let text = "\t//ctxlint:ignored a\n\tx()\n";
        let index = LineIndex::new(text);
        assert_eq!(
            ignore_edit(text, &index, 1, "c").unwrap().span.start,
            text.find("\tx").unwrap()
        );
    }

    #[test]
    fn ranges_convert_both_ways_through_non_ascii_text() {
        let text = "π := \"日本語😀\"; ctx, _ := f()\n";
        let index = LineIndex::new(text);
        let blank = text.find('_').unwrap();
        let span = Span::new(blank, blank + 1);
        for (encoding, column) in [(ColumnEncoding::Utf8, 28), (ColumnEncoding::Utf16, 19)] {
            let range = to_range(&index, text, span, encoding);
            assert_eq!(range.start, lsp_types::Position::new(0, column));
            assert_eq!(to_span(&index, text, range, encoding), span);
        }
    }
}
