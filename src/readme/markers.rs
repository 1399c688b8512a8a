//! Finding daybook's regions in a README and splicing new content into them.
//!
//! A region is delimited by two marker lines, HTML comments on lines of their own:
//!
//! ```text
//! <!-- daybook:history -->
//! ...generated...
//! <!-- /daybook:history -->
//! ```
//!
//! Only the bytes strictly between the start marker's line break and the start of
//! the end marker line belong to the region; the marker lines themselves and every
//! other byte of the file are never touched. A marker line may be indented by up
//! to three spaces (four would make it an indented code block) and may carry
//! trailing whitespace; the spacing inside the comment is free
//! (`<!--daybook:today-->` is fine).
//!
//! Marker-looking lines inside fenced code blocks *outside* regions are ignored,
//! so a README may document the markers themselves. Inside a region nothing is
//! interpreted except marker lines: generated text (a note's today section with an
//! unclosed fence, say) can therefore never change where the next scan finds the
//! end marker, which is what makes regeneration idempotent.

use std::ops::Range;

/// The regions daybook knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionName {
    /// The newest note's today section.
    Today,
    /// Every note, grouped by year and month.
    History,
    /// The newest note's date.
    Updated,
}

impl RegionName {
    pub(crate) const ALL: [RegionName; 3] = [RegionName::Today, RegionName::History, RegionName::Updated];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RegionName::Today => "today",
            RegionName::History => "history",
            RegionName::Updated => "updated",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<RegionName> {
        RegionName::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The start marker line, without line break.
    pub(crate) fn start_marker(self) -> String {
        format!("<!-- daybook:{} -->", self.as_str())
    }

    /// The end marker line, without line break.
    pub(crate) fn end_marker(self) -> String {
        format!("<!-- /daybook:{} -->", self.as_str())
    }
}

impl std::fmt::Display for RegionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One region found in a README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub(crate) name: RegionName,
    /// The start marker line including its line break.
    pub(crate) start_marker: Range<usize>,
    /// The replaceable bytes: from after the start marker's line break to the
    /// first byte of the end marker line.
    pub(crate) inner: Range<usize>,
    /// The end marker line including its line break, if it has one.
    pub(crate) end_marker: Range<usize>,
    /// 1-based line of the start marker.
    pub(crate) start_line: usize,
    /// 1-based line of the end marker.
    pub(crate) end_line: usize,
    /// The line break the start marker line ends with; generated text uses it.
    pub(crate) eol: &'static str,
}

/// Why a README's markers cannot be used. Offsets are byte offsets of the
/// offending marker line; the caller turns them into file:line errors.
#[derive(Debug, Clone, PartialEq, Eq)]
// The fields are the regions involved and where their markers are.
#[allow(missing_docs)]
pub enum MarkerProblem {
    /// A start marker whose end marker never comes.
    Unclosed { name: RegionName, offset: usize },
    /// A start marker inside another region.
    Nested { name: RegionName, offset: usize, outer: RegionName, outer_offset: usize },
    /// The same start marker twice before its end marker.
    Repeated { name: RegionName, offset: usize, first_offset: usize },
    /// A second region with a name already used.
    Duplicate { name: RegionName, offset: usize, first_offset: usize },
    /// An end marker with no open region.
    StrayEnd { name: RegionName, offset: usize },
    /// An end marker that closes a different region than the open one.
    Mismatched { name: RegionName, offset: usize, open: RegionName, open_offset: usize },
    /// `<!-- daybook:something -->` with a name daybook does not know.
    Unknown { name: String, offset: usize },
}

impl MarkerProblem {
    /// Offset of the marker line the problem is reported at.
    pub(crate) fn offset(&self) -> usize {
        match self {
            MarkerProblem::Unclosed { offset, .. }
            | MarkerProblem::Nested { offset, .. }
            | MarkerProblem::Repeated { offset, .. }
            | MarkerProblem::Duplicate { offset, .. }
            | MarkerProblem::StrayEnd { offset, .. }
            | MarkerProblem::Mismatched { offset, .. }
            | MarkerProblem::Unknown { offset, .. } => *offset,
        }
    }
}

/// A marker line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker<'a> {
    pub(crate) end: bool,
    /// The name as written (may be unknown).
    pub(crate) name: &'a str,
}

/// Parse one line (without its line break) as a marker.
pub(crate) fn parse_marker(line: &str) -> Option<Marker<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix("<!--")?;
    let rest = rest.trim_end().strip_suffix("-->")?;
    let rest = rest.trim();
    let (end, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let name = rest.strip_prefix("daybook:")?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    Some(Marker { end, name })
}

/// A line of `text`: its byte range including the line break, and its content
/// without the line break.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) content: &'a str,
    /// `"\r\n"`, `"\n"` or `""` (last line without a line break).
    pub(crate) eol: &'static str,
}

/// The lines of `text`, each with its range and line break.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let (content, eol) = if let Some(c) = raw.strip_suffix("\r\n") {
            (c, "\r\n")
        } else if let Some(c) = raw.strip_suffix('\n') {
            (c, "\n")
        } else {
            (raw, "")
        };
        Line { start, end: offset, content, eol }
    })
}

/// Tracks fenced code blocks (```` ``` ```` / `~~~`) line by line, the way
/// CommonMark opens and closes them, so marker-looking lines inside them are
/// ignored.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FenceTracker {
    open: Option<(u8, usize)>,
}

impl FenceTracker {
    /// Feed one line; returns true when the line is part of a fenced block
    /// (including its opening and closing fence lines).
    pub(crate) fn in_code(&mut self, line: &str) -> bool {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let fence = (indent <= 3).then(|| fence_run(&line[indent..])).flatten();
        match (self.open, fence) {
            (Some((ch, len)), Some((c2, l2, rest))) if c2 == ch && l2 >= len && rest.trim().is_empty() => {
                self.open = None;
                true
            }
            (Some(_), _) => true,
            (None, Some((ch, len, rest))) => {
                // A backtick fence's info string may not contain backticks.
                if ch == b'`' && rest.contains('`') {
                    return false;
                }
                self.open = Some((ch, len));
                true
            }
            (None, None) => false,
        }
    }
}

fn fence_run(s: &str) -> Option<(u8, usize, &str)> {
    let ch = *s.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = s.bytes().take_while(|&b| b == ch).count();
    (len >= 3).then(|| (ch, len, &s[len..]))
}

/// Find every region of `text`. A leading byte-order mark is not part of the
/// first line's content.
pub fn scan(text: &str) -> Result<Vec<Region>, MarkerProblem> {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut regions: Vec<Region> = Vec::new();
    // (name, marker line, 1-based line number)
    let mut open: Option<(RegionName, Line<'_>, usize)> = None;
    let mut fences = FenceTracker::default();
    let mut line_no = 0;
    for mut line in lines(text) {
        line_no += 1;
        if line.start == 0 && body_start > 0 {
            line.content = line.content.get(body_start..).unwrap_or("");
        }
        if open.is_none() && fences.in_code(line.content) {
            continue;
        }
        let Some(marker) = parse_marker(line.content) else { continue };
        let offset = line.start + if line.start == 0 { body_start } else { 0 };
        let Some(name) = RegionName::parse(marker.name) else {
            return Err(MarkerProblem::Unknown { name: marker.name.to_owned(), offset });
        };
        if !marker.end {
            if let Some((outer, outer_line, _)) = &open {
                let outer_offset = outer_line.start;
                return Err(if *outer == name {
                    MarkerProblem::Repeated { name, offset, first_offset: outer_offset }
                } else {
                    MarkerProblem::Nested { name, offset, outer: *outer, outer_offset }
                });
            }
            if let Some(first) = regions.iter().find(|r| r.name == name) {
                return Err(MarkerProblem::Duplicate {
                    name,
                    offset,
                    first_offset: first.start_marker.start,
                });
            }
            open = Some((name, line, line_no));
            continue;
        }
        match open.take() {
            None => return Err(MarkerProblem::StrayEnd { name, offset }),
            Some((open_name, open_line, _)) if open_name != name => {
                return Err(MarkerProblem::Mismatched {
                    name,
                    offset,
                    open: open_name,
                    open_offset: open_line.start,
                });
            }
            Some((_, start, start_line)) => regions.push(Region {
                name,
                start_marker: start.start..start.end,
                inner: start.end..line.start,
                end_marker: line.start..line.end,
                start_line,
                end_line: line_no,
                eol: if start.eol == "\r\n" { "\r\n" } else { "\n" },
            }),
        }
    }
    if let Some((name, line, _)) = open {
        let offset = line.start + if line.start == 0 { body_start } else { 0 };
        return Err(MarkerProblem::Unclosed { name, offset });
    }
    Ok(regions)
}

/// Turn generated text (`\n` line breaks) into a region's content: line breaks
/// become `eol`, and non-empty content ends with exactly one line break so the
/// end marker stays on a line of its own.
pub(crate) fn region_content(generated: &str, eol: &str) -> String {
    let text = generated.trim_end_matches(['\n', '\r']);
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 32 + 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(eol);
        }
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
    out.push_str(eol);
    out
}

/// Replace the inner bytes of each region for which `content` returns text;
/// every other byte of `text` is copied unchanged.
pub fn splice(text: &str, regions: &[Region], mut content: impl FnMut(&Region) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut at = 0;
    let mut sorted: Vec<&Region> = regions.iter().collect();
    sorted.sort_by_key(|r| r.inner.start);
    for r in sorted {
        let Some(new) = content(r) else { continue };
        out.push_str(&text[at..r.inner.start]);
        out.push_str(&new);
        at = r.inner.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(RegionName, String)> {
        scan(text).unwrap().into_iter().map(|r| (r.name, text[r.inner].to_owned())).collect()
    }

    #[test]
    fn marker_spellings() {
        assert_eq!(parse_marker("<!-- daybook:today -->"), Some(Marker { end: false, name: "today" }));
        assert_eq!(parse_marker("<!--daybook:today-->"), Some(Marker { end: false, name: "today" }));
        assert_eq!(
            parse_marker("   <!-- /daybook:history -->  "),
            Some(Marker { end: true, name: "history" })
        );
        assert_eq!(parse_marker("<!-- / daybook:updated -->"), Some(Marker { end: true, name: "updated" }));
        assert_eq!(parse_marker("<!-- daybook:histroy -->"), Some(Marker { end: false, name: "histroy" }));
        // four spaces: an indented code block, not a marker
        assert_eq!(parse_marker("    <!-- daybook:today -->"), None);
        assert_eq!(parse_marker("<!-- daybook: generated file -->"), None);
        assert_eq!(parse_marker("text <!-- daybook:today -->"), None);
        assert_eq!(parse_marker("<!-- daybook:today --> text"), None);
        assert_eq!(parse_marker("<!-- daybook -->"), None);
    }

    #[test]
    fn finds_regions_and_their_inner_bytes() {
        let text = "# x\n<!-- daybook:today -->\na\nb\n<!-- /daybook:today -->\nmid\n<!-- daybook:history -->\n<!-- /daybook:history -->";
        assert_eq!(
            names(text),
            vec![(RegionName::Today, "a\nb\n".to_owned()), (RegionName::History, String::new())]
        );
        let r = &scan(text).unwrap()[0];
        assert_eq!((r.start_line, r.end_line, r.eol), (2, 5, "\n"));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}<!-- daybook:updated -->\r\nold\r\n<!-- /daybook:updated -->\r\n";
        let r = &scan(text).unwrap()[0];
        assert_eq!(r.eol, "\r\n");
        assert_eq!(&text[r.inner.clone()], "old\r\n");
        let out = splice(text, std::slice::from_ref(r), |r| Some(region_content("new\nline\n\n", r.eol)));
        assert_eq!(out, "\u{feff}<!-- daybook:updated -->\r\nnew\r\nline\r\n<!-- /daybook:updated -->\r\n");
    }

    #[test]
    fn fenced_examples_are_not_markers() {
        let text = "```md\n<!-- daybook:today -->\n```\n~~~~\n<!-- daybook:bogus -->\n~~~\n~~~~\n<!-- daybook:today -->\n<!-- /daybook:today -->\n";
        assert_eq!(names(text), vec![(RegionName::Today, String::new())]);
    }

    #[test]
    fn fences_inside_regions_are_opaque() {
        // An unclosed fence produced inside a region must not hide the end marker
        // or later regions.
        let text = "<!-- daybook:today -->\n```\n<!-- /daybook:today -->\n<!-- daybook:updated -->\nx\n<!-- /daybook:updated -->\n";
        assert_eq!(names(text).len(), 2);
    }

    #[test]
    fn problems() {
        let p = |t: &str| scan(t).unwrap_err();
        assert_eq!(
            p("a\n<!-- daybook:today -->\nx\n"),
            MarkerProblem::Unclosed { name: RegionName::Today, offset: 2 }
        );
        assert_eq!(
            p(
                "<!-- daybook:today -->\n<!-- daybook:history -->\n<!-- /daybook:history -->\n<!-- /daybook:today -->\n"
            ),
            MarkerProblem::Nested {
                name: RegionName::History,
                offset: 23,
                outer: RegionName::Today,
                outer_offset: 0
            }
        );
        assert_eq!(
            p("<!-- daybook:today -->\n<!-- daybook:today -->\n<!-- /daybook:today -->\n"),
            MarkerProblem::Repeated { name: RegionName::Today, offset: 23, first_offset: 0 }
        );
        assert!(matches!(
            p(
                "<!-- daybook:today -->\n<!-- /daybook:today -->\n<!-- daybook:today -->\n<!-- /daybook:today -->\n"
            ),
            MarkerProblem::Duplicate { name: RegionName::Today, offset: 47, first_offset: 0 }
        ));
        assert_eq!(
            p("<!-- /daybook:today -->\n"),
            MarkerProblem::StrayEnd { name: RegionName::Today, offset: 0 }
        );
        assert!(matches!(
            p("<!-- daybook:today -->\n<!-- /daybook:history -->\n"),
            MarkerProblem::Mismatched { name: RegionName::History, open: RegionName::Today, .. }
        ));
        assert_eq!(
            p("<!-- daybook:Today -->\n"),
            MarkerProblem::Unknown { name: "Today".to_owned(), offset: 0 }
        );
    }

    #[test]
    fn splice_keeps_every_other_byte() {
        let text = "a  \r\n<!-- daybook:today -->\nold\n<!-- /daybook:today -->\n\tz";
        let regions = scan(text).unwrap();
        let out = splice(text, &regions, |_| Some("new\n".to_owned()));
        assert_eq!(out, "a  \r\n<!-- daybook:today -->\nnew\n<!-- /daybook:today -->\n\tz");
        let empty = splice(text, &regions, |r| Some(region_content("", r.eol)));
        assert_eq!(empty, "a  \r\n<!-- daybook:today -->\n<!-- /daybook:today -->\n\tz");
    }
}
