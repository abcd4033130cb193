//! The JSON (exec) form of an instruction, decided exactly as BuildKit decides it.
//!
//! BuildKit hands the text to Go's `encoding/json` as `[]any`: a syntax error means
//! "not JSON" (the instruction falls back to shell form), while a valid array holding
//! anything but strings is an error for the whole Dockerfile. This module reproduces
//! that decision and keeps the byte range of every element.

use std::ops::Range;

/// One string element of a JSON array, with its range (quotes included) in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonString {
    pub value: String,
    pub range: Range<usize>,
}

/// Why a text is not a usable JSON string array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonArrayError {
    /// Not JSON (or not an array): BuildKit falls back to the shell form.
    NotJson,
    /// A valid JSON array with a non-string element: BuildKit rejects the Dockerfile.
    NotStringArray,
}

/// Maximum nesting Go's decoder accepts before it reports a syntax error.
const MAX_DEPTH: usize = 10_000;

/// Parses `text` (leading Unicode whitespace allowed) as a JSON array of strings.
pub fn parse_json_array(text: &str) -> Result<Vec<JsonString>, JsonArrayError> {
    let start = text.len() - text.trim_start().len();
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'[') {
        return Err(JsonArrayError::NotJson);
    }
    let mut p = Parser {
        s: text,
        pos: start,
    };
    let mut out = Vec::new();
    let mut non_string = false;
    let mut type_error = false;
    p.pos += 1;
    p.ws();
    if p.peek() == Some(b']') {
        p.pos += 1;
    } else {
        loop {
            p.ws();
            if p.peek() == Some(b'"') {
                let begin = p.pos;
                let value = p.string().ok_or(JsonArrayError::NotJson)?;
                out.push(JsonString {
                    value,
                    range: begin..p.pos,
                });
            } else {
                non_string = true;
                if !p.skip_value(&mut type_error) {
                    return Err(JsonArrayError::NotJson);
                }
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.pos += 1,
                Some(b']') => {
                    p.pos += 1;
                    break;
                }
                _ => return Err(JsonArrayError::NotJson),
            }
        }
    }
    p.ws();
    if p.pos != bytes.len() || type_error {
        return Err(JsonArrayError::NotJson);
    }
    if non_string {
        return Err(JsonArrayError::NotStringArray);
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Decodes a string starting at `"`; `None` on a syntax error.
    fn string(&mut self) -> Option<String> {
        let bytes = self.s.as_bytes();
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let b = *bytes.get(self.pos)?;
            match b {
                b'"' => {
                    out.push_str(&self.s[run_start..self.pos]);
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.s[run_start..self.pos]);
                    let esc = *bytes.get(self.pos + 1)?;
                    self.pos += 2;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate pairs with an immediately following low one;
                                // otherwise Go substitutes U+FFFD and keeps the next escape.
                                let save = self.pos;
                                if bytes.get(self.pos) == Some(&b'\\')
                                    && bytes.get(self.pos + 1) == Some(&b'u')
                                {
                                    self.pos += 2;
                                    match self.hex4() {
                                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                            run_start = self.pos;
                                            continue;
                                        }
                                        _ => self.pos = save,
                                    }
                                }
                                out.push('\u{FFFD}');
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => return None,
                    }
                    run_start = self.pos;
                }
                0..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.pos..self.pos + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.s[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Validates a number; sets `type_error` when it does not fit a float64 (Go's
    /// decoder then fails with a type error, which BuildKit treats as "not JSON").
    fn number(&mut self, type_error: &mut bool) -> bool {
        let bytes = self.s.as_bytes();
        let begin = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(&bytes[begin..self.pos]).unwrap_or("0");
        if text.parse::<f64>().map(|f| f.is_infinite()).unwrap_or(true) {
            *type_error = true;
        }
        true
    }

    /// Skips one JSON value of any kind without recursion; `false` on a syntax error.
    fn skip_value(&mut self, type_error: &mut bool) -> bool {
        // Each stack entry is a container being read: `true` for an object.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // Read one value (or open a container).
            self.ws();
            match self.peek() {
                Some(b'"') => {
                    if self.string().is_none() {
                        return false;
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    stack.push(true);
                    if stack.len() > MAX_DEPTH {
                        return false;
                    }
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        stack.pop();
                    } else if !self.object_key() {
                        return false;
                    } else {
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    stack.push(false);
                    if stack.len() > MAX_DEPTH {
                        return false;
                    }
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        continue;
                    }
                }
                Some(b't') => {
                    if !self.literal("true") {
                        return false;
                    }
                }
                Some(b'f') => {
                    if !self.literal("false") {
                        return false;
                    }
                }
                Some(b'n') => {
                    if !self.literal("null") {
                        return false;
                    }
                }
                Some(b'-' | b'0'..=b'9') => {
                    if !self.number(type_error) {
                        return false;
                    }
                }
                _ => return false,
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&is_object) = stack.last() else {
                    return true;
                };
                self.ws();
                match (self.peek(), is_object) {
                    (Some(b','), true) => {
                        self.pos += 1;
                        self.ws();
                        if !self.object_key() {
                            return false;
                        }
                        break;
                    }
                    (Some(b','), false) => {
                        self.pos += 1;
                        break;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// Reads `"key" :` inside an object.
    fn object_key(&mut self) -> bool {
        if self.peek() != Some(b'"') || self.string().is_none() {
            return false;
        }
        self.ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.pos += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Result<Vec<String>, JsonArrayError> {
        parse_json_array(s).map(|v| v.into_iter().map(|j| j.value).collect())
    }

    #[test]
    fn valid_arrays() {
        assert_eq!(values("[]"), Ok(vec![]));
        assert_eq!(
            values(" [ \"a\" , \"b\" ] "),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(values(r#"["\u00e9\ud83d\ude00"]"#), Ok(vec!["é😀".into()]));
        assert_eq!(values(r#"["\ud800x"]"#), Ok(vec!["\u{FFFD}x".into()]));
    }

    #[test]
    fn syntax_errors_fall_back() {
        for s in [
            "[",
            "[\"a\"",
            "['a']",
            "[\"a\",]",
            "[\"a\"] x",
            "[\"\t\"]",
            "[1e999]",
            "[01]",
        ] {
            assert_eq!(values(s), Err(JsonArrayError::NotJson), "{s}");
        }
    }

    #[test]
    fn non_strings_are_errors() {
        for s in [
            "[\"a\",42]",
            "[{}]",
            "[{\"c\": [1, {\"d\": null}]}]",
            "[[\"c\"]]",
            "[true]",
            "[null]",
        ] {
            assert_eq!(values(s), Err(JsonArrayError::NotStringArray), "{s}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("[{}{}]", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(values(&deep), Err(JsonArrayError::NotJson));
        let ok = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert_eq!(values(&ok), Err(JsonArrayError::NotStringArray));
    }

    #[test]
    fn ranges_cover_quotes() {
        let s = r#"[ "ab", "c" ]"#;
        let v = parse_json_array(s).unwrap();
        assert_eq!(&s[v[0].range.clone()], "\"ab\"");
        assert_eq!(&s[v[1].range.clone()], "\"c\"");
    }
}
