//! Placeholder values (`changeme`, `<password>`, `xxxx`) and variable references (`$X`, `${X}`).

use crate::entropy::is_sequential_or_repeated;

/// Values that are dummies or well-known defaults, compared case-insensitively after
/// trimming quotes and brackets.
const EXACT: &[&str] = &[
    "abc123",
    "admin",
    "apikey",
    "bar",
    "baz",
    "change",
    "changeit",
    "default",
    "dev",
    "empty",
    "foo",
    "foobar",
    "guest",
    "hidden",
    "key",
    "letmein",
    "mariadb",
    "masked",
    "minioadmin",
    "mysql",
    "n/a",
    "na",
    "nil",
    "none",
    "null",
    "optional",
    "pass",
    "pw",
    "pwd",
    "postgres",
    "qwerty",
    "required",
    "root",
    "string",
    "tbd",
    "test",
    "testing",
    "todo",
    "undefined",
    "unset",
    "unused",
    "user",
    "username",
    "value",
];

/// Fragments that make any value a placeholder (lower-case comparison).
const CONTAINS: &[&str] = &[
    "****",
    "abc123",
    "....",
    "…",
    "xxxx",
    "build-time",
    "build_time",
    "buildtime",
    "change-me",
    "change_me",
    "changeme",
    "change-this",
    "change_this",
    "changethis",
    "dummy",
    "example",
    "fake",
    "fill-in",
    "fill_in",
    "fillme",
    "goes-here",
    "goes_here",
    "here>",
    "insert",
    "mypassword",
    "mysecret",
    "mytoken",
    "not-a-secret",
    "not_a_secret",
    "notasecret",
    "not-real",
    "not_real",
    "notreal",
    "passw0rd",
    "passwd",
    "password",
    "placeholder",
    "redacted",
    "replace",
    "sample",
    "secret",
    "token",
    "your",
];

fn strip_wrappers(v: &str) -> &str {
    let mut v = v.trim();
    loop {
        let b = v.as_bytes();
        if b.len() >= 2 {
            let (f, l) = (b[0], b[b.len() - 1]);
            if (f == b'"' && l == b'"') || (f == b'\'' && l == b'\'') || (f == b'`' && l == b'`') {
                v = v[1..v.len() - 1].trim();
                continue;
            }
        }
        return v;
    }
}

/// `true` when `value` is a placeholder rather than a secret: empty; wrapped in `<…>`, `[…]`,
/// `{…}`, `%…%` or `__…__`; one repeated character or a filler like `xxxx`, `****`, `...`;
/// a sequential run (`abcdefgh`, `12345678`); a dummy or well-known default (`changeme`,
/// `changeit`, `admin`, `root`, `postgres`, `guest`, `test`, `none` …); or containing a telling
/// fragment (`example`, `your`, `dummy`, `fake`, `sample`, `placeholder`, `redacted`,
/// `replace`, `insert`, `changeme`, `xxxx`, `build-time`, and the words `password`,
/// `passwd`, `secret`, `token`, which real random secrets do not spell out).
///
/// Case-insensitive; surrounding quotes and whitespace are ignored.
pub fn is_placeholder(value: &str) -> bool {
    let v = strip_wrappers(value);
    if v.is_empty() {
        return true;
    }
    let b = v.as_bytes();
    let (f, l) = (b[0], b[b.len() - 1]);
    if b.len() >= 2
        && ((f == b'<' && l == b'>')
            || (f == b'[' && l == b']')
            || (f == b'{' && l == b'}')
            || (f == b'%' && l == b'%'))
    {
        return true;
    }
    if v.len() >= 4 && v.starts_with("__") && v.ends_with("__") {
        return true;
    }
    if b.iter().all(|&c| {
        matches!(
            c,
            b'x' | b'X' | b'*' | b'.' | b'#' | b'-' | b'_' | b'?' | b'0'
        )
    }) {
        return true;
    }
    if is_sequential_or_repeated(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if EXACT.iter().any(|w| *w == lower) {
        return true;
    }
    CONTAINS.iter().any(|w| lower.contains(w))
}

/// `true` when `value` contains a variable reference or a template expression, so the
/// secret (if any) is not in the text: `$X`, `${X}`, `${X:-default}`, `$(cmd)`, `` `cmd` ``,
/// `%X%` (cmd.exe), `$env:X` (PowerShell), `{{ … }}` (Go/Helm/Jinja/GitHub Actions),
/// `<% … %>` (ERB), `#{…}` (Ruby), `@X@` (autoconf).
///
/// A real secret containing `$` followed by a letter (`k8$Tq…`) is read as a reference: such
/// values are missed on purpose, since shell would expand them anyway.
pub fn is_variable_reference(value: &str) -> bool {
    let b = value.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'$' if i + 1 < n => {
                let c = b[i + 1];
                if c == b'{' || c == b'(' || c == b'_' || c.is_ascii_alphabetic() {
                    return true;
                }
            }
            b'`' if b[i + 1..].contains(&b'`') => return true,
            b'{' if i + 1 < n && b[i + 1] == b'{' => return true,
            b'<' if i + 1 < n && b[i + 1] == b'%' => return true,
            b'#' if i + 1 < n && b[i + 1] == b'{' => return true,
            b'%' => {
                // %NAME%
                let mut j = i + 1;
                while j < n && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if j > i + 1 && j < n && b[j] == b'%' && !b[i + 1].is_ascii_digit() {
                    return true;
                }
            }
            b'@' => {
                let mut j = i + 1;
                while j < n && (b[j].is_ascii_uppercase() || b[j] == b'_') {
                    j += 1;
                }
                if j > i + 2 && j < n && b[j] == b'@' {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "changeme",
            "<password>",
            "<pass>",
            "xxx",
            "XXXXXXXX",
            "****",
            "password",
            "your-token-here",
            "build-time-placeholder-secret-32chars",
            "'unused'",
            "\"changeit\"",
            "abcdefghijk",
            "[TOKEN]",
            "{secret}",
            "__API_KEY__",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        for s in ["q8Zr2LmKx9Pw", "Tr0ub4dor&3", "hunter2hunter"] {
            assert!(!is_placeholder(s), "{s:?}");
        }
    }

    #[test]
    fn references() {
        for r in [
            "$PASS",
            "${PASS}",
            "${PASS:-x}",
            "$(cat /run/secrets/x)",
            "`cat f`",
            "%PASSWORD%",
            "$env:PASSWORD",
            "{{ .Values.password }}",
            "${{ secrets.TOKEN }}",
            "<%= ENV['X'] %>",
            "#{token}",
            "@DB_PASS@",
            "prefix-${X}",
        ] {
            assert!(is_variable_reference(r), "{r:?}");
        }
        for s in ["q8Zr2LmK", "100%", "a@b.c", "$1$2", "cost$5"] {
            assert!(!is_variable_reference(s), "{s:?}");
        }
    }
}
