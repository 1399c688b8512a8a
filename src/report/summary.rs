//! The Markdown job summary appended to `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub drops a step summary over 1 MiB whole (nothing is shown at all), so
//! this renderer works to a budget far below that ([`MAX_BYTES`]): a bounded
//! table of the first diagnostics, a bounded README diff, and a sentence saying
//! what was left out and where to find it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diag::{Diagnostic, Severity, Tally};
use crate::report::sarif::uri_path;

/// Hard ceiling of one rendered summary (the runner's limit is 1 MiB).
pub(crate) const MAX_BYTES: usize = 128 * 1024;
/// At most this many diagnostics are listed in the table.
pub(crate) const MAX_ROWS: usize = 50;
/// Budget of the diagnostics table.
const TABLE_BUDGET: usize = 64 * 1024;
/// Budget of the README diff.
const DIFF_BUDGET: usize = 24 * 1024;
/// A single message is cut after this many characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// Where file links point: `{server}/{repository}/blob/{sha}/{path}#L{line}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Links {
    pub(crate) server_url: String,
    pub(crate) repository: String,
    pub(crate) sha: String,
}

impl Links {
    pub(crate) fn line(&self, path: &str, line: usize) -> String {
        // The commit id is encoded like the path: a `)` or a space in it
        // would end the Markdown link and let the rest be Markdown.
        format!(
            "{}/{}/blob/{}/{}#L{}",
            self.server_url.trim_end_matches('/'),
            self.repository,
            uri_path(&self.sha),
            uri_path(path),
            line
        )
    }

    pub(crate) fn commit(&self, sha: &str) -> String {
        format!("{}/{}/commit/{}", self.server_url.trim_end_matches('/'), self.repository, uri_path(sha))
    }
}

/// What happened to the README in this run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum ReadmeStatus {
    /// The README step did not run.
    #[default]
    NotRun,
    /// Regenerated; the bytes are the same: nothing to do.
    Unchanged,
    /// Changed and committed back.
    Committed { sha: String },
    /// Changed and written to the workspace, not committed (commit disabled).
    Written,
    /// Changed, nothing committed (`reason`: pull request, fork, tag...); the diff.
    Stale { reason: String, diff: String },
    /// Changed, nothing committed, and not a failure (`readme_stale: notice`
    /// or `off`, or a pull request's new notes that merging regenerates).
    Outdated { reason: String, diff: String },
}

/// Everything the summary shows.
#[derive(Debug, Default)]
pub(crate) struct Input<'a> {
    pub(crate) title: &'a str,
    pub(crate) diags: &'a [Diagnostic],
    /// Whether warnings fail the run.
    pub(crate) deny_warnings: bool,
    pub(crate) links: Option<Links>,
    pub(crate) readme: ReadmeStatus,
    pub(crate) readme_path: &'a str,
    /// URL of the check run carrying every annotation, when one was made.
    pub(crate) check_run_url: Option<String>,
    /// Extra lines (e.g. "the Checks API was not available: ...").
    pub(crate) notes: Vec<String>,
    /// A step that could not run at all (the run fails).
    pub(crate) error: Option<String>,
}

/// Escape text for a Markdown table cell: no pipes, no raw HTML, no line breaks,
/// no accidental emphasis or links.
pub(crate) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c if (c.is_control() && c != '\t') || super::safe::is_bidi(c) => {
                out.push_str(&super::safe::one_line(&c.to_string()))
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A message in Markdown: its `code` spans stay code spans (GitHub shows their
/// text as is: no HTML, no emphasis, so nothing inside is escaped), the rest
/// is escaped by [`cell`]. In a table, a pipe is escaped inside code too (GFM
/// splits cells before it parses code). An unpaired backtick is plain text.
pub(crate) fn message(s: &str, in_table: bool) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    // An odd count of parts means every backtick is paired.
    let paired = parts.len() % 2 == 1;
    let mut out = String::with_capacity(s.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        let is_code = i % 2 == 1 && (paired || i + 1 < parts.len());
        if !is_code {
            if i % 2 == 1 {
                out.push_str("\\`"); // the unpaired backtick
            }
            out.push_str(&cell(part));
            continue;
        }
        let mut code = super::safe::one_line(part).replace(['\r', '\n'], " ");
        if in_table {
            code = code.replace('|', "\\|");
        }
        if code.trim().is_empty() {
            // `` ` ` `` is no code span worth keeping: show the backticks.
            out.push_str(&cell(&format!("`{part}`")));
        } else {
            out.push('`');
            out.push_str(&code);
            out.push('`');
        }
    }
    out
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Cut `s` at the last char boundary at or below `max` bytes.
fn floor(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// A fenced block that cannot be closed early by backticks inside `body`.
fn fenced(lang: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

/// Whether the run fails on these findings.
pub(crate) fn failed(t: &Tally, deny_warnings: bool) -> bool {
    t.errors > 0 || (deny_warnings && t.warnings > 0)
}

/// The README's diff, folded and cut at [`DIFF_BUDGET`].
fn readme_diff(out: &mut String, diff: &str) {
    let diff = &super::safe::controls(diff);
    let shown = floor(diff, DIFF_BUDGET);
    // Cut at a line end so the diff stays readable.
    let shown = if shown.len() < diff.len() { &shown[..shown.rfind('\n').unwrap_or(0)] } else { shown };
    out.push_str("<details><summary>README diff</summary>\n\n");
    out.push_str(&fenced("diff", shown));
    if shown.len() < diff.len() {
        let _ = writeln!(
            out,
            "\n{} more bytes of the diff left out; run `daybook readme --check` to see all of it.",
            diff.len() - shown.len()
        );
    }
    out.push_str("\n</details>\n\n");
}

/// Render the summary (at most [`MAX_BYTES`]).
pub(crate) fn render(input: &Input<'_>) -> String {
    let tally = Tally::of(input.diags);
    let mut out = String::new();
    let title = if input.title.is_empty() { "daybook" } else { input.title };
    let _ = writeln!(out, "## {}\n", cell(title));

    let stale = matches!(input.readme, ReadmeStatus::Stale { .. });
    let verdict = if failed(&tally, input.deny_warnings) || stale || input.error.is_some() {
        "❌ failed"
    } else {
        "✅ passed"
    };
    let _ = writeln!(
        out,
        "**{verdict}**: {} error{}, {} warning{}, {} info{}.\n",
        tally.errors,
        plural(tally.errors),
        tally.warnings,
        plural(tally.warnings),
        tally.infos,
        plural(tally.infos)
    );

    if let Some(e) = &input.error {
        let _ = writeln!(out, "> [!CAUTION]\n> {}\n", message(e, false));
    }

    // Counts by rule and severity.
    if !input.diags.is_empty() {
        let mut by_rule: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        for d in input.diags {
            let e = by_rule.entry(&d.rule).or_default();
            match d.severity {
                Severity::Error => e[0] += 1,
                Severity::Warning => e[1] += 1,
                Severity::Info => e[2] += 1,
            }
        }
        out.push_str("| Rule | Errors | Warnings | Infos |\n|---|---:|---:|---:|\n");
        for (rule, [e, w, i]) in &by_rule {
            let _ = writeln!(out, "| `{}` | {e} | {w} | {i} |", rule.replace('`', "'"));
        }
        out.push('\n');
    }

    // README.
    let readme = cell(input.readme_path);
    match &input.readme {
        ReadmeStatus::NotRun => {}
        ReadmeStatus::Unchanged => {
            let _ = writeln!(out, "**README**: `{readme}` is up to date; nothing committed.\n");
        }
        ReadmeStatus::Written => {
            let _ = writeln!(out, "**README**: `{readme}` regenerated in the workspace (commit disabled).\n");
        }
        ReadmeStatus::Committed { sha } => {
            let short = &sha[..sha.len().min(7)];
            match &input.links {
                Some(l) => {
                    let _ = writeln!(
                        out,
                        "**README**: `{readme}` regenerated and committed in [`{short}`]({}).\n",
                        l.commit(sha)
                    );
                }
                None => {
                    let _ = writeln!(out, "**README**: `{readme}` regenerated and committed in `{short}`.\n");
                }
            }
        }
        ReadmeStatus::Stale { reason, diff } => {
            let _ = writeln!(
                out,
                "**README**: `{readme}` is stale and was not committed ({}). Run `daybook readme` and commit the result.\n",
                cell(reason)
            );
            readme_diff(&mut out, diff);
        }
        ReadmeStatus::Outdated { reason, diff } => {
            let _ = writeln!(
                out,
                "**README**: `{readme}` differs from what the notes generate and was not committed ({}).\n",
                cell(reason)
            );
            readme_diff(&mut out, diff);
        }
    }

    // The first diagnostics, linked to their lines.
    if !input.diags.is_empty() {
        let mut table = String::from("| Severity | Location | Rule | Message |\n|---|---|---|---|\n");
        let mut shown = 0;
        for d in input.diags.iter().take(MAX_ROWS) {
            let loc = format!("{}:{}:{}", d.path, d.start.line, d.start.column);
            let loc = match &input.links {
                Some(l) => format!("[{}]({})", cell(&loc), l.line(&d.path, d.start.line)),
                // GFM splits a row at every unescaped pipe, inside code too.
                None => format!("`{}`", super::safe::one_line(&loc).replace('`', "'").replace('|', "\\|")),
            };
            let row = format!(
                "| {} | {} | `{}` | {} |\n",
                icon(d.severity),
                loc,
                d.rule.replace('`', "'"),
                message(&truncate_chars(&d.message, MAX_MESSAGE_CHARS), true)
            );
            if table.len() + row.len() > TABLE_BUDGET {
                break;
            }
            table.push_str(&row);
            shown += 1;
        }
        out.push_str(&table);
        let left = input.diags.len() - shown;
        if left > 0 {
            let _ = writeln!(
                out,
                "\n{left} more diagnostic{} not shown here: see the step log{}, or run `daybook lint` locally.",
                plural(left),
                if input.check_run_url.is_some() { ", the check run" } else { "" }
            );
        }
        out.push('\n');
    }

    if let Some(url) = &input.check_run_url {
        let _ = writeln!(out, "Every annotation is in the [check run]({url}).\n");
    }
    for n in &input.notes {
        let _ = writeln!(out, "> {}\n", message(n, false));
    }

    if out.len() > MAX_BYTES {
        // Only reachable with pathological input (huge rule names or notes); keep
        // the runner from dropping the summary whole.
        let cut = floor(&out, MAX_BYTES - 200).to_owned();
        out = cut;
        out.push_str(
            "\n\n(summary cut to stay under GitHub's size limit; see the step log for everything)\n",
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diags(n: usize) -> Vec<Diagnostic> {
        (0..n)
            .map(|i| {
                let mut d = Diagnostic::file_level(
                    if i % 2 == 0 { "dead-link" } else { "unknown-field" },
                    if i % 3 == 0 { Severity::Warning } else { Severity::Error },
                    "notes/202401/0101.md",
                    format!("finding {i} with a | pipe and <b>html</b>"),
                );
                d.start.line = i + 1;
                d
            })
            .collect()
    }

    fn links() -> Links {
        Links { server_url: "https://github.com".into(), repository: "me/notes".into(), sha: "abc123".into() }
    }

    #[test]
    fn counts_by_rule_and_links_lines() {
        let ds = diags(4);
        let s = render(&Input { title: "daybook", diags: &ds, links: Some(links()), ..Default::default() });
        assert!(s.contains("**❌ failed**: 2 errors, 2 warnings, 0 infos."), "{s}");
        assert!(s.contains("| `dead-link` | 1 | 1 | 0 |"), "{s}");
        assert!(s.contains("| `unknown-field` | 1 | 1 | 0 |"), "{s}");
        assert!(s.contains("(https://github.com/me/notes/blob/abc123/notes/202401/0101.md#L3)"), "{s}");
        assert!(s.contains("finding 2 with a \\| pipe and &lt;b&gt;html&lt;/b&gt;"), "{s}");
    }

    #[test]
    fn code_in_a_message_stays_code_and_the_rest_is_escaped() {
        assert_eq!(message("unknown field `GtiHub`", true), "unknown field `GtiHub`");
        // Inside code nothing is escaped but a table's pipe; outside, everything is.
        assert_eq!(message("add `## a|b <i>` *now*", true), "add `## a\\|b <i>` \\*now\\*");
        assert_eq!(message("add `a|b`", false), "add `a|b`");
        // An unpaired backtick (a message cut short) is plain text.
        assert_eq!(message("a `b` c `d", true), "a `b` c \\`d");
        assert_eq!(message("x `` y", true), "x \\`\\` y");
        assert_eq!(message("`a\nb` <br>", true), "`a\\nb` &lt;br&gt;");
    }

    #[test]
    fn passes_without_errors_unless_warnings_are_denied() {
        let ds = vec![Diagnostic::file_level("x", Severity::Warning, "a.md", "w")];
        let s = render(&Input { diags: &ds, ..Default::default() });
        assert!(s.contains("✅ passed"), "{s}");
        let s = render(&Input { diags: &ds, deny_warnings: true, ..Default::default() });
        assert!(s.contains("❌ failed"), "{s}");
    }

    #[test]
    fn many_diagnostics_are_capped_and_the_rest_is_named() {
        let ds = diags(5000);
        let s = render(&Input { diags: &ds, links: Some(links()), ..Default::default() });
        assert!(s.len() < MAX_BYTES, "{}", s.len());
        assert_eq!(s.matches("#L").count(), MAX_ROWS);
        assert!(s.contains(&format!("{} more diagnostics not shown here", 5000 - MAX_ROWS)), "{s}");
    }

    #[test]
    fn huge_messages_and_diffs_stay_under_budget() {
        let mut ds = diags(60);
        for d in &mut ds {
            d.message = "长".repeat(100_000);
        }
        let diff = "+ line\n".repeat(1_000_000);
        let s = render(&Input {
            diags: &ds,
            readme: ReadmeStatus::Stale { reason: "pull request".into(), diff },
            readme_path: "README.md",
            ..Default::default()
        });
        assert!(s.len() < MAX_BYTES, "{}", s.len());
        assert!(s.contains("more bytes of the diff left out"), "{}", &s[..500]);
    }

    /// A note named `a|<img src=x>|.md` split the location's table cell (GFM
    /// splits rows at pipes even inside code), and the `<img>` between the
    /// pipes was a cell of raw HTML. A commit id with `)` ended the link.
    #[test]
    fn hostile_paths_and_commit_ids_stay_in_their_cell() {
        let mut d = Diagnostic::file_level("title", Severity::Error, "notes/a|<img src=x>|.md", "m");
        d.start.line = 1;
        let ds = vec![d];
        let s = render(&Input { diags: &ds, ..Default::default() });
        let row = s.lines().find(|l| l.contains("notes/a")).unwrap();
        assert!(!row.contains("a|<img") && row.contains("a\\|<img src=x>\\|.md"), "{row}");
        let links = Links { sha: "abc) <b>x</b> [e](https://evil.example".into(), ..links() };
        let s = render(&Input { diags: &ds, links: Some(links), ..Default::default() });
        let row = s.lines().find(|l| l.contains("notes/a")).unwrap();
        assert!(!row.contains("<b>") && !row.contains("abc)"), "{row}");
    }

    #[test]
    fn readme_states() {
        let s = render(&Input {
            readme: ReadmeStatus::Committed { sha: "0123456789abcdef".into() },
            readme_path: "README.md",
            links: Some(links()),
            ..Default::default()
        });
        assert!(s.contains("[`0123456`](https://github.com/me/notes/commit/0123456789abcdef)"), "{s}");
        let s = render(&Input {
            readme: ReadmeStatus::Unchanged,
            readme_path: "README.md",
            ..Default::default()
        });
        assert!(s.contains("up to date; nothing committed"), "{s}");
        let s = render(&Input {
            readme: ReadmeStatus::Stale { reason: "pull request".into(), diff: "-a\n+```b\n".into() },
            readme_path: "README.md",
            ..Default::default()
        });
        assert!(s.contains("stale and was not committed (pull request)"), "{s}");
        assert!(s.contains("````diff\n-a\n+```b\n````"), "{s}");
        assert!(s.contains("❌ failed"), "{s}");
    }
}
