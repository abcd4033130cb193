//! SG408: a pipe in RUN whose earlier commands can fail unnoticed (no `pipefail`).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_shell::{Command, Origin, Pipeline, Script};

declare_rule! {
    /// ## What it does
    /// Finds RUN instructions with a pipe (`a | b`) whose shell does not have `pipefail`
    /// on: no `SHELL [..., "-o", "pipefail", ...]` in effect, and no `set -o pipefail`
    /// (or `set -euo pipefail`) earlier in the same shell. One finding per RUN, on its
    /// first such pipe.
    ///
    /// Not reported (hadolint's DL4006 reports them all):
    /// - pipes whose earlier commands cannot fail in a way that matters: constants
    ///   (`echo`, `printf`, `yes`, `cat` of a heredoc or of its input), text filters
    ///   (`grep`, `sed`, `awk`, `sort`, `xargs` …: a `grep` that matches nothing "fails"),
    ///   and listings of the local system (`find`, `ls`, `ldd`, `scanelf`, `dpkg-query`,
    ///   `rpm -q` …, as in the `find … | xargs -r apt-mark manual` clean-up idiom, which
    ///   `pipefail` would break). With `pipefail`, `yes | cmd` even fails the build when
    ///   `yes` is killed by SIGPIPE. So the pipes reported are those fed by a download
    ///   (`curl`, `wget`), a file read (`cat f`, `tac f`, `zcat f`), or a program's output;
    /// - pipes whose last command fails anyway on empty or truncated input (`grep`,
    ///   `sha256sum -c`, `gpg --import`, `apt-key add -`);
    /// - pipes inside `$( … )`: a failure leaves the captured value empty, and what uses
    ///   it trips over that;
    /// - pipes inside `bash -o pipefail -c '…'`, covered by that shell's option;
    /// - RUNs under a non-POSIX shell: a PowerShell or cmd `SHELL`, and stages built on
    ///   Windows images (`cmd` by default) or files using the `` ` `` escape.
    ///
    /// ## Why it matters
    /// A pipeline's status is its last command's: `curl -fsSL https://… | tar xz` succeeds
    /// when the download fails halfway and `tar` extracts what arrived, so a broken or
    /// truncated artefact goes into the image and the build stays green.
    ///
    /// Where to turn it on depends on the shell: BuildKit runs `/bin/sh -c`, which is
    /// dash on Debian and Ubuntu images, and dash before 0.5.13 rejects `set -o pipefail`
    /// (the RUN fails). There, use `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`; on Alpine
    /// (busybox ash) `set -o pipefail` works, or `SHELL ["/bin/ash", "-o", "pipefail", "-c"]`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/app-1.2.0.tar.gz | tar -xz -C /opt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/app-1.2.0.tar.gz | tar -xz -C /opt
    /// ```
    ///
    /// ## Fix
    /// None: `set -o pipefail` breaks the build under dash, and a `SHELL` line changes the
    /// shell of every later RUN (and needs bash in the image).
    ///
    /// ## Aliases
    /// DL4006
    ///
    /// ## References
    /// CWE-754 (improper check for unusual conditions); chapter 3.1.4.
    pub struct Pipefail {
        code: "SG408",
        name: "pipefail",
        severity: Info,
        section: "3.1.4",
        aliases: ["DL4006"],
        fixable: None,
    }
}

/// Commands whose failure on the left of a pipe does not matter: output of constants,
/// text filters (a `grep` that matches nothing "fails"; with `pipefail` that would break
/// the build), and listings and queries of the local system (a partial list of files or
/// packages, as in the `find … | xargs -r apt-mark manual` clean-up idiom).
const HARMLESS: &[&str] = &[
    // constants
    "echo",
    "printf",
    "yes",
    "true",
    ":",
    "seq",
    // text filters
    "grep",
    "egrep",
    "fgrep",
    "sed",
    "awk",
    "gawk",
    "mawk",
    "cut",
    "tr",
    "sort",
    "uniq",
    "head",
    "tail",
    "wc",
    "rev",
    "column",
    "fold",
    "nl",
    "paste",
    "tee",
    "jq",
    "yq",
    "xargs",
    "fmt",
    "expand",
    "unexpand",
    "comm",
    "join",
    // listings and queries
    "find",
    "ls",
    "ldd",
    "scanelf",
    "readelf",
    "objdump",
    "nm",
    "dpkg",
    "dpkg-query",
    "rpm",
    "apk",
    "apt-mark",
    "apt-cache",
    "ps",
    "env",
    "printenv",
    "locale",
    "which",
    "getent",
    "id",
    "stat",
    "du",
    "df",
    "file",
    "uname",
    "date",
    "whoami",
    "hostname",
    "nproc",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "command",
    "type",
    "compgen",
    "ldconfig",
    "lsb_release",
];

impl Check for Pipefail {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        let mut last_instruction = None;
        for (inst, rs, script) in cx.run_scripts() {
            // One finding per RUN (a RUN with several heredoc scripts counts once).
            if last_instruction == Some(rs.instruction) {
                continue;
            }
            if crate::checker::is_windows_stage(cx.df, cx.model, rs.instruction) {
                continue;
            }
            let Some(p) = script.pipelines_without_pipefail().find(|p| {
                matters(script, p)
                    && !pipefail_by_parent_shell(script, p)
                    && !in_substitution(script, p)
                    && !last_fails_on_empty_input(script, p)
            }) else {
                continue;
            };
            let stage = |k: usize| -> Vec<&Command> {
                script
                    .stage_commands(p.id, k)
                    .into_iter()
                    .filter_map(|c| script.command(c))
                    .collect()
            };
            let left = (0..p.len.saturating_sub(1))
                .flat_map(stage)
                .find(|c| !harmless(c));
            let last_stage = stage(p.len.saturating_sub(1));
            let (Some(left), Some(last)) = (left, last_stage.last()) else {
                continue;
            };
            let first = stage(0).first().map_or(left.span, |c| c.span);
            last_instruction = Some(rs.instruction);
            let right = last.program().unwrap_or("the last command").to_string();
            let left_name = left.program().unwrap_or("the first command").to_string();
            let alpine = is_alpine(cx, rs.instruction);
            found.push((
                rs.file_span(inst, first.cover(last.span)),
                left_name,
                right,
                alpine,
            ));
        }
        for (span, left, right, alpine) in found {
            let help = if alpine {
                "start the RUN with `set -o pipefail &&` (busybox ash supports it), or use \
                 `SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]`"
            } else {
                "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN \
                 (dash, /bin/sh on Debian/Ubuntu, may reject `set -o pipefail`)"
            };
            cx.report(
                span,
                format!("pipe without `pipefail`: a failure of `{left}` is hidden by `{right}`"),
            )
            .set_help(help);
        }
    }
}

/// Whether a failure left of the last command could go unnoticed and matter.
fn matters(script: &Script, p: &Pipeline) -> bool {
    (0..p.len.saturating_sub(1)).any(|k| {
        script
            .stage_commands(p.id, k)
            .into_iter()
            .filter_map(|c| script.command(c))
            .any(|c| !harmless(c))
    })
}

/// A pipe whose value is captured (`V="$(dpkg --print-architecture | awk …)"`): a
/// failure leaves the value empty, which what uses it then trips over.
fn in_substitution(script: &Script, p: &Pipeline) -> bool {
    let first = (0..p.len)
        .flat_map(|k| script.stage_commands(p.id, k))
        .filter_map(|c| script.command(c))
        .next();
    first.is_some_and(|c| {
        matches!(
            c.origin,
            Origin::CommandSubstitution { .. } | Origin::ProcessSubstitution { .. }
        )
    })
}

/// The last command fails when what it reads is empty or cut short (`grep`,
/// `sha256sum -c`, `gpg --import`, `apt-key add`): an earlier failure shows anyway.
fn last_fails_on_empty_input(script: &Script, p: &Pipeline) -> bool {
    let last = script
        .stage_commands(p.id, p.len.saturating_sub(1))
        .into_iter()
        .filter_map(|c| script.command(c))
        .next_back();
    let Some(c) = last else { return false };
    match c.program() {
        Some("grep" | "egrep" | "fgrep" | "rg") => true,
        Some(p) if p.ends_with("sum") => c.has_flag(&["-c", "--check"]),
        Some("gpg" | "gpg2") => c.has_flag(&["--import", "--verify"]),
        Some("apt-key") => c.positional(0).is_some_and(|w| w.is("add")),
        _ => false,
    }
}

fn harmless(c: &Command) -> bool {
    match c.program() {
        None => true,
        Some("cat") => c.positionals().next().is_none() || c.positionals().all(|w| w.is("-")),
        Some(p) => HARMLESS.contains(&p),
    }
}

/// A pipe inside `bash -o pipefail -c '…'` (or `-euo pipefail`).
fn pipefail_by_parent_shell(script: &Script, p: &Pipeline) -> bool {
    let Some(first) = p.commands.first().and_then(|&c| script.command(c)) else {
        return false;
    };
    let mut origin = first.origin;
    for _ in 0..16 {
        let parent = match origin {
            Origin::ShellString { parent } | Origin::HereDocScript { parent } => parent,
            _ => return false,
        };
        let Some(sh) = script.command(parent) else {
            return false;
        };
        let words: Vec<&str> = sh.args.iter().map(|w| w.text()).collect();
        let on = words.windows(2).any(|w| {
            let opt = w[0];
            (opt == "-o" || (opt.starts_with('-') && !opt.starts_with("--") && opt.ends_with('o')))
                && w[1] == "pipefail"
        });
        if on {
            return true;
        }
        origin = sh.origin;
    }
    false
}

/// Whether the stage of instruction `i` is built on Alpine (busybox ash as /bin/sh).
fn is_alpine(cx: &Checker<'_>, i: usize) -> bool {
    let Some(stage) = cx.model.stage_of(i) else {
        return false;
    };
    match cx.model.root_base(stage.index) {
        Some(Base::Image(r)) => r.contains("alpine"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG408",
            &[
                "FROM a\nRUN curl -fsSL https://x/a.tgz | tar xz\n",
                "FROM a\nRUN wget -qO- https://x/a | gunzip > /a\n",
                "FROM a\nRUN set -e && curl x | tar x\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN curl x | tar x\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN curl x | tar x\n",
                "FROM a\nRUN set -o pipefail; set +o pipefail; curl x | tar x\n",
                "FROM a\nRUN sh -c 'curl x | tar x'\n",
                "FROM a\nRUN cat x.patch | patch -p1\n",
                "FROM a\nRUN tac m.txt | sort > /m\n",
                "FROM a\nRUN mysqldump db | gzip > /db.sql.gz\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG408",
            &[
                "FROM a\nRUN curl -o a https://x/a\n",
                "FROM a\nRUN set -o pipefail && curl x | tar x\n",
                "FROM a\nRUN set -euxo pipefail; curl x | tar x\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | tar x\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\"]\nRUN curl x | tar x\n",
                "FROM a AS b\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN curl x | tar x\n",
                "FROM a\nRUN echo \"$SHA  f\" | sha256sum -c -\n",
                "FROM a\nRUN yes | apt-get install x\n",
                "FROM a\nRUN printf 'a\\nb\\n' | sort\n",
                "FROM a\nRUN bash -o pipefail -c 'curl x | tar x'\n",
                "FROM a\nRUN <<EOF\n#!/bin/bash\nset -euo pipefail\ncurl x | tar x\nEOF\n",
                "FROM a\nRUN yq eval '.a | explode(.)' f > g\n",
                "FROM a\nRUN set -o pipefail && V=$(curl -s https://x/v | jq -r .v) && echo $V\n",
                "FROM a\nRUN V=$(curl -s https://x/v | jq -r .v) && echo $V\n",
                "FROM a\nRUN node -v | grep -q ^v20\n",
                "FROM a\nRUN find / -name x | xargs -r rm\n",
                "FROM a\nRUN find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $(NF-1) }' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual\n",
                "FROM a\nRUN dpkg -l | grep foo | awk '{print $2}' > /pkgs\n",
                "FROM a\nRUN grep f.zip SHA256SUMS | sha256sum -c\n",
                "FROM a\nRUN curl -fsSL https://x/key | gpg --import\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command Get-Item x | Remove-Item\n",
                "# escape=`\nFROM a\nRUN dir | findstr x\n",
                "FROM a\nRUN cat <<EOF | sh\necho hi\nEOF\n",
                "FROM a\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-Item x | Remove-Item\n",
            ],
        );
    }

    #[test]
    fn one_per_run() {
        let d = check("SG408", "FROM a\nRUN curl x | tar x && curl y | tar x\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`curl`"), "{}", d[0].message);
    }

    #[test]
    fn help_depends_on_base() {
        let d = check("SG408", "FROM alpine:3.20\nRUN curl x | tar x\n");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("set -o pipefail &&")
        );
        let d = check("SG408", "FROM debian:12\nRUN curl x | tar x\n");
        assert!(d[0].help.as_deref().unwrap_or("").contains("SHELL"));
    }
}
