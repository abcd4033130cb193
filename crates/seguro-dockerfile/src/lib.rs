//! BuildKit-compatible Dockerfile parsing: directives, instructions with byte spans,
//! heredocs, flags, ARG/ENV word expansion, image references and the stage model.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod lex;
pub mod reference;
