//! The `src`/`href` attributes and the comments of a chunk of raw HTML, read
//! with the html5gum tokenizer.

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Tokenizer};

use crate::note::LinkKind;

/// A link's kind, the span of its value and the span of its tag.
pub(super) type HtmlLink = (LinkKind, Range<usize>, Range<usize>);

/// What a chunk of raw HTML holds, with spans relative to the chunk: each
/// link's kind, the span of its value and of its tag; each comment's trimmed
/// text and span.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Parts {
    pub links: Vec<HtmlLink>,
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

/// [`link_kind`] of names in any ASCII case, without allocating.
fn link_kind_any_case(tag: &[u8], attr: &[u8]) -> Option<LinkKind> {
    let (mut t, mut a) = ([0u8; 6], [0u8; 4]);
    if tag.len() > t.len() || attr.len() > a.len() {
        return None;
    }
    t[..tag.len()].copy_from_slice(tag);
    a[..attr.len()].copy_from_slice(attr);
    t.make_ascii_lowercase();
    a.make_ascii_lowercase();
    link_kind(&t[..tag.len()], &a[..attr.len()])
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

/// [`Parts`] of `html`: by [`plain_tags`] when it can tell, else by the tokenizer.
pub(super) fn parts(html: &str) -> Parts {
    match plain_tags(html) {
        Some(links) => Parts { links, comments: Vec::new() },
        None => tokenized(html),
    }
}

/// The links of `html` when it is text and plain tags only (`<div
/// align=center><img src="..." style='zoom:100%'></div>`, what notes hold):
/// the tokenizer's answer at a tenth of its cost. `None` at anything else,
/// to be tokenized: a comment, `<!`, `<?`, a character reference, a NUL or CR
/// (which the tokenizer replaces, moving spans), a non-ASCII or odd byte in a
/// name, an end tag with more than its name, a tag cut off by the end.
fn plain_tags(html: &str) -> Option<Vec<HtmlLink>> {
    let b = html.as_bytes();
    // (`contains` on bytes is memchr, a word at a time.)
    if b.contains(&0) || b.contains(&b'\r') {
        return None;
    }
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0C' | b' ');
    let skip_ws = |mut j: usize| {
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        j
    };
    let mut links = Vec::new();
    let mut pending = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| i + p) {
        let mut j = lt + 1;
        match b.get(j) {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(b'/') if b.get(j + 1).is_some_and(u8::is_ascii_alphabetic) => {
                j += 1;
                while j < b.len() && b[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if b.get(j) != Some(&b'>') {
                    return None;
                }
                i = j + 1;
                continue;
            }
            Some(b'/' | b'!' | b'?') => return None,
            // Text: `<` then anything else, or the end.
            _ => {
                i = j;
                continue;
            }
        }
        let name_start = j;
        while j < b.len() && !(ws(b[j]) || b[j] == b'/' || b[j] == b'>') {
            if !b[j].is_ascii_graphic() || matches!(b[j], b'"' | b'\'' | b'<' | b'=') {
                return None;
            }
            j += 1;
        }
        let name = name_start..j;
        pending.clear();
        loop {
            j = skip_ws(j);
            match b.get(j)? {
                b'>' => {
                    j += 1;
                    break;
                }
                b'/' if b.get(j + 1) == Some(&b'>') => {
                    j += 2;
                    break;
                }
                b'/' | b'=' => return None,
                _ => {}
            }
            let attr_start = j;
            while j < b.len() && !(ws(b[j]) || matches!(b[j], b'/' | b'>' | b'=')) {
                if !b[j].is_ascii_graphic() || matches!(b[j], b'"' | b'\'' | b'<') {
                    return None;
                }
                j += 1;
            }
            let attr = attr_start..j;
            j = skip_ws(j);
            if b.get(j)? != &b'=' {
                continue;
            }
            j = skip_ws(j + 1);
            let value = match *b.get(j)? {
                b'>' => continue,
                q @ (b'"' | b'\'') => {
                    let start = j + 1;
                    let end = start + html[start..].find(char::from(q))?;
                    if b[start..end].contains(&b'&') {
                        return None;
                    }
                    j = end + 1;
                    // The tokenizer reads on without the space it wants here.
                    if b.get(j).is_some_and(|&c| !(ws(c) || c == b'/' || c == b'>')) {
                        return None;
                    }
                    start..end
                }
                _ => {
                    let start = j;
                    while j < b.len() && !(ws(b[j]) || b[j] == b'>') {
                        if matches!(b[j], b'"' | b'\'' | b'<' | b'=' | b'`' | b'&') {
                            return None;
                        }
                        j += 1;
                    }
                    start..j
                }
            };
            if !value.is_empty()
                && let Some(kind) = link_kind_any_case(&b[name.clone()], &b[attr])
            {
                pending.push((kind, value));
            }
        }
        links.extend(pending.drain(..).map(|(kind, v)| (kind, v, lt..j)));
        i = j;
    }
    Some(links)
}

/// [`Parts`] of `html`, by the tokenizer.
fn tokenized(html: &str) -> Parts {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn both(html: &str) -> (Option<Parts>, Parts) {
        (plain_tags(html).map(|links| Parts { links, comments: Vec::new() }), tokenized(html))
    }

    #[test]
    fn notes_html_takes_the_plain_path_and_agrees_with_the_tokenizer() {
        for html in [
            "<div align=center><img src=\"https://mmbiz.qpic.cn/x/640?wx_fmt=png\" style='zoom:100%'>\n</div>",
            "<img src=\"a.png\">",
            "<IMG SRC='b.png' Alt=x/>",
            "<a href=https://e.com/今日 title=\"t\">x</a> y < z",
            "<p>text 今日 <br/> <video src=v.mp4 controls></video></p>",
            "<img src=\"\" alt><img src=a.png src=b.png>",
            "a <",
        ] {
            let (plain, tokenized) = both(html);
            assert_eq!(plain.as_ref(), Some(&tokenized), "{html}");
        }
        assert!(!both("<img src=\"a.png\">").1.links.is_empty());
    }

    #[test]
    fn the_rest_goes_to_the_tokenizer() {
        for html in [
            "<!-- daybook-disable title -->",
            "<img src=\"a&amp;b\">",
            "<img src=a.png\r\n>",
            "<img src=\"a.png\"",
            "</a href=x>",
            "<img src=\"a\"alt=b>",
            "<?php x ?>",
        ] {
            assert_eq!(plain_tags(html), None, "{html}");
        }
    }

    /// One of `clean` mostly, now and then one of `odd`.
    fn pick(clean: &'static [&'static str], odd: &'static [&'static str]) -> BoxedStrategy<String> {
        prop_oneof![
            8 => proptest::sample::select(clean).prop_map(str::to_owned),
            1 => proptest::sample::select(odd).prop_map(str::to_owned),
        ]
        .boxed()
    }

    /// Tags as notes write them, and then some: names and values in any
    /// case, quoted or not, spaces around `=`, odd bytes where they hurt.
    fn tag() -> impl Strategy<Value = String> {
        let value = (
            pick(&["\"", "'", ""], &["\"", "'"]),
            pick(
                &["", "a.png", "https://e.com/今日?x=1#y", "a>b", "a b", "x/"],
                &["&amp;", "x'y", "x\"y", "`", "<", "\r"],
            ),
        )
            .prop_map(|(q, v)| format!("{q}{v}{q}"));
        let attr = (
            pick(&[" ", "  ", "\n", "\t"], &["", "/", "\x0C"]),
            pick(&["src", "SRC", "href", "HRef", "alt", "style", "a-b"], &["=", "\"", "<", "今", "\0"]),
            proptest::option::of((pick(&["", " "], &["\n"]), pick(&["=", "= ", " = "], &["=\t"]), value)),
        )
            .prop_map(|(sp, name, v)| {
                let v = v.map(|(a, eq, val)| format!("{a}{eq}{val}")).unwrap_or_default();
                format!("{sp}{name}{v}")
            });
        (
            pick(
                &["img", "IMG", "a", "A", "div", "iframe", "link", "source", "x"],
                &["今", "a-b", "img/", "a\u{b}"],
            ),
            proptest::collection::vec(attr, 0..4),
            pick(&[">", "/>", " >", "\n>"], &["", " / >", "/"]),
        )
            .prop_map(|(name, attrs, close)| format!("<{name}{}{close}", attrs.concat()))
    }

    fn chunk() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            8 => tag(),
            4 => pick(&["</div>", "</a>", "</IMG>"], &["</", "</ x>", "</a b>", "</A >"]),
            4 => pick(&["text", " ", "\n", "今日要点", "a < b", "&lt;", "<", ">", "\"", "'", "=", "-->"], &["<!-- c -->", "<!x>", "<?x>", "\r\n", "\0"]),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whenever the plain path answers, it answers what the tokenizer does.
        #[test]
        fn the_plain_path_agrees_with_the_tokenizer(html in chunk()) {
            let (plain, tokenized) = both(&html);
            if let Some(plain) = plain {
                prop_assert_eq!(plain, tokenized, "{:?}", html);
            }
        }
    }
}
