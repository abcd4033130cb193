//! Building the command model: brush-parser's AST when it accepts the script, a tolerant
//! token splitter when it does not; nested substitutions and `sh -c` strings recursively.

use brush_parser::ast;

use crate::args;
use crate::lex::{self, HereDoc, Lexed, Tok};
use crate::programs::spec_for;
use crate::script::{
    Assignment, AssignmentKind, Command, Origin, Pipeline, Redirect, Script, Wrapper,
};
use crate::span::Text;
use crate::word::{self, SubKind, Word};
use crate::wrappers;

/// Deepest nesting of substitutions and `sh -c` strings analysed.
const MAX_NESTING: usize = 12;
/// Parenthesis nesting above which brush-parser is not tried (its recursion and
/// backtracking grow too fast).
const MAX_BRUSH_DEPTH: usize = 24;

#[derive(Clone, Debug, Default)]
struct Ctx {
    in_condition: bool,
    in_subshell: bool,
    in_function: bool,
    parent_stage: Option<(usize, usize)>,
    origin: Origin,
    scope: u32,
    wrappers: Vec<Wrapper>,
    nesting: usize,
}

/// A simple command before words are analysed: local byte ranges in its text.
#[derive(Debug, Default)]
struct RawCmd {
    words: Vec<(usize, usize)>,
    assigns: Vec<(usize, usize)>,
    redirects: Vec<RawRedirect>,
    span: (usize, usize),
    pipeline: usize,
    index: usize,
    negated: bool,
    in_condition: bool,
    in_background: bool,
}

#[derive(Debug)]
struct RawRedirect {
    op: String,
    fd: Option<u32>,
    target: (usize, usize),
    heredoc: Option<HereDoc>,
}

pub(crate) struct Builder {
    pub(crate) script: Script,
    next_scope: u32,
}

impl Builder {
    pub(crate) fn new(len: usize) -> Self {
        Self {
            script: Script {
                src_len: len,
                ..Script::default()
            },
            next_scope: 1,
        }
    }

    pub(crate) fn parse_root(&mut self, src: &str) {
        let text = Text::root(src);
        self.parse_text(&text, &Ctx::default());
    }

    fn problem(&mut self, p: String) {
        self.script.degraded = true;
        if self.script.problems.len() < 16 && !self.script.problems.contains(&p) {
            self.script.problems.push(p);
        }
    }

    fn parse_text(&mut self, text: &Text, ctx: &Ctx) {
        if ctx.nesting > MAX_NESTING || text.s.trim().is_empty() {
            return;
        }
        let lexed = lex::lex(&text.s);
        // At most one command per operator or line break, plus one: room for them at
        // once (a Command is large; growing the vector copies them all).
        let separators = lexed
            .toks
            .iter()
            .filter(|t| !matches!(t, Tok::Word(..)))
            .count();
        self.script.commands.reserve(separators + 1);
        // Lists of simple commands (no compound commands, functions or here-documents)
        // are split exactly by the linear splitter; brush-parser is several times slower
        // and only needed for the grammar beyond that.
        if is_simple_list(&text.s, &lexed) {
            fallback(self, text, &lexed, ctx);
            return;
        }
        if lexed.unclosed_parens == 0 && lexed.max_depth <= MAX_BRUSH_DEPTH {
            match brush(&text.s) {
                Ok(program) => {
                    let idx = CharIndex::new(&text.s);
                    let mut w = Walker {
                        b: self,
                        text,
                        lexed: &lexed,
                        idx: &idx,
                    };
                    for list in &program.complete_commands {
                        w.list(list, ctx);
                    }
                    return;
                }
                Err(e) => self.problem(e),
            }
        } else {
            self.problem(if lexed.unclosed_parens > 0 {
                "unbalanced parentheses".to_owned()
            } else {
                "nesting too deep".to_owned()
            });
        }
        for p in &lexed.problems {
            self.problem((*p).to_owned());
        }
        fallback(self, text, &lexed, ctx);
    }

    fn new_pipeline(&mut self, len: usize, negated: bool, ctx: &Ctx) -> usize {
        let id = self.script.pipelines.len();
        self.script.pipelines.push(Pipeline {
            id,
            len,
            negated,
            parent: ctx.parent_stage,
            commands: Vec::new(),
        });
        id
    }

    /// Turns a raw command into a [`Command`], then analyses what is nested in it.
    fn emit(&mut self, text: &Text, raw: RawCmd, ctx: &Ctx) {
        let id = self.script.commands.len();
        self.script.commands.push(Command::default());
        let mut nested: Vec<(word::Sub, Origin)> = Vec::new();
        let sub_origin = |k: SubKind| match k {
            SubKind::Dollar | SubKind::Backtick => Origin::CommandSubstitution { parent: Some(id) },
            SubKind::ProcIn | SubKind::ProcOut => Origin::ProcessSubstitution { parent: Some(id) },
        };

        let mut words = Vec::with_capacity(raw.words.len());
        let mut unquoted = Vec::with_capacity(raw.words.len());
        let mut word_has_subst = Vec::with_capacity(raw.words.len());
        for &(a, b) in &raw.words {
            let sc = word::scan(text, a, b);
            word_has_subst.push(!sc.subs.is_empty());
            for s in sc.subs {
                let o = sub_origin(s.kind);
                nested.push((s, o));
            }
            words.push(sc.word);
            unquoted.push(sc.unquoted);
        }

        let mut assignments = Vec::new();
        for &(a, b) in &raw.assigns {
            if let Some((asg, subs)) = assignment(text, a, b, AssignmentKind::Prefix) {
                for s in subs {
                    let o = sub_origin(s.kind);
                    nested.push((s, o));
                }
                assignments.push(asg);
            }
        }

        let mut redirects = Vec::new();
        let mut heredoc_bodies: Vec<(usize, usize)> = Vec::new();
        for r in raw.redirects {
            let sc = word::scan(text, r.target.0, r.target.1);
            for s in sc.subs {
                let o = sub_origin(s.kind);
                nested.push((s, o));
            }
            let heredoc = r.heredoc.map(|h| {
                let (a, b) = h.body;
                let body = text.s.get(a..b).unwrap_or("");
                let expands = !h.quoted && body.contains(['$', '`']);
                if r.fd.is_none_or(|f| f == 0) {
                    heredoc_bodies.push((a, b));
                }
                if !h.quoted {
                    // substitutions inside an expanding here-document run too
                    let t = text.slice(a, b);
                    for s in heredoc_subs(&t) {
                        let o = sub_origin(s.kind);
                        nested.push((s, o));
                    }
                }
                Word {
                    raw: body.to_owned(),
                    value: (!expands).then(|| body.to_owned()),
                    span: text.map_range(a, b),
                    quoted: h.quoted,
                }
            });
            redirects.push(Redirect {
                op: r.op,
                fd: r.fd,
                target: sc.word,
                heredoc,
            });
        }

        // declarations: `export A=1 B=$(x)`
        let un = wrappers::unwrap(&words);
        let start = un.start;
        // Move the words out (wrappers before `start` are described by `un`).
        let args: Vec<Word> = if start < words.len() {
            words.split_off(start + 1)
        } else {
            Vec::new()
        };
        let name = if start < words.len() {
            words.pop()
        } else {
            None
        };
        assignments.extend(un.env);
        if name
            .as_ref()
            .and_then(Word::basename)
            .is_some_and(|n| matches!(n, "export" | "declare" | "typeset" | "local" | "readonly"))
        {
            for &(a, b) in raw.words.get(start + 1..).unwrap_or(&[]) {
                if let Some((mut asg, _)) = assignment(text, a, b, AssignmentKind::Declaration) {
                    asg.kind = AssignmentKind::Declaration;
                    assignments.push(asg);
                }
            }
        }
        if name.is_none() {
            for a in &mut assignments {
                if a.kind == AssignmentKind::Prefix {
                    a.kind = AssignmentKind::Plain;
                }
            }
        }

        let spec = name
            .as_ref()
            .and_then(Word::basename)
            .map_or(args::GENERIC, spec_for);
        let opts = args::parse(&args, &spec);
        let mut wrappers = ctx.wrappers.clone();
        wrappers.extend(un.wrappers);
        let pipeline_len = self.script.pipelines.get(raw.pipeline).map_or(1, |p| p.len);
        let program_at = name
            .as_ref()
            .and_then(|n| n.value.as_deref())
            .and_then(|v| u32::try_from(v.len() - word::basename(v).len()).ok());
        let cmd = Command {
            name,
            args,
            wrappers,
            assignments,
            redirects,
            span: text.map_range(raw.span.0, raw.span.1),
            pipeline: raw.pipeline,
            index_in_pipeline: raw.index,
            pipeline_len,
            negated: raw.negated,
            in_condition: raw.in_condition,
            in_background: raw.in_background,
            in_subshell: ctx.in_subshell,
            in_function: ctx.in_function,
            sequence_index: id,
            origin: ctx.origin,
            opts,
            scope: ctx.scope,
            program_at,
        };
        let cmd_wrappers = cmd.wrappers.clone();
        let program = cmd.program().map(str::to_owned);
        let program_span = cmd.name.as_ref().map(|n| n.span).unwrap_or_default();
        if let Some(p) = self.script.pipelines.get_mut(raw.pipeline) {
            p.commands.push(id);
        }
        self.script.commands[id] = cmd;

        let sub_ctx = |o: Origin| Ctx {
            in_condition: false,
            in_subshell: true,
            in_function: ctx.in_function,
            parent_stage: None,
            origin: o,
            scope: ctx.scope,
            wrappers: ctx.wrappers.clone(),
            nesting: ctx.nesting + 1,
        };
        for (s, o) in nested {
            self.parse_text(&s.body, &sub_ctx(o));
        }

        // the script of `sh -c WORD`, `su -c WORD`, `eval WORD`, or a here-document fed to a shell
        let shell_wrapper = |b: &mut Self, origin: Origin| {
            let mut w = cmd_wrappers.clone();
            w.push(Wrapper {
                name: program.clone().unwrap_or_default(),
                user: None,
                span: program_span,
            });
            let scope = b.next_scope;
            b.next_scope += 1;
            Ctx {
                in_condition: false,
                in_subshell: true,
                in_function: ctx.in_function,
                parent_stage: None,
                origin,
                scope,
                wrappers: w,
                nesting: ctx.nesting + 1,
            }
        };
        if let Some(si) = un.script {
            if !word_has_subst.get(si).copied().unwrap_or(true)
                && let Some(t) = unquoted.get(si)
            {
                let mut c = shell_wrapper(self, Origin::ShellString { parent: id });
                if let Some(last) = c.wrappers.last_mut()
                    && program.as_deref() == Some("su")
                {
                    last.user = su_user(&self.script.commands[id]);
                }
                let t = t.text(text);
                self.parse_text(&t, &c);
            }
        } else if un.shell_reads_stdin
            && let Some(&(a, b)) = heredoc_bodies.last()
        {
            let c = shell_wrapper(self, Origin::HereDocScript { parent: id });
            let t = text.slice(a, b);
            self.parse_text(&t, &c);
        }
    }

    /// Parses the substitutions of a word that is not part of a simple command (a `for`
    /// list, a `case` subject, a compound command's redirect).
    fn loose_word(&mut self, text: &Text, a: usize, b: usize, ctx: &Ctx) {
        let sc = word::scan(text, a, b);
        for s in sc.subs {
            let origin = match s.kind {
                SubKind::Dollar | SubKind::Backtick => Origin::CommandSubstitution { parent: None },
                SubKind::ProcIn | SubKind::ProcOut => Origin::ProcessSubstitution { parent: None },
            };
            let c = Ctx {
                in_condition: false,
                in_subshell: true,
                in_function: ctx.in_function,
                parent_stage: None,
                origin,
                scope: ctx.scope,
                wrappers: ctx.wrappers.clone(),
                nesting: ctx.nesting + 1,
            };
            self.parse_text(&s.body, &c);
        }
    }
}

/// The user `su` switches to: its first positional argument.
fn su_user(c: &Command) -> Option<Word> {
    let mut skip = false;
    for a in &c.args {
        if skip {
            skip = false;
            continue;
        }
        let t = a.text();
        if matches!(
            t,
            "-c" | "--command" | "-s" | "--shell" | "-g" | "--group" | "-G" | "-w"
        ) {
            skip = true;
            continue;
        }
        if t.starts_with('-') {
            continue;
        }
        return Some(a.clone());
    }
    None
}

/// Substitutions inside an expanding here-document body.
fn heredoc_subs(t: &Text) -> Vec<word::Sub> {
    let mut out = Vec::new();
    let b = t.s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'$' && b.get(i + 1) == Some(&b'(') || b[i] == b'`' {
            let mut sc = lex::Scan::new(&t.s);
            let end = if b[i] == b'`' {
                sc.skip_backtick(i + 1, 1)
            } else {
                sc.skip_dollar(i, 1)
            };
            out.extend(word::scan(t, i, end.min(b.len())).subs);
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// Parses `NAME=value` (or `NAME+=value`, `NAME[i]=value`) at `a..b`.
fn assignment(
    text: &Text,
    a: usize,
    b: usize,
    kind: AssignmentKind,
) -> Option<(Assignment, Vec<word::Sub>)> {
    let s = text.s.get(a..b)?;
    let eq = s.find('=')?;
    let mut name = &s[..eq];
    let append = name.ends_with('+');
    if append {
        name = &name[..name.len() - 1];
    }
    if let Some(br) = name.find('[') {
        name = &name[..br];
    }
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let sc = word::scan(text, a + eq + 1, b);
    Some((
        Assignment {
            name: name.to_owned(),
            value: sc.word,
            append,
            span: text.map_range(a, b),
            kind,
        },
        sc.subs,
    ))
}

fn brush(src: &str) -> Result<ast::Program, String> {
    let opts = brush_parser::ParserOptions::default();
    let run = || {
        let mut p = brush_parser::Parser::new(std::io::BufReader::new(src.as_bytes()), &opts);
        p.parse_program()
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => Err(format!("shell parser: {e}")),
        Err(_) => Err("shell parser failed".to_owned()),
    }
}

/// Maps brush-parser's character indices to byte offsets.
struct CharIndex {
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharIndex {
    fn new(s: &str) -> Self {
        let table = (!s.is_ascii()).then(|| {
            let mut t: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
            t.push(s.len());
            t
        });
        Self {
            table,
            len: s.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

struct Walker<'a> {
    b: &'a mut Builder,
    text: &'a Text,
    lexed: &'a Lexed,
    idx: &'a CharIndex,
}

impl Walker<'_> {
    fn range(&self, loc: Option<&brush_parser::SourceSpan>) -> Option<(usize, usize)> {
        let l = loc?;
        let a = self.idx.byte(l.start.index);
        let b = self.idx.byte(l.end.index);
        (a <= b).then_some((a, b))
    }

    fn word_range(&self, w: &ast::Word) -> Option<(usize, usize)> {
        self.range(w.loc.as_ref())
    }

    fn list(&mut self, list: &ast::CompoundList, ctx: &Ctx) {
        for item in &list.0 {
            let bg = matches!(item.1, ast::SeparatorOperator::Async);
            self.and_or(&item.0, ctx, bg);
        }
    }

    fn and_or(&mut self, a: &ast::AndOrList, ctx: &Ctx, bg: bool) {
        let n = a.additional.len();
        // pipeline i is left of a `||` when some later operator is `||`
        let mut or_after = vec![false; n + 1];
        for i in (0..n).rev() {
            or_after[i] = or_after[i + 1] || matches!(a.additional[i], ast::AndOr::Or(_));
        }
        self.pipeline(&a.first, ctx, bg, or_after[0]);
        for (i, p) in a.additional.iter().enumerate() {
            let p = match p {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => p,
            };
            self.pipeline(p, ctx, bg, or_after[i + 1]);
        }
    }

    fn pipeline(&mut self, p: &ast::Pipeline, ctx: &Ctx, bg: bool, left_of_or: bool) {
        let pid = self.b.new_pipeline(p.seq.len(), p.bang, ctx);
        for (i, c) in p.seq.iter().enumerate() {
            let c_ctx = Ctx {
                in_condition: ctx.in_condition || left_of_or,
                parent_stage: Some((pid, i)),
                ..ctx.clone()
            };
            self.command(c, &c_ctx, pid, i, p.bang, bg);
        }
    }

    fn command(
        &mut self,
        c: &ast::Command,
        ctx: &Ctx,
        pid: usize,
        index: usize,
        negated: bool,
        bg: bool,
    ) {
        match c {
            ast::Command::Simple(s) => self.simple(s, ctx, pid, index, negated, bg),
            ast::Command::Compound(cc, redirects) => {
                self.compound(cc, ctx);
                if let Some(r) = redirects {
                    for io in &r.0 {
                        self.loose_redirect(io, ctx);
                    }
                }
            }
            ast::Command::Function(f) => {
                let fctx = Ctx {
                    in_function: true,
                    ..ctx.clone()
                };
                self.compound(&f.body.0, &fctx);
            }
            ast::Command::ExtendedTest(t, _) => {
                let Some((a, b)) = self.range(Some(&t.loc)) else {
                    return;
                };
                let from = self.lexed.toks.partition_point(|t| tok_start(*t) + 2 < a);
                let words: Vec<(usize, usize)> = self.lexed.toks[from..]
                    .iter()
                    .take_while(|t| tok_start(**t) <= b + 2)
                    .filter_map(|t| match *t {
                        Tok::Word(x, y) if x + 2 >= a && y <= b + 2 => Some((x, y)),
                        _ => None,
                    })
                    .filter(|&(x, y)| self.text.s.get(x..y) != Some("]]"))
                    .collect();
                let span = (
                    words.first().map_or(a, |w| w.0),
                    words.last().map_or(b, |w| w.1),
                );
                let raw = RawCmd {
                    words,
                    span,
                    pipeline: pid,
                    index,
                    negated,
                    in_condition: true,
                    in_background: bg,
                    ..RawCmd::default()
                };
                self.b.emit(self.text, raw, ctx);
            }
        }
    }

    fn compound(&mut self, cc: &ast::CompoundCommand, ctx: &Ctx) {
        let cond = Ctx {
            in_condition: true,
            ..ctx.clone()
        };
        match cc {
            ast::CompoundCommand::BraceGroup(g) => self.list(&g.list, ctx),
            ast::CompoundCommand::Subshell(s) => {
                let sctx = Ctx {
                    in_subshell: true,
                    ..ctx.clone()
                };
                self.list(&s.list, &sctx);
            }
            ast::CompoundCommand::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    if let Some((a, b)) = self.word_range(w) {
                        self.b.loose_word(self.text, a, b, ctx);
                    }
                }
                self.list(&f.body.list, ctx);
            }
            ast::CompoundCommand::ArithmeticForClause(f) => self.list(&f.body.list, ctx),
            ast::CompoundCommand::CaseClause(c) => {
                if let Some((a, b)) = self.word_range(&c.value) {
                    self.b.loose_word(self.text, a, b, ctx);
                }
                for item in &c.cases {
                    if let Some(l) = &item.cmd {
                        self.list(l, ctx);
                    }
                }
            }
            ast::CompoundCommand::IfClause(i) => {
                self.list(&i.condition, &cond);
                self.list(&i.then, ctx);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.list(c, &cond);
                    }
                    self.list(&e.body, ctx);
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.list(&w.0, &cond);
                self.list(&w.1.list, ctx);
            }
            ast::CompoundCommand::Coprocess(c) => {
                let pid = self.b.new_pipeline(1, false, ctx);
                self.command(&c.body, ctx, pid, 0, false, true);
            }
            ast::CompoundCommand::Arithmetic(_) => {}
        }
    }

    fn loose_redirect(&mut self, io: &ast::IoRedirect, ctx: &Ctx) {
        match io {
            ast::IoRedirect::File(_, _, ast::IoFileRedirectTarget::ProcessSubstitution(_, sub)) => {
                let origin = Origin::ProcessSubstitution { parent: None };
                let c = Ctx {
                    in_subshell: true,
                    parent_stage: None,
                    origin,
                    in_condition: false,
                    nesting: ctx.nesting + 1,
                    ..ctx.clone()
                };
                self.list(&sub.list, &c);
            }
            ast::IoRedirect::File(_, _, ast::IoFileRedirectTarget::Filename(w))
            | ast::IoRedirect::HereString(_, w) => {
                if let Some((a, b)) = self.word_range(w) {
                    self.b.loose_word(self.text, a, b, ctx);
                }
            }
            _ => {}
        }
    }

    fn simple(
        &mut self,
        s: &ast::SimpleCommand,
        ctx: &Ctx,
        pid: usize,
        index: usize,
        negated: bool,
        bg: bool,
    ) {
        let mut raw = RawCmd {
            pipeline: pid,
            index,
            negated,
            in_condition: ctx.in_condition,
            in_background: bg,
            ..RawCmd::default()
        };
        let mut lo = usize::MAX;
        let mut hi = 0usize;
        let mut note = |r: (usize, usize)| {
            lo = lo.min(r.0);
            hi = hi.max(r.1);
        };
        for item in s.prefix.iter().flat_map(|p| p.0.iter()) {
            self.item(item, &mut raw, true, &mut note);
        }
        if let Some(w) = &s.word_or_name
            && let Some(r) = self.word_range(w)
        {
            note(r);
            raw.words.push(r);
        }
        for item in s.suffix.iter().flat_map(|x| x.0.iter()) {
            self.item(item, &mut raw, false, &mut note);
        }
        if lo == usize::MAX {
            return;
        }
        raw.span = (lo, hi.max(lo));
        self.b.emit(self.text, raw, ctx);
    }

    fn item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        raw: &mut RawCmd,
        prefix: bool,
        note: &mut impl FnMut((usize, usize)),
    ) {
        match item {
            ast::CommandPrefixOrSuffixItem::Word(w) => {
                if let Some(r) = self.word_range(w) {
                    note(r);
                    raw.words.push(r);
                }
            }
            ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                let r = self.word_range(w).or_else(|| self.range(Some(&a.loc)));
                if let Some(r) = r {
                    note(r);
                    if prefix {
                        raw.assigns.push(r);
                    } else {
                        raw.words.push(r);
                    }
                }
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                if let Some((a, b)) = self.range(Some(&sub.loc)) {
                    // find the lexer word covering it: `<( … )`
                    let from = self.lexed.toks.partition_point(|t| tok_start(*t) + 2 < a);
                    let r = self.lexed.toks[from..]
                        .iter()
                        .take(4)
                        .find_map(|t| match *t {
                            Tok::Word(x, y) if x <= a && b <= y + 1 && x + 2 >= a => Some((x, y)),
                            _ => None,
                        })
                        .unwrap_or((a, b));
                    note(r);
                    raw.words.push(r);
                }
            }
            ast::CommandPrefixOrSuffixItem::IoRedirect(io) => {
                if let Some(r) = self.redirect(io) {
                    note((r.target.0, r.target.1));
                    if let Some(op_start) = self.op_start_before(r.target.0) {
                        note((op_start, op_start));
                    }
                    raw.redirects.push(r);
                }
            }
        }
    }

    /// Index of the lexer token starting at `start`.
    fn tok_at(&self, start: usize) -> Option<usize> {
        let toks = &self.lexed.toks;
        let i = toks.partition_point(|t| tok_start(*t) < start);
        (i < toks.len() && tok_start(toks[i]) == start).then_some(i)
    }

    /// Start of the redirect operator (and fd) just before `target_start`.
    fn op_start_before(&self, target_start: usize) -> Option<usize> {
        let pos = self.tok_at(target_start)?;
        let op = pos.checked_sub(1).and_then(|p| self.lexed.toks.get(p))?;
        let Tok::Op(a, _) = *op else { return None };
        if let Some(Tok::Word(x, y)) = pos
            .checked_sub(2)
            .and_then(|p| self.lexed.toks.get(p))
            .copied()
            && y == a
            && self
                .text
                .s
                .get(x..y)
                .is_some_and(|t| t.bytes().all(|c| c.is_ascii_digit()))
        {
            return Some(x);
        }
        Some(a)
    }

    fn op_text_before(&self, target_start: usize) -> Option<String> {
        let pos = self.tok_at(target_start)?;
        match pos.checked_sub(1).and_then(|p| self.lexed.toks.get(p)) {
            Some(&Tok::Op(a, b)) => self.text.s.get(a..b).map(str::to_owned),
            _ => None,
        }
    }

    fn redirect(&mut self, io: &ast::IoRedirect) -> Option<RawRedirect> {
        let fd = |f: &Option<i32>| f.and_then(|x| u32::try_from(x).ok());
        match io {
            ast::IoRedirect::File(f, kind, target) => {
                let w = match target {
                    ast::IoFileRedirectTarget::Filename(w)
                    | ast::IoFileRedirectTarget::Duplicate(w) => w,
                    ast::IoFileRedirectTarget::Fd(_)
                    | ast::IoFileRedirectTarget::ProcessSubstitution(..) => return None,
                };
                let r = self.word_range(w)?;
                let op = self.op_text_before(r.0).unwrap_or_else(|| kind.to_string());
                Some(RawRedirect {
                    op,
                    fd: fd(f),
                    target: r,
                    heredoc: None,
                })
            }
            ast::IoRedirect::HereString(f, w) => {
                let r = self.word_range(w)?;
                Some(RawRedirect {
                    op: "<<<".to_owned(),
                    fd: fd(f),
                    target: r,
                    heredoc: None,
                })
            }
            ast::IoRedirect::HereDocument(f, h) => {
                let r = self.word_range(&h.here_end)?;
                let doc = self
                    .lexed
                    .heredocs
                    .iter()
                    .find(|d| d.delim.0 == r.0)
                    .cloned();
                Some(RawRedirect {
                    op: if h.remove_tabs { "<<-" } else { "<<" }.to_owned(),
                    fd: fd(f),
                    target: r,
                    heredoc: doc,
                })
            }
            ast::IoRedirect::OutputAndError(w, append) => {
                let r = self.word_range(w)?;
                Some(RawRedirect {
                    op: if *append { "&>>" } else { "&>" }.to_owned(),
                    fd: None,
                    target: r,
                    heredoc: None,
                })
            }
        }
    }
}

/// Words that start or end compound commands, or need the full grammar.
const COMPOUND_WORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac",
    "in", "function", "select", "{", "}", "!", "[[", "]]", "time", "coproc",
];

/// Reserved words the linear splitter reads as brush-parser does (`if`/`while`/`until`
/// conditions, `for` loops, `!`, `{ …; }` groups), where they open, continue or close a compound command
/// that is not part of a pipeline, not negated, and has no redirection of its own.
const SPLITTER_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "do", "done", "while", "until", "!", "{", "}",
];

/// Whether a lexed script is a list the linear splitter reads exactly as brush-parser:
/// simple commands (words, pipes, `&&`, `||`, `;`, `&`, redirections) and the `if`, `for`,
/// `while`, `until`, `case` and `{ }` compounds around them
/// (`splitter_agrees_with_brush_on_simple_lists` checks this on the corpus). Subshells,
/// functions and here-documents go to brush-parser.
fn is_simple_list(src: &str, lexed: &Lexed) -> bool {
    if !lexed.problems.is_empty() || !lexed.heredocs.is_empty() || lexed.unclosed_parens > 0 {
        return false;
    }
    // Also require well-formed lists: every control operator follows a command, and
    // `&&`, `||`, `|` are followed by one (newlines may come in between).
    let mut seen_word = false;
    // Reserved words are reserved only where a command name may stand: a command's first
    // word, one after its assignments (`A=1 if` is left to brush-parser) or one after a
    // keyword that a command follows (`then`, `do` …). As arguments (`echo done`,
    // `find . ! -name x`) they are plain words.
    let mut command_position = true;
    // The last word closed a compound (`fi`, `done`, `}`): a pipe, redirect, `||` or `&` on it
    // applies to the whole compound, which the splitter does not model.
    let mut after_compound = false;
    let mut after_assignment = false;
    // `! { …; }`, `! if …`: a negated compound, which the splitter does not model.
    let mut after_bang = false;
    let mut pending: Option<&str> = None;
    // Open `case` commands, innermost last.
    let mut cases: Vec<CasePart> = Vec::new();
    for t in &lexed.toks {
        // The subject and the patterns of a `case` item are not commands.
        match (cases.last().copied(), *t) {
            (Some(CasePart::Subject), Tok::Word(a, e)) => {
                if src.get(a..e) == Some("in")
                    && let Some(top) = cases.last_mut()
                {
                    *top = CasePart::Patterns;
                }
                continue;
            }
            (Some(CasePart::Patterns), Tok::Word(a, e)) => {
                if src.get(a..e) == Some("esac") {
                    cases.pop();
                    after_compound = true;
                    command_position = false;
                    seen_word = true;
                }
                continue;
            }
            (Some(CasePart::Patterns), Tok::Op(a, e)) => {
                match src.get(a..e).unwrap_or("") {
                    "|" | "(" => {}
                    ")" => {
                        if let Some(top) = cases.last_mut() {
                            *top = CasePart::Body;
                        }
                        command_position = true;
                        seen_word = false;
                        pending = None;
                    }
                    _ => return false,
                }
                continue;
            }
            (Some(CasePart::Subject | CasePart::Patterns), Tok::Newline(_)) => continue,
            (Some(CasePart::Subject), Tok::Op(..)) => return false,
            (Some(CasePart::Body), Tok::Op(a, e))
                if matches!(src.get(a..e), Some(";;" | ";&" | ";;&")) =>
            {
                if after_compound && !seen_word {
                    return false;
                }
                if let Some(top) = cases.last_mut() {
                    *top = CasePart::Patterns;
                }
                after_compound = false;
                after_assignment = false;
                after_bang = false;
                pending = None;
                continue;
            }
            (Some(CasePart::Body), Tok::Word(a, e))
                if command_position && !after_assignment && src.get(a..e) == Some("esac") =>
            {
                cases.pop();
                after_compound = true;
                command_position = false;
                seen_word = true;
                pending = None;
                continue;
            }
            _ => {}
        }
        match *t {
            Tok::Word(a, e) => {
                let w = src.get(a..e).unwrap_or("");
                if command_position
                    && w == "case"
                    && !after_bang
                    && !after_assignment
                    && !matches!(pending, Some("|" | "|&"))
                {
                    cases.push(CasePart::Subject);
                    command_position = false;
                    seen_word = true;
                    pending = None;
                    continue;
                }
                if command_position && COMPOUND_WORDS.contains(&w) {
                    if !SPLITTER_KEYWORDS.contains(&w)
                        || matches!(pending, Some("|" | "|&"))
                        || after_assignment
                        || after_bang && w != "!"
                    {
                        return false;
                    }
                    after_bang = w == "!";
                    after_compound = matches!(w, "fi" | "done" | "}");
                    command_position = !after_compound && w != "for";
                } else {
                    if after_compound {
                        return false;
                    }
                    after_assignment = command_position && is_assignment(w);
                    command_position = after_assignment;
                    after_bang = false;
                }
                seen_word = true;
                pending = None;
            }
            Tok::Op(a, e) => match src.get(a..e).unwrap_or("") {
                op @ ("&&" | "||" | "|" | "|&" | ";" | "&") => {
                    if !seen_word || after_compound && !matches!(op, ";" | "&&") {
                        return false;
                    }
                    seen_word = false;
                    command_position = true;
                    after_compound = false;
                    after_assignment = false;
                    after_bang = false;
                    pending = matches!(op, "&&" | "||" | "|" | "|&").then_some(op);
                }
                "(" | ")" | ";;" | ";&" | ";;&" => return false,
                _ if after_compound => return false,
                _ => {}
            },
            Tok::Newline(_) => {
                if pending.is_none() {
                    seen_word = false;
                    command_position = true;
                    after_compound = false;
                    after_assignment = false;
                }
            }
        }
    }
    pending.is_none() && cases.is_empty()
}

/// Where the splitter's check is inside a `case` command.
#[derive(Clone, Copy)]
enum CasePart {
    /// `case WORD` before `in`.
    Subject,
    /// An item's patterns, up to `)`.
    Patterns,
    /// An item's commands, up to `;;`.
    Body,
}

const KEYWORDS_START: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "{", "!", "time",
];
const KEYWORDS_END: &[&str] = &["fi", "done", "}", "esac"];

#[allow(unused_assignments)]
/// Splits a script brush rejected: commands separated by operators and newlines; keywords
/// skipped; conditions after `if`/`while`/`until` and left of `||` marked.
fn fallback(b: &mut Builder, text: &Text, lexed: &Lexed, ctx: &Ctx) {
    let s = &text.s;
    let tok_text = |a: usize, e: usize| s.get(a..e).unwrap_or("");
    let mut cur = RawCmd::default();
    let mut have = false;
    let mut in_cond = false;
    let mut subshell = 0usize;
    let mut negate = false;
    let mut stage = 0usize;
    let mut pipeline_cmds: Vec<RawCmd> = Vec::new();
    let mut andor: Vec<RawCmd> = Vec::new();
    let mut pending_redirect: Option<(String, Option<u32>)> = None;
    let mut skip_until_do = false;
    let mut case_patterns = false;

    // flush helpers are written inline as closures over the state would fight the borrow
    // checker; use small macros instead.
    macro_rules! end_command {
        () => {{
            // a redirect alone is most likely that of a compound command (`{ …; } > f`)
            let c = std::mem::take(&mut cur);
            if have && !(c.words.is_empty() && c.assigns.is_empty()) {
                let mut c = c;
                c.index = stage;
                c.negated = negate;
                c.in_condition = in_cond;
                pipeline_cmds.push(c);
            }
            have = false;
        }};
    }
    macro_rules! end_pipeline {
        ($bg:expr) => {{
            end_command!();
            if !pipeline_cmds.is_empty() {
                let n = pipeline_cmds.len();
                let c = Ctx {
                    in_subshell: ctx.in_subshell || subshell > 0,
                    ..ctx.clone()
                };
                let pid = b.new_pipeline(n, negate, &c);
                for mut pc in pipeline_cmds.drain(..) {
                    pc.pipeline = pid;
                    pc.in_background = $bg;
                    andor.push(pc);
                }
            }
            stage = 0;
            negate = false;
        }};
    }
    macro_rules! end_andor {
        ($bg:expr) => {{
            end_pipeline!($bg);
            let c = Ctx {
                in_subshell: ctx.in_subshell || subshell > 0,
                ..ctx.clone()
            };
            for mut rc in andor.drain(..) {
                rc.in_background = rc.in_background || $bg;
                rc.in_condition = rc.in_condition || ctx.in_condition;
                b.emit(text, rc, &c);
            }
        }};
    }

    let mut i = 0;
    while i < lexed.toks.len() {
        let t = lexed.toks[i];
        i += 1;
        match t {
            Tok::Newline(_) => {
                if !have && pending_redirect.is_none() {
                    // a newline after `&&`/`|` continues the list
                    continue;
                }
                pending_redirect = None;
                end_andor!(false);
                if skip_until_do {
                    continue;
                }
            }
            Tok::Op(a, e) => {
                let op = tok_text(a, e);
                match op {
                    "&&" => end_pipeline!(false),
                    "||" => {
                        end_pipeline!(false);
                        for c in &mut andor {
                            c.in_condition = true;
                        }
                    }
                    // `a|b)`, `(a)`: a case item's patterns
                    "|" | "(" if case_patterns => {}
                    "|" | "|&" => {
                        end_command!();
                        stage += 1;
                    }
                    ";" | "&" | ";;" | ";&" | ";;&" => {
                        end_andor!(op == "&");
                        if op.starts_with(";;") || op == ";&" {
                            case_patterns = true;
                        }
                        if skip_until_do && op == ";" {
                            skip_until_do = false;
                        }
                    }
                    "(" => {
                        end_andor!(false);
                        subshell += 1;
                    }
                    ")" => {
                        if case_patterns {
                            case_patterns = false;
                        } else {
                            end_andor!(false);
                            subshell = subshell.saturating_sub(1);
                        }
                    }
                    _ => {
                        // a redirect; an fd number written right before it belongs to it
                        let mut fd = None;
                        if have
                            && let Some(&(x, y)) = cur.words.last()
                            && y == a
                            && tok_text(x, y).bytes().all(|c| c.is_ascii_digit())
                        {
                            fd = tok_text(x, y).parse().ok();
                            cur.words.pop();
                        }
                        if !have {
                            cur.span = (a, e);
                        }
                        have = true;
                        pending_redirect = Some((op.to_owned(), fd));
                    }
                }
            }
            Tok::Word(a, e) => {
                let w = tok_text(a, e);
                if let Some((op, fd)) = pending_redirect.take() {
                    let heredoc = if op.starts_with("<<") && op != "<<<" {
                        lexed.heredocs.iter().find(|d| d.delim.0 == a).cloned()
                    } else {
                        None
                    };
                    cur.redirects.push(RawRedirect {
                        op,
                        fd,
                        target: (a, e),
                        heredoc,
                    });
                    cur.span.1 = e;
                    continue;
                }
                if skip_until_do {
                    if w == "do" {
                        skip_until_do = false;
                    } else {
                        b.loose_word(text, a, e, ctx);
                    }
                    continue;
                }
                if case_patterns {
                    if w == "esac" {
                        case_patterns = false;
                    }
                    continue;
                }
                if !have {
                    if KEYWORDS_START.contains(&w) {
                        match w {
                            "if" | "while" | "until" | "elif" => in_cond = true,
                            "then" | "do" | "else" => in_cond = false,
                            "!" => negate = true,
                            _ => {}
                        }
                        continue;
                    }
                    if KEYWORDS_END.contains(&w) {
                        continue;
                    }
                    if w == "for" || w == "select" {
                        skip_until_do = true;
                        continue;
                    }
                    if w == "case" {
                        // `case WORD in`: the subject's substitutions run
                        while i < lexed.toks.len() {
                            if let Tok::Word(x, y) = lexed.toks[i] {
                                i += 1;
                                if tok_text(x, y) == "in" {
                                    break;
                                }
                                b.loose_word(text, x, y, ctx);
                            } else {
                                i += 1;
                            }
                        }
                        case_patterns = true;
                        continue;
                    }
                    if w == "function" {
                        i += 1; // the name
                        continue;
                    }
                    // `name() {`
                    if matches!(lexed.toks.get(i), Some(Tok::Op(x, y)) if tok_text(*x, *y) == "(")
                        && matches!(lexed.toks.get(i + 1), Some(Tok::Op(x, y)) if tok_text(*x, *y) == ")")
                    {
                        i += 2;
                        continue;
                    }
                    cur.span = (a, e);
                    have = true;
                    if is_assignment(w) {
                        cur.assigns.push((a, e));
                        continue;
                    }
                    cur.words.push((a, e));
                    continue;
                }
                if cur.words.is_empty() && is_assignment(w) {
                    cur.assigns.push((a, e));
                } else {
                    cur.words.push((a, e));
                }
                cur.span.1 = e;
            }
        }
    }
    end_andor!(false);
}

fn tok_start(t: Tok) -> usize {
    match t {
        Tok::Word(a, _) | Tok::Op(a, _) | Tok::Newline(a) => a,
    }
}

/// `NAME=…`, `NAME+=…`, `NAME[i]=…`: a name (a letter or `_`, then letters, digits and
/// `_`), then `=`, `+=` or a subscript followed somewhere by `=`. (A byte scan: this is
/// asked of every word that could start a command.)
fn is_assignment(w: &str) -> bool {
    let b = w.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return false;
    }
    let n = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .unwrap_or(b.len());
    let rest = &b[n..];
    match rest.first() {
        Some(b'=') => true,
        Some(b'+') => rest
            .iter()
            .position(|&c| c != b'+')
            .is_some_and(|k| rest[k] == b'='),
        Some(b'[') => rest.contains(&b'='),
        _ => false,
    }
}

/// Runs the fallback splitter only (for tests comparing it with brush-parser).
pub(crate) fn parse_fallback_only(src: &str) -> Script {
    let mut b = Builder::new(src.len());
    let text = Text::root(src);
    let lexed = lex::lex(src);
    b.script.degraded = true;
    fallback(&mut b, &text, &lexed, &Ctx::default());
    b.script
}

/// Runs brush-parser only (for tests comparing it with the linear splitter).
#[cfg(test)]
pub(crate) fn parse_brush_only(src: &str) -> Option<Script> {
    let mut b = Builder::new(src.len());
    let text = Text::root(src);
    let lexed = lex::lex(src);
    let program = brush(src).ok()?;
    let idx = CharIndex::new(src);
    let mut w = Walker {
        b: &mut b,
        text: &text,
        lexed: &lexed,
        idx: &idx,
    };
    for list in &program.complete_commands {
        w.list(list, &Ctx::default());
    }
    Some(b.script)
}

#[cfg(test)]
mod simple_list_tests {
    use super::*;

    /// What rules read of a command: a projection both paths must agree on.
    fn project(s: &Script) -> Vec<String> {
        s.commands()
            .map(|c| {
                format!(
                    "{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{}|{}|{}|{:?}",
                    c.name.as_ref().map(|w| (&w.raw, w.span)),
                    c.args
                        .iter()
                        .map(|w| (&w.raw, &w.value, w.span))
                        .collect::<Vec<_>>(),
                    c.wrappers
                        .iter()
                        .map(|w| (&w.name, w.span))
                        .collect::<Vec<_>>(),
                    c.assignments
                        .iter()
                        .map(|a| (&a.name, a.span))
                        .collect::<Vec<_>>(),
                    c.redirects
                        .iter()
                        .map(|r| (&r.op, r.target.span))
                        .collect::<Vec<_>>(),
                    c.index_in_pipeline,
                    c.pipeline_len,
                    c.negated,
                    c.in_condition,
                    c.in_background,
                    c.span,
                )
            })
            .collect()
    }

    fn corpus_scripts() -> Vec<String> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            // RUN bodies joined across `\` continuations (comment lines skipped).
            let mut cur: Option<String> = None;
            for line in text.lines() {
                if let Some(body) = cur.as_mut() {
                    if line.trim_start().starts_with('#') {
                        continue;
                    }
                    let (piece, more) = match line.trim_end().strip_suffix('\\') {
                        Some(p) => (p, true),
                        None => (line, false),
                    };
                    body.push_str(piece);
                    if !more {
                        out.push(cur.take().unwrap_or_default());
                    }
                } else if let Some(rest) = line.strip_prefix("RUN ") {
                    let rest = rest.trim_start();
                    if rest.starts_with('[') {
                        continue;
                    }
                    match rest.trim_end().strip_suffix('\\') {
                        Some(p) => cur = Some(p.to_string()),
                        None => out.push(rest.to_string()),
                    }
                }
            }
        }
        out
    }

    #[test]
    fn assignments() {
        // The rule before the byte scan, kept as the reference.
        fn reference(w: &str) -> bool {
            let Some(eq) = w.find('=') else { return false };
            let name = w[..eq].trim_end_matches('+');
            let name = name.split('[').next().unwrap_or("");
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        for w in [
            "A=1",
            "_x=",
            "A+=1",
            "A++=1",
            "A+b=1",
            "a[1]=x",
            "a[=",
            "a[1]+=x",
            "1A=x",
            "=x",
            "A",
            "",
            "A-B=1",
            "é=1",
            "Aé=1",
            "A[",
            "A+",
            "A+x",
            "--opt=1",
            "PATH=$PATH:/x",
            "a.b=c",
            "A =1",
        ] {
            assert_eq!(is_assignment(w), reference(w), "{w:?}");
        }
    }

    #[test]
    fn compounds_the_splitter_does_not_model_go_to_brush() {
        for src in [
            "dpkg -l | while read a b; do echo $a; done",
            "for f in a b; do echo $f; done | sort",
            "if x; then y; fi > /log",
            "if x; then y; fi || true",
            "case $x in a) (cd /y && make) ;; esac",
            "case $x in a) b ;; esac | tee f",
            "case $x in a) b ;;",
            "{ echo a; echo b; } | tee f",
            "{ echo a; } > f",
            "{ a; } || b",
            "! { ldd x | grep 'not found'; }",
            "! if a; then b; fi",
            "(cd /x && make)",
            "A=1 if x; then y; fi",
            "time make",
            "f() { echo; }",
        ] {
            assert!(!is_simple_list(src, &lex::lex(src)), "{src}");
        }
        for src in [
            "if x; then y; fi && z",
            "for a in 1 2; do echo $a; done; echo done",
            "apt-get install -y x && echo fi",
            "for x in a; do case $x in a|b) c ;; esac; done",
        ] {
            assert!(is_simple_list(src, &lex::lex(src)), "{src}");
        }
    }

    /// The splitter reads every simple list exactly as brush-parser does: on the
    /// corpus's RUN bodies, and on hand-written lists.
    #[test]
    fn splitter_agrees_with_brush_on_simple_lists() {
        let mut scripts = corpus_scripts();
        scripts.extend(
            [
                "apt-get update && apt-get install -y curl=7.* || true; echo done &",
                "curl -fsSL https://x | tar -xz -C /opt > /dev/null 2>&1",
                "A=1 B=\"two words\" sudo -u app env C=3 make install",
                "echo \"$(date +%s)\" > /v && sh -c 'apk add --no-cache x && rm -rf /y'",
                "cmd1 |\n  cmd2 &&\n\n  cmd3",
                "if [ -f /a ]; then rm /a; elif test -d /b; then rmdir /b; else echo none; fi",
                "for f in a $(ls /x) c; do curl -fsSLO \"$f\" && sha256sum -c \"$f.sha\"; done && ok",
                "while ! pg_isready; do sleep 1; done; until false; do break; done",
                "set -eux; if x; then\n  for a in 1 2; do if y; then z || w; fi; done\nfi",
                "echo if then fi do done; find / ! -name x",
                "{ echo a; echo b; } && ! grep -q x f; { cd /x; make; }",
                "arch=\"$(dpkg --print-architecture)\"; case \"${arch##*-}\" in\n  amd64|x86_64) u=\"$(curl -fsS https://x/a)\" ;;\n  (arm64) case $v in 1) a;; *) b;; esac ;;\n  *) echo \"unsupported\"; exit 1 ;;\nesac; echo ok",
                "case $(uname -m) in x86_64) curl -o /a https://x ;; esac && sha256sum -c s",
            ]
            .map(String::from),
        );
        let mut compared = 0;
        for src in &scripts {
            let lexed = lex::lex(src);
            if !is_simple_list(src, &lexed) {
                continue;
            }
            let Some(full) = parse_brush_only(src) else {
                continue;
            };
            let fast = parse_fallback_only(src);
            assert_eq!(project(&fast), project(&full), "{src}");
            compared += 1;
        }
        assert!(compared >= 10, "{compared}");
        assert!(
            scripts.len() < 100 || compared > scripts.len() / 3,
            "{compared} of {}",
            scripts.len()
        );
    }
}
