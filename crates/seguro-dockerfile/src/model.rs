//! The semantic model: stages, what each is built on, the chain a stage inherits
//! from, ARG/ENV scopes with BuildKit's expansion, and the effective USER, WORKDIR,
//! SHELL and ENV before every instruction.

use crate::ast::{Dockerfile, Instruction, Kind};
use crate::lex::{Env, Lexer};
use crate::span::Span;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
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
    /// What [`Model::expand`] computed with the lexer so far.
    expansions: RefCell<ExpandCache>,
}

impl fmt::Debug for Model<'_> {
    /// The model itself; the expansion cache is left out (it only depends on which
    /// words were asked for).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("dockerfile", &self.dockerfile)
            .field("global_args", &self.global_args)
            .field("stages", &self.stages)
            .field("states", &self.states)
            .field("global_state", &self.global_state)
            .field("global_before", &self.global_before)
            .finish()
    }
}

/// Results of [`Model::expand`] that needed the lexer. Rules expand the same words in the
/// same scope again and again (every LABEL key and value once per label rule), and the
/// scopes do not change once the model is built, so each is computed once.
#[derive(Default)]
struct ExpandCache {
    /// The escape token the results were computed with.
    escape: char,
    /// By scope (see [`Model::scope`]): words and their expansions, at most
    /// [`CACHED_WORDS_PER_SCOPE`] of them. A scope holds the words of one instruction, a
    /// handful as a rule: comparing them is cheaper than hashing, and the bound keeps it so.
    scopes: Vec<Vec<(Box<str>, Option<Expanded>)>>,
}

/// How many expansions [`ExpandCache`] keeps per scope; the words after those are expanded
/// every time.
const CACHED_WORDS_PER_SCOPE: usize = 64;

impl<'a> Model<'a> {
    pub fn new(df: &'a Dockerfile) -> Self {
        // Every empty state shares one pair of empty lists: `Rc::make_mut` gives a state
        // its own copy when it first adds to them.
        let empty = State::default();
        let mut model = Model {
            dockerfile: df,
            global_args: Vec::new(),
            stages: Vec::new(),
            states: (0..df.instructions.len()).map(|_| None).collect(),
            global_state: empty.clone(),
            global_before: (0..df.instructions.len()).map(|_| None).collect(),
            expansions: RefCell::default(),
        };
        model.build(&empty);
        model
    }

    fn build(&mut self, empty: &State) {
        let df = self.dockerfile;
        let lexer = Lexer::new(df.escape);
        let mut global = empty.clone();
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
                    Base::Stage(b) => stage_end_states.get(b).unwrap_or(empty).clone(),
                    _ => empty.clone(),
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
        let expanded = lexer.process_word_with_matches_unsplit(&base_raw, global);
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
        // The end of `chain(stage)`, found without collecting the chain: while stage
        // indices strictly decrease along it, no stage can repeat, so `chain` would not
        // stop early. Otherwise (stages edited by hand) ask `chain` itself.
        let mut current = self.stages.get(stage)?;
        loop {
            let next = match current.base {
                Base::Stage(b) if b < current.index => self.stages.get(b),
                _ => None,
            };
            match next {
                None => return Some(&current.base),
                Some(next) if next.index < current.index => current = next,
                Some(_) => return self.chain(stage).last().map(|s| &s.base),
            }
        }
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
        if !may_change_when_expanded(word, escape) {
            return Some(Expanded {
                value: word.to_owned(),
                unresolved: Vec::new(),
            });
        }
        let (scope, env) = self.scope(i);
        {
            let mut cache = self.expansions.borrow_mut();
            let slots = 1 + 2 * self.states.len();
            if cache.escape != escape || cache.scopes.len() != slots {
                cache.escape = escape;
                cache.scopes = (0..slots).map(|_| Vec::new()).collect();
            }
            if let Some((_, known)) = cache.scopes[scope].iter().find(|(w, _)| **w == *word) {
                return known.clone();
            }
        }
        let expanded = Lexer::new(escape)
            .process_word_with_matches_unsplit(word, env)
            .ok()
            .map(|e| Expanded {
                value: e.result,
                unresolved: e.unmatched.into_iter().collect(),
            });
        let known = &mut self.expansions.borrow_mut().scopes[scope];
        if known.len() < CACHED_WORDS_PER_SCOPE {
            known.push((word.into(), expanded.clone()));
        }
        expanded
    }

    /// The variables [`Model::expand`] uses for instruction `i`, and a number that
    /// identifies them: 0 for the global scope (FROM lines, and indices past the end),
    /// `1 + i` for the global scope before an instruction ahead of the first FROM, and
    /// `1 + len + i` for the state before an instruction of a stage.
    fn scope(&self, i: usize) -> (usize, &State) {
        let len = self.states.len();
        let is_from = self.dockerfile.instructions.get(i).map(|x| x.kind) == Some(Kind::From);
        if is_from {
            return (0, &self.global_state);
        }
        if let Some(global) = self.global_before.get(i).and_then(Option::as_ref) {
            return (1 + i, global);
        }
        match self.state_before(i) {
            Some(state) => (1 + len + i, state),
            None => (0, &self.global_state),
        }
    }

    /// Global ARG scope (what FROM lines see).
    pub fn global_state(&self) -> &State {
        &self.global_state
    }
}

/// Whether `word` holds `$`, a quote or the escape token, without which the lexer gives it
/// back unchanged (but for a leading byte-order mark, which [`Model::expand`] keeps).
fn may_change_when_expanded(word: &str, escape: char) -> bool {
    match u8::try_from(escape) {
        Ok(escape) if escape.is_ascii() => {
            contains_any(word.as_bytes(), [b'$', b'\'', b'"', escape])
        }
        _ => word.contains(['$', '\'', '"', escape]),
    }
}

/// Whether `bytes` holds one of `needles`, eight bytes at a time. The words looked at are
/// short: a plain SWAR loop beats both a byte loop and setting up a vectorised search.
fn contains_any(bytes: &[u8], needles: [u8; 4]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Some byte of `v` is zero exactly when this is non-zero.
    let has_zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    let repeated = needles.map(|needle| u64::from(needle) * ONES);
    let (chunks, tail) = bytes.as_chunks::<8>();
    chunks.iter().any(|chunk| {
        let v = u64::from_le_bytes(*chunk);
        repeated.iter().any(|&r| has_zero_byte(v ^ r))
    }) || tail.iter().any(|b| needles.contains(b))
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
    // Without `$`, quotes or `\` (and a leading byte-order mark, which the lexer drops)
    // the lexer copies every character: skip it for the common plain default.
    if !v.starts_with('\u{feff}') && !contains_any(v.as_bytes(), [b'$', b'\'', b'"', b'\\']) {
        return v.to_string();
    }
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
    fn contains_any_finds_every_needle_at_every_position() {
        let needles = [b'$', b'\'', b'"', b'\\'];
        for len in 0..20 {
            let plain = vec![b'a'; len];
            assert!(!contains_any(&plain, needles));
            for at in 0..len {
                for needle in needles {
                    let mut bytes = plain.clone();
                    bytes[at] = needle;
                    assert!(contains_any(&bytes, needles), "{len} {at} {needle}");
                }
                // Bytes next to the needles (and with the high bit set) are not needles.
                for other in [b'#', b'%', b'&', b'[', b']', 0x80 | b'$', 0xff, 0] {
                    let mut bytes = plain.clone();
                    bytes[at] = other;
                    assert!(!contains_any(&bytes, needles), "{len} {at} {other}");
                }
            }
        }
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
