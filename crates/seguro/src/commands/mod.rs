//! One module per subcommand.

mod context;
mod dump;
mod lint;
pub mod rules;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

/// Runs a parsed command line; `Err` is a usage or I/O problem (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Dump { file, sexpr } => dump::run(&file, sexpr),
        Command::Context(args) => context::run(&args),
        Command::Rule { rule } => rules::rule(&rule),
        Command::Rules { format, write_docs } => rules::rules(format, write_docs.as_deref()),
    }
}
