//! `daybook add`: an item per URL at the end of the day's today section.
//!
//! The item is what the seed's owner types by hand: the number after the
//! last item's, `[page title](url)`, the stars, then the configured fields in
//! their order. What `add` can know it fills in; what only the owner can
//! write is left as a to-do that `daybook lint` points at:
//!
//! - the first required text field (`Abstract` by default) gets the page's
//!   description (`og:description`, `description`, WeChat's `msg_desc`);
//! - a link field gets `--paper` / `--code` (a paper's link text is its
//!   page's title, as the seed writes it; code is written `[url](url)`);
//! - any other required field is written empty (`- Abstract:`), so its place
//!   is there to write in; `empty-field` reports it until it is written;
//! - an optional field without a value is left out: an empty bullet would be
//!   an `empty-field` error on every item just added.
//!
//! So a page with a description gives an item that lints clean. The title is
//! the URL when the page gives none (offline, a failure, not HTML, a deleted
//! WeChat article...): the caller says why; the item is added all the same.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use url::Url;

use super::new::{NewError, NotePlace, note_place, render_note, write_new};
use crate::diag::SourceFile;
use crate::links::title::{NoTitle, PageInfo};
use crate::note::parse::parse_note;
use crate::settings::Settings;

/// What to add.
#[derive(Debug, Clone, Default)]
pub(crate) struct AddOptions {
    pub(crate) date: Option<NaiveDate>,
    pub(crate) stars: Option<u32>,
    pub(crate) paper: Option<String>,
    pub(crate) code: Option<String>,
    /// Fetch nothing: every title is its URL.
    pub(crate) offline: bool,
    /// Let titles be fetched from loopback and private addresses.
    pub(crate) allow_private: bool,
    /// Overrides `links.timeout` for the title requests.
    pub(crate) timeout: Option<Duration>,
}

/// One item written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddedItem {
    pub(crate) number: u64,
    pub(crate) url: String,
    pub(crate) title: String,
    /// Why the URL stands for the title (`None`: the page's own title).
    pub(crate) no_title: Option<String>,
    /// The labels of required fields left empty, for the owner to write.
    pub(crate) to_write: Vec<String>,
}

/// What `add` did.
#[derive(Debug, Clone)]
pub(crate) struct Added {
    pub(crate) place: NotePlace,
    /// The note did not exist and was made from the template first.
    pub(crate) created: bool,
    pub(crate) items: Vec<AddedItem>,
    /// Notes on the input (a URL given without its scheme).
    pub(crate) notices: Vec<String>,
}

/// Why nothing was added (the note is untouched in every case).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum AddError {
    #[error("`{0}` is not a web address")]
    #[diagnostic(code(daybook::add::url), help("give http(s) URLs, e.g. https://mp.weixin.qq.com/s/..."))]
    BadUrl(String),
    #[error("--stars {given}: ratings here are {min} to {max} `{token}` (stars.min, stars.max)")]
    #[diagnostic(code(daybook::add::stars))]
    Stars { given: u32, min: u32, max: u32, token: String },
    #[error("--{0} goes with one URL, and {1} were given")]
    #[diagnostic(code(daybook::add::usage), help("add the items one by one"))]
    OneUrl(&'static str, usize),
    #[error("--{0} is given, but daybook.yml has no link field for it")]
    #[diagnostic(code(daybook::add::usage), help("add the field to `fields:` with `link: true`"))]
    NoField(&'static str),
    #[error("{rel} has no today section (`## {heading}`), where items go")]
    #[diagnostic(
        code(daybook::add::today),
        help("add the heading to the note, then run `daybook add` again")
    )]
    NoToday { rel: String, heading: String },
    #[error("{rel} is not read: {why}")]
    #[diagnostic(code(daybook::add::read))]
    Unreadable { rel: String, why: String },
    #[error("could not start the async runtime: {0}")]
    #[diagnostic(code(daybook::add::runtime))]
    Runtime(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    New(#[from] NewError),
}

/// A URL as given, checked: `https://` is put in front of one without a
/// scheme (`mp.weixin.qq.com/s/x`), and said so in `notices`.
pub(crate) fn parse_url(given: &str, notices: &mut Vec<String>) -> Result<Url, AddError> {
    let given = given.trim();
    let url = match Url::parse(given) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase)
            if given.split('/').next().is_some_and(|h| h.contains('.')) =>
        {
            let u =
                Url::parse(&format!("https://{given}")).map_err(|_| AddError::BadUrl(given.to_owned()))?;
            notices.push(format!("`{given}` has no scheme: added as {u}"));
            u
        }
        Err(_) => return Err(AddError::BadUrl(given.to_owned())),
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(AddError::BadUrl(given.to_owned()));
    }
    Ok(url)
}

/// Append an item per URL to the note of `opts.date` (today by default),
/// making the note first when there is none.
pub(crate) fn add_items(
    root: &Path,
    settings: &Settings,
    urls: &[String],
    opts: &AddOptions,
    today: NaiveDate,
) -> Result<Added, AddError> {
    let config = &settings.config;
    // Before anything else: the day's path means nothing for other sets.
    crate::note::template::writable_set(&settings.parse).map_err(NewError::NotWritable)?;
    let mut notices = Vec::new();
    let urls: Vec<Url> = urls.iter().map(|u| parse_url(u, &mut notices)).collect::<Result<_, _>>()?;
    let paper = opts.paper.as_deref().map(|u| parse_url(u, &mut notices)).transpose()?;
    let code = opts.code.as_deref().map(|u| parse_url(u, &mut notices)).transpose()?;
    for (flag, given) in [("paper", &paper), ("code", &code)] {
        if given.is_some() && urls.len() != 1 {
            return Err(AddError::OneUrl(flag, urls.len()));
        }
        if given.is_some() && field_for(settings, flag).is_none() {
            return Err(AddError::NoField(flag));
        }
    }
    let stars = match opts.stars {
        Some(n) if n < config.stars.min || n > config.stars.max => {
            return Err(AddError::Stars {
                given: n,
                min: config.stars.min,
                max: config.stars.max,
                token: config.stars.token.clone(),
            });
        }
        Some(n) => n,
        None if config.stars.required => config.stars.min.max(1).min(config.stars.max),
        None => 0,
    };

    let date = opts.date.unwrap_or(today);
    let place = note_place(root, settings, date);
    let existing = match std::fs::symlink_metadata(&place.abs) {
        Ok(_) => Some(read_note(root, &place)?),
        Err(_) => None,
    };
    let created = existing.is_none();
    let mut text = match existing {
        Some(t) => t,
        None => render_note(settings, date)?,
    };

    let pages = fetch_all(settings, &urls, paper.as_ref(), opts)?;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut items = Vec::new();
    for (url, page) in urls.iter().zip(&pages.items) {
        let note =
            parse_note(SourceFile::new(place.rel.clone(), place.abs.clone(), text.clone()), &settings.parse);
        let Some(today_section) = note.today_section() else {
            return Err(AddError::NoToday { rel: place.rel.clone(), heading: config.sections.today.clone() });
        };
        let number = note.items.iter().map(|i| i.number).max().map_or(1, |n| n + 1);
        let (title, no_title, description) = match page {
            Ok(p) => (p.title.clone(), None, p.description.clone()),
            Err(why) => (url.to_string(), Some(why.0.clone()), None),
        };
        let mut to_write = Vec::new();
        let lines = item_lines(
            settings,
            number,
            &title,
            url,
            stars,
            description.as_deref(),
            paper.as_ref().map(|u| (u, pages.paper.as_ref())),
            code.as_ref(),
            &mut to_write,
        );
        let body = today_section.body.clone();
        text = insert(&text, body, &lines, nl);
        items.push(AddedItem { number, url: url.to_string(), title, no_title, to_write });
    }

    if created {
        write_new(root, &place, &text)?;
    } else {
        let target = crate::util::fs::resolve_within(root, &place.abs)
            .map_err(crate::error::Error::from)
            .map_err(NewError::from)?;
        crate::util::fs::write_atomic(&target, text.as_bytes())
            .map_err(crate::error::Error::from)
            .map_err(NewError::from)?;
    }
    Ok(Added { place, created, items, notices })
}

fn read_note(root: &Path, place: &NotePlace) -> Result<String, AddError> {
    let bytes = crate::util::jail::read_in_repo(root, &place.abs, crate::discover::MAX_FILE_SIZE)
        .map_err(|why| AddError::Unreadable { rel: place.rel.clone(), why: why.to_string() })?;
    String::from_utf8(bytes).map_err(|_| AddError::Unreadable {
        rel: place.rel.clone(),
        why: "it is not valid UTF-8; save it as UTF-8".into(),
    })
}

/// The titles of the pages (and of the paper), fetched one after the other
/// through one checker: none at all when offline.
struct Pages {
    items: Vec<Result<PageInfo, NoTitle>>,
    paper: Option<Result<PageInfo, NoTitle>>,
}

fn fetch_all(
    settings: &Settings,
    urls: &[Url],
    paper: Option<&Url>,
    opts: &AddOptions,
) -> Result<Pages, AddError> {
    if opts.offline {
        let off = || Err(NoTitle("offline".into()));
        return Ok(Pages { items: urls.iter().map(|_| off()).collect(), paper: paper.map(|_| off()) });
    }
    let run = crate::links::ExternalOptions {
        allow_private: opts.allow_private,
        timeout: opts.timeout,
        ..Default::default()
    };
    // No token: a title needs no API, and the token must not travel to pages.
    let github = crate::links::GithubApi::new(None, None, None).map_err(AddError::Runtime)?;
    let check = crate::links::check_options(&settings.links, &run, github);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AddError::Runtime(e.to_string()))?;
    runtime.block_on(async {
        let checker = crate::links::check::Checker::new(check).map_err(AddError::Runtime)?;
        let mut items = Vec::new();
        for u in urls {
            items.push(checker.page_info(u).await);
        }
        let paper = match paper {
            Some(p) => Some(checker.page_info(p).await),
            None => None,
        };
        Ok(Pages { items, paper })
    })
}

/// The configured field that `--paper` / `--code` fills: the link field with
/// that label or alias (any case), else the first (paper) or second (code)
/// link field.
fn field_for<'s>(settings: &'s Settings, flag: &str) -> Option<&'s crate::config::FieldConfig> {
    let fields = &settings.config.fields;
    let named = fields.iter().find(|f| {
        f.link && std::iter::once(&f.label).chain(&f.aliases).any(|s| s.eq_ignore_ascii_case(flag))
    });
    named.or_else(|| fields.iter().filter(|f| f.link).nth(if flag == "paper" { 0 } else { 1 }))
}

/// The item's lines, without line breaks.
#[allow(clippy::too_many_arguments)]
fn item_lines(
    settings: &Settings,
    number: u64,
    title: &str,
    url: &Url,
    stars: u32,
    description: Option<&str>,
    paper: Option<(&Url, Option<&Result<PageInfo, NoTitle>>)>,
    code: Option<&Url>,
    to_write: &mut Vec<String>,
) -> Vec<String> {
    let config = &settings.config;
    let head = format!("{number}. ");
    let indent = " ".repeat(head.chars().count());
    let mut first = format!("{head}[{}]({})", link_text(title), destination(url));
    if stars > 0 {
        first.push_str("  ");
        first.push_str(&config.stars.token.repeat(stars as usize));
    }
    let mut lines = vec![first];
    let paper_field = paper.and(field_for(settings, "paper")).map(|f| f.label.clone());
    let code_field = code.and(field_for(settings, "code")).map(|f| f.label.clone());
    let abstract_field = config.fields.iter().find(|f| f.required && !f.link).map(|f| f.label.clone());
    for f in &config.fields {
        let value = if Some(&f.label) == paper_field.as_ref() {
            paper.map(|(u, page)| {
                let text = match page {
                    Some(Ok(p)) => p.title.clone(),
                    _ => u.to_string(),
                };
                format!("[{}]({})", link_text(&text), destination(u))
            })
        } else if Some(&f.label) == code_field.as_ref() {
            code.map(|u| format!("[{}]({})", link_text(u.as_str()), destination(u)))
        } else if Some(&f.label) == abstract_field.as_ref() {
            description.map(str::to_owned)
        } else {
            None
        };
        match value {
            Some(v) => lines.push(format!("{indent}- {}: {v}", f.label)),
            None if f.required => {
                lines.push(format!("{indent}- {}:", f.label));
                to_write.push(f.label.clone());
            }
            None => {}
        }
    }
    lines
}

/// Text shown as written inside `[...]`: Markdown's punctuation escaped, and an
/// `&` only where it would start a character reference.
pub(crate) fn link_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '&' if s[i + 1..].split(';').next().is_some_and(|r| {
                r.len() < s.len() - i - 1
                    && !r.is_empty()
                    && r.trim_start_matches('#').chars().all(|c| c.is_ascii_alphanumeric())
            }) =>
            {
                out.push_str("\\&");
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL as a link destination: the parser would end it at a space or an
/// unbalanced parenthesis, so those are percent-encoded.
fn destination(url: &Url) -> String {
    url.as_str().replace('(', "%28").replace(')', "%29").replace(' ', "%20")
}

/// `text` with `lines` appended to the section body `body`: after its last
/// non-blank line, with one blank line before (items and their HTML blocks
/// need it) and a blank line kept before what follows, in the note's own
/// line break `nl`.
fn insert(text: &str, body: std::ops::Range<usize>, lines: &[String], nl: &str) -> String {
    let content = &text[body.clone()];
    let mut at = body.start + content.trim_end().len();
    if content.trim().is_empty() {
        // Right after the heading line.
        at = body.start;
        if !text[..at].ends_with('\n') {
            at = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        }
    }
    let (before, after) = text.split_at(at);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(before);
    if !before.ends_with('\n') {
        out.push_str(nl);
    }
    if !before.ends_with(&format!("{nl}{nl}")) && !before.trim_end().is_empty() {
        out.push_str(nl);
    }
    out.push_str(&lines.join(nl));
    if after.is_empty() {
        out.push_str(nl);
    } else {
        let blank = format!("{nl}{nl}");
        if !after.starts_with(&blank) {
            // `after` starts at a line break (or a heading right after the heading line).
            if after.starts_with(nl) {
                out.push_str(nl);
            } else {
                out.push_str(&blank);
            }
        }
    }
    out.push_str(after);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn offline() -> AddOptions {
        AddOptions { offline: true, date: Some(day()), ..AddOptions::default() }
    }

    #[test]
    fn offline_items_on_a_new_note() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::default();
        let urls = ["https://example.com/a".to_owned(), "example.com/b_(c)".to_owned()];
        let added =
            add_items(dir.path(), &s, &urls, &AddOptions { stars: Some(2), ..offline() }, day()).unwrap();
        assert!(added.created);
        assert_eq!(added.notices.len(), 1, "{:?}", added.notices);
        let text = std::fs::read_to_string(dir.path().join("notes/202612/1202.md")).unwrap();
        assert_eq!(
            text,
            "# 公众号内容拓展学习笔记（2026.12.2）\n\n------\n\n## :paperclip:  今日要点\n\n\
             1. [https://example.com/a](https://example.com/a)  :star::star:\n   - Abstract:\n\n\
             2. [https://example.com/b\\_(c)](https://example.com/b_%28c%29)  :star::star:\n   - Abstract:\n\n\
             ## :paperclip:  Others\n"
        );
        assert_eq!(added.items[1].number, 2);
        assert_eq!(added.items[0].to_write, ["Abstract"]);
        assert_eq!(added.items[0].no_title.as_deref(), Some("offline"));
    }

    #[test]
    fn numbering_continues_after_the_html_block_and_crlf_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes/202612");
        std::fs::create_dir_all(&notes).unwrap();
        let note = "# 公众号内容拓展学习笔记（2026.12.2）\r\n\r\n## :paperclip:  今日要点\r\n\r\n\
                    7. [A](https://e.com/a)  :star:\r\n   - Abstract: x\r\n\r\n\
                    <div align=center><img src=\"https://e.com/i.png\">\r\n</div>\r\n\r\n\r\n\
                    ## :paperclip:  Others\r\n\r\n- me\r\n";
        std::fs::write(notes.join("1202.md"), note).unwrap();
        let opts = AddOptions { code: Some("https://github.com/o/r".into()), ..offline() };
        let added =
            add_items(dir.path(), &Settings::default(), &["https://e.com/b".into()], &opts, day()).unwrap();
        assert!(!added.created);
        assert_eq!(added.items[0].number, 8);
        let text = std::fs::read_to_string(notes.join("1202.md")).unwrap();
        assert!(
            text.contains(
                "</div>\r\n\r\n8. [https://e.com/b](https://e.com/b)  :star:\r\n   - Abstract:\r\n   \
                 - Code: [https://github.com/o/r](https://github.com/o/r)\r\n\r\n\r\n## :paperclip:  Others"
            ),
            "{text:?}"
        );
        assert!(!text.replace("\r\n", "").contains('\n'), "every line break is CRLF: {text:?}");
    }

    #[test]
    fn a_title_and_description_make_a_clean_item() {
        let s = Settings::default();
        let page =
            PageInfo { title: "A [bracketed] *title* &amp; R&D".into(), description: Some("d".into()) };
        let mut to_write = Vec::new();
        let url = Url::parse("https://e.com/x").unwrap();
        let lines =
            item_lines(&s, 10, &page.title, &url, 3, page.description.as_deref(), None, None, &mut to_write);
        assert_eq!(
            lines,
            [
                "10. [A \\[bracketed\\] \\*title\\* \\&amp; R&D](https://e.com/x)  :star::star::star:",
                "    - Abstract: d"
            ]
        );
        assert!(to_write.is_empty());
    }

    #[test]
    fn only_a_first_set_of_dated_items_notes_is_written_to() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "notes:\n- root: docs\n  pattern: '{slug}.md'\n  kind: article\n";
        let s = Settings::from_yaml(yaml, Path::new("daybook.yml")).unwrap();
        // What the pattern spells without a slug: add appended to it.
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/{slug}.md"), "# x\n\n## :paperclip:  今日要点\n").unwrap();
        let err = add_items(dir.path(), &s, &["https://e.com/a".into()], &offline(), day()).unwrap_err();
        assert!(err.to_string().contains("holds articles"), "{err}");
        let err = super::super::create_note(dir.path(), &s, day()).unwrap_err();
        assert!(err.to_string().contains("holds articles"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("docs/{slug}.md")).unwrap(),
            "# x\n\n## :paperclip:  今日要点\n"
        );
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::default();
        let add = |urls: &[&str], opts: AddOptions| {
            let urls: Vec<String> = urls.iter().map(|s| s.to_string()).collect();
            add_items(dir.path(), &s, &urls, &opts, day()).unwrap_err().to_string()
        };
        assert!(add(&["ftp://x.org/a"], offline()).contains("not a web address"));
        assert!(add(&["nothing"], offline()).contains("not a web address"));
        assert!(add(&["https://e.com"], AddOptions { stars: Some(9), ..offline() }).contains("1 to 5"));
        let two = AddOptions { paper: Some("https://arxiv.org/abs/1".into()), ..offline() };
        assert!(add(&["https://e.com/1", "https://e.com/2"], two).contains("one URL"));
        assert!(!dir.path().join("notes").exists());
    }
}
