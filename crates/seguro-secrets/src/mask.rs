//! Masking: show a recognisable prefix of a secret, hide the rest.

use crate::Finding;

/// Provider prefixes that identify a token without revealing it, longest first.
const PREFIXES: &[&str] = &[
    "github_pat_",
    "sk_live_",
    "rk_live_",
    "glpat-",
    "glptt-",
    "gldt-",
    "glrt-",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxr-",
    "pypi-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "npm_",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "AIza",
    "eyJ",
];

/// What [`mask`] puts in place of the hidden part.
pub const MASK: &str = "****";

/// Masks a secret value: keeps at most a recognisable prefix and appends `****`.
///
/// - A private key block keeps its armour line (`-----BEGIN RSA PRIVATE KEY-----****`);
/// - a provider token keeps its provider prefix (`ghp_****`, `AKIA****`, `xoxb-****`,
///   `glpat-****`, `sk_live_****`, `eyJ****` for a JWT);
/// - any other value of 16 characters or more keeps its first 4 characters (`s3cR****`);
/// - anything shorter becomes `****`.
///
/// In every case the kept part is a prefix of `secret` and at most 25 % of its characters:
/// a prefix (or armour line) that would exceed that is dropped too. Characters, not bytes,
/// are counted, so the result is always valid UTF-8.
///
/// ```
/// use seguro_secrets::mask;
/// assert_eq!(mask(&format!("ghp_{}", "aB3".repeat(12))), "ghp_****");
/// assert_eq!(mask("correct-horse-battery"), "corr****");
/// assert_eq!(mask("hunter2"), "****");
/// ```
pub fn mask(secret: &str) -> String {
    let total = secret.chars().count();
    let fits = |shown: &str| shown.chars().count() * 4 <= total;
    if let Some(rest) = secret.strip_prefix("-----BEGIN ")
        && let Some(p) = rest.find("-----")
    {
        let header = &secret[..11 + p + 5];
        if fits(header) && !header.contains('\n') {
            return format!("{header}{MASK}");
        }
    }
    if let Some(p) = PREFIXES.iter().find(|p| secret.starts_with(**p)) {
        if fits(p) {
            return format!("{p}{MASK}");
        }
        return MASK.to_string();
    }
    if total >= 16 {
        let cut = secret
            .char_indices()
            .nth(4)
            .map_or(secret.len(), |(i, _)| i);
        return format!("{}{MASK}", &secret[..cut]);
    }
    MASK.to_string()
}

/// Returns `text` with every finding's span replaced by [`mask`] of its value.
///
/// Findings may come in any order and may overlap (overlapping spans are merged first);
/// spans that do not fit `text` or do not fall on `char` boundaries are ignored, so a stale
/// finding list cannot make this panic.
pub fn mask_in(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize)> = findings
        .iter()
        .map(|f| (f.span.start, f.span.end))
        .filter(|&(s, e)| {
            s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
        })
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e) in merged {
        out.push_str(&text[pos..s]);
        out.push_str(&mask(&text[s..e]));
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask(""), "****");
        assert_eq!(mask("abc"), "****");
        assert_eq!(mask("ghp_x"), "****");
        assert_eq!(mask(&format!("AKIA{}", "Q7".repeat(8))), "AKIA****");
        assert_eq!(mask("0123456789abcdef"), "0123****");
        assert_eq!(mask("ééééééééééééééééé"), "éééé****");
        let key = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
            "A".repeat(200)
        );
        assert_eq!(mask(&key), "-----BEGIN RSA PRIVATE KEY-----****");
        // Header longer than 25 %: nothing shown.
        let short = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(mask(short), "----****");
    }
}
