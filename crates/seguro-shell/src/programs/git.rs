//! git: clones (URL, SSH or not), checked-out refs, and TLS verification switched off.

use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// git options that take a value (global and common subcommand ones).
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-c",
        "-C",
        "--git-dir",
        "--work-tree",
        "--namespace",
        "-b",
        "--branch",
        "--depth",
        "--origin",
        "-o",
        "--reference",
        "--separate-git-dir",
        "--shallow-since",
        "--shallow-exclude",
        "--filter",
        "--config",
        "-j",
        "--jobs",
        "--template",
        "--revision",
    ],
};

/// What a git command does that rules care about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitOp {
    /// `git clone URL [dir]`.
    Clone {
        /// The repository URL.
        url: Option<Word>,
        /// `-b`/`--branch`.
        branch: Option<Word>,
        /// The URL uses SSH (`git@host:`, `ssh://`).
        ssh: bool,
    },
    /// `git checkout REF` / `git reset --hard REF` / `git switch`.
    Checkout {
        /// The ref.
        reference: Option<Word>,
    },
    /// `git config KEY VALUE`.
    Config {
        /// The key.
        key: Option<Word>,
        /// The value.
        value: Option<Word>,
    },
    /// Another subcommand.
    Other(String),
}

/// Whether a URL is an SSH git URL.
#[must_use]
pub fn is_ssh_url(u: &str) -> bool {
    u.starts_with("ssh://")
        || u.starts_with("git+ssh://")
        || (!u.contains("://") && u.contains('@') && u.contains(':'))
}

/// Parses a git command.
#[must_use]
pub fn git(c: &Command) -> Option<GitOp> {
    if !c.is("git") {
        return None;
    }
    let sub = c.positional(0)?;
    Some(match sub.text() {
        "clone" => {
            let url = c.positional(1).cloned();
            let ssh = url.as_ref().is_some_and(|u| is_ssh_url(u.text()));
            GitOp::Clone {
                url,
                branch: c
                    .flag_value("-b")
                    .or_else(|| c.flag_value("--branch"))
                    .cloned(),
                ssh,
            }
        }
        "checkout" | "switch" | "reset" => GitOp::Checkout {
            reference: c.positional(1).cloned(),
        },
        "config" => GitOp::Config {
            key: c.positional(1).cloned(),
            value: c.positional(2).cloned(),
        },
        o => GitOp::Other(o.to_owned()),
    })
}

/// Whether a git command turns TLS verification off (`-c http.sslVerify=false`,
/// `git config … http.sslVerify false`).
#[must_use]
pub fn disables_tls(c: &Command) -> bool {
    if !c.is("git") {
        return false;
    }
    let off = |v: &str| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | "off"
        )
    };
    let inline = c.opts.values(&["-c"]).any(|w| {
        let t = w.text().to_ascii_lowercase();
        t.split_once('=')
            .is_some_and(|(k, v)| k.ends_with("sslverify") && off(v))
    });
    let config = matches!(git(c), Some(GitOp::Config { key: Some(k), value: Some(v) }) if k.text().to_ascii_lowercase().ends_with("sslverify") && off(v.text()));
    inline || config
}
