//! BuildKit's instruction layer (`frontend/dockerfile/instructions`): arity, flags,
//! HEALTHCHECK options, stage names, ONBUILD triggers. Each problem is recorded as an
//! [`ErrorStage::Instruction`] error; nothing stops at the first one.

use crate::ast::{Dockerfile, ErrorStage, Instruction, Kind, ParseError};
use crate::span::Span;

#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    Bool,
    String,
    /// Repeatable.
    Strings,
}

fn allowed_flags(kind: Kind) -> &'static [(&'static str, FlagType)] {
    use FlagType::*;
    match kind {
        Kind::Add => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("exclude", Strings),
            ("unpack", Bool),
            ("parents", Bool),
        ],
        Kind::Copy => &[
            ("chown", String),
            ("from", String),
            ("chmod", String),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Strings),
        ],
        Kind::Run => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        Kind::From => &[("platform", String)],
        Kind::Healthcheck => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        _ => &[],
    }
}

/// Adds instruction-level errors to `df.errors`.
pub fn validate(df: &mut Dockerfile) {
    let mut errors = Vec::new();
    let mut seen_from = false;
    for inst in &df.instructions {
        let mut err = |message: String, span: Span| {
            errors.push(ParseError {
                message,
                span,
                stage: ErrorStage::Instruction,
            })
        };
        if !seen_from && !matches!(inst.kind, Kind::From | Kind::Arg | Kind::Unknown) {
            err(
                "no build stage in current context".to_string(),
                inst.keyword_span,
            );
        }
        seen_from |= inst.kind == Kind::From;
        check(inst, &mut err);
    }
    df.errors.extend(errors);
}

fn check(inst: &Instruction, err: &mut dyn FnMut(String, Span)) {
    let n = inst.args.len();
    let name = inst.kind.name();
    let whole = inst.span;
    let exactly_one = |err: &mut dyn FnMut(String, Span)| {
        if n != 1 {
            err(format!("{name} requires exactly one argument"), whole);
        }
    };
    match inst.kind {
        Kind::Unknown => err(
            format!("unknown instruction: {}", inst.keyword.to_uppercase()),
            inst.keyword_span,
        ),
        Kind::Env | Kind::Label => {
            if n == 0 {
                err(format!("{name} requires at least one argument"), whole);
            }
            for kv in inst.args.chunks(3) {
                if kv[0].value.is_empty() {
                    err(format!("{name} names can not be blank"), kv[0].span);
                }
            }
            check_flags(inst, err);
        }
        Kind::Maintainer => {
            exactly_one(err);
            check_flags(inst, err);
        }
        Kind::Add | Kind::Copy => {
            check_flags(inst, err);
            if n < 2 {
                err(
                    format!(
                        "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                    ),
                    whole,
                );
            } else if let Some(dest) = inst.args.last()
                && crate::parser::parse_heredoc(&dest.value)
                    .ok()
                    .flatten()
                    .is_some()
            {
                err(
                    format!("{name} cannot accept a heredoc as a destination"),
                    dest.span,
                );
            }
        }
        Kind::From => {
            let valid = match n {
                1 => true,
                3 if inst.args[1].value.eq_ignore_ascii_case("as") => {
                    let stage = inst.args[2].value.to_lowercase();
                    if !valid_stage_name(&stage) {
                        err(
                            format!(
                                "invalid name for build stage: {}, name can't start with a number or contain symbols",
                                crate::dump::go_quote(&inst.args[2].value)
                            ),
                            inst.args[2].span,
                        );
                    }
                    true
                }
                _ => false,
            };
            if !valid {
                err(
                    "FROM requires either one or three arguments".to_string(),
                    whole,
                );
            }
            check_flags(inst, err);
        }
        Kind::Onbuild => {
            check_flags(inst, err);
            match &inst.onbuild {
                None => err("ONBUILD requires at least one argument".to_string(), whole),
                Some(child) => match child.keyword.to_uppercase().as_str() {
                    "ONBUILD" => err(
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
                        child.keyword_span,
                    ),
                    t @ ("MAINTAINER" | "FROM") => err(
                        format!("{t} isn't allowed as an ONBUILD trigger"),
                        child.keyword_span,
                    ),
                    _ => {}
                },
            }
        }
        Kind::Workdir | Kind::User => {
            exactly_one(err);
            check_flags(inst, err);
        }
        Kind::Stopsignal => exactly_one(err),
        Kind::Run => {
            check_flags(inst, err);
            check_run_flags(inst, err);
        }
        Kind::Cmd | Kind::Entrypoint => check_flags(inst, err),
        Kind::Healthcheck => check_healthcheck(inst, err),
        Kind::Expose => {
            if n == 0 {
                err("EXPOSE requires at least one argument".to_string(), whole);
            }
            check_flags(inst, err);
        }
        Kind::Volume => {
            if n == 0 {
                err("VOLUME requires at least one argument".to_string(), whole);
            }
            check_flags(inst, err);
            for a in &inst.args {
                if a.value.trim().is_empty() && n > 0 {
                    err(
                        "VOLUME specified can not be an empty string".to_string(),
                        a.span,
                    );
                }
            }
        }
        Kind::Arg => {
            if n == 0 {
                err("ARG requires at least one argument".to_string(), whole);
            }
            for a in &inst.args {
                if a.value.starts_with('=') {
                    err("ARG names can not be blank".to_string(), a.span);
                }
            }
        }
        Kind::Shell => {
            check_flags(inst, err);
            if n == 0 {
                err("SHELL requires at least one argument".to_string(), whole);
            } else if !inst.json {
                err(
                    "SHELL requires the arguments to be in JSON form".to_string(),
                    whole,
                );
            }
        }
    }
}

fn valid_stage_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.'))
}

/// BuildKit's `BFlags.Parse` against the flags the instruction accepts.
fn check_flags(inst: &Instruction, err: &mut dyn FnMut(String, Span)) {
    let allowed = allowed_flags(inst.kind);
    let mut used: Vec<&str> = Vec::new();
    for flag in &inst.flags {
        let Some((_, ty)) = allowed.iter().find(|(n, _)| *n == flag.name) else {
            err(format!("unknown flag: {}", flag.name), flag.span);
            continue;
        };
        if used.contains(&flag.name.as_str()) && *ty != FlagType::Strings {
            err(
                format!("Duplicate flag specified: {}", flag.name),
                flag.span,
            );
        }
        used.push(&flag.name);
        match (ty, flag.value.as_deref()) {
            (FlagType::Bool, Some("")) | (FlagType::String | FlagType::Strings, None) => {
                err(format!("Missing a value on flag: {}", flag.name), flag.span)
            }
            (FlagType::Bool, Some(v))
                if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") =>
            {
                err(
                    format!("Expecting boolean value for flag {}, not: {v}", flag.name),
                    flag.span,
                )
            }
            _ => {}
        }
    }
}

fn check_run_flags(inst: &Instruction, err: &mut dyn FnMut(String, Span)) {
    for flag in &inst.flags {
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        match flag.name.as_str() {
            "network" if !matches!(value, "default" | "none" | "host") => {
                err(format!("unsupported network mode {value:?}"), flag.span)
            }
            "security" if !matches!(value, "insecure" | "sandbox") => {
                err(format!("unsupported security mode {value:?}"), flag.span)
            }
            "mount" => {
                let kind = crate::ast::Mount::parse(value, flag.span).kind;
                if !matches!(kind.as_str(), "bind" | "cache" | "tmpfs" | "secret" | "ssh") {
                    err(format!("unsupported mount type {kind:?}"), flag.span);
                }
            }
            _ => {}
        }
    }
}

fn check_healthcheck(inst: &Instruction, err: &mut dyn FnMut(String, Span)) {
    let whole = inst.span;
    let Some(typ) = inst.args.first() else {
        err(
            "HEALTHCHECK requires at least one argument".to_string(),
            whole,
        );
        return;
    };
    let upper = typ.value.to_uppercase();
    if upper == "NONE" {
        if inst.args.len() > 1 {
            err("HEALTHCHECK NONE takes no arguments".to_string(), whole);
        }
        return;
    }
    check_flags(inst, err);
    if upper != "CMD" {
        err(
            format!(
                "Unknown type {} in HEALTHCHECK (try CMD)",
                crate::dump::go_quote(&upper)
            ),
            typ.span,
        );
        return;
    }
    if inst.args.len() < 2 {
        err("Missing command after HEALTHCHECK CMD".to_string(), whole);
    }
    for flag in &inst.flags {
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        match flag.name.as_str() {
            "interval" | "timeout" | "start-period" | "start-interval" => {
                if value.is_empty() {
                    continue;
                }
                match parse_go_duration(value) {
                    None => err(format!("time: invalid duration \"{value}\""), flag.span),
                    Some(ns) if ns != 0 && ns < 1_000_000 => err(
                        format!(
                            "Interval {} cannot be less than 1ms",
                            crate::dump::go_quote(&flag.name)
                        ),
                        flag.span,
                    ),
                    Some(_) => {}
                }
            }
            "retries" if !value.is_empty() => match value.parse::<i32>() {
                Err(_) => err(
                    format!("strconv.ParseInt: parsing \"{value}\": invalid syntax"),
                    flag.span,
                ),
                Ok(r) if r < 0 => err(format!("--retries cannot be negative ({r})"), flag.span),
                Ok(_) => {}
            },
            _ => {}
        }
    }
}

/// Go's `time.ParseDuration`, in nanoseconds (`None` when invalid).
pub fn parse_go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += num.parse::<f64>().ok()? * unit;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    Some(if neg { -(total as i128) } else { total as i128 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn messages(src: &str) -> Vec<String> {
        parse(src)
            .errors
            .into_iter()
            .filter(|e| e.stage == ErrorStage::Instruction)
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn reports_instruction_errors() {
        let m = messages(
            "FROM a b\nONBUILD ONBUILD RUN x\nONBUILD FROM x\nHEALTHCHECK CONNECT TCP\nHEALTHCHECK --interval=1us CMD x\nCOPY a\nRUN --mount=type=nope x\nCOPY --nope=1 a b\nBOGUS x\nSHELL sh -c\n",
        );
        let expect = [
            "FROM requires either one or three arguments",
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            "FROM isn't allowed as an ONBUILD trigger",
            "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)",
            "Interval \"interval\" cannot be less than 1ms",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            "unsupported mount type \"nope\"",
            "unknown flag: nope",
            "unknown instruction: BOGUS",
            "SHELL requires the arguments to be in JSON form",
        ];
        assert_eq!(m, expect);
    }

    #[test]
    fn valid_file_has_no_errors() {
        let m = messages(
            "# syntax=docker/dockerfile:1\nARG X=1\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache go build\nCOPY --from=build --chmod=755 --link /a /b\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/\nHEALTHCHECK NONE\nADD --checksum=sha256:abc https://x/y /z\n",
        );
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_go_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("5"), None);
        assert_eq!(parse_go_duration("1x"), None);
    }
}
