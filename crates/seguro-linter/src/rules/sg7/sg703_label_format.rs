//! SG703: a label whose value must have a format (URL, date, SPDX expression…) does not.

use super::labels::labels;
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;

declare_rule! {
    /// ## What it does
    /// Checks the value of typed labels. The OCI annotations are typed by default:
    /// `org.opencontainers.image.created` is an RFC 3339 date-time; `.url`, `.source` and
    /// `.documentation` are URLs; `.licenses` is an SPDX license expression; `.revision`
    /// is a commit hash. So are their label-schema forms (`org.label-schema.build-date`,
    /// `.url`, `.vcs-url`, `.vcs-ref`). `[labels.schema]` in `seguro.toml` types other
    /// keys, or retypes these, with `url`, `semver`, `rfc3339`, `spdx`, `hash`, `email`
    /// or `text`; every key in the schema must also be non-empty.
    ///
    /// ## Why it matters
    /// Registries, scanners and provenance tools parse these values: a `source` of
    /// `github.com/acme/app` (no scheme) or a `created` of `2024-05-01` is dropped or
    /// misread, and the image loses the link to its code. Values taken from ENV variables
    /// are checked after expansion. Values that use a build argument (`ARG REVISION`,
    /// `ARG BUILD_DATE=unknown`) are not judged: the Dockerfile holds only a placeholder
    /// that `--build-arg` replaces at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app" \
    ///       org.opencontainers.image.licenses="Apache License 2.0"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG REVISION
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app" \
    ///       org.opencontainers.image.licenses="Apache-2.0" \
    ///       org.opencontainers.image.revision="${REVISION}"
    /// ```
    ///
    /// ## Fix
    /// None: the right value is the author's to give.
    ///
    /// ## Aliases
    /// DL3051..DL3058
    ///
    /// ## References
    /// Chapter 3.1.7; OCI image-spec annotations; RFC 3339, RFC 3986, SPDX 2.3 annex D,
    /// semver 2.0.0.
    pub struct LabelFormat {
        code: "SG703",
        name: "label-format",
        severity: Warning,
        section: "3.1.7",
        aliases: ["DL3051..DL3058"],
        fixable: None,
    }
}

/// The value formats a label can be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Url,
    Semver,
    Rfc3339,
    Spdx,
    Hash,
    Email,
    Text,
}

impl Format {
    fn parse(name: &str) -> Format {
        match name.trim().to_ascii_lowercase().as_str() {
            "url" => Format::Url,
            "semver" => Format::Semver,
            "rfc3339" => Format::Rfc3339,
            "spdx" => Format::Spdx,
            "hash" => Format::Hash,
            "email" => Format::Email,
            _ => Format::Text,
        }
    }

    fn accepts(self, value: &str) -> bool {
        match self {
            Format::Url => is_url(value),
            Format::Semver => is_semver(value),
            Format::Rfc3339 => is_rfc3339(value),
            Format::Spdx => is_spdx_expression(value),
            Format::Hash => is_hash(value),
            Format::Email => is_email(value),
            Format::Text => true,
        }
    }

    /// What the value should be, with an example, for messages.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Format::Url => ("an absolute URL", "https://github.com/acme/app"),
            Format::Semver => ("a semantic version", "1.4.2"),
            Format::Rfc3339 => ("an RFC 3339 date-time", "2024-05-01T12:00:00Z"),
            Format::Spdx => ("an SPDX license expression", "Apache-2.0 OR MIT"),
            Format::Hash => (
                "a commit hash (7 to 64 hex digits)",
                "4f2c1e0b9d8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
            ),
            Format::Email => ("an email address", "team@example.com"),
            Format::Text => ("a non-empty text", "…"),
        }
    }
}

/// Keys typed without configuration: the OCI annotations and their label-schema forms.
const DEFAULT_FORMATS: &[(&str, Format)] = &[
    ("org.opencontainers.image.created", Format::Rfc3339),
    ("org.opencontainers.image.url", Format::Url),
    ("org.opencontainers.image.source", Format::Url),
    ("org.opencontainers.image.documentation", Format::Url),
    ("org.opencontainers.image.licenses", Format::Spdx),
    ("org.opencontainers.image.revision", Format::Hash),
    ("org.label-schema.build-date", Format::Rfc3339),
    ("org.label-schema.url", Format::Url),
    ("org.label-schema.vcs-url", Format::Url),
    ("org.label-schema.vcs-ref", Format::Hash),
];

impl Check for LabelFormat {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String)> = Vec::new();
        for label in labels(cx).iter() {
            let (Some(key), Some(value)) = (label.key.as_deref(), label.value.as_deref()) else {
                continue;
            };
            let configured = cx.config.label_schema.get(key).map(|f| Format::parse(f));
            let Some(format) = configured.or_else(|| {
                DEFAULT_FORMATS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, f)| *f)
            }) else {
                continue;
            };
            let (what, example) = format.describe();
            if value.trim().is_empty() {
                // An empty default of a build argument is a placeholder, not a value.
                if label.value_has_variable {
                    continue;
                }
                if format == Format::Text && configured.is_none() {
                    continue;
                }
                found.push((
                    Span {
                        start: label.key_span.start,
                        end: label.value_span.end.max(label.key_span.end),
                    },
                    format!("label `{key}` is empty"),
                    format!("give it {what}, e.g. `{example}`"),
                ));
                continue;
            }
            // A build argument's default is a placeholder until `--build-arg` sets it.
            if format.accepts(value) || label.value_from_build_arg {
                continue;
            }
            let help = match (format, hint(format, value)) {
                (_, Some(h)) => h,
                _ => format!("e.g. `{example}`"),
            };
            found.push((
                label.value_span,
                format!("label `{key}` is not {what}: `{}`", shorten(value)),
                help,
            ));
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// A targeted hint for common mistakes.
fn hint(format: Format, value: &str) -> Option<String> {
    match format {
        Format::Url if value.starts_with("git@") => Some(format!(
            "write the repository as an https URL, e.g. `https://{}`",
            value
                .trim_start_matches("git@")
                .replacen(':', "/", 1)
                .trim_end_matches(".git")
        )),
        Format::Url if !value.contains(':') && value.contains('.') => {
            Some(format!("add the scheme: `https://{value}`"))
        }
        Format::Rfc3339 if value.len() == 10 && is_rfc3339(&format!("{value}T00:00:00Z")) => {
            Some(format!("add a time and a zone: `{value}T00:00:00Z`"))
        }
        Format::Spdx if value.contains(' ') => Some(
            "use SPDX identifiers joined by AND/OR, e.g. `Apache-2.0`, `MIT`, `GPL-3.0-or-later`"
                .to_string(),
        ),
        _ => None,
    }
}

fn shorten(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// An RFC 3986 URI with a scheme (`https://…`, `mailto:…`).
fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    if let Some(after) = rest.strip_prefix("//") {
        let authority = after.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return false;
        }
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(|c| c.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b);
        if !allowed {
            return false;
        }
        i += 1;
    }
    true
}

/// A numeric identifier without leading zero.
fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// Semantic Versioning 2.0.0 (`1.2.3`, `1.2.3-rc.1+build.5`), a leading `v` allowed.
fn is_semver(value: &str) -> bool {
    let v = value.strip_prefix('v').unwrap_or(value);
    let (v, build) = match v.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| is_number(p)) {
        return false;
    }
    let ident_ok =
        |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if let Some(pre) = pre
        && !pre
            .split('.')
            .all(|id| ident_ok(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || is_number(id)))
    {
        return false;
    }
    build.is_none_or(|b| b.split('.').all(ident_ok))
}

/// RFC 3339 date-time: `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00`.
fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || min > 59 || sec > 60 {
        return false;
    }
    let mut rest = &value[19..];
    if !rest.is_ascii() {
        return false;
    }
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" => true,
        _ => {
            let o = rest.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && rest
                    .get(1..3)
                    .and_then(|h| h.parse::<u32>().ok())
                    .is_some_and(|h| h < 24)
                && rest
                    .get(4..6)
                    .and_then(|m| m.parse::<u32>().ok())
                    .is_some_and(|m| m < 60)
                && rest[1..3]
                    .bytes()
                    .chain(rest[4..6].bytes())
                    .all(|c| c.is_ascii_digit())
        }
    }
}

/// 7 to 64 hexadecimal digits (short or full SHA-1/SHA-256 commit id).
fn is_hash(value: &str) -> bool {
    (7..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An address (`a@b.c`) or a name with one (`Jane <a@b.c>`).
fn is_email(value: &str) -> bool {
    let addr = match (value.find('<'), value.strip_suffix('>')) {
        (Some(open), Some(inner)) => &inner[open + 1..],
        _ => value,
    };
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = !local.is_empty()
        && local
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(atext));
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// An SPDX license expression (SPDX 2.3 annex D): identifiers (`MIT`, `GPL-2.0+`,
/// `LicenseRef-x`, `DocumentRef-a:LicenseRef-b`) joined by AND/OR, WITH an exception,
/// in parentheses. Identifiers are checked for form, not against the license list.
fn is_spdx_expression(value: &str) -> bool {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in value.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut pos = 0;
    spdx_or(&tokens, &mut pos) && pos == tokens.len()
}

fn spdx_op(token: Option<&String>, op: &str) -> bool {
    token.is_some_and(|t| t == op || *t == op.to_ascii_lowercase())
}

fn spdx_or(t: &[String], pos: &mut usize) -> bool {
    if !spdx_and(t, pos) {
        return false;
    }
    while spdx_op(t.get(*pos), "OR") {
        *pos += 1;
        if !spdx_and(t, pos) {
            return false;
        }
    }
    true
}

fn spdx_and(t: &[String], pos: &mut usize) -> bool {
    if !spdx_with(t, pos) {
        return false;
    }
    while spdx_op(t.get(*pos), "AND") {
        *pos += 1;
        if !spdx_with(t, pos) {
            return false;
        }
    }
    true
}

fn spdx_with(t: &[String], pos: &mut usize) -> bool {
    if !spdx_primary(t, pos) {
        return false;
    }
    if spdx_op(t.get(*pos), "WITH") {
        *pos += 1;
        let Some(exception) = t.get(*pos) else {
            return false;
        };
        if !spdx_id(exception) {
            return false;
        }
        *pos += 1;
    }
    true
}

fn spdx_primary(t: &[String], pos: &mut usize) -> bool {
    let Some(token) = t.get(*pos) else {
        return false;
    };
    if token == "(" {
        *pos += 1;
        if !spdx_or(t, pos) || t.get(*pos).map(String::as_str) != Some(")") {
            return false;
        }
        *pos += 1;
        return true;
    }
    let is_operator = ["AND", "OR", "WITH"]
        .iter()
        .any(|op| spdx_op(Some(token), op));
    if is_operator || token == ")" {
        return false;
    }
    let id = token.strip_suffix('+').unwrap_or(token);
    let ok = match id.split_once(':') {
        Some((doc, lic)) => {
            doc.starts_with("DocumentRef-")
                && spdx_id(doc)
                && lic.starts_with("LicenseRef-")
                && spdx_id(lic)
        }
        None => spdx_id(id),
    };
    if ok {
        *pos += 1;
    }
    ok
}

fn spdx_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::lint::{Options, lint};
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn formats() {
        assert!(is_url("https://github.com/acme/app"));
        assert!(is_url("http://example.com:8080/a?b=c#d"));
        assert!(is_url("mailto:team@example.com"));
        assert!(!is_url("github.com/acme/app"));
        assert!(!is_url("git@github.com:acme/app.git"));
        assert!(!is_url("https://"));
        assert!(!is_url("https://example.com/a b"));
        assert!(!is_url("https://x/%zz"));
        assert!(is_semver("1.2.3"));
        assert!(is_semver("v1.2.3-rc.1+build.5"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("01.2.3"));
        assert!(!is_semver("1.2.3-01"));
        assert!(!is_semver("latest"));
        assert!(is_rfc3339("2024-05-01T12:00:00Z"));
        assert!(is_rfc3339("2024-02-29T23:59:60.123+02:00"));
        assert!(is_rfc3339("2024-05-01 12:00:00z"));
        assert!(!is_rfc3339("2023-02-29T12:00:00Z"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("2024-05-01T12:00:00"));
        assert!(!is_rfc3339("2024-13-01T12:00:00Z"));
        assert!(!is_rfc3339("2024-05-01T12:00:00+0200"));
        assert!(is_spdx_expression("MIT"));
        assert!(is_spdx_expression("Apache-2.0 OR MIT"));
        assert!(is_spdx_expression("(MIT AND BSD-3-Clause) or GPL-2.0+"));
        assert!(is_spdx_expression(
            "GPL-2.0-only WITH Classpath-exception-2.0"
        ));
        assert!(is_spdx_expression("DocumentRef-x:LicenseRef-y"));
        assert!(!is_spdx_expression("Apache License 2.0"));
        assert!(!is_spdx_expression("MIT,Apache-2.0"));
        assert!(!is_spdx_expression("MIT AND"));
        assert!(!is_spdx_expression("(MIT"));
        assert!(!is_spdx_expression(""));
        assert!(is_hash("4f2c1e0"));
        assert!(is_hash("4F2C1E0B9D8A7C6B5A4F3E2D1C0B9A8F7E6D5C4B"));
        assert!(!is_hash("main"));
        assert!(!is_hash("4f2c1"));
        assert!(is_email("team@example.com"));
        assert!(is_email("Jane Doe <jane.doe@example.com>"));
        assert!(!is_email("Jane Doe"));
        assert!(!is_email("a@@b"));
        assert!(!is_email("a b@c.d"));
    }

    #[test]
    fn fires() {
        fail(
            "SG703",
            &[
                "FROM a\nLABEL org.opencontainers.image.source=github.com/acme/app\n",
                "FROM a\nLABEL org.opencontainers.image.source=\"git@github.com:acme/app.git\"\n",
                "FROM a\nLABEL org.opencontainers.image.created=2024-05-01\n",
                "FROM a\nLABEL org.opencontainers.image.licenses=\"Apache License 2.0\"\n",
                "FROM a\nLABEL org.opencontainers.image.revision=main\n",
                "FROM a\nLABEL org.opencontainers.image.url=\"\"\n",
                "FROM a\nlabel org.label-schema.vcs-url=example.com/x\n",
                "FROM a\nLABEL org.opencontainers.image.documentation docs.example.com\n",
                "FROM a\nENV SRC=example.com/app\nLABEL org.opencontainers.image.source=$SRC\n",
                "FROM a\nENV REV=unknown\nLABEL org.opencontainers.image.revision=${REV}\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG703",
            &[
                "FROM a\nLABEL org.opencontainers.image.source=https://github.com/acme/app\n",
                "FROM a\nLABEL \"org.opencontainers.image.created\"=\"2024-05-01T12:00:00Z\"\n",
                "FROM a\nLABEL org.opencontainers.image.licenses=\"Apache-2.0 OR MIT\"\n",
                "FROM a\nLABEL org.opencontainers.image.version=latest\n",
                "FROM a\nLABEL org.opencontainers.image.title=\"\"\n",
                "FROM a\nARG BUILD_DATE\nLABEL org.opencontainers.image.created=$BUILD_DATE\n",
                "FROM a\nARG REV=\nLABEL org.opencontainers.image.revision=$REV\n",
                "FROM a\nARG REV=unknown\nLABEL org.opencontainers.image.revision=$REV\n",
                "FROM a\nARG CREATED=N/A\nLABEL org.opencontainers.image.created=\"${CREATED}\"\n",
                "FROM a\nLABEL org.opencontainers.image.revision=${UNDECLARED}\n",
                "FROM a\nLABEL description=\"anything at all\"\n",
                "FROM a\nLABEL org.opencontainers.image.source https://github.com/acme/app\n",
            ],
        );
    }

    #[test]
    fn configured_schema() {
        let mut config = Config {
            select: Some(vec!["SG703"]),
            ..Config::default()
        };
        for (k, v) in [
            ("com.acme.version", "semver"),
            ("com.acme.contact", "email"),
            ("com.acme.team", "text"),
            ("org.opencontainers.image.revision", "text"),
        ] {
            config.label_schema.insert(k.to_string(), v.to_string());
        }
        let run = |src: &str| lint("Dockerfile", src, &config, Options::default());
        assert_eq!(run("FROM a\nLABEL com.acme.version=1.2\n").len(), 1);
        assert_eq!(run("FROM a\nLABEL com.acme.contact=nobody\n").len(), 1);
        assert_eq!(run("FROM a\nLABEL com.acme.team=\"\"\n").len(), 1);
        assert!(
            run("FROM a\nLABEL com.acme.version=1.2.0 com.acme.contact=a@b.c com.acme.team=x\n")
                .is_empty()
        );
        // Retyped as text: any non-empty value.
        assert!(run("FROM a\nLABEL org.opencontainers.image.revision=main\n").is_empty());
    }

    #[test]
    fn messages() {
        let d = check(
            "SG703",
            "FROM a\nLABEL org.opencontainers.image.source=git@github.com:acme/app.git\n",
        );
        assert_eq!(
            d[0].message,
            "label `org.opencontainers.image.source` is not an absolute URL: `git@github.com:acme/app.git`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("write the repository as an https URL, e.g. `https://github.com/acme/app`")
        );
    }
}
