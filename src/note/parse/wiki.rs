//! Wiki links as Obsidian and Logseq write them: `[[Note]]`, `[[Note|label]]`,
//! `[[Note#Heading]]`, `[[#Heading]]`, `![[image.png]]`. Found in the text
//! outside code; the target is resolved against the repository's files by the
//! local link rules, never here (the parser sees one note at a time).

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Ev;
use crate::note::{Link, LinkForm, LinkKind, Span};

/// Every wiki link of `text[range]` outside code, in order.
pub(super) fn wiki_links(text: &str, range: Span, events: &[Ev<'_>]) -> Vec<Link> {
    let body = &text[range.clone()];
    if !body.contains("[[") {
        return Vec::new();
    }
    let mut code: Vec<Span> = Vec::new();
    let mut open: Option<usize> = None;
    for (e, r) in events {
        match e {
            Event::Code(_) | Event::InlineHtml(_) | Event::Html(_) => code.push(r.clone()),
            Event::Start(Tag::CodeBlock(_)) => open = Some(r.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = open.take() {
                    code.push(s..r.end);
                }
            }
            _ => {}
        }
    }
    let in_code = |at: usize| code.iter().any(|c| c.start <= at && at < c.end);
    let mut out = Vec::new();
    let mut from = range.start;
    while let Some(i) = text[from..range.end].find("[[") {
        let start = from + i;
        let Some(len) = text[start + 2..range.end].find("]]") else { break };
        let inner_start = start + 2;
        let inner = &text[inner_start..inner_start + len];
        from = inner_start + len + 2;
        if inner.is_empty() || inner.contains(['\n', '[', ']']) || in_code(start) {
            continue;
        }
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        let image = start > 0 && text.as_bytes()[start - 1] == b'!';
        out.push(Link {
            kind: if image { LinkKind::Image } else { LinkKind::Inline },
            form: LinkForm::Wiki,
            dest: target.trim().to_owned(),
            dest_span: inner_start..inner_start + target.len(),
            span: (if image { start - 1 } else { start })..from,
            text: label.unwrap_or(target).trim().to_owned(),
        });
    }
    out
}
