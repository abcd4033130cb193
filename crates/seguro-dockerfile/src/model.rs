//! The semantic model: stages, what each is built on, the chain a stage inherits
//! from, ARG/ENV scopes with BuildKit's expansion, and the effective USER, WORKDIR,
//! SHELL and ENV before every instruction.

use crate::ast::{Dockerfile, Instruction, Kind};
use crate::lex::{Env, Lexer};
use crate::span::Span;
use std::collections::HashMap;
use std::rc::Rc;

/// ARGs BuildKit defines itself (platform ARGs are usable in FROM lines without a
/// declaration; proxy ARGs are accepted without one).
pub const BUILTIN_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETSTAGE",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// An ARG declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDef {
    pub name: String,
    /// The default as written (before expansion), if any.
    pub default: Option<String>,
    pub instruction: usize,
    pub span: Span,
}

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference (after ARG expansion).
    Image(String),
    /// The reference could not be resolved (undeclared ARG, empty value).
    Unresolved(String),
}

/// One build stage.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// Lower-cased alias (`AS name`).
    pub name: Option<String>,
    pub name_span: Option<Span>,
    /// The FROM argument as written.
    pub base_raw: String,
    pub base_span: Span,
    /// The base after expanding global ARGs.
    pub base: Base,
    /// Variables in the FROM argument without a value: undeclared, or declared globally
    /// without a default (BuildKit's built-in ARGs excepted).
    pub base_unresolved: Vec<String>,
    pub platform: Option<String>,
    /// Index of the FROM instruction.
    pub from_index: usize,
    /// Indices of the stage's instructions, FROM included.
    pub instructions: std::ops::Range<usize>,
}

/// The effective settings before an instruction runs.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The last USER in effect and the instruction that set it (`None`: the base
    /// image's user, unknown from the Dockerfile).
    pub user: Option<(String, usize)>,
    pub workdir: Option<String>,
    /// SHELL in effect (`None`: the default `/bin/sh -c`).
    pub shell: Option<Vec<String>>,
    /// ENV set so far (inherited from stage bases), in order, later wins.
    pub env: Rc<Vec<(String, String)>>,
    /// ARGs in scope with their values (`None`: declared without a value).
    pub args: Rc<Vec<(String, Option<String>)>>,
}

impl State {
    fn lookup(&self, name: &str) -> Option<&str> {
        // ENV wins over ARG of the same name, as in BuildKit.
        if let Some((_, v)) = self.env.iter().rev().find(|(k, _)| k == name) {
            return Some(v);
        }
        self.args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Whether a name is declared (ARG, even without value, or ENV).
    pub fn declares(&self, name: &str) -> bool {
        self.env.iter().any(|(k, _)| k == name) || self.args.iter().any(|(k, _)| k == name)
    }
}

impl Env for State {
    fn get(&self, name: &str) -> Option<&str> {
        self.lookup(name)
    }
    fn keys(&self) -> Vec<&str> {
        self.env
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(
                self.args
                    .iter()
                    .filter(|(_, v)| v.is_some())
                    .map(|(k, _)| k.as_str()),
            )
            .collect()
    }
}

/// A word expanded with the variables in scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Variables used but not set (declared without a value, or undeclared).
    pub unresolved: Vec<String>,
}

/// Stages and scopes of a Dockerfile.
#[derive(Debug)]
pub struct Model<'a> {
    pub dockerfile: &'a Dockerfile,
    /// ARGs declared before the first FROM.
    pub global_args: Vec<ArgDef>,
    pub stages: Vec<Stage>,
    /// For every instruction, the state before it (`None` before the first FROM).
    states: Vec<Option<State>>,
    /// The global ARG scope (values expanded in order).
    global_state: State,
    /// For instructions before the first FROM, the global scope before each.
    global_before: Vec<Option<State>>,
}

impl<'a> Model<'a> {
    pub fn new(df: &'a Dockerfile) -> Self {
        let mut model = Model {
            dockerfile: df,
            global_args: Vec::new(),
            stages: Vec::new(),
            states: vec![None; df.instructions.len()],
            global_state: State::default(),
            global_before: vec![None; df.instructions.len()],
        };
        model.build();
        model
    }

    fn build(&mut self) {
        let df = self.dockerfile;
        let lexer = Lexer::new(df.escape);
        let mut global = State::default();
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut current: Option<State> = None;
        let mut stage_end_states: Vec<State> = Vec::new();
        for (i, inst) in df.instructions.iter().enumerate() {
            if inst.kind == Kind::From {
                if let (Some(state), Some(_)) = (current.take(), self.stages.last()) {
                    stage_end_states.push(state);
                }
                if let Some(last) = self.stages.last_mut() {
                    last.instructions.end = i;
                }
                let stage = self.make_stage(inst, i, &global, &lexer, &names);
                if let Some(name) = &stage.name {
                    names.entry(name.clone()).or_insert(stage.index);
                }
                // A stage built FROM an earlier stage inherits its ARGs, ENV, USER,
                // WORKDIR and SHELL; any other stage starts empty.
                let state = match stage.base {
                    Base::Stage(b) => stage_end_states.get(b).cloned().unwrap_or_default(),
                    _ => State::default(),
                };
                self.states[i] = Some(state.clone());
                current = Some(state);
                self.stages.push(stage);
                continue;
            }
            let Some(state) = current.as_mut() else {
                self.global_before[i] = Some(global.clone());
                // Before the first FROM: only ARG is meaningful.
                if inst.kind == Kind::Arg {
                    for (name, default, span) in arg_pairs(inst) {
                        let value = default
                            .as_ref()
                            .map(|d| lexer.process_word(d, &global).unwrap_or_else(|_| d.clone()));
                        Rc::make_mut(&mut global.args).push((name.clone(), value));
                        self.global_args.push(ArgDef {
                            name,
                            default,
                            instruction: i,
                            span,
                        });
                    }
                }
                continue;
            };
            self.states[i] = Some(state.clone());
            apply(state, inst, i, &lexer, &global);
        }
        if let Some(last) = self.stages.last_mut() {
            last.instructions.end = df.instructions.len();
        }
        self.global_state = global;
    }

    fn make_stage(
        &self,
        inst: &Instruction,
        i: usize,
        global: &State,
        lexer: &Lexer,
        names: &HashMap<String, usize>,
    ) -> Stage {
        let base_arg = inst.args.first();
        let base_raw = base_arg.map(|a| a.value.clone()).unwrap_or_default();
        let (name, name_span) = match inst.args.get(2) {
            Some(a) if inst.args.len() == 3 && inst.args[1].value.eq_ignore_ascii_case("as") => {
                (Some(a.value.to_lowercase()), Some(a.span))
            }
            _ => (None, None),
        };
        let expanded = lexer.process_word_with_matches(&base_raw, global);
        let mut unresolved = Vec::new();
        let base = match expanded {
            Ok(e) => {
                unresolved = e
                    .unmatched
                    .into_iter()
                    .filter(|v| !BUILTIN_ARGS.contains(&v.as_str()))
                    .collect();
                let lowered = e.result.to_lowercase();
                if let Some(&s) = names.get(&lowered) {
                    Base::Stage(s)
                } else if lowered == "scratch" {
                    Base::Scratch
                } else if e.result.is_empty()
                    || crate::reference::ImageRef::parse_normalized(&e.result).is_err()
                {
                    Base::Unresolved(e.result)
                } else {
                    Base::Image(e.result)
                }
            }
            Err(_) => Base::Unresolved(base_raw.clone()),
        };
        Stage {
            index: self.stages.len(),
            name,
            name_span,
            base_span: base_arg.map(|a| a.span).unwrap_or(inst.keyword_span),
            base_raw,
            base,
            base_unresolved: unresolved,
            platform: inst.flag("platform").and_then(|f| f.value.clone()),
            from_index: i,
            instructions: i..i + 1,
        }
    }

    /// The stage an instruction belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.instructions.contains(&instruction))
    }

    /// The stage built by default (the last), or the one named `target`.
    pub fn target_stage(&self, target: Option<&str>) -> Option<&Stage> {
        match target {
            Some(t) => self.stage_by_name(t),
            None => self.stages.last(),
        }
    }

    /// A stage by alias (case-insensitive) or by index number.
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let lowered = name.to_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lowered.as_str()))
            .or_else(|| name.parse::<usize>().ok().and_then(|i| self.stages.get(i)))
    }

    /// The stage and the stages it is built on, nearest first.
    pub fn chain(&self, stage: usize) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut cur = self.stages.get(stage);
        while let Some(s) = cur {
            if out.iter().any(|o: &&Stage| o.index == s.index) {
                break;
            }
            out.push(s);
            cur = match s.base {
                Base::Stage(b) if b < s.index => self.stages.get(b),
                _ => None,
            };
        }
        out
    }

    /// The image a stage ultimately starts from (following stage bases).
    pub fn root_base(&self, stage: usize) -> Option<&Base> {
        self.chain(stage).last().map(|s| &s.base)
    }

    /// The state before instruction `i` (`None` before the first FROM).
    pub fn state_before(&self, i: usize) -> Option<&State> {
        self.states.get(i).and_then(Option::as_ref)
    }

    /// The state at the end of a stage (after its last instruction).
    pub fn state_after_stage(&self, stage: usize) -> Option<State> {
        let s = self.stages.get(stage)?;
        let last = s.instructions.end.checked_sub(1)?;
        let mut state = self.state_before(last)?.clone();
        let lexer = Lexer::new(self.dockerfile.escape);
        if last != s.from_index {
            apply(
                &mut state,
                &self.dockerfile.instructions[last],
                last,
                &lexer,
                &self.global_state,
            );
        }
        Some(state)
    }

    /// Expands a word with the variables in scope before instruction `i` (global ARGs
    /// before the first FROM). Errors (bad `${…}` syntax, `${X?msg}`) give `None`.
    pub fn expand(&self, word: &str, i: usize) -> Option<Expanded> {
        // Without `$`, quotes or the escape character the lexer gives the word back as it
        // is: most words, and the common case in rules that expand every argument.
        let escape = self.dockerfile.escape;
        if !word.contains(['$', '\'', '"', escape]) {
            return Some(Expanded {
                value: word.to_owned(),
                unresolved: Vec::new(),
            });
        }
        let lexer = Lexer::new(escape);
        let is_from = self.dockerfile.instructions.get(i).map(|x| x.kind) == Some(Kind::From);
        let env: &dyn Env = match (is_from, self.global_before.get(i).and_then(Option::as_ref)) {
            (true, _) => &self.global_state,
            (false, Some(global)) => global,
            (false, None) => self.state_before(i).unwrap_or(&self.global_state),
        };
        let e = lexer.process_word_with_matches(word, env).ok()?;
        Some(Expanded {
            value: e.result,
            unresolved: e.unmatched.into_iter().collect(),
        })
    }

    /// Global ARG scope (what FROM lines see).
    pub fn global_state(&self) -> &State {
        &self.global_state
    }
}

/// ARG name/default pairs with the span of each word.
pub fn arg_pairs(inst: &Instruction) -> Vec<(String, Option<String>, Span)> {
    inst.args
        .iter()
        .map(|a| match a.value.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v)), a.span),
            None => (a.value.clone(), None, a.span),
        })
        .collect()
}

/// Removes the quoting a word kept from the line parser (ARG values), without expanding.
fn unquote(v: &str) -> String {
    let lexer = Lexer {
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    lexer
        .process_word(v, &crate::lex::EmptyEnv)
        .unwrap_or_else(|_| v.to_string())
}

/// Applies one instruction's effect on the state.
fn apply(state: &mut State, inst: &Instruction, i: usize, lexer: &Lexer, global: &State) {
    match inst.kind {
        Kind::Arg => {
            for (name, default, _) in arg_pairs(inst) {
                let value = match default {
                    Some(d) => Some(lexer.process_word(&d, &*state).unwrap_or(d)),
                    // `ARG NAME` in a stage takes the global default, if any.
                    None => global
                        .args
                        .iter()
                        .rev()
                        .find(|(k, _)| *k == name)
                        .and_then(|(_, v)| v.clone()),
                };
                Rc::make_mut(&mut state.args).push((name, value));
            }
        }
        Kind::Env => {
            // Every value is expanded with the variables as they were before the
            // instruction (BuildKit: `ENV A=1 B=$A` leaves B empty unless A was set).
            let values: Vec<&str> = inst.values().collect();
            let pairs: Vec<(String, String)> = values
                .chunks(3)
                .filter_map(|triple| match triple {
                    [k, v, ..] => Some((
                        k.to_string(),
                        lexer
                            .process_word(v, &*state)
                            .unwrap_or_else(|_| v.to_string()),
                    )),
                    _ => None,
                })
                .collect();
            let env = Rc::make_mut(&mut state.env);
            for (k, value) in pairs {
                env.retain(|(name, _)| *name != k);
                env.push((k, value));
            }
        }
        Kind::User => {
            if let Some(a) = inst.args.first() {
                let user = lexer
                    .process_word(&a.value, &*state)
                    .unwrap_or_else(|_| a.value.clone());
                state.user = Some((user, i));
            }
        }
        Kind::Workdir => {
            if let Some(a) = inst.args.first() {
                let dir = lexer
                    .process_word(&a.value, &*state)
                    .unwrap_or_else(|_| a.value.clone());
                state.workdir = Some(if dir.starts_with('/') {
                    dir
                } else {
                    let base = state.workdir.clone().unwrap_or_else(|| "/".to_string());
                    format!("{}/{}", base.trim_end_matches('/'), dir)
                });
            }
        }
        Kind::Shell if inst.json => {
            state.shell = Some(inst.values().map(str::to_string).collect());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn stages_and_chains() {
        let df = parse(
            "ARG BASE=alpine:3.20\nFROM $BASE AS build\nUSER app\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\n",
        );
        let m = Model::new(&df);
        assert_eq!(m.stages.len(), 3);
        assert_eq!(m.stages[0].base, Base::Image("alpine:3.20".into()));
        assert_eq!(m.stages[1].base, Base::Stage(0));
        assert_eq!(m.stages[2].base, Base::Scratch);
        let chain: Vec<_> = m.chain(1).iter().map(|s| s.index).collect();
        assert_eq!(chain, [1, 0]);
        // USER is inherited through `FROM build`.
        let end = m.state_after_stage(1).unwrap();
        assert_eq!(end.user.as_ref().map(|u| u.0.as_str()), Some("app"));
        assert!(m.state_after_stage(2).unwrap().user.is_none());
    }

    #[test]
    fn arg_and_env_scopes() {
        let df = parse("ARG V=1\nFROM a\nARG V\nENV P=/opt/$V\nWORKDIR $P\nWORKDIR sub\nRUN x\n");
        let m = Model::new(&df);
        let st = m.state_before(6).unwrap();
        assert_eq!(st.workdir.as_deref(), Some("/opt/1/sub"));
        assert_eq!(m.expand("${P}-$NOPE", 6).unwrap().unresolved, ["NOPE"]);
        assert_eq!(m.expand("$P", 6).unwrap().value, "/opt/1");
    }

    #[test]
    fn args_flow_to_child_stages_and_env_uses_the_state_before() {
        let df = parse(
            "FROM a AS base\nARG V=1\nFROM base AS child\nENV A=x B=$A C=$V\nRUN x\nFROM a\nRUN y\n",
        );
        let m = Model::new(&df);
        let st = m.state_before(4).unwrap();
        let env: Vec<_> = st.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(env, ["A=x", "B=", "C=1"]);
        assert!(!m.state_before(6).unwrap().declares("V"));
        let df = parse("ARG A=1\nARG B=$A$C\nARG C=2\nFROM x\n");
        let m = Model::new(&df);
        assert_eq!(m.expand("$A$C", 1).unwrap().value, "1");
    }

    #[test]
    fn unresolved_base() {
        let df = parse("FROM $UNDECLARED\nFROM --platform=$BUILDPLATFORM golang:${GO:-1.22}\n");
        let m = Model::new(&df);
        assert!(matches!(m.stages[0].base, Base::Unresolved(_)));
        assert_eq!(m.stages[0].base_unresolved, ["UNDECLARED"]);
        assert_eq!(m.stages[1].base, Base::Image("golang:1.22".into()));
        assert_eq!(m.stages[1].base_unresolved, ["GO"]);
    }
}
