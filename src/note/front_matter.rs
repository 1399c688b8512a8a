//! Front matter: a YAML block between `---` lines (or TOML between `+++`
//! lines) at the very top of a note, as Jekyll, Hugo and Obsidian write it.
//!
//! It is metadata, never Markdown: the note's Markdown starts after it, so
//! its closing `---` can never turn the line above into a heading.

use chrono::NaiveDate;

use super::Span;

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Yaml,
    Toml,
}

/// A front matter block and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrontMatter {
    pub(crate) syntax: Syntax,
    /// The whole block, fences included, and its line break.
    pub(crate) span: Span,
    /// The text between the fences.
    pub(crate) body: Span,
    /// The top-level keys in order, each with the span of its key on its line.
    pub(crate) keys: Vec<(String, Span)>,
    /// The parsed mapping (YAML, or TOML turned into the same values), or why
    /// it is not one: a message and the byte offset it points at.
    pub(crate) values: Result<yaml_serde::Mapping, (usize, String)>,
}

impl FrontMatter {
    /// The value of a top-level key.
    pub(crate) fn get(&self, key: &str) -> Option<&yaml_serde::Value> {
        self.values.as_ref().ok()?.get(key)
    }

    /// The span of a top-level key (the block's first line when it is not written).
    pub(crate) fn key_span(&self, key: &str) -> Span {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s.clone())
            .unwrap_or(self.span.start..self.span.start + 3)
    }

    /// The date a key holds: `2024-01-02`, `2024-01-02 10:30:00 +0100`,
    /// `2024-01-02T10:30:00Z`: the calendar day as written, in the zone it was
    /// written in. `None` when the key is absent; `Some(Err)` when its value
    /// is no date. A mapping holding `created` is dated by it: MkDocs
    /// Material's blog writes `date: {created: 2024-01-02, updated: ...}`.
    pub(crate) fn date(&self, key: &str) -> Option<Result<NaiveDate, String>> {
        let mut v = self.get(key)?;
        if let yaml_serde::Value::Mapping(m) = v
            && let Some(created) = m.get("created")
        {
            v = created;
        }
        let text = match v {
            yaml_serde::Value::String(s) => s.clone(),
            other => yaml_serde::to_string(other).unwrap_or_default().trim().to_owned(),
        };
        Some(parse_date(&text).ok_or(text))
    }
}

/// The day a date or datetime string names, as written.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim().trim_matches(['"', '\'']);
    let head = t.get(..10)?;
    let rest = &t[10..];
    if !(rest.is_empty() || rest.starts_with([' ', 'T', 't'])) {
        return None;
    }
    let date = NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()?;
    if rest.is_empty() {
        return Some(date);
    }
    // A time must follow: `10:30`, `10:30:00`, with an optional zone.
    let time = rest[1..].trim_start();
    let ok = time.len() >= 5 && time.as_bytes()[2] == b':' && time[..2].bytes().all(|b| b.is_ascii_digit());
    ok.then_some(date)
}

/// The front matter at `start` (after a byte order mark) of `text`, if the
/// first line is exactly `---` (or `+++`) and a closing fence follows.
pub(crate) fn find(text: &str, start: usize) -> Option<FrontMatter> {
    let rest = &text[start..];
    let first_end = rest.find('\n')?;
    let fence = rest[..first_end].trim_end_matches('\r');
    let syntax = match fence {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => return None,
    };
    let body_start = start + first_end + 1;
    let mut at = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let closes = match syntax {
            Syntax::Yaml => content == "---" || content == "...",
            Syntax::Toml => content == "+++",
        };
        if closes {
            let body = body_start..at;
            let span = start..at + line.len();
            let keys = top_level_keys(text, body.clone(), syntax);
            let values = match syntax {
                Syntax::Yaml => parse_yaml(text, body.clone()),
                Syntax::Toml => parse_toml(text, body.clone()),
            };
            return Some(FrontMatter { syntax, span, body, keys, values });
        }
        at += line.len();
    }
    None
}

fn parse_yaml(text: &str, body: Span) -> Result<yaml_serde::Mapping, (usize, String)> {
    let yaml = &text[body.clone()];
    if yaml.trim().is_empty() {
        return Ok(yaml_serde::Mapping::new());
    }
    // Front matter comes from any contributor: refuse what would make the
    // parser slow before parsing, as daybook.yml does.
    if let Some(deep) = too_deep(yaml) {
        return Err((body.start + deep, "the front matter is nested too deeply".into()));
    }
    match yaml_serde::from_str::<yaml_serde::Value>(yaml) {
        Ok(yaml_serde::Value::Mapping(m)) => Ok(m),
        Ok(yaml_serde::Value::Null) => Ok(yaml_serde::Mapping::new()),
        Ok(_) => Err((body.start, "the front matter is not a mapping of `key: value` lines".into())),
        Err(e) => {
            let offset = e.location().map(|l| l.index()).unwrap_or(0).min(yaml.len());
            let mut msg = e.to_string();
            // An unclosed `[` or `{` is only noticed where the parser gives up
            // (the next key, or the block's end); the parser's context names
            // the line that opened it, which is where the mistake is.
            let opened = flow_context(&msg)
                .and_then(|(what, line, col)| Some((what.to_owned(), mark(yaml, line, col)?)));
            // The location is given as the diagnostic's own position.
            if let Some(cut) = msg.find(" at line ") {
                msg.truncate(cut);
            }
            match opened {
                Some((what, at)) => {
                    Err((body.start + at, format!("the flow {what} opened here is never closed ({msg})")))
                }
                None => Err((body.start + offset, msg)),
            }
        }
    }
}

/// `sequence` or `mapping`, and the 1-based line and column, of a libyaml
/// message's `, while parsing a flow sequence at line 2 column 7`.
fn flow_context(msg: &str) -> Option<(&str, usize, usize)> {
    let rest = &msg[msg.find(", while parsing a flow ")? + ", while parsing a flow ".len()..];
    let (what, rest) = rest.split_once(" at line ")?;
    let (line, col) = rest.split_once(" column ")?;
    Some((what, line.trim().parse().ok()?, col.trim().parse().ok()?))
}

/// Byte offset of a 1-based line and (character) column in `text`.
fn mark(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum();
    let l = text[start..].split_inclusive('\n').next()?;
    let within = l.char_indices().nth(col.checked_sub(1)?).map_or(l.len(), |(i, _)| i);
    Some(start + within)
}

/// TOML front matter (Hugo's `+++`), as the same mapping YAML gives, so that
/// schemas, dates and templates see one model: a datetime becomes the string
/// it was written as, which [`parse_date`] reads like YAML's.
fn parse_toml(text: &str, body: Span) -> Result<yaml_serde::Mapping, (usize, String)> {
    let src = &text[body.clone()];
    if let Some(deep) = too_deep(src) {
        return Err((body.start + deep, "the front matter is nested too deeply".into()));
    }
    match src.parse::<toml::Table>() {
        Ok(table) => Ok(toml_table(table)),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start).min(src.len());
            Err((body.start + offset, e.message().trim_end().to_owned()))
        }
    }
}

fn toml_table(table: toml::Table) -> yaml_serde::Mapping {
    table.into_iter().map(|(k, v)| (yaml_serde::Value::String(k), toml_value(v))).collect()
}

fn toml_value(v: toml::Value) -> yaml_serde::Value {
    use yaml_serde::Value as Y;
    match v {
        toml::Value::String(s) => Y::String(s),
        toml::Value::Integer(i) => Y::Number(i.into()),
        toml::Value::Float(f) => Y::Number(f.into()),
        toml::Value::Boolean(b) => Y::Bool(b),
        toml::Value::Datetime(d) => Y::String(d.to_string()),
        toml::Value::Array(a) => Y::Sequence(a.into_iter().map(toml_value).collect()),
        toml::Value::Table(t) => Y::Mapping(toml_table(t)),
    }
}

/// Offset of a line opening a 33rd level of flow nesting, if any.
fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in yaml.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > 32 {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn top_level_keys(text: &str, body: Span, syntax: Syntax) -> Vec<(String, Span)> {
    let sep = match syntax {
        Syntax::Yaml => ':',
        Syntax::Toml => '=',
    };
    let mut out = Vec::new();
    let mut at = body.start;
    for line in text[body].split_inclusive('\n') {
        let starts_key = line.chars().next().is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-');
        if starts_key && let Some(i) = line.find(sep) {
            let key = line[..i].trim().trim_matches(['"', '\'']);
            if !key.is_empty() {
                out.push((key.to_owned(), at..at + line[..i].trim_end().len()));
            }
        }
        at += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_with_keys_and_dates() {
        let text = "---\ntitle: Hello\ndate: 2024-01-02 10:30:00 +0100\ntags: [a, b]\n---\n# Hello\n";
        let fm = find(text, 0).unwrap();
        assert_eq!(fm.syntax, Syntax::Yaml);
        assert_eq!(
            &text[fm.span.clone()],
            "---\ntitle: Hello\ndate: 2024-01-02 10:30:00 +0100\ntags: [a, b]\n---\n"
        );
        let keys: Vec<&str> = fm.keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["title", "date", "tags"]);
        assert_eq!(&text[fm.key_span("date")], "date");
        assert_eq!(fm.date("date"), Some(Ok(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap())));
        assert_eq!(fm.get("title").and_then(|v| v.as_str()), Some("Hello"));
        assert_eq!(fm.date("missing"), None);
        let mkdocs = find("---\ndate:\n  created: 2024-04-04\n  updated: 2024-05-01\n---\n", 0).unwrap();
        assert_eq!(mkdocs.date("date"), Some(Ok(NaiveDate::from_ymd_opt(2024, 4, 4).unwrap())));
        let other = find("---\ndate:\n  when: 2024-04-04\n---\n", 0).unwrap();
        assert!(matches!(other.date("date"), Some(Err(_))));
    }

    /// Hugo writes TOML front matter: its keys, dates and lists are read like
    /// YAML's, and a malformed block is one error at its line.
    #[test]
    fn toml_front_matter_is_parsed_like_yaml() {
        let text = "+++\ntitle = \"Hello\"\ndate = 2024-01-02T10:30:00+01:00\ntags = [\"a\", \"b\"]\ndraft = false\n+++\n# Hello\n";
        let fm = find(text, 0).unwrap();
        assert_eq!(fm.syntax, Syntax::Toml);
        assert_eq!(fm.get("title").and_then(|v| v.as_str()), Some("Hello"));
        assert_eq!(fm.date("date"), Some(Ok(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap())));
        let tags: Vec<&str> =
            fm.get("tags").and_then(|v| v.as_sequence()).unwrap().iter().filter_map(|t| t.as_str()).collect();
        assert_eq!(tags, ["a", "b"]);
        assert_eq!(fm.get("draft").and_then(|v| v.as_bool()), Some(false));
        // A bare local date, as Hugo also allows.
        let day = find("+++\ndate = 2023-05-06\n+++\n", 0).unwrap();
        assert_eq!(day.date("date"), Some(Ok(NaiveDate::from_ymd_opt(2023, 5, 6).unwrap())));

        let bad = "+++\ntitle = \"x\"\ndate = = 3\n+++\n";
        let fm = find(bad, 0).unwrap();
        let (at, msg) = fm.values.clone().unwrap_err();
        assert_eq!(bad[..at].matches('\n').count() + 1, 3, "{msg}");
        assert!(!msg.is_empty());
    }

    /// An unclosed flow list makes the YAML parser give up at the end of the
    /// block; the error belongs on the line that opened the list.
    #[test]
    fn an_unclosed_flow_list_is_reported_where_it_opens() {
        let line = |text: &str| {
            let (at, msg) = find(text, 0).unwrap().values.unwrap_err();
            (text[..at].matches('\n').count() + 1, msg)
        };
        let (n, msg) = line("---\ntitle: Hi\ntags: [a, b\ndate: 2024-01-02\n---\nbody\n");
        assert_eq!(n, 3, "{msg}");
        let (n, msg) = line("---\ntitle: Hi\ntags: [a, b\n---\n");
        assert_eq!(n, 3, "{msg}");
        assert!(msg.starts_with("the flow sequence opened here is never closed"), "{msg}");
        let (n, msg) = line("---\ntitle: Hi\nmeta: {a: 1\n---\n");
        assert_eq!(n, 3, "{msg}");
        // An error the parser places itself stays where it is.
        let (n, msg) = line("---\ntitle: Hi\n  bad: indent\n---\n");
        assert_eq!(n, 3, "{msg}");
    }

    #[test]
    fn dates_as_written() {
        let d = |s| parse_date(s);
        assert_eq!(d("2024-01-02"), NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(d("2024-01-02T23:30:00-08:00"), NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(d("2024-02-30"), None);
        assert_eq!(d("2024-01-02x"), None);
        assert_eq!(d("yesterday"), None);
    }

    #[test]
    fn malformed_and_unclosed_blocks() {
        let text = "---\r\ntitle: [unclosed\r\n---\r\nbody\r\n";
        let fm = find(text, 0).unwrap();
        let (offset, msg) = fm.values.clone().unwrap_err();
        assert!(offset >= fm.body.start && offset <= fm.body.end, "{offset} {msg}");
        assert!(find("---\ntitle: x\n", 0).is_none(), "no closing fence: no front matter");
        assert!(find("------\n", 0).is_none());
        assert!(find("# t\n---\n", 0).is_none());
        let toml = find("+++\ntitle = \"x\"\n+++\n", 0).unwrap();
        assert_eq!(toml.syntax, Syntax::Toml);
        assert_eq!(toml.keys[0].0, "title");
    }
}
