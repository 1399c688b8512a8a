//! A check run carrying every annotation.
//!
//! Workflow commands show at most 10 error and 10 warning annotations per step;
//! the Checks API takes any number, but at most 50 per request. So: create the
//! run (in progress, title and summary), then send the annotations in update
//! requests of 50, the last one completing the run with its conclusion.

use octocrab::params::checks::CheckRunStatus;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Severity, Tally};
use crate::github::api::{Api, ApiError};
use crate::report::github::{AnnotationRange, annotation_message};

/// Annotations per request: the Checks API's limit.
pub const BATCH: usize = 50;
/// What the runner shows per step and per level from workflow commands.
pub const RUNNER_LIMIT: usize = 10;
/// Limits of the Checks API on text fields (bytes).
const MAX_MESSAGE: usize = 64 * 1024 - 16;
const MAX_SUMMARY: usize = 65_535 - 64;

/// Whether the runner would drop annotations: more than it shows of some level.
pub fn exceeds_runner_limit(diags: &[Diagnostic]) -> bool {
    let t = Tally::of(diags);
    t.errors > RUNNER_LIMIT || t.warnings > RUNNER_LIMIT || t.infos > RUNNER_LIMIT
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
    pub annotation_level: &'static str,
    pub message: String,
    pub title: String,
}

fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    format!("{}…", &s[..i])
}

impl Annotation {
    pub fn of(d: &Diagnostic) -> Self {
        // Same positions as the workflow commands; columns only on one-line spans,
        // which is also what the Checks API accepts.
        let r = AnnotationRange::of(d);
        Annotation {
            path: d.path.clone(),
            start_line: r.start_line,
            end_line: r.end_line,
            start_column: r.start_column,
            end_column: r.end_column,
            annotation_level: match d.severity {
                Severity::Error => "failure",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            },
            message: cut(&annotation_message(d), MAX_MESSAGE),
            title: d.rule.clone(),
        }
    }
}

/// What to create.
#[derive(Debug, Clone)]
pub struct CheckRunSpec<'a> {
    pub name: &'a str,
    /// The commit the run belongs to (a pull request's head, not its merge commit).
    pub head_sha: &'a str,
    pub title: String,
    /// Markdown (the job summary fits; it is cut at the API's limit).
    pub summary: String,
    /// `success`, `failure` or `neutral`.
    pub conclusion: &'static str,
    pub details_url: Option<String>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckRunOutcome {
    Created {
        id: u64,
        html_url: Option<String>,
        requests: usize,
    },
    /// The token may not create check runs (a fork's read-only token, missing
    /// `checks: write`): say so once and carry on.
    Forbidden {
        message: String,
    },
}

/// `output` of a check run request. octocrab's `CheckRunOutput` leaves out an
/// empty `annotations` list; this one always sends it.
#[derive(Serialize)]
struct Output<'a> {
    title: &'a str,
    summary: &'a str,
    annotations: &'a [Annotation],
}

/// Body of `POST /check-runs`.
#[derive(Serialize)]
struct NewCheckRun<'a> {
    name: &'a str,
    head_sha: &'a str,
    status: CheckRunStatus,
    output: Output<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details_url: Option<&'a str>,
}

/// Body of `PATCH /check-runs/{id}`.
#[derive(Serialize)]
struct CheckRunUpdate<'a> {
    output: Output<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<CheckRunStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conclusion: Option<&'a str>,
}

/// What daybook reads of a created check run.
#[derive(Deserialize)]
struct CreatedCheckRun {
    id: u64,
    html_url: Option<String>,
}

/// Create a check run with every diagnostic as an annotation.
pub async fn create(
    api: &Api,
    spec: &CheckRunSpec<'_>,
    diags: &[Diagnostic],
) -> Result<CheckRunOutcome, ApiError> {
    let summary = cut(&spec.summary, MAX_SUMMARY);
    let output = |annotations| Output { title: &spec.title, summary: &summary, annotations };
    let body = NewCheckRun {
        name: spec.name,
        head_sha: spec.head_sha,
        status: CheckRunStatus::InProgress,
        output: output(&[]),
        details_url: spec.details_url.as_deref(),
    };
    // Not `checks().create_check_run()`: `CheckRun` requires `node_id`, `url`, `output`, ...
    let created: CreatedCheckRun = match api.post(&api.route("/check-runs"), &body).await {
        Ok(v) => v,
        Err(e) if e.is_forbidden() => return Ok(CheckRunOutcome::Forbidden { message: e.message() }),
        Err(e) => return Err(e),
    };
    let id = created.id;

    let annotations: Vec<Annotation> = diags.iter().map(Annotation::of).collect();
    let batches: Vec<&[Annotation]> =
        if annotations.is_empty() { vec![&[]] } else { annotations.chunks(BATCH).collect() };
    let update = api.route(&format!("/check-runs/{id}"));
    let last = batches.len() - 1;
    for (i, batch) in batches.iter().enumerate() {
        let body = CheckRunUpdate {
            output: output(batch),
            status: (i == last).then_some(CheckRunStatus::Completed),
            conclusion: (i == last).then_some(spec.conclusion),
        };
        // Not `checks().update_check_run()`: it answers a `CheckRun` too.
        match api.patch::<_, IgnoredAny>(&update, &body).await {
            Ok(_) => {}
            Err(e) if e.is_forbidden() => return Ok(CheckRunOutcome::Forbidden { message: e.message() }),
            Err(e) => return Err(e),
        }
    }
    Ok(CheckRunOutcome::Created { id, html_url: created.html_url, requests: 1 + batches.len() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn columns_only_on_single_line_annotations() {
        let f = SourceFile::new("n.md", "x", "ab\ncd\n".to_owned());
        let one = Annotation::of(&f.diag("r", Severity::Error, 0..2, "m"));
        assert_eq!((one.start_column, one.end_column), (Some(1), Some(2)));
        assert_eq!(one.annotation_level, "failure");
        let two = Annotation::of(&f.diag("r", Severity::Info, 0..5, "m"));
        assert_eq!((two.start_line, two.end_line, two.start_column), (1, 2, None));
        let v = serde_json::to_value(&two).unwrap();
        assert!(v.get("start_column").is_none(), "{v}");
        assert_eq!(v["annotation_level"], "notice");
    }

    #[test]
    fn runner_limit_is_per_level() {
        let d = |s| Diagnostic::file_level("r", s, "a.md", "m");
        let mut ds: Vec<_> = (0..10).map(|_| d(Severity::Error)).collect();
        ds.extend((0..10).map(|_| d(Severity::Warning)));
        assert!(!exceeds_runner_limit(&ds));
        ds.push(d(Severity::Warning));
        assert!(exceeds_runner_limit(&ds));
    }
}
