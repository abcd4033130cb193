//! SG402: a curl/wget download kept or used with no checksum or signature check.

use super::shared::{Mentions, is_loopback_url, url_scheme};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::download::is_interpreter;
use seguro_shell::word::basename;
use seguro_shell::{Command, CommandId, Download, Origin, Output, Script, Word};

declare_rule! {
    /// ## What it does
    /// Finds curl and wget downloads that are saved to a file (`-o f`, `-O`, `> f`,
    /// `| tee f`, plain `wget URL`) or piped into another program (`| tar xz`,
    /// `| gunzip > /usr/local/bin/x`) when nothing in the same RUN verifies them: no
    /// `sha256sum -c` / `sha512sum -c` (any `*sum -c`), no compared checksum
    /// (`[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`, `sha256sum f | grep -q …`), no
    /// `gpg --verify` / `gpgv`, `cosign verify-blob`, `minisign -V`.
    ///
    /// Not downloads: reads shown or parsed (`curl -s https://api/x | jq -r .tag`,
    /// `V=$(curl -s …)`), output thrown away (`-o /dev/null`), loopback URLs
    /// (`curl -f http://localhost/health`). Not reported: trust material fetched from its
    /// publisher (keys and certificates: `| gpg --dearmor`, `| apt-key add -`, `*.gpg`,
    /// `*.asc`, `*.crt`, keyring directories; checksum and signature files themselves;
    /// package source lists `*.list`, `*.repo`, `*.sources`), and scripts piped into a
    /// shell (SG401 reports those).
    ///
    /// ## Why it matters
    /// TLS only proves who served the bytes, not that they are the bytes you meant: a
    /// compromised release page or mirror, a re-tagged release or a replaced "latest" all
    /// build silently into the image. A checksum pinned in the Dockerfile (or a signature
    /// checked against a pinned key) makes the build fail instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini \
    ///  && chmod +x /usr/local/bin/tini
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ARG TINI_SHA256=93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c
    /// RUN curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini \
    ///  && echo "${TINI_SHA256}  /usr/local/bin/tini" | sha256sum -c - \
    ///  && chmod +x /usr/local/bin/tini
    /// ```
    ///
    /// ## Fix
    /// None: the checksum must come from the publisher (or from a download you trust).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-494 (download of code without integrity check); chapter 3.1.4; CIS Docker
    /// Benchmark 4.11 (manual); asked of hadolint since 2018 (#282).
    pub struct DownloadUnverified {
        code: "SG402",
        name: "download-unverified",
        severity: Warning,
        section: "3.1.4",
        aliases: [],
        fixable: None,
    }
}

/// Programs that only read text out of a download (metadata, a version number).
const TEXT_READERS: &[&str] = &[
    "grep",
    "egrep",
    "fgrep",
    "sed",
    "awk",
    "gawk",
    "mawk",
    "jq",
    "yq",
    "cut",
    "head",
    "tail",
    "tr",
    "sort",
    "uniq",
    "wc",
    "xmllint",
    "xq",
    "less",
    "more",
    "xargs",
    "read",
    "sha256sum",
    "sha512sum",
    "sha1sum",
    "md5sum",
    "shasum",
    "true",
    "echo",
];

impl Check for DownloadUnverified {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            let checks = check_commands(script);
            for d in script.downloads() {
                let Some(url) = &d.url else { continue };
                if !is_network_url(&url.raw)
                    || !is_network_url(&cx.expand(&url.raw, rs.instruction))
                {
                    continue;
                }
                let Some(target) = target(script, &d) else {
                    continue;
                };
                if verified(script, &d, &checks) {
                    continue;
                }
                let span = rs.file_span(inst, url.span);
                found.push((
                    span,
                    format!(
                        "`{}` download of `{}` {target} is not verified in this RUN",
                        d.tool, url.raw
                    ),
                ));
            }
        }
        for (span, message) in found {
            cx.report(span, message).set_help(
                "pin its checksum (`echo \"$SHA256  file\" | sha256sum -c -`) or check its \
                 signature (`gpg --verify`, `cosign verify-blob`) before using it",
            );
        }
    }
}

/// Where the download goes, when it is one that needs verifying (`saved to `f``,
/// `piped into `tar``); `None` for reads, trust material and pipes into a shell.
fn target(script: &Script, d: &Download) -> Option<String> {
    match &d.output {
        Output::Discarded => None,
        Output::File(w) => {
            let name = w.raw.trim_matches(['"', '\'']);
            (!is_trust_material(name) && !url_is_trust_material(d))
                .then(|| format!("saved to `{}`", w.raw))
        }
        Output::RemoteName | Output::Dir(_) => {
            let url = d.url.as_ref()?.raw.trim_matches(['"', '\'']);
            let path = url.split(['?', '#']).next().unwrap_or(url);
            (!is_trust_material(path)).then(|| "saved to a file".to_string())
        }
        Output::Stdout => {
            let readers: Vec<&Command> = script
                .stdout_readers(d.command)
                .into_iter()
                .filter_map(|r| script.command(r))
                .collect();
            let consumer = readers.iter().find(|c| !c.is_any(&["tee", "cat"]));
            for c in &readers {
                if c.program().is_some_and(is_interpreter) || is_key_import(c) {
                    return None;
                }
                if c.is("tee") && c.positionals().any(|w| is_trust_material(w.text())) {
                    return None;
                }
            }
            let saved = readers
                .iter()
                .filter(|c| c.is("tee"))
                .flat_map(|c| c.positionals())
                .find(|w| !w.is("/dev/null") && !w.text().starts_with("/dev/std"));
            if let Some(f) = saved {
                return Some(format!("saved to `{}`", f.raw));
            }
            let consumer = consumer?;
            let program = consumer.program()?;
            if url_is_trust_material(d) {
                return None;
            }
            if TEXT_READERS.contains(&program) {
                return None;
            }
            Some(format!("piped into `{program}`"))
        }
    }
}

/// Whether the URL's path names trust material (`…/RPM-GPG-KEY-EPEL-9`, `…/gpg`,
/// `…/KEYS`, `…/release.asc`).
fn url_is_trust_material(d: &Download) -> bool {
    let Some(url) = &d.url else { return false };
    let url = url.raw.trim_matches(['"', '\'']);
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    match path.split_once('/') {
        Some((_, p)) => is_trust_name(basename(&p.to_ascii_lowercase())),
        None => false,
    }
}

/// Whether download `d` is checked later in the script: what
/// [`Script::download_verified`] accepts, plus `openssl sha512 f` (any digest) whose
/// output is compared, and any later check when the file's name is only known at run
/// time (`wget -O "$f" "$url"` in a helper function, `wget "$url"`).
pub(super) fn verified(script: &Script, d: &Download, checks: &[CommandId]) -> bool {
    if script.download_verified(d) {
        return true;
    }
    let names = saved_names(d);
    let first = checks.partition_point(|&id| id <= d.command);
    checks[first..].iter().any(|&id| {
        script
            .command(id)
            .is_some_and(|c| names.as_ref().is_none_or(|n| mentions(script, c, n)))
    })
}

/// The commands of a script that check something (a checksum or signature check, or an
/// `openssl` digest that is compared), in order; computed once per script so that
/// [`verified`] stays linear in the script size.
pub(super) fn check_commands(script: &Script) -> Vec<CommandId> {
    // The script's checksum and signature checks are found once for all rules; only
    // `openssl <digest>` whose output is compared is added here.
    let mut ids: Vec<CommandId> = script.checks().iter().map(|&(id, _)| id).collect();
    let before = ids.len();
    ids.extend(
        script
            .commands()
            .filter(|c| c.is("openssl") && openssl_digest_compared(script, c))
            .map(Command::id),
    );
    if ids.len() > before {
        ids.sort_unstable();
        ids.dedup();
    }
    ids
}

/// The names a download is saved under (normalised path and basename); `None` when the
/// name is only known at run time.
fn saved_names(d: &Download) -> Option<Vec<String>> {
    let word: &Word = match &d.output {
        Output::File(w) => w,
        Output::RemoteName | Output::Dir(_) => d.url.as_ref()?,
        _ => return Some(Vec::new()),
    };
    let t = normalize(&word.raw);
    let path = t.split(['?', '#']).next().unwrap_or(&t);
    let base = basename(path);
    // `"$f"`, `$url`, `${URL}`: nothing of the name is written.
    let literal = base.trim_start_matches('$');
    if base.is_empty()
        || (base.starts_with('$')
            && literal
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return None;
    }
    let mut names = vec![base.to_string()];
    if matches!(d.output, Output::File(_)) {
        names.push(path.to_string());
    }
    Some(names)
}

/// Quotes and `${}` braces removed, so `"${DIR}/f"` matches `$DIR/f`.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '\'' | '{' | '}'))
        .collect()
}

/// Whether check command `c` (with what feeds it) mentions one of `names`.
fn mentions(script: &Script, c: &Command, names: &[String]) -> bool {
    let mut texts: Vec<String> = c.words().map(|w| normalize(&w.raw)).collect();
    for r in &c.redirects {
        texts.push(normalize(&r.target.raw));
        if let Some(h) = &r.heredoc {
            texts.push(normalize(&h.raw));
        }
    }
    if c.index_in_pipeline > 0 {
        for p in script.stage_commands(c.pipeline, c.index_in_pipeline - 1) {
            if let Some(pc) = script.command(p) {
                texts.extend(pc.words().map(|w| normalize(&w.raw)));
            }
        }
    }
    names
        .iter()
        .any(|n| texts.iter().any(|t| t.contains(n.as_str())))
}

/// `openssl sha512 f` / `openssl sha256 -r f` whose output is captured or compared.
fn openssl_digest_compared(script: &Script, c: &Command) -> bool {
    let digest = c.positional(0).is_some_and(|w| {
        let t = w.text();
        t.starts_with("sha") || t == "md5" || t == "dgst" || t.starts_with("blake2")
    });
    if !c.is("openssl") || !digest {
        return false;
    }
    matches!(c.origin, Origin::CommandSubstitution { .. })
        || script.stdout_readers(c.id()).iter().any(|&r| {
            script
                .command(r)
                .is_some_and(|x| x.is_any(&["grep", "diff", "cmp", "test", "["]))
        })
}

/// Whether a URL reaches the network: http(s)/ftp or no scheme (curl and wget default
/// to http), not `file://` and not loopback.
fn is_network_url(raw: &str) -> bool {
    let url = raw.trim_matches(['"', '\'']);
    if is_loopback_url(url) || url.starts_with("localhost") || url.starts_with("127.0.0.1") {
        return false;
    }
    match url_scheme(url) {
        Some(s) => matches!(s.as_str(), "http" | "https" | "ftp" | "ftps"),
        None => true,
    }
}

/// A command importing a key read from its standard input.
fn is_key_import(c: &Command) -> bool {
    (c.is_any(&["gpg", "gpg2"])
        && c.has_flag(&["--import", "--dearmor", "--dearmour", "--enarmor"]))
        || (c.is("apt-key") && c.positional(0).is_some_and(|w| w.is("add")))
        || (c.is("rpm") && c.has_flag(&["--import"]))
        || (c.is("rpmkeys") && c.has_flag(&["--import"]))
}

/// Directories of keys, certificates and package sources.
static TRUST_DIRS: Mentions = Mentions::new(&[
    "keyring",
    "trusted.gpg.d",
    "rpm-gpg",
    "/etc/apt/keyrings",
    "ca-certificates",
    "/etc/ssl/certs",
    "/etc/pki/",
    "sources.list.d",
    "yum.repos.d",
    "zypp/repos.d",
    "/etc/apk/keys",
]);

/// Keys, certificates, checksum and signature files, package source definitions: what a
/// publisher hands out as the root of trust (or its proof), not a payload.
fn is_trust_material(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = basename(&lower);
    TRUST_DIRS.any(&lower) || is_trust_name(name)
}

/// A lower-case file name that is trust material by its extension or its words.
fn is_trust_name(name: &str) -> bool {
    let exts = [
        ".gpg",
        ".asc",
        ".pgp",
        ".key",
        ".pub",
        ".crt",
        ".cer",
        ".sig",
        ".sign",
        ".minisig",
        ".sha256",
        ".sha256sum",
        ".sha512",
        ".sha512sum",
        ".sha1",
        ".md5",
        ".list",
        ".repo",
        ".sources",
        ".intoto.jsonl",
        ".sigstore",
        ".sigstore.json",
    ];
    if exts.iter().any(|e| name.ends_with(e)) {
        return true;
    }
    name.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
        matches!(
            t,
            "gpg"
                | "pgp"
                | "gpgkey"
                | "key"
                | "keys"
                | "keyring"
                | "pubkey"
                | "sums"
                | "checksums"
                | "shasums"
                | "sha256sums"
                | "sha512sums"
                | "md5sums"
        ) || t.ends_with("sums")
            || t.ends_with("sum")
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG402",
            &[
                "FROM a\nRUN curl -fsSLo /usr/local/bin/x https://x.io/x && chmod +x /usr/local/bin/x\n",
                "FROM a\nRUN wget https://x.io/x.tar.gz && tar xzf x.tar.gz\n",
                "FROM a\nRUN curl -fsSL https://x.io/a.tgz | tar xz -C /opt\n",
                "FROM a\nRUN wget -qO- https://x.io/a.tgz | tar -xz\n",
                "FROM a\nRUN curl -sL https://x.io/a > /usr/local/bin/a\n",
                "FROM a\nRUN curl -sL https://x.io/a.tgz | tee /tmp/a.tgz > /dev/null\n",
                "FROM a\nRUN curl -O https://x.io/a.zip && unzip a.zip\n",
                "FROM a\nRUN curl -o b.tgz https://x.io/b.tgz && echo \"$SHA  a.tgz\" | sha256sum -c -\n",
                "FROM a\nRUN <<EOF\ncurl -o /x https://x.io/x\nEOF\n",
                "FROM a\nRUN wget -O 'docker.tgz' \"$url\"; tar -xf docker.tgz\n",
                "FROM a\nRUN curl -o a.tgz https://x/a.tgz && echo \"$S  b.tgz\" | sha256sum -c -\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG402",
            &[
                // verified in the same RUN
                "FROM a\nRUN curl -o f.tgz https://x.io/f.tgz && echo \"$SHA  f.tgz\" | sha256sum -c -\n",
                "FROM a\nRUN wget -O go.tgz \"$URL\"; echo \"$SHA *go.tgz\" | sha256sum -c -; tar -C /usr/local -xzf go.tgz\n",
                "FROM a\nRUN curl -fsSLO https://x.io/x.tgz && curl -fsSLO https://x.io/SHA256SUMS && sha256sum -c --ignore-missing SHA256SUMS\n",
                "FROM a\nRUN wget -O g https://x/g; wget -O g.asc https://x/g.asc; gpg --batch --verify g.asc g\n",
                "FROM a\nRUN curl -o k.tgz https://x/k.tgz && [ \"$(sha256sum k.tgz | cut -d' ' -f1)\" = \"$SHA\" ]\n",
                "FROM a\nRUN curl -o k.tgz https://x/k.tgz && sha256sum -c <<<\"$SHA  k.tgz\"\n",
                "FROM a\nRUN curl -o b https://x/b && cosign verify-blob --key k.pub --signature b.sig b\n",
                // reads, not downloads
                "FROM a\nRUN curl -s https://api.github.com/repos/x/y/releases/latest | jq -r .tag_name\n",
                "FROM a\nRUN V=$(curl -s https://x.io/version) && echo $V\n",
                "FROM a\nRUN curl -fsS http://localhost:8080/health\n",
                "FROM a\nRUN curl -o /dev/null -s -w '%{http_code}' https://x.io\n",
                "FROM a\nRUN curl -s http://127.0.0.1/health > /dev/null\n",
                "FROM a\nRUN curl -fsSL https://x.io | grep -q ok\n",
                // trust material
                "FROM a\nRUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource.gpg.key | gpg --dearmor -o /usr/share/keyrings/n.gpg\n",
                "FROM a\nRUN wget -qO - https://x.io/key.asc | apt-key add -\n",
                "FROM a\nRUN curl -fsSLo /etc/apt/keyrings/docker.asc https://download.docker.com/linux/debian/gpg\n",
                "FROM a\nRUN curl -o /etc/yum.repos.d/x.repo https://x.io/x.repo\n",
                "FROM a\nRUN curl -fsSL https://x.io/x.list | tee /etc/apt/sources.list.d/x.list\n",
                // pipe to shell is SG401's
                "FROM a\nRUN curl -fsSL https://x.io/i.sh | sh\n",
                "FROM a\nRUN curl -o x file:///tmp/x\n",
                "FROM a\nARG HEALTH=http://localhost:8080/health\nRUN curl -fsS -o /tmp/h \"$HEALTH\"\n",
                "FROM a\nRUN curl -o /tmp/epel.txt https://dl.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-9 && rpm --import /tmp/epel.txt\n",
                "FROM a\nRUN curl -fL -o upstream-KEYS https://www.apache.org/dist/tomcat/KEYS\n",
                // name known only at run time, checked afterwards
                "FROM a\nRUN d() { curl -fL -o \"$1\" \"$2\"; }; d t.tgz \"$U\"; echo \"$S *t.tgz\" | sha512sum -c -\n",
                "FROM a\nRUN wget \"$url\"; echo \"${sha} *rustup-init\" | sha256sum -c -\n",
                // openssl digests
                "FROM a\nRUN curl -fLO https://x/p/${V}.tar.gz && if [ \"$(openssl sha512 -r ${V}.tar.gz)\" = \"$S *${V}.tar.gz\" ]; then echo ok; else exit 1; fi\n",
            ],
        );
    }
}
