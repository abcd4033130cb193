//! SG805: a build secret copied or written into the layer it was meant to stay out of.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use crate::rules::sg4::shared::mounts;
use seguro_dockerfile::Span;
use seguro_shell::word::basename;
use seguro_shell::{Command, Script, Word};

declare_rule! {
    /// ## What it does
    /// Finds RUN steps that read a build secret and leave it in the layer: a secret file
    /// (`/run/secrets/*`, or the `target=` of a `--mount=type=secret`), a secret mounted as
    /// an environment variable (`env=`), or a shell variable read from either, when it is
    /// - copied out (`cp`, `install`, `rsync`, `dd of=`),
    /// - written to a file (`cat /run/secrets/t > f`, `echo "…$(cat /run/secrets/t)" > .npmrc`,
    ///   `… | tee f`, `sed`, `printf`, `envsubst`, `base64`),
    /// - or stored by a tool in its configuration (`git config … url."https://$T@…"`,
    ///   `npm config set …:_authToken`, `pip`/`yarn`/`poetry`/`composer`/`bundle` config,
    ///   `aws configure set`, `docker login`, `gh auth login`,
    ///   `gcloud auth activate-service-account --key-file`, `dotnet nuget add source`,
    ///   `SUSEConnect -r`), or kept by `git clone https://$TOKEN@host/…` in the clone's
    ///   `.git/config`,
    ///
    /// and the file is not deleted later in the same RUN (`rm -f .npmrc`,
    /// `npm config delete`, `git config --unset`). Writes under a mount of the same RUN
    /// (tmpfs, cache, bind) are not kept and not reported.
    ///
    /// ## Why it matters
    /// A secret mount exists only while its RUN runs and is never part of a layer. Copying
    /// its content to a regular path undoes that: the file is committed with the layer and
    /// ships with the image, even if a later RUN deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20-slim
    /// RUN --mount=type=secret,id=npm_token \
    ///     echo "//registry.npmjs.org/:_authToken=$(cat /run/secrets/npm_token)" > /root/.npmrc \
    ///  && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20-slim
    /// RUN --mount=type=secret,id=npm_token \
    ///     echo "//registry.npmjs.org/:_authToken=$(cat /run/secrets/npm_token)" > /root/.npmrc \
    ///  && npm ci \
    ///  && rm -f /root/.npmrc
    /// ```
    ///
    /// ## Fix
    /// None: either mount the secret where the tool reads it (`target=/root/.npmrc`) or
    /// delete the file in the same RUN.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-538 (sensitive information in an accessible file); chapter 3.1.8.
    pub struct SecretMountPersisted {
        code: "SG805",
        name: "secret-mount-persisted",
        severity: Error,
        section: "3.1.8",
        aliases: [],
        fixable: None,
    }
}

/// Programs that write (part of) what they read or are given to standard output.
const ECHOERS: &[&str] = &[
    "echo", "printf", "cat", "sed", "awk", "gawk", "envsubst", "base64", "tr", "cut", "head",
    "tail", "jq", "yq", "xxd", "tee",
];

/// Tools that store a credential given to them, with the file they store it in.
const CONFIG_TOOLS: &[(&str, &str, &str)] = &[
    ("git", "config", ".gitconfig"),
    ("npm", "config", ".npmrc"),
    ("npm", "set", ".npmrc"),
    ("pnpm", "config", ".npmrc"),
    ("yarn", "config", ".yarnrc"),
    ("pip", "config", "pip.conf"),
    ("pip3", "config", "pip.conf"),
    ("poetry", "config", "auth.toml"),
    ("composer", "config", "auth.json"),
    ("bundle", "config", ".bundle/config"),
    ("aws", "configure", ".aws"),
    ("docker", "login", ".docker/config.json"),
    ("gh", "auth", ".config/gh"),
    ("gcloud", "auth", ".config/gcloud"),
    ("helm", "registry", ".config/helm"),
    ("conda", "config", ".condarc"),
    ("dotnet", "nuget", "NuGet.Config"),
    ("nuget", "sources", "NuGet.Config"),
    ("SUSEConnect", "*", "/etc/zypp/credentials.d"),
    ("subscription-manager", "register", "/etc/pki/consumer"),
];

/// What a RUN keeps secret.
struct Secrets {
    paths: Vec<String>,
    vars: Vec<String>,
}

impl Secrets {
    /// The secret a text mentions (`/run/secrets/x`, a mount target, `$VAR`).
    fn in_text(&self, raw: &str) -> Option<String> {
        if let Some(at) = raw.find("/run/secrets") {
            let end = raw[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')))
                .map_or(raw.len(), |e| at + e);
            return Some(raw[at..end].to_string());
        }
        if let Some(p) = self
            .paths
            .iter()
            .find(|p| !p.is_empty() && raw.contains(p.as_str()))
        {
            return Some(p.clone());
        }
        self.vars
            .iter()
            .find(|v| references(raw, v))
            .map(|v| format!("${v}"))
    }

    fn in_words<'w>(&self, words: impl IntoIterator<Item = &'w Word>) -> Option<String> {
        words.into_iter().find_map(|w| self.in_text(&w.raw))
    }

    /// A secret in the command's words, heredoc/here-string, or standard input file.
    fn in_command(&self, c: &Command) -> Option<String> {
        self.in_words(c.args.iter()).or_else(|| {
            c.redirects.iter().filter(|r| r.is_stdin()).find_map(|r| {
                r.heredoc
                    .as_ref()
                    .and_then(|h| self.in_text(&h.raw))
                    .or_else(|| self.in_text(&r.target.raw))
            })
        })
    }

    /// A secret fed to the command through the pipe (any earlier stage).
    fn upstream(&self, script: &Script, c: &Command) -> Option<String> {
        (0..c.index_in_pipeline)
            .flat_map(|k| script.stage_commands(c.pipeline, k))
            .filter_map(|i| script.command(i))
            .find_map(|u| self.in_command(u))
    }
}

/// Whether `raw` expands variable `v` (`$v`, `${v}`, `${v:-…}`).
fn references(raw: &str, v: &str) -> bool {
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let name = after.strip_prefix('{').unwrap_or(after);
        if let Some(tail) = name.strip_prefix(v)
            && !tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            return true;
        }
        rest = after;
    }
    false
}

/// A place a secret was written to.
struct Write {
    /// The file (or the tool's configuration file).
    target: String,
    /// The tool, for configuration writes.
    tool: Option<&'static str>,
    secret: String,
    command: usize,
    span: seguro_shell::Span,
}

impl Check for SecretMountPersisted {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            let mounts = mounts(inst);
            let mut secrets = Secrets {
                paths: mounts
                    .iter()
                    .filter(|m| m.kind == "secret")
                    .filter_map(|m| m.secret_path())
                    .collect(),
                vars: mounts
                    .iter()
                    .filter(|m| m.kind == "secret")
                    .filter_map(|m| m.env.clone())
                    .collect(),
            };
            let transient: Vec<String> = mounts
                .iter()
                .filter(|m| m.kind != "ssh" && m.kind != "secret")
                .filter_map(|m| m.target.clone())
                .collect();
            let writes = writes(script, &mut secrets);
            for w in writes {
                if is_transient(&w.target, &transient) || removed_later(script, &w) {
                    continue;
                }
                let message = match w.tool {
                    Some(tool) => format!(
                        "secret `{}` stored by `{tool}` in its configuration (`{}`), which stays \
                         in the layer",
                        w.secret, w.target
                    ),
                    None => format!(
                        "secret `{}` written to `{}`, which stays in the layer",
                        w.secret, w.target
                    ),
                };
                found.push((rs.file_span(inst, w.span), message));
            }
        }
        for (span, message) in found {
            cx.report(span, message).set_help(
                "mount the secret where the tool reads it (`--mount=type=secret,id=…,target=…`) \
                 or delete the file before the RUN ends",
            );
        }
    }
}

/// Every write of a secret in the script, following variables read from secrets.
fn writes(script: &Script, secrets: &mut Secrets) -> Vec<Write> {
    let mut out = Vec::new();
    for c in script.commands() {
        // Variables that now hold a secret.
        for a in &c.assignments {
            if secrets.in_text(&a.value.raw).is_some() && !secrets.vars.contains(&a.name) {
                secrets.vars.push(a.name.clone());
            }
        }
        if c.is("read")
            && c.stdin_redirect()
                .is_some_and(|r| secrets.in_text(&r.target.raw).is_some())
        {
            for w in c.positionals() {
                secrets.vars.push(w.text().to_string());
            }
        }
        let Some(program) = c.program() else { continue };
        let mut push = |target: String, tool: Option<&'static str>, secret: String| {
            out.push(Write {
                target,
                tool,
                secret,
                command: c.id(),
                span: c.span,
            });
        };
        // Copies.
        if matches!(program, "cp" | "install" | "rsync") {
            let pos: Vec<&Word> = c.positionals().collect();
            if let Some((dest, srcs)) = pos.split_last()
                && let Some(s) = secrets.in_words(srcs.iter().copied())
            {
                push(dest.text().to_string(), None, s);
            }
            continue;
        }
        if program == "dd"
            && let Some(s) = c
                .args
                .iter()
                .find_map(|a| a.raw.strip_prefix("if=").and_then(|v| secrets.in_text(v)))
            && let Some(of) = c.args.iter().find_map(|a| a.text().strip_prefix("of="))
        {
            push(of.to_string(), None, s);
            continue;
        }
        // `git clone https://$TOKEN@host/x.git dir` keeps the URL in `dir/.git/config`.
        if program == "git" && c.positional(0).is_some_and(|w| w.is("clone")) {
            if let Some(url) = c.positional(1)
                && let Some(s) = secrets.in_text(&url.raw)
            {
                let dir = c
                    .positional(2)
                    .map(|w| w.text().to_string())
                    .unwrap_or_else(|| {
                        let u = url.text().trim_end_matches('/');
                        let b = basename(u);
                        b.strip_suffix(".git").unwrap_or(b).to_string()
                    });
                push(
                    format!("{}/.git/config", dir.trim_end_matches('/')),
                    None,
                    s,
                );
            }
            continue;
        }
        // Configuration stores.
        if let Some(&(_, _, file)) = CONFIG_TOOLS.iter().find(|(p, sub, _)| {
            *p == program && (*sub == "*" || c.positional(0).is_some_and(|w| w.is(sub)))
        }) {
            let reading = c.args.iter().any(|a| {
                matches!(
                    a.text(),
                    "get"
                        | "list"
                        | "--get"
                        | "--get-all"
                        | "--list"
                        | "-l"
                        | "delete"
                        | "unset"
                        | "--unset"
                        | "--unset-all"
                )
            });
            if !reading
                && let Some(s) = secrets
                    .in_command(c)
                    .or_else(|| secrets.upstream(script, c))
            {
                let tool = CONFIG_TOOLS
                    .iter()
                    .find(|(p, _, _)| *p == program)
                    .map(|t| t.0);
                push(file.to_string(), tool, s);
            }
            continue;
        }
        if !ECHOERS.contains(&program) {
            continue;
        }
        let secret = secrets
            .in_command(c)
            .or_else(|| secrets.upstream(script, c));
        let Some(secret) = secret else { continue };
        if program == "tee" {
            for f in c.positionals().filter(|w| !w.text().starts_with("/dev/")) {
                push(f.text().to_string(), None, secret.clone());
            }
        }
        if let Some(f) = c.stdout_file()
            && !f.text().starts_with("/dev/")
        {
            push(f.text().to_string(), None, secret);
        }
    }
    out
}

/// Whether the write lands on a mount of the RUN (not committed) or a device.
fn is_transient(target: &str, mounts: &[String]) -> bool {
    let t = target.trim_matches(['"', '\'']);
    t.starts_with("/run/secrets")
        || t.starts_with("/dev/")
        || t.starts_with("/proc/")
        || mounts.iter().any(|m| {
            let m = m.trim_end_matches('/');
            !m.is_empty() && (t == m || t.starts_with(&format!("{m}/")))
        })
}

/// Whether the written file is deleted (or the setting undone) later in the script.
fn removed_later(script: &Script, w: &Write) -> bool {
    let norm = |s: &str| {
        s.trim_matches(['"', '\''])
            .trim_end_matches('/')
            .to_string()
    };
    let target = norm(&w.target);
    let target_base = basename(&target).to_string();
    script.commands().filter(|c| c.id() > w.command).any(|c| {
        if c.is_any(&["rm", "shred", "unlink"]) {
            return c.positionals().any(|a| {
                let a = norm(a.text());
                a == target
                    || target.starts_with(&format!("{a}/"))
                    || (!target_base.is_empty() && basename(&a) == target_base)
                    || (w.tool.is_some() && a.contains(target_base.as_str()))
            });
        }
        match w.tool {
            Some(tool) => {
                c.is(tool)
                    && c.args.iter().any(|a| {
                        matches!(
                            a.text(),
                            "delete"
                                | "unset"
                                | "--unset"
                                | "--unset-all"
                                | "rm"
                                | "remove"
                                | "logout"
                                | "unregister"
                                | "clean"
                                | "-d"
                                | "--de-register"
                                | "--cleanup"
                        )
                    })
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG805",
            &[
                "FROM a\nRUN --mount=type=secret,id=t cp /run/secrets/t /app/token\n",
                "FROM a\nRUN --mount=type=secret,id=t cat /run/secrets/t > /app/token\n",
                "FROM a\nRUN --mount=type=secret,id=t echo \"//r/:_authToken=$(cat /run/secrets/t)\" > .npmrc && npm ci\n",
                "FROM a\nRUN --mount=type=secret,id=t cat /run/secrets/t | tee /root/t > /dev/null\n",
                "FROM a\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials cp /root/.aws/credentials /opt/creds\n",
                "FROM a\nRUN --mount=type=secret,id=t,env=TOKEN echo \"$TOKEN\" > /t\n",
                "FROM a\nRUN --mount=type=secret,id=t TOKEN=$(cat /run/secrets/t) && printf '%s' \"$TOKEN\" > /etc/t\n",
                "FROM a\nRUN --mount=type=secret,id=t git config --global url.\"https://$(cat /run/secrets/t)@github.com/\".insteadOf https://github.com/ && go mod download\n",
                "FROM a\nRUN --mount=type=secret,id=t npm config set //r/:_authToken $(cat /run/secrets/t) && npm ci\n",
                "FROM a\nRUN --mount=type=secret,id=t docker login -u u --password-stdin < /run/secrets/t\n",
                "FROM a\nRUN --mount=type=secret,id=t sed \"s/TOKEN/$(cat /run/secrets/t)/\" tpl > conf\n",
                "FROM a\nRUN --mount=type=secret,id=g T=$(cat /run/secrets/g) && git clone https://${T}:x@github.com/o/dots.git /tmp/dots && cp -R /tmp/dots/a /a\n",
                "FROM a\nRUN --mount=type=secret,id=n dotnet nuget add source $(cat /run/secrets/n) -n priv\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG805",
            &[
                "FROM a\nRUN --mount=type=secret,id=t,target=/root/.npmrc npm ci\n",
                "FROM a\nRUN --mount=type=secret,id=t echo \"//r/:_authToken=$(cat /run/secrets/t)\" > .npmrc && npm ci && rm -f .npmrc\n",
                "FROM a\nRUN --mount=type=secret,id=t export TOKEN=$(cat /run/secrets/t) && make\n",
                "FROM a\nRUN --mount=type=secret,id=t curl -H \"Authorization: Bearer $(cat /run/secrets/t)\" -o app.tgz https://x/app.tgz\n",
                "FROM a\nRUN --mount=type=secret,id=t curl -H \"Authorization: Bearer $(cat /run/secrets/t)\" https://x/v > v.json\n",
                "FROM a\nRUN --mount=type=secret,id=t --mount=type=tmpfs,target=/tmp cp /run/secrets/t /tmp/t && make\n",
                "FROM a\nRUN --mount=type=secret,id=t npm config set //r/:_authToken $(cat /run/secrets/t) && npm ci && npm config delete //r/:_authToken\n",
                "FROM a\nRUN --mount=type=secret,id=t cat /run/secrets/t > /dev/null\n",
                "FROM a\nRUN --mount=type=secret,id=t,env=TOKEN echo \"$TOKENIZER\" > /t\n",
                "FROM a\nRUN echo hi > /x\n",
                "FROM a\nRUN --mount=type=secret,id=t cp /run/secrets/t /app/t && make && rm -rf /app\n",
                "FROM a\nRUN --mount=type=secret,id=g T=$(cat /run/secrets/g) && git clone https://${T}@github.com/o/dots.git /tmp/dots && make -C /tmp/dots && rm -rf /tmp/dots\n",
                "FROM a\nRUN --mount=type=secret,id=g git clone https://github.com/o/dots.git\n",
            ],
        );
    }
}
