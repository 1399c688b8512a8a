//! daybook keeps a repository of daily Markdown notes healthy.
//!
//! The data flow, one module per stage:
//!
//! ```text
//! discover files -> note::parse (model with spans) -> rules -> Diagnostic -> report::{human,github,json,sarif}
//! notes -> readme (regions, templates) -> atomic write
//! diagnostics / README -> github (check runs, job summary, outputs, commit)
//! ```
//!
//! I/O lives at the edges (`discover`, `readme::write`, `links::check`, `github`);
//! everything in between is pure functions over [`note::Note`] and [`config::Config`].

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod discover;
pub mod error;
pub mod github;
pub mod levels;
pub mod links;
pub mod lint;
pub mod note;
pub mod pattern;
pub mod readme;
pub mod report;
pub mod rules;
pub mod suggest;
pub mod suppress;
pub mod util;

pub use config::Config;
pub use diag::{Diagnostic, Severity, SourceFile};
pub use error::Error;
