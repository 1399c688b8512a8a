//! Byte-offset helpers shared by the collectors.

use std::ops::Range;

use crate::note::Span;

/// `start..end` cut to `text` and moved down to `char` boundaries.
pub(super) fn clamp(start: usize, end: usize, text: &str) -> Span {
    let end = floor_boundary(text, end.min(text.len()));
    let start = floor_boundary(text, start.min(end));
    start..end
}

pub(super) use crate::util::text::floor_char_boundary as floor_boundary;

/// `range` without trailing whitespace (pulldown-cmark block ranges include the newline).
pub(super) fn trim_end_span(text: &str, range: Range<usize>) -> Span {
    let s = text.get(range.clone()).unwrap_or("");
    range.start..range.start + s.trim_end().len()
}

/// Offset just past the end of the line containing `offset`.
pub(super) fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// Offset of the start of the line containing `offset`.
pub(super) fn line_start(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset);
    text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}
