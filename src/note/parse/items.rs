//! The today section's numbered items, their `Label: value` fields and other
//! bullets, and field bullets written outside any item.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use super::spans::{line_end, line_start, trim_end_span};
use super::{Builder, Ev, matching_end};
use crate::note::{Field, Item, Span, Stars, StrayField};

impl<'t> Builder<'t, '_> {
    /// Walk the top-level blocks, gathering items and stray fields inside the
    /// today section.
    pub(super) fn collect_blocks(&mut self, events: &[Ev<'t>], today: Option<&Span>, recovered: bool) {
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
                        for item in list_items(&events[i..=end]) {
                            let item = self.item(item, recovered);
                            self.out.items.push(item);
                        }
                    }
                    Tag::List(None) => {
                        for item in list_items(&events[i..=end]) {
                            self.strays(item);
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
                let events = self.events(range);
                let today = today.start.min(offset)..today.end.max(block.end);
                self.collect_blocks(&events, Some(&today), true);
                return;
            }
            first = false;
            offset += line.len();
        }
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
        // The first inline element decides whether the item opens with a link;
        // a link in bold or italics (`**[title](url)**`) still opens it.
        let first_inline = events[1..].iter().find(|(e, _)| match e {
            Event::Start(Tag::Paragraph | Tag::Strong | Tag::Emphasis) => false,
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
        for child in child_items(events) {
            match self.field(child) {
                Some(f) => fields.push(f),
                None => other_bullets.push(trim_end_span(self.text, child[0].1.clone())),
            }
        }
        Item { number, span, head_span, link, stars, fields, other_bullets, in_html_block: recovered }
    }

    /// A bullet item `- Label: value`, if it has that shape.
    fn field(&self, events: &[Ev<'t>]) -> Option<Field> {
        let span = trim_end_span(self.text, events[0].1.clone());
        let head = head_range(events)?;
        let head_text = &self.text[head.clone()];
        let (label, sep, value_at) = split_label(head_text)?;
        let label_start = head.start + (label.as_ptr() as usize - head_text.as_ptr() as usize);
        let label_span = label_start..label_start + label.len();
        let after = head.start + value_at;
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
        for child in child_items(events) {
            if let Some(field) = self.field(child) {
                let indent = field.span.start - line_start(self.text, field.span.start);
                self.out.stray_fields.push(StrayField { field, after_item, indent });
            }
        }
    }
}

/// The `Start(Item) ..= End(Item)` runs directly inside `list`, a
/// `Start(List) ..= End(List)` run.
fn list_items<'e, 'a>(list: &'e [Ev<'a>]) -> impl Iterator<Item = &'e [Ev<'a>]> {
    let end = list.len() - 1;
    let mut j = 1;
    std::iter::from_fn(move || {
        while j < end {
            let start = j;
            let item_end = matching_end(list, start);
            j = item_end + 1;
            if matches!(list[start].0, Event::Start(Tag::Item)) {
                return Some(&list[start..=item_end]);
            }
        }
        None
    })
}

/// The items of the lists directly inside `item` (its sub-bullets; lists nested
/// deeper, or inside other blocks, are not walked).
fn child_items<'e, 'a>(item: &'e [Ev<'a>]) -> impl Iterator<Item = &'e [Ev<'a>]> {
    let last = item.len() - 1;
    let mut i = 1;
    let lists = std::iter::from_fn(move || {
        while i < last {
            match item[i].0 {
                Event::Start(Tag::List(_)) => {
                    let end = matching_end(item, i);
                    let list = &item[i..=end];
                    i = end + 1;
                    return Some(list);
                }
                Event::Start(_) => i = matching_end(item, i) + 1,
                _ => i += 1,
            }
        }
        None
    });
    lists.flat_map(list_items)
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

/// `Label: value` / `Label：value`: label, separator and where the value
/// starts in `head`. A label is a short run of letters, digits, spaces, `_` or
/// `-`; anything else (a link, a URL, a sentence) is not a field. The label may
/// be bold, as notes write it to stand out: `**Label**: value`, `**Label:** value`.
fn split_label(head: &str) -> Option<(&str, char, usize)> {
    if let Some(bold) = ["**", "__"].into_iter().find(|b| head.starts_with(b)) {
        let inner = &head[2..];
        let close = inner.find(bold)?;
        let (label_part, rest) = (&inner[..close], &inner[close + 2..]);
        // `**Label:** value`: the separator inside the bold run.
        if let Some(sep) = label_part.chars().last().filter(|c| matches!(c, ':' | '：')) {
            let label = label_part[..label_part.len() - sep.len_utf8()].trim();
            return is_label(label).then_some((label, sep, 2 + close + 2));
        }
        // `**Label**: value`.
        let sep = rest.chars().next().filter(|c| matches!(c, ':' | '：'))?;
        let label = label_part.trim();
        return is_label(label).then_some((label, sep, 2 + close + 2 + sep.len_utf8()));
    }
    let pos = head.find([':', '：'])?;
    let sep = head[pos..].chars().next()?;
    let label = head[..pos].trim();
    if sep == ':' && head[pos..].starts_with("://") {
        return None;
    }
    is_label(label).then_some((label, sep, pos + sep.len_utf8()))
}

fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.chars().count() <= 24
        && label.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-')
        && label.split_whitespace().count() <= 3
}

/// The star rating in `text[range]`: the first run of `token`, repeated with
/// optional spaces between.
fn find_stars(text: &str, range: Range<usize>, token: &str) -> Option<Stars> {
    if token.is_empty() || range.start >= range.end {
        return None;
    }
    // An emoji token matches with or without the variation selector after
    // it (`⭐` and `⭐️`): editors and keyboards add or drop it at random.
    const VS16: &str = "\u{fe0f}";
    let token = token.strip_suffix(VS16).filter(|t| !t.is_empty()).unwrap_or(token);
    let selector = |at: usize, hay: &str| if hay[at..].starts_with(VS16) { VS16.len() } else { 0 };
    let hay = text.get(range.clone())?;
    let first = hay.find(token)?;
    let mut pos = first + token.len();
    pos += selector(pos, hay);
    let mut end = pos;
    let mut count = 1u32;
    loop {
        let rest = &hay[pos..];
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.starts_with(token) {
            pos += rest.len() - trimmed.len() + token.len();
            pos += selector(pos, hay);
            end = pos;
            count = count.saturating_add(1);
        } else {
            break;
        }
    }
    Some(Stars { count, span: range.start + first..range.start + end })
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
