//! `notes:`: the note sets of a repository.
//!
//! A repository may keep notes of several shapes side by side (dated journal
//! files and undated topic notes, numbered weekly notes beside daily ones), so
//! `notes` is a list of sets. A single mapping is one set, which keeps the
//! original syntax (`notes: {root: notes, pattern: ...}`) working unchanged.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One set of notes: where they live, how their paths are spelled, what they hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NotesConfig {
    /// A name for the set, used in messages and README templates (default: its root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// Folder holding the notes, relative to the repository root (`.` for the root itself).
    pub(crate) root: String,
    /// Path of a note relative to `root`. Placeholders: `{yyyy}` year, `{mm}` zero-padded
    /// month, `{dd}` zero-padded day, `{m}`/`{d}` unpadded, `{slug}` any text without `/`,
    /// `{n}` a sequence number; `*` is any text within one folder or file name, `**` any
    /// depth of folders. A placeholder used twice must agree (the month folder and the
    /// file name). Without date placeholders the notes are undated. A file named
    /// `{slug}.md` alone is never a folder's `README.md`, `index.md` or `_index.md`:
    /// that is the folder's table of contents.
    pub(crate) pattern: String,
    /// What the notes hold: `items` (a today section of numbered, rated items with
    /// labelled fields) or `article` (a title and free text: only the link, front
    /// matter and title rules apply).
    pub(crate) kind: NoteKind,
    /// Where a note's date comes from: `auto` (the path when the pattern spells a date,
    /// else the front matter, else the title), `path`, `front-matter`, `title` or `none`.
    pub(crate) date: DateSource,
    /// The front matter key holding the date (default `date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) date_key: Option<String>,
    /// The H1 title pattern of this set's notes (placeholders as in `pattern`). Default:
    /// `title.pattern` for `items` notes; any title for `article` notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<String>,
    /// Order of undated notes in the README: `title` (case-insensitive) or `path`; notes
    /// numbered by `{n}` come in the order of their numbers first (day 2 before day 10).
    pub(crate) order_by: UndatedOrder,
    /// Markdown files under `root` that match no set's pattern: `report` them all
    /// (`note-path`), report only `near` misses of the pattern, or `ignore` them.
    /// Default: `report` for a dedicated folder or a lone set, `near` for a set
    /// rooted at the repository root beside other sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unmatched: Option<Unmatched>,
    /// What the front matter (YAML between `---` lines at the top) must hold.
    #[serde(skip_serializing_if = "FrontMatterSchema::is_empty")]
    pub(crate) front_matter: FrontMatterSchema,
}

impl Default for NotesConfig {
    fn default() -> Self {
        NotesConfig {
            name: None,
            root: "notes".into(),
            pattern: "{yyyy}{mm}/{mm}{dd}.md".into(),
            kind: NoteKind::Items,
            date: DateSource::Auto,
            date_key: None,
            title: None,
            order_by: UndatedOrder::Title,
            unmatched: None,
            front_matter: FrontMatterSchema::default(),
        }
    }
}

impl NotesConfig {
    /// The front matter key holding the date.
    pub(crate) fn date_key(&self) -> &str {
        self.date_key.as_deref().unwrap_or("date")
    }

    /// The set's name: `name`, else its root.
    pub(crate) fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.root)
    }
}

/// What a note set's notes hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum NoteKind {
    /// A today section of numbered items with ratings and labelled fields.
    #[default]
    Items,
    /// A title and free text.
    Article,
}

/// Where a note's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum DateSource {
    /// The path when the pattern spells a date, else the front matter, else the title.
    #[default]
    Auto,
    Path,
    FrontMatter,
    Title,
    /// Undated notes.
    None,
}

/// What becomes of a file under a set's root that matches no pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Unmatched {
    /// Every such Markdown file is a misnamed note (`note-path`).
    Report,
    /// Only files of nearly the pattern's shape are (`2024-1-2.md` for `{yyyy}-{mm}-{dd}.md`).
    Near,
    /// None is: such files are no notes.
    Ignore,
}

/// How undated notes are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UndatedOrder {
    /// By title, case-insensitively.
    #[default]
    Title,
    /// By path.
    Path,
}

/// What the front matter of a set's notes must hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FrontMatterSchema {
    /// Keys every note's front matter must have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) required: Vec<String>,
    /// Per key: its type and the values allowed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) keys: BTreeMap<String, FrontMatterKey>,
}

impl FrontMatterSchema {
    pub(crate) fn is_empty(&self) -> bool {
        self.required.is_empty() && self.keys.is_empty()
    }
}

/// One front matter key's rules.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FrontMatterKey {
    /// The value's type: `string`, `number`, `bool`, `date`, `list`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<ValueType>,
    /// The values allowed (for a list, each of its elements).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) values: Vec<String>,
}

/// The type of a front matter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ValueType {
    String,
    Number,
    Bool,
    Date,
    List,
}

/// `notes:` as written: one set (a mapping) or a list of sets.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteSets(pub(crate) Vec<NotesConfig>);

impl Default for NoteSets {
    fn default() -> Self {
        NoteSets(vec![NotesConfig::default()])
    }
}

impl NoteSets {
    /// The first set: the one the original single-set settings describe.
    pub(crate) fn primary(&self) -> &NotesConfig {
        &self.0[0]
    }

    #[cfg(test)]
    pub(crate) fn primary_mut(&mut self) -> &mut NotesConfig {
        &mut self.0[0]
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, NotesConfig> {
        self.0.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl Serialize for NoteSets {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for NoteSets {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Sets;
        impl<'de> Visitor<'de> for Sets {
            type Value = NoteSets;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a note set (a mapping with `root`, `pattern`, ...) or a list of note sets")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NoteSets, A::Error> {
                NotesConfig::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|c| NoteSets(vec![c]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<NoteSets, A::Error> {
                let sets = Vec::<NotesConfig>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                if sets.is_empty() {
                    return Err(de::Error::custom(
                        "`notes` lists no note set; list at least one, or drop the key",
                    ));
                }
                Ok(NoteSets(sets))
            }

            fn visit_unit<E: de::Error>(self) -> Result<NoteSets, E> {
                Ok(NoteSets::default())
            }
        }
        d.deserialize_any(Sets)
    }
}

/// What the JSON Schema says `notes` is.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
pub(super) enum NoteSetsSchema {
    /// One note set.
    One(NotesConfig),
    /// Several note sets; a file belongs to the first whose pattern it matches.
    Many(Vec<NotesConfig>),
}

/// Byte offset of `key` in the `index`-th set of `notes` (best effort, for
/// error spans): the set's list item when `notes` is a list, else the mapping.
pub(crate) fn locate_set_key(text: &str, index: usize, key: &str) -> usize {
    let mut offset = 0;
    let mut inside = false;
    let mut item: Option<usize> = None;
    let mut item_at = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        if indent == 0 && !blank && !trimmed.starts_with("- ") {
            inside = trimmed.starts_with("notes:");
        } else if inside && !blank {
            if trimmed.starts_with("- ") || trimmed.trim_end() == "-" {
                item = Some(item.map_or(0, |i| i + 1));
                if item == Some(index) {
                    item_at = Some(offset + indent);
                }
            }
            let t = trimmed.trim_start_matches("- ");
            if item.unwrap_or(0) == index
                && t.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'))
            {
                return offset + (line.len() - t.len());
            }
        }
        offset += line.len();
    }
    item_at.unwrap_or_else(|| super::locate_key_in(text, "notes", key))
}

/// The checks of one set that need no later stage: its patterns compile, its
/// date source can give a date. Returns the key to point at and the message.
pub(super) fn check_set(set: &NotesConfig) -> Result<(), (&'static str, String)> {
    let pattern = crate::pattern::DatePattern::general(&set.pattern)
        .map_err(|e| ("pattern", format!("notes.pattern: {e}")))?;
    let title = match &set.title {
        Some(t) => Some(
            crate::pattern::DatePattern::general(t).map_err(|e| ("title", format!("notes.title: {e}")))?,
        ),
        None => None,
    };
    if set.date == DateSource::Path && !pattern.is_dated() {
        return Err((
            "date",
            format!(
                "notes.date is `path` but the pattern `{}` spells no date: add `{{yyyy}}`, `{{mm}}` and `{{dd}}` to it, or take the date from elsewhere",
                set.pattern
            ),
        ));
    }
    let title_dated = match &title {
        Some(t) => t.is_dated(),
        None => set.kind == NoteKind::Items,
    };
    if set.date == DateSource::Title && !title_dated {
        return Err((
            "date",
            "notes.date is `title` but the set's title pattern spells no date: set `title` on the set to a pattern with `{yyyy}`, `{mm}` and `{dd}`".into(),
        ));
    }
    for (key, value) in [("name", set.name.as_deref()), ("date_key", set.date_key.as_deref())] {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err((key, format!("notes.{key} must not be empty")));
        }
    }
    if set.front_matter.required.iter().any(|k| k.trim().is_empty()) {
        return Err(("required", "notes.front_matter.required lists an empty key".into()));
    }
    Ok(())
}
