//! Byte spans into the analysed script, and text derived from it (nested strings) with a map back.

/// A byte range `start..end` into the script text given to [`crate::parse`].
///
/// Spans always lie inside that text and on `char` boundaries, also for words found inside
/// nested strings (`sh -c "…"`, backticks): the caller maps them to file positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (swapped if given in the wrong order).
    #[must_use]
    pub fn new(start: u32, end: u32) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the span is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Whether `other` lies inside `self`.
    #[must_use]
    pub fn contains(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text this span covers in `src` (empty if out of range).
    #[must_use]
    pub fn slice(self, src: &str) -> &str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// Text being parsed, with a map from its bytes back to the original script.
///
/// Top-level scripts and `$( … )` bodies are slices of the original (an offset is enough);
/// strings with escapes removed (`sh -c "…"`, backtick bodies) carry a per-byte table.
#[derive(Clone, Debug)]
pub(crate) struct Text {
    pub(crate) s: String,
    map: Map,
}

#[derive(Clone, Debug)]
enum Map {
    /// Byte `i` of the text is byte `i + offset` of the original.
    Offset(u32),
    /// Byte `i` of the text comes from the original range `table[i]`.
    Table(Vec<(u32, u32)>, u32),
}

impl Text {
    /// The original script itself.
    pub(crate) fn root(s: &str) -> Self {
        Self {
            s: s.to_owned(),
            map: Map::Offset(0),
        }
    }

    /// A sub-range of this text, mapped to the original.
    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        let start = start.min(self.s.len());
        let end = end.clamp(start, self.s.len());
        let s = self.s.get(start..end).unwrap_or("").to_owned();
        let map = match &self.map {
            Map::Offset(o) => Map::Offset(o + start as u32),
            Map::Table(t, _) => Map::Table(
                t.get(start..end).map(<[_]>::to_vec).unwrap_or_default(),
                self.orig_pos(end),
            ),
        };
        Self { s, map }
    }

    /// A new text built from pieces of this one: each `(local_range, text)` piece means
    /// `text` stands for the bytes `local_range` of `self`.
    pub(crate) fn derived(&self, pieces: &[(usize, usize, &str)], end: usize) -> Self {
        let mut s = String::new();
        let mut table = Vec::new();
        for &(a, b, piece) in pieces {
            s.push_str(piece);
            if b.saturating_sub(a) == piece.len() && self.s.get(a..b) == Some(piece) {
                // copied verbatim: map byte for byte
                for k in a..b {
                    let sp = self.map_range(k, k + 1);
                    table.push((sp.start, sp.end));
                }
            } else {
                let span = self.map_range(a, b);
                table.extend(std::iter::repeat_n((span.start, span.end), piece.len()));
            }
        }
        let end = self.orig_pos(end);
        Self {
            s,
            map: Map::Table(table, end),
        }
    }

    /// Original position of local byte `i` (a start position).
    pub(crate) fn orig_pos(&self, i: usize) -> u32 {
        match &self.map {
            Map::Offset(o) => o + i.min(self.s.len()) as u32,
            Map::Table(t, end) => t.get(i).map_or(*end, |&(a, _)| a),
        }
    }

    /// Original span of the local range `a..b`.
    pub(crate) fn map_range(&self, a: usize, b: usize) -> Span {
        let n = self.s.len();
        let a = a.min(n);
        let b = b.clamp(a, n);
        match &self.map {
            Map::Offset(o) => Span::new(o + a as u32, o + b as u32),
            Map::Table(t, end) => {
                if a == b {
                    let p = t.get(a).map_or(*end, |&(x, _)| x);
                    return Span::new(p, p);
                }
                let start = t.get(a).map_or(*end, |&(x, _)| x);
                let stop = t.get(b - 1).map_or(*end, |&(_, y)| y);
                Span::new(start, stop.max(start))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_table_maps() {
        let root = Text::root("echo \"a\\\"b\" x");
        let sub = root.slice(5, 11);
        assert_eq!(sub.s, "\"a\\\"b\"");
        assert_eq!(sub.map_range(0, 1), Span::new(5, 6));
        // unescape `a\"b` from inside the quotes: pieces refer to `sub` bytes.
        let d = sub.derived(&[(1, 2, "a"), (2, 4, "\""), (4, 5, "b")], 5);
        assert_eq!(d.s, "a\"b");
        assert_eq!(d.map_range(1, 2), Span::new(7, 9));
        assert_eq!(d.map_range(0, 3), Span::new(6, 10));
        assert_eq!(d.map_range(3, 3), Span::new(10, 10));
        let dd = d.slice(1, 3);
        assert_eq!(dd.map_range(0, 2), Span::new(7, 10));
    }
}
