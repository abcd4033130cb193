//! SG407: pip `--extra-index-url` (dependency confusion).

use super::shared::settings;
use crate::checker::Checker;
use crate::checker::RunScript;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_shell::{Command, Manager, Word};

declare_rule! {
    /// ## What it does
    /// Finds a second Python package index added next to the default one: pip
    /// `--extra-index-url` (also `python -m pip`, `pip download`/`wheel`),
    /// `pip config set global.extra-index-url`, `extra-index-url` written to `pip.conf`,
    /// and `PIP_EXTRA_INDEX_URL` in ENV/ARG.
    ///
    /// Not reported: commands with `--require-hashes` or `--no-index` (the index cannot
    /// substitute a package), and uv, whose default index strategy takes each package
    /// from the first index that has it (reported only with
    /// `--index-strategy unsafe-best-match` or `unsafe-first-match`).
    ///
    /// ## Why it matters
    /// pip merges every index and installs the highest version it finds. Anyone who
    /// publishes a private package's name on PyPI with a higher version number gets their
    /// code installed instead ("dependency confusion"). This is how the malicious
    /// `torchtriton` package reached PyTorch nightly users in 2022.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --extra-index-url https://pypi.corp.example.com/simple corp-utils==2.1.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --index-url https://pypi.corp.example.com/simple corp-utils==2.1.0
    /// ```
    ///
    /// ## Fix
    /// None: the right index (a single proxy that serves both, or hashes) is a decision
    /// for the author.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-427 (uncontrolled search path element), CWE-829; chapter 3.1.4.
    pub struct PipExtraIndexUrl {
        code: "SG407",
        name: "pip-extra-index-url",
        severity: Warning,
        section: "3.1.4",
        aliases: [],
        fixable: None,
    }
}

const HELP: &str = "use one `--index-url` that proxies PyPI and your private packages, or \
                    pin hashes (`--require-hashes`); with uv, keep the default index strategy";

impl Check for PipExtraIndexUrl {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for s in settings(cx).iter() {
            let set = s.value.as_deref().is_some_and(|v| !v.trim().is_empty());
            if set && s.name.eq_ignore_ascii_case("PIP_EXTRA_INDEX_URL") {
                found.push((
                    s.span,
                    format!("{} `{}` adds a second package index", s.kind.name(), s.name),
                ));
            }
        }
        for (inst, rs, script) in cx.run_scripts() {
            for c in script.commands() {
                for (w, message) in command_findings(c, rs) {
                    found.push((rs.file_span(inst, w.span), message));
                }
            }
        }
        found.sort_by_key(|f| (f.0.start, f.0.end));
        found.dedup_by_key(|f| (f.0.start, f.0.end));
        for (span, message) in found {
            cx.report(span, message).set_help(HELP);
        }
    }
}

fn command_findings<'a>(c: &'a Command, rs: &RunScript) -> Vec<(&'a Word, String)> {
    let mut out = Vec::new();
    let has = |name: &str| {
        c.args
            .iter()
            .any(|a| a.text() == name || a.text().starts_with(&format!("{name}=")))
    };
    if let Some(op) = rs.package_op(c)
        && matches!(op.manager, Manager::Pip | Manager::Uv)
    {
        let guarded = has("--require-hashes") || has("--no-index");
        let uv_safe =
            op.manager == Manager::Uv && !c.args.iter().any(|a| a.text().contains("unsafe-"));
        if !guarded && !uv_safe {
            for w in c.args.iter().filter(|a| {
                let t = a.text();
                t == "--extra-index-url" || t.starts_with("--extra-index-url=")
            }) {
                out.push((
                    w,
                    "`--extra-index-url`: a public package can shadow a private one".to_string(),
                ));
            }
        }
        // `pip config set global.extra-index-url …`
        if let Some(w) = c
            .args
            .iter()
            .find(|a| a.text().ends_with(".extra-index-url"))
            && c.args.iter().any(|a| a.is("set"))
        {
            out.push((
                w,
                "pip configured with an extra index: a public package can shadow a private one"
                    .to_string(),
            ));
        }
        return out;
    }
    // `extra-index-url = …` written to a pip configuration file.
    let writes_config =
        c.is_any(&["echo", "printf", "cat", "tee"]) && (c.stdout_file().is_some() || c.is("tee"));
    if writes_config {
        let texts = c
            .args
            .iter()
            .chain(c.redirects.iter().filter_map(|r| r.heredoc.as_ref()));
        for w in texts {
            let compact: String = w.text().chars().filter(|ch| !ch.is_whitespace()).collect();
            if compact.contains("extra-index-url=") || compact.contains("extra_index_url=") {
                out.push((
                    w,
                    "`extra-index-url` written to a pip configuration".to_string(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG407",
            &[
                "FROM a\nRUN pip install --extra-index-url https://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip3 install --extra-index-url=https://download.pytorch.org/whl/cpu torch==2.3.0\n",
                "FROM a\nRUN python -m pip install --extra-index-url https://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip download --extra-index-url https://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip config set global.extra-index-url https://pypi.corp/simple\n",
                "FROM a\nENV PIP_EXTRA_INDEX_URL=https://pypi.corp/simple\n",
                "FROM a\nARG PIP_EXTRA_INDEX_URL=https://pypi.corp/simple\n",
                "FROM a\nRUN printf '[global]\\nextra-index-url = https://pypi.corp/simple\\n' > /etc/pip.conf\n",
                "FROM a\nRUN uv pip install --index-strategy unsafe-best-match --extra-index-url https://pypi.corp/simple x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG407",
            &[
                "FROM a\nRUN pip install --index-url https://pypi.corp/simple x==1\n",
                "FROM a\nRUN pip install --require-hashes --extra-index-url https://pypi.corp/simple -r r.txt\n",
                "FROM a\nRUN pip install --no-index --find-links /wheels --extra-index-url https://x/simple x\n",
                "FROM a\nRUN uv pip install --extra-index-url https://pypi.corp/simple x\n",
                "FROM a\nARG PIP_EXTRA_INDEX_URL\n",
                "FROM a\nENV PIP_EXTRA_INDEX_URL=\n",
                "FROM a\nRUN echo --extra-index-url\n",
            ],
        );
    }
}
