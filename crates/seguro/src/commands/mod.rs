//! One module per subcommand.

mod context;
mod dump;
mod image;
mod keygen;
mod lint;
mod publish_check;
pub mod rules;
mod sign;
mod verify;

use crate::cli::{Cli, Command};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Writes a rendered report to `--output-file`, else to standard output: through
/// anstream when styled (it strips colours when stdout is not a terminal or NO_COLOR is
/// set), as it is otherwise (machine formats carry no styling).
fn write_report(text: &str, output_file: Option<&Path>, styled: bool) -> Result<(), String> {
    if let Some(path) = output_file {
        return std::fs::write(path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let written = if styled {
        let mut out = anstream::stdout();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    written.map_err(|e| format!("writing output: {e}"))
}

/// Runs a parsed command line; `Err` is a usage or I/O problem (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    // Registry rules (SR) are known to `seguro rule`, configs and reports.
    seguro_registry::rules::register();
    // Image rules (SI) too.
    seguro_image::rules::register();
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Dump { file, sexpr } => dump::run(&file, sexpr),
        Command::Context(args) => context::run(&args),
        Command::Image(args) => image::run(&args),
        Command::Rule { rule } => rules::rule(&rule),
        Command::Rules { format, write_docs } => rules::rules(format, write_docs.as_deref()),
        Command::Keygen {
            output_key_prefix,
            force,
        } => keygen::run(&output_key_prefix, force),
        Command::Sign {
            key,
            sign_container_identity,
            insecure_registry,
            image,
        } => sign::run(
            &key,
            &image,
            sign_container_identity.as_deref(),
            &insecure_registry,
        ),
        Command::Verify {
            key,
            insecure_registry,
            image,
        } => verify::run(&key, &image, &insecure_registry),
        Command::PublishCheck(args) => publish_check::run(&args),
    }
}
