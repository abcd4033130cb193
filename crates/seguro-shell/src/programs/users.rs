//! useradd/adduser (uid, `-l`), and password setting (`chpasswd`, `passwd --stdin`,
//! `usermod -p`, `useradd -p`).

use crate::args::{Spec, Style};
use crate::script::{Command, Script};
use crate::word::Word;

/// useradd/adduser/usermod options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-u",
        "--uid",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "-d",
        "--home",
        "--home-dir",
        "-s",
        "--shell",
        "-c",
        "--comment",
        "--gecos",
        "-e",
        "--expiredate",
        "-f",
        "--inactive",
        "-k",
        "--skel",
        "-K",
        "--key",
        "-p",
        "--password",
        "-R",
        "--root",
        "-P",
        "--prefix",
        "-Z",
        "--selinux-user",
        "--ingroup",
        "--firstuid",
        "--lastuid",
        "-h",
        "--add-subids-for-system",
    ],
};

/// A user creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAdd {
    /// `useradd` or `adduser`.
    pub tool: String,
    /// The user name.
    pub name: Option<Word>,
    /// The uid (`-u`, `--uid`).
    pub uid: Option<Word>,
    /// `-l` / `--no-log-init`.
    pub no_log_init: bool,
    /// A system account (`-r`, `--system`, adduser `-S`).
    pub system: bool,
    /// A password hash given on the command line (`-p`).
    pub password: Option<Word>,
}

/// Parses useradd/adduser.
#[must_use]
pub fn user_add(c: &Command) -> Option<UserAdd> {
    let tool = c.program()?;
    if !matches!(tool, "useradd" | "adduser") {
        return None;
    }
    Some(UserAdd {
        tool: tool.to_owned(),
        name: c.positionals().last().cloned(),
        uid: c
            .flag_value("-u")
            .or_else(|| c.flag_value("--uid"))
            .cloned(),
        no_log_init: c.has_flag(&["-l", "--no-log-init"]),
        system: c.has_flag(&["-r", "--system", "-S"]),
        password: c
            .flag_value("-p")
            .or_else(|| c.flag_value("--password"))
            .cloned(),
    })
}

/// How a password is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordVia {
    /// `chpasswd` (user:password pairs on standard input).
    Chpasswd,
    /// `passwd --stdin` or `passwd` fed by a pipe.
    Passwd,
    /// `useradd -p`, `usermod -p`.
    HashOption,
}

impl Script {
    /// Commands that set a password, and how.
    pub fn password_sets(&self) -> impl Iterator<Item = (&Command, PasswordVia)> + '_ {
        self.commands.iter().filter_map(|c| {
            let via = match c.program()? {
                "chpasswd" => PasswordVia::Chpasswd,
                "passwd"
                    if c.has_flag(&["--stdin"])
                        || c.index_in_pipeline > 0
                        || c.stdin_redirect().is_some() =>
                {
                    PasswordVia::Passwd
                }
                "useradd" | "usermod" | "adduser"
                    if c.flag_value("-p").is_some() || c.flag_value("--password").is_some() =>
                {
                    PasswordVia::HashOption
                }
                _ => return None,
            };
            Some((c, via))
        })
    }
}
