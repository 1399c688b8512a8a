//! The note model: a parsed daily note with byte spans on everything a rule or
//! the README generator needs. Built by [`parse::parse_note`]; pure data.

pub mod front_matter;
pub mod parse;
pub mod template;

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::SourceFile;
pub use front_matter::FrontMatter;
pub use parse::PathMatch;

pub type Span = Range<usize>;

/// Where a link came from. Raw HTML attributes are read with an HTML tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// `[text](dest)` or a reference-style link.
    Inline,
    /// `![alt](dest)`.
    Image,
    /// `<https://...>` or a bare autolink (`https://...`, `www....` or an e-mail
    /// address in text, as GitHub links them). A bare `www.x` gets GitHub's
    /// implied `http://` in `dest`, a bare address its implied `mailto:`.
    Autolink,
    /// `src` of a media tag in raw HTML: `<img>`, `<video>`, `<audio>`, `<source>`,
    /// `<iframe>`, `<embed>`, `<track>`.
    HtmlSrc,
    /// `href` of `<a>`, `<link>` or `<area>` in raw HTML.
    HtmlHref,
}

/// How a link is written: finer than [`LinkKind`], for `daybook links`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkForm {
    /// `[text](dest)`, `![alt](dest)`.
    Inline,
    /// `[text][label]`, `[label][]`, `[label]` and their image forms: the
    /// destination is the reference definition's.
    Reference,
    /// `<https://...>`, `<me@example.com>`.
    Angle,
    /// A URL in plain text that GitHub links (GFM's autolink extension).
    BareUrl,
    /// An e-mail address in plain text that GitHub links (`mailto:` implied).
    BareEmail,
    /// A `src`/`href` attribute of raw HTML.
    Html,
    /// `[[Note]]`, `[[Note|label]]`, `[[Note#Heading]]` (Obsidian, Logseq): `dest`
    /// is the target as written, resolved against the repository's files.
    Wiki,
}

/// A link target as written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    pub form: LinkForm,
    /// The destination exactly as written (not URL-decoded).
    pub dest: String,
    /// Span of the destination text itself, so it can be rewritten in place.
    /// For reference-style links this is the span of the definition's destination.
    pub dest_span: Span,
    /// Span of the whole construct (`[text](dest)`, the HTML tag).
    pub span: Span,
    /// The link text (empty for images and HTML attributes).
    pub text: String,
}

/// A heading and the anchor GitHub generates for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// Heading text with inline markup stripped, whitespace as written.
    pub text: String,
    /// The whole heading line(s).
    pub span: Span,
    /// GitHub-style slug, de-duplicated like GitHub's (`paperclip--今日要点` for
    /// `:paperclip:  今日要点`, then `paperclip--今日要点-1`).
    pub anchor: String,
}

/// The H1 title and the date it spells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub heading: Heading,
    /// `None` when the text does not match the title pattern or names no real date.
    pub date: Option<NaiveDate>,
}

/// A second-level section: heading plus body up to the next heading of level <= 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Heading,
    /// From the end of the heading line to the start of the next H1/H2 (or EOF).
    pub body: Span,
}

/// `:star:` repeated after an item's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stars {
    pub count: u32,
    pub span: Span,
}

/// A labelled sub-bullet: `- Paper: [title](url)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The label as written (`Paper1`, `论文`, `code`).
    pub label: String,
    pub label_span: Span,
    /// `:` or `：`.
    pub separator: char,
    /// Text after the separator, trimmed.
    pub value: String,
    pub value_span: Span,
    /// Indexes into [`Note::links`] of links inside the value.
    pub links: Vec<usize>,
    /// The whole bullet.
    pub span: Span,
}

/// One numbered entry of the today section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The number as written (`3.` -> 3).
    pub number: u64,
    /// The whole list item, including nested content.
    pub span: Span,
    /// Span of the item's first line (its opening paragraph).
    pub head_span: Span,
    /// Index into [`Note::links`] of the link the item opens with, if it does.
    pub link: Option<usize>,
    pub stars: Option<Stars>,
    pub fields: Vec<Field>,
    /// Nested bullets that do not look like `Label: value` (free-form notes).
    pub other_bullets: Vec<Span>,
    /// The item was swallowed by a raw HTML block (a `</div>` line directly
    /// followed by `2. [...]`): GitHub renders it as plain text. Recovered by
    /// re-parsing the swallowed lines so the other rules still see it.
    pub in_html_block: bool,
}

/// A `- Label: value` bullet that is *not* nested under an item: written at
/// column 0 it ends the ordered list in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayField {
    pub field: Field,
    /// The item it most likely belongs to (the closest item above), if any.
    pub after_item: Option<usize>,
    /// Column (0-based, in bytes) of the bullet marker.
    pub indent: usize,
}

/// An HTML comment, for inline suppressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Text between `<!--` and `-->`, trimmed.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub file: Arc<SourceFile>,
    /// Date spelled by the path, when the path matches its set's pattern.
    pub path_date: Option<NaiveDate>,
    /// Index of the note set (`notes`) the note belongs to.
    pub set: usize,
    /// How the path matched the set's pattern (`None` for the README).
    pub path_match: Option<PathMatch>,
    /// The date the note stands for, from its set's date source.
    pub resolved_date: Option<NaiveDate>,
    /// The front matter block, if the note opens with one.
    pub front_matter: Option<FrontMatter>,
    pub title: Option<Title>,
    /// Every heading in document order.
    pub headings: Vec<Heading>,
    /// Every H2 section in document order.
    pub sections: Vec<Section>,
    /// Index into `sections` of the today section.
    pub today: Option<usize>,
    /// Index into `sections` of the footer section.
    pub footer: Option<usize>,
    pub items: Vec<Item>,
    /// Field bullets outside their item, sorted by offset (see [`Note::strays_after`]).
    pub stray_fields: Vec<StrayField>,
    /// Every link, image and raw-HTML `src`/`href` in document order.
    pub links: Vec<Link>,
    pub comments: Vec<Comment>,
}

impl Note {
    pub fn text(&self) -> &str {
        &self.file.text
    }

    /// The stray fields whose nearest item above is `after_item`. They are
    /// sorted by offset, so `after_item` never decreases and they form one run,
    /// found by binary search (rules ask for every item of notes with thousands).
    pub fn strays_after(&self, after_item: Option<usize>) -> &[StrayField] {
        let all = &self.stray_fields;
        let first = all.partition_point(|s| s.after_item < after_item);
        let len = all[first..].partition_point(|s| s.after_item == after_item);
        &all[first..first + len]
    }

    pub fn today_section(&self) -> Option<&Section> {
        self.today.map(|i| &self.sections[i])
    }

    /// The date this note stands for, from its set's date source (the path's
    /// for a dated pattern), which is what "newest" means.
    pub fn date(&self) -> Option<NaiveDate> {
        self.resolved_date
    }

    /// What the path's `{slug}` stood for.
    pub fn slug(&self) -> Option<&str> {
        match &self.path_match {
            Some(PathMatch::Matched(c)) => c.slug.as_deref(),
            _ => None,
        }
    }

    /// What the path's `{n}` stood for.
    pub fn number(&self) -> Option<u64> {
        match &self.path_match {
            Some(PathMatch::Matched(c)) => c.number,
            _ => None,
        }
    }
}
