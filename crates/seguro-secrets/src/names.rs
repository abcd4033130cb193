//! Secret-looking ARG/ENV names and plainly public values: the SG801 decision.

use crate::assign::classify;
use crate::entropy::shannon;
use crate::placeholder::{is_placeholder, is_variable_reference};
use std::sync::LazyLock;

use regex::Regex;

/// Splits a name into lower-case words (see [`secret_like_name`]).
pub(crate) fn tokens(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "creds",
    "key",
    "pass",
    "passphrase",
    "passwd",
    "password",
    "psw",
    "pwd",
    "pword",
    "secret",
    "secrets",
    "token",
    "tokens",
];

const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
];

const ACCEPT_ANYWHERE: &[&str] = &["public", "pub", "pubkey", "file", "files", "version"];

const ACCEPT_LAST: &[&str] = &[
    "alg",
    "algo",
    "algorithm",
    "alias",
    "arn",
    "audience",
    "backend",
    "bits",
    "count",
    "dir",
    "directory",
    "dirs",
    "disable",
    "disabled",
    "domain",
    "email",
    "enable",
    "enabled",
    "endpoint",
    "expiration",
    "expires",
    "expiry",
    "fingerprint",
    "fingerprints",
    "folder",
    "format",
    "fpr",
    "header",
    "host",
    "hostname",
    "id",
    "ids",
    "issuer",
    "keyid",
    "kind",
    "len",
    "length",
    "level",
    "lifetime",
    "location",
    "method",
    "mode",
    "name",
    "names",
    "path",
    "paths",
    "plugin",
    "plugins",
    "policy",
    "port",
    "prefix",
    "provider",
    "realm",
    "region",
    "required",
    "ring",
    "scope",
    "scopes",
    "server",
    "servers",
    "service",
    "size",
    "strategy",
    "suffix",
    "timeout",
    "ttl",
    "type",
    "types",
    "uri",
    "url",
    "urls",
    "user",
    "username",
    "usr",
];

fn is_secret_word(t: &str) -> bool {
    SECRET_WORDS.contains(&t)
        || SECRET_SUFFIXES
            .iter()
            .any(|s| t.len() > s.len() && t.ends_with(s))
}

/// `true` when an ARG/ENV name looks like it holds a secret.
///
/// A name is split into lower-case words on `_`, `-`, `.`, any other non-alphanumeric
/// character and camelCase boundaries (`NPM_AUTH_TOKEN`, `npmAuthToken` → `npm auth token`).
///
/// It is secret-like when one word is a secret word. The list is BuildKit's
/// SecretsUsedInArgOrEnv tokens (`apikey`, `auth`, `credential(s)`, `key`, `password`,
/// `pword`, `passwd`, `secret`, `token`) plus `pass`, `pwd`, `psw` (Jenkins `*_PSW`, a
/// known BuildKit miss), `passphrase`, `creds`, `secrets`, `tokens`, `pat` (last word only:
/// `GH_PAT`), and words *ending* in `password`, `passwd`, `secret`, `token`, `apikey`,
/// `accesskey`, `secretkey`, `privatekey` (`PGPASSWORD`, `APITOKEN`).
///
/// Accepted (not secret-like), checked first:
/// - `AWS_ACCESS_KEY_ID` is always secret-like (it travels with its secret and names the
///   account), and so is a `…SECRET_ID` (Vault AppRole);
/// - any word `public`, `pub`, `pubkey`, `file`, `files`, `version` anywhere (BuildKit
///   accepts `public`, `file`, `version`): `SECRET_FILE`, `PUBLIC_KEY`, `KEY_VERSION`;
/// - a *last* word that says the value is about the secret, not the secret: a location
///   (`_PATH`, `_DIR`, `_URL`, `_URI`, `_HOST`, `_SERVER`, `_ENDPOINT`, `_PORT`), an
///   identity (`_ID`, `_IDS`, `_NAME`, `_USER`, `_USR`, `_EMAIL`, `_ALIAS`, `_ARN`,
///   `_FINGERPRINT`), or a setting (`_TYPE`, `_MODE`, `_METHOD`, `_ENABLED`, `_TTL`,
///   `_TIMEOUT`, `_LENGTH`, `_SIZE`, `_ALGORITHM`, `_HEADER`, `_PREFIX`, `_PROVIDER`,
///   `_PLUGIN`, `_SCOPE`, `_AUDIENCE`, `_ISSUER`, `_REGION` …). `_URL` is accepted because
///   the name says "where", and a URL that embeds credentials is caught by the value
///   ([`value_is_plainly_public`] runs [`crate::scan`]);
/// - `key`/`keys` next to `gpg`, `pgp` or `gnupg` (`GPG_KEY`, `GPG_KEYS`,
///   `WORDPRESS_CLI_GPG_KEY`): by convention a key *fingerprint* (docker-library images),
///   the false alarm users hate in BuildKit and dockle. A private key pasted in such a
///   variable is still caught by SG803, which reads values.
///
/// `username` is not a secret word (hadolint DL3064's "overly paranoid on `username`").
///
/// ```
/// use seguro_secrets::secret_like_name;
/// assert!(secret_like_name("AWS_SECRET_ACCESS_KEY"));
/// assert!(secret_like_name("NPM_TOKEN"));
/// assert!(secret_like_name("JENKINS_PSW"));
/// assert!(!secret_like_name("GPG_KEY"));
/// assert!(!secret_like_name("PASSWORD_FILE"));
/// assert!(!secret_like_name("KEYCLOAK_VERSION"));
/// ```
pub fn secret_like_name(name: &str) -> bool {
    let toks = tokens(name);
    let Some(last) = toks.last().map(String::as_str) else {
        return false;
    };
    if name.eq_ignore_ascii_case("AWS_ACCESS_KEY_ID") {
        return true;
    }
    let prev = if toks.len() >= 2 {
        toks[toks.len() - 2].as_str()
    } else {
        ""
    };
    if last == "id" && prev == "secret" {
        return true;
    }
    if toks.iter().any(|t| ACCEPT_ANYWHERE.contains(&t.as_str())) || ACCEPT_LAST.contains(&last) {
        return false;
    }
    if matches!(last, "key" | "keys")
        && toks
            .iter()
            .any(|t| matches!(t.as_str(), "gpg" | "pgp" | "gnupg"))
    {
        return false;
    }
    if last == "pat" && toks.len() >= 2 {
        return true;
    }
    toks.iter().any(|t| is_secret_word(t))
}

/// Removes surrounding whitespace and one pair of matching quotes.
fn unquote(v: &str) -> &str {
    let v = v.trim();
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        v[1..v.len() - 1].trim()
    } else {
        v
    }
}

fn strip_0x(t: &str) -> &str {
    t.strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t)
}

fn all_hex(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|c| c.is_ascii_hexdigit())
}

/// A GPG fingerprint (40 hex, optionally grouped by spaces, optional `0x`), or a list of
/// fingerprints / long key ids (16 hex) / `0x`-prefixed short ids (8 hex) separated by
/// blanks or commas.
pub(crate) fn is_fingerprint_list(v: &str) -> bool {
    let compact: String = v.chars().filter(|c| *c != ' ').collect();
    if strip_0x(&compact).len() == 40 && all_hex(strip_0x(&compact)) {
        return true;
    }
    let mut n = 0;
    for t in v.split(|c: char| c.is_whitespace() || c == ',') {
        if t.is_empty() {
            continue;
        }
        let h = strip_0x(t);
        let ok =
            all_hex(h) && (h.len() == 40 || h.len() == 16 || (h.len() == 8 && h.len() < t.len()));
        if !ok {
            return false;
        }
        n += 1;
    }
    n > 0
}

/// A hex digest (md5/sha1/sha224/sha256/sha384/sha512 lengths), optionally prefixed by its
/// algorithm (`sha256:`), or an SRI integrity string (`sha384-…`).
pub(crate) fn is_checksum(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let mut h = lower.as_str();
    for p in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] {
        if let Some(rest) = h.strip_prefix(p) {
            if let Some(r) = rest.strip_prefix(['-']) {
                // SRI: base64 of the digest.
                let want = match p {
                    "sha256" => 44,
                    "sha384" => 64,
                    "sha512" => 88,
                    _ => 0,
                };
                return r.len() == want
                    && r.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
            }
            if let Some(r) = rest.strip_prefix([':', '=']) {
                h = r;
            }
            break;
        }
    }
    all_hex(h) && matches!(h.len(), 32 | 40 | 56 | 64 | 96 | 128)
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[vV]?\d+(?:\.\d+)+|[vV]\d+)(?:[-+~_.][0-9A-Za-z][0-9A-Za-z.+~_-]{0,23})?$")
        .expect("regex")
});
static HOSTNAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}(:\d{1,5})?$")
        .expect("regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}$")
        .expect("regex")
});
static SCP_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$").expect("regex")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?(ms|s|m|h|d|w|[kKmMgGtT]i?[bB]?)?$")
        .expect("regex")
});

/// A random-looking path segment (a key that happens to contain `/`).
fn random_segment(seg: &str) -> bool {
    seg.len() >= 20
        && seg
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'=')
        && seg.bytes().any(|c| c.is_ascii_digit())
        && seg.bytes().any(|c| c.is_ascii_uppercase())
        && seg.bytes().any(|c| c.is_ascii_lowercase())
}

/// Words that are plainly not secrets: booleans, nulls, release channels.
const PLAIN_WORDS: &[&str] = &[
    "alpha", "beta", "disabled", "edge", "enabled", "false", "latest", "lts", "main", "master",
    "n", "nightly", "no", "off", "on", "rc", "stable", "true", "y", "yes",
];

/// Plainly not a secret by shape: a boolean, a number or duration, a version, a path, a URL
/// without credentials or secret query parameters, a host name, an e-mail address. Hex
/// strings are *not* included (see [`value_is_plainly_public`]).
pub(crate) fn is_plain_non_secret(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLAIN_WORDS.contains(&lower.as_str()) {
        return true;
    }
    if NUMBER.is_match(v) || VERSION.is_match(v) {
        return true;
    }
    let b = v.as_bytes();
    let is_path = v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'));
    if is_path && !v.split(['/', '\\']).any(random_segment) {
        return true;
    }
    if let Some(p) = v.find("://") {
        let scheme = &v[..p];
        if !scheme.is_empty()
            && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
        {
            let secret_query = [
                "token=",
                "key=",
                "sig=",
                "secret=",
                "password=",
                "pass=",
                "auth=",
            ]
            .iter()
            .any(|k| lower.contains(k));
            let authority = v[p + 3..].split(['/', '?', '#']).next().unwrap_or("");
            let has_password = authority
                .rsplit_once('@')
                .is_some_and(|(ui, _)| ui.contains(':'));
            return !secret_query && !has_password;
        }
    }
    HOSTNAME.is_match(v) || EMAIL.is_match(v) || SCP_URL.is_match(v)
}

/// Removes `$X`, `${…}`, `$(…)`, `{{…}}`, `%X%` references, keeping the literal rest.
fn strip_references(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = String::with_capacity(v.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let skip_to = |open: u8, close: u8, from: usize| -> usize {
            let mut depth = 0usize;
            let mut j = from;
            while j < b.len() {
                if b[j] == open {
                    depth += 1;
                } else if b[j] == close {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                j += 1;
            }
            b.len()
        };
        if c == b'$' && i + 1 < b.len() {
            let d = b[i + 1];
            if d == b'{' {
                i = skip_to(b'{', b'}', i + 1);
                continue;
            }
            if d == b'(' {
                i = skip_to(b'(', b')', i + 1);
                continue;
            }
            if d == b'_' || d.is_ascii_alphabetic() {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':')
                {
                    i += 1;
                }
                continue;
            }
        }
        if c == b'{' && i + 1 < b.len() && b[i + 1] == b'{' {
            i = v[i..].find("}}").map_or(b.len(), |p| i + p + 2);
            continue;
        }
        let ch = v[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// `true` when an ARG/ENV *value* is plainly not a secret, whatever its name:
/// - empty, or only variable references (`$VAR`, `${VAR}`, `$(cmd)`, `{{ … }}`, `%VAR%`)
///   around a literal part shorter than 16 characters or of low entropy;
/// - a GPG fingerprint (40 hex, optional spaces between groups, optional `0x`) or a list of
///   fingerprints/key ids;
/// - a checksum: 32/40/56/64/96/128 hex, optionally `sha256:`-prefixed, or an SRI string;
/// - a URL without credentials or secret query parameters, an scp-like `git@host:path`;
/// - a version (`1.2.3`, `v20`, `3.11-slim`, `latest`), a path (`/run/secrets/x`,
///   `./conf`, `C:\x`), a boolean, a number or duration, a host name, an e-mail address;
/// - a well-known placeholder or default (see [`crate::is_placeholder`]).
///
/// Never public: a value in which [`crate::scan`] finds a secret.
///
/// This test is context-free. A 64-hex value is a checksum here, but under a name such as
/// `SECRET_KEY` it is far more likely a key: SG801 should call [`arg_env_is_secret`], which
/// weighs hex values against the name.
pub fn value_is_plainly_public(value: &str) -> bool {
    let v = unquote(value);
    if v.is_empty() {
        return true;
    }
    if !crate::scan(v).is_empty() {
        return false;
    }
    if is_variable_reference(v) {
        let rest = strip_references(v);
        let rest = rest.trim();
        return rest.chars().count() < 16 || shannon(rest) < 3.5;
    }
    is_fingerprint_list(v) || is_checksum(v) || is_plain_non_secret(v) || is_placeholder(v)
}

/// The SG801 decision for `ARG name[=value]` / `ENV name=value`: `true` when the name is
/// [`secret_like_name`] and the value does not clear it.
///
/// - `value == None` (an `ARG` without default) → `true`: the value comes from
///   `--build-arg` and is recorded in the image history.
/// - A hex value (digits `0-9a-f`, optional spaces and `0x`) is public only when it is
///   fingerprint-shaped (40 hex, or a list of fingerprints/key ids) **and** the name is a
///   plain `…_KEY` (`SWIFT_SIGNING_KEY=A62A…`), not a password/secret/token/API-key name
///   (`SECRET_KEY=9f86…` or `API_TOKEN=<40 hex>` are reported: generated secrets are hex).
/// - Otherwise `!value_is_plainly_public(value)`.
pub fn arg_env_is_secret(name: &str, value: Option<&str>) -> bool {
    if !secret_like_name(name) {
        return false;
    }
    let Some(value) = value else {
        return true;
    };
    let v = unquote(value);
    let compact: String = v
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(strip_0x)
        .collect();
    if all_hex(&compact) && compact.len() >= 8 {
        let strong = classify(name).is_some();
        return strong || !is_fingerprint_list(v);
    }
    !value_is_plainly_public(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenize() {
        assert_eq!(tokens("NPM_AUTH_TOKEN"), ["npm", "auth", "token"]);
        assert_eq!(tokens("npmAuthToken"), ["npm", "auth", "token"]);
        assert_eq!(tokens("APIKey"), ["api", "key"]);
        assert_eq!(tokens("--api-key"), ["api", "key"]);
        assert_eq!(
            tokens("play.http.secret.key"),
            ["play", "http", "secret", "key"]
        );
        assert!(tokens("__").is_empty());
    }

    #[test]
    fn fingerprints_and_checksums() {
        let fpr = "A035C8C19219BA821ECEA86B64E628F8D684696D";
        assert!(is_fingerprint_list(fpr));
        assert!(is_fingerprint_list(
            "A035 C8C1 9219 BA82 1ECE  A86B 64E6 28F8 D684 696D"
        ));
        assert!(is_fingerprint_list(&format!("0x{fpr}")));
        assert!(is_fingerprint_list(&format!("{fpr} {fpr}")));
        assert!(!is_fingerprint_list("A035C8C1"));
        assert!(is_checksum(&"a".repeat(64)));
        assert!(is_checksum(&format!("sha256:{}", "0".repeat(64))));
        assert!(!is_checksum(&"a".repeat(63)));
    }

    #[test]
    fn plain() {
        for v in [
            "true",
            "1.2.3",
            "3.11.4-slim",
            "v20",
            "30s",
            "/run/secrets/token",
            "https://example.com/x.tar.gz",
            "keyserver.ubuntu.com",
            "git@github.com:org/repo.git",
            "ops@example.org",
        ] {
            assert!(is_plain_non_secret(v), "{v}");
        }
        for v in [
            "https://u:p4ssw0rdXy@h.io/",
            "https://h.io/?access_token=abc",
            "hunter2x",
            "/Zq3vT9pLw2Xr7sKdQm4N",
        ] {
            assert!(!is_plain_non_secret(v), "{v}");
        }
    }

    #[test]
    fn references_stripped() {
        assert_eq!(strip_references("Bearer ${TOKEN}"), "Bearer ");
        assert_eq!(strip_references("$(cat /x)abc"), "abc");
        assert_eq!(strip_references("{{ .x }}-y"), "-y");
    }
}
