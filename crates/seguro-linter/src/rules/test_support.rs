//! Helpers for the pass/fail/fix lists at the bottom of each rule file.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lint::{Options, lint};

/// Diagnostics of only the rule `code` on `src`.
pub fn check(code: &'static str, src: &str) -> Vec<Diagnostic> {
    let config = Config {
        select: Some(vec![code]),
        ..Config::default()
    };
    lint("Dockerfile", src, &config, Options::default())
}

/// Every source must give at least one finding of `code`.
pub fn fail(code: &'static str, sources: &[&str]) {
    for src in sources {
        assert!(
            !check(code, src).is_empty(),
            "{code} should fire on:\n{src}"
        );
    }
}

/// No source may give a finding of `code`.
pub fn pass(code: &'static str, sources: &[&str]) {
    for src in sources {
        let found = check(code, src);
        assert!(
            found.is_empty(),
            "{code} should stay quiet on:\n{src}\nbut gave {found:#?}"
        );
    }
}

/// Applying the rule's safe fixes turns each `before` into `after`.
pub fn fix(code: &'static str, cases: &[(&str, &str)]) {
    for (before, after) in cases {
        let diags = check(code, before);
        let (fixed, _) = crate::fix::apply(before, &diags, false);
        assert_eq!(&fixed, after, "{code} fix of:\n{before}");
    }
}

/// Lints every Dockerfile of the shared corpus with only `codes` selected, prints the
/// count per rule and writes each finding (file, line, message, source line) to
/// `$TMPDIR/seguro-corpus-<code>.txt` for reading by hand.
#[allow(clippy::print_stdout)]
pub fn corpus_survey(codes: &[&'static str]) {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("corpus not found at {}", dir.display());
        return;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut counts: BTreeMap<&str, (usize, usize)> = codes.iter().map(|c| (*c, (0, 0))).collect();
    let mut text: BTreeMap<&str, String> = BTreeMap::new();
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let index = seguro_dockerfile::LineIndex::new(&src);
        for code in codes {
            let found = crate::rules::test_support::check(code, &src);
            if found.is_empty() {
                continue;
            }
            let entry = counts.entry(code).or_default();
            entry.0 += found.len();
            entry.1 += 1;
            let out = text.entry(code).or_default();
            for d in found {
                let at = index.line_col(&src, d.span.start);
                let line = src.lines().nth(at.line as usize - 1).unwrap_or("");
                let _ = writeln!(
                    out,
                    "{name}:{}: {}\n    | {}",
                    at.line,
                    d.message,
                    line.trim()
                );
            }
        }
    }
    println!("{} files", files.len());
    for (code, (n, f)) in &counts {
        println!("{code}: {n} findings in {f} files");
    }
    let tmp = std::env::temp_dir();
    for (code, t) in text {
        let _ = std::fs::write(tmp.join(format!("seguro-corpus-{code}.txt")), t);
    }
}
