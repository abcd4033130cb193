//! The build context BuildKit sends, computed exactly: `.dockerignore` reading and
//! matching, the context walk, and what each `COPY`/`ADD` source takes.
//!
//! # Entry points
//! - [`ignorefile::read`]: `.dockerignore` text → patterns (moby/patternmatcher's
//!   `ReadAll`).
//! - [`Matcher`]: the ordered pattern list with `!` exceptions;
//!   [`Matcher::matches_or_parent_matches`] is patternmatcher's check,
//!   [`Matcher::matches_using_parent_results`] the incremental one a walker uses.
//! - [`walk()`]: every non-directory entry the context sends, with sizes, as BuildKit's
//!   context transfer (tonistiigi/fsutil) decides it; [`dockerignore_for`] picks
//!   `<Dockerfile>.dockerignore` or `.dockerignore`.
//! - [`resolve_sources`]: the files a `COPY`/`ADD` takes, the error BuildKit raises for a
//!   source, and whether `.dockerignore` left the source out.
//! - [`secrets::find_secrets`]: which sent files are secrets, by name and by content
//!   (size-capped reads, masked values).
//! - [`suggest::suggest`]: a `.dockerignore` that keeps out what should stay out without
//!   excluding what the Dockerfile copies.
//!
//! Docker's rules are not gitignore's: a pattern is anchored at the context root
//! (`foo` is not `**/foo`), and an exception cannot bring back a file whose directory is
//! excluded unless the walk still enters that directory. This crate implements Docker's
//! rules itself (no `globset`/`ignore`), from the behaviour of moby/patternmatcher,
//! tonistiigi/fsutil and BuildKit's Dockerfile frontend. It never prints and never runs
//! other programs. Secret detection is seguro-secrets'.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod copy;
pub mod gopath;
mod goregex;
pub mod ignorefile;
pub mod matcher;
pub mod secrets;
pub mod suggest;
pub mod walk;

pub use copy::{IgnoreCheck, Resolved, SourceError, SourceMatch, resolve_sources};
pub use matcher::{MatchInfo, MatchType, Matcher, Pattern, PatternError, clean_then_matches};
pub use walk::{
    ContextFile, ContextFiles, DirUsage, FileKind, Problem, ProblemKind, WalkError,
    dockerignore_for, is_excluded_by, read_patterns, walk, walk_for_dockerfile,
};
