//! Regenerating the README: which notes are listed, the newest note's today
//! section, the rendered regions spliced between the markers.

use std::ops::Range;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::data::{Context, DEFAULT_LATEST, NoteData};
use super::errors::{LocatedError, ReadmeError, template_error};
use super::markers::{self, Region, RegionName};
use super::template::{TemplateFailure, Templates};
use super::{Generated, ReadmeFile, floor_boundary, links, load, rules};
use crate::config::Config;
use crate::diag::{Diagnostic, SourceFile};
use crate::note::parse::ParseContext;
use crate::note::{LinkKind, Note};

/// Regenerate the README of the repository at `root`. `today` only decides which
/// notes are "from the future" (a warning). Reads files, writes nothing.
/// Compiles what it needs from `cfg`; a run holding `Settings` calls
/// `generate_with` with what they compiled.
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
pub(crate) fn generate_with(
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
    let (new, mut diagnostics) = build(&readme, regions, heads, ctx, true, templates, cfg, today)?;
    if !problems.is_empty() {
        diagnostics.extend(crate::levels::apply_overrides(problems, cfg));
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    Ok(Generated { path: readme.path, display_path: readme.display_path, old: readme.text, new, diagnostics })
}

/// The text `readme` regenerates to from `heads` alone, reading no file: for
/// `init` to check that an inferred template writes the index it was read from.
pub(crate) fn regenerate_heads(
    readme: &ReadmeFile,
    heads: Vec<load::Head<'_>>,
    cfg: &Config,
    ctx: &ParseContext,
) -> Result<String, ReadmeError> {
    let regions = readme.regions()?;
    let templates = compile(cfg)?;
    let today = chrono::Local::now().date_naive();
    build(readme, &regions, heads, ctx, false, &templates, cfg, today).map(|(text, _)| text)
}

/// Compile the configured templates.
pub fn compile(cfg: &Config) -> Result<Templates, ReadmeError> {
    Templates::with_style(&cfg.readme.templates, cfg.readme.style).map_err(template_error)
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
    let ctx = ParseContext::new(cfg)?;
    build(readme, regions, heads, &ctx, false, templates, cfg, today)
}

/// The core. Heads without a full note are parsed with `ctx` when they turn
/// out to be the newest and `read` allows reading files.
#[allow(clippy::too_many_arguments)]
fn build(
    readme: &ReadmeFile,
    regions: &[Region],
    heads: Vec<load::Head<'_>>,
    ctx: &ParseContext,
    read: bool,
    templates: &Templates,
    cfg: &Config,
    today: NaiveDate,
) -> Result<(String, Vec<Diagnostic>), ReadmeError> {
    let primary = cfg.notes.primary();
    let root = primary.root.trim_start_matches("./").trim_end_matches('/').to_owned();
    if heads.is_empty() {
        return Err(ReadmeError::NoNotes { root, pattern: primary.pattern.clone() });
    }
    let mut diagnostics = Vec::new();
    let mut chosen = select(&heads, cfg, ctx, today, &mut diagnostics);
    // Dated notes oldest first, then the undated ones set by set, each set in its own order.
    chosen.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => (x, &a.head.file.path).cmp(&(y, &b.head.file.path)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => {
            let by_title = ctx.set(a.head.set).order_by == crate::config::UndatedOrder::Title;
            // Numbered notes (`day{n}.md`) in the order of their numbers: day 2 before day 10.
            let number = |c: &Chosen<'_>| match &c.head.path_match {
                Some(crate::note::PathMatch::Matched(m)) => m.number,
                _ => None,
            };
            let key = |c: &Chosen<'_>| {
                (c.head.set, number(c), if by_title { c.title.to_lowercase() } else { String::new() })
            };
            key(a).cmp(&key(b)).then_with(|| a.head.file.path.cmp(&b.head.file.path))
        }
    });

    // The newest note (the last dated one, else the last) is parsed in full.
    // One that cannot be read in full is reported and left out, like any
    // unreadable note.
    let wants_today = regions.iter().any(|r| r.name == RegionName::Today);
    let mut owned: Option<Note> = None;
    while let Some(last) = newest_index(&chosen).map(|i| &chosen[i]) {
        if !wants_today || last.head.full.is_some() || !read {
            break;
        }
        match load::read_full(&last.head.file.path, &last.head.file.abs, ctx) {
            Ok(note) => {
                owned = Some(note);
                break;
            }
            Err(d) => {
                diagnostics.push(*d);
                let i = newest_index(&chosen).expect("found above");
                chosen.remove(i);
            }
        }
    }
    if chosen.is_empty() {
        let reason = no_usable_reason(&diagnostics, heads.len());
        return Err(ReadmeError::NoUsableNotes { root, count: heads.len(), reason });
    }

    let readme_dir = readme.dir();
    let newest = chosen[newest_index(&chosen).expect("non-empty")].head;
    let today_text = match owned.as_ref().or(newest.full) {
        Some(note) if wants_today => today_text(note, readme_dir, &mut diagnostics)?,
        _ => String::new(),
    };
    let mut data = Vec::with_capacity(chosen.len());
    let mut number = 0;
    let mut group: Option<(Option<(i32, u32)>, usize)> = None;
    for c in &chosen {
        let key = (c.date.map(|d| (d.year(), d.month())), if c.date.is_some() { 0 } else { c.head.set });
        number = if group == Some(key) { number + 1 } else { 1 };
        group = Some(key);
        data.push(note_data(c, ctx, readme_dir, number, &cfg.readme.topics));
    }
    let ctx = Context::new(data, today_text, cfg.readme.order)
        .expect("non-empty")
        .with_latest(cfg.readme.latest.unwrap_or(DEFAULT_LATEST))
        .value();

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
    // What daybook writes it must be able to read back (`readme --check`).
    if new.len() as u64 > crate::discover::MAX_README_SIZE {
        return Err(ReadmeError::WouldBeTooLarge {
            display_path: readme.display_path.clone(),
            size: new.len() as u64,
            limit: crate::discover::MAX_README_SIZE,
        });
    }

    let mut diagnostics = crate::levels::apply_overrides(diagnostics, cfg);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok((new, diagnostics))
}

/// Index of the newest note: the last dated one, else the last one.
fn newest_index(chosen: &[Chosen<'_>]) -> Option<usize> {
    chosen.iter().rposition(|c| c.date.is_some()).or(chosen.len().checked_sub(1))
}

/// Why no note could be listed: the reason the skipped notes share, or the
/// first one's, in the words of its diagnostic.
fn no_usable_reason(diagnostics: &[Diagnostic], count: usize) -> String {
    let skipped: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.rule == rules::SKIPPED_NOTE.name)
        .map(|d| d.message.trim_start_matches("left out of the README: "))
        .collect();
    match skipped.first() {
        Some(first) if skipped.iter().all(|s| s == first) => format!("every one is left out: {first}"),
        Some(first) => format!("every one is left out; the first because {first}"),
        None => format!("none of the {count} could be read"),
    }
}

/// What templates see of a listed note.
fn note_data(
    c: &Chosen<'_>,
    ctx: &ParseContext,
    readme_dir: &str,
    number: usize,
    topics: &std::collections::BTreeMap<String, String>,
) -> NoteData {
    let file = c.head.file.path.as_str();
    let set = ctx.set(c.head.set);
    let path = links::rebase(file, "", readme_dir).unwrap_or_else(|| file.to_owned());
    let rel = set.relative(file).unwrap_or(file);
    let folder = links::parent(rel).to_owned();
    let (slug, n, n_text) = match &c.head.path_match {
        Some(crate::note::PathMatch::Matched(m)) => (m.slug.clone(), m.number, m.number_text.clone()),
        _ => (None, None, None),
    };
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = [".md", ".MD", ".markdown"].iter().find_map(|e| stem.strip_suffix(e)).unwrap_or(stem);
    let front_matter = c.head.front_matter.as_ref().and_then(|f| f.values.clone().ok()).unwrap_or_default();
    NoteData {
        date: c.date.map(|d| d.format("%Y-%m-%d").to_string()),
        year: c.date.map(|d| d.year()),
        month: c.date.map(|d| d.month()),
        day: c.date.map(|d| d.day()),
        mm: c.date.map(|d| format!("{:02}", d.month())),
        dd: c.date.map(|d| format!("{:02}", d.day())),
        title: c.title.clone(),
        url: crate::util::percent::percent_encode_path(&path),
        path,
        file: file.to_owned(),
        number,
        set: set.name.clone(),
        topic: super::data::topic_name(&folder, topics),
        folder,
        slug: slug.unwrap_or_else(|| stem.to_owned()),
        n,
        n_text,
        front_matter,
    }
}

/// A note that made it into the README.
struct Chosen<'a> {
    head: &'a load::Head<'a>,
    date: Option<NaiveDate>,
    title: String,
}

/// Keep the notes that can be listed; report the others with the reason.
/// A rule set to `off` in daybook.yml is no reason: with `title: off` a note
/// is listed under whatever H1 it has.
fn select<'a>(
    notes: &'a [load::Head<'a>],
    cfg: &Config,
    ctx: &ParseContext,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) -> Vec<Chosen<'a>> {
    use crate::config::{DateSource, RuleLevel};
    let mut chosen = Vec::with_capacity(notes.len());
    let help = "fix the note (`daybook lint` says what is wrong), then regenerate the README";
    let title_rule_on = cfg.rule_level("title") != Some(RuleLevel::Off);
    let skip = |file: &SourceFile, span: Option<Range<usize>>, why: String| {
        let d = match span {
            Some(span) => file.diag(
                rules::SKIPPED_NOTE.name,
                rules::SKIPPED_NOTE.default_severity,
                span,
                format!("left out of the README: {why}"),
            ),
            None => Diagnostic::file_level(
                rules::SKIPPED_NOTE.name,
                rules::SKIPPED_NOTE.default_severity,
                &file.path,
                format!("left out of the README: {why}"),
            ),
        };
        d.with_help(help)
    };
    for note in notes {
        let file = &note.file;
        let set = ctx.set(note.set);
        let shown_pattern = || {
            let root = cfg.notes.0.get(note.set).map_or("", |n| n.root.trim_end_matches('/'));
            let pattern = &set.pattern;
            if root.is_empty() || root == "." {
                pattern.source().to_owned()
            } else {
                format!("{root}/{}", pattern.source())
            }
        };
        if !matches!(note.path_match, Some(crate::note::PathMatch::Matched(_))) {
            let why = if set.pattern.is_dated() {
                format!("the path does not spell a date as `{}`", shown_pattern())
            } else {
                format!("the path does not match `{}`", shown_pattern())
            };
            out.push(skip(file, None, why));
            continue;
        }
        // The title is checked against the set's title pattern, unless the title rule is off.
        let checked_title = set.title.as_ref().filter(|_| title_rule_on);
        let reason = match (&note.title, checked_title) {
            (None, Some(_)) => Some((0..0, "the note has no H1 title".to_owned())),
            (Some(t), Some(p)) => {
                let text = t.heading.text.trim();
                match (p.captures(text), t.date) {
                    (None, _) | (Some(Err(_)), _) => {
                        Some((t.heading.span.clone(), format!("the title does not match `{}`", p.source())))
                    }
                    (Some(Ok(_)), Some(d)) if note.path_date.is_some_and(|pd| pd != d) => Some((
                        t.heading.span.clone(),
                        format!(
                            "the title says {} but the path says {}",
                            d.format("%Y-%m-%d"),
                            note.path_date.expect("checked").format("%Y-%m-%d")
                        ),
                    )),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((span, why)) = reason {
            out.push(skip(file, Some(span), why));
            continue;
        }
        let date = note.date;
        if date.is_none()
            && matches!(set.date, DateSource::FrontMatter | DateSource::Title | DateSource::Path)
        {
            let why = match set.date {
                DateSource::FrontMatter => format!("its front matter has no date under `{}`", set.date_key),
                DateSource::Title => "its title spells no date".to_owned(),
                _ => format!("the path does not spell a date as `{}`", shown_pattern()),
            };
            out.push(skip(file, None, why));
            continue;
        }
        let title = display_title(note);
        if let Some(date) = date
            && date > today
        {
            let span = note.title.as_ref().map(|t| t.heading.span.clone()).unwrap_or(0..0);
            out.push(
                file.diag(
                    rules::FUTURE_NOTE.name,
                    rules::FUTURE_NOTE.default_severity,
                    span,
                    format!("dated {}, after today ({})", date.format("%Y-%m-%d"), today.format("%Y-%m-%d")),
                )
                .with_help(
                    "check the file name; if the date is right, the README will show this note as the newest",
                ),
            );
        }
        chosen.push(Chosen { head: note, date, title });
    }
    chosen
}

/// The title a note is listed under: its H1, else its front matter `title`,
/// else its file name.
pub(super) fn display_title(note: &load::Head<'_>) -> String {
    if let Some(t) = &note.title {
        return t.heading.text.trim().to_owned();
    }
    if let Some(t) = note.front_matter.as_ref().and_then(|f| f.get("title")).and_then(|v| v.as_str()) {
        return t.trim().to_owned();
    }
    let name = note.file.path.rsplit('/').next().unwrap_or(&note.file.path);
    name.strip_suffix(".md").or_else(|| name.strip_suffix(".markdown")).unwrap_or(name).to_owned()
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
        .filter(|l| l.kind != LinkKind::Autolink && l.form != crate::note::LinkForm::Wiki)
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
