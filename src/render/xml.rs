//! The XML reports read by CI servers: Checkstyle (`<checkstyle><file><error>`) and JUnit
//! (`<testsuites><testsuite><testcase><failure>`, one test case per finding, one passing case
//! when there is none).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diagnostic::{ColumnEncoding, LineIndex, Severity};
use crate::engine::Report;

/// Text for an XML attribute or element: the five special characters as entities, and the
/// characters XML 1.0 cannot carry at all (controls other than tab, newline and carriage
/// return) as U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

pub fn checkstyle(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut xml = String::from(HEADER);
    xml.push_str("<checkstyle version=\"4.3\">\n");
    // Files with findings and files that could not be analysed, in path order.
    let mut paths: Vec<&str> = report
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(report.errors.iter().map(|e| e.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let _ = writeln!(xml, "  <file name=\"{}\">", escape(path));
        for file in report.files.iter().filter(|f| f.path == path) {
            let index = LineIndex::new(&file.source);
            for d in &file.diagnostics {
                let p = index.position(&file.source, d.span.start, ColumnEncoding::Utf8);
                let _ = writeln!(
                    xml,
                    "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"ctxlint.{}\"/>",
                    p.line,
                    p.column,
                    d.severity,
                    escape(&d.message),
                    d.rule
                );
            }
        }
        for error in report.errors.iter().filter(|e| e.path == path) {
            let _ = writeln!(xml, "    <exception>{}</exception>", escape(&error.message));
        }
        xml.push_str("  </file>\n");
    }
    xml.push_str("</checkstyle>\n");
    out.write_all(xml.as_bytes())
}

pub fn junit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let failures = report.diagnostic_count();
    let errors = report.errors.len();
    let mut xml = String::from(HEADER);
    let _ = writeln!(
        xml,
        "<testsuites name=\"ctxlint\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">",
        (failures + errors).max(1),
        report.elapsed.as_secs_f64()
    );
    if failures + errors == 0 {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"ctxlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"no problems found\" classname=\"ctxlint\"/>\n  </testsuite>"
        );
    }
    for file in &report.files {
        let path = escape(&file.path);
        let index = LineIndex::new(&file.source);
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">",
            n = file.diagnostics.len()
        );
        for d in &file.diagnostics {
            let p = index.position(&file.source, d.span.start, ColumnEncoding::Utf8);
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = writeln!(
                xml,
                "    <testcase name=\"{rule} at {line}:{column}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">\n      <failure message=\"{message}\" type=\"{rule}\">{path}:{line}:{column}: {kind}[{rule}] {message}\nhelp: {help}</failure>\n    </testcase>",
                rule = d.rule,
                line = p.line,
                column = p.column,
                message = escape(&d.message),
                help = escape(&d.help),
            );
        }
        xml.push_str("  </testsuite>\n");
    }
    if errors > 0 {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"files that could not be analysed\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\">"
        );
        for error in &report.errors {
            let path = escape(&error.path);
            let _ = writeln!(
                xml,
                "    <testcase name=\"analyse {path}\" classname=\"{path}\" file=\"{path}\">\n      <error message=\"{message}\">{path}: {message}</error>\n    </testcase>",
                message = escape(&error.message)
            );
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_the_document_well_formed() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\te"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{fffd}\te"
        );
    }
}
