//! Verifiers for provider formats, private key blocks, JWTs, SAS signatures and URL credentials.

use std::sync::LazyLock;

use regex::Regex;

use crate::entropy::{is_sequential_or_repeated, shannon};
use crate::placeholder::{is_placeholder, is_variable_reference};
use crate::scan::{
    Ctx, at, before, floor_boundary, is_alnum, is_b64, is_b64url, is_word, line_end, line_start,
    run_end,
};
use crate::{Confidence, Kind, base64};

/// `true` when a provider token body is plainly a dummy: a filler, one repeated character,
/// a sequential run, or a telling word.
fn dummy_body(body: &str) -> bool {
    if is_sequential_or_repeated(body) {
        return true;
    }
    // Far less varied than random: `aBaBaB…`, `AAAAAAAAAAAAAAAB`. Random bodies of 16+
    // characters over 32+ symbols measure 3.5 bits/char or more.
    if shannon(body) < 2.5 {
        return true;
    }
    let lower = body.to_ascii_lowercase();
    [
        "example",
        "xxxx",
        "your",
        "dummy",
        "fake",
        "sample",
        "redacted",
        "placeholder",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// AWS access key id, and a secret access key near it.
pub(crate) fn aws(ctx: &mut Ctx, s: usize) -> usize {
    let b = ctx.b;
    let prefix = &b[s..s + 4];
    if !matches!(prefix, b"AKIA" | b"ASIA" | b"ABIA" | b"ACCA") || is_alnum(before(b, s)) {
        return s + 4;
    }
    let end = run_end(b, s + 4, 17, |c| {
        c.is_ascii_uppercase() || c.is_ascii_digit()
    });
    if end - (s + 4) != 16 || is_alnum(at(b, end)) {
        return s + 4;
    }
    let id = &ctx.text[s..end];
    if dummy_body(&id[4..]) || id.contains("EXAMPLE") {
        return end;
    }
    ctx.push(Kind::AwsAccessKeyId, s, end, Confidence::High);
    aws_secret_near(ctx, s, end);
    end
}

/// A 40-character base64 run of high entropy within 256 bytes of an access key id.
fn aws_secret_near(ctx: &mut Ctx, id_start: usize, id_end: usize) {
    let b = ctx.b;
    let lo = id_start.saturating_sub(256);
    let hi = (id_end + 256).min(b.len());
    let mut i = lo;
    while i < hi {
        if !is_b64(b[i]) || (i > 0 && (is_b64(b[i - 1]) || b[i - 1] == b'=')) {
            i += 1;
            continue;
        }
        let e = run_end(b, i, 64, is_b64);
        if e - i == 40 && !is_b64(at(b, e)) && at(b, e) != b'=' && (e <= id_start || i >= id_end) {
            let v = &ctx.text[i..e];
            let has = |f: fn(&u8) -> bool| v.as_bytes().iter().any(f);
            if has(u8::is_ascii_lowercase)
                && has(u8::is_ascii_uppercase)
                && has(u8::is_ascii_digit)
                && shannon(v) >= 4.2
                && !is_placeholder(v)
            {
                ctx.push(Kind::AwsSecretAccessKey, i, e, Confidence::High);
            }
        }
        i = e.max(i + 1);
    }
}

/// `ghp_ gho_ ghu_ ghs_ ghr_` + 36..255 alphanumerics; `github_pat_` + 70..255 word chars.
pub(crate) fn github(ctx: &mut Ctx, s: usize) -> usize {
    let b = ctx.b;
    if is_word(before(b, s)) {
        return s + 4;
    }
    let fine = b[s..].starts_with(b"github_pat_");
    let (body_start, min, pred): (usize, usize, fn(u8) -> bool) = if fine {
        (s + 11, 70, is_word)
    } else if matches!(
        &b[s..s + 4],
        b"ghp_" | b"gho_" | b"ghu_" | b"ghs_" | b"ghr_"
    ) {
        (s + 4, 36, is_alnum)
    } else {
        return s + 4;
    };
    let end = run_end(b, body_start, 256, pred);
    let len = end - body_start;
    if len < min || len > 255 || is_word(at(b, end)) || dummy_body(&ctx.text[body_start..end]) {
        return s + 4;
    }
    ctx.push(Kind::GithubToken, s, end, Confidence::High);
    end
}

/// `glpat- glptt- gldt- glrt-` + 20..255 of `[A-Za-z0-9_.-]` (trailing `.`/`-` dropped).
pub(crate) fn gitlab(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if !b[s..e].iter().all(|c| !c.is_ascii_uppercase()) || is_word(before(b, s)) {
        return e;
    }
    let mut end = run_end(b, e, 256, |c| is_b64url(c) || c == b'.');
    while end > e && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let len = end - e;
    if (20..=255).contains(&len) && !dummy_body(&ctx.text[e..end]) {
        ctx.push(Kind::GitlabToken, s, end, Confidence::High);
        return end;
    }
    e
}

/// `xoxa- xoxb- xoxp- xoxr-` + at least 20 of `[A-Za-z0-9-]`, with a digit and another `-`.
pub(crate) fn slack(ctx: &mut Ctx, s: usize) -> usize {
    let b = ctx.b;
    if !b[s..s + 5].iter().all(|c| !c.is_ascii_uppercase()) || is_alnum(before(b, s)) {
        return s + 5;
    }
    let end = run_end(b, s + 5, 256, |c| is_alnum(c) || c == b'-');
    let body = &ctx.text[s + 5..end];
    if body.len() >= 20
        && body.len() <= 255
        && body.contains('-')
        && body.bytes().any(|c| c.is_ascii_digit())
        && !dummy_body(body)
    {
        ctx.push(Kind::SlackToken, s, end, Confidence::High);
        return end;
    }
    s + 5
}

static SLACK_HOOK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:services|workflows)/(T[A-Z0-9]{6,}/[AB][A-Z0-9]{6,}/[A-Za-z0-9]{16,})")
        .expect("regex")
});

/// `hooks.slack.com/services/T…/B…/secret`: the path after `services/` is the secret.
pub(crate) fn slack_hook(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    if &ctx.b[s..e] != b"hooks.slack.com/" {
        return e;
    }
    let hi = floor_boundary(ctx.text, e + 160);
    let window = &ctx.text[e..hi];
    if let Some(c) = SLACK_HOOK.captures(window)
        && let Some(g) = c.get(1)
    {
        let (a, z) = (e + g.start(), e + g.end());
        if !dummy_body(&ctx.text[a..z]) {
            ctx.push(Kind::SlackWebhook, a, z, Confidence::High);
        }
        return z;
    }
    e
}

/// `sk_live_`/`rk_live_` + 20..255 alphanumerics.
pub(crate) fn stripe(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if !b[s..e].iter().all(|c| !c.is_ascii_uppercase()) || is_alnum(before(b, s)) {
        return e;
    }
    let end = run_end(b, e, 256, is_alnum);
    let len = end - e;
    if (20..=255).contains(&len) && !is_word(at(b, end)) && !dummy_body(&ctx.text[e..end]) {
        ctx.push(Kind::StripeLiveKey, s, end, Confidence::High);
        return end;
    }
    e
}

/// `npm_` + exactly 36 alphanumerics.
pub(crate) fn npm(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if &b[s..e] != b"npm_" || is_word(before(b, s)) {
        return e;
    }
    let end = run_end(b, e, 37, is_alnum);
    if end - e == 36 && !is_word(at(b, end)) && !dummy_body(&ctx.text[e..end]) {
        ctx.push(Kind::NpmToken, s, end, Confidence::High);
        return end;
    }
    e
}

/// `pypi-AgEIcHlwaS5vcmc` + at least 50 base64url characters.
pub(crate) fn pypi(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if &b[s..e] != b"pypi-AgEIcHlwaS5vcmc" || is_b64url(before(b, s)) {
        return e;
    }
    let end = run_end(b, e, 4096, is_b64url);
    if end - e >= 50 && !dummy_body(&ctx.text[e..end]) {
        ctx.push(Kind::PypiToken, s, end, Confidence::High);
        return end;
    }
    e
}

/// `AIza` + exactly 35 base64url characters.
pub(crate) fn google(ctx: &mut Ctx, s: usize) -> usize {
    let b = ctx.b;
    if &b[s..s + 4] != b"AIza" || is_b64url(before(b, s)) {
        return s + 4;
    }
    let end = run_end(b, s + 4, 36, is_b64url);
    if end - (s + 4) == 35 && !is_b64url(at(b, end)) && !dummy_body(&ctx.text[s + 4..end]) {
        ctx.push(Kind::GoogleApiKey, s, end, Confidence::Medium);
        return end;
    }
    s + 4
}

/// Longest distance from a BEGIN line to its END line.
const PEM_MAX: usize = 64 * 1024;

/// `-----BEGIN … PRIVATE KEY-----` with at least 64 base64 characters of body.
pub(crate) fn pem(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if &b[s..e] != b"-----BEGIN " {
        return e;
    }
    // Label up to the closing dashes on the same line.
    let lab_end = run_end(b, e, 48, |c| {
        c.is_ascii_uppercase() || c == b' ' || c == b'2'
    });
    if !b[lab_end..].starts_with(b"-----") {
        return e;
    }
    let label = &ctx.text[e..lab_end];
    if !(label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK") {
        return e;
    }
    let header_end = lab_end + 5;
    let hi = floor_boundary(ctx.text, header_end + PEM_MAX);
    let found = ctx.next_pem_end(header_end).filter(|&p| {
        p <= hi
            && b[p + 9..].starts_with(label.as_bytes())
            && b[p + 9 + label.len()..].starts_with(b"-----")
    });
    let (body_end, span_end, confidence) = match found {
        Some(p) => (p, p + 9 + label.len() + 5, Confidence::High),
        None => {
            // No END line: the body is the run of base64 lines that follows.
            let mut j = header_end;
            while j < hi {
                let c = b[j];
                if is_b64(c) || c == b'=' || c.is_ascii_whitespace() || c == b'\\' || c == b':' {
                    j += 1;
                } else {
                    break;
                }
            }
            (j, j, Confidence::Medium)
        }
    };
    let body = &b[header_end..body_end];
    let mut n64 = 0usize;
    let mut k = 0;
    while k < body.len() {
        // Literal `\n` inside JSON or `echo -e` strings.
        if body[k] == b'\\' && k + 1 < body.len() && body[k + 1] == b'n' {
            k += 2;
            continue;
        }
        if is_b64(body[k]) {
            n64 += 1;
        }
        k += 1;
    }
    if n64 < 64 {
        return header_end;
    }
    // Trim trailing whitespace of a body without END line.
    let mut span_end = span_end;
    while span_end > header_end && b[span_end - 1].is_ascii_whitespace() {
        span_end -= 1;
    }
    let kind = if is_gcp_private_key(b, s) {
        Kind::GcpServiceAccountKey
    } else {
        Kind::PrivateKey
    };
    ctx.push(kind, s, span_end, confidence);
    span_end
}

/// `"private_key": "` right before a BEGIN line.
fn is_gcp_private_key(b: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(40);
    let w = &b[lo..s];
    let Some(p) = find(w, b"\"private_key\"") else {
        return false;
    };
    w[p + 13..]
        .iter()
        .all(|&c| c == b':' || c == b'"' || c.is_ascii_whitespace() || c == b'\\')
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        match hay[i..hay.len() - needle.len() + 1]
            .iter()
            .position(|&c| c == first)
        {
            None => return None,
            Some(p) => {
                i += p;
                if &hay[i..i + needle.len()] == needle {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// `sig=` of an Azure SAS: URL-encoded base64 of at least 20 characters, in a query that also
/// has `sv=`, `se=`, `sp=` or `srt=`.
pub(crate) fn sas(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    if &b[s..e] != b"sig=" || !matches!(before(b, s), b'?' | b'&' | b';' | b' ' | b'"' | b'\'') {
        return e;
    }
    let end = run_end(b, e, 256, |c| is_b64(c) || c == b'%' || c == b'=');
    if end - e < 20 {
        return end;
    }
    let ls = line_start(ctx.text, s);
    let le = line_end(ctx.text, end);
    let ctxt = &b[ls..le];
    let has = |k: &[u8]| {
        find(ctxt, k).is_some_and(|p| {
            p == 0 || matches!(ctxt[p - 1], b'?' | b'&' | b';' | b' ' | b'"' | b'\'')
        })
    };
    if (has(b"sv=") || has(b"se=") || has(b"sp=") || has(b"srt="))
        && !is_placeholder(&ctx.text[e..end])
        && !is_variable_reference(&ctx.text[e..end])
    {
        ctx.push(Kind::AzureSasSignature, e, end, Confidence::High);
    }
    end
}

/// `eyJ….ey….sig`: header decodes to a JSON object with `alg`, payload to a JSON object,
/// signature of at least 16 characters.
pub(crate) fn jwt(ctx: &mut Ctx, s: usize) -> usize {
    let b = ctx.b;
    if &b[s..s + 3] != b"eyJ" || is_b64url(before(b, s)) {
        return s + 3;
    }
    let h_end = run_end(b, s, 2048, is_b64url);
    if at(b, h_end) != b'.' || h_end - s < 10 {
        return h_end;
    }
    let p_start = h_end + 1;
    let p_end = run_end(b, p_start, 16384, is_b64url);
    if at(b, p_end) != b'.' || p_end - p_start < 8 || !b[p_start..].starts_with(b"ey") {
        return p_end;
    }
    let s_start = p_end + 1;
    let s_end = run_end(b, s_start, 2048, is_b64url);
    if s_end - s_start < 16 || at(b, s_end) == b'.' {
        return s_end;
    }
    let json_obj = |part: &[u8], need: Option<&str>| -> bool {
        let Some(d) = base64::decode(part, 4096) else {
            return false;
        };
        let Ok(t) = std::str::from_utf8(&d) else {
            return false;
        };
        let t = t.trim_start();
        t.starts_with('{') && need.is_none_or(|k| t.contains(k))
    };
    // Supabase-style `anon` keys are public by design (shipped to browsers).
    let anon = base64::decode(&b[p_start..p_end], 4096).is_some_and(|d| {
        let t: Vec<u8> = d.into_iter().filter(|c| !c.is_ascii_whitespace()).collect();
        find(&t, b"\"role\":\"anon\"").is_some()
    });
    if !anon && json_obj(&b[s..h_end], Some("\"alg\"")) && json_obj(&b[p_start..p_end], None) {
        ctx.push(Kind::Jwt, s, s_end, Confidence::Medium);
    }
    s_end
}

/// Hosts that make URL credentials local or illustrative.
fn local_or_example_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let h = h.split(':').next().unwrap_or("");
    let h = h.trim_start_matches('[').trim_end_matches(']');
    if h.is_empty() || !h.contains('.') {
        // `localhost`, `db`, `redis`, `host`: a compose service or a placeholder.
        return true;
    }
    h.starts_with("127.")
        || h == "0.0.0.0"
        || h == "::1"
        || h.ends_with(".local")
        || h.ends_with(".localhost")
        || h.ends_with(".test")
        || h.ends_with(".example")
        || h.ends_with(".invalid")
        || h == "example.com"
        || h == "example.org"
        || h == "example.net"
        || h.ends_with(".example.com")
        || h.ends_with(".example.org")
        || h.ends_with(".example.net")
}

/// `scheme://user:password@host`: the password, unless it is a reference, a placeholder, or
/// the user name again.
pub(crate) fn url(ctx: &mut Ctx, s: usize, e: usize) -> usize {
    let b = ctx.b;
    let sch = crate::scan::run_start(b, s, 32, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
    });
    if sch == s || !b[sch].is_ascii_alphabetic() {
        return e;
    }
    // Authority: up to the first `/ ? #`, whitespace, quote or angle bracket.
    let auth_end = run_end(b, e, 512, |c| {
        !matches!(
            c,
            b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\'
        ) && !c.is_ascii_whitespace()
    });
    let auth_end = floor_boundary(ctx.text, auth_end);
    let auth = &b[e..auth_end];
    let Some(at_pos) = auth.iter().rposition(|&c| c == b'@') else {
        return e;
    };
    let userinfo = &auth[..at_pos];
    let Some(colon) = userinfo.iter().position(|&c| c == b':') else {
        return e;
    };
    let (us, ue) = (e, e + colon);
    let (ps, pe) = (e + colon + 1, e + at_pos);
    if ps >= pe {
        return e;
    }
    let user = &ctx.text[us..ue];
    let pass = &ctx.text[ps..pe];
    let host = &ctx.text[pe + 1..auth_end];
    if host.is_empty()
        || is_variable_reference(pass)
        || is_placeholder(pass)
        || pass.eq_ignore_ascii_case(user)
    {
        return e;
    }
    let strong = pass.len() >= 8 && shannon(pass) >= 3.0;
    let confidence = if strong && !local_or_example_host(host) {
        Confidence::High
    } else {
        Confidence::Medium
    };
    ctx.push(Kind::UrlCredentials, ps, pe, confidence);
    e
}
