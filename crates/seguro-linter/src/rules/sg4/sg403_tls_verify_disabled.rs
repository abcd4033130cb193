//! SG403: certificate verification switched off for a download, a package manager or git.

use super::shared::{Mentions, Setting, settings, unquote};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_shell::programs::git::disables_tls;
use seguro_shell::{Command, Word};

declare_rule! {
    /// ## What it does
    /// Finds TLS certificate checks turned off in RUN commands and in ENV/ARG settings:
    /// - `curl -k`/`--insecure`, `wget --no-check-certificate`, `aws --no-verify-ssl`,
    ///   `--insecure-skip-tls-verify`, `--tls-verify=false`, `conda --insecure`;
    /// - pip `--trusted-host`, `pip config set global.trusted-host`, uv
    ///   `--allow-insecure-host`, `PIP_TRUSTED_HOST`, `UV_INSECURE_HOST`;
    /// - `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`,
    ///   `NPM_CONFIG_STRICT_SSL=false`, `npm`/`yarn config set strict-ssl false`,
    ///   `CONDA_SSL_VERIFY=false`, `BUNDLE_SSL_VERIFY_MODE=0`;
    /// - git: `GIT_SSL_NO_VERIFY` (any value), `-c http.sslVerify=false`,
    ///   `git config http.sslVerify false`;
    /// - configuration written by RUN: `sslverify=0` (yum/dnf/zypper), apt
    ///   `Acquire::https::Verify-Peer "false"`, `check_certificate = off` (wget), `insecure`
    ///   in `.curlrc`, Maven `maven.wagon.http.ssl.insecure=true`.
    ///
    /// ## Why it matters
    /// Without certificate checks anyone on the network path (a proxy, a hijacked DNS
    /// answer, a rogue Wi-Fi or CI runner neighbour) can serve their own packages,
    /// archives and scripts, and the build accepts them. Set in ENV, the switch also stays
    /// on in every container run from the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONHTTPSVERIFY=0
    /// RUN pip install --trusted-host pypi.example.com -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
    /// RUN update-ca-certificates \
    ///  && pip install --cert /etc/ssl/certs/ca-certificates.crt -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Unsafe, for `curl -k`/`--insecure` and `wget --no-check-certificate`: removes the
    /// switch. The build then fails if the server's certificate is not trusted, which is
    /// the point, but it is a change in behaviour to review (add the CA instead).
    ///
    /// ## Aliases
    /// CKV2_DOCKER_2..6, CKV2_DOCKER_12..16
    ///
    /// ## References
    /// CWE-295 (improper certificate validation); chapter 3.1.4.
    pub struct TlsVerifyDisabled {
        code: "SG403",
        name: "tls-verify-disabled",
        severity: Error,
        section: "3.1.4",
        aliases: ["CKV2_DOCKER_2..6", "CKV2_DOCKER_12..16"],
        fixable: Sometimes,
    }
}

/// Every word pattern of this rule mentions one of these (not plain `ssl` or
/// `certificate`, which `libssl-dev` and `ca-certificates` put in most RUNs).
static TLS_WORDS: Mentions = Mentions::new(&[
    "trusted",
    "insecure",
    "strict",
    "verify",
    "check_certificate",
    "check-certificate",
    "allowall",
]);

struct Finding {
    span: Span,
    message: String,
    fix: Option<Fix>,
}

impl Check for TlsVerifyDisabled {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for s in settings(cx).iter() {
            if let Some(why) = setting_disables(s) {
                found.push(Finding {
                    span: s.span,
                    message: format!("{} `{}` {why}", s.kind.name(), s.name),
                    fix: None,
                });
            }
        }
        for (inst, rs, script) in cx.run_scripts() {
            // One scan of the instruction's text spares a scan of each of its words.
            let mentions = TLS_WORDS.any(cx.src.get(inst.span.range()).unwrap_or_default());
            for c in script.commands() {
                for (word, message, removable) in command_findings(c, mentions) {
                    let span = rs.file_span(inst, word.span);
                    let fix = removable.then(|| removal_fix(cx.src, span, word)).flatten();
                    found.push(Finding { span, message, fix });
                }
                for a in &c.assignments {
                    let value = a
                        .value
                        .value
                        .clone()
                        .unwrap_or_else(|| unquote(&a.value.raw));
                    let s = Setting {
                        kind: seguro_dockerfile::Kind::Run,
                        name: a.name.clone(),
                        value: Some(value),
                        span: Span::default(),
                    };
                    if let Some(why) = setting_disables(&s) {
                        found.push(Finding {
                            span: rs.file_span(inst, a.span),
                            message: format!("`{}` {why}", a.name),
                            fix: None,
                        });
                    }
                }
            }
        }
        found.sort_by_key(|f| (f.span.start, f.span.end));
        found.dedup_by_key(|f| (f.span.start, f.span.end));
        for f in found {
            let d = cx.report(f.span, f.message).set_help(
                "keep certificate checks on; for a private CA, install its certificate \
                 (`update-ca-certificates`, `--cert`, `cafile`) instead",
            );
            if let Some(fix) = f.fix {
                d.set_fix(fix);
            }
        }
    }
}

/// Why an ENV/ARG or shell variable turns certificate checks off, if it does.
fn setting_disables(s: &Setting) -> Option<&'static str> {
    let name = s.name.to_ascii_uppercase();
    // `ARG X` without a value sets nothing; `ENV X=` sets the variable (empty).
    let value = s.value.as_deref()?.trim();
    let v = value.to_ascii_lowercase();
    let falsy = matches!(v.as_str(), "0" | "false" | "no" | "off");
    match name.as_str() {
        "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST" if !v.is_empty() => {
            Some("makes pip accept any certificate (or plain HTTP) from those hosts")
        }
        "PYTHONHTTPSVERIFY" if v == "0" => Some("turns off HTTPS certificate checks in Python"),
        "NODE_TLS_REJECT_UNAUTHORIZED" if v == "0" => {
            Some("turns off certificate checks in every Node.js TLS connection")
        }
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" if falsy => {
            Some("turns off registry certificate checks")
        }
        "GIT_SSL_NO_VERIFY" => Some("turns off git's certificate checks (whatever its value)"),
        "CONDA_SSL_VERIFY" if falsy => Some("turns off conda's certificate checks"),
        "BUNDLE_SSL_VERIFY_MODE" if v == "0" => Some("turns off Bundler's certificate checks"),
        n if n.starts_with("POETRY_CERTIFICATES_") && n.ends_with("_CERT") && falsy => {
            Some("turns off Poetry's certificate checks for that source")
        }
        _ => None,
    }
}

/// Words of a command that turn certificate checks off, with a message and whether
/// removing the word is the fix.
fn command_findings(c: &Command, mentions: bool) -> Vec<(&Word, String, bool)> {
    let mut out = Vec::new();
    let program = c.program().unwrap_or("");
    let flag_word = |names: &[&str]| -> Option<&Word> {
        c.opts
            .flags
            .iter()
            .find(|f| names.contains(&f.name.as_str()))
            .and_then(|f| c.args.get(f.arg_index))
    };
    match program {
        "curl" => {
            if let Some(w) = flag_word(&["-k", "--insecure"]) {
                out.push((w, "`curl` with certificate checks off".to_string(), true));
            }
        }
        "wget" => {
            if let Some(w) = flag_word(&["--no-check-certificate"]) {
                out.push((w, "`wget --no-check-certificate`".to_string(), true));
            }
        }
        "git" if disables_tls(c) => {
            if let Some(w) = c
                .args
                .iter()
                .find(|w| w.text().to_ascii_lowercase().contains("sslverify"))
            {
                out.push((w, "git with `http.sslVerify` off".to_string(), false));
            }
        }
        "conda" | "mamba" | "micromamba" => {
            if let Some(w) = flag_word(&["-k", "--insecure"]) {
                out.push((w, format!("`{program}` with certificate checks off"), false));
            }
        }
        _ => {}
    }
    let program = if program.starts_with("python") {
        "pip"
    } else {
        program
    };
    let words: Vec<&Word> = c.args.iter().collect();
    for (i, w) in words.iter().enumerate() {
        let t = w.text();
        // Every pattern below mentions one of these; most words mention none.
        if !mentions || !TLS_WORDS.any(t) {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        let next = words.get(i + 1).map(|n| n.text().to_ascii_lowercase());
        let next_falsy = next
            .as_deref()
            .is_some_and(|n| matches!(n, "false" | "0" | "no" | "off"));
        let msg = if lower == "--trusted-host" || lower.starts_with("--trusted-host=") {
            Some(format!(
                "`{program} --trusted-host`: certificate checks off for that host"
            ))
        } else if lower == "--allow-insecure-host" || lower.starts_with("--allow-insecure-host=") {
            Some(format!(
                "`{program} --allow-insecure-host`: certificate checks off for that host"
            ))
        } else if matches!(
            lower.as_str(),
            "global.trusted-host" | "install.trusted-host"
        ) && c.args.iter().any(|a| a.is("set"))
        {
            Some("pip configured with a trusted host: certificate checks off for it".to_string())
        } else if (lower == "strict-ssl" || lower == "strict_ssl" || lower == "enablestrictssl")
            && next_falsy
            && c.args.iter().any(|a| a.is("set"))
        {
            Some(format!("`{program}` configured with `strict-ssl false`"))
        } else if let Some(v) = lower
            .strip_prefix("--strict-ssl=")
            .or_else(|| lower.strip_prefix("strict-ssl="))
        {
            matches!(v, "false" | "0").then(|| format!("`{program}` with `strict-ssl` off"))
        } else if lower == "--no-verify-ssl" {
            Some(format!("`{program} --no-verify-ssl`"))
        } else if lower == "--insecure-skip-tls-verify"
            || lower == "--insecure-skip-tls-verify=true"
        {
            Some(format!("`{program} --insecure-skip-tls-verify`"))
        } else if [
            "--tls-verify=false",
            "--src-tls-verify=false",
            "--dest-tls-verify=false",
        ]
        .contains(&lower.as_str())
        {
            Some(format!("`{program} {t}`"))
        } else {
            config_text_disables(&lower).map(str::to_string)
        };
        if let Some(m) = msg {
            out.push((*w, m, false));
        }
    }
    for r in &c.redirects {
        if let Some(body) = &r.heredoc
            && mentions
            && TLS_WORDS.any(&body.raw)
            && let Some(m) = config_text_disables(&body.raw.to_ascii_lowercase())
        {
            out.push((body, m.to_string(), false));
        }
    }
    if c.is_any(&["echo", "printf"])
        && c.stdout_file()
            .is_some_and(|f| f.text().ends_with(".curlrc"))
        && c.args.iter().any(|a| {
            let t = a.text().trim();
            t == "insecure" || t == "-k" || t == "--insecure"
        })
        && let Some(w) = c.args.first()
    {
        out.push((w, "`insecure` written to `.curlrc`".to_string(), false));
    }
    out
}

/// Configuration text (an option value, an `echo` line, a heredoc) that turns checks off.
fn config_text_disables(lower: &str) -> Option<&'static str> {
    // Every pattern below mentions one of these; most words mention none.
    if !(lower.contains("ssl") || lower.contains("verify") || lower.contains("certificate")) {
        return None;
    }
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if [
        "sslverify=0",
        "sslverify=false",
        "sslverify=no",
        "sslverify=off",
    ]
    .iter()
    .any(|p| compact.contains(p))
        && !compact.contains("sslverify=0.")
    {
        return Some("`sslverify` off in a repository configuration");
    }
    if (compact.contains("verify-peer") || compact.contains("verify-host"))
        && (compact.contains("\"false\"") || compact.contains("=false"))
    {
        return Some("apt with `Acquire::https::Verify-Peer` off");
    }
    if compact.contains("check_certificate=off") || compact.contains("check-certificate=off") {
        return Some("wget with `check_certificate = off`");
    }
    if compact.contains("maven.wagon.http.ssl.insecure=true")
        || compact.contains("maven.wagon.http.ssl.allowall=true")
    {
        return Some("Maven with certificate checks off");
    }
    if compact.contains("ssl_verify:false") || compact.contains("ssl_verify=false") {
        return Some("certificate checks off (`ssl_verify: false`)");
    }
    None
}

/// Removes `-k`/`--insecure`/`--no-check-certificate` (or the `k` of a short-flag
/// cluster such as `-fsSLk`), when the word is written plainly.
fn removal_fix(src: &str, span: Span, word: &Word) -> Option<Fix> {
    let text = src.get(span.range())?;
    if text != word.raw || word.quoted {
        return None;
    }
    let edit = if text.starts_with("--") || text == "-k" {
        // Remove the word and the blank before it.
        let before = &src[..span.start as usize];
        let blank = before.len() - before.trim_end_matches([' ', '\t']).len();
        if blank == 0 {
            return None;
        }
        Edit {
            span: Span::new(span.start as usize - blank, span.end as usize),
            replacement: String::new(),
        }
    } else {
        Edit {
            span,
            replacement: text.replacen('k', "", 1),
        }
    };
    Some(Fix::new(
        "Remove the switch that disables certificate checks",
        Applicability::Unsafe,
        vec![edit],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG403",
            &[
                "FROM a\nRUN curl -k https://x.io/a -o a\n",
                "FROM a\nRUN curl -fsSLk https://x.io/a -o a\n",
                "FROM a\nRUN curl --insecure https://x.io/a\n",
                "FROM a\nRUN wget --no-check-certificate https://x.io/a\n",
                "FROM a\nRUN pip install --trusted-host pypi.corp -r r.txt\n",
                "FROM a\nRUN python3 -m pip install --trusted-host=pypi.corp x==1\n",
                "FROM a\nRUN pip config set global.trusted-host pypi.corp\n",
                "FROM a\nENV PIP_TRUSTED_HOST=pypi.corp\n",
                "FROM a\nARG PIP_TRUSTED_HOST=pypi.corp\n",
                "FROM a\nENV PYTHONHTTPSVERIFY=0\n",
                "FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n",
                "FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED '0'\n",
                "FROM a\nENV npm_config_strict_ssl=false\n",
                "FROM a\nRUN npm config set strict-ssl false\n",
                "FROM a\nRUN yarn config set strict-ssl false\n",
                "FROM a\nENV GIT_SSL_NO_VERIFY=1\n",
                "FROM a\nRUN GIT_SSL_NO_VERIFY=true git clone https://x/y\n",
                "FROM a\nRUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci\n",
                "FROM a\nRUN git -c http.sslVerify=false clone https://x/y\n",
                "FROM a\nRUN git config --global http.sslVerify false\n",
                "FROM a\nRUN dnf --setopt=sslverify=0 install -y x\n",
                "FROM a\nRUN echo 'sslverify=false' >> /etc/yum.conf\n",
                "FROM a\nRUN echo 'Acquire::https::Verify-Peer \"false\";' > /etc/apt/apt.conf.d/99x\n",
                "FROM a\nRUN echo insecure >> ~/.curlrc\n",
                "FROM a\nRUN aws s3 cp --no-verify-ssl s3://b/k k\n",
                "FROM a\nRUN <<EOF\ncat > /etc/yum.repos.d/x.repo <<R\n[x]\nsslverify = 0\nR\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG403",
            &[
                "FROM a\nRUN curl -fsSL https://x.io/a -o a\n",
                "FROM a\nRUN gpg --keyid-format LONG -k FAF6989E1BC16FEA\n",
                "FROM a\nRUN tar -k -xf a.tar\n",
                "FROM a\nENV PYTHONHTTPSVERIFY=1\n",
                "FROM a\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n",
                "FROM a\nARG PIP_TRUSTED_HOST\n",
                "FROM a\nRUN npm config set strict-ssl true\n",
                "FROM a\nRUN echo 'use curl -k only for testing'\n",
                "FROM a\nRUN dnf --setopt=sslverify=1 install -y x\n",
                "FROM a\nRUN pip install --cert /etc/ssl/ca.crt x==1\n",
            ],
        );
    }

    #[test]
    fn fix_is_unsafe_and_removes_the_switch() {
        let src = "FROM a\nRUN curl -k https://x.io -o a\n";
        let d = check("SG403", src);
        let (fixed, n) = crate::fix::apply(src, &d, true);
        assert_eq!(n, 1);
        assert_eq!(fixed, "FROM a\nRUN curl https://x.io -o a\n");
        let src = "FROM a\nRUN curl -fsSLk https://x.io -o a\n";
        let (fixed, _) = crate::fix::apply(src, &check("SG403", src), true);
        assert_eq!(fixed, "FROM a\nRUN curl -fsSL https://x.io -o a\n");
        let (safe, n) = crate::fix::apply(src, &check("SG403", src), false);
        assert_eq!((safe.as_str(), n), (src, 0));
    }
}
