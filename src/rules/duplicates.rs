//! `duplicate-url`: the same article noted twice. A cross-note rule: it runs
//! once over every parsed note, after the per-note rules.

use rayon::prelude::*;

use std::borrow::Cow;

use crate::diag::{Diagnostic, Edit, Fix, Severity};
use crate::note::Note;
use crate::rules::{Check, RuleContext, RuleInfo};

pub(crate) const DUPLICATE_URL: RuleInfo = RuleInfo {
    name: "duplicate-url",
    summary: "The same article URL (an item's opening link) appears in two notes, or twice in one.",
    docs: include_str!("../../docs/rules/duplicate-url.md"),
    default_severity: Severity::Warning,
};

/// A URL reduced to what identifies the page it points at.
pub(crate) fn normalize_url(raw: &str) -> String {
    let raw = raw.trim();
    fast_normalize(raw).unwrap_or_else(|| slow_normalize(raw))
}

/// The common case without the cost of a full URL parse (this runs once per
/// item of every note): an ASCII `http(s)` URL without port, user info,
/// escapes, tracking parameters or a WeChat query. Agrees with
/// [`slow_normalize`] on every URL it accepts.
fn fast_normalize(raw: &str) -> Option<String> {
    let rest = strip_prefix_ci(raw, "https://").or_else(|| strip_prefix_ci(raw, "http://"))?;
    let bytes = rest.as_bytes();
    let mut out = String::with_capacity(10 + rest.len());
    out.push_str("http(s)://");
    // One pass: host (lowercased) up to `/` or `?`, then path and query as
    // written; anything unusual goes to the full parser.
    let mut host_end = None;
    let mut query_start = None;
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        if URL_PLAIN[b as usize] {
            if b == b'u' && bytes[i..].starts_with(b"utm_") {
                return None;
            }
            continue;
        }
        match b {
            b'#' => {
                end = i;
                break;
            }
            b'/' | b'?' if host_end.is_none() => host_end = Some(i),
            b':' if host_end.is_none() => return None,
            b'.' if i > 0 && bytes[i - 1] == b'/' => return None,
            b'.' | b'/' | b':' => {}
            b'?' => {}
            _ => return None,
        }
        if b == b'?' && query_start.is_none() {
            query_start = Some(i);
        }
    }
    let host_end = host_end.unwrap_or(end).min(end);
    let host = &rest[..host_end];
    if host.is_empty() || (query_start.is_some() && host.eq_ignore_ascii_case("mp.weixin.qq.com")) {
        return None;
    }
    let query_start = query_start.filter(|&q| q < end).unwrap_or(end);
    let query = &rest[(query_start + 1).min(end)..end];
    if !query.is_empty()
        && (query.contains("&&") || query.split('&').any(|kv| !kv.is_empty() && !kv.contains('=')))
    {
        return None;
    }
    let at = out.len();
    out.push_str(host);
    out.as_mut_str()[at..].make_ascii_lowercase();
    out.push_str(rest[host_end..query_start].trim_end_matches('/'));
    let query = query.trim_matches('&');
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    Some(out)
}

/// Bytes [`fast_normalize`] passes through without a second look (not `#`,
/// `/`, `?`, `:`, `.`, which it interprets, nor anything needing escapes).
const URL_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'_' | b'~' | b'=' | b'&' | b',' | b';' | b'!' | b'$' | b'*' | b'(' | b')');
        b += 1;
    }
    t
};

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
        .then(|| &s[prefix.len()..])
}

fn slow_normalize(raw: &str) -> String {
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
pub(crate) struct Citation<'a> {
    pub(crate) note: &'a Note,
    /// Index in `note.items`.
    pub(crate) item: usize,
    /// Index in `note.links`.
    pub(crate) link: usize,
}

/// Whether `note` takes part: items repeat across notes; an article's links
/// are its own business.
pub(crate) fn in_scope(note: &Note, cx: &RuleContext<'_>) -> bool {
    cx.parse.set(note.set).kind == crate::config::NoteKind::Items
}

/// The citations of `note` with the key they are grouped by (the normalized
/// URL): every item whose opening link has a destination.
pub(crate) fn citations(note: &Note) -> impl Iterator<Item = (String, Citation<'_>)> {
    (0..note.items.len()).filter_map(move |i| citations_of_item(note, i))
}

/// Report every repeated article. `notes` may come in any order: the first
/// occurrence is the one in the earliest note (by date, then path, then offset).
pub(crate) fn check<'a>(notes: &[&'a Note]) -> Vec<Diagnostic> {
    // Normalizing is the costly part and independent per note: spread it over
    // the cores. Grouping sorts rather than hashing into a map with an entry
    // per item (most of them cited once), and sorts 16-byte entries keyed by a
    // digest of the normalized URL, not the URLs: at 50,000 notes the URLs
    // were a run's largest allocation at its peak. Citations whose digests
    // agree are normalized again and grouped by the URL itself, so a
    // collision of digests cannot merge two articles.
    let mut keyed: Vec<(u64, u32, u32)> = notes
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, &note)| {
            citations(note).map(move |(key, c)| (url_digest(&key), n as u32, c.item as u32))
        })
        .collect();
    keyed.par_sort_unstable();
    let mut out = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        let mut cites: Vec<(String, Citation<'a>)> = run
            .iter()
            .filter_map(|&(_, n, item)| {
                let note = notes[n as usize];
                citations_of_item(note, item as usize)
            })
            .collect();
        cites.sort_by(|a, b| a.0.cmp(&b.0));
        report_groups(cites, &mut out);
    }
    out
}

/// Report the groups of equal keys among `sorted` (sorted by key) that hold
/// more than one citation.
fn report_groups<'a>(sorted: Vec<(String, Citation<'a>)>, out: &mut Vec<Diagnostic>) {
    let mut group: Vec<Citation<'a>> = Vec::new();
    let mut url: Option<String> = None;
    for (key, cite) in sorted {
        if url.as_ref() != Some(&key) {
            if group.len() > 1 {
                report_group(std::mem::take(&mut group), out);
            }
            group.clear();
            url = Some(key);
        }
        group.push(cite);
    }
    if group.len() > 1 {
        report_group(group, out);
    }
}

/// The citation of item `item` of `note` with its key, as [`citations`] gives it.
fn citations_of_item(note: &Note, item: usize) -> Option<(String, Citation<'_>)> {
    let l = note.items[item].link.filter(|&l| l < note.links.len())?;
    let dest = note.links[l].dest.trim();
    (!dest.is_empty()).then(|| (normalize_url(dest), Citation { note, item, link: l }))
}

/// A fixed-key digest of a normalized URL: the same in every run and thread.
fn url_digest(url: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    url.hash(&mut h);
    h.finish()
}

/// The findings of one article's citations (any order, at least two): every
/// citation but the first (by note date, path, offset) names the first. Also
/// what `daybook server` runs on the groups its index says a changed note is in.
pub(crate) fn report_group<'a>(mut cites: Vec<Citation<'a>>, out: &mut Vec<Diagnostic>) {
    cites.sort_by(|a, b| {
        let key =
            |c: &Citation<'a>| (c.note.date(), c.note.file.path.as_str(), c.note.links[c.link].span.start);
        key(a).cmp(&key(b))
    });
    let first = &cites[0];
    let first_link = &first.note.links[first.link];
    let first_item = first.note.items[first.item].number;
    let first_pos = first.note.file.position(first_link.span.start);
    let total = cites.len();
    // The latest citation so far in each note: looking back through all of
    // them for each was quadratic in the citations of one article.
    let mut latest: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    latest.insert(first.note.file.path.as_str(), 0);
    for (k, c) in cites.iter().enumerate().skip(1) {
        let link = &c.note.links[c.link];
        let item = c.note.items[c.item].number;
        let same_note = same_file(c.note, first.note);
        let where_first = if same_note {
            format!("item {first_item} of this note (line {})", first_pos.line)
        } else {
            format!("item {first_item} of {} (line {})", first.note.file.path, first_pos.line)
        };
        let mut message = format!("item {item} links an article already noted in {where_first}");
        if total > 2 {
            message.push_str(&format!(" ({total} times in all)"));
        }
        // Only a repeat inside one note is dropped: across notes, which one
        // keeps the article is the writer's call.
        let earlier_here = latest.insert(c.note.file.path.as_str(), k).map(|j| &cites[j]);
        let fix = earlier_here.and_then(|e| drop_item(c.note, c.item, e.note.items[e.item].number));
        out.push(
            c.note
                .file
                .diag(DUPLICATE_URL.name, DUPLICATE_URL.default_severity, link.dest_span.clone(), message)
                .with_fix_if(fix)
                .with_label("already noted")
                .with_help(
                    "delete this item, or replace it with a pointer to the earlier note; if they are \
                     different articles, one of the two links is wrong",
                )
                .with_related(first.note.file.related(first_link.span.start, "first noted here")),
        );
    }
}

fn same_file(a: &Note, b: &Note) -> bool {
    std::ptr::eq(a, b) || a.file.path == b.file.path
}

/// The note's text: a run that dropped it once the per-note rules had seen
/// the note reads it again (a repeat inside one note is rare), and only if it
/// is still the text that was parsed.
fn text_of(note: &Note) -> Option<Cow<'_, str>> {
    if !note.file.is_compact() {
        return Some(Cow::Borrowed(note.file.text.as_str()));
    }
    let again = crate::discover::read_source(&note.file.path, &note.file.abs).ok()?;
    (again.len() == note.file.len() && again.digest() == note.file.digest())
        .then(|| Cow::Owned(again.text.clone()))
}

/// The unsafe fix of an item repeating an article its own note already holds
/// (item `first`): delete the item's lines, its nested fields with it, and
/// the blank lines after it when a blank line comes before it (a loose list
/// stays evenly spaced), those before it when nothing comes after it. When every item from it on is numbered one more than
/// the one before, the ones after it are numbered down, so the list stays
/// `1. 2. 3.`; any other numbering is left as written. `None` when the item
/// does not start its line or does not end one (a list inside a quote).
/// The most items after a dropped one that its fix renumbers.
const MAX_RENUMBERED: usize = 1000;

fn drop_item(note: &Note, index: usize, first: u64) -> Option<Fix> {
    // Each repeat's fix renumbers every item after it: a note of 30,000
    // repeats of one link made 450 million edits (24 GB). Past a thousand
    // items to renumber no fix is offered (nor the note read again); the
    // finding stays.
    if note.items.len().saturating_sub(index + 1) > MAX_RENUMBERED {
        return None;
    }
    let text = text_of(note)?;
    let item = note.items.get(index)?;
    let span = item.span.clone();
    if span.end > text.len() || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        return None;
    }
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[start..span.start];
    if !indent.bytes().all(|b| b == b' ' || b == b'\t') || start == 0 {
        return None;
    }
    let next_line = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let mut end = next_line(span.end);
    if !text[span.end..end].trim().is_empty() {
        return None;
    }
    let prev_line = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    if text[prev_line..start].trim().is_empty() {
        while end < text.len() && text[end..next_line(end)].trim().is_empty() {
            end = next_line(end);
        }
    }
    let mut from = start;
    if end == text.len() {
        // Nothing comes after it: the blank lines before it would end the file.
        while from > 0 {
            let p = text[..from - 1].rfind('\n').map_or(0, |i| i + 1);
            if !text[p..from].trim().is_empty() {
                break;
            }
            from = p;
        }
    }
    let mut edits = vec![Edit::delete(from..end)];
    let later = &note.items[index + 1..];
    let counted_on = index > 0
        && note.items[index - 1..].windows(2).all(|w| w[1].number == w[0].number + 1)
        && later.iter().all(|i| i.span.start >= end);
    if counted_on {
        for i in later {
            let digits = text[i.span.start..].bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 18 {
                return None;
            }
            edits.push(Edit::replace(i.span.start..i.span.start + digits, (i.number - 1).to_string()));
        }
    }
    let message = format!("delete item {}, a repeat of item {first} of this note", item.number);
    Some(Fix::unsafe_(message, edits))
}

pub(crate) struct DuplicateUrl;
impl Check for DuplicateUrl {
    fn rules(&self) -> &'static [&'static RuleInfo] {
        &[&DUPLICATE_URL]
    }
    fn check_repo(
        &self,
        notes: &[Note],
        _readme: Option<&Note>,
        cx: &RuleContext<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let notes: Vec<&Note> = notes.iter().filter(|n| in_scope(n, cx)).collect();
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

    /// `fix`'s edits spliced into `text` (rules sit below `crate::fix`).
    fn applied(text: &str, fix: &Fix) -> String {
        let mut edits: Vec<_> = fix.edits.iter().collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_owned();
        for e in edits {
            out.replace_range(e.span.clone(), &e.content);
        }
        out
    }

    #[test]
    fn dropping_the_last_item_of_a_note_leaves_no_blank_line_at_its_end() {
        // Written first: the blank line before the dropped item stayed, as the file's last line.
        let head = "# 公众号内容拓展学习笔记（2026.11.25）\n\n## :paperclip:  今日要点\n\n1. [a](https://example.com/a) :star:\n";
        for tail in [
            "\n2. [a again](https://example.com/a) :star:\n   - Abstract: x\n",
            "\n\n2. [a again](https://example.com/a) :star:\n\n",
        ] {
            let text = format!("{head}{tail}");
            let n = parse("notes/202611/1125.md", &text, &Config::default(), std::path::Path::new("."));
            let d = check(&[&n]);
            let fix = d[0].fix.as_ref().expect("a repeat in one note has a fix");
            assert_eq!(applied(&text, fix), head, "{tail:?}");
        }
        // Inside the list, the blank lines around the item are one blank line.
        let text = format!(
            "{head}\n2. [a again](https://example.com/a) :star:\n\n3. [c](https://example.com/c) :star:\n"
        );
        let n = parse("notes/202611/1125.md", &text, &Config::default(), std::path::Path::new("."));
        let d = check(&[&n]);
        assert_eq!(
            applied(&text, d[0].fix.as_ref().unwrap()),
            format!("{head}\n2. [c](https://example.com/c) :star:\n")
        );
    }

    /// 30,000 repeats of one link in a note took 24 GB and minutes: each
    /// repeat's fix renumbered every item after it.
    #[test]
    fn many_repeats_in_one_note_make_few_edits() {
        let n = 3000;
        let items: String = (1..=n)
            .map(|i| format!("{i}. [t{i}](https://example.org/same) :star:\n   - Abstract: a\n"))
            .collect();
        let note = note("notes/202611/1125.md", &items);
        let d = check(&[&note]);
        assert_eq!(d.len(), n - 1);
        let edits: usize = d.iter().filter_map(|d| d.fix.as_ref()).map(|f| f.edits.len()).sum();
        assert!(edits <= (MAX_RENUMBERED + 1) * (MAX_RENUMBERED + 2), "{edits} edits");
        // The last repeats still get their fix, renumbering what follows.
        assert!(d.last().and_then(|d| d.fix.as_ref()).is_some());
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
        assert_eq!(normalize_url("HTTPS://Example.com/a/?x=1&y=2#f"), "http(s)://example.com/a?x=1&y=2");
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        for u in [
            "https://example.com/a/b/",
            "http://Example.COM/a?x=1&y=2",
            "https://example.com",
            "https://example.com/?q=1",
            "https://mp.weixin.qq.com/s/1WvgpS4L7qcUB5J2we-QkA",
            "https://arxiv.org/abs/2111.08687v2#section",
            "https://example.com/a?x=1&&y=2",
            "https://example.com/a?flag",
            "https://example.com/./a",
            "https://example.com:8080/a",
        ] {
            let slow = slow_normalize(u);
            if let Some(fast) = fast_normalize(u) {
                assert_eq!(fast, slow, "{u}");
            }
        }
    }
}
