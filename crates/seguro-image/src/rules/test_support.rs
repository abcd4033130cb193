//! Helpers for the fire/quiet lists at the bottom of each image rule file: images are
//! written in the notation of [`super::example`].

use crate::check::check_rule;
use crate::rules::find;
use seguro_linter::Diagnostic;

/// The findings of rule `code` alone on the image `desc` describes.
pub fn check(code: &str, desc: &str) -> Vec<Diagnostic> {
    let image = super::example::example_image(desc)
        .unwrap_or_else(|e| panic!("bad example for {code}: {e}\n{desc}"));
    let rule = find(code).unwrap_or_else(|| panic!("no rule {code}"));
    check_rule(&image, rule)
}

/// Every description must give at least one finding of `code`; returns them all.
pub fn fire(code: &str, descs: &[&str]) -> Vec<Vec<Diagnostic>> {
    descs
        .iter()
        .map(|desc| {
            let found = check(code, desc);
            assert!(!found.is_empty(), "{code} should fire on:\n{desc}");
            assert!(found.iter().all(|d| d.code == code && d.location.is_some()));
            found
        })
        .collect()
}

/// No description may give a finding of `code`.
pub fn quiet(code: &str, descs: &[&str]) {
    for desc in descs {
        let found = check(code, desc);
        assert!(
            found.is_empty(),
            "{code} should stay quiet on:\n{desc}\nbut gave {found:#?}"
        );
    }
}

/// The one finding of `code` on `desc` (fails on zero or several).
pub fn one(code: &str, desc: &str) -> Diagnostic {
    let mut found = check(code, desc);
    assert_eq!(found.len(), 1, "{code} on:\n{desc}\ngave {found:#?}");
    found.remove(0)
}
