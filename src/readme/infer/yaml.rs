//! daybook.yml as `init` writes it: what was inferred, as comments, then the settings.

use std::collections::BTreeMap;

use super::{Inference, is_dated};
use crate::config::{Config, NotesConfig};

impl Inference {
    /// daybook.yml as `init` writes it: what was inferred, from how many
    /// notes, as comments, then the settings.
    pub(crate) fn yaml(&self) -> String {
        let mut out =
            String::from("# Written by `daybook init`, which inferred these settings from the repository:\n");
        out.push_str(&format!("# {} Markdown files (the README aside).\n", self.files));
        for (set, why) in &self.sets {
            out.push_str(&format!(
                "# - note set `{}`: {} files as `{}` in `{}`; {why}\n",
                set.config.display_name(),
                set.paths.len(),
                set.config.pattern,
                set.config.root
            ));
        }
        if let Some(sh) = &self.shape {
            out.push_str(&format!(
                "# - the today section of `items` notes is `## {}`; {} of its {} items are rated with `{}`.\n",
                sh.today,
                sh.starred,
                sh.items,
                self.config.stars.token
            ));
            if let Some(f) = &sh.footer {
                out.push_str(&format!("# - most of them end with a `## {f}` section.\n"));
            }
        }
        if let Some(v) = &self.fields {
            for line in v.describe() {
                out.push_str(&format!("# - {line}.\n"));
            }
        }
        match (&self.readme, &self.index) {
            (Some(r), Some(i)) => out.push_str(&format!(
                "# - {}: its index (lines {}-{}: {}) lists the set `{}`; it is wrapped in daybook:history markers\n#   and `readme.templates.history` reproduces its lines.\n",
                r.display_path,
                crate::readme::line_of(&r.text, i.lines.start),
                crate::readme::line_of(&r.text, i.lines.end.saturating_sub(1)),
                i.description,
                self.sets.get(i.set).map_or("", |(s, _)| s.config.display_name()),
            )),
            (Some(r), None) if self.already_adopted => {
                out.push_str(&format!("# - {}: already has daybook markers.\n", r.display_path))
            }
            (Some(r), None) if self.unreproduced.is_some() => {
                let u = self.unreproduced.as_ref().expect("checked above");
                out.push_str(&format!(
                    "# - {}: its index (lines {}-{}: {}) was left unwrapped: no template inferred from it\n#   writes more than {} of its {} lines linking notes again; write `readme.templates.history` for it.\n",
                    r.display_path,
                    crate::readme::line_of(&r.text, u.lines.start),
                    crate::readme::line_of(&r.text, u.lines.end.saturating_sub(1)),
                    u.description,
                    u.kept,
                    u.total
                ))
            }
            (Some(r), None) => out.push_str(&format!(
                "# - {}: no index of the notes was found; add `<!-- daybook:history -->` and\n#   `<!-- /daybook:history -->` lines where it should go.\n",
                r.display_path
            )),
            (None, _) => out.push_str("# - there is no README yet.\n"),
        }
        out.push_str("# Edit freely; `daybook config show` prints what daybook uses.\n");
        #[derive(serde::Serialize)]
        struct Readme<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            order: Option<crate::config::Order>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            topics: &'a BTreeMap<String, String>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            templates: &'a BTreeMap<String, String>,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            notes: &'a [NotesConfig],
            #[serde(skip_serializing_if = "Option::is_none")]
            title: Option<&'a crate::config::TitleConfig>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sections: Option<Sections<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            stars: Option<Stars<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<Vec<Field<'a>>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            readme: Option<Readme<'a>>,
        }
        let r = &self.config.readme;
        let readme =
            (r.order != crate::config::Order::Ascending || !r.topics.is_empty() || !r.templates.is_empty())
                .then(|| Readme {
                    order: (r.order != crate::config::Order::Ascending).then_some(r.order),
                    topics: &r.topics,
                    templates: &r.templates,
                });
        let c = &self.config;
        let defaults = Config::default();
        let (sections, stars) = (Sections::of(c), Stars::of(c));
        let fields = (c.fields != defaults.fields).then(|| c.fields.iter().map(Field::from).collect());
        let doc = Doc { notes: &c.notes.0, title: None, sections, stars, fields, readme };
        out.push_str(&yaml_serde::to_string(&doc).unwrap_or_default());
        out
    }

    /// Whether the notes' today heading, footer, rating or titles are not the
    /// seed's, so the defaults do not describe them even in the seed's layout.
    pub(crate) fn shape_differs_from_seed(&self) -> bool {
        let (c, d) = (&self.config, Config::default());
        self.shape.is_some()
            && (c.sections.today != d.sections.today
                || c.sections.footer != d.sections.footer
                || c.stars.token != d.stars.token
                || c.stars.required != d.stars.required
                || self.sets.iter().any(|(s, _)| s.config.title.is_some()))
    }

    /// On a repository of the seed's layout whose notes are not the seed's
    /// shape, or use labels the seed's fields do not spell: the settings that
    /// describe them (title, sections, stars, fields), with what was inferred
    /// as comments, for `init` to write beside the README's settings.
    pub(crate) fn seed_fields_yaml(&self) -> Option<String> {
        let v = self.fields.as_ref()?;
        let shape = self.shape_differs_from_seed();
        let seed = crate::config::default_fields();
        let known = |l: &str| seed.iter().any(|f| f.label == l || f.aliases.iter().any(|a| a == l));
        let new_labels = v.fields.iter().any(|f| !known(&f.label) || f.aliases.iter().any(|a| !known(a)));
        if !shape && !new_labels {
            return None;
        }
        #[derive(serde::Serialize)]
        struct Title<'a> {
            pattern: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            notes: Option<&'a [NotesConfig]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            title: Option<Title<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sections: Option<Sections<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            stars: Option<Stars<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<Vec<Field<'a>>>,
        }
        let mut out = String::new();
        let title = self.sets.first().and_then(|(s, _)| s.config.title.as_deref());
        if let (Some((_, why)), true) = (self.sets.first(), shape) {
            out.push_str(&format!("# The notes: {why}.\n"));
        }
        if let (Some(sh), true) = (&self.shape, shape) {
            out.push_str(&format!(
                "# Their today section is `## {}`; {} of its {} items are rated with `{}`.\n",
                sh.today, sh.starred, sh.items, self.config.stars.token
            ));
        }
        let fields = (new_labels || (shape && !v.is_default())).then(|| {
            for line in v.describe() {
                out.push_str(&format!("# {line}.\n"));
            }
            v.fields.iter().map(Field::from).collect()
        });
        let c = &self.config;
        // `title.pattern` must spell a date; a set's title need not (`{slug}`: any).
        let title = title.filter(|_| shape);
        let undated = title.filter(|t| !is_dated(t));
        let doc = Doc {
            notes: undated.map(|_| c.notes.0.as_slice()),
            title: title.filter(|t| is_dated(t)).map(|pattern| Title { pattern }),
            sections: Sections::of(c).filter(|_| shape),
            stars: Stars::of(c).filter(|_| shape),
            fields,
        };
        out.push_str(&yaml_serde::to_string(&doc).unwrap_or_default());
        Some(out)
    }
}

/// `sections:` as daybook.yml spells it: the keys not at their defaults.
#[derive(serde::Serialize)]
struct Sections<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    today: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    footer: Option<&'a str>,
}

impl<'a> Sections<'a> {
    fn of(c: &'a Config) -> Option<Self> {
        let d = Config::default().sections;
        let s = Sections {
            today: (c.sections.today != d.today).then_some(c.sections.today.as_str()),
            footer: (c.sections.footer != d.footer).then_some(c.sections.footer.as_str()),
        };
        (s.today.is_some() || s.footer.is_some()).then_some(s)
    }
}

/// `stars:` as daybook.yml spells it: the keys not at their defaults.
#[derive(serde::Serialize)]
struct Stars<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
}

impl<'a> Stars<'a> {
    fn of(c: &'a Config) -> Option<Self> {
        let d = Config::default().stars;
        let s = Stars {
            token: (c.stars.token != d.token).then_some(c.stars.token.as_str()),
            required: (c.stars.required != d.required).then_some(c.stars.required),
        };
        (s.token.is_some() || s.required.is_some()).then_some(s)
    }
}

/// One field as daybook.yml spells it: keys at their defaults left out.
#[derive(serde::Serialize)]
struct Field<'a> {
    label: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    link: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    numbered: bool,
}

impl<'a> From<&'a crate::config::FieldConfig> for Field<'a> {
    fn from(f: &'a crate::config::FieldConfig) -> Self {
        Field {
            label: &f.label,
            aliases: &f.aliases,
            required: f.required,
            link: f.link,
            numbered: f.numbered,
        }
    }
}
