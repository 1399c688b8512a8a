//! Regenerating the README: which notes are listed, the newest note's today
//! section, the rendered regions spliced between the markers.

use std::ops::Range;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::errors::{LocatedError, ReadmeError, template_error};
use super::markers::{self, Region, RegionName};
use super::template::{Context, NoteData, TemplateFailure, Templates};
use super::{Generated, ReadmeFile, floor_boundary, links, load, rules};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::note::parse::ParseContext;
use crate::note::{LinkKind, Note};

/// Regenerate the README of the repository at `root`. `today` only decides which
/// notes are "from the future" (a warning). Reads files, writes nothing.
/// Compiles what it needs from `cfg`; a run holding `Settings` calls
/// [`generate_with`] with what they compiled.
pub fn generate(root: &Path, cfg: &Config, today: NaiveDate) -> Result<Generated, ReadmeError> {
    let (readme, regions) = read_regions(root, cfg)?;
    let templates = compile(cfg)?;
    let ctx = ParseContext::new(cfg)?;
    let ignore = crate::discover::ignore_set(cfg)?;
    generate_from(root, readme, &regions, cfg, &ctx, &templates, &ignore, today)
}

/// The README and its regions. Cheap checks first: a broken README fails
/// before templates are compiled or notes read.
fn read_regions(root: &Path, cfg: &Config) -> Result<(ReadmeFile, Vec<Region>), ReadmeError> {
    let readme = ReadmeFile::read(root, cfg)?;
    let regions = readme.regions()?;
    if regions.is_empty() {
        return Err(ReadmeError::NoMarkers { display_path: readme.display_path });
    }
    Ok((readme, regions))
}

/// [`generate`] with the patterns, templates and `ignore` globs compiled once
/// for the run.
pub fn generate_with(
    root: &Path,
    cfg: &Config,
    ctx: &ParseContext,
    templates: &Templates,
    ignore: &globset::GlobSet,
    today: NaiveDate,
) -> Result<Generated, ReadmeError> {
    let (readme, regions) = read_regions(root, cfg)?;
    generate_from(root, readme, &regions, cfg, ctx, templates, ignore, today)
}

#[allow(clippy::too_many_arguments)] // the shared tail of the two entry points
fn generate_from(
    root: &Path,
    readme: ReadmeFile,
    regions: &[Region],
    cfg: &Config,
    ctx: &ParseContext,
    templates: &Templates,
    ignore: &globset::GlobSet,
    today: NaiveDate,
) -> Result<Generated, ReadmeError> {
    let (heads, problems) = load::load_heads(root, cfg, ctx, ignore)?;
    let (new, mut diagnostics) = build(&readme, regions, heads, Some(ctx), templates, cfg, today)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_blank_lines_around_a_range() {
        let text = "h\n\n  \n1. a  \r\n\n2. b\n\n\t\nnext";
        let r = trim_blank_lines(text, 2..text.len() - 4);
        assert_eq!(&text[r], "1. a  \r\n\n2. b");
        assert_eq!(trim_blank_lines("\n\n", 0..2), 0..0);
    }
}
