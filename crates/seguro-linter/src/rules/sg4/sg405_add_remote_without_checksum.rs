//! SG405: `ADD <url>` without `--checksum`, `ADD <git repo>` not pinned to a commit.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds `ADD` of a remote source that nothing pins:
    /// - an `http(s)://` URL without `--checksum=sha256:…`;
    /// - a Git repository (`git@host:…`, `ssh://`, `git://`, an `https://…/x.git` URL)
    ///   whose ref is not a full commit hash (`#<40 hex>`, `?ref=<40 hex>`,
    ///   `?checksum=…`), and without `--checksum=<commit>`.
    ///
    /// Sources are judged after resolving ARG/ENV (`ADD ${URL} /x`).
    ///
    /// ## Why it matters
    /// BuildKit fetches the URL at build time and trusts whatever comes back; a branch or
    /// tag can be moved. `--checksum` (Dockerfile syntax 1.6+, and for Git commits 1.10+)
    /// makes BuildKit refuse different content, and keeps the build reproducible.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    /// ```
    ///
    /// ## Fix
    /// None: the checksum must be computed from a download you trust.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-494; chapter 3.1.4 and 3.1.5. (hadolint and Trivy accept every URL `ADD`,
    /// dockle and checkov reject them all.)
    pub struct AddRemoteWithoutChecksum {
        code: "SG405",
        name: "add-remote-without-checksum",
        severity: Warning,
        section: "3.1.4",
        aliases: [],
        fixable: None,
    }
}

impl Check for AddRemoteWithoutChecksum {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (i, inst) in cx.instructions() {
            let add = match (&inst.kind, &inst.onbuild) {
                (Kind::Add, _) => inst,
                (Kind::Onbuild, Some(child)) if child.kind == Kind::Add => child.as_ref(),
                _ => continue,
            };
            if add.args.len() < 2 {
                continue;
            }
            let checksum = add.flag("checksum").and_then(|f| f.value.as_deref());
            for src in &add.args[..add.args.len() - 1] {
                let value = cx.expand(&src.value, i);
                if is_git_source(&value) {
                    if checksum.is_none() && !git_pinned(&value) {
                        found.push((
                            src.span,
                            format!("`ADD {value}` is not pinned to a commit"),
                            "pin the commit: `ADD git@host:org/repo.git#<40-hex commit>` or \
                             `ADD --checksum=<commit> …`",
                        ));
                    }
                } else if is_http(&value) && checksum.is_none() {
                    found.push((
                        src.span,
                        format!("`ADD {value}` without `--checksum`: the download is not verified"),
                        "add `--checksum=sha256:<digest>` (sha256sum of a download you trust)",
                    ));
                }
            }
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

fn is_http(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// Whether BuildKit treats an ADD source as a Git repository.
fn is_git_source(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if l.starts_with("git@") || l.starts_with("git://") || l.starts_with("ssh://") {
        return true;
    }
    if !is_http(&l) {
        return false;
    }
    let path = l.split(['#', '?']).next().unwrap_or(&l);
    path.ends_with(".git") || path.ends_with(".git/")
}

/// Whether a Git source names a full commit hash (fragment ref, `ref=`/`commit=` query)
/// or carries a `checksum=` query.
fn git_pinned(s: &str) -> bool {
    let full_hex = |r: &str| {
        let r = r.split(':').next().unwrap_or(r);
        (r.len() == 40 || r.len() == 64) && r.chars().all(|c| c.is_ascii_hexdigit())
    };
    if let Some((_, frag)) = s.split_once('#')
        && full_hex(frag)
    {
        return true;
    }
    if let Some((_, query)) = s.split_once('?') {
        let query = query.split('#').next().unwrap_or(query);
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "checksum" | "commit" if !v.is_empty() => return true,
                "ref" if full_hex(v) => return true,
                _ => {}
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG405",
            &[
                "FROM a\nADD https://x.io/a.tgz /a.tgz\n",
                "FROM a\nADD http://x.io/a /a\n",
                "FROM a\nARG V=1\nADD https://x.io/a-${V}.tgz /a.tgz\n",
                "FROM a\nADD https://github.com/x/y.git#v1.0 /src\n",
                "FROM a\nADD git@github.com:x/y.git /src\n",
                "FROM a\nADD https://github.com/x/y.git?ref=main /src\n",
                "FROM a\nADD [\"https://x.io/a\", \"/a\"]\n",
                "FROM a\nONBUILD ADD https://x.io/a /a\n",
                "FROM a\nADD a.tgz https://x.io/b /dst/\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG405",
            &[
                "FROM a\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x.io/a.tgz /a\n",
                "FROM a\nADD https://github.com/x/y.git#0123456789abcdef0123456789abcdef01234567 /src\n",
                "FROM a\nADD https://github.com/x/y.git?ref=0123456789abcdef0123456789abcdef01234567 /src\n",
                "FROM a\nADD --checksum=0123456789abcdef0123456789abcdef01234567 git@github.com:x/y.git /src\n",
                "FROM a\nADD a.tgz /opt/\n",
                "FROM a\nADD . /src\n",
                "FROM a\nCOPY https.txt /x\n",
            ],
        );
    }
}
