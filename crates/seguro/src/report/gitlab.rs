//! `--format gitlab`: GitLab Code Quality JSON (an array of issues with a stable
//! fingerprint of file, rule and line content).

use super::Report;
use seguro_linter::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Style | Severity::Off => "info",
    }
}

/// 64-bit FNV-1a.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A 128-bit hex fingerprint of the parts (independent of line numbers, so a finding
/// keeps its fingerprint when lines are added above it).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut joined = Vec::new();
    for p in parts {
        joined.extend_from_slice(p.as_bytes());
        joined.push(0);
    }
    let a = fnv1a(0xcbf2_9ce4_8422_2325, &joined);
    let b = fnv1a(0x6c62_272e_07bb_0142, &joined);
    format!("{a:016x}{b:016x}")
}

pub fn render(report: &Report) -> String {
    let mut issues: Vec<Issue<'_>> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (file, d) in report.diagnostics() {
        let r = file.range(d.span);
        // An image or registry finding has no line: its place stands in for the line text.
        let place = d.location.as_ref().map(|at| at.describe());
        let content = place
            .as_deref()
            .unwrap_or_else(|| file.line_text(r.line).trim());
        let base = fingerprint(&[&file.name, d.code, content]);
        // The same rule on two identical lines: number the repeats.
        let repeats = seen.iter().filter(|s| **s == base).count();
        seen.push(base.clone());
        let fingerprint = if repeats == 0 {
            base
        } else {
            fingerprint(&[&file.name, d.code, content, &repeats.to_string()])
        };
        let at = place
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        issues.push(Issue {
            description: format!("{} {}: {}{at}", d.code, d.name, d.message),
            check_name: d.code,
            fingerprint,
            severity: severity(d.severity),
            location: Location {
                path: &file.name,
                lines: Lines {
                    begin: r.line,
                    end: r.end_line.max(r.line),
                },
            },
        });
    }
    super::json::pretty(&issues)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = super::fingerprint(&["Dockerfile", "SG202", "RUN sudo x"]);
        assert_eq!(
            a,
            super::fingerprint(&["Dockerfile", "SG202", "RUN sudo x"])
        );
        assert_ne!(
            a,
            super::fingerprint(&["Dockerfile", "SG202", "RUN sudo y"])
        );
        assert_ne!(
            a,
            super::fingerprint(&["Dockerfil", "eSG202", "RUN sudo x"])
        );
        assert_eq!(a.len(), 32);
    }
}
