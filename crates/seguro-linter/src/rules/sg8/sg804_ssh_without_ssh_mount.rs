//! SG804: SSH used in a RUN without `--mount=type=ssh` (so a key is in the image).

use crate::checker::Checker;
use crate::checker::RunScript;
use crate::declare_rule;
use crate::rule::Check;
use crate::rules::sg4::shared::has_mount;
use seguro_shell::programs::git::{GitOp, git, is_ssh_url};
use seguro_shell::{Command, PackageKind, Word};

declare_rule! {
    /// ## What it does
    /// Finds RUN steps that authenticate over SSH without `RUN --mount=type=ssh`:
    /// `git clone`/`fetch`/`pull`/`submodule add`/`ls-remote` of a `git@host:…` or
    /// `ssh://` URL, packages installed from one (`pip install git+ssh://…`,
    /// `npm install git+ssh://…`), and `ssh`, `scp`, `sftp`, `ssh-add`.
    ///
    /// Not reported: `ssh-keyscan` alone (it only records host keys), `ssh -V`, and any
    /// RUN with `--mount=type=ssh`.
    ///
    /// ## Why it matters
    /// Without the SSH mount, the private key has to be in the image: copied in, baked
    /// into a layer, or passed as a build argument. Even if a later step deletes it, it
    /// stays in the layer where it was added. `--mount=type=ssh` forwards the agent of the
    /// machine running the build for that one step, and nothing is stored.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// COPY id_ed25519 /root/.ssh/id_ed25519
    /// RUN ssh-keyscan github.com >> /root/.ssh/known_hosts \
    ///  && git clone git@github.com:example/private-lib.git /src/lib
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM golang:1.22
    /// RUN mkdir -p -m 0700 /root/.ssh && ssh-keyscan github.com >> /root/.ssh/known_hosts
    /// RUN --mount=type=ssh git clone git@github.com:example/private-lib.git /src/lib
    /// ```
    ///
    /// ## Fix
    /// None: the build must be run with `docker build --ssh default`.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-522 (insufficiently protected credentials); chapter 3.1.8.
    pub struct SshWithoutSshMount {
        code: "SG804",
        name: "ssh-without-ssh-mount",
        severity: Warning,
        section: "3.1.8",
        aliases: [],
        fixable: None,
    }
}

impl Check for SshWithoutSshMount {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        // `git config url."https://github.com/".insteadOf git@github.com:` turns later SSH
        // URLs into HTTPS ones.
        let mut to_https: Vec<String> = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            let ssh_mount = has_mount(inst, "ssh");
            for c in script.commands() {
                if let Some(prefix) = https_rewrite(c) {
                    to_https.push(prefix);
                    continue;
                }
                if ssh_mount {
                    continue;
                }
                if let Some((w, what)) = ssh_use(c, rs)
                    && !to_https.iter().any(|p| w.text().starts_with(p.as_str()))
                {
                    found.push((rs.file_span(inst, w.span), what));
                }
            }
        }
        for (span, what) in found {
            cx.report(
                span,
                format!("{what} without `RUN --mount=type=ssh`: the SSH key must be in the image"),
            )
            .set_help(
                "use `RUN --mount=type=ssh …` and build with `docker build --ssh default`; \
                     do not copy keys into the image",
            );
        }
    }
}

/// The SSH prefix a `git config url.<https base>.insteadOf <prefix>` rewrites to HTTPS.
fn https_rewrite(c: &Command) -> Option<String> {
    let Some(GitOp::Config {
        key: Some(k),
        value: Some(v),
    }) = git(c)
    else {
        return None;
    };
    let key = k.text();
    let lower = key.to_ascii_lowercase();
    let base = lower.strip_prefix("url.")?.strip_suffix(".insteadof")?;
    (base.starts_with("https://") || base.starts_with("http://")).then(|| v.text().to_string())
}

fn ssh_use<'a>(c: &'a Command, rs: &'a RunScript) -> Option<(&'a Word, String)> {
    let program = c.program()?;
    let own = |w: &Word| c.args.iter().find(|a| a.span == w.span);
    match git(c) {
        Some(GitOp::Clone {
            url: Some(u),
            ssh: true,
            ..
        }) => {
            return Some((own(&u)?, format!("`git clone {}`", u.raw)));
        }
        Some(GitOp::Other(sub))
            if matches!(
                sub.as_str(),
                "fetch" | "pull" | "submodule" | "ls-remote" | "remote"
            ) =>
        {
            let w = c.positionals().find(|w| {
                (is_ssh_url(w.text()) && w.text().contains('@')) || w.text().starts_with("ssh://")
            })?;
            return Some((w, format!("`git {sub} {}`", w.raw)));
        }
        _ => {}
    }
    if let Some(op) = rs.package_op(c) {
        let p = op.packages.iter().find(|p| {
            matches!(p.kind, PackageKind::Vcs | PackageKind::Url) && {
                let n = p.name.to_ascii_lowercase();
                n.contains("git+ssh://")
                    || n.contains("ssh://")
                    || n.starts_with("git@")
                    || n.contains("+git@")
            }
        })?;
        let w = c.args.iter().find(|a| a.span == p.span)?;
        return Some((w, format!("`{program}` installs `{}`", p.name)));
    }
    match program {
        "ssh" if c.args.iter().all(|a| a.is("-V")) => None,
        "ssh" | "scp" | "sftp" | "ssh-add" => {
            let name = c.name.as_ref()?;
            Some((name, format!("`{program}`")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG804",
            &[
                "FROM a\nRUN git clone git@github.com:x/y.git\n",
                "FROM a\nRUN git clone ssh://git@github.com/x/y.git\n",
                "FROM a\nRUN pip install git+ssh://git@github.com/x/y.git@v1\n",
                "FROM a\nRUN npm install git+ssh://git@github.com:x/y.git#v1\n",
                "FROM a\nRUN scp user@host:/f /f\n",
                "FROM a\nRUN eval $(ssh-agent) && ssh-add /root/.ssh/id_rsa && make\n",
                "FROM a\nRUN --mount=type=cache,target=/c git clone git@github.com:x/y.git\n",
                "FROM a\nRUN cd /src && git submodule add git@github.com:x/y.git lib\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG804",
            &[
                "FROM a\nRUN --mount=type=ssh git clone git@github.com:x/y.git\n",
                "FROM a\nRUN --mount=type=ssh,id=gh pip install git+ssh://git@github.com/x/y.git@v1\n",
                "FROM a\nRUN ssh-keyscan github.com >> /root/.ssh/known_hosts\n",
                "FROM a\nRUN git clone https://github.com/x/y.git\n",
                "FROM a\nRUN apt-get install -y openssh-client && ssh -V\n",
                "FROM a\nRUN echo git@github.com:x/y.git\n",
                "FROM a\nRUN git config --global url.\"https://github.com/\".insteadOf git@github.com:\nRUN git clone git@github.com:x/y.git\n",
            ],
        );
    }
}
