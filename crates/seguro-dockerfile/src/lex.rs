//! BuildKit's shell word lexer (`shell.Lex`): quote removal, escapes and `$VAR` expansion.
//!
//! This is a port of the semantics of BuildKit's `frontend/dockerfile/shell` package, the
//! code that expands `ARG`/`ENV` references in Dockerfile words and that the parser uses to
//! split an instruction line into words when it looks for heredoc openers.
//!
//! What a word goes through, left to right:
//!
//! - `'...'` is taken literally; `"..."` is literal except for `$` expansions and the
//!   escape token, which escapes only `"`, `$` and itself there (anything else keeps the
//!   escape token). Unterminated quotes are errors.
//! - Outside quotes the escape token (`\` or `` ` ``) makes the next character literal;
//!   a trailing escape token is dropped.
//! - `$name`, `${name}` and the operators `${name-w}` `${name:-w}` `${name+w}` `${name:+w}`
//!   `${name?w}` `${name:?w}` `${name#p}` `${name##p}` `${name%p}` `${name%%p}`
//!   `${name/p/r}` `${name//p/r}`. Patterns are shell globs (`*`, `?`, `\` escapes) and
//!   match exactly as BuildKit's translation to Go regular expressions does: `*` and `?`
//!   never match a newline, `#`/`%` take the shortest match and `##`/`%%`/`/` the longest,
//!   and `//` expands `$0`/`${0}` in the replacement to the matched text and `$$` to `$`.
//!   Positional and special parameters (`$1`, `$@`, `$$`, ...) are looked up like any
//!   other name, so they are normally unset and expand to nothing.
//! - `<<` followed by spaces, tabs or carriage returns stays glued to the next word, so
//!   `RUN << EOF` splits into `RUN`, `<< EOF` (but `<<- EOF` into `<<-`, `EOF`).
//!
//! Word splitting ([`Lexer::process_words`]) happens after expansion: unquoted expansion
//! results are split on Unicode whitespace, quoted text and escaped characters are not.
//!
//! Upstream quirks kept on purpose, because callers rely on matching BuildKit:
//!
//! - a leading U+FEFF (byte-order mark) in a word or a pattern is ignored, as Go's
//!   `text/scanner` does;
//! - in [`Lexer::process_words`], an operator expansion (`${name<op>...}`, also inside
//!   double quotes) drops the text collected so far for the word it is in: upstream shares
//!   one word buffer with the nested scan of the operator's argument, so
//!   `pre${X:-a}post` splits into the single word `apost` (the expanded text from
//!   [`Lexer::process_word`] is unaffected);
//! - with `skip_unset_env`, an unset `${name//p/r}` is given back as `${name/p/r}`.
//!
//! Differences: nesting of `${...}` operator arguments is limited to [`MAX_NESTING`]
//! levels (upstream has no limit), and names use Unicode 14 letter and digit tables where
//! Go uses Unicode 15.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;

/// How many `${name<op>...}` arguments may be nested inside each other before the lexer
/// gives up with an error instead of recursing further.
pub const MAX_NESTING: usize = 64;

/// The variables an expansion can see.
///
/// Names are compared exactly (BuildKit on Linux is case-sensitive).
pub trait Env {
    /// The value of `name`, or `None` when it is unset (an empty value is set).
    fn get(&self, name: &str) -> Option<&str>;
    /// Every name that is set, each once.
    fn keys(&self) -> Vec<&str>;
}

/// A list of `(name, value)` pairs; when a name occurs more than once the last one wins.
impl Env for [(String, String)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| seen.insert(*key))
            .collect()
    }
}

/// Same as the slice implementation: the last duplicate wins.
impl Env for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }

    fn keys(&self) -> Vec<&str> {
        Env::keys(self.as_slice())
    }
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        HashMap::keys(self).map(String::as_str).collect()
    }
}

impl Env for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        BTreeMap::keys(self).map(String::as_str).collect()
    }
}

/// Lets `&env` be passed wherever an environment is expected, including `&&[...]`.
impl<E: Env + ?Sized> Env for &E {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }

    fn keys(&self) -> Vec<&str> {
        (**self).keys()
    }
}

/// An environment where nothing is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmptyEnv;

impl Env for EmptyEnv {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }

    fn keys(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// Builds an environment from `KEY=VALUE` entries the way BuildKit does: the key ends at
/// the first `=`, an entry without `=` sets the key to the empty string, and a later entry
/// for the same key replaces the value of the earlier one (which keeps its position).
pub fn env_from_kv_list(entries: &[&str]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::with_capacity(entries.len());
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for entry in entries {
        let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
        match position.get(key) {
            Some(&index) => value.clone_into(&mut env[index].1),
            None => {
                position.insert(key, env.len());
                env.push((key.to_owned(), value.to_owned()));
            }
        }
    }
    env
}

/// Why a word could not be processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// BuildKit-style text: `failed to process "<word>": <reason>`.
    pub message: String,
    /// Byte offset into the processed word of the construct that failed (the opening
    /// quote, the `$` of an expansion, or the end of the word), when known.
    pub offset: Option<usize>,
}

impl LexError {
    fn at(message: impl Into<String>, offset: usize) -> Self {
        Self {
            message: message.into(),
            offset: Some(offset),
        }
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LexError {}

/// Everything one pass over a word produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The word with quotes removed, escapes resolved and variables expanded.
    pub result: String,
    /// The same text split into words, as [`Lexer::process_words`] returns it.
    pub words: Vec<String>,
    /// Names that were looked up and found set.
    pub matched: BTreeSet<String>,
    /// Names that were looked up and found unset.
    pub unmatched: BTreeSet<String>,
}

/// BuildKit's `shell.Lex`: the escape token and the options of one kind of expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lexer {
    /// The escape token, `\` by default or `` ` `` after `# escape=``.
    pub escape: char,
    /// Keep quote characters in the output (their meaning still applies).
    pub raw_quotes: bool,
    /// Keep escape tokens in the output (their meaning still applies).
    pub raw_escapes: bool,
    /// Give unset variables back as written (`$X`, `${X:-d}`) instead of expanding them.
    pub skip_unset_env: bool,
    /// Treat `'` and `"` as ordinary characters.
    pub skip_process_quotes: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Self::new('\\')
    }
}

impl Lexer {
    /// A lexer with the given escape token and every option off.
    pub fn new(escape: char) -> Self {
        Self {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            skip_process_quotes: false,
        }
    }

    /// Expands `word` as one word; whitespace is kept (BuildKit's `ProcessWord`).
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<String, LexError> {
        self.run(word, env, false, false)
            .map(|expansion| expansion.result)
    }

    /// Expands `word` and splits the result into words on unquoted whitespace
    /// (BuildKit's `ProcessWords`).
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, LexError> {
        self.run(word, env, true, false)
            .map(|expansion| expansion.words)
    }

    /// Expands `word` and reports which variables were looked up, found or not
    /// (BuildKit's `ProcessWordWithMatches`); the words are filled in too.
    pub fn process_word_with_matches(
        &self,
        word: &str,
        env: &dyn Env,
    ) -> Result<Expansion, LexError> {
        self.run(word, env, true, true)
    }

    /// [`Lexer::process_word_with_matches`] without the word splitting: `words` is left
    /// empty, everything else is the same. For callers that only want the text and the
    /// names, which saves building the word list.
    pub(crate) fn process_word_with_matches_unsplit(
        &self,
        word: &str,
        env: &dyn Env,
    ) -> Result<Expansion, LexError> {
        self.run(word, env, false, true)
    }

    /// One pass over `word`. Splitting into words and recording the names looked up
    /// do not change the expanded text, so each is done only when asked for.
    fn run(
        &self,
        word: &str,
        env: &dyn Env,
        split_words: bool,
        track_names: bool,
    ) -> Result<Expansion, LexError> {
        let mut expander = Expander::new(self, env, word, track_names);
        let mut words = WordSplitter::new(split_words);
        match expander.scan(None, self.raw_escapes, &mut words) {
            Ok(result) => Ok(Expansion {
                result,
                words: words.finish(),
                matched: expander.matched,
                unmatched: expander.unmatched,
            }),
            Err(err) => Err(LexError {
                message: format!("failed to process {word:?}: {}", err.message),
                offset: err.offset,
            }),
        }
    }
}

/// Collects words the way upstream's `wordsStruct` does.
struct WordSplitter {
    enabled: bool,
    words: Vec<String>,
    current: String,
    in_word: bool,
}

impl WordSplitter {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            words: Vec::new(),
            current: String::new(),
            in_word: false,
        }
    }

    /// An unquoted character: whitespace ends the current word.
    fn add_char(&mut self, ch: char) {
        if !self.enabled {
            return;
        }
        if !is_space(ch) {
            self.add_raw_char(ch);
        } else if self.in_word && !self.current.is_empty() {
            self.words.push(std::mem::take(&mut self.current));
            self.in_word = false;
        }
    }

    /// A quoted or escaped character: always part of the word.
    fn add_raw_char(&mut self, ch: char) {
        if self.enabled {
            self.current.push(ch);
            self.in_word = true;
        }
    }

    fn add_str(&mut self, text: &str) {
        if self.enabled {
            text.chars().for_each(|ch| self.add_char(ch));
        }
    }

    fn add_raw_str(&mut self, text: &str) {
        if self.enabled {
            self.current.push_str(text);
            self.in_word = true;
        }
    }

    /// Forgets the text of the word being built, as upstream's shared buffer reset does.
    fn drop_pending(&mut self) {
        self.current.clear();
    }

    fn finish(mut self) -> Vec<String> {
        if !self.current.is_empty() {
            self.words.push(std::mem::take(&mut self.current));
        }
        self.words
    }
}

/// A position in the word being processed.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        let pos = if text.starts_with(BYTE_ORDER_MARK) {
            BYTE_ORDER_MARK.len_utf8()
        } else {
            0
        };
        Self { text, pos }
    }

    fn peek(&self) -> Option<char> {
        let &byte = self.text.as_bytes().get(self.pos)?;
        if byte.is_ascii() {
            return Some(char::from(byte));
        }
        self.text[self.pos..].chars().next()
    }

    /// The text from the cursor on.
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }
}

const BYTE_ORDER_MARK: char = '\u{feff}';

/// The starting points of [`Expander::plain_bytes`], indexed by `splitting * 2 +
/// non_ascii`: every ASCII byte but whitespace (the ASCII characters of [`is_space`]) when
/// words are split, and every non-ASCII byte when `non_ascii`.
static PLAIN_BASE: [[bool; 256]; 4] = [
    plain_base(false, false),
    plain_base(false, true),
    plain_base(true, false),
    plain_base(true, true),
];

const fn plain_base(splitting: bool, non_ascii: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = if byte < 0x80 {
            let space = matches!(byte as u8, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
            !(splitting && space)
        } else {
            non_ascii
        };
        byte += 1;
    }
    table
}

/// The characters that start a construct of their own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Special {
    Dollar,
    SingleQuote,
    DoubleQuote,
    Heredoc,
}

/// The state of one pass over a word.
struct Expander<'a> {
    lexer: &'a Lexer,
    env: &'a dyn Env,
    cursor: Cursor<'a>,
    /// Whether escape tokens are kept right now; `#`, `%` and `/` arguments turn it on.
    raw_escapes: bool,
    /// How many `${...}` arguments are being scanned right now.
    depth: usize,
    /// How many nested scans have started; a change means the shared word buffer was reset.
    nested_scans: usize,
    /// Whether `matched` and `unmatched` are filled in (only
    /// [`Lexer::process_word_with_matches`] reports them).
    track_names: bool,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
}

impl<'a> Expander<'a> {
    fn new(lexer: &'a Lexer, env: &'a dyn Env, word: &'a str, track_names: bool) -> Self {
        Self {
            lexer,
            env,
            cursor: Cursor::new(word),
            raw_escapes: lexer.raw_escapes,
            depth: 0,
            nested_scans: 0,
            track_names,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
        }
    }

    /// Which bytes [`Expander::scan_text`] may copy in bulk: characters it would copy
    /// one at a time with no effect but being appended to the result and to the current
    /// word. That excludes the characters that start a construct, the escape token, the
    /// `stop` character and, when words are split, whitespace. Bytes of non-ASCII
    /// characters are included only when none of those can be non-ASCII (a bulk copy
    /// always ends before an ASCII byte or at the end, so on a character boundary).
    fn plain_bytes(&self, stop: Option<char>, splitting: bool) -> [bool; 256] {
        let escape = self.lexer.escape;
        let non_ascii = !splitting && escape.is_ascii() && stop.is_none_or(|c| c.is_ascii());
        let mut plain = PLAIN_BASE[usize::from(splitting) * 2 + usize::from(non_ascii)];
        let mut exclude = |ch: char| {
            if let Ok(b) = u8::try_from(ch)
                && b.is_ascii()
            {
                plain[usize::from(b)] = false;
            }
        };
        exclude('$');
        exclude('<');
        if !self.lexer.skip_process_quotes {
            exclude('\'');
            exclude('"');
        }
        exclude(escape);
        if let Some(stop) = stop {
            exclude(stop);
        }
        plain
    }

    /// Scans up to `stop` (consumed) or, without one, to the end of the word.
    fn scan(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        words: &mut WordSplitter,
    ) -> Result<String, LexError> {
        if stop.is_some() {
            self.nested_scans += 1;
        }
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let scanned = self.scan_text(stop, words);
        self.raw_escapes = saved;
        scanned
    }

    fn scan_text(
        &mut self,
        stop: Option<char>,
        words: &mut WordSplitter,
    ) -> Result<String, LexError> {
        let escape = self.lexer.escape;
        let mut result = String::with_capacity(if stop.is_none() {
            self.cursor.text.len()
        } else {
            0
        });
        let plain = self.plain_bytes(stop, words.enabled);
        loop {
            // Copy a run of ordinary characters at once; the loop below would append
            // them one by one to the result and to the current word.
            let rest = self.cursor.rest();
            let run = rest
                .bytes()
                .position(|b| !plain[usize::from(b)])
                .unwrap_or(rest.len());
            if run > 0 {
                let piece = &rest[..run];
                result.push_str(piece);
                words.add_raw_str(piece);
                self.cursor.pos += run;
            }
            let Some(ch) = self.cursor.peek() else {
                break;
            };
            if Some(ch) == stop {
                self.cursor.bump();
                return Ok(result);
            }
            if let Some(special) = self.special(ch) {
                let scans_before = self.nested_scans;
                let text = match special {
                    Special::Dollar => self.dollar()?,
                    Special::SingleQuote => self.single_quoted()?,
                    Special::DoubleQuote => self.double_quoted()?,
                    Special::Heredoc => self.possible_heredoc(),
                };
                result.push_str(&text);
                if self.nested_scans != scans_before {
                    words.drop_pending();
                }
                if special == Special::Dollar {
                    words.add_str(&text);
                } else {
                    words.add_raw_str(&text);
                }
                continue;
            }
            self.cursor.bump();
            if ch == escape {
                if self.raw_escapes {
                    words.add_raw_char(ch);
                    result.push(ch);
                }
                let Some(escaped) = self.cursor.bump() else {
                    break;
                };
                words.add_raw_char(escaped);
                result.push(escaped);
            } else {
                words.add_char(ch);
                result.push(ch);
            }
        }
        match stop {
            Some(stop) => Err(LexError::at(
                format!("unexpected end of statement while looking for matching {stop}"),
                self.cursor.pos,
            )),
            None => Ok(result),
        }
    }

    fn special(&self, ch: char) -> Option<Special> {
        let quotes = !self.lexer.skip_process_quotes;
        match ch {
            '$' => Some(Special::Dollar),
            '<' => Some(Special::Heredoc),
            '\'' if quotes => Some(Special::SingleQuote),
            '"' if quotes => Some(Special::DoubleQuote),
            _ => None,
        }
    }

    /// `'...'`: everything up to the next `'` as is.
    fn single_quoted(&mut self) -> Result<String, LexError> {
        let start = self.cursor.pos;
        let raw = self.lexer.raw_quotes;
        let mut text = String::new();
        if let Some(open) = self.cursor.bump().filter(|_| raw) {
            text.push(open);
        }
        let rest = self.cursor.rest();
        let Some(close) = memchr::memchr(b'\'', rest.as_bytes()) else {
            self.cursor.pos = self.cursor.text.len();
            return Err(LexError::at(
                "unexpected end of statement while looking for matching single-quote",
                start,
            ));
        };
        text.push_str(&rest[..close]);
        self.cursor.pos += close + 1;
        if raw {
            text.push('\'');
        }
        Ok(text)
    }

    /// `"..."`: literal text with `$` expansions; the escape token escapes only `"`, `$`
    /// and itself.
    fn double_quoted(&mut self) -> Result<String, LexError> {
        let start = self.cursor.pos;
        let raw = self.lexer.raw_quotes;
        let escape = self.lexer.escape;
        let mut text = String::new();
        if let Some(open) = self.cursor.bump().filter(|_| raw) {
            text.push(open);
        }
        // Bytes copied as they are: all but `"`, `$` and the escape token (and, with a
        // non-ASCII escape token, all non-ASCII bytes, left to the character loop).
        let escape_byte = u8::try_from(escape).ok().filter(u8::is_ascii);
        let plain = |b: u8| {
            b != b'"'
                && b != b'$'
                && Some(b) != escape_byte
                && (escape_byte.is_some() || b.is_ascii())
        };
        loop {
            let rest = self.cursor.rest();
            let run = rest.bytes().position(|b| !plain(b)).unwrap_or(rest.len());
            if run > 0 {
                text.push_str(&rest[..run]);
                self.cursor.pos += run;
            }
            match self.cursor.peek() {
                None => {
                    return Err(LexError::at(
                        "unexpected end of statement while looking for matching double-quote",
                        start,
                    ));
                }
                Some('"') => {
                    self.cursor.bump();
                    if raw {
                        text.push('"');
                    }
                    return Ok(text);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    text.push_str(&value);
                }
                Some(mut ch) => {
                    self.cursor.bump();
                    if ch == escape {
                        if self.raw_escapes {
                            text.push(ch);
                        }
                        match self.cursor.peek() {
                            // A trailing escape token is dropped; the missing quote is the error.
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == escape => {
                                self.cursor.bump();
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    text.push(ch);
                }
            }
        }
    }

    /// `<` on its own, or `<<` with the blanks after it, which keeps `<< EOF` one word.
    fn possible_heredoc(&mut self) -> String {
        self.cursor.bump();
        if self.cursor.peek() != Some('<') {
            return "<".to_owned();
        }
        self.cursor.bump();
        let mut text = String::from("<<");
        while let Some(blank @ (' ' | '\t' | '\r')) = self.cursor.peek() {
            text.push(blank);
            self.cursor.bump();
        }
        text
    }

    /// `$name`, `${name}` and `${name<op>...}`, starting at the `$`.
    fn dollar(&mut self) -> Result<String, LexError> {
        let start = self.cursor.pos;
        self.cursor.bump();
        if self.cursor.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(match self.lookup(name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.cursor.bump();
        match self.cursor.peek() {
            None => return Err(LexError::at(MISSING_BRACE, start)),
            Some('{' | '}' | ':') => {
                return Err(LexError::at("syntax error: bad substitution", start));
            }
            Some(_) => {}
        }
        let name = self.name();
        let Some(ch) = self.cursor.bump() else {
            return Err(LexError::at(MISSING_BRACE, start));
        };
        match ch {
            '}' => Ok(match self.lookup(name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            ':' => {
                let operator = self.cursor.bump();
                self.operator(start, name, true, operator)
            }
            '+' | '-' | '?' | '#' | '%' => self.operator(start, name, false, Some(ch)),
            '/' => self.replace(start, name),
            other => Err(unsupported_modifier(&other.to_string(), start)),
        }
    }

    /// `${name-w}` and friends; `colon` is whether a `:` came before the operator.
    fn operator(
        &mut self,
        start: usize,
        name: &str,
        colon: bool,
        operator: Option<char>,
    ) -> Result<String, LexError> {
        let spelled = format!(
            "{}{}",
            if colon { ":" } else { "" },
            operator.unwrap_or(char::REPLACEMENT_CHARACTER)
        );
        let is_trim = matches!(operator, Some('#' | '%'));
        if colon && is_trim {
            return Err(unsupported_modifier(&spelled, start));
        }
        let word = self.nested('}', is_trim, start, MISSING_BRACE)?;
        let value = self.lookup(name);
        if value.is_none() && self.lexer.skip_unset_env {
            return Ok(format!("${{{name}{spelled}{word}}}"));
        }
        let set = value.is_some();
        let value = value.unwrap_or_default();
        let unset_or_null = !set || (colon && value.is_empty());
        match operator {
            Some('-') => Ok(if unset_or_null { word } else { value }),
            Some('+') => Ok(if unset_or_null { String::new() } else { word }),
            Some('?') if unset_or_null => {
                let default = if set {
                    "is not allowed to be empty"
                } else {
                    "is not allowed to be unset"
                };
                let message = if word.is_empty() { default } else { &word };
                Err(LexError::at(format!("{name}: {message}"), start))
            }
            Some('?') => Ok(value),
            Some(trim @ ('#' | '%')) => {
                let (pattern, longest) = match word.strip_prefix(trim) {
                    Some(rest) => (rest, true),
                    None => (word.as_str(), false),
                };
                let trimmed = if trim == '#' {
                    glob::trim_prefix(pattern, &value, longest)
                } else {
                    glob::trim_suffix(pattern, &value, longest)
                };
                trimmed.map_err(|message| LexError::at(message, start))
            }
            _ => Err(unsupported_modifier(&spelled, start)),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    fn replace(&mut self, start: usize, name: &str) -> Result<String, LexError> {
        let all = self.cursor.peek() == Some('/');
        if all {
            self.cursor.bump();
        }
        let pattern = self.nested('/', true, start, "syntax error: missing '/' in ${}")?;
        let replacement = self.nested('}', true, start, MISSING_BRACE)?;
        let Some(value) = self.lookup(name) else {
            if self.lexer.skip_unset_env {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            return Ok(String::new());
        };
        let glob = glob::Glob::compile(&pattern, true).map_err(|err| {
            LexError::at(
                format!("invalid pattern ({pattern}) in substitution: {err}"),
                start,
            )
        })?;
        Ok(if all {
            glob.replace_all(&value, &replacement)
        } else {
            glob.replace_first(&value, &replacement)
        })
    }

    /// Scans an operator argument up to `stop`; hitting the end of the word gives `missing`.
    fn nested(
        &mut self,
        stop: char,
        raw_escapes: bool,
        start: usize,
        missing: &str,
    ) -> Result<String, LexError> {
        if self.depth >= MAX_NESTING {
            return Err(LexError::at(
                format!("syntax error: expansions nested more than {MAX_NESTING} deep"),
                start,
            ));
        }
        self.depth += 1;
        let mut discarded = WordSplitter::new(false);
        let scanned = self.scan(Some(stop), raw_escapes, &mut discarded);
        self.depth -= 1;
        scanned.map_err(|err| {
            if self.cursor.at_end() {
                LexError::at(missing, start)
            } else {
                err
            }
        })
    }

    /// A name: a run of digits, one special parameter character, or letters, digits and
    /// `_` (Go's `unicode.IsLetter`/`IsDigit`).
    fn name(&mut self) -> &'a str {
        let text = self.cursor.text;
        let bytes = text.as_bytes();
        let start = self.cursor.pos;
        let Some(first) = self.cursor.peek() else {
            return "";
        };
        if is_go_digit(first) {
            loop {
                while bytes.get(self.cursor.pos).is_some_and(u8::is_ascii_digit) {
                    self.cursor.pos += 1;
                }
                // A non-ASCII character may still be a digit.
                match self.cursor.peek() {
                    Some(ch) if !ch.is_ascii() && is_go_digit(ch) => {
                        self.cursor.bump();
                    }
                    _ => break,
                }
            }
        } else if is_special_parameter(first) {
            self.cursor.bump();
        } else {
            loop {
                while bytes
                    .get(self.cursor.pos)
                    .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    self.cursor.pos += 1;
                }
                // A non-ASCII character may still be a letter or a digit.
                match self.cursor.peek() {
                    Some(ch) if !ch.is_ascii() && (is_go_letter(ch) || is_go_digit(ch)) => {
                        self.cursor.bump();
                    }
                    _ => break,
                }
            }
        }
        &text[start..self.cursor.pos]
    }

    fn lookup(&mut self, name: &str) -> Option<String> {
        let value = self.env.get(name);
        if self.track_names {
            let names = if value.is_some() {
                &mut self.matched
            } else {
                &mut self.unmatched
            };
            if !names.contains(name) {
                names.insert(name.to_owned());
            }
        }
        value.map(str::to_owned)
    }
}

const MISSING_BRACE: &str = "syntax error: missing '}'";

fn unsupported_modifier(spelled: &str, start: usize) -> LexError {
    LexError::at(
        format!("unsupported modifier ({spelled}) in substitution"),
        start,
    )
}

/// POSIX special parameters (`$@`, `$*`, `$#`, `$?`, `$-`, `$$`, `$!`, `$0`).
fn is_special_parameter(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Go's `unicode.IsSpace`, which is the Unicode `White_Space` property, as is Rust's.
fn is_space(ch: char) -> bool {
    ch.is_whitespace()
}

/// Go's `unicode.IsLetter`: general category L.
fn is_go_letter(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_alphabetic()
    } else {
        in_ranges(unicode_tables::LETTER, ch)
    }
}

/// Go's `unicode.IsDigit`: general category Nd.
fn is_go_digit(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_digit()
    } else {
        in_ranges(unicode_tables::DECIMAL_DIGIT, ch)
    }
}

/// Whether `ch` lies in one of the sorted inclusive `[first, last, first, last, ...]` ranges.
fn in_ranges(ranges: &[u32], ch: char) -> bool {
    let code = u32::from(ch);
    let (mut low, mut high) = (0, ranges.len() / 2);
    while low < high {
        let middle = low + (high - low) / 2;
        if code < ranges[2 * middle] {
            high = middle;
        } else if code > ranges[2 * middle + 1] {
            low = middle + 1;
        } else {
            return true;
        }
    }
    false
}

/// Shell glob patterns with the matching rules of BuildKit's translation to Go regexps.
///
/// BuildKit turns `*` into `.*` (longest) or `.*?` (shortest), `?` into `.`, and every
/// other character into itself, then asks Go's leftmost-first regexp engine for a match.
/// This module compiles the same tiny program and runs it on a Pike VM, which gives the
/// same leftmost-first answer in time proportional to text length times pattern length,
/// with no recursion and no backtracking.
mod glob {
    use super::{BYTE_ORDER_MARK, is_go_digit, is_go_letter};

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Inst {
        Char(char),
        /// Any character but `\n`, like `.` in a Go regexp.
        AnyChar,
        /// Try `.0` first, then `.1`.
        Split(usize, usize),
        Jump(usize),
        Match,
    }

    #[derive(Clone, Copy)]
    struct Thread {
        pc: usize,
        start: usize,
    }

    /// A compiled pattern.
    pub(super) struct Glob {
        program: Vec<Inst>,
    }

    impl Glob {
        /// Compiles `pattern`; `longest` makes `*` prefer longer runs.
        pub(super) fn compile(pattern: &str, longest: bool) -> Result<Self, String> {
            let mut program = Vec::with_capacity(pattern.len() + 1);
            let mut after_star = false;
            let mut chars = pattern.chars().peekable();
            chars.next_if_eq(&BYTE_ORDER_MARK);
            while let Some(ch) = chars.next() {
                let inst = match ch {
                    '*' => {
                        // `**` behaves exactly like `*`; one loop is enough.
                        if !after_star {
                            let at = program.len();
                            program.push(if longest {
                                Inst::Split(at + 1, at + 3)
                            } else {
                                Inst::Split(at + 3, at + 1)
                            });
                            program.push(Inst::AnyChar);
                            program.push(Inst::Jump(at));
                        }
                        after_star = true;
                        continue;
                    }
                    '?' => Inst::AnyChar,
                    // A `\` before `}` or `/` only protected it from the `${...}` scanner.
                    '\\' if matches!(chars.peek(), Some('}' | '/')) => continue,
                    '\\' => match chars.next() {
                        Some(escaped @ ('*' | '?' | '\\')) => Inst::Char(escaped),
                        other => {
                            let shown = other.unwrap_or(char::REPLACEMENT_CHARACTER);
                            return Err(format!("invalid escape '\\{shown}'"));
                        }
                    },
                    literal => Inst::Char(literal),
                };
                program.push(inst);
                after_star = false;
            }
            program.push(Inst::Match);
            Ok(Self { program })
        }

        /// The leftmost-first match starting at or after `from` (only at `from` when
        /// `anchored`), as `(start, end)` indexes into `text`.
        fn find_at(&self, text: &[char], from: usize, anchored: bool) -> Option<(usize, usize)> {
            let mut current: Vec<Thread> = Vec::new();
            let mut next: Vec<Thread> = Vec::new();
            let mut seen = vec![0u64; self.program.len()];
            let mut generation = 1u64;
            let mut stack = Vec::new();
            let mut found = None;
            let mut pos = from;
            loop {
                if current.is_empty() && (found.is_some() || (anchored && pos != from)) {
                    break;
                }
                if found.is_none() && (!anchored || pos == from) {
                    self.add(&mut current, &mut seen, generation, &mut stack, 0, pos);
                }
                let ch = text.get(pos).copied();
                let next_generation = generation + 1;
                next.clear();
                for &thread in &current {
                    let advance = match self.program[thread.pc] {
                        Inst::Match => {
                            // Lower-priority threads can no longer win.
                            found = Some((thread.start, pos));
                            break;
                        }
                        Inst::Char(want) => ch == Some(want),
                        Inst::AnyChar => ch.is_some_and(|c| c != '\n'),
                        Inst::Split(..) | Inst::Jump(_) => false,
                    };
                    if advance {
                        let (pc, start) = (thread.pc + 1, thread.start);
                        self.add(&mut next, &mut seen, next_generation, &mut stack, pc, start);
                    }
                }
                std::mem::swap(&mut current, &mut next);
                generation = next_generation;
                if ch.is_none() {
                    break;
                }
                pos += 1;
            }
            found
        }

        /// Adds the thread at `pc` and everything it reaches without reading, in priority
        /// order, skipping instructions already in `list`.
        fn add(
            &self,
            list: &mut Vec<Thread>,
            seen: &mut [u64],
            generation: u64,
            stack: &mut Vec<usize>,
            pc: usize,
            start: usize,
        ) {
            stack.push(pc);
            while let Some(pc) = stack.pop() {
                let Some(mark) = seen.get_mut(pc) else {
                    continue;
                };
                if *mark == generation {
                    continue;
                }
                *mark = generation;
                match self.program[pc] {
                    Inst::Jump(to) => stack.push(to),
                    Inst::Split(first, second) => {
                        stack.push(second);
                        stack.push(first);
                    }
                    Inst::Char(_) | Inst::AnyChar | Inst::Match => list.push(Thread { pc, start }),
                }
            }
        }

        /// Replaces the leftmost match with `replacement`, taken literally.
        pub(super) fn replace_first(&self, value: &str, replacement: &str) -> String {
            let text: Vec<char> = value.chars().collect();
            match self.find_at(&text, 0, false) {
                Some((start, end)) => {
                    let mut out: String = text[..start].iter().collect();
                    out.push_str(replacement);
                    out.extend(&text[end..]);
                    out
                }
                None => value.to_owned(),
            }
        }

        /// Replaces every match like Go's `Regexp.ReplaceAllString`: `$0`/`${0}` in
        /// `replacement` stand for the match, `$$` for `$`, and an empty match right after
        /// a previous match is not replaced.
        pub(super) fn replace_all(&self, value: &str, replacement: &str) -> String {
            let text: Vec<char> = value.chars().collect();
            let mut out = String::with_capacity(value.len());
            let mut last_end = 0;
            let mut search = 0;
            while search <= text.len() {
                let Some((start, end)) = self.find_at(&text, search, false) else {
                    break;
                };
                out.extend(&text[last_end..start]);
                if end > last_end || start == 0 {
                    expand_template(&mut out, replacement, &text[start..end]);
                }
                last_end = end;
                // Step past the match, and at least one character.
                search = if search < end { end } else { search + 1 };
            }
            out.extend(&text[last_end..]);
            out
        }
    }

    /// `${name#pattern}` (`longest` for `##`): removes the matching prefix.
    pub(super) fn trim_prefix(pattern: &str, value: &str, longest: bool) -> Result<String, String> {
        let glob = Glob::compile(pattern, longest)
            .map_err(|err| format!("invalid pattern ({pattern}) in substitution: {err}"))?;
        let text: Vec<char> = value.chars().collect();
        Ok(match glob.find_at(&text, 0, true) {
            Some((_, end)) => text[end..].iter().collect(),
            None => value.to_owned(),
        })
    }

    /// `${name%pattern}` (`longest` for `%%`): removes the matching suffix. Like upstream,
    /// this reverses the pattern and the value and trims a prefix.
    pub(super) fn trim_suffix(pattern: &str, value: &str, longest: bool) -> Result<String, String> {
        let reversed = reverse_pattern(pattern);
        let glob = Glob::compile(&reversed, longest)
            .map_err(|err| format!("invalid pattern ({reversed}) in substitution: {err}"))?;
        let text: Vec<char> = value.chars().rev().collect();
        Ok(match glob.find_at(&text, 0, true) {
            Some((_, end)) => text[end..].iter().rev().collect(),
            None => value.to_owned(),
        })
    }

    /// Reverses a pattern but keeps each `\x` pair in order (`a\*c` becomes `c\*a`); a
    /// final lone `\` moves to the front on its own.
    fn reverse_pattern(pattern: &str) -> String {
        let chars: Vec<char> = pattern.chars().collect();
        let mut units: Vec<&[char]> = Vec::with_capacity(chars.len());
        let mut index = 0;
        while index < chars.len() {
            let width = if chars[index] == '\\' && index + 1 < chars.len() {
                2
            } else {
                1
            };
            units.push(&chars[index..index + width]);
            index += width;
        }
        units.iter().rev().flat_map(|unit| unit.iter()).collect()
    }

    /// Appends `template` with Go's `Regexp.Expand` rules for a regexp without groups.
    fn expand_template(out: &mut String, template: &str, matched: &[char]) {
        let mut rest = template;
        while let Some(dollar) = rest.find('$') {
            out.push_str(&rest[..dollar]);
            let after = &rest[dollar + 1..];
            if let Some(tail) = after.strip_prefix('$') {
                out.push('$');
                rest = tail;
                continue;
            }
            match group_reference(after) {
                Some((group, tail)) => {
                    if group == Some(0) {
                        out.extend(matched);
                    }
                    rest = tail;
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
    }

    /// Reads `name` or `{name}` after a `$`: the group number if the name is one (no
    /// leading zeros), and the text after it; `None` if there is no valid name.
    fn group_reference(text: &str) -> Option<(Option<u32>, &str)> {
        let (braced, body) = match text.strip_prefix('{') {
            Some(body) => (true, body),
            None => (false, text),
        };
        let length = body
            .char_indices()
            .find(|&(_, ch)| !(is_go_letter(ch) || is_go_digit(ch) || ch == '_'))
            .map_or(body.len(), |(index, _)| index);
        if length == 0 {
            return None;
        }
        let name = &body[..length];
        let tail = if braced {
            body[length..].strip_prefix('}')?
        } else {
            &body[length..]
        };
        let number = if name.len() > 1 && name.starts_with('0') {
            None
        } else if name.bytes().all(|byte| byte.is_ascii_digit()) && name.len() <= 8 {
            name.parse().ok()
        } else {
            None
        };
        Some((number, tail))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn trim_prefix_ok(pattern: &str, value: &str, longest: bool) -> String {
            trim_prefix(pattern, value, longest).expect("valid pattern")
        }

        #[test]
        fn shortest_and_longest_prefix() {
            assert_eq!(trim_prefix_ok("*x*y", "xxyy", false), "y");
            assert_eq!(trim_prefix_ok("*x", "xxyy", true), "yy");
            assert_eq!(trim_prefix_ok("*", "xxyy", false), "xxyy");
            assert_eq!(trim_prefix_ok("*", "xxyy", true), "");
            assert_eq!(trim_prefix_ok("", "xxyy", true), "xxyy");
            assert_eq!(trim_prefix_ok("z*", "xxyy", true), "xxyy");
        }

        #[test]
        fn suffix_trims_from_the_right() {
            assert_eq!(trim_suffix(".*", "a.b.c", false).unwrap(), "a.b");
            assert_eq!(trim_suffix(".*", "a.b.c", true).unwrap(), "a");
            assert_eq!(trim_suffix("\\**", "xx**", true).unwrap(), "xx");
        }

        #[test]
        fn wildcards_stop_at_newlines() {
            assert_eq!(trim_prefix_ok("*", "ab\ncd", true), "\ncd");
            assert_eq!(trim_prefix_ok("a?c", "a\nc", false), "a\nc");
            assert_eq!(trim_prefix_ok("a\n*", "a\nbc\nd", true), "\nd");
            let glob = Glob::compile("*", true).unwrap();
            assert_eq!(glob.replace_all("ab\ncd", "z"), "z\nz");
        }

        #[test]
        fn escapes_in_patterns() {
            assert_eq!(trim_prefix_ok("\\}\\/", "}/x", false), "x");
            assert_eq!(trim_prefix_ok("\\*\\?\\\\", "*?\\x", false), "x");
            assert!(trim_prefix("\\a", "x", false).is_err());
            assert!(trim_prefix("ab\\", "x", false).is_err());
            // Upstream reverses `a*\` into `\*a` before compiling, which is valid.
            assert_eq!(trim_suffix("a*\\", "xa*", false).unwrap(), "x");
        }

        #[test]
        fn reverse_pattern_keeps_escape_pairs() {
            assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
            assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
            assert_eq!(reverse_pattern("ab\\"), "\\ba");
            assert_eq!(reverse_pattern("👽\\🚀🖖"), "🖖\\🚀👽");
            assert_eq!(reverse_pattern("\\\\b"), "b\\\\");
            assert_eq!(reverse_pattern(""), "");
        }

        #[test]
        fn replace_all_like_go() {
            let empty = Glob::compile("", true).unwrap();
            assert_eq!(empty.replace_all("ab", "-"), "-a-b-");
            let star = Glob::compile("*", true).unwrap();
            assert_eq!(star.replace_all("ab", "-"), "-");
            let o = Glob::compile("o", true).unwrap();
            assert_eq!(
                o.replace_all("foo", "<$0|${0}|$$|$1|$x|$|${0>"),
                "f<o|o|$|||$|${0><o|o|$|||$|${0>"
            );
            assert_eq!(o.replace_first("foo", "$0"), "f$0o");
        }

        #[test]
        fn leading_byte_order_mark_is_ignored() {
            assert_eq!(trim_prefix_ok("\u{feff}a", "ab", false), "b");
            assert_eq!(trim_prefix_ok("a\u{feff}", "a\u{feff}b", false), "b");
        }
    }
}

/// Unicode 14 general category tables (generated with Python's `unicodedata`) for the
/// characters above ASCII: `[first, last, first, last, ...]`, sorted, inclusive.
mod unicode_tables {
    /// Categories Lu, Ll, Lt, Lm and Lo.
    pub(super) const LETTER: &[u32] = &[
        0xAA, 0xAA, 0xB5, 0xB5, 0xBA, 0xBA, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0x2C1, 0x2C6, 0x2D1,
        0x2E0, 0x2E4, 0x2EC, 0x2EC, 0x2EE, 0x2EE, 0x370, 0x374, 0x376, 0x377, 0x37A, 0x37D, 0x37F,
        0x37F, 0x386, 0x386, 0x388, 0x38A, 0x38C, 0x38C, 0x38E, 0x3A1, 0x3A3, 0x3F5, 0x3F7, 0x481,
        0x48A, 0x52F, 0x531, 0x556, 0x559, 0x559, 0x560, 0x588, 0x5D0, 0x5EA, 0x5EF, 0x5F2, 0x620,
        0x64A, 0x66E, 0x66F, 0x671, 0x6D3, 0x6D5, 0x6D5, 0x6E5, 0x6E6, 0x6EE, 0x6EF, 0x6FA, 0x6FC,
        0x6FF, 0x6FF, 0x710, 0x710, 0x712, 0x72F, 0x74D, 0x7A5, 0x7B1, 0x7B1, 0x7CA, 0x7EA, 0x7F4,
        0x7F5, 0x7FA, 0x7FA, 0x800, 0x815, 0x81A, 0x81A, 0x824, 0x824, 0x828, 0x828, 0x840, 0x858,
        0x860, 0x86A, 0x870, 0x887, 0x889, 0x88E, 0x8A0, 0x8C9, 0x904, 0x939, 0x93D, 0x93D, 0x950,
        0x950, 0x958, 0x961, 0x971, 0x980, 0x985, 0x98C, 0x98F, 0x990, 0x993, 0x9A8, 0x9AA, 0x9B0,
        0x9B2, 0x9B2, 0x9B6, 0x9B9, 0x9BD, 0x9BD, 0x9CE, 0x9CE, 0x9DC, 0x9DD, 0x9DF, 0x9E1, 0x9F0,
        0x9F1, 0x9FC, 0x9FC, 0xA05, 0xA0A, 0xA0F, 0xA10, 0xA13, 0xA28, 0xA2A, 0xA30, 0xA32, 0xA33,
        0xA35, 0xA36, 0xA38, 0xA39, 0xA59, 0xA5C, 0xA5E, 0xA5E, 0xA72, 0xA74, 0xA85, 0xA8D, 0xA8F,
        0xA91, 0xA93, 0xAA8, 0xAAA, 0xAB0, 0xAB2, 0xAB3, 0xAB5, 0xAB9, 0xABD, 0xABD, 0xAD0, 0xAD0,
        0xAE0, 0xAE1, 0xAF9, 0xAF9, 0xB05, 0xB0C, 0xB0F, 0xB10, 0xB13, 0xB28, 0xB2A, 0xB30, 0xB32,
        0xB33, 0xB35, 0xB39, 0xB3D, 0xB3D, 0xB5C, 0xB5D, 0xB5F, 0xB61, 0xB71, 0xB71, 0xB83, 0xB83,
        0xB85, 0xB8A, 0xB8E, 0xB90, 0xB92, 0xB95, 0xB99, 0xB9A, 0xB9C, 0xB9C, 0xB9E, 0xB9F, 0xBA3,
        0xBA4, 0xBA8, 0xBAA, 0xBAE, 0xBB9, 0xBD0, 0xBD0, 0xC05, 0xC0C, 0xC0E, 0xC10, 0xC12, 0xC28,
        0xC2A, 0xC39, 0xC3D, 0xC3D, 0xC58, 0xC5A, 0xC5D, 0xC5D, 0xC60, 0xC61, 0xC80, 0xC80, 0xC85,
        0xC8C, 0xC8E, 0xC90, 0xC92, 0xCA8, 0xCAA, 0xCB3, 0xCB5, 0xCB9, 0xCBD, 0xCBD, 0xCDD, 0xCDE,
        0xCE0, 0xCE1, 0xCF1, 0xCF2, 0xD04, 0xD0C, 0xD0E, 0xD10, 0xD12, 0xD3A, 0xD3D, 0xD3D, 0xD4E,
        0xD4E, 0xD54, 0xD56, 0xD5F, 0xD61, 0xD7A, 0xD7F, 0xD85, 0xD96, 0xD9A, 0xDB1, 0xDB3, 0xDBB,
        0xDBD, 0xDBD, 0xDC0, 0xDC6, 0xE01, 0xE30, 0xE32, 0xE33, 0xE40, 0xE46, 0xE81, 0xE82, 0xE84,
        0xE84, 0xE86, 0xE8A, 0xE8C, 0xEA3, 0xEA5, 0xEA5, 0xEA7, 0xEB0, 0xEB2, 0xEB3, 0xEBD, 0xEBD,
        0xEC0, 0xEC4, 0xEC6, 0xEC6, 0xEDC, 0xEDF, 0xF00, 0xF00, 0xF40, 0xF47, 0xF49, 0xF6C, 0xF88,
        0xF8C, 0x1000, 0x102A, 0x103F, 0x103F, 0x1050, 0x1055, 0x105A, 0x105D, 0x1061, 0x1061,
        0x1065, 0x1066, 0x106E, 0x1070, 0x1075, 0x1081, 0x108E, 0x108E, 0x10A0, 0x10C5, 0x10C7,
        0x10C7, 0x10CD, 0x10CD, 0x10D0, 0x10FA, 0x10FC, 0x1248, 0x124A, 0x124D, 0x1250, 0x1256,
        0x1258, 0x1258, 0x125A, 0x125D, 0x1260, 0x1288, 0x128A, 0x128D, 0x1290, 0x12B0, 0x12B2,
        0x12B5, 0x12B8, 0x12BE, 0x12C0, 0x12C0, 0x12C2, 0x12C5, 0x12C8, 0x12D6, 0x12D8, 0x1310,
        0x1312, 0x1315, 0x1318, 0x135A, 0x1380, 0x138F, 0x13A0, 0x13F5, 0x13F8, 0x13FD, 0x1401,
        0x166C, 0x166F, 0x167F, 0x1681, 0x169A, 0x16A0, 0x16EA, 0x16F1, 0x16F8, 0x1700, 0x1711,
        0x171F, 0x1731, 0x1740, 0x1751, 0x1760, 0x176C, 0x176E, 0x1770, 0x1780, 0x17B3, 0x17D7,
        0x17D7, 0x17DC, 0x17DC, 0x1820, 0x1878, 0x1880, 0x1884, 0x1887, 0x18A8, 0x18AA, 0x18AA,
        0x18B0, 0x18F5, 0x1900, 0x191E, 0x1950, 0x196D, 0x1970, 0x1974, 0x1980, 0x19AB, 0x19B0,
        0x19C9, 0x1A00, 0x1A16, 0x1A20, 0x1A54, 0x1AA7, 0x1AA7, 0x1B05, 0x1B33, 0x1B45, 0x1B4C,
        0x1B83, 0x1BA0, 0x1BAE, 0x1BAF, 0x1BBA, 0x1BE5, 0x1C00, 0x1C23, 0x1C4D, 0x1C4F, 0x1C5A,
        0x1C7D, 0x1C80, 0x1C88, 0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1CE9, 0x1CEC, 0x1CEE, 0x1CF3,
        0x1CF5, 0x1CF6, 0x1CFA, 0x1CFA, 0x1D00, 0x1DBF, 0x1E00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20,
        0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57, 0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D,
        0x1F5F, 0x1F7D, 0x1F80, 0x1FB4, 0x1FB6, 0x1FBC, 0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6,
        0x1FCC, 0x1FD0, 0x1FD3, 0x1FD6, 0x1FDB, 0x1FE0, 0x1FEC, 0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC,
        0x2071, 0x2071, 0x207F, 0x207F, 0x2090, 0x209C, 0x2102, 0x2102, 0x2107, 0x2107, 0x210A,
        0x2113, 0x2115, 0x2115, 0x2119, 0x211D, 0x2124, 0x2124, 0x2126, 0x2126, 0x2128, 0x2128,
        0x212A, 0x212D, 0x212F, 0x2139, 0x213C, 0x213F, 0x2145, 0x2149, 0x214E, 0x214E, 0x2183,
        0x2184, 0x2C00, 0x2CE4, 0x2CEB, 0x2CEE, 0x2CF2, 0x2CF3, 0x2D00, 0x2D25, 0x2D27, 0x2D27,
        0x2D2D, 0x2D2D, 0x2D30, 0x2D67, 0x2D6F, 0x2D6F, 0x2D80, 0x2D96, 0x2DA0, 0x2DA6, 0x2DA8,
        0x2DAE, 0x2DB0, 0x2DB6, 0x2DB8, 0x2DBE, 0x2DC0, 0x2DC6, 0x2DC8, 0x2DCE, 0x2DD0, 0x2DD6,
        0x2DD8, 0x2DDE, 0x2E2F, 0x2E2F, 0x3005, 0x3006, 0x3031, 0x3035, 0x303B, 0x303C, 0x3041,
        0x3096, 0x309D, 0x309F, 0x30A1, 0x30FA, 0x30FC, 0x30FF, 0x3105, 0x312F, 0x3131, 0x318E,
        0x31A0, 0x31BF, 0x31F0, 0x31FF, 0x3400, 0x4DBF, 0x4E00, 0xA48C, 0xA4D0, 0xA4FD, 0xA500,
        0xA60C, 0xA610, 0xA61F, 0xA62A, 0xA62B, 0xA640, 0xA66E, 0xA67F, 0xA69D, 0xA6A0, 0xA6E5,
        0xA717, 0xA71F, 0xA722, 0xA788, 0xA78B, 0xA7CA, 0xA7D0, 0xA7D1, 0xA7D3, 0xA7D3, 0xA7D5,
        0xA7D9, 0xA7F2, 0xA801, 0xA803, 0xA805, 0xA807, 0xA80A, 0xA80C, 0xA822, 0xA840, 0xA873,
        0xA882, 0xA8B3, 0xA8F2, 0xA8F7, 0xA8FB, 0xA8FB, 0xA8FD, 0xA8FE, 0xA90A, 0xA925, 0xA930,
        0xA946, 0xA960, 0xA97C, 0xA984, 0xA9B2, 0xA9CF, 0xA9CF, 0xA9E0, 0xA9E4, 0xA9E6, 0xA9EF,
        0xA9FA, 0xA9FE, 0xAA00, 0xAA28, 0xAA40, 0xAA42, 0xAA44, 0xAA4B, 0xAA60, 0xAA76, 0xAA7A,
        0xAA7A, 0xAA7E, 0xAAAF, 0xAAB1, 0xAAB1, 0xAAB5, 0xAAB6, 0xAAB9, 0xAABD, 0xAAC0, 0xAAC0,
        0xAAC2, 0xAAC2, 0xAADB, 0xAADD, 0xAAE0, 0xAAEA, 0xAAF2, 0xAAF4, 0xAB01, 0xAB06, 0xAB09,
        0xAB0E, 0xAB11, 0xAB16, 0xAB20, 0xAB26, 0xAB28, 0xAB2E, 0xAB30, 0xAB5A, 0xAB5C, 0xAB69,
        0xAB70, 0xABE2, 0xAC00, 0xD7A3, 0xD7B0, 0xD7C6, 0xD7CB, 0xD7FB, 0xF900, 0xFA6D, 0xFA70,
        0xFAD9, 0xFB00, 0xFB06, 0xFB13, 0xFB17, 0xFB1D, 0xFB1D, 0xFB1F, 0xFB28, 0xFB2A, 0xFB36,
        0xFB38, 0xFB3C, 0xFB3E, 0xFB3E, 0xFB40, 0xFB41, 0xFB43, 0xFB44, 0xFB46, 0xFBB1, 0xFBD3,
        0xFD3D, 0xFD50, 0xFD8F, 0xFD92, 0xFDC7, 0xFDF0, 0xFDFB, 0xFE70, 0xFE74, 0xFE76, 0xFEFC,
        0xFF21, 0xFF3A, 0xFF41, 0xFF5A, 0xFF66, 0xFFBE, 0xFFC2, 0xFFC7, 0xFFCA, 0xFFCF, 0xFFD2,
        0xFFD7, 0xFFDA, 0xFFDC, 0x10000, 0x1000B, 0x1000D, 0x10026, 0x10028, 0x1003A, 0x1003C,
        0x1003D, 0x1003F, 0x1004D, 0x10050, 0x1005D, 0x10080, 0x100FA, 0x10280, 0x1029C, 0x102A0,
        0x102D0, 0x10300, 0x1031F, 0x1032D, 0x10340, 0x10342, 0x10349, 0x10350, 0x10375, 0x10380,
        0x1039D, 0x103A0, 0x103C3, 0x103C8, 0x103CF, 0x10400, 0x1049D, 0x104B0, 0x104D3, 0x104D8,
        0x104FB, 0x10500, 0x10527, 0x10530, 0x10563, 0x10570, 0x1057A, 0x1057C, 0x1058A, 0x1058C,
        0x10592, 0x10594, 0x10595, 0x10597, 0x105A1, 0x105A3, 0x105B1, 0x105B3, 0x105B9, 0x105BB,
        0x105BC, 0x10600, 0x10736, 0x10740, 0x10755, 0x10760, 0x10767, 0x10780, 0x10785, 0x10787,
        0x107B0, 0x107B2, 0x107BA, 0x10800, 0x10805, 0x10808, 0x10808, 0x1080A, 0x10835, 0x10837,
        0x10838, 0x1083C, 0x1083C, 0x1083F, 0x10855, 0x10860, 0x10876, 0x10880, 0x1089E, 0x108E0,
        0x108F2, 0x108F4, 0x108F5, 0x10900, 0x10915, 0x10920, 0x10939, 0x10980, 0x109B7, 0x109BE,
        0x109BF, 0x10A00, 0x10A00, 0x10A10, 0x10A13, 0x10A15, 0x10A17, 0x10A19, 0x10A35, 0x10A60,
        0x10A7C, 0x10A80, 0x10A9C, 0x10AC0, 0x10AC7, 0x10AC9, 0x10AE4, 0x10B00, 0x10B35, 0x10B40,
        0x10B55, 0x10B60, 0x10B72, 0x10B80, 0x10B91, 0x10C00, 0x10C48, 0x10C80, 0x10CB2, 0x10CC0,
        0x10CF2, 0x10D00, 0x10D23, 0x10E80, 0x10EA9, 0x10EB0, 0x10EB1, 0x10F00, 0x10F1C, 0x10F27,
        0x10F27, 0x10F30, 0x10F45, 0x10F70, 0x10F81, 0x10FB0, 0x10FC4, 0x10FE0, 0x10FF6, 0x11003,
        0x11037, 0x11071, 0x11072, 0x11075, 0x11075, 0x11083, 0x110AF, 0x110D0, 0x110E8, 0x11103,
        0x11126, 0x11144, 0x11144, 0x11147, 0x11147, 0x11150, 0x11172, 0x11176, 0x11176, 0x11183,
        0x111B2, 0x111C1, 0x111C4, 0x111DA, 0x111DA, 0x111DC, 0x111DC, 0x11200, 0x11211, 0x11213,
        0x1122B, 0x11280, 0x11286, 0x11288, 0x11288, 0x1128A, 0x1128D, 0x1128F, 0x1129D, 0x1129F,
        0x112A8, 0x112B0, 0x112DE, 0x11305, 0x1130C, 0x1130F, 0x11310, 0x11313, 0x11328, 0x1132A,
        0x11330, 0x11332, 0x11333, 0x11335, 0x11339, 0x1133D, 0x1133D, 0x11350, 0x11350, 0x1135D,
        0x11361, 0x11400, 0x11434, 0x11447, 0x1144A, 0x1145F, 0x11461, 0x11480, 0x114AF, 0x114C4,
        0x114C5, 0x114C7, 0x114C7, 0x11580, 0x115AE, 0x115D8, 0x115DB, 0x11600, 0x1162F, 0x11644,
        0x11644, 0x11680, 0x116AA, 0x116B8, 0x116B8, 0x11700, 0x1171A, 0x11740, 0x11746, 0x11800,
        0x1182B, 0x118A0, 0x118DF, 0x118FF, 0x11906, 0x11909, 0x11909, 0x1190C, 0x11913, 0x11915,
        0x11916, 0x11918, 0x1192F, 0x1193F, 0x1193F, 0x11941, 0x11941, 0x119A0, 0x119A7, 0x119AA,
        0x119D0, 0x119E1, 0x119E1, 0x119E3, 0x119E3, 0x11A00, 0x11A00, 0x11A0B, 0x11A32, 0x11A3A,
        0x11A3A, 0x11A50, 0x11A50, 0x11A5C, 0x11A89, 0x11A9D, 0x11A9D, 0x11AB0, 0x11AF8, 0x11C00,
        0x11C08, 0x11C0A, 0x11C2E, 0x11C40, 0x11C40, 0x11C72, 0x11C8F, 0x11D00, 0x11D06, 0x11D08,
        0x11D09, 0x11D0B, 0x11D30, 0x11D46, 0x11D46, 0x11D60, 0x11D65, 0x11D67, 0x11D68, 0x11D6A,
        0x11D89, 0x11D98, 0x11D98, 0x11EE0, 0x11EF2, 0x11FB0, 0x11FB0, 0x12000, 0x12399, 0x12480,
        0x12543, 0x12F90, 0x12FF0, 0x13000, 0x1342E, 0x14400, 0x14646, 0x16800, 0x16A38, 0x16A40,
        0x16A5E, 0x16A70, 0x16ABE, 0x16AD0, 0x16AED, 0x16B00, 0x16B2F, 0x16B40, 0x16B43, 0x16B63,
        0x16B77, 0x16B7D, 0x16B8F, 0x16E40, 0x16E7F, 0x16F00, 0x16F4A, 0x16F50, 0x16F50, 0x16F93,
        0x16F9F, 0x16FE0, 0x16FE1, 0x16FE3, 0x16FE3, 0x17000, 0x187F7, 0x18800, 0x18CD5, 0x18D00,
        0x18D08, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB, 0x1AFFD, 0x1AFFE, 0x1B000, 0x1B122, 0x1B150,
        0x1B152, 0x1B164, 0x1B167, 0x1B170, 0x1B2FB, 0x1BC00, 0x1BC6A, 0x1BC70, 0x1BC7C, 0x1BC80,
        0x1BC88, 0x1BC90, 0x1BC99, 0x1D400, 0x1D454, 0x1D456, 0x1D49C, 0x1D49E, 0x1D49F, 0x1D4A2,
        0x1D4A2, 0x1D4A5, 0x1D4A6, 0x1D4A9, 0x1D4AC, 0x1D4AE, 0x1D4B9, 0x1D4BB, 0x1D4BB, 0x1D4BD,
        0x1D4C3, 0x1D4C5, 0x1D505, 0x1D507, 0x1D50A, 0x1D50D, 0x1D514, 0x1D516, 0x1D51C, 0x1D51E,
        0x1D539, 0x1D53B, 0x1D53E, 0x1D540, 0x1D544, 0x1D546, 0x1D546, 0x1D54A, 0x1D550, 0x1D552,
        0x1D6A5, 0x1D6A8, 0x1D6C0, 0x1D6C2, 0x1D6DA, 0x1D6DC, 0x1D6FA, 0x1D6FC, 0x1D714, 0x1D716,
        0x1D734, 0x1D736, 0x1D74E, 0x1D750, 0x1D76E, 0x1D770, 0x1D788, 0x1D78A, 0x1D7A8, 0x1D7AA,
        0x1D7C2, 0x1D7C4, 0x1D7CB, 0x1DF00, 0x1DF1E, 0x1E100, 0x1E12C, 0x1E137, 0x1E13D, 0x1E14E,
        0x1E14E, 0x1E290, 0x1E2AD, 0x1E2C0, 0x1E2EB, 0x1E7E0, 0x1E7E6, 0x1E7E8, 0x1E7EB, 0x1E7ED,
        0x1E7EE, 0x1E7F0, 0x1E7FE, 0x1E800, 0x1E8C4, 0x1E900, 0x1E943, 0x1E94B, 0x1E94B, 0x1EE00,
        0x1EE03, 0x1EE05, 0x1EE1F, 0x1EE21, 0x1EE22, 0x1EE24, 0x1EE24, 0x1EE27, 0x1EE27, 0x1EE29,
        0x1EE32, 0x1EE34, 0x1EE37, 0x1EE39, 0x1EE39, 0x1EE3B, 0x1EE3B, 0x1EE42, 0x1EE42, 0x1EE47,
        0x1EE47, 0x1EE49, 0x1EE49, 0x1EE4B, 0x1EE4B, 0x1EE4D, 0x1EE4F, 0x1EE51, 0x1EE52, 0x1EE54,
        0x1EE54, 0x1EE57, 0x1EE57, 0x1EE59, 0x1EE59, 0x1EE5B, 0x1EE5B, 0x1EE5D, 0x1EE5D, 0x1EE5F,
        0x1EE5F, 0x1EE61, 0x1EE62, 0x1EE64, 0x1EE64, 0x1EE67, 0x1EE6A, 0x1EE6C, 0x1EE72, 0x1EE74,
        0x1EE77, 0x1EE79, 0x1EE7C, 0x1EE7E, 0x1EE7E, 0x1EE80, 0x1EE89, 0x1EE8B, 0x1EE9B, 0x1EEA1,
        0x1EEA3, 0x1EEA5, 0x1EEA9, 0x1EEAB, 0x1EEBB, 0x20000, 0x2A6DF, 0x2A700, 0x2B738, 0x2B740,
        0x2B81D, 0x2B820, 0x2CEA1, 0x2CEB0, 0x2EBE0, 0x2F800, 0x2FA1D, 0x30000, 0x3134A,
    ];

    /// Category Nd.
    pub(super) const DECIMAL_DIGIT: &[u32] = &[
        0x660, 0x669, 0x6F0, 0x6F9, 0x7C0, 0x7C9, 0x966, 0x96F, 0x9E6, 0x9EF, 0xA66, 0xA6F, 0xAE6,
        0xAEF, 0xB66, 0xB6F, 0xBE6, 0xBEF, 0xC66, 0xC6F, 0xCE6, 0xCEF, 0xD66, 0xD6F, 0xDE6, 0xDEF,
        0xE50, 0xE59, 0xED0, 0xED9, 0xF20, 0xF29, 0x1040, 0x1049, 0x1090, 0x1099, 0x17E0, 0x17E9,
        0x1810, 0x1819, 0x1946, 0x194F, 0x19D0, 0x19D9, 0x1A80, 0x1A89, 0x1A90, 0x1A99, 0x1B50,
        0x1B59, 0x1BB0, 0x1BB9, 0x1C40, 0x1C49, 0x1C50, 0x1C59, 0xA620, 0xA629, 0xA8D0, 0xA8D9,
        0xA900, 0xA909, 0xA9D0, 0xA9D9, 0xA9F0, 0xA9F9, 0xAA50, 0xAA59, 0xABF0, 0xABF9, 0xFF10,
        0xFF19, 0x104A0, 0x104A9, 0x10D30, 0x10D39, 0x11066, 0x1106F, 0x110F0, 0x110F9, 0x11136,
        0x1113F, 0x111D0, 0x111D9, 0x112F0, 0x112F9, 0x11450, 0x11459, 0x114D0, 0x114D9, 0x11650,
        0x11659, 0x116C0, 0x116C9, 0x11730, 0x11739, 0x118E0, 0x118E9, 0x11950, 0x11959, 0x11C50,
        0x11C59, 0x11D50, 0x11D59, 0x11DA0, 0x11DA9, 0x16A60, 0x16A69, 0x16AC0, 0x16AC9, 0x16B50,
        0x16B59, 0x1D7CE, 0x1D7FF, 0x1E140, 0x1E149, 0x1E2F0, 0x1E2F9, 0x1E950, 0x1E959, 0x1FBF0,
        0x1FBF9,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn heredoc_lexer() -> Lexer {
        Lexer {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            ..Lexer::new('\\')
        }
    }

    fn words(lexer: &Lexer, line: &str) -> Vec<String> {
        lexer.process_words(line, &EmptyEnv).expect("line lexes")
    }

    #[test]
    fn raw_quotes_keep_quote_characters() {
        let lexer = Lexer {
            raw_quotes: true,
            ..Lexer::default()
        };
        let vars = env(&[("A", "1")]);
        assert_eq!(
            lexer.process_word(r#"he'll'o "x$A" '$A'"#, &vars).unwrap(),
            r#"he'll'o "x1" '$A'"#
        );
        assert_eq!(words(&lexer, r#"a "b c" 'd e'"#), ["a", "\"b c\"", "'d e'"]);
    }

    #[test]
    fn raw_escapes_keep_escape_tokens() {
        let lexer = Lexer {
            raw_escapes: true,
            ..Lexer::default()
        };
        assert_eq!(
            lexer.process_word(r"a\ b\$c", &EmptyEnv).unwrap(),
            r"a\ b\$c"
        );
        // In double quotes a non-escaping escape token is written twice, as upstream does:
        // once because escapes are raw, once because it stays a literal character.
        assert_eq!(
            lexer.process_word(r#""\$x\"\y""#, &EmptyEnv).unwrap(),
            r#"\$x\"\\y"#
        );
        assert_eq!(words(&lexer, r"a\ b c"), [r"a\ b", "c"]);
        // Without the option the escape token is consumed.
        assert_eq!(
            Lexer::default()
                .process_word(r"a\ b\$c", &EmptyEnv)
                .unwrap(),
            "a b$c"
        );
    }

    #[test]
    fn skip_unset_env_gives_references_back() {
        let lexer = Lexer {
            skip_unset_env: true,
            ..Lexer::default()
        };
        let vars = env(&[("SET", "v")]);
        assert_eq!(
            lexer
                .process_word(
                    "$A ${B} ${C:-d} ${D+x} ${E#p} ${F/x/y} ${G//x/y} $SET",
                    &vars
                )
                .unwrap(),
            "$A ${B} ${C:-d} ${D+x} ${E#p} ${F/x/y} ${G/x/y} v"
        );
        // An unknown operator on an unset name is given back instead of failing.
        assert_eq!(lexer.process_word("${A:YY}", &vars).unwrap(), "${A:YY}");
        assert!(Lexer::default().process_word("${A:YY}", &vars).is_err());
        assert_eq!(words(&lexer, "RUN <<$EOF"), ["RUN", "<<$EOF"]);
    }

    #[test]
    fn skip_process_quotes_treats_quotes_as_text() {
        let lexer = Lexer {
            skip_process_quotes: true,
            ..Lexer::default()
        };
        let vars = env(&[("A", "1")]);
        assert_eq!(
            lexer.process_word(r#"'$A' "$A"'"#, &vars).unwrap(),
            r#"'1' "1"'"#
        );
    }

    #[test]
    fn backtick_escape_token() {
        let lexer = Lexer::new('`');
        let vars = env(&[("b", "B")]);
        assert_eq!(
            lexer.process_word(r"C:\dir `$b $b", &vars).unwrap(),
            r"C:\dir $b B"
        );
        assert_eq!(lexer.process_word("\"a`\"b\"", &vars).unwrap(), "a\"b");
        assert_eq!(words(&lexer, "a` b c"), ["a b", "c"]);
    }

    #[test]
    fn heredoc_openers_stay_one_word() {
        let lexer = heredoc_lexer();
        assert_eq!(words(&lexer, "RUN <<EOF"), ["RUN", "<<EOF"]);
        assert_eq!(words(&lexer, "RUN <<-EOF"), ["RUN", "<<-EOF"]);
        assert_eq!(words(&lexer, "RUN << EOF"), ["RUN", "<< EOF"]);
        assert_eq!(words(&lexer, "RUN <<\t\r EOF"), ["RUN", "<<\t\r EOF"]);
        // Only the blanks right after `<<` are kept, so `<<- EOF` is two words upstream.
        assert_eq!(words(&lexer, "RUN <<- EOF"), ["RUN", "<<-", "EOF"]);
        assert_eq!(words(&lexer, "RUN << -EOF"), ["RUN", "<< -EOF"]);
        assert_eq!(words(&lexer, "RUN <<'EOF'"), ["RUN", "<<'EOF'"]);
        assert_eq!(words(&lexer, "RUN 4<<EOF"), ["RUN", "4<<EOF"]);
        assert_eq!(
            words(&lexer, "RUN <<EOF <<EOF2"),
            ["RUN", "<<EOF", "<<EOF2"]
        );
        assert_eq!(words(&lexer, "RUN '<<EOF'"), ["RUN", "'<<EOF'"]);
        assert_eq!(words(&lexer, "RUN \"<<EOF\""), ["RUN", "\"<<EOF\""]);
        assert_eq!(
            words(&lexer, "COPY <<X <<Y /dest"),
            ["COPY", "<<X", "<<Y", "/dest"]
        );
        assert_eq!(words(&lexer, r"RUN <<eo\'f"), ["RUN", r"<<eo\'f"]);
        assert_eq!(words(&lexer, "RUN < a <<"), ["RUN", "<", "a", "<<"]);
        // A vertical tab or newline after `<<` is not kept.
        assert_eq!(words(&lexer, "RUN <<\u{b}EOF"), ["RUN", "<<", "EOF"]);
        // The heredoc word itself, without raw quotes: quotes are removed.
        assert_eq!(words(&Lexer::default(), "<< 'one two'"), ["<< one two"]);
    }

    #[test]
    fn expansions_split_but_quoted_text_does_not() {
        let vars = env(&[("space", "abc  def"), ("empty", "")]);
        let lexer = Lexer::default();
        assert_eq!(
            lexer.process_words("hello${space}bye", &vars).unwrap(),
            ["helloabc", "defbye"]
        );
        assert_eq!(
            lexer.process_words("hello\"${space}\"bye", &vars).unwrap(),
            ["helloabc  defbye"]
        );
        assert_eq!(
            lexer.process_words("a '' $empty b", &vars).unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            lexer.process_words("a\u{3000}b\u{85}c", &vars).unwrap(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn operator_expansion_drops_the_pending_word_text() {
        // Upstream shares one word buffer with the nested scan of `${X:-...}`.
        let lexer = Lexer::default();
        let vars = env(&[("Y", "y")]);
        assert_eq!(
            lexer.process_words("pre${X:-a}post z", &vars).unwrap(),
            ["apost", "z"]
        );
        assert_eq!(
            lexer.process_words("pre\"${X:-a}\"post", &vars).unwrap(),
            ["apost"]
        );
        assert_eq!(
            lexer.process_words("pre${Y}post", &vars).unwrap(),
            ["preypost"]
        );
        assert_eq!(
            lexer.process_word("pre${X:-a}post", &vars).unwrap(),
            "preapost"
        );
        let heredoc = heredoc_lexer();
        assert_eq!(words(&heredoc, "RUN <<${X:-EOF}"), ["RUN", "${X:-EOF}"]);
    }

    #[test]
    fn matched_and_unmatched_names() {
        let vars = env(&[("A", "1"), ("B", "")]);
        let expansion = Lexer::default()
            .process_word_with_matches("$A ${B:-x} ${C:+y} $1 $$ ${D/a/b}", &vars)
            .unwrap();
        assert_eq!(expansion.result, "1 x    ");
        assert_eq!(expansion.matched, ["A", "B"].map(String::from).into());
        assert_eq!(
            expansion.unmatched,
            ["$", "1", "C", "D"].map(String::from).into()
        );
    }

    #[test]
    fn required_variables_report_the_expanded_message() {
        let vars = env(&[("ARG", "x"), ("EMPTY", "")]);
        let lexer = Lexer::default();
        let err = lexer
            .process_word("${VAR?message $ARG}", &vars)
            .unwrap_err();
        assert!(err.message.contains("VAR: message x"), "{err}");
        assert_eq!(err.offset, Some(0));
        let err = lexer.process_word("ab${EMPTY:?}", &vars).unwrap_err();
        assert!(
            err.message.ends_with("EMPTY: is not allowed to be empty"),
            "{err}"
        );
        assert_eq!(err.offset, Some(2));
        let err = lexer.process_word("${VAR?}", &vars).unwrap_err();
        assert!(
            err.message.ends_with("VAR: is not allowed to be unset"),
            "{err}"
        );
        assert_eq!(lexer.process_word("${EMPTY?}", &vars).unwrap(), "");
    }

    #[test]
    fn invalid_operators_are_errors() {
        let vars = env(&[("FOO", "xxyy")]);
        let lexer = Lexer::default();
        for word in [
            "${FOO=x}",
            "${FOO:=x}",
            "${FOO:#x}",
            "${FOO:%x}",
            "${FOO",
            "${FOO:-x",
            "${",
            "${}",
            "${:}",
            "${FOO//x}",
            "${FOO#\\a}",
            "'x",
            "\"x",
            "${FOO:",
        ] {
            assert!(lexer.process_word(word, &vars).is_err(), "{word}");
        }
        let err = lexer.process_word("ab'cd", &vars).unwrap_err();
        assert_eq!(err.offset, Some(2));
        assert!(
            err.message.starts_with("failed to process \"ab'cd\": "),
            "{err}"
        );
    }

    #[test]
    fn replacement_templates() {
        let vars = env(&[("FOO", "foo")]);
        let lexer = Lexer::default();
        assert_eq!(
            lexer.process_word(r"${FOO//o/\$0.}", &vars).unwrap(),
            r"f\o.\o."
        );
        assert_eq!(
            lexer.process_word(r"${FOO/o/\$0.}", &vars).unwrap(),
            r"f\$0.o"
        );
        assert_eq!(lexer.process_word("${FOO/#/x}", &vars).unwrap(), "foo");
        assert_eq!(lexer.process_word("${FOO/*/x}", &vars).unwrap(), "x");
    }

    #[test]
    fn leading_byte_order_mark_is_skipped() {
        let lexer = Lexer::default();
        assert_eq!(
            lexer.process_word("\u{feff}a\u{feff}", &EmptyEnv).unwrap(),
            "a\u{feff}"
        );
    }

    #[test]
    fn names_follow_go_letter_and_digit_rules() {
        let vars = env(&[("é٣", "1"), ("a", "2")]);
        let lexer = Lexer::default();
        assert_eq!(lexer.process_word("$é٣.", &vars).unwrap(), "1.");
        // U+00B2 SUPERSCRIPT TWO is a number but not a decimal digit: it ends the name.
        assert_eq!(lexer.process_word("$a²", &vars).unwrap(), "2²");
        // U+0301 COMBINING ACUTE ACCENT is a mark, not a letter.
        assert_eq!(lexer.process_word("$a\u{301}", &vars).unwrap(), "2\u{301}");
        // Arabic-Indic digits form a positional parameter.
        assert_eq!(lexer.process_word("$٣٣x", &vars).unwrap(), "x");
    }

    #[test]
    fn plain_tables_split_on_ascii_whitespace_only() {
        for byte in 0..=0x7fu8 {
            let space = is_space(char::from(byte));
            assert_eq!(PLAIN_BASE[2][usize::from(byte)], !space, "{byte:#x}");
            assert!(PLAIN_BASE[0][usize::from(byte)], "{byte:#x}");
        }
        assert!(PLAIN_BASE[1][0x80] && !PLAIN_BASE[0][0xff] && !PLAIN_BASE[2][0x80]);
    }

    #[test]
    fn bulk_copies_keep_the_character_rules() {
        let vars = env(&[("A", "x y"), ("é", "1")]);
        let lexer = Lexer::default();
        // Non-ASCII text and whitespace between the constructs, with and without splitting.
        let word = "héllo wörld\t$é 'q\u{3000}t' \"d\u{85}$A\" a\u{a0}b\\ c ${A}";
        assert_eq!(
            lexer.process_word(word, &vars).unwrap(),
            "héllo wörld\t1 q\u{3000}t d\u{85}x y a\u{a0}b c x y"
        );
        assert_eq!(
            lexer.process_words(word, &vars).unwrap(),
            [
                "héllo",
                "wörld",
                "1",
                "q\u{3000}t",
                "d\u{85}x y",
                "a",
                "b c",
                "x",
                "y"
            ]
        );
        // A non-ASCII escape token is never copied in bulk.
        let odd = Lexer::new('é');
        assert_eq!(odd.process_word("aéb \"xé\"y\"", &vars).unwrap(), "ab x\"y");
    }

    #[test]
    fn unicode_tables_are_sorted_ranges() {
        for table in [unicode_tables::LETTER, unicode_tables::DECIMAL_DIGIT] {
            assert_eq!(table.len() % 2, 0);
            for pair in table.chunks_exact(2) {
                assert!(pair[0] <= pair[1]);
            }
            for window in table.windows(2) {
                assert!(window[0] <= window[1]);
            }
        }
        assert!(is_go_letter('한') && is_go_letter('ª') && is_go_letter('µ'));
        assert!(!is_go_letter('×') && !is_go_letter('Ⅻ') && !is_go_letter('1'));
        assert!(is_go_digit('٣') && is_go_digit('９') && !is_go_digit('²'));
    }

    #[test]
    fn env_list_semantics() {
        let vars = env_from_kv_list(&["foo=bar", "car=hat", "car=bike", "bare", "eq=a=b"]);
        assert_eq!(vars.get("car"), Some("bike"));
        assert_eq!(vars.get("bare"), Some(""));
        assert_eq!(vars.get("eq"), Some("a=b"));
        assert_eq!(vars.get("none"), None);
        assert_eq!(vars.keys(), ["foo", "car", "bare", "eq"]);
        let duplicated = env(&[("a", "1"), ("b", "2"), ("a", "3")]);
        assert_eq!(duplicated.get("a"), Some("3"));
        assert_eq!(duplicated.keys(), ["a", "b"]);
        let slice: &[(String, String)] = &duplicated;
        assert_eq!(Lexer::default().process_word("$a", &slice).unwrap(), "3");
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |levels: usize| format!("{}x{}", "${a:-".repeat(levels), "}".repeat(levels));
        let lexer = Lexer::default();
        assert_eq!(
            lexer.process_word(&nested(MAX_NESTING), &EmptyEnv).unwrap(),
            "x"
        );
        assert!(
            lexer
                .process_word(&nested(MAX_NESTING + 1), &EmptyEnv)
                .is_err()
        );
        assert!(
            lexer
                .process_word(&"${a:-".repeat(200_000), &EmptyEnv)
                .is_err()
        );
        assert!(
            lexer
                .process_word(&"\"${a:-".repeat(100_000), &EmptyEnv)
                .is_err()
        );
    }

    #[test]
    fn long_words_are_linear() {
        let vars = env(&[("A", "some value"), ("P", "a/b/c/d.txt")]);
        let lexer = Lexer::default();
        let chunk = "x$A ${A:-d} \"$A\" '${A}' ${P##*/} ${P%.*} ${P//\\//_} \\$ <<E ";
        let word = chunk.repeat(1_000_000 / chunk.len());
        let expansion = lexer.process_word_with_matches(&word, &vars).unwrap();
        assert!(expansion.words.len() > 100_000);
        let long_value = "ab".repeat(100_000);
        let vars = env(&[("V", long_value.as_str())]);
        let trimmed = lexer
            .process_word("${V##*a*b*a}|${V%%b*a*b}|${V//a*b/x}", &vars)
            .unwrap();
        assert_eq!(trimmed, "b|a|x");
        let plain = "a".repeat(1 << 20);
        assert_eq!(
            lexer.process_words(&plain, &vars).unwrap(),
            [plain.as_str()]
        );
    }

    #[test]
    fn arbitrary_input_never_panics() {
        const ALPHABET: [char; 20] = [
            '$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '\\', '\'', '"', '`', 'a', ' ', '<',
            '\n', 'é', '\u{feff}',
        ];
        let vars = env(&[("a", "a*\\"), ("aa", ""), ("b", "x\ny")]);
        let lexers: Vec<Lexer> = [('\\', false), ('`', true)]
            .into_iter()
            .map(|(escape, raw)| Lexer {
                escape,
                raw_quotes: raw,
                raw_escapes: raw,
                skip_unset_env: raw,
                skip_process_quotes: false,
            })
            .collect();
        let check = |word: &str| {
            for lexer in &lexers {
                let _ = lexer.process_word_with_matches(word, &vars);
            }
        };
        // Every word of up to four characters from the alphabet.
        let mut word = String::new();
        let mut digits = Vec::new();
        for length in 0..=4u32 {
            for mut code in 0..ALPHABET.len().pow(length) {
                word.clear();
                digits.clear();
                for _ in 0..length {
                    digits.push(ALPHABET[code % ALPHABET.len()]);
                    code /= ALPHABET.len();
                }
                word.extend(&digits);
                check(&word);
            }
        }
        // Longer pseudo-random words.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            word.clear();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let length = (state % 48) as usize;
            for _ in 0..length {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                word.push(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            check(&word);
        }
    }
}
