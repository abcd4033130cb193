//! Go's slash-path helpers as BuildKit uses them on Unix: `Clean`, `Dir` and `filepath.Match`.
//!
//! These are re-implementations of the documented Go behaviour (Unix, `/` separator), so
//! that patterns and paths are normalised and compared exactly as `docker build` does.

use crate::matcher::PatternError;

/// Go's `path/filepath.Clean` on Unix: the shortest path naming the same file, by pure
/// lexical processing.
///
/// Runs of `/` become one, `.` elements go, `..` elements eat the element before them
/// (and vanish at the root of a rooted path), a trailing `/` goes (except for `/`
/// itself), and an empty result becomes `.`.
///
/// ```
/// use seguro_context::gopath::clean;
/// assert_eq!(clean("a//b/./c/.."), "a/b");
/// assert_eq!(clean("/../x/"), "/x");
/// assert_eq!(clean("../../x"), "../../x");
/// assert_eq!(clean(""), ".");
/// ```
pub fn clean(path: &str) -> String {
    let p = path.as_bytes();
    let n = p.len();
    if n == 0 {
        return ".".to_string();
    }
    let rooted = p[0] == b'/';
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let mut r = 0;
    // `floor` is the length of `out` that `..` may not remove (the root, or earlier `..`s).
    let mut floor = 0;
    if rooted {
        out.push(b'/');
        r = 1;
        floor = 1;
    }
    while r < n {
        if p[r] == b'/' || (p[r] == b'.' && (r + 1 == n || p[r + 1] == b'/')) {
            r += 1;
        } else if p[r] == b'.' && p[r + 1] == b'.' && (r + 2 == n || p[r + 2] == b'/') {
            r += 2;
            if out.len() > floor {
                out.pop();
                while out.len() > floor && out[out.len() - 1] != b'/' {
                    out.pop();
                }
                // Drop the separator that preceded the removed element.
                if out.len() > floor && out[out.len() - 1] == b'/' {
                    out.pop();
                }
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                floor = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".to_string();
    }
    // Only ASCII bytes were removed at element boundaries, so this stays valid UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `path/filepath.Dir` on Unix: everything before the last `/`, cleaned.
///
/// ```
/// use seguro_context::gopath::dir;
/// assert_eq!(dir("a/b/c"), "a/b");
/// assert_eq!(dir("file"), ".");
/// assert_eq!(dir("dir/file/"), "dir/file");
/// assert_eq!(dir("/"), "/");
/// ```
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".to_string(),
    }
}

/// Decodes one rune as Go's `utf8.DecodeRune` does: an invalid or truncated sequence
/// yields U+FFFD with width 1; an empty input yields width 0.
pub(crate) fn decode_rune(b: &[u8]) -> (u32, usize) {
    let Some(&c0) = b.first() else {
        return (0xFFFD, 0);
    };
    if c0 < 0x80 {
        return (u32::from(c0), 1);
    }
    let need = if c0 & 0xE0 == 0xC0 {
        2
    } else if c0 & 0xF0 == 0xE0 {
        3
    } else if c0 & 0xF8 == 0xF0 {
        4
    } else {
        return (0xFFFD, 1);
    };
    if b.len() < need {
        return (0xFFFD, 1);
    }
    match std::str::from_utf8(&b[..need])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => (u32::from(c), need),
        None => (0xFFFD, 1),
    }
}

/// Turns bytes into a string the way Go's regexp engine reads them: every byte that is
/// not part of a valid UTF-8 sequence becomes its own U+FFFD.
pub(crate) fn go_lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(b.len() + 8);
    let mut rest = b;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - valid);
                for _ in 0..bad {
                    out.push('\u{FFFD}');
                }
                rest = &rest[valid + bad..];
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Go's `path/filepath.Match` on Unix.
///
/// `*` matches any run of non-`/` bytes, `?` one non-`/` character, `[...]` a class
/// (`^` negates, `a-z` ranges), `\` escapes the next character. The whole name must
/// match. A malformed pattern is an error, and — as in Go since 1.16 — that is reported
/// even when the name already failed to match.
///
/// ```
/// use seguro_context::gopath::filepath_match;
/// assert_eq!(filepath_match("a*/b", "abc/b"), Ok(true));
/// assert_eq!(filepath_match("a*", "ab/c"), Ok(false));
/// assert!(filepath_match("[-x]", "x").is_err());
/// ```
pub fn filepath_match(pattern: &str, name: &str) -> Result<bool, PatternError> {
    let mut pat = pattern.as_bytes();
    let mut name = name.as_bytes();
    'outer: while !pat.is_empty() {
        let (star, chunk, rest) = scan_chunk(pat);
        pat = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it holds a `/`.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        // On the last chunk the name must be used up, or the star may still help.
        if ok && (t.is_empty() || !pat.is_empty()) {
            name = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pat.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                if let Some(e) = err {
                    return Err(e);
                }
                i += 1;
            }
        }
        // No match: still report a malformed remainder of the pattern.
        while !pat.is_empty() {
            let (_, chunk, rest) = scan_chunk(pat);
            pat = rest;
            if let (_, _, Some(e)) = match_chunk(chunk, b"") {
                return Err(e);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the leading stars and the chunk up to the next star outside a class.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some(b'*') = pattern.first() {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches one star-free chunk at the start of `s`; returns the rest of `s`, whether it
/// matched, and a syntax error if the chunk is malformed (checked to its end).
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> (&'a [u8], bool, Option<PatternError>) {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if let Some(b'^') = chunk.first() {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let lo = match get_esc(chunk) {
                        Ok((c, rest)) => {
                            chunk = rest;
                            c
                        }
                        Err(e) => return (b"", false, Some(e)),
                    };
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        match get_esc(&chunk[1..]) {
                            Ok((c, rest)) => {
                                hi = c;
                                chunk = rest;
                            }
                            Err(e) => return (b"", false, Some(e)),
                        }
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let mut c = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&next) => c = next,
                        None => return (b"", false, Some(PatternError::BadPattern)),
                    }
                }
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (b"", false, None)
    } else {
        (s, true, None)
    }
}

/// Reads one possibly escaped character of a class; the class must go on after it.
fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), PatternError> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return Err(PatternError::BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(PatternError::BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    if r == 0xFFFD && n == 1 && chunk[0] >= 0x80 {
        return Err(PatternError::BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(PatternError::BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_cases() {
        for (input, want) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/../../..", "."),
            ("a/../../b", "../b"),
            ("/../..", "/"),
            ("//abc//def//", "/abc/def"),
            ("abc/./../def", "def"),
            ("/abc/def/../../..", "/"),
            ("../../abc", "../../abc"),
            ("!", "!"),
            ("a/b/..", "a"),
            ("a/bb/../c", "a/c"),
        ] {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn match_cases() {
        assert_eq!(filepath_match("*", "abc"), Ok(true));
        assert_eq!(filepath_match("a*b*c*d*e*/f", "axbxcxdxexxx/f"), Ok(true));
        assert_eq!(filepath_match("a*b?c*x", "abxbbxdbxebxczzy"), Ok(false));
        assert_eq!(filepath_match("a?b", "a☺b"), Ok(true));
        assert_eq!(filepath_match("[a-ζ]*", "α"), Ok(true));
        assert_eq!(filepath_match("[\\-x]", "-"), Ok(true));
        assert!(filepath_match("[x-]", "x").is_err());
        assert!(filepath_match("a[", "ab").is_err());
        assert!(filepath_match("\\", "a").is_err());
        assert!(filepath_match("[^bc", "a").is_err());
        // Syntax is checked even after a mismatch.
        assert!(filepath_match("x[", "a").is_err());
    }

    #[test]
    fn lossy_like_go() {
        assert_eq!(go_lossy(b"a\xffb"), "a\u{FFFD}b");
        assert_eq!(go_lossy(b"\xe2\x82"), "\u{FFFD}\u{FFFD}");
    }
}
