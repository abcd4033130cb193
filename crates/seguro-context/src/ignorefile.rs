//! Reading a `.dockerignore` file into a pattern list (moby/patternmatcher's
//! `ignorefile.ReadAll`, which BuildKit and docker/cli both use).

use crate::gopath;

/// The longest line Go's `bufio.Scanner` accepts by default (64 KiB with its newline).
pub const MAX_LINE: usize = 64 * 1024 - 1;

/// A `.dockerignore` that BuildKit cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based number of the offending line.
    pub line: usize,
    /// Length of that line in bytes.
    pub len: usize,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is {} bytes long: bufio.Scanner: token too long",
            self.line, self.len
        )
    }
}

impl std::error::Error for ReadError {}

/// Reads `.dockerignore` text into patterns.
///
/// - A UTF-8 byte-order mark at the start is dropped.
/// - Lines are split on `\n`, one trailing `\r` is dropped.
/// - A line whose **first** character is `#` is a comment (`  # x` is a pattern).
/// - Lines are trimmed; empty lines are dropped.
/// - A leading `!` marks an exception; space after it is trimmed.
/// - The rest is cleaned (Go's `filepath.Clean`) and one leading `/` removed, unless the
///   pattern is `/`. A lone `!` stays `"!"` (building a [`Matcher`](crate::Matcher) from
///   it fails).
///
/// ```
/// use seguro_context::ignorefile::read;
/// assert_eq!(read("/a//b/\n# note\n ! /keep\n"), ["a/b", "!keep"]);
/// ```
pub fn read(text: &str) -> Vec<String> {
    read_numbered(text).into_iter().map(|(_, p)| p).collect()
}

/// [`read`], with the 1-based line number each pattern comes from (for messages that
/// point into the ignore file).
///
/// ```
/// use seguro_context::ignorefile::read_numbered;
/// assert_eq!(read_numbered("# c\n\nnode_modules\n!keep\n"), [(3, "node_modules".to_string()), (4, "!keep".to_string())]);
/// ```
pub fn read_numbered(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in lines(text.as_bytes()).enumerate() {
        let line = if i == 0 {
            line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
        } else {
            line
        };
        if line.first() == Some(&b'#') {
            continue;
        }
        let line = String::from_utf8_lossy(line);
        let pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let (invert, rest) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, pattern),
        };
        let mut p = String::new();
        if !rest.is_empty() {
            p = gopath::clean(rest);
            if p.len() > 1 && p.starts_with('/') {
                p.remove(0);
            }
        }
        if invert {
            p.insert(0, '!');
        }
        out.push((i + 1, p));
    }
    out
}

/// Like [`read`], but fails where BuildKit fails: on a line longer than [`MAX_LINE`]
/// bytes (Go's scanner limit), which makes `docker build` stop with "failed parsing
/// .dockerignore".
pub fn try_read(text: &str) -> Result<Vec<String>, ReadError> {
    try_read_bytes(text.as_bytes())
}

/// [`try_read`] for raw file bytes (invalid UTF-8 is replaced, as it cannot match a
/// pattern anyway).
pub fn try_read_bytes(bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.len() > MAX_LINE {
            return Err(ReadError {
                line: i + 1,
                len: line.len(),
            });
        }
    }
    Ok(read(&String::from_utf8_lossy(bytes)))
}

/// Splits like Go's `bufio.ScanLines`: on `\n`, dropping one `\r` before it; a final
/// line without a newline counts, an empty final piece does not.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut pieces: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    pieces
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(read(""), Vec::<String>::new());
        assert_eq!(read("\u{FEFF}# c\nx"), ["x"]);
        assert_eq!(read("  # not a comment"), ["# not a comment"]);
        assert_eq!(read("a\r\nb\r\n"), ["a", "b"]);
        assert_eq!(read("/"), ["/"]);
        assert_eq!(read("!\n! \n!/"), ["!", "!", "!/"]);
        assert_eq!(read("./a/../b/"), ["b"]);
    }

    #[test]
    fn long_lines() {
        let long = "a".repeat(MAX_LINE + 1);
        assert!(try_read(&long).is_err());
        assert!(try_read(&long[1..]).is_ok());
    }
}
