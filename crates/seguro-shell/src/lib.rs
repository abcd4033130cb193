//! RUN script analysis: a shell AST mapped to file spans, and a command model per program.
//!
//! [`parse`] takes the text BuildKit hands to `/bin/sh -c` (a RUN body already joined across
//! continuation lines, or a here-document body) and returns a [`Script`]: every simple
//! command, nested ones included (`$( )`, backticks, `<( )`, `sh -c '…'`, `su -c`, `eval`,
//! here-documents fed to a shell), with wrappers peeled off (`sudo`, `env`, `xargs`…),
//! assignments, redirects, pipeline and condition context, and byte [`Span`]s into the
//! input. Program modules under [`programs`] turn commands into facts: package operations,
//! downloads, checksum and signature checks, modes, users, keys.
//!
//! Parsing uses brush-parser; scripts it rejects (or that would make it slow) are split by a
//! tolerant tokenizer instead and the script is marked [`Script::degraded`]. Analysis never
//! panics, never shells out, and takes time linear in the input.
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

mod args;
mod lex;
mod parse;
pub mod programs;
mod script;
pub mod span;
pub mod word;
mod wrappers;

pub use args::{Flag, ParsedArgs};
pub use programs::download::{Download, Output, PipeToShell, ShellVia};
pub use programs::{Action, Manager, Package, PackageKind, PackageOp, package_op};
pub use script::{
    Assignment, AssignmentKind, Command, CommandId, Origin, Pipeline, PipelineId, Redirect, Script,
    Wrapper,
};
pub use span::Span;
pub use word::Word;
pub use wrappers::SHELLS;

/// Analyses a POSIX shell script.
///
/// Inputs longer than `u32::MAX` bytes are truncated to fit spans.
#[must_use]
pub fn parse(src: &str) -> Script {
    let src = truncate(src);
    let mut b = parse::Builder::new(src.len());
    b.parse_root(src);
    b.script
}

/// Analyses `src` with the tolerant splitter only (for comparing it with the full parser).
#[doc(hidden)]
#[must_use]
pub fn parse_tolerant(src: &str) -> Script {
    parse::parse_fallback_only(truncate(src))
}

fn truncate(src: &str) -> &str {
    let max = u32::MAX as usize;
    if src.len() <= max {
        return src;
    }
    let mut end = max;
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    &src[..end]
}

/// The result of analysing a script under a given `SHELL`.
#[derive(Clone, Debug)]
pub enum Analysis {
    /// A POSIX-like shell: the script was analysed.
    Posix(Script),
    /// A shell (or here-document interpreter) this crate does not model: PowerShell, `cmd`,
    /// or a `#!` line naming python, node… Report it once; never lint it as sh.
    Unsupported {
        /// The shell or interpreter as named.
        shell: String,
    },
}

impl Analysis {
    /// The script, when analysed.
    #[must_use]
    pub fn script(&self) -> Option<&Script> {
        match self {
            Self::Posix(s) => Some(s),
            Self::Unsupported { .. } => None,
        }
    }
}

/// Analyses `src` as run by `shell` (the image's `SHELL`, e.g. `["/bin/bash", "-o",
/// "pipefail", "-c"]`; empty means `/bin/sh -c`).
///
/// PowerShell (`pwsh`, `powershell`) and `cmd` give [`Analysis::Unsupported`]; so does a
/// script starting with a `#!` line naming an interpreter that is not a POSIX-like shell (a
/// here-document body such as `#!/usr/bin/env python3`). `-o pipefail` in `shell` counts as
/// [`Script::option_on`]`("pipefail")` for the whole script.
#[must_use]
pub fn parse_for_shell(src: &str, shell: &[String]) -> Analysis {
    if let Some(first) = shell.first() {
        let prog = word::basename(&first.replace('\\', "/")).to_ascii_lowercase();
        let prog = prog.strip_suffix(".exe").unwrap_or(&prog).to_owned();
        if matches!(
            prog.as_str(),
            "pwsh" | "powershell" | "cmd" | "pwsh-preview"
        ) {
            return Analysis::Unsupported {
                shell: first.clone(),
            };
        }
    }
    if let Some(line) = src.strip_prefix("#!") {
        let line = line.lines().next().unwrap_or("");
        let mut parts = line.split_whitespace();
        let mut interp = parts.next().map(word::basename).unwrap_or("");
        if interp == "env" {
            interp = parts
                .find(|p| !p.starts_with('-'))
                .map(word::basename)
                .unwrap_or("");
        }
        if !interp.is_empty() && !SHELLS.contains(&interp) {
            return Analysis::Unsupported {
                shell: interp.to_owned(),
            };
        }
    }
    let mut script = parse(src);
    let mut pipefail = false;
    let mut i = 1;
    while i < shell.len() {
        let a = &shell[i];
        if (a == "-o" || (a.starts_with('-') && a.ends_with('o') && !a.starts_with("--")))
            && shell.get(i + 1).is_some_and(|v| v == "pipefail")
        {
            pipefail = true;
        }
        i += 1;
    }
    script.shell_pipefail = pipefail;
    Analysis::Posix(script)
}

impl Script {
    /// Every package-manager command of the script.
    #[must_use]
    pub fn package_ops(&self) -> Vec<PackageOp> {
        self.commands.iter().filter_map(package_op).collect()
    }
}
