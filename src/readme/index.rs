//! Finding a hand-made README's index of the notes, and its style, for
//! `daybook init` on a repository of any shape.
//!
//! An index is a run of lines each linking one note (list lines, or lines
//! such as `* WEEK062 - [title](./notes/week062-x/README.md)`), possibly cut
//! into groups by headings (`### AWS`), possibly led by a count line
//! (`_42 TILs and counting..._`) and a list of links to the groups' anchors.
//! A link counts when it resolves to a note, or to a path a note set would
//! claim (a dead link to a renamed note is still part of the index). The
//! README may index one note set and not another: the set most of its links
//! point at is the one listed.
//!
//! The style is read off the lines: grouping (by folder when each group's
//! notes share one, under the group's heading text as the topic's name),
//! order (by date either way, by number, by title), whether it lists the
//! newest few only, and the line template, text around the link included.
//! What comes out is a history template reproducing the README where it is
//! right, so the first `daybook readme` changes only what was wrong.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use super::markers::{self, FenceTracker};
use crate::config::Order;

mod dates;

/// Which note set a path would belong to, and the date it spells.
pub(crate) type Claims<'a> = dyn Fn(&str) -> Option<(usize, Option<NaiveDate>)> + 'a;

/// A note as the index finder sees it.
#[derive(Debug, Clone)]
pub(crate) struct IndexNote {
    /// Repository-relative path.
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) set: usize,
    /// Folder relative to its set's root.
    pub(crate) folder: String,
    /// `{n}` as written in the path.
    pub(crate) n_text: Option<String>,
}

/// The index found, and how to regenerate it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundIndex {
    /// Whole lines of the README holding the index.
    pub(crate) lines: Range<usize>,
    /// The note set it lists.
    pub(crate) set: usize,
    /// How many lines link a note.
    pub(crate) linked: usize,
    /// The history template reproducing it.
    pub(crate) template: String,
    /// `readme.order` it needs.
    pub(crate) order: Order,
    /// `readme.latest` it needs (it lists the newest few only).
    pub(crate) latest: Option<usize>,
    /// Display names of folders that differ from the default ones.
    pub(crate) topics: BTreeMap<String, String>,
    /// What it is, in words (`a list of 12 notes, newest first`).
    pub(crate) description: String,
    /// Its lines link with HTML (`<a href>`), as the seed's history does.
    pub(crate) html: bool,
    /// The lines linking a note that exists, as written, with their line numbers.
    pub(crate) note_lines: Vec<(usize, String)>,
}

struct LinkLine<'a> {
    content: &'a str,
    /// The note linked, when it exists.
    note: Option<usize>,
    set: usize,
    /// The note's date, or the one its path spells when it is gone.
    date: Option<NaiveDate>,
    /// Byte range of `[text](dest)` in `content`.
    link: Range<usize>,
    text: &'a str,
    dest: &'a str,
    /// The destination is written `<...>`.
    angle: bool,
    /// An HTML link (`<a href="...">text</a>`): the ranges of its `href` value and its text.
    html: Option<(Range<usize>, Range<usize>)>,
}

/// Find the index in `text` (the README, in folder `readme_dir`). `claims`
/// says which note set a path that is no existing note would belong to, and
/// the date the path spells.
pub(crate) fn find_index(
    text: &str,
    readme_dir: &str,
    notes: &[IndexNote],
    set_names: &[String],
    claims: &Claims<'_>,
) -> Option<FoundIndex> {
    let by_path: BTreeMap<&str, usize> =
        notes.iter().enumerate().map(|(i, n)| (n.path.as_str(), i)).collect();
    let mut fences = FenceTracker::default();
    let all: Vec<markers::Line<'_>> = markers::lines(text).collect();
    let mut code = vec![false; all.len()];
    let mut found: Vec<(usize, LinkLine<'_>)> = Vec::new();
    for (i, line) in all.iter().enumerate() {
        if fences.in_code(line.content) {
            code[i] = true;
            continue;
        }
        let (link, ltext, dest, angle, html) = match first_link(line.content) {
            Some((link, t, d, a)) => (link, t, d, a, None),
            None => match first_html_link(line.content) {
                Some((link, href, text)) => (
                    link,
                    &line.content[text.clone()],
                    &line.content[href.clone()],
                    false,
                    Some((href, text)),
                ),
                None => continue,
            },
        };
        let Some(path) = resolve(dest, readme_dir) else { continue };
        let (note, set, date) = match by_path.get(path.as_str()) {
            Some(&n) => (Some(n), notes[n].set, notes[n].date),
            None => match claims(&path) {
                Some((s, d)) => (None, s, d),
                None => continue,
            },
        };
        found.push((
            i,
            LinkLine { content: line.content, note, set, date, link, text: ltext, dest, angle, html },
        ));
    }
    if found.is_empty() {
        return None;
    }
    // The set most links point at.
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, l) in &found {
        *counts.entry(l.set).or_default() += 1;
    }
    let set = counts.iter().max_by_key(|(s, c)| (**c, std::cmp::Reverse(**s))).map(|(s, _)| *s)?;
    found.retain(|(_, l)| l.set == set);
    // Index lines are written alike (list items, table rows, numbered items):
    // a link to a note in a paragraph above the index is not one of them.
    let kind = |l: &LinkLine<'_>| -> u8 {
        let t = l.content[..l.link.start].trim_start();
        match t.bytes().next() {
            None => b'[',
            Some(b'-' | b'*' | b'+') => b'-',
            Some(b @ (b'|' | b'<')) => b,
            Some(b)
                if b.is_ascii_digit()
                    && t.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(['.', ')']) =>
            {
                b'1'
            }
            Some(_) => b'a',
        }
    };
    let mut kinds: BTreeMap<u8, usize> = BTreeMap::new();
    for (_, l) in &found {
        *kinds.entry(kind(l)).or_default() += 1;
    }
    if let Some((&best, _)) = kinds.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k))) {
        found.retain(|(_, l)| kind(l) == best);
    }
    let first = found.first()?.0;
    let last = found.last()?.0;

    // Group headings between the first and the last index line.
    let heading_level = |s: &str| -> Option<usize> {
        let t = s.trim_start();
        let n = t.bytes().take_while(|b| *b == b'#').count();
        (n > 0 && n <= 6 && t[n..].starts_with(' ')).then_some(n)
    };
    let group_level = (first..=last).filter(|i| !code[*i]).find_map(|i| heading_level(all[i].content));
    // Walk back over what belongs to the index: the first group's heading,
    // blank lines, a list of anchor links, a count line.
    let mut start = first;
    let mut count_line: Option<usize> = None;
    let mut categories: Vec<usize> = Vec::new();
    let mut took_heading = false;
    while start > 0 {
        let prev = &all[start - 1];
        let c = prev.content.trim();
        if code[start - 1] {
            break;
        }
        if c.is_empty() {
            start -= 1;
            continue;
        }
        if let Some(level) = heading_level(prev.content) {
            if !took_heading && categories.is_empty() && count_line.is_none() && Some(level) == group_level {
                took_heading = true;
                start -= 1;
                continue;
            }
            break;
        }
        if count_line.is_none() && is_anchor_list_line(c) {
            categories.push(start - 1);
            start -= 1;
            continue;
        }
        if count_line.is_none() && is_count_line(c) {
            count_line = Some(start - 1);
            start -= 1;
            continue;
        }
        break;
    }
    // Leading blank lines stay outside the region.
    while start < first && all[start].content.trim().is_empty() {
        start += 1;
    }
    categories.reverse();

    let lines = all[start].start..all[last].end;
    let linked = found.len();
    let set_count = notes.iter().filter(|n| n.set == set).count();
    // A line whose path needs escaping shows how the README escapes it.
    let needs_escaping = |l: &LinkLine<'_>| {
        let d = crate::util::percent::percent_decode(l.dest);
        l.angle || crate::util::percent::percent_encode_path(&d) != d
    };
    let sample = found
        .iter()
        .filter(|(_, l)| needs_escaping(l))
        .chain(found.iter())
        .find_map(|(_, l)| l.note.map(|n| (l, &notes[n])));
    // A numbered list counts up from 1 or down to 1, as the README does.
    let item_number = |l: &LinkLine<'_>| -> Option<usize> {
        let t = l.content.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") ")))
            .then(|| t[..digits].parse().ok())?
    };
    let numbering = match found.first().and_then(|(_, l)| item_number(l)) {
        Some(1) => Some("{{ loop.index }}"),
        Some(n) if n == found.len() && n > 1 => Some("{{ loop.revindex }}"),
        _ => None,
    };
    let line_template = match sample {
        Some((l, n)) => line_template(l, n, numbering),
        None => "- [{{ note.title }}]({{ note.url }})".to_owned(),
    };
    // In groups, the numbers count within each group: as the first group's do.
    let mut runs: Vec<Vec<Option<usize>>> = Vec::new();
    for (k, (i, l)) in found.iter().enumerate() {
        if k == 0 || found[k - 1].0 + 1 != *i {
            runs.push(Vec::new());
        }
        if let Some(r) = runs.last_mut() {
            r.push(item_number(l));
        }
    }
    // Most lines numbered by their place in their run, counting up or down.
    let fits = |up: bool| {
        let ok: usize = runs
            .iter()
            .map(|r| (0..r.len()).filter(|&i| r[i] == Some(if up { i + 1 } else { r.len() - i })).count())
            .sum();
        ok * 10 >= found.len() * 8
    };
    let group_numbering = if fits(true) {
        Some("{{ loop.index }}")
    } else if fits(false) {
        Some("{{ loop.revindex }}")
    } else {
        None
    };
    let group_line = match sample {
        Some((l, n)) if group_numbering.is_some() => self::line_template(l, n, group_numbering),
        _ => line_template.clone(),
    };
    let (filter, topic_filter, count_var) = if set_names.len() > 1 {
        let name = quote(&set_names[set]);
        (format!(" if note.set == {name}"), format!(" if topic.set == {name}"), format!("set_counts[{name}]"))
    } else {
        (String::new(), String::new(), "count".to_owned())
    };

    // Order of the linked notes as listed.
    let listed: Vec<&IndexNote> = found.iter().filter_map(|(_, l)| l.note.map(|n| &notes[n])).collect();
    let dates: Vec<NaiveDate> = listed.iter().filter_map(|n| n.date).collect();
    // Mostly newest first: a hand-made list may have a line out of place.
    fn mostly_descending<T: PartialOrd>(v: &[T]) -> bool {
        let down = v.windows(2).filter(|w| w[0] > w[1]).count();
        let up = v.windows(2).filter(|w| w[0] < w[1]).count();
        v.len() >= 2 && down > up
    }
    let descending_dates = mostly_descending(&dates);
    let numbers: Vec<u64> = listed.iter().filter_map(|n| n.n_text.as_deref()?.parse().ok()).collect();
    let descending_numbers = mostly_descending(&numbers);
    let order = if descending_dates || (dates.is_empty() && descending_numbers) {
        Order::Descending
    } else {
        Order::Ascending
    };

    let html = found.iter().all(|(_, l)| l.html.is_some());
    let note_lines: Vec<(usize, String)> = found
        .iter()
        .filter(|(_, l)| l.note.is_some())
        .map(|(i, l)| (i + 1, l.content.trim_end().to_owned()))
        .collect();
    // Grouped by year, or year and month: the headings name the groups' dates.
    let years =
        if set_names.len() > 1 { format!("set_years[{}]", quote(&set_names[set])) } else { "years".into() };
    let dated: Vec<(usize, Option<NaiveDate>)> = found.iter().map(|(i, l)| (*i, l.date)).collect();
    if dated.iter().any(|(_, d)| d.is_some())
        && let Some(d) = dates::date_groups(&all, &code, &dated, &years, &group_line)
    {
        let order_words = match order {
            Order::Descending => "newest first",
            Order::Ascending => "oldest first",
        };
        // A count line above the groups (`_365 days written_`) is part of the index.
        let mut first = d.first;
        let mut template = d.template;
        let mut above = d.first;
        while above > 0 && !code[above - 1] && all[above - 1].content.trim().is_empty() {
            above -= 1;
        }
        if above > 0 && !code[above - 1] && is_count_line(all[above - 1].content.trim()) {
            first = above - 1;
            let blank = "\n".repeat(d.first - above);
            template =
                format!("{}\n{blank}{template}", count_template(all[first].content.trim_end(), &count_var));
        }
        return Some(FoundIndex {
            lines: all[first].start..all[d.last].end,
            set,
            linked,
            template,
            order,
            latest: None,
            topics: BTreeMap::new(),
            description: format!("{}, {order_words}", d.description),
            html,
            note_lines,
        });
    }

    let mut topics = BTreeMap::new();
    let (template, description) = if let Some(level) = group_level {
        // Groups: each heading's notes should share a folder.
        let mut heading: Option<&str> = None;
        let mut ok = true;
        // The headings in the README's order, and the titles listed under each.
        let mut headings: Vec<&str> = Vec::new();
        let mut listed_titles: Vec<Vec<String>> = Vec::new();
        for i in start..=last {
            if code[i] {
                continue;
            }
            if heading_level(all[i].content) == Some(level) {
                let h = all[i].content.trim_start().trim_start_matches('#').trim();
                heading = Some(h);
                headings.push(h);
                listed_titles.push(Vec::new());
                continue;
            }
            if let Some((_, l)) = found.iter().find(|(j, _)| *j == i)
                && let Some(n) = l.note
            {
                if let Some(t) = listed_titles.last_mut() {
                    t.push(notes[n].title.to_lowercase());
                }
                let folder = &notes[n].folder;
                match (heading, topics.get(folder)) {
                    (Some(h), Some(prev)) if prev != h => ok = false,
                    (Some(h), None) => {
                        topics.insert(folder.clone(), h.to_owned());
                    }
                    _ => {}
                }
            }
        }
        if !ok {
            topics.clear();
        }
        // Topics come sorted by title and their notes by title: a README
        // listing both the other way round (newest reviews first) is reversed.
        let mut sorted = headings.clone();
        sorted.sort_by_key(|h| h.to_lowercase());
        let reversed_topics =
            headings.len() > 1 && headings != sorted && headings.iter().rev().eq(sorted.iter());
        let topic_list = if reversed_topics { "topics | reverse" } else { "topics" };
        let (down, up) = listed_titles
            .iter()
            .flat_map(|t| t.windows(2))
            .fold((0, 0), |(d, u), w| (d + usize::from(w[0] > w[1]), u + usize::from(w[0] < w[1])));
        let topic_notes = if down > up { "topic.notes | reverse" } else { "topic.notes" };
        let hashes = "#".repeat(level);
        let mut t = String::new();
        if let Some(c) = count_line {
            t.push_str(&count_template(all[c].content.trim_end(), &count_var));
            t.push_str("\n\n");
        }
        if let Some(&c) = categories.first() {
            let content = all[c].content;
            let prefix = &content[..content.find('[').unwrap_or(0)];
            t.push_str(&format!(
                "{{% for topic in {topic_list}{topic_filter} %}}\n{prefix}[{{{{ topic.title }}}}](#{{{{ topic.anchor }}}})\n{{% endfor %}}\n\n"
            ));
        }
        t.push_str(&format!(
            "{{% for topic in {topic_list}{topic_filter} %}}\n{hashes} {{{{ topic.title }}}}\n\n{{% for note in {topic_notes} %}}\n{line_template}\n{{% endfor %}}\n\n{{% endfor %}}\n"
        ));
        let groups = topics.len();
        (t, format!("{linked} links to notes in {groups} groups under `{hashes}` headings, by title"))
    } else {
        // The newest few only: every note listed is among the newest (one
        // missing from the list allowed), and many are not listed.
        let mut set_dates: Vec<NaiveDate> =
            notes.iter().filter(|n| n.set == set).filter_map(|n| n.date).collect();
        set_dates.sort_unstable_by(|a, b| b.cmp(a));
        let newest_enough =
            set_dates.get(linked).is_none_or(|threshold| dates.iter().all(|d| d >= threshold));
        let few = dates.len() == listed.len() && descending_dates && linked + 2 <= set_count && newest_enough;
        let list = if few { "newest_first" } else { "notes" };
        let mut t = String::new();
        if let Some(c) = count_line {
            t.push_str(&count_template(all[c].content.trim_end(), &count_var));
            t.push_str("\n\n");
        }
        if few {
            t.push_str(&format!(
                "{{% for note in {list}{filter} %}}\n{{% if loop.index <= {linked} %}}\n{line_template}\n{{% endif %}}\n{{% endfor %}}\n"
            ));
        } else {
            t.push_str(&format!("{{% for note in {list}{filter} %}}\n{line_template}\n{{% endfor %}}\n"));
        }
        let how = match (few, order) {
            (true, _) => format!("the newest {linked} notes, newest first"),
            (false, Order::Descending) => format!("a list of {linked} notes, newest first"),
            (false, Order::Ascending) => format!("a list of {linked} notes, oldest first"),
        };
        (t, how)
    };
    let latest = None;
    Some(FoundIndex { lines, set, linked, template, order, latest, topics, description, html, note_lines })
}

/// The first `[text](dest)` of a line: its range, text and destination, and
/// whether the destination is written in `<...>`. A bare destination ends at
/// the `)` that balances the opening one, so raw parentheses and spaces
/// (`2023 (Semester 5)/x.md`, not a link to CommonMark but meant as one) are
/// read as the path they spell; a `"title"` after it is left out.
fn first_link(line: &str) -> Option<(Range<usize>, &str, &str, bool)> {
    let mut from = 0;
    while let Some(open) = line[from..].find('[').map(|i| from + i) {
        let close = open + line[open..].find("](")?;
        let text = &line[open + 1..close];
        if text.contains('[') {
            from = open + 1;
            continue;
        }
        let dest_start = close + 2;
        let rest = &line[dest_start..];
        if let Some(inner) = rest.strip_prefix('<') {
            let gt = inner.find('>')?;
            let paren = inner[gt + 1..].find(')')?;
            return Some((open..dest_start + 1 + gt + 1 + paren + 1, text, &inner[..gt], true));
        }
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let end = end?;
        let mut dest = rest[..end].trim();
        if let Some(q) = dest.strip_suffix('"').and_then(|d| d.rfind(" \"")) {
            dest = dest[..q].trim_end();
        }
        return Some((open..dest_start + end + 1, text, dest, false));
    }
    None
}

/// The first `<a href="...">text</a>` of a line: its range, and the ranges
/// of its `href` value and its text.
fn first_html_link(line: &str) -> Option<(Range<usize>, Range<usize>, Range<usize>)> {
    let lower = line.to_ascii_lowercase();
    let open = lower.find("<a ")?;
    let tag_end = open + lower[open..].find('>')?;
    let h = open + lower[open..tag_end].find("href=")? + "href=".len();
    let quote = *line.as_bytes().get(h)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let href_start = h + 1;
    let href_end = href_start + line[href_start..tag_end].find(quote as char)?;
    let text_start = tag_end + 1;
    let text_end = text_start + lower[text_start..].find("</a>")?;
    Some((open..text_end + "</a>".len(), href_start..href_end, text_start..text_end))
}

/// A link destination as a repository-relative path, when it is a local file.
fn resolve(dest: &str, readme_dir: &str) -> Option<String> {
    if dest.starts_with('#') || dest.contains("://") || dest.starts_with("mailto:") {
        return None;
    }
    let dest = dest.split('#').next()?;
    let decoded = crate::util::percent::percent_decode(dest);
    let rel = decoded.trim_start_matches("./");
    let joined = if readme_dir.is_empty() { rel.to_owned() } else { format!("{readme_dir}/{rel}") };
    let lower = joined.to_ascii_lowercase();
    (lower.ends_with(".md") || lower.ends_with(".markdown")).then_some(joined)
}

fn is_anchor_list_line(line: &str) -> bool {
    let t = line.trim_start_matches(['-', '*', '+', ' ']);
    t.starts_with('[') && t.contains("](#")
}

/// `_1234 TILs and counting..._`, `**42 notes**`, `42 posts so far`.
fn is_count_line(line: &str) -> bool {
    let t = line.trim_start_matches(['_', '*', ' ']);
    let digits = t.bytes().take_while(|b| b.is_ascii_digit() || *b == b',').count();
    digits > 0 && t[digits..].starts_with(' ') && line.len() < 80
}

/// The count line with its number as `{{ count }}`.
fn count_template(line: &str, count: &str) -> String {
    let lead = line.len() - line.trim_start_matches(['_', '*', ' ']).len();
    let digits = line[lead..].bytes().take_while(|b| b.is_ascii_digit() || *b == b',').count();
    format!("{}{{{{ {count} }}}}{}", escape(&line[..lead]), escape(&line[lead + digits..]))
}

/// The template of one index line, from a line linking `note`.
fn line_template(l: &LinkLine<'_>, note: &IndexNote, numbering: Option<&str>) -> String {
    let prefix = &l.content[..l.link.start];
    let lead = prefix.len() - prefix.trim_start().len();
    let digits = prefix[lead..].bytes().take_while(u8::is_ascii_digit).count();
    let (number, prefix) = match numbering {
        Some(var) if digits > 0 => (format!("{}{var}", &prefix[..lead]), &prefix[lead + digits..]),
        _ => (String::new(), prefix),
    };
    let suffix = &l.content[l.link.end..];
    if let Some((href, text)) = &l.html {
        let text_var = if l.text == super::template::html_escape(&note.title) {
            "{{ note.title|html }}"
        } else {
            note.date.and_then(|d| date_text(l.text, d)).unwrap_or("{{ note.title|html }}")
        };
        let decoded = crate::util::percent::percent_decode(l.dest);
        let path = if l.dest != decoded { "{{ note.url }}" } else { "{{ note.path|html }}" };
        let href_value = l.dest.strip_prefix("./").map_or(path.to_owned(), |_| format!("./{path}"));
        return format!(
            "{number}{}{}{href_value}{}{text_var}{}{}",
            text_with_vars(prefix, note),
            escape(&l.content[l.link.start..href.start]),
            escape(&l.content[href.end..text.start]),
            escape(&l.content[text.end..l.link.end]),
            text_with_vars(suffix, note)
        );
    }
    let text = if l.text == note.title {
        "{{ note.title }}".to_owned()
    } else if let Some(lead) = note.title.strip_suffix(l.text).filter(|_| !l.text.is_empty()) {
        format!("{{{{ note.title | replace({}, \"\") }}}}", expr_with_n(lead, note))
    } else if let Some(t) = note.date.and_then(|d| date_text(l.text, d)) {
        t.to_owned()
    } else {
        "{{ note.title }}".to_owned()
    };
    let bare = l.dest.strip_prefix("./").unwrap_or(l.dest);
    let decoded = crate::util::percent::percent_decode(bare);
    let path = if l.angle {
        "<{{ note.path }}>"
    } else if bare == crate::util::percent::percent_encode_path(&decoded) {
        "{{ note.url }}"
    } else if bare == super::links::md_dest(&decoded) || bare == decoded {
        // Encoded only where Markdown needs it, or not at all (raw spaces,
        // which no renderer takes for a link): only what Markdown needs.
        "{{ note.path | md_dest }}"
    } else {
        "{{ note.url }}"
    };
    let dot = if l.dest.starts_with("./") { "./" } else { "" };
    let dest = format!("{dot}{path}");
    format!("{number}{}[{text}]({dest}){}", text_with_vars(prefix, note), text_with_vars(suffix, note))
}

/// The usual ways to spell a date, and the template of each.
const DATE_FORMS: [(&str, &str); 12] = [
    ("%Y-%m-%d", "{{ note.date }}"),
    ("%Y/%m/%d", "{{ note.year }}/{{ note.mm }}/{{ note.dd }}"),
    ("%Y.%m.%d", "{{ note.year }}.{{ note.mm }}.{{ note.dd }}"),
    ("%Y_%m_%d", "{{ note.year }}_{{ note.mm }}_{{ note.dd }}"),
    ("%Y%m%d", "{{ note.year }}{{ note.mm }}{{ note.dd }}"),
    ("%B %-d, %Y", "{{ note.month | month_name(\"en\") }} {{ note.day }}, {{ note.year }}"),
    ("%b %-d, %Y", "{{ (note.month | month_name(\"en\"))[:3] }} {{ note.day }}, {{ note.year }}"),
    ("%-d %B %Y", "{{ note.day }} {{ note.month | month_name(\"en\") }} {{ note.year }}"),
    ("%-d %b %Y", "{{ note.day }} {{ (note.month | month_name(\"en\"))[:3] }} {{ note.year }}"),
    ("%Y年%-m月%-d日", "{{ note.year }}年{{ note.month }}月{{ note.day }}日"),
    ("%d.%m.%Y", "{{ note.dd }}.{{ note.mm }}.{{ note.year }}"),
    ("%m/%d/%Y", "{{ note.mm }}/{{ note.dd }}/{{ note.year }}"),
];

/// The template of a link text that spells the note's date, in one of the
/// usual forms.
fn date_text(text: &str, d: NaiveDate) -> Option<&'static str> {
    DATE_FORMS.iter().find(|(f, _)| d.format(f).to_string() == text).map(|(_, t)| *t)
}

/// Literal text with the note's title (after a date-like link text: `[2024-01-02](...) A walk`),
/// number and date as variables.
fn text_with_vars(s: &str, note: &IndexNote) -> String {
    let mut out = escape(s);
    // Short titles (`Log`) may be words of the line's own text.
    if note.title.chars().count() >= 4 && out == s && out.contains(note.title.as_str()) {
        out = out.replacen(note.title.as_str(), "{{ note.title }}", 1);
    }
    if let Some(n) = &note.n_text
        && !n.is_empty()
    {
        // The number as the path writes it (`062`), else unpadded (`day01.md` listed as `| 1 |`);
        // a whole number only, not digits of another (`2021`).
        let unpadded = n.trim_start_matches('0');
        let unpadded = if unpadded.is_empty() { "0" } else { unpadded };
        let replaced = replace_number(&out, n, "{{ note.n_text }}");
        out = if replaced != out || unpadded == n {
            replaced
        } else {
            replace_number(&out, unpadded, "{{ note.n }}")
        };
    }
    // The note's date in the line's text, in the first form it is spelled in
    // (`%b` is `Sep`, never `Sept`: chrono's and the template's three letters agree).
    if let Some(d) = note.date
        && let Some((spelled, t)) = DATE_FORMS
            .iter()
            .map(|(f, t)| (d.format(f).to_string(), t))
            .find(|(x, _)| out.contains(x.as_str()))
    {
        out = out.replace(&spelled, t);
    }
    out
}

/// `s` with every whole run of digits that is `digits` replaced by `with`.
fn replace_number(s: &str, digits: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(digits) {
        let end = i + digits.len();
        let before = rest[..i].bytes().next_back().is_some_and(|b| b.is_ascii_digit());
        let after = rest[end..].bytes().next().is_some_and(|b| b.is_ascii_digit());
        out.push_str(&rest[..i]);
        out.push_str(if before || after { &rest[i..end] } else { with });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A minijinja string expression for `s` with the note's number as a variable.
fn expr_with_n(s: &str, note: &IndexNote) -> String {
    match note.n_text.as_deref().filter(|n| !n.is_empty() && s.contains(*n)) {
        Some(n) => s.split(n).map(quote).collect::<Vec<_>>().join(" ~ note.n_text ~ "),
        None => quote(s),
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text that holds no template syntax.
fn escape(s: &str) -> String {
    if s.contains("{{") || s.contains("{%") || s.contains("{#") {
        format!("{{{{ {} }}}}", quote(s))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests;
