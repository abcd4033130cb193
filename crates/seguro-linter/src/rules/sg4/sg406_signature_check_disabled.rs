//! SG406: package signature or checksum-database checks switched off.

use super::shared::{Mentions, Setting, mounts, settings, unquote};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};
use seguro_shell::{Command, Word};

declare_rule! {
    /// ## What it does
    /// Finds package installs told to skip signature or checksum checks:
    /// - apk `--allow-untrusted`;
    /// - apt `--allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`,
    ///   `-o APT::Get::AllowUnauthenticated=true`, `[trusted=yes]` /
    ///   `[allow-insecure=yes]` in a source written by RUN;
    /// - yum/dnf/tdnf/microdnf `--nogpgcheck`, `gpgcheck=0` (`--setopt`, or written to a
    ///   `.repo`/`.conf`), zypper `--no-gpg-checks`;
    /// - rpm `--nosignature`, `--nodigest`, `--nofiledigest`, `--noverify`;
    ///   dpkg `--force-bad-verify`; pacman `SigLevel = Never`, makepkg `--skippgpcheck`;
    ///   snap `--dangerous`, flatpak `--no-gpg-verify`;
    /// - Go: `GOSUMDB=off`, `GOINSECURE=…`, `GOFLAGS=-insecure`, `go get -insecure`
    ///   (in RUN, `go env -w`, ENV and ARG).
    ///
    /// Not reported: `apk index --allow-untrusted` (it indexes local packages and installs
    /// nothing), `apk add --allow-untrusted` of package files under a
    /// `--mount=type=bind,from=<stage>` (built by this build), and `[trusted=yes]` on a
    /// local `file:`/`copy:` repository, such as the packages the same RUN just built (no
    /// network sits in between).
    ///
    /// ## Why it matters
    /// Package signatures (and Go's checksum database) are what tie a package to its
    /// publisher when mirrors, proxies and caches sit in between. Turned off, a tampered
    /// mirror or a network attacker can substitute any package, and nothing fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY mytool-1.0.apk /tmp/
    /// RUN apk add --no-cache --allow-untrusted /tmp/mytool-1.0.apk
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY packager.rsa.pub /etc/apk/keys/
    /// COPY mytool-1.0.apk /tmp/
    /// RUN apk add --no-cache /tmp/mytool-1.0.apk
    /// ```
    ///
    /// ## Fix
    /// None: the key to trust has to be added first.
    ///
    /// ## Aliases
    /// CKV2_DOCKER_7..11
    ///
    /// ## References
    /// CWE-347 (improper verification of cryptographic signature), CWE-494; chapter 3.1.4.
    pub struct SignatureCheckDisabled {
        code: "SG406",
        name: "signature-check-disabled",
        severity: Error,
        section: "3.1.4",
        aliases: ["CKV2_DOCKER_7..11"],
        fixable: None,
    }
}

impl Check for SignatureCheckDisabled {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for s in settings(cx).iter() {
            if let Some(why) = go_setting(s) {
                found.push((s.span, format!("{} `{}` {why}", s.kind.name(), s.name)));
            }
        }
        for (inst, rs, script) in cx.run_scripts() {
            let built_here = stage_mounts(cx, inst);
            // One scan of the instruction's text spares a scan of each of its words.
            let mentions = SIGNATURE_WORDS.any(cx.src.get(inst.span.range()).unwrap_or_default());
            for c in script.commands() {
                for (w, message) in command_findings(c, &built_here, mentions) {
                    found.push((rs.file_span(inst, w.span), message));
                }
                for a in &c.assignments {
                    let s = Setting {
                        kind: Kind::Run,
                        name: a.name.clone(),
                        value: Some(
                            a.value
                                .value
                                .clone()
                                .unwrap_or_else(|| unquote(&a.value.raw)),
                        ),
                        span: Span::default(),
                    };
                    if let Some(why) = go_setting(&s) {
                        found.push((rs.file_span(inst, a.span), format!("`{}` {why}", a.name)));
                    }
                }
            }
        }
        found.sort_by_key(|f| (f.0.start, f.0.end));
        found.dedup_by_key(|f| (f.0.start, f.0.end));
        for (span, message) in found {
            cx.report(span, message).set_help(
                "keep signature checks on: import the publisher's key (apk keys, apt \
                 `signed-by=`, `rpm --import`) or use a checksum database",
            );
        }
    }
}

/// Go variables that skip module verification.
fn go_setting(s: &Setting) -> Option<&'static str> {
    let v = s.value.as_deref()?.trim();
    match s.name.as_str() {
        "GOSUMDB" if v.eq_ignore_ascii_case("off") => {
            Some("turns off Go's checksum database: modules are not verified")
        }
        "GOINSECURE" if !v.is_empty() => {
            Some("lets Go fetch those modules over HTTP without checksum verification")
        }
        "GOFLAGS"
            if v.split_whitespace()
                .any(|f| f == "-insecure" || f == "--insecure") =>
        {
            Some("contains `-insecure`: modules fetched without verification")
        }
        "GONOSUMCHECK" | "GONOSUMDB_ALL" if matches!(v, "1" | "true") => {
            Some("turns off Go's checksum verification")
        }
        _ => None,
    }
}

/// Targets of the RUN's bind mounts from a stage of this Dockerfile (packages built by
/// this build).
fn stage_mounts(cx: &Checker<'_>, inst: &seguro_dockerfile::Instruction) -> Vec<String> {
    mounts(inst)
        .into_iter()
        .filter(|m| m.kind == "bind")
        .filter(|m| {
            m.from
                .as_deref()
                .is_some_and(|f| cx.model.stage_by_name(f).is_some())
        })
        .filter_map(|m| m.target)
        .collect()
}

/// `apk add --allow-untrusted /pkgs/x.apk` where every package is a file under a mount of
/// packages built by an earlier stage.
fn local_built_packages(c: &Command, built_here: &[String]) -> bool {
    let files: Vec<&Word> = c.positionals().skip(1).collect();
    !files.is_empty()
        && files.iter().all(|w| {
            built_here.iter().any(|d| {
                let d = d.trim_end_matches('/');
                !d.is_empty()
                    && w.raw
                        .trim_matches(['"', '\''])
                        .starts_with(&format!("{d}/"))
            })
        })
}

fn command_findings<'c>(
    c: &'c Command,
    built_here: &[String],
    mentions: bool,
) -> Vec<(&'c Word, String)> {
    let mut out = Vec::new();
    let program = c.program().unwrap_or("");
    let flags: &[&str] = match program {
        // `apk index --allow-untrusted` indexes local packages; it installs nothing.
        "apk"
            if !c.positional(0).is_some_and(|w| w.is("index"))
                && !local_built_packages(c, built_here) =>
        {
            &["--allow-untrusted"]
        }
        "apt-get" | "apt" | "aptitude" => &[
            "--allow-unauthenticated",
            "--force-yes",
            "--allow-insecure-repositories",
            "--allow-downgrade-to-insecure-repositories",
        ],
        "yum" | "dnf" | "dnf5" | "tdnf" | "microdnf" | "yum-config-manager" => {
            &["--nogpgcheck", "--no-gpgchecks"]
        }
        "zypper" => &["--no-gpg-checks", "--no-gpgcheck", "-G"],
        "rpm" | "rpmkeys" => &[
            "--nosignature",
            "--nodigest",
            "--nofiledigest",
            "--noverify",
        ],
        "dpkg" => &["--force-bad-verify", "--force-all"],
        "makepkg" => &["--skippgpcheck"],
        "snap" => &["--dangerous"],
        "flatpak" => &["--no-gpg-verify"],
        "go" => &["-insecure", "--insecure"],
        _ => &[],
    };
    for f in c
        .opts
        .flags
        .iter()
        .filter(|f| flags.contains(&f.name.as_str()))
    {
        // zypper's `-G` only means --no-gpgcheck for `addrepo`.
        if f.name == "-G"
            && !c
                .positional(0)
                .is_some_and(|w| matches!(w.text(), "addrepo" | "ar"))
        {
            continue;
        }
        if let Some(w) = c.args.get(f.arg_index) {
            out.push((
                w,
                format!("`{program} {}` skips package signature checks", f.name),
            ));
        }
    }
    let words = c
        .args
        .iter()
        .chain(c.redirects.iter().filter_map(|r| r.heredoc.as_ref()));
    for w in words {
        if mentions
            && let Some(why) = config_text(w.text())
            && !out.iter().any(|(o, _)| o.span == w.span)
        {
            out.push((w, why.to_string()));
        }
    }
    if c.is("go") && c.positional(0).is_some_and(|w| w.is("env")) {
        for w in c.positionals().skip(1) {
            let Some((k, v)) = w.text().split_once('=') else {
                continue;
            };
            let s = Setting {
                kind: Kind::Run,
                name: k.to_string(),
                value: Some(v.to_string()),
                span: Span::default(),
            };
            if let Some(why) = go_setting(&s) {
                out.push((w, format!("`go env -w {k}` {why}")));
            }
        }
    }
    out
}

/// `deb [ trusted=yes ] file:///tmp/repo ./`: a repository of packages on this machine
/// (typically built earlier in the same RUN), which no network can tamper with.
fn local_apt_source(lower: &str) -> bool {
    let Some(at) = lower
        .find("trusted=yes")
        .or_else(|| lower.find("allow-insecure=yes"))
    else {
        return false;
    };
    let Some(close) = lower[at..].find(']') else {
        return false;
    };
    let uri = lower[at + close + 1..]
        .split_whitespace()
        .next()
        .unwrap_or("");
    uri.starts_with("file:") || uri.starts_with("copy:")
}

/// Text written into package configuration that turns checks off.
/// Every configuration-text pattern of this rule mentions one of these.
static SIGNATURE_WORDS: Mentions = Mentions::new(&["trusted", "allow", "gpgcheck", "siglevel"]);

fn config_text(text: &str) -> Option<&'static str> {
    // Every pattern below mentions one of these; most words mention none.
    if !SIGNATURE_WORDS.any(text) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if (compact.contains("trusted=yes") || compact.contains("allow-insecure=yes"))
        && !local_apt_source(&lower)
    {
        return Some("apt source marked `trusted=yes`: its packages are not verified");
    }
    if ["allowunauthenticated", "allowinsecurerepositories"]
        .iter()
        .any(|k| compact.contains(k))
        && (compact.contains("\"true\"") || compact.contains("=true") || compact.contains("=1"))
    {
        return Some("apt told to accept unauthenticated packages");
    }
    for key in ["gpgcheck=", "gpgcheck\"="] {
        let mut rest = compact.as_str();
        while let Some(at) = rest.find(key) {
            let before = rest[..at].chars().last();
            let value = &rest[at + key.len()..];
            let prefixed = before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            if !prefixed
                && ["0", "false", "no", "off"]
                    .iter()
                    .any(|v| value.starts_with(v))
            {
                return Some("`gpgcheck=0`: packages from that repository are not verified");
            }
            rest = &rest[at + key.len()..];
        }
    }
    if compact.contains("siglevel=never") {
        return Some("pacman `SigLevel = Never`: packages are not verified");
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG406",
            &[
                "FROM a\nRUN apk add --allow-untrusted /tmp/x.apk\n",
                "FROM a\nRUN apt-get install -y --allow-unauthenticated x\n",
                "FROM a\nRUN apt-get install -y --force-yes x\n",
                "FROM a\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install -y x\n",
                "FROM a\nRUN echo 'deb [trusted=yes] http://repo.corp/ ./' > /etc/apt/sources.list.d/c.list\n",
                "FROM a\nRUN echo 'deb [arch=amd64 trusted=yes] https://repo.corp/ stable main' > /etc/apt/sources.list\n",
                "FROM a\nRUN yum install -y --nogpgcheck x\n",
                "FROM a\nRUN dnf --setopt=gpgcheck=0 install -y x\n",
                "FROM a\nRUN sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/x.repo\n",
                "FROM a\nRUN zypper --no-gpg-checks install -y x\n",
                "FROM a\nRUN rpm -i --nosignature x.rpm\n",
                "FROM a\nENV GOSUMDB=off\n",
                "FROM a\nARG GOINSECURE=corp.example.com\n",
                "FROM a\nENV GOFLAGS=\"-mod=mod -insecure\"\n",
                "FROM a\nRUN GOSUMDB=off go mod download\n",
                "FROM a\nRUN go env -w GOSUMDB=off\n",
                "FROM a\nRUN <<EOF\ncat > /etc/yum.repos.d/c.repo <<R\n[c]\nbaseurl=https://r.corp/\ngpgcheck = 0\nR\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG406",
            &[
                "FROM a\nRUN apk add --no-cache x=1.0\n",
                "FROM a\nRUN apt-get install -y --no-install-recommends x\n",
                "FROM a\nRUN dnf install -y x && dnf clean all\n",
                "FROM a\nRUN echo 'gpgcheck=1' >> /etc/yum.repos.d/x.repo\n",
                "FROM a\nRUN echo 'repo_gpgcheck=0' >> /etc/yum.repos.d/x.repo\n",
                "FROM a\nRUN echo 'localpkg_gpgcheck=0' >> /etc/dnf/dnf.conf\n",
                "FROM a\nENV GOSUMDB=sum.golang.org\n",
                "FROM a\nENV GOPRIVATE=corp.example.com\n",
                "FROM a\nARG GOINSECURE\n",
                "FROM a\nRUN rpm --import https://x/key && rpm -K x.rpm\n",
                "FROM a\nRUN zypper install -y x\n",
                "FROM a\nRUN echo \"deb [ trusted=yes ] file://$tempDir ./\" > /etc/apt/sources.list.d/temp.list\n",
                "FROM a\nRUN apk index --allow-untrusted -o /t/APKINDEX.tar.gz /t/*.apk\n",
                "FROM a AS builder\nRUN make\nFROM b\nRUN --mount=type=bind,target=/tmp/p/,source=/tmp/p/,from=builder apk add --no-cache --allow-untrusted /tmp/p/x-${V}*.apk\n",
            ],
        );
    }
}
