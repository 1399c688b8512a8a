//! `daybook.yml`: the effective configuration.
//!
//! Every field has a default, and the defaults describe the seed repository
//! layout exactly, so `daybook lint` works with no file at all. Unknown keys and
//! wrong types are errors that point at the line in `daybook.yml`
//! (`deny_unknown_fields` + the YAML parser's location).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::Severity;
use crate::error::Error;

mod keys;
pub(crate) mod links;
mod nesting;
pub(crate) mod notes;

use keys::suggest_known_key;
use nesting::{MAX_NESTING, check_nesting};
pub(crate) use notes::{
    DateSource, FrontMatterKey, FrontMatterSchema, NoteKind, NoteSets, NotesConfig, UndatedOrder, Unmatched,
    ValueType,
};

/// Default file name looked up at the repository root.
pub(crate) const CONFIG_FILE: &str = "daybook.yml";

/// Where the committed `daybook.schema.json` is published: the schema's `$id`,
/// and what a `# yaml-language-server: $schema=` modeline names.
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/daybook-rs/daybook/main/daybook.schema.json";

/// A daybook.yml is a few KB; anything near this is not a config.
pub(crate) const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// The configuration of a daybook repository (`daybook.yml` at its root).
/// Every key is optional: the defaults describe the seed repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The JSON Schema this file follows, for editors (see README, "Editor support").
    /// daybook ignores it.
    // Accepted so `$schema: https://...` does not fail as an unknown key;
    // never printed back by `daybook config show`, which shows what daybook uses.
    #[serde(rename = "$schema", skip_serializing)]
    pub(crate) schema: Option<String>,
    /// Where notes live and how their paths are spelled: one note set, or a list of
    /// sets (a file belongs to the first set whose pattern it matches).
    #[schemars(with = "notes::NoteSetsSchema")]
    pub notes: NoteSets,
    /// The H1 title every note starts with.
    pub(crate) title: TitleConfig,
    /// The second-level headings a note is made of.
    pub(crate) sections: SectionsConfig,
    /// The star rating after each item's link.
    pub stars: StarsConfig,
    /// The labelled sub-bullets of an item (`- Paper: [...](...)`).
    pub fields: Vec<FieldConfig>,
    /// Notes dated before this day are older free-form notes: field rules only warn there.
    #[schemars(with = "Option<String>")]
    pub(crate) strict_since: Option<NaiveDate>,
    /// Per-rule severity overrides: `rule-name: off | info | warning | error`.
    pub(crate) rules: BTreeMap<String, RuleLevel>,
    /// Globs (relative to the repository root) of files never linted.
    pub(crate) ignore: Vec<String>,
    /// The generated README.
    pub readme: ReadmeConfig,
    /// External link checking.
    pub(crate) links: links::LinksConfig,
    /// Committing the README back and talking to GitHub.
    pub(crate) publish: PublishConfig,
    /// Level of a README that is stale and is not committed (a pull request, a tag, a fork):
    /// `error`, `notice` or `off`. Unset: on a pull request a README made stale only by its
    /// notes is a notice (it is regenerated when the pull request is merged), elsewhere an
    /// error. A pull request that edits the README's generated regions by hand is an error
    /// whatever this says: the next regeneration would overwrite the edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) readme_stale: Option<ReadmeStale>,
    /// The minijinja template `daybook new` makes a note from (default: the seed's title,
    /// today section and footer). Variables: `title` (`title.pattern` spelled for the day),
    /// `today`, `footer` (the section headings), `date` (`2026-12-02`), `year`, `month`,
    /// `day`, `mm`, `dd`. The note it makes must start with `# {{ title }}` and hold
    /// `## {{ today }}`, where `daybook add` puts items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) template: Option<String>,
}

/// The level of a stale README that is not committed (`readme_stale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ReadmeStale {
    /// A `readme-stale` error: the run fails.
    Error,
    /// A `readme-stale` notice: reported, the run passes.
    Notice,
    /// Not reported (the job summary still says the README is stale).
    Off,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schema: None,
            notes: NoteSets::default(),
            title: TitleConfig::default(),
            sections: SectionsConfig::default(),
            stars: StarsConfig::default(),
            fields: default_fields(),
            strict_since: NaiveDate::from_ymd_opt(2021, 4, 25),
            rules: BTreeMap::new(),
            ignore: Vec::new(),
            readme: ReadmeConfig::default(),
            links: links::LinksConfig::default(),
            publish: PublishConfig::default(),
            readme_stale: None,
            template: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct TitleConfig {
    /// The H1 text, with the same placeholders as `notes.pattern`; the date it spells
    /// must be the date of the note's path.
    pub(crate) pattern: String,
}

impl Default for TitleConfig {
    fn default() -> Self {
        TitleConfig { pattern: "公众号内容拓展学习笔记（{yyyy}.{m}.{d}）".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SectionsConfig {
    /// Heading text of the section holding the day's items. Runs of spaces are
    /// compared as one space.
    pub(crate) today: String,
    /// Heading text of the closing section (links to the author, QR code...).
    pub(crate) footer: String,
}

impl Default for SectionsConfig {
    fn default() -> Self {
        SectionsConfig { today: ":paperclip:  今日要点".into(), footer: ":paperclip:  Others".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StarsConfig {
    /// The token repeated to make a rating.
    pub(crate) token: String,
    /// The fewest tokens a rating may have. 0 to 100, at most `max`.
    pub(crate) min: u32,
    /// The most tokens a rating may have. 0 to 100.
    pub max: u32,
    /// Whether every item must carry a rating.
    pub(crate) required: bool,
}

impl Default for StarsConfig {
    fn default() -> Self {
        StarsConfig { token: ":star:".into(), min: 1, max: 5, required: true }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FieldConfig {
    /// The canonical label, e.g. `Paper`. Labels are case-sensitive.
    pub label: String,
    /// Other spellings accepted as this field, e.g. `论文`.
    pub(crate) aliases: Vec<String>,
    /// An item without this field is reported.
    pub(crate) required: bool,
    /// The value must contain a link.
    pub(crate) link: bool,
    /// `Paper1`, `Paper2`, ... are accepted as this field.
    pub(crate) numbered: bool,
}

fn field(label: &str, aliases: &[&str], required: bool, link: bool, numbered: bool) -> FieldConfig {
    FieldConfig {
        label: label.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        required,
        link,
        numbered,
    }
}

/// The fields of the seed repository's modern notes.
pub(crate) fn default_fields() -> Vec<FieldConfig> {
    vec![
        field("Abstract", &["主要内容", "摘要"], true, false, false),
        field("Paper", &["论文"], false, true, true),
        field("Code", &["代码", "GitHub"], false, true, true),
        field("Tips", &["核心点", "要点"], false, false, false),
    ]
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

impl RuleLevel {
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Error => Some(Severity::Error),
        }
    }
}

/// Order of the history region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Ascending,
    Descending,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReadmeConfig {
    /// README path relative to the repository root (default `README.md`).
    pub(crate) path: Option<String>,
    /// Order of years, months and notes in the history region.
    pub order: Order,
    /// minijinja templates replacing the built-in ones, per region
    /// (`today`, `history`, `updated`).
    pub templates: BTreeMap<String, String>,
    /// The built-in templates' style: `seed` (the seed's year/month `<details>`
    /// history, in Chinese), `by-month` (English headings per year and month),
    /// `by-topic` (a count line, a list of topics, a `### Topic` section per folder
    /// listing its notes by title) or `latest` (the newest `latest` notes, newest first).
    #[serde(skip_serializing_if = "is_default")]
    pub(crate) style: ReadmeStyle,
    /// Display names of folders in the `by-topic` style (`aws: AWS`); a folder not
    /// listed is shown with each word capitalized (`claude-code` -> `Claude Code`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) topics: BTreeMap<String, String>,
    /// How many notes the `latest` list holds (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) latest: Option<usize>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The style of the built-in README templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ReadmeStyle {
    #[default]
    Seed,
    ByMonth,
    ByTopic,
    Latest,
}

impl ReadmeConfig {
    pub(crate) fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("README.md")
    }
}

/// How `daybook publish` commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PublishMode {
    /// Git Data API when a token is present (verified commits), else git.
    #[default]
    Auto,
    Api,
    Git,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PublishConfig {
    /// How to commit: `auto` (the Git Data API when a token is present, else git), `api` or `git`.
    pub(crate) mode: PublishMode,
    /// Commit message; keep `[skip ci]` unless you want the commit to trigger workflows.
    pub(crate) message: String,
    /// Author name of the commit (git mode).
    pub(crate) author_name: String,
    /// Author email of the commit (git mode).
    pub(crate) author_email: String,
    /// How many times a race with another push is retried.
    pub(crate) max_attempts: u32,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            mode: PublishMode::Auto,
            message: "docs: regenerate README from notes [skip ci]".into(),
            author_name: "github-actions[bot]".into(),
            author_email: "41898282+github-actions[bot]@users.noreply.github.com".into(),
            max_attempts: 3,
        }
    }
}

impl Config {
    /// Parse YAML text. `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Config, Error> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        if let Err(offset) = check_nesting(text) {
            return Err(Error::config(
                path,
                text,
                offset,
                format!(
                    "this value is nested more than {MAX_NESTING} levels deep; daybook.yml never needs that, \
                     so it is refused before parsing (deep nesting makes YAML parsers slow)"
                ),
            ));
        }
        let config: Config = yaml_serde::from_str(text).map_err(|e| {
            let offset = e.location().map(|l| l.index()).unwrap_or(0);
            Error::config(path, text, offset, suggest_known_key(&e.to_string()))
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    /// Load `daybook.yml` from `explicit` or from `<root>/daybook.yml` when it exists;
    /// otherwise the defaults. Only what serde and this layer check: see
    /// `Settings::load` for a configuration validated and compiled for a run.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), Error> {
        match Config::read(root, explicit)? {
            Some((path, text)) => Ok((Config::from_yaml(&text, &path)?, Some(path))),
            None => Ok((Config::default(), None)),
        }
    }

    /// The text of `explicit` or of `<root>/daybook.yml` when it exists, with
    /// its path; `None` when there is no config file.
    pub(crate) fn read(root: &Path, explicit: Option<&Path>) -> Result<Option<(PathBuf, String)>, Error> {
        // An empty DAYBOOK_CONFIG (a blank workflow input) means "not set".
        let explicit = explicit.filter(|p| !p.as_os_str().is_empty());
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = root.join(CONFIG_FILE);
                if std::fs::symlink_metadata(&p).is_err() {
                    return Ok(None);
                }
                p
            }
        };
        if explicit.is_some() && !path.exists() {
            return Err(Error::Usage(format!(
                "the config file {} does not exist: fix the path given with --config or DAYBOOK_CONFIG, \
                 or drop it to use <repo>/{CONFIG_FILE}",
                path.display()
            )));
        }
        // A config inside the repository may come from a pull request: it is
        // read only if it resolves inside it and is a regular file. One the
        // user named outside the repository is theirs, and only bounded.
        let read = if crate::util::jail::is_named_inside(root, &path) {
            crate::util::jail::read_in_repo(root, &path, MAX_CONFIG_SIZE)
        } else {
            crate::util::jail::read_regular(&path, MAX_CONFIG_SIZE)
        };
        let bytes = read.map_err(|why| match why {
            crate::util::jail::Refused::Io(e) => Error::io(&path, "read the config file", e),
            why => Error::Usage(format!("the config file {} is not read: {why}", path.display())),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (_, line, column) = crate::diag::utf8_error_position(&e);
            Error::Usage(format!(
                "{}:{line}:{column}: the config file is not valid UTF-8; save it as UTF-8",
                path.display()
            ))
        })?;
        Ok(Some((path, text)))
    }

    /// Checks serde cannot express that need no later stage: ranges, paths
    /// inside the repository, patterns, globs, field spellings. The rest (rule
    /// names, templates, link rules) is checked where it is compiled: `Settings`.
    fn validate(&self, text: &str, path: &Path) -> Result<(), Error> {
        let at = |key: &str| locate_key(text, key);
        let at_in = |section: &str, key: &str| locate_key_in(text, section, key);
        if self.stars.min > self.stars.max {
            return Err(Error::config(
                path,
                text,
                at_in("stars", "min"),
                "stars.min must not exceed stars.max".into(),
            ));
        }
        // Both are read (and the README written) relative to the repository
        // root: a config in a pull request must not point daybook elsewhere.
        let readme_path = self.readme.path.as_deref().unwrap_or("README.md");
        let roots = self.notes.iter().enumerate().map(|(i, n)| ("notes", "root", n.root.as_str(), i));
        for (section, key, value, index) in roots.chain([("readme", "path", readme_path, 0)]) {
            // Checked as used: daybook reads a `\` in these paths as `/`, so
            // `..\x` climbs and `.git\hooks\pre-push` is a hook.
            let slashed = value.replace('\\', "/");
            let p = Path::new(&slashed);
            let climbs = p.components().any(|c| matches!(c, std::path::Component::ParentDir));
            let problem = if p.has_root() || climbs || value.trim().is_empty() {
                format!(
                    "it must be a path inside the repository, relative to its root and without `..` (for example `{}`)",
                    if section == "notes" { "notes" } else { "README.md" }
                )
            } else if p.components().any(|c| c.as_os_str().eq_ignore_ascii_case(".git")) {
                // Whatever daybook wrote there would be git's configuration or
                // hooks; case-blind, as some file systems are.
                "it points into `.git`, git's own folder, which holds no notes".to_owned()
            } else {
                continue;
            };
            let offset = if section == "notes" {
                notes::locate_set_key(text, index, key)
            } else {
                at_in(section, key)
            };
            return Err(Error::config(
                path,
                text,
                offset,
                format!("{section}.{key} is `{value}`: {problem}"),
            ));
        }
        if let Err(e) = crate::pattern::DatePattern::new(&self.title.pattern) {
            return Err(Error::config(path, text, at_in("title", "pattern"), format!("title.pattern: {e}")));
        }
        for (i, set) in self.notes.iter().enumerate() {
            if let Err(e) = notes::check_set(set) {
                return Err(Error::config(path, text, notes::locate_set_key(text, i, e.0), e.1));
            }
        }
        let mut spellings: BTreeMap<&str, &str> = BTreeMap::new();
        for f in &self.fields {
            if f.label.trim().is_empty() {
                return Err(Error::config(path, text, at("fields"), "every field needs a `label`".into()));
            }
            for spelling in std::iter::once(&f.label).chain(&f.aliases) {
                if let Some(first) = spellings.insert(spelling.as_str(), f.label.as_str()) {
                    let whose = if first == f.label {
                        "twice".to_owned()
                    } else {
                        format!("for `{first}` and `{}`", f.label)
                    };
                    return Err(Error::config(
                        path,
                        text,
                        at(spelling),
                        format!(
                            "`{spelling}` is used {whose} in `fields`: a label or alias must name one field"
                        ),
                    ));
                }
            }
        }
        for (section, key, value) in [
            ("stars", "token", &self.stars.token),
            ("sections", "today", &self.sections.today),
            ("sections", "footer", &self.sections.footer),
        ] {
            if value.trim().is_empty() {
                return Err(Error::config(
                    path,
                    text,
                    at_in(section, key),
                    format!("{section}.{key} must not be empty"),
                ));
            }
        }
        for g in &self.ignore {
            if let Err(e) = globset::Glob::new(g) {
                return Err(Error::config(path, text, at(g), format!("bad glob `{g}` in `ignore`: {e}")));
            }
        }
        // A rating repeats the token up to `stars.max` times in messages; a retry count is a loop bound.
        const MAX_STARS: u32 = 100;
        const MAX_PUBLISH_ATTEMPTS: u32 = 100;
        for (section, key, value, lo, hi) in [
            ("stars", "min", self.stars.min, 0, MAX_STARS),
            ("stars", "max", self.stars.max, 0, MAX_STARS),
            ("publish", "max_attempts", self.publish.max_attempts, 1, MAX_PUBLISH_ATTEMPTS),
        ] {
            if !(lo..=hi).contains(&value) {
                let msg = format!("{section}.{key} is {value}; it must be {lo} to {hi}");
                return Err(Error::config(path, text, at_in(section, key), msg));
            }
        }
        Ok(())
    }

    /// The configured level of a rule, if overridden.
    pub(crate) fn rule_level(&self, rule: &str) -> Option<RuleLevel> {
        self.rules.get(rule).copied()
    }

    /// The JSON Schema of `daybook.yml`; `rule_names` (the catalog's) close
    /// the set of keys under `rules:`.
    pub fn json_schema<'a>(rule_names: impl IntoIterator<Item = &'a str>) -> serde_json::Value {
        let mut schema = serde_json::to_value(schemars::schema_for!(Config)).expect("schema serializes");
        // What the derive cannot say, so editors flag what `validate` refuses:
        // rule names are a closed set, a field needs its label, a day is a date.
        let names: Vec<&str> = rule_names.into_iter().collect();
        schema["properties"]["rules"]["propertyNames"] = serde_json::json!({ "enum": names });
        schema["properties"]["strict_since"]["format"] = "date".into();
        schema["$defs"]["FieldConfig"]["required"] = serde_json::json!(["label"]);
        // An address and a name, so editors and a SchemaStore entry can refer to it.
        schema["$id"] = SCHEMA_URL.into();
        schema["title"] = "daybook.yml".into();
        // Read, never written back: still a key a user writes, not a write-only one.
        if let Some(p) = schema["properties"]["$schema"].as_object_mut() {
            p.remove("writeOnly");
        }
        schema
    }
}

/// Byte offset of the line that defines `key` in the top-level mapping `section`
/// (best effort, for error spans): `pattern` is a key of both `notes` and `title`,
/// and a rule name can prefix a section name (`link`, `links`). Falls back to the
/// section's own line (e.g. for flow style `stars: {min: 3, max: 2}`).
pub(crate) fn locate_key_in(text: &str, section: &str, key: &str) -> usize {
    let defines = |t: &str, k: &str| {
        let t = t.trim_start_matches("- ");
        [k.to_owned(), format!("\"{k}\""), format!("'{k}'")]
            .iter()
            .any(|k| t.strip_prefix(k.as_str()).is_some_and(|rest| rest.trim_start().starts_with(':')))
    };
    let mut offset = 0;
    let mut inside = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        if indent == 0 && !blank {
            inside = defines(trimmed, section).then_some(offset);
        } else if inside.is_some() && !blank && defines(trimmed, key) {
            return offset + indent;
        }
        offset += line.len();
    }
    inside.unwrap_or_else(|| locate_key(text, section))
}

/// Byte offset of the first line that defines `key` (best effort, for error spans).
pub(crate) fn locate_key(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start().trim_start_matches("- ");
        if t.starts_with(key) || t.starts_with(&format!("\"{key}\"")) {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// Byte offset of line `line` (1-based) of a block scalar whose body starts at
/// `body` (just after its key's line), past the body's indentation: where a
/// template's own error line sits in daybook.yml. A line past the end stops at
/// the last line.
pub(crate) fn block_scalar_line(yaml: &str, body: usize, line: usize) -> usize {
    let mut at = body;
    for next in yaml[body.min(yaml.len())..].split_inclusive('\n').take(line.saturating_sub(1)) {
        at += next.len();
    }
    let rest = &yaml[at.min(yaml.len())..];
    at + (rest.len() - rest.trim_start_matches(' ').len())
}

#[cfg(test)]
mod tests;
