//! Reporters: render diagnostics as human, github, json or sarif output.
//! Each is a pure function from diagnostics (plus the sources, for snippets) to text.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod summary;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cli::Format;
use crate::diag::{Diagnostic, SourceFile};

/// Files by their display path, so reporters can draw snippets.
pub type Sources = BTreeMap<String, Arc<SourceFile>>;

/// Presentation knobs for reporters that draw for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in human output.
    pub color: bool,
    /// Wrap width of human output.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { color: false, width: 100 }
    }
}

/// Render `diags` (already sorted) in `format`, without colour.
pub fn render(format: Format, diags: &[Diagnostic], sources: &Sources) -> String {
    render_with(format, diags, sources, &RenderOptions::default())
}

/// Render `diags` (already sorted) in `format`.
pub fn render_with(format: Format, diags: &[Diagnostic], sources: &Sources, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(diags, sources, opts),
        Format::Github => github::render(diags, sources),
        Format::Json => json::render(diags, sources),
        Format::Sarif => sarif::render(diags, sources),
    }
}
