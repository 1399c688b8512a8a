//! Anchors of the Markdown files that `#fragment` links point into: heading
//! slugs and explicit HTML ids, parsed once per file on first use, and the
//! `missing-anchor` check of a fragment against them.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use super::MISSING_ANCHOR;
use crate::diag::{Diagnostic, Edit, Fix};
use crate::note::{Heading, Link, LinkForm, Note};
use crate::util::html::html_ids;
use crate::util::percent::percent_decode;

/// Anchors of a Markdown file: its heading slugs and explicit HTML ids.
#[derive(Debug, Default)]
pub(crate) struct Anchors {
    pub(crate) headings: Vec<String>,
    pub(crate) html_ids: HashSet<String>,
}

impl Anchors {
    pub(crate) fn from_headings<'a>(headings: impl IntoIterator<Item = &'a Heading>, text: &str) -> Self {
        Anchors {
            headings: headings.into_iter().map(|h| h.anchor.clone()).collect(),
            html_ids: html_ids(text),
        }
    }

    pub(crate) fn contains(&self, fragment: &str) -> bool {
        self.headings.iter().any(|a| a == fragment) || self.html_ids.contains(fragment)
    }
}

/// Parses a Markdown file (repository-relative path, text) into its anchors.
pub(crate) type AnchorLoader = Box<dyn Fn(&str, String) -> Anchors + Send + Sync>;

/// Anchors of Markdown files that `#fragment` links point into, parsed on first use.
pub(crate) struct AnchorIndex {
    root: PathBuf,
    loader: AnchorLoader,
    cache: RwLock<HashMap<String, Option<Arc<Anchors>>>>,
}

impl AnchorIndex {
    pub(crate) fn new(root: impl Into<PathBuf>, loader: AnchorLoader) -> Self {
        AnchorIndex { root: root.into(), loader, cache: RwLock::new(HashMap::new()) }
    }

    /// Anchors of the repository-relative Markdown file `rel`, or `None` when it
    /// cannot be read as UTF-8 (another rule reports unreadable notes).
    pub(crate) fn get(&self, rel: &str) -> Option<Arc<Anchors>> {
        if let Some(a) = self.cache.read().unwrap_or_else(|e| e.into_inner()).get(rel) {
            return a.clone();
        }
        // A pull request may make the target a link out of the repository
        // (its headings were listed in the help), to `/dev/zero` or a FIFO: it
        // is read as notes are, a bounded regular file inside, or not at all.
        let anchors =
            crate::util::jail::read_in_repo(&self.root, &self.root.join(rel), crate::discover::MAX_FILE_SIZE)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map(|text| Arc::new((self.loader)(rel, text)));
        self.cache.write().unwrap_or_else(|e| e.into_inner()).insert(rel.to_owned(), anchors.clone());
        anchors
    }
}

impl std::fmt::Debug for AnchorIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchorIndex").field("root", &self.root).finish_non_exhaustive()
    }
}

/// `missing-anchor`: `fragment` (of `link`) must name one of `anchors`, those of
/// the file `target` (`None`: the note itself).
pub(super) fn check_fragment(
    note: &Note,
    link: &Link,
    fragment: &str,
    anchors: &Anchors,
    target: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") {
        return;
    }
    let decoded = percent_decode(fragment);
    if anchors.contains(fragment) || anchors.contains(&decoded) {
        return;
    }
    let in_what = match target {
        Some(t) => format!("`{t}`"),
        None => "this file".to_owned(),
    };
    let lower = decoded.to_lowercase();
    let count = |f: &dyn Fn(&str) -> bool| anchors.headings.iter().filter(|a| f(a)).count();
    // The anchor a fix would take, and whether it is the only one that fits.
    let mut take: Option<(&str, bool)> = None;
    // Looking for the intended anchor compares the fragment with every
    // heading, several ways: 30,000 links into a note of 3,000 headings took
    // 20 s. It comes out of the note's suggestion budget; past it the help
    // lists the anchors.
    let heading_chars: usize = anchors.headings.iter().map(|h| h.len() + 1).sum();
    let affordable =
        crate::suggest::spend((heading_chars as u64).saturating_mul(decoded.chars().count() as u64 + 4));
    let help = if !affordable {
        let list: Vec<String> = anchors.headings.iter().take(6).map(|a| format!("`#{a}`")).collect();
        format!(
            "the anchors of {in_what} are {}{}",
            list.join(", "),
            if anchors.headings.len() > 6 { ", ..." } else { "" }
        )
    } else if let Some(a) = anchors.headings.iter().find(|a| a.to_lowercase() == lower) {
        take = Some((a, count(&|b| b.to_lowercase() == lower) == 1));
        format!("write `#{a}`: heading anchors are lowercase")
    } else if let Some((a, unique)) =
        crate::suggest::did_you_mean_unique(&decoded, anchors.headings.iter().map(String::as_str))
    {
        take = Some((a, unique));
        format!("did you mean `#{a}`?")
    } else if let Some(a) = anchors.headings.iter().find(|a| a.contains(lower.as_str()) && !lower.is_empty())
    {
        take = Some((a, count(&|b| b.contains(lower.as_str())) == 1));
        format!(
            "did you mean `#{a}`? GitHub builds anchors from the whole heading text, emoji shortcodes included"
        )
    } else if anchors.headings.is_empty() {
        format!("{in_what} has no headings to link to")
    } else {
        let list: Vec<String> = anchors.headings.iter().take(6).map(|a| format!("`#{a}`")).collect();
        format!(
            "the anchors of {in_what} are {}{}",
            list.join(", "),
            if anchors.headings.len() > 6 { ", ..." } else { "" }
        )
    };
    let fix = take.and_then(|(anchor, unique)| fragment_fix(note, link, fragment, anchor, unique));
    let d = note
        .file
        .diag(
            MISSING_ANCHOR.name,
            MISSING_ANCHOR.default_severity,
            link.dest_span.clone(),
            format!("no heading in {in_what} has the anchor `#{decoded}`"),
        )
        .with_label("no such anchor")
        .with_help(help)
        .with_fix_if(fix);
    out.push(d);
}

/// Replace the written `fragment` (after the last `#` of the destination as
/// written) with `anchor`. Safe when `anchor` is the only one that fits, a
/// guess among several otherwise. A wiki link names a heading, not its
/// anchor: no fix there.
fn fragment_fix(note: &Note, link: &Link, fragment: &str, anchor: &str, unique: bool) -> Option<Fix> {
    if link.form == LinkForm::Wiki {
        return None;
    }
    let written = note.file.text.get(link.dest_span.clone())?;
    let hash = written.rfind('#')?;
    let after = &written[hash + 1..];
    if after.trim_end() != fragment || fragment.is_empty() {
        return None;
    }
    let at = link.dest_span.start + hash + 1;
    let what = format!("link `#{anchor}`");
    let edits = vec![Edit::replace(at..at + fragment.len(), anchor)];
    Some(if unique { Fix::safe(what, edits) } else { Fix::unsafe_(what, edits) })
}
