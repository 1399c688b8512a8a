//! Headings with GitHub's anchors, and the H2 sections they open.

use pulldown_cmark::{Event, Tag};

use super::spans::{line_end, trim_end_span};
use super::{Builder, Ev, matching_end};
use crate::note::{Heading, Section};

impl<'t> Builder<'t, '_> {
    /// Every heading in document order, each with its de-duplicated anchor.
    pub(super) fn collect_headings(&mut self, events: &[Ev<'t>]) {
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
