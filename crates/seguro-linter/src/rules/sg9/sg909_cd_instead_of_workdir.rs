//! SG909: `cd` into a lasting directory in RUN, where WORKDIR says it once.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_shell::{Command, Origin, Word};

/// Programs that create a directory whose name the script does not spell out.
const UNPACKERS: &[&str] = &[
    "tar", "bsdtar", "unzip", "7z", "git", "svn", "hg", "gunzip", "bunzip2", "unxz",
];

declare_rule! {
    /// ## What it does
    /// Finds `cd DIR` in a RUN script (heredoc bodies included) when `DIR` is a directory
    /// that outlives the step, so that a `WORKDIR` would say the same thing once. It
    /// follows hadolint's DL3003 but leaves out its known false alarms:
    ///
    /// - `cd` inside a subshell, a command substitution or a function (`(cd src && make)`),
    ///   whose effect ends with it;
    /// - temporary directories (`/tmp/…`, `/var/tmp`, `/dev/shm`, a `$(mktemp -d)` value);
    /// - a directory the same RUN creates, clones or unpacks before entering it
    ///   (`mkdir -p /build && cd /build`, `git clone … repo && cd repo`, `tar -xzf x.tgz -C
    ///   /opt && cd /opt/x-1.0`) or removes afterwards (`… && cd /src/x && make && rm -rf
    ///   /src/x`): WORKDIR would leave an empty directory behind;
    /// - `cd -`, `cd ..`, `cd /`, `cd ~` and a bare `cd`, and directories held in
    ///   variables that the Dockerfile does not define.
    ///
    /// One finding per RUN, on the first such `cd`.
    ///
    /// ## Why it matters
    /// A `cd` only lasts for its RUN: each later RUN, COPY and the CMD start again from
    /// the WORKDIR, so scripts that rely on the `cd` break as soon as steps are split or
    /// reordered, and the image's working directory is not visible to readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix
    /// None: moving the directory into a WORKDIR also changes where later instructions
    /// run.
    ///
    /// ## Aliases
    /// DL3003, DS-0013
    ///
    /// ## References
    /// Chapter 3.1 (hygiene).
    pub struct CdInsteadOfWorkdir {
        code: "SG909",
        name: "cd-instead-of-workdir",
        severity: Info,
        section: "3.1",
        aliases: ["DL3003", "DS-0013"],
        fixable: None,
    }
}

impl Check for CdInsteadOfWorkdir {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            let cmds: Vec<&Command> = script.commands().collect();
            let top = |c: &Command| {
                !c.in_subshell && !c.in_function && matches!(c.origin, Origin::Script)
            };
            // A script that moves between directories is navigating a build tree, which
            // WORKDIR cannot express: only a single change of directory is judged.
            let moves = cmds
                .iter()
                .filter(|c| top(c) && c.is_any(&["cd", "pushd", "popd"]))
                .count();
            if moves != 1 {
                continue;
            }
            let Some(k) = cmds.iter().position(|c| top(c) && c.is("cd")) else {
                continue;
            };
            let c = cmds[k];
            let Some(dir) = c.positional(0) else { continue };
            let Some(value) = resolve(cx, rs.instruction, dir) else {
                continue;
            };
            let dir_path = value.trim_end_matches('/');
            let mounts = mount_targets(cx, rs.instruction);
            if dir_path.is_empty()
                || dir_path.contains(['$', '`', '*', '?'])
                || matches!(dir_path, "-" | "." | "..")
                || dir_path.starts_with('~')
                || dir_path.starts_with("../")
                || is_temporary(dir_path)
                || mounts.iter().any(|m| under(dir_path, m))
            {
                continue;
            }
            let before: Vec<String> = cmds[..k]
                .iter()
                .flat_map(|c| c.args.iter())
                .filter_map(|w| resolve(cx, rs.instruction, w))
                .collect();
            let unpacks = cmds[..k]
                .iter()
                .any(|c| c.program().is_some_and(|p| UNPACKERS.contains(&p)));
            let after = cmds.get(k + 1..).unwrap_or(&[]);
            if made_before(dir_path, &before, unpacks)
                || removed_after(cx, rs.instruction, dir_path, after)
            {
                continue;
            }
            found.push((
                rs.file_span(inst, c.span),
                format!("`cd {value}` only lasts for this RUN; `WORKDIR {value}` sets it for the steps that follow"),
            ));
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("use WORKDIR for directories later steps work in");
        }
    }
}

/// `/tmp`, `/var/tmp`, `/dev/shm` and names that look like temporary directories.
fn is_temporary(path: &str) -> bool {
    ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .any(|t| path == *t || path.starts_with(&format!("{t}/")))
        || path.split('/').any(|c| {
            let c = c.to_ascii_lowercase();
            c == "tmp" || c == "temp" || c.starts_with("tmp.") || c.starts_with("tmp-")
        })
}

/// A shell word's value: static, or resolved with the Dockerfile's ARG/ENV values.
fn resolve(cx: &Checker<'_>, inst: usize, w: &Word) -> Option<String> {
    if let Some(v) = &w.value {
        return Some(v.clone());
    }
    if w.raw.contains("$(") || w.raw.contains('`') {
        return None;
    }
    let e = cx.model.expand(&w.raw, inst)?;
    e.unresolved.is_empty().then_some(e.value)
}

/// Targets of the RUN's `--mount`s (caches, tmpfs, binds): gone after the step.
fn mount_targets(cx: &Checker<'_>, i: usize) -> Vec<String> {
    let Some(inst) = cx.df.instructions.get(i) else {
        return Vec::new();
    };
    let run = inst.onbuild.as_deref().unwrap_or(inst);
    run.flag_values("mount")
        .flat_map(|m| m.split(','))
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            matches!(k.trim(), "target" | "dst" | "destination")
                .then(|| cx.expand(v.trim(), i).trim_end_matches('/').to_string())
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// `path` is `dir` or inside it.
fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    !dir.is_empty() && (path == dir || path.starts_with(&format!("{dir}/")))
}

/// Whether an earlier word of the script names the directory (or, for an absolute one, a
/// parent it writes into), or something unpacked may have created a relative one.
fn made_before(dir: &str, before: &[String], unpacks: bool) -> bool {
    if !dir.starts_with('/') && unpacks {
        return true;
    }
    let first = dir
        .trim_start_matches("./")
        .split('/')
        .next()
        .unwrap_or(dir);
    before.iter().any(|t| {
        let t = t.trim_end_matches('/');
        if t.is_empty() {
            return false;
        }
        if dir.starts_with('/') {
            t == dir || (t.starts_with('/') && t.len() > 1 && under(dir, t))
        } else {
            let base = t.rsplit('/').next().unwrap_or(t);
            let base = base.strip_suffix(".git").unwrap_or(base);
            t == dir || base == first
        }
    })
}

/// Whether a later `rm` removes the directory or a parent of it.
fn removed_after(cx: &Checker<'_>, inst: usize, dir: &str, after: &[&Command]) -> bool {
    after.iter().filter(|c| c.is("rm")).any(|c| {
        c.positionals()
            .filter_map(|w| resolve(cx, inst, w))
            .any(|t| under(dir, &t))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG909",
            &[
                "FROM a\nRUN cd /app && npm ci\n",
                "FROM a\nRUN apt-get update && cd /usr/src/app && make\n",
                "FROM a\nRUN cd /src || exit 1; make\n",
                "FROM a\nRUN cd app && make\n",
                "FROM a\nENV APP=/srv/app\nRUN cd $APP && make\n",
                "FROM a\nRUN <<EOF\nset -e\ncd /app\nmake\nEOF\n",
                "FROM a\nONBUILD RUN cd /app && make\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG909",
            &[
                "FROM a\nWORKDIR /app\nRUN npm ci\n",
                "FROM a\nRUN (cd /app && make)\n",
                "FROM a\nRUN x=$(cd /app && pwd)\n",
                "FROM a\nRUN cd /tmp && curl -O https://x/y.tgz && tar xzf y.tgz\n",
                "FROM a\nRUN cd \"$(mktemp -d)\" && make\n",
                "FROM a\nRUN mkdir -p /build && cd /build && cmake ..\n",
                "FROM a\nRUN git clone https://github.com/x/repo.git && cd repo && make\n",
                "FROM a\nRUN curl -L https://x/y.tgz | tar xz && cd y-1.0 && make\n",
                "FROM a\nRUN tar -xzf /x.tgz -C /opt && cd /opt/x-1.0 && make install\n",
                "FROM a\nRUN cd /usr/src/x && make install && rm -rf /usr/src/x\n",
                "FROM a\nRUN cd - && make\n",
                "FROM a\nRUN cd && ls\n",
                "FROM a\nRUN cd $BUILD_DIR && make\n",
                "FROM a\nRUN echo cd /app\n",
                "FROM a\nRUN f() { cd /app; }; f\n",
                "FROM a\nRUN [\"sh\", \"-c\", \"cd /app\"]\n",
                "FROM a\nRUN cd /src && make && cd -\n",
                "FROM a\nRUN cd /usr/src && tar xf x.tgz && cd x-1 && make && cd /\n",
                "FROM a\nRUN --mount=type=cache,target=/installTmp cd /installTmp && ./install.sh\n",
                "FROM a\nENV G=/var/lib/ghost\nRUN ghost install --dir \"$G\" && cd \"$G\" && ghost config\n",
            ],
        );
    }

    #[test]
    fn span() {
        let src = "FROM a\nRUN apt-get update && cd /srv/app && make\n";
        let d = check("SG909", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].span.range()], "cd /srv/app");
    }
}
