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
//!   from the README (see [`links`]).
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
//! replace them. The variables are documented in [`template`].
//!
//! # Writing
//!
//! [`write()`] replaces the file atomically: a temporary file in the same
//! directory, flushed to disk, given the original's permissions, then renamed
//! over it. A crash leaves either the old README or the new one.

pub mod adopt;
pub mod links;
pub mod load;
pub mod markers;
pub mod rules;
pub mod template;

use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use miette::{NamedSource, SourceSpan};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::note::parse::ParseContext;
use crate::note::{LinkKind, Note};
use markers::{MarkerProblem, Region, RegionName};
use template::{Context, NoteData, TemplateFailure, Templates};

/// The README as it is and as it should be.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Where the README is read from and written to.
    pub path: PathBuf,
    /// The README's path relative to the repository root, `/`-separated.
    pub display_path: String,
    /// The README's current text.
    pub old: String,
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

/// A problem located in a file: `file:line: message`, with a snippet.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}: {message}")]
#[diagnostic(code(daybook::readme))]
pub struct LocatedError {
    /// Display path of the file (relative to the repository root).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    pub message: String,
    #[help]
    pub help: Option<String>,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
}

impl LocatedError {
    fn new(
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
pub enum ReadmeError {
    #[error("{display_path}: README not found (looked for {})", path.display())]
    #[diagnostic(
        code(daybook::readme::missing),
        help(
            "create it with the markers `<!-- daybook:today -->` ... `<!-- /daybook:today -->` (and `history`, `updated`), or set `readme.path` in daybook.yml"
        )
    )]
    Missing { path: PathBuf, display_path: String },

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

    #[error("{display_path}:{line}:{column}: not valid UTF-8 (first bad byte at offset {offset})")]
    #[diagnostic(code(daybook::readme::encoding), help("save the README as UTF-8"))]
    NotUtf8 { display_path: String, offset: usize, line: usize, column: usize },

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

    #[error("{config}: readme.templates.{region}{}: {message}", line.map(|l| format!(" (template line {l})")).unwrap_or_default())]
    #[diagnostic(
        code(daybook::readme::template),
        help("fix the template in daybook.yml; `daybook config show` prints the effective configuration")
    )]
    Template { config: String, region: RegionName, line: Option<usize>, message: String },

    #[error("built-in {region} template failed: {message}")]
    #[diagnostic(code(daybook::readme::bug), help("this is a bug in daybook; please report it"))]
    BuiltinTemplate { region: RegionName, message: String },

    #[error("{root}: no notes found (notes are `{root}/{pattern}`)")]
    #[diagnostic(
        code(daybook::readme::no_notes),
        help("check `notes.root` and `notes.pattern` in daybook.yml, or run from the repository root")
    )]
    NoNotes { root: String, pattern: String },

    #[error("{root}: none of the {count} notes can be listed: every one fails the path or title rule")]
    #[diagnostic(
        code(daybook::readme::no_usable_notes),
        help("run `daybook lint` to see what is wrong with each note")
    )]
    NoUsableNotes { root: String, count: usize },

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

    #[error("{display_path}: changed on disk while it was being regenerated; nothing was written")]
    #[diagnostic(code(daybook::readme::race), help("run the command again"))]
    ChangedOnDisk { display_path: String },

    /// Loading the notes failed (config, I/O).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] crate::Error),
}

/// The README file as read from disk.
#[derive(Debug, Clone)]
pub struct ReadmeFile {
    pub path: PathBuf,
    pub display_path: String,
    pub text: String,
}

impl ReadmeFile {
    /// Read the README `cfg.readme.path()` under `root`.
    pub fn read(root: &Path, cfg: &Config) -> Result<ReadmeFile, ReadmeError> {
        let display_path = cfg.readme.path().replace('\\', "/").trim_start_matches("./").to_owned();
        let path = root.join(&display_path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ReadmeError::Missing { path, display_path });
            }
            Err(source) => return Err(ReadmeError::Io { display_path, action: "read the README", source }),
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
    pub fn dir(&self) -> &str {
        links::parent(&self.display_path)
    }
}

/// Regenerate the README of the repository at `root`. `today` only decides which
/// notes are "from the future" (a warning). Reads files, writes nothing.
pub fn generate(root: &Path, cfg: &Config, today: NaiveDate) -> Result<Generated, ReadmeError> {
    let readme = ReadmeFile::read(root, cfg)?;
    // Cheap checks first: a broken README or template fails before the notes are read.
    let regions = readme.regions()?;
    if regions.is_empty() {
        return Err(ReadmeError::NoMarkers { display_path: readme.display_path });
    }
    let templates = compile(cfg)?;
    let ctx = ParseContext::new(cfg)?;
    let (heads, problems) = load::load_heads(root, cfg, &ctx)?;
    let (new, mut diagnostics) = build(&readme, &regions, heads, Some(&ctx), &templates, cfg, today)?;
    if !problems.is_empty() {
        diagnostics.extend(crate::levels::apply_overrides(problems, cfg));
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    Ok(Generated { path: readme.path, display_path: readme.display_path, old: readme.text, new, diagnostics })
}

/// Compile the configured templates.
pub fn compile(cfg: &Config) -> Result<Templates, ReadmeError> {
    Templates::new(&cfg.readme.templates).map_err(template_error)
}

fn template_error(f: TemplateFailure) -> ReadmeError {
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

/// The new README text for `readme`, given its `regions`, notes parsed in full
/// (for callers that already hold them, e.g. after `lint::lint`) and the
/// compiled templates. Pure: reads and writes nothing.
pub fn regenerate(
    readme: &ReadmeFile,
    regions: &[Region],
    notes: &[Note],
    templates: &Templates,
    cfg: &Config,
    today: NaiveDate,
) -> Result<(String, Vec<Diagnostic>), ReadmeError> {
    let heads = notes.iter().map(load::Head::of).collect();
    build(readme, regions, heads, None, templates, cfg, today)
}

/// The core. Heads without a full note are parsed with `ctx` when they turn
/// out to be the newest.
fn build(
    readme: &ReadmeFile,
    regions: &[Region],
    heads: Vec<load::Head<'_>>,
    ctx: Option<&ParseContext>,
    templates: &Templates,
    cfg: &Config,
    today: NaiveDate,
) -> Result<(String, Vec<Diagnostic>), ReadmeError> {
    let root = cfg.notes.root.trim_start_matches("./").trim_end_matches('/').to_owned();
    if heads.is_empty() {
        return Err(ReadmeError::NoNotes { root, pattern: cfg.notes.pattern.clone() });
    }
    let mut diagnostics = Vec::new();
    let mut chosen = select(&heads, cfg, today, &mut diagnostics);
    chosen.sort_by(|a, b| (a.date, &a.head.file.path).cmp(&(b.date, &b.head.file.path)));

    // The newest note is parsed in full. One that cannot be read in full is
    // reported and left out, like any unreadable note.
    let wants_today = regions.iter().any(|r| r.name == RegionName::Today);
    let mut owned: Option<Note> = None;
    while let Some(last) = chosen.last() {
        if !wants_today || last.head.full.is_some() {
            break;
        }
        let Some(ctx) = ctx else { break };
        match load::read_full(&last.head.file.path, &last.head.file.abs, ctx) {
            Ok(note) => {
                owned = Some(note);
                break;
            }
            Err(d) => {
                diagnostics.push(*d);
                chosen.pop();
            }
        }
    }
    if chosen.is_empty() {
        return Err(ReadmeError::NoUsableNotes { root, count: heads.len() });
    }

    let readme_dir = readme.dir();
    let newest = chosen.last().expect("non-empty").head;
    let today_text = match owned.as_ref().or(newest.full) {
        Some(note) if wants_today => today_text(note, readme_dir, &mut diagnostics)?,
        _ => String::new(),
    };
    let mut data = Vec::with_capacity(chosen.len());
    let mut number = 0;
    let mut month = None;
    for c in &chosen {
        let key = (c.date.year(), c.date.month());
        number = if month == Some(key) { number + 1 } else { 1 };
        month = Some(key);
        let file = c.head.file.path.as_str();
        data.push(NoteData {
            date: c.date.format("%Y-%m-%d").to_string(),
            year: c.date.year(),
            month: c.date.month(),
            day: c.date.day(),
            mm: format!("{:02}", c.date.month()),
            dd: format!("{:02}", c.date.day()),
            title: c.title.to_owned(),
            path: links::rebase(file, "", readme_dir).unwrap_or_else(|| file.to_owned()),
            file: file.to_owned(),
            number,
        });
    }
    let ctx = Context::new(data, today_text, cfg.readme.order).expect("non-empty").value();

    let mut rendered = Vec::with_capacity(regions.len());
    for r in regions {
        let text = templates.render(r.name, &ctx).map_err(template_error)?;
        if let Some(line) = markers::lines(&text).find(|l| markers::parse_marker(l.content).is_some()) {
            return Err(template_error(TemplateFailure {
                region: r.name,
                custom: templates.is_custom(r.name),
                line: None,
                message: format!(
                    "the output contains the marker line `{}`, which would break the README's regions",
                    line.content.trim()
                ),
                undefined: false,
            }));
        }
        rendered.push((r.name, markers::region_content(&text, r.eol)));
    }
    let new = markers::splice(&readme.text, regions, |r| {
        rendered.iter_mut().find(|(name, _)| *name == r.name).map(|(_, text)| std::mem::take(text))
    });

    let mut diagnostics = crate::levels::apply_overrides(diagnostics, cfg);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok((new, diagnostics))
}

/// A note that made it into the history.
struct Chosen<'a> {
    head: &'a load::Head<'a>,
    date: NaiveDate,
    title: &'a str,
}

/// Keep the notes whose path and title spell the same date; report the others.
fn select<'a>(
    notes: &'a [load::Head<'a>],
    cfg: &Config,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) -> Vec<Chosen<'a>> {
    let mut chosen = Vec::with_capacity(notes.len());
    let help = "fix the note (`daybook lint` says what is wrong), then regenerate the README";
    for note in notes {
        let file = &note.file;
        let Some(date) = note.path_date else {
            out.push(
                Diagnostic::file_level(
                    rules::SKIPPED_NOTE.name,
                    rules::SKIPPED_NOTE.default_severity,
                    &file.path,
                    format!(
                        "left out of the README: the path does not spell a date as `{}/{}`",
                        cfg.notes.root.trim_end_matches('/'),
                        cfg.notes.pattern
                    ),
                )
                .with_help(help),
            );
            continue;
        };
        let reason = match &note.title {
            None => Some((0..0, "the note has no H1 title".to_owned())),
            Some(t) => match t.date {
                None => Some((
                    t.heading.span.clone(),
                    format!("the title does not match `{}`", cfg.title.pattern),
                )),
                Some(d) if d != date => Some((
                    t.heading.span.clone(),
                    format!(
                        "the title says {} but the path says {}",
                        d.format("%Y-%m-%d"),
                        date.format("%Y-%m-%d")
                    ),
                )),
                Some(_) => None,
            },
        };
        if let Some((span, why)) = reason {
            out.push(
                file.diag(
                    rules::SKIPPED_NOTE.name,
                    rules::SKIPPED_NOTE.default_severity,
                    span,
                    format!("left out of the README: {why}"),
                )
                .with_help(help),
            );
            continue;
        }
        let title = note.title.as_ref().expect("checked above");
        if date > today {
            out.push(
                file.diag(
                    rules::FUTURE_NOTE.name,
                    rules::FUTURE_NOTE.default_severity,
                    title.heading.span.clone(),
                    format!("dated {}, after today ({})", date.format("%Y-%m-%d"), today.format("%Y-%m-%d")),
                )
                .with_help(
                    "check the file name; if the date is right, the README will show this note as the newest",
                ),
            );
        }
        chosen.push(Chosen { head: note, date, title: title.heading.text.trim() });
    }
    chosen
}

/// The newest note's today section as it goes into the README: blank lines
/// around it trimmed, relative links rebased onto `readme_dir`, `\n` line breaks.
fn today_text(note: &Note, readme_dir: &str, out: &mut Vec<Diagnostic>) -> Result<String, ReadmeError> {
    let Some(section) = note.today_section() else {
        out.push(
            Diagnostic::file_level(
                rules::NO_TODAY.name,
                rules::NO_TODAY.default_severity,
                &note.file.path,
                "the newest note has no today section, so the README's today region is empty",
            )
            .with_help("add the today heading (`sections.today` in daybook.yml) to the note"),
        );
        return Ok(String::new());
    };
    let text = note.text();
    let body = trim_blank_lines(text, section.body.clone());
    let note_dir = links::parent(&note.file.path);
    let mut edits: Vec<(Range<usize>, String)> = note
        .links
        .iter()
        // Autolinks (`<https://...>`, `<me@example.org>`, bare `www.` URLs) are
        // absolute by definition even when they spell no scheme.
        .filter(|l| l.kind != LinkKind::Autolink)
        .filter(|l| {
            l.dest_span.start >= body.start
                && l.dest_span.end <= body.end
                && l.dest_span.start < l.dest_span.end
        })
        .filter_map(|l| {
            let dest = text.get(l.dest_span.clone())?;
            links::rebase(dest, note_dir, readme_dir).map(|new| (l.dest_span.clone(), new))
        })
        .collect();
    edits.sort_by_key(|(r, _)| r.start);
    edits.dedup_by_key(|(r, _)| r.start);
    let mut copied = String::with_capacity(body.len() + 64);
    let mut at = body.start;
    for (r, new) in edits {
        if r.start < at {
            continue;
        }
        copied.push_str(&text[at..r.start]);
        copied.push_str(&new);
        at = r.end;
    }
    copied.push_str(&text[at..body.end]);
    let copied = copied.replace("\r\n", "\n");

    // A marker line copied into the README would end or nest a region on the
    // next run: refuse rather than write a README that cannot be regenerated.
    if let Some(line) =
        markers::lines(&text[body.clone()]).find(|l| markers::parse_marker(l.content).is_some())
    {
        let offset = body.start + line.start;
        return Err(ReadmeError::Located(Box::new(LocatedError::new(
            &note.file.path,
            text,
            offset,
            "the today section contains a daybook marker line, which would break the README's regions".into(),
            "marker line",
            Some("remove the line from the note, or indent it by four spaces to show it as code".into()),
        ))));
    }
    Ok(copied)
}

/// `range` without its leading and trailing blank lines (and without the last
/// line's line break).
fn trim_blank_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let range = floor_boundary(text, range.start)..floor_boundary(text, range.end.min(text.len()));
    let s = &text[range.clone()];
    let mut first = None;
    let mut end = range.start;
    for line in markers::lines(s) {
        if !line.content.trim().is_empty() {
            first.get_or_insert(range.start + line.start);
            end = range.start + line.start + line.content.len();
        }
    }
    match first {
        Some(start) => start..end,
        None => range.start..range.start,
    }
}

/// Write `g.new` over the README atomically, keeping its permissions. Does
/// nothing when the README is unchanged; refuses when the file changed on disk
/// since it was read (someone else's edit is never overwritten).
pub fn write(g: &Generated) -> Result<(), ReadmeError> {
    if !g.changed() {
        return Ok(());
    }
    let io = |action: &'static str| {
        let display_path = g.display_path.clone();
        move |source: std::io::Error| ReadmeError::Io { display_path, action, source }
    };
    // Write through a symlink to its target rather than replacing the link.
    let target = std::fs::canonicalize(&g.path).map_err(io("resolve the README's path"))?;
    let current = std::fs::read(&target).map_err(io("re-read the README"))?;
    if current != g.old.as_bytes() {
        return Err(ReadmeError::ChangedOnDisk { display_path: g.display_path.clone() });
    }
    let perms = std::fs::metadata(&target).map_err(io("read the README's permissions"))?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".daybook-readme-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("create a temporary file beside the README"))?;
    tmp.write_all(g.new.as_bytes()).map_err(io("write the temporary file"))?;
    tmp.as_file().sync_all().map_err(io("flush the temporary file"))?;
    std::fs::set_permissions(tmp.path(), perms).map_err(io("copy the README's permissions"))?;
    tmp.persist(&target).map_err(|e| ReadmeError::Io {
        display_path: g.display_path.clone(),
        action: "replace the README",
        source: e.error,
    })?;
    Ok(())
}

/// Turn a marker problem into an error at the marker's line.
pub fn marker_error(file: &str, text: &str, p: &MarkerProblem) -> ReadmeError {
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

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests;
