//! `daybook init`: adopting a hand-made README by wrapping its today section,
//! history block and date line in markers.
//!
//! What is looked for, outside fenced code and outside regions that already
//! have markers:
//!
//! * **today**: the heading whose text is `sections.today` (runs of spaces
//!   compared as one); the region is the section's content up to the next
//!   heading of the same or a higher level, blank lines at both ends left outside.
//! * **history**: under a heading containing `历史` (`历史更新`), or under any
//!   heading whose section starts with `<pre>`/`<details>`: from the first line
//!   opening `<pre>`/`<details>` to the last line closing `</pre>`/`</details>` in
//!   that section. A `历史` heading with an empty section gets an empty region.
//! * **updated**: the first line starting with `更新今日时间：` (or `:`).
//!
//! Settings the README's own style needs are reported, never guessed silently:
//! a history listed newest first needs `readme.order: descending`; a date line
//! spelled differently from `更新今日时间：2022.4.14` (another label, padded
//! numbers, `-` separators, text after the date) needs a `readme.templates.updated`
//! that reproduces it. Everything else about the README stays byte for byte.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::markers::{self, FenceTracker, MarkerProblem, RegionName};
use super::template::DEFAULT_UPDATED;
use crate::config::{Config, Order};
use crate::note::parse::ParseContext;
use crate::util::text::collapse_ws;

/// The label of the seed README's date line.
pub(crate) const UPDATED_LABEL: &str = "更新今日时间";

/// One region wrapped by `init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wrapped {
    pub(crate) region: RegionName,
    /// 1-based lines of the original README the region covers; `None` when the
    /// section was empty and an empty region was inserted after `after_line`.
    pub(crate) lines: Option<(usize, usize)>,
    /// The heading line the region belongs to (or the line it was inserted after).
    pub(crate) after_line: usize,
}

/// Settings the README's style needs beyond the current config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) order: Option<Order>,
    pub(crate) updated_template: Option<String>,
}

impl Settings {
    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_none() && self.updated_template.is_none()
    }

    /// The settings as daybook.yml text.
    pub(crate) fn to_yaml(&self) -> String {
        #[derive(serde::Serialize)]
        struct Readme<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            order: Option<Order>,
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            templates: std::collections::BTreeMap<&'a str, &'a str>,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            readme: Readme<'a>,
        }
        let mut templates = std::collections::BTreeMap::new();
        if let Some(t) = &self.updated_template {
            templates.insert("updated", t.as_str());
        }
        yaml_serde::to_string(&Doc { readme: Readme { order: self.order, templates } }).unwrap_or_default()
    }
}

/// What adopting a README does.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adoption {
    /// The README with the new markers (equal to the input when nothing was wrapped).
    pub(crate) text: String,
    pub(crate) wrapped: Vec<Wrapped>,
    /// Regions the README already had.
    pub(crate) already: Vec<RegionName>,
    /// Regions neither present nor found.
    pub(crate) not_found: Vec<RegionName>,
    /// Settings needed to reproduce the README's style.
    pub(crate) settings: Settings,
}

#[derive(Debug, Clone)]
struct Heading {
    level: u8,
    /// Text with whitespace runs collapsed.
    text: String,
    /// Start of the heading's first line.
    start: usize,
    /// End of the heading's last line, line break included.
    end: usize,
}

/// Find the today section, history block and date line of `text` and wrap each
/// in markers; `ctx` is compiled from `cfg` (its notes pattern dates the history's
/// links). Fails only when the README's existing markers are broken.
pub(crate) fn adopt(text: &str, cfg: &Config, ctx: &ParseContext) -> Result<Adoption, MarkerProblem> {
    // A byte order mark is no part of the first line: set it aside, so a heading
    // or date line on line 1 is found and a marker never lands in front of it.
    match text.strip_prefix('\u{feff}') {
        Some(body) => {
            let mut a = adopt_body(body, cfg, ctx)?;
            a.text.insert(0, '\u{feff}');
            Ok(a)
        }
        None => adopt_body(text, cfg, ctx),
    }
}

fn adopt_body(text: &str, cfg: &Config, ctx: &ParseContext) -> Result<Adoption, MarkerProblem> {
    let existing = markers::scan(text)?;
    let mut taken: Vec<Range<usize>> =
        existing.iter().map(|r| r.start_marker.start..r.end_marker.end).collect();
    let already: Vec<RegionName> = existing.iter().map(|r| r.name).collect();
    let code = code_ranges(text, &taken);
    let headings = headings(text, &code, &taken);
    let free = |r: &Range<usize>, taken: &[Range<usize>]| !taken.iter().any(|t| overlaps(t, r));

    // (region, range of whole lines to wrap, or an insertion point; heading line)
    let mut found: Vec<(RegionName, Range<usize>, bool, usize)> = Vec::new();
    let mut settings = Settings::default();

    if !already.contains(&RegionName::Updated)
        && let Some(r) = find_updated(text, &code, &taken)
    {
        let line = &text[r.clone()];
        if !cfg.readme.templates.contains_key("updated")
            && let Some(t) = updated_template(line.trim_end_matches(['\n', '\r']))
        {
            settings.updated_template = Some(t);
        }
        taken.push(r.clone());
        found.push((RegionName::Updated, r.clone(), false, super::line_of(text, r.start)));
    }

    if !already.contains(&RegionName::History) {
        let today_heading = collapse_ws(&cfg.sections.today);
        for (i, h) in headings.iter().enumerate() {
            if h.text == today_heading {
                continue;
            }
            let section = h.end..section_end(text, &headings, i);
            let block = history_block(text, section.clone());
            let named = h.text.contains("历史");
            let hit = match block {
                Some(b) if free(&b, &taken) => Some((b, false)),
                Some(_) => None,
                None if named && content_lines(text, section.clone()).is_none() => {
                    let p = insertion_point(text, section.clone());
                    Some((p..p, true))
                }
                None => None,
            };
            if let Some((r, empty)) = hit {
                if !empty
                    && let Some(order) = history_order(&text[r.clone()], cfg, ctx)
                    && order != cfg.readme.order
                {
                    settings.order = Some(order);
                }
                taken.push(r.clone());
                found.push((RegionName::History, r, empty, super::line_of(text, h.start)));
                break;
            }
        }
    }

    if !already.contains(&RegionName::Today) {
        let wanted = collapse_ws(&cfg.sections.today);
        if let Some((i, h)) = headings.iter().enumerate().find(|(_, h)| h.text == wanted) {
            let section = h.end..section_end(text, &headings, i);
            let (r, empty) = match content_lines(text, section.clone()) {
                Some(r) => (r, false),
                None => {
                    let p = insertion_point(text, section);
                    (p..p, true)
                }
            };
            if free(&r, &taken) || empty {
                taken.push(r.clone());
                found.push((RegionName::Today, r, empty, super::line_of(text, h.start)));
            }
        }
    }

    let not_found = RegionName::ALL
        .into_iter()
        .filter(|n| !already.contains(n) && !found.iter().any(|f| f.0 == *n))
        .collect();

    found.sort_by_key(|f| f.1.start);
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    let mut wrapped = Vec::new();
    for (region, r, empty, heading_line) in found {
        let eol = eol_at(text, r.start);
        out.push_str(&text[at..r.start]);
        if empty {
            if r.start == text.len() && !text.is_empty() && !text.ends_with('\n') {
                out.push_str(eol);
            }
            out.push_str(&region.start_marker());
            out.push_str(eol);
            out.push_str(&region.end_marker());
            out.push_str(eol);
            // Keep a blank line before whatever follows (the next heading).
            if text[r.start..].lines().next().is_some_and(|l| !l.trim().is_empty()) {
                out.push_str(eol);
            }
            wrapped.push(Wrapped { region, lines: None, after_line: heading_line });
        } else {
            out.push_str(&region.start_marker());
            out.push_str(eol);
            out.push_str(&text[r.clone()]);
            if !text[..r.end].ends_with('\n') {
                out.push_str(eol);
                out.push_str(&region.end_marker());
            } else {
                out.push_str(&region.end_marker());
                out.push_str(eol);
            }
            let last = super::line_of(text, r.end.saturating_sub(1).max(r.start));
            wrapped.push(Wrapped {
                region,
                lines: Some((super::line_of(text, r.start), last)),
                after_line: heading_line,
            });
        }
        at = if empty { r.start } else { r.end };
    }
    out.push_str(&text[at..]);
    wrapped.sort_by_key(|w| w.region);
    Ok(Adoption { text: out, wrapped, already, not_found, settings })
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if b.is_empty() {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// The line break used at `offset` (the line's own, else the file's first, else `\n`).
fn eol_at(text: &str, offset: usize) -> &'static str {
    let line_end = text[offset..].find('\n').map(|i| offset + i);
    let first = text.find('\n');
    match line_end.or(first) {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Byte ranges of fenced code blocks outside existing regions.
fn code_ranges(text: &str, taken: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut fences = FenceTracker::default();
    for line in markers::lines(text) {
        if taken.iter().any(|t| t.contains(&line.start)) {
            continue;
        }
        if fences.in_code(line.content) {
            match out.last_mut() {
                Some(last) if last.end == line.start => last.end = line.end,
                _ => out.push(line.start..line.end),
            }
        }
    }
    out
}

/// ATX and setext headings outside code and existing regions.
fn headings(text: &str, code: &[Range<usize>], taken: &[Range<usize>]) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut current: Option<(u8, usize, usize, String)> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level as u8, range.start, range.end, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.3.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = current.as_mut() {
                    c.3.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, end, t)) = current.take() {
                    if code.iter().chain(taken).any(|r| r.contains(&start)) {
                        continue;
                    }
                    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
                    let last = end.max(start + 1).min(text.len());
                    let line_end =
                        text[last - 1..].find('\n').map(|i| last - 1 + i + 1).unwrap_or(text.len());
                    out.push(Heading { level, text: collapse_ws(&t), start: line_start, end: line_end });
                }
            }
            _ => {}
        }
    }
    out
}

/// Where the section of heading `i` ends: the next heading of the same or a
/// higher level, or the end of the text.
fn section_end(text: &str, headings: &[Heading], i: usize) -> usize {
    let level = headings[i].level;
    headings[i + 1..].iter().find(|h| h.level <= level).map(|h| h.start).unwrap_or(text.len())
}

/// Whole lines of `range` from the first to the last non-blank one (line break
/// of the last included), or `None` when the range is blank.
fn content_lines(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let mut first = None;
    let mut end = range.start;
    for line in markers::lines(&text[range.clone()]) {
        if !line.content.trim().is_empty() {
            first.get_or_insert(range.start + line.start);
            end = range.start + line.end;
        }
    }
    first.map(|s| s..end)
}

/// Where an empty region goes in an empty section: after the first blank line
/// following the heading, or right after the heading.
fn insertion_point(text: &str, section: Range<usize>) -> usize {
    let first = markers::lines(&text[section.clone()]).next();
    match first {
        Some(l) if l.content.trim().is_empty() && !l.eol.is_empty() => section.start + l.end,
        _ => section.start,
    }
}

/// The history block inside `section`: whole lines from the first one opening
/// `<pre>`/`<details>` to the last one closing `</pre>`/`</details>`.
fn history_block(text: &str, section: Range<usize>) -> Option<Range<usize>> {
    let mut start = None;
    let mut end = None;
    for line in markers::lines(&text[section.clone()]) {
        let t = line.content.trim();
        if start.is_none() {
            if t.is_empty() {
                continue;
            }
            if t.starts_with("<pre") || t.starts_with("<details") {
                start = Some(section.start + line.start);
            } else {
                // The section must start with the block.
                return None;
            }
        }
        if t.ends_with("</pre>") || t.ends_with("</details>") {
            end = Some(section.start + line.end);
        }
    }
    match (start, end) {
        (Some(s), Some(e)) if e > s => Some(s..e),
        _ => None,
    }
}

/// The order of a history block, judged from the dates of the note links it
/// holds (by `notes.pattern`).
fn history_order(block: &str, cfg: &Config, ctx: &ParseContext) -> Option<Order> {
    let pattern = &ctx.path_pattern;
    let root = cfg.notes.primary().root.trim_start_matches("./").trim_end_matches('/');
    let mut dates = Vec::new();
    let mut rest = block;
    while let Some(i) = rest.find("href=") {
        rest = &rest[i + 5..];
        let quote = rest.chars().next()?;
        let value = if quote == '"' || quote == '\'' {
            let inner = &rest[1..];
            &inner[..inner.find(quote).unwrap_or(inner.len())]
        } else {
            &rest[..rest.find([' ', '>']).unwrap_or(rest.len())]
        };
        let value = value.trim_start_matches("./");
        let rel = value.find(&format!("{root}/")).map(|i| &value[i + root.len() + 1..]).unwrap_or(value);
        if let Some(Ok(d)) = pattern.parse(rel) {
            dates.push(d);
        }
    }
    // The direction most consecutive pairs take: robust to a hand-made slip or two.
    let (mut up, mut down) = (0usize, 0usize);
    for w in dates.windows(2) {
        match w[0].cmp(&w[1]) {
            std::cmp::Ordering::Less => up += 1,
            std::cmp::Ordering::Greater => down += 1,
            std::cmp::Ordering::Equal => {}
        }
    }
    match up.cmp(&down) {
        std::cmp::Ordering::Greater => Some(Order::Ascending),
        std::cmp::Ordering::Less => Some(Order::Descending),
        std::cmp::Ordering::Equal => None,
    }
}

/// The date line: the first line (outside code and regions) whose text starts
/// with `更新今日时间` and a colon.
fn find_updated(text: &str, code: &[Range<usize>], taken: &[Range<usize>]) -> Option<Range<usize>> {
    markers::lines(text).find_map(|line| {
        let t = line.content.trim_start();
        let rest = t.strip_prefix(UPDATED_LABEL)?.trim_start();
        if !(rest.starts_with('：') || rest.starts_with(':')) {
            return None;
        }
        let r = line.start..line.end;
        if code.iter().chain(taken).any(|c| c.contains(&line.start)) {
            return None;
        }
        Some(r)
    })
}

/// A template reproducing a date line spelled differently from the built-in
/// one, or `None` when the built-in one already reproduces it (or the line
/// holds no recognisable date).
pub(crate) fn updated_template(line: &str) -> Option<String> {
    let line = line.trim_start_matches('\u{feff}');
    let re = regex::Regex::new(r"^(.*?)(\d{4})([./\-年])(\d{1,2})([./\-月])(\d{1,2})(.*)$").ok()?;
    let c = re.captures(line)?;
    let (pre, post) = (&c[1], &c[7]);
    if pre.contains(['{', '}']) || post.contains(['{', '}']) {
        return None;
    }
    // People pad both numbers or neither: one visible leading zero decides for
    // both; without one, ISO-style `-` separators suggest padding.
    let (m, d) = (&c[4], &c[6]);
    let padded = m.starts_with('0') || d.starts_with('0') || (m.len() == 2 && d.len() == 2 && &c[3] == "-");
    let (month, day) = if padded {
        ("{{ newest.mm }}", "{{ newest.dd }}")
    } else {
        ("{{ newest.month }}", "{{ newest.day }}")
    };
    let template = format!("{pre}{{{{ newest.year }}}}{}{month}{}{day}{post}", &c[3], &c[5]);
    (template != DEFAULT_UPDATED.trim_end()).then_some(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::default()
    }

    fn ctx() -> ParseContext {
        ParseContext::new(&cfg()).unwrap()
    }

    const SEED_LIKE: &str = "# notes\n主要内容：笔记\n\n更新开始时间：2021.3.21\n\n更新今日时间：2022.4.14\n\n------\n\n\
## :paperclip:  今日要点\n\n1. [a](https://x.cn/a)       :star:\n   - Abstract: a\n\n<div align=center><img src=\"https://x.cn/a.png\">\n</div>\n\n\n\n\
## :paperclip:  历史更新\n\n<pre><details><summary>2021年</summary>\n<details><summary>3月</summary>\n    1. <a href=\"notes/202103/0321.md\" target=\"_blank\">t1</a>\n</details>\n</pre>\n\
<pre><details><summary>2022年</summary>\n<details><summary>4月</summary>\n    1. <a href=\"notes/202204/0414.md\" target=\"_blank\">t2</a>\n</details>\n</pre>\n\n\n\n\
## :paperclip:  Others\n\n- x\n";

    #[test]
    fn wraps_the_seed_shape() {
        let a = adopt(SEED_LIKE, &cfg(), &ctx()).unwrap();
        assert!(a.not_found.is_empty() && a.already.is_empty() && a.settings.is_empty(), "{a:?}");
        let expected = SEED_LIKE
            .replace(
                "更新今日时间：2022.4.14\n",
                "<!-- daybook:updated -->\n更新今日时间：2022.4.14\n<!-- /daybook:updated -->\n",
            )
            .replace("今日要点\n\n1.", "今日要点\n\n<!-- daybook:today -->\n1.")
            .replace(
                "</div>\n\n\n\n## :paperclip:  历史",
                "</div>\n<!-- /daybook:today -->\n\n\n\n## :paperclip:  历史",
            )
            .replace("历史更新\n\n<pre>", "历史更新\n\n<!-- daybook:history -->\n<pre>")
            .replace(
                "</pre>\n\n\n\n## :paperclip:  Others",
                "</pre>\n<!-- /daybook:history -->\n\n\n\n## :paperclip:  Others",
            );
        assert_eq!(a.text, expected);
        assert_eq!(
            a.wrapped.iter().map(|w| (w.region, w.lines)).collect::<Vec<_>>(),
            vec![
                (RegionName::Today, Some((12, 16))),
                (RegionName::History, Some((22, 31))),
                (RegionName::Updated, Some((6, 6))),
            ]
        );
        // Adopting again finds everything already there.
        let again = adopt(&a.text, &cfg(), &ctx()).unwrap();
        assert_eq!(again.text, a.text);
        assert!(again.wrapped.is_empty());
        assert_eq!(again.already.len(), 3);
    }

    #[test]
    fn crlf_and_no_final_newline() {
        let text = "## :paperclip:  今日要点\r\n\r\n1. [a](b)\r\n\r\n## 历史更新\r\n\r\n<pre><details><summary>2021年</summary>\r\n</pre>";
        let a = adopt(text, &cfg(), &ctx()).unwrap();
        assert_eq!(
            a.text,
            "## :paperclip:  今日要点\r\n\r\n<!-- daybook:today -->\r\n1. [a](b)\r\n<!-- /daybook:today -->\r\n\r\n## 历史更新\r\n\r\n\
<!-- daybook:history -->\r\n<pre><details><summary>2021年</summary>\r\n</pre>\r\n<!-- /daybook:history -->"
        );
        assert_eq!(a.not_found, vec![RegionName::Updated]);
    }

    #[test]
    fn empty_sections_get_empty_regions() {
        let text = "## :paperclip:  今日要点\n\n## 历史更新\n";
        let a = adopt(text, &cfg(), &ctx()).unwrap();
        assert_eq!(
            a.text,
            "## :paperclip:  今日要点\n\n<!-- daybook:today -->\n<!-- /daybook:today -->\n\n## 历史更新\n<!-- daybook:history -->\n<!-- /daybook:history -->\n"
        );
    }

    #[test]
    fn descending_history_and_custom_date_line_need_settings() {
        let text = "更新今日时间: 2022-04-04 (daily)\n\n## History\n\n<pre><details><summary>2022年</summary>\n\
    2. <a href=\"notes/202204/0404.md\">b</a>\n    1. <a href=\"notes/202204/0401.md\">a</a>\n</pre>\n";
        let a = adopt(text, &cfg(), &ctx()).unwrap();
        assert_eq!(a.settings.order, Some(Order::Descending));
        assert_eq!(
            a.settings.updated_template.as_deref(),
            Some("更新今日时间: {{ newest.year }}-{{ newest.mm }}-{{ newest.dd }} (daily)")
        );
        let yaml = a.settings.to_yaml();
        let parsed = Config::from_yaml(&yaml, std::path::Path::new("daybook.yml")).unwrap();
        assert_eq!(parsed.readme.order, Order::Descending);
        assert!(parsed.readme.templates.contains_key("updated"));
    }

    #[test]
    fn the_default_date_line_needs_no_template() {
        assert_eq!(updated_template("更新今日时间：2022.4.14"), None);
        assert_eq!(updated_template("更新今日时间：2022.10.14"), None);
        assert!(updated_template("更新今日时间：2022.04.14").is_some());
        assert_eq!(updated_template("更新今日时间：soon"), None);
    }

    #[test]
    fn ignores_code_blocks_and_existing_regions() {
        let text = "```\n## :paperclip:  今日要点\n更新今日时间：2022.4.14\n```\n<!-- daybook:updated -->\n更新今日时间：2022.4.14\n<!-- /daybook:updated -->\n";
        let a = adopt(text, &cfg(), &ctx()).unwrap();
        assert_eq!(a.text, text);
        assert_eq!(a.already, vec![RegionName::Updated]);
        assert_eq!(a.not_found, vec![RegionName::Today, RegionName::History]);
    }

    #[test]
    fn broken_markers_are_reported() {
        assert!(adopt("<!-- daybook:today -->\n", &cfg(), &ctx()).is_err());
    }
}
