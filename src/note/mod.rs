//! The note model: a parsed daily note with byte spans on everything a rule or
//! the README generator needs. Built by [`parse::parse_note`]; pure data.

pub(crate) mod front_matter;
pub mod parse;
pub(crate) mod template;

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::SourceFile;
pub(crate) use front_matter::FrontMatter;
pub(crate) use parse::PathMatch;

pub(crate) type Span = Range<usize>;

/// Where a link came from. Raw HTML attributes are read with an HTML tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum LinkKind {
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
pub(crate) enum LinkForm {
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
pub(crate) struct Link {
    pub(crate) kind: LinkKind,
    pub(crate) form: LinkForm,
    /// The destination exactly as written (not URL-decoded).
    pub(crate) dest: String,
    /// Span of the destination text itself, so it can be rewritten in place.
    /// For reference-style links this is the span of the definition's destination.
    pub(crate) dest_span: Span,
    /// Span of the whole construct (`[text](dest)`, the HTML tag).
    pub(crate) span: Span,
    /// The link text (empty for images and HTML attributes).
    pub(crate) text: String,
}

/// A heading and the anchor GitHub generates for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    /// Heading text with inline markup stripped, whitespace as written.
    pub(crate) text: String,
    /// The whole heading line(s).
    pub(crate) span: Span,
    /// GitHub-style slug, de-duplicated like GitHub's (`paperclip--今日要点` for
    /// `:paperclip:  今日要点`, then `paperclip--今日要点-1`).
    pub(crate) anchor: String,
}

/// The H1 title and the date it spells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Title {
    pub(crate) heading: Heading,
    /// `None` when the text does not match the title pattern or names no real date.
    pub(crate) date: Option<NaiveDate>,
    /// How the text read against the set's title pattern, once, for the
    /// `title` rule: `None` when it does not have the pattern's shape, else
    /// whether its digits name a date (a pattern may spell none).
    pub(crate) shape: Option<Result<(), crate::pattern::DateMismatch>>,
}

/// A second-level section: heading plus body up to the next heading of level <= 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) heading: Heading,
    /// From the end of the heading line to the start of the next H1/H2 (or EOF).
    pub(crate) body: Span,
}

/// `:star:` repeated after an item's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stars {
    pub(crate) count: u32,
    pub(crate) span: Span,
}

/// A labelled sub-bullet: `- Paper: [title](url)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The label as written (`Paper1`, `论文`, `code`).
    pub(crate) label: String,
    pub(crate) label_span: Span,
    /// `:` or `：`.
    pub(crate) separator: char,
    /// Text after the separator, trimmed.
    pub(crate) value: String,
    pub(crate) value_span: Span,
    /// Indexes into [`Note::links`] of links inside the value.
    pub(crate) links: Vec<usize>,
    /// The whole bullet.
    pub(crate) span: Span,
}

/// One numbered entry of the today section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// The number as written (`3.` -> 3).
    pub(crate) number: u64,
    /// The whole list item, including nested content.
    pub(crate) span: Span,
    /// Span of the item's first line (its opening paragraph).
    pub(crate) head_span: Span,
    /// Index into [`Note::links`] of the link the item opens with, if it does.
    pub(crate) link: Option<usize>,
    pub(crate) stars: Option<Stars>,
    pub(crate) fields: Vec<Field>,
    /// Nested bullets that do not look like `Label: value` (free-form notes).
    pub(crate) other_bullets: Vec<Span>,
    /// The item was swallowed by a raw HTML block (a `</div>` line directly
    /// followed by `2. [...]`): GitHub renders it as plain text. Recovered by
    /// re-parsing the swallowed lines so the other rules still see it.
    pub(crate) in_html_block: bool,
}

/// A `- Label: value` bullet that is *not* nested under an item: written at
/// column 0 it ends the ordered list in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StrayField {
    pub(crate) field: Field,
    /// The item it most likely belongs to (the closest item above), if any.
    pub(crate) after_item: Option<usize>,
    /// Column (0-based, in bytes) of the bullet marker.
    pub(crate) indent: usize,
}

/// An HTML comment, for inline suppressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Text between `<!--` and `-->`, trimmed.
    pub(crate) text: String,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub(crate) file: Arc<SourceFile>,
    /// Date spelled by the path, when the path matches its set's pattern.
    pub(crate) path_date: Option<NaiveDate>,
    /// Index of the note set (`notes`) the note belongs to.
    pub(crate) set: usize,
    /// How the path matched the set's pattern (`None` for the README).
    pub(crate) path_match: Option<PathMatch>,
    /// The date the note stands for, from its set's date source.
    pub(crate) resolved_date: Option<NaiveDate>,
    /// The front matter block, if the note opens with one.
    pub(crate) front_matter: Option<FrontMatter>,
    pub(crate) title: Option<Title>,
    /// Every heading in document order.
    pub(crate) headings: Vec<Heading>,
    /// Every H2 section in document order.
    pub(crate) sections: Vec<Section>,
    /// Index into `sections` of the today section.
    pub(crate) today: Option<usize>,
    /// Index into `sections` of the footer section.
    pub(crate) footer: Option<usize>,
    pub(crate) items: Vec<Item>,
    /// Field bullets outside their item, sorted by offset (see [`Note::strays_after`]).
    pub(crate) stray_fields: Vec<StrayField>,
    /// Every link, image and raw-HTML `src`/`href` in document order.
    pub(crate) links: Vec<Link>,
    pub(crate) comments: Vec<Comment>,
}

impl Note {
    pub(crate) fn text(&self) -> &str {
        &self.file.text
    }

    /// The stray fields whose nearest item above is `after_item`. They are
    /// sorted by offset, so `after_item` never decreases and they form one run,
    /// found by binary search (rules ask for every item of notes with thousands).
    pub(crate) fn strays_after(&self, after_item: Option<usize>) -> &[StrayField] {
        let all = &self.stray_fields;
        let first = all.partition_point(|s| s.after_item < after_item);
        let len = all[first..].partition_point(|s| s.after_item == after_item);
        &all[first..first + len]
    }

    pub(crate) fn today_section(&self) -> Option<&Section> {
        self.today.map(|i| &self.sections[i])
    }

    /// The date this note stands for, from its set's date source (the path's
    /// for a dated pattern), which is what "newest" means.
    pub(crate) fn date(&self) -> Option<NaiveDate> {
        self.resolved_date
    }
}
