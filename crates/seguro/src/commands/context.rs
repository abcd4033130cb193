//! `seguro context [DIR] [-f Dockerfile]`: what the build context sends (files, size,
//! heaviest folders, secrets), what each COPY/ADD takes from it, and the lint findings;
//! `--format json` prints the contract's object, `--suggest-dockerignore` an ignore file.

use super::lint::{config_dir, display, load_config};
use crate::cli::{ContextArgs, ContextFormat};
use crate::discover::Input;
use crate::input;
use crate::report::{FileResult, Report, json, mask_secrets};
use seguro_context::suggest::{CopySpec, suggest};
use seguro_context::{ContextFiles, FileKind};
use seguro_linter::lint::{BuildContext, CONTEXT_RULES, human_size, lint_with_context};
use seguro_linter::{Config, Options};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The `--format json` object (design/cli-contract.md), keys in the contract's order.
#[derive(Serialize)]
struct ContextJson<'a> {
    context: String,
    dockerfile: &'a str,
    dockerignore: Option<String>,
    files: Vec<FileJson<'a>>,
    total_bytes: u64,
    copies: Vec<CopyJson<'a>>,
    diagnostics: Vec<json::Json<'a>>,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a str,
    size: u64,
}

#[derive(Serialize)]
struct CopyJson<'a> {
    line: u32,
    instruction: String,
    files: Vec<&'a str>,
}

/// `DIR/Dockerfile`, or `DIR/dockerfile` when only that exists (as docker/cli).
fn default_dockerfile(dir: &Path) -> PathBuf {
    let upper = dir.join("Dockerfile");
    let lower = dir.join("dockerfile");
    if !upper.exists() && lower.exists() {
        lower
    } else {
        upper
    }
}

#[allow(clippy::print_stderr)]
fn warn(msg: &str) {
    eprintln!("seguro: warning: {msg}");
}

pub fn run(args: &ContextArgs) -> Result<ExitCode, String> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let dockerfile = args
        .file
        .clone()
        .unwrap_or_else(|| default_dockerfile(&dir));
    let input = if dockerfile.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::File(dockerfile.clone())
    };
    let src = input::read(&dockerfile)?;
    let name = match &input {
        Input::Stdin => src.name.clone(),
        Input::File(p) => display(p),
    };
    if src.lossy {
        warn(&format!(
            "{name}: not valid UTF-8; invalid bytes were replaced by U+FFFD for analysis"
        ));
    }
    let config = if args.isolated {
        Config::default()
    } else if let Some(path) = &args.config {
        load_config(path)?
    } else {
        Config::discover(&config_dir(&input, None))
            .map_err(|e| format!("configuration: {e}"))?
            .unwrap_or_default()
    };
    let options = Options {
        target: args.target.as_deref(),
        context: Some(&dir),
        context_cache: None,
    };
    let analysis = lint_with_context(&name, &src.text, &config, options);
    let ctx = analysis
        .context
        .ok_or_else(|| "the build context could not be read".to_string())?;

    match ctx.walk() {
        Err(e) => warn(&format!(
            "the build context cannot be sent ({e}); BuildKit stops here"
        )),
        Ok(files) => {
            for p in &files.problems {
                let what = if p.path.is_empty() {
                    display(&dir)
                } else {
                    ctx.display(&p.path)
                };
                let consequence = if p.fails_build {
                    "BuildKit fails the build on it"
                } else {
                    "excluded, BuildKit ignores it"
                };
                warn(&format!("{what}: {} ({consequence})", p.message));
            }
        }
    }

    if args.suggest_dockerignore {
        return suggest_ignore(&dir, &ctx);
    }

    let mut result = FileResult::new(name.clone(), src.text.clone(), analysis.diagnostics);
    result.fail_on = config.fail_on();
    let failing = result.failing();
    let text = match args.format {
        ContextFormat::Json => render_json(&dir, &name, &ctx, &result),
        ContextFormat::Human => render_human(&dir, &name, &ctx, result),
    };
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("writing output: {e}"))?;
    Ok(ExitCode::from(u8::from(failing)))
}

fn suggest_ignore(dir: &Path, ctx: &BuildContext) -> Result<ExitCode, String> {
    let existing = match &ctx.ignore_file {
        Some(p) => Some(
            std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| format!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    let specs: Vec<CopySpec> = ctx
        .copies
        .iter()
        .map(|c| CopySpec {
            line: c.line as usize,
            sources: c.sources.iter().map(|s| s.value.clone()).collect(),
            excludes: c.excludes.clone(),
            parents: c.parents,
        })
        .collect();
    let s = suggest(dir, existing.as_deref(), &specs).map_err(|e| e.to_string())?;
    let target = ctx
        .ignore_display()
        .unwrap_or_else(|| ctx.display(".dockerignore"));
    #[allow(clippy::print_stderr)]
    {
        eprintln!("seguro: suggested content for {target}");
    }
    std::io::stdout()
        .lock()
        .write_all(s.text.as_bytes())
        .map_err(|e| format!("writing output: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn render_json(dir: &Path, name: &str, ctx: &BuildContext, result: &FileResult) -> String {
    let files = ctx.files();
    let out = ContextJson {
        context: display(dir),
        dockerfile: name,
        dockerignore: ctx.ignore_display(),
        files: files
            .map(|f| {
                f.files
                    .iter()
                    .map(|e| FileJson {
                        path: &e.path,
                        size: e.size,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        total_bytes: files.map_or(0, ContextFiles::total_bytes),
        copies: ctx
            .copies
            .iter()
            .map(|c| CopyJson {
                line: c.line,
                instruction: mask_secrets(&c.instruction).0,
                files: c.files(),
            })
            .collect(),
        diagnostics: result
            .diagnostics
            .iter()
            .map(|d| json::diagnostic(result, d))
            .collect(),
    };
    json::pretty(&out)
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn files_count(n: usize) -> String {
    format!("{} {}", thousands(n), if n == 1 { "file" } else { "files" })
}

/// One line of a table: the instruction text cut to `width` characters.
fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn render_human(dir: &Path, name: &str, ctx: &BuildContext, result: FileResult) -> String {
    let mut out = String::new();
    let ignore = ctx.ignore_display().unwrap_or_else(|| "none".to_string());
    let _ = writeln!(out, "Build context: {}", display(dir));
    let _ = writeln!(out, "Dockerfile:    {name}");
    let _ = writeln!(out, "Ignore file:   {ignore}");
    let Some(files) = ctx.files() else {
        if let Err(e) = ctx.walk() {
            let _ = writeln!(out, "\nNothing is sent: {e}.");
        }
        out.push_str(&findings(result));
        return out;
    };
    let _ = writeln!(
        out,
        "Sends:         {}, {}",
        files_count(files.files.len()),
        human_size(files.total_bytes())
    );

    let heaviest = files.heaviest_folders(10);
    if !heaviest.is_empty() {
        let _ = writeln!(out, "\nHeaviest folders");
        for d in heaviest {
            let _ = writeln!(
                out,
                "  {:>10}  {:>13}  {}",
                human_size(d.bytes),
                files_count(d.files),
                d.path
            );
        }
    }

    let _ = writeln!(out, "\nCOPY/ADD from the context");
    if ctx.copies.is_empty() {
        let _ = writeln!(
            out,
            "  none: nothing reads the context (BuildKit does not send it)"
        );
    }
    for c in &ctx.copies {
        let taken = c.files();
        let bytes: u64 = taken
            .iter()
            .filter_map(|p| files.get(p))
            .filter(|f| f.kind == FileKind::File)
            .map(|f| f.size)
            .sum();
        let text = mask_secrets(&c.instruction).0;
        let _ = writeln!(
            out,
            "  line {:<4} {:<40}  {}, {}",
            c.line,
            cut(&text, 40),
            files_count(taken.len()),
            human_size(bytes)
        );
    }

    let regular = files
        .files
        .iter()
        .filter(|f| f.kind == FileKind::File)
        .map(|f| f.path.as_str());
    let secrets = ctx.secrets_among(regular);
    let _ = writeln!(out, "\nSecrets sent ({})", secrets.len());
    if secrets.is_empty() {
        let _ = writeln!(out, "  none found by name or content");
    }
    for s in &secrets {
        let lines: Vec<String> = ctx
            .copies
            .iter()
            .filter(|c| c.files().contains(&s.path.as_str()))
            .map(|c| c.line.to_string())
            .collect();
        let copied = if lines.is_empty() {
            "not copied".to_string()
        } else {
            format!("copied by line {}", lines.join(", "))
        };
        let _ = writeln!(out, "  {}: {} ({copied})", s.path, s.description());
    }
    out.push_str(&findings(result));
    out
}

/// The context rules' findings as code frames, and a count of the others.
fn findings(mut result: FileResult) -> String {
    let total = result.diagnostics.len();
    result
        .diagnostics
        .retain(|d| CONTEXT_RULES.contains(&d.code));
    let others = total - result.diagnostics.len();
    let mut out = String::from("\n");
    if result.diagnostics.is_empty() {
        out.push_str("No context findings.\n");
    } else {
        let report = Report {
            files: vec![result],
            unsafe_fixes: false,
            fix_mode: false,
            statistics: false,
            styled: false,
        };
        out.push_str(&report.render(crate::cli::Format::Human));
    }
    if others > 0 {
        let _ = writeln!(
            out,
            "{} other finding{} in the Dockerfile: see `seguro lint`.",
            others,
            if others == 1 { "" } else { "s" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cut, thousands};

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(cut("COPY . .", 40), "COPY . .");
        assert_eq!(cut("abcdef", 4), "abc…");
    }
}
