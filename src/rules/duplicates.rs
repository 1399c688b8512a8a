//! `duplicate-url`: the same article noted twice. A cross-note rule: it runs
//! once over every parsed note, after the per-note rules.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Severity};
use crate::note::Note;
use crate::rules::{Rule, RuleContext, RuleInfo};

pub const DUPLICATE_URL: RuleInfo = RuleInfo {
    name: "duplicate-url",
    summary: "The same article URL (an item's opening link) appears in two notes, or twice in one.",
    docs: r#"## What it checks

The opening link of every item — the article the item is about — across
all notes. When two items link the same article, every occurrence after the first (by note
date, then position) is reported, naming the first. URLs are compared after light
normalization: the scheme (`http`/`https`), the host's case, a trailing `/`, the `#fragment`
and `utm_*` tracking parameters do not matter, and WeChat article links
(`https://mp.weixin.qq.com/s?__biz=...&mid=...&idx=...&sn=...`) are compared by the parameters
that name the article, ignoring per-share ones such as `chksm` and `scene`.

## Why it matters

Noting an article twice is almost always an accident (the same article
shared by two accounts, a copy-pasted item), and the README's history then counts it twice.

## Example

Failing — `notes/202611/1126.md` repeats an article already noted on 11-25:

```markdown
1. [扩散模型入门](https://example.com/diffusion-intro)  :star::star:
```

Fixed — delete the repeated item, or link the earlier note instead:

```markdown
- 另见 [2026.11.25 的笔记](../202611/1125.md)
```

## Configuration

A warning by default; `rules: { duplicate-url: error }` makes it fail the run,
`off` disables it.
"#,
    default_severity: Severity::Warning,
};

/// A URL reduced to what identifies the page it points at.
pub fn normalize_url(raw: &str) -> String {
    let raw = raw.trim();
    let Ok(mut url) = url::Url::parse(raw) else {
        return raw.trim_end_matches('/').to_owned();
    };
    url.set_fragment(None);
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let wechat = host == "mp.weixin.qq.com";
    let keep = |k: &str| {
        if wechat { matches!(k, "__biz" | "mid" | "idx" | "sn") } else { !k.starts_with("utm_") }
    };
    let mut pairs: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| keep(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if wechat {
        pairs.sort();
    }
    let scheme = match url.scheme() {
        "http" | "https" => "http(s)",
        s => s,
    };
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut out = format!("{scheme}://{host}{port}{}", url.path().trim_end_matches('/'));
    if !pairs.is_empty() {
        out.push('?');
        let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&q.join("&"));
    }
    out
}

/// One item's opening link.
struct Citation<'a> {
    note: &'a Note,
    item: usize,
    link: usize,
}

/// Report every repeated article. `notes` may come in any order: the first
/// occurrence is the one in the earliest note (by date, then path, then offset).
pub fn check<'a>(notes: &[&'a Note]) -> Vec<Diagnostic> {
    let mut by_url: HashMap<String, Vec<Citation<'a>>> = HashMap::new();
    for note in notes {
        for (i, item) in note.items.iter().enumerate() {
            let Some(l) = item.link.and_then(|l| note.links.get(l).map(|_| l)) else { continue };
            let dest = note.links[l].dest.trim();
            if dest.is_empty() {
                continue;
            }
            by_url.entry(normalize_url(dest)).or_default().push(Citation { note, item: i, link: l });
        }
    }
    let mut out = Vec::new();
    for (_, mut cites) in by_url {
        if cites.len() < 2 {
            continue;
        }
        cites.sort_by(|a, b| {
            let key = |c: &Citation<'a>| {
                (c.note.date(), c.note.file.path.as_str(), c.note.links[c.link].span.start)
            };
            key(a).cmp(&key(b))
        });
        let first = &cites[0];
        let first_link = &first.note.links[first.link];
        let first_item = first.note.items[first.item].number;
        let first_pos = first.note.file.position(first_link.span.start);
        let total = cites.len();
        for c in &cites[1..] {
            let link = &c.note.links[c.link];
            let item = c.note.items[c.item].number;
            let same_note = std::ptr::eq(c.note, first.note) || c.note.file.path == first.note.file.path;
            let where_first = if same_note {
                format!("item {first_item} of this note (line {})", first_pos.line)
            } else {
                format!("item {first_item} of {} (line {})", first.note.file.path, first_pos.line)
            };
            let mut message = format!("item {item} links an article already noted in {where_first}");
            if total > 2 {
                message.push_str(&format!(" ({total} times in all)"));
            }
            out.push(
                c.note
                    .file
                    .diag(DUPLICATE_URL.name, DUPLICATE_URL.default_severity, link.dest_span.clone(), message)
                    .with_label("already noted")
                    .with_help(
                        "delete this item, or replace it with a pointer to the earlier note; if they are \
                         different articles, one of the two links is wrong",
                    )
                    .with_related(first.note.file.related(first_link.span.start, "first noted here")),
            );
        }
    }
    out
}

pub struct DuplicateUrl;
impl Rule for DuplicateUrl {
    fn info(&self) -> &'static RuleInfo {
        &DUPLICATE_URL
    }
    fn check_repo(
        &self,
        notes: &[Note],
        _readme: Option<&Note>,
        _cx: &RuleContext<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let notes: Vec<&Note> = notes.iter().collect();
        out.extend(check(&notes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::test_support::{note_with_items, parse};

    fn note(path: &str, items: &str) -> Note {
        parse(path, &note_with_items(items), &Config::default(), std::path::Path::new("."))
    }

    #[test]
    fn later_citations_name_the_first() {
        // Given newest first: the first citation is still the oldest note's.
        let newer = note(
            "notes/202611/1126.md",
            "1. [again](http://Example.com/a/) :star:\n2. [b](https://example.com/b) :star:\n3. [b again](https://example.com/b#x) :star:\n",
        );
        let older = note("notes/202611/1125.md", "1. [first](https://example.com/a) :star:\n");
        let d = check(&[&newer, &older]);
        let mut got: Vec<(String, usize, usize, String)> =
            d.iter().map(|d| (d.path.clone(), d.start.line, d.start.column, d.message.clone())).collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "notes/202611/1126.md".to_owned(),
                    7,
                    12,
                    "item 1 links an article already noted in item 1 of notes/202611/1125.md (line 7)"
                        .to_owned()
                ),
                (
                    "notes/202611/1126.md".to_owned(),
                    9,
                    14,
                    "item 3 links an article already noted in item 2 of this note (line 8)".to_owned()
                ),
            ]
        );
        let first = d.iter().find(|d| d.start.line == 7).unwrap();
        assert_eq!(first.severity, Severity::Warning);
        assert_eq!(first.related[0].path, "notes/202611/1125.md");
        assert_eq!((first.related[0].start.line, first.related[0].start.column), (7, 4));
    }

    #[test]
    fn distinct_articles_and_items_without_links_are_quiet() {
        let a = note("notes/202611/1125.md", "1. [a](https://example.com/a) :star:\n2. no link :star:\n");
        let b = note("notes/202611/1126.md", "1. [b](https://example.com/b) :star:\n2. no link :star:\n");
        assert!(check(&[&a, &b]).is_empty());
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_url("https://Example.com/a/"), normalize_url("http://example.com/a#x"));
        assert_eq!(
            normalize_url("https://example.com/a?utm_source=x"),
            normalize_url("https://example.com/a")
        );
        assert_ne!(normalize_url("https://example.com/a?id=1"), normalize_url("https://example.com/a?id=2"));
        assert_eq!(
            normalize_url(
                "https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=zz&scene=21#wechat_redirect"
            ),
            normalize_url("http://mp.weixin.qq.com/s?sn=abc&idx=1&mid=22&__biz=MzA")
        );
        assert_ne!(
            normalize_url("https://mp.weixin.qq.com/s/1WvgpS4L7qcUB5J2we-QkA"),
            normalize_url("https://mp.weixin.qq.com/s/TgTwXUZjnHAdt-PMKBRU9w")
        );
        assert_eq!(normalize_url("not a url/"), "not a url");
    }
}
