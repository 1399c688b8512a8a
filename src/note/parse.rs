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
//!   re-parsing the swallowed lines, and flagged with [`Item::in_html_block`] so a
//!   rule can say why GitHub shows them as plain text.

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Comment, Field, Heading, Item, Link, LinkKind, Note, Section, Span, Stars, StrayField, Title};
use crate::config::Config;
use crate::diag::SourceFile;
use crate::pattern::DatePattern;

/// Everything the parser needs from the config, compiled once per run.
#[derive(Debug, Clone)]
pub struct ParseContext {
    /// `notes.root` without leading `./` or trailing `/`.
    pub notes_root: String,
    pub path_pattern: DatePattern,
    pub title_pattern: DatePattern,
    /// Today heading text with whitespace runs collapsed.
    pub today_heading: String,
    /// Footer heading text with whitespace runs collapsed.
    pub footer_heading: String,
    pub star_token: String,
}

impl ParseContext {
    /// Compile the parts of `config` the parser uses. Fails only on patterns that
    /// [`Config::from_yaml`] would already have rejected.
    pub fn new(config: &Config) -> Result<Self, crate::Error> {
        let path_pattern = DatePattern::new(&config.notes.pattern)
            .map_err(|e| crate::Error::Usage(format!("notes.pattern: {e}")))?;
        let title_pattern = DatePattern::new(&config.title.pattern)
            .map_err(|e| crate::Error::Usage(format!("title.pattern: {e}")))?;
        Ok(ParseContext {
            notes_root: normalize_root(&config.notes.root),
            path_pattern,
            title_pattern,
            today_heading: collapse_ws(&config.sections.today),
            footer_heading: collapse_ws(&config.sections.footer),
            star_token: config.stars.token.clone(),
        })
    }

    /// The path of a note relative to the notes root (`202104/0425.md` for
    /// `notes/202104/0425.md`), or `None` when it is not under the root.
    pub fn relative_to_root<'p>(&self, path: &'p str) -> Option<&'p str> {
        if self.notes_root.is_empty() {
            return Some(path);
        }
        path.strip_prefix(self.notes_root.as_str())?.strip_prefix('/')
    }

    /// The date a repository-relative path spells, if it matches `notes.pattern`
    /// and names a real day.
    pub fn path_date(&self, path: &str) -> Option<NaiveDate> {
        let rel = self.relative_to_root(path)?;
        self.path_pattern.parse(rel)?.ok()
    }
}

fn normalize_root(root: &str) -> String {
    let r = root.replace('\\', "/");
    let r = r.trim_start_matches("./").trim_end_matches('/');
    if r == "." { String::new() } else { r.to_owned() }
}

/// Runs of whitespace compared as one space, ends trimmed.
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parse a note: the path date comes from the file's repository-relative path.
pub fn parse_note(file: Arc<SourceFile>, ctx: &ParseContext) -> Note {
    let date = ctx.path_date(&file.path);
    parse_document(file, ctx, date)
}

/// Parse any other Markdown document (the README) with the same parser; it has
/// no path date.
pub fn parse_markdown(file: Arc<SourceFile>, ctx: &ParseContext) -> Note {
    parse_document(file, ctx, None)
}

fn parse_document(file: Arc<SourceFile>, ctx: &ParseContext, path_date: Option<NaiveDate>) -> Note {
    let mut b = Builder { text: &file.text, ctx, out: Out::default(), by_start: Default::default() };
    // Editors on Windows save UTF-8 with a byte order mark, which GitHub ignores;
    // parsing it as text would turn the `# title` line into a paragraph.
    let start = if file.text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let events = b.events(start..file.text.len(), true);
    b.collect_headings(&events);
    let mut sections = b.sections();
    sections.shrink_to_fit();
    let today = sections.iter().position(|s| collapse_ws(&s.heading.text) == ctx.today_heading);
    let footer = sections.iter().position(|s| collapse_ws(&s.heading.text) == ctx.footer_heading);
    let today_body = today.map(|i| sections[i].body.clone());
    b.collect_blocks(&events, today_body.as_ref(), false);
    let Out { headings, mut links, comments, mut items, mut stray_fields, .. } = b.out;

    // Links of recovered items were collected after the rest of the document:
    // restore document order and remap the indexes that point into `links`.
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by_key(|&i| (links[i].span.start, links[i].dest_span.start));
    if order.iter().enumerate().any(|(new, &old)| new != old) {
        let mut new_index = vec![0; links.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Link>> = links.into_iter().map(Some).collect();
        links = order.iter().filter_map(|&i| slots[i].take()).collect();
        for item in &mut items {
            item.link = item.link.map(|i| new_index[i]);
            for f in &mut item.fields {
                f.links.iter_mut().for_each(|i| *i = new_index[*i]);
            }
        }
        for s in &mut stray_fields {
            s.field.links.iter_mut().for_each(|i| *i = new_index[*i]);
        }
    }
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

    let title = headings.iter().find(|h| h.level == 1).map(|h| Title {
        heading: h.clone(),
        date: ctx.title_pattern.parse(h.text.trim()).and_then(|r| r.ok()),
    });

    Note {
        file: file.clone(),
        path_date,
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
    /// Parse `text[range]` as Markdown; spans are made absolute. Links and raw
    /// HTML are collected on the way (`all_links`: the whole document, not a
    /// recovered fragment whose links are collected by the caller).
    fn events(&mut self, range: Range<usize>, _top: bool) -> Vec<Ev<'t>> {
        let base = range.start;
        let sub = &self.text[range];
        let parser = Parser::new_ext(sub, options()).into_offset_iter();
        // Reference definitions: label -> span of the destination in the source.
        let mut defs: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
        for (label, def) in parser.reference_definitions().iter() {
            let span = def_dest_span(sub, def.span.clone());
            defs.insert(label.to_lowercase(), span.start + base..span.end + base);
        }
        let events: Vec<Ev<'t>> = parser
            .map(|(e, r)| {
                let r = (r.start + base).min(self.text.len())..(r.end + base).min(self.text.len());
                (e, r)
            })
            .collect();
        self.collect_links(&events, &defs);
        self.collect_bare_urls(&events);
        events
    }

    /// GitHub turns bare `https://...` and `www....` in text into links (the GFM
    /// autolink extension, which pulldown-cmark does not implement): find them in
    /// runs of text outside links, images and code.
    fn collect_bare_urls(&mut self, events: &[Ev<'t>]) {
        let mut skip_depth = 0usize;
        let mut run: Option<Range<usize>> = None;
        let mut runs = Vec::new();
        for (e, r) in events {
            match e {
                Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock) => {
                    skip_depth += 1;
                }
                Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                    skip_depth = skip_depth.saturating_sub(1);
                }
                Event::Text(_) if skip_depth == 0 => {
                    run = Some(match run.take() {
                        Some(cur) if cur.end == r.start => cur.start..r.end,
                        Some(cur) => {
                            runs.push(cur);
                            r.clone()
                        }
                        None => r.clone(),
                    });
                    continue;
                }
                _ => {}
            }
            if let Some(cur) = run.take() {
                runs.push(cur);
            }
        }
        runs.extend(run);
        for range in runs {
            let Some(chunk) = self.text.get(range.clone()) else { continue };
            if !(chunk.contains("http") || chunk.contains("www.")) {
                continue;
            }
            for (start, end) in bare_urls(chunk) {
                let span = range.start + start..range.start + end;
                self.out.links.push(Link {
                    kind: LinkKind::Autolink,
                    // GitHub links `www.x` to `http://www.x`; say so rather than
                    // let it look like a relative path.
                    dest: match &chunk[start..end] {
                        d if d.starts_with("www.") => format!("http://{d}"),
                        d => d.to_owned(),
                    },
                    dest_span: span.clone(),
                    span,
                    text: String::new(),
                });
            }
        }
    }

    fn collect_links(&mut self, events: &[Ev<'t>], defs: &std::collections::HashMap<String, Span>) {
        let mut i = 0;
        while i < events.len() {
            let (e, r) = &events[i];
            match e {
                Event::Start(Tag::Link { link_type, dest_url, id, .. })
                | Event::Start(Tag::Image { link_type, dest_url, id, .. }) => {
                    let image = matches!(e, Event::Start(Tag::Image { .. }));
                    let end = matching_end(events, i);
                    // The link text ends where the last inner event ends.
                    let text_end = events[i + 1..end].iter().map(|(_, r)| r.end).max();
                    let mut text = String::new();
                    for (ie, _) in &events[i + 1..end] {
                        if let Event::Text(t) | Event::Code(t) = ie {
                            text.push_str(t);
                        }
                    }
                    let (kind, dest_span) = match link_type {
                        LinkType::Autolink | LinkType::Email => (
                            LinkKind::Autolink,
                            (r.start + 1).min(r.end)..r.end.saturating_sub(1).max(r.start),
                        ),
                        LinkType::Inline => {
                            let open = if image { r.start + 2 } else { r.start + 1 };
                            let after_text = text_end.unwrap_or(open).max(open);
                            let kind = if image { LinkKind::Image } else { LinkKind::Inline };
                            (kind, inline_dest_span(self.text, after_text, r.end))
                        }
                        _ => {
                            let kind = if image { LinkKind::Image } else { LinkKind::Inline };
                            let span = defs.get(&id.to_lowercase()).cloned().unwrap_or(r.clone());
                            (kind, span)
                        }
                    };
                    let dest = self
                        .text
                        .get(dest_span.clone())
                        .map(str::to_owned)
                        .unwrap_or_else(|| dest_url.to_string());
                    self.out.links.push(Link {
                        kind,
                        dest,
                        dest_span,
                        span: r.clone(),
                        text: if image { String::new() } else { text },
                    });
                }
                Event::Start(Tag::HtmlBlock) => {
                    let end = matching_end(events, i);
                    let range = events[i + 1..end]
                        .iter()
                        .map(|(_, r)| r.clone())
                        .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end));
                    if let Some(range) = range {
                        self.tokenize_html(range);
                    }
                    i = end;
                }
                Event::InlineHtml(_) | Event::Html(_) => self.tokenize_html(r.clone()),
                _ => {}
            }
            i += 1;
        }
    }

    /// Read `src`/`href` attributes and comments out of raw HTML at `range`.
    fn tokenize_html(&mut self, range: Range<usize>) {
        let base = range.start;
        let Some(html) = self.text.get(range) else { return };
        if !html.contains('<') {
            return;
        }
        #[derive(Default)]
        struct State {
            tag: Vec<u8>,
            tag_start: usize,
            attr: Vec<u8>,
            pending: Vec<(LinkKind, Range<usize>)>,
            links: Vec<(LinkKind, Range<usize>, Range<usize>)>,
            comments: Vec<(String, Range<usize>)>,
        }
        let mut st = State::default();
        let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: html5gum::Span<usize>| {
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    st.tag.clear();
                    st.tag.extend_from_slice(name);
                    st.tag_start = span.start;
                    st.pending.clear();
                }
                CallbackEvent::AttributeName { name } => {
                    st.attr.clear();
                    st.attr.extend_from_slice(name);
                }
                CallbackEvent::AttributeValue { .. } => {
                    let kind = match (st.tag.as_slice(), st.attr.as_slice()) {
                        (
                            b"img" | b"video" | b"audio" | b"source" | b"iframe" | b"embed" | b"track",
                            b"src",
                        ) => Some(LinkKind::HtmlSrc),
                        (b"a" | b"link" | b"area", b"href") => Some(LinkKind::HtmlHref),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        st.pending.push((kind, span.start..span.end));
                    }
                }
                CallbackEvent::CloseStartTag { .. } => {
                    let tag = st.tag_start..span.end;
                    for (kind, v) in st.pending.drain(..) {
                        st.links.push((kind, v, tag.clone()));
                    }
                }
                CallbackEvent::Comment { value } => {
                    st.comments
                        .push((String::from_utf8_lossy(value).trim().to_owned(), span.start..span.end));
                }
                _ => {}
            }
            None::<std::convert::Infallible>
        });
        let _ = Tokenizer::new_with_emitter(html, emitter).finish();
        // A tag cut off by the end of the chunk still names its attributes.
        let tail_tag = st.tag_start..html.len();
        let pending: Vec<_> = st.pending.drain(..).map(|(k, v)| (k, v, tail_tag.clone())).collect();
        for (kind, v, tag) in st.links.into_iter().chain(pending) {
            let dest_span = clamp(base + v.start, base + v.end, self.text);
            let span = clamp(base + tag.start, base + tag.end, self.text);
            self.out.links.push(Link {
                kind,
                dest: self.text[dest_span.clone()].to_owned(),
                dest_span,
                span,
                text: String::new(),
            });
        }
        for (text, span) in st.comments {
            let span = clamp(base + span.start, base + span.end, self.text);
            self.out.comments.push(Comment { text, span });
        }
    }

    fn collect_headings(&mut self, events: &[Ev<'t>]) {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut i = 0;
        while i < events.len() {
            if let (Event::Start(Tag::Heading { level, .. }), r) = &events[i] {
                let end = matching_end(events, i);
                let mut text = String::new();
                for (e, _) in &events[i + 1..end] {
                    match e {
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        Event::SoftBreak | Event::HardBreak => text.push(' '),
                        _ => {}
                    }
                }
                let base = github_slug(&text);
                let n = seen.entry(base.clone()).or_insert(0);
                let anchor = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
                *n += 1;
                self.out.headings.push(Heading {
                    level: *level as u8,
                    text,
                    span: trim_end_span(self.text, r.clone()),
                    anchor,
                });
                i = end;
            }
            i += 1;
        }
    }

    fn sections(&self) -> Vec<Section> {
        let hs = &self.out.headings;
        let mut out = Vec::new();
        for (i, h) in hs.iter().enumerate() {
            if h.level != 2 {
                continue;
            }
            let body_start = line_end(self.text, h.span.end);
            let body_end =
                hs[i + 1..].iter().find(|n| n.level <= 2).map(|n| n.span.start).unwrap_or(self.text.len());
            out.push(Section { heading: h.clone(), body: body_start.min(body_end)..body_end });
        }
        out
    }

    /// Walk the top-level blocks, gathering items and stray fields inside the
    /// today section.
    fn collect_blocks(&mut self, events: &[Ev<'t>], today: Option<&Span>, recovered: bool) {
        let Some(today) = today else { return };
        let mut i = 0;
        while i < events.len() {
            let (e, r) = &events[i];
            let Event::Start(tag) = e else {
                i += 1;
                continue;
            };
            let end = matching_end(events, i);
            let inside = r.start >= today.start && r.start < today.end;
            if inside {
                match tag {
                    Tag::List(Some(_)) => {
                        let mut j = i + 1;
                        while j < end {
                            let item_end = matching_end(events, j);
                            if matches!(events[j].0, Event::Start(Tag::Item)) {
                                let item = self.item(&events[j..=item_end], recovered);
                                self.out.items.push(item);
                            }
                            j = item_end + 1;
                        }
                    }
                    Tag::List(None) => {
                        let mut j = i + 1;
                        while j < end {
                            let item_end = matching_end(events, j);
                            if matches!(events[j].0, Event::Start(Tag::Item)) {
                                self.strays(&events[j..=item_end]);
                            }
                            j = item_end + 1;
                        }
                    }
                    Tag::HtmlBlock => self.recover_swallowed(r.clone(), today),
                    _ => {}
                }
            }
            i = end + 1;
        }
    }

    /// Lines after the first one of an HTML block that look like an ordered list
    /// item are Markdown the author meant: re-parse them.
    fn recover_swallowed(&mut self, block: Range<usize>, today: &Span) {
        let block = trim_end_span(self.text, block);
        let mut offset = block.start;
        let mut first = true;
        for line in self.text[block.clone()].split_inclusive('\n') {
            if !first && looks_like_ordered_item(line) {
                let range = offset..block.end;
                // Raw HTML was already tokenized for links; drop those in the
                // recovered part since re-parsing finds them again.
                self.out.links.retain(|l| !(l.span.start >= range.start && l.span.start < range.end));
                self.out.comments.retain(|c| !(c.span.start >= range.start && c.span.start < range.end));
                let events = self.events(range, false);
                let today = today.start.min(offset)..today.end.max(block.end);
                self.collect_blocks(&events, Some(&today), true);
                return;
            }
            first = false;
            offset += line.len();
        }
    }

    /// The links starting in `from..=to` (by start offset, then index).
    fn links_starting_in(&self, from: usize, to: usize) -> Vec<usize> {
        let links = &self.out.links;
        let mut idx = self.by_start.borrow_mut();
        if idx.len() != links.len() {
            *idx = (0..links.len()).collect();
            idx.sort_by_key(|&i| (links[i].span.start, i));
        }
        let first = idx.partition_point(|&i| links[i].span.start < from);
        idx[first..].iter().copied().take_while(|&i| links[i].span.start <= to).collect()
    }

    fn link_at(&self, start: usize) -> Option<usize> {
        self.links_starting_in(start, start)
            .into_iter()
            .find(|&i| !matches!(self.out.links[i].kind, LinkKind::HtmlHref | LinkKind::HtmlSrc))
    }

    fn links_within(&self, span: &Span) -> Vec<usize> {
        let mut v = self.links_starting_in(span.start, span.end);
        v.retain(|&i| self.out.links[i].span.end <= span.end);
        v
    }

    /// `events` is one `Start(Item) .. End(Item)` run of a top-level ordered list.
    fn item(&mut self, events: &[Ev<'t>], recovered: bool) -> Item {
        let span = trim_end_span(self.text, events[0].1.clone());
        let number = leading_number(&self.text[span.clone()]).unwrap_or(0);
        let head = head_range(events);
        let head_span = match &head {
            Some(h) => h.clone(),
            None => span.start..line_end(self.text, span.start).min(span.end),
        };
        // The first inline element decides whether the item opens with a link.
        let first_inline = events[1..].iter().find(|(e, _)| match e {
            Event::Start(Tag::Paragraph) => false,
            Event::Text(t) => !t.trim().is_empty(),
            _ => true,
        });
        let link = match first_inline {
            Some((Event::Start(Tag::Link { .. }), r)) => self.link_at(r.start),
            _ => None,
        };
        let star_from = link.map(|i| self.out.links[i].span.end).unwrap_or(head_span.start);
        let stars =
            find_stars(self.text, star_from.max(head_span.start)..head_span.end, &self.ctx.star_token);

        let mut fields = Vec::new();
        let mut other_bullets = Vec::new();
        // Direct child lists of the item.
        let mut i = 1;
        let last = events.len() - 1;
        while i < last {
            if let Event::Start(Tag::List(_)) = events[i].0 {
                let end = matching_end(events, i);
                let mut j = i + 1;
                while j < end {
                    let child_end = matching_end(events, j);
                    if matches!(events[j].0, Event::Start(Tag::Item)) {
                        let child = &events[j..=child_end];
                        match self.field(child) {
                            Some(f) => fields.push(f),
                            None => other_bullets.push(trim_end_span(self.text, child[0].1.clone())),
                        }
                    }
                    j = child_end + 1;
                }
                i = end + 1;
            } else if let Event::Start(_) = events[i].0 {
                i = matching_end(events, i) + 1;
            } else {
                i += 1;
            }
        }
        Item { number, span, head_span, link, stars, fields, other_bullets, in_html_block: recovered }
    }

    /// A bullet item `- Label: value`, if it has that shape.
    fn field(&self, events: &[Ev<'t>]) -> Option<Field> {
        let span = trim_end_span(self.text, events[0].1.clone());
        let head = head_range(events)?;
        let head_text = &self.text[head.clone()];
        let (label, sep, sep_len) = split_label(head_text)?;
        let label_start = head.start + (label.as_ptr() as usize - head_text.as_ptr() as usize);
        let label_span = label_start..label_start + label.len();
        let after = label_span.end + (head_text[label_span.end - head.start..].find(sep)?) + sep_len;
        let raw_value = &self.text[after..head.end];
        let lead = raw_value.len() - raw_value.trim_start().len();
        let value_span = after + lead..after + raw_value.trim_end().len();
        let value_span = value_span.start..value_span.end.max(value_span.start);
        let value = self.text[value_span.clone()].to_owned();
        let links = self.links_within(&value_span);
        Some(Field { label: label.to_owned(), label_span, separator: sep, value, value_span, links, span })
    }

    /// A top-level bullet in the today section: a stray field when it has the
    /// `Label: value` shape; its own nested field bullets are stray too (they
    /// were meant for the item above as well).
    fn strays(&mut self, events: &[Ev<'t>]) {
        let Some(field) = self.field(events) else { return };
        let after_item = self.out.items.iter().rposition(|it| it.span.start < field.span.start);
        let indent = field.span.start - line_start(self.text, field.span.start);
        self.out.stray_fields.push(StrayField { field, after_item, indent });
        let mut i = 1;
        let last = events.len() - 1;
        while i < last {
            if let Event::Start(Tag::List(_)) = events[i].0 {
                let end = matching_end(events, i);
                let mut j = i + 1;
                while j < end {
                    let child_end = matching_end(events, j);
                    if matches!(events[j].0, Event::Start(Tag::Item))
                        && let Some(field) = self.field(&events[j..=child_end])
                    {
                        let indent = field.span.start - line_start(self.text, field.span.start);
                        self.out.stray_fields.push(StrayField { field, after_item, indent });
                    }
                    j = child_end + 1;
                }
                i = end + 1;
            } else if let Event::Start(_) = events[i].0 {
                i = matching_end(events, i) + 1;
            } else {
                i += 1;
            }
        }
    }
}

/// The span of an item's opening inline content: its first paragraph (loose
/// list) or the inline events before its first block (tight list).
fn head_range(events: &[Ev<'_>]) -> Option<Range<usize>> {
    let inner = &events[1..events.len().saturating_sub(1)];
    match inner.first() {
        Some((Event::Start(Tag::Paragraph), r)) => Some(r.clone()),
        Some(_) => {
            let mut range: Option<Range<usize>> = None;
            let mut i = 0;
            while i < inner.len() {
                let (e, r) = &inner[i];
                let block = matches!(
                    e,
                    Event::Start(
                        Tag::List(_)
                            | Tag::Paragraph
                            | Tag::HtmlBlock
                            | Tag::CodeBlock(_)
                            | Tag::BlockQuote(_)
                            | Tag::Heading { .. }
                            | Tag::Table(_)
                    ) | Event::Rule
                );
                if block {
                    break;
                }
                range = Some(match range {
                    None => r.clone(),
                    Some(a) => a.start.min(r.start)..a.end.max(r.end),
                });
                i = match e {
                    Event::Start(_) => matching_end(inner, i) + 1,
                    _ => i + 1,
                };
            }
            range
        }
        None => None,
    }
}

/// `Label: value` / `Label：value`: label, separator and its byte length.
/// A label is a short run of letters, digits, spaces, `_` or `-`; anything else
/// (a link, a URL, a sentence) is not a field.
fn split_label(head: &str) -> Option<(&str, char, usize)> {
    let pos = head.find([':', '：'])?;
    let sep = head[pos..].chars().next()?;
    let label = head[..pos].trim();
    if label.is_empty() || label.chars().count() > 24 {
        return None;
    }
    if sep == ':' && head[pos..].starts_with("://") {
        return None;
    }
    if !label.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-') {
        return None;
    }
    if label.split_whitespace().count() > 3 {
        return None;
    }
    Some((label, sep, sep.len_utf8()))
}

/// The star rating in `text[range]`: the first run of `token`, repeated with
/// optional spaces between.
fn find_stars(text: &str, range: Range<usize>, token: &str) -> Option<Stars> {
    if token.is_empty() || range.start >= range.end {
        return None;
    }
    let hay = text.get(range.clone())?;
    let first = hay.find(token)?;
    let mut pos = first + token.len();
    let mut end = pos;
    let mut count = 1u32;
    loop {
        let rest = &hay[pos..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.starts_with(token) {
            pos += rest.len() - trimmed.len() + token.len();
            end = pos;
            count = count.saturating_add(1);
        } else {
            break;
        }
    }
    Some(Stars { count, span: range.start + first..range.start + end })
}

/// Byte ranges of GFM extended autolinks in `text`: `http://`, `https://` or
/// `www.` at the start or after whitespace or `*_~(`, up to whitespace or `<`,
/// without trailing punctuation or an unbalanced closing parenthesis.
fn bare_urls(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(off) = rest.find(['h', 'w']) else { break };
        let start = i + off;
        let tail = &text[start..];
        let scheme = ["https://", "http://", "www."].iter().find(|p| tail.starts_with(**p));
        let boundary_ok =
            text[..start].chars().next_back().is_none_or(|c| c.is_whitespace() || "*_~(".contains(c));
        let Some(scheme) = scheme.filter(|_| boundary_ok) else {
            i = start + 1;
            continue;
        };
        let mut end = start + tail.find(|c: char| c.is_whitespace() || c == '<').unwrap_or(tail.len());
        loop {
            let s = &text[start..end];
            let Some(last) = s.chars().next_back() else { break };
            let unbalanced = last == ')' && s.matches(')').count() > s.matches('(').count();
            if "?!.,:*_~'\"".contains(last) || unbalanced {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        // A host is needed after the scheme.
        if end > start + scheme.len()
            && text[start + scheme.len()..end].contains(|c: char| c.is_alphanumeric())
        {
            out.push((start, end));
        }
        i = end.max(start + 1);
    }
    out
}

/// Whether a line (inside an HTML block) starts an ordered list item.
fn looks_like_ordered_item(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return false;
    }
    let rest = &rest[digits..];
    (rest.starts_with(". ") || rest.starts_with(") ")) && !rest[2..].trim().is_empty()
}

fn leading_number(s: &str) -> Option<u64> {
    let t = s.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Span of an inline link's destination: after `](`, optional spaces, `<dest>`
/// or a run balanced in parentheses up to whitespace.
fn inline_dest_span(text: &str, after_text: usize, link_end: usize) -> Span {
    let bytes = text.as_bytes();
    let end = link_end.min(text.len());
    let mut i = after_text;
    // Skip to the `(` that follows the closing `]`.
    while i < end && bytes[i] != b'(' {
        i += 1;
    }
    i += 1;
    while i < end && (bytes[i] == b' ' || bytes[i] == b'\t' || bytes[i] == b'\n' || bytes[i] == b'\r') {
        i += 1;
    }
    if i >= end {
        return end..end;
    }
    if bytes[i] == b'<' {
        let start = i + 1;
        let mut j = start;
        while j < end && bytes[j] != b'>' {
            if bytes[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        return start.min(end)..j.min(end);
    }
    let start = i;
    let mut depth = 0i32;
    let mut j = start;
    while j < end {
        match bytes[j] {
            b'\\' => j += 1,
            b'(' => depth += 1,
            b')' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => break,
            _ => {}
        }
        j += 1;
    }
    let j = j.min(end);
    start..floor_boundary(text, j)
}

/// Span of the destination of a reference definition `[label]: dest "title"`.
fn def_dest_span(sub: &str, def: Range<usize>) -> Span {
    let Some(s) = sub.get(def.clone()) else { return def };
    let Some(colon) = s.find("]:") else { return def };
    let mut i = colon + 2;
    let b = s.as_bytes();
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if i < b.len() && b[i] == b'<' {
        let start = i + 1;
        let end = s[start..].find('>').map(|e| start + e).unwrap_or(s.len());
        return def.start + start..def.start + end;
    }
    let start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() {
        i += 1;
    }
    def.start + start..def.start + i
}

fn clamp(start: usize, end: usize, text: &str) -> Span {
    let end = floor_boundary(text, end.min(text.len()));
    let start = floor_boundary(text, start.min(end));
    start..end
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `range` without trailing whitespace (pulldown-cmark block ranges include the newline).
fn trim_end_span(text: &str, range: Range<usize>) -> Span {
    let s = text.get(range.clone()).unwrap_or("");
    range.start..range.start + s.trim_end().len()
}

/// Offset just past the end of the line containing `offset`.
fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset);
    text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// GitHub's heading anchor: lowercase, drop everything but letters, marks,
/// numbers, `_`, `-` and spaces, then spaces become `-`.
pub fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' || is_mark(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Combining marks (category M) are kept by GitHub's slugger; the common
/// ranges cover what shows up in headings.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests;
