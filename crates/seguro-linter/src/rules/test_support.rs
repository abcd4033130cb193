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
