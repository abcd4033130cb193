//! What a rule sees: the file, its parse, the stage model, the analysed RUN scripts,
//! the configuration; and where it reports.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::RuleMeta;
use crate::rules::sg5::context::BuildContext;
use seguro_dockerfile::model::{Model, Stage};
use seguro_dockerfile::{Dockerfile, Instruction, Kind, Span};
use seguro_shell::{Analysis, Script};
use std::cell::OnceCell;
use std::path::Path;
use std::sync::Arc;

/// One shell script of a RUN: its shell-form text or a heredoc body run as a script.
#[derive(Debug)]
pub struct RunScript {
    /// Index of the instruction.
    pub instruction: usize,
    pub analysis: Analysis,
    /// File offset of the script's first byte when the script is a verbatim slice of the
    /// file (heredoc bodies); otherwise `None` and spans go through the instruction map.
    heredoc_start: Option<u32>,
    /// Offset of the script inside the instruction's `original` (shell form).
    original_start: usize,
    /// The script's package-manager commands, computed once for all rules, and for each
    /// command (by id) the index of its operation.
    package_ops: std::sync::OnceLock<(Vec<seguro_shell::PackageOp>, Vec<Option<u32>>)>,
    /// Variable assignments by name, computed once for all rules.
    assignments: std::sync::OnceLock<std::collections::HashMap<String, Vec<ScriptAssignment>>>,
}

/// A variable set in a script: by which command, whether only for that command (a
/// `VAR=x cmd` prefix), and to what (as written, quotes removed when static).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptAssignment {
    pub command: seguro_shell::CommandId,
    pub prefix: bool,
    pub value: String,
}

impl RunScript {
    pub fn script(&self) -> Option<&Script> {
        self.analysis.script()
    }

    /// The assignments of variable `name` in the script, in order (indexed on first use,
    /// so per-command lookups stay linear in the script size).
    pub fn assignments_of(&self, name: &str) -> &[ScriptAssignment] {
        let index = self.assignments.get_or_init(|| {
            let mut map: std::collections::HashMap<String, Vec<ScriptAssignment>> =
                std::collections::HashMap::new();
            if let Some(script) = self.script() {
                for (c, a) in script.assignments() {
                    map.entry(a.name.clone())
                        .or_default()
                        .push(ScriptAssignment {
                            command: c.sequence_index,
                            prefix: a.kind == seguro_shell::AssignmentKind::Prefix,
                            value: a.value.text().to_string(),
                        });
                }
            }
            map
        });
        index.get(name).map_or(&[], Vec::as_slice)
    }

    /// The package-manager commands of the script, in order (computed on first use).
    pub fn package_ops(&self) -> &[seguro_shell::PackageOp] {
        &self.indexed_package_ops().0
    }

    /// The package operation of command `c` of this script (computed once for all
    /// rules, with [`RunScript::package_ops`]).
    pub fn package_op(&self, c: &seguro_shell::Command) -> Option<&seguro_shell::PackageOp> {
        let (ops, by_command) = self.indexed_package_ops();
        let k = (*by_command.get(c.id())?)?;
        ops.get(k as usize)
    }

    fn indexed_package_ops(&self) -> &(Vec<seguro_shell::PackageOp>, Vec<Option<u32>>) {
        self.package_ops.get_or_init(|| {
            let Some(script) = self.script() else {
                return Default::default();
            };
            let ops: Vec<seguro_shell::PackageOp> = script
                .commands()
                .filter_map(seguro_shell::package_op)
                .collect();
            let mut by_command = vec![None; script.commands().count()];
            for (k, op) in ops.iter().enumerate() {
                if let Some(slot) = by_command.get_mut(op.command) {
                    *slot = u32::try_from(k).ok();
                }
            }
            (ops, by_command)
        })
    }

    /// The file span of a span inside the script.
    pub fn file_span(&self, inst: &Instruction, span: seguro_shell::Span) -> Span {
        match self.heredoc_start {
            Some(base) => Span {
                start: base + span.start,
                end: base + span.end,
            },
            None => inst.original_span(
                self.original_start + span.start as usize,
                self.original_start + span.end as usize,
            ),
        }
    }
}

/// Analyses every RUN (and ONBUILD RUN) script of a Dockerfile under its SHELL.
pub fn analyse_scripts(df: &Dockerfile, model: &Model<'_>) -> Vec<RunScript> {
    let mut out = Vec::new();
    for (i, inst) in df.instructions.iter().enumerate() {
        let run = match (&inst.kind, &inst.onbuild) {
            (Kind::Run, _) => inst,
            (Kind::Onbuild, Some(child)) if child.kind == Kind::Run => child.as_ref(),
            _ => continue,
        };
        if run.json {
            continue;
        }
        // Without a SHELL, Windows images run RUN under `cmd /S /C`.
        let shell: Vec<String> = model
            .state_before(i)
            .and_then(|s| s.shell.clone())
            .unwrap_or_else(|| {
                if is_windows_stage(df, model, i) {
                    vec!["cmd".into(), "/S".into(), "/C".into()]
                } else {
                    Vec::new()
                }
            });
        let Some((text, start)) = run.shell_script() else {
            continue;
        };
        // `RUN <<EOF` (only heredoc openers on the line): each body is the script.
        let only_heredocs = !run.heredocs.is_empty()
            && text.split_whitespace().all(|w| {
                seguro_dockerfile::parser::parse_heredoc(w)
                    .ok()
                    .flatten()
                    .is_some()
            });
        if only_heredocs {
            for doc in &run.heredocs {
                let body = doc.effective_content();
                // A chomped body is no longer a slice of the file: its findings point
                // at the RUN line instead.
                let verbatim = body == doc.content;
                out.push(RunScript {
                    instruction: i,
                    analysis: seguro_shell::parse_for_shell(&body, &shell),
                    heredoc_start: verbatim.then_some(doc.span.start),
                    original_start: start,
                    package_ops: Default::default(),
                    assignments: Default::default(),
                });
            }
        } else {
            out.push(RunScript {
                instruction: i,
                analysis: seguro_shell::parse_for_shell(text, &shell),
                heredoc_start: None,
                original_start: start,
                package_ops: Default::default(),
                assignments: Default::default(),
            });
        }
    }
    out
}

/// Whether the stage of instruction `i` is built on a Windows image (or the file uses the
/// backtick escape, the Windows convention).
pub fn is_windows_stage(df: &Dockerfile, model: &Model<'_>, i: usize) -> bool {
    if df.escape == '`' {
        return true;
    }
    let Some(stage) = model.stage_of(i) else {
        return false;
    };
    let image = match model.root_base(stage.index) {
        Some(seguro_dockerfile::model::Base::Image(r))
        | Some(seguro_dockerfile::model::Base::Unresolved(r)) => r.to_ascii_lowercase(),
        _ => return false,
    };
    ["windows/", "nanoserver", "servercore", "windowsservercore"]
        .iter()
        .any(|w| image.contains(w))
}

/// The view a rule gets of one Dockerfile.
pub struct Checker<'a> {
    pub file: &'a str,
    pub src: &'a str,
    pub df: &'a Dockerfile,
    pub model: &'a Model<'a>,
    pub config: &'a Config,
    /// `--target`: the stage that is built (default: the last).
    pub target: Option<&'a str>,
    pub scripts: &'a [RunScript],
    /// The build context directory (`--context`, or the Dockerfile's directory); `None`:
    /// the context rules stay quiet.
    pub context_dir: Option<&'a Path>,
    /// Walks shared with the other files of the run.
    pub(crate) context_cache: Option<&'a crate::rules::sg5::context::ContextCache>,
    /// The context, read on first use.
    pub(crate) context: OnceCell<Option<Arc<BuildContext>>>,
    /// The RUNs with their package operations, gathered once for the SG3 rules.
    pub(crate) package_runs: OnceCell<std::rc::Rc<Vec<crate::rules::sg3::Run<'a>>>>,
    /// The ENV and ARG settings, gathered once for the rules that read them.
    pub(crate) settings: OnceCell<std::rc::Rc<Vec<crate::rules::sg4::shared::Setting>>>,
    /// The LABELs, expanded once for the SG7 rules.
    pub(crate) labels: OnceCell<std::rc::Rc<Vec<crate::rules::sg7::labels::Label>>>,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// Reports a finding of the running rule at `span`.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            code: self.rule.code,
            name: self.rule.name,
            severity: self.severity,
            message: message.into(),
            span,
            help: None,
            fix: None,
            related: Vec::new(),
            location: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Instructions with their index.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.df.instructions.iter().enumerate()
    }

    /// Instructions of a kind (ONBUILD triggers not included).
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.df
            .instructions
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.kind == kind)
    }

    /// Every analysed RUN script with its instruction (ONBUILD triggers included).
    pub fn run_scripts(
        &self,
    ) -> impl Iterator<Item = (&'a Instruction, &'a RunScript, &'a Script)> + 'a {
        let df = self.df;
        self.scripts.iter().filter_map(move |rs| {
            let inst = &df.instructions[rs.instruction];
            let run = inst.onbuild.as_deref().unwrap_or(inst);
            Some((run, rs, rs.script()?))
        })
    }

    /// The stage that is built: `--target` or the last.
    pub fn final_stage(&self) -> Option<&'a Stage> {
        self.model.target_stage(self.target)
    }

    /// Indices of instructions that end up in the final image: the final stage's and
    /// those of the stages it is built `FROM`, oldest first.
    pub fn final_image_instructions(&self) -> Vec<usize> {
        let Some(stage) = self.final_stage() else {
            return Vec::new();
        };
        let mut chain = self.model.chain(stage.index);
        chain.reverse();
        chain.iter().flat_map(|s| s.instructions.clone()).collect()
    }

    /// The build context: what it sends, what each COPY/ADD takes, which files are
    /// secrets. Read on the first call (only context rules call it), `None` without a
    /// context directory.
    pub fn build_context(&self) -> Option<Arc<BuildContext>> {
        let dir = self.context_dir?;
        self.context
            .get_or_init(|| Some(Arc::new(BuildContext::load(self, dir))))
            .clone()
    }

    /// Expands a word with the variables in scope before instruction `i`.
    pub fn expand(&self, word: &str, i: usize) -> String {
        self.model
            .expand(word, i)
            .map(|e| e.value)
            .unwrap_or_else(|| word.to_string())
    }
}
