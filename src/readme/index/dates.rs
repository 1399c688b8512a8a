//! A hand-made index grouped by year, or by year and month: `## 2024` then
//! `### January` (or `### Januar`, `### 2024-01`, `### 1月`), a
//! `<details><summary>2024</summary>` per year, a heading per month
//! (`## March 2024`). The groups are runs of index lines; what separates two
//! runs is a month's footer and the next month's header, or at a new year
//! the month's and the year's footers and the next year's and month's
//! headers. Each header line is read for the group's year and month (as a
//! number, zero-padded or not, or a month name of a known language, as
//! written, capitalized, in capitals or cut to three letters), one
//! separator is taken for the template and every other must render the same
//! from it, or the index is not taken for a grouped one.

use chrono::{Datelike, NaiveDate};

use crate::readme::data::MONTH_NAMES;
use crate::readme::markers::Line;

/// A grouped index: the lines it spans and its template.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DateIndex {
    /// First and last line (indexes into the README's lines), inclusive.
    pub first: usize,
    pub last: usize,
    pub template: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    AsIs,
    Capitalize,
    Upper,
    Lower,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    Year,
    /// Zero-padded.
    Mm,
    Month,
    Name {
        lang: usize,
        case: Case,
        abbr: bool,
    },
}

type GLine = Vec<Part>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ym(i32, u32);

fn render_line(l: &GLine, ym: Ym) -> String {
    let mut out = String::new();
    for p in l {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Year => out.push_str(&ym.0.to_string()),
            Part::Mm => out.push_str(&format!("{:02}", ym.1)),
            Part::Month => out.push_str(&ym.1.to_string()),
            Part::Name { lang, case, abbr } => {
                let full = MONTH_NAMES[*lang].1[(ym.1 as usize).clamp(1, 12) - 1];
                let name: String = if *abbr { full.chars().take(3).collect() } else { full.to_owned() };
                out.push_str(&apply_case(&name, *case));
            }
        }
    }
    out
}

fn apply_case(s: &str, case: Case) -> String {
    match case {
        Case::AsIs => s.to_owned(),
        Case::Upper => s.to_uppercase(),
        Case::Lower => s.to_lowercase(),
        Case::Capitalize => {
            let lower = s.to_lowercase();
            let mut c = lower.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

fn line_template(l: &GLine) -> String {
    let mut out = String::new();
    for p in l {
        match p {
            Part::Lit(s) => out.push_str(&super::escape(s)),
            Part::Year => out.push_str("{{ year.year }}"),
            Part::Mm => out.push_str("{{ month.mm }}"),
            Part::Month => out.push_str("{{ month.month }}"),
            Part::Name { lang, case, abbr } => {
                let name = format!("month.month | month_name(\"{}\")", MONTH_NAMES[*lang].0);
                let name = if *abbr { format!("({name})[:3]") } else { name };
                let case = match case {
                    Case::AsIs => "",
                    Case::Capitalize => " | capitalize",
                    Case::Upper => " | upper",
                    Case::Lower => " | lower",
                };
                out.push_str(&format!("{{{{ {name}{case} }}}}"));
            }
        }
    }
    out
}

/// Runs of digits, runs of letters, and the rest one character at a time.
fn words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let class = |c: char| {
        if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            0
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if let Some(p) = prev
            && (p != k || k == 0)
        {
            out.push(&s[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// How `word` spells month `m` in language `lang`, if it does.
fn name_match(word: &str, m: u32, lang: usize) -> Option<(Case, bool)> {
    let full = MONTH_NAMES[lang].1[(m as usize).clamp(1, 12) - 1];
    let short: String = full.chars().take(3).collect();
    for (name, abbr) in [(full.to_owned(), false), (short, true)] {
        if abbr && name.chars().count() == full.chars().count() {
            continue;
        }
        for case in [Case::AsIs, Case::Capitalize, Case::Upper, Case::Lower] {
            if apply_case(&name, case) == word {
                return Some((case, abbr));
            }
        }
    }
    None
}

/// What of `ym` a line spells: the year, the month.
fn marks(line: &str, ym: Ym, lang: Option<usize>) -> (bool, bool) {
    let year = ym.0.to_string();
    let mut has_year = false;
    let mut has_month = false;
    for w in words(line) {
        if w == year {
            has_year = true;
        } else if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) && w.parse() == Ok(ym.1) {
            has_month = true;
        } else if let Some(l) = lang
            && name_match(w, ym.1, l).is_some()
        {
            has_month = true;
        }
    }
    (has_year, has_month)
}

fn generalize(line: &str, ym: Ym, month: bool, lang: Option<usize>) -> GLine {
    let year = ym.0.to_string();
    let mut out: GLine = Vec::new();
    let push_lit = |out: &mut GLine, s: &str| match out.last_mut() {
        Some(Part::Lit(l)) => l.push_str(s),
        _ => out.push(Part::Lit(s.to_owned())),
    };
    for w in words(line) {
        let digits = w.bytes().all(|b| b.is_ascii_digit()) && !w.is_empty();
        if w == year {
            out.push(Part::Year);
        } else if month && digits && w.len() == 2 && w.parse() == Ok(ym.1) && w.starts_with('0') {
            out.push(Part::Mm);
        } else if month && digits && w.len() <= 2 && w.parse() == Ok(ym.1) {
            out.push(if w.len() == 2 && ym.1 < 10 { Part::Mm } else { Part::Month });
        } else if month
            && let Some(l) = lang
            && let Some((case, abbr)) = name_match(w, ym.1, l)
        {
            out.push(Part::Name { lang: l, case, abbr });
        } else {
            push_lit(&mut out, w);
        }
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// A line of HTML tags only, opening (`<details>`, `<pre><details open>`) or closing.
fn tags_only(s: &str, closing: bool) -> bool {
    let mut t = s.trim();
    if t.is_empty() {
        return false;
    }
    while !t.is_empty() {
        if !t.starts_with('<') || t.starts_with("</") != closing {
            return false;
        }
        let Some(end) = t.find('>') else { return false };
        t = t[end + 1..].trim_start();
    }
    true
}

/// A separator between two runs, cut in footer (of the run before) and header (of the next).
struct Cut {
    footer: Vec<String>,
    /// The year's header, then the month's.
    year_header: Vec<String>,
    month_header: Vec<String>,
}

fn cut(lines: &[&str], next: Ym, lang: Option<usize>, month_level: bool) -> Option<Cut> {
    let mk: Vec<(bool, bool)> = lines.iter().map(|l| marks(l, next, lang)).collect();
    let mut f = mk.iter().position(|(y, m)| *y || *m)?;
    while f > 0 && tags_only(lines[f - 1], false) {
        f -= 1;
    }
    let mut footer_end = f;
    while footer_end > 0 && is_blank(lines[footer_end - 1]) {
        footer_end -= 1;
    }
    let header = &lines[footer_end..];
    let hmk = &mk[footer_end..];
    let k = if month_level {
        let first_marker = hmk.iter().position(|(y, m)| *y || *m)?;
        let mut k = hmk.iter().position(|(_, m)| *m)?;
        if k > first_marker {
            while k > 0 && tags_only(header[k - 1], false) {
                k -= 1;
            }
            k
        } else {
            0
        }
    } else {
        header.len()
    };
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    Some(Cut {
        footer: owned(&lines[..footer_end]),
        year_header: owned(&header[..k]),
        month_header: owned(&header[k..]),
    })
}

/// `index` holds the README line of each index line and its note's date, in order.
pub(super) fn date_groups(
    all: &[Line<'_>],
    code: &[bool],
    index: &[(usize, Option<NaiveDate>)],
    years: &str,
    note_line: &str,
) -> Option<DateIndex> {
    // Runs of index lines with only blank lines between them.
    let mut runs: Vec<(usize, usize, Vec<NaiveDate>)> = Vec::new();
    for (i, d) in index {
        let joined =
            runs.last().is_some_and(|(_, last, _)| (*last + 1..*i).all(|j| is_blank(all[j].content)));
        if !joined {
            runs.push((*i, *i, Vec::new()));
        }
        let r = runs.last_mut()?;
        r.1 = *i;
        r.2.extend(*d);
    }
    let mut yms: Vec<Ym> = Vec::with_capacity(runs.len());
    for (_, _, dates) in &runs {
        // The month most of the run's notes are from: a line out of place stays a line.
        let mut counts: Vec<(Ym, usize)> = Vec::new();
        for d in dates {
            let ym = Ym(d.year(), d.month());
            match counts.iter_mut().find(|(y, _)| *y == ym) {
                Some(c) => c.1 += 1,
                None => counts.push((ym, 1)),
            }
        }
        yms.push(counts.iter().max_by_key(|(_, c)| *c)?.0);
    }
    let text = |r: std::ops::Range<usize>| -> Option<Vec<&str>> {
        r.map(|j| (!code[j]).then_some(all[j].content)).collect()
    };
    // Lines above the first run that may be its headers.
    let first_line = runs[0].0;
    let mut lead_from = first_line;
    while lead_from > 0 && first_line - lead_from < 12 {
        let l = all[lead_from - 1].content;
        let (y, m) = marks(l, yms[0], None);
        let named = MONTH_NAMES
            .iter()
            .enumerate()
            .any(|(k, _)| words(l).iter().any(|w| name_match(w, yms[0].1, k).is_some()));
        if code[lead_from - 1] || !(is_blank(l) || y || m || named || tags_only(l, false)) {
            break;
        }
        lead_from -= 1;
    }
    let leading = text(lead_from..first_line)?;
    let gaps: Vec<Vec<&str>> =
        runs.windows(2).map(|w| text(w[0].1 + 1..w[1].0)).collect::<Option<Vec<_>>>()?;
    // The language of month names: the one most header lines spell their month in.
    let mut votes = vec![0usize; MONTH_NAMES.len()];
    for (lines, ym) in std::iter::once((&leading, yms[0])).chain(gaps.iter().zip(yms[1..].iter().copied())) {
        for l in lines.iter() {
            for (k, v) in votes.iter_mut().enumerate() {
                if words(l).iter().any(|w| name_match(w, ym.1, k).is_some()) {
                    *v += 1;
                }
            }
        }
    }
    let lang = votes
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .max_by_key(|(k, v)| (**v, std::cmp::Reverse(*k)))
        .map(|(k, _)| k);
    let month_level = std::iter::once((&leading, yms[0]))
        .chain(gaps.iter().zip(yms[1..].iter().copied()))
        .any(|(lines, ym)| lines.iter().any(|l| marks(l, ym, lang).1));
    if !month_level && yms.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let mut cuts: Vec<Option<Cut>> = Vec::new();
    for (i, g) in gaps.iter().enumerate() {
        if yms[i] == yms[i + 1] || (!month_level && yms[i].0 == yms[i + 1].0) {
            return None;
        }
        cuts.push(Some(cut(g, yms[i + 1], lang, month_level)?));
    }
    let new_year = |i: usize| yms[i].0 != yms[i + 1].0;
    // The representative separators: a month's below 10 decides padding.
    let pick = |year: bool| {
        (0..gaps.len()).filter(|i| new_year(*i) == year).min_by_key(|i| (yms[*i + 1].1 >= 10, *i))
    };
    let g = |lines: &[String], ym: Ym, month: bool| -> Vec<GLine> {
        lines.iter().map(|l| generalize(l, ym, month, lang)).collect()
    };
    let lit = |lines: &[String]| -> Vec<GLine> { lines.iter().map(|l| vec![Part::Lit(l.clone())]).collect() };
    let (mut mf, mut mh): (Option<Vec<GLine>>, Option<Vec<GLine>>) = (None, None);
    if let Some(i) = pick(false) {
        let c = cuts[i].as_ref()?;
        if !c.year_header.is_empty() {
            return None;
        }
        mf = Some(lit(&c.footer));
        mh = Some(g(&c.month_header, yms[i + 1], true));
    }
    let mut yf: Option<Vec<GLine>> = None;
    let mut yh: Option<Vec<GLine>> = None;
    let mut mh_first: Option<Vec<GLine>> = None;
    if let Some(i) = pick(true) {
        let c = cuts[i].as_ref()?;
        let footer = &c.footer;
        let split = match &mf {
            Some(m) => {
                if footer.len() < m.len() || lit(&footer[..m.len()]) != *m {
                    return None;
                }
                m.len()
            }
            None => {
                let want = c.month_header.iter().filter(|l| l.contains("<details")).count();
                let mut at = 0;
                let mut seen = 0;
                while at < footer.len() && seen < want {
                    if footer[at].contains("</details>") {
                        seen += 1;
                    }
                    at += 1;
                }
                at
            }
        };
        mf.get_or_insert_with(|| lit(&footer[..split]));
        yf = Some(lit(&footer[split..]));
        yh = Some(g(&c.year_header, yms[i + 1], false));
        mh_first = Some(g(&c.month_header, yms[i + 1], true));
    }
    // The first run's headers, from the lines above it.
    let lead_cut = cut(&leading, yms[0], lang, month_level)?;
    if !lead_cut.footer.iter().all(|l| is_blank(l)) {
        return None;
    }
    let yh_first_from_lead = g(&lead_cut.year_header, yms[0], false);
    let mh_from_lead = g(&lead_cut.month_header, yms[0], true);
    let yh = yh.unwrap_or_else(|| yh_first_from_lead.clone());
    let year_has_header = !yh.is_empty();
    let mh = match (mh, mh_first) {
        (Some(m), _) => m,
        (None, Some(m)) => m,
        (None, None) => mh_from_lead.clone(),
    };
    let mf = mf.unwrap_or_default();
    // The last run's footers, from the closing lines below it.
    let last_line = runs.last()?.1;
    let yf = match yf {
        Some(y) => y,
        None => {
            let mut end = last_line;
            let mut j = last_line + 1;
            while j < all.len() && !code[j] && (is_blank(all[j].content) || tags_only(all[j].content, true)) {
                if !is_blank(all[j].content) {
                    end = j;
                }
                j += 1;
            }
            let below: Vec<String> = (last_line + 1..=end).map(|j| all[j].content.to_owned()).collect();
            if below.len() < mf.len() || (!mf.is_empty() && lit(&below[..mf.len()]) != mf) {
                return None;
            }
            lit(&below[mf.len()..])
        }
    };
    let strip = |v: &[GLine]| -> Vec<GLine> {
        v.iter().skip_while(|l| render_line(l, Ym(2000, 1)).trim().is_empty()).cloned().collect()
    };
    let render = |v: &[GLine], ym: Ym| -> Vec<String> { v.iter().map(|l| render_line(l, ym)).collect() };
    // Every separator, the first headers and the last footers must be what the template writes.
    let expect_gap = |i: usize| -> Vec<String> {
        let next = yms[i + 1];
        let mut out = render(&mf, next);
        if new_year(i) {
            out.extend(render(&yf, next));
            out.extend(render(&yh, next));
            let m = if year_has_header { strip(&mh) } else { mh.clone() };
            out.extend(render(&m, next));
        } else {
            out.extend(render(&mh, next));
        }
        out
    };
    for (i, gap) in gaps.iter().enumerate() {
        if expect_gap(i) != *gap {
            return None;
        }
    }
    let mut head = render(&strip(&yh), yms[0]);
    head.extend(render(&strip(&mh), yms[0]));
    if head.is_empty() || head.len() > leading.len() {
        return None;
    }
    // The newest (or oldest) year alone may be open: `<details open>`.
    let above = &leading[leading.len() - head.len()..];
    let first_open = above != &head[..];
    if first_open {
        let mut opened = head.clone();
        let at = opened[..strip(&yh).len()].iter().position(|l| l.contains("<details>"))?;
        opened[at] = opened[at].replacen("<details>", "<details open>", 1);
        if above != &opened[..] {
            return None;
        }
    }
    let first = first_line - head.len();
    let tail: Vec<String> = render(&mf, yms[0]).into_iter().chain(render(&yf, yms[0])).collect();
    let below: Vec<&str> =
        (last_line + 1..all.len().min(last_line + 1 + tail.len())).map(|j| all[j].content).collect();
    if below != tail {
        return None;
    }
    let last = last_line + tail.len();

    // The template.
    let mut t = format!("{{% for year in {years} %}}\n");
    let guarded = |t: &mut String, v: &[GLine], guard: &str| {
        let n = if guard.is_empty() {
            0
        } else {
            v.iter().take_while(|l| render_line(l, Ym(2000, 1)).trim().is_empty()).count()
        };
        if n > 0 {
            t.push_str(&format!("{{% if {guard} %}}\n"));
            for l in &v[..n] {
                t.push_str(&line_template(l));
                t.push('\n');
            }
            t.push_str("{% endif %}\n");
        }
        for l in &v[n..] {
            t.push_str(&line_template(l));
            t.push('\n');
        }
    };
    if !year_has_header {
        t.push_str("{% set year_first = loop.first %}\n");
    }
    let mut year_header = String::new();
    guarded(&mut year_header, &yh, "not loop.first");
    if first_open {
        year_header =
            year_header.replacen("<details>", "<details{{ \" open\" if loop.first else \"\" }}>", 1);
    }
    t.push_str(&year_header);
    t.push_str("{% for month in year.months %}\n");
    guarded(&mut t, &mh, if year_has_header { "not loop.first" } else { "not (loop.first and year_first)" });
    t.push_str(&format!("{{% for note in month.notes %}}\n{note_line}\n{{% endfor %}}\n"));
    guarded(&mut t, &mf, "");
    t.push_str("{% endfor %}\n");
    guarded(&mut t, &yf, "");
    t.push_str("{% endfor %}\n");
    let groups = if month_level { "year and month" } else { "year" };
    let description = format!("{} links to notes grouped by {groups}", index.len());
    Some(DateIndex { first, last, template: t, description })
}
