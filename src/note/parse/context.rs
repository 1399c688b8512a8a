//! What the parser needs from the config, compiled once.

use chrono::NaiveDate;

use crate::config::Config;
use crate::pattern::DatePattern;
use crate::util::text::collapse_ws;

/// Everything the parser needs from the config, compiled once per run.
#[derive(Debug, Clone)]
pub struct ParseContext {
    /// `notes.root` without leading `./` or trailing `/`.
    pub notes_root: String,
    pub path_pattern: DatePattern,
    pub title_pattern: DatePattern,
    /// Today heading text with whitespace runs collapsed.
    pub today_heading: String,
    /// Footer heading text with whitespace runs collapsed.
    pub footer_heading: String,
    pub star_token: String,
}

impl ParseContext {
    /// Compile the parts of `config` the parser uses. Fails only on patterns that
    /// [`Config::from_yaml`] would already have rejected.
    pub fn new(config: &Config) -> Result<Self, crate::Error> {
        let path_pattern = DatePattern::new(&config.notes.pattern)
            .map_err(|e| crate::Error::Usage(format!("notes.pattern: {e}")))?;
        let title_pattern = DatePattern::new(&config.title.pattern)
            .map_err(|e| crate::Error::Usage(format!("title.pattern: {e}")))?;
        Ok(ParseContext {
            notes_root: normalize_root(&config.notes.root),
            path_pattern,
            title_pattern,
            today_heading: collapse_ws(&config.sections.today),
            footer_heading: collapse_ws(&config.sections.footer),
            star_token: config.stars.token.clone(),
        })
    }

    /// The path of a note relative to the notes root (`202104/0425.md` for
    /// `notes/202104/0425.md`), or `None` when it is not under the root.
    pub fn relative_to_root<'p>(&self, path: &'p str) -> Option<&'p str> {
        if self.notes_root.is_empty() {
            return Some(path);
        }
        path.strip_prefix(self.notes_root.as_str())?.strip_prefix('/')
    }

    /// The date a repository-relative path spells, if it matches `notes.pattern`
    /// and names a real day.
    pub fn path_date(&self, path: &str) -> Option<NaiveDate> {
        let rel = self.relative_to_root(path)?;
        self.path_pattern.parse(rel)?.ok()
    }
}

fn normalize_root(root: &str) -> String {
    let r = root.replace('\\', "/");
    let r = r.trim_start_matches("./").trim_end_matches('/');
    if r == "." { String::new() } else { r.to_owned() }
}
