//! Linting one Dockerfile: parse, model, scripts, rules, pragmas.

use crate::checker::{Checker, analyse_scripts};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::rules::sg0::sg005_unused_pragma::UnusedPragma;
use crate::{pragma, registry};
use seguro_dockerfile::{Model, parse};
use std::cell::OnceCell;
use std::path::Path;
use std::sync::Arc;

pub use crate::rules::sg5::context::{
    BuildContext, CONTEXT_RULES, ContextCache, ContextCopy, CopySource, ExampleEntry,
    example_context, human_size, write_example_context,
};

/// Options of one lint run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// The stage that is built (`--target`); default: the last.
    pub target: Option<&'a str>,
    /// The build context directory. With one, the context rules (SG510–SG515) read it,
    /// with the ignore file BuildKit would pick for `file`; `None` (the default): no
    /// context checks.
    pub context: Option<&'a Path>,
    /// Shares context walks between the files of one run (see [`ContextCache`]).
    pub context_cache: Option<&'a ContextCache>,
}

/// What linting one file produced, with the build context it read.
#[derive(Debug)]
pub struct Analysis {
    /// The diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The build context (read even when no context rule ran), when
    /// [`Options::context`] was given.
    pub context: Option<Arc<BuildContext>>,
}

/// Lints `src` (the text of `file`) and returns its diagnostics sorted by position.
pub fn lint(file: &str, src: &str, config: &Config, options: Options<'_>) -> Vec<Diagnostic> {
    run(file, src, config, options, false).diagnostics
}

/// [`lint`], also returning the build context of [`Options::context`] (for
/// `seguro context`, which shows what it sends).
pub fn lint_with_context(file: &str, src: &str, config: &Config, options: Options<'_>) -> Analysis {
    run(file, src, config, options, true)
}

fn run(file: &str, src: &str, config: &Config, options: Options<'_>, keep: bool) -> Analysis {
    let df = parse(src);
    let model = Model::new(&df);
    let scripts = analyse_scripts(&df, &model);
    let path = Path::new(file);
    let mut cx = Checker {
        file,
        src,
        df: &df,
        model: &model,
        config,
        target: options.target,
        scripts: &scripts,
        context_dir: options.context,
        context_cache: options.context_cache,
        context: OnceCell::new(),
        package_runs: OnceCell::new(),
        labels: OnceCell::new(),
        settings: OnceCell::new(),
        rule: registry::all()[0].meta(),
        severity: crate::diagnostic::Severity::Error,
        diagnostics: Vec::new(),
    };
    for &(rule, severity) in config.enabled_rules() {
        let meta = rule.meta();
        if !config.per_file.is_empty() && !config.is_enabled(meta, path) {
            continue;
        }
        cx.rule = meta;
        cx.severity = severity;
        rule.check(&mut cx);
    }
    let context = if keep { cx.build_context() } else { None };
    let pragmas = pragma::collect(src, &df);
    let mut used = vec![false; pragmas.len()];
    let mut out = cx.diagnostics;
    out.retain(|d| {
        let mut suppressed = false;
        for (p, u) in pragmas.iter().zip(used.iter_mut()) {
            if p.covers(d.code, d.span) {
                *u = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let unused = UnusedPragma::META;
    if config.is_enabled(&unused, path) {
        let severity = config.severity_of(&unused);
        for (p, _) in pragmas.iter().zip(&used).filter(|(_, u)| !**u) {
            // Judge only pragmas whose every selector names rules that ran.
            let judged = !p.selectors.is_empty()
                && p.selectors.iter().all(|sel| {
                    let rules = registry::resolve(sel);
                    !rules.is_empty()
                        && rules.iter().all(|m| {
                            config.is_enabled(m, path)
                                && (options.context.is_some() || !CONTEXT_RULES.contains(&m.code))
                        })
                });
            if judged {
                out.push(Diagnostic {
                    code: unused.code,
                    name: unused.name,
                    severity,
                    message: format!("`{}` suppresses nothing", p.text),
                    span: p.span,
                    help: Some("remove the stale suppression".into()),
                    fix: None,
                    related: Vec::new(),
                    location: None,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    Analysis {
        diagnostics: out,
        context,
    }
}
