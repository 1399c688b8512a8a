//! The kind and title pattern of an inferred set, read from a sample of its notes.
//!
//! A set holds `items` notes when most of its dated notes share one H2 heading
//! whose section is a numbered list of links carrying a rating or labelled
//! sub-bullets (`1. [title](url) :star:` then `   - Summary: ...`): the
//! seed's `## :paperclip:  今日要点` or any other wording (`## Today`).

use std::collections::BTreeMap;

use super::{InferredSet, is_dated};
use crate::config::{NoteKind, SectionsConfig, StarsConfig, TitleConfig};
use crate::pattern::DatePattern;
use crate::util::text::collapse_ws;

/// What the `items` notes of a repository share, from the first `items` set found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemsShape {
    /// The heading of the today section, whitespace runs collapsed.
    pub(crate) today: String,
    /// Numbered item lines seen under it, and how many of them carry `token`.
    pub(crate) items: usize,
    pub(crate) starred: usize,
    /// The rating token most of those items carry after their link
    /// (`:star:`, `⭐`, `★`, `:star2:`...), the seed's when none does.
    pub(crate) token: String,
    /// The closing section most of those notes end with, if they share one.
    pub(crate) footer: Option<String>,
}

impl ItemsShape {
    /// Whether the rating is required: nearly every item carries it, as a
    /// field is required (fields::REQUIRED_PERCENT). Rated papers beside
    /// unrated posts in every note are a habit, not forgotten ratings.
    pub(crate) fn rated(&self) -> bool {
        self.starred * 100 >= self.items * super::fields::REQUIRED_PERCENT
    }
}

/// The H2 headings of one note, and per heading its numbered link lines and
/// how many of them carry each rating token, when the section looks like items.
struct Sections {
    headings: Vec<String>,
    items: BTreeMap<String, (usize, BTreeMap<String, usize>)>,
}

/// The rating token an item's line carries right after its opening link: a
/// `:shortcode:` or one emoji or symbol character (`⭐`, `★`, `🌟`), without
/// the emoji variation selector, which the notes write or leave out at random.
fn rating_token(item: &str) -> Option<String> {
    let rest = item.strip_prefix('[')?;
    let close = rest.find("](")?;
    let mut depth = 0usize;
    let mut end = None;
    for (i, c) in rest[close + 2..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = Some(close + 2 + i + 1);
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    let after = rest[end?..].trim_start_matches([' ', '\t']);
    if let Some(code) = after.strip_prefix(':') {
        let len = code.find(':')?;
        let name = &code[..len];
        let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-');
        return (len > 0 && name.chars().all(word)).then(|| format!(":{name}:"));
    }
    let c = after.chars().next()?;
    // Misc Symbols, Dingbats, Misc Symbols and Arrows, and the emoji planes:
    // where stars and rating emoji live; a dash or a word after the link is no rating.
    let symbol = matches!(u32::from(c), 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F300..=0x1FAFF);
    symbol.then(|| c.to_string())
}

fn sections(body: &str) -> Sections {
    let mut headings = Vec::new();
    // Per heading: numbered link lines, their rating tokens, labelled sub-bullets.
    let mut seen: BTreeMap<String, (usize, BTreeMap<String, usize>, usize)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in body.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            let h = collapse_ws(h.trim());
            headings.push(h.clone());
            current = Some(h);
            continue;
        }
        if line.starts_with("# ") {
            current = None;
            continue;
        }
        let Some(h) = &current else { continue };
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if indent <= 3 && digits > 0 && (t[digits..].starts_with(". [") || t[digits..].starts_with(") [")) {
            let e = seen.entry(h.clone()).or_default();
            e.0 += 1;
            if let Some(token) = rating_token(&t[digits + 2..]) {
                *e.1.entry(token).or_default() += 1;
            }
        } else if indent >= 2
            && let Some(rest) = t.strip_prefix(['-', '*', '+']).and_then(|r| r.strip_prefix(" "))
            && rest.find([':', '：']).is_some_and(|i| i > 0 && !rest[..i].contains(char::is_whitespace))
        {
            seen.entry(h.clone()).or_default().2 += 1;
        }
    }
    let items = seen
        .into_iter()
        .filter(|(_, (n, rated, fields))| *n > 0 && (!rated.is_empty() || *fields > 0))
        .map(|(h, (n, rated, _))| (h, (n, rated)))
        .collect();
    Sections { headings, items }
}

/// Read a sample of the set's notes to choose its kind and title pattern;
/// returns what was inferred, in words. `shape` is what the `items` notes of
/// an earlier set share (the today heading is one for the whole repository):
/// when it is unset and this set holds items, it is set.
pub(super) fn describe_and_refine(
    root: &std::path::Path,
    s: &mut InferredSet,
    shape: &mut Option<ItemsShape>,
) -> String {
    let sample: Vec<&String> = s.paths.iter().take(200).collect();
    let mut front = 0;
    let mut front_dated = 0;
    let mut notes: Vec<Sections> = Vec::new();
    let mut titles: Vec<(String, Option<chrono::NaiveDate>)> = Vec::new();
    let pattern = DatePattern::general(&s.config.pattern).ok();
    let rel_root = if s.config.root == "." { String::new() } else { s.config.root.clone() };
    for p in &sample {
        let Some(text) = crate::util::jail::read_text_in_repo(root, p, crate::discover::MAX_FILE_SIZE) else {
            continue;
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let fm = crate::note::front_matter::find(body, 0);
        if let Some(f) = &fm {
            front += 1;
            // `date: ...` (YAML) or `date = ...` (TOML): the `auto` date source reads it.
            let dated = body[f.span.clone()]
                .lines()
                .any(|l| l.strip_prefix("date").is_some_and(|r| r.trim_start().starts_with([':', '='])));
            if dated {
                front_dated += 1;
            }
        }
        let body = &body[fm.map_or(0, |f| f.span.end)..];
        notes.push(sections(body));
        let title =
            body.lines().find_map(|l| l.strip_prefix("# ")).map(|t| t.trim().to_owned()).unwrap_or_default();
        let rel = p.strip_prefix(&rel_root).map(|r| r.trim_start_matches('/')).unwrap_or(p);
        let date = pattern.as_ref().and_then(|pt| pt.parse(rel)?.ok());
        titles.push((title, date));
    }
    let dated = is_dated(&s.config.pattern);
    // The today heading: the repository's, else the one most notes hold items under.
    let today = match shape {
        Some(sh) => sh.today.clone(),
        None => {
            let mut by_heading: BTreeMap<&str, usize> = BTreeMap::new();
            for n in &notes {
                for h in n.items.keys() {
                    *by_heading.entry(h).or_default() += 1;
                }
            }
            let best = by_heading.iter().max_by_key(|(h, n)| (**n, std::cmp::Reverse(**h)));
            best.map_or_else(|| collapse_ws(&SectionsConfig::default().today), |(h, _)| (*h).to_owned())
        }
    };
    let with_today = notes.iter().filter(|n| n.headings.contains(&today)).count();
    let mut parts = Vec::new();
    let items = dated && with_today * 2 >= sample.len().max(1);
    if items {
        s.config.kind = NoteKind::Items;
        let mut n = 0;
        let mut tokens: BTreeMap<&str, usize> = BTreeMap::new();
        for (count, rated) in notes.iter().filter_map(|x| x.items.get(&today)) {
            n += count;
            for (token, k) in rated {
                *tokens.entry(token).or_default() += k;
            }
        }
        let seed = StarsConfig::default().token;
        // The token most items carry; the seed's on a tie or when none is rated.
        let (token, starred) = tokens
            .into_iter()
            .max_by_key(|(t, k)| (*k, *t == seed))
            .map_or((seed.clone(), 0), |(t, k)| (t.to_owned(), k));
        if shape.is_none() {
            // The last H2 after the today section, when most notes end with the same one.
            let mut last: BTreeMap<&str, usize> = BTreeMap::new();
            for x in &notes {
                let after = x.headings.iter().position(|h| *h == today).map(|i| &x.headings[i + 1..]);
                if let Some(h) = after.and_then(|a| a.last()).filter(|h| **h != today) {
                    *last.entry(h).or_default() += 1;
                }
            }
            let footer = last
                .into_iter()
                .max_by_key(|(h, n)| (*n, std::cmp::Reverse(*h)))
                .filter(|(_, n)| n * 2 >= with_today)
                .map(|(h, _)| h.to_owned());
            *shape = Some(ItemsShape { today: today.clone(), items: n, starred, token, footer });
        }
        parts.push(format!(
            "`items` notes (a `## {today}` section of numbered items: {with_today} of {} notes)",
            notes.len()
        ));
    } else {
        s.config.kind = NoteKind::Article;
        parts.push(format!(
            "`article` notes (a title and free text: {} of {} have an H1)",
            titles.iter().filter(|t| !t.0.is_empty()).count(),
            titles.len()
        ));
    }
    let agree =
        |tp: &DatePattern| titles.iter().filter(|(t, d)| d.is_some_and(|d| tp.format(d) == *t)).count();
    let most = |n: usize| n * 10 >= titles.len() * 8 && n > 0;
    // Free-text notes take a title pattern only when every one follows it: a
    // journal titling a day `# 2024-01-10 — a long day` beside `# 2024-01-09`
    // titles freely, and the pattern would call its habit an error (the price:
    // a title with a wrong date goes unchecked there).
    let follows = |n: usize| if items { most(n) } else { n == titles.len() && n > 0 };
    // `items` notes are titled `title.pattern` unless the set says otherwise.
    let default_fits =
        items && DatePattern::new(&TitleConfig::default().pattern).is_ok_and(|tp| most(agree(&tp)));
    if dated && !default_fits {
        for candidate in TITLE_FORMATS {
            let Ok(tp) = DatePattern::new(candidate) else { continue };
            let n = agree(&tp);
            if follows(n) {
                s.config.title = Some((*candidate).to_owned());
                parts.push(format!("titled `# {candidate}` ({n} of {})", titles.len()));
                break;
            }
        }
        if s.config.title.is_none()
            && let Some((candidate, n)) = TITLE_FORMATS.iter().find_map(|f| framed_title(f, &titles, follows))
        {
            parts.push(format!("titled `# {candidate}` ({n} of {})", titles.len()));
            s.config.title = Some(candidate);
        }
        // Titles no pattern spells (`Reading notes: January 2, 2024`): the
        // seed's Chinese one would fail every note, so any title is taken.
        let with_title = titles.iter().filter(|t| !t.0.is_empty()).count();
        if items && s.config.title.is_none() && most(with_title) {
            parts.push(format!(
                "titled freely: no date pattern fits ({with_title} of {} have an H1)",
                titles.len()
            ));
            s.config.title = Some("{slug}".to_owned());
        }
    }
    parts.push(if dated {
        "dated by their path".to_owned()
    } else if front_dated * 2 > sample.len() {
        format!("dated by their front matter `date` ({front_dated} of {})", sample.len())
    } else {
        "undated: listed by title".to_owned()
    });
    if front > 0 {
        parts.push(format!("{front} of {} have front matter", sample.len()));
    }
    parts.join(", ")
}

/// `format` with the words the first title spelling its date writes around
/// it (`Daily notes {yyyy}-{mm}-{dd}`), when most titles agree with that.
fn framed_title(
    format: &str,
    titles: &[(String, Option<chrono::NaiveDate>)],
    most: impl Fn(usize) -> bool,
) -> Option<(String, usize)> {
    let tp = DatePattern::new(format).ok()?;
    let (title, at, len) = titles.iter().find_map(|(t, d)| {
        let spelled = tp.format((*d)?);
        t.find(&spelled).map(|i| (t, i, spelled.len()))
    })?;
    let (before, after) = (&title[..at], &title[at + len..]);
    if before.contains(['{', '}', '*']) || after.contains(['{', '}', '*']) {
        return None;
    }
    let candidate = format!("{before}{format}{after}");
    let framed = DatePattern::new(&candidate).ok()?;
    let n = titles.iter().filter(|(t, d)| d.is_some_and(|d| framed.format(d) == *t)).count();
    most(n).then_some((candidate, n))
}

/// Titles that spell the note's date, tried in order.
const TITLE_FORMATS: &[&str] = &[
    "{yyyy}-{mm}-{dd}",
    "{yyyy}_{mm}_{dd}",
    "{yyyy}/{mm}/{dd}",
    "{yyyy}.{mm}.{dd}",
    "{yyyy}.{m}.{d}",
    "{yyyy}年{m}月{d}日",
    "{yyyy}{mm}{dd}",
];
