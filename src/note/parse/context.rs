//! What the parser needs from the config, compiled once.

use crate::config::{Config, DateSource, FrontMatterSchema, NoteKind, UndatedOrder, Unmatched};
use crate::pattern::{Captured, DateMismatch, DatePattern};
use crate::util::text::collapse_ws;

/// One note set, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CompiledSet {
    /// Position in `notes`.
    pub(crate) index: usize,
    /// `name`, else the root as written.
    pub(crate) name: String,
    /// `root` without leading `./` or trailing `/`; empty for the repository root.
    pub(crate) root: String,
    pub(crate) pattern: DatePattern,
    pub(crate) kind: NoteKind,
    pub(crate) date: DateSource,
    pub(crate) date_key: String,
    /// The title pattern; `None` accepts any title.
    pub(crate) title: Option<DatePattern>,
    pub(crate) order_by: UndatedOrder,
    pub(crate) front_matter: FrontMatterSchema,
    /// Which files under the root that match no pattern are misnamed notes.
    pub(crate) unmatched: Unmatched,
}

impl CompiledSet {
    /// The path relative to the set's root, or `None` when it is not under it.
    pub(crate) fn relative<'p>(&self, path: &'p str) -> Option<&'p str> {
        relative(&self.root, path)
    }
}

/// Where a file stands among the note sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathMatch {
    /// The path has the set's pattern's shape and, when dated, names a real day.
    Matched(Captured),
    /// The shape, but the digits name no day (or disagree with each other).
    BadDate(DateMismatch),
    /// Under the set's root without its shape (`note-path` says why).
    Unmatched,
}

/// Everything the parser needs from the config, compiled once per run.
#[derive(Debug, Clone)]
pub struct ParseContext {
    /// The first set's root without leading `./` or trailing `/`.
    pub(crate) notes_root: String,
    /// The first set's pattern.
    pub(crate) path_pattern: DatePattern,
    /// `title.pattern`: the title of `items` notes.
    pub(crate) title_pattern: DatePattern,
    /// Every note set, in configuration order.
    pub(crate) sets: Vec<CompiledSet>,
    /// Today heading text with whitespace runs collapsed.
    pub(crate) today_heading: String,
    /// Footer heading text with whitespace runs collapsed.
    pub(crate) footer_heading: String,
    pub(crate) star_token: String,
}

impl ParseContext {
    /// Compile the parts of `config` the parser uses. Fails only on patterns that
    /// [`Config::from_yaml`] would already have rejected.
    pub fn new(config: &Config) -> Result<Self, crate::Error> {
        let title_pattern = DatePattern::new(&config.title.pattern)
            .map_err(|e| crate::Error::Usage(format!("title.pattern: {e}")))?;
        let roots: Vec<String> = config.notes.iter().map(|n| normalize_root(&n.root)).collect();
        let mut sets = Vec::with_capacity(config.notes.len());
        for (index, n) in config.notes.iter().enumerate() {
            let pattern = DatePattern::general(&n.pattern)
                .map_err(|e| crate::Error::Usage(format!("notes.pattern: {e}")))?;
            let title = match (&n.title, n.kind) {
                (Some(t), _) => Some(
                    DatePattern::general(t).map_err(|e| crate::Error::Usage(format!("notes.title: {e}")))?,
                ),
                (None, NoteKind::Items) => Some(title_pattern.clone()),
                (None, NoteKind::Article) => None,
            };
            let root = roots[index].clone();
            sets.push(CompiledSet {
                index,
                name: n.display_name().to_owned(),
                unmatched: n.unmatched.unwrap_or(if root.is_empty() && config.notes.len() > 1 {
                    Unmatched::Near
                } else {
                    Unmatched::Report
                }),
                root,
                pattern,
                kind: n.kind,
                date: n.date,
                date_key: n.date_key().to_owned(),
                title,
                order_by: n.order_by,
                front_matter: n.front_matter.clone(),
            });
        }
        Ok(ParseContext {
            notes_root: roots[0].clone(),
            path_pattern: sets[0].pattern.clone(),
            title_pattern,
            sets,
            today_heading: collapse_ws(&config.sections.today),
            footer_heading: collapse_ws(&config.sections.footer),
            star_token: config.stars.token.clone(),
        })
    }

    /// The set a repository-relative path belongs to, and how: the first set
    /// whose pattern it has the shape of; else the first set that claims it
    /// (a dedicated folder, or a near miss of a pattern). `None`: no note.
    pub(crate) fn classify(&self, path: &str) -> Option<(usize, PathMatch)> {
        for set in &self.sets {
            let Some(rel) = set.relative(path) else { continue };
            match set.pattern.captures(rel) {
                Some(Ok(c)) => return Some((set.index, PathMatch::Matched(c))),
                Some(Err(e)) => return Some((set.index, PathMatch::BadDate(e))),
                None => {}
            }
        }
        self.sets
            .iter()
            .find(|set| {
                set.relative(path).is_some_and(|rel| match set.unmatched {
                    Unmatched::Report => !set.pattern.is_folder_index(rel),
                    Unmatched::Near => set.pattern.near_miss(rel),
                    Unmatched::Ignore => false,
                })
            })
            .map(|set| (set.index, PathMatch::Unmatched))
    }

    /// Whether a repository-relative path is a note (of some set, or meant to be).
    pub(crate) fn is_note(&self, path: &str) -> bool {
        self.classify(path).is_some()
    }

    /// The set of a note (the first set for a path no set claims).
    pub(crate) fn set(&self, index: usize) -> &CompiledSet {
        self.sets.get(index).unwrap_or(&self.sets[0])
    }
}

fn relative<'p>(root: &str, path: &'p str) -> Option<&'p str> {
    if root.is_empty() {
        return Some(path);
    }
    path.strip_prefix(root)?.strip_prefix('/')
}

fn normalize_root(root: &str) -> String {
    let r = root.replace('\\', "/");
    let r = r.trim_start_matches("./").trim_end_matches('/');
    if r == "." { String::new() } else { r.to_owned() }
}
