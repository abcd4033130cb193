//! SG404: something fetched over plain `http://` (or `ftp://`, `git://`).

use super::sg402_download_unverified::{check_commands, verified};
use super::shared::{is_loopback_url, settings, url_scheme};
use crate::checker::Checker;
use crate::checker::RunScript;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};
use seguro_shell::programs::git::{GitOp, git};
use seguro_shell::{Command, Manager, PackageKind, Script, Word};

declare_rule! {
    /// ## What it does
    /// Finds downloads over an unencrypted protocol:
    /// - `ADD http://…` (not when `--checksum=` pins the content);
    /// - curl/wget of an `http://` or `ftp://` URL (not when the file is verified by a
    ///   checksum or signature in the same RUN);
    /// - `git clone`/`fetch`/`submodule add` of an `http://` or `git://` URL;
    /// - package indexes and sources: pip `--index-url`/`--extra-index-url`/`--find-links`,
    ///   npm/yarn `--registry` and `config set registry`, `gem --source`, package URLs
    ///   (`pip install http://…`, `dnf install http://….rpm`), and `PIP_INDEX_URL`,
    ///   `PIP_EXTRA_INDEX_URL`, `UV_INDEX_URL`, `NPM_CONFIG_REGISTRY` set to `http://`.
    ///
    /// Loopback URLs (`localhost`, `127.0.0.1`, `::1`) never leave the machine and are not
    /// reported. apt and apk repositories over `http://` are not reported either: their
    /// index is signed and every package checked against it (SG406 reports when that check
    /// is off).
    ///
    /// ## Why it matters
    /// Anything on the path can read and rewrite a plain-HTTP response. Without a checksum
    /// or signature to catch it, the build installs whatever was injected.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /usr/local/bin/tool http://downloads.example.com/tool-1.2.0 \
    ///  && chmod +x /usr/local/bin/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ARG TOOL_SHA256=3f1a6c1e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912a3b
    /// RUN curl -fsSLo /usr/local/bin/tool https://downloads.example.com/tool-1.2.0 \
    ///  && echo "${TOOL_SHA256}  /usr/local/bin/tool" | sha256sum -c - \
    ///  && chmod +x /usr/local/bin/tool
    /// ```
    ///
    /// ## Fix
    /// Unsafe: rewrites `http://` to `https://` where the URL is written plainly. The
    /// server may not offer HTTPS (or serve the same path there), so review it.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-319 (cleartext transmission), CWE-494; chapter 3.1.4.
    pub struct PlainHttpDownload {
        code: "SG404",
        name: "plain-http-download",
        severity: Warning,
        section: "3.1.4",
        aliases: [],
        fixable: Sometimes,
    }
}

/// ENV/ARG variables holding a package index or registry URL.
const INDEX_VARIABLES: &[&str] = &[
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_INDEX",
    "NPM_CONFIG_REGISTRY",
    "YARN_REGISTRY",
];

/// Options whose value is an index or registry URL.
const INDEX_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--index",
    "--default-index",
    "--registry",
    "--source",
    "--clear-sources",
];

impl Check for PlainHttpDownload {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for s in settings(cx).iter() {
            let Some(v) = &s.value else { continue };
            if INDEX_VARIABLES.contains(&s.name.to_ascii_uppercase().as_str())
                && v.split_whitespace().any(plain)
            {
                found.push((
                    s.span,
                    format!(
                        "{} `{}` points at a plain-HTTP index",
                        s.kind.name(),
                        s.name
                    ),
                ));
            }
        }
        for (i, inst) in cx.instructions() {
            let add = match (&inst.kind, &inst.onbuild) {
                (Kind::Add, _) => inst,
                (Kind::Onbuild, Some(child)) if child.kind == Kind::Add => child.as_ref(),
                _ => continue,
            };
            if add.flag("checksum").is_some() || add.args.len() < 2 {
                continue;
            }
            for src in &add.args[..add.args.len() - 1] {
                let value = cx.expand(&src.value, i);
                if plain(&value) || value.starts_with("git://") {
                    found.push((src.span, format!("`ADD {value}` downloads over plain HTTP")));
                }
            }
        }
        for (inst, rs, script) in cx.run_scripts() {
            let expand = |raw: &str| cx.expand(raw, rs.instruction);
            for (w, message) in script_findings(rs, script, &expand) {
                found.push((rs.file_span(inst, w.span), message));
            }
        }
        found.sort_by_key(|f| (f.0.start, f.0.end));
        found.dedup_by_key(|f| (f.0.start, f.0.end));
        for (span, message) in found {
            let fix = https_fix(cx.src, span);
            let d = cx.report(span, message).set_help(
                "use https:// (or verify the download with a pinned checksum or signature)",
            );
            if let Some(fix) = fix {
                d.set_fix(fix);
            }
        }
    }
}

/// Whether a URL is plain HTTP/FTP to another machine.
fn plain(url: &str) -> bool {
    let url = url.trim_matches(['"', '\'']);
    matches!(url_scheme(url).as_deref(), Some("http" | "ftp")) && !is_loopback_url(url)
}

/// A URL as written and, when ARG/ENV give it another value, that value.
fn shown(raw: &str, value: &str) -> String {
    if raw.trim_matches(['"', '\'']) == value {
        format!("`{raw}`")
    } else {
        format!("`{raw}` (= `{value}`)")
    }
}

/// Plain-HTTP fetches of a RUN script: the URL word and a message. URLs are judged after
/// ARG/ENV expansion (`curl -o x ${MIRROR}/x` with `ENV MIRROR http://…`).
fn script_findings<'s>(
    rs: &RunScript,
    script: &'s Script,
    expand: &dyn Fn(&str) -> String,
) -> Vec<(&'s Word, String)> {
    let mut out = Vec::new();
    // The checks are looked for only when a plain URL is found: most downloads are HTTPS.
    let mut checks: Option<Vec<_>> = None;
    for d in script.downloads() {
        let Some(cmd) = script.command(d.command) else {
            continue;
        };
        for u in &d.urls {
            let value = expand(&u.raw);
            if plain(&value)
                && let Some(w) = word_in(cmd, u)
                && !verified(
                    script,
                    &d,
                    checks.get_or_insert_with(|| check_commands(script)),
                )
            {
                out.push((
                    w,
                    format!(
                        "`{}` fetches {} over plain HTTP",
                        d.tool,
                        shown(&u.raw, &value)
                    ),
                ));
            }
        }
    }
    for c in script.commands() {
        out.extend(command_findings(c, rs, expand));
    }
    out
}

/// The command's own word with the same span (downloads carry clones).
fn word_in<'a>(c: &'a Command, w: &Word) -> Option<&'a Word> {
    c.args.iter().find(|a| a.span == w.span)
}

fn command_findings<'c>(
    c: &'c Command,
    rs: &RunScript,
    expand: &dyn Fn(&str) -> String,
) -> Vec<(&'c Word, String)> {
    let mut out = Vec::new();
    let program = c.program().unwrap_or("");
    if let Some(GitOp::Clone { url: Some(u), .. }) = git(c) {
        let t = expand(&u.raw);
        if (plain(&t) || t.starts_with("git://"))
            && let Some(w) = c.args.iter().find(|a| a.span == u.span)
        {
            out.push((
                w,
                format!(
                    "`git clone` of {} over an unencrypted protocol",
                    shown(&u.raw, &t)
                ),
            ));
        }
        return out;
    }
    if c.is("git") {
        let sub = c.positional(0).map(Word::text);
        if matches!(sub, Some("fetch" | "pull" | "submodule" | "remote")) {
            for w in c
                .positionals()
                .filter(|w| plain(w.text()) || w.text().starts_with("git://"))
            {
                out.push((
                    w,
                    format!("git fetches `{}` over an unencrypted protocol", w.raw),
                ));
            }
        }
        return out;
    }
    let Some(op) = rs.package_op(c) else {
        return out;
    };
    // Index and registry options, attached (`--index-url=http://…`) or not.
    for (i, w) in c.args.iter().enumerate() {
        let t = w.text();
        let (name, value) = match t.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v)),
            _ => (t, None),
        };
        if !INDEX_OPTIONS.contains(&name) {
            continue;
        }
        let v = value
            .or_else(|| c.args.get(i + 1).map(Word::text))
            .unwrap_or("");
        if plain(v) {
            let target = if value.is_some() { w } else { &c.args[i + 1] };
            out.push((
                target,
                format!("`{program} {name}` uses a plain-HTTP index `{v}`"),
            ));
        }
    }
    // `npm config set registry http://…`, `pip config set global.index-url http://…`.
    if c.args.iter().any(|a| a.is("set")) {
        for pair in c.args.windows(2) {
            let key = pair[0].text().to_ascii_lowercase();
            if (key.ends_with("registry")
                || key.ends_with("index-url")
                || key.ends_with("find-links"))
                && plain(pair[1].text())
            {
                out.push((
                    &pair[1],
                    format!(
                        "`{program}` configured with a plain-HTTP index `{}`",
                        pair[1].text()
                    ),
                ));
            }
        }
    }
    // Package URLs.
    if !matches!(
        op.manager,
        Manager::Apk | Manager::AptGet | Manager::Apt | Manager::Aptitude
    ) {
        for p in op
            .packages
            .iter()
            .filter(|p| p.kind == PackageKind::Url && plain(&p.name))
        {
            if let Some(w) = c.args.iter().find(|a| a.span == p.span) {
                out.push((
                    w,
                    format!("`{program}` installs `{}` over plain HTTP", p.name),
                ));
            }
        }
    }
    out
}

/// `http://` → `https://` when the URL is written plainly at `span`.
fn https_fix(src: &str, span: Span) -> Option<Fix> {
    let text = src.get(span.range())?;
    let at = text.find("http://")?;
    if text[at + 7..].contains("http://") {
        return None;
    }
    let start = span.start as usize + at;
    Some(Fix::new(
        "Use https://",
        Applicability::Unsafe,
        vec![Edit {
            span: Span::new(start, start + "http://".len()),
            replacement: "https://".to_string(),
        }],
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG404",
            &[
                "FROM a\nADD http://x.io/a.tgz /a.tgz\n",
                "FROM a\nARG URL=http://x.io/a.tgz\nADD ${URL} /a.tgz\n",
                "FROM a\nRUN curl -fsSLo a http://x.io/a\n",
                "FROM a\nRUN wget ftp://ftp.x.org/a.tgz && tar xzf a.tgz\n",
                "FROM a\nRUN curl -s http://x.io/i | tar xz\n",
                "FROM a\nRUN git clone git://github.com/x/y\n",
                "FROM a\nRUN git clone http://git.x.org/y.git\n",
                "FROM a\nRUN pip install --index-url http://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip install -i http://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip install --extra-index-url=http://pypi.corp/simple x==1\n",
                "FROM a\nRUN npm config set registry http://npm.corp/\n",
                "FROM a\nRUN npm install --registry http://npm.corp/ x@1\n",
                "FROM a\nRUN pip install http://x.io/p-1.0.tar.gz\n",
                "FROM a\nENV PIP_INDEX_URL=http://pypi.corp/simple\n",
                "FROM a\nENV MIRROR http://repo1.maven.org/maven2\nRUN curl -L ${MIRROR}/x/1.0/x.jar -o /x.jar\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG404",
            &[
                "FROM a\nADD https://x.io/a.tgz /a.tgz\n",
                "FROM a\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d http://x.io/a.tgz /a\n",
                "FROM a\nRUN curl -fsS http://localhost:8080/health\n",
                "FROM a\nRUN curl -fsS http://127.0.0.1/health\n",
                "FROM a\nRUN echo 'deb http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list\n",
                "FROM a\nRUN sed -i 's/https/http/' /etc/apk/repositories\n",
                "FROM a\nRUN wget -O a.tgz http://x.io/a.tgz && echo \"$SHA  a.tgz\" | sha256sum -c -\n",
                "FROM a\nRUN echo see http://x.io\n",
                "FROM a\nLABEL url=http://x.io\n",
                "FROM a\nRUN git clone https://github.com/x/y\n",
                "FROM a\nRUN pip install -i https://pypi.corp/simple x==1\n",
                "FROM a\nENV PIP_INDEX_URL=https://pypi.corp/simple\n",
            ],
        );
    }

    #[test]
    fn fix_upgrades_to_https() {
        let src = "FROM a\nRUN curl -fsSLo a http://x.io/a\n";
        let (fixed, n) = crate::fix::apply(src, &check("SG404", src), true);
        assert_eq!(n, 1);
        assert_eq!(fixed, "FROM a\nRUN curl -fsSLo a https://x.io/a\n");
    }
}
