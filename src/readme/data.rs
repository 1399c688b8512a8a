//! The data model region templates see: notes, months, years, topics, and the
//! [`Context`] built from them. The variables are documented in [`super::template`].

use std::collections::{BTreeMap, HashMap};

use minijinja::{Value, context};
use serde::Serialize;

use crate::config::Order;

/// One note as templates see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct NoteData {
    /// `2022-04-14`; none for an undated note, like `year` to `dd`.
    pub(crate) date: Option<String>,
    pub(crate) year: Option<i32>,
    pub(crate) month: Option<u32>,
    pub(crate) day: Option<u32>,
    pub(crate) mm: Option<String>,
    pub(crate) dd: Option<String>,
    pub(crate) title: String,
    /// The link to the note from the README, as written in the file system.
    pub(crate) path: String,
    /// `path` percent-encoded (spaces, non-ASCII, parentheses): safe as a link destination.
    pub(crate) url: String,
    pub(crate) file: String,
    pub(crate) number: usize,
    /// The note set's name.
    pub(crate) set: String,
    /// The folder of the note relative to its set's root (`` at the root).
    pub(crate) folder: String,
    /// What `{slug}` stood for in the path, else the file name without `.md`.
    pub(crate) slug: String,
    /// What `{n}` stood for in the path.
    pub(crate) n: Option<u64>,
    /// `n` as written in the path (`062`).
    pub(crate) n_text: Option<String>,
    /// The display name of `folder` (`readme.topics`, else its words capitalized).
    pub(crate) topic: String,
    /// The note's front matter (an empty mapping without one).
    pub(crate) front_matter: yaml_serde::Mapping,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthData {
    pub(crate) year: i32,
    pub(crate) month: u32,
    /// The month's English name (`January`).
    pub(crate) name: &'static str,
    pub(crate) mm: String,
    pub(crate) count: usize,
    pub(crate) notes: Vec<NoteData>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct YearData {
    pub(crate) year: i32,
    pub(crate) count: usize,
    pub(crate) months: Vec<MonthData>,
}

/// Everything a region template can use.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Context {
    pub(crate) today: String,
    pub(crate) newest: NoteData,
    pub(crate) oldest: NoteData,
    pub(crate) notes: Vec<NoteData>,
    pub(crate) years: Vec<YearData>,
    pub(crate) count: usize,
    pub(crate) order: &'static str,
    /// Every dated note, newest first.
    pub(crate) newest_first: Vec<NoteData>,
    /// The newest `readme.latest` dated notes, newest first.
    pub(crate) latest: Vec<NoteData>,
    /// The notes grouped by folder, topics sorted by display name and notes by
    /// title, both case-insensitively.
    pub(crate) topics: Vec<TopicData>,
}

/// The notes of one folder.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicData {
    /// The note set's name.
    pub(crate) set: String,
    /// The folder, relative to the note set's root.
    pub(crate) folder: String,
    /// Its display name.
    pub(crate) title: String,
    /// The anchor GitHub gives a heading of `title`.
    pub(crate) anchor: String,
    pub(crate) count: usize,
    pub(crate) notes: Vec<NoteData>,
}

/// English month names, for the `by-month` style.
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month names by language, for the `month_name` filter and for reading a
/// hand-made index's headings. Each as the language writes it in running text.
pub(crate) const MONTH_NAMES: &[(&str, [&str; 12])] = &[
    ("en", MONTHS),
    (
        "de",
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
    ),
    (
        "fr",
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
    ),
    (
        "es",
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ),
    (
        "it",
        [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
    ),
    (
        "pt",
        [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
    ),
    (
        "nl",
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
    ),
];

/// The name of month `m` (1-12) in `lang` (`en`, `de`, `fr`, `es`, `it`, `pt`, `nl`).
pub(crate) fn month_name(m: u32, lang: &str) -> Option<&'static str> {
    let (_, names) = MONTH_NAMES.iter().find(|(l, _)| *l == lang)?;
    names.get((m as usize).checked_sub(1)?).copied()
}

/// How many notes `latest` holds by default.
pub(crate) const DEFAULT_LATEST: usize = 10;

/// Words shown in capitals in a topic's default display name.
const ACRONYMS: &[&str] = &[
    "ai", "api", "aws", "ci", "cli", "css", "csv", "db", "dns", "gcp", "gpu", "html", "http", "ios", "js",
    "json", "jwt", "k8s", "llm", "ml", "npm", "os", "php", "sql", "ssh", "ssl", "tls", "ts", "ui", "url",
    "ux", "vm", "xml", "yaml",
];

/// The display name of a folder: `topics[folder]`, else each word of its last
/// part capitalized (`claude-code` -> `Claude Code`, `aws` -> `AWS`).
pub(crate) fn topic_name(folder: &str, topics: &BTreeMap<String, String>) -> String {
    if let Some(t) = topics.get(folder) {
        return t.clone();
    }
    let last = folder.rsplit('/').next().unwrap_or(folder);
    last.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                w.to_uppercase()
            } else {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

impl Context {
    /// Build the context from notes sorted oldest first (`number` already set).
    pub(crate) fn new(sorted: Vec<NoteData>, today: String, order: Order) -> Option<Context> {
        let dated = |n: &&NoteData| n.date.is_some();
        let oldest = sorted.iter().find(dated).or(sorted.first())?.clone();
        let newest = sorted.iter().rev().find(dated).or(sorted.last())?.clone();
        let mut years: Vec<YearData> = Vec::new();
        for n in sorted.iter().filter(dated) {
            let (Some(year), Some(month)) = (n.year, n.month) else { continue };
            if years.last().is_none_or(|y| y.year != year) {
                years.push(YearData { year, count: 0, months: Vec::new() });
            }
            let y = years.last_mut().expect("pushed above");
            y.count += 1;
            if y.months.last().is_none_or(|m| m.month != month) {
                y.months.push(MonthData {
                    year,
                    month,
                    name: MONTHS[(month as usize).clamp(1, 12) - 1],
                    mm: format!("{month:02}"),
                    count: 0,
                    notes: Vec::new(),
                });
            }
            let m = y.months.last_mut().expect("pushed above");
            m.count += 1;
            m.notes.push(n.clone());
        }
        let mut notes = sorted;
        if order == Order::Descending {
            notes.reverse();
            years.reverse();
            for y in &mut years {
                y.months.reverse();
                for m in &mut y.months {
                    m.notes.reverse();
                }
            }
        }
        let order = match order {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
        };
        let mut newest_first: Vec<NoteData> = notes.iter().filter(|n| n.date.is_some()).cloned().collect();
        if order == "ascending" {
            newest_first.reverse();
        }
        let mut topics: Vec<TopicData> = Vec::new();
        let mut by_title: Vec<&NoteData> = notes.iter().collect();
        by_title.sort_by_cached_key(|n| (n.title.to_lowercase(), n.file.clone()));
        for n in by_title {
            match topics.iter_mut().find(|t| t.folder == n.folder && t.set == n.set) {
                Some(t) => {
                    t.count += 1;
                    t.notes.push(n.clone());
                }
                None => topics.push(TopicData {
                    set: n.set.clone(),
                    folder: n.folder.clone(),
                    title: n.topic.clone(),
                    anchor: crate::util::slug::slug(&n.topic),
                    count: 1,
                    notes: vec![n.clone()],
                }),
            }
        }
        topics.sort_by_cached_key(|t| (t.title.to_lowercase(), t.folder.clone()));
        let latest = newest_first.iter().take(DEFAULT_LATEST).cloned().collect();
        Some(Context {
            today,
            newest,
            oldest,
            count: notes.len(),
            notes,
            years,
            order,
            newest_first,
            latest,
            topics,
        })
    }

    /// Keep the newest `n` notes in `latest`.
    pub(crate) fn with_latest(mut self, n: usize) -> Context {
        self.latest = self.newest_first.iter().take(n).cloned().collect();
        self
    }

    /// The context as one minijinja value, built once and shared by every
    /// region's render (a `Serialize` context would be converted on each
    /// render). Each note's value is shared between `notes` and `years`.
    pub(crate) fn value(&self) -> Value {
        let by_file: HashMap<&str, Value> =
            self.notes.iter().map(|n| (n.file.as_str(), Value::from_serialize(n))).collect();
        let note =
            |n: &NoteData| by_file.get(n.file.as_str()).cloned().unwrap_or_else(|| Value::from_serialize(n));
        // The years of the notes of one set (`None`: of every set).
        let years_of = |set: Option<&str>| -> Vec<Value> {
            let mut out = Vec::new();
            for y in &self.years {
                let mut months: Vec<Value> = Vec::new();
                let mut count = 0;
                for m in &y.months {
                    let notes: Vec<Value> =
                        m.notes.iter().filter(|n| set.is_none_or(|s| n.set == s)).map(note).collect();
                    if notes.is_empty() {
                        continue;
                    }
                    count += notes.len();
                    months.push(context! { year => m.year, month => m.month, name => m.name, mm => m.mm, count => notes.len(), notes });
                }
                if !months.is_empty() {
                    out.push(context! { year => y.year, count, months });
                }
            }
            out
        };
        let years = years_of(None);
        let mut set_names: Vec<&str> = self.notes.iter().map(|n| n.set.as_str()).collect();
        set_names.sort_unstable();
        set_names.dedup();
        // With one set, its years are `years`: not built twice.
        let set_years: BTreeMap<&str, Value> = set_names
            .iter()
            .map(|s| {
                (
                    *s,
                    if set_names.len() == 1 {
                        Value::from(years.clone())
                    } else {
                        Value::from(years_of(Some(s)))
                    },
                )
            })
            .collect();
        let notes: Vec<Value> = self.notes.iter().map(note).collect();
        let newest_first: Vec<Value> = self.newest_first.iter().map(note).collect();
        let latest: Vec<Value> = self.latest.iter().map(note).collect();
        let topics: Vec<Value> = self
            .topics
            .iter()
            .map(|t| {
                let notes: Vec<Value> = t.notes.iter().map(note).collect();
                context! { set => t.set, folder => t.folder, title => t.title, anchor => t.anchor, count => t.count, notes }
            })
            .collect();
        let mut set_counts: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &self.notes {
            *set_counts.entry(n.set.as_str()).or_default() += 1;
        }
        context! {
            set_counts,
            set_years,
            newest_first,
            latest,
            topics,
            today => self.today,
            newest => Value::from_serialize(&self.newest),
            oldest => Value::from_serialize(&self.oldest),
            notes,
            years,
            count => self.count,
            order => self.order,
        }
    }

    /// A small context for checking user templates when the config is loaded.
    pub(crate) fn sample() -> Context {
        let note = |y: i32, m: u32, d: u32, number: usize| sample_note(y, m, d, number, "笔记");
        let notes = vec![note(2021, 12, 31, 1), note(2022, 1, 1, 1), note(2022, 1, 2, 2)];
        Context::new(notes, "1. [item](https://example.com)       :star:".to_owned(), Order::Ascending)
            .expect("non-empty")
    }
}

/// A dated note of the seed's shape, for samples and tests.
pub(crate) fn sample_note(y: i32, m: u32, d: u32, number: usize, title: &str) -> NoteData {
    let path = format!("notes/{y:04}{m:02}/{m:02}{d:02}.md");
    NoteData {
        date: Some(format!("{y:04}-{m:02}-{d:02}")),
        year: Some(y),
        month: Some(m),
        day: Some(d),
        mm: Some(format!("{m:02}")),
        dd: Some(format!("{d:02}")),
        title: format!("{title}（{y}.{m}.{d}）"),
        url: path.clone(),
        path: path.clone(),
        file: path,
        number,
        set: "notes".into(),
        folder: format!("{y:04}{m:02}"),
        slug: format!("{m:02}{d:02}"),
        n: None,
        n_text: None,
        topic: format!("{y:04}{m:02}"),
        front_matter: yaml_serde::Mapping::new(),
    }
}
