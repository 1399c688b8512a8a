//! Links: local targets (files, fragments) and external http(s) checking.

mod config;
pub mod rules;

use std::path::Path;

pub use config::{LinksConfig, validate_config};

use crate::cli::LinkCheckArgs;
use crate::diag::Diagnostic;
use crate::note::Note;

/// What the external checker found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// One diagnostic per citing place of each dead/unverified/skipped URL.
    pub diagnostics: Vec<Diagnostic>,
}

/// Check every external http(s) link of `docs` (the notes and the README, parsed).
/// Each unique URL is requested once; every citing place gets its own diagnostic.
pub fn check_external(
    _docs: &[Note],
    _cfg: &LinksConfig,
    _args: &LinkCheckArgs,
    _root: &Path,
) -> miette::Result<ExternalReport> {
    Ok(ExternalReport::default())
}
