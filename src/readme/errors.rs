//! Why the README could not be regenerated, and the located errors that point
//! at a line of the README, a note or a template.

use miette::{NamedSource, SourceSpan};

use super::markers::{MarkerProblem, RegionName};
use super::template::TemplateFailure;
use super::{floor_boundary, line_of};

/// A problem located in a file: `file:line: message`, with a snippet.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}: {message}")]
#[diagnostic(code(daybook::readme))]
pub struct LocatedError {
    /// Display path of the file (relative to the repository root).
    pub(crate) file: String,
    /// 1-based line.
    pub(crate) line: usize,
    pub(crate) message: String,
    #[help]
    pub(crate) help: Option<String>,
    #[source_code]
    pub(crate) src: NamedSource<String>,
    #[label("{label}")]
    pub(crate) span: SourceSpan,
    pub(crate) label: String,
}

impl LocatedError {
    pub(super) fn new(
        file: &str,
        text: &str,
        offset: usize,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Self {
        let offset = floor_boundary(text, offset.min(text.len()));
        let line_end = text[offset..].find('\n').map(|e| offset + e).unwrap_or(text.len());
        let line_end = if text[..line_end].ends_with('\r') { line_end - 1 } else { line_end };
        LocatedError {
            file: file.to_owned(),
            line: line_of(text, offset),
            message,
            help,
            src: NamedSource::new(file, text.to_owned()),
            span: (offset, line_end.saturating_sub(offset)).into(),
            label: label.to_owned(),
        }
    }
}

/// Why the README could not be regenerated. Each names the file (and line when
/// there is one) and says what to do; the README is never touched.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
// A variant's fields are what its message names.
#[allow(missing_docs)]
pub enum ReadmeError {
    /// There is no README at the configured path.
    #[error("{display_path}: README not found (looked for {})", path.display())]
    #[diagnostic(
        code(daybook::readme::missing),
        help(
            "create it with the markers `<!-- daybook:today -->` ... `<!-- /daybook:today -->` (and `history`, `updated`), or set `readme.path` in daybook.yml"
        )
    )]
    Missing { path: std::path::PathBuf, display_path: String },

    /// Reading or writing the README failed.
    #[error("{display_path}: could not {action}: {source}")]
    #[diagnostic(
        code(daybook::readme::io),
        help("check the file's permissions and the disk, then run again")
    )]
    Io {
        display_path: String,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },

    /// The README is not UTF-8.
    #[error("{display_path}:{line}:{column}: not valid UTF-8 (first bad byte at offset {offset})")]
    #[diagnostic(code(daybook::readme::encoding), help("save the README as UTF-8"))]
    NotUtf8 { display_path: String, offset: usize, line: usize, column: usize },

    /// The README has no region markers.
    #[error("{display_path}: no daybook markers, so there is nothing to regenerate")]
    #[diagnostic(
        code(daybook::readme::no_markers),
        help(
            "run `daybook init` to wrap the README's today section, history and date line in markers, or add `<!-- daybook:history -->` and `<!-- /daybook:history -->` lines yourself"
        )
    )]
    NoMarkers { display_path: String },

    /// A marker problem, or a note whose today section would break the markers.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Located(Box<LocatedError>),

    /// A region template of daybook.yml failed to compile or render.
    #[error("{config}: readme.templates.{region}{}: {message}", line.map(|l| format!(" (template line {l})")).unwrap_or_default())]
    #[diagnostic(
        code(daybook::readme::template),
        help("fix the template in daybook.yml; `daybook config show` prints the effective configuration")
    )]
    Template { config: String, region: RegionName, line: Option<usize>, message: String },

    /// A built-in template failed: a bug.
    #[error("built-in {region} template failed: {message}")]
    #[diagnostic(code(daybook::readme::bug), help("this is a bug in daybook; please report it"))]
    BuiltinTemplate { region: RegionName, message: String },

    /// No file matches the notes pattern.
    #[error("{root}: no notes found (notes are `{root}/{pattern}`)")]
    #[diagnostic(
        code(daybook::readme::no_notes),
        help("check `notes.root` and `notes.pattern` in daybook.yml, or run from the repository root")
    )]
    NoNotes { root: String, pattern: String },

    /// There are notes, but none the README can list.
    #[error("{root}: none of the {count} notes can be listed: {reason}")]
    #[diagnostic(
        code(daybook::readme::no_usable_notes),
        help("run `daybook lint` to see what is wrong with each note")
    )]
    NoUsableNotes { root: String, count: usize, reason: String },

    /// `daybook init` found no today section, history or date line to wrap.
    #[error(
        "{display_path}: found nothing to adopt (no heading `{today}`, no `<pre><details>` history block, no `更新今日时间：` line)"
    )]
    #[diagnostic(
        code(daybook::readme::nothing_to_adopt),
        help(
            "add the markers by hand where the generated text should go, e.g. `<!-- daybook:history -->` and `<!-- /daybook:history -->` on lines of their own"
        )
    )]
    NothingToAdopt { display_path: String, today: String },

    /// The README is a symlink out of the repository.
    #[error(
        "{display_path} is a symlink to {}, outside the repository; daybook writes only inside it, so nothing was written",
        target.display()
    )]
    #[diagnostic(
        code(daybook::readme::outside),
        help("point the link at a file inside the repository, or set `readme.path` to the file itself")
    )]
    Outside { display_path: String, target: std::path::PathBuf },

    /// The README is not a bounded regular file inside the repository (a
    /// FIFO, a device, a link to a file of the runner, too large).
    #[error("{display_path} is not read: {reason}")]
    #[diagnostic(
        code(daybook::readme::refused),
        help("make the README a regular file inside the repository, or set `readme.path` to one")
    )]
    Refused { display_path: String, reason: String },

    /// The README is larger than daybook reads.
    #[error("{display_path} is not read: it is {size} bytes or more, over the limit of {limit} bytes")]
    #[diagnostic(
        code(daybook::readme::too_large),
        help(
            "keep the README under 32 MB: list fewer notes in it (`readme.latest`, or a template grouping them by year)"
        )
    )]
    TooLarge { display_path: String, size: u64, limit: u64 },

    /// The regenerated README would be larger than daybook reads back.
    #[error(
        "{display_path}: the regenerated README would be {size} bytes, over the limit of {limit} bytes; nothing was written"
    )]
    #[diagnostic(
        code(daybook::readme::too_large),
        help(
            "keep the README under 32 MB: list fewer notes in it (`readme.latest`, or a template grouping them by year)"
        )
    )]
    WouldBeTooLarge { display_path: String, size: u64, limit: u64 },

    /// The README changed while it was being regenerated.
    #[error("{display_path}: changed on disk while it was being regenerated; nothing was written")]
    #[diagnostic(code(daybook::readme::race), help("run the command again"))]
    ChangedOnDisk { display_path: String },

    /// Loading the notes failed (config, I/O).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] crate::Error),
}

/// A template that failed to compile or render, as the error to show.
pub(super) fn template_error(f: TemplateFailure) -> ReadmeError {
    if f.custom {
        ReadmeError::Template {
            config: crate::config::CONFIG_FILE.to_owned(),
            region: f.region,
            line: f.line,
            message: f.message,
        }
    } else {
        ReadmeError::BuiltinTemplate { region: f.region, message: f.message }
    }
}

/// Turn a marker problem into an error at the marker's line.
pub(crate) fn marker_error(file: &str, text: &str, p: &MarkerProblem) -> ReadmeError {
    let line = |o: usize| line_of(text, o);
    let (message, label, help) = match p {
        MarkerProblem::Unclosed { name, .. } => (
            format!("`{}` has no end marker", name.start_marker()),
            "region starts here",
            format!("add a line `{}` where the region ends", name.end_marker()),
        ),
        MarkerProblem::Nested { name, outer, outer_offset, .. } => (
            format!(
                "the {name} region starts inside the {outer} region (opened on line {})",
                line(*outer_offset)
            ),
            "nested start marker",
            format!(
                "close the {outer} region with `{}` before this line; regions cannot nest",
                outer.end_marker()
            ),
        ),
        MarkerProblem::Repeated { name, first_offset, .. } => (
            format!(
                "`{}` again, before the region opened on line {} ended",
                name.start_marker(),
                line(*first_offset)
            ),
            "repeated start marker",
            format!("delete one of the two start markers, or put `{}` between them", name.end_marker()),
        ),
        MarkerProblem::Duplicate { name, first_offset, .. } => (
            format!("a second {name} region; the first starts on line {}", line(*first_offset)),
            "second region",
            "a region may appear only once; delete one of them, markers included".to_owned(),
        ),
        MarkerProblem::StrayEnd { name, .. } => (
            format!("`{}` without a start marker before it", name.end_marker()),
            "stray end marker",
            format!("add `{}` where the region starts, or delete this line", name.start_marker()),
        ),
        MarkerProblem::Mismatched { name, open, open_offset, .. } => (
            format!(
                "`{}` closes the {name} region, but the open region is {open} (line {})",
                name.end_marker(),
                line(*open_offset)
            ),
            "wrong end marker",
            format!("end the {open} region with `{}` first", open.end_marker()),
        ),
        MarkerProblem::Unknown { name, .. } => {
            let mut help = "the regions are `today`, `history` and `updated`".to_owned();
            if let Some(s) = crate::suggest::did_you_mean(name, RegionName::ALL.iter().map(|r| r.as_str())) {
                help = format!("did you mean `daybook:{s}`? {help}");
            }
            (format!("unknown region `daybook:{name}`"), "unknown region", help)
        }
    };
    ReadmeError::Located(Box::new(LocatedError::new(file, text, p.offset(), message, label, Some(help))))
}
