//! SG401: a downloaded script run straight by a shell or interpreter (`curl … | sh`).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::download::is_interpreter;
use seguro_shell::{Script, ShellVia};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Finds downloads executed as they arrive: `curl … | sh`, `wget -qO- … | sudo bash`,
    /// `… | python3 -`, `… | bash /dev/stdin`, `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`,
    /// `bash <(curl …)`, `source <(curl …)`, also through `tee` and inside `sh -c '…'`.
    ///
    /// ## Why it matters
    /// Nothing checks what the server sent before it runs as root in the build: a
    /// compromised or spoofed host, a hijacked domain or a truncated transfer (a script cut
    /// in the middle of `rm -rf /tmp/x` runs `rm -rf /`) all end up in the image, and the
    /// same build can produce a different image tomorrow.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ARG INSTALL_SHA256=5b8f3c1e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912a3b
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.4.2/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    ///
    /// ## Fix
    /// None: the checksum or signature to verify against must come from the publisher.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-494 (download of code without integrity check); chapter 3.1.4. semgrep's bash
    /// rules `curl-pipe-bash` and `curl-eval` find the same in shell scripts.
    pub struct PipeToShell {
        code: "SG401",
        name: "pipe-to-shell",
        severity: Error,
        section: "3.1.4",
        aliases: [],
        fixable: None,
    }
}

impl Check for PipeToShell {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            let mut seen = HashSet::new();
            let mut hits: Vec<(usize, usize, ShellVia)> = script
                .pipes_to_shell()
                .into_iter()
                .map(|p| (p.download, p.shell, p.via))
                .collect();
            hits.extend(stdin_file_readers(script));
            for (download, shell, via) in hits {
                if !seen.insert(download) {
                    continue;
                }
                let (Some(d), Some(s)) = (script.command(download), script.command(shell)) else {
                    continue;
                };
                let span = match via {
                    ShellVia::Pipe => d.span.cover(s.span),
                    _ => s.span,
                };
                let tool = d.program().unwrap_or("curl");
                let url = seguro_shell::programs::download::download(d)
                    .and_then(|x| x.url)
                    .map(|u| format!(" of `{}`", u.raw))
                    .unwrap_or_default();
                let runner = s.program().unwrap_or("sh");
                let how = match via {
                    ShellVia::Pipe => "piped into",
                    ShellVia::CommandSubstitution => "run by",
                    ShellVia::ProcessSubstitution => "run by",
                };
                found.push((
                    rs.file_span(inst, span),
                    format!("`{tool}` download{url} {how} `{runner}`: the script runs unverified"),
                ));
            }
        }
        for (span, message) in found {
            cx.report(span, message).set_help(
                "download to a file, verify its checksum or signature (`sha256sum -c`, \
                 `gpg --verify`), then run it; or install from a package",
            );
        }
    }
}

/// `curl … | bash /dev/stdin args` and `| sh /proc/self/fd/0`: an interpreter reading
/// its program from the pipe through a device path (not seen by `pipes_to_shell`).
fn stdin_file_readers(script: &Script) -> Vec<(usize, usize, ShellVia)> {
    let mut out = Vec::new();
    for d in script.commands().filter(|c| c.is_any(&["curl", "wget"])) {
        for r in script.stdout_readers(d.id()) {
            let Some(c) = script.command(r) else { continue };
            if c.program().is_some_and(is_interpreter)
                && c.positional(0)
                    .is_some_and(|w| w.is("/dev/stdin") || w.is("/proc/self/fd/0"))
            {
                out.push((d.id(), r, ShellVia::Pipe));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG401",
            &[
                "FROM a\nRUN curl https://glide.sh/get | sh\n",
                "FROM a\nRUN curl -fL https://getcli.jfrog.io | sudo -E bash -s -- v2\n",
                "FROM a\nRUN wget -qO- https://x.io/i.py | python3 -\n",
                "FROM a\nRUN curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest\n",
                "FROM a\nRUN sh -c \"$(curl -fsSL https://x.io/install.sh)\"\n",
                "FROM a\nRUN bash <(curl -s https://x.io/i.sh)\n",
                "FROM a\nRUN eval \"$(wget -qO- https://x.io/env)\"\n",
                "FROM a\nRUN curl -s https://x.io/i.sh | tee /tmp/i.sh | bash\n",
                "FROM a\nRUN <<EOF\nset -e\ncurl -fsSL https://x.io/i | sh\nEOF\n",
                "FROM a\nRUN bash -c 'curl -fsSL https://x.io/i | bash'\n",
                "FROM a\nONBUILD RUN curl https://x | sh\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG401",
            &[
                "FROM a\nRUN curl -fsSLo /tmp/i.sh https://x.io/i.sh && sha256sum -c i.sha && sh /tmp/i.sh\n",
                "FROM a\nRUN curl -fsSL https://x.io/a.tgz | tar xz\n",
                "FROM a\nRUN curl -s https://api.github.com/x | jq -r .tag_name\n",
                "FROM a\nRUN echo 'curl x | sh'\n",
                "FROM a\nRUN cat install.sh | sh\n",
                "FROM a\nRUN V=$(curl -s https://x.io/version) && echo $V\n",
                "FROM a\nRUN bash -c \"$(echo hi)\"\n",
            ],
        );
    }
}
