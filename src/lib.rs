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

// The documented API: configuration, diagnostics, the lint driver, the README,
// the link checker and the reporters.
pub mod config;
pub mod diag;
pub mod links;
pub mod lint;
pub mod readme;
pub mod report;
pub mod settings;

// Public only so tests/it can reach them; not part of the API.
#[doc(hidden)]
pub mod catalog;
#[doc(hidden)]
pub mod discover;
#[doc(hidden)]
pub mod github;
#[doc(hidden)]
pub mod note;
#[doc(hidden)]
pub mod rules;

// The binary's side, the only modules that print: `cli` is public for
// `main.rs`, which calls `cli::main` and nothing else.
#[allow(clippy::print_stdout, clippy::print_stderr)]
#[doc(hidden)]
pub mod cli;
#[allow(clippy::print_stdout, clippy::print_stderr)]
mod commands;

mod error;
mod fix;
mod levels;
mod pattern;
mod suggest;
mod suppress;
mod util;
mod write;

pub use config::Config;
pub use diag::{Diagnostic, Severity, SourceFile};
pub use error::Error;
