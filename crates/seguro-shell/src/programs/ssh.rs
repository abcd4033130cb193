//! ssh, scp and ssh-keyscan: uses of SSH inside a build.

use crate::args::{Spec, Style};
use crate::script::{Command, Script};

/// ssh options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-i", "-p", "-o", "-l", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-E", "-e", "-m", "-O",
        "-Q", "-S", "-W", "-w", "-t", "-T", "-f", "-P",
    ],
};

impl Script {
    /// Commands that use SSH: `ssh`, `scp`, `sftp`, `ssh-keyscan`, `ssh-add`, and
    /// `git clone` / `git submodule` of an SSH URL.
    pub fn ssh_uses(&self) -> impl Iterator<Item = &Command> + '_ {
        self.commands.iter().filter(|c| {
            c.is_any(&["ssh", "scp", "sftp", "ssh-keyscan", "ssh-add", "ssh-agent"])
                || matches!(
                    super::git::git(c),
                    Some(super::git::GitOp::Clone { ssh: true, .. })
                )
        })
    }
}
