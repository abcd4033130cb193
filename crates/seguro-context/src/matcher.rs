//! The `.dockerignore` pattern matcher, with moby/patternmatcher's exact semantics.
//!
//! A [`Matcher`] holds the patterns in order; a leading `!` makes a pattern an exception
//! that re-includes what earlier patterns excluded. Each pattern is classified as
//! patternmatcher does (exact text, `dir/**` prefix, `**/name` suffix, or a regular
//! expression) and the regular expression is built the same way: `*` → `[^/]*`,
//! `?` → `[^/]`, `**` → `(.*/)?` (or `.*` at the end), `.+()|{}$` escaped, and `[`, `]`,
//! `\x` passed to the regexp engine as they are. That last point is a quirk kept on
//! purpose: `\d` means a digit, `[*]` is not a class of `*`, and a pattern that Go's
//! `filepath.Match` accepts but its regexp parser refuses (`[Local-Only]`) only fails
//! when it is evaluated.

use regex::Regex;

use crate::gopath;
use crate::goregex;

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// Go's `filepath.ErrBadPattern`: a malformed class or escape, or a pattern whose
    /// regular expression Go's parser refuses.
    BadPattern,
    /// The same, naming the pattern and the reason (a regular expression Go refuses).
    BadRegexp {
        /// The cleaned pattern, without its `!`.
        pattern: String,
        /// What the regexp parser objected to.
        reason: String,
    },
    /// A pattern that is a lone `!`.
    IllegalExclusion,
    /// Incremental matching was given parent results for a different pattern list.
    WrongParentInfo,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::BadPattern => f.write_str("syntax error in pattern"),
            PatternError::BadRegexp { pattern, reason } => {
                write!(f, "syntax error in pattern {pattern:?}: {reason}")
            }
            PatternError::IllegalExclusion => f.write_str("illegal exclusion pattern: \"!\""),
            PatternError::WrongParentInfo => f.write_str("wrong number of values in parentMatched"),
        }
    }
}

impl std::error::Error for PatternError {}

/// How patternmatcher decided to test a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchType {
    /// The path must equal the pattern.
    Exact,
    /// `dir/**` (or `x**`): the path must start with the pattern minus its `**`.
    Prefix,
    /// `**/name`, `**name`, `**`: the path must end with the pattern minus its leading
    /// `**` (and `**/name` also matches `name` itself).
    Suffix,
    /// Everything else: a regular expression.
    Regexp,
}

/// One cleaned pattern of a [`Matcher`].
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    exclusion: bool,
    segments: usize,
    match_type: MatchType,
    go_regexp: Option<String>,
    regex: Option<Result<Regex, String>>,
}

impl Pattern {
    fn new(text: String, exclusion: bool) -> Pattern {
        let (match_type, go_re) = classify(&text);
        let (go_regexp, regex) = if match_type == MatchType::Regexp {
            let compiled = goregex::to_rust(&go_re)
                .and_then(|rust| Regex::new(&rust).map_err(|e| e.to_string()));
            (Some(go_re), Some(compiled))
        } else {
            (None, None)
        };
        let segments = text.split('/').count();
        Pattern {
            text,
            exclusion,
            segments,
            match_type,
            go_regexp,
            regex,
        }
    }

    /// The cleaned pattern, without its leading `!`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is an `!` exception.
    pub fn is_exclusion(&self) -> bool {
        self.exclusion
    }

    /// How the pattern is tested.
    pub fn match_type(&self) -> MatchType {
        self.match_type
    }

    /// The regular expression patternmatcher builds for a [`MatchType::Regexp`] pattern,
    /// in Go syntax (e.g. `^(.*/)?dir2/[^/]*$`).
    pub fn go_regexp(&self) -> Option<&str> {
        self.go_regexp.as_deref()
    }

    /// Tests this one pattern against a path (no parent directories, no exceptions).
    ///
    /// Fails for a pattern whose regular expression Go would refuse.
    pub fn is_match(&self, path: &str) -> Result<bool, PatternError> {
        match self.match_type {
            // Byte comparisons, as in Go (the `**` cut is by bytes too).
            MatchType::Exact => Ok(path == self.text),
            MatchType::Prefix => {
                let text = self.text.as_bytes();
                Ok(path.as_bytes().starts_with(&text[..text.len() - 2]))
            }
            MatchType::Suffix => {
                let suffix = &self.text.as_bytes()[2..];
                let path = path.as_bytes();
                Ok(path.ends_with(suffix)
                    || (suffix.first() == Some(&b'/') && path == &suffix[1..]))
            }
            MatchType::Regexp => match &self.regex {
                Some(Ok(re)) => Ok(re.is_match(path)),
                Some(Err(reason)) => Err(PatternError::BadRegexp {
                    pattern: self.text.clone(),
                    reason: reason.clone(),
                }),
                None => Err(PatternError::BadPattern),
            },
        }
    }
}

/// Classifies a cleaned pattern and builds its Go regular expression, reading it as Go's
/// `text/scanner` does (a leading byte-order mark is skipped).
fn classify(pattern: &str) -> (MatchType, String) {
    let mut re = String::from("^");
    let mut ty = MatchType::Exact;
    let mut chars = pattern
        .strip_prefix('\u{FEFF}')
        .unwrap_or(pattern)
        .chars()
        .peekable();
    let mut i = 0usize;
    while let Some(ch) = chars.next() {
        match ch {
            '*' => {
                if chars.peek() == Some(&'*') {
                    chars.next();
                    if chars.peek() == Some(&'/') {
                        chars.next();
                    }
                    if chars.peek().is_none() {
                        if ty == MatchType::Exact {
                            ty = MatchType::Prefix;
                        } else {
                            re.push_str(".*");
                            ty = MatchType::Regexp;
                        }
                    } else {
                        re.push_str("(.*/)?");
                        ty = MatchType::Regexp;
                    }
                    if i == 0 {
                        ty = MatchType::Suffix;
                    }
                } else {
                    re.push_str("[^/]*");
                    ty = MatchType::Regexp;
                }
            }
            '?' => {
                re.push_str("[^/]");
                ty = MatchType::Regexp;
            }
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                re.push('\\');
                re.push(ch);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                    ty = MatchType::Regexp;
                }
                None => re.push('\\'),
            },
            '[' | ']' => {
                re.push(ch);
                ty = MatchType::Regexp;
            }
            _ => re.push(ch),
        }
        i += 1;
    }
    if ty == MatchType::Regexp {
        re.push('$');
    }
    (ty, re)
}

/// Per-pattern results for a directory, handed down to its entries by a walker
/// ([`Matcher::matches_using_parent_results`]). The default value means "no parent
/// information".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo {
    parent_matched: Vec<bool>,
}

impl MatchInfo {
    /// Whether this carries results (it is empty for a top-level entry).
    pub fn is_empty(&self) -> bool {
        self.parent_matched.is_empty()
    }

    /// The per-pattern results, in pattern order.
    pub fn as_slice(&self) -> &[bool] {
        &self.parent_matched
    }
}

/// An ordered list of `.dockerignore` patterns.
///
/// ```
/// use seguro_context::Matcher;
/// let m = Matcher::new(["docs", "!docs/README.md"]).unwrap();
/// assert!(m.matches_or_parent_matches("docs/guide.md").unwrap());
/// assert!(!m.matches_or_parent_matches("docs/README.md").unwrap());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

/// Yields the ancestors of a path as patternmatcher computes them: the parent directory
/// (`gopath::dir`) split on `/` and re-joined one element at a time.
fn ancestors(parent: &str) -> impl Iterator<Item = &str> {
    parent
        .match_indices('/')
        .map(move |(i, _)| &parent[..i])
        .chain(std::iter::once(parent))
}

impl Matcher {
    /// Builds a matcher (patternmatcher's `New`).
    ///
    /// Each pattern is trimmed, empty ones are dropped, the rest cleaned (Go's
    /// `filepath.Clean`); a leading `!` marks an exception. A lone `!` is an error, and so
    /// is a pattern Go's `filepath.Match` calls malformed. A pattern that passes that
    /// check but whose regular expression Go refuses is accepted here and fails when it
    /// is evaluated.
    pub fn new<I, S>(patterns: I) -> Result<Matcher, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = Matcher::default();
        for p in patterns {
            let p = p.as_ref().trim();
            if p.is_empty() {
                continue;
            }
            let mut p = gopath::clean(p);
            let mut exclusion = false;
            if let Some(rest) = p.strip_prefix('!') {
                if rest.is_empty() {
                    return Err(PatternError::IllegalExclusion);
                }
                exclusion = true;
                out.exclusions = true;
                p = rest.to_string();
            }
            gopath::filepath_match(&p, ".")?;
            out.patterns.push(Pattern::new(p, exclusion));
        }
        Ok(out)
    }

    /// The active patterns, in order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether any pattern is an `!` exception.
    pub fn exclusions(&self) -> bool {
        self.exclusions
    }

    /// Whether there are no active patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether a `/`-separated path is excluded: each pattern, in order, is tested against
    /// the path and every ancestor directory of it; an inclusion pattern is only tried
    /// while the path is not excluded and an exception only while it is, and the last
    /// pattern that hits decides (patternmatcher's `MatchesOrParentMatches`; the path is
    /// used as given, not cleaned).
    pub fn matches_or_parent_matches(&self, path: &str) -> Result<bool, PatternError> {
        let parent = gopath::dir(path);
        let mut matched = false;
        for pat in &self.patterns {
            if pat.exclusion != matched {
                continue;
            }
            let mut hit = pat.is_match(path)?;
            if !hit && parent != "." {
                hit = ancestors(&parent).any(|a| pat.is_match(a).unwrap_or(false));
            }
            if hit {
                matched = !pat.exclusion;
            }
        }
        Ok(matched)
    }

    /// The index of the pattern that decides
    /// [`matches_or_parent_matches`](Self::matches_or_parent_matches) for a path: the
    /// last one that hit it (or one of its ancestors). `None` when no pattern did (the
    /// path is then not excluded). An exception's index means the path was excluded by
    /// an earlier pattern and brought back by it.
    ///
    /// ```
    /// use seguro_context::Matcher;
    /// let m = Matcher::new(["secrets", "!secrets/prod.key"]).unwrap();
    /// assert_eq!(m.deciding_pattern("secrets/dev.key").unwrap(), Some(0));
    /// assert_eq!(m.deciding_pattern("secrets/prod.key").unwrap(), Some(1));
    /// assert_eq!(m.deciding_pattern("src/main.rs").unwrap(), None);
    /// ```
    pub fn deciding_pattern(&self, path: &str) -> Result<Option<usize>, PatternError> {
        let parent = gopath::dir(path);
        let mut matched = false;
        let mut decided = None;
        for (i, pat) in self.patterns.iter().enumerate() {
            if pat.exclusion != matched {
                continue;
            }
            let mut hit = pat.is_match(path)?;
            if !hit && parent != "." {
                hit = ancestors(&parent).any(|a| pat.is_match(a).unwrap_or(false));
            }
            if hit {
                matched = !pat.exclusion;
                decided = Some(i);
            }
        }
        Ok(decided)
    }

    /// patternmatcher's deprecated `Matches`: like
    /// [`matches_or_parent_matches`](Self::matches_or_parent_matches) but a pattern of N
    /// segments is tried on one ancestor only, the first N segments of the parent
    /// directory. Kept for comparison; it is wrong for `**/dir` against `dir/file`.
    pub fn matches(&self, path: &str) -> Result<bool, PatternError> {
        let parent = gopath::dir(path);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for pat in &self.patterns {
            if pat.exclusion != matched {
                continue;
            }
            let mut hit = pat.is_match(path)?;
            if !hit && parent != "." && pat.segments <= parent_dirs.len() {
                hit = pat
                    .is_match(&parent_dirs[..pat.segments].join("/"))
                    .unwrap_or(false);
            }
            if hit {
                matched = !pat.exclusion;
            }
        }
        Ok(matched)
    }

    /// Like [`matches_or_parent_matches`](Self::matches_or_parent_matches) without the
    /// ancestor directories (patternmatcher's `MatchesExact`).
    pub fn matches_exact(&self, path: &str) -> Result<bool, PatternError> {
        self.matches_using_parent_result(path, false)
    }

    /// patternmatcher's deprecated `MatchesUsingParentResult`: the walker passes whether
    /// the parent directory was excluded, and the state starts from that.
    pub fn matches_using_parent_result(
        &self,
        path: &str,
        parent_matched: bool,
    ) -> Result<bool, PatternError> {
        let mut matched = parent_matched;
        for pat in &self.patterns {
            if pat.exclusion != matched {
                continue;
            }
            if pat.is_match(path)? {
                matched = !pat.exclusion;
            }
        }
        Ok(matched)
    }

    /// The incremental form a directory walker uses (patternmatcher's
    /// `MatchesUsingParentResults`, what BuildKit's context transfer calls).
    ///
    /// `parent` holds the per-pattern results of the path's parent directory (the value
    /// returned for it), or is empty for a top-level path, in which case ancestors are
    /// checked as in [`matches_or_parent_matches`](Self::matches_or_parent_matches).
    /// With parent results, a pattern the parent matched counts as matching whatever the
    /// current state, and any other pattern is tested against the path alone: an
    /// ancestor is never re-tested against a later `!` exception.
    ///
    /// Returns whether the path is excluded and the results to hand to its entries.
    pub fn matches_using_parent_results(
        &self,
        path: &str,
        parent: &MatchInfo,
    ) -> Result<(bool, MatchInfo), PatternError> {
        let mut info = Vec::with_capacity(self.patterns.len());
        let m = self.decide(path, &parent.parent_matched, Some(&mut info))?;
        Ok((
            m,
            MatchInfo {
                parent_matched: info,
            },
        ))
    }

    /// [`matches_using_parent_results`](Self::matches_using_parent_results) without
    /// building the results for entries (for a path that is not a directory).
    pub fn matches_with_parent(
        &self,
        path: &str,
        parent: &MatchInfo,
    ) -> Result<bool, PatternError> {
        self.decide(path, &parent.parent_matched, None)
    }

    fn decide(
        &self,
        path: &str,
        parent: &[bool],
        mut info: Option<&mut Vec<bool>>,
    ) -> Result<bool, PatternError> {
        if !parent.is_empty() && parent.len() != self.patterns.len() {
            return Err(PatternError::WrongParentInfo);
        }
        let mut matched = false;
        let mut parent_dir: Option<String> = None;
        for (i, pat) in self.patterns.iter().enumerate() {
            let mut hit = parent.get(i).copied().unwrap_or(false);
            if !hit {
                if pat.exclusion != matched {
                    if let Some(v) = info.as_deref_mut() {
                        v.push(false);
                    }
                    continue;
                }
                hit = pat.is_match(path)?;
                if !hit && parent.is_empty() {
                    let pd = parent_dir.get_or_insert_with(|| gopath::dir(path));
                    if pd != "." {
                        hit = ancestors(pd).any(|a| pat.is_match(a).unwrap_or(false));
                    }
                }
            }
            if let Some(v) = info.as_deref_mut() {
                v.push(hit);
            }
            if hit {
                matched = !pat.exclusion;
            }
        }
        Ok(matched)
    }
}

/// docker/cli's check of one path against a pattern list: build the matcher, clean the
/// path (Go's `filepath.Clean`), never exclude `.`, then
/// [`Matcher::matches_or_parent_matches`]. Also patternmatcher's package-level
/// `MatchesOrParentMatches`.
pub fn clean_then_matches<S: AsRef<str>>(path: &str, patterns: &[S]) -> Result<bool, PatternError> {
    let m = Matcher::new(patterns)?;
    let path = gopath::clean(path);
    if path == "." {
        return Ok(false);
    }
    m.matches_or_parent_matches(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths() {
        let m = Matcher::new(["dir/**", "**/dir", "**", "abc.def", "a(b)c/def"]).unwrap();
        let types: Vec<MatchType> = m.patterns().iter().map(Pattern::match_type).collect();
        assert_eq!(
            types,
            [
                MatchType::Prefix,
                MatchType::Suffix,
                MatchType::Suffix,
                MatchType::Exact,
                MatchType::Exact
            ]
        );
    }

    #[test]
    fn regexp_quirks() {
        // `\d` reaches the regexp engine: a digit, not the letter d.
        let m = Matcher::new(["file\\d"]).unwrap();
        assert!(m.matches_or_parent_matches("file7").unwrap());
        assert!(!m.matches_or_parent_matches("filed").unwrap());
        // `[*]` is not a class of `*`.
        let m = Matcher::new(["[*]"]).unwrap();
        assert!(!m.matches_or_parent_matches("*").unwrap());
        assert!(m.matches_or_parent_matches("]").unwrap());
        // A reversed range passes New and fails on use, every time.
        let m = Matcher::new(["[z-a]"]).unwrap();
        assert!(m.matches_or_parent_matches("x").is_err());
        assert!(m.matches_or_parent_matches("x").is_err());
        // ...but only when it is evaluated.
        let m = Matcher::new(["a", "[z-a]"]).unwrap();
        assert!(m.matches_or_parent_matches("a").unwrap());
    }

    #[test]
    fn incremental_does_not_recheck_ancestors() {
        let m = Matcher::new(["a/b", "!a"]).unwrap();
        // docker/cli: the exception hits the ancestor `a`, so a/b/x is sent.
        assert!(!m.matches_or_parent_matches("a/b/x").unwrap());
        let (ma, ia) = m
            .matches_using_parent_results("a", &MatchInfo::default())
            .unwrap();
        assert!(!ma);
        let (mb, ib) = m.matches_using_parent_results("a/b", &ia).unwrap();
        assert!(mb);
        assert!(m.matches_with_parent("a/b/x", &ib).unwrap());
    }
}
