//! SR001: the published tag is `latest`, missing, or not a version.

use super::{Check, report};
use crate::publish::Facts;
use seguro_linter::Diagnostic;

declare_registry_rule! {
    /// ## What it does
    /// Flags an image published without a tag (so it is `latest`), as `latest`, or under a
    /// tag that is not a version: SemVer `MAJOR.MINOR.PATCH` with an optional `v` and
    /// pre-release (`v1.4.2`, `2.0.0-rc.1`), a date (`2026.11.28`, `20261128`) or a commit
    /// hash (`3f9c2ab`, `sha-3f9c2ab`) are accepted. A reference by digest alone is not
    /// checked.
    ///
    /// ## Why it matters
    /// `latest` and floating tags (`1.4`, `stable`, `main`) move: what users pull today is
    /// not what they pulled yesterday, deployments cannot be reproduced or rolled back, and
    /// nobody can tell which version runs. A unique version tag per release, with SemVer
    /// telling how big a change is, keeps releases traceable.
    ///
    /// ## Example
    /// ```text
    /// reference ghcr.io/acme/app:latest
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// ```
    ///
    /// ## Aliases
    /// DKL-DI-0006 (dockle: the reference ends in `latest`).
    ///
    /// ## References
    /// Chapter section 3.2.1 (tags); Semantic Versioning 2.0.0.
    pub struct TagNotVersioned {
        code: "SR001",
        name: "tag-not-versioned",
        severity: Warning,
        section: "3.2.1",
        aliases: ["DKL-DI-0006"],
        fixable: None,
    }
}

impl Check for TagNotVersioned {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        let help = "publish each release under its own version tag, e.g. `v1.4.2` (SemVer)";
        let message = match facts.tag() {
            None if facts.reference.digest.is_some() => return,
            None => "the image has no tag, so it is published as `latest`".to_owned(),
            Some(tag) => match version_kind(tag) {
                Ok(_) => return,
                Err(why) => format!("tag `{tag}` {why}"),
            },
        };
        out.push(report(&Self::META, facts, Some("tag"), message, help));
    }
}

/// What kind of version a tag is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionKind {
    SemVer,
    Date,
    CommitHash,
}

/// Classifies a tag, or says why it is not a version.
pub fn version_kind(tag: &str) -> Result<VersionKind, &'static str> {
    if tag.eq_ignore_ascii_case("latest") {
        return Err("is `latest`, which moves with every push");
    }
    if semver_like(tag) {
        return Ok(VersionKind::SemVer);
    }
    if date_like(tag) {
        return Ok(VersionKind::Date);
    }
    if hash_like(tag) {
        return Ok(VersionKind::CommitHash);
    }
    let bare = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    let parts: Vec<&str> = bare.split('.').collect();
    let short_number =
        |p: &&str| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() < 3 && parts.iter().all(short_number) {
        return Err("is a floating tag (not MAJOR.MINOR.PATCH): it moves with every release");
    }
    Err("is not a version (SemVer like `v1.4.2`, a date or a commit hash)")
}

/// `v?MAJOR.MINOR.PATCH[-pre]`, checked with the `semver` crate; `_` may stand for `+`
/// (tags cannot hold `+`).
pub fn semver_like(tag: &str) -> bool {
    let bare = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    semver::Version::parse(bare).is_ok()
        || semver::Version::parse(&bare.replacen('_', "+", 1)).is_ok()
}

/// `YYYY.MM.DD`, `YYYY-MM-DD` or `YYYYMMDD`, optionally followed by `.N`, `-x` or `_x`.
fn date_like(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let (y, m, d, rest) =
        if bytes.len() >= 10 && matches!(bytes[4], b'.' | b'-') && bytes[7] == bytes[4] {
            (&bytes[0..4], &bytes[5..7], &bytes[8..10], &bytes[10..])
        } else if bytes.len() >= 8 {
            (&bytes[0..4], &bytes[4..6], &bytes[6..8], &bytes[8..])
        } else {
            return false;
        };
    if !(digits(y) && digits(m) && digits(d)) {
        return false;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    let plausible =
        (1970..=2999).contains(&num(y)) && (1..=12).contains(&num(m)) && (1..=31).contains(&num(d));
    plausible && (rest.is_empty() || matches!(rest[0], b'.' | b'-' | b'_') && rest.len() > 1)
}

/// A commit hash: 7 to 40 (or 64) lowercase hex digits holding both a letter and a digit,
/// or any such hex after `sha-`, `git-` or `commit-`.
fn hash_like(tag: &str) -> bool {
    let prefixed = ["sha-", "git-", "commit-"]
        .iter()
        .find_map(|p| tag.strip_prefix(p));
    let hex = prefixed.unwrap_or(tag);
    let sized = (7..=40).contains(&hex.len()) || hex.len() == 64;
    let is_hex = hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let mixed =
        hex.bytes().any(|b| b.is_ascii_digit()) && hex.bytes().any(|b| b.is_ascii_lowercase());
    sized && is_hex && (prefixed.is_some() || mixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RegistryRule as _;
    use crate::rules::example::facts;

    fn fires(reference: &str) -> Vec<String> {
        let mut out = Vec::new();
        TagNotVersioned.check(&facts(&format!("reference {reference}")).unwrap(), &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn pass() {
        for tag in [
            "1.4.2",
            "v1.4.2",
            "V2.0.0",
            "2.0.0-rc.1",
            "v1.0.0-alpha.beta.1",
            "1.2.3_build.5",
            "2026.11.28",
            "2026-11-28",
            "20261128",
            "20261128-1",
            "2026.11.28.2",
            "3f9c2ab",
            "sha-3f9c2ab",
            "git-0123456789abcdef0123456789abcdef01234567",
        ] {
            assert!(version_kind(tag).is_ok(), "{tag}");
            assert!(
                fires(&format!("ghcr.io/acme/app:{tag}")).is_empty(),
                "{tag}"
            );
        }
        assert!(
            fires(&format!(
                "ghcr.io/acme/app@{}",
                crate::rules::example::EXAMPLE_DIGEST
            ))
            .is_empty()
        );
    }

    #[test]
    fn fail() {
        for (tag, why) in [
            ("latest", "`latest`"),
            ("LATEST", "`latest`"),
            ("1.4", "floating"),
            ("v1", "floating"),
            ("stable", "not a version"),
            ("main", "not a version"),
            ("1.2.3.4.5", "not a version"),
            ("01.2.3", "not a version"),
            ("20261340", "not a version"),
            ("deadbeef", "not a version"),
            ("1234567", "not a version"),
        ] {
            let found = fires(&format!("ghcr.io/acme/app:{tag}"));
            assert_eq!(found.len(), 1, "{tag}");
            assert!(found[0].contains(why), "{tag}: {}", found[0]);
        }
        let found = fires("ghcr.io/acme/app");
        assert!(found[0].contains("no tag"), "{found:?}");
    }
}
