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
//! everything in between is pure functions over `note::Note` and [`Settings`].
//!
//! # The public API
//!
//! The `daybook` binary is a thin shell over this crate; what it builds on is
//! public, everything else is `pub(crate)`:
//!
//! - [`Config`] is `daybook.yml` as written; [`Settings`] is it compiled once
//!   for a run ([`Settings::from_yaml`], [`Settings::compile`],
//!   `Settings::default()` for the built-in configuration).
//! - [`lint`]: [`lint::load_notes`] walks and parses a repository;
//!   [`lint::lint_source`] runs every note rule on one note held in memory.
//! - [`readme`]: [`readme::generate`] regenerates the README's regions from the
//!   notes, [`readme::write`] writes the result atomically.
//! - [`links`]: [`links::collect_targets`] gathers the external URLs,
//!   [`links::check_targets`] checks them, [`links::diagnostics`] reports them.
//! - [`report`]: [`report::human`], [`report::github`] and [`report::sarif`]
//!   render [`Diagnostic`]s; [`diag`] holds them and the [`SourceFile`]s they
//!   point into.
//!
//! The modules marked `doc(hidden)` (`catalog`, `cli`, `discover`, `github`,
//! `note`, `rules`) are public only for the binary and the integration tests.
//!
//! Linting one note from a string:
//!
//! ```
//! use daybook::{Settings, SourceFile};
//!
//! let root = tempfile::tempdir()?;
//! let path = "notes/202104/0411.md";
//! let text = "# 公众号内容拓展学习笔记（2021.4.11）\n\n## :paperclip:  今日要点\n\n\
//!             1. [Paper A](https://a.example/) :star::star::star:\n   - Abstrat: a first look\n";
//! let note = SourceFile::new(path, root.path().join(path), text.to_owned());
//! let found = daybook::lint::lint_source(note, root.path(), &Settings::default())?;
//! let rules: Vec<&str> = found.iter().map(|d| d.rule.as_str()).collect();
//! assert_eq!(rules, ["unknown-field"], "{found:?}");
//! // As the Actions runner reads them: one annotation per finding.
//! let log = daybook::report::github::render(&found);
//! assert!(log.contains("notes/202104/0411.md"), "{log}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The library never prints; warnings, tallies and progress go back to the
// binary as values or through a sink (typos' habit).
#![deny(clippy::print_stdout, clippy::print_stderr)]
// Every public item is documented (`doc(hidden)` modules are exempt). Here,
// not in Cargo.toml's [lints], which would reach main.rs, tests and examples.
#![warn(missing_docs)]

#[cfg(test)]
mod architecture;

// The documented API: configuration, diagnostics, the lint driver, the README,
// the link checker and the reporters.
// Doc comments in `config` are also daybook.yml's JSON Schema descriptions:
// an item there goes undocumented rather than change the schema.
#[allow(missing_docs)]
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
pub use settings::Settings;
