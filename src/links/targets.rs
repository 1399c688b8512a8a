//! Which links the checker asks about: every http(s) destination of the
//! notes, deduplicated (fragment removed), with each place that cites it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use url::Url;

use super::rules;
use super::settings::LinkSettings;
use crate::diag::{Diagnostic, SourceFile};
use crate::note::{LinkKind, Note, Span};

/// One place a URL is cited.
#[derive(Debug, Clone)]
pub(crate) struct Citation {
    pub(crate) file: Arc<SourceFile>,
    /// The link destination's span.
    pub(crate) span: Span,
    /// The `#fragment` this citation points at, if any (percent-encoded, as written).
    pub(crate) fragment: Option<String>,
}

/// A unique URL (fragment removed) and everywhere it is cited.
#[derive(Debug, Clone)]
pub struct Target {
    pub(crate) url: Url,
    pub(crate) citations: Vec<Citation>,
}

/// Targets of `docs`, plus diagnostics for URLs that do not parse, plus how many
/// were excluded by config. Only http(s) URLs become targets.
pub fn collect_targets(docs: &[Note], settings: &LinkSettings) -> (Vec<Target>, Vec<Diagnostic>, usize) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut diags = Vec::new();
    let mut excluded = BTreeSet::new();
    for note in docs {
        for link in &note.links {
            let mut dest = normalize_dest(&link.dest, link.kind);
            // GFM extended autolinks: `www.example.com` is rendered as http://www.example.com.
            if link.kind == LinkKind::Autolink && dest.to_ascii_lowercase().starts_with("www.") {
                dest = format!("http://{dest}");
            }
            // `//host/...` takes the page's scheme; no scheme at all is a local link, not ours.
            let scheme = if dest.starts_with("//") {
                String::new()
            } else {
                match crate::util::url::scheme(&dest) {
                    Some(s) => s.to_ascii_lowercase(),
                    None => continue,
                }
            };
            let candidate = if dest.starts_with("//") { format!("https:{dest}") } else { dest.clone() };
            match scheme.as_str() {
                "http" | "https" | "" => {}
                "mailto" => {
                    if !dest[7..].contains('@') {
                        diags.push(note.file.diag(
                            rules::DEAD_LINK.name,
                            rules::DEAD_LINK.default_severity,
                            link.dest_span.clone(),
                            format!("malformed mailto link `{dest}`: no address"),
                        ));
                    }
                    continue;
                }
                _ => {
                    // Other schemes are not fetched, only checked for syntax.
                    if let Err(e) = Url::parse(&dest) {
                        diags.push(malformed(&note.file, link.dest_span.clone(), &dest, &e.to_string()));
                    }
                    continue;
                }
            }
            let mut url = match Url::parse(&candidate) {
                Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => u,
                Ok(_) => {
                    diags.push(malformed(&note.file, link.dest_span.clone(), &dest, "no host"));
                    continue;
                }
                Err(e) => {
                    diags.push(malformed(&note.file, link.dest_span.clone(), &dest, &e.to_string()));
                    continue;
                }
            };
            let full = url.as_str().to_string();
            if settings.excludes(&full) {
                excluded.insert(full);
                continue;
            }
            let fragment = url.fragment().map(str::to_string);
            url.set_fragment(None);
            let citation = Citation { file: Arc::clone(&note.file), span: link.dest_span.clone(), fragment };
            match index.get(url.as_str()) {
                Some(&i) => targets[i].citations.push(citation),
                None => {
                    index.insert(url.as_str().to_string(), targets.len());
                    targets.push(Target { url, citations: vec![citation] });
                }
            }
        }
    }
    (targets, diags, excluded.len())
}

fn malformed(file: &SourceFile, span: Span, dest: &str, why: &str) -> Diagnostic {
    file.diag(
        rules::DEAD_LINK.name,
        rules::DEAD_LINK.default_severity,
        span,
        format!("malformed URL `{dest}`: {why}"),
    )
    .with_help("fix the address; a browser cannot open it either")
}

/// The destination as a browser would read it: no `<...>` wrapping, HTML
/// entities in raw HTML decoded, Markdown backslash escapes removed.
pub(crate) fn normalize_dest(dest: &str, kind: LinkKind) -> String {
    let mut d = dest.trim();
    if d.starts_with('<') && d.ends_with('>') && d.len() >= 2 {
        d = &d[1..d.len() - 1];
    }
    let mut s = d.replace("&amp;", "&");
    if matches!(kind, LinkKind::Inline | LinkKind::Image) && s.contains('\\') {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                continue;
            }
            out.push(c);
        }
        s = out;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::links::LinksConfig;

    fn note(text: &str) -> Note {
        let ctx = crate::note::parse::ParseContext::new(&crate::Config::default()).unwrap();
        let file = SourceFile::new("notes/202401/0101.md", "notes/202401/0101.md", text.to_string());
        crate::note::parse::parse_note(file, &ctx)
    }

    #[test]
    fn targets_from_markdown_images_and_raw_html() {
        let text = "# t\n\n[a](https://x.org/a#part) ![i](https://x.org/i.png)\n\
                    <img src=\"https://x.org/a\"> <a href=\"https://x.org/q?a=1&amp;b=2\">q</a>\n\
                    [rel](../other.md) [m](mailto:nobody) [ok](mailto:a@b.c) [t](tel:+1) <https://x.org/a>\n\
                    [bad](https://) [skip](https://skip.me/x)\n";
        let cfg = LinksConfig { exclude: vec!["skip\\.me".into()], ..LinksConfig::default() };
        let settings = LinkSettings::compile(&cfg).unwrap();
        let (targets, diags, excluded) = collect_targets(&[note(text)], &settings);
        let urls: Vec<&str> = targets.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(urls, ["https://x.org/a", "https://x.org/i.png", "https://x.org/q?a=1&b=2"]);
        assert_eq!(targets[0].citations.len(), 3, "markdown, raw HTML and autolink citations of one URL");
        assert_eq!(targets[0].citations[0].fragment.as_deref(), Some("part"));
        assert_eq!(excluded, 1);
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("mailto:nobody"), "{msgs:?}");
        assert!(msgs[1].contains("malformed URL `https://`"), "{msgs:?}");
        let d = &diags[0];
        assert_eq!(&text[d.span.clone()], "mailto:nobody");
    }

    #[test]
    fn destinations_are_normalized() {
        assert_eq!(normalize_dest("<https://x/a b>", LinkKind::Inline), "https://x/a b");
        assert_eq!(normalize_dest("https://x/?a=1&amp;b=2", LinkKind::HtmlHref), "https://x/?a=1&b=2");
        assert_eq!(normalize_dest(r"https://x/a\_b", LinkKind::Inline), "https://x/a_b");
    }
}
