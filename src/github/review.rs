//! One pull request review with GitHub suggestion blocks for the fixable
//! findings on the lines a pull request changed, kept up to date across runs.
//!
//! GitHub cannot delete a submitted review nor add comments to one, so "one
//! review, updated" is done this way: the first run posts a review (`event:
//! COMMENT`) whose body carries a hidden marker ([`MARKER`]) and whose inline
//! comments are the suggestions. A later run finds that review by its marker
//! (listing the PR's reviews), rewrites its body in place (`PUT`), and
//! reconciles the inline comments it made: a suggestion still wanted is kept
//! as it is (its thread and any replies survive), one no longer wanted is
//! deleted, a new one is posted as a single comment on the head commit. So
//! the page holds one daybook review and exactly the current suggestions, and
//! a run that finds nothing new sends one request besides the listing.
//!
//! Re-posting everything in a new review each run was the other choice: it is
//! simpler, but it buries replies and piles up reviews on every push.

use std::fmt::Write as _;
use std::future::Future;
use std::ops::Range;

use octocrab::Page;
use octocrab::models::pulls::{Comment, Review, ReviewComment};
use serde::Serialize;

use crate::diag::{Diagnostic, Sources};
use crate::github::api::{Api, ApiError};
use crate::github::diff::Changes;

/// Hidden in the review's body; how a later run finds it.
pub const MARKER: &str = "<!-- daybook:review -->";
/// Hidden in each suggestion comment daybook makes.
pub const COMMENT_MARKER: &str = "<!-- daybook:suggestion -->";

/// A fix offered on lines `start_line..=end_line` (1-based, the head's) of
/// `path`: `replacement` is the new text of exactly those lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    /// The lines' new text, without the final line break.
    pub replacement: String,
    pub rule: String,
    pub message: String,
}

impl Suggestion {
    /// The comment's Markdown: what is wrong, then the suggestion block.
    pub(crate) fn body(&self) -> String {
        // A fence longer than any backtick run inside, so the block cannot be closed early.
        let longest = self.replacement.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest + 1).max(3));
        format!(
            "{COMMENT_MARKER}\n**{}**: {}\n\n{fence}suggestion\n{}\n{fence}\n",
            self.rule.replace(['*', '`'], ""),
            crate::report::summary::cell(&self.message),
            self.replacement
        )
    }
}

/// A finding and its fix, as edits on byte spans of the finding's file.
#[derive(Debug, Clone)]
pub struct Fixable<'a> {
    pub diag: &'a Diagnostic,
    pub edits: Vec<(Range<usize>, String)>,
}

/// The suggestions for `fixables` whose every touched line is a line the
/// pull request added or changed (a suggestion elsewhere would ask the author
/// to fix what they did not write). A suggestion replaces whole lines, so
/// fixes touching the same lines are merged into one suggestion; a fix whose
/// edits overlap another's is left for the next run, as `daybook fix` does.
pub fn suggestions(fixables: &[Fixable<'_>], sources: &Sources, changes: &Changes) -> Vec<Suggestion> {
    // (path, first line, last line, fix) of every fix on changed lines.
    let mut placed: Vec<(&str, usize, usize, &Fixable<'_>)> = Vec::new();
    for f in fixables {
        let path = f.diag.path.as_str();
        let (Some(file), Some(change)) = (sources.get(path), changes.file(path)) else { continue };
        let text = &file.text;
        let mut edits = f.edits.clone();
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        let sane = !edits.is_empty()
            && edits.iter().all(|(r, _)| {
                r.start <= r.end
                    && r.end <= text.len()
                    && text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
            })
            && edits.windows(2).all(|w| w[0].0.end <= w[1].0.start);
        if !sane {
            continue;
        }
        let start = edits[0].0.start;
        let end = edits.iter().map(|(r, _)| r.end).max().unwrap_or(start);
        let first = file.line_index(start) + 1;
        let last = file.line_index(end) + 1;
        // Edits must stay inside their lines' text: one that eats a line
        // break joins lines, which a suggestion of whole lines cannot show.
        if end > file.line_range(last).end
            || !(first..=last).all(|l| change.whole || change.added.contains(l))
        {
            continue;
        }
        placed.push((path, first, last, f));
    }
    placed.sort_by_key(|&(p, first, last, _)| (p, first, last));

    let mut out = Vec::new();
    let mut i = 0;
    while i < placed.len() {
        let (path, first, mut last, _) = placed[i];
        let mut group = vec![placed[i].3];
        let mut j = i + 1;
        while j < placed.len() && placed[j].0 == path && placed[j].1 <= last {
            last = last.max(placed[j].2);
            group.push(placed[j].3);
            j += 1;
        }
        i = j;
        let file = &sources[path];
        let range = file.line_start(first - 1)..file.line_range(last).end;
        let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
        let mut used: Vec<&Fixable<'_>> = Vec::new();
        for f in group {
            let overlaps = f.edits.iter().any(|(r, _)| {
                edits.iter().any(|(e, _)| {
                    r.start < e.end && e.start < r.end || (r.is_empty() && e.is_empty() && r.start == e.start)
                })
            });
            if overlaps {
                continue;
            }
            edits.extend(f.edits.iter().map(|(r, t)| (r.clone(), t.as_str())));
            used.push(f);
        }
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        let mut replacement = String::new();
        let mut at = range.start;
        for (r, t) in &edits {
            replacement.push_str(&file.text[at..r.start]);
            replacement.push_str(t);
            at = r.end;
        }
        replacement.push_str(&file.text[at..range.end]);
        let mut rules: Vec<&str> = used.iter().map(|f| f.diag.rule.as_str()).collect();
        rules.dedup();
        out.push(Suggestion {
            path: path.to_owned(),
            start_line: first,
            end_line: last,
            replacement,
            rule: rules.join(", "),
            message: used.iter().map(|f| f.diag.message.as_str()).collect::<Vec<_>>().join(" — "),
        });
    }
    out
}

/// What became of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// A new review with `comments` suggestions.
    Posted { id: u64, comments: usize },
    /// The earlier review's body rewritten; comments kept, deleted and added.
    Updated { id: u64, kept: usize, deleted: usize, added: usize },
    /// Nothing to suggest and no earlier review: nothing sent.
    Nothing,
    /// The token may not review (no `pull-requests: write`).
    Forbidden { message: String },
}

#[derive(Serialize)]
struct NewComment<'a> {
    path: &'a str,
    line: usize,
    side: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_side: Option<&'static str>,
    body: String,
}

impl<'a> NewComment<'a> {
    fn of(s: &'a Suggestion) -> Self {
        let multi = s.start_line < s.end_line;
        NewComment {
            path: &s.path,
            line: s.end_line,
            side: "RIGHT",
            start_line: multi.then_some(s.start_line),
            start_side: multi.then_some("RIGHT"),
            body: s.body(),
        }
    }
}

#[derive(Serialize)]
struct NewReview<'a> {
    commit_id: &'a str,
    body: &'a str,
    event: &'static str,
    comments: Vec<NewComment<'a>>,
}

/// A single review comment (`POST /pulls/{n}/comments`).
#[derive(Serialize)]
struct SingleComment<'a> {
    commit_id: &'a str,
    #[serde(flatten)]
    comment: NewComment<'a>,
}

#[derive(Serialize)]
struct ReviewBody<'a> {
    body: &'a str,
}

const PER_PAGE: u8 = 100;
const MAX_PAGES: u32 = 10;

/// The review's body for these suggestions.
pub fn review_body(suggestions: &[Suggestion], head_sha: &str) -> String {
    let mut b = format!("{MARKER}\n### daybook\n\n");
    let short = &head_sha[..head_sha.len().min(7)];
    if suggestions.is_empty() {
        let _ = writeln!(b, "No fixable findings on the lines this pull request changes (at {short}).");
    } else {
        let n = suggestions.len();
        let _ = writeln!(
            b,
            "{n} fixable finding{} on the lines this pull request changes (at {short}): each comment suggests \
             the fix, which you can commit from the comment, or run `daybook fix` locally.",
            if n == 1 { "" } else { "s" }
        );
    }
    b.push_str(
        "\nThis review is updated on every run; the annotations and the job summary have every finding.\n",
    );
    b
}

/// Every page of a listing: `page(n)` asks for page `n` of `PER_PAGE` items.
async fn every_page<T, F, R>(api: &Api, rest: &str, mut page: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(u32) -> R,
    R: Future<Output = octocrab::Result<Page<T>>>,
{
    let mut all = Vec::new();
    for n in 1..=MAX_PAGES {
        let batch = api.send("GET", rest, page(n)).await?.items;
        let full = batch.len() >= usize::from(PER_PAGE);
        all.extend(batch);
        if !full {
            break;
        }
    }
    Ok(all)
}

/// Post or update the one review of pull request `number` at `head_sha`.
pub async fn publish(
    api: &Api,
    number: u64,
    head_sha: &str,
    suggestions: &[Suggestion],
) -> Result<ReviewOutcome, ApiError> {
    let forbidden = |e: ApiError| -> Result<ReviewOutcome, ApiError> {
        if e.is_forbidden() { Ok(ReviewOutcome::Forbidden { message: e.message() }) } else { Err(e) }
    };
    let pulls = api.pulls();
    let reviews = format!("/pulls/{number}/reviews");
    let listed = every_page(api, &reviews, |n| pulls.list_reviews(number).per_page(PER_PAGE).page(n).send());
    let listed: Vec<Review> = match listed.await {
        Ok(r) => r,
        Err(e) => return forbidden(e),
    };
    let earlier = listed.iter().rev().find(|r| r.body.as_deref().is_some_and(|b| b.contains(MARKER)));
    let body = review_body(suggestions, head_sha);
    let Some(earlier) = earlier else {
        if suggestions.is_empty() {
            return Ok(ReviewOutcome::Nothing);
        }
        let review = NewReview {
            commit_id: head_sha,
            body: &body,
            event: "COMMENT",
            comments: suggestions.iter().map(NewComment::of).collect(),
        };
        // raw: `reviews().create_review()` takes its new comments as `ReviewComment`, the response model.
        return match api.post::<_, Review>(&api.route(&reviews), &review).await {
            Ok(r) => Ok(ReviewOutcome::Posted { id: r.id.into_inner(), comments: suggestions.len() }),
            Err(e) => forbidden(e),
        };
    };
    let id = earlier.id.into_inner();
    let route = api.route(&format!("/pulls/{number}/reviews/{id}"));
    // raw: `reviews().review(id).update()` sends the body as a bare JSON string, not `{"body": ..}`.
    if let Err(e) = api.put::<_, Review>(&route, &ReviewBody { body: &body }).await {
        return forbidden(e);
    }
    // Reconcile the inline comments: daybook's own (by marker) of the PR,
    // wherever GitHub filed them (the first review, or single comments since).
    let comments = format!("/pulls/{number}/comments");
    let listed =
        every_page(api, &comments, |n| pulls.list_comments(Some(number)).per_page(PER_PAGE).page(n).send());
    let listed: Vec<Comment> = match listed.await {
        Ok(c) => c,
        Err(e) => return forbidden(e),
    };
    let ours: Vec<&Comment> = listed.iter().filter(|c| c.body.contains(COMMENT_MARKER)).collect();
    let line = |n: usize| u64::try_from(n).ok();
    let same = |c: &Comment, s: &Suggestion| {
        c.path == s.path
            && c.line == line(s.end_line)
            && c.start_line.or(c.line) == line(s.start_line)
            && c.body.trim_end() == s.body().trim_end()
    };
    let mut kept = 0;
    let mut deleted = 0;
    for c in &ours {
        if suggestions.iter().any(|s| same(c, s)) {
            kept += 1;
        } else {
            // raw: `pulls().comment(id).delete()` ignores the answer's status: a refusal would count as deleted.
            match api.delete(&api.route(&format!("/pulls/comments/{}", c.id))).await {
                Ok(()) => deleted += 1,
                Err(e) => return forbidden(e),
            }
        }
    }
    let mut added = 0;
    for s in suggestions.iter().filter(|s| !ours.iter().any(|c| same(c, s))) {
        let comment = SingleComment { commit_id: head_sha, comment: NewComment::of(s) };
        // raw: `pulls().create_comment()` sends no `side`/`start_line`/`start_side`, which suggestions need.
        match api.post::<_, ReviewComment>(&api.route(&comments), &comment).await {
            Ok(_) => added += 1,
            Err(e) => return forbidden(e),
        }
    }
    Ok(ReviewOutcome::Updated { id, kept, deleted, added })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggestion_block_cannot_be_closed_from_inside() {
        let s = Suggestion {
            path: "n.md".into(),
            start_line: 3,
            end_line: 4,
            replacement: "a ``` b\nc".into(),
            rule: "field-label".into(),
            message: "`Cdoe` is not a field".into(),
        };
        let b = s.body();
        assert!(b.starts_with(COMMENT_MARKER), "{b}");
        assert!(b.contains("\n````suggestion\na ``` b\nc\n````\n"), "{b}");
        let c = serde_json::to_value(NewComment::of(&s)).unwrap();
        assert_eq!(c["line"], 4);
        assert_eq!(c["start_line"], 3);
        assert_eq!(c["side"], "RIGHT");
        let one = Suggestion { start_line: 4, ..s };
        let c = serde_json::to_value(NewComment::of(&one)).unwrap();
        assert!(c.get("start_line").is_none(), "{c}");
    }

    fn changes(path: &str, patch: &str) -> Changes {
        Changes {
            files: std::collections::BTreeMap::from([(
                path.to_owned(),
                crate::github::diff::parse_patch(patch),
            )]),
            source: crate::github::diff::ChangeSource::Git,
        }
    }

    #[test]
    fn suggestions_replace_whole_changed_lines_and_merge_on_the_same_line() {
        use crate::diag::{Severity, SourceFile};
        let text = "# t\n\n1. [a](example.org)  x\n   - Cdoe: c\n";
        let file = SourceFile::new("n.md", "n.md", text.to_owned());
        let sources = Sources::from([("n.md".to_owned(), file.clone())]);
        let at = |s: &str| text.find(s).unwrap();
        let url =
            file.diag("bare-url", Severity::Error, at("example.org")..at("example.org") + 11, "no scheme");
        let trail = file.diag("trailing", Severity::Warning, at("  x")..at("  x") + 3, "junk");
        let label = file.diag("field-label", Severity::Error, at("Cdoe")..at("Cdoe") + 4, "typo");
        let fixables = [
            Fixable { diag: &url, edits: vec![(at("example.org")..at("example.org"), "https://".into())] },
            Fixable { diag: &trail, edits: vec![(at("  x")..at("  x") + 3, String::new())] },
            Fixable { diag: &label, edits: vec![(at("Cdoe")..at("Cdoe") + 4, "Code".into())] },
        ];
        // Lines 3 and 4 changed.
        let all = changes("n.md", "@@ -2,0 +3,2 @@\n+1. [a](example.org)  x\n+   - Cdoe: c\n");
        let got = suggestions(&fixables, &sources, &all);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!((got[0].start_line, got[0].end_line), (3, 3));
        assert_eq!(got[0].replacement, "1. [a](https://example.org)");
        assert_eq!(got[0].rule, "bare-url, trailing");
        assert_eq!((got[1].start_line, got[1].replacement.as_str()), (4, "   - Code: c"));
        // Only line 4 changed: line 3's fixes are not the PR's to make.
        let one = changes("n.md", "@@ -4 +4 @@\n-x\n+   - Cdoe: c\n");
        let got = suggestions(&fixables, &sources, &one);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].start_line, 4);
        // Overlapping edits: the later fix waits for the next run.
        let twice = [
            Fixable { diag: &label, edits: vec![(at("Cdoe")..at("Cdoe") + 4, "Code".into())] },
            Fixable { diag: &label, edits: vec![(at("Cdoe")..at("Cdoe") + 2, "Co".into())] },
        ];
        let got = suggestions(&twice, &sources, &all);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].replacement, "   - Code: c");
    }

    #[test]
    fn the_body_carries_the_marker() {
        assert!(review_body(&[], "0123456789").starts_with(MARKER));
        assert!(review_body(&[], "0123456789").contains("at 0123456"));
    }
}
