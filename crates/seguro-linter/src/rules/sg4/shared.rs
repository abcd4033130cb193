//! Helpers shared by the SG4 and SG8 rules: ARG/ENV settings, RUN mounts, URL hosts.

use crate::checker::Checker;
use seguro_dockerfile::model::arg_pairs;
use seguro_dockerfile::{Instruction, Kind, Span};

/// A variable set by `ENV name=value` or `ARG name[=value]`.
#[derive(Clone, Debug)]
pub(crate) struct Setting {
    /// `ENV` or `ARG`.
    pub kind: Kind,
    pub name: String,
    /// The value with its quotes removed, variables not expanded; `None` for an ARG
    /// declared without a default.
    pub value: Option<String>,
    /// The `name=value` text (ENV legacy form: name to value).
    pub span: Span,
}

/// Every ENV and ARG setting of the file, in order (global ARGs included, ONBUILD
/// triggers not), gathered once per file.
pub(crate) fn settings(cx: &Checker<'_>) -> std::rc::Rc<Vec<Setting>> {
    cx.settings
        .get_or_init(|| std::rc::Rc::new(gather_settings(cx)))
        .clone()
}

fn gather_settings(cx: &Checker<'_>) -> Vec<Setting> {
    let mut out = Vec::new();
    for (_, inst) in cx.instructions() {
        match inst.kind {
            Kind::Env => {
                for triple in inst.args.chunks(3) {
                    let [k, v, ..] = triple else { continue };
                    out.push(Setting {
                        kind: Kind::Env,
                        name: k.value.clone(),
                        value: Some(unquote(&v.value)),
                        span: k.span.cover(v.span),
                    });
                }
            }
            Kind::Arg => {
                for (name, default, span) in arg_pairs(inst) {
                    out.push(Setting {
                        kind: Kind::Arg,
                        name,
                        value: default,
                        span,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// A case-insensitive prefilter: does a text mention any of a fixed set of lower-case
/// ASCII words? Short texts (one shell word) are scanned once with a table of the words'
/// first bytes; instruction-sized ones are lower-cased once and searched with the
/// standard library's vectorised substring search (an ASCII-case-insensitive automaton
/// was slower there).
pub(crate) struct Mentions {
    words: &'static [&'static str],
    /// For each byte, the words (bit `k`: `words[k]`) that start with it in either case.
    first: [u16; 256],
}

/// Texts up to this length take the first-byte table.
const SHORT: usize = 64;

impl Mentions {
    pub(crate) const fn new(words: &'static [&'static str]) -> Mentions {
        assert!(words.len() <= 16, "at most 16 words");
        let mut first = [0u16; 256];
        let mut k = 0;
        while k < words.len() {
            let w = words[k].as_bytes();
            assert!(!w.is_empty(), "no empty word");
            let c = w[0];
            assert!(!c.is_ascii_uppercase(), "words are lower-case");
            first[c as usize] |= 1 << k;
            first[c.to_ascii_uppercase() as usize] |= 1 << k;
            k += 1;
        }
        Mentions { words, first }
    }

    pub(crate) fn any(&self, hay: &str) -> bool {
        let h = hay.as_bytes();
        if h.len() <= SHORT {
            return self.any_short(h);
        }
        if h.iter().any(u8::is_ascii_uppercase) {
            let lower = hay.to_ascii_lowercase();
            self.words.iter().any(|w| lower.contains(w))
        } else {
            self.words.iter().any(|w| hay.contains(w))
        }
    }

    fn any_short(&self, h: &[u8]) -> bool {
        for (i, &c) in h.iter().enumerate() {
            let mut candidates = self.first[c as usize];
            while candidates != 0 {
                let k = candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                let w = self.words[k].as_bytes();
                if h.get(i..i + w.len())
                    .is_some_and(|x| x.eq_ignore_ascii_case(w))
                {
                    return true;
                }
            }
        }
        false
    }
}

/// Removes shell-style quotes and backslash escapes, leaving `$VAR` references as written.
pub(crate) fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    out.push(d);
                }
            }
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        _ => out.push(d),
                    }
                }
            }
            '\\' => {
                if let Some(e) = chars.next() {
                    out.push(e);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

pub(crate) use seguro_dockerfile::Mount;

/// The `--mount` flags of a RUN instruction.
pub(crate) fn mounts(inst: &Instruction) -> Vec<Mount> {
    inst.mounts()
}

/// Whether the RUN has a mount of that type (`secret`, `ssh`).
pub(crate) fn has_mount(inst: &Instruction, kind: &str) -> bool {
    mounts(inst).iter().any(|m| m.kind == kind)
}

/// The host of a URL (`https://user@host:8080/x` gives `host`), lower-cased.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = split_scheme(url)?.1;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    Some(host.to_ascii_lowercase())
}

/// `url` split around its first `://` (as `split_once("://")`, without setting up a
/// substring search for each of the many URLs a Dockerfile holds).
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let b = url.as_bytes();
    let colon = memchr::memchr_iter(b':', b).find(|&i| b[i + 1..].starts_with(b"//"))?;
    Some((url.get(..colon)?, url.get(colon + 3..)?))
}

/// Whether a URL points at this machine (`localhost`, `127.x`, `::1`): nothing crosses a
/// network.
pub(crate) fn is_loopback_url(url: &str) -> bool {
    url_host(url).is_some_and(|h| {
        h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") || h == "::1"
    })
}

/// The scheme of a URL, lower-cased (`HTTP://x` gives `http`).
pub(crate) fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = split_scheme(url)?;
    (!scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+'))
    .then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoting() {
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("'q $Z'"), "q $Z");
        assert_eq!(unquote("x\\ y"), "x y");
        assert_eq!(unquote("\"a\\\"b\""), "a\"b");
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://u:p@Host.io:8/x").as_deref(),
            Some("host.io")
        );
        assert_eq!(url_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert!(is_loopback_url("http://127.0.0.1:8080/health"));
        assert!(is_loopback_url("http://localhost/x"));
        assert!(!is_loopback_url("http://example.com/x"));
        assert_eq!(url_scheme("HTTP://x").as_deref(), Some("http"));
        assert_eq!(url_scheme("git@github.com:x"), None);
        for u in [
            "a:b://c", "://x", "x:/y://z", "http:", "s3://b/k", "é://x", "x://",
        ] {
            assert_eq!(split_scheme(u), u.split_once("://"), "{u}");
        }
    }

    #[test]
    fn mentions_short_and_long_texts_alike() {
        static M: Mentions = Mentions::new(&["verify", "trusted", "tls"]);
        let naive = |t: &str| {
            let l = t.to_ascii_lowercase();
            ["verify", "trusted", "tls"].iter().any(|w| l.contains(w))
        };
        let pad = "x".repeat(80);
        for t in [
            "",
            "v",
            "verif",
            "verify",
            "--no-VERIFY-ssl",
            "--Trusted-Host=a",
            "tl",
            "xtls",
            "ttls",
            "vverify",
            "curl -fsSL https://example.com/a.tar.gz -o a.tar.gz",
            "é--tLs",
        ] {
            assert_eq!(M.any(t), naive(t), "{t:?}");
            let long = format!("{pad}{t}");
            assert_eq!(M.any(&long), naive(&long), "{long:?}");
        }
    }
}
