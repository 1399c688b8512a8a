//! Headings with GitHub's anchors, and the H2 sections they open.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::spans::{line_end, trim_end_span};
use super::{Builder, Ev, matching_end};
use crate::note::{Heading, Section};
use crate::util::slug::Slugger;

impl<'t> Builder<'t, '_> {
    /// Every heading in document order, each with its de-duplicated anchor.
    pub(super) fn collect_headings(&mut self, events: &[Ev<'t>]) {
        let mut slugger = Slugger::new();
        let mut i = 0;
        while i < events.len() {
            if let (Event::Start(Tag::Heading { level, .. }), r) = &events[i] {
                let end = matching_end(events, i);
                let mut text = String::new();
                // What GitHub slugs: the rendered heading's text content. An
                // image's alt text is an attribute, not text; a line break
                // is a newline, which the slug drops (only spaces become `-`).
                let mut slug_text = String::new();
                let mut in_image = 0usize;
                for (e, _) in &events[i + 1..end] {
                    match e {
                        Event::Start(Tag::Image { .. }) => in_image += 1,
                        Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
                        Event::Text(t) | Event::Code(t) => {
                            text.push_str(t);
                            if in_image == 0 {
                                slug_text.push_str(t);
                            }
                        }
                        Event::SoftBreak | Event::HardBreak => {
                            text.push(' ');
                            slug_text.push('\n');
                        }
                        _ => {}
                    }
                }
                let anchor = slugger.slug(&slug_text);
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

    /// The H2 sections, each running to the next heading of level <= 2.
    pub(super) fn sections(&self) -> Vec<Section> {
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
}
