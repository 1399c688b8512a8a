//! Inferring a repository's note sets from its file names, for `daybook init`.
//!
//! Each Markdown path is turned into a template, segment by segment: a date
//! (`2024-01-02`, `2024_01_02`, `20240102`, a `202401` month folder, a `2024`
//! year folder, `0102` after a month) becomes placeholders, text after a date
//! becomes `{slug}`, `week062-...` becomes `week{n}-{slug}`, any other file name
//! `{slug}` and any other folder a literal. Paths whose templates agree but for
//! free-text folders form one group; a folder position where the group's files
//! use one name stays literal (it is the set's root: `notes`, `_posts`), one
//! with several names becomes `*` (topic folders). Dated groups that differ only
//! in how deep the file sits (a journal with some days in per-period folders)
//! merge into one `**/` pattern. Groups of a single file are left out, and so
//! are undated files at the repository root (`CONTRIBUTING.md`).

use std::collections::BTreeMap;

use crate::config::{Config, DateSource, NoteKind, NotesConfig, Unmatched};
use crate::note::parse::ParseContext;
use crate::pattern::DatePattern;

mod fields;
mod kind;
mod verify;
mod yaml;

pub(crate) use fields::Vocabulary;
pub(crate) use kind::ItemsShape;
use kind::describe_and_refine;

/// One proposed note set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InferredSet {
    pub(crate) config: NotesConfig,
    /// The paths it covers, sorted.
    pub(crate) paths: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    /// A folder (or file) name kept as written unless several are seen.
    Free(String),
    /// A templated segment.
    Pat(String),
}

/// Propose note sets for `paths` (repository-relative Markdown files, the
/// README excluded), dated sets first.
pub(crate) fn infer_sets(paths: &[String]) -> Vec<InferredSet> {
    // key: the template with free folders as `*`; value: (tokens of each path, path).
    let mut groups: BTreeMap<Vec<String>, Vec<(Vec<Tok>, String)>> = BTreeMap::new();
    for p in paths {
        let toks = tokens(p);
        let key = toks
            .iter()
            .map(|t| match t {
                Tok::Free(_) => "*".to_owned(),
                Tok::Pat(s) => s.clone(),
            })
            .collect();
        groups.entry(key).or_default().push((toks, p.clone()));
    }
    // Merge dated groups that differ only in the free folders above the file.
    let mut merged: BTreeMap<Vec<String>, Vec<(Vec<Tok>, String)>> = BTreeMap::new();
    for (key, members) in groups {
        let last = key.last().cloned().unwrap_or_default();
        let only_free_above = key[..key.len() - 1].iter().all(|k| k == "*");
        let dated = is_dated(&last);
        let deep_key = vec!["**".to_owned(), last.clone()];
        if dated && only_free_above {
            merged.entry(deep_key).or_default().extend(members);
        } else {
            merged.entry(key).or_default().extend(members);
        }
    }
    let mut out = Vec::new();
    for (key, members) in merged {
        if members.len() < 2 {
            continue;
        }
        let set = if key.first().map(String::as_str) == Some("**") {
            deep_set(&key[1], &members)
        } else {
            flat_set(&key, &members)
        };
        let Some(mut config) = set else { continue };
        let undated_at_root =
            config.root == "." && !config.pattern.contains('/') && !is_dated(&config.pattern);
        if undated_at_root {
            continue;
        }
        let pattern = match DatePattern::general(&config.pattern) {
            Ok(p) => p,
            Err(_) => continue,
        };
        if !pattern.is_dated() {
            config.kind = NoteKind::Article;
            config.date = DateSource::Auto;
        }
        if config.root == "." {
            config.unmatched = Some(Unmatched::Near);
        }
        let mut paths: Vec<String> = members.into_iter().map(|(_, p)| p).collect();
        paths.sort();
        out.push(InferredSet { config, paths });
    }
    // Topic folders' READMEs (`*/README.md` beside `*/{slug}.md`) are the
    // folders' tables of contents, which the `{slug}` set does not take for notes.
    let slug_sets: Vec<(String, String)> = out
        .iter()
        .filter_map(|s| {
            let (dir, name) = s.config.pattern.rsplit_once('/').unwrap_or(("", &s.config.pattern));
            (name == "{slug}.md").then(|| (s.config.root.clone(), dir.to_owned()))
        })
        .collect();
    out.retain(|s| {
        let (dir, name) = s.config.pattern.rsplit_once('/').unwrap_or(("", &s.config.pattern));
        let index =
            ["readme", "_index", "index"].iter().any(|n| name.eq_ignore_ascii_case(&format!("{n}.md")));
        !(index && slug_sets.contains(&(s.config.root.clone(), dir.to_owned())))
    });
    // Dated sets first (a journal's `**/{yyyy}-{mm}-{dd}.md` before topic
    // folders' `*/{slug}.md`), then by size.
    out.sort_by_key(|s| {
        (!is_dated(&s.config.pattern), std::cmp::Reverse(s.paths.len()), s.config.root.clone())
    });
    out
}

/// A set whose file template may sit at any depth.
fn deep_set(last: &str, members: &[(Vec<Tok>, String)]) -> Option<NotesConfig> {
    let depths: std::collections::BTreeSet<usize> = members.iter().map(|(t, _)| t.len()).collect();
    // All at the same depth under one folder: a plain set rooted at that folder.
    if depths.len() == 1 {
        let key: Vec<String> = members[0]
            .0
            .iter()
            .map(|t| match t {
                Tok::Free(_) => "*".to_owned(),
                Tok::Pat(s) => s.clone(),
            })
            .collect();
        return flat_set(&key, members);
    }
    Some(NotesConfig { root: ".".into(), pattern: format!("**/{last}"), ..NotesConfig::default() })
}

/// A set of one template: folder positions with one name are literal, the
/// leading literals are the root.
fn flat_set(key: &[String], members: &[(Vec<Tok>, String)]) -> Option<NotesConfig> {
    let mut segs: Vec<String> = Vec::with_capacity(key.len());
    for (i, k) in key.iter().enumerate() {
        if k != "*" {
            segs.push(k.clone());
            continue;
        }
        let names: std::collections::BTreeSet<&str> = members
            .iter()
            .filter_map(|(t, _)| match t.get(i) {
                Some(Tok::Free(s)) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        if names.len() == 1 {
            let name = names.into_iter().next().unwrap_or_default();
            segs.push(literal(name));
        } else {
            segs.push("*".into());
        }
    }
    let lead = segs.iter().take_while(|s| is_literal(s)).count().min(segs.len() - 1);
    let root = if lead == 0 { ".".to_owned() } else { segs[..lead].join("/") };
    let pattern = segs[lead..].join("/");
    Some(NotesConfig { root, pattern, ..NotesConfig::default() })
}

fn is_literal(seg: &str) -> bool {
    !seg.contains(['{', '*'])
}

/// A name as a pattern literal: `*`, `{` and `}` would be read as pattern syntax.
fn literal(name: &str) -> String {
    if name.contains(['*', '{', '}']) { "*".to_owned() } else { name.to_owned() }
}

fn is_dated(template: &str) -> bool {
    DatePattern::general(template).is_ok_and(|p| p.is_dated())
}

/// The segments of `path` as tokens.
fn tokens(path: &str) -> Vec<Tok> {
    let segs: Vec<&str> = path.split('/').collect();
    let (file, folders) = segs.split_last().expect("split yields one");
    let (stem, ext) = match file.rfind('.') {
        Some(i) => (&file[..i], &file[i..]),
        None => (*file, ""),
    };
    let file_tok = file_token(stem, ext);
    let file_has_date = matches!(&file_tok, Tok::Pat(s) if s.contains("{dd}"));
    let mut out: Vec<Tok> = Vec::with_capacity(segs.len());
    let mut month_seen = false;
    let mut year_seen = false;
    for f in folders {
        let t = folder_token(f, file_has_date, month_seen);
        if let Tok::Pat(s) = &t {
            month_seen |= s.contains("{mm}");
            year_seen |= s.contains("{yyyy}");
        }
        out.push(t);
    }
    // `0102.md` under a month folder: month and day.
    let file_tok = match file_tok {
        Tok::Pat(s) if s == "{slug}.md" && month_seen && is_mmdd(stem) => {
            Tok::Pat(format!("{{mm}}{{dd}}{ext}"))
        }
        Tok::Pat(s) if s == "{slug}.md" && month_seen && is_dd(stem) => Tok::Pat(format!("{{dd}}{ext}")),
        // `01-02.md` under a year folder: month and day.
        Tok::Pat(s) if s == "{slug}.md" && year_seen && !month_seen && month_day(stem).is_some() => {
            Tok::Pat(format!("{}{ext}", month_day(stem).unwrap_or_default()))
        }
        Tok::Pat(s) if s == "{slug}.md" && year_seen && !month_seen && is_mmdd(stem) => {
            Tok::Pat(format!("{{mm}}{{dd}}{ext}"))
        }
        t => t,
    };
    out.push(file_tok);
    // A year or month without the rest of a date is no date: back to free text.
    let all: String = out
        .iter()
        .map(|t| match t {
            Tok::Pat(s) => s.as_str(),
            Tok::Free(_) => "",
        })
        .collect();
    let has = |p: &str| all.contains(p);
    if !(has("{yyyy}") && has("{mm}") && has("{dd}")) {
        for (t, seg) in out.iter_mut().zip(segs.iter()) {
            if let Tok::Pat(s) = t
                && (s.contains("{yyyy}") || s.contains("{mm}") || s.contains("{dd}"))
            {
                *t = if let Some(ext) = [".md", ".markdown"].into_iter().find(|e| s.ends_with(e)) {
                    Tok::Pat(format!("{{slug}}{ext}"))
                } else {
                    Tok::Free((*seg).to_owned())
                };
            }
        }
    }
    out
}

fn is_mmdd(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && month_ok(&s[..2]) && day_ok(&s[2..])
}

/// `01-02` or `01_02`: the template of a month and day.
fn month_day(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let sep = *b.get(2)?;
    (b.len() == 5 && matches!(sep, b'-' | b'_' | b'.') && is_dd(&s[3..]) && month_ok(&s[..2]))
        .then(|| format!("{{mm}}{}{{dd}}", sep as char))
}

fn is_dd(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && day_ok(s)
}

fn month_ok(s: &str) -> bool {
    s.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
}

fn day_ok(s: &str) -> bool {
    s.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn year_ok(s: &str) -> bool {
    s.parse::<u32>().is_ok_and(|y| (1900..=2199).contains(&y))
}

/// A full date at the start of `s`: its template and the rest.
fn leading_date(s: &str) -> Option<(String, &str)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    for sep in ["-", "_", "."] {
        let sb = sep.as_bytes()[0];
        if b.len() >= 10
            && digits(0..4)
            && b[4] == sb
            && digits(5..7)
            && b[7] == sb
            && digits(8..10)
            && year_ok(&s[..4])
            && month_ok(&s[5..7])
            && day_ok(&s[8..10])
        {
            return Some((format!("{{yyyy}}{sep}{{mm}}{sep}{{dd}}"), &s[10..]));
        }
    }
    if b.len() >= 8
        && digits(0..8)
        && !digits(8..9)
        && year_ok(&s[..4])
        && month_ok(&s[4..6])
        && day_ok(&s[6..8])
    {
        return Some(("{yyyy}{mm}{dd}".into(), &s[8..]));
    }
    None
}

/// `rest` after a date or number: nothing, or a separator and a slug.
fn slug_rest(rest: &str) -> Option<String> {
    if rest.is_empty() {
        return Some(String::new());
    }
    let sep = rest.chars().next()?;
    (matches!(sep, '-' | '_' | ' ' | '.') && rest.len() > 1).then(|| format!("{sep}{{slug}}"))
}

fn file_token(stem: &str, ext: &str) -> Tok {
    let lower = stem.to_ascii_lowercase();
    if matches!(lower.as_str(), "readme" | "index" | "_index") {
        return Tok::Free(format!("{stem}{ext}"));
    }
    if let Some((date, rest)) = leading_date(stem)
        && let Some(slug) = slug_rest(rest)
    {
        return Tok::Pat(format!("{date}{slug}{ext}"));
    }
    // A date after a prefix of words: `daily.journal.2024.01.02`, `standup-2024-01-02`.
    for (i, c) in stem.char_indices() {
        if !matches!(c, '.' | '-' | '_' | ' ') {
            continue;
        }
        let prefix = &stem[..=i];
        if prefix.bytes().any(|b| b.is_ascii_digit()) || prefix.contains(['*', '{', '}']) {
            break;
        }
        if let Some((date, rest)) = leading_date(&stem[i + 1..])
            && let Some(slug) = slug_rest(rest)
        {
            return Tok::Pat(format!("{prefix}{date}{slug}{ext}"));
        }
    }
    if let Some(t) = numbered(stem) {
        return Tok::Pat(format!("{t}{ext}"));
    }
    Tok::Pat(format!("{{slug}}{ext}"))
}

fn folder_token(name: &str, file_has_date: bool, month_seen: bool) -> Tok {
    let b = name.as_bytes();
    let all_digits = !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    if all_digits && b.len() == 4 && year_ok(name) {
        return Tok::Pat("{yyyy}".into());
    }
    if all_digits && b.len() == 6 && year_ok(&name[..4]) && month_ok(&name[4..]) {
        return Tok::Pat("{yyyy}{mm}".into());
    }
    if b.len() == 7 && b[4] == b'-' && year_ok(&name[..4]) && month_ok(&name[5..]) {
        return Tok::Pat("{yyyy}-{mm}".into());
    }
    if all_digits && b.len() == 2 && !month_seen && month_ok(name) {
        return Tok::Pat("{mm}".into());
    }
    // A folder per note: the date and slug are the folder's, the file is `README.md`.
    if !file_has_date
        && let Some((date, rest)) = leading_date(name)
        && let Some(slug) = slug_rest(rest)
    {
        return Tok::Pat(format!("{date}{slug}"));
    }
    if !file_has_date && let Some(t) = numbered(name) {
        return Tok::Pat(t);
    }
    Tok::Free(name.to_owned())
}

/// `week062-ship-it` -> `week{n}-{slug}`: a word, a number, maybe a slug.
fn numbered(s: &str) -> Option<String> {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = s[letters..].bytes().take_while(u8::is_ascii_digit).count();
    // Two digits at least: `s3`, `ec2` and `vue3` are names, not sequence numbers.
    if letters == 0 || letters > 10 || digits < 2 {
        return None;
    }
    let slug = slug_rest(&s[letters + digits..])?;
    Some(format!("{}{{n}}{slug}", &s[..letters]))
}

/// What `daybook init` inferred about a repository with no daybook.yml.
#[derive(Debug, Clone)]
pub(crate) struct Inference {
    /// How many Markdown files were looked at (the README excluded).
    pub(crate) files: usize,
    /// The proposed sets, in `config.notes` order, with what was inferred of each.
    pub(crate) sets: Vec<(InferredSet, String)>,
    /// What the `items` notes share, when a set holds them.
    pub(crate) shape: Option<ItemsShape>,
    /// The field vocabulary of the `items` notes, when a set holds them.
    pub(crate) fields: Option<Vocabulary>,
    /// The configuration to write.
    pub(crate) config: Config,
    /// The README, when there is one.
    pub(crate) readme: Option<super::ReadmeFile>,
    /// The index found in it.
    pub(crate) index: Option<super::index::FoundIndex>,
    /// The README with the index wrapped in markers (the README unchanged when none was found).
    pub(crate) new_readme: Option<String>,
    /// The README already has daybook markers.
    pub(crate) already_adopted: bool,
    /// An index was found, but the template inferred from it does not write
    /// it again: it is left unwrapped.
    pub(crate) unreproduced: Option<verify::Unreproduced>,
}

impl Inference {
    /// Whether the repository looks like the seed: its one set is the default one.
    /// Also when no set was found: the defaults are then the best guess,
    /// and `init` adopts the README the seed's way.
    pub(crate) fn is_seed_layout(&self) -> bool {
        let default = NotesConfig::default();
        self.sets
            .first()
            .is_none_or(|(s, _)| s.config.root == default.root && s.config.pattern == default.pattern)
    }
}

/// Infer the note sets of the repository at `root` and find its README's
/// index. Reads files, writes nothing.
pub(crate) fn infer_repository(root: &std::path::Path, readme_path: &str) -> Result<Inference, crate::Error> {
    let mut scan = Config {
        notes: crate::config::NoteSets(vec![NotesConfig {
            root: ".".into(),
            pattern: "**/*".into(),
            kind: NoteKind::Article,
            date: DateSource::None,
            unmatched: Some(Unmatched::Ignore),
            ..NotesConfig::default()
        }]),
        ..Config::default()
    };
    scan.readme.path = Some(readme_path.to_owned());
    let found = crate::discover::discover(root, &scan)?;
    let paths: Vec<String> = found.notes.iter().map(|c| c.path.clone()).collect();
    let inferred = infer_sets(&paths);
    let mut config = Config::default();
    config.readme.path = (readme_path != "README.md").then(|| readme_path.to_owned());
    let mut names: Vec<String> = Vec::new();
    let mut sets = Vec::new();
    let mut shape = None;
    for mut s in inferred {
        let base = match (s.config.root.as_str(), is_dated(&s.config.pattern)) {
            (".", true) => "journal".to_owned(),
            (".", false) => "topics".to_owned(),
            (r, _) => r.rsplit('/').next().unwrap_or(r).trim_start_matches(['_', '.']).to_owned(),
        };
        let mut name = if base.is_empty() { "notes".to_owned() } else { base };
        while names.contains(&name) {
            name.push('2');
        }
        names.push(name.clone());
        s.config.name = Some(name);
        let why = describe_and_refine(root, &mut s, &mut shape);
        sets.push((s, why));
    }
    if !sets.is_empty() {
        config.notes = crate::config::NoteSets(sets.iter().map(|(s, _)| s.config.clone()).collect());
    }
    if let Some(sh) = &shape {
        if *sh.today != crate::util::text::collapse_ws(&config.sections.today) {
            config.sections.today = sh.today.clone();
        }
        if let Some(f) = &sh.footer
            && *f != crate::util::text::collapse_ws(&config.sections.footer)
        {
            config.sections.footer = f.clone();
        }
        config.stars.required = sh.rated();
        config.stars.token = sh.token.clone();
    }
    let fields = match &shape {
        Some(_) => Some(fields::infer_fields(root, &config, &paths)?),
        None => None,
    };
    if let Some(v) = fields.as_ref().filter(|v| !v.is_default()) {
        config.fields = v.fields.clone();
    }
    let mut inference = Inference {
        files: paths.len(),
        sets,
        shape,
        fields,
        config,
        readme: None,
        index: None,
        new_readme: None,
        already_adopted: false,
        unreproduced: None,
    };
    if inference.sets.is_empty() {
        return Ok(inference);
    }
    let readme = match super::ReadmeFile::read(root, &inference.config) {
        Ok(r) => r,
        Err(super::ReadmeError::Missing { .. }) => return Ok(inference),
        Err(e) => return Err(crate::Error::Usage(e.to_string())),
    };
    let regions = readme.regions().map_err(|e| crate::Error::Usage(e.to_string()))?;
    if !regions.is_empty() {
        inference.already_adopted = true;
        inference.readme = Some(readme);
        return Ok(inference);
    }
    let ctx = ParseContext::new(&inference.config)?;
    // The scan walked every Markdown file already: read the heads of those the
    // inferred sets claim rather than walk the repository again (a folder per
    // note doubles the walk's cost).
    let claimed: Vec<crate::discover::Candidate> =
        found.notes.iter().filter(|c| ctx.is_note(&c.path)).cloned().collect();
    let (heads, _) = super::load::heads_of(&claimed, &ctx);
    let readme_dir = readme.dir().to_owned();
    let notes: Vec<super::index::IndexNote> = heads
        .iter()
        .map(|h| {
            let set = ctx.set(h.set);
            let rel = set.relative(&h.file.path).unwrap_or(&h.file.path);
            let n_text = match &h.path_match {
                Some(crate::note::PathMatch::Matched(m)) => m.number_text.clone(),
                _ => None,
            };
            super::index::IndexNote {
                path: h.file.path.clone(),
                title: super::build::display_title(h),
                date: h.date,
                set: h.set,
                folder: super::links::parent(rel).to_owned(),
                n_text,
            }
        })
        .collect();
    let claims = |p: &str| match ctx.classify(p) {
        Some((s, crate::note::PathMatch::Matched(m))) => Some((s, m.date)),
        Some((s, crate::note::PathMatch::BadDate(_))) => Some((s, None)),
        _ => None,
    };
    let mut index = super::index::find_index(&readme.text, &readme_dir, &notes, &names, &claims);
    if let Some(i) = &index {
        let mut config = inference.config.clone();
        let r = &mut config.readme;
        r.order = i.order;
        for (folder, title) in &i.topics {
            if super::data::topic_name(folder, &BTreeMap::new()) != *title {
                r.topics.insert(folder.clone(), title.clone());
            }
        }
        r.templates.insert("history".into(), i.template.clone());
        let wrapped = wrap(&readme.text, i.lines.clone());
        match verify::unreproduced(&readme, i, &wrapped, heads, &config, &ctx) {
            None => {
                inference.config = config;
                inference.new_readme = Some(wrapped);
            }
            Some(u) => {
                inference.unreproduced = Some(u);
                index = None;
            }
        }
    }
    inference.index = index;
    inference.readme = Some(readme);
    Ok(inference)
}

/// `text` with the whole lines `lines` between history markers.
fn wrap(text: &str, lines: std::ops::Range<usize>) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let region = super::markers::RegionName::History;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..lines.start]);
    out.push_str(&region.start_marker());
    out.push_str(eol);
    out.push_str(&text[lines.clone()]);
    if !text[..lines.end].ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(&region.end_marker());
    out.push_str(eol);
    out.push_str(&text[lines.end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(paths: &[&str]) -> Vec<(String, String, usize)> {
        let paths: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
        infer_sets(&paths).into_iter().map(|s| (s.config.root, s.config.pattern, s.paths.len())).collect()
    }

    fn owned(v: &[(&str, &str, usize)]) -> Vec<(String, String, usize)> {
        v.iter().map(|(a, b, n)| (a.to_string(), b.to_string(), *n)).collect()
    }

    #[test]
    fn the_seed_layout() {
        let got = infer(&["notes/202104/0425.md", "notes/202104/0426.md", "notes/202105/0501.md"]);
        assert_eq!(got, owned(&[("notes", "{yyyy}{mm}/{mm}{dd}.md", 3)]));
    }

    #[test]
    fn til_topics() {
        let got = infer(&["aws/s3.md", "aws/iam.md", "git/rebase.md", "CONTRIBUTING.md", "LICENSE.md"]);
        assert_eq!(got, owned(&[(".", "*/{slug}.md", 3)]));
    }

    #[test]
    fn journal_with_period_folders_and_topics() {
        let got = infer(&[
            "2023-12-07.md",
            "2023-12-08.md",
            "2023-08-12 2024-01-09 (Semester 5)/2023-12-09.md",
            "2024-01-10 2024-06-01 (Semester 6)/2024-02-01.md",
            "topics/rust.md",
            "topics/git.md",
        ]);
        assert_eq!(got, owned(&[(".", "**/{yyyy}-{mm}-{dd}.md", 4), ("topics", "{slug}.md", 2)]));
    }

    #[test]
    fn posts_folders_per_note_and_numbered_weeks() {
        let got = infer(&["_posts/2024-01-02-hello.md", "_posts/2024-02-03-world.md"]);
        assert_eq!(got, owned(&[("_posts", "{yyyy}-{mm}-{dd}-{slug}.md", 2)]));
        let got = infer(&[
            "daily/2024/202401/20240102-start/README.md",
            "daily/2024/202401/20240103-more/README.md",
            "notes/week061-a/README.md",
            "notes/week062-b/README.md",
            "notes/week063-c/README.md",
        ]);
        assert_eq!(
            got,
            owned(&[
                ("daily", "{yyyy}/{yyyy}{mm}/{yyyy}{mm}{dd}-{slug}/README.md", 2),
                ("notes", "week{n}-{slug}/README.md", 3)
            ])
        );
    }

    #[test]
    fn month_and_day_files_in_year_folders() {
        let got = infer(&[
            "diary/2023/12-31.md",
            "diary/2024/01-02.md",
            "diary/2024/0203.md",
            "diary/2024/0204.md",
        ]);
        assert_eq!(got, owned(&[("diary", "{yyyy}/{mm}-{dd}.md", 2), ("diary", "{yyyy}/{mm}{dd}.md", 2)]));
    }

    #[test]
    fn obsidian_and_logseq() {
        let got = infer(&[
            "Daily/2024-01-02.md",
            "Daily/2024-01-03.md",
            "journals/2024_01_02.md",
            "journals/2024_01_05.md",
        ]);
        assert_eq!(
            got,
            owned(&[("Daily", "{yyyy}-{mm}-{dd}.md", 2), ("journals", "{yyyy}_{mm}_{dd}.md", 2)])
        );
    }
}
