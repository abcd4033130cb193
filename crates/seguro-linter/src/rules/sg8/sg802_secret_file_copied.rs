//! SG802: COPY/ADD of a file that holds credentials (SSH keys, `.npmrc`, `.env` …).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Kind;
use seguro_secrets::{FileKind, secret_file_kind};

declare_rule! {
    /// ## What it does
    /// Finds `COPY`/`ADD` whose source or destination, as written in the instruction (after
    /// ARG/ENV expansion), names a credential file: SSH private keys (`id_rsa`,
    /// `id_ed25519`, `.ssh/`), `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.aws/`,
    /// `.docker/config.json`, `.env` / `.env.*`, kubeconfigs, private key files
    /// (`server.key`, `*-key.pem`, keystores), cloud credential files, `.vault-token`,
    /// `.pgpass` …
    ///
    /// Not reported: templates (`.env.example`, `.npmrc.template`), public material
    /// (`*.pub`, `*.crt`, `known_hosts`, `.ssh/config`), `*.pem`/`*.key` files whose name
    /// does not say whether they hold a private key (SG511 reads the build context and
    /// settles those by content), heredoc sources, and wildcards or whole directories such
    /// as `COPY . .` (SG511 checks what they match). Copies from another stage or image
    /// (`--from=`) are reported only when the copying stage ends up in the built image.
    ///
    /// ## Why it matters
    /// Every COPY is a layer: a key copied in and deleted by a later `RUN rm` is still in
    /// the image, readable by anyone who can pull it (`docker save`, `dive`). Registry
    /// tokens in `.npmrc`, cloud keys in `.aws/credentials` and deploy keys leak this way.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci && rm .npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
    /// ```
    ///
    /// ## Fix
    /// None: the file must be passed as a secret mount instead.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-538 (sensitive information in an accessible file), CWE-522; chapter 3.1.8 and
    /// 3.2.4.
    pub struct SecretFileCopied {
        code: "SG802",
        name: "secret-file-copied",
        severity: Error,
        section: "3.1.8",
        aliases: [],
        fixable: None,
    }
}

impl Check for SecretFileCopied {
    fn run(&self, cx: &mut Checker<'_>) {
        let shipped = cx.final_image_instructions();
        let mut found = Vec::new();
        for (i, inst) in cx.instructions() {
            let copy = match (&inst.kind, &inst.onbuild) {
                (Kind::Copy | Kind::Add, _) => inst,
                (Kind::Onbuild, Some(child)) if matches!(child.kind, Kind::Copy | Kind::Add) => {
                    child.as_ref()
                }
                _ => continue,
            };
            if copy.args.len() < 2 {
                continue;
            }
            if copy.flag("from").is_some() && !shipped.contains(&i) {
                continue;
            }
            let verb = copy.kind.name();
            let (sources, dest) = copy.args.split_at(copy.args.len() - 1);
            let dest_value = cx.expand(&dest[0].value, i);
            for src in sources {
                if src.value.starts_with("<<") || is_remote(&src.value) {
                    continue;
                }
                let value = cx.expand(&src.value, i);
                if let Some(kind) = reportable(&value) {
                    found.push((
                        src.span,
                        format!("{verb} of `{value}` ({})", kind.description()),
                    ));
                    continue;
                }
                // `COPY deploy_key /root/.ssh/id_rsa`, `COPY npmrc /root/.npmrc`.
                if let Some(kind) = destination_kind(&value, &dest_value) {
                    found.push((
                        src.span,
                        format!(
                            "{verb} of `{value}` to `{dest_value}` ({})",
                            kind.description()
                        ),
                    ));
                }
            }
        }
        for (span, message) in found {
            cx.report(
                span,
                format!("{message}: it stays in the image layer even if deleted later"),
            )
            .set_help(
                "mount it only for the step that needs it (`RUN --mount=type=secret,id=…` \
                     or `--mount=type=ssh`) and exclude it in .dockerignore",
            );
        }
    }
}

fn is_remote(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("://") || l.starts_with("git@")
}

/// The secret kind of a path, when it is worth reporting from the Dockerfile alone.
fn reportable(path: &str) -> Option<FileKind> {
    let path = path.trim_end_matches('/');
    let owned;
    let path = if path.contains(['*', '?', '[']) {
        // Only a dotfile pattern such as `.env*` is judged (by what it surely matches).
        let base = path.rsplit('/').next().unwrap_or(path);
        if !base.starts_with('.') || path[..path.len() - base.len()].contains(['*', '?', '[']) {
            return None;
        }
        owned = path.replace(['*', '?'], "");
        owned.as_str()
    } else {
        path
    };
    match secret_file_kind(path)? {
        FileKind::MaybeKey | FileKind::TerraformVars => None,
        k => Some(k),
    }
}

/// The kind the destination gives the file (`/root/.ssh/id_rsa`, `/root/.npmrc`, a
/// directory `/root/.ssh/`).
fn destination_kind(src: &str, dest: &str) -> Option<FileKind> {
    if dest.ends_with('/') {
        let base = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
        if base.contains(['*', '?']) {
            return reportable(dest);
        }
        return reportable(&format!("{dest}{base}")).or_else(|| reportable(dest));
    }
    reportable(dest)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG802",
            &[
                "FROM a\nCOPY id_rsa /root/.ssh/id_rsa\n",
                "FROM a\nCOPY .ssh /root/.ssh\n",
                "FROM a\nCOPY .npmrc package.json ./\n",
                "FROM a\nADD .pypirc /root/\n",
                "FROM a\nCOPY .netrc /root/.netrc\n",
                "FROM a\nCOPY .aws/ /root/.aws/\n",
                "FROM a\nCOPY .docker/config.json /root/.docker/config.json\n",
                "FROM a\nCOPY .env /app/.env\n",
                "FROM a\nCOPY .env.production /app/\n",
                "FROM a\nCOPY certs/server.key /etc/ssl/private/\n",
                "FROM a\nCOPY kubeconfig /root/.kube/config\n",
                "FROM a\nCOPY deploy_key /root/.ssh/id_ed25519\n",
                "FROM a\nCOPY npmrc /root/.npmrc\n",
                "FROM a\nCOPY ssh-keys/ /root/.ssh/\n",
                "FROM a\nARG KEY=id_rsa\nCOPY ${KEY} /k\n",
                "FROM a\nCOPY --chown=app .env* ./\n",
                "FROM a AS b\nRUN ssh-keygen -f /k/id_rsa\nFROM c\nCOPY --from=b /k/id_rsa /root/.ssh/\n",
                "FROM a\nONBUILD COPY .npmrc /app/\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG802",
            &[
                "FROM a\nCOPY . .\n",
                "FROM a\nCOPY .env.example /app/.env.example\n",
                "FROM a\nCOPY id_rsa.pub /root/.ssh/authorized_keys\n",
                "FROM a\nCOPY known_hosts /root/.ssh/known_hosts\n",
                "FROM a\nCOPY ssh_config /root/.ssh/config\n",
                "FROM a\nCOPY certs/ca.crt /usr/local/share/ca-certificates/\n",
                "FROM a\nCOPY cert.pem /etc/ssl/\n",
                "FROM a\nCOPY *.json ./\n",
                "FROM a\nCOPY <<EOF /app/.env\nA=1\nEOF\n",
                "FROM a\nADD https://x.io/.env /x\n",
                "FROM a AS b\nRUN x\nFROM a AS c\nCOPY --from=b /root/.ssh/id_rsa /k\nFROM a\nCOPY app /app\n",
                "FROM a\nCOPY nginx.conf /etc/nginx/\n",
            ],
        );
    }
}
