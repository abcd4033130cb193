//! Reading `history[].created_by`: what the step was (a RUN with its build arguments and
//! script, an ENV/ARG, an ADD/COPY, other metadata), for the builders seen in practice.
//!
//! - BuildKit: `RUN /bin/sh -c make # buildkit`, `RUN |2 TOKEN=abc X=y /bin/sh -c make #
//!   buildkit` (build args a RUN used, in clear), `ENV A=b`, `ADD https://x /y # buildkit`;
//! - the legacy builder and buildah: `/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c #(nop) ADD
//!   file:… in / `, `/bin/sh -c apt-get update`, `|1 TOKEN=abc /bin/sh -c make`;
//! - anything else (umoci's free text, Bazel, ko) is [`Step::Other`].

/// What one history step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A RUN: the build arguments it recorded and its shell script (for the exec form,
    /// the words joined by spaces).
    Run {
        args: Vec<(String, String)>,
        script: String,
    },
    /// ENV or ARG with its `NAME=VALUE` pairs (ARG without a value: empty value).
    Assign {
        instruction: &'static str,
        pairs: Vec<(String, String)>,
    },
    /// ADD or COPY and its words (sources then destination; legacy: `file:… in /dst`).
    Add {
        instruction: &'static str,
        words: Vec<String>,
    },
    /// Other metadata (`CMD`, `LABEL`, `USER` …) or text no builder writes.
    Other,
}

/// Reads one `created_by`.
pub fn step(created_by: &str) -> Step {
    let mut s = created_by.trim();
    s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    if let Some(rest) = shell_c(s) {
        let rest = rest.trim_start();
        if let Some(meta) = rest.strip_prefix("#(nop)") {
            return instruction(meta.trim());
        }
        return Step::Run {
            args: Vec::new(),
            script: rest.to_string(),
        };
    }
    if s.starts_with('|') {
        return run(s);
    }
    if let Some(rest) = s.strip_prefix("RUN ") {
        return run(rest.trim_start());
    }
    instruction(s)
}

/// A RUN body: `|N A=b … <shell> -c script`, or the exec form's words.
fn run(body: &str) -> Step {
    let mut rest = body.trim_start();
    let mut args = Vec::new();
    if let Some(after) = rest.strip_prefix('|') {
        let (count, tail) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
        let n: usize = count.parse().unwrap_or(0);
        rest = tail.trim_start();
        for _ in 0..n {
            let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let Some((k, v)) = word.split_once('=') else {
                break;
            };
            args.push((k.to_string(), v.to_string()));
            rest = tail.trim_start();
        }
    }
    let script = shell_c(rest).unwrap_or(rest).trim().to_string();
    Step::Run { args, script }
}

/// The script after a leading `<shell> [options] -c ` (`/bin/sh -c`, `bash -o pipefail
/// -c`), or `None` when the text does not start with a shell.
fn shell_c(s: &str) -> Option<&str> {
    let (first, _) = s.split_once(char::is_whitespace)?;
    let base = first.rsplit('/').next().unwrap_or(first);
    if !seguro_shell::SHELLS.contains(&base) {
        return None;
    }
    let i = s.find(" -c ").or_else(|| s.find(" -c\t"))?;
    // Only options between the shell and `-c`.
    let between = &s[first.len()..i];
    if between
        .split_whitespace()
        .any(|w| !w.starts_with('-') && !matches!(w, "pipefail" | "errexit" | "nounset"))
    {
        return None;
    }
    Some(&s[i + 4..])
}

fn instruction(s: &str) -> Step {
    let (word, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    match word.to_ascii_uppercase().as_str() {
        "ENV" => Step::Assign {
            instruction: "ENV",
            pairs: pairs(rest, true),
        },
        "ARG" => Step::Assign {
            instruction: "ARG",
            pairs: pairs(rest, false),
        },
        "ADD" => Step::Add {
            instruction: "ADD",
            words: rest.split_whitespace().map(str::to_string).collect(),
        },
        "COPY" => Step::Add {
            instruction: "COPY",
            words: rest.split_whitespace().map(str::to_string).collect(),
        },
        "RUN" => run(rest),
        _ => Step::Other,
    }
}

/// `A=b C="d e"` pairs; for ENV the legacy `NAME value with spaces` form too.
fn pairs(s: &str, legacy_env: bool) -> Vec<(String, String)> {
    let words = words(s);
    if legacy_env && words.first().is_some_and(|w| !w.contains('=')) {
        let (name, value) = s.trim().split_once(char::is_whitespace).unwrap_or((s, ""));
        return vec![(name.to_string(), value.trim().to_string())];
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w, String::new()),
        })
        .collect()
}

/// Quote-aware words (quotes removed, backslash escapes kept literal).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                started = true;
            }
            (_, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// A RUN step of the image history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunStep {
    /// Index into `config.history`.
    pub history: usize,
    /// The build arguments it recorded.
    pub args: Vec<(String, String)>,
    /// Its shell script.
    pub script: String,
}

/// The RUN steps of an image's history, in order.
pub fn runs(image: &crate::model::Image) -> Vec<RunStep> {
    image
        .config
        .history
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match step(&h.created_by) {
            Step::Run { args, script } => Some(RunStep {
                history: i,
                args,
                script,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_of(s: &str) -> (Vec<(String, String)>, String) {
        match step(s) {
            Step::Run { args, script } => (args, script),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn buildkit_runs_with_build_args() {
        let (args, script) =
            run_of("RUN |2 TOKEN=abc OTHER=x /bin/sh -c make && make install # buildkit");
        assert_eq!(
            args,
            [("TOKEN".into(), "abc".into()), ("OTHER".into(), "x".into())]
        );
        assert_eq!(script, "make && make install");
        let (args, script) = run_of("RUN /bin/bash -o pipefail -c curl x | sh # buildkit");
        assert!(args.is_empty());
        assert_eq!(script, "curl x | sh");
        assert_eq!(run_of("RUN make install # buildkit").1, "make install");
    }

    #[test]
    fn legacy_runs_and_metadata() {
        assert_eq!(run_of("/bin/sh -c apt-get update").1, "apt-get update");
        let (args, script) = run_of("|1 TOKEN=abc /bin/sh -c make");
        assert_eq!(args, [("TOKEN".into(), "abc".into())]);
        assert_eq!(script, "make");
        assert_eq!(
            step("/bin/sh -c #(nop)  ENV A=b C=\"d e\""),
            Step::Assign {
                instruction: "ENV",
                pairs: vec![("A".into(), "b".into()), ("C".into(), "d e".into())]
            }
        );
        assert_eq!(
            step("/bin/sh -c #(nop) ENV PASSWORD hunter2 x"),
            Step::Assign {
                instruction: "ENV",
                pairs: vec![("PASSWORD".into(), "hunter2 x".into())]
            }
        );
        assert_eq!(
            step("/bin/sh -c #(nop) ADD file:0a1b in / "),
            Step::Add {
                instruction: "ADD",
                words: vec!["file:0a1b".into(), "in".into(), "/".into()]
            }
        );
        assert_eq!(step("/bin/sh -c #(nop)  CMD [\"sh\"]"), Step::Other);
    }

    #[test]
    fn buildkit_metadata() {
        assert_eq!(
            step("ARG TOKEN"),
            Step::Assign {
                instruction: "ARG",
                pairs: vec![("TOKEN".into(), String::new())]
            }
        );
        assert!(matches!(
            step("ADD https://x/y.tgz /y # buildkit"),
            Step::Add { .. }
        ));
        assert_eq!(step("LABEL a=b"), Step::Other);
        assert_eq!(step(""), Step::Other);
        assert_eq!(
            step("RUN |x"),
            Step::Run {
                args: vec![],
                script: String::new()
            }
        );
        assert_eq!(
            step("|3 A=1"),
            Step::Run {
                args: vec![("A".into(), "1".into())],
                script: String::new()
            }
        );
    }
}
