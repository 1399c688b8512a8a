//! `daybook.yml` compiled once: every pattern, glob set, regex set, host rule
//! and template a run needs, built and validated in one place.
//!
//! [`Config`] is what was written (serde, with the line of a wrong type or an
//! unknown key); [`Settings`] is what it means. The checks that need a later
//! stage (rule names from the catalog, templates from the README generator,
//! link rules from the checker) run here, once, and their errors still point
//! at their line in daybook.yml. Every consumer then borrows the compiled
//! piece it needs instead of compiling its own copy.

use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::config::{Config, locate_key_in};
use crate::error::Error;
use crate::links::LinkSettings;
use crate::note::parse::ParseContext;
use crate::note::template::NoteTemplate;
use crate::readme::template::Templates;
use crate::rules::CompiledFields;

/// A configuration compiled for a run.
pub struct Settings {
    /// The configuration as written (values read as they are).
    pub config: Config,
    /// The daybook.yml it was read from, if any (for errors that only the real
    /// notes reveal, such as a template indexing past the last note).
    pub(crate) path: Option<PathBuf>,
    /// Path and title patterns, section headings: what the note parser needs.
    pub(crate) parse: ParseContext,
    /// The `ignore:` globs.
    pub(crate) ignore: GlobSet,
    /// Field labels, aliases and numbered variants.
    pub(crate) fields: CompiledFields,
    /// Include/exclude sets, host rules, soft-404 patterns, accepted statuses.
    pub links: LinkSettings,
    /// The README's region templates.
    pub(crate) templates: Templates,
    /// The template of a new note (`template:`).
    pub(crate) note_template: NoteTemplate,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("config", &self.config)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Load `<root>/daybook.yml` (or `explicit`) and compile it; the defaults
    /// when there is no file.
    pub(crate) fn load(root: &Path, explicit: Option<&Path>) -> Result<Settings, Error> {
        match Config::read(root, explicit)? {
            Some((path, text)) => {
                let mut settings = Settings::from_yaml(&text, &path)?;
                settings.path = Some(path);
                Ok(settings)
            }
            None => Settings::compile(Config::default()),
        }
    }

    /// Parse and compile YAML text. `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Settings, Error> {
        let config = Config::from_yaml(text, path)?;
        compile(config, Some((text, path)))
    }

    /// Compile a configuration built in code. Errors name the setting but
    /// have no line to point at.
    pub fn compile(config: Config) -> Result<Settings, Error> {
        compile(config, None)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::compile(Config::default()).expect("the built-in configuration compiles")
    }
}

/// An error at the offset `offset` finds in the YAML text (the line of a
/// `section.key`, say), or one naming the configuration when there is no text.
fn located(yaml: Option<(&str, &Path)>, offset: impl FnOnce(&str) -> usize, message: String) -> Error {
    match yaml {
        Some((text, path)) => Error::config(path, text, offset(text), message),
        None => Error::Usage(format!("{message} (in the configuration)")),
    }
}

fn compile(config: Config, yaml: Option<(&str, &Path)>) -> Result<Settings, Error> {
    for name in config.rules.keys() {
        if !crate::catalog::is_known(name) {
            let mut msg = format!("unknown rule `{name}` in `rules`");
            if let Some(s) = crate::suggest::did_you_mean(name, crate::catalog::names()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            return Err(located(yaml, |t| locate_key_in(t, "rules", name), msg));
        }
    }
    if let Err((region, line, msg)) = crate::readme::template::check_configured(&config.readme.templates) {
        return Err(located(
            yaml,
            |t| crate::readme::template::locate_in_yaml(t, &region, line),
            format!("readme.templates.{region}: {msg}"),
        ));
    }
    let links = LinkSettings::compile(&config.links)
        .map_err(|e| located(yaml, |t| crate::config::links::locate(t, &e.key), e.message))?;
    let templates = crate::readme::compile(&config).map_err(|e| Error::Usage(e.to_string()))?;
    let parse = ParseContext::new(&config)?;
    let note_template = NoteTemplate::new(config.template.as_deref(), &parse).map_err(|e| {
        located(yaml, |t| crate::note::template::locate_in_yaml(t, e.line), format!("template: {e}"))
    })?;
    let ignore = crate::discover::ignore_set(&config)?;
    let fields = CompiledFields::new(&config.fields);
    Ok(Settings { config, path: None, parse, ignore, fields, links, templates, note_template })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pattern` is a key of both `notes` and `title`, and a rule name may
    /// prefix a section name (`link` / `links`): errors point into the right
    /// section, whichever stage finds them.
    #[test]
    fn errors_of_every_stage_point_at_their_line() {
        let line = |yaml: &str| match Settings::from_yaml(yaml, Path::new("daybook.yml")).unwrap_err() {
            Error::Config(e) => e.line,
            err => panic!("{err:?}"),
        };
        assert_eq!(line("links:\n  timeout: 10s\nrules:\n  link: off\n"), 4);
        assert_eq!(line("notes:\n  root: notes\nlinks:\n  exclude: ['(']\n"), 4, "the key itself");
        assert_eq!(line("notes:\n  root: notes\nreadme:\n  templates:\n    history: \"{{ nope }}\"\n"), 5);
        assert_eq!(line("notes:\n  root: notes\ntemplate: |\n  # {{ title }}\n  {{ titel }}\n"), 3);
        assert_eq!(
            line("stars:\n  max: 3\ntemplate: |\n  # {{ title }}\n  ## {{ today }}\n  {{ 1 | nope }}\n"),
            6
        );
    }

    #[test]
    fn unknown_rules_get_a_suggestion() {
        let err = Settings::from_yaml("rules:\n  titel: off\n", Path::new("daybook.yml")).unwrap_err();
        assert!(err.to_string().contains("did you mean `title`"), "{err}");
    }

    #[test]
    fn a_config_built_in_code_is_checked_too() {
        let mut config = Config::default();
        config.rules.insert("no-such-rule".into(), crate::config::RuleLevel::Off);
        let err = Settings::compile(config).unwrap_err();
        assert!(err.to_string().contains("no-such-rule"), "{err}");
        assert!(Settings::compile(Config::default()).is_ok());
    }

    #[test]
    fn no_file_means_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(dir.path(), None).unwrap();
        assert_eq!(s.config, Config::default());
        assert!(s.path.is_none());
        std::fs::write(dir.path().join("daybook.yml"), "notes:\n  root: daily\n").unwrap();
        let s = Settings::load(dir.path(), None).unwrap();
        assert_eq!(s.parse.notes_root, "daily");
        assert_eq!(s.path.as_deref(), Some(dir.path().join("daybook.yml").as_path()));
    }
}
