//! The parsed Dockerfile: directives, instructions with their flags, arguments and
//! heredocs, every piece with a byte span into the source.

use crate::span::Span;

/// A parsed Dockerfile. Parsing never fails: problems are in `errors`.
#[derive(Clone, Debug, Default)]
pub struct Dockerfile {
    /// Parser directives (`syntax`, `escape`, `check`) found at the top.
    pub directives: Vec<Directive>,
    /// The escape token in effect (`\` or `` ` ``).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Everything BuildKit's parser or instruction layer would reject.
    pub errors: Vec<ParseError>,
    /// What BuildKit warns about (empty continuation lines).
    pub warnings: Vec<ParseError>,
}

impl Dockerfile {
    /// The directive of that name (lower case), if present.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// Errors raised by the line parser (BuildKit's `parser.Parse` would fail).
    pub fn parser_errors(&self) -> impl Iterator<Item = &ParseError> {
        self.errors.iter().filter(|e| e.stage == ErrorStage::Parser)
    }
}

/// `# name=value` at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    /// Everything after `=`, trimmed.
    pub value: String,
    /// 1-based line.
    pub line: u32,
    pub span: Span,
}

/// Which BuildKit layer rejects the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStage {
    /// `frontend/dockerfile/parser`: the file cannot be read as instructions.
    Parser,
    /// `frontend/dockerfile/instructions`: an instruction is malformed.
    Instruction,
}

/// A problem with a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub stage: ErrorStage,
}

/// The instructions BuildKit knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Not an instruction BuildKit knows (the build fails on it).
    Unknown,
}

impl Kind {
    /// The kind for a keyword, in any case.
    pub fn from_keyword(word: &str) -> Kind {
        // Compared in place rather than lower-cased into a new string: ASCII case folding
        // on both sides, as `to_ascii_lowercase` does on the word.
        const KNOWN: [Kind; 18] = [
            Kind::Run,
            Kind::Copy,
            Kind::Env,
            Kind::From,
            Kind::Arg,
            Kind::Add,
            Kind::Cmd,
            Kind::Entrypoint,
            Kind::Expose,
            Kind::Healthcheck,
            Kind::Label,
            Kind::Maintainer,
            Kind::Onbuild,
            Kind::Shell,
            Kind::Stopsignal,
            Kind::User,
            Kind::Volume,
            Kind::Workdir,
        ];
        KNOWN
            .into_iter()
            .find(|kind| word.eq_ignore_ascii_case(kind.name()))
            .unwrap_or(Kind::Unknown)
    }

    /// Upper-case keyword (`Unknown` gives `UNKNOWN`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
            Kind::Unknown => "UNKNOWN",
        }
    }
}

/// One instruction, as BuildKit's parser yields it, with spans.
#[derive(Clone, Debug)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written (`RUN`, `run`, `Run`).
    pub keyword: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the last line (heredoc bodies included).
    pub span: Span,
    /// 1-based first and last line (continuations and heredocs included).
    pub start_line: u32,
    pub end_line: u32,
    /// The instruction text with continuations joined (BuildKit's `Original`).
    pub original: String,
    pub flags: Vec<Flag>,
    /// BuildKit's argument nodes: words, the shell-form text, JSON elements, or
    /// ENV/LABEL key, value, separator triples.
    pub args: Vec<Arg>,
    /// Exec (JSON array) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// The trigger of an ONBUILD.
    pub onbuild: Option<Box<Instruction>>,
    /// Comment lines directly above the instruction (without `#`).
    pub comments: Vec<String>,
    /// Maps offsets in `original` back to file offsets.
    pub map: SourceMap,
}

impl Instruction {
    /// Argument values as strings.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|a| a.value.as_str())
    }

    /// The flag of that name (`mount`, `from`, ...), first occurrence.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// All values given to a repeatable flag (`--mount`, `--exclude`).
    pub fn flag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name == name)
            .filter_map(|f| f.value.as_deref())
    }

    /// The `RUN --mount=…` flags, parsed.
    pub fn mounts(&self) -> Vec<Mount> {
        self.flags
            .iter()
            .filter(|f| f.name == "mount")
            .map(|f| Mount::parse(f.value.as_deref().unwrap_or(""), f.span))
            .collect()
    }

    /// The file span of a byte range of `original`.
    pub fn original_span(&self, start: usize, end: usize) -> Span {
        self.map.span(start, end)
    }

    /// The shell-form script of RUN/CMD/ENTRYPOINT/HEALTHCHECK CMD, with its start
    /// offset in `original` (for mapping spans back). `None` in JSON form.
    pub fn shell_script(&self) -> Option<(&str, usize)> {
        if self.json {
            return None;
        }
        let arg = match self.kind {
            Kind::Run | Kind::Cmd | Kind::Entrypoint => self.args.first()?,
            Kind::Healthcheck => self.args.get(1)?,
            _ => return None,
        };
        Some((arg.value.as_str(), arg.raw.as_ref()?.start))
    }
}

/// A `--name[=value]` flag before the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The flag as BuildKit yields it (`--mount=type=cache,target=/x`), quotes removed.
    pub text: String,
    /// The name without dashes.
    pub name: String,
    /// The value after the first `=`, if any.
    pub value: Option<String>,
    pub span: Span,
}

/// One `RUN --mount=…` flag (comma-separated `key=value` fields, as BuildKit reads them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (the default), `cache`, `tmpfs`, `secret`, `ssh`, lower-cased.
    pub kind: String,
    pub id: Option<String>,
    /// `target`/`dst`/`destination`, as written (not expanded).
    pub target: Option<String>,
    /// `env=` of a secret mount (the secret as an environment variable).
    pub env: Option<String>,
    /// `from=`: the stage or image the mount reads from.
    pub from: Option<String>,
    /// The flag's span.
    pub span: Span,
}

impl Mount {
    /// Parses a flag value such as `type=cache,target=/root/.cache`.
    pub fn parse(value: &str, span: Span) -> Mount {
        let mut m = Mount {
            kind: "bind".to_string(),
            span,
            ..Mount::default()
        };
        for field in value.split(',') {
            let (k, v) = field.split_once('=').unwrap_or((field, ""));
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "type" => m.kind = v.to_ascii_lowercase(),
                "id" => m.id = Some(v),
                "target" | "dst" | "destination" => m.target = Some(v),
                "env" => m.env = Some(v),
                "from" => m.from = Some(v),
                _ => {}
            }
        }
        m
    }

    /// Where a secret mount's file is: `target=`, else `/run/secrets/<id>` (`None` for a
    /// secret exposed only as an environment variable, or with neither).
    pub fn secret_path(&self) -> Option<String> {
        if let Some(t) = &self.target {
            return Some(t.clone());
        }
        if self.env.is_some() {
            return None;
        }
        self.id.as_ref().map(|id| format!("/run/secrets/{id}"))
    }
}

/// One argument node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub value: String,
    pub span: Span,
    /// The byte range in `original` the value was read from (JSON elements: with quotes).
    pub raw: Option<std::ops::Range<usize>>,
}

/// A heredoc attached to RUN/COPY/ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    pub file_descriptor: u32,
    /// Unquoted delimiter: variables in the body are expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped when used.
    pub chomp: bool,
    /// The body lines with their line endings, as written (tabs not stripped).
    pub content: String,
    /// Span of the body (without the terminator line).
    pub span: Span,
}

impl Heredoc {
    /// The body as BuildKit uses it (leading tabs removed for `<<-`).
    pub fn effective_content(&self) -> String {
        if !self.chomp {
            return self.content.clone();
        }
        self.content
            .split_inclusive('\n')
            .map(|l| l.trim_start_matches('\t'))
            .collect()
    }
}

/// Maps offsets of a joined instruction line back to file offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// (offset in the joined text, offset in the file), ascending.
    segments: Vec<(u32, u32)>,
}

impl SourceMap {
    pub(crate) fn push(&mut self, joined: usize, file: usize) {
        self.segments.push((joined as u32, file as u32));
    }

    pub(crate) fn with_capacity(segments: usize) -> SourceMap {
        SourceMap {
            segments: Vec::with_capacity(segments),
        }
    }

    /// File offset of a joined-text offset (the start of a character).
    pub fn offset(&self, joined: usize) -> u32 {
        let joined = joined as u32;
        let i = self.segments.partition_point(|&(j, _)| j <= joined);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(j, f)) => f + (joined - j),
            None => self.segments.first().map(|s| s.1).unwrap_or(0),
        }
    }

    /// File span of a joined-text range; the end stays on the line of the last byte.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start);
        let e = if end > start {
            self.offset(end - 1) + 1
        } else {
            s
        };
        Span {
            start: s,
            end: e.max(s),
        }
    }

    /// Shifts every joined offset (used for an ONBUILD trigger's own text).
    pub(crate) fn shifted(&self, by: usize) -> SourceMap {
        let by = by as u32;
        let mut out = SourceMap::default();
        let first = self.offset(by as usize);
        out.segments.push((0, first));
        for &(j, f) in &self.segments {
            if j > by {
                out.segments.push((j - by, f));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn keywords_fold_ascii_case_only() {
        assert_eq!(Kind::from_keyword("run"), Kind::Run);
        assert_eq!(Kind::from_keyword("HealthCheck"), Kind::Healthcheck);
        assert_eq!(Kind::from_keyword("WORKDIR"), Kind::Workdir);
        assert_eq!(Kind::from_keyword("unknown"), Kind::Unknown);
        assert_eq!(Kind::from_keyword("RUNX"), Kind::Unknown);
        assert_eq!(Kind::from_keyword(""), Kind::Unknown);
        // Only ASCII letters fold: the Kelvin sign is not `k`, the long s not `s`.
        assert_eq!(Kind::from_keyword("ſhell"), Kind::Unknown);
        assert_eq!(Kind::from_keyword("\u{212a}"), Kind::Unknown);
    }
}
