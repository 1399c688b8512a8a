//! Reporters: render diagnostics as human, github, json or sarif output.
//! Each is a pure function from diagnostics (plus the sources, for snippets) to text.

pub mod github;
pub mod human;
pub(crate) mod json;
pub mod safe;
pub mod sarif;
pub(crate) mod summary;

use std::sync::Arc;

use crate::diag::Diagnostic;

/// An output format. The command line has its own enum for clap and converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// rustc-style snippets (miette).
    Human,
    /// GitHub workflow commands (`::error file=...`).
    Github,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

pub use crate::diag::Sources;

/// Presentation knobs for reporters that draw for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in human output.
    pub color: bool,
    /// Wrap width of human output.
    pub width: usize,
    /// Count unsafe fixes as fixable (`--unsafe-fixes`): marked `[*]` and
    /// in the summary's count, as ruff does.
    pub unsafe_fixes: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { color: false, width: 100, unsafe_fixes: false }
    }
}

/// Render `diags` (already sorted) in `format`.
pub(crate) fn render(
    format: Format,
    diags: &[Diagnostic],
    sources: &Sources,
    opts: &RenderOptions,
) -> String {
    match format {
        Format::Human => human::render(diags, sources, opts),
        Format::Github => github::render(diags),
        Format::Json => json::render(diags, sources),
        Format::Sarif => sarif::render(diags, sources),
    }
}

/// The findings with every path prefixed by `prefix` (`sub/` for a repository
/// linted as `daybook lint sub`), sources re-keyed to match (their own `path`
/// is left as it was). GitHub places
/// annotations and code-scanning alerts by paths from the top of the
/// repository, not from the folder daybook was pointed at.
pub(crate) fn rebase(diags: &[Diagnostic], sources: &Sources, prefix: &str) -> (Vec<Diagnostic>, Sources) {
    if prefix.is_empty() {
        return (diags.to_vec(), sources.clone());
    }
    let join = |p: &str| format!("{prefix}{p}");
    let diags = diags
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.path = join(&d.path);
            for r in &mut d.related {
                r.path = join(&r.path);
            }
            d
        })
        .collect();
    // Reporters find a finding's file by its key alone: the texts are shared, not copied.
    let sources = sources.iter().map(|(k, f)| (join(k), Arc::clone(f))).collect();
    (diags, sources)
}
