//! `seguro lint [PATH…]`: find Dockerfiles, load their configuration, lint them in
//! parallel, fix or diff them, report in the chosen format, exit 0/1/2.

use crate::cli::{Format, LintArgs, Selection, SeverityArg};
use crate::discover::{self, Input};
use crate::report::{FileResult, Report};
use crate::{fixer, input};
use rayon::prelude::*;
use seguro_linter::{Config, Options, Severity, hadolint_config, lint, registry};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Rule selection and threshold given on the command line, applied over each config
/// (`lint` and `image` alike).
#[derive(Default)]
pub(super) struct Overrides {
    select: Option<Vec<&'static str>>,
    extend_select: Vec<&'static str>,
    ignore: Vec<&'static str>,
    fail_on: Option<Severity>,
}

impl Overrides {
    fn from_args(args: &LintArgs) -> Result<Overrides, String> {
        let mut o = Overrides::from_selection(&args.selection)?;
        if args.report_unused_pragmas {
            // The engine's `unused-pragma` rule (SG005) runs only when selected.
            o.extend_select
                .extend(registry::resolve("unused-pragma").iter().map(|m| m.code));
        }
        Ok(o)
    }

    /// `--select`, `--extend-select`, `--ignore` and `--fail-on` as given; an unknown
    /// rule is a usage error.
    pub(super) fn from_selection(selection: &Selection) -> Result<Overrides, String> {
        Ok(Overrides {
            select: selection.select.as_deref().map(codes).transpose()?,
            extend_select: codes(&selection.extend_select)?,
            ignore: codes(&selection.ignore)?,
            fail_on: selection.fail_on.map(|s| match s {
                SeverityArg::Error => Severity::Error,
                SeverityArg::Warning => Severity::Warning,
                SeverityArg::Info => Severity::Info,
                SeverityArg::Style => Severity::Style,
                SeverityArg::Off => Severity::Off,
            }),
        })
    }

    /// The command line wins: `--select` replaces the config's selection (and un-ignores
    /// what it names), `--extend-select` adds, `--ignore` removes.
    pub(super) fn apply(&self, cfg: &mut Config) {
        if let Some(select) = &self.select {
            cfg.select = Some(select.clone());
            cfg.extend_select.clear();
            cfg.ignore.retain(|c| !select.contains(c));
        }
        for code in &self.extend_select {
            cfg.extend_select.push(code);
            cfg.ignore.retain(|c| c != code);
        }
        cfg.ignore.extend(self.ignore.iter().copied());
        if self.fail_on.is_some() {
            cfg.fail_on = self.fail_on;
        }
    }
}

/// Rule codes named by command-line selectors; an unknown one is a usage error.
fn codes(selectors: &[String]) -> Result<Vec<&'static str>, String> {
    let mut out = Vec::new();
    for sel in selectors.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let found = registry::resolve(sel);
        if found.is_empty() {
            return Err(format!(
                "unknown rule `{sel}`{}",
                super::rules::suggestion(sel)
            ));
        }
        out.extend(found.iter().map(|m| m.code));
    }
    Ok(out)
}

/// Loads `--config FILE` (`.yaml`/`.yml`: a hadolint configuration).
pub(super) fn load_config(path: &Path) -> Result<Config, String> {
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let loaded = if is_yaml {
        hadolint_config::read(path)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| seguro_linter::ConfigError(format!("{}: {e}", path.display())))
            .and_then(|text| Config::from_toml(&text, Some(path)))
    };
    loaded.map_err(|e| format!("configuration: {e}"))
}

/// The directory configuration is searched from, absolute.
pub(super) fn config_dir(input: &Input, stdin_filename: Option<&Path>) -> PathBuf {
    let file = match input {
        Input::File(p) => Some(p.as_path()),
        Input::Stdin => stdin_filename,
    };
    let dir = file
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// What linting one input produced.
struct Outcome {
    result: FileResult,
    /// Original and fixed text, when `--fix`/`--diff` changed something.
    change: Option<(String, String)>,
    warnings: Vec<String>,
}

struct Job<'a> {
    args: &'a LintArgs,
    options: Options<'a>,
    fixing: bool,
}

impl Job<'_> {
    fn lint_one(
        &self,
        input: &Input,
        stdin: Option<&input::Source>,
        config: &Config,
    ) -> Result<Outcome, String> {
        let src = match (input, stdin) {
            (Input::Stdin, Some(s)) => input::Source {
                name: s.name.clone(),
                text: s.text.clone(),
                lossy: s.lossy,
            },
            (Input::File(p), _) => input::read(p)?,
            (Input::Stdin, None) => return Err("<stdin>: not read".to_string()),
        };
        let name = match input {
            Input::Stdin => self
                .args
                .stdin_filename
                .as_ref()
                .map_or_else(|| src.name.clone(), |p| display(p)),
            Input::File(p) => display(p),
        };
        // The build context: `--context`, else the Dockerfile's directory; standard
        // input has none unless `--context` says.
        let own_dir;
        let context = match (&self.args.context, input) {
            (Some(dir), _) => Some(dir.as_path()),
            (None, Input::File(p)) => {
                own_dir = dockerfile_dir(p);
                Some(own_dir.as_path())
            }
            (None, Input::Stdin) => None,
        };
        let options = Options {
            context,
            ..self.options
        };
        let mut warnings = Vec::new();
        if src.lossy {
            warnings.push(format!(
                "{name}: not valid UTF-8; invalid bytes were replaced by U+FFFD for analysis"
            ));
        }
        let (text, fixed) = if self.fixing && !src.lossy {
            let f = fixer::fix_loop(&name, &src.text, config, options, self.args.unsafe_fixes);
            (f.text, f.applied)
        } else {
            if self.fixing {
                warnings.push(format!("{name}: not fixed (not valid UTF-8)"));
            }
            (src.text.clone(), 0)
        };
        let diagnostics = lint(&name, &text, config, options);
        let change = (text != src.text).then(|| (src.text.clone(), text.clone()));
        let mut result = FileResult::new(name, text, diagnostics);
        result.fixed = fixed;
        result.fail_on = config.fail_on();
        Ok(Outcome {
            result,
            change,
            warnings,
        })
    }
}

/// The directory of a Dockerfile (`.` for a bare file name): its default build context.
pub(super) fn dockerfile_dir(p: &Path) -> PathBuf {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A path as shown in reports: `/`-separated, without a leading `./`.
pub(super) fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[allow(clippy::print_stderr)]
fn warn(msg: &str) {
    eprintln!("seguro: warning: {msg}");
}

#[allow(clippy::print_stderr)]
fn error(msg: &str) {
    eprintln!("seguro: error: {msg}");
}

pub fn run(args: &LintArgs) -> Result<ExitCode, String> {
    let overrides = Overrides::from_args(args)?;
    if let Some(ctx) = &args.context
        && !ctx.is_dir()
    {
        return Err(format!("--context {}: not a directory", ctx.display()));
    }
    let mut failed = false;
    let (inputs, walk_errors) = discover::inputs(&args.paths);
    for e in &walk_errors {
        error(e);
        failed = true;
    }

    // Configuration: one for all (`--config`, `--isolated`), else one per directory.
    let fixed_config = if args.isolated {
        Some(Config::default())
    } else {
        args.config.as_deref().map(load_config).transpose()?
    };
    let mut by_dir: HashMap<PathBuf, Result<Arc<Config>, String>> = HashMap::new();
    let mut jobs: Vec<(Input, Arc<Config>)> = Vec::new();
    let shared = fixed_config.map(|mut c| {
        overrides.apply(&mut c);
        Arc::new(c)
    });
    let mut reported: Vec<String> = Vec::new();
    for input in inputs {
        let config = match &shared {
            Some(c) => Ok(c.clone()),
            None => {
                let dir = config_dir(&input, args.stdin_filename.as_deref());
                by_dir
                    .entry(dir.clone())
                    .or_insert_with(|| match Config::discover(&dir) {
                        Ok(found) => {
                            let mut c = found.unwrap_or_default();
                            overrides.apply(&mut c);
                            Ok(Arc::new(c))
                        }
                        Err(e) => Err(format!("configuration: {e}")),
                    })
                    .clone()
            }
        };
        match config {
            Ok(c) => jobs.push((input, c)),
            Err(e) => {
                if !reported.contains(&e) {
                    error(&e);
                    reported.push(e);
                }
                failed = true;
            }
        }
    }

    let stdin = if jobs.iter().any(|(i, _)| *i == Input::Stdin) {
        Some(input::read(Path::new("-"))?)
    } else {
        None
    };
    let fixing = args.fix || args.diff;
    // Dockerfiles that share a context directory share its walk and secret scan.
    let context_cache = seguro_linter::lint::ContextCache::default();
    let job = Job {
        args,
        options: Options {
            target: args.target.as_deref(),
            context: None,
            context_cache: Some(&context_cache),
        },
        fixing,
    };
    let outcomes: Vec<(Input, Result<Outcome, String>)> = jobs
        .par_iter()
        .map(|(input, config)| (input.clone(), job.lint_one(input, stdin.as_ref(), config)))
        .collect();

    let mut files = Vec::new();
    let mut diffs = String::new();
    let mut changed = 0usize;
    let mut would_fix = 0usize;
    let mut stdin_fixed: Option<String> = None;
    for (input, outcome) in outcomes {
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                error(&e);
                failed = true;
                continue;
            }
        };
        for w in &outcome.warnings {
            warn(w);
        }
        if let Some((old, new_text)) = &outcome.change {
            changed += 1;
            would_fix += outcome.result.fixed;
            if args.diff {
                diffs.push_str(&fixer::unified_diff(&outcome.result.name, old, new_text));
            } else if args.fix {
                match &input {
                    Input::File(p) => {
                        if let Err(e) = fixer::write_atomic(p, new_text) {
                            error(&e);
                            failed = true;
                        }
                    }
                    Input::Stdin => stdin_fixed = Some(new_text.clone()),
                }
            }
        } else if args.fix && input == Input::Stdin {
            stdin_fixed = stdin.as_ref().map(|s| s.text.clone());
        }
        files.push(outcome.result);
    }

    if args.diff {
        let mut out = std::io::stdout().lock();
        out.write_all(diffs.as_bytes())
            .map_err(|e| format!("writing output: {e}"))?;
        #[allow(clippy::print_stderr)]
        {
            if changed == 0 {
                eprintln!("No fixes available.");
            } else {
                eprintln!(
                    "Would fix {would_fix} finding{} in {changed} file{}.",
                    if would_fix == 1 { "" } else { "s" },
                    if changed == 1 { "" } else { "s" }
                );
            }
        }
        return Ok(ExitCode::from(if failed {
            2
        } else {
            u8::from(changed > 0)
        }));
    }

    let failing = files.iter().any(FileResult::failing);
    let to_file = args.output_file.is_some();
    let report = Report {
        files,
        unsafe_fixes: args.unsafe_fixes,
        fix_mode: args.fix,
        statistics: args.statistics,
        styled: args.format == Format::Human && !to_file,
    };
    let text = report.render(args.format);
    if let Some(fixed) = stdin_fixed {
        // `--fix` on stdin: the fixed Dockerfile is the output; the report goes to stderr.
        std::io::stdout()
            .lock()
            .write_all(fixed.as_bytes())
            .map_err(|e| format!("writing output: {e}"))?;
        anstream::stderr()
            .write_all(text.as_bytes())
            .map_err(|e| format!("writing output: {e}"))?;
    } else {
        super::write_report(&text, args.output_file.as_deref(), report.styled)?;
    }
    // The process ends right after: the kernel takes the report's memory back at once,
    // freeing its hundreds of thousands of allocations one by one took ~3% of a run.
    std::mem::forget(report);
    Ok(ExitCode::from(if failed { 2 } else { u8::from(failing) }))
}
