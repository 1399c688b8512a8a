//! The server's index of article URLs for `duplicate-url`: which held notes
//! cite each normalized URL, kept up to date note by note.
//!
//! Run over every held note, the rule re-normalizes every URL of the
//! repository on each keystroke (79 ms of an 88 ms p90 at 10,000 notes, in
//! bench/lsp.sh). With the index a change normalizes only the changed note's
//! links, and only the groups it is in are reported, through the rule's own
//! [`duplicates::report_group`], so the findings are the rule's, byte for byte.

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::note::Note;
use crate::rules::RuleContext;
use crate::rules::duplicates::{self, Citation};

#[derive(Default)]
pub(crate) struct CitationIndex {
    /// Normalized URL -> `(note path, item, link)` of each citation.
    by_url: HashMap<String, Vec<(String, usize, usize)>>,
    /// Note path -> the URLs its citations are filed under, to take them out
    /// again (a URL cited twice in a note is listed once).
    by_note: HashMap<String, Vec<String>>,
}

impl CitationIndex {
    pub(crate) fn build(notes: &[Note], cx: &RuleContext<'_>) -> Self {
        let mut index = CitationIndex::default();
        for note in notes {
            index.update(note, cx);
        }
        index
    }

    /// File `note`'s citations in place of what its path had.
    pub(crate) fn update(&mut self, note: &Note, cx: &RuleContext<'_>) {
        let path = &note.file.path;
        self.remove(path);
        if !duplicates::in_scope(note, cx) {
            return;
        }
        let mut keys = Vec::new();
        for (key, c) in duplicates::citations(note) {
            self.by_url.entry(key.clone()).or_default().push((path.clone(), c.item, c.link));
            keys.push(key);
        }
        keys.sort_unstable();
        keys.dedup();
        if !keys.is_empty() {
            self.by_note.insert(path.clone(), keys);
        }
    }

    /// Forget the citations of the note at `path` (gone, or no longer a note).
    pub(crate) fn remove(&mut self, path: &str) {
        for key in self.by_note.remove(path).unwrap_or_default() {
            if let Some(cites) = self.by_url.get_mut(&key) {
                cites.retain(|(p, _, _)| p != path);
                if cites.is_empty() {
                    self.by_url.remove(&key);
                }
            }
        }
    }

    /// `duplicate-url`'s findings in the note at `path`: those of every group
    /// it is in, the rest of each group being whichever held notes cite the
    /// same URL. `notes[held[path]]` is the note the index filed for `path`.
    pub(crate) fn findings(
        &self,
        path: &str,
        notes: &[Note],
        held: &HashMap<String, usize>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut found = Vec::new();
        for key in self.by_note.get(path).into_iter().flatten() {
            let Some(cites) = self.by_url.get(key).filter(|c| c.len() > 1) else { continue };
            let group: Vec<Citation<'_>> = cites
                .iter()
                .filter_map(|(p, item, link)| {
                    Some(Citation { note: &notes[*held.get(p)?], item: *item, link: *link })
                })
                .collect();
            if group.len() > 1 {
                duplicates::report_group(group, &mut found);
            }
        }
        out.extend(found.into_iter().filter(|d| d.path == path));
    }
}
