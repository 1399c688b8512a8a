//! Markdown -> [`Note`](super::Note), with pulldown-cmark's offset iterator so every
//! element keeps its byte span. Raw HTML is tokenized (html5gum) to read `src`/`href`.
//!
//! The parser never fails: whatever the bytes, it returns a [`Note`] whose parts
//! are simply absent when the text does not have them. Rules decide what an
//! absence means.
//!
//! Two real-world shapes shape this code:
//! - the today section's ordered list is routinely cut into several lists (a
//!   `<div><img></div>` block or a stray `- Paper:` bullet at column 0 ends a
//!   Markdown list), so items are gathered from every top-level ordered list in
//!   the section;
//! - an HTML block only ends at a blank line, so `</div>` directly followed by
//!   `2. [title](url)` swallows item 2 into raw HTML. Such items are recovered by
//!   re-parsing the swallowed lines, and flagged with `Item::in_html_block` so a
//!   rule can say why GitHub shows them as plain text.
//!
//! The submodules split the work by what they collect: `links` (Markdown links,
//! bare URLs, raw HTML attributes and comments; `autolink` finds the bare
//! URLs and e-mail addresses GitHub links), `headings` (headings, anchors,
//! H2 sections), `items` (the today section's items, fields and stray fields);
//! `spans` holds the byte-offset helpers they share.

mod autolink;
mod context;
mod headings;
mod html;
mod items;
mod links;
mod spans;
mod wiki;

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser};

use super::{Comment, Heading, Item, Link, Note, Span, StrayField, Title, front_matter};
use crate::diag::SourceFile;
use crate::util::text::collapse_ws;
pub use context::ParseContext;
pub(crate) use context::{CompiledSet, PathMatch};

/// Parse a note: its set, path date and date come from the file's
/// repository-relative path (a path no set claims is read as the first set's).
pub fn parse_note(file: Arc<SourceFile>, ctx: &ParseContext) -> Note {
    let (set, matched) = ctx.classify(&file.path).unwrap_or((0, PathMatch::Unmatched));
    let date = match &matched {
        PathMatch::Matched(c) => c.date,
        _ => None,
    };
    let mut note = parse_document(file, ctx, date, set);
    note.path_match = Some(matched);
    note.resolved_date = resolve_date(&note, ctx.set(set));
    note
}

/// Parse any other Markdown document (the README) with the same parser; it has
/// no path date.
pub(crate) fn parse_markdown(file: Arc<SourceFile>, ctx: &ParseContext) -> Note {
    parse_document(file, ctx, None, 0)
}

/// The date of a note from its set's source. `auto`: the path's when the
/// pattern spells one, else the front matter's, else the title's.
pub(crate) fn resolve_date(note: &Note, set: &CompiledSet) -> Option<NaiveDate> {
    use crate::config::DateSource;
    let front = || note.front_matter.as_ref()?.date(&set.date_key)?.ok();
    let title = || note.title.as_ref()?.date;
    match set.date {
        DateSource::Path => note.path_date,
        DateSource::FrontMatter => front(),
        DateSource::Title => title(),
        DateSource::None => None,
        DateSource::Auto if set.pattern.is_dated() => note.path_date,
        DateSource::Auto => front().or_else(title),
    }
}

fn parse_document(
    file: Arc<SourceFile>,
    ctx: &ParseContext,
    path_date: Option<NaiveDate>,
    set: usize,
) -> Note {
    let mut b = Builder { text: &file.text, ctx, out: Out::default(), by_start: Default::default() };
    // Editors on Windows save UTF-8 with a byte order mark, which GitHub ignores;
    // parsing it as text would turn the `# title` line into a paragraph.
    let start = if file.text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    // Front matter is metadata: the Markdown starts after it.
    let front_matter = front_matter::find(&file.text, start);
    let start = front_matter.as_ref().map_or(start, |f| f.span.end);
    let events = b.events(start..file.text.len());
    b.collect_headings(&events);
    let mut sections = b.sections();
    sections.shrink_to_fit();
    let today = sections.iter().position(|s| collapse_ws(&s.heading.text) == ctx.today_heading);
    let footer = sections.iter().position(|s| collapse_ws(&s.heading.text) == ctx.footer_heading);
    let today_body = today.map(|i| sections[i].body.clone());
    b.collect_blocks(&events, today_body.as_ref(), false);
    let Out { headings, mut links, comments, mut items, mut stray_fields, .. } = b.out;
    links.extend(wiki::wiki_links(&file.text, start..file.text.len(), &events));

    links::restore_document_order(&mut links, &mut items, &mut stray_fields);
    stray_fields.sort_by_key(|s| s.field.span.start);

    // A run keeps every note in memory (cross-note rules, the README, link
    // checks): give back the slack of vectors grown one push at a time.
    let mut headings = headings;
    let mut comments = comments;
    headings.shrink_to_fit();
    comments.shrink_to_fit();
    links.shrink_to_fit();
    links.iter_mut().for_each(|l| l.text.shrink_to_fit());
    items.shrink_to_fit();
    for item in &mut items {
        item.fields.shrink_to_fit();
        item.other_bullets.shrink_to_fit();
    }
    stray_fields.shrink_to_fit();

    let title_pattern = ctx.set(set).title.as_ref();
    let title = headings.iter().find(|h| h.level == 1).map(|h| {
        let read = title_pattern.and_then(|p| p.captures(h.text.trim()));
        Title {
            heading: h.clone(),
            date: read.as_ref().and_then(|r| r.as_ref().ok()?.date),
            shape: read.map(|r| r.map(|_| ())),
        }
    });

    Note {
        file: file.clone(),
        path_date,
        set,
        path_match: None,
        resolved_date: path_date,
        front_matter,
        title,
        headings,
        sections,
        today,
        footer,
        items,
        stray_fields,
        links,
        comments,
    }
}

type Ev<'a> = (Event<'a>, Range<usize>);

#[derive(Default)]
struct Out {
    headings: Vec<Heading>,
    links: Vec<Link>,
    comments: Vec<Comment>,
    items: Vec<Item>,
    stray_fields: Vec<StrayField>,
}

struct Builder<'t, 'c> {
    text: &'t str,
    ctx: &'c ParseContext,
    out: Out,
    /// Indexes of `out.links` sorted by start offset, built on first use and
    /// rebuilt when links were added since (recovered items add some). Items
    /// and fields look up their links here: a scan of every link per item is
    /// quadratic in a note with thousands of items.
    by_start: std::cell::RefCell<Vec<usize>>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// Index of the `End` matching the `Start` at `i` (or the last event if unbalanced).
fn matching_end(events: &[Ev<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(i) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

impl<'t> Builder<'t, '_> {
    /// Parse `text[range]` as Markdown; spans are made absolute. The links and
    /// HTML comments in the range are collected on the way, for the whole
    /// document and for a recovered fragment alike.
    fn events(&mut self, range: Range<usize>) -> Vec<Ev<'t>> {
        let base = range.start;
        let sub = &self.text[range];
        let parser = Parser::new_ext(sub, options()).into_offset_iter();
        // Reference definitions: label -> span of the destination in the source.
        let mut defs: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
        for (label, def) in parser.reference_definitions().iter() {
            let span = links::def_dest_span(sub, def.span.clone());
            defs.insert(label.to_lowercase(), span.start + base..span.end + base);
        }
        // Sized once, above what notes need (one event per 23 bytes in the
        // benchmark's Chinese notes, per 15 or so in English ones): a vector
        // that outgrows its guess is copied whole, which cost a lint run 4%.
        let mut events: Vec<Ev<'t>> = Vec::with_capacity(sub.len() / 12 + 16);
        events.extend(parser.map(|(e, r)| {
            let r = (r.start + base).min(self.text.len())..(r.end + base).min(self.text.len());
            (e, r)
        }));
        self.collect_links(&events, &defs);
        self.collect_bare_urls(&events);
        events
    }
}

#[cfg(test)]
mod tests;
