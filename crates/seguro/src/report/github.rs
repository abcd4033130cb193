//! `--format github`: GitHub Actions workflow commands, one line per finding
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message`).

use super::Report;
use seguro_linter::Severity;
use std::fmt::Write;

/// Escapes a command's message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (file, d) in report.diagnostics() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(at) = &d.location {
            // No line in an image or a registry: a file-level annotation naming the place.
            let place = at.describe();
            let _ = writeln!(
                out,
                "::{command} file={},title={}::{}{}",
                property(&file.name),
                property(&format!("{} {}", d.code, d.name)),
                if place.is_empty() {
                    String::new()
                } else {
                    data(&format!("{place}: "))
                },
                data(&message),
            );
            continue;
        }
        let r = file.range(d.span);
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&file.name),
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            property(&format!("{} {}", d.code, d.name)),
            data(&message),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(super::data("a,b:c\r"), "a,b:c%0D");
    }
}
