//! Suppression comments: seguro's own and those of hadolint, BuildKit (`check=skip`),
//! Trivy and checkov, mapped to seguro codes through aliases.

use crate::registry;
use seguro_dockerfile::{Dockerfile, Span};

/// Where a pragma applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The instruction right below the comment.
    Instruction(Span),
    File,
}

/// One suppression, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    pub scope: Scope,
    /// Selectors as written (`SG303`, `pin-apk`, `DL3008`, `all`).
    pub selectors: Vec<String>,
    /// The comment line's span.
    pub span: Span,
    /// The comment as written (without the line ending).
    pub text: String,
}

impl Pragma {
    /// Whether this pragma silences `code` at `at`.
    pub fn covers(&self, code: &str, at: Span) -> bool {
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::Instruction(s) => at.start >= s.start && at.start <= s.end,
        };
        in_scope
            && self.selectors.iter().any(|sel| {
                sel.eq_ignore_ascii_case("all")
                    || registry::resolve(sel).iter().any(|m| m.code == code)
            })
    }
}

/// Reads every pragma of a file.
pub fn collect(src: &str, df: &Dockerfile) -> Vec<Pragma> {
    let mut out = Vec::new();
    if let Some(check) = df.directive("check") {
        // `# check=skip=A,B;error=true`
        for part in check.value.split(';') {
            if let Some(list) = part.trim().strip_prefix("skip=") {
                out.push(Pragma {
                    scope: Scope::File,
                    selectors: split_list(list),
                    span: check.span,
                    text: format!("# check={}", check.value),
                });
            }
        }
    }
    // Comment lines, and the instruction that follows each run of them.
    let mut pending: Vec<(Span, String)> = Vec::new();
    let mut next_inst = df.instructions.iter().peekable();
    for (start, line) in lines(src) {
        // Most lines are neither comments nor follow one: nothing to do.
        if pending.is_empty() && !line.trim_start().starts_with('#') {
            continue;
        }
        let text = line.trim();
        while next_inst
            .peek()
            .is_some_and(|i| (i.span.end as usize) < start)
        {
            next_inst.next();
        }
        let inside = next_inst
            .peek()
            .is_some_and(|i| (i.span.start as usize) <= start && start < i.span.end as usize);
        if let Some(comment) = text.strip_prefix('#') {
            let span = Span::new(start, start + line.trim_end().len());
            pending.push((span, comment.trim().to_string()));
            continue;
        }
        if text.is_empty() || inside && pending.is_empty() {
            continue;
        }
        let target = next_inst.peek().map(|i| i.span);
        for (span, comment) in pending.drain(..) {
            if let Some(p) = parse_comment(&comment, span, target) {
                out.push(p);
            }
        }
    }
    for (span, comment) in pending.drain(..) {
        if let Some(p) = parse_comment(&comment, span, None) {
            out.push(p);
        }
    }
    out
}

/// The lines of `src` (with their line breaks) and their offsets.
fn lines(src: &str) -> impl Iterator<Item = (usize, &str)> {
    let ends = memchr::memchr_iter(b'\n', src.as_bytes())
        .map(|i| i + 1)
        .chain(std::iter::once(src.len()));
    let mut start = 0;
    ends.filter_map(move |end| {
        let line = src.get(start..end).filter(|l| !l.is_empty());
        let at = start;
        start = end;
        line.map(|l| (at, l))
    })
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn parse_comment(comment: &str, span: Span, target: Option<Span>) -> Option<Pragma> {
    let text = format!("# {comment}");
    let instruction = |selectors: Vec<String>| {
        target.map(|t| Pragma {
            scope: Scope::Instruction(t),
            selectors,
            span,
            text: text.clone(),
        })
    };
    let file = |selectors: Vec<String>| {
        Some(Pragma {
            scope: Scope::File,
            selectors,
            span,
            text: text.clone(),
        })
    };
    if let Some(rest) = comment.strip_prefix("seguro:") {
        let rest = rest.trim();
        let value = |key: &str| {
            rest.strip_prefix(key)
                .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
        };
        if let Some(v) = value("ignore-file=") {
            return file(split_list(&v));
        }
        if let Some(v) = value("ignore=") {
            return instruction(split_list(&v));
        }
        return None;
    }
    if let Some(rest) = comment.strip_prefix("hadolint") {
        let rest = rest.trim();
        if let Some(v) = rest.strip_prefix("global ignore=") {
            return file(split_list(v.split_whitespace().next().unwrap_or("")));
        }
        if let Some(v) = rest.strip_prefix("ignore=") {
            return instruction(split_list(v.split_whitespace().next().unwrap_or("")));
        }
        return None;
    }
    if let Some(rest) = comment.strip_prefix("trivy:ignore:") {
        return instruction(vec![
            rest.split_whitespace().next().unwrap_or("").to_string(),
        ]);
    }
    if let Some(rest) = comment.strip_prefix("checkov:skip=") {
        let id = rest.split([':', ' ']).next().unwrap_or("");
        return file(vec![id.to_string()]);
    }
    None
}
