//! `daybook links`: every link daybook extracts from the notes and the README,
//! listed and not checked (lychee's `--dump`): where it is, how it is written,
//! and what would be asked for — the URL the checker would request, or the
//! repository path the local-link rules would look up.
//!
//! The request side reuses the checker's and the rules' own steps (destination
//! normalization, `links.include`/`exclude`, path resolution), so the list shows
//! what a lint run does with each link, not a second opinion.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use url::Url;

use crate::cli::{Cli, LinksArgs, LinksFormatArg};
use crate::links::LinkSettings;
use crate::links::targets::normalize_dest;
use crate::note::{Link, LinkForm, LinkKind, Note};
use crate::report::safe::{json_controls, one_line};
use crate::rules::local_links::{parent_dir, resolve};
use crate::util::percent::percent_decode;
use crate::util::url::{Dest, classify};

/// The version of the JSON document; bumped when a field changes meaning.
const JSON_VERSION: u32 = 1;

pub(crate) fn run(cli: &Cli, args: &LinksArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    let settings = super::open_repo(cli, root)?;
    let loaded = crate::lint::load_notes(root, &settings)?;
    for p in &loaded.problems {
        eprintln!("warning: {}: {}", one_line(&p.path), one_line(&p.message));
    }
    let docs: Vec<&Note> = loaded.notes.iter().chain(loaded.readme.as_ref()).collect();
    let links = list(&docs, &settings.links);
    let mut out = std::io::stdout().lock();
    match args.format {
        LinksFormatArg::Human => super::output::write_log(&mut out, &human(&links)),
        LinksFormatArg::Json => {
            let _ = out.write_all(json(&links).as_bytes()).and_then(|_| out.flush());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One extracted link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Listed {
    /// Repository-relative, `/`-separated.
    pub(crate) file: String,
    /// 1-based; the column counts characters. Where the link is written (for a
    /// reference link: its use, not its definition).
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// `inline`, `reference`, `image`, `image-reference`, `autolink`,
    /// `bare-url`, `bare-email`, `html-src` or `html-href`.
    pub(crate) kind: &'static str,
    /// The destination as written (a bare link's with GitHub's implied
    /// `http://` or `mailto:`).
    pub(crate) dest: String,
    /// `web`, `local`, `outside-repo`, `scheme`, `malformed` or `empty`.
    pub(crate) target: &'static str,
    /// `web`: the URL requested (normalized, no fragment); `scheme`: the
    /// destination as a browser reads it.
    pub(crate) url: Option<String>,
    /// `local`: the repository path looked up (the file itself for `#x`).
    pub(crate) path: Option<String>,
    /// The `#fragment`, apart from the URL or path, as written.
    pub(crate) fragment: Option<String>,
    /// Left out by `links.include` / `links.exclude`: never requested.
    pub(crate) excluded: bool,
}

/// The links of `docs`, sorted by file, line and column.
pub(crate) fn list(docs: &[&Note], settings: &LinkSettings) -> Vec<Listed> {
    let mut out: Vec<Listed> = docs
        .iter()
        .flat_map(|note| note.links.iter().map(move |link| listed(note, link, settings)))
        .collect();
    // Stable: two links at one place (an HTML tag's `src` and `href`) keep their order.
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out
}

fn kind(link: &Link) -> &'static str {
    match (link.kind, link.form) {
        (_, LinkForm::Wiki) => "wiki",
        (LinkKind::Image, LinkForm::Reference) => "image-reference",
        (LinkKind::Image, _) => "image",
        (LinkKind::Inline, LinkForm::Reference) => "reference",
        (LinkKind::Inline, _) => "inline",
        (LinkKind::Autolink, LinkForm::BareUrl) => "bare-url",
        (LinkKind::Autolink, LinkForm::BareEmail) => "bare-email",
        (LinkKind::Autolink, _) => "autolink",
        (LinkKind::HtmlSrc, _) => "html-src",
        (LinkKind::HtmlHref, _) => "html-href",
    }
}

fn listed(note: &Note, link: &Link, settings: &LinkSettings) -> Listed {
    let at = note.file.position(link.span.start);
    let mut l = Listed {
        file: note.file.path.clone(),
        line: at.line,
        column: at.column,
        kind: kind(link),
        dest: link.dest.clone(),
        target: "empty",
        url: None,
        path: None,
        fragment: None,
        excluded: false,
    };
    match classify(&link.dest) {
        Dest::Empty => {}
        Dest::Web | Dest::ProtocolRelative => web(link, settings, &mut l),
        Dest::Scheme(_) => {
            l.target = "scheme";
            l.url = Some(normalize_dest(&link.dest, link.kind));
        }
        Dest::Fragment(_) | Dest::RootedPath | Dest::RelativePath => local(&note.file.path, link, &mut l),
    }
    l
}

/// What the external checker requests for `link` (see `links::collect_targets`).
fn web(link: &Link, settings: &LinkSettings, l: &mut Listed) {
    let mut dest = normalize_dest(&link.dest, link.kind);
    if link.kind == LinkKind::Autolink && dest.to_ascii_lowercase().starts_with("www.") {
        dest = format!("http://{dest}");
    }
    let candidate = if dest.starts_with("//") { format!("https:{dest}") } else { dest };
    let url = match Url::parse(&candidate) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => u,
        _ => {
            l.target = "malformed";
            return;
        }
    };
    l.target = "web";
    l.excluded = settings.excludes(url.as_str());
    l.fragment = url.fragment().map(str::to_owned);
    let mut url = url;
    url.set_fragment(None);
    l.url = Some(url.into());
}

/// The repository path the local-link rules look up for `link` in `file`.
fn local(file: &str, link: &Link, l: &mut Listed) {
    let dest = link.dest.trim();
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let raw_path = before_fragment.split_once('?').map_or(before_fragment, |(p, _)| p);
    l.fragment = fragment.map(str::to_owned);
    if raw_path.is_empty() {
        l.target = "local";
        l.path = Some(file.to_owned());
        return;
    }
    let path = percent_decode(raw_path);
    match resolve(parent_dir(file), &path) {
        Ok(parts) => {
            l.target = "local";
            l.path = Some(parts.join("/"));
        }
        Err(()) => l.target = "outside-repo",
    }
}

/// `{"version":1,"links":[...]}`, pretty-printed, control characters escaped.
pub(crate) fn json(links: &[Listed]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        links: &'a [Listed],
    }
    let doc = Doc { version: JSON_VERSION, links };
    // Strings, numbers and booleans only: serializing cannot fail.
    let mut text = json_controls(serde_json::to_string_pretty(&doc).unwrap_or_default());
    text.push('\n');
    text
}

/// One line per link: `file:line:col  kind  dest  -> request`, the first
/// three columns aligned.
pub(crate) fn human(links: &[Listed]) -> String {
    let rows: Vec<[String; 4]> = links
        .iter()
        .map(|l| {
            let request = match l.target {
                "web" | "local" => {
                    let base = l.url.as_deref().or(l.path.as_deref()).unwrap_or_default();
                    match &l.fragment {
                        Some(f) => format!("{base}  #{f}"),
                        None => base.to_owned(),
                    }
                }
                "scheme" => l.url.clone().unwrap_or_default(),
                "outside-repo" => "(outside the repository)".to_owned(),
                "malformed" => "(malformed URL)".to_owned(),
                _ => "(empty)".to_owned(),
            };
            let request = if l.excluded { format!("{request}  (excluded)") } else { request };
            [
                format!("{}:{}:{}", one_line(&l.file), l.line, l.column),
                l.kind.to_owned(),
                one_line(&l.dest).into_owned(),
                one_line(&request).into_owned(),
            ]
        })
        .collect();
    let width = |i: usize, cap: usize| rows.iter().map(|r| columns(&r[i])).max().unwrap_or(0).min(cap);
    let (w0, w1, w2) = (width(0, usize::MAX), width(1, usize::MAX), width(2, 60));
    let mut out = String::new();
    for [place, kind, dest, request] in rows {
        let pad = w2.saturating_sub(columns(&dest));
        out.push_str(&format!("{place:w0$}  {kind:w1$}  {dest}{:pad$}  -> {request}\n", ""));
    }
    out
}

/// Terminal columns of `s`: two for the East Asian wide characters that fill
/// these notes (CJK ideographs, kana, hangul, full-width forms), one for others.
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(file: &str, dest: &str, target: &'static str) -> Listed {
        Listed {
            file: file.into(),
            line: 1,
            column: 1,
            kind: "inline",
            dest: dest.into(),
            target,
            url: None,
            path: Some("p.md".into()),
            fragment: None,
            excluded: false,
        }
    }

    #[test]
    fn human_lines_align_wide_characters() {
        let text = human(&[row("a.md", "今日.md", "local"), row("b.md", "abcdef.md", "local")]);
        let arrows: Vec<usize> = text.lines().map(|l| columns(&l[..l.find("->").unwrap()])).collect();
        assert_eq!(arrows[0], arrows[1], "{text}");
    }

    #[test]
    fn repository_text_stays_on_its_line() {
        // An HTML attribute value may span lines; a workflow command must not start one.
        let text = human(&[row("a.md", "x\n::error::y", "outside-repo")]);
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}
