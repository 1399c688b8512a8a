//! The run's field table: `config.fields` resolved once into a lookup from
//! every label, alias and numbered variant to its field, shared by the field
//! rules and `field-not-nested`.

use std::collections::HashMap;

use crate::config::FieldConfig;

/// Field labels resolved once per run: canonical labels, aliases and numbered variants.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledFields {
    pub(crate) fields: Vec<FieldConfig>,
    by_label: HashMap<String, usize>,
}

impl CompiledFields {
    pub(crate) fn new(fields: &[FieldConfig]) -> Self {
        let mut by_label = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            by_label.entry(f.label.clone()).or_insert(i);
            for a in &f.aliases {
                by_label.entry(a.clone()).or_insert(i);
            }
        }
        CompiledFields { fields: fields.to_vec(), by_label }
    }

    /// The field a label (as written) stands for: exact label or alias, or a
    /// numbered variant (`Paper2`) of a field that allows them.
    #[cfg(test)]
    pub(crate) fn resolve(&self, label: &str) -> Option<&FieldConfig> {
        if let Some(&i) = self.by_label.get(label) {
            return Some(&self.fields[i]);
        }
        let base = label.trim_end_matches(|c: char| c.is_ascii_digit());
        if base.len() < label.len()
            && let Some(&i) = self.by_label.get(base)
            && self.fields[i].numbered
        {
            return Some(&self.fields[i]);
        }
        None
    }

    /// Every accepted spelling, for did-you-mean suggestions.
    pub(crate) fn spellings(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .flat_map(|f| std::iter::once(f.label.as_str()).chain(f.aliases.iter().map(String::as_str)))
    }
}

/// Which configured field (and which numbered variant of it) a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FieldKey {
    /// Index into `config.fields`.
    pub(crate) field: usize,
    /// `Some(2)` for `Paper2`.
    pub(crate) number: Option<u64>,
}

/// The outcome of looking a label up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Known(FieldKey),
    /// `Tips2` where `Tips` exists but is not `numbered`.
    NotNumbered {
        field: usize,
    },
    Unknown,
}

impl CompiledFields {
    pub(crate) fn field(&self, i: usize) -> &FieldConfig {
        &self.fields[i]
    }

    /// A handful of spellings: comparing lengths and bytes beats hashing, and
    /// this runs several times for every field of every note. The first field
    /// spelling it wins, as in `by_label`.
    fn index_of(&self, spelling: &str) -> Option<usize> {
        if self.fields.len() > 16 {
            return self.by_label.get(spelling).copied();
        }
        // Length and first byte before a memcmp call: most candidates differ there.
        let eq = |a: &String| {
            a.len() == spelling.len() && a.as_bytes().first() == spelling.as_bytes().first() && a == spelling
        };
        self.fields.iter().position(|f| eq(&f.label) || f.aliases.iter().any(eq))
    }

    /// Which field (and numbered variant) a label as written names.
    pub(crate) fn lookup(&self, label: &str) -> Lookup {
        let label = label.trim();
        if let Some(field) = self.index_of(label) {
            return Lookup::Known(FieldKey { field, number: None });
        }
        let (base, digits) = split_number(label);
        if !digits.is_empty()
            && let Some(field) = self.index_of(base)
        {
            if self.fields[field].numbered {
                let number = digits.parse().unwrap_or(u64::MAX);
                return Lookup::Known(FieldKey { field, number: Some(number) });
            }
            return Lookup::NotNumbered { field };
        }
        Lookup::Unknown
    }

    /// The spelling an unknown label most likely meant (`code2` -> `Code2`).
    pub(crate) fn suggest(&self, label: &str) -> Option<String> {
        let label = label.trim();
        let (base, digits) = split_number(label);
        if !digits.is_empty() {
            let numbered = self.fields.iter().filter(|f| f.numbered);
            let spellings = numbered
                .flat_map(|f| std::iter::once(f.label.as_str()).chain(f.aliases.iter().map(String::as_str)));
            if let Some(s) = crate::suggest::did_you_mean(base, spellings) {
                return Some(format!("{s}{digits}"));
            }
        }
        crate::suggest::did_you_mean(label, self.spellings()).map(str::to_owned)
    }

    /// Whether `suggestion` (from [`Self::suggest`]) is the only spelling that
    /// close to `label`: a case-only difference, or no other spelling at the
    /// same edit distance. Only then may a fix pick it without asking.
    pub(crate) fn suggestion_is_unique(&self, label: &str, suggestion: &str) -> bool {
        let label = label.trim();
        if label.to_lowercase() == suggestion.to_lowercase() {
            return true;
        }
        let (base, digits) = split_number(label);
        let (word, target) = match suggestion.strip_suffix(digits) {
            Some(t) if !digits.is_empty() => (base, t),
            _ => (label, suggestion),
        };
        let lower = word.to_lowercase();
        let distance = |c: &str| strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        let best = distance(target);
        self.spellings().filter(|c| *c != word && distance(c) == best).count() == 1
    }

    /// `` `Abstract`, `Paper` (also `Paper1`, `Paper2`, ...) `` for help texts.
    /// At most [`DESCRIBED`] of them: each unknown label's help carries the
    /// list, and 20,000 unknown labels against 3,000 configured fields made
    /// help texts of 1.7 GB.
    pub(crate) fn describe_all(&self) -> String {
        const DESCRIBED: usize = 12;
        let mut listed = self
            .fields
            .iter()
            .take(DESCRIBED)
            .map(|f| {
                let mut s = format!("`{}`", f.label);
                if f.numbered {
                    s.push_str(&format!(" (also `{}1`, `{}2`, ...)", f.label, f.label));
                }
                s
            })
            .collect::<Vec<_>>()
            .join(", ");
        if self.fields.len() > DESCRIBED {
            listed.push_str(&format!(", ... ({} in all, under `fields` in daybook.yml)", self.fields.len()));
        }
        listed
    }
}

/// `Paper12` -> (`Paper`, `12`); a label made only of digits has no base.
pub(crate) fn split_number(label: &str) -> (&str, &str) {
    let base = label.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.is_empty() { (label, "") } else { (base, &label[base.len()..]) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_fields;

    #[test]
    fn fields_resolve_aliases_and_numbered_variants() {
        let f = CompiledFields::new(&default_fields());
        assert_eq!(f.resolve("论文").unwrap().label, "Paper");
        assert_eq!(f.resolve("Paper2").unwrap().label, "Paper");
        assert!(f.resolve("Abstract2").is_none(), "Abstract is not numbered");
        assert!(f.resolve("code").is_none(), "labels are case-sensitive");
    }

    #[test]
    fn lookup_labels_aliases_and_numbers() {
        let t = CompiledFields::new(&default_fields());
        assert_eq!(t.lookup("Paper"), Lookup::Known(FieldKey { field: 1, number: None }));
        assert_eq!(t.lookup("论文"), Lookup::Known(FieldKey { field: 1, number: None }));
        assert_eq!(t.lookup("Paper2"), Lookup::Known(FieldKey { field: 1, number: Some(2) }));
        assert_eq!(t.lookup("GitHub1"), Lookup::Known(FieldKey { field: 2, number: Some(1) }));
        assert_eq!(t.lookup("Tips2"), Lookup::NotNumbered { field: 3 });
        assert_eq!(t.lookup("paper"), Lookup::Unknown, "labels are case-sensitive");
        assert_eq!(t.lookup("2"), Lookup::Unknown);
    }

    #[test]
    fn suggestions() {
        let t = CompiledFields::new(&default_fields());
        assert_eq!(t.suggest("Tips2").as_deref(), Some("Tips"));
        assert_eq!(t.suggest("GtiHub").as_deref(), Some("GitHub"));
        assert_eq!(t.suggest("code").as_deref(), Some("Code"));
        assert_eq!(t.suggest("code2").as_deref(), Some("Code2"));
        assert_eq!(t.suggest("Abstarct").as_deref(), Some("Abstract"));
        assert_eq!(t.suggest("主要内"), Some("主要内容".to_owned()));
        assert_eq!(t.suggest("Weather"), None);
        assert!(t.suggestion_is_unique("GtiHub", "GitHub"));
        assert!(t.suggestion_is_unique("code2", "Code2"));
        assert!(t.suggestion_is_unique("Abstarct", "Abstract"));
    }
}
