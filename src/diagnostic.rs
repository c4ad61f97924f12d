//! What a rule reports: a diagnostic with its primary span, secondary labels, help and fix,
//! plus the byte → line/column arithmetic every output format shares.

use serde::Serialize;
use std::fmt;

/// How serious a finding is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A half-open byte range `[start, end)` into a file's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn of(node: tree_sitter::Node<'_>) -> Span {
        Span::new(node.start_byte(), node.end_byte())
    }

    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    pub fn overlaps(self, other: Span) -> bool {
        // Two insertions at the same point conflict too.
        (self.start < other.end && other.start < self.end)
            || (self.start == other.start && (self.start == self.end || other.start == other.end))
    }
}

/// A secondary location that explains the primary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Whether `--fix` may apply a fix on its own (`Safe`) or only with `--unsafe-fixes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace the bytes of `span` with `new_text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: String,
    pub fix: Option<Fix>,
}

/// Unit in which columns are counted (JSON `--column-encoding`, LSP, SARIF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColumnEncoding {
    #[default]
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "utf-16")]
    Utf16,
    #[value(name = "utf-32")]
    Utf32,
}

/// A resolved position: 0-based byte offset, 1-based line, 1-based column in the chosen unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub byte: usize,
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a source, for byte → (line, column) conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line containing `byte`.
    pub fn line_of(&self, byte: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(0)
    }

    pub fn position(&self, source: &str, byte: usize, encoding: ColumnEncoding) -> Position {
        let byte = clamp_to_char_boundary(source, byte);
        let line = self.line_of(byte);
        let start = self.line_start(line);
        let prefix = &source[start..byte];
        let column = match encoding {
            ColumnEncoding::Utf8 => prefix.len(),
            ColumnEncoding::Utf16 => prefix.encode_utf16().count(),
            ColumnEncoding::Utf32 => prefix.chars().count(),
        };
        Position {
            byte,
            line: line + 1,
            column: column + 1,
        }
    }

    /// The inverse of [`LineIndex::position`], with a 0-based `line` and `column` (as LSP counts
    /// them) in `encoding` units. A column past the end of the line means the line's end (before
    /// its `\n` or `\r\n`); a line past the end means the end of the source; a column inside a
    /// character (half a UTF-16 surrogate pair) rounds down to its start.
    pub fn offset(
        &self,
        source: &str,
        line: usize,
        column: usize,
        encoding: ColumnEncoding,
    ) -> usize {
        let Some(&start) = self.starts.get(line) else {
            return source.len();
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(source.len());
        let text = source.get(start..end).unwrap_or("");
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let mut units = 0;
        for (i, c) in text.char_indices() {
            let next = units
                + match encoding {
                    ColumnEncoding::Utf8 => c.len_utf8(),
                    ColumnEncoding::Utf16 => c.len_utf16(),
                    ColumnEncoding::Utf32 => 1,
                };
            if next > column {
                return start + i;
            }
            units = next;
        }
        start + text.len()
    }
}

fn clamp_to_char_boundary(source: &str, mut byte: usize) -> usize {
    byte = byte.min(source.len());
    while !source.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_columns_in_the_requested_unit() {
        let src = "a\nπé = 😀x\n";
        let idx = LineIndex::new(src);
        let x = src.find('x').unwrap();
        assert_eq!(idx.position(src, x, ColumnEncoding::Utf8).column, 12);
        assert_eq!(idx.position(src, x, ColumnEncoding::Utf16).column, 8);
        assert_eq!(idx.position(src, x, ColumnEncoding::Utf32).column, 7);
        assert_eq!(idx.position(src, x, ColumnEncoding::Utf8).line, 2);
        assert_eq!(idx.position(src, 0, ColumnEncoding::Utf8).line, 1);
        // Past the end and inside a multi-byte character are clamped, never a panic.
        assert_eq!(idx.position(src, 1000, ColumnEncoding::Utf8).line, 3);
        assert_eq!(idx.position(src, 3, ColumnEncoding::Utf8).column, 1);
    }

    #[test]
    fn offsets_invert_positions_in_every_unit() {
        let src = "a\r\nπé = \"日本語😀\"x\n\nlast";
        let idx = LineIndex::new(src);
        for encoding in [
            ColumnEncoding::Utf8,
            ColumnEncoding::Utf16,
            ColumnEncoding::Utf32,
        ] {
            // Every character boundary but the inside of `\r\n` survives the round trip.
            let bytes = src.char_indices().map(|(i, _)| i).chain([src.len()]);
            for byte in bytes.filter(|&b| !src[..b].ends_with('\r')) {
                let p = idx.position(src, byte, encoding);
                let back = idx.offset(src, p.line - 1, p.column - 1, encoding);
                assert_eq!(back, byte, "{encoding:?} byte {byte}");
            }
        }
        let x = src.find('x').unwrap();
        // Half of the surrogate pair of 😀 rounds down to the emoji's start.
        let emoji = src.find('😀').unwrap();
        assert_eq!(idx.offset(src, 1, 10, ColumnEncoding::Utf16), emoji);
        assert_eq!(idx.offset(src, 1, 11, ColumnEncoding::Utf16), x - 1);
        assert_eq!(idx.offset(src, 1, 12, ColumnEncoding::Utf16), x);
        // Past the end of a line stops before its line break; past the last line, at the end.
        assert_eq!(idx.offset(src, 0, 99, ColumnEncoding::Utf8), 1);
        assert_eq!(idx.offset(src, 1, 99, ColumnEncoding::Utf16), x + 1);
        assert_eq!(idx.offset(src, 99, 0, ColumnEncoding::Utf8), src.len());
    }

    #[test]
    fn insertions_at_the_same_point_overlap() {
        assert!(Span::empty(3).overlaps(Span::empty(3)));
        assert!(!Span::new(0, 3).overlaps(Span::new(3, 5)));
        assert!(Span::new(0, 4).overlaps(Span::new(3, 5)));
    }
}
