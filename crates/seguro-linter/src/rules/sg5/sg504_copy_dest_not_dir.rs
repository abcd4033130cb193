//! SG504: COPY/ADD of several sources into a destination not written as a directory.

use super::sources::copies;
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds COPY and ADD with two or more sources (paths, URLs or heredocs, in shell or
    /// JSON form) whose destination does not end with `/`.
    ///
    /// ## Why it matters
    /// Several sources need a directory to land in. The classic builder refuses the
    /// instruction; BuildKit copies each source onto the same path when the directory does
    /// not exist yet, so only the last file survives. A trailing `/` says "directory" to
    /// both. A destination of `.` or `..` (or ending in `/.`) is the working directory,
    /// which always exists, and is not reported; neither is a single wildcard source
    /// (`COPY target/*.jar app.jar` is the usual way to copy one built file).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix
    /// Unsafe: appends `/` to the destination. With BuildKit and a destination that does
    /// not exist yet, this turns the last copied file into a directory holding every
    /// source, which is what was meant but changes the image.
    ///
    /// ## Aliases
    /// DL3021, DS-0011
    ///
    /// ## References
    /// Chapter 3.1.5.
    pub struct CopyDestNotDir {
        code: "SG504",
        name: "copy-dest-not-dir",
        severity: Error,
        section: "3.1.5",
        aliases: ["DL3021", "DS-0011"],
        fixable: Sometimes,
    }
}

impl Check for CopyDestNotDir {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String, Option<Edit>)> = Vec::new();
        for kind in [Kind::Copy, Kind::Add] {
            for c in copies(cx, kind, true) {
                if c.sources.len() < 2 {
                    continue;
                }
                let Some(dest) = c.dest.value.as_deref() else {
                    continue;
                };
                if is_directory_form(dest) {
                    continue;
                }
                let raw = cx.src.get(c.dest.span.range()).unwrap_or_default();
                // Before a closing quote (JSON element or quoted word), else at the end.
                let at = if raw.len() >= 2 && (raw.ends_with('"') || raw.ends_with('\'')) {
                    c.dest.span.end - 1
                } else {
                    c.dest.span.end
                };
                let edit = (!raw.is_empty() && !raw.contains('\n')).then_some(Edit {
                    span: Span { start: at, end: at },
                    replacement: "/".to_string(),
                });
                found.push((c.dest.span, kind.name().to_string(), dest.to_string(), edit));
            }
        }
        found.sort_by_key(|f| f.0.start);
        for (span, kind, dest, edit) in found {
            let d = cx
                .report(
                    span,
                    format!(
                        "{kind} with several sources into `{dest}`, which does not end with `/`"
                    ),
                )
                .set_help(format!("write the destination as a directory: `{dest}/`"));
            if let Some(edit) = edit {
                d.set_fix(Fix::new(
                    format!("Add `/` to `{dest}`"),
                    Applicability::Unsafe,
                    vec![edit],
                ));
            }
        }
    }
}

/// A destination that names a directory: a trailing separator, or the working directory.
fn is_directory_form(dest: &str) -> bool {
    dest.is_empty()
        || dest.ends_with('/')
        || dest.ends_with('\\')
        || matches!(dest, "." | "..")
        || dest.ends_with("/.")
        || dest.ends_with("/..")
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG504",
            &[
                "FROM a\nCOPY a b /app\n",
                "FROM a\ncopy a b c /app\n",
                "FROM a\nCOPY [\"a\", \"b\", \"/app\"]\n",
                "FROM a\nADD a.tar.gz b.tar.gz /opt\n",
                "FROM a\nCOPY --from=build /a /b /usr/local/bin\n",
                "FROM a\nCOPY <<A <<B /etc/conf\na\nA\nb\nB\n",
                "FROM a\nARG D=/srv\nCOPY a b $D\n",
                "FROM a\nCOPY *.json *.lock /app\n",
                "FROM a\nONBUILD COPY a b /app\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG504",
            &[
                "FROM a\nCOPY a b /app/\n",
                "FROM a\nCOPY [\"a\", \"b\", \"/app/\"]\n",
                "FROM a\nCOPY a /app\n",
                "FROM a\nCOPY target/*.jar app.jar\n",
                "FROM a\nWORKDIR /app\nCOPY package.json yarn.lock .\n",
                "FROM a\nCOPY a b ./\n",
                "FROM a\nCOPY a b ..\n",
                "FROM a\nARG D=/srv/\nCOPY a b $D\n",
                "FROM a\nARG D\nCOPY a b $D\n",
                "FROM a\nCOPY <<EOF /etc/motd\nhi\nEOF\n",
                "FROM a\nCOPY a b C:\\\\app\\\\\n",
            ],
        );
    }

    #[test]
    fn fix_is_unsafe_and_right() {
        for (before, after) in [
            ("FROM a\nCOPY a b /app\n", "FROM a\nCOPY a b /app/\n"),
            (
                "FROM a\nCOPY [\"a\", \"b\", \"/app\"]\n",
                "FROM a\nCOPY [\"a\", \"b\", \"/app/\"]\n",
            ),
            (
                "FROM a\nCOPY a b \"/app\"\n",
                "FROM a\nCOPY a b \"/app/\"\n",
            ),
        ] {
            let d = check("SG504", before);
            assert_eq!(d.len(), 1, "{before}");
            let fix = d[0].fix.as_ref().expect("a fix");
            assert_eq!(fix.applicability, Applicability::Unsafe);
            let (fixed, _) = crate::fix::apply(before, &d, true);
            assert_eq!(fixed, after);
        }
    }
}
