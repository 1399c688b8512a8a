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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    part: Part,
    padded: bool,
}

#[derive(Debug, Clone)]
pub struct DatePattern {
    source: String,
    regex: Regex,
    slots: Vec<Slot>,
}

/// Why a string that has the pattern's shape still does not name a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateMismatch {
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
    pub fn new(pattern: &str) -> Result<Self, String> {
        let mut re = String::from("^");
        let mut slots = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            re.push_str(&regex::escape(&rest[..open]));
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .ok_or_else(|| format!("unclosed `{{` in pattern `{pattern}`"))?;
            let (slot, class) = match &rest[open + 1..close] {
                "yyyy" => (Slot { part: Part::Year, padded: true }, r"(\d{4})"),
                "mm" => (Slot { part: Part::Month, padded: true }, r"(\d{2})"),
                "dd" => (Slot { part: Part::Day, padded: true }, r"(\d{2})"),
                "m" => (Slot { part: Part::Month, padded: false }, r"([1-9]\d?)"),
                "d" => (Slot { part: Part::Day, padded: false }, r"([1-9]\d?)"),
                other => {
                    return Err(format!(
                        "unknown placeholder `{{{other}}}` in pattern `{pattern}`; use {{yyyy}}, {{mm}}, {{dd}}, {{m}} or {{d}}"
                    ));
                }
            };
            re.push_str(class);
            slots.push(slot);
            rest = &rest[close + 1..];
        }
        re.push_str(&regex::escape(rest));
        re.push('$');
        for part in [Part::Year, Part::Month, Part::Day] {
            if !slots.iter().any(|s| s.part == part) {
                return Err(format!("pattern `{pattern}` needs a year, a month and a day placeholder"));
            }
        }
        let regex = Regex::new(&re).map_err(|e| e.to_string())?;
        Ok(DatePattern { source: pattern.to_owned(), regex, slots })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// `None` when `text` does not have the pattern's shape at all; otherwise the
    /// date, or why the digits do not make one.
    pub fn parse(&self, text: &str) -> Option<Result<NaiveDate, DateMismatch>> {
        let caps = self.regex.captures(text)?;
        let mut values: [Option<u32>; 3] = [None; 3];
        for (i, slot) in self.slots.iter().enumerate() {
            let v: u32 = caps[i + 1].parse().ok()?;
            let idx = slot.part as usize;
            match values[idx] {
                Some(prev) if prev != v => {
                    let component = match slot.part {
                        Part::Year => "year",
                        Part::Month => "month",
                        Part::Day => "day",
                    };
                    return Some(Err(DateMismatch::Inconsistent { component, first: prev, second: v }));
                }
                _ => values[idx] = Some(v),
            }
        }
        let (year, month, day) = (values[0]? as i32, values[1]?, values[2]?);
        Some(NaiveDate::from_ymd_opt(year, month, day).ok_or(DateMismatch::Impossible { year, month, day }))
    }

    /// Spell `date` in this pattern.
    pub fn format(&self, date: NaiveDate) -> String {
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
                _ => {}
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
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
    fn bad_patterns() {
        assert!(DatePattern::new("{yyyy}/{dd}.md").is_err());
        assert!(DatePattern::new("{yyyy}{mm}{x}.md").is_err());
        assert!(DatePattern::new("{yyyy{mm}").is_err());
    }
}
