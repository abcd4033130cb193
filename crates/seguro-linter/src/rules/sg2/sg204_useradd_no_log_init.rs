//! SG204: `useradd` with a large uid and no `-l` bloats the image with a sparse lastlog.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_shell::programs::users::user_add;

/// uids from here on make `/var/log/lastlog` and `/var/log/faillog` at least 19 MB.
const LARGE_UID: u64 = 65_536;

declare_rule! {
    /// ## What it does
    /// Finds `useradd -u <uid>` with a uid above 65535 and without `-l`
    /// (`--no-log-init`). A uid written as a variable is judged by its ARG/ENV value.
    /// (hadolint's DL3046 only reports uids of six digits or more.)
    ///
    /// ## Why it matters
    /// `useradd` writes the new user's record into `/var/log/lastlog` and
    /// `/var/log/faillog` at an offset proportional to the uid. The files are sparse on
    /// disk, but image layers store them in full: a uid of 1000000 adds hundreds of
    /// megabytes of zeros to the layer, and can fill the disk during the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 100000 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -l -u 100000 app
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// Safe: adds `-l` after `useradd`. It only stops the login records from being
    /// initialised, which a container never uses.
    ///
    /// ## Aliases
    /// DL3046
    ///
    /// ## References
    /// Chapter 3.1.2.
    pub struct UseraddNoLogInit {
        code: "SG204",
        name: "useradd-no-log-init",
        severity: Info,
        section: "3.1.2",
        aliases: ["DL3046"],
        fixable: Sometimes,
    }
}

impl Check for UseraddNoLogInit {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, Option<Span>)> = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            for cmd in script.commands() {
                let Some(add) = user_add(cmd) else { continue };
                if add.tool != "useradd" || add.no_log_init {
                    continue;
                }
                let Some(uid) = add.uid else { continue };
                let value = match uid.value.clone() {
                    Some(v) => v,
                    None => cx.expand(&uid.raw, rs.instruction),
                };
                let Ok(n) = value.trim().parse::<u64>() else {
                    continue;
                };
                if n < LARGE_UID {
                    continue;
                }
                // The fix inserts after the program word, when it maps onto the file as is.
                let insert = cmd.name.as_ref().and_then(|name| {
                    let span = rs.file_span(inst, name.span);
                    let text = cx.src.get(span.range())?;
                    (text == name.raw && text.ends_with("useradd")).then_some(span)
                });
                found.push((
                    rs.file_span(inst, uid.span),
                    format!("`useradd -u {value}` without `-l` writes a lastlog/faillog entry at that offset"),
                    insert,
                ));
            }
        }
        for (span, message, insert) in found {
            let d = cx
                .report(span, message)
                .set_help("add `-l` (`--no-log-init`) so the sparse log files stay empty");
            if let Some(at) = insert {
                d.set_fix(Fix::safe(
                    "Add `-l` to useradd",
                    vec![Edit {
                        span: Span::empty(at.end as usize),
                        replacement: " -l".to_string(),
                    }],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG204",
            &[
                "FROM a\nRUN useradd -u 100000 app\n",
                "FROM a\nRUN useradd --uid=1000000 app\n",
                "FROM a\nRUN groupadd -g 70000 g && useradd -r -u 70000 -g g app\n",
                "FROM a\nARG UID=123456\nRUN useradd -u $UID app\n",
                "FROM a\nRUN <<EOF\nuseradd -u 100000 app\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG204",
            &[
                "FROM a\nRUN useradd -u 1000 app\n",
                "FROM a\nRUN useradd -l -u 100000 app\n",
                "FROM a\nRUN useradd --no-log-init -u 100000 app\n",
                "FROM a\nRUN useradd -lu 100000 app\n",
                "FROM a\nRUN useradd app\n",
                "FROM a\nRUN useradd -u $UID app\n",
                "FROM a\nRUN adduser -u 100000 app\n",
                "FROM a\nRUN echo useradd -u 100000 app\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG204",
            &[
                (
                    "FROM a\nRUN useradd -u 100000 app\n",
                    "FROM a\nRUN useradd -l -u 100000 app\n",
                ),
                (
                    "FROM a\nRUN set -e \\\n && /usr/sbin/useradd -r \\\n   -u 100000 app\n",
                    "FROM a\nRUN set -e \\\n && /usr/sbin/useradd -l -r \\\n   -u 100000 app\n",
                ),
                (
                    "FROM a\nRUN <<EOF\nuseradd -u 100000 app\nEOF\n",
                    "FROM a\nRUN <<EOF\nuseradd -l -u 100000 app\nEOF\n",
                ),
            ],
        );
    }
}
