//! SG203: files or directories made writable by every user.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};
use seguro_shell::programs::files::{chmod, mode_bits};
use seguro_shell::{Command, Script, Word};

declare_rule! {
    /// ## What it does
    /// Finds modes that let every user write: `chmod 777`, `chmod -R 0666`, `chmod o+w`,
    /// `chmod a+rwx`, `chmod ugo=rwx`, `mkdir -m 777`, `install -m 777`, `find … -exec
    /// chmod 777 {} +`, and `COPY`/`ADD --chmod=777` (ARG/ENV values resolved). A
    /// world-writable directory with the sticky bit (`1777`, `+t`) under `/tmp`,
    /// `/var/tmp`, `/dev/shm`, `/run` or `/var/run` is how temporary and runtime
    /// directories are meant to be and is not reported; nor is a `$(mktemp -d)` directory,
    /// nor are paths under `/dev`, `/proc` and `/sys`, which do not end up in the image.
    /// A sticky world-writable directory elsewhere (a web root, a data directory) is
    /// reported: anyone can still create files in it.
    ///
    /// ## Why it matters
    /// Any process in the container, whatever its user, can then replace binaries,
    /// scripts or configuration the application trusts: a non-root USER stops protecting
    /// anything, and a compromised low-privilege process can plant code that a more
    /// privileged one runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app /app
    /// RUN chmod -R 777 /app
    /// USER 1000
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// COPY --chown=1000:1000 app /app
    /// RUN chmod -R 755 /app && chmod 1777 /tmp
    /// USER 1000
    /// ```
    ///
    /// ## Fix
    /// None: which user needs to write where is a decision for the author (often
    /// `--chown` to the runtime user with mode 755/644).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-732; chapter 3.1.2.
    pub struct WorldWritable {
        code: "SG203",
        name: "world-writable",
        severity: Warning,
        section: "3.1.2",
        aliases: [],
        fixable: None,
    }
}

impl Check for WorldWritable {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            for cmd in script.commands() {
                let Some((mode, targets)) = mode_change(cmd) else {
                    continue;
                };
                let Some(value) = mode.value.as_deref() else {
                    continue;
                };
                let (world, sticky) = mode_bits(value);
                if !world {
                    continue;
                }
                let targets: Vec<String> = targets
                    .iter()
                    .map(|w| resolve_target(cx, script, rs.instruction, w))
                    .collect();
                let names: Vec<&str> = targets.iter().map(String::as_str).collect();
                if harmless(&names, sticky) {
                    continue;
                }
                let what = match names.as_slice() {
                    [] => "files".to_string(),
                    [one] => format!("`{one}`"),
                    [first, ..] => format!("`{first}` and {} more", names.len() - 1),
                };
                let tool = cmd.program().unwrap_or("chmod");
                let message = if sticky {
                    format!(
                        "`{tool}` mode `{value}` lets every user create files in {what} (the sticky bit only stops them removing others' files)"
                    )
                } else {
                    format!("`{tool}` mode `{value}` makes {what} writable by every user")
                };
                found.push((rs.file_span(inst, mode.span), message));
            }
        }
        let copies = cx
            .instructions()
            .filter_map(|(i, inst)| {
                let inst = match inst.kind {
                    Kind::Onbuild => inst.onbuild.as_deref()?,
                    _ => inst,
                };
                if !matches!(inst.kind, Kind::Copy | Kind::Add) {
                    return None;
                }
                let flag = inst.flag("chmod")?;
                Some((i, inst, flag))
            })
            .collect::<Vec<_>>();
        for (i, inst, flag) in copies {
            let raw = flag.value.as_deref().unwrap_or("");
            let value = cx.expand(raw, i);
            let (world, sticky) = mode_bits(&value);
            let dest: Vec<String> = inst
                .args
                .last()
                .map(|a| cx.expand(&a.value, i))
                .into_iter()
                .collect();
            let dest: Vec<&str> = dest.iter().map(String::as_str).collect();
            if !world || harmless(&dest, sticky) {
                continue;
            }
            found.push((
                flag.span,
                format!(
                    "`{} --chmod={value}` makes the copied files writable by every user",
                    inst.kind.name()
                ),
            ));
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("give ownership to the user that must write (`--chown`) and use 755/644");
        }
    }
}

/// The mode word and the targets of a mode change: `chmod`, `mkdir -m`, `install -m`,
/// `find … -exec chmod MODE … ;`.
fn mode_change(cmd: &Command) -> Option<(Word, Vec<Word>)> {
    if let Some(c) = chmod(cmd) {
        return Some((c.mode, c.targets));
    }
    match cmd.program()? {
        "mkdir" | "install" => mode_option(&cmd.args),
        "find" => {
            let at = cmd
                .args
                .iter()
                .position(|w| matches!(w.text(), "-exec" | "-execdir"))?;
            let rest = cmd.args.get(at + 1..)?;
            if rest.first()?.basename() != Some("chmod") {
                return None;
            }
            let mode = rest
                .iter()
                .skip(1)
                .find(|w| !w.text().starts_with('-') || is_minus_mode(w.text()))?
                .clone();
            let targets = cmd
                .args
                .iter()
                .take(at)
                .take_while(|w| !w.text().starts_with('-'))
                .cloned()
                .collect();
            Some((mode, targets))
        }
        _ => None,
    }
}

/// The `-m MODE` (`-mMODE`, `--mode=MODE`, `--mode MODE`) of mkdir/install, and the
/// operands (values of install's `-o`, `-g`, `-t`, `-S` skipped).
fn mode_option(args: &[Word]) -> Option<(Word, Vec<Word>)> {
    const WITH_VALUE: &[&str] = &[
        "-m",
        "--mode",
        "-o",
        "--owner",
        "-g",
        "--group",
        "-t",
        "--target-directory",
        "-S",
        "--suffix",
    ];
    let mut mode = None;
    let mut targets = Vec::new();
    let mut k = 0;
    while let Some(w) = args.get(k) {
        let t = w.text();
        k += 1;
        if t == "--" {
            targets.extend(args.iter().skip(k).cloned());
            break;
        }
        if WITH_VALUE.contains(&t) {
            if matches!(t, "-m" | "--mode") {
                mode = args.get(k).cloned();
            } else if matches!(t, "-t" | "--target-directory") {
                targets.extend(args.get(k).cloned());
            }
            k += 1;
            continue;
        }
        if let Some(v) = t.strip_prefix("--mode=") {
            mode = Some(w.tail(t.len() - v.len()));
            continue;
        }
        if t.starts_with('-') && t.len() > 1 {
            // `-m777`, or a cluster ending in m with the value next (`-pm 777`)
            if let Some(at) = t.find('m').filter(|_| !t.starts_with("--")) {
                if at + 1 < t.len() {
                    mode = Some(w.tail(at + 1));
                } else {
                    mode = args.get(k).cloned();
                    k += 1;
                }
            }
            continue;
        }
        targets.push(w.clone());
    }
    Some((mode?, targets))
}

/// A target as text, with Dockerfile ARG/ENV values resolved, and `$d` set from
/// `$(mktemp …)` in the script shown as `/tmp/…`.
fn resolve_target(cx: &Checker<'_>, script: &Script, inst: usize, w: &Word) -> String {
    if let Some(v) = &w.value {
        return v.clone();
    }
    if let Some(e) = cx.model.expand(&w.raw, inst)
        && e.unresolved.is_empty()
    {
        return e.value;
    }
    let var = w
        .raw
        .trim_matches('"')
        .trim_start_matches('$')
        .trim_start_matches('{')
        .trim_end_matches('}');
    let temp = script
        .assignments()
        .any(|(_, a)| a.name == var && a.value.raw.contains("mktemp"));
    if temp {
        "/tmp/(mktemp)".to_string()
    } else {
        w.raw.clone()
    }
}

/// A mode written like a flag (`-w`), which removes rights.
fn is_minus_mode(s: &str) -> bool {
    s.len() > 1 && s[1..].chars().all(|c| "rwxXst".contains(c))
}

/// Sticky temporary directories, and pseudo-filesystems that are not in the image.
fn harmless(targets: &[&str], sticky: bool) -> bool {
    if targets.is_empty() {
        return false;
    }
    targets.iter().all(|t| {
        let t = t.trim_end_matches('/');
        let under = |dir: &str| t == dir || t.starts_with(&format!("{dir}/"));
        under("/dev")
            || under("/proc")
            || under("/sys")
            || under("/tmp/(mktemp)")
            || (sticky
                && (under("/tmp")
                    || under("/var/tmp")
                    || under("/dev/shm")
                    || under("/run")
                    || under("/var/run")))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG203",
            &[
                "FROM a\nRUN chmod 777 /app\n",
                "FROM a\nRUN chmod -R 0777 /app\n",
                "FROM a\nRUN chmod 666 /etc/app.conf\n",
                "FROM a\nRUN chmod o+w /srv\n",
                "FROM a\nRUN chmod -R a+rwX /srv\n",
                "FROM a\nRUN chmod ugo=rwx /srv\n",
                "FROM a\nRUN chmod 1777 /app\n",
                "FROM a\nRUN chmod 777 /tmp\n",
                "FROM a\nRUN mkdir -p -m 777 /data\n",
                "FROM a\nRUN install -m 0777 app /usr/local/bin/app\n",
                "FROM a\nRUN install -d -o postgres -g postgres -m 3777 /var/lib/postgresql\n",
                "FROM a\nRUN install -Dm777 app /usr/local/bin/app\n",
                "FROM php:8\nRUN chmod 1777 /var/www/html\n",
                "FROM a\nENV GEM_HOME=/usr/local/bundle\nRUN chmod 1777 \"$GEM_HOME\"\n",
                "FROM a\nRUN find /app -type d -exec chmod 777 {} +\n",
                "FROM a\nRUN set -e && sh -c 'chmod 777 /x'\n",
                "FROM a\nRUN <<EOF\nset -e\nchmod -R 777 /var/www\nEOF\n",
                "FROM a\nCOPY --chmod=777 app /app\n",
                "FROM a\nARG MODE=0777\nADD --chmod=$MODE app.tar /app\n",
                "FROM a\nONBUILD RUN chmod 777 /x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG203",
            &[
                "FROM a\nRUN chmod 755 /app\n",
                "FROM a\nRUN chmod -R u+w,go-w /app\n",
                "FROM a\nRUN chmod +x /entrypoint.sh\n",
                "FROM a\nRUN chmod g+w /app\n",
                "FROM a\nRUN chmod 1777 /tmp\n",
                "FROM a\nRUN chmod 1777 /tmp/.X11-unix /var/tmp\n",
                "FROM a\nRUN chmod a+rwxt /tmp\n",
                "FROM a\nRUN chmod 666 /dev/null\n",
                "FROM a\nRUN chmod o-w /app\n",
                "FROM a\nRUN chmod -w /app\n",
                "FROM a\nRUN chmod $MODE /app\n",
                "FROM a\nRUN mkdir -m 1777 /tmp/cache\n",
                "FROM a\nRUN install -d -o postgres -m 3777 /var/run/postgresql\n",
                "FROM a\nRUN chmod ugo+rwx,o+t /run/mariadb\n",
                "FROM a\nRUN d=\"$(mktemp -d)\" && chmod 777 \"$d\" && rm -rf \"$d\"\n",
                "FROM a\nRUN mkdir -p /data\n",
                "FROM a\nRUN install -m 0755 app /usr/local/bin/app\n",
                "FROM a\nRUN find /app -type f -exec chmod 644 {} +\n",
                "FROM a\nRUN echo chmod 777 /x\n",
                "FROM a\nCOPY --chmod=755 app /app\n",
                "FROM a\nCOPY --chmod=1777 t /tmp/\n",
            ],
        );
    }

    #[test]
    fn spans() {
        let src = "FROM a\nRUN chmod -R 777 /app\n";
        let d = check("SG203", src);
        assert_eq!(&src[d[0].span.range()], "777");
        assert!(d[0].message.contains("`/app`"), "{}", d[0].message);
        let d = check(
            "SG203",
            "FROM a\nENV GEM_HOME=/usr/local/bundle\nRUN chmod 1777 \"$GEM_HOME\"\n",
        );
        assert!(
            d[0].message.contains("`/usr/local/bundle`"),
            "{}",
            d[0].message
        );
        assert!(d[0].message.contains("sticky"), "{}", d[0].message);
        let d = check(
            "SG203",
            "FROM a\nRUN install -d -o pg -g pg -m 0777 /srv/a /srv/b\n",
        );
        assert!(
            d[0].message.contains("`/srv/a` and 1 more"),
            "{}",
            d[0].message
        );
        let src = "FROM a\nCOPY --chmod=0777 a /a\n";
        let d = check("SG203", src);
        assert_eq!(&src[d[0].span.range()], "--chmod=0777");
    }
}
