//! Destinations written without their scheme: a host name that GitHub would
//! open as a file next to the note (`arxiv.org/abs/…`), an e-mail address
//! without `mailto:`, and the edit that puts the scheme in front.

use crate::diag::{Edit, Fix, SourceFile};
use crate::note::Link;
use crate::util::url::scheme;

/// Names that end like files, so `0410.md` or `a.png` is a path, not a host.
/// Only used when the name has no `/` after it (`docs.rs/regex` is a host).
const FILE_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "txt", "rst", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp",
    "bmp", "ico", "tif", "tiff", "avif", "mp4", "mov", "webm", "mp3", "wav", "json", "yml", "yaml", "toml",
    "csv", "tsv", "xml", "zip", "gz", "tgz", "tar", "py", "ipynb", "rs", "js", "ts", "sh", "c", "h", "cpp",
    "java", "go", "tex", "bib", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "pt", "pth", "onnx", "log",
    "cfg", "ini",
];

/// Whether `ext` (without the dot) ends the name of a file rather than a word.
pub(super) fn is_file_extension(ext: &str) -> bool {
    FILE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

/// `arxiv.org/abs/2111.08687` -> `https://arxiv.org/abs/2111.08687`; `None` when
/// the target does not start with something shaped like a host name.
pub(crate) fn bare_url_fix(dest: &str) -> Option<String> {
    let end = dest.find(['/', '?', '#']).unwrap_or(dest.len());
    let (first, rest) = dest.split_at(end);
    let host = match first.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => first,
    };
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return None;
    }
    let tld = labels[labels.len() - 1];
    let ipv4 =
        labels.len() == 4 && labels.iter().all(|l| l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()));
    if !ipv4 {
        if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let has_path = rest.starts_with('/') && rest.len() > 1;
        let www = labels[0].eq_ignore_ascii_case("www");
        if !has_path && !www && FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str()) {
            return None;
        }
    }
    Some(format!("https://{dest}"))
}

/// Put `scheme` in front of the destination, when the destination's span holds
/// exactly the (trimmed) destination, so the edit cannot land elsewhere.
pub(super) fn prefix_fix(file: &SourceFile, link: &Link, scheme: &str) -> Option<Fix> {
    let written = file.text.get(link.dest_span.clone())?;
    let lead = written.len() - written.trim_start().len();
    if written.trim() != link.dest.trim() || written.trim().is_empty() {
        return None;
    }
    let at = link.dest_span.start + lead;
    Some(Fix::safe(format!("prefix `{scheme}`"), vec![Edit::insert(at, scheme)]))
}

/// For help texts elsewhere: a word that is a host name (plus path) without a scheme.
pub(crate) fn looks_like_host(word: &str) -> bool {
    scheme(word).is_none() && bare_url_fix(word).is_some()
}

/// `someone@example.com` (optionally with `?subject=...`).
pub(super) fn is_email(dest: &str) -> bool {
    let addr = dest.split('?').next().unwrap_or(dest);
    let Some((local, domain)) = addr.split_once('@') else { return false };
    !local.is_empty()
        && !local.contains(['/', ' ', ':'])
        && !domain.contains(['/', '@', ' '])
        && domain.contains('.')
        && bare_url_fix(domain).is_some()
}
