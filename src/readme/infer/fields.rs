//! The field vocabulary of a repository's `items` notes, for `daybook init`.
//!
//! A label written in at least [`FREQUENT`] notes is part of the vocabulary:
//! a field of its own, or an alias of a field it is a near spelling of
//! (`abstract` beside `Abstract`). A rarer label close to a field is a typo
//! (`Sumary` in one note beside `Summary` in forty): it is left out, so
//! `daybook lint` reports it with the fix. A rarer label close to nothing is a
//! field too: calling it unknown would be a false alarm. The seed's fields
//! that no note uses are dropped, so an English repository is not asked for
//! `Abstract`.

use std::collections::BTreeMap;

use crate::config::{Config, FieldConfig, NoteKind, default_fields};
use crate::diag::SourceFile;
use crate::note::parse::{ParseContext, parse_note};

/// Notes a label must be written in to be a field whatever it resembles.
pub(super) const FREQUENT: usize = 3;

/// At most this many notes are read: enough to count labels, cheap on 10,000 notes.
const SAMPLE: usize = 1000;

/// A field present in at least this share of the items (in percent) is required.
pub(super) const REQUIRED_PERCENT: usize = 90;

/// What the notes' labels say.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Vocabulary {
    /// The fields, in order of use (most notes first).
    pub(crate) fields: Vec<FieldConfig>,
    /// How many notes were read, and how many of them have a labelled field.
    pub(crate) notes: usize,
    pub(crate) with_fields: usize,
    /// Per field label: the notes it (or an alias) is written in.
    pub(crate) uses: BTreeMap<String, usize>,
    /// Labels taken for typos: (label, the field it misspells, notes it is in).
    pub(crate) typos: Vec<(String, String, usize)>,
}

impl Vocabulary {
    /// Whether the vocabulary is the seed's: nothing to write.
    pub(crate) fn is_default(&self) -> bool {
        self.with_fields == 0 || self.fields == default_fields()
    }

    /// What was inferred, in words, one line each.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out = vec![format!(
            "fields of the `items` notes, from the labels of {} notes ({} with labelled fields): {}",
            self.notes,
            self.with_fields,
            self.fields
                .iter()
                .map(|f| {
                    let n = self.uses.get(&f.label).copied().unwrap_or(0);
                    let also = if f.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (also {})",
                            f.aliases.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                        )
                    };
                    format!("`{}`{also} in {n}", f.label)
                })
                .collect::<Vec<_>>()
                .join(", ")
        )];
        for (label, field, n) in &self.typos {
            out.push(format!(
                "`{label}` ({n} note{}) is taken for a typo of `{field}`, not a field: lint reports it",
                if *n == 1 { "" } else { "s" }
            ));
        }
        out
    }
}

/// How one label is written across the sample.
#[derive(Default)]
struct Seen {
    notes: usize,
    /// Occurrences, and how many hold a link.
    uses: usize,
    linked: usize,
    /// Written with a number (`Source2`).
    numbered: bool,
}

/// Count the labels of the `items` notes among `paths` (repository-relative,
/// classified by `config`'s sets) and infer the fields.
pub(super) fn infer_fields(
    root: &std::path::Path,
    config: &Config,
    paths: &[String],
) -> Result<Vocabulary, crate::Error> {
    let ctx = ParseContext::new(config)?;
    let mut by_base: BTreeMap<String, Seen> = BTreeMap::new();
    let mut voc = Vocabulary::default();
    let mut items = 0usize;
    let mut in_items: BTreeMap<String, usize> = BTreeMap::new();
    for path in paths {
        if voc.notes == SAMPLE {
            break;
        }
        match ctx.classify(path) {
            Some((set, _)) if ctx.set(set).kind == NoteKind::Items => {}
            _ => continue,
        }
        let Some(text) = crate::util::jail::read_text_in_repo(root, path, crate::discover::MAX_FILE_SIZE)
        else {
            continue;
        };
        let note = parse_note(SourceFile::new(path.clone(), root.join(path), text), &ctx);
        voc.notes += 1;
        let mut here: Vec<String> = Vec::new();
        for item in &note.items {
            items += 1;
            let mut in_item: Vec<String> = Vec::new();
            for f in &item.fields {
                let label = f.label.trim();
                let (base, digits) = split_number(label);
                let base = if base.is_empty() { label } else { base };
                let seen = by_base.entry(base.to_owned()).or_default();
                seen.uses += 1;
                seen.numbered |= !digits.is_empty();
                if !f.links.is_empty() || f.value.contains("://") {
                    seen.linked += 1;
                }
                if !here.iter().any(|h| h == base) {
                    here.push(base.to_owned());
                }
                if !in_item.iter().any(|h| h == base) {
                    in_item.push(base.to_owned());
                }
            }
            for b in in_item {
                *in_items.entry(b).or_default() += 1;
            }
        }
        if !here.is_empty() {
            voc.with_fields += 1;
        }
        for b in here {
            by_base.entry(b).or_default().notes += 1;
        }
    }
    if voc.with_fields == 0 {
        voc.fields = default_fields();
        return Ok(voc);
    }
    // Labels in order of use, most notes first: a seed field a label names
    // (`论文` is `Paper`) is that field; a frequent label is a field, or an alias
    // of one it nearly spells; the rare ones are weighed once all those are known.
    let seed = default_fields();
    let mut order: Vec<(&String, &Seen)> = by_base.iter().collect();
    order.sort_by(|a, b| b.1.notes.cmp(&a.1.notes).then_with(|| a.0.cmp(b.0)));
    // Per field: its config, and the labels (bases) it gathers.
    let mut fields: Vec<(FieldConfig, Vec<String>)> = Vec::new();
    let mut rare: Vec<(&String, &Seen)> = Vec::new();
    for (label, seen) in order {
        if let Some(f) = seed.iter().find(|f| f.label == *label || f.aliases.contains(label)) {
            match fields.iter_mut().find(|(g, _)| g.label == f.label) {
                Some((_, labels)) => labels.push(label.clone()),
                None => fields.push((f.clone(), vec![label.clone()])),
            }
            continue;
        }
        if seen.notes < FREQUENT {
            rare.push((label, seen));
            continue;
        }
        match closest(label, &fields) {
            Some(i) => {
                fields[i].0.aliases.push(label.clone());
                fields[i].1.push(label.clone());
            }
            None => fields
                .push((FieldConfig { label: label.clone(), ..FieldConfig::default() }, vec![label.clone()])),
        }
    }
    for (label, seen) in rare {
        match closest(label, &fields) {
            Some(i) => voc.typos.push((label.clone(), fields[i].0.label.clone(), seen.notes)),
            None => fields
                .push((FieldConfig { label: label.clone(), ..FieldConfig::default() }, vec![label.clone()])),
        }
    }
    for (f, labels) in &mut fields {
        let seen: Vec<&Seen> = labels.iter().filter_map(|l| by_base.get(l)).collect();
        let uses: usize = seen.iter().map(|s| s.uses).sum();
        let linked: usize = seen.iter().map(|s| s.linked).sum();
        // An item rarely holds a field under two spellings: summing is close enough.
        let present: usize = labels.iter().filter_map(|l| in_items.get(l)).sum();
        let typos: usize = voc.typos.iter().filter(|t| t.1 == f.label).map(|t| t.2).sum();
        f.required = items >= 5 && (present + typos) * 100 >= items * REQUIRED_PERCENT;
        // Too few uses to tell: a seed field keeps its setting.
        if uses >= FREQUENT {
            f.link = linked * 100 >= uses * REQUIRED_PERCENT;
        }
        f.numbered |= seen.iter().any(|s| s.numbered);
        voc.uses.insert(f.label.clone(), seen.iter().map(|s| s.notes).sum());
    }
    voc.fields = fields.into_iter().map(|(f, _)| f).collect();
    Ok(voc)
}

/// The field whose label or alias `label` is a near spelling of.
fn closest(label: &str, fields: &[(FieldConfig, Vec<String>)]) -> Option<usize> {
    let spellings =
        fields.iter().flat_map(|(f, _)| std::iter::once(&f.label).chain(&f.aliases)).map(String::as_str);
    let hit = crate::suggest::did_you_mean(label, spellings)?;
    fields.iter().position(|(f, _)| f.label == hit || f.aliases.iter().any(|a| a == hit))
}

/// `Source12` -> (`Source`, `12`).
fn split_number(label: &str) -> (&str, &str) {
    let base = label.trim_end_matches(|c: char| c.is_ascii_digit());
    (base, &label[base.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NotesConfig;

    /// Notes `log/2024-01-DD.md`, each one item with the given labels.
    fn vocabulary(notes: &[&[&str]]) -> Vocabulary {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("log")).unwrap();
        let mut paths = Vec::new();
        for (i, labels) in notes.iter().enumerate() {
            let path = format!("log/2024-01-{:02}.md", i + 1);
            let mut text =
                format!("# 2024-01-{:02}\n\n## Today\n\n1. [A](https://a.example/{i}) :star:\n", i + 1);
            for l in *labels {
                text.push_str(&format!("   - {l}: [x](https://x.example/{i})\n"));
            }
            std::fs::write(dir.path().join(&path), text).unwrap();
            paths.push(path);
        }
        let mut config = Config::default();
        config.sections.today = "Today".into();
        config.notes = crate::config::NoteSets(vec![NotesConfig {
            root: "log".into(),
            pattern: "{yyyy}-{mm}-{dd}.md".into(),
            ..NotesConfig::default()
        }]);
        infer_fields(dir.path(), &config, &paths).unwrap()
    }

    fn labels(v: &Vocabulary) -> Vec<(&str, Vec<&str>, bool)> {
        v.fields
            .iter()
            .map(|f| (f.label.as_str(), f.aliases.iter().map(String::as_str).collect(), f.numbered))
            .collect()
    }

    #[test]
    fn frequent_near_spellings_are_aliases_rare_ones_typos() {
        let v = vocabulary(&[
            &["Summary", "Link1", "Link2"],
            &["Summary", "Link1"],
            &["Summary", "Link"],
            &["Summary", "论文"],
            &["summary"],
            &["summary"],
            &["summary", "Weather"],
            &["Summray"],
        ]);
        assert_eq!(
            labels(&v),
            [
                ("Summary", vec!["summary"], false),
                ("Link", vec![], true),
                ("Paper", vec!["论文"], true),
                ("Weather", vec![], false)
            ]
        );
        assert_eq!(v.typos, [("Summray".to_owned(), "Summary".to_owned(), 1)]);
        // Present in every item (the typo counts), linked throughout.
        assert!(v.fields[0].required && v.fields[0].link);
        assert!(!v.fields[1].required);
        // `Paper` is used once: too few to tell, it keeps the seed's `link: true`.
        assert!(v.fields[2].link && !v.fields[3].link);
    }

    #[test]
    fn notes_without_labels_keep_the_seed_fields() {
        let v = vocabulary(&[&[], &[]]);
        assert!(v.is_default());
        assert_eq!(v.fields, default_fields());
    }
}
