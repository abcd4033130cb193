//! Wrapper programs (`sudo`, `env`, `xargs`, `gosu`…) peeled off to find the real program,
//! and the script strings of `sh -c`, `su -c` and `eval`.

use crate::script::{Assignment, AssignmentKind, Wrapper};
use crate::word::{Word, basename};

/// POSIX-like shells whose `-c` string (or here-document) is a script.
pub const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "dash",
    "ash",
    "zsh",
    "ksh",
    "mksh",
    "yash",
    "posh",
    "busybox-sh",
];

/// Result of peeling wrappers off a command's words.
#[derive(Debug, Default)]
pub(crate) struct Unwrapped {
    pub(crate) wrappers: Vec<Wrapper>,
    /// Index of the program word (`words.len()` if none).
    pub(crate) start: usize,
    /// `env A=1` assignments.
    pub(crate) env: Vec<Assignment>,
    /// Index of a word holding a script (`sh -c WORD`, `su -c WORD`, `eval WORD`).
    pub(crate) script: Option<usize>,
    /// The program is a shell reading its script from standard input (no `-c`, no file).
    pub(crate) shell_reads_stdin: bool,
}

fn opts_then_cmd(
    words: &[Word],
    mut j: usize,
    with_value: &[&str],
    mut on_opt: impl FnMut(&str, Option<&Word>),
) -> usize {
    while j < words.len() {
        let t = words[j].text();
        if t == "--" {
            return j + 1;
        }
        if !t.starts_with('-') || t == "-" {
            return j;
        }
        if let Some(eq) = t.find('=').filter(|_| t.starts_with("--")) {
            on_opt(&t[..eq], Some(&words[j].tail(eq + 1)));
            j += 1;
            continue;
        }
        if with_value.contains(&t) {
            on_opt(t, words.get(j + 1));
            j += 2;
            continue;
        }
        // `-uapp` style attached short values
        if !t.starts_with("--") && t.len() > 2 {
            let head = &t[..2];
            if with_value.contains(&head) {
                on_opt(head, Some(&words[j].tail(2)));
                j += 1;
                continue;
            }
        }
        on_opt(t, None);
        j += 1;
    }
    j
}

/// Peels wrappers off `words` (the command's name and arguments, assignments excluded).
pub(crate) fn unwrap(words: &[Word]) -> Unwrapped {
    let mut out = Unwrapped::default();
    let mut i = 0;
    for _ in 0..32 {
        let Some(w) = words.get(i) else { break };
        let Some(name) = w.value.as_deref().map(basename) else {
            break;
        };
        let mut user: Option<Word> = None;
        let next = match name {
            "sudo" | "doas" => {
                let j = opts_then_cmd(
                    words,
                    i + 1,
                    &[
                        "-u",
                        "--user",
                        "-g",
                        "--group",
                        "-p",
                        "--prompt",
                        "-C",
                        "--close-from",
                        "-D",
                        "--chdir",
                        "-r",
                        "--role",
                        "-t",
                        "--type",
                        "-T",
                        "--command-timeout",
                        "-U",
                        "--other-user",
                        "-h",
                        "--host",
                    ],
                    |o, v| {
                        if matches!(o, "-u" | "--user") {
                            user = v.cloned();
                        }
                    },
                );
                Some(take_env(words, j, &mut out.env))
            }
            "env" => {
                let j = opts_then_cmd(
                    words,
                    i + 1,
                    &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
                    |_, _| {},
                );
                Some(take_env(words, j, &mut out.env))
            }
            "xargs" => Some(opts_then_cmd(
                words,
                i + 1,
                &[
                    "-a",
                    "--arg-file",
                    "-E",
                    "-I",
                    "-L",
                    "-n",
                    "--max-args",
                    "-P",
                    "--max-procs",
                    "-s",
                    "--max-chars",
                    "-d",
                    "--delimiter",
                    "--process-slot-var",
                ],
                |_, _| {},
            )),
            "nohup" | "builtin" | "eatmydata" | "fakeroot" | "unbuffer" | "chronic"
            | "catchsegv" | "proxychains" | "proxychains4" | "tsocks" => Some(i + 1),
            "nice" => Some(opts_then_cmd(
                words,
                i + 1,
                &["-n", "--adjustment"],
                |_, _| {},
            )),
            "ionice" => Some(opts_then_cmd(
                words,
                i + 1,
                &["-c", "--class", "-n", "--classdata", "-p", "--pid"],
                |_, _| {},
            )),
            "time" => Some(opts_then_cmd(
                words,
                i + 1,
                &["-f", "--format", "-o", "--output"],
                |_, _| {},
            )),
            "stdbuf" => Some(opts_then_cmd(words, i + 1, &["-i", "-o", "-e"], |_, _| {})),
            "exec" => Some(opts_then_cmd(words, i + 1, &["-a"], |_, _| {})),
            "setsid" | "tini" | "dumb-init" => Some(opts_then_cmd(
                words,
                i + 1,
                &["-s", "-p", "-g", "-r"],
                |_, _| {},
            )),
            "command" => {
                let mut query = false;
                let j = opts_then_cmd(words, i + 1, &[], |o, _| {
                    query |= o.contains('v') || o.contains('V')
                });
                (!query).then_some(j)
            }
            "timeout" => {
                let j = opts_then_cmd(
                    words,
                    i + 1,
                    &["-s", "--signal", "-k", "--kill-after"],
                    |_, _| {},
                );
                Some(j + 1) // the duration
            }
            "flock" => {
                let mut c = false;
                let j = opts_then_cmd(
                    words,
                    i + 1,
                    &[
                        "-w",
                        "--wait",
                        "--timeout",
                        "-E",
                        "--conflict-exit-code",
                        "-c",
                        "--command",
                    ],
                    |o, _| c |= matches!(o, "-c" | "--command"),
                );
                (!c).then_some(j + 1) // the lock file
            }
            "gosu" | "su-exec" => {
                user = words.get(i + 1).cloned();
                Some(i + 2)
            }
            "chroot" => {
                let j = opts_then_cmd(words, i + 1, &["--userspec", "--groups"], |o, v| {
                    if o == "--userspec" {
                        user = v.cloned();
                    }
                });
                Some(j + 1) // the new root
            }
            "runuser" | "setpriv" => {
                let mut c = false;
                let j = opts_then_cmd(
                    words,
                    i + 1,
                    &["-u", "-g", "-G", "-c", "--command", "-s", "--shell", "-w"],
                    |o, v| {
                        if o == "-u" {
                            user = v.cloned();
                        }
                        c |= matches!(o, "-c" | "--command");
                    },
                );
                (!c).then_some(j)
            }
            "busybox" => Some(i + 1),
            "eval" if words.len() > i + 2 => Some(i + 1),
            _ => None,
        };
        match next {
            Some(j) if j < words.len() && j > i => {
                out.wrappers.push(Wrapper {
                    name: name.to_owned(),
                    user,
                    span: w.span,
                });
                i = j;
            }
            _ => break,
        }
    }
    out.start = i.min(words.len());
    let name = words
        .get(out.start)
        .and_then(|w| w.value.as_deref())
        .map(basename);
    match name {
        Some(n) if SHELLS.contains(&n) => shell_script(words, out.start, &mut out),
        Some("su" | "runuser") => {
            let mut script = None;
            let mut j = out.start + 1;
            while j < words.len() {
                let t = words[j].text();
                if matches!(t, "-c" | "--command") {
                    script = Some(j + 1);
                    j += 2;
                    continue;
                }
                if matches!(
                    t,
                    "-s" | "--shell" | "-g" | "--group" | "-G" | "--supp-group" | "-u" | "-w"
                ) {
                    j += 2;
                    continue;
                }
                j += 1;
            }
            out.script = script.filter(|&s| s < words.len());
        }
        Some("eval") if words.len() == out.start + 2 => out.script = Some(out.start + 1),
        _ => {}
    }
    out
}

/// Finds the script word of a shell invocation `words[at..]`.
fn shell_script(words: &[Word], at: usize, out: &mut Unwrapped) {
    let mut j = at + 1;
    let mut has_c = false;
    let mut reads_stdin = false;
    while j < words.len() {
        let t = words[j].text();
        if t == "--" || t == "-" {
            j += 1;
            break;
        }
        if !(t.starts_with('-') || t.starts_with('+')) || t.len() < 2 {
            break;
        }
        if t.starts_with("--") {
            if t == "--rcfile" || t == "--init-file" {
                j += 1;
            }
            j += 1;
            continue;
        }
        let mut takes_o = false;
        for ch in t.chars().skip(1) {
            match ch {
                'c' => has_c = true,
                's' => reads_stdin = true,
                'o' | 'O' => takes_o = true,
                _ => {}
            }
        }
        j += if takes_o { 2 } else { 1 };
    }
    if has_c {
        out.script = (j < words.len()).then_some(j);
    } else {
        out.shell_reads_stdin = reads_stdin || j >= words.len();
    }
}

/// Takes `NAME=value` words at `j` as environment assignments; returns the next index.
fn take_env(words: &[Word], mut j: usize, env: &mut Vec<Assignment>) -> usize {
    while let Some(w) = words.get(j) {
        let t = w.text();
        let Some(eq) = t.find('=') else { break };
        let name = &t[..eq];
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            break;
        }
        env.push(Assignment {
            name: name.to_owned(),
            value: w.tail(eq + 1),
            append: false,
            span: w.span,
            kind: AssignmentKind::Env,
        });
        j += 1;
    }
    j
}
