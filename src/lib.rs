//! daybook keeps a repository of daily Markdown notes healthy.
//!
//! The data flow, one module per stage:
//!
//! ```text
//! daybook.yml -> config::Config (as written) -> settings::Settings (compiled once)
//! discover files -> note::parse (model with spans) -> rules / links -> Diagnostic
//!     -> levels + suppress -> report::{human,github,json,sarif}
//! notes -> readme (regions, templates) -> util::fs atomic write
//! diagnostics / README -> github (check runs, job summary, outputs, commit)
//! ```
//!
//! The top-level modules form layers, lowest first: `diag`/`error`/`pattern`/
//! `suggest`, `util`, `config`, `levels`/`note`/`discover`, `rules`/`links`/
//! `readme`, `catalog` (every rule's name, severity and docs), `settings`/
//! `suppress`, `lint` (the driver), `report`, `github`, and on top `cli` and
//! `commands`, the only modules that know clap or print. `src/architecture.rs`
//! fails the tests when an import goes the wrong way.
//!
//! I/O lives at the edges (`discover`, `util`, `links::check`, `github`);
//! everything in between is pure functions over [`note::Note`] and [`settings::Settings`].

// The library never prints; warnings, tallies and progress go back to the
// binary as values or through a sink (typos' habit).
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[cfg(test)]
mod architecture;
pub mod catalog;
// The binary's side: the only modules that print.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod commands;
pub mod config;
pub mod diag;
pub mod discover;
pub(crate) mod error;
pub mod fix;
pub mod github;
pub(crate) mod levels;
pub mod links;
pub mod lint;
pub mod note;
pub(crate) mod pattern;
pub mod readme;
pub mod report;
pub mod rules;
pub mod settings;
pub(crate) mod suggest;
pub(crate) mod suppress;
pub(crate) mod util;
pub(crate) mod write;

pub use config::Config;
pub use diag::{Diagnostic, Severity, SourceFile};
pub use error::Error;
