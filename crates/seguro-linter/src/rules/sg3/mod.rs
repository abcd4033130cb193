//! Rules SG3xx (see design/rules.md): package upgrades, version pins, index updates and
//! package caches. One rule per file; the helpers below are shared by the family.

use crate::checker::{Checker, RunScript};
use crate::diagnostic::{Edit, Fix};
use crate::rule::Rule;
use seguro_dockerfile::{Instruction, Kind, Span};
use seguro_shell::{AssignmentKind, Command, Package, PackageKind, PackageOp, Script, Word};
use std::rc::Rc;

pub mod sg301_package_upgrade;
pub mod sg302_update_without_install;
pub mod sg303_pin_apt;
pub mod sg304_pin_apk;
pub mod sg305_pin_pip;
pub mod sg306_pin_npm;
pub mod sg307_pin_gem;
pub mod sg308_pin_rpm;
pub mod sg309_pin_other;
pub mod sg310_pin_go;
pub mod sg311_apt_install_recommends;
pub mod sg312_package_cache_left;
pub mod sg313_noninteractive_install;
pub mod sg314_apt_not_apt_get;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg301_package_upgrade::PackageUpgrade,
    &sg302_update_without_install::UpdateWithoutInstall,
    &sg303_pin_apt::PinApt,
    &sg304_pin_apk::PinApk,
    &sg305_pin_pip::PinPip,
    &sg306_pin_npm::PinNpm,
    &sg307_pin_gem::PinGem,
    &sg308_pin_rpm::PinRpm,
    &sg309_pin_other::PinOther,
    &sg310_pin_go::PinGo,
    &sg311_apt_install_recommends::AptInstallRecommends,
    &sg312_package_cache_left::PackageCacheLeft,
    &sg313_noninteractive_install::NoninteractiveInstall,
    &sg314_apt_not_apt_get::AptNotAptGet,
];

/// The analysed scripts of one RUN instruction (several for `RUN <<A <<B`) and the
/// package-manager commands in them, in execution order.
pub(crate) struct Run<'a> {
    /// Index of the instruction (the ONBUILD for `ONBUILD RUN`).
    pub index: usize,
    /// The RUN itself (the trigger of an ONBUILD).
    pub inst: &'a Instruction,
    pub scripts: Vec<(&'a RunScript, &'a Script)>,
    pub ops: Vec<OpAt<'a>>,
}

/// A package-manager command with the script it is in.
pub(crate) struct OpAt<'a> {
    pub inst: &'a Instruction,
    pub rs: &'a RunScript,
    pub cmd: &'a Command,
    pub op: &'a PackageOp,
    /// Position of the script in [`Run::scripts`] (for ordering across heredocs).
    pub script_pos: usize,
}

impl OpAt<'_> {
    /// The file span of a span of this command's script.
    pub fn file_span(&self, s: seguro_shell::Span) -> Span {
        self.rs.file_span(self.inst, s)
    }

    /// The program word through the subcommand word (`apt-get -y install`).
    pub fn head_span(&self) -> Span {
        let name = self.cmd.name.as_ref().map_or(self.cmd.span, |n| n.span);
        let span = match &self.op.subcommand {
            Some(sub) if sub.span.start >= name.start => name.cover(sub.span),
            _ => name,
        };
        self.file_span(span)
    }

    /// `apt-get install`, `pip install`, `yarn add` (the manager and its subcommand).
    pub fn label(&self) -> String {
        let program = match self.op.manager {
            seguro_shell::Manager::Pip => "pip".to_string(),
            _ => self
                .cmd
                .program()
                .unwrap_or(self.op.manager.name())
                .to_string(),
        };
        match &self.op.subcommand {
            Some(sub) => format!("{program} {}", sub.text()),
            None => program,
        }
    }

    /// Ordering key inside a RUN.
    pub fn order(&self) -> (usize, usize) {
        (self.script_pos, self.cmd.sequence_index)
    }

    /// The subcommand word when it is literally `expected` (`install`).
    pub fn sub_is(&self, expected: &[&str]) -> bool {
        self.op
            .subcommand
            .as_ref()
            .is_some_and(|w| expected.iter().any(|e| w.is(e)))
    }
}

/// Every RUN with an analysed script, with its package-manager commands (gathered once
/// per file for all the rules that ask).
pub(crate) fn runs<'a>(cx: &Checker<'a>) -> Rc<Vec<Run<'a>>> {
    cx.package_runs
        .get_or_init(|| Rc::new(gather_runs(cx)))
        .clone()
}

fn gather_runs<'a>(cx: &Checker<'a>) -> Vec<Run<'a>> {
    let mut out: Vec<Run<'a>> = Vec::with_capacity(cx.scripts.len());
    for (inst, rs, script) in cx.run_scripts() {
        if out.last().is_none_or(|r| r.index != rs.instruction) {
            out.push(Run {
                index: rs.instruction,
                inst,
                scripts: Vec::new(),
                ops: Vec::new(),
            });
        }
        let Some(run) = out.last_mut() else { continue };
        let script_pos = run.scripts.len();
        run.scripts.push((rs, script));
        run.ops.reserve(rs.package_ops().len());
        for op in rs.package_ops() {
            if simulates(op) || query(op) {
                continue;
            }
            if let Some(cmd) = script.command(op.command) {
                run.ops.push(OpAt {
                    inst,
                    rs,
                    cmd,
                    op,
                    script_pos,
                });
            }
        }
    }
    out
}

/// `apt-get install -s …` (a dry run): installs, upgrades and asks nothing.
fn simulates(op: &PackageOp) -> bool {
    op.manager.family() == "apt"
        && op.has_flag(&[
            "-s",
            "--simulate",
            "--just-print",
            "--dry-run",
            "--recon",
            "--no-act",
        ])
}

/// `yarn --version`, `yarn -v`, `yarn --help`: bare `yarn` is an install, these are not.
fn query(op: &PackageOp) -> bool {
    op.subcommand.is_none() && op.has_flag(&["--version", "-v", "-V", "--help", "-h"])
}

/// Every command of a RUN with its ordering key.
pub(crate) fn commands<'r>(
    run: &'r Run<'_>,
) -> impl Iterator<Item = ((usize, usize), &'r Command)> {
    run.scripts
        .iter()
        .enumerate()
        .flat_map(|(pos, (_, s))| s.commands().map(move |c| ((pos, c.sequence_index), c)))
}

/// A finding collected while the checker is borrowed, reported afterwards.
pub(crate) struct Finding {
    pub span: Span,
    pub message: String,
    pub help: String,
    pub related: Vec<(Span, String)>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(span: Span, message: String, help: impl Into<String>) -> Finding {
        Finding {
            span,
            message,
            help: help.into(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn emit(self, cx: &mut Checker<'_>) {
        let d = cx.report(self.span, self.message);
        d.set_help(self.help);
        for (span, message) in self.related {
            d.add_related(span, message);
        }
        if let Some(fix) = self.fix {
            d.set_fix(fix);
        }
    }
}

/// An edit inserting ` text` right after `word`, when the file holds the word there as
/// written (no quoting, not a chomped heredoc body).
pub(crate) fn insert_after(src: &str, at: &OpAt<'_>, word: &Word, text: &str) -> Option<Edit> {
    if word.value.as_deref() != Some(word.raw.as_str()) || word.quoted {
        return None;
    }
    let span = at.file_span(word.span);
    if src.get(span.range()) != Some(word.raw.as_str()) {
        return None;
    }
    Some(Edit {
        span: Span::empty(span.end as usize),
        replacement: format!(" {text}"),
    })
}

/// The names of the variables a word uses (`$A`, `${B:-x}`), `None` when it also holds a
/// command substitution, arithmetic or a special parameter.
fn variables(raw: &str) -> Option<Vec<String>> {
    if raw.contains("$(") || raw.contains('`') {
        return None;
    }
    let bytes = raw.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = if braced { i + 2 } else { i + 1 };
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        let name = &raw[start..end];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        names.push(name.to_string());
        i = end;
    }
    Some(names)
}

/// The words a dynamic package argument stands for when its value is known before the
/// RUN runs: a variable set earlier in the script to a static value
/// (`deps='curl git' && apt-get install $deps`), or ARG/ENV variables with values in scope
/// (`$PKGS` with `ARG PKGS="curl git"`). Each word gets the argument's span. `None` when
/// something stays unknown (a loop variable, a value computed at run time, an ARG without
/// a default, a command substitution).
pub(crate) fn resolve_word(
    cx: &Checker<'_>,
    run: &Run<'_>,
    at: &OpAt<'_>,
    w: &Word,
) -> Option<Vec<Word>> {
    let names = variables(&w.raw)?;
    let script = at.rs.script()?;
    let mut value: Option<String> = None;
    for name in &names {
        let set: Vec<_> = script
            .assignments()
            .filter(|(c, a)| {
                &a.name == name && (a.kind != AssignmentKind::Prefix || c.id() == at.cmd.id())
            })
            .collect();
        let loop_var = run.scripts.iter().any(|(_, s)| {
            s.commands()
                .any(|c| c.is_any(&["read", "for", "getopts"]) && c.args.iter().any(|a| a.is(name)))
        });
        if loop_var {
            return None;
        }
        if set.is_empty() {
            continue;
        }
        // A script variable: only `$name` alone, set once before the command.
        let (c, a) = set.last()?;
        let alone = w.raw.trim_matches('"') == format!("${name}")
            || w.raw.trim_matches('"') == format!("${{{name}}}");
        if set.len() > 1 || c.id() > at.cmd.id() || a.append || !alone {
            return None;
        }
        value = Some(a.value.value.clone()?);
    }
    let value = match value {
        Some(v) => v,
        None => {
            let state = cx.model.state_before(run.index)?;
            if !names.iter().all(|n| state.declares(n)) {
                return None;
            }
            let expanded = cx.model.expand(&w.raw, run.index)?;
            if !expanded.unresolved.is_empty() {
                return None;
            }
            expanded.value
        }
    };
    let words: Vec<Word> = value
        .split_whitespace()
        .filter(|s| *s != "\\")
        .map(|s| Word {
            raw: s.to_string(),
            value: Some(s.to_string()),
            span: w.span,
            quoted: false,
        })
        .collect();
    (!words.is_empty()).then_some(words)
}

/// Options hidden in variables of the command (`apt-get install $APT_OPTS curl`): the
/// words starting with `-` they stand for, or `None` when a variable's value is unknown
/// (it could hold any option).
pub(crate) fn variable_flags(
    cx: &Checker<'_>,
    run: &Run<'_>,
    at: &OpAt<'_>,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for w in at.cmd.args.iter().filter(|w| !w.is_static()) {
        let words = resolve_word(cx, run, at, w)?;
        out.extend(
            words
                .into_iter()
                .filter(|w| w.raw.starts_with('-'))
                .map(|w| w.raw),
        );
    }
    Some(out)
}

/// How a pin rule reads the packages of the commands it looks at.
pub(crate) struct PinCheck<'s> {
    /// The commands the rule looks at.
    pub select: &'s dyn Fn(&Checker<'_>, &OpAt<'_>) -> bool,
    /// Parses a word a variable stood for, as the manager would read it.
    pub reparse: &'s dyn Fn(&OpAt<'_>, &Word) -> Package,
    /// Whether a package is reported (default: [`unpinned`]).
    pub report: &'s dyn Fn(&OpAt<'_>, &Package) -> bool,
    /// How to pin, for the help line.
    pub help: &'s str,
}

/// A registry package named without a version (VCS sources without a ref included).
pub(crate) fn unpinned(p: &Package) -> bool {
    !p.pinned && matches!(p.kind, PackageKind::Name | PackageKind::Vcs)
}

/// Reports, once per command, the packages it installs without a version.
pub(crate) fn report_unpinned(cx: &mut Checker<'_>, check: &PinCheck<'_>) {
    let mut findings = Vec::new();
    for run in runs(cx).iter() {
        for at in run.ops.iter().filter(|at| (check.select)(cx, at)) {
            let mut found: Vec<(Span, String)> = Vec::new();
            let mut vars: Vec<&str> = Vec::new();
            for p in &at.op.packages {
                if p.kind == PackageKind::Dynamic {
                    let Some(word) = at.cmd.args.iter().find(|a| a.span == p.span) else {
                        continue;
                    };
                    for w in resolve_word(cx, run, at, word).unwrap_or_default() {
                        let q = (check.reparse)(at, &w);
                        if (check.report)(at, &q) {
                            found.push((at.file_span(p.span), format!("`{}`", w.raw)));
                            if !vars.contains(&word.raw.as_str()) {
                                vars.push(&word.raw);
                            }
                        }
                    }
                } else if p.name.starts_with('-') {
                    // `gem install x -- --with-opt`: build options after `--`.
                    continue;
                } else if (check.report)(at, p) {
                    // As written (`b@latest`), or the name when it is not a word of its own.
                    let shown = at
                        .cmd
                        .args
                        .iter()
                        .find(|a| a.span == p.span)
                        .map_or(p.name.as_str(), |a| a.text());
                    found.push((at.file_span(p.span), format!("`{shown}`")));
                }
            }
            let Some((first, _)) = found.first().cloned() else {
                continue;
            };
            let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
            let list = name_list(&names);
            let source = if vars.is_empty() {
                String::new()
            } else {
                let vars: Vec<String> = vars.iter().map(|v| format!("`{v}`")).collect();
                format!(" (names from {})", vars.join(", "))
            };
            let mut f = Finding::new(
                first,
                format!(
                    "`{}` installs {list} without a pinned version{source}",
                    at.label()
                ),
                check.help,
            );
            f.related = found
                .iter()
                .skip(1)
                .map(|(s, n)| (*s, format!("{n} is not pinned either")))
                .collect();
            findings.push(f);
        }
    }
    for f in findings {
        f.emit(cx);
    }
}

/// The value of an environment variable when command `at` runs: set by the script before
/// it (or as its prefix), or by an ARG/ENV in scope. `None` when unset, empty or unknown.
pub(crate) fn env_value(cx: &Checker<'_>, at: &OpAt<'_>, name: &str) -> Option<String> {
    let here = at.cmd.sequence_index;
    let set = at
        .rs
        .assignments_of(name)
        .iter()
        .rfind(|a| a.command == here || (!a.prefix && a.command < here));
    if let Some(a) = set {
        return Some(a.value.clone()).filter(|v| !v.is_empty());
    }
    let e = cx
        .model
        .expand(&format!("${{{name}}}"), at.rs.instruction)?;
    (e.unresolved.is_empty() && !e.value.is_empty()).then_some(e.value)
}

/// `a`, `a and b`, `a, b, c and 4 more`.
pub(crate) fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 4;
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        _ if names.len() <= SHOWN + 1 => {
            let (last, head) = names.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}", head.join(", "))
        }
        _ => format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

/// Targets of the RUN's cache and tmpfs mounts (`--mount=type=cache,target=/x`), with
/// ARG/ENV expanded and no trailing `/`.
pub(crate) fn cache_mount_targets(cx: &Checker<'_>, run: &Run<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for m in run.inst.mounts() {
        if !matches!(m.kind.as_str(), "cache" | "tmpfs") {
            continue;
        }
        if let Some(t) = &m.target {
            let t = cx.expand(t, run.index);
            out.push(trim_dir(&t).to_string());
        }
    }
    out
}

/// A path without trailing `/`, `/*` or `/.` (`/var/lib/apt/lists/*` gives
/// `/var/lib/apt/lists`); `/` stays `/`.
pub(crate) fn trim_dir(p: &str) -> &str {
    let mut p = p;
    loop {
        let q = p
            .strip_suffix("/*")
            .or_else(|| p.strip_suffix("/."))
            .or_else(|| p.strip_suffix('/'))
            .unwrap_or(p);
        if q == p || q.is_empty() {
            return if q.is_empty() { "/" } else { q };
        }
        p = q;
    }
}

/// Whether `dir` is `root` or lies under it, by path components.
pub(crate) fn under(dir: &str, root: &str) -> bool {
    let (dir, root) = (trim_dir(dir), trim_dir(root));
    root == "/" || dir == root || dir.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// Whether an instruction of `i`'s stage chain before `i` (its text with heredoc bodies,
/// split into lines and `&&` parts) has a part matching `pred`, lower-cased. Used for
/// package-manager settings written to a config file by an earlier step.
pub(crate) fn earlier_setting(cx: &Checker<'_>, i: usize, pred: impl Fn(&str) -> bool) -> bool {
    let Some(stage) = cx.model.stage_of(i) else {
        return false;
    };
    cx.model
        .chain(stage.index)
        .iter()
        .flat_map(|s| s.instructions.clone())
        .filter(|&j| j < i)
        .filter_map(|j| cx.df.instructions.get(j))
        .filter(|inst| matches!(inst.kind, Kind::Run | Kind::Copy | Kind::Add | Kind::Env))
        .any(|inst| {
            let bodies = inst.heredocs.iter().map(|h| h.content.as_str());
            std::iter::once(inst.original.as_str())
                .chain(bodies)
                .flat_map(|t| t.lines())
                .flat_map(|l| l.split("&&"))
                .any(|part| pred(&part.to_ascii_lowercase()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(trim_dir("/var/lib/apt/lists/*"), "/var/lib/apt/lists");
        assert_eq!(trim_dir("/"), "/");
        assert_eq!(trim_dir("/x//"), "/x");
        assert!(under("/var/lib/apt/lists", "/var/lib/apt"));
        assert!(!under("/var/lib/aptx", "/var/lib/apt"));
        assert_eq!(variables("${A:-x}$B"), Some(vec!["A".into(), "B".into()]));
        assert_eq!(variables("$(cat x)"), None);
        assert_eq!(variables("$1"), None);
        assert_eq!(name_list(&["a", "b"]), "a and b");
        assert_eq!(
            name_list(&["a", "b", "c", "d", "e", "f"]),
            "a, b, c, d and 2 more"
        );
        assert_eq!(name_list(&["a", "b", "c", "d", "e"]), "a, b, c, d and e");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "",
            "FROM a\nRUN\n",
            "FROM a\nRUN apt-get\n",
            "FROM a\nRUN apt-get install\n",
            "FROM a\nRUN pip\n",
            "FROM a\nRUN python -m pip\n",
            "FROM a\nRUN yarn\n",
            "FROM a\nRUN $X install -y $Y\n",
            "FROM a\nRUN apt-get install -y ${\n",
            "FROM a\nRUN apt-get install -y \"${A:-b}\" $@ $1 ${#X}\n",
            "FROM a\nARG P=\nRUN apk add $P\n",
            "FROM a\nRUN apt-get install -y caf\u{e9}=1 \u{e9}t\u{e9}\n",
            "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get install curl\n",
            "FROM a\nRUN --mount=type=cache apt-get update\n",
            "FROM a\nRUN --mount=target apt-get update\n",
            "FROM a\nRUN <<-EOF\n\tapt-get install curl\n\tEOF\n",
            "FROM a\nONBUILD RUN pip install x\n",
            "RUN apt-get install curl\n",
            "FROM a\nRUN rm -rf / && apt-get update\n",
            "FROM a\nRUN dnf module install\n",
            "FROM a\nRUN go install @latest\n",
        ];
        for rule in RULES {
            for src in inputs {
                for d in crate::rules::test_support::check(rule.meta().code, src) {
                    assert!(
                        d.span.end as usize <= src.len()
                            && src.is_char_boundary(d.span.start as usize)
                            && src.is_char_boundary(d.span.end as usize),
                        "{}: span {:?} outside {src:?}",
                        rule.meta().code,
                        d.span
                    );
                }
            }
        }
    }

    /// Lints every file of the dev corpus with only this family's rules and prints
    /// per-rule counts and a sample of findings (`-- --ignored --nocapture`).
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)]
    fn corpus() {
        let codes: Vec<&'static str> = RULES.iter().map(|r| r.meta().code).collect();
        crate::rules::test_support::corpus_survey(&codes);
    }
}
