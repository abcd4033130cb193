//! SG501: ADD used where COPY does the same (local, non-archive sources).

use super::sources::{SourceKind, copies, copy_keyword, source_kind};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds `ADD` whose sources are all local files or directories that ADD does not
    /// unpack (not URLs, not git repositories, not tar archives).
    ///
    /// ## Why it matters
    /// ADD also downloads URLs and silently unpacks local tar archives. Used for plain
    /// files it does what COPY does, but a reader (or a later edit that adds a `.tar.gz`)
    /// cannot tell which of its behaviours is meant. COPY copies, and nothing else.
    /// Sources that are URLs or archives are left alone: downloads are SG405's business
    /// and extraction of a local archive is what ADD is for (SG505 can flag it).
    /// A wildcard whose matches could include archives is still reported, without a fix,
    /// since ADD would extract them. `ADD <<EOF` is reported: an inline file is never
    /// unpacked, so COPY does the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD entrypoint.sh /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY entrypoint.sh /usr/local/bin/entrypoint.sh
    /// ADD rootfs.tar.gz /
    /// ```
    ///
    /// ## Fix
    /// Safe: replaces the `ADD` keyword with `COPY` in the same case (`add` becomes
    /// `copy`), when every source is a named local file, directory or heredoc and no
    /// ADD-only flag (`--checksum`, `--keep-git-dir`, `--unpack`) is present. With a
    /// wildcard that could match an archive the fix is unsafe (COPY would not extract it).
    ///
    /// ## Aliases
    /// DL3020, DS-0005, CKV_DOCKER_4
    ///
    /// ## References
    /// Chapter 3.1.5.
    pub struct PreferCopy {
        code: "SG501",
        name: "prefer-copy",
        severity: Warning,
        section: "3.1.5",
        aliases: ["DL3020", "DS-0005", "CKV_DOCKER_4"],
        fixable: Sometimes,
    }
}

/// Flags only ADD understands: COPY would reject them.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

impl Check for PreferCopy {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for add in copies(cx, Kind::Add, true) {
            let kinds: Vec<SourceKind> = add.sources.iter().map(source_kind).collect();
            if kinds.is_empty()
                || !kinds
                    .iter()
                    .all(|k| matches!(k, SourceKind::Local | SourceKind::Pattern))
            {
                continue;
            }
            let names: Vec<String> = add
                .sources
                .iter()
                .map(|w| format!("`{}`", cx.src.get(w.span.range()).unwrap_or("?")))
                .collect();
            let pattern = add
                .sources
                .iter()
                .zip(&kinds)
                .find(|(_, k)| **k == SourceKind::Pattern)
                .map(|(w, _)| cx.src.get(w.span.range()).unwrap_or("?").to_string());
            let add_only = add
                .inst
                .flags
                .iter()
                .any(|f| ADD_ONLY_FLAGS.contains(&f.name.as_str()));
            found.push((
                add.inst.keyword_span,
                copy_keyword(&add.inst.keyword),
                names,
                pattern,
                add_only,
            ));
        }
        for (span, keyword, names, pattern, add_only) in found {
            let what = if names.len() == 1 {
                format!("the local source {}", names.join(""))
            } else {
                format!("the local sources {}", names.join(", "))
            };
            let help = match &pattern {
                Some(p) => format!(
                    "use COPY; ADD would also unpack any tar archive `{p}` matches, keep ADD only if that is meant"
                ),
                None => "use COPY: ADD also downloads URLs and unpacks archives, COPY only copies"
                    .to_string(),
            };
            let d = cx
                .report(span, format!("ADD used for {what}"))
                .set_help(help);
            if add_only {
                continue;
            }
            let applicability = if pattern.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            d.set_fix(Fix::new(
                format!("Replace ADD with {keyword}"),
                applicability,
                vec![Edit {
                    span,
                    replacement: keyword.to_string(),
                }],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG501",
            &[
                "FROM a\nADD app.py /app/\n",
                "FROM a\nadd . /app\n",
                "FROM a\nADD [\"a.txt\", \"b.txt\", \"/x/\"]\n",
                "FROM a\nADD --chown=1 app.jar /app.jar\n",
                "FROM a\nADD app.zip /opt/\n",
                "FROM a\nADD files/* /opt/\n",
                "FROM a\nADD <<EOF /etc/motd\nhello\nEOF\n",
                "FROM a\nONBUILD ADD . /app\n",
                "FROM a\nARG F=conf.ini\nADD $F /etc/\n",
                "FROM a\nADD --checksum=sha256:0 local.txt /x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG501",
            &[
                "FROM a\nCOPY app.py /app/\n",
                "FROM a\nADD --chown=1 src.tar.gz /x\n",
                "FROM a\nADD rootfs.tar.xz /\n",
                "FROM a\nADD https://example.com/x.tar.gz /tmp/\n",
                "FROM a\nADD https://example.com/tool /usr/local/bin/tool\n",
                "FROM a\nADD git@github.com:moby/buildkit.git /src\n",
                "FROM a\nADD data.gz /data/\n",
                "FROM a\nADD dist/*.tar.gz /opt/\n",
                "FROM a\nARG URL\nADD ${URL} /tmp/\n",
                "FROM a\nARG URL=https://example.com/a.bin\nADD $URL /tmp/\n",
                "FROM a\nADD app.py https://example.com/x /app/\n",
                "FROM a\nADD\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG501",
            &[
                ("FROM a\nADD app.py /app/\n", "FROM a\nCOPY app.py /app/\n"),
                (
                    "FROM a\nadd --chown=app . /app\n",
                    "FROM a\ncopy --chown=app . /app\n",
                ),
                ("FROM a\nAdd x /x\n", "FROM a\nCopy x /x\n"),
                (
                    "FROM a\nONBUILD ADD . /app\n",
                    "FROM a\nONBUILD COPY . /app\n",
                ),
                // Unsafe or impossible: left alone by --fix.
                ("FROM a\nADD files/* /opt/\n", "FROM a\nADD files/* /opt/\n"),
                (
                    "FROM a\nADD --unpack=false notes.txt /x\n",
                    "FROM a\nADD --unpack=false notes.txt /x\n",
                ),
            ],
        );
    }

    #[test]
    fn names_sources() {
        let d = check("SG501", "FROM a\nADD a.txt b.txt /x/\n");
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "ADD used for the local sources `a.txt`, `b.txt`"
        );
    }
}
