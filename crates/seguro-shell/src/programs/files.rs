//! chmod, chown, tar, unzip and cd: modes (world-writable), owners, archive extraction and
//! directory changes.

use crate::args::{Spec, Style};
use crate::script::{Command, Script};
use crate::word::Word;

/// chmod/chown options that take a value.
pub(crate) const CHMOD_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &["--reference", "--from"],
};

/// tar options that take a value.
pub(crate) const TAR_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-f",
        "--file",
        "-C",
        "--directory",
        "-T",
        "--files-from",
        "-X",
        "--exclude-from",
        "--exclude",
        "--strip-components",
        "--owner",
        "--group",
        "--mode",
        "-I",
        "--use-compress-program",
        "--transform",
        "--xform",
        "-b",
        "--blocking-factor",
        "-H",
        "--format",
        "-K",
        "-N",
        "--after-date",
        "--newer",
        "-L",
        "--tape-length",
        "--wildcards",
    ],
};

/// unzip options that take a value.
pub(crate) const UNZIP_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &["-d", "-x", "-P"],
};

/// A `chmod` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chmod {
    /// The mode argument.
    pub mode: Word,
    /// Files changed.
    pub targets: Vec<Word>,
    /// `-R`.
    pub recursive: bool,
    /// The mode grants write to others (`777`, `o+w`, `a+w`, `+w` is not counted since it
    /// follows the umask).
    pub world_writable: bool,
    /// The sticky bit is set (`1777`, `+t`).
    pub sticky: bool,
}

/// Parses a chmod command.
#[must_use]
pub fn chmod(c: &Command) -> Option<Chmod> {
    if !c.is("chmod") {
        return None;
    }
    let mut pos = c.positionals();
    // modes like `-w` or `-x` look like flags: take them back
    let mode = if let Some(f) = c
        .opts
        .flags
        .iter()
        .find(|f| is_symbolic_mode(c.args[f.arg_index].text()))
    {
        c.args[f.arg_index].clone()
    } else {
        pos.next()?.clone()
    };
    let targets: Vec<Word> = pos.filter(|w| w.span != mode.span).cloned().collect();
    let (world_writable, sticky) = mode.value.as_deref().map_or((false, false), mode_bits);
    Some(Chmod {
        mode,
        targets,
        recursive: c.has_flag(&["-R", "--recursive"]),
        world_writable,
        sticky,
    })
}

fn is_symbolic_mode(s: &str) -> bool {
    s.starts_with('-')
        && s.len() > 1
        && s[1..]
            .chars()
            .all(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't'))
}

/// `(world_writable, sticky)` of a numeric or symbolic mode.
#[must_use]
pub fn mode_bits(m: &str) -> (bool, bool) {
    if !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()) {
        let v = u32::from_str_radix(m, 8).unwrap_or(0);
        return (v & 0o002 != 0, v & 0o1000 != 0);
    }
    let mut ww = false;
    let mut sticky = false;
    for clause in m.split(',') {
        let Some(op) = clause.find(['+', '=', '-']) else {
            continue;
        };
        let who = &clause[..op];
        let (sign, perms) = clause[op..].split_at(1);
        if sign == "-" {
            continue;
        }
        let others = who.contains('o') || who.contains('a');
        if others && perms.contains('w') {
            ww = true;
        }
        if perms.contains('t') {
            sticky = true;
        }
    }
    (ww, sticky)
}

/// A `chown`/`chgrp` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chown {
    /// `user[:group]` as written.
    pub owner: Word,
    /// Files changed.
    pub targets: Vec<Word>,
    /// `-R`.
    pub recursive: bool,
}

/// Parses a chown/chgrp command.
#[must_use]
pub fn chown(c: &Command) -> Option<Chown> {
    if !c.is_any(&["chown", "chgrp"]) {
        return None;
    }
    let mut pos = c.positionals();
    let owner = pos.next()?.clone();
    Some(Chown {
        owner,
        targets: pos.cloned().collect(),
        recursive: c.has_flag(&["-R", "--recursive"]),
    })
}

/// An archive extraction (`tar -x`, `unzip`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extract {
    /// `tar` or `unzip`.
    pub tool: String,
    /// The archive; `None` when read from standard input (`curl … | tar xz`).
    pub archive: Option<Word>,
    /// Destination directory (`-C`, `-d`).
    pub dest: Option<Word>,
}

/// Parses an extraction command.
#[must_use]
pub fn extract(c: &Command) -> Option<Extract> {
    match c.program()? {
        "tar" | "bsdtar" | "gtar" => {
            // `tar xzf f` (old style, first word without dash)
            let first = c.args.first()?;
            let old = !first.text().starts_with('-')
                && first.text().chars().all(|ch| ch.is_ascii_alphabetic());
            let extracting =
                c.has_flag(&["-x", "--extract", "--get"]) || old && first.text().contains('x');
            if !extracting {
                return None;
            }
            let archive = c
                .flag_value("-f")
                .or_else(|| c.flag_value("--file"))
                .cloned()
                .or_else(|| {
                    if old && first.text().contains('f') {
                        c.args.get(1).cloned()
                    } else {
                        None
                    }
                });
            let archive = archive.filter(|a| !a.is("-"));
            Some(Extract {
                tool: "tar".to_owned(),
                archive,
                dest: c
                    .flag_value("-C")
                    .or_else(|| c.flag_value("--directory"))
                    .cloned(),
            })
        }
        "unzip" => Some(Extract {
            tool: "unzip".to_owned(),
            archive: c.positional(0).cloned(),
            dest: c.flag_value("-d").cloned(),
        }),
        _ => None,
    }
}

/// A `cd` (or `pushd`) command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cd {
    /// The directory (`None` for a bare `cd`).
    pub dir: Option<Word>,
    /// Its effect ends with a subshell or substitution (`(cd x && make)`).
    pub in_subshell: bool,
}

impl Script {
    /// Every `cd`/`pushd` command with its directory.
    pub fn cd_commands(&self) -> impl Iterator<Item = (&Command, Cd)> + '_ {
        self.commands
            .iter()
            .filter(|c| c.is_any(&["cd", "pushd"]))
            .map(|c| {
                (
                    c,
                    Cd {
                        dir: c.positional(0).cloned(),
                        in_subshell: c.in_subshell,
                    },
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::mode_bits;

    #[test]
    fn modes() {
        assert_eq!(mode_bits("777"), (true, false));
        assert_eq!(mode_bits("0755"), (false, false));
        assert_eq!(mode_bits("1777"), (true, true));
        assert_eq!(mode_bits("o+w"), (true, false));
        assert_eq!(mode_bits("a+rwx"), (true, false));
        assert_eq!(mode_bits("u+w,go-w"), (false, false));
        assert_eq!(mode_bits("+x"), (false, false));
        assert_eq!(mode_bits("ugo=rwx"), (true, false));
    }
}
