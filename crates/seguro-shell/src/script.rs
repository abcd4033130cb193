//! The command model rules query: every simple command of a script with its context.

use crate::args::{self, ParsedArgs};
use crate::span::Span;
use crate::word::Word;

/// Index of a command in [`Script::commands`] (equal to its `sequence_index`).
pub type CommandId = usize;
/// Index of a pipeline in [`Script::pipelines`].
pub type PipelineId = usize;

/// A `NAME=value` assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The variable name (`A` for `A[1]=x` too).
    pub name: String,
    /// The value word (empty word for `A=`).
    pub value: Word,
    /// `NAME+=value`.
    pub append: bool,
    /// The whole `NAME=value` text.
    pub span: Span,
    /// Where it was written.
    pub kind: AssignmentKind,
}

/// Where an assignment was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentKind {
    /// `A=1 cmd`: only for that command's environment.
    Prefix,
    /// `A=1` alone: a shell variable.
    Plain,
    /// An argument of `export`, `declare`, `typeset`, `local`, `readonly`.
    Declaration,
    /// `env A=1 cmd`.
    Env,
}

/// A redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The operator as written: `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`,
    /// `>|`, `<>`.
    pub op: String,
    /// The explicit file descriptor (`2` in `2>&1`).
    pub fd: Option<u32>,
    /// The target: a file, a descriptor (`1` in `2>&1`), a here-string or a here-document
    /// delimiter.
    pub target: Word,
    /// For `<<` / `<<-`: the body (without the terminator line). Its `value` is `None` when
    /// the delimiter is unquoted and the body contains `$` or a backtick.
    pub heredoc: Option<Word>,
}

impl Redirect {
    /// Whether this redirect sends standard output somewhere (`>`, `>>`, `>|`, `&>`, `&>>`
    /// with no fd or fd 1), excluding `>&N` duplications.
    #[must_use]
    pub fn is_stdout_to_file(&self) -> bool {
        match self.op.as_str() {
            ">" | ">>" | ">|" => self.fd.is_none_or(|f| f == 1),
            "&>" | "&>>" => true,
            ">&" => {
                self.fd.is_none_or(|f| f == 1)
                    && !self
                        .target
                        .text()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '-')
            }
            _ => false,
        }
    }

    /// Whether this redirect feeds standard input (`<`, `<<`, `<<-`, `<<<` with no fd or fd 0).
    #[must_use]
    pub fn is_stdin(&self) -> bool {
        matches!(self.op.as_str(), "<" | "<<" | "<<-" | "<<<") && self.fd.is_none_or(|f| f == 0)
    }
}

/// A program that runs the command (`sudo`, `env`, `xargs`, `gosu app`, the `sh` of an
/// `sh -c` string…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    /// Basename of the wrapper (`sudo`, `env`, `xargs`, `nohup`, `exec`, `time`, `command`,
    /// `nice`, `timeout`, `stdbuf`, `su`, `gosu`, `su-exec`, `chroot`, `runuser`, `eval`,
    /// `sh`, `bash`, …).
    pub name: String,
    /// The user it switches to (`sudo -u app`, `gosu app`, `su app -c`, `chroot --userspec`).
    pub user: Option<Word>,
    /// The wrapper's program word.
    pub span: Span,
}

/// How a command came to be in the script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// Written directly in the script (or a subshell, group, loop, function of it).
    #[default]
    Script,
    /// Inside `$( … )` or backticks in a word of `parent` (`None` when the word is not part
    /// of a simple command, e.g. a `for` list).
    CommandSubstitution {
        /// The command whose word holds the substitution.
        parent: Option<CommandId>,
    },
    /// Inside `<( … )` / `>( … )`.
    ProcessSubstitution {
        /// The command whose argument or redirect it is.
        parent: Option<CommandId>,
    },
    /// In the string run by `parent` (`sh -c '…'`, `su -c '…'`, `eval '…'`).
    ShellString {
        /// The shell, `su` or `eval` command.
        parent: CommandId,
    },
    /// In a here-document fed to a shell (`bash <<EOF … EOF`).
    HereDocScript {
        /// The shell command reading it.
        parent: CommandId,
    },
}

/// One simple command.
#[derive(Clone, Debug, Default)]
pub struct Command {
    /// The program after wrappers were removed (`apt-get` in `sudo -E apt-get install`);
    /// `None` for a command made only of assignments or redirections.
    pub name: Option<Word>,
    /// Arguments after the program name.
    pub args: Vec<Word>,
    /// Wrappers in order, outermost first, including those of enclosing `sh -c` strings.
    pub wrappers: Vec<Wrapper>,
    /// `VAR=x` prefixes, plain assignments, `export` arguments and `env VAR=x`.
    pub assignments: Vec<Assignment>,
    /// Redirections of this command.
    pub redirects: Vec<Redirect>,
    /// The whole command, wrappers, assignments and redirects included.
    pub span: Span,
    /// The innermost pipeline holding the command (a lone command is a pipeline of one).
    pub pipeline: PipelineId,
    /// Position in that pipeline (0 for the first).
    pub index_in_pipeline: usize,
    /// Number of commands in that pipeline.
    pub pipeline_len: usize,
    /// The pipeline is negated with `!`.
    pub negated: bool,
    /// The exit status is tested: part of an `if`/`while`/`until` condition, or left of a
    /// `||` in its and-or list.
    pub in_condition: bool,
    /// Run with `&`.
    pub in_background: bool,
    /// Inside `( … )`, a substitution, or a process substitution (changes like `cd` do not
    /// outlive it).
    pub in_subshell: bool,
    /// Inside a function body.
    pub in_function: bool,
    /// Order in the script: a command comes before the commands nested in its words, and
    /// before what follows it.
    pub sequence_index: usize,
    /// How the command came to be.
    pub origin: Origin,
    /// The arguments parsed with the program's option table.
    pub opts: ParsedArgs,
    pub(crate) scope: u32,
    /// Where the program's basename starts in `name`'s value, found once: rules ask for
    /// the program of every command many times. `None`: not known (found on each call).
    pub(crate) program_at: Option<u32>,
}

impl Command {
    /// This command's id.
    #[must_use]
    pub fn id(&self) -> CommandId {
        self.sequence_index
    }

    /// Basename of the program's static name (`/usr/bin/apt-get` gives `apt-get`).
    #[must_use]
    pub fn program(&self) -> Option<&str> {
        let value = self.name.as_ref()?.value.as_deref()?;
        match self.program_at {
            Some(at) => value.get(at as usize..),
            None => Some(crate::word::basename(value)),
        }
    }

    /// Whether the program is `name` (compared by basename).
    #[must_use]
    pub fn is(&self, name: &str) -> bool {
        self.program() == Some(name)
    }

    /// Whether the program is one of `names`.
    #[must_use]
    pub fn is_any(&self, names: &[&str]) -> bool {
        self.program().is_some_and(|p| names.contains(&p))
    }

    /// Whether any of the flags was given (combined short flags such as `-qy` count for
    /// `-y`; `--flag=value` counts for `--flag`; words after `--` never count).
    #[must_use]
    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.opts.has(names)
    }

    /// The value of the first of `name`'s occurrences (attached or the next word for flags
    /// known to take a value).
    #[must_use]
    pub fn flag_value(&self, name: &str) -> Option<&Word> {
        self.opts.value(&[name])
    }

    /// Positional arguments: not options, not values of options known to take one.
    pub fn positionals(&self) -> impl Iterator<Item = &Word> + '_ {
        self.opts
            .positionals
            .iter()
            .filter_map(|&i| self.args.get(i))
    }

    /// The `n`th positional argument.
    #[must_use]
    pub fn positional(&self, n: usize) -> Option<&Word> {
        self.opts.positionals.get(n).and_then(|&i| self.args.get(i))
    }

    /// Whether a wrapper called `name` runs this command.
    #[must_use]
    pub fn has_wrapper(&self, name: &str) -> bool {
        self.wrappers.iter().any(|w| w.name == name)
    }

    /// Where standard output goes when redirected to a file.
    #[must_use]
    pub fn stdout_file(&self) -> Option<&Word> {
        self.redirects
            .iter()
            .rev()
            .find(|r| r.is_stdout_to_file())
            .map(|r| &r.target)
    }

    /// The redirect feeding standard input, if any.
    #[must_use]
    pub fn stdin_redirect(&self) -> Option<&Redirect> {
        self.redirects.iter().rev().find(|r| r.is_stdin())
    }

    /// The name and the arguments.
    pub fn words(&self) -> impl Iterator<Item = &Word> + '_ {
        self.name.iter().chain(self.args.iter())
    }

    /// Re-parses `args[from..]` with another program's option table (for `python -m pip`,
    /// `uv pip`…).
    #[must_use]
    pub(crate) fn opts_from(&self, from: usize, spec: &args::Spec) -> (ParsedArgs, &[Word]) {
        let rest = self.args.get(from..).unwrap_or(&[]);
        (args::parse(rest, spec), rest)
    }
}

/// A pipeline (`a | b | c`; a lone command is a pipeline of one).
#[derive(Clone, Debug, Default)]
pub struct Pipeline {
    /// Its id.
    pub id: PipelineId,
    /// Number of stages.
    pub len: usize,
    /// Negated with `!`.
    pub negated: bool,
    /// When the pipeline sits inside a compound stage of another pipeline
    /// (`(curl …) | sh`): that pipeline and the stage index.
    pub parent: Option<(PipelineId, usize)>,
    /// The commands of the pipeline's own stages (not nested deeper), in order.
    pub commands: Vec<CommandId>,
}

/// An analysed RUN script.
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub(crate) src_len: usize,
    pub(crate) commands: Vec<Command>,
    pub(crate) pipelines: Vec<Pipeline>,
    pub(crate) degraded: bool,
    pub(crate) problems: Vec<String>,
    pub(crate) shell_pipefail: bool,
    /// Checksum and signature checks of the script, found on first use.
    pub(crate) checks: std::sync::OnceLock<Vec<(CommandId, crate::programs::verify::CheckKind)>>,
    /// Nested pipelines per pipeline, built on first use.
    pub(crate) pipeline_children: std::sync::OnceLock<Vec<Vec<(PipelineId, usize)>>>,
}

impl Script {
    /// The commands that check a checksum or a signature, with their kind, in order
    /// (computed once; lets per-download questions stay linear in the script size).
    pub fn checks(&self) -> &[(CommandId, crate::programs::verify::CheckKind)] {
        self.checks.get_or_init(|| {
            self.commands
                .iter()
                .filter_map(|c| Some((c.id(), crate::programs::verify::check_kind(self, c)?)))
                .collect()
        })
    }

    /// Every simple command, nested ones included, in `sequence_index` order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> + '_ {
        self.commands.iter()
    }

    /// The command with this id.
    #[must_use]
    pub fn command(&self, id: CommandId) -> Option<&Command> {
        self.commands.get(id)
    }

    /// Every pipeline.
    pub fn pipelines(&self) -> impl Iterator<Item = &Pipeline> + '_ {
        self.pipelines.iter()
    }

    /// The pipeline with this id.
    #[must_use]
    pub fn pipeline(&self, id: PipelineId) -> Option<&Pipeline> {
        self.pipelines.get(id)
    }

    /// Whether the script (or a nested string of it) could not be parsed by the full
    /// parser and was split by the tolerant tokenizer instead: commands and words are still
    /// there, but compound structure (conditions, subshells) may be approximate.
    #[must_use]
    pub fn degraded(&self) -> bool {
        self.degraded
    }

    /// Why the script is degraded (parser messages), empty otherwise.
    #[must_use]
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Length of the analysed text in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.src_len
    }

    /// Whether the analysed text was empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.src_len == 0
    }

    /// Every assignment of the script, in order.
    pub fn assignments(&self) -> impl Iterator<Item = (&Command, &Assignment)> + '_ {
        self.commands
            .iter()
            .flat_map(|c| c.assignments.iter().map(move |a| (c, a)))
    }

    /// Commands whose program is `name`.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands.iter().filter(move |c| c.is(name))
    }

    /// The commands that read `id`'s standard output through a pipe: the commands of the next
    /// stage of its pipeline, or of the enclosing pipeline when `id` is in a compound stage
    /// (`(curl …) | sh`). Empty when its output goes to a file or nowhere.
    #[must_use]
    pub fn stdout_consumers(&self, id: CommandId) -> Vec<CommandId> {
        let Some(c) = self.commands.get(id) else {
            return Vec::new();
        };
        if c.stdout_file().is_some() {
            return Vec::new();
        }
        let mut pl = c.pipeline;
        let mut idx = c.index_in_pipeline;
        for _ in 0..64 {
            let Some(p) = self.pipelines.get(pl) else {
                break;
            };
            if idx + 1 < p.len {
                return self.stage_commands(pl, idx + 1);
            }
            match p.parent {
                Some((pp, i)) => {
                    pl = pp;
                    idx = i;
                }
                None => break,
            }
        }
        Vec::new()
    }

    /// The first command (in order) of each stage reading `id`'s output through the pipe,
    /// following `tee` and `cat` to what reads from them.
    #[must_use]
    pub fn stdout_readers(&self, id: CommandId) -> Vec<CommandId> {
        let mut out = Vec::new();
        let mut todo = vec![id];
        let mut seen = 0;
        while let Some(c) = todo.pop() {
            seen += 1;
            if seen > 64 {
                break;
            }
            for n in self.stdout_consumers(c) {
                out.push(n);
                if self
                    .commands
                    .get(n)
                    .is_some_and(|x| x.is_any(&["tee", "cat"]))
                {
                    todo.push(n);
                }
            }
        }
        out
    }

    /// All commands in stage `stage` of pipeline `pl`, however deeply nested in a compound
    /// stage (commands of substitutions excluded).
    #[must_use]
    pub fn stage_commands(&self, pl: PipelineId, stage: usize) -> Vec<CommandId> {
        let Some(pipeline) = self.pipelines.get(pl) else {
            return Vec::new();
        };
        let mut out: Vec<CommandId> = pipeline
            .commands
            .iter()
            .copied()
            .filter(|&id| {
                self.commands
                    .get(id)
                    .is_some_and(|c| c.index_in_pipeline == stage)
            })
            .collect();
        // Pipelines nested in that stage (`(a | b) | sh`), at any depth.
        let children = self.pipeline_children();
        let mut stack: Vec<PipelineId> = children
            .get(pl)
            .into_iter()
            .flatten()
            .filter(|&&(_, s)| s == stage)
            .map(|&(child, _)| child)
            .collect();
        let mut budget = self.pipelines.len();
        while let Some(p) = stack.pop() {
            budget = budget.saturating_sub(1);
            if budget == 0 {
                break;
            }
            if let Some(nested) = self.pipelines.get(p) {
                out.extend(nested.commands.iter().copied());
            }
            stack.extend(
                children
                    .get(p)
                    .into_iter()
                    .flatten()
                    .map(|&(child, _)| child),
            );
        }
        out.sort_unstable();
        out
    }

    /// For every pipeline, the pipelines nested in its stages (child, stage).
    fn pipeline_children(&self) -> &[Vec<(PipelineId, usize)>] {
        self.pipeline_children.get_or_init(|| {
            let mut children = vec![Vec::new(); self.pipelines.len()];
            for p in &self.pipelines {
                if let Some((parent, stage)) = p.parent
                    && parent != p.id
                    && let Some(list) = children.get_mut(parent)
                {
                    list.push((p.id, stage));
                }
            }
            children
        })
    }

    /// Whether the shell option `name` (`pipefail`, `errexit`…) is on when command `id`
    /// runs: set by an earlier `set -o name` (or `-e` for errexit, `-u` for nounset, `-x` for
    /// xtrace) in the same shell, or by the image's `SHELL` (pipefail only).
    #[must_use]
    pub fn option_on(&self, id: CommandId, name: &str) -> bool {
        let Some(c) = self.commands.get(id) else {
            return false;
        };
        let mut on = name == "pipefail" && self.shell_pipefail && c.scope == 0;
        for s in self.commands.iter().take(id) {
            if s.scope != c.scope || !s.is("set") {
                continue;
            }
            if let Some(v) = set_toggles(s, name) {
                on = v;
            }
        }
        on
    }

    /// Pipelines of two or more commands that run without `pipefail`.
    pub fn pipelines_without_pipefail(&self) -> impl Iterator<Item = &Pipeline> + '_ {
        self.pipelines.iter().filter(|p| {
            p.len > 1
                && p.commands
                    .first()
                    .is_some_and(|&c| !self.option_on(c, "pipefail"))
        })
    }
}

/// What a `set` command does to option `name` (`Some(true)` on, `Some(false)` off).
fn set_toggles(c: &Command, name: &str) -> Option<bool> {
    let short = match name {
        "errexit" => Some('e'),
        "nounset" => Some('u'),
        "xtrace" => Some('x'),
        "noglob" => Some('f'),
        _ => None,
    };
    let mut result = None;
    let mut expect_name: Option<bool> = None;
    for a in &c.args {
        let t = a.text();
        if let Some(on) = expect_name.take() {
            if t == name {
                result = Some(on);
            }
            continue;
        }
        if t == "--" {
            break;
        }
        let on = if t.starts_with('-') {
            true
        } else if t.starts_with('+') {
            false
        } else {
            break;
        };
        for ch in t.chars().skip(1) {
            if ch == 'o' {
                expect_name = Some(on);
            } else if Some(ch) == short {
                result = Some(on);
            }
        }
    }
    result
}
