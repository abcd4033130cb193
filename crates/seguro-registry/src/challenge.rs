//! `WWW-Authenticate` headers (RFC 7235): several challenges per header, case-insensitive
//! schemes and parameter names, quoted-string values with backslash escapes (a `scope`
//! such as `"repository:app:pull,push"` holds commas), and token68 credentials.

/// One challenge: `Bearer realm="…",service="…",scope="…"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme, lower-cased (`bearer`, `basic`).
    pub scheme: String,
    /// Parameters in order; names lower-cased, values unquoted and unescaped.
    pub params: Vec<(String, String)>,
    /// A token68 given instead of parameters (`Negotiate abc==`).
    pub token68: Option<String>,
}

impl Challenge {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }
}

/// Parses every challenge of one or more header values. Malformed pieces are skipped;
/// this never fails.
pub fn parse_all<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    values.into_iter().flat_map(parse).collect()
}

/// Parses the challenges of one header value.
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut p = Parser {
        s: header.as_bytes(),
        at: 0,
    };
    let mut out = Vec::new();
    loop {
        p.skip(|b| b == b',' || is_space(b));
        if p.at >= p.s.len() {
            break;
        }
        let scheme = p.token();
        if scheme.is_empty() {
            // Not a token: skip one byte and try again.
            p.at += 1;
            continue;
        }
        let mut challenge = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
            token68: None,
        };
        p.skip(is_space);
        if let Some(token68) = p.token68() {
            challenge.token68 = Some(token68);
            out.push(challenge);
            continue;
        }
        loop {
            let before = p.at;
            p.skip(|b| b == b',' || is_space(b));
            let name = p.token();
            if name.is_empty() {
                p.at = before;
                break;
            }
            p.skip(is_space);
            if p.peek() != Some(b'=') {
                // A token without `=`: the scheme of the next challenge.
                p.at = before;
                break;
            }
            p.at += 1;
            p.skip(is_space);
            let value = if p.peek() == Some(b'"') {
                p.quoted()
            } else {
                p.token()
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
            p.skip(is_space);
            match p.peek() {
                Some(b',') | None => {}
                // Garbage after a value: skip to the next comma.
                Some(_) => p.skip(|b| b != b','),
            }
        }
        out.push(challenge);
    }
    out
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn skip(&mut self, pred: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&pred) {
            self.at += 1;
        }
    }

    fn token(&mut self) -> String {
        let start = self.at;
        self.skip(is_tchar);
        String::from_utf8_lossy(&self.s[start..self.at]).into_owned()
    }

    /// A token68 (`[A-Za-z0-9-._~+/]+ =*`) when it is all that follows the scheme before a
    /// comma or the end; otherwise nothing is consumed.
    fn token68(&mut self) -> Option<String> {
        let start = self.at;
        self.skip(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
        if self.at == start {
            return None;
        }
        self.skip(|b| b == b'=');
        let end = self.at;
        self.skip(is_space);
        if matches!(self.peek(), None | Some(b',')) {
            return Some(String::from_utf8_lossy(&self.s[start..end]).into_owned());
        }
        self.at = start;
        None
    }

    /// A quoted string starting at `"`; `\x` stands for `x`. An unterminated string runs
    /// to the end.
    fn quoted(&mut self) -> String {
        self.at += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.at += 1;
                    }
                }
                _ => out.push(b),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(c: &Challenge) -> Vec<(&str, &str)> {
        c.params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn distribution_bearer() {
        let c = parse(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(
            params(&c[0]),
            [
                ("realm", "https://auth.docker.io/token"),
                ("service", "registry.docker.io"),
                ("scope", "repository:library/ubuntu:pull"),
            ]
        );
    }

    #[test]
    fn commas_inside_quoted_scope_and_error() {
        let c = parse(
            r#"Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:private/app:pull,push",error="insufficient_scope""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].param("scope"),
            Some("repository:private/app:pull,push")
        );
        assert_eq!(c[0].param("ERROR"), Some("insufficient_scope"));
    }

    #[test]
    fn case_insensitive_scheme_and_names() {
        let c = parse(r#"bEaReR Realm="r", SERVICE=svc"#);
        assert!(c[0].is("Bearer"));
        assert_eq!(c[0].param("realm"), Some("r"));
        assert_eq!(c[0].param("service"), Some("svc"));
    }

    #[test]
    fn several_challenges_in_one_header() {
        let c = parse(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Bearer realm="https://t/token""#,
        );
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!(c[0].scheme, "newauth");
        assert_eq!(
            params(&c[0]),
            [
                ("realm", "apps"),
                ("type", "1"),
                ("title", r#"Login to "apps""#)
            ]
        );
        assert_eq!(c[1].scheme, "basic");
        assert_eq!(c[1].param("realm"), Some("simple"));
        assert_eq!(c[2].scheme, "bearer");
        assert_eq!(c[2].param("realm"), Some("https://t/token"));
    }

    #[test]
    fn several_header_values_and_bare_schemes() {
        let c = parse_all([
            r#"Basic realm="Registry Realm""#,
            "Negotiate",
            "Negotiate abc+/==",
        ]);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].param("realm"), Some("Registry Realm"));
        assert!(c[1].is("negotiate") && c[1].params.is_empty() && c[1].token68.is_none());
        assert_eq!(c[2].token68.as_deref(), Some("abc+/=="));
    }

    #[test]
    fn whitespace_around_equals_and_token_values() {
        let c = parse(r#"Bearer realm = "x" , service = y ,scope="a b""#);
        assert_eq!(
            params(&c[0]),
            [("realm", "x"), ("service", "y"), ("scope", "a b")]
        );
    }

    #[test]
    fn malformed_input_never_panics() {
        for s in [
            "",
            ",,,",
            "=",
            "Bearer realm=\"unterminated",
            "Bearer realm=\"x\\",
            "Bearer =x",
            "Bearer realm=\"a\" garbage, service=\"s\"",
            "\"quoted\" Basic",
            "Bearer realm=, scope=",
            "ÿÿ Bearer realm=\"é\"",
        ] {
            let _ = parse(s);
        }
        assert_eq!(
            parse("Bearer realm=\"unterminated")[0].param("realm"),
            Some("unterminated")
        );
        let c = parse("Bearer realm=\"a\" garbage, service=\"s\"");
        assert_eq!(c[0].param("service"), Some("s"));
    }
}
