//! curl and wget: what is fetched, where it goes, whether TLS checks are off, and whether it
//! is piped into an interpreter.

use crate::args::{Spec, Style};
use crate::script::{Command, CommandId, Origin, Script};
use crate::span::Span;
use crate::word::{Word, basename};
use crate::wrappers::SHELLS;

/// curl options that take a value.
pub(crate) const CURL_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-o",
        "--output",
        "-d",
        "--data",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--data-ascii",
        "-H",
        "--header",
        "-u",
        "--user",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-X",
        "--request",
        "-x",
        "--proxy",
        "-T",
        "--upload-file",
        "-w",
        "--write-out",
        "-m",
        "--max-time",
        "--connect-timeout",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "-r",
        "--range",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "-E",
        "--cert",
        "--cacert",
        "--capath",
        "--key",
        "-K",
        "--config",
        "--url",
        "-F",
        "--form",
        "--limit-rate",
        "-y",
        "--speed-time",
        "-Y",
        "--speed-limit",
        "--resolve",
        "--connect-to",
        "--interface",
        "--dns-servers",
        "--output-dir",
        "--create-file-mode",
        "--proto",
        "--proto-redir",
        "--ciphers",
        "--pinnedpubkey",
        "--netrc-file",
        "--oauth2-bearer",
        "-Q",
        "--quote",
        "--max-filesize",
        "--max-redirs",
        "--expect100-timeout",
        "--keepalive-time",
        "--local-port",
        "--unix-socket",
        "--abstract-unix-socket",
        "-P",
        "--ftp-port",
        "--retry-all-errors-count",
        "--variable",
        "--json",
        "--proxy-user",
        "-U",
        "--stderr",
        "--trace",
        "--trace-ascii",
        "--dump-header",
        "-D",
        "--etag-save",
        "--etag-compare",
        "-z",
        "--time-cond",
    ],
};

/// wget options that take a value.
pub(crate) const WGET_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-O",
        "--output-document",
        "-o",
        "--output-file",
        "-a",
        "--append-output",
        "-P",
        "--directory-prefix",
        "-e",
        "--execute",
        "-i",
        "--input-file",
        "-t",
        "--tries",
        "-T",
        "--timeout",
        "-w",
        "--wait",
        "-U",
        "--user-agent",
        "--header",
        "--user",
        "--password",
        "--http-user",
        "--http-password",
        "--ca-certificate",
        "--ca-directory",
        "--certificate",
        "--private-key",
        "-Q",
        "--quota",
        "--limit-rate",
        "-l",
        "--level",
        "-A",
        "--accept",
        "-R",
        "--reject",
        "-D",
        "--domains",
        "--post-data",
        "--post-file",
        "--method",
        "--body-data",
        "--referer",
        "--load-cookies",
        "--save-cookies",
        "-B",
        "--base",
        "--bind-address",
        "--dns-timeout",
        "--connect-timeout",
        "--read-timeout",
        "--progress",
        "--backups",
        "--output-file",
    ],
};

/// Where a download's content goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output (piped, captured, or shown).
    Stdout,
    /// A named file (`curl -o f`, `wget -O f`, `curl … > f`).
    File(Word),
    /// A file named after the URL (`curl -O`, plain `wget`).
    RemoteName,
    /// A directory, file named after the URL (`wget -P dir`).
    Dir(Word),
    /// Thrown away (`-o /dev/null`).
    Discarded,
}

/// One download command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// `curl` or `wget`.
    pub tool: String,
    /// The command.
    pub command: CommandId,
    /// The first URL argument.
    pub url: Option<Word>,
    /// Every URL argument.
    pub urls: Vec<Word>,
    /// Where the content goes.
    pub output: Output,
    /// TLS verification is off (`curl -k` / `--insecure`, `wget --no-check-certificate`).
    pub insecure: bool,
    /// The first command reading the content through a pipe.
    pub piped_to: Option<CommandId>,
    /// The command's span.
    pub span: Span,
}

/// Programs that run a script read from standard input or given in `-c`.
pub const INTERPRETERS: &[&str] = &[
    "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "pwsh",
];

/// Whether `p` is a shell or a script interpreter.
#[must_use]
pub fn is_interpreter(p: &str) -> bool {
    SHELLS.contains(&p)
        || INTERPRETERS.contains(&p)
        || p.strip_prefix("python")
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The download a command performs (curl, wget).
#[must_use]
pub fn download(c: &Command) -> Option<Download> {
    let tool = c.program()?;
    match tool {
        "curl" => {
            if c.has_flag(&["-I", "--head"]) {
                return None;
            }
            let mut urls: Vec<Word> = c.positionals().cloned().collect();
            urls.extend(c.opts.values(&["--url"]).cloned());
            let output = if let Some(o) = c.flag_value("-o").or_else(|| c.flag_value("--output")) {
                file_output(o)
            } else if c.has_flag(&["-O", "--remote-name", "--remote-name-all"]) {
                c.flag_value("--output-dir")
                    .map_or(Output::RemoteName, |d| Output::Dir(d.clone()))
            } else {
                stdout_output(c)
            };
            Some(Download {
                tool: tool.to_owned(),
                command: c.sequence_index,
                url: urls.first().cloned(),
                urls,
                output,
                insecure: c.has_flag(&["-k", "--insecure"]),
                piped_to: None,
                span: c.span,
            })
        }
        "wget" => {
            if c.has_flag(&["--spider"]) {
                return None;
            }
            let urls: Vec<Word> = c.positionals().cloned().collect();
            let output = if let Some(o) = c
                .flag_value("-O")
                .or_else(|| c.flag_value("--output-document"))
            {
                if o.is("-") {
                    stdout_output(c)
                } else {
                    file_output(o)
                }
            } else if let Some(d) = c
                .flag_value("-P")
                .or_else(|| c.flag_value("--directory-prefix"))
            {
                Output::Dir(d.clone())
            } else {
                Output::RemoteName
            };
            Some(Download {
                tool: tool.to_owned(),
                command: c.sequence_index,
                url: urls.first().cloned(),
                urls,
                output,
                insecure: c.has_flag(&["--no-check-certificate"]),
                piped_to: None,
                span: c.span,
            })
        }
        _ => None,
    }
}

fn file_output(o: &Word) -> Output {
    if o.is("-") {
        Output::Stdout
    } else if o.is("/dev/null") {
        Output::Discarded
    } else {
        Output::File(o.clone())
    }
}

fn stdout_output(c: &Command) -> Output {
    match c.stdout_file() {
        Some(f) if f.is("/dev/null") => Output::Discarded,
        Some(f) => Output::File(f.clone()),
        None => Output::Stdout,
    }
}

/// How downloaded content reaches an interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellVia {
    /// `curl … | sh` (also through `tee`/`cat`, and `| sudo bash -s --`).
    Pipe,
    /// `sh -c "$(curl …)"`, `eval "$(curl …)"`.
    CommandSubstitution,
    /// `bash <(curl …)`, `source <(curl …)`.
    ProcessSubstitution,
}

/// Downloaded content executed by an interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipeToShell {
    /// The curl/wget command.
    pub download: CommandId,
    /// The interpreter (or `eval`/`source`) command.
    pub shell: CommandId,
    /// How the content gets there.
    pub via: ShellVia,
}

/// Whether interpreter command `c` reads its program from standard input.
fn reads_program_from_stdin(c: &Command) -> bool {
    let Some(p) = c.program() else { return false };
    if !is_interpreter(p) {
        return false;
    }
    let has_c = c
        .opts
        .flags
        .iter()
        .any(|f| f.name == "-c" || f.name == "-e" && !SHELLS.contains(&p));
    if has_c && !SHELLS.contains(&p) {
        return false;
    }
    if SHELLS.contains(&p) && c.opts.flags.iter().any(|f| f.name == "-c") {
        return false;
    }
    if c.opts.flags.iter().any(|f| f.name == "-s") {
        return true;
    }
    c.positional(0).is_none_or(|w| w.is("-"))
}

impl Script {
    /// Every curl/wget download, with `piped_to` filled in.
    #[must_use]
    pub fn downloads(&self) -> Vec<Download> {
        self.commands
            .iter()
            .filter_map(download)
            .map(|mut d| {
                d.piped_to = self.stdout_consumers(d.command).first().copied();
                d
            })
            .collect()
    }

    /// Downloads whose content is executed by a shell or interpreter: `curl … | sh`,
    /// `wget -O- … | sudo bash`, `… | python3 -`, `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`,
    /// `bash <(curl …)`, `source <(curl …)`.
    #[must_use]
    pub fn pipes_to_shell(&self) -> Vec<PipeToShell> {
        let mut out = Vec::new();
        for d in self.commands.iter().filter(|c| c.is_any(&["curl", "wget"])) {
            for r in self.stdout_readers(d.sequence_index) {
                if self.commands.get(r).is_some_and(reads_program_from_stdin) {
                    out.push(PipeToShell {
                        download: d.sequence_index,
                        shell: r,
                        via: ShellVia::Pipe,
                    });
                }
            }
            // climb out of the pipeline the download sits in inside a substitution
            let (parent, via) = match d.origin {
                Origin::CommandSubstitution { parent: Some(p) } => {
                    (p, ShellVia::CommandSubstitution)
                }
                Origin::ProcessSubstitution { parent: Some(p) } => {
                    (p, ShellVia::ProcessSubstitution)
                }
                _ => continue,
            };
            // only the last command of the substitution's pipeline provides its output
            if d.index_in_pipeline + 1 != d.pipeline_len
                && !self.stdout_readers(d.sequence_index).iter().all(|&r| {
                    self.commands
                        .get(r)
                        .is_some_and(|c| c.is_any(&["tee", "cat", "tr", "sed"]))
                })
            {
                continue;
            }
            let Some(p) = self.commands.get(parent) else {
                continue;
            };
            let runs = match via {
                ShellVia::CommandSubstitution => {
                    p.is_any(&["eval"])
                        || p.program().is_some_and(is_interpreter)
                            && p.opts
                                .flags
                                .iter()
                                .any(|f| f.name == "-c" || f.name == "-e")
                }
                _ => p.is_any(&["source", "."]) || p.program().is_some_and(is_interpreter),
            };
            if runs {
                out.push(PipeToShell {
                    download: d.sequence_index,
                    shell: parent,
                    via,
                });
            }
        }
        out
    }
}

/// The names a download is saved under, for matching later verification commands: the
/// file's path and basename (as written, quotes and braces removed).
pub(crate) fn saved_names(script: &Script, d: &Download) -> Vec<String> {
    let mut names = Vec::new();
    let mut add = |w: &Word| {
        let t = normalize(&w.raw);
        let b = basename(&t).to_owned();
        if !b.is_empty() {
            names.push(b);
        }
        if !t.is_empty() {
            names.push(t);
        }
    };
    match &d.output {
        Output::File(w) => add(w),
        Output::RemoteName | Output::Dir(_) => {
            if let Some(u) = &d.url {
                let t = normalize(&u.raw);
                let path = t.split(['?', '#']).next().unwrap_or(&t);
                let b = basename(path);
                if !b.is_empty() {
                    names.push(b.to_owned());
                }
            }
        }
        Output::Stdout => {
            for r in script.stdout_readers(d.command) {
                if let Some(c) = script.commands.get(r).filter(|c| c.is("tee")) {
                    for p in c.positionals() {
                        add(p);
                    }
                }
            }
        }
        Output::Discarded => {}
    }
    names
}

/// Removes quotes and `${}` braces so `"${DIR}/f"` matches `$DIR/f`.
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| !matches!(c, '"' | '\'' | '{' | '}')));
    out
}
