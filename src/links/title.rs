//! A page's title, for `daybook add`: fetched through the link checker's own
//! client ([`Checker`]: its address policy, timeouts, retries, body limit,
//! per-host headers and soft-404 rules), read with the html5gum tokenizer.
//!
//! The title is the first non-empty of `og:title`, `citation_title` (papers:
//! arXiv, OpenReview, ACL Anthology) and `<title>`, with WeChat's
//! `var msg_title = '...'` before `<title>` (its `<title>` is often empty).
//! Character references are decoded by the tokenizer, whitespace collapsed.
//! A page the host's soft-404 rules call gone (a deleted WeChat article) or
//! unverifiable (an anti-robot page) gives no title: its notice is not the
//! article's name.

use reqwest::Method;
use reqwest::header;
use url::Url;

use super::check::{Attempt, Checker, location, st};
use super::retry::{retry_after, retryable_status};
use crate::config::links::SoftVerdict;

/// Longest title kept, in characters: a page is someone else's text.
const MAX_TITLE_CHARS: usize = 300;
/// Longest description kept, in characters.
const MAX_DESCRIPTION_CHARS: usize = 500;

/// What a page says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    pub title: String,
    /// `og:description`, `description` or WeChat's `msg_desc`, when the page has one.
    pub(crate) description: Option<String>,
}

/// Why a page gave no title (the caller writes the URL instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoTitle(pub String);

impl std::fmt::Display for NoTitle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

enum Fail {
    /// Worth another attempt (a timeout, a 5xx, a reset), after `after` if the server said.
    Retry(String, Option<std::time::Duration>),
    Final(String),
}

impl Checker {
    /// The title (and description) of the page at `url`.
    pub async fn page_info(&self, url: &Url) -> Result<PageInfo, NoTitle> {
        let (final_url, hop) = self.fetch_page(url).await.map_err(NoTitle)?;
        let ct = hop.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = hop.body.as_deref().unwrap_or_default();
        let text = decode(body, ct.as_deref()).map_err(NoTitle)?;
        if let Some(rule) = final_url.host_str().and_then(|h| self.opts.settings.hosts.get(h)) {
            for m in &rule.soft {
                if let Some(found) = m.find(&text) {
                    let what = match m.verdict {
                        SoftVerdict::Dead => "the page is gone",
                        SoftVerdict::Unverified => "that is not the article",
                    };
                    let reason = m.reason.as_deref().map(|r| format!("{r}; ")).unwrap_or_default();
                    return Err(NoTitle(format!("the page says \u{201c}{found}\u{201d} ({reason}{what})")));
                }
            }
        }
        let info = read_page(&text);
        match info {
            Some(info) => Ok(info),
            None if hop.truncated => Err(NoTitle(format!(
                "no title in the first {} bytes of the page (links.max_body_bytes)",
                body.len()
            ))),
            None => Err(NoTitle("the page has no title".into())),
        }
    }

    /// GET `start`, following redirects (each hop through the address policy),
    /// retried as the checker retries. The body is read up to `max_body_bytes`.
    async fn fetch_page(&self, start: &Url) -> Result<(Url, super::check::Hop), String> {
        let mut attempt = 0;
        loop {
            match self.fetch_once(start).await {
                Ok(done) => return Ok(done),
                Err(Fail::Retry(_, after)) if attempt < self.opts.settings.retries => {
                    let delay = after
                        .filter(|a| *a <= self.opts.settings.retry_after_max)
                        .unwrap_or_else(|| self.backoff(attempt));
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
                Err(Fail::Retry(why, _)) if attempt > 0 => {
                    return Err(format!("{why} ({} attempts)", attempt + 1));
                }
                Err(Fail::Retry(why, _) | Fail::Final(why)) => return Err(why),
            }
        }
    }

    async fn fetch_once(&self, start: &Url) -> Result<(Url, super::check::Hop), Fail> {
        let mut url = start.clone();
        let mut seen = vec![start.clone()];
        let limit = Some(self.opts.settings.max_body_bytes);
        loop {
            let mut method = Method::GET;
            let hop = match self.hop(&url, &mut method, limit, None, seen.len() > 1).await {
                Ok(h) => h,
                Err(e) => {
                    return Err(match self.hop_error(e, &url, false) {
                        Attempt::Done(o) => Fail::Final(o.detail),
                        Attempt::Retry { last, after, .. } => Fail::Retry(last.detail, after),
                    });
                }
            };
            let status = hop.status;
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let Some(next) = location(&hop.headers, &url) else {
                    return Err(Fail::Final(format!("{} without a Location header", st(status))));
                };
                if seen.contains(&next) {
                    return Err(Fail::Final(format!("redirect loop at {next}")));
                }
                if seen.len() > self.opts.settings.max_redirects {
                    return Err(Fail::Final(format!(
                        "more than {} redirects",
                        self.opts.settings.max_redirects
                    )));
                }
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(Fail::Final("redirects to a non-HTTP URL".into()));
                }
                seen.push(next.clone());
                url = next;
                continue;
            }
            if retryable_status(status) {
                return Err(Fail::Retry(
                    format!("the page answered {}", st(status)),
                    retry_after(&hop.headers),
                ));
            }
            if !status.is_success() {
                return Err(Fail::Final(format!("the page answered {}", st(status))));
            }
            return Ok((url, hop));
        }
    }
}

/// The body as text: the charset of `Content-Type`, else of a `<meta>` in the
/// first bytes, else a byte order mark, else UTF-8 (bad bytes replaced).
/// Fails when the body is not HTML.
pub(crate) fn decode(body: &[u8], content_type: Option<&str>) -> Result<String, String> {
    let ct = content_type.map(|c| c.to_ascii_lowercase());
    match ct.as_deref().map(|c| c.split(';').next().unwrap_or("").trim()) {
        Some("text/html" | "application/xhtml+xml") => {}
        Some("") | None => {
            let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
            let bom = body.starts_with(b"\xef\xbb\xbf");
            if !(bom || body[start..].first() == Some(&b'<')) {
                return Err("the page is not HTML (no Content-Type, and it does not start with a tag)".into());
            }
        }
        Some(other) => return Err(format!("the page is {other}, not HTML")),
    }
    let label = ct.as_deref().and_then(charset_param).or_else(|| meta_charset(body));
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    // `decode` prefers a byte order mark over the label, as browsers do.
    let (text, _, _) = encoding.decode(body);
    Ok(text.into_owned())
}

fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == "charset").then(|| v.trim().trim_matches(['"', '\'']).to_owned())
    })
}

/// `<meta charset=...>` or `<meta http-equiv="Content-Type" content="...; charset=...">`
/// in the first 4 KiB, as browsers look for it.
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    for token in tokenizer(&head).flatten() {
        let html5gum::Token::StartTag(tag) = token else { continue };
        if &*tag.name != b"meta" {
            continue;
        }
        let attr = |k: &[u8]| tag.attributes.get(k).map(|v| String::from_utf8_lossy(&v.value).into_owned());
        if let Some(c) = attr(b"charset") {
            return Some(c);
        }
        if attr(b"http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-type"))
            && let Some(c) = attr(b"content").and_then(|c| charset_param(&c.to_ascii_lowercase()))
        {
            return Some(c);
        }
    }
    None
}

/// The tokenizer as a scraper needs it: `<title>` read as text (RCDATA),
/// `<script>` and `<style>` as raw text, so markup quoted in a script is no tag.
fn tokenizer(html: &str) -> html5gum::Tokenizer<html5gum::StringReader<'_>> {
    let mut emitter = html5gum::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    html5gum::Tokenizer::new_with_emitter(html, emitter)
}

/// The title and description of an HTML page, if it names itself.
pub(crate) fn read_page(html: &str) -> Option<PageInfo> {
    #[derive(Default)]
    struct Found {
        og_title: Option<String>,
        citation: Option<String>,
        title: Option<String>,
        msg_title: Option<String>,
        og_description: Option<String>,
        description: Option<String>,
        msg_desc: Option<String>,
    }
    let mut f = Found::default();
    let set = |slot: &mut Option<String>, v: String| {
        let v = clean(&v);
        if slot.is_none() && !v.is_empty() {
            *slot = Some(v);
        }
    };
    let mut in_tag: Option<Vec<u8>> = None;
    let mut buf = String::new();
    for token in tokenizer(html).flatten() {
        match token {
            html5gum::Token::StartTag(tag) => {
                let name: &[u8] = &tag.name;
                if name == b"meta" {
                    let attr = |k: &[u8]| {
                        tag.attributes.get(k).map(|v| String::from_utf8_lossy(&v.value).into_owned())
                    };
                    let key =
                        attr(b"property").or_else(|| attr(b"name")).unwrap_or_default().to_ascii_lowercase();
                    if let Some(content) = attr(b"content") {
                        match key.as_str() {
                            "og:title" => set(&mut f.og_title, content),
                            "citation_title" => set(&mut f.citation, content),
                            "og:description" => set(&mut f.og_description, content),
                            "description" => set(&mut f.description, content),
                            _ => {}
                        }
                    }
                } else if (name == b"title" || name == b"script") && !tag.self_closing {
                    in_tag = Some(name.to_vec());
                    buf.clear();
                }
            }
            html5gum::Token::String(s) if in_tag.is_some() => {
                buf.push_str(&String::from_utf8_lossy(&s.value))
            }
            html5gum::Token::EndTag(end) if in_tag.as_deref() == Some(&*end.name) => {
                if &*end.name == b"title" {
                    set(&mut f.title, std::mem::take(&mut buf));
                } else {
                    if let Some(t) = js_var(&buf, "msg_title") {
                        set(&mut f.msg_title, decode_references(&t));
                    }
                    if let Some(t) = js_var(&buf, "msg_desc") {
                        set(&mut f.msg_desc, decode_references(&t));
                    }
                    buf.clear();
                }
                in_tag = None;
            }
            _ => {}
        }
    }
    let title = f.og_title.or(f.citation).or(f.msg_title).or(f.title)?;
    let description =
        f.og_description.or(f.description).or(f.msg_desc).map(|d| cap(&d, MAX_DESCRIPTION_CHARS));
    Some(PageInfo { title: cap(&title, MAX_TITLE_CHARS), description })
}

/// Whitespace collapsed, control characters dropped.
fn clean(s: &str) -> String {
    let no_controls: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    crate::util::text::collapse_ws(&no_controls)
}

fn cap(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_owned(),
    }
}

/// Character references in `s` decoded (by the tokenizer, in the state that
/// reads `<title>`'s text: a `<` there is just a character).
fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut t = html5gum::Tokenizer::new(s);
    t.set_state(html5gum::State::RcData);
    let mut out = String::new();
    for token in t.flatten() {
        if let html5gum::Token::String(v) = token {
            out.push_str(&String::from_utf8_lossy(&v.value));
        }
    }
    out
}

/// The string literal assigned to `var NAME = '...'` (or `"..."`) in a
/// script, its JavaScript escapes undone. WeChat writes
/// `var msg_title = '标题'.html(false);`.
fn js_var(script: &str, name: &str) -> Option<String> {
    let mut rest = script;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        let Some(value) = after.strip_prefix('=').map(str::trim_start) else { continue };
        if !before_ok || value.starts_with('=') {
            continue;
        }
        let quote = value.chars().next()?;
        if quote != '\'' && quote != '"' {
            continue;
        }
        let mut out = String::new();
        let mut chars = value[1..].chars();
        while let Some(c) = chars.next() {
            match c {
                c if c == quote => return Some(out),
                '\n' => return None,
                '\\' => match chars.next()? {
                    'n' | 'r' | 't' => out.push(' '),
                    'x' => {
                        let h: String = chars.by_ref().take(2).collect();
                        out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
                    }
                    'u' => {
                        let h: String = chars.by_ref().take(4).collect();
                        out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?).unwrap_or('\u{fffd}'));
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(html: &str) -> Option<String> {
        read_page(html).map(|p| p.title)
    }

    #[test]
    fn og_title_then_citation_title_then_title() {
        let page =
            |metas: &str| format!("<html><head>{metas}<title>Plain &amp; simple</title></head></html>");
        assert_eq!(
            title(&page(
                r#"<meta property="og:title" content="Open Graph"><meta name="citation_title" content="Paper">"#
            )),
            Some("Open Graph".into())
        );
        assert_eq!(title(&page(r#"<meta name="citation_title" content="A Paper">"#)), Some("A Paper".into()));
        assert_eq!(title(&page("")), Some("Plain & simple".into()));
        // an empty og:title is no title
        assert_eq!(title(&page(r#"<meta property="og:title" content="  ">"#)), Some("Plain & simple".into()));
        assert_eq!(title("<p>no title here</p>"), None);
        assert_eq!(title("<title></title>"), None);
    }

    #[test]
    fn entities_decoded_and_whitespace_collapsed() {
        assert_eq!(
            title(
                "<title>\n  CVPR 2022&nbsp;|&#x20;Self-Attention &lt;3&gt;\n\t CNN &quot;x&quot; &#39;y&#39;  </title>"
            ),
            Some("CVPR 2022 | Self-Attention <3> CNN \"x\" 'y'".into())
        );
        assert_eq!(
            title(r#"<META PROPERTY='og:title' CONTENT="A &amp; B&#65;">"#),
            Some("A & BA".into()),
            "attribute names in any case, references in values"
        );
    }

    #[test]
    fn markup_in_scripts_and_comments_is_not_a_title() {
        let html = "<script>document.write('<title>fake</title>')</script><!-- <title>no</title> --><title>real</title>";
        assert_eq!(title(html), Some("real".into()));
        // a <title> cut off by the body limit is not taken
        assert_eq!(title("<title>half a ti"), None);
    }

    #[test]
    fn wechat_msg_title_and_description() {
        let html = r#"<html><head><title></title></head><body><script>
            var msg_title = 'YOLOv6 \x26amp; 目标检测\'s &quot;开源&quot;'.html(false);
            var msg_desc = "美团视觉智能部 \u5f00\u6e90";
        </script></body></html>"#;
        let p = read_page(html).unwrap();
        assert_eq!(p.title, "YOLOv6 & 目标检测's \"开源\"");
        assert_eq!(p.description.as_deref(), Some("美团视觉智能部 开源"));
        // og:title wins when both are there
        let both = format!(r#"<meta property="og:title" content="OG">{html}"#);
        assert_eq!(title(&both), Some("OG".into()));
        assert_eq!(js_var("var my_msg_title = 'x'", "msg_title"), None);
        assert_eq!(js_var("if (msg_title == 'x')", "msg_title"), None);
    }

    #[test]
    fn descriptions_in_order() {
        let p = read_page(
            r#"<meta name="description" content="plain"><meta property="og:description" content="og"><title>t</title>"#,
        )
        .unwrap();
        assert_eq!(p.description.as_deref(), Some("og"));
        assert_eq!(read_page("<title>t</title>").unwrap().description, None);
    }

    #[test]
    fn long_and_hostile_titles_are_bounded_and_cleaned() {
        let long = "标".repeat(1000);
        let t = title(&format!("<title>{long}</title>")).unwrap();
        assert_eq!(t.chars().count(), MAX_TITLE_CHARS + 1);
        assert!(t.ends_with('…'));
        assert_eq!(title("<title>a\u{7}b\u{1b}[31mc</title>"), Some("a b [31mc".into()));
    }

    #[test]
    fn charsets_from_the_header_the_meta_or_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<title>论文标题</title>");
        assert_eq!(decode(&gbk, Some("text/html; charset=GBK")).unwrap(), "<title>论文标题</title>");
        let mut with_meta = b"<meta charset=\"gbk\">".to_vec();
        with_meta.extend_from_slice(&gbk);
        assert!(decode(&with_meta, Some("text/html")).unwrap().contains("论文标题"));
        let mut equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">".to_vec();
        equiv.extend_from_slice(&gbk);
        assert!(decode(&equiv, None).unwrap().contains("论文标题"));
        assert_eq!(decode("<title>标题</title>".as_bytes(), None).unwrap(), "<title>标题</title>");
    }

    #[test]
    fn only_html_is_read() {
        assert!(decode(b"%PDF-1.7", Some("application/pdf")).unwrap_err().contains("application/pdf"));
        assert!(decode(b"{\"a\":1}", Some("application/json; charset=utf-8")).is_err());
        assert!(decode(b"%PDF-1.7", None).is_err());
        assert!(decode(b"  <!doctype html>", None).is_ok());
        assert!(decode(b"<html>", Some("application/xhtml+xml")).is_ok());
    }
}
