//! Byte offsets (what daybook's spans are) to and from LSP positions: a
//! 0-based line and a character offset counted in the negotiated encoding.
//! UTF-16 code units are the protocol's default, and the one most clients
//! speak: a CJK character is one unit there (three bytes), an emoji two units
//! (four bytes). Counting bytes or chars instead puts every marker after the
//! first `今日要点` or 😀 of a line in the wrong place.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::diag::SourceFile;

/// How `Position::character` counts, as negotiated in `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The server's pick among what the client offers (`general.positionEncodings`):
    /// UTF-8 when offered (no conversion at all), else UTF-16, which every client
    /// must support. UTF-32 only when it is all the client names.
    pub(crate) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let offered = offered.unwrap_or_default();
        let has = |k: &PositionEncodingKind| offered.iter().any(|o| o == k);
        if has(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.is_empty() || has(&PositionEncodingKind::UTF16) {
            Encoding::Utf16
        } else if has(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub(crate) fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The LSP position of byte `offset` in `file`. An offset past the end or
/// inside a UTF-8 sequence is clamped back to a character boundary.
pub(crate) fn position(file: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let text = file.text.as_str();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_index(offset);
    let start = file.line_start(line);
    let character = match enc {
        Encoding::Utf8 => offset - start,
        _ => text[start..offset].chars().map(|c| enc.units(c)).sum(),
    };
    Position { line: to_u32(line), character: to_u32(character) }
}

/// The byte offset of an LSP position in `file`. A line past the end is the
/// end of the text; a character past the end of its line is the line's end
/// (before its line break), as the protocol asks; a position inside a
/// character (half of a surrogate pair) is that character's start.
pub(crate) fn offset(file: &SourceFile, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= file.line_count() {
        return file.text.len();
    }
    let start = file.line_start(line);
    let end = file.line_start(line + 1);
    let text = &file.text[start..end];
    // Lines end at `\n` (daybook's spans count only those), `\r\n` included.
    let content = match text.strip_suffix('\n') {
        Some(c) => c.strip_suffix('\r').unwrap_or(c),
        None => text,
    };
    let want = pos.character as usize;
    let mut units = 0;
    for (i, c) in content.char_indices() {
        let next = units + enc.units(c);
        if next > want {
            return start + i;
        }
        units = next;
    }
    start + content.len()
}

pub(crate) fn range(file: &SourceFile, span: &std::ops::Range<usize>, enc: Encoding) -> Range {
    Range { start: position(file, span.start, enc), end: position(file, span.end.max(span.start), enc) }
}

/// The position of a 1-based line and column counted in characters (what
/// [`crate::diag::Position`] holds, e.g. in a finding's related places).
pub(crate) fn from_line_column(file: &SourceFile, line: usize, column: usize, enc: Encoding) -> Position {
    let span = file.line_range(line.max(1));
    let (start, line_text) = (span.start, &file.text[span]);
    let at = line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    position(file, start + at, enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> std::sync::Arc<SourceFile> {
        SourceFile::new("notes/a.md", "notes/a.md", text.to_owned())
    }

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn cjk_is_one_utf16_unit_and_three_bytes() {
        let f = file("# 标题\n## :paperclip:  今日要点 x\n");
        let x = f.text.find('x').unwrap();
        // `## :paperclip:  ` is 16, `今日要点` 4 units (12 bytes), then a space.
        assert_eq!(position(&f, x, Encoding::Utf16), pos(1, 21));
        assert_eq!(position(&f, x, Encoding::Utf32), pos(1, 21));
        assert_eq!(position(&f, x, Encoding::Utf8), pos(1, 29));
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(offset(&f, position(&f, x, enc), enc), x, "{enc:?}");
        }
    }

    #[test]
    fn an_emoji_is_two_utf16_units() {
        let f = file("😀😀 GtiHub\n");
        let g = f.text.find('G').unwrap();
        assert_eq!(g, 9);
        assert_eq!(position(&f, g, Encoding::Utf16), pos(0, 5));
        assert_eq!(position(&f, g, Encoding::Utf32), pos(0, 3));
        assert_eq!(offset(&f, pos(0, 5), Encoding::Utf16), g);
        // Between the two halves of a surrogate pair: the emoji's start.
        assert_eq!(offset(&f, pos(0, 1), Encoding::Utf16), 0);
        assert_eq!(offset(&f, pos(0, 3), Encoding::Utf16), 4);
    }

    #[test]
    fn out_of_range_positions_and_offsets_clamp() {
        let f = file("ab\r\n今\nlast");
        // Past the end of a line: the line's end, before `\r\n`.
        assert_eq!(offset(&f, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(offset(&f, pos(1, 99), Encoding::Utf16), 4 + 3);
        // Past the last line: the end of the text.
        assert_eq!(offset(&f, pos(9, 0), Encoding::Utf16), f.text.len());
        assert_eq!(position(&f, 10_000, Encoding::Utf16), pos(2, 4));
        // Inside `今`: its start.
        assert_eq!(position(&f, 5, Encoding::Utf16), pos(1, 0));
        assert_eq!(position(&f, 7, Encoding::Utf16), pos(1, 1));
    }

    #[test]
    fn line_and_column_in_chars_convert() {
        let f = file("x\n😀今 y\n");
        assert_eq!(from_line_column(&f, 2, 4, Encoding::Utf16), pos(1, 4));
        assert_eq!(from_line_column(&f, 2, 99, Encoding::Utf16), pos(1, 5));
    }

    #[test]
    fn utf8_is_chosen_when_offered_else_utf16() {
        use PositionEncodingKind as K;
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF16, K::UTF8])), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF32])), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF32, K::UTF16])), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::new("utf-7")])), Encoding::Utf16);
    }

    proptest::proptest! {
        /// Every char boundary survives the round trip in every encoding, and
        /// UTF-16 counts agree with `str::encode_utf16`.
        #[test]
        fn round_trips(text in "([a-z \r]|今日要点|😀|\n){0,60}") {
            let f = file(&text);
            for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
                // Between `\r` and `\n` is no place a position can name.
                if text[..at].ends_with('\r') && text[at..].starts_with('\n') {
                    continue;
                }
                let p16 = position(&f, at, Encoding::Utf16);
                let line_start = f.line_start(p16.line as usize);
                proptest::prop_assert_eq!(p16.character as usize, text[line_start..at].encode_utf16().count());
                for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                    let back = offset(&f, position(&f, at, enc), enc);
                    proptest::prop_assert_eq!(back, at, "{:?} at {}", enc, at);
                }
            }
        }
    }
}
