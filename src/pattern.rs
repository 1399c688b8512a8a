//! Date patterns such as `{yyyy}{mm}/{mm}{dd}.md` or `笔记（{yyyy}.{m}.{d}）`.
//!
//! A pattern is literal text with placeholders: `{yyyy}` (4-digit year), `{mm}`/`{dd}`
//! (2-digit month/day), `{m}`/`{d}` (unpadded: 1 or 2 digits, no leading zero, so
//! a title written `2023.6.04` is told to drop the zero). The same component may appear
//! twice (the month folder and the file name); both must then agree.

use chrono::NaiveDate;
use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Year,
    Month,
    Day,
    Slug,
    Number,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    part: Part,
    padded: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DatePattern {
    source: String,
    regex: Regex,
    slots: Vec<Slot>,
    dated: bool,
    /// The file name is `{slug}` and an extension (`*/{slug}.md`).
    slug_is_the_name: bool,
}

/// What a matching text spells besides its shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Captured {
    /// `None` for a pattern without date placeholders.
    pub(crate) date: Option<NaiveDate>,
    /// The text `{slug}` stood for.
    pub(crate) slug: Option<String>,
    /// The number `{n}` stood for.
    pub(crate) number: Option<u64>,
    /// The number as written (`062`).
    pub(crate) number_text: Option<String>,
}

/// Why a string that has the pattern's shape still does not name a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateMismatch {
    /// A component spelled twice disagrees, e.g. folder `202105` with file `0610.md`.
    Inconsistent { component: &'static str, first: u32, second: u32 },
    /// The numbers do not form a calendar date (February 31st).
    Impossible { year: i32, month: u32, day: u32 },
}

impl std::fmt::Display for DateMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateMismatch::Inconsistent { component, first, second } => {
                write!(f, "the {component} is spelled {first:02} in one place and {second:02} in another")
            }
            DateMismatch::Impossible { year, month, day } => {
                write!(f, "{year:04}-{month:02}-{day:02} is not a date on the calendar")
            }
        }
    }
}

impl DatePattern {
    /// A pattern that spells a date: it needs `{yyyy}`, a month and a day.
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        let p = DatePattern::general(pattern)?;
        if !p.dated {
            return Err(format!("pattern `{pattern}` needs a year, a month and a day placeholder"));
        }
        Ok(p)
    }

    /// A pattern that may spell a date or not: the date placeholders come all
    /// three or not at all. `{slug}` is any text without `/`, `{n}` a sequence
    /// number, `*` any text within one path segment and `**` any depth of folders.
    pub(crate) fn general(pattern: &str) -> Result<Self, String> {
        let mut re = String::from("^");
        let mut slots = Vec::new();
        let mut literal = String::new();
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            match c {
                '{' => {
                    re.push_str(&regex::escape(&literal));
                    literal.clear();
                    let close =
                        rest.find('}').ok_or_else(|| format!("unclosed `{{` in pattern `{pattern}`"))?;
                    let (slot, class) = match &rest[1..close] {
                        "yyyy" => (Slot { part: Part::Year, padded: true }, r"(\d{4})"),
                        "mm" => (Slot { part: Part::Month, padded: true }, r"(\d{2})"),
                        "dd" => (Slot { part: Part::Day, padded: true }, r"(\d{2})"),
                        "m" => (Slot { part: Part::Month, padded: false }, r"([1-9]\d?)"),
                        "d" => (Slot { part: Part::Day, padded: false }, r"([1-9]\d?)"),
                        "slug" => (Slot { part: Part::Slug, padded: false }, r"([^/]+?)"),
                        "n" => (Slot { part: Part::Number, padded: false }, r"(\d+)"),
                        other => {
                            return Err(format!(
                                "unknown placeholder `{{{other}}}` in pattern `{pattern}`; use {{yyyy}}, {{mm}}, {{dd}}, {{m}}, {{d}}, {{slug}} or {{n}}"
                            ));
                        }
                    };
                    if matches!(slot.part, Part::Slug | Part::Number)
                        && slots.iter().any(|s: &Slot| s.part == slot.part)
                    {
                        return Err(format!("pattern `{pattern}` uses `{{{}}}` twice", &rest[1..close]));
                    }
                    re.push_str(class);
                    slots.push(slot);
                    rest = &rest[close + 1..];
                }
                '*' => {
                    re.push_str(&regex::escape(&literal));
                    literal.clear();
                    if let Some(after) = rest.strip_prefix("**/") {
                        re.push_str("(?:[^/]*/)*");
                        rest = after;
                    } else if let Some(after) = rest.strip_prefix("**") {
                        re.push_str(".*");
                        rest = after;
                    } else {
                        re.push_str("[^/]*");
                        rest = &rest[1..];
                    }
                }
                c => {
                    literal.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        re.push_str(&regex::escape(&literal));
        re.push('$');
        let has = |part: Part| slots.iter().any(|s| s.part == part);
        let date_parts = [Part::Year, Part::Month, Part::Day].into_iter().filter(|p| has(*p)).count();
        if date_parts != 0 && date_parts != 3 {
            return Err(format!(
                "pattern `{pattern}` needs a year, a month and a day placeholder (or none, for undated notes)"
            ));
        }
        let regex = Regex::new(&re).map_err(|e| e.to_string())?;
        let name = pattern.rsplit('/').next().unwrap_or(pattern);
        let slug_is_the_name = name.starts_with("{slug}.") && !name["{slug}.".len()..].contains(['{', '*']);
        Ok(DatePattern { source: pattern.to_owned(), regex, slots, dated: date_parts == 3, slug_is_the_name })
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// Whether the pattern spells a date.
    pub(crate) fn is_dated(&self) -> bool {
        self.dated
    }

    /// Whether the pattern holds `{slug}`, `{n}` or a wildcard: one it cannot spell alone.
    pub(crate) fn has_free_parts(&self) -> bool {
        self.slots.iter().any(|s| matches!(s.part, Part::Slug | Part::Number)) || self.source.contains('*')
    }

    /// `None` when `text` does not have the pattern's shape at all; otherwise the
    /// date, or why the digits do not make one. A pattern without a date
    /// never matches here: see [`DatePattern::captures`].
    pub(crate) fn parse(&self, text: &str) -> Option<Result<NaiveDate, DateMismatch>> {
        match self.captures(text)? {
            Ok(c) => c.date.map(Ok),
            Err(e) => Some(Err(e)),
        }
    }

    /// Whether `text` names a folder's README, `_index.md` or `index.md`: the
    /// folder's table of contents, which a `{slug}.md` set does not take for a
    /// note, nor reports as a note misnamed.
    pub(crate) fn is_folder_index(&self, text: &str) -> bool {
        let name = text.rsplit('/').next().unwrap_or(text);
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        self.slug_is_the_name && ["readme", "_index", "index"].iter().any(|n| stem.eq_ignore_ascii_case(n))
    }

    /// `None` when `text` does not have the pattern's shape; otherwise what it
    /// spells, or why its digits name no date.
    pub(crate) fn captures(&self, text: &str) -> Option<Result<Captured, DateMismatch>> {
        let caps = self.regex.captures(text)?;
        // A folder's README (or Hugo's `_index.md`, an `index.md`) is its table of
        // contents, not one of its notes, where the note's whole name is `{slug}`.
        if self.is_folder_index(text) {
            return None;
        }
        let mut values: [Option<u32>; 3] = [None; 3];
        let mut out = Captured::default();
        for (i, slot) in self.slots.iter().enumerate() {
            let idx = match slot.part {
                Part::Slug => {
                    out.slug = Some(caps[i + 1].to_owned());
                    continue;
                }
                Part::Number => {
                    out.number = caps[i + 1].parse().ok();
                    out.number_text = Some(caps[i + 1].to_owned());
                    continue;
                }
                part => part as usize,
            };
            let v: u32 = caps[i + 1].parse().ok()?;
            match values[idx] {
                Some(prev) if prev != v => {
                    let component = match slot.part {
                        Part::Year => "year",
                        Part::Month => "month",
                        _ => "day",
                    };
                    return Some(Err(DateMismatch::Inconsistent { component, first: prev, second: v }));
                }
                _ => values[idx] = Some(v),
            }
        }
        if self.dated {
            let (year, month, day) = (values[0]? as i32, values[1]?, values[2]?);
            match NaiveDate::from_ymd_opt(year, month, day) {
                Some(d) => out.date = Some(d),
                None => return Some(Err(DateMismatch::Impossible { year, month, day })),
            }
        }
        Some(Ok(out))
    }

    /// The byte ranges of `text` (which has the pattern's shape) that spell
    /// the date, each with what spells `date` there in the same placeholder
    /// (`{m}` unpadded, `{mm}` padded); the rest of `text` is not touched, so
    /// a `{slug}` or a wildcard keeps what it stood for. `None` when `text`
    /// does not match or the pattern spells no date.
    pub(crate) fn respell(
        &self,
        text: &str,
        date: NaiveDate,
    ) -> Option<Vec<(std::ops::Range<usize>, String)>> {
        use chrono::Datelike;
        let caps = self.regex.captures(text).filter(|_| self.dated)?;
        let mut out = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let value = match slot.part {
                Part::Year => date.year() as u32,
                Part::Month => date.month(),
                Part::Day => date.day(),
                Part::Slug | Part::Number => continue,
            };
            let spelled = match (slot.part, slot.padded) {
                (Part::Year, _) => format!("{value:04}"),
                (_, true) => format!("{value:02}"),
                (_, false) => value.to_string(),
            };
            out.push((caps.get(i + 1)?.range(), spelled));
        }
        Some(out)
    }

    /// Spell `date` in this pattern; `{slug}`, `{n}` and wildcards stay as written.
    pub(crate) fn format(&self, date: NaiveDate) -> String {
        use chrono::Datelike;
        let mut out = String::new();
        let mut rest = self.source.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').unwrap_or(0);
            match &rest[open + 1..close] {
                "yyyy" => out.push_str(&format!("{:04}", date.year())),
                "mm" => out.push_str(&format!("{:02}", date.month())),
                "dd" => out.push_str(&format!("{:02}", date.day())),
                "m" => out.push_str(&date.month().to_string()),
                "d" => out.push_str(&date.day().to_string()),
                other => out.push_str(&format!("{{{other}}}")),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Whether `text` (a path relative to the set's root) is close to the
    /// pattern without matching it: as deep, and with a file name of nearly
    /// the same shape (digits compared as digits). A file in a shared folder
    /// that is this close is a misnamed note, not some other document.
    pub(crate) fn near_miss(&self, text: &str) -> bool {
        if !self.dated || self.regex.is_match(text) {
            return false;
        }
        let deep = self.source.contains("**");
        if !deep && text.split('/').count() != self.source.split('/').count() {
            return false;
        }
        let example = self.format(NaiveDate::from_ymd_opt(2022, 4, 14).expect("valid date"));
        let (Some(name), Some(want)) = (text.rsplit('/').next(), example.rsplit('/').next()) else {
            return false;
        };
        if want.contains(['{', '*']) || !name.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        let shape = |s: &str| -> String {
            s.chars().map(|c| if c.is_ascii_digit() { '0' } else { c.to_ascii_lowercase() }).collect()
        };
        strsim::damerau_levenshtein(&shape(name), &shape(want)) <= 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn respell_rewrites_only_the_date_in_the_texts_own_placeholders() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let p = DatePattern::general("{yyyy}-{mm}-{dd} {slug}").unwrap();
        let text = "2026-01-05 2026-01-05 notes";
        let spans = p.respell(text, d).unwrap();
        assert_eq!(spans, vec![(0..4, "2026".into()), (5..7, "12".into()), (8..10, "02".into())]);
        let p = DatePattern::new("笔记（{yyyy}.{m}.{d}）").unwrap();
        let text = "笔记（2026.11.30）";
        let at = text.find("11").unwrap();
        assert_eq!(
            p.respell(text, d).unwrap()[1..],
            [(at..at + 2, "12".into()), (at + 3..at + 5, "2".into())]
        );
        assert_eq!(p.respell("笔记(2026.11.30)", d), None);
        assert_eq!(DatePattern::general("{slug}").unwrap().respell("x", d), None);
    }

    #[test]
    fn path_pattern() {
        let p = DatePattern::new("{yyyy}{mm}/{mm}{dd}.md").unwrap();
        assert_eq!(p.parse("202104/0425.md"), Some(Ok(d(2021, 4, 25))));
        assert_eq!(p.parse("202105/05010.md"), None);
        assert_eq!(
            p.parse("202105/0610.md"),
            Some(Err(DateMismatch::Inconsistent { component: "month", first: 5, second: 6 }))
        );
        assert_eq!(
            p.parse("202102/0231.md"),
            Some(Err(DateMismatch::Impossible { year: 2021, month: 2, day: 31 }))
        );
        assert_eq!(p.format(d(2022, 7, 1)), "202207/0701.md");
    }

    #[test]
    fn title_pattern() {
        let p = DatePattern::new("公众号内容拓展学习笔记（{yyyy}.{m}.{d}）").unwrap();
        assert_eq!(p.parse("公众号内容拓展学习笔记（2022.4.14）"), Some(Ok(d(2022, 4, 14))));
        assert_eq!(p.parse("公众号内容拓展学习笔记(2022.4.14)"), None);
        // Unpadded means unpadded: a leading zero does not match `{m}`/`{d}`.
        assert_eq!(p.parse("公众号内容拓展学习笔记（2022.4.04）"), None);
        assert_eq!(p.parse("公众号内容拓展学习笔记（2022.04.4）"), None);
        assert_eq!(p.format(d(2021, 10, 1)), "公众号内容拓展学习笔记（2021.10.1）");
    }

    #[test]
    fn slugs_numbers_and_wildcards() {
        let p = DatePattern::general("_posts/{yyyy}-{mm}-{dd}-{slug}.md").unwrap();
        let c = p.captures("_posts/2024-01-02-hello-world.md").unwrap().unwrap();
        assert_eq!((c.date, c.slug.as_deref()), (Some(d(2024, 1, 2)), Some("hello-world")));
        assert_eq!(p.captures("_posts/2024-01-02.md"), None);
        let p = DatePattern::general("week{n}-{slug}/README.md").unwrap();
        let c = p.captures("week062-ship-it/README.md").unwrap().unwrap();
        assert_eq!((c.date, c.number, c.slug.as_deref()), (None, Some(62), Some("ship-it")));
        assert!(!p.is_dated() && p.has_free_parts());
        let p = DatePattern::general("*/{slug}.md").unwrap();
        assert_eq!(p.captures("git/README.md"), None, "a folder's README is no note");
        assert_eq!(p.captures("posts/_index.md"), None);
        assert!(
            DatePattern::general("week{n}-{slug}/README.md").unwrap().captures("week1-a/README.md").is_some()
        );
        assert!(p.captures("aws/s3.md").is_some());
        assert!(p.captures("aws/deep/s3.md").is_none(), "`*` stays within one segment");
        let p = DatePattern::general("**/{yyyy}-{mm}-{dd}.md").unwrap();
        assert_eq!(p.parse("2023-12-07.md"), Some(Ok(d(2023, 12, 7))));
        assert_eq!(p.parse("2023-08-12 2024-01-09 (Semester 5)/2023-12-07.md"), Some(Ok(d(2023, 12, 7))));
        assert_eq!(p.parse("a/b/2023-12-07.md"), Some(Ok(d(2023, 12, 7))));
        assert!(p.near_miss("2023-12-7.md"));
        assert!(!p.near_miss("topics/rust.md"));
        assert_eq!(p.format(d(2022, 4, 14)), "**/2022-04-14.md");
        assert!(DatePattern::general("{slug}-{slug}.md").is_err());
        assert!(DatePattern::general("{yyyy}/{slug}.md").is_err(), "a year alone is no date");
        assert!(DatePattern::new("{slug}.md").is_err(), "a title or seed pattern needs a date");
    }

    #[test]
    fn bad_patterns() {
        assert!(DatePattern::new("{yyyy}/{dd}.md").is_err());
        assert!(DatePattern::new("{yyyy}{mm}{x}.md").is_err());
        assert!(DatePattern::new("{yyyy{mm}").is_err());
    }
}
