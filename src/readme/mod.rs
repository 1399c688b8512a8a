//! README generation: the README's today, history and updated regions as a pure
//! function of the notes.
//!
//! # Markers
//!
//! A region is the text between two HTML comments on lines of their own:
//!
//! ```text
//! <!-- daybook:today -->      <!-- daybook:history -->      <!-- daybook:updated -->
//! ...                         ...                           ...
//! <!-- /daybook:today -->     <!-- /daybook:history -->     <!-- /daybook:updated -->
//! ```
//!
//! Only the bytes strictly between a start marker line and its end marker line
//! are replaced. Every other byte stays as it was: the marker lines, LF or CRLF
//! line breaks (generated text uses the line break of its start marker line), a
//! byte-order mark, trailing whitespace, the presence or absence of a final
//! newline. A README may hold any subset of the regions, each at most once. Bad
//! markers (a start without its end, nested or repeated markers, a region named
//! twice, an unknown region name) are errors naming the README's line, and the
//! README is left untouched. See [`markers`].
//!
//! # Regions
//!
//! * **today**: the newest note's today section (the H2 named by
//!   `sections.today`: items and images, the footer excluded), leading and
//!   trailing blank lines trimmed, copied verbatim except that relative links
//!   (Markdown links and images, raw HTML `src`/`href`) are rewritten to resolve
//!   from the README (see `links`).
//! * **history**: every note, grouped by year then month, numbered within each
//!   month, each linking to its note with the note's H1 title as the label, in
//!   the seed README's exact markup. `readme.order: descending` reverses years,
//!   months and notes; numbers stay those of the ascending order so adding a
//!   note never renumbers the others.
//! * **updated**: `更新今日时间：2022.4.14`, the newest note's date.
//!
//! "Newest" is the date spelled by the note's path, never file times or git
//! history. Notes whose path or title does not spell their date are left out
//! and reported (`readme-skipped-note`); a note dated after today is reported
//! (`future-note`) and kept.
//!
//! # Templates
//!
//! Each region is rendered by a minijinja template; the built-in ones reproduce
//! the seed README, `readme.templates.{today,history,updated}` in daybook.yml
//! replace them. The variables are documented in `template`.
//!
//! # Writing
//!
//! [`write()`] replaces the file atomically: a temporary file in the same
//! directory, flushed to disk, given the original's permissions, then renamed
//! over it. A crash leaves either the old README or the new one.

pub(crate) mod adopt;
mod build;
pub(crate) mod data;
mod errors;
pub(crate) mod index;
pub(crate) mod infer;
pub(crate) mod links;
pub(crate) mod load;
pub mod markers;
pub(crate) mod rules;
pub(crate) mod template;
mod write;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::util::text::floor_char_boundary as floor_boundary;
pub(crate) use build::generate_with;
pub use build::{compile, generate, regenerate};
pub use errors::ReadmeError;
pub(crate) use errors::marker_error;
use markers::Region;
pub use write::write;

/// The README as it is and as it should be.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Where the README is read from and written to.
    pub(crate) path: PathBuf,
    /// The README's path relative to the repository root, `/`-separated.
    pub display_path: String,
    /// The README's current text.
    pub(crate) old: String,
    /// The regenerated text.
    pub new: String,
    /// Findings made along the way (skipped notes, future dates), sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Generated {
    /// Whether regenerating changes the README.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }

    /// A unified diff from the current README to the regenerated one (empty when
    /// unchanged), with `a/` and `b/` headers like `git diff`.
    pub fn diff(&self) -> String {
        if !self.changed() {
            return String::new();
        }
        similar::TextDiff::from_lines(&self.old, &self.new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", self.display_path), &format!("b/{}", self.display_path))
            .to_string()
    }
}

/// The README file as read from disk.
#[derive(Debug, Clone)]
pub struct ReadmeFile {
    pub(crate) path: PathBuf,
    pub(crate) display_path: String,
    pub(crate) text: String,
}

impl ReadmeFile {
    /// Read the README `cfg.readme.path()` under `root`.
    pub fn read(root: &Path, cfg: &Config) -> Result<ReadmeFile, ReadmeError> {
        let display_path = cfg.readme.path().replace('\\', "/").trim_start_matches("./").to_owned();
        let path = root.join(&display_path);
        // A pull request may make the README a link to a file of the runner,
        // a FIFO or a device: it is read only as a bounded regular file inside.
        use crate::util::jail::{Refused, read_in_repo};
        let bytes = match read_in_repo(root, &path, crate::discover::MAX_README_SIZE) {
            Ok(b) => b,
            Err(Refused::TooLarge { size, limit }) => {
                return Err(ReadmeError::TooLarge { display_path, size, limit });
            }
            Err(Refused::Missing) if std::fs::symlink_metadata(&path).is_err() => {
                return Err(ReadmeError::Missing { path, display_path });
            }
            Err(Refused::Io(source)) => {
                return Err(ReadmeError::Io { display_path, action: "read the README", source });
            }
            Err(why) => return Err(ReadmeError::Refused { display_path, reason: why.to_string() }),
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let (offset, line, column) = crate::diag::utf8_error_position(&e);
            ReadmeError::NotUtf8 { display_path: display_path.clone(), offset, line, column }
        })?;
        Ok(ReadmeFile { path, display_path, text })
    }

    /// The README's regions, or a located error.
    pub fn regions(&self) -> Result<Vec<Region>, ReadmeError> {
        markers::scan(&self.text).map_err(|p| marker_error(&self.display_path, &self.text, &p))
    }

    /// Directory of the README relative to the repository root (`` at the root).
    pub(crate) fn dir(&self) -> &str {
        links::parent(&self.display_path)
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests;
