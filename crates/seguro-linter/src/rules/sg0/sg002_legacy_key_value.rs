//! SG002: `ENV key value` / `LABEL key value`, the legacy whitespace form.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::parser::parse_words;
use seguro_dockerfile::{Instruction, Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds ENV and LABEL instructions written in the legacy form `ENV key value`, where
    /// the key is separated from its value by whitespace instead of `=`.
    ///
    /// ## Why it matters
    /// The legacy form sets a single variable to the whole rest of the line, spaces
    /// included, so `ENV PATH /opt/bin PYTHONUNBUFFERED 1` silently sets one variable to
    /// a wrong value. Docker documents it as deprecated and BuildKit warns about it
    /// (`LegacyKeyValueFormat`); `key=value` is unambiguous and allows several pairs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME /srv/app
    /// LABEL description A small service
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/srv/app
    /// LABEL description="A small service"
    /// ```
    ///
    /// ## Fix
    /// Safe, when the rewrite means exactly the same: `ENV k v` becomes `ENV k=v`, and a
    /// value with spaces is put in double quotes (`LABEL k="a b"`). No fix is offered
    /// when the value already mixes quotes or escapes with spaces, or runs over several
    /// lines, since the quoting could change it.
    ///
    /// ## Aliases
    /// LegacyKeyValueFormat
    ///
    /// ## References
    /// BuildKit `LegacyKeyValueFormat`; chapter 3.1.
    pub struct LegacyKeyValue {
        code: "SG002",
        name: "legacy-key-value",
        severity: Style,
        section: "3.1",
        aliases: ["LegacyKeyValueFormat"],
        fixable: Sometimes,
    }
}

impl Check for LegacyKeyValue {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (_, inst) in cx.instructions() {
            let inst = match (&inst.kind, &inst.onbuild) {
                (Kind::Onbuild, Some(child)) => child.as_ref(),
                _ => inst,
            };
            if !matches!(inst.kind, Kind::Env | Kind::Label) {
                continue;
            }
            // The legacy form is one key, value, separator triple with an empty separator.
            let [key, value, sep] = inst.args.as_slice() else {
                continue;
            };
            if !sep.value.is_empty() || key.value.is_empty() {
                continue;
            }
            let fix = rewrite(cx, inst, key.span, value.span, &value.value);
            // The pair when it is on one line, else the key alone.
            let one_line = cx
                .src
                .get(key.span.start as usize..value.span.end as usize)
                .is_some_and(|t| !t.contains('\n'));
            let span = if one_line {
                key.span.cover(value.span)
            } else {
                key.span
            };
            found.push((span, inst.kind, key.value.clone(), fix));
        }
        for (span, kind, key, fix) in found {
            let d = cx.report(
                span,
                format!("`{} {key} …` uses the legacy whitespace form", kind.name()),
            );
            d.set_help(format!("write `{} {key}=<value>`", kind.name()));
            if let Some(fix) = fix {
                d.set_fix(fix);
            }
        }
    }
}

/// The `key=value` rewrite, when it means exactly what the legacy line means.
fn rewrite(
    cx: &Checker<'_>,
    inst: &Instruction,
    key: Span,
    value: Span,
    text: &str,
) -> Option<Fix> {
    let between = cx.src.get(key.end as usize..value.start as usize)?;
    let written = cx.src.get(value.range())?;
    // Continuation lines or anything else between the two: leave it to the author.
    if written != text || !between.chars().all(|c| c == ' ' || c == '\t') || between.is_empty() {
        return None;
    }
    let title = format!("Rewrite as `{}` key=value", inst.kind.name());
    let escape = cx.df.escape;
    if parse_words(text, escape).len() == 1 {
        // One word: `k=v` reads it the same way.
        return Some(Fix::safe(
            title,
            vec![Edit {
                span: Span::new(key.end as usize, value.start as usize),
                replacement: "=".to_string(),
            }],
        ));
    }
    // Several words: quoting keeps them together, if nothing in them is special inside
    // double quotes.
    if text.contains(['"', '\'', '\\', escape, '\n']) {
        return None;
    }
    Some(Fix::safe(
        title,
        vec![
            Edit {
                span: Span::new(key.end as usize, value.start as usize),
                replacement: "=\"".to_string(),
            },
            Edit {
                span: Span::empty(value.end as usize),
                replacement: "\"".to_string(),
            },
        ],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG002",
            &[
                "FROM alpine:3.20\nENV A 1\n",
                "FROM alpine:3.20\nLABEL maintainer someone@example.com\n",
                "FROM alpine:3.20\nenv PATH /opt/bin:$PATH\n",
                "FROM alpine:3.20\nENV A \"x y\"\n",
                "FROM alpine:3.20\nONBUILD ENV A 1\n",
                "FROM alpine:3.20\nENV A \\\n  1\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG002",
            &[
                "FROM alpine:3.20\nENV A=1\n",
                "FROM alpine:3.20\nENV A=1 B=\"x y\"\n",
                "FROM alpine:3.20\nLABEL a=b\n",
                "FROM alpine:3.20\nENV A=\n",
                "FROM alpine:3.20\nARG A 1\n"
                    .replace("ARG A 1", "ARG A=1")
                    .as_str(),
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG002",
            &[
                ("FROM alpine:3.20\nENV A 1\n", "FROM alpine:3.20\nENV A=1\n"),
                (
                    "FROM alpine:3.20\nENV PATH  /opt/bin:$PATH\n",
                    "FROM alpine:3.20\nENV PATH=/opt/bin:$PATH\n",
                ),
                (
                    "FROM alpine:3.20\nLABEL description A small service\n",
                    "FROM alpine:3.20\nLABEL description=\"A small service\"\n",
                ),
                (
                    "FROM alpine:3.20\nENV GREETING \"hello world\"\n",
                    "FROM alpine:3.20\nENV GREETING=\"hello world\"\n",
                ),
                (
                    "FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g $EXTRA\n",
                    "FROM alpine:3.20\nENV JAVA_OPTS=\"-Xmx1g $EXTRA\"\n",
                ),
                // Ambiguous: quotes mixed with spaces, or a continuation line.
                (
                    "FROM alpine:3.20\nENV A \"x\" y\n",
                    "FROM alpine:3.20\nENV A \"x\" y\n",
                ),
                (
                    "FROM alpine:3.20\nENV A \\\n  1\n",
                    "FROM alpine:3.20\nENV A \\\n  1\n",
                ),
                (
                    "FROM alpine:3.20\nENV A x\\ y z\n",
                    "FROM alpine:3.20\nENV A x\\ y z\n",
                ),
            ],
        );
    }

    #[test]
    fn fixed_text_means_the_same() {
        use seguro_dockerfile::{Model, parse};
        for src in [
            "FROM a\nENV A 1\n",
            "FROM a\nENV A one  two three\n",
            "FROM a\nENV A \"hello world\"\n",
            "FROM a\nENV P /x:$PATH\n",
        ] {
            let d = check("SG002", src);
            let (fixed, n) = crate::fix::apply(src, &d, false);
            assert_eq!(n, 1, "{src}");
            let before = parse(src);
            let after = parse(&fixed);
            let (mb, ma) = (Model::new(&before), Model::new(&after));
            let env = |m: &Model<'_>| m.state_after_stage(0).map(|s| s.env.as_ref().clone());
            assert_eq!(env(&mb), env(&ma), "{src} -> {fixed}");
        }
    }
}
