//! SG003: instruction keywords in mixed case, or `FROM … AS` with mismatched casing.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::{Instruction, Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds instruction keywords whose casing differs from the rest of the file: a
    /// keyword in mixed case (`Run`), or one in lower case in a file written mostly in
    /// upper case (and the reverse; a tie counts as upper case). Also finds `FROM x as y`
    /// where the `AS` keyword is not cased like its `FROM`. ONBUILD triggers count too.
    ///
    /// ## Why it matters
    /// BuildKit accepts any casing, but a consistent file is easier to read and to
    /// search (`grep '^RUN'`), and BuildKit's own checks warn about it
    /// (`ConsistentInstructionCasing`, `FromAsCasing`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 as build
    /// run echo hi
    /// RUN echo there
    /// COPY . /src
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// RUN echo hi
    /// RUN echo there
    /// COPY . /src
    /// ```
    ///
    /// ## Fix
    /// Safe: rewrites the keyword in the casing of the file's majority (`AS` in the
    /// casing of its `FROM`). Keywords are case-insensitive, so the build is unchanged.
    ///
    /// ## Aliases
    /// ConsistentInstructionCasing, FromAsCasing
    ///
    /// ## References
    /// BuildKit `ConsistentInstructionCasing`, `FromAsCasing`; chapter 3.1.
    pub struct InstructionCasing {
        code: "SG003",
        name: "instruction-casing",
        severity: Style,
        section: "3.1",
        aliases: ["ConsistentInstructionCasing", "FromAsCasing"],
        fixable: Always,
    }
}

impl Check for InstructionCasing {
    fn run(&self, cx: &mut Checker<'_>) {
        let keywords: Vec<&Instruction> = cx
            .df
            .instructions
            .iter()
            .flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()))
            .filter(|i| !i.keyword.is_empty())
            .collect();
        let (mut lower, mut upper) = (0, 0);
        for inst in cx.df.instructions.iter().filter(|i| !i.keyword.is_empty()) {
            if inst.keyword == inst.keyword.to_lowercase() {
                lower += 1;
            } else if inst.keyword == inst.keyword.to_uppercase() {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        let casing = if majority_lower {
            "lowercase"
        } else {
            "uppercase"
        };
        let cased = |s: &str| {
            if majority_lower {
                s.to_lowercase()
            } else {
                s.to_uppercase()
            }
        };
        let mut found: Vec<(Span, String, String, String)> = Vec::new();
        for inst in &keywords {
            let word = &inst.keyword;
            let consistent = *word == word.to_lowercase() || *word == word.to_uppercase();
            if !consistent {
                found.push((
                    inst.keyword_span,
                    format!("`{word}` mixes upper and lower case"),
                    format!("write it {casing}, like the other instructions"),
                    cased(word),
                ));
            } else if *word != cased(word) {
                found.push((
                    inst.keyword_span,
                    format!("`{word}` is not {casing} like most instructions of this file"),
                    format!("write `{}`", cased(word)),
                    cased(word),
                ));
            }
        }
        for inst in cx.df.instructions.iter().filter(|i| i.kind == Kind::From) {
            let [_, as_word, _] = inst.args.as_slice() else {
                continue;
            };
            if !as_word.value.eq_ignore_ascii_case("as") {
                continue;
            }
            let expected = if inst.keyword == inst.keyword.to_lowercase() {
                "as"
            } else {
                "AS"
            };
            if as_word.value != expected {
                found.push((
                    as_word.span,
                    format!("`{}` is not cased like `{}`", as_word.value, inst.keyword),
                    format!("write `{} … {expected} …`", inst.keyword),
                    expected.to_string(),
                ));
            }
        }
        for (span, message, help, replacement) in found {
            cx.report(span, message).set_help(help).set_fix(Fix::safe(
                format!("Rewrite as `{replacement}`"),
                vec![Edit { span, replacement }],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG003",
            &[
                "FROM alpine:3.20\nRun echo\n",
                "FROM alpine:3.20\nRUN a\nrun b\n",
                "from alpine:3.20\nrun a\nRUN b\n",
                "FROM alpine:3.20 as build\n",
                "from alpine:3.20 AS build\n",
                "FROM alpine:3.20 As build\n",
                "FROM alpine:3.20\nONBUILD run x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG003",
            &[
                "FROM alpine:3.20 AS build\nRUN a\nCOPY . .\n",
                "from alpine:3.20 as build\nrun a\ncopy . .\n",
                "FROM alpine:3.20\nONBUILD RUN x\n",
                "FROM alpine:3.20\nRUN echo run Run\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG003",
            &[
                (
                    "FROM alpine:3.20 as build\nrun a\nRUN b\nCOPY . .\n",
                    "FROM alpine:3.20 AS build\nRUN a\nRUN b\nCOPY . .\n",
                ),
                (
                    "from alpine:3.20 AS b\nrun a\nRUN b\nWorkdir /x\n",
                    "from alpine:3.20 as b\nrun a\nrun b\nworkdir /x\n",
                ),
                // A tie counts as upper case.
                ("from a\nRUN b\n", "FROM a\nRUN b\n"),
            ],
        );
    }
}
