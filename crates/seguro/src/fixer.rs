//! `--fix` and `--diff`: the fix loop (apply, re-lint, until stable), unified diffs and
//! atomic writes.

use seguro_linter::{Config, Diagnostic, Options, fix, lint};
use std::io::Write;
use std::path::Path;

/// At most this many apply/re-lint passes.
const MAX_PASSES: usize = 5;

/// What the fix loop did to one text.
pub struct Fixed {
    pub text: String,
    /// Fixes applied, over every pass.
    pub applied: usize,
}

/// Number of errors BuildKit would report (what SG000 reports).
fn parse_errors(src: &str) -> usize {
    seguro_dockerfile::parse(src).errors.len()
}

/// Applies the fixes `--fix` would apply, re-linting after each pass until nothing
/// changes (at most [`MAX_PASSES`] passes). A fix whose result has more parse errors than
/// its input is dropped.
pub fn fix_loop(
    file: &str,
    src: &str,
    config: &Config,
    options: Options<'_>,
    unsafe_fixes: bool,
) -> Fixed {
    let mut text = src.to_string();
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        let diagnostics = lint(file, &text, config, options);
        let Some((next, n)) = one_pass(&text, &diagnostics, unsafe_fixes) else {
            break;
        };
        text = next;
        applied += n;
    }
    Fixed { text, applied }
}

/// One pass: the new text and the number of fixes, or `None` when nothing applies.
fn one_pass(text: &str, diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Option<(String, usize)> {
    let (next, n) = fix::apply(text, diagnostics, unsafe_fixes);
    if n == 0 || next == text {
        return None;
    }
    let before = parse_errors(text);
    if parse_errors(&next) <= before {
        return Some((next, n));
    }
    // Some fix breaks the parse: keep only those that do not, one by one.
    let good: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| {
            let (alone, k) = fix::apply(text, std::slice::from_ref(*d), unsafe_fixes);
            k > 0 && parse_errors(&alone) <= before
        })
        .cloned()
        .collect();
    let (next, n) = fix::apply(text, &good, unsafe_fixes);
    (n > 0 && next != text && parse_errors(&next) <= before).then_some((next, n))
}

/// A unified diff of `old` → `new` for `name` (empty when they are equal). Secret values
/// in the changed lines are masked.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    text.split_inclusive('\n')
        .map(|line| {
            let findings = seguro_secrets::scan(line);
            if findings.is_empty() {
                line.to_string()
            } else {
                seguro_secrets::mask_in(line, &findings)
            }
        })
        .collect()
}

/// Replaces the contents of `path` atomically: a temporary file in the same directory,
/// the original permissions, then a rename over the original (through symlinks).
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let target = std::fs::canonicalize(path).map_err(err)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = std::fs::metadata(&target).map_err(err)?.permissions();
    let tmp = dir.join(format!(".{name}.seguro-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::set_permissions(&tmp, permissions)?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use seguro_dockerfile::Span;
    use seguro_linter::{Edit, Fix, Severity};

    fn with_fix(span: Span, replacement: &str) -> Diagnostic {
        Diagnostic {
            code: "SG999",
            name: "test",
            severity: Severity::Warning,
            message: String::new(),
            span,
            help: None,
            fix: Some(Fix::safe(
                "test",
                vec![Edit {
                    span,
                    replacement: replacement.to_string(),
                }],
            )),
            related: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn a_fix_that_breaks_the_parse_is_dropped() {
        let src = "FROM alpine:3.20\nMAINTAINER me\n";
        let breaks = with_fix(Span::new(0, 16), "FROM a b c d");
        let fine = with_fix(Span::new(17, 30), "LABEL a=b");
        let (text, n) = one_pass(src, &[breaks.clone(), fine], false).expect("one applies");
        assert_eq!(n, 1);
        assert_eq!(text, "FROM alpine:3.20\nLABEL a=b\n");
        assert!(one_pass(src, &[breaks], false).is_none());
    }

    #[test]
    fn unsafe_fixes_need_the_flag() {
        let src = "FROM alpine:3.20\nMAINTAINER me\n";
        let mut d = with_fix(Span::new(17, 30), "LABEL a=b");
        d.fix.as_mut().unwrap().applicability = seguro_linter::Applicability::Unsafe;
        assert!(one_pass(src, std::slice::from_ref(&d), false).is_none());
        assert!(one_pass(src, &[d], true).is_some());
    }

    #[test]
    fn diffs() {
        assert_eq!(unified_diff("D", "a\n", "a\n"), "");
        let d = unified_diff("D", "a\nb\n", "a\nc\n");
        assert!(d.starts_with("--- a/D\n+++ b/D\n@@"), "{d}");
        assert!(d.contains("\n-b\n+c\n"), "{d}");
    }
}
