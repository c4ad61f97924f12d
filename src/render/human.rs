//! Human output: codespan-reporting snippets with the rule as code and the help as a note.
//!
//! Two limits keep a hostile or generated file from flooding a terminal or a CI log: a source
//! line longer than [`MAX_LINE`] bytes is shown clipped around the spans on it (as rustc and
//! ruff do), and at most [`MAX_PER_FILE`] findings are shown per file, followed by a line
//! saying how many more there are. Machine formats (JSON, SARIF, short...) keep every finding.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label, Severity as SnippetSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::Buffer, Config};

use crate::diagnostic::{Applicability, Diagnostic, Severity, Span};
use crate::engine::Report;

/// Source lines longer than this (in bytes) are clipped around the spans they hold.
pub const MAX_LINE: usize = 160;
/// How much of a clipped line is kept on each side of a span's start or end (in bytes).
const CONTEXT: usize = 60;
/// Findings shown per file; the rest are counted.
pub const MAX_PER_FILE: usize = 100;
const ELLIPSIS: &str = "…";

pub fn render(report: &Report, color: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let config = Config::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for file in &report.files {
        let name = super::escape_path(&file.path);
        let lines = line_starts(&file.source);
        for d in file.diagnostics.iter().take(MAX_PER_FILE) {
            let excerpt = Excerpt::new(&name, &file.source, &lines, d);
            let snippet = snippet(d, &excerpt);
            term::emit_to_write_style(&mut buffer, &config, &excerpt, &snippet)
                .map_err(io::Error::other)?;
        }
        let hidden = file.diagnostics.len().saturating_sub(MAX_PER_FILE);
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            writeln!(
                buffer,
                "... {hidden} more finding{s} in {name} (`--format short` lists them all)\n"
            )?;
        }
        // Written file by file: a report of many files is not held twice in memory.
        out.write_all(buffer.as_slice())?;
        buffer.clear();
    }
    if quiet {
        return Ok(());
    }
    writeln!(out, "{}", super::summary(report))
}

fn snippet(d: &Diagnostic, excerpt: &Excerpt) -> Snippet<()> {
    let severity = match d.severity {
        Severity::Error => SnippetSeverity::Error,
        Severity::Warning => SnippetSeverity::Warning,
        Severity::Info => SnippetSeverity::Note,
    };
    let mut labels = vec![Label::primary((), excerpt.range(d.span))];
    labels.extend(
        d.labels
            .iter()
            .map(|l| Label::secondary((), excerpt.range(l.span)).with_message(&l.message)),
    );
    let mut notes = vec![format!("help: {}", d.help)];
    if let Some(fix) = &d.fix {
        let kind = match fix.applicability {
            Applicability::Safe => "fix available with `--fix`",
            Applicability::Unsafe => "unsafe fix available with `--fix --unsafe-fixes`",
        };
        notes.push(format!("{kind}: {}", fix.message));
    }
    Snippet::new(severity)
        .with_code(d.rule)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// The byte offset where each line of `source` starts.
fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1))
        .collect()
}

/// The lines of one finding (from the first line any of its spans touches to the last, with a
/// line of context on each side), long ones clipped, as a file codespan can render: line
/// numbers are those of the real file.
struct Excerpt<'a> {
    name: &'a str,
    source: &'a str,
    lines: &'a [usize],
    text: String,
    /// Real index (0-based) of the excerpt's first line.
    first_line: usize,
    /// Start of each excerpt line in `text`.
    starts: Vec<usize>,
    /// Span endpoints (original offset → offset in `text`), sorted by original offset.
    points: Vec<(usize, usize)>,
}

impl<'a> Excerpt<'a> {
    fn new(name: &'a str, source: &'a str, lines: &'a [usize], d: &Diagnostic) -> Excerpt<'a> {
        let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
        let mut points: Vec<usize> = spans
            .flat_map(|s| [s.start, s.end.max(s.start)])
            .map(|p| floor_boundary(source, p.min(source.len())))
            .collect();
        points.sort_unstable();
        points.dedup();
        let line_of = |offset: usize| lines.partition_point(|&s| s <= offset).saturating_sub(1);
        let first_line = line_of(points[0]).saturating_sub(1);
        let last_line = (line_of(points[points.len() - 1]) + 1).min(lines.len() - 1);
        let mut excerpt = Excerpt {
            name,
            source,
            lines,
            text: String::new(),
            first_line,
            starts: Vec::new(),
            points: Vec::with_capacity(points.len()),
        };
        let mut next_point = points.iter().copied().peekable();
        for line in first_line..=last_line {
            let start = lines[line];
            let end = lines.get(line + 1).map_or(source.len(), |&s| s - 1);
            let mut on_line = Vec::new();
            while let Some(p) = next_point.next_if(|&p| p <= end) {
                on_line.push(p);
            }
            excerpt.starts.push(excerpt.text.len());
            excerpt.push_line(source, start..end, &on_line);
            excerpt.text.push('\n');
        }
        excerpt
    }

    /// Appends the line `range` of `source`, clipped around `points` when too long.
    fn push_line(&mut self, source: &str, range: Range<usize>, points: &[usize]) {
        let line = &source[range.clone()];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let range = range.start..range.start + line.len();
        if line.len() <= MAX_LINE {
            let base = self.text.len();
            self.text.push_str(line);
            for &p in points {
                let p = p.min(range.end);
                self.points.push((p, base + p - range.start));
            }
            return;
        }
        // Windows of CONTEXT bytes around each point, merged when they overlap; a line with no
        // point (inside a multi-line span) keeps its start.
        let mut windows: Vec<Range<usize>> = Vec::new();
        let centres: Vec<usize> = if points.is_empty() {
            vec![range.start + CONTEXT]
        } else {
            points.iter().map(|&p| p.min(range.end)).collect()
        };
        for p in centres {
            let from = floor_boundary(source, p.saturating_sub(CONTEXT).max(range.start));
            let to = ceil_boundary(source, (p + CONTEXT).min(range.end));
            match windows.last_mut() {
                Some(last) if from <= last.end => last.end = last.end.max(to),
                _ => windows.push(from..to),
            }
        }
        let mut cursor = range.start;
        let mut pending = points.iter().copied().peekable();
        for window in windows {
            if window.start > cursor {
                self.text.push_str(ELLIPSIS);
            }
            let base = self.text.len();
            self.text.push_str(&source[window.clone()]);
            while let Some(p) = pending.next_if(|&p| p <= window.end) {
                let p = p.clamp(window.start, window.end);
                self.points.push((p, base + p - window.start));
            }
            cursor = window.end;
        }
        if cursor < range.end {
            self.text.push_str(ELLIPSIS);
        }
    }

    /// Where `span` is in the excerpt.
    fn range(&self, span: Span) -> Range<usize> {
        let at = |offset: usize| {
            let i = self.points.partition_point(|&(p, _)| p < offset);
            self.points
                .get(i)
                .or(self.points.last())
                .map_or(0, |&(_, x)| x)
        };
        let start = at(span.start);
        start..at(span.end.max(span.start)).max(start)
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.first_line + self.starts.partition_point(|&s| s <= byte_index) - 1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let i = line_index
            .checked_sub(self.first_line)
            .filter(|&i| i < self.starts.len())
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.first_line + self.starts.len(),
            })?;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        Ok(self.starts[i]..end)
    }

    /// The column in the real line (a clipped line's excerpt columns are not the file's).
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let original = self.points.iter().find(|&&(_, x)| x == byte_index);
        match (original, self.lines.get(line_index)) {
            (Some(&(p, _)), Some(&start)) if start <= p => {
                Ok(self.source[start..p].chars().count() + 1)
            }
            _ => {
                let range = self.line_range((), line_index)?;
                let at = byte_index.clamp(range.start, range.end);
                Ok(self.text[range.start..at].chars().count() + 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::engine::FileReport;

    fn finding(start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            rule: "discarded-cancel",
            severity: Severity::Warning,
            message: "m".into(),
            span: Span::new(start, end),
            labels: Vec::new(),
            help: "h".into(),
            fix: None,
        }
    }

    fn human(source: &str, diagnostics: Vec<Diagnostic>) -> String {
        let report = Report {
            files: vec![FileReport {
                path: "f.go".into(),
                file: "f.go".into(),
                source: source.into(),
                diagnostics,
            }],
            ..Report::default()
        };
        let mut out = Vec::new();
        render(&report, false, true, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn long_lines_are_clipped_around_the_span() {
        let source = format!(
            "package p\n{}XYZ{}\nfunc f() {{}}\n",
            "a".repeat(5000),
            "b".repeat(5000)
        );
        let out = human(&source, vec![finding(10 + 5000, 10 + 5003)]);
        assert!(out.contains("f.go:2:5001"), "{out}");
        assert!(out.len() < 1000, "{out}");
        let shown = out.lines().find(|l| l.contains("XYZ")).unwrap();
        assert!(shown.contains(&format!("…{}XYZ{}…", "a".repeat(60), "b".repeat(60))));
        // The underline is under XYZ.
        let marks = out.lines().find(|l| l.contains("^^^")).unwrap();
        assert_eq!(marks.find('^'), shown.find('X').map(|x| x - 2));
    }

    #[test]
    fn short_lines_and_multibyte_text_are_kept() {
        let source = "package p\nfunc f() { ü := 1 }\n";
        let at = source.find('ü').unwrap();
        let out = human(source, vec![finding(at, at + 2)]);
        assert!(out.contains("func f() { ü := 1 }"), "{out}");
        let long = format!("package p\n{}ü{}\n", "é".repeat(300), "ö".repeat(300));
        let at = long.find('ü').unwrap();
        let out = human(&long, vec![finding(at, at + 2)]);
        assert!(out.contains('ü') && out.len() < 1500, "{out}");
    }

    #[test]
    fn findings_per_file_are_capped_with_a_count() {
        let source = "package p\n".repeat(300);
        let all: Vec<Diagnostic> = (0..250).map(|i| finding(i * 10, i * 10 + 7)).collect();
        let out = human(&source, all);
        assert_eq!(
            out.matches("warning[discarded-cancel]").count(),
            MAX_PER_FILE
        );
        assert!(out.contains("... 150 more findings in f.go"), "{out}");
    }
}
