//! Command-line arguments (clap derive; each doc comment is the help text).

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// seguro: secure container images, from the first line of the Dockerfile to the
/// published image.
#[derive(Debug, Parser)]
#[command(name = "seguro", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the parse of one Dockerfile as JSON (exit 1 when BuildKit would refuse it).
    Dump {
        /// The Dockerfile (`-` reads standard input).
        file: PathBuf,
        /// Print BuildKit's s-expression dump instead of JSON.
        #[arg(long)]
        sexpr: bool,
    },
}
