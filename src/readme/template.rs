//! Region templates (minijinja) and the data they see.
//!
//! The built-in templates reproduce the seed repository's README character for
//! character. `readme.templates.{today,history,updated}` in daybook.yml replace
//! them one by one. Templates are rendered with `trim_blocks` and
//! `lstrip_blocks` on (a line holding only a `{% ... %}` tag produces no output)
//! and strict undefined values (a misspelled variable is an error, not an empty
//! string). Output uses `\n`; daybook turns it into the README's own line break.
//!
//! Variables (see [`Context`]):
//!
//! | name | type | meaning |
//! |---|---|---|
//! | `today` | string | the newest note's today section, trimmed, relative links rewritten |
//! | `newest`, `oldest` | note | the newest and oldest note in the history |
//! | `notes` | list of note | every note in the history, in `readme.order` |
//! | `years` | list of year | the history grouped by year, then month, in `readme.order` |
//! | `count` | integer | number of notes in the history |
//! | `order` | string | `ascending` or `descending` |
//!
//! A *note* has `date` (`2022-04-14`), `year`, `month`, `day` (integers), `mm`,
//! `dd` (zero-padded strings), `title` (the H1 text), `path` (link to the note
//! from the README), `file` (path from the repository root) and `number` (its
//! position within its month counting from the month's first day, so numbers
//! stay put when the order is descending). A *year* has `year`, `count` and
//! `months`; a *month* has `year`, `month`, `mm`, `count` and `notes`.
//!
//! Also `set_years`: `years` of each note set by name, and `set_counts`.
//!
//! Filters besides minijinja's built-ins: `html` escapes `<`, `>`, `"` and an
//! `&` that would start a character reference, for text placed in HTML;
//! `month_name(lang)` names a month number in `en`, `de`, `fr`, `es`, `it`,
//! `pt` or `nl` (`{{ month.month | month_name("de") }}` is `März` for 3);
//! `md_dest` escapes a path as a link destination only where Markdown needs it
//! (spaces, `<`, `>`, `%`, unbalanced parentheses), where `note.url`
//! percent-encodes every space, parenthesis and non-ASCII character.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};

use super::data::Context;
use super::markers::RegionName;
use crate::config::{ReadmeStyle, block_scalar_line};

/// The seed README's today region: the section as the note has it.
pub(crate) const DEFAULT_TODAY: &str = "{{ today }}\n";

/// The seed README's history markup: one `<pre>` per year (its `<details>` is
/// closed by `</pre>`), one `<details>` per month, four-space-indented numbered
/// links.
pub(crate) const DEFAULT_HISTORY: &str = r#"{% for year in years %}
<pre><details><summary>{{ year.year }}年</summary>
{% for month in year.months %}
<details><summary>{{ month.month }}月</summary>
{% for note in month.notes %}
    {{ note.number }}. <a href="{{ note.path|html }}" target="_blank">{{ note.title|html }}</a>
{% endfor %}
</details>
{% endfor %}
</pre>
{% endfor %}
"#;

/// The seed README's date line.
pub(crate) const DEFAULT_UPDATED: &str =
    "更新今日时间：{{ newest.year }}.{{ newest.month }}.{{ newest.day }}\n";

/// The `by-month` style's history: a heading per year and per month (in
/// English), a bullet per note.
pub(crate) const BY_MONTH_HISTORY: &str = r#"{% for year in years %}
### {{ year.year }}

{% for month in year.months %}
#### {{ month.name }}

{% for note in month.notes %}
- [{{ note.title }}]({{ note.url }})
{% endfor %}

{% endfor %}
{% endfor %}
"#;

/// The `by-topic` style (a TIL collection): a count line, the topics linking
/// to their sections, then a section per folder listing its notes by title.
pub(crate) const BY_TOPIC_HISTORY: &str = r#"_{{ count }} TILs and counting..._

{% for topic in topics %}
* [{{ topic.title }}](#{{ topic.anchor }})
{% endfor %}

{% for topic in topics %}
### {{ topic.title }}

{% for note in topic.notes %}
- [{{ note.title }}]({{ note.url }})
{% endfor %}

{% endfor %}
"#;

/// The `latest` style: the newest notes, newest first.
pub(crate) const LATEST_HISTORY: &str = r#"{% for note in latest %}
- [{{ note.title }}]({{ note.url }}){{ " (" ~ note.date ~ ")" if note.date else "" }}
{% endfor %}
"#;

/// The date line of every style but the seed's.
pub(crate) const ENGLISH_UPDATED: &str = "Last updated: {{ newest.date }}\n";

/// The built-in template of `region` in `style`.
pub(crate) fn style_template(region: RegionName, style: ReadmeStyle) -> &'static str {
    match (style, region) {
        (ReadmeStyle::Seed, r) => default_template(r),
        (_, RegionName::Today) => DEFAULT_TODAY,
        (_, RegionName::Updated) => ENGLISH_UPDATED,
        (ReadmeStyle::ByMonth, RegionName::History) => BY_MONTH_HISTORY,
        (ReadmeStyle::ByTopic, RegionName::History) => BY_TOPIC_HISTORY,
        (ReadmeStyle::Latest, RegionName::History) => LATEST_HISTORY,
    }
}

pub(crate) fn default_template(region: RegionName) -> &'static str {
    match region {
        RegionName::Today => DEFAULT_TODAY,
        RegionName::History => DEFAULT_HISTORY,
        RegionName::Updated => DEFAULT_UPDATED,
    }
}

/// A template that failed to compile or render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateFailure {
    pub(crate) region: RegionName,
    /// Whether the template is the user's (from daybook.yml) or built in.
    pub(crate) custom: bool,
    /// 1-based line within the template, when known.
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
    /// The failure was an undefined value (a missing variable, attribute or index).
    pub(crate) undefined: bool,
}

impl TemplateFailure {
    fn new(region: RegionName, custom: bool, e: &minijinja::Error) -> Self {
        if e.kind() == minijinja::ErrorKind::OutOfFuel {
            let message = crate::util::jinja::out_of_fuel();
            return TemplateFailure { region, custom, line: e.line(), message, undefined: false };
        }
        let mut message = e.kind().to_string();
        if let Some(d) = e.detail() {
            message.push_str(": ");
            message.push_str(d);
        }
        let undefined = e.kind() == minijinja::ErrorKind::UndefinedError;
        TemplateFailure { region, custom, line: e.line(), message, undefined }
    }
}

/// `html` filter: escape what would not display as written inside HTML text or
/// a double-quoted attribute, and nothing else (so `R&D` and `A/B` stay as they are).
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '&' if starts_char_ref(&s[i + 1..]) => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// `name;`, `#123;` or `#x1F;` right after an `&`.
fn starts_char_ref(rest: &str) -> bool {
    let body =
        match rest.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => hex.split(';').next().filter(|h| {
                    h.len() < hex.len() && !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())
                }),
                None => num.split(';').next().filter(|h| {
                    h.len() < num.len() && !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit())
                }),
            },
            None => rest.split(';').next().filter(|h| {
                h.len() < rest.len() && !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric())
            }),
        };
    body.is_some()
}

/// The compiled templates of the three regions.
pub struct Templates {
    env: Environment<'static>,
    custom: Vec<RegionName>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

impl Templates {
    /// Compile the configured templates (built-ins for regions not configured).
    /// Unknown region names in `configured` are reported as a failure of the
    /// closest region; config validation catches them first with a better message.
    pub(crate) fn new(configured: &BTreeMap<String, String>) -> Result<Templates, TemplateFailure> {
        Templates::with_style(configured, ReadmeStyle::Seed)
    }

    /// [`Templates::new`] with the built-ins of `style`.
    pub(crate) fn with_style(
        configured: &BTreeMap<String, String>,
        style: ReadmeStyle,
    ) -> Result<Templates, TemplateFailure> {
        let mut env = crate::util::jinja::environment();
        env.add_filter("html", |s: String| html_escape(&s));
        env.add_filter("md_dest", |s: String| super::links::md_dest(&s));
        env.add_filter("month_name", |m: u32, lang: String| {
            super::data::month_name(m, &lang).ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!(
                        "no month {m} in language `{lang}`; the languages are en, de, fr, es, it, pt and nl"
                    ),
                )
            })
        });
        let mut custom_regions = Vec::new();
        for region in RegionName::ALL {
            let (source, custom) = match configured.get(region.as_str()) {
                Some(t) => (t.clone(), true),
                None => (style_template(region, style).to_owned(), false),
            };
            env.add_template_owned(region.as_str(), source)
                .map_err(|e| TemplateFailure::new(region, custom, &e))?;
            if custom {
                custom_regions.push(region);
            }
        }
        Ok(Templates { env, custom: custom_regions })
    }

    /// Whether `region` uses a template from daybook.yml.
    pub(crate) fn is_custom(&self, region: RegionName) -> bool {
        self.custom.contains(&region)
    }

    /// A variable, or an attribute of `newest`/`oldest`, that the template uses
    /// but `ctx` lacks (`{{ newest.dat }}`), with a did-you-mean.
    fn unknown_variable(&self, region: RegionName, ctx: &Value) -> Option<String> {
        let keys = |v: &Value| -> Vec<String> {
            v.try_iter()
                .map(|it| it.filter_map(|k| k.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let variables = keys(ctx);
        let attributes = ctx.get_attr("newest").map(|n| keys(&n)).unwrap_or_default();
        let t = self.env.get_template(region.as_str()).ok()?;
        let mut used: Vec<String> = t.undeclared_variables(true).into_iter().collect();
        used.sort();
        for path in used {
            let mut parts = path.split('.');
            let top = parts.next().unwrap_or_default();
            let known = |names: &[String], n: &str| names.iter().any(|k| k == n);
            let (name, known) = match (top, parts.next()) {
                (t, _) if !known(&variables, t) => (t, &variables),
                ("newest" | "oldest", Some(attr)) if !known(&attributes, attr) => (attr, &attributes),
                _ => continue,
            };
            let mut msg = format!("unknown variable `{path}` (undefined value)");
            if let Some(s) = crate::suggest::did_you_mean(name, known.iter().map(String::as_str)) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            return Some(msg);
        }
        None
    }

    /// Render one region's template.
    pub(crate) fn render(&self, region: RegionName, ctx: &Value) -> Result<String, TemplateFailure> {
        let custom = self.is_custom(region);
        let t =
            self.env.get_template(region.as_str()).map_err(|e| TemplateFailure::new(region, custom, &e))?;
        t.render(ctx).map_err(|e| TemplateFailure::new(region, custom, &e))
    }
}

/// Check `readme.templates` from daybook.yml: known region names, templates that
/// compile and render against a sample history. Used by config validation so
/// mistakes are reported at the template's line in daybook.yml.
pub(crate) fn check_configured(
    configured: &BTreeMap<String, String>,
) -> Result<(), (String, Option<usize>, String)> {
    for key in configured.keys() {
        if RegionName::parse(key).is_none() {
            let mut msg = format!(
                "unknown README region `{key}` in `readme.templates`; the regions are today, history and updated"
            );
            if let Some(s) = crate::suggest::did_you_mean(key, RegionName::ALL.iter().map(|r| r.as_str())) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            return Err((key.clone(), None, msg));
        }
    }
    let templates =
        Templates::new(configured).map_err(|f| (f.region.as_str().to_owned(), f.line, f.message))?;
    let ctx = Context::sample().value();
    for region in RegionName::ALL {
        if !configured.contains_key(region.as_str()) {
            continue;
        }
        let name = region.as_str().to_owned();
        if let Some(msg) = templates.unknown_variable(region, &ctx) {
            return Err((name, None, msg));
        }
        // The sample is three notes: an undefined value there may just be an
        // index the real history has (`notes[4]`), so only other failures
        // (unknown filters, type errors) are certain enough to stop every
        // command. The rest surface when the README is generated.
        if let Err(f) = templates.render(region, &ctx)
            && !f.undefined
        {
            return Err((name, f.line, format!("template does not render: {}", f.message)));
        }
    }
    Ok(())
}

/// Byte offset in daybook.yml of `readme.templates.<region>`, moved down to the
/// template's own `line` when the template is a block scalar (`|`), so an error
/// points at the line to fix. Best effort: falls back to the `templates:` key.
pub(crate) fn locate_in_yaml(yaml: &str, region: &str, line: Option<usize>) -> usize {
    let mut offset = 0;
    let mut templates_at = None;
    for l in yaml.split_inclusive('\n') {
        let t = l.trim_start();
        if templates_at.is_none() {
            if t.starts_with("templates:") {
                templates_at = Some(offset + (l.len() - t.len()));
            }
        } else {
            let key = t.trim_start_matches(['"', '\'']);
            if key.starts_with(region) && key[region.len()..].trim_start_matches(['"', '\'']).starts_with(':')
            {
                let here = offset + (l.len() - t.len());
                let block = t.trim_end().ends_with('|')
                    || t.trim_end().ends_with("|-")
                    || t.trim_end().ends_with('>');
                return match (block, line) {
                    (true, Some(n)) if n >= 1 => block_scalar_line(yaml, offset + l.len(), n),
                    _ => here,
                };
            }
        }
        offset += l.len();
    }
    templates_at.unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Order;
    use crate::readme::data::{NoteData, sample_note, topic_name};

    fn n(y: i32, m: u32, d: u32, number: usize) -> NoteData {
        sample_note(y, m, d, number, "公众号内容拓展学习笔记")
    }

    fn notes() -> Vec<NoteData> {
        vec![n(2021, 3, 21, 1), n(2021, 3, 22, 2), n(2021, 4, 1, 1), n(2022, 4, 14, 1)]
    }

    #[test]
    fn default_history_is_the_seed_markup() {
        let t = Templates::new(&BTreeMap::new()).unwrap();
        let data = Context::new(notes(), String::new(), Order::Ascending).unwrap();
        let ctx = data.value();
        let out = t.render(RegionName::History, &ctx).unwrap();
        assert_eq!(
            out,
            "<pre><details><summary>2021年</summary>\n\
             <details><summary>3月</summary>\n    \
             1. <a href=\"notes/202103/0321.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.3.21）</a>\n    \
             2. <a href=\"notes/202103/0322.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.3.22）</a>\n\
             </details>\n\
             <details><summary>4月</summary>\n    \
             1. <a href=\"notes/202104/0401.md\" target=\"_blank\">公众号内容拓展学习笔记（2021.4.1）</a>\n\
             </details>\n\
             </pre>\n\
             <pre><details><summary>2022年</summary>\n\
             <details><summary>4月</summary>\n    \
             1. <a href=\"notes/202204/0414.md\" target=\"_blank\">公众号内容拓展学习笔记（2022.4.14）</a>\n\
             </details>\n\
             </pre>\n"
        );
        assert_eq!(t.render(RegionName::Updated, &ctx).unwrap(), "更新今日时间：2022.4.14");
    }

    #[test]
    fn descending_reverses_years_months_and_notes_but_keeps_numbers() {
        let t = Templates::new(&BTreeMap::new()).unwrap();
        let data = Context::new(notes(), String::new(), Order::Descending).unwrap();
        let ctx = data.value();
        let out = t.render(RegionName::History, &ctx).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "<pre><details><summary>2022年</summary>");
        assert_eq!(lines[5], "<pre><details><summary>2021年</summary>");
        assert_eq!(lines[6], "<details><summary>4月</summary>");
        assert!(lines[10].starts_with("    2. <a href=\"notes/202103/0322.md\""), "{out}");
        assert!(lines[11].starts_with("    1. <a href=\"notes/202103/0321.md\""), "{out}");
        assert_eq!(data.newest.date.as_deref(), Some("2022-04-14"));
    }

    /// daybook.yml is a pull request's to write: a template that loops a
    /// billion times must fail in bounded time, not hang the CI job.
    #[test]
    fn a_runaway_template_runs_out_of_fuel() {
        let ten = "[0,1,2,3,4,5,6,7,8,9]";
        let mut looped = String::new();
        for k in 0..9 {
            looped.push_str(&format!("{{% for a{k} in {ten} %}}"));
        }
        looped.push('x');
        looped.push_str(&"{% endfor %}".repeat(9));
        let mut cfg = BTreeMap::new();
        cfg.insert("updated".to_owned(), looped);
        let (region, _, msg) = check_configured(&cfg).unwrap_err();
        assert_eq!(region, "updated");
        assert!(msg.contains("too much work"), "{msg}");

        // A macro that calls itself is stopped long before the stack runs out.
        let mut cfg = BTreeMap::new();
        cfg.insert("updated".to_owned(), "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}".to_owned());
        assert!(check_configured(&cfg).is_err());
    }

    /// The budget is far above what the built-in styles spend on a large
    /// history: 20,000 notes fit in the tests' twentieth of it.
    #[test]
    fn the_built_in_templates_render_a_large_history_within_the_budget() {
        let many: Vec<NoteData> = (0..20_000)
            .map(|i| n(1970 + i / 336, (i / 28 % 12 + 1) as u32, (i % 28 + 1) as u32, 1))
            .collect();
        for style in [ReadmeStyle::Seed, ReadmeStyle::ByMonth, ReadmeStyle::ByTopic, ReadmeStyle::Latest] {
            let t = Templates::with_style(&BTreeMap::new(), style).unwrap();
            let data = Context::new(many.clone(), String::new(), Order::Ascending).unwrap();
            for region in RegionName::ALL {
                t.render(region, &data.value())
                    .unwrap_or_else(|e| panic!("{style:?} {region:?}: {}", e.message));
            }
        }
    }

    #[test]
    fn custom_templates_and_errors() {
        let mut cfg = BTreeMap::new();
        cfg.insert("updated".to_owned(), "Last update: {{ newest.date }} ({{ count }} notes)".to_owned());
        let t = Templates::new(&cfg).unwrap();
        let data = Context::new(notes(), String::new(), Order::Ascending).unwrap();
        let ctx = data.value();
        assert_eq!(t.render(RegionName::Updated, &ctx).unwrap(), "Last update: 2022-04-14 (4 notes)");

        cfg.insert("history".to_owned(), "{% for n in notes %}\n{{ n.title }\n{% endfor %}".to_owned());
        let e = Templates::new(&cfg).unwrap_err();
        assert_eq!((e.region, e.custom, e.line), (RegionName::History, true, Some(2)));
        assert!(check_configured(&cfg).is_err());

        let mut typo = BTreeMap::new();
        typo.insert("updated".to_owned(), "{{ newest.dat }}".to_owned());
        let (region, _, msg) = check_configured(&typo).unwrap_err();
        assert_eq!(region, "updated");
        assert!(msg.contains("undefined"), "{msg}");
        assert!(msg.contains("`newest.dat`") && msg.contains("did you mean `date`"), "{msg}");
        typo.insert("updated".to_owned(), "{{ cuont }}".to_owned());
        let (_, _, msg) = check_configured(&typo).unwrap_err();
        assert!(msg.contains("did you mean `count`"), "{msg}");

        // Indexes the sample lacks but a real history has are no error at load time.
        let mut deep = BTreeMap::new();
        deep.insert(
            "updated".to_owned(),
            "{{ notes[4].title }} {% for n in notes %}{{ n.title }}{% endfor %}".to_owned(),
        );
        assert_eq!(check_configured(&deep), Ok(()));
        // A failure that is no undefined value still is.
        deep.insert("updated".to_owned(), "{{ count + today }}".to_owned());
        assert!(check_configured(&deep).is_err());

        let yaml = "readme:\n  templates:\n    history: |\n      {% for n in notes %}\n      {{ n.title }\n";
        let at = locate_in_yaml(yaml, "history", Some(2));
        assert_eq!(&yaml[at..at + 5], "{{ n.");
        assert_eq!(
            locate_in_yaml("readme:\n  templates:\n    updated: \"{{ x }\"\n", "updated", Some(1)),
            25
        );

        let mut unknown = BTreeMap::new();
        unknown.insert("histroy".to_owned(), "x".to_owned());
        let (_, _, msg) = check_configured(&unknown).unwrap_err();
        assert!(msg.contains("did you mean `history`"), "{msg}");
    }

    fn topic_note(folder: &str, title: &str) -> NoteData {
        let path = format!("{folder}/{}.md", title.to_lowercase().replace(' ', "-"));
        NoteData {
            date: None,
            year: None,
            month: None,
            day: None,
            mm: None,
            dd: None,
            title: title.into(),
            url: crate::util::percent::percent_encode_path(&path),
            path: path.clone(),
            file: path,
            number: 1,
            set: ".".into(),
            folder: folder.into(),
            slug: title.to_lowercase(),
            n: None,
            n_text: None,
            topic: topic_name(folder, &BTreeMap::new()),
            front_matter: yaml_serde::Mapping::new(),
        }
    }

    #[test]
    fn by_topic_groups_folders_sorted_by_title_case_insensitively() {
        let t = Templates::with_style(&BTreeMap::new(), ReadmeStyle::ByTopic).unwrap();
        let notes = vec![
            topic_note("claude-code", "Hooks"),
            topic_note("aws", "s3 sync"),
            topic_note("aws", "Assume a role"),
        ];
        let ctx = Context::new(notes, String::new(), Order::Ascending).unwrap().value();
        let out = t.render(RegionName::History, &ctx).unwrap();
        assert_eq!(
            out,
            "_3 TILs and counting..._\n\n* [AWS](#aws)\n* [Claude Code](#claude-code)\n\n\
             ### AWS\n\n- [Assume a role](aws/assume-a-role.md)\n- [s3 sync](aws/s3-sync.md)\n\n\
             ### Claude Code\n\n- [Hooks](claude-code/hooks.md)\n\n"
        );
        let mut topics = BTreeMap::new();
        topics.insert("aws".to_owned(), "Amazon".to_owned());
        assert_eq!(topic_name("aws", &topics), "Amazon");
        assert_eq!(topic_name("rust_lang", &BTreeMap::new()), "Rust Lang");
    }

    #[test]
    fn by_month_and_latest_styles_are_english() {
        let by_month = Templates::with_style(&BTreeMap::new(), ReadmeStyle::ByMonth).unwrap();
        let data = Context::new(notes(), String::new(), Order::Ascending).unwrap().with_latest(2);
        let ctx = data.value();
        let out = by_month.render(RegionName::History, &ctx).unwrap();
        assert!(
            out.starts_with(
                "### 2021\n\n#### March\n\n- [公众号内容拓展学习笔记（2021.3.21）](notes/202103/0321.md)\n"
            ),
            "{out}"
        );
        assert!(!out.contains('年') && !out.contains('月'), "{out}");
        assert_eq!(by_month.render(RegionName::Updated, &ctx).unwrap(), "Last updated: 2022-04-14");
        let latest = Templates::with_style(&BTreeMap::new(), ReadmeStyle::Latest).unwrap();
        let out = latest.render(RegionName::History, &ctx).unwrap();
        assert_eq!(
            out,
            "- [公众号内容拓展学习笔记（2022.4.14）](notes/202204/0414.md) (2022-04-14)\n\
             - [公众号内容拓展学习笔记（2021.4.1）](notes/202104/0401.md) (2021-04-01)\n"
        );
    }

    #[test]
    fn html_filter_escapes_only_what_would_not_display() {
        assert_eq!(html_escape("R&D <b> \"q\" A/B"), "R&D &lt;b&gt; &quot;q&quot; A/B");
        assert_eq!(html_escape("&amp; &#12; &#x1F; & ;"), "&amp;amp; &amp;#12; &amp;#x1F; & ;");
    }
}
