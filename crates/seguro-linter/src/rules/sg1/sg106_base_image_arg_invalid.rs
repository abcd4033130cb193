//! SG106: FROM uses an undeclared ARG, or ARG defaults make its reference invalid.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::lex::Lexer;
use seguro_dockerfile::model::{BUILTIN_ARGS, Base, Stage, arg_pairs};
use seguro_dockerfile::reference::ImageRef;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Checks the variables of every FROM line (image and `--platform`):
    /// - a variable no ARG before the first FROM declares (BuildKit's built-in
    ///   `BUILDPLATFORM`, `TARGETARCH`… excepted). An ARG declared inside a stage is not
    ///   visible to later FROM lines, and `--build-arg` cannot set an undeclared one;
    /// - ARG defaults that turn the reference into an empty string or something that
    ///   is not an image reference (`ARG TAG=` then `FROM node:$TAG`, a default with a
    ///   space or upper-case letters).
    ///
    /// An ARG declared **without** a default (`ARG BASE_IMAGE` / `FROM $BASE_IMAGE`) is
    /// not reported: its value is meant to come from the build command, and CI systems
    /// that always pass it should not be nagged.
    ///
    /// ## Why it matters
    /// An undeclared variable expands to nothing, so the build pulls an image nobody
    /// chose (`FROM node:$VERSION` becomes `node:`, `FROM ${REGISTRY}/app` becomes
    /// `/app`) or fails only when someone builds without the right `--build-arg`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// ARG PYTHON_VERSION=3.12
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PYTHON_VERSION=3.12
    /// FROM alpine:3.20 AS build
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// ## Fix
    /// None: declaring the ARG or fixing its default is for the author.
    ///
    /// ## Aliases
    /// UndefinedArgInFrom, InvalidDefaultArgInFrom
    ///
    /// ## References
    /// BuildKit `UndefinedArgInFrom`, `InvalidDefaultArgInFrom`; chapter 3.1.1.
    pub struct BaseImageArgInvalid {
        code: "SG106",
        name: "base-image-arg-invalid",
        severity: Error,
        section: "3.1.1",
        aliases: ["UndefinedArgInFrom", "InvalidDefaultArgInFrom"],
        fixable: None,
    }
}

impl Check for BaseImageArgInvalid {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String)> = Vec::new();
        for stage in &cx.model.stages {
            let Some(inst) = cx.df.instructions.get(stage.from_index) else {
                continue;
            };
            let mut words: Vec<(&str, Span)> = vec![(stage.base_raw.as_str(), stage.base_span)];
            if let Some(flag) = inst.flag("platform")
                && let Some(value) = flag.value.as_deref()
            {
                words.push((value, flag.span));
            }
            let mut undeclared_found = false;
            for (word, span) in words {
                for name in undeclared(cx, word) {
                    undeclared_found = true;
                    found.push(describe_undeclared(cx, stage, &name, span));
                }
            }
            if !undeclared_found && let Some(problem) = invalid_default(cx, stage) {
                found.push(problem);
            }
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// Variables of a FROM word that no global ARG declares and BuildKit does not define.
fn undeclared(cx: &Checker<'_>, word: &str) -> Vec<String> {
    let Ok(e) = Lexer::new(cx.df.escape).process_word_with_matches(word, cx.model.global_state())
    else {
        return Vec::new();
    };
    e.unmatched
        .into_iter()
        .filter(|v| is_identifier(v))
        .filter(|v| !BUILTIN_ARGS.contains(&v.as_str()))
        .filter(|v| !cx.model.global_args.iter().any(|a| &a.name == v))
        .collect()
}

/// The message for an undeclared variable, with where it is declared if anywhere.
fn describe_undeclared(
    cx: &Checker<'_>,
    stage: &Stage,
    name: &str,
    span: Span,
) -> (Span, String, String) {
    let message = format!(
        "`${name}` in FROM is not declared by an ARG before the first FROM: it expands to an empty string"
    );
    let in_stage = cx
        .df
        .instructions
        .iter()
        .take(stage.from_index)
        .find(|i| i.kind == Kind::Arg && arg_pairs(i).iter().any(|(n, _, _)| n == name));
    let help = if let Some(decl) = in_stage {
        format!(
            "`ARG {name}` (line {}) is inside a stage; move it above the first FROM",
            decl.start_line
        )
    } else if let Some(near) =
        crate::rules::sg0::closest(name, cx.model.global_args.iter().map(|a| a.name.as_str()))
    {
        format!("did you mean `${near}`?")
    } else {
        format!("declare `ARG {name}=<default>` above the first FROM")
    };
    (span, message, help)
}

/// A FROM whose ARG defaults do not give a valid image reference.
fn invalid_default(cx: &Checker<'_>, stage: &Stage) -> Option<(Span, String, String)> {
    let Base::Unresolved(result) = &stage.base else {
        return None;
    };
    let e = cx.model.expand(&stage.base_raw, stage.from_index)?;
    // A variable without a value: it is meant to come from the build command.
    if !e.unresolved.is_empty() {
        return None;
    }
    // A literal that is not a reference is a template placeholder (`FROM REPLACE-ME`)
    // or a typo BuildKit reports itself; this rule is about ARG defaults.
    if !stage.base_raw.contains('$') {
        return None;
    }
    let why = if result.is_empty() {
        "an empty image name".to_string()
    } else {
        match ImageRef::parse_normalized(result) {
            Err(err) => format!("`{result}`, which is not a valid image reference ({err})"),
            Ok(_) => return None,
        }
    };
    Some((
        stage.base_span,
        format!(
            "with the ARG defaults, `FROM {}` gives {why}",
            stage.base_raw
        ),
        "fix the ARG default so that the reference is valid without `--build-arg`".to_string(),
    ))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG106",
            &[
                "FROM $UNDECLARED\n",
                "FROM node:${VERSION}\n",
                "FROM ${REGISTRY}/app:1.0\n",
                "FROM alpine:3.20 AS a\nARG TAG=1\nFROM node:$TAG\n",
                "ARG VERSION=1\nFROM node:${VERSOIN}\n",
                "FROM --platform=$PLATFORM alpine:3.20\n",
                "ARG TAG=\nFROM node:$TAG\n",
                "ARG TAG=\"\"\nFROM node:${TAG}\n",
                "ARG BASE=\"Ubuntu 22.04\"\nFROM $BASE\n",
                // An undeclared ARG with a fallback still cannot be set by --build-arg.
                "FROM alpine:${TAG:-3.20}\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG106",
            &[
                "ARG BASE=alpine:3.20\nFROM $BASE\n",
                "ARG VERSION=3.12\nFROM python:${VERSION}-slim\n",
                "ARG TAG=3.20\nFROM alpine:3.20 AS a\nARG TAG\nFROM alpine:$TAG\n",
                "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n",
                "FROM --platform=$TARGETOS/$TARGETARCH alpine:3.20\n",
                // No default: the value comes from the build command.
                "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
                "ARG REGISTRY\nFROM ${REGISTRY}/app:1.0\n",
                "ARG TAG\nFROM node:$TAG\n",
                "FROM scratch\n",
                "FROM alpine:3.20 AS build\nFROM build\n",
                // Template placeholders are not ARG problems.
                "FROM REPLACE-ME\n",
                "ARG STAGE=build\nFROM alpine:3.20 AS build\nFROM $STAGE\n",
                "ARG ARCH=amd64\nFROM alpine:3.20 AS build-amd64\nFROM build-${ARCH}\n",
            ],
        );
    }

    #[test]
    fn messages() {
        let d = check(
            "SG106",
            "FROM alpine:3.20 AS a\nARG TAG=1\nFROM node:$TAG\n",
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help.as_deref().unwrap_or("").contains("line 2"),
            "{:?}",
            d[0].help
        );
        let d = check("SG106", "ARG VERSION=1\nFROM node:${VERSOIN}\n");
        assert!(d[0].help.as_deref().unwrap_or("").contains("$VERSION"));
        let d = check("SG106", "ARG TAG=\nFROM node:$TAG\n");
        assert!(d[0].message.contains("`node:`"), "{}", d[0].message);
    }
}
