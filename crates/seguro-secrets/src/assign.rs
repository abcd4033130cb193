//! Verifiers for values next to a secret name: `NAME=value`, `"name": "value"`, `--flag value`,
//! `mysql -pVALUE`, `docker login -p VALUE`, `echo user:pass | chpasswd`, Azure `AccountKey=`.

use crate::base64;
use crate::entropy::shannon;
use crate::names::{is_plain_non_secret, tokens};
use crate::placeholder::{is_placeholder, is_variable_reference};
use crate::scan::{
    Ctx, at, before, ceil_boundary, floor_boundary, is_b64, line_end, line_start, run_end,
    run_start,
};
use crate::{Confidence, Kind};

/// What a name says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameClass {
    Password,
    Secret,
    Token,
    ApiKey,
    AwsSecret,
    BasicAuth,
    Authorization,
}

/// Tokens that turn a secret word into a switch or a description (`--disable-password`,
/// `--password-stdin`, `PUBLIC_KEY`).
const NOT_A_VALUE: &[&str] = &[
    "allow", "ask", "disable", "disabled", "enable", "enabled", "forgot", "generate", "no",
    "prompt", "pub", "public", "pubkey", "require", "reset", "skip", "stdin", "use", "with",
    "without",
];

/// Trailing words that qualify a secret name without changing what it holds.
const TRANSPARENT: &[&str] = &[
    "b64",
    "base",
    "base64",
    "current",
    "dev",
    "development",
    "hex",
    "live",
    "local",
    "new",
    "old",
    "primary",
    "prod",
    "production",
    "raw",
    "secondary",
    "stage",
    "staging",
    "string",
    "test",
    "value",
];

/// Words before `key` that make it a secret key (`API_KEY`, `SECRET_KEY`, `ACCOUNT_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "access",
    "account",
    "admin",
    "api",
    "app",
    "auth",
    "cipher",
    "client",
    "consumer",
    "crypt",
    "encryption",
    "hmac",
    "jwt",
    "licence",
    "license",
    "master",
    "private",
    "secret",
    "service",
    "session",
    "shared",
    "storage",
    "subscription",
    "webhook",
];

/// Classifies an assignment name (a variable, a JSON/YAML key, a flag without its dashes).
pub(crate) fn classify(name: &str) -> Option<NameClass> {
    let mut toks = tokens(name);
    // `SECRET_KEY_BASE`, `DB_PASSWORD_PROD`, `PASSWORD2`: look through qualifiers.
    while toks.len() > 1 && TRANSPARENT.contains(&toks[toks.len() - 1].as_str()) {
        toks.pop();
    }
    if let Some(l) = toks.last_mut() {
        let t = l.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if t > 0 {
            l.truncate(t);
        }
    }
    let last = toks.last()?.as_str();
    if toks.iter().any(|t| NOT_A_VALUE.contains(&t.as_str())) {
        return None;
    }
    let joined: String = toks.concat();
    if joined.ends_with("secretaccesskey") || joined.ends_with("awssecretkey") {
        return Some(NameClass::AwsSecret);
    }
    if last == "authorization" {
        return Some(NameClass::Authorization);
    }
    let prev = if toks.len() >= 2 {
        toks[toks.len() - 2].as_str()
    } else {
        ""
    };
    Some(match last {
        "password" | "passwd" | "pass" | "pwd" | "psw" | "pword" | "passphrase" => {
            NameClass::Password
        }
        l if l.ends_with("password") || l.ends_with("passwd") => NameClass::Password,
        "secret" | "secrets" | "credential" | "credentials" | "creds" => NameClass::Secret,
        l if l.ends_with("secret") => NameClass::Secret,
        "token" => NameClass::Token,
        l if l.ends_with("token") => NameClass::Token,
        "pat" if toks.len() >= 2 => NameClass::Token,
        "apikey" | "accesskey" | "secretkey" | "privatekey" | "authkey" | "masterkey"
        | "encryptionkey" => NameClass::ApiKey,
        "key" if KEY_QUALIFIERS.contains(&prev) => NameClass::ApiKey,
        "auth" if toks.len() == 1 => NameClass::BasicAuth,
        _ => return None,
    })
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// A secret word: judge the identifier around it and the value after it.
pub(crate) fn word(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    let ns = run_start(b, s, 64, is_ident);
    let mut ne = run_end(b, e, 64, is_ident);
    if ns == ctx.last_ident_start {
        return ne;
    }
    ctx.last_ident_start = ns;
    let resume = ne;
    while ne > s && matches!(b[ne - 1], b'.' | b'-') {
        ne -= 1;
    }
    let prev = before(b, ns);
    if prev == b'$'
        || prev == b'%'
        || prev == b'/'
        || prev == b'@'
        || (prev == b'{' && before(b, ns - 1) == b'$')
    {
        return resume;
    }
    let name = &ctx.text[ns..ne];
    if azure_key(ctx, name, ne) {
        return resume;
    }
    if name.eq_ignore_ascii_case("chpasswd") {
        chpasswd(ctx, ns);
        return resume;
    }
    let Some(class) = classify(name.trim_start_matches('-')) else {
        return resume;
    };
    // Separator.
    let mut i = ne;
    if matches!(prev, b'"' | b'\'') {
        // `"password":` or, inside an echoed JSON string, `\"password\":`.
        if at(b, i) == prev {
            i += 1;
        } else if at(b, i) == b'\\' && at(b, i + 1) == prev {
            i += 2;
        }
    }
    let ws = i;
    i = run_end(b, i, 16, is_blank);
    let had_ws = i > ws;
    let rest = &b[i..];
    let whitespace_form;
    if rest.starts_with(b"==") || rest.starts_with(b"=~") || rest.starts_with(b"::") {
        return resume;
    } else if rest.starts_with(b":=") || rest.starts_with(b"=>") {
        i += 2;
        whitespace_form = false;
    } else if rest.starts_with(b"=") || rest.starts_with(b":") {
        i += 1;
        whitespace_form = false;
    } else if had_ws && whitespace_allowed(ctx, ns, name, class) {
        whitespace_form = true;
    } else {
        return resume;
    }
    i = run_end(b, i, 16, is_blank);
    if class == NameClass::Authorization {
        authorization(ctx, i);
        return resume;
    }
    let Some((vs, ve)) = parse_value(ctx, i) else {
        return resume;
    };
    let value = &ctx.text[vs..ve];
    if let Some((kind, conf)) = judge(name, class, value, whitespace_form) {
        ctx.push(kind, vs, ve, conf);
    }
    // Resume right after the name: anchors inside the value (`ghp_`, `eyJ`, `://`) must
    // still run their own verifiers.
    resume
}

/// Where a name may be followed by its value after blanks only: a flag (`--password x`),
/// a legacy `ENV NAME value`, a `.netrc` line, `aws configure set NAME value`.
fn whitespace_allowed(ctx: &Ctx, ns: usize, name: &str, class: NameClass) -> bool {
    if name.starts_with('-') {
        return !matches!(class, NameClass::BasicAuth | NameClass::Authorization);
    }
    let ls = line_start(ctx.text, ns);
    let head = ctx.text[ls..ns].trim();
    if head.eq_ignore_ascii_case("env") {
        return true;
    }
    let lower_line = || ctx.text[ls..line_end(ctx.text, ns)].to_ascii_lowercase();
    if class == NameClass::Password
        && (name.eq_ignore_ascii_case("password") || name.eq_ignore_ascii_case("passwd"))
    {
        // `.netrc`: `machine h login u password p`, on one line or several.
        let lo = ceil_boundary(ctx.text, ns.saturating_sub(256));
        let near = ctx.text[lo..ns].to_ascii_lowercase();
        return near.contains("machine ") && near.contains("login ");
    }
    if class == NameClass::AwsSecret || name.eq_ignore_ascii_case("aws_session_token") {
        return lower_line().contains("configure set");
    }
    false
}

/// The value at `i`: a quoted string (inner span) or a bare word. `None` if empty, unclosed,
/// or longer than 512 bytes.
fn parse_value(ctx: &Ctx, i: usize) -> Option<(usize, usize)> {
    let b = ctx.b;
    let c = at(b, i);
    if i >= b.len() {
        return None;
    }
    let le = line_end(ctx.text, i);
    let (vs, ve) = match c {
        b'"' | b'\'' => {
            let mut j = i + 1;
            while j < le && b[j] != c {
                if c == b'"' && b[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= le {
                return None;
            }
            (i + 1, j)
        }
        b'\\' if matches!(at(b, i + 1), b'"' | b'\'') => {
            let q = b[i + 1];
            let mut j = i + 2;
            while j + 1 < le && !(b[j] == b'\\' && b[j + 1] == q) {
                j += 1;
            }
            if j + 1 >= le {
                return None;
            }
            (i + 2, j)
        }
        _ => {
            let stop = |c: u8| {
                c.is_ascii_whitespace()
                    || matches!(
                        c,
                        b'"' | b'\''
                            | b';'
                            | b','
                            | b')'
                            | b'}'
                            | b']'
                            | b'<'
                            | b'>'
                            | b'`'
                            | b'\\'
                    )
            };
            let mut j = i;
            while j < b.len() && j - i <= 512 && !stop(b[j]) {
                // `&` and `|` end a shell word only as operators (`a && b`, `a | b`,
                // `a&`); inside a word (`ENV K=abc&def`) they are part of the value.
                if matches!(b[j], b'&' | b'|') {
                    let n = at(b, j + 1);
                    if n == b[j] || n.is_ascii_whitespace() || j + 1 >= b.len() {
                        break;
                    }
                }
                j += 1;
            }
            if j - i > 512 {
                return None;
            }
            (i, j)
        }
    };
    if ve <= vs || ve - vs > 512 {
        return None;
    }
    Some((vs, ve))
}

/// Judges a value under a classified name.
fn judge(
    name: &str,
    class: NameClass,
    value: &str,
    whitespace_form: bool,
) -> Option<(Kind, Confidence)> {
    if value.is_empty() || is_variable_reference(value) {
        return None;
    }
    match class {
        NameClass::AwsSecret if value.len() == 40 && value.bytes().all(is_b64) => {
            return (!is_placeholder(value))
                .then_some((Kind::AwsSecretAccessKey, Confidence::High));
        }
        NameClass::BasicAuth => {
            return basic_auth(value).then_some((Kind::BasicAuth, Confidence::High));
        }
        _ => {}
    }
    if value.eq_ignore_ascii_case(name.trim_start_matches('-')) {
        return None;
    }
    if whitespace_form && (value.contains('=') || value.bytes().all(|c| c.is_ascii_lowercase())) {
        return None;
    }
    judge_generic(value).map(|c| (Kind::SecretAssignment, c))
}

/// The generic entropy test (see the crate documentation for the thresholds).
pub(crate) fn judge_generic(value: &str) -> Option<Confidence> {
    if is_placeholder(value) || is_variable_reference(value) {
        return None;
    }
    let b = value.as_bytes();
    if b[0] == b'-' {
        return None;
    }
    if value.contains('(') || value.contains('[') {
        // `os.getenv("X")`, `env["X"]`: code. (A password with brackets is missed.)
        return None;
    }
    if is_dotted_identifier(value) || is_plain_non_secret(value) || base64_of_placeholder(value) {
        return None;
    }
    if b.iter().filter(|&&c| c == b' ').count() >= 2 {
        return None;
    }
    let n = value.chars().count();
    if n < 8 {
        return None;
    }
    let h = shannon(value);
    if (n < 12 && h < 2.5) || (n >= 12 && h < 3.0) {
        return None;
    }
    // High: long, random-looking, and mixing letters with digits or both cases (a run of
    // lower-case words such as `budget_app_dev_local` stays medium).
    let b = value.as_bytes();
    let kinds = b.iter().any(u8::is_ascii_lowercase) as u8
        + b.iter().any(u8::is_ascii_uppercase) as u8
        + b.iter().any(u8::is_ascii_digit) as u8;
    Some(if n >= 16 && h >= 3.5 && kinds >= 2 {
        Confidence::High
    } else {
        Confidence::Medium
    })
}

/// A base64 value whose text is a placeholder (`cGFzc3dvcmQ=` is `password`), as in
/// Kubernetes Secret manifests.
fn base64_of_placeholder(v: &str) -> bool {
    if v.len() < 8 || !v.len().is_multiple_of(4) || !v.bytes().all(|c| is_b64(c) || c == b'=') {
        return false;
    }
    let Some(d) = base64::decode(v.as_bytes(), 512) else {
        return false;
    };
    std::str::from_utf8(&d)
        .is_ok_and(|t| !t.is_empty() && t.chars().all(|c| !c.is_control()) && is_placeholder(t))
}

/// `config.password`, `process.env.TOKEN`, `settings.SECRET_KEY`: code, not a value.
fn is_dotted_identifier(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|seg| {
            let sb = seg.as_bytes();
            !sb.is_empty()
                && sb.len() <= 32
                && (sb[0].is_ascii_alphabetic() || sb[0] == b'_')
                && sb.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
        })
}

/// A base64 `user:password` pair with a real-looking password.
fn basic_auth(value: &str) -> bool {
    if value.len() < 8 || !value.bytes().all(|c| is_b64(c) || c == b'=') {
        return false;
    }
    let Some(d) = base64::decode(value.as_bytes(), 1024) else {
        return false;
    };
    let Ok(t) = std::str::from_utf8(&d) else {
        return false;
    };
    if t.chars().any(|c| c.is_control()) {
        return false;
    }
    let Some((user, pass)) = t.split_once(':') else {
        return false;
    };
    !pass.is_empty()
        && !is_placeholder(pass)
        && !is_variable_reference(pass)
        && !pass.eq_ignore_ascii_case(user)
}

/// `Authorization: Bearer|Basic|token|Bot <credential>` with `i` at the scheme.
fn authorization(ctx: &mut Ctx, i: usize) {
    let b = ctx.b;
    let i = if matches!(at(b, i), b'"' | b'\'') {
        i + 1
    } else {
        i
    };
    let se = run_end(b, i, 16, |c| c.is_ascii_alphabetic());
    let scheme = ctx.text[i..se].to_ascii_lowercase();
    if !matches!(scheme.as_str(), "bearer" | "basic" | "token" | "bot") {
        return;
    }
    let cs = run_end(b, se, 8, is_blank);
    if cs == se {
        return;
    }
    let ce = run_end(b, cs, 4096, |c| {
        c.is_ascii_graphic() && !matches!(c, b'"' | b'\'' | b'`' | b'\\' | b',' | b';')
    });
    if ce == cs {
        return;
    }
    let cred = &ctx.text[cs..ce];
    if scheme == "basic" {
        if basic_auth(cred) {
            ctx.push(Kind::BasicAuth, cs, ce, Confidence::High);
        }
        return;
    }
    if let Some(c) = judge_generic(cred) {
        ctx.push(Kind::AuthHeader, cs, ce, c);
    }
}

/// The well-known public key of the Azure storage emulator (Azurite), split so that the
/// source does not look like a key.
const AZURITE_KEY_PREFIX: &str = concat!("Eby8vdM02", "xNOcqFlqUwJ");

/// `AccountKey=…` / `SharedAccessKey=…` in a connection string.
fn azure_key(ctx: &mut Ctx, name: &str, ne: usize) -> bool {
    let lower = name.to_ascii_lowercase();
    if !(lower == "accountkey" || lower == "sharedaccesskey") || at(ctx.b, ne) != b'=' {
        return false;
    }
    let vs = ne + 1;
    let ve = run_end(ctx.b, vs, 256, |c| is_b64(c) || c == b'=');
    let v = &ctx.text[vs..ve];
    if ve - vs >= 40 && !is_placeholder(v) && !v.starts_with(AZURITE_KEY_PREFIX) {
        ctx.push(Kind::AzureStorageKey, vs, ve, Confidence::High);
    }
    true
}

/// `echo 'user:pass' | chpasswd`: the password written by the pipe.
fn chpasswd(ctx: &mut Ctx, ns: usize) {
    let b = ctx.b;
    let ls = line_start(ctx.text, ns);
    let seg = &b[ls..ns];
    let Some(pipe) = seg.iter().rposition(|&c| c == b'|') else {
        return;
    };
    let Some(echo) = crate::providers::find(&seg[..pipe], b"echo ") else {
        return;
    };
    let mut i = ls + echo + 5;
    let end = ls + pipe;
    // Skip `-e`/`-n` options.
    loop {
        i = run_end(b, i, 16, is_blank);
        if at(b, i) == b'-' {
            i = run_end(b, i, 8, |c| c.is_ascii_graphic());
        } else {
            break;
        }
    }
    let (vs, ve) = if matches!(at(b, i), b'"' | b'\'') {
        let q = b[i];
        match b[i + 1..end].iter().position(|&c| c == q) {
            Some(p) => (i + 1, i + 1 + p),
            None => return,
        }
    } else {
        (i, run_end(b, i, end - i, |c| !is_blank(c)))
    };
    if ve > end {
        return;
    }
    let pair = &ctx.text[vs..ve];
    let Some(colon) = pair.find(':') else {
        return;
    };
    let (user, pass) = (&pair[..colon], &pair[colon + 1..]);
    if pass.eq_ignore_ascii_case(user) {
        return;
    }
    if let Some(c) = judge_generic(pass) {
        ctx.push(Kind::SecretAssignment, vs + colon + 1, ve, c);
    }
}

/// Names of MySQL/MariaDB clients that take `-pPASSWORD`.
const MYSQL_CLIENTS: &[&str] = &[
    "mariadb",
    "mariadb-admin",
    "mariadb-check",
    "mariadb-dump",
    "mariadb-import",
    "mariadb-show",
    "mysql",
    "mysqladmin",
    "mysqlcheck",
    "mysqldump",
    "mysqlimport",
    "mysqlpump",
    "mysqlshow",
];

fn is_cmd_char(c: u8) -> bool {
    !c.is_ascii_whitespace() && !matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'`' | b'"' | b'\'')
}

/// The arguments of the command whose name ends at `we`, as `(start, end)` byte ranges, up to
/// the end of the command (`;`, `&`, `|`, an unescaped newline).
fn command_args(ctx: &mut Ctx, we: usize) -> Vec<(usize, usize)> {
    let b = ctx.b;
    let mut out = Vec::new();
    let mut i = we;
    let limit = floor_boundary(ctx.text, we.saturating_add(4096));
    while out.len() < 64 && i < limit {
        // Blanks and `\`-newline continuations.
        loop {
            i = run_end(b, i, 256, is_blank);
            if at(b, i) == b'\\' && matches!(at(b, i + 1), b'\n' | b'\r') {
                i += 2;
                if at(b, i) == b'\n' {
                    i += 1;
                }
                continue;
            }
            break;
        }
        if i >= b.len() || matches!(b[i], b';' | b'&' | b'|' | b'\n' | b'\r' | b')') {
            break;
        }
        let start = i;
        // A token: quoted parts are kept whole.
        while i < limit && !b[i].is_ascii_whitespace() && !matches!(b[i], b';' | b'&' | b'|') {
            if matches!(b[i], b'"' | b'\'') {
                let q = b[i];
                match b[i + 1..limit].iter().position(|&c| c == q || c == b'\n') {
                    Some(p) if b[i + 1 + p] == q => i += p + 2,
                    _ => i += 1,
                }
            } else {
                i += 1;
            }
        }
        if i == start {
            break;
        }
        out.push((start, i));
    }
    // A client name inside these arguments (`mysql -p mysql`) is not a new command.
    ctx.cmd_args_until = ctx.cmd_args_until.max(i);
    out
}

/// `(start, end)` of a value with its surrounding quotes removed.
fn unquote(b: &[u8], s: usize, e: usize) -> (usize, usize) {
    if e >= s + 2 && matches!(b[s], b'"' | b'\'') && b[e - 1] == b[s] {
        (s + 1, e - 1)
    } else {
        (s, e)
    }
}

/// The command word around an anchor (`mysql`, `/usr/bin/mysqldump`).
fn command_word(ctx: &Ctx, s: usize, e: usize) -> (usize, usize) {
    let b = ctx.b;
    let ws = run_start(b, s, 128, is_cmd_char);
    let we = run_end(b, e, 64, is_cmd_char);
    (ceil_boundary(ctx.text, ws), floor_boundary(ctx.text, we))
}

/// `mysql … -pVALUE`.
pub(crate) fn mysql(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let (ws, we) = command_word(ctx, s, e);
    if s < ctx.cmd_args_until {
        return e;
    }
    let word = ctx.text[ws..we].to_ascii_lowercase();
    let base = word.rsplit('/').next().unwrap_or("");
    if !MYSQL_CLIENTS.contains(&base) {
        return e;
    }
    for (a, z) in command_args(ctx, we) {
        let t = &ctx.b[a..z];
        if t.len() > 2 && t[0] == b'-' && t[1] == b'p' {
            let (vs, ve) = unquote(ctx.b, a + 2, z);
            if vs < ve {
                let v = &ctx.text[vs..ve];
                if let Some(c) = judge_generic(v) {
                    ctx.push(Kind::SecretAssignment, vs, ve, c);
                }
            }
        }
    }
    we
}

/// `docker|podman|nerdctl|buildah login … -p VALUE` (or `-pVALUE`).
pub(crate) fn docker_login(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if !b[s..e].eq_ignore_ascii_case(b"login") || is_cmd_char(before(b, s)) || is_cmd_char(at(b, e))
    {
        return e;
    }
    let pe = run_start(b, s, 16, is_blank);
    let pw = ceil_boundary(ctx.text, run_start(b, pe, 32, is_cmd_char));
    let tool = ctx.text[pw..pe].to_ascii_lowercase();
    let tool = tool.rsplit('/').next().unwrap_or("");
    if !matches!(tool, "docker" | "podman" | "nerdctl" | "buildah" | "skopeo") {
        return e;
    }
    if s < ctx.cmd_args_until {
        return e;
    }
    let args = command_args(ctx, e);
    let mut k = 0;
    while k < args.len() {
        let (a, z) = args[k];
        let t = &b[a..z];
        let value = if t == b"-p" {
            args.get(k + 1).copied()
        } else if t.len() > 2 && t[0] == b'-' && t[1] == b'p' && t[2] != b'-' {
            Some((a + 2, z))
        } else {
            None
        };
        if let Some((va, vz)) = value {
            let (vs, ve) = unquote(b, va, vz);
            if vs < ve
                && let Some(c) = judge_generic(&ctx.text[vs..ve])
            {
                ctx.push(Kind::SecretAssignment, vs, ve, c);
            }
        }
        k += 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("PASSWORD"), Some(NameClass::Password));
        assert_eq!(classify("PGPASSWORD"), Some(NameClass::Password));
        assert_eq!(classify("db_pass"), Some(NameClass::Password));
        assert_eq!(classify("MYSQL_PWD"), Some(NameClass::Password));
        assert_eq!(classify("JENKINS_PSW"), Some(NameClass::Password));
        assert_eq!(classify("client_secret"), Some(NameClass::Secret));
        assert_eq!(classify("_authToken"), Some(NameClass::Token));
        assert_eq!(classify("api-key"), Some(NameClass::ApiKey));
        assert_eq!(classify("apiKey"), Some(NameClass::ApiKey));
        assert_eq!(classify("SECRET_KEY"), Some(NameClass::ApiKey));
        assert_eq!(
            classify("AWS_SECRET_ACCESS_KEY"),
            Some(NameClass::AwsSecret)
        );
        assert_eq!(classify("auth"), Some(NameClass::BasicAuth));
        assert_eq!(classify("Authorization"), Some(NameClass::Authorization));
        assert_eq!(classify("GH_PAT"), Some(NameClass::Token));
        for n in [
            "GPG_KEY",
            "SIGNING_KEY",
            "PublicKeyToken",
            "disabled-password",
            "password-stdin",
            "with-password-argon2",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "keycloak",
            "monkey",
            "author",
            "key",
        ] {
            assert_eq!(classify(n), None, "{n}");
        }
    }

    #[test]
    fn generic_values() {
        assert_eq!(judge_generic("Zq3vT9pLw2Xr7sKd"), Some(Confidence::High));
        assert_eq!(judge_generic("hunter2x"), Some(Confidence::Medium));
        for v in [
            "short",
            "changeme",
            "$PASS",
            "true",
            "1.2.3",
            "/run/secrets/db",
            "os.getenv(\"X\")",
            "config.password",
            "a phrase with spaces",
            "aaaabbbb",
        ] {
            assert_eq!(judge_generic(v), None, "{v}");
        }
    }
}
