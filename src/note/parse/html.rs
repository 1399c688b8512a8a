//! The `src`/`href` attributes and the comments of a chunk of raw HTML, read
//! with the html5gum tokenizer.

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Tokenizer};

use crate::note::LinkKind;

/// What a chunk of raw HTML holds, with spans relative to the chunk: each
/// link's kind, the span of its value and of its tag; each comment's trimmed
/// text and span.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Parts {
    pub links: Vec<(LinkKind, Range<usize>, Range<usize>)>,
    pub comments: Vec<(String, Range<usize>)>,
}

/// The attribute that links `tag` somewhere, if `attr` is it (names as
/// html5gum gives them: ASCII lowercased).
fn link_kind(tag: &[u8], attr: &[u8]) -> Option<LinkKind> {
    match (tag, attr) {
        (b"img" | b"video" | b"audio" | b"source" | b"iframe" | b"embed" | b"track", b"src") => {
            Some(LinkKind::HtmlSrc)
        }
        (b"a" | b"link" | b"area", b"href") => Some(LinkKind::HtmlHref),
        _ => None,
    }
}

/// [`CallbackEmitter`] without the parse errors nobody reads: with errors on,
/// html5gum checks every byte for noncharacters, a quarter of its time on a
/// note's `<div><img></div>` blocks. Errors change no token nor span.
struct Quiet<E>(E);

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _: html5gum::Error) {}
}

/// [`Parts`] of `html`, by the tokenizer.
pub(super) fn parts(html: &str) -> Parts {
    #[derive(Default)]
    struct State {
        tag: Vec<u8>,
        tag_start: usize,
        attr: Vec<u8>,
        pending: Vec<(LinkKind, Range<usize>)>,
        parts: Parts,
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
                if let Some(kind) = link_kind(&st.tag, &st.attr) {
                    st.pending.push((kind, span.start..span.end));
                }
            }
            CallbackEvent::CloseStartTag { .. } => {
                let tag = st.tag_start..span.end;
                for (kind, v) in st.pending.drain(..) {
                    st.parts.links.push((kind, v, tag.clone()));
                }
            }
            CallbackEvent::Comment { value } => {
                st.parts
                    .comments
                    .push((String::from_utf8_lossy(value).trim().to_owned(), span.start..span.end));
            }
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    let _ = Tokenizer::new_with_emitter(html, Quiet(emitter)).finish();
    // A tag cut off by the end of the chunk still names its attributes.
    let tail_tag = st.tag_start..html.len();
    let pending: Vec<_> = st.pending.drain(..).collect();
    st.parts.links.extend(pending.into_iter().map(|(k, v)| (k, v, tail_tag.clone())));
    st.parts
}
