//! Loading just what the README needs of each note.
//!
//! The history needs every note's path date and H1 title; only the newest note's
//! today section is copied. Parsing all of a large repository (10,000 notes are
//! ~50 MB) would cost several times the whole README budget, so each note is
//! read only up to its first `## ` line (within the first 8 KB) and that head is
//! parsed with the regular parser: CommonMark parses blocks line by line, so the
//! first H1 of the head is the first H1 of the note. Anything unusual (no H2 in
//! the first 8 KB, no H1 in the head, a title holding a link, an unreadable,
//! empty, non-UTF-8 or oversized file) falls back to the shared
//! [`read_source`]/[`parse_note`] path, so titles and `unreadable-file`
//! findings are exactly what `daybook lint` sees. The newest usable note is
//! parsed in full by the caller. One difference remains by design: a note whose
//! bytes go bad only after its head (invalid UTF-8 further down) is still listed
//! in the history, while `daybook lint` reports it as `unreadable-file`.

use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, SourceFile};
use crate::discover::{self, Candidate, MAX_FILE_SIZE, read_source};
use crate::note::parse::{ParseContext, parse_note};
use crate::note::{FrontMatter, Note, PathMatch, Title};

/// How much of a note is read to find its title.
const HEAD_BYTES: usize = 8 * 1024;
/// The first read; notes whose first H2 comes later are read on to [`HEAD_BYTES`].
const FIRST_READ: usize = 1024;

/// What the history needs of a note.
#[derive(Debug, Clone)]
pub(crate) struct Head<'a> {
    /// The note's file; for a head-only read, only its first part.
    pub(crate) file: Arc<SourceFile>,
    pub(crate) path_date: Option<NaiveDate>,
    pub(crate) title: Option<Title>,
    /// The note set it belongs to.
    pub(crate) set: usize,
    /// How its path matched the set's pattern.
    pub(crate) path_match: Option<PathMatch>,
    /// Its date, from the set's date source.
    pub(crate) date: Option<NaiveDate>,
    pub(crate) front_matter: Option<FrontMatter>,
    /// The fully parsed note, when the caller already has it.
    pub(crate) full: Option<&'a Note>,
}

impl<'a> Head<'a> {
    pub(crate) fn of(note: &'a Note) -> Head<'a> {
        Head {
            file: note.file.clone(),
            path_date: note.path_date,
            title: note.title.clone(),
            set: note.set,
            path_match: note.path_match.clone(),
            date: note.resolved_date,
            front_matter: note.front_matter.clone(),
            full: Some(note),
        }
    }

    fn parsed(note: Note) -> Head<'static> {
        Head {
            file: note.file,
            path_date: note.path_date,
            title: note.title,
            set: note.set,
            path_match: note.path_match,
            date: note.resolved_date,
            front_matter: note.front_matter,
            full: None,
        }
    }
}

/// Discover the notes and read their heads in parallel. Returns the heads
/// (sorted by path) and one diagnostic per file that could not be read.
pub(crate) fn load_heads(
    root: &Path,
    cfg: &Config,
    ctx: &ParseContext,
    ignore: &globset::GlobSet,
) -> Result<(Vec<Head<'static>>, Vec<Diagnostic>), crate::Error> {
    let found = discover::discover_with(root, cfg, ignore)?;
    let (heads, mut problems) = heads_of(&found.notes, ctx);
    problems.splice(0..0, found.problems);
    Ok((heads, problems))
}

/// Read the heads of `candidates` (files found by a walk already) in parallel:
/// `init` walks the repository once and reads the heads of the files its
/// inferred sets claim, instead of walking it again.
pub(crate) fn heads_of(
    candidates: &[Candidate],
    ctx: &ParseContext,
) -> (Vec<Head<'static>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let results: Vec<Result<Head<'static>, Box<Diagnostic>>> =
        candidates.par_iter().map(|c| read_head(c, ctx)).collect();
    let mut heads = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(h) => heads.push(h),
            Err(d) => problems.push(*d),
        }
    }
    (heads, problems)
}

/// Read and parse a whole note (the newest one, whose today section is copied).
pub(crate) fn read_full(path: &str, abs: &Path, ctx: &ParseContext) -> Result<Note, Box<Diagnostic>> {
    read_source(path, abs).map(|file| parse_note(file, ctx))
}

fn read_head(c: &Candidate, ctx: &ParseContext) -> Result<Head<'static>, Box<Diagnostic>> {
    let (set, matched) = ctx.classify(&c.path).unwrap_or((0, PathMatch::Unmatched));
    if !matches!(matched, PathMatch::Matched(_)) {
        // Left out of the README whatever it holds: no need to read it.
        let file = SourceFile::new(c.path.clone(), c.abs.clone(), String::new());
        return Ok(Head {
            file,
            path_date: None,
            title: None,
            set,
            path_match: Some(matched),
            date: None,
            front_matter: None,
            full: None,
        });
    }
    match head_text(&c.abs) {
        Some(head) => {
            let note = parse_note(SourceFile::new(c.path.clone(), c.abs.clone(), head), ctx);
            let plain_title =
                note.title.as_ref().is_some_and(|t| !note.text()[t.heading.span.clone()].contains('['));
            if plain_title {
                return Ok(Head::parsed(note));
            }
            read_full(&c.path, &c.abs, ctx).map(Head::parsed)
        }
        None => read_full(&c.path, &c.abs, ctx).map(Head::parsed),
    }
}

/// The text before the note's first `## ` line, when it lies in the first
/// [`HEAD_BYTES`] of an ordinary file; `None` sends the caller down the full path.
fn head_text(abs: &Path) -> Option<String> {
    // A FIFO named like a note would block a plain open until a writer came.
    let mut f = crate::util::jail::open_nonblocking(abs).ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_SIZE {
        return None;
    }
    // Most heads are a title and a rule: a first small read usually suffices.
    let mut buf = [0u8; HEAD_BYTES];
    let mut len = 0;
    let mut want = FIRST_READ;
    loop {
        while len < want {
            match f.read(&mut buf[len..want]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        if let Some(cut) = first_h2_line(&buf[..len]) {
            let text = std::str::from_utf8(&buf[..cut]).ok()?;
            return (!text.trim().is_empty()).then(|| text.to_owned());
        }
        if len < want || want == HEAD_BYTES {
            return None;
        }
        want = HEAD_BYTES;
    }
}

/// Byte offset of the first line that opens an ATX H2 at column 0 (`## `,
/// `##` alone, `##\t`). Only such a line is a safe cut: it starts a new block
/// whatever precedes it, so the blocks before it parse the same without it.
fn first_h2_line(buf: &[u8]) -> Option<usize> {
    let mut start = 0;
    while start < buf.len() {
        let rest = &buf[start..];
        if rest.starts_with(b"##") && matches!(rest.get(2), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            return Some(start);
        }
        match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => start += nl + 1,
            None => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_before_the_first_h2_line() {
        assert_eq!(first_h2_line(b"# t\n\n------\n\n## :paperclip:  x\n"), Some(13));
        assert_eq!(first_h2_line(b"# t\n### h3\n##\n"), Some(11));
        assert_eq!(first_h2_line(b"# t\n ## indented\n##nospace\n"), None);
        assert_eq!(first_h2_line(b"## first\n"), Some(0));
    }
}
