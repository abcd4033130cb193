//! BuildKit-compatible Dockerfile parsing: directives, instructions with byte spans,
//! heredocs, flags, ARG/ENV word expansion, image references and the stage model.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod ast;
pub mod dump;
pub mod json_array;
pub mod lex;
pub mod model;
pub mod parser;
pub mod reference;
pub mod span;
mod validate;

pub use ast::{
    Arg, Directive, Dockerfile, ErrorStage, Flag, Heredoc, Instruction, Kind, Mount, ParseError,
};
pub use model::Model;
pub use parser::parse;
pub use span::{LineCol, LineIndex, Span};
pub use validate::parse_go_duration;
