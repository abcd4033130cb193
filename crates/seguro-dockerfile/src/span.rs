//! Byte spans into a Dockerfile and the line index that turns them into line/column.

use std::ops::Range;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (byte offsets; saturates at `u32::MAX`).
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// An empty span at `offset`.
    pub fn empty(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Start offsets of every line, to compute 1-based line and column numbers on demand.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        // Lines are some 40 bytes on average: one slot per 32 bytes seldom needs regrowing.
        let mut line_starts = Vec::with_capacity(src.len() / 32 + 1);
        line_starts.push(0u32);
        line_starts.extend(
            memchr::memchr_iter(b'\n', src.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex { line_starts }
    }

    /// Number of lines (a trailing newline starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    /// 1-based line and character column of a byte offset in `src`.
    pub fn line_col(&self, src: &str, offset: u32) -> LineCol {
        let offset = offset.min(src.len() as u32);
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx] as usize;
        let mut end = offset as usize;
        while end > start && !src.is_char_boundary(end) {
            end -= 1;
        }
        let column = src[start..end].chars().count() as u32 + 1;
        LineCol {
            line: line_idx as u32 + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let src = "FROM a\nRUN é x\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 0), LineCol { line: 1, column: 1 });
        let x = src.find('x').unwrap() as u32;
        assert_eq!(idx.line_col(src, x), LineCol { line: 2, column: 7 });
        assert_eq!(idx.line_col(src, src.len() as u32).line, 3);
    }

    #[test]
    fn span_cover_and_len() {
        let a = Span::new(3, 5);
        let b = Span::new(10, 12);
        assert_eq!(a.cover(b), Span::new(3, 12));
        assert_eq!(a.len(), 2);
        assert!(Span::empty(4).is_empty());
        assert_eq!(Span::new(5, 2), Span::new(5, 5));
    }
}
