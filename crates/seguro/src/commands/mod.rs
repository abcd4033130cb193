//! One module per subcommand.

mod dump;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

/// Runs a parsed command line; `Err` is a usage or I/O problem (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Dump { file, sexpr } => dump::run(&file, sexpr),
    }
}
