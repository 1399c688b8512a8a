//! Errors that stop a command (as opposed to [`crate::diag::Diagnostic`]s, which
//! are findings). Each says what went wrong, where, and what to do next.
//! Modules with their own failure modes define their own error enums deriving
//! `miette::Diagnostic`; commands return `miette::Result` so all of them render
//! the same way.

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

/// A malformed `daybook.yml`, located.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}:{line}:{column}: {message}", path.display())]
#[diagnostic(code(daybook::config), help("fix daybook.yml (see `daybook config schema` for every key)"))]
pub struct ConfigError {
    pub(crate) path: PathBuf,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
    #[source_code]
    pub(crate) src: NamedSource<String>,
    #[label("here")]
    pub(crate) span: SourceSpan,
}

/// Why a run could not go on: what the binary prints before it exits with 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// `daybook.yml` is malformed; points at the offending line.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),

    /// A file could not be read or written.
    #[error("could not {action} {}: {source}", path.display())]
    #[diagnostic(code(daybook::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done, e.g. `read`.
        action: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// Bad command-line usage that clap cannot catch.
    #[error("{0}")]
    #[diagnostic(code(daybook::usage))]
    Usage(String),
}

impl Error {
    pub(crate) fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), action, source }
    }

    /// A config error at byte `offset` of `text`.
    pub(crate) fn config(path: &Path, text: &str, offset: usize, message: String) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Error::Config(Box::new(ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message,
            src: NamedSource::new(path.display().to_string(), text.to_owned()),
            span: (offset, 0).into(),
        }))
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
