//! Checksum and signature tools (`sha256sum -c`, `gpg --verify`, `cosign verify-blob`,
//! `minisign -V`…) and whether a download is verified later in the same script.

use super::download::{Download, Output, normalize, saved_names};
use crate::args::{Spec, Style};
use crate::script::{Command, Origin, Script};

/// Options of checksum and signing tools that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-a",
        "--algorithm",
        "--key",
        "--signature",
        "--certificate",
        "--certificate-identity",
        "--certificate-oidc-issuer",
        "--certificate-identity-regexp",
        "--certificate-oidc-issuer-regexp",
        "--bundle",
        "--rekor-url",
        "--cert",
        "-m",
        "-x",
        "-p",
        "-P",
        "-s",
        "--certificate-chain",
        "--trusted-root",
        "-verify",
        "-signature",
        "-out",
        "-sigfile",
        "-keyform",
    ],
};

/// Checksum programs.
pub const HASHERS: &[&str] = &[
    "sha256sum",
    "sha512sum",
    "sha1sum",
    "md5sum",
    "sha384sum",
    "sha224sum",
    "shasum",
    "b2sum",
    "sha3sum",
    "rhash",
];

/// What kind of check a command performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// `sha256sum -c` (and the other `*sum -c` / `--check`).
    ChecksumList,
    /// A checksum computed and compared (`sha256sum f | grep -q …`, captured by `$( )`).
    ChecksumCompared,
    /// `gpg --verify`, `gpgv`.
    Gpg,
    /// `cosign verify-blob` / `verify-blob-attestation`.
    Cosign,
    /// `minisign -V`, `signify -V`.
    Minisign,
    /// `openssl dgst -verify`, `rpm -K` / `--checksig`, `ssh-keygen -Y verify`.
    OtherSignature,
}

/// The check a command performs, if any.
#[must_use]
pub fn check_kind(script: &Script, c: &Command) -> Option<CheckKind> {
    let p = c.program()?;
    if HASHERS.contains(&p) {
        if c.has_flag(&["-c", "--check"]) {
            return Some(CheckKind::ChecksumList);
        }
        return hashed_and_compared(script, c).then_some(CheckKind::ChecksumCompared);
    }
    match p {
        "gpg" | "gpg2" if c.has_flag(&["--verify"]) => Some(CheckKind::Gpg),
        "gpgv" | "gpgv2" => Some(CheckKind::Gpg),
        "cosign"
            if c.positional(0)
                .is_some_and(|w| w.text().starts_with("verify-blob")) =>
        {
            Some(CheckKind::Cosign)
        }
        "minisign" | "signify" | "signify-openbsd"
            if c.opts.flags.iter().any(|f| f.name == "-V") =>
        {
            Some(CheckKind::Minisign)
        }
        "openssl" if c.args.iter().any(|a| a.is("-verify")) => Some(CheckKind::OtherSignature),
        "openssl"
            if c.positional(0)
                .is_some_and(|w| w.is("dgst") || w.is("sha256")) =>
        {
            hashed_and_compared(script, c).then_some(CheckKind::ChecksumCompared)
        }
        "rpm" if c.has_flag(&["-K", "--checksig"]) => Some(CheckKind::OtherSignature),
        "ssh-keygen" if c.args.iter().any(|a| a.is("verify")) => Some(CheckKind::OtherSignature),
        _ => None,
    }
}

/// A hash whose output is compared: captured by a command substitution, or piped into
/// `grep`, `diff`, `cmp`, `test`/`[`.
fn hashed_and_compared(script: &Script, c: &Command) -> bool {
    if matches!(c.origin, Origin::CommandSubstitution { .. }) {
        return true;
    }
    script.stdout_readers(c.sequence_index).iter().any(|&r| {
        script.command(r).is_some_and(|x| {
            x.is_any(&["grep", "egrep", "fgrep", "diff", "cmp", "test", "[", "awk"])
                && x.stdout_file().is_none()
                && (x.is_any(&["grep", "egrep", "fgrep", "diff", "cmp", "test", "["])
                    || x.args
                        .iter()
                        .any(|a| a.raw.contains("==") || a.raw.contains("!=")))
        })
    })
}

/// The text a check command looks at: its words, its here-document or here-string, and the
/// words of the commands feeding its standard input.
fn check_inputs(script: &Script, c: &Command) -> Vec<String> {
    let mut out: Vec<String> = c.words().map(|w| normalize(&w.raw)).collect();
    for r in &c.redirects {
        out.push(normalize(&r.target.raw));
        if let Some(h) = &r.heredoc {
            out.push(normalize(&h.raw));
        }
    }
    if c.index_in_pipeline > 0 {
        for p in script.stage_commands(c.pipeline, c.index_in_pipeline - 1) {
            if let Some(pc) = script.command(p) {
                out.extend(pc.words().map(|w| normalize(&w.raw)));
                for a in &pc.assignments {
                    out.push(normalize(&a.value.raw));
                }
            }
        }
    }
    out
}

impl Script {
    /// Whether download `d` is verified later in the same script.
    ///
    /// What counts, for a download saved to a file (`-o f`, `-O`, `> f`, `| tee f`), in any
    /// command after it (by `sequence_index`):
    /// - `sha256sum -c` (any `*sum -c` / `--check`) reading a list file: the list is assumed
    ///   to cover the file;
    /// - `*sum -c` reading standard input (`echo "$SHA  f" | sha256sum -c -`, a here-string
    ///   or here-document) whose input mentions the file's name;
    /// - a checksum of the file (`sha256sum f`, `openssl dgst`) whose output is compared:
    ///   captured by `$( … )` (`[ "$(sha256sum f | cut …)" = "$X" ]`) or piped into
    ///   `grep`/`diff`/`cmp`/`test`;
    /// - `gpg --verify` / `gpgv`, `cosign verify-blob`, `minisign -V`, `signify -V`,
    ///   `openssl dgst -verify`, `rpm -K` mentioning the file (or its `.asc`/`.sig`).
    ///
    /// "Mentions" compares the file's basename and path as written (quotes and `${}` braces
    /// removed) with the check's words; when the file name is unknown (`-P dir`, a URL with
    /// no file part) any later check counts. A download to standard output that is not saved
    /// by `tee` (piped straight into a program, or shown) is never verified; one thrown away
    /// (`-o /dev/null`) counts as verified (nothing is kept).
    #[must_use]
    pub fn download_verified(&self, d: &Download) -> bool {
        if d.output == Output::Discarded {
            return true;
        }
        let names = saved_names(self, d);
        if d.output == Output::Stdout && names.is_empty() {
            return false;
        }
        let checks = self.checks();
        let first = checks.partition_point(|(id, _)| *id <= d.command);
        checks[first..].iter().any(|&(id, kind)| {
            let Some(c) = self.command(id) else {
                return false;
            };
            if names.is_empty() {
                return true;
            }
            if kind == CheckKind::ChecksumList {
                let list_file = c.positionals().any(|w| !w.is("-"));
                if list_file {
                    return true;
                }
            }
            let inputs = check_inputs(self, c);
            names
                .iter()
                .any(|n| inputs.iter().any(|i| i.contains(n.as_str())))
        })
    }
}
