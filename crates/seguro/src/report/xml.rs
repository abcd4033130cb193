//! `--format checkstyle` and `--format junit`: XML reports (every value escaped).

use super::{Report, xml_escape as esc};
use seguro_linter::Severity;
use std::fmt::Write;

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

pub fn checkstyle(report: &Report) -> String {
    let mut out = String::from(HEADER);
    out.push_str("<checkstyle version=\"4.3\">\n");
    for file in &report.files {
        let _ = writeln!(out, "  <file name=\"{}\">", esc(&file.name));
        for d in &file.diagnostics {
            let r = file.range(d.span);
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "info",
            };
            // An image or registry finding: line 1, no column, the place in the message.
            let (column, place) = match &d.location {
                Some(at) => (String::new(), format!("{}: ", at.describe())),
                None => (format!(" column=\"{}\"", r.column), String::new()),
            };
            let _ = writeln!(
                out,
                "    <error line=\"{}\"{column} severity=\"{severity}\" message=\"{}\" source=\"seguro.{}\"/>",
                r.line,
                esc(&format!("{place}{} ({} {})", d.message, d.code, d.name)),
                esc(d.code),
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

pub fn junit(report: &Report) -> String {
    let total = report.diagnostics().count();
    let tests: usize = report
        .files
        .iter()
        .map(|f| f.diagnostics.len().max(1))
        .sum();
    let mut out = String::from(HEADER);
    let _ = writeln!(
        out,
        "<testsuites name=\"seguro\" tests=\"{tests}\" failures=\"{total}\" errors=\"0\">"
    );
    for file in &report.files {
        let name = esc(&file.name);
        let n = file.diagnostics.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
            n.max(1)
        );
        if file.diagnostics.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"no findings\" classname=\"{name}\"/>"
            );
        }
        for d in &file.diagnostics {
            let r = file.range(d.span);
            // An image or registry finding is placed by its location, not a line.
            let (at, mut body) = match &d.location {
                Some(loc) => (
                    loc.describe(),
                    format!("{}: {}: {}", file.name, loc.describe(), d.message),
                ),
                None => (
                    format!("{}:{}", r.line, r.column),
                    format!("{}:{}:{}: {}", file.name, r.line, r.column, d.message),
                ),
            };
            let _ = writeln!(
                out,
                "    <testcase name=\"{} {} at {}\" classname=\"{name}\" file=\"{name}\" line=\"{}\">",
                esc(d.code),
                esc(d.name),
                esc(&at),
                r.line
            );
            if let Some(help) = &d.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                esc(&d.message),
                d.severity,
                esc(&body),
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
