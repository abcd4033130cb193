//! Dumps of a parse: the JSON of `seguro dump` and BuildKit's s-expression (`AST.Dump()`).

use crate::ast::{Dockerfile, Instruction};
use crate::model::Model;
use serde::Serialize;

/// `seguro dump` output (see `design/cli-contract.md`).
#[derive(Debug, Serialize)]
pub struct Dump<'a> {
    pub directives: Directives<'a>,
    pub instructions: Vec<DumpInstruction<'a>>,
    pub stages: Vec<DumpStage>,
    /// Problems BuildKit would reject (not part of BuildKit's dump; empty when it parses).
    pub errors: Vec<DumpError<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Directives<'a> {
    pub syntax: Option<&'a str>,
    pub escape: Option<&'a str>,
    pub check: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct DumpInstruction<'a> {
    pub cmd: String,
    pub sub_cmd: Option<String>,
    pub json: bool,
    pub original: &'a str,
    pub start_line: u32,
    pub end_line: u32,
    pub flags: Vec<&'a str>,
    /// Flags of an ONBUILD trigger (the trigger's own `--from=…` and such).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_flags: Option<Vec<&'a str>>,
    pub value: Vec<&'a str>,
    pub heredocs: Vec<DumpHeredoc<'a>>,
}

#[derive(Debug, Serialize)]
pub struct DumpHeredoc<'a> {
    pub name: &'a str,
    pub content: &'a str,
    pub expand: bool,
    pub chomp: bool,
    pub file_descriptor: u32,
}

#[derive(Debug, Serialize)]
pub struct DumpStage {
    pub name: Option<String>,
    pub base: String,
    pub platform: Option<String>,
    pub start_line: u32,
}

#[derive(Debug, Serialize)]
pub struct DumpError<'a> {
    pub message: &'a str,
    pub line: u32,
    pub column: u32,
}

/// Builds the `seguro dump` structure. `src` is the text that was parsed.
pub fn dump<'a>(src: &str, df: &'a Dockerfile) -> Dump<'a> {
    let directive = |name: &str| df.directive(name).map(|d| d.value.as_str());
    let model = Model::new(df);
    let index = crate::span::LineIndex::new(src);
    Dump {
        directives: Directives {
            syntax: directive("syntax"),
            escape: directive("escape"),
            check: directive("check"),
        },
        instructions: df.instructions.iter().map(dump_instruction).collect(),
        stages: model
            .stages
            .iter()
            .map(|s| DumpStage {
                name: s.name.clone(),
                base: s.base_raw.clone(),
                platform: s.platform.clone(),
                start_line: df.instructions[s.from_index].start_line,
            })
            .collect(),
        errors: df
            .errors
            .iter()
            .map(|e| {
                let lc = index.line_col(src, e.span.start);
                DumpError {
                    message: &e.message,
                    line: lc.line,
                    column: lc.column,
                }
            })
            .collect(),
    }
}

fn dump_instruction(inst: &Instruction) -> DumpInstruction<'_> {
    let (sub_cmd, sub_flags, values) = match &inst.onbuild {
        Some(child) => (
            Some(child.keyword.to_lowercase()),
            Some(child.flags.iter().map(|f| f.text.as_str()).collect()),
            child.values().collect(),
        ),
        None => (None, None, inst.values().collect()),
    };
    let json = inst.onbuild.as_ref().map_or(inst.json, |c| c.json);
    DumpInstruction {
        cmd: inst.keyword.to_lowercase(),
        sub_cmd,
        json,
        original: &inst.original,
        start_line: inst.start_line,
        end_line: inst.end_line,
        flags: inst.flags.iter().map(|f| f.text.as_str()).collect(),
        sub_flags,
        value: values,
        heredocs: inst
            .heredocs
            .iter()
            .map(|h| DumpHeredoc {
                name: &h.name,
                content: &h.content,
                expand: h.expand,
                chomp: h.chomp,
                file_descriptor: h.file_descriptor,
            })
            .collect(),
    }
}

/// BuildKit's `Node.Dump()` of the whole file: one `(…)` line per instruction.
pub fn sexpr(df: &Dockerfile) -> String {
    let mut out = String::new();
    for inst in &df.instructions {
        out.push('(');
        out.push_str(&sexpr_instruction(inst));
        out.push_str(")\n");
    }
    out
}

fn sexpr_instruction(inst: &Instruction) -> String {
    let mut s = inst.keyword.to_lowercase();
    if !inst.flags.is_empty() {
        s.push_str(" [");
        let quoted: Vec<String> = inst.flags.iter().map(|f| go_quote(&f.text)).collect();
        s.push_str(&quoted.join(" "));
        s.push(']');
    }
    if let Some(child) = &inst.onbuild {
        s.push_str(" (");
        s.push_str(&sexpr_instruction(child));
        s.push(')');
    }
    for arg in &inst.args {
        s.push(' ');
        s.push_str(&go_quote(&arg.value));
    }
    s.trim().to_string()
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` (letters, marks, numbers, punctuation,
/// symbols and the ASCII space): controls, other spaces, format characters, private
/// use and noncharacters are not printable. Unassigned code points are treated as
/// printable, which only matters for text no Dockerfile contains.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
    let nonchar = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format || private || nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{0}\u{7f}\t"), r#""\x00\x7f\t""#);
        assert_eq!(go_quote("♥ é 한"), "\"♥ é 한\"");
        assert_eq!(go_quote("\u{a0}\u{200b}"), r#""\u00a0\u200b""#);
        assert_eq!(go_quote("\u{f0000}"), r#""\U000f0000""#);
    }
}
