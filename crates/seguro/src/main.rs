//! The `seguro` command line: thin glue over the library crates.

mod cli;
mod commands;
mod discover;
mod fixer;
mod input;
mod report;

use std::process::ExitCode;

/// mimalloc: lint runs allocate many small strings per file; glibc malloc was ~25% of
/// the profile (bench/lint-vs-hadolint.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("seguro: error: {err}");
            }
            ExitCode::from(2)
        }
    }
}
