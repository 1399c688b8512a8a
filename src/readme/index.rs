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
        let Some((link, ltext, dest, angle)) = first_link(line.content) else { continue };
        let Some(path) = resolve(dest, readme_dir) else { continue };
        let (note, set, date) = match by_path.get(path.as_str()) {
            Some(&n) => (Some(n), notes[n].set, notes[n].date),
            None => match claims(&path) {
                Some((s, d)) => (None, s, d),
                None => continue,
            },
        };
        found.push((i, LinkLine { content: line.content, note, set, date, link, text: ltext, dest, angle }));
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
    let first_run = found.windows(2).take_while(|w| w[1].0 == w[0].0 + 1).count() + 1;
    let group_numbering = match found.first().and_then(|(_, l)| item_number(l)) {
        Some(1) if first_run > 1 || found.len() == 1 => Some("{{ loop.index }}"),
        Some(n) if n == first_run => Some("{{ loop.revindex }}"),
        _ => None,
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
        return Some(FoundIndex {
            lines: all[d.first].start..all[d.last].end,
            set,
            linked,
            template: d.template,
            order,
            latest: None,
            topics: BTreeMap::new(),
            description: format!("{}, {order_words}", d.description),
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
    Some(FoundIndex { lines, set, linked, template, order, latest, topics, description })
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

/// A link destination as a repository-relative path, when it is a local file.
fn resolve(dest: &str, readme_dir: &str) -> Option<String> {
    if dest.starts_with('#') || dest.contains("://") || dest.starts_with("mailto:") {
        return None;
    }
    let dest = dest.split('#').next()?;
    let decoded = crate::util::percent::percent_decode(dest);
    let rel = decoded.trim_start_matches("./");
    let joined = if readme_dir.is_empty() { rel.to_owned() } else { format!("{readme_dir}/{rel}") };
    joined.to_ascii_lowercase().ends_with(".md").then_some(joined)
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

/// The template of a link text that spells the note's date, in one of the
/// usual forms.
fn date_text(text: &str, d: NaiveDate) -> Option<&'static str> {
    const FORMS: [(&str, &str); 5] = [
        ("%Y-%m-%d", "{{ note.date }}"),
        ("%Y/%m/%d", "{{ note.year }}/{{ note.mm }}/{{ note.dd }}"),
        ("%Y.%m.%d", "{{ note.year }}.{{ note.mm }}.{{ note.dd }}"),
        ("%Y_%m_%d", "{{ note.year }}_{{ note.mm }}_{{ note.dd }}"),
        ("%Y%m%d", "{{ note.year }}{{ note.mm }}{{ note.dd }}"),
    ];
    FORMS.iter().find(|(f, _)| d.format(f).to_string() == text).map(|(_, t)| *t)
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
        out = out.replace(n.as_str(), "{{ note.n_text }}");
    }
    if let Some(d) = note.date {
        out = out.replace(&d.format("%Y-%m-%d").to_string(), "{{ note.date }}");
    }
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
mod tests {
    use super::*;

    fn note(
        path: &str,
        title: &str,
        date: Option<(i32, u32, u32)>,
        folder: &str,
        n: Option<&str>,
    ) -> IndexNote {
        IndexNote {
            path: path.into(),
            title: title.into(),
            date: date.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
            set: 0,
            folder: folder.into(),
            n_text: n.map(str::to_owned),
        }
    }

    #[test]
    fn a_til_readme_by_topic() {
        let readme = "# TIL\n\n> Things I learned\n\n_3 TILs and counting..._\n\n- [AWS](#aws)\n- [Git](#git)\n\n### AWS\n\n- [Assume a role](aws/assume-role.md)\n- [S3 sync](aws/s3-sync.md)\n\n### Git\n\n- [Rebase](git/rebase.md)\n\n## About\n\nMe.\n";
        let notes = vec![
            note("aws/assume-role.md", "Assume a role", None, "aws", None),
            note("aws/s3-sync.md", "S3 sync", None, "aws", None),
            note("git/rebase.md", "Rebase", None, "git", None),
        ];
        let f = find_index(readme, "", &notes, &["til".into()], &|_| None).unwrap();
        assert_eq!(
            &readme[f.lines.clone()],
            "_3 TILs and counting..._\n\n- [AWS](#aws)\n- [Git](#git)\n\n### AWS\n\n- [Assume a role](aws/assume-role.md)\n- [S3 sync](aws/s3-sync.md)\n\n### Git\n\n- [Rebase](git/rebase.md)\n"
        );
        assert_eq!(f.linked, 3);
        assert!(
            f.template.starts_with(
                "_{{ count }} TILs and counting..._\n\n{% for topic in topics %}\n- [{{ topic.title }}]"
            ),
            "{}",
            f.template
        );
        assert_eq!(f.topics.get("aws").map(String::as_str), Some("AWS"));
    }

    #[test]
    fn numbered_weekly_notes_newest_first_with_text_around_the_link() {
        let readme = "# Notes\n\n* WEEK063 - [Three](./notes/week063-c/README.md)\n* WEEK062 - [Two](./notes/week062-b/README.md)\n\nBye\n";
        let notes = vec![
            note("notes/week062-b/README.md", "WEEK062 - Two", None, "week062-b", Some("062")),
            note("notes/week063-c/README.md", "WEEK063 - Three", None, "week063-c", Some("063")),
        ];
        let f = find_index(readme, "", &notes, &["notes".into()], &|_| None).unwrap();
        assert_eq!(f.order, Order::Descending);
        assert_eq!(
            &readme[f.lines.clone()],
            "* WEEK063 - [Three](./notes/week063-c/README.md)\n* WEEK062 - [Two](./notes/week062-b/README.md)\n"
        );
        assert!(
            f.template.contains("* WEEK{{ note.n_text }} - [{{ note.title | replace(\"WEEK\" ~ note.n_text ~ \" - \", \"\") }}](./{{ note.url }})"),
            "{}",
            f.template
        );
    }

    #[test]
    fn the_newest_posts_and_a_dead_link() {
        let readme = "## Latest\n\n- [C](_posts/2024-01-03-c.md) 2024-01-03\n- [B](_posts/2024-01-02-b.md) 2024-01-02\n- [Gone](_posts/2024-01-01-gone.md) 2024-01-01\n";
        let mut notes = vec![
            note("_posts/2024-01-03-c.md", "C", Some((2024, 1, 3)), "", None),
            note("_posts/2024-01-02-b.md", "B", Some((2024, 1, 2)), "", None),
        ];
        for d in 1..=5 {
            notes.push(note(&format!("_posts/2023-12-0{d}-x.md"), "X", Some((2023, 12, d)), "", None));
        }
        let claims = |p: &str| p.starts_with("_posts/").then_some((0, None));
        let f = find_index(readme, "", &notes, &["posts".into()], &claims).unwrap();
        assert_eq!(f.linked, 3);
        assert!(f.template.contains("{% for note in newest_first %}"), "{}", f.template);
        assert!(f.template.contains("{% if loop.index <= 3 %}"), "{}", f.template);
        assert!(
            f.template.contains("- [{{ note.title }}]({{ note.url }}) {{ note.date }}"),
            "{}",
            f.template
        );
        assert_eq!(f.order, Order::Descending);
    }

    /// `find_index` on `readme` (linking notes made by `sample_note`, dated
    /// `dates`), then the template it infers rendered over those notes: the
    /// index must come out as written.
    fn round_trip(readme: &str, dates: &[(i32, u32, u32)]) -> FoundIndex {
        use crate::readme::data::{Context, sample_note};
        let mut data: Vec<_> = dates.iter().map(|&(y, m, d)| sample_note(y, m, d, 1, "N")).collect();
        data.sort_by(|a, b| a.date.cmp(&b.date));
        let notes: Vec<IndexNote> = data
            .iter()
            .map(|n| {
                let (y, m, d) = (n.year.unwrap(), n.month.unwrap(), n.day.unwrap());
                note(&n.path, &n.title, Some((y, m, d)), &n.folder, None)
            })
            .collect();
        let f = find_index(readme, "", &notes, &["notes".into()], &|_| None).expect("an index");
        let mut templates = BTreeMap::new();
        templates.insert("history".to_owned(), f.template.clone());
        let t = crate::readme::template::Templates::new(&templates).unwrap();
        let ctx = Context::new(data, String::new(), f.order).unwrap().value();
        let out = t.render(markers::RegionName::History, &ctx).unwrap();
        assert_eq!(out, readme[f.lines.clone()], "template:\n{}", f.template);
        f
    }

    fn link(y: i32, m: u32, d: u32) -> String {
        format!("- [N（{y}.{m}.{d}）](notes/{y:04}{m:02}/{m:02}{d:02}.md)\n")
    }

    #[test]
    fn a_heading_per_month_naming_month_and_year_oldest_first() {
        let readme = format!(
            "# Log\n\n## March 2023\n\n{}{}\n## April 2023\n\n{}\n## January 2024\n\n{}\n## Other\n",
            link(2023, 3, 1),
            link(2023, 3, 9),
            link(2023, 4, 2),
            link(2024, 1, 5)
        );
        let f = round_trip(&readme, &[(2023, 3, 1), (2023, 3, 9), (2023, 4, 2), (2024, 1, 5)]);
        assert_eq!(f.order, Order::Ascending);
        assert!(
            f.template.contains("## {{ month.month | month_name(\"en\") }} {{ year.year }}"),
            "{}",
            f.template
        );
    }

    #[test]
    fn numeric_months_under_years_and_french_names() {
        let readme = format!(
            "# Log\n\n## 2024\n\n### 2024-02\n\n{}\n### 2024-01\n\n{}{}\n## 2023\n\n### 2023-11\n\n{}",
            link(2024, 2, 1),
            link(2024, 1, 9),
            link(2024, 1, 2),
            link(2023, 11, 30)
        );
        let f = round_trip(&readme, &[(2024, 2, 1), (2024, 1, 9), (2024, 1, 2), (2023, 11, 30)]);
        assert_eq!(f.order, Order::Descending);
        assert!(f.template.contains("### {{ year.year }}-{{ month.mm }}"), "{}", f.template);
        let readme = format!(
            "# Journal\n\n<details><summary>Année 2024</summary>\n\n#### Mars\n\n{}\n#### Février\n\n{}\n</details>\n<details><summary>Année 2023</summary>\n\n#### Août\n\n{}\n</details>\n\nFin.\n",
            link(2024, 3, 1),
            link(2024, 2, 9),
            link(2023, 8, 2)
        );
        let f = round_trip(&readme, &[(2024, 3, 1), (2024, 2, 9), (2023, 8, 2)]);
        assert!(
            f.template.contains("#### {{ month.month | month_name(\"fr\") | capitalize }}"),
            "{}",
            f.template
        );
        assert!(f.template.contains("<details><summary>Année {{ year.year }}</summary>"), "{}", f.template);
    }

    #[test]
    fn years_only_and_abbreviated_months() {
        let readme = format!(
            "# Log\n\n### 2024\n\n{}{}\n### 2023\n\n{}\nBye\n",
            link(2024, 3, 1),
            link(2024, 1, 9),
            link(2023, 8, 2)
        );
        let f = round_trip(&readme, &[(2024, 3, 1), (2024, 1, 9), (2023, 8, 2)]);
        assert!(f.description.contains("grouped by year,"), "{}", f.description);
        let readme =
            format!("# Log\n\n## Sep 2024\n{}\n## Aug 2024\n{}", link(2024, 9, 1), link(2024, 8, 9),);
        let f = round_trip(&readme, &[(2024, 9, 1), (2024, 8, 9)]);
        assert!(f.template.contains("(month.month | month_name(\"en\"))[:3]"), "{}", f.template);
    }

    #[test]
    fn numbered_within_each_group() {
        let num = |n: usize, y: i32, m: u32, d: u32| link(y, m, d).replacen("- ", &format!("{n}. "), 1);
        let readme = format!(
            "# Log\n\n<details>\n<summary>2024</summary>\n\n#### January\n\n{}{}\n</details>\n\n<details>\n<summary>2023</summary>\n\n#### December\n\n{}\n</details>\n",
            num(2, 2024, 1, 5),
            num(1, 2024, 1, 2),
            num(1, 2023, 12, 30)
        );
        let f = round_trip(&readme, &[(2024, 1, 5), (2024, 1, 2), (2023, 12, 30)]);
        assert!(f.template.contains("{{ loop.revindex }}. ["), "{}", f.template);
    }

    #[test]
    fn chinese_year_and_month_numbers() {
        let readme = format!(
            "# 笔记\n\n### 2024年\n\n#### 2月\n\n{}\n#### 1月\n\n{}\n### 2023年\n\n#### 12月\n\n{}",
            link(2024, 2, 1),
            link(2024, 1, 9),
            link(2023, 12, 30)
        );
        let f = round_trip(&readme, &[(2024, 2, 1), (2024, 1, 9), (2023, 12, 30)]);
        assert!(f.template.contains("#### {{ month.month }}月"), "{}", f.template);
    }
}
