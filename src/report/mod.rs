//! Reporters: render diagnostics as human, github, json or sarif output.
//! Each is a pure function from diagnostics (plus the sources, for snippets) to text.

pub mod github;
pub mod json;
pub mod sarif;
pub mod summary;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cli::Format;
use crate::diag::{Diagnostic, SourceFile};

/// Files by their display path, so reporters can draw snippets.
pub type Sources = BTreeMap<String, Arc<SourceFile>>;

/// Render `diags` (already sorted) in `format`.
pub fn render(format: Format, diags: &[Diagnostic], sources: &Sources) -> String {
    match format {
        Format::Human => String::new(),
        Format::Github => github::render(diags, sources),
        Format::Json => json::render(diags, sources),
        Format::Sarif => sarif::render(diags, sources),
    }
}
