//! seguro's lint engine: the `Rule` trait and registry, diagnostics with spans and fixes,
//! configuration and pragmas. One rule, one file under `rules/`.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod checker;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod hadolint_config;
pub mod lint;
pub mod pragma;
pub mod registry;
pub mod rule;
pub mod rules;

pub use config::{Config, ConfigError};
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use lint::{Options, lint};
pub use rule::{Rule, RuleMeta};
