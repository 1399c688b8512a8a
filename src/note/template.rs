//! The template a new note is made from (`daybook new`, `daybook add` on a day
//! without a note): minijinja, `template:` in daybook.yml, compiled and checked
//! once in `Settings` like the README's region templates.
//!
//! Variables: `title` (the configured title pattern spelled for the day, e.g.
//! `公众号内容拓展学习笔记（2026.12.2）`), `today` and `footer` (the configured
//! section headings), `date` (`2026-12-02`), `year`, `month`, `day`
//! (integers), `mm`, `dd` (zero-padded). Rendered with `trim_blocks`,
//! `lstrip_blocks` and strict undefined values, as the README templates are.
//!
//! A template is checked by rendering it for a sample day and parsing the
//! result as a note: it must spell the day's title and hold the today
//! section, since `daybook add` appends its items there.

use chrono::{Datelike, NaiveDate};
use minijinja::{Environment, context};

use super::parse::{ParseContext, parse_note};
use crate::config::block_scalar_line;
use crate::diag::SourceFile;

/// The seed's note: title, the rule under it, the today section, the footer.
pub(crate) const DEFAULT_NOTE_TEMPLATE: &str =
    "# {{ title }}\n\n------\n\n## {{ today }}\n\n## {{ footer }}\n";

/// Why a note template was refused; `line` is 1-based within the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteTemplateError {
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

impl std::fmt::Display for NoteTemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl NoteTemplateError {
    fn from_jinja(e: &minijinja::Error) -> Self {
        if e.kind() == minijinja::ErrorKind::OutOfFuel {
            return NoteTemplateError { line: e.line(), message: crate::util::jinja::out_of_fuel() };
        }
        let mut message = e.kind().to_string();
        if let Some(d) = e.detail() {
            message.push_str(": ");
            message.push_str(d);
        }
        NoteTemplateError { line: e.line(), message }
    }
}

/// The compiled note template.
pub(crate) struct NoteTemplate {
    env: Environment<'static>,
    custom: bool,
}

impl std::fmt::Debug for NoteTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteTemplate").field("custom", &self.custom).finish_non_exhaustive()
    }
}

const NAME: &str = "note";
const VARIABLES: &[&str] = &["title", "today", "footer", "date", "year", "month", "day", "mm", "dd"];

impl NoteTemplate {
    /// Compile `source` (the built-in template when `None`) and check it
    /// against a sample day with the run's patterns and headings.
    pub(crate) fn new(source: Option<&str>, parse: &ParseContext) -> Result<NoteTemplate, NoteTemplateError> {
        let mut env = crate::util::jinja::environment();
        let text = source.unwrap_or(DEFAULT_NOTE_TEMPLATE).to_owned();
        env.add_template_owned(NAME, text).map_err(|e| NoteTemplateError::from_jinja(&e))?;
        let t = NoteTemplate { env, custom: source.is_some() };
        t.check_variables()?;
        // The note it makes is only checked where `daybook new` can make one:
        // the first note set holds dated items notes.
        if writable_set(parse).is_ok() {
            t.check(parse)?;
        }
        Ok(t)
    }

    /// Whether the template comes from daybook.yml.
    #[cfg(test)]
    pub(crate) fn is_custom(&self) -> bool {
        self.custom
    }

    /// The note for `date`, with `\n` line breaks.
    pub(crate) fn render(
        &self,
        date: NaiveDate,
        parse: &ParseContext,
        today: &str,
        footer: &str,
    ) -> Result<String, NoteTemplateError> {
        let t = self.env.get_template(NAME).map_err(|e| NoteTemplateError::from_jinja(&e))?;
        let ctx = context! {
            title => title_of(parse, date),
            today => today,
            footer => footer,
            date => date.format("%Y-%m-%d").to_string(),
            year => date.year(),
            month => date.month(),
            day => date.day(),
            mm => format!("{:02}", date.month()),
            dd => format!("{:02}", date.day()),
        };
        let mut out = t.render(ctx).map_err(|e| NoteTemplateError::from_jinja(&e))?;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }

    fn check_variables(&self) -> Result<(), NoteTemplateError> {
        let t = self.env.get_template(NAME).map_err(|e| NoteTemplateError::from_jinja(&e))?;
        let mut used: Vec<String> = t.undeclared_variables(false).into_iter().collect();
        used.sort();
        if let Some(unknown) = used.iter().find(|v| !VARIABLES.contains(&v.as_str())) {
            let mut message = format!("unknown variable `{unknown}`");
            if let Some(s) = crate::suggest::did_you_mean(unknown, VARIABLES.iter().copied()) {
                message.push_str(&format!("; did you mean `{s}`?"));
            }
            message.push_str(&format!(" (the variables are {})", VARIABLES.join(", ")));
            return Err(NoteTemplateError { line: None, message });
        }
        Ok(())
    }

    fn check(&self, parse: &ParseContext) -> Result<(), NoteTemplateError> {
        let sample = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a real day");
        // The headings as configured, not collapsed: the parser compares them collapsed.
        let text = self.render(sample, parse, &parse.today_heading, &parse.footer_heading)?;
        let path = format!("{}/{}", parse.notes_root, parse.path_pattern.format(sample));
        let note = parse_note(SourceFile::new(path.trim_start_matches('/'), "", text), parse);
        let refuse = |message: String| Err(NoteTemplateError { line: None, message });
        match note.title.as_ref().map(|t| t.date) {
            None => {
                return refuse(
                    "the note it makes has no `# ` title line; start it with `# {{ title }}`".into(),
                );
            }
            Some(d) if d != Some(sample) && title_is_dated(parse) => {
                return refuse(
                    "the note it makes has a title that does not spell its day as `title.pattern` does; \
                     use `# {{ title }}`"
                        .into(),
                );
            }
            Some(_) => {}
        }
        if note.today.is_none() {
            return refuse(format!(
                "the note it makes has no today section (`## {}`), where `daybook add` puts items; \
                 add a line `## {{{{ today }}}}`",
                parse.today_heading
            ));
        }
        Ok(())
    }
}

/// Whether `daybook new` can make notes for the first note set (the one it
/// writes to): `Err` says why not.
pub(crate) fn writable_set(parse: &ParseContext) -> Result<(), String> {
    let Some(set) = parse.sets.first() else { return Err("there is no note set".into()) };
    if set.kind != crate::config::NoteKind::Items {
        return Err(format!("the first note set `{}` holds articles, not dated items notes", set.name));
    }
    if !set.pattern.is_dated() || set.pattern.has_free_parts() {
        return Err(format!(
            "the first note set `{}` has the pattern `{}`, which does not spell one path per day",
            set.name,
            set.pattern.source()
        ));
    }
    Ok(())
}

/// Byte offset of the top-level `template:` key in daybook.yml, moved down to
/// the template's own `line` when it is a block scalar (`|`), for errors.
pub(crate) fn locate_in_yaml(yaml: &str, line: Option<usize>) -> usize {
    let mut offset = 0;
    for l in yaml.split_inclusive('\n') {
        if let Some(rest) = l.strip_prefix("template:") {
            let rest = rest.trim();
            let block = rest.starts_with('|') || rest.starts_with('>');
            return match (block, line) {
                (true, Some(n)) if n >= 1 => block_scalar_line(yaml, offset + l.len(), n),
                _ => offset,
            };
        }
        offset += l.len();
    }
    0
}

/// The title pattern of the first set (`title.pattern` for an `items` set without its own).
fn title_pattern(parse: &ParseContext) -> &crate::pattern::DatePattern {
    parse.sets.first().and_then(|s| s.title.as_ref()).unwrap_or(&parse.title_pattern)
}

fn title_is_dated(parse: &ParseContext) -> bool {
    title_pattern(parse).is_dated()
}

/// The title of the note made for `date`: its title pattern spelled, or the
/// date itself when the pattern spells none (`{slug}`: any title).
fn title_of(parse: &ParseContext, date: NaiveDate) -> String {
    if title_is_dated(parse) {
        title_pattern(parse).format(date)
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse() -> ParseContext {
        ParseContext::new(&Config::default()).unwrap()
    }

    #[test]
    fn the_default_template_makes_the_seed_note() {
        let p = parse();
        let c = Config::default();
        let t = NoteTemplate::new(None, &p).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let text = t.render(day, &p, &c.sections.today, &c.sections.footer).unwrap();
        assert_eq!(
            text,
            "# 公众号内容拓展学习笔记（2026.12.2）\n\n------\n\n## :paperclip:  今日要点\n\n## :paperclip:  Others\n"
        );
    }

    #[test]
    fn a_custom_template_sees_every_variable() {
        let p = parse();
        let t = NoteTemplate::new(
            Some("# {{ title }}\n\n{{ date }} {{ year }}/{{ mm }}/{{ dd }} {{ month }}.{{ day }}\n\n## {{ today }}\n"),
            &p,
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let text = t.render(day, &p, "今日", "f").unwrap();
        assert!(text.contains("2026-03-09 2026/03/09 3.9"), "{text}");
        assert!(t.is_custom());
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        let p = parse();
        let err = |src: &str| NoteTemplate::new(Some(src), &p).unwrap_err().message;
        assert!(err("# {{ titel }}\n## {{ today }}\n").contains("did you mean `title`"));
        assert!(err("# {{ title \n").contains("syntax error"), "{}", err("# {{ title \n"));
        assert!(err("## {{ today }}\n").contains("title"));
        assert!(err("# Notes\n\n## {{ today }}\n").contains("does not spell its day"));
        assert!(err("# {{ title }}\n\n## Other\n").contains("today section"));
        let e = NoteTemplate::new(Some("# {{ title }}\n{{ 1 | nosuchfilter }}\n"), &p).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        // Checked when daybook.yml loads, on a pull request too: it must end.
        let ten = "[0,1,2,3,4,5,6,7,8,9]";
        let looped = format!(
            "# {{{{ title }}}}\n{}x{}\n",
            format!("{{% for a in {ten} %}}").repeat(9),
            "{% endfor %}".repeat(9)
        );
        assert!(err(&looped).contains("too much work"), "{}", err(&looped));
    }

    #[test]
    fn errors_point_into_the_template_block() {
        let yaml = "notes:\n  root: notes\ntemplate: |\n  # {{ title }}\n  {{ bad\n";
        let at = locate_in_yaml(yaml, Some(2));
        assert!(yaml[at..].starts_with("{{ bad"), "{}", &yaml[at..]);
        assert_eq!(&yaml[locate_in_yaml(yaml, None)..][..9], "template:");
        assert_eq!(locate_in_yaml("readme:\n  templates: {}\n", None), 0);
    }
}
