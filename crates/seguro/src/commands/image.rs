//! `seguro image IMAGE`: read a built image (docker save, OCI layout, oci-archive), run
//! the image rules (SI), report in the chosen format, exit 0/1/2.

use crate::cli::{Format, ImageArgs};
use crate::report::{FileResult, Report};
use seguro_linter::Config;
use std::path::Path;
use std::process::ExitCode;

/// The configuration: `--isolated`, `--config FILE`, else the one found from the current
/// directory; then the command line's selection and threshold over it (as in `lint`).
fn config(args: &ImageArgs) -> Result<Config, String> {
    let mut cfg = if args.isolated {
        Config::default()
    } else if let Some(path) = &args.config {
        super::lint::load_config(path)?
    } else {
        let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
        Config::discover(&cwd)
            .map_err(|e| format!("configuration: {e}"))?
            .unwrap_or_default()
    };
    super::lint::Overrides::from_selection(&args.selection)?.apply(&mut cfg);
    Ok(cfg)
}

/// Whether `image` names a registry image rather than a file: not a path that exists, not
/// an archive name, and a valid reference with a registry, a repository path, a tag or a
/// digest (`ghcr.io/acme/app:1.0`, `nginx:1.27`, `app@sha256:…`).
fn is_reference(image: &str) -> bool {
    let archive = [".tar", ".tgz", ".gz", ".zst", ".oci"]
        .iter()
        .any(|ext| image.to_ascii_lowercase().ends_with(ext));
    !archive
        && !image.starts_with('.')
        && !image.starts_with('/')
        && seguro_dockerfile::reference::ImageRef::parse_normalized(image).is_ok()
        && (image.contains(':') || image.contains('/') || image.contains('@'))
}

/// Reads a registry image (manifest, config and every layer, streamed and verified).
fn pull(args: &ImageArgs, options: &seguro_image::Options) -> Result<seguro_image::Image, String> {
    let registry = seguro_registry::Options {
        insecure_registries: args.insecure_registry.clone(),
        ..seguro_registry::Options::default()
    };
    seguro_registry::read_image(&args.image, &registry, options).map_err(|e| e.to_string())
}

#[allow(clippy::print_stderr)]
fn warn(msg: &str) {
    eprintln!("seguro: warning: {msg}");
}

pub fn run(args: &ImageArgs) -> Result<ExitCode, String> {
    let config = config(args)?;
    let path = Path::new(&args.image);
    let options = seguro_image::Options {
        platform: args.platform.clone(),
        ..seguro_image::Options::default()
    };
    let mut image = if args.image == "-" || path.exists() {
        seguro_image::open(path, &options).map_err(|e| e.to_string())?
    } else if is_reference(&args.image) {
        pull(args, &options)?
    } else {
        return Err(format!("{}: no such file or directory", args.image));
    };
    image.source = args.image.clone();
    for w in &image.warnings {
        warn(&format!("{}: {w}", args.image));
    }
    let diagnostics = seguro_image::check::check(&image, &config);
    let mut result = FileResult::new(args.image.clone(), String::new(), diagnostics);
    result.noun = "image";
    result.fail_on = config.fail_on();
    let failing = result.failing();
    let to_file = args.output_file.is_some();
    let report = Report {
        files: vec![result],
        unsafe_fixes: false,
        fix_mode: false,
        statistics: args.statistics,
        styled: args.format == Format::Human && !to_file,
    };
    let text = report.render(args.format);
    super::write_report(&text, args.output_file.as_deref(), report.styled)?;
    Ok(ExitCode::from(u8::from(failing)))
}

#[cfg(test)]
mod tests {
    use super::is_reference;

    #[test]
    fn registry_references_are_told_from_paths() {
        assert!(is_reference("ghcr.io/acme/app:1.0"));
        assert!(is_reference("nginx:1.27"));
        assert!(!is_reference("./app.tar"));
        assert!(!is_reference("/tmp/nope/app.tar"));
        assert!(!is_reference("app.tar"));
        assert!(!is_reference("images/app.tar"));
    }
}
