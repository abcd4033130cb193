//! SG001: a `$VAR` in a Dockerfile word that no ARG or ENV in scope declares.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::lex::Lexer;
use seguro_dockerfile::model::{BUILTIN_ARGS, Base, Stage, State, arg_pairs};
use seguro_dockerfile::{Instruction, Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `$VAR` / `${VAR}` in the words BuildKit expands itself (ENV, LABEL, ARG
    /// defaults, COPY/ADD sources, destinations, `--chown` and `--chmod`, WORKDIR,
    /// USER, VOLUME, EXPOSE, STOPSIGNAL, `RUN --mount`) when no ARG or ENV in scope
    /// declares `VAR`. It says why: a global ARG not redeclared in the stage, a variable
    /// used before its ARG/ENV, one declared only in another stage, one set in the same
    /// ENV instruction, or a likely typo of a declared name.
    ///
    /// Not reported: variables with a fallback (`${VAR:-default}`, `${VAR:+x}`,
    /// `${VAR:?msg}`); BuildKit's built-in ARGs (`TARGETARCH`, `BUILDPLATFORM`, proxy
    /// variables…); shell-form RUN/CMD/ENTRYPOINT and heredoc bodies, which the shell
    /// expands at run time; variables a base image usually sets (`PATH`, `HOME`,
    /// `JAVA_HOME`, `GOPATH`, `PYTHONPATH`…), and any name used to extend itself
    /// (`ENV X="$X:/more"`). ARGs and ENV of a stage count in the stages built FROM
    /// it, as in BuildKit. A name declared nowhere in the file is only reported when the
    /// stage starts from `scratch` (or in a global ARG default), since any other base
    /// image may set it.
    ///
    /// ## Why it matters
    /// An undefined variable expands to an empty string without an error: `COPY
    /// $JAR /app.jar` copies the whole context, `WORKDIR /opt/$APP` lands in `/opt/`,
    /// `USER $UID` keeps root. The image builds, and is not what was meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.20
    /// ARG VERSION
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// ## Fix
    /// None: whether to declare the variable, fix its name or move it is for the author.
    ///
    /// ## Aliases
    /// UndefinedVar
    ///
    /// ## References
    /// CWE-457 (use of an uninitialised variable); BuildKit `UndefinedVar`; chapter 3.1.
    pub struct UndefinedVariable {
        code: "SG001",
        name: "undefined-variable",
        severity: Warning,
        section: "3.1",
        aliases: ["UndefinedVar"],
        fixable: None,
    }
}

/// Names a base image or the runtime commonly sets: using them without a declaration
/// in the Dockerfile is normal.
const WELL_KNOWN: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "USER",
    "SHELL",
    "TERM",
    "PWD",
    "TZ",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
    "LIBRARY_PATH",
    "CPATH",
    "C_INCLUDE_PATH",
    "CPLUS_INCLUDE_PATH",
    "PKG_CONFIG_PATH",
    "MANPATH",
    "PYTHONPATH",
    "PYTHON_VERSION",
    "PYTHON_PIP_VERSION",
    "VIRTUAL_ENV",
    "CLASSPATH",
    "JAVA_HOME",
    "JAVA_VERSION",
    "JAVA_OPTS",
    "JDK_HOME",
    "JRE_HOME",
    "GOPATH",
    "GOROOT",
    "GOBIN",
    "GOLANG_VERSION",
    "GOTOOLCHAIN",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUST_VERSION",
    "NODE_VERSION",
    "NODE_PATH",
    "NODE_ENV",
    "NODE_OPTIONS",
    "YARN_VERSION",
    "NVM_DIR",
    "GEM_HOME",
    "GEM_PATH",
    "BUNDLE_PATH",
    "BUNDLE_APP_CONFIG",
    "BUNDLE_BIN",
    "BUNDLE_SILENCE_ROOT_WARNING",
    "RUBY_VERSION",
    "RUBY_MAJOR",
    "PHP_VERSION",
    "PHP_INI_DIR",
    "PHPIZE_DEPS",
    "MAVEN_HOME",
    "MAVEN_CONFIG",
    "M2_HOME",
    "GRADLE_HOME",
    "GRADLE_USER_HOME",
    "GRADLE_VERSION",
    "ANDROID_HOME",
    "ANDROID_SDK_ROOT",
    "ANDROID_NDK_HOME",
    "CATALINA_HOME",
    "CATALINA_BASE",
    "NGINX_VERSION",
    "HTTPD_PREFIX",
    "PGDATA",
    "PG_MAJOR",
    "PG_VERSION",
    "CONDA_DIR",
    "CONDA_PREFIX",
    "MAMBA_ROOT_PREFIX",
    "CUDA_HOME",
    "CUDA_VERSION",
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "DOTNET_VERSION",
    "ASPNET_VERSION",
    "DOTNET_ROOT",
    "ERLANG_VERSION",
    "ELIXIR_VERSION",
    "APP_ROOT",
    "HOME_DIR",
    "DEBIAN_FRONTEND",
    "SOURCE_DATE_EPOCH",
    "BUILDKIT_SBOM_SCAN_CONTEXT",
    "BUILDKIT_SBOM_SCAN_STAGE",
];

/// Variables the Windows or Linux runtime itself defines in every container.
const AMBIENT: &[&str] = &[
    "ProgramFiles",
    "ProgramData",
    "ProgramW6432",
    "SystemRoot",
    "SystemDrive",
    "windir",
    "USERPROFILE",
    "APPDATA",
    "LOCALAPPDATA",
    "TEMP",
    "TMP",
    "ComputerName",
    "PATHEXT",
];

/// A word BuildKit expands, and where it is.
struct Word<'a> {
    inst: &'a Instruction,
    text: &'a str,
    /// Offset of `text` in `inst.original` when it is a verbatim slice of it.
    raw_start: Option<usize>,
    span: Span,
    /// The ENV key this word is the value of.
    env_key: Option<&'a str>,
}

impl Check for UndefinedVariable {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, Option<String>)> = Vec::new();
        for (i, inst) in cx.instructions() {
            let mut reported: Vec<String> = Vec::new();
            for w in expanded_words(inst) {
                for name in unresolved(cx, i, w.text) {
                    if reported.contains(&name) {
                        continue;
                    }
                    let Some((message, help)) = judge(cx, i, &w, &name) else {
                        continue;
                    };
                    found.push((occurrence_span(&w, &name), message, help));
                    reported.push(name);
                }
            }
        }
        for (span, message, help) in found {
            let d = cx.report(span, message);
            if let Some(help) = help {
                d.set_help(help);
            }
        }
    }
}

/// The variables `text` uses that are not set before instruction `i`.
fn unresolved(cx: &Checker<'_>, i: usize, text: &str) -> Vec<String> {
    if cx.model.state_before(i).is_some() {
        return cx
            .model
            .expand(text, i)
            .map(|e| e.unresolved)
            .unwrap_or_default();
    }
    // Before the first FROM only the ARGs declared so far are in scope.
    let earlier: Vec<(String, String)> = cx
        .model
        .global_args
        .iter()
        .filter(|a| a.instruction < i)
        .map(|a| (a.name.clone(), a.default.clone().unwrap_or_default()))
        .collect();
    Lexer::new(cx.df.escape)
        .process_word_with_matches(text, &earlier)
        .map(|e| e.unmatched.into_iter().collect())
        .unwrap_or_default()
}

/// The words of an instruction that BuildKit expands with the build's variables.
fn expanded_words(inst: &Instruction) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    match inst.kind {
        Kind::Env | Kind::Label => {
            for kv in inst.args.chunks(3) {
                let [key, value, ..] = kv else { continue };
                if inst.kind == Kind::Label {
                    out.push(word(inst, key, 0, None));
                }
                let env_key = (inst.kind == Kind::Env).then_some(key.value.as_str());
                out.push(word(inst, value, 0, env_key));
            }
        }
        Kind::Arg => {
            for a in &inst.args {
                if let Some(eq) = a.value.find('=') {
                    out.push(word(inst, a, eq + 1, None));
                }
            }
        }
        Kind::Copy | Kind::Add => {
            for a in &inst.args {
                let heredoc = seguro_dockerfile::parser::parse_heredoc(&a.value)
                    .ok()
                    .flatten()
                    .is_some();
                if !heredoc {
                    out.push(word(inst, a, 0, None));
                }
            }
            for f in &inst.flags {
                // `--from` is left out: whether BuildKit expands it differs between
                // versions.
                if matches!(f.name.as_str(), "chown" | "chmod")
                    && let Some(v) = &f.value
                {
                    out.push(flag_word(inst, v, f.span));
                }
            }
        }
        Kind::Workdir | Kind::User | Kind::Volume | Kind::Expose | Kind::Stopsignal => {
            for a in &inst.args {
                out.push(word(inst, a, 0, None));
            }
        }
        Kind::Run => {
            for f in &inst.flags {
                if f.name == "mount"
                    && let Some(v) = &f.value
                {
                    out.push(flag_word(inst, v, f.span));
                }
            }
        }
        _ => {}
    }
    out
}

/// An argument's text from byte `from` on.
fn word<'a>(
    inst: &'a Instruction,
    a: &'a seguro_dockerfile::Arg,
    from: usize,
    env_key: Option<&'a str>,
) -> Word<'a> {
    let text = a.value.get(from..).unwrap_or("");
    // JSON elements are decoded: their text is no slice of the line.
    let raw_start = a
        .raw
        .as_ref()
        .filter(|_| !inst.json)
        .map(|r| r.start + from);
    Word {
        inst,
        text,
        raw_start,
        span: a.span,
        env_key,
    }
}

/// A flag value (quotes already removed: reported on the whole flag).
fn flag_word<'a>(inst: &'a Instruction, value: &'a str, span: Span) -> Word<'a> {
    Word {
        inst,
        text: value,
        raw_start: None,
        span,
        env_key: None,
    }
}

/// Why `name`, unresolved in word `w` of instruction `i`, is worth reporting (message
/// and help), or `None` when it is not.
fn judge(cx: &Checker<'_>, i: usize, w: &Word<'_>, name: &str) -> Option<(String, Option<String>)> {
    if !is_identifier(name) || BUILTIN_ARGS.contains(&name) || has_fallback(w.text, name) {
        return None;
    }
    let model = cx.model;
    let globals = &model.global_args;
    let Some(state) = model.state_before(i) else {
        // A global ARG default: only earlier global ARGs are in scope.
        if globals.iter().any(|a| a.name == name && a.instruction < i) {
            return None;
        }
        if let Some(later) = globals.iter().find(|a| a.name == name) {
            return Some((
                format!("`${name}` is used before `ARG {name}` declares it"),
                Some(format!(
                    "move `ARG {name}` (line {}) above this line",
                    line_of(cx, later.instruction)
                )),
            ));
        }
        return unknown(cx, i, name, None, true);
    };
    if state.declares(name) || w.env_key == Some(name) || AMBIENT.contains(&name) {
        return None;
    }
    let stage = model.stage_of(i)?;
    // BuildKit hands a stage's ARGs down to the stages built FROM it; a stage built
    // FROM a computed name (`FROM base-$TARGETARCH`) may inherit from any earlier one.
    let parents: Vec<&Stage> = match stage.base {
        Base::Unresolved(_) => model.stages.iter().take(stage.index).collect(),
        _ => model.chain(stage.index).into_iter().skip(1).collect(),
    };
    if parents
        .iter()
        .any(|s| s.instructions.clone().any(|j| declares(cx, j, name)))
    {
        return None;
    }
    if w.inst.kind == Kind::Env && set_earlier_in_same_env(w, name) {
        return Some((
            format!(
                "`${name}` is set in this same ENV instruction, but BuildKit expands every \
                 value with the variables as they were before it (empty, or the base image's)"
            ),
            Some(format!("set `{name}` in an ENV of its own before this one")),
        ));
    }
    if globals.iter().any(|a| a.name == name) {
        return Some((
            format!(
                "`${name}` is a global ARG: it is not visible inside a stage until the stage \
                 declares it again"
            ),
            Some(format!(
                "add `ARG {name}` (without a value) at the top of this stage"
            )),
        ));
    }
    if let Some(j) = (i + 1..stage.instructions.end).find(|&j| declares(cx, j, name)) {
        return Some((
            format!("`${name}` is used before it is declared"),
            Some(format!(
                "move the declaration of `{name}` (line {}) above this line",
                line_of(cx, j)
            )),
        ));
    }
    if let Some(j) = (0..cx.df.instructions.len()).find(|&j| declares(cx, j, name)) {
        return Some((
            format!(
                "`${name}` is declared only in another stage (line {}): ARG and ENV do not \
                 cross stages",
                line_of(cx, j)
            ),
            Some(format!("declare `{name}` in this stage as well")),
        ));
    }
    unknown(cx, i, name, Some(state), false)
}

/// A name declared nowhere in the file.
fn unknown(
    cx: &Checker<'_>,
    i: usize,
    name: &str,
    state: Option<&State>,
    global: bool,
) -> Option<(String, Option<String>)> {
    let mut candidates: Vec<&str> = Vec::new();
    if let Some(state) = state {
        candidates.extend(state.env.iter().map(|(k, _)| k.as_str()));
        candidates.extend(state.args.iter().map(|(k, _)| k.as_str()));
    }
    if global {
        candidates.extend(
            cx.model
                .global_args
                .iter()
                .filter(|a| a.instruction < i)
                .map(|a| a.name.as_str()),
        );
    }
    if let Some(near) = super::closest(name, candidates) {
        return Some((
            format!("`${name}` is not declared; did you mean `${near}`?"),
            Some(format!("rename it to `{near}`, or declare `ARG {name}`")),
        ));
    }
    if WELL_KNOWN.contains(&name) {
        return None;
    }
    // Any base image other than scratch may set it in its ENV.
    let from_scratch = global
        || cx
            .model
            .stage_of(i)
            .is_some_and(|s| matches!(cx.model.root_base(s.index), Some(Base::Scratch)));
    if !from_scratch {
        return None;
    }
    Some((
        format!("`${name}` is not declared by any ARG or ENV: it expands to an empty string"),
        Some(format!(
            "declare it with `ARG {name}=<default>` or `ENV {name}=<value>`"
        )),
    ))
}

/// Whether instruction `j` declares `name` (ARG, or ENV key).
fn declares(cx: &Checker<'_>, j: usize, name: &str) -> bool {
    let Some(inst) = cx.df.instructions.get(j) else {
        return false;
    };
    match inst.kind {
        Kind::Arg => arg_pairs(inst).iter().any(|(n, _, _)| n == name),
        Kind::Env => inst.args.chunks(3).any(|kv| kv[0].value == name),
        _ => false,
    }
}

/// Whether an ENV pair before `w` in the same instruction sets `name`.
fn set_earlier_in_same_env(w: &Word<'_>, name: &str) -> bool {
    w.inst
        .args
        .chunks(3)
        .take_while(|kv| kv.get(1).is_none_or(|v| v.span != w.span))
        .any(|kv| kv[0].value == name)
}

/// 1-based line of an instruction.
fn line_of(cx: &Checker<'_>, i: usize) -> u32 {
    cx.df.instructions.get(i).map_or(0, |x| x.start_line)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The references to `name` in `text`: (offset, length, has a fallback operator).
fn references(text: &str, name: &str) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        let braced = b.get(i + 1) == Some(&b'{');
        let from = if braced { i + 2 } else { i + 1 };
        let mut end = from;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        if text.get(from..end) == Some(name) {
            if braced {
                let rest = &b[end..];
                let fallback = matches!(rest.first(), Some(b'-' | b'+' | b'?'))
                    || (rest.first() == Some(&b':')
                        && matches!(rest.get(1), Some(b'-' | b'+' | b'?')));
                let close = text[end..].find('}').map_or(b.len(), |c| end + c + 1);
                out.push((start, close - start, fallback));
            } else {
                out.push((start, end - start, false));
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// Whether every reference to `name` in `text` has a fallback (`${X:-d}`, `${X+a}`…).
fn has_fallback(text: &str, name: &str) -> bool {
    let refs = references(text, name);
    !refs.is_empty() && refs.iter().all(|r| r.2)
}

/// The file span of the first plain reference to `name` in the word.
fn occurrence_span(w: &Word<'_>, name: &str) -> Span {
    let refs = references(w.text, name);
    match (w.raw_start, refs.iter().find(|r| !r.2).or(refs.first())) {
        (Some(base), Some(&(off, len, _))) => w.inst.original_span(base + off, base + off + len),
        _ => w.span,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG001",
            &[
                // A global ARG not redeclared in the stage.
                "ARG V=1\nFROM alpine:3.20\nLABEL v=$V\n",
                "ARG APP=/app\nFROM alpine:3.20\nWORKDIR $APP\n",
                // Used before its declaration.
                "FROM alpine:3.20\nCOPY app $DEST\nARG DEST=/opt\n",
                // Declared in another stage only.
                "FROM alpine:3.20 AS a\nARG JAR=app.jar\nFROM alpine:3.20\nCOPY $JAR /app.jar\n",
                // Same ENV instruction: BuildKit expands with the earlier values.
                "FROM alpine:3.20\nENV A=1 B=$A\n",
                "FROM alpine:3.20\nENV JAVA_HOME=/opt/jdk PATH=$JAVA_HOME/bin:$PATH\n",
                // A typo of a declared name.
                "FROM alpine:3.20\nARG VERSION=1\nLABEL v=${VERSOIN}\n",
                // Declared in a parent stage: inherited (BuildKit).
                "FROM alpine:3.20 AS a\nARG X=1\nFROM alpine:3.20 AS b\nFROM a\nLABEL x=$Y\nARG Y=2\n",
                // Unknown in a scratch image.
                "FROM scratch\nCOPY $BINARY /app\n",
                // Global ARG defaults see only earlier ARGs.
                "ARG B=$A\nARG A=1\nFROM alpine:3.20\n",
                // RUN --mount flags are expanded by BuildKit.
                "ARG CACHE=/root/.cache\nFROM alpine:3.20\nRUN --mount=type=cache,target=$CACHE true\n",
                // USER with a global ARG.
                "ARG UID=1000\nFROM alpine:3.20\nUSER $UID\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG001",
            &[
                // ARG declared globally and re-declared in the stage.
                "ARG V=1\nFROM alpine:3.20\nARG V\nLABEL v=$V\n",
                // Resolved from an ARG default in the stage.
                "FROM alpine:3.20\nARG DIR=/app\nWORKDIR $DIR\n",
                // Fallbacks.
                "FROM alpine:3.20\nLABEL v=${VERSION:-dev}\nENV X=${Y:+set}\n",
                // Build-time variables.
                "FROM alpine:3.20\nCOPY bin/$TARGETARCH/app /app\nENV http_proxy=$HTTP_PROXY\n",
                // Shell forms are expanded by the shell.
                "FROM alpine:3.20\nRUN echo $UNDEFINED\nCMD echo $ALSO\n",
                // Heredoc bodies are not build variables.
                "FROM alpine:3.20\nCOPY <<EOF /etc/app.conf\nhome=$APP_HOME\nEOF\n",
                "FROM alpine:3.20\nRUN <<EOF\necho $X\nEOF\n",
                // Base-image variables and self-extension.
                "FROM python:3.12-slim\nENV PATH=/opt/bin:$PATH PYTHONPATH=$PYTHONPATH:/app\n",
                "FROM alpine:3.20\nENV MY_OPTS=\"$MY_OPTS -Xmx1g\"\n",
                // ENV set by an earlier instruction; escaped dollars.
                "FROM alpine:3.20\nENV A=1\nENV B=$A C=\\$D\n",
                // ENV inherited from a parent stage.
                "FROM alpine:3.20 AS base\nENV APP=/app\nFROM base\nWORKDIR $APP\n",
                // ARGs are inherited by stages built FROM the stage that declares them.
                "FROM alpine:3.20 AS base\nARG NAME=joe\nFROM base AS build\nLABEL n=$NAME\n",
                "FROM alpine:3.20 AS b-amd64\nARG SFX=\nFROM alpine:3.20 AS b-arm64\nARG SFX=-a\nFROM b-$TARGETARCH\nARG V=x$SFX\n",
                // Windows variables.
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV ProgramFiles=\"C:\\\\P\" P=\"$ProgramFiles\\\\x\"\n",
                // An ARG declared without a value.
                "FROM alpine:3.20\nARG TOKEN_FILE\nCOPY $TOKEN_FILE /run/x\n",
                // Names a base image may set.
                "FROM myorg/base:1\nWORKDIR $APP_HOME\n",
                // Single quotes are literal in ENV.
                "FROM alpine:3.20\nENV A='$NOPE'\n",
                // Global ARG used by FROM only.
                "ARG BASE=alpine:3.20\nFROM $BASE\n",
                // Global ARG defaults using earlier ARGs.
                "ARG A=1\nARG B=$A\nFROM alpine:3.20\n",
                // Exec-form RUN is never expanded.
                "FROM alpine:3.20\nRUN [\"echo\", \"$X\"]\n",
                // ONBUILD triggers are expanded in the child build.
                "FROM alpine:3.20\nONBUILD COPY $SRC /app\n",
            ],
        );
    }

    #[test]
    fn messages_and_spans() {
        let src = "ARG V=1\nFROM alpine:3.20\nLABEL a=b v=x$V\n";
        let d = check("SG001", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].span.range()], "$V");
        assert!(d[0].message.contains("global ARG"), "{}", d[0].message);

        let d = check("SG001", "FROM alpine:3.20\nENV A=1 B=${A}\n");
        assert!(d[0].message.contains("same ENV"), "{}", d[0].message);

        let d = check(
            "SG001",
            "FROM alpine:3.20\nARG VERSION=1\nLABEL v=$VERSOIN\n",
        );
        assert!(d[0].message.contains("`$VERSION`"), "{}", d[0].message);
    }
}
