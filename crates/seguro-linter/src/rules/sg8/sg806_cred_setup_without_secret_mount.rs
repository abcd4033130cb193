//! SG806: credentials configured in a RUN that has no secret mount to take them from.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use crate::rules::sg4::shared::has_mount;
use seguro_shell::word::basename;
use seguro_shell::{Command, Word};

declare_rule! {
    /// ## What it does
    /// Finds credentials set up in a RUN that has no `--mount=type=secret`, so the
    /// credential comes from the Dockerfile or a build argument and is written into the
    /// layer:
    /// - `aws configure set aws_access_key_id|aws_secret_access_key|aws_session_token …`;
    /// - `gcloud auth activate-service-account --key-file …`, `az login -p/--password/
    ///   --federated-token`, `doctl auth init -t`, `docker login -p/--password`;
    /// - `npm`/`pnpm`/`yarn config set …_authToken|_auth|_password|npmAuthToken …`;
    /// - a token, password or `user:password@` URL written to `.npmrc`, `.yarnrc(.yml)`,
    ///   `.netrc`, `pip.conf`, `.pypirc`, `.git-credentials`, `.docker/config.json`,
    ///   Maven `settings.xml`, `.gem/credentials`, `.cargo/credentials`, `auth.json`
    ///   (`echo …`, `printf …`, `cat <<EOF`, `tee`);
    /// - `git config … url."https://$TOKEN@host/".insteadOf` and `pip config set` of an
    ///   index URL with credentials.
    ///
    /// ## Why it matters
    /// The value reaches the RUN from an ARG (kept in the image history) or is written
    /// in the Dockerfile, and the configuration file lands in the layer. A secret mount
    /// gives the credential to that one step only and leaves nothing behind.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ARG AWS_SECRET_ACCESS_KEY
    /// RUN aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY" \
    ///  && aws s3 cp s3://models/model.bin /models/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \
    ///     aws s3 cp s3://models/model.bin /models/
    /// ```
    ///
    /// ## Fix
    /// None: the credential must be passed with `docker build --secret`.
    ///
    /// ## Aliases
    /// DS-0031
    ///
    /// ## References
    /// CWE-522 (insufficiently protected credentials), CWE-798; chapter 3.1.8.
    pub struct CredSetupWithoutSecretMount {
        code: "SG806",
        name: "cred-setup-without-secret-mount",
        severity: Warning,
        section: "3.1.8",
        aliases: ["DS-0031"],
        fixable: None,
    }
}

/// Files that tools read credentials from.
const CREDENTIAL_FILES: &[&str] = &[
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".netrc",
    "_netrc",
    "pip.conf",
    "pip.ini",
    ".pypirc",
    ".git-credentials",
    "config.json",
    "settings.xml",
    "credentials",
    "credentials.toml",
    "auth.json",
    ".condarc",
];

impl Check for CredSetupWithoutSecretMount {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            if has_mount(inst, "secret") {
                continue;
            }
            for c in script.commands() {
                if let Some((w, what)) = credential_setup(c) {
                    found.push((rs.file_span(inst, w.span), what));
                }
            }
        }
        for (span, what) in found {
            cx.report(span, format!("{what} without a secret mount: the credential ends up in the image"))
                .set_help(
                    "give the credential to this step only: `RUN --mount=type=secret,id=…,target=<file>` \
                     (or `env=`) with `docker build --secret`",
                );
        }
    }
}

fn credential_setup(c: &Command) -> Option<(&Word, String)> {
    let program = c.program()?;
    let name = c.name.as_ref()?;
    let sub = c.positional(0).map(Word::text);
    let has = |names: &[&str]| {
        c.args.iter().any(|a| {
            let t = a.text();
            names
                .iter()
                .any(|n| t == *n || t.starts_with(&format!("{n}=")))
        })
    };
    match (program, sub) {
        ("aws", Some("configure")) => {
            let key = c.positional(2)?;
            let k = key.text().to_ascii_lowercase();
            let k = k.rsplit('.').next().unwrap_or(&k);
            if c.positional(1).is_some_and(|w| w.is("set"))
                && matches!(
                    k,
                    "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token"
                )
            {
                return Some((key, format!("`aws configure set {k}`")));
            }
            None
        }
        ("gcloud", Some("auth"))
            if c.positional(1)
                .is_some_and(|w| w.is("activate-service-account")) =>
        {
            has(&["--key-file"]).then(|| {
                (
                    name,
                    "`gcloud auth activate-service-account --key-file`".to_string(),
                )
            })
        }
        ("az", Some("login")) => has(&["-p", "--password", "--federated-token"])
            .then(|| (name, "`az login` with a password or token".to_string())),
        ("doctl", Some("auth")) => {
            has(&["-t", "--access-token"]).then(|| (name, "`doctl auth init -t`".to_string()))
        }
        ("docker" | "podman" | "buildah", Some("login")) => {
            has(&["-p", "--password"]).then(|| (name, format!("`{program} login --password`")))
        }
        ("npm" | "pnpm" | "yarn", Some("config" | "set")) => {
            let key = c.args.iter().find(|a| {
                let t = a.text().to_ascii_lowercase();
                let key = t.split('=').next().unwrap_or(&t);
                [
                    "_authtoken",
                    "_auth",
                    "_password",
                    "npmauthtoken",
                    "npmauthident",
                ]
                .iter()
                .any(|k| key.ends_with(k))
            })?;
            c.args.iter().any(|a| a.is("set")).then(|| {
                (
                    key,
                    format!(
                        "`{program} config set {}`",
                        key.text().split('=').next().unwrap_or("")
                    ),
                )
            })
        }
        ("git", Some("config")) => {
            let w = c
                .args
                .iter()
                .find(|a| url_has_credentials(a.text()) || url_has_credentials(&a.raw))?;
            Some((w, "git configured with a credential in a URL".to_string()))
        }
        ("pip" | "pip3", Some("config")) => {
            let w = c.args.iter().find(|a| url_has_credentials(&a.raw))?;
            Some((
                w,
                "pip configured with an index URL holding credentials".to_string(),
            ))
        }
        _ => written_credentials(c),
    }
}

/// `echo "//registry/:_authToken=$NPM_TOKEN" > ~/.npmrc` and the like.
fn written_credentials(c: &Command) -> Option<(&Word, String)> {
    if !c.is_any(&["echo", "printf", "cat", "tee", "envsubst", "sed"]) {
        return None;
    }
    let mut targets: Vec<&Word> = c.stdout_file().into_iter().collect();
    if c.is("tee") {
        targets.extend(c.positionals());
    }
    let target = targets.into_iter().find(|t| {
        let t = t.text().trim_matches(['"', '\'']);
        let base = basename(t);
        CREDENTIAL_FILES.contains(&base)
            && (base != "config.json" || t.contains(".docker"))
            && (base != "credentials"
                || t.contains(".gem")
                || t.contains(".cargo")
                || t.contains(".aws"))
    })?;
    let texts = c
        .args
        .iter()
        .chain(c.redirects.iter().filter_map(|r| r.heredoc.as_ref()));
    for w in texts {
        if holds_credential(&w.raw) {
            return Some((target, format!("credential written to `{}`", target.text())));
        }
    }
    None
}

/// Text that carries a credential: a token/password key with a value, a `user:pass@`
/// URL, a `.netrc` `password` entry.
fn holds_credential(raw: &str) -> bool {
    let l = raw.to_ascii_lowercase();
    let keys = [
        "_authtoken",
        "_auth",
        "_password",
        "npmauthtoken",
        "npmauthident",
        "password",
        "passwd",
        "token",
        "secret",
        "apikey",
        "api_key",
        "\"auth\"",
    ];
    keys.iter().any(|k| {
        l.match_indices(k).any(|(at, _)| {
            let rest = l[at + k.len()..].trim_start_matches(['"', '\'']);
            if rest.starts_with(['=', ':']) {
                return true;
            }
            // `.netrc`: `password VALUE`.
            rest.starts_with(' ')
                && rest
                    .trim_start()
                    .starts_with(|ch: char| ch == '$' || ch.is_ascii_alphanumeric())
        })
    }) || url_has_credentials(raw)
}

/// `scheme://user:pass@host` or `scheme://$TOKEN@host`.
fn url_has_credentials(s: &str) -> bool {
    let Some(at) = s.find("://") else {
        return false;
    };
    let rest = &s[at + 3..];
    let authority = rest.split(['/', '"', '\'', ' ']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo.contains(':') || userinfo.contains('$'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG806",
            &[
                "FROM a\nARG K\nRUN aws configure set aws_secret_access_key \"$K\"\n",
                "FROM a\nRUN aws configure set default.aws_access_key_id AKIAZ7VRSQ5TQJ3PDQ4M\n",
                "FROM a\nRUN gcloud auth activate-service-account --key-file=/k.json\n",
                "FROM a\nRUN az login --service-principal -u x -p \"$P\" --tenant t\n",
                "FROM a\nRUN doctl auth init -t \"$DO_TOKEN\"\n",
                "FROM a\nRUN npm config set //registry.npmjs.org/:_authToken \"$NPM_TOKEN\"\n",
                "FROM a\nRUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > ~/.npmrc\n",
                "FROM a\nRUN echo \"machine github.com login x password $GH_TOKEN\" > /root/.netrc\n",
                "FROM a\nRUN printf '[global]\\nindex-url = https://u:$PASS@pypi.corp/simple\\n' > /etc/pip.conf\n",
                "FROM a\nRUN git config --global url.\"https://${GH_TOKEN}@github.com/\".insteadOf \"https://github.com/\"\n",
                "FROM a\nRUN <<EOF\ncat > /root/.npmrc <<R\n//npm.corp/:_authToken=${TOKEN}\nR\nEOF\n",
                "FROM a\nRUN echo \"https://x:${T}@github.com\" > ~/.git-credentials\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG806",
            &[
                "FROM a\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 ls\n",
                "FROM a\nRUN --mount=type=secret,id=t npm config set //r/:_authToken $(cat /run/secrets/t) && npm ci && npm config delete //r/:_authToken\n",
                "FROM a\nRUN aws configure set region eu-west-1\n",
                "FROM a\nRUN echo 'registry=https://registry.npmjs.org/' > .npmrc\n",
                "FROM a\nRUN npm config set registry https://npm.corp/\n",
                "FROM a\nRUN git config --global url.\"https://github.com/\".insteadOf git@github.com:\n",
                "FROM a\nRUN echo '{}' > /root/.docker/config.json\n",
                "FROM a\nRUN echo 'save-exact=true' >> .npmrc\n",
                "FROM a\nRUN gcloud auth configure-docker\n",
            ],
        );
    }
}
