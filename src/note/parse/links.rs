//! Links: Markdown links and images (with the span of the destination as
//! written, reference definitions included), GFM bare URLs and e-mail
//! addresses (found by [`super::autolink`]), and the `src`/`href`
//! attributes and comments of raw HTML.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::autolink::{Bare, bare_links};
use super::spans::{clamp, floor_boundary};
use super::{Builder, Ev, matching_end};
use crate::note::{Comment, Item, Link, LinkForm, LinkKind, Span, StrayField};

impl<'t> Builder<'t, '_> {
    /// GitHub turns bare URLs and e-mail addresses in text into links (the GFM
    /// autolink extension, which pulldown-cmark does not implement): find them
    /// in runs of text outside links, images and code.
    pub(super) fn collect_bare_urls(&mut self, events: &[Ev<'t>]) {
        let mut skip_depth = 0usize;
        // A run of adjacent text events, and whether a link may start at its
        // first byte.
        let mut run: Option<(Range<usize>, bool)> = None;
        let mut runs = Vec::new();
        let mut after_start = false;
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
                        Some((cur, b)) if cur.end == r.start => (cur.start..r.end, b),
                        other => {
                            runs.extend(other);
                            (r.clone(), after_start || self.link_may_follow(r.start))
                        }
                    });
                    after_start = false;
                    continue;
                }
                _ => {}
            }
            // A block (or emphasis) starts a fresh run of text: a table cell's
            // `|www.x|` is linked, while `` `x`www.y `` is not.
            after_start = matches!(e, Event::Start(_));
            runs.extend(run.take());
        }
        runs.extend(run);
        for (range, boundary) in runs {
            let Some(chunk) = self.text.get(range.clone()) else { continue };
            if !may_hold_bare_link(chunk) {
                continue;
            }
            for (found, bare) in bare_links(chunk, boundary) {
                let span = range.start + found.start..range.start + found.end;
                self.out.links.push(Link {
                    kind: LinkKind::Autolink,
                    form: if matches!(bare, Bare::Email | Bare::SchemeEmail) {
                        LinkForm::BareEmail
                    } else {
                        LinkForm::BareUrl
                    },
                    // GitHub links `www.x` to `http://www.x` and `me@x.y` to
                    // `mailto:me@x.y`; say so rather than let them look like
                    // relative paths.
                    dest: bare.href(&chunk[found]),
                    dest_span: span.clone(),
                    span,
                    text: String::new(),
                });
            }
        }
    }

    /// Whether the source before `offset` lets a bare link begin there: the
    /// start of the text, whitespace, or one of `*_~(`.
    fn link_may_follow(&self, offset: usize) -> bool {
        self.text[..offset].chars().next_back().is_none_or(|c| c.is_whitespace() || "*_~(".contains(c))
    }

    /// Markdown links and images, and the raw HTML among `events`.
    pub(super) fn collect_links(&mut self, events: &[Ev<'t>], defs: &HashMap<String, Span>) {
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
                    let (kind, form, dest_span) = match link_type {
                        LinkType::Autolink | LinkType::Email => (
                            LinkKind::Autolink,
                            LinkForm::Angle,
                            (r.start + 1).min(r.end)..r.end.saturating_sub(1).max(r.start),
                        ),
                        LinkType::Inline => {
                            let open = if image { r.start + 2 } else { r.start + 1 };
                            let after_text = text_end.unwrap_or(open).max(open);
                            let kind = if image { LinkKind::Image } else { LinkKind::Inline };
                            (kind, LinkForm::Inline, inline_dest_span(self.text, after_text, r.end))
                        }
                        _ => {
                            let kind = if image { LinkKind::Image } else { LinkKind::Inline };
                            let span = defs.get(&id.to_lowercase()).cloned().unwrap_or(r.clone());
                            (kind, LinkForm::Reference, span)
                        }
                    };
                    let dest = self
                        .text
                        .get(dest_span.clone())
                        .map(str::to_owned)
                        .unwrap_or_else(|| dest_url.to_string());
                    self.out.links.push(Link {
                        kind,
                        form,
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
        let parts = super::html::parts(html);
        for (kind, v, tag) in parts.links {
            let dest_span = clamp(base + v.start, base + v.end, self.text);
            let span = clamp(base + tag.start, base + tag.end, self.text);
            self.out.links.push(Link {
                kind,
                form: LinkForm::Html,
                dest: self.text[dest_span.clone()].to_owned(),
                dest_span,
                span,
                text: String::new(),
            });
        }
        for (text, span) in parts.comments {
            let span = clamp(base + span.start, base + span.end, self.text);
            self.out.comments.push(Comment { text, span });
        }
    }

    /// The links starting in `from..=to` (by start offset, then index).
    pub(super) fn links_starting_in(&self, from: usize, to: usize) -> Vec<usize> {
        let links = &self.out.links;
        let mut idx = self.by_start.borrow_mut();
        if idx.len() != links.len() {
            *idx = (0..links.len()).collect();
            idx.sort_by_key(|&i| (links[i].span.start, i));
        }
        let first = idx.partition_point(|&i| links[i].span.start < from);
        idx[first..].iter().copied().take_while(|&i| links[i].span.start <= to).collect()
    }

    /// The Markdown link (not a raw HTML attribute) starting at `start`.
    pub(super) fn link_at(&self, start: usize) -> Option<usize> {
        self.links_starting_in(start, start)
            .into_iter()
            .find(|&i| !matches!(self.out.links[i].kind, LinkKind::HtmlHref | LinkKind::HtmlSrc))
    }

    /// The links lying wholly inside `span`.
    pub(super) fn links_within(&self, span: &Span) -> Vec<usize> {
        let mut v = self.links_starting_in(span.start, span.end);
        v.retain(|&i| self.out.links[i].span.end <= span.end);
        v
    }
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
pub(super) fn def_dest_span(sub: &str, def: Range<usize>) -> Span {
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

/// Links of recovered items are collected after the rest of the document:
/// restore document order and remap the indexes that point into `links`.
pub(super) fn restore_document_order(
    links: &mut Vec<Link>,
    items: &mut [Item],
    stray_fields: &mut [StrayField],
) {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by_key(|&i| (links[i].span.start, links[i].dest_span.start));
    if order.iter().enumerate().any(|(new, &old)| new != old) {
        let mut new_index = vec![0; links.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Link>> = std::mem::take(links).into_iter().map(Some).collect();
        *links = order.iter().filter_map(|&i| slots[i].take()).collect();
        for item in items {
            item.link = item.link.map(|i| new_index[i]);
            for f in &mut item.fields {
                f.links.iter_mut().for_each(|i| *i = new_index[*i]);
            }
        }
        for s in stray_fields {
            s.field.links.iter_mut().for_each(|i| *i = new_index[*i]);
        }
    }
}

/// Whether `chunk` holds `://`, `www.` or `@`, what every bare link has: one
/// pass over the bytes, where three `contains` were 3% of a lint run (most
/// runs of text hold none of them).
fn may_hold_bare_link(chunk: &str) -> bool {
    let b = chunk.as_bytes();
    memchr::memchr3_iter(b':', b'.', b'@', b).any(|i| match b[i] {
        b':' => b[i + 1..].starts_with(b"//"),
        b'.' => b[..i].ends_with(b"www"),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The one-pass test says what the three `contains` it replaced said.
        #[test]
        fn may_hold_bare_link_is_the_three_contains(s in "[a-z:/.@w 。：]{0,24}") {
            let slow = s.contains("://") || s.contains("www.") || s.contains('@');
            prop_assert_eq!(super::may_hold_bare_link(&s), slow);
        }
    }
}
