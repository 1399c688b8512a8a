//! Whether the history template inferred from a README's index writes that
//! index again. The template is read off one line (its text around the link,
//! its numbering); a README whose lines differ otherwise (a cell per row no
//! note holds) would be overwritten by `daybook readme` with rows that all
//! read like that one. Such an index is left unwrapped.
//!
//! A hand-made index may be wrong in places (a note missing, a dead link, a
//! line out of order): `readme` is meant to change those lines. So the check
//! is that most of the index's lines come out again, not all of them.

use crate::config::Config;
use crate::note::parse::ParseContext;
use crate::readme::ReadmeFile;
use crate::readme::index::FoundIndex;
use crate::readme::load::Head;

/// An index the inferred template does not write again, and a line that shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unreproduced {
    /// The index's lines in the README.
    pub(crate) lines: std::ops::Range<usize>,
    /// What the index looked like (`a list of 12 notes, oldest first`).
    pub(crate) description: String,
    /// How many of its lines linking a note the template writes again, of how many.
    pub(crate) kept: usize,
    pub(crate) total: usize,
    /// The first line not written again: its line number, the line as the
    /// README has it and as the template would write it there.
    pub(crate) line: usize,
    pub(crate) readme_line: String,
    pub(crate) written: String,
}

/// `None` when regenerating `wrapped` (the README with `index` in markers)
/// with `cfg` writes at least half of the index's lines that link a note again.
pub(crate) fn unreproduced(
    readme: &ReadmeFile,
    index: &FoundIndex,
    wrapped: &str,
    heads: Vec<Head<'_>>,
    cfg: &Config,
    ctx: &ParseContext,
) -> Option<Unreproduced> {
    let file = ReadmeFile { text: wrapped.to_owned(), ..readme.clone() };
    // A template that fails to render writes nothing of the index.
    let regenerated = crate::readme::build::regenerate_heads(&file, heads, cfg, ctx).unwrap_or_default();
    let written = history_lines(&regenerated);
    // Lines linking no note (dead links, a stale count) are the README's to change.
    let original = &index.note_lines;
    let mut left = written.clone();
    let mut missing = None;
    let mut kept = 0;
    for (k, (_, line)) in original.iter().enumerate() {
        match left.iter().position(|w| w == line) {
            Some(p) => {
                left.swap_remove(p);
                kept += 1;
            }
            None => {
                missing.get_or_insert(k);
            }
        }
    }
    if kept * 2 >= original.len() {
        return None;
    }
    let k = missing?;
    let (line, readme_line) = original[k].clone();
    // The line the template writes in its place: the k-th of those linking a note.
    let written = written.iter().filter(|w| w.contains("](") || w.contains("href=")).nth(k).cloned();
    Some(Unreproduced {
        lines: index.lines.clone(),
        description: index.description.clone(),
        kept,
        total: original.len(),
        line,
        readme_line,
        written: written.unwrap_or_default(),
    })
}

/// The non-blank lines between the history markers.
fn history_lines(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("<!-- daybook:history") {
            inside = true;
        } else if t.starts_with("<!-- /daybook:history") {
            inside = false;
        } else if inside && !t.is_empty() {
            out.push(line.trim_end().to_owned());
        }
    }
    out
}
