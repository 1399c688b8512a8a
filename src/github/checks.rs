//! A check run carrying every annotation.
//!
//! Workflow commands show at most 10 error and 10 warning annotations per step;
//! the Checks API takes any number, but at most 50 per request. So: create the
//! run (in progress, title and summary), then send the annotations in update
//! requests of 50, the last one completing the run with its conclusion.

pub use octocrab::params::checks::CheckRunConclusion;
use octocrab::params::checks::{
    CheckRunOutput, CheckRunOutputAnnotation, CheckRunOutputAnnotationLevel, CheckRunStatus,
};

use crate::diag::{Diagnostic, Severity, Tally};
use crate::github::api::{Api, ApiError};
use crate::report::github::{AnnotationRange, annotation_message};

/// Annotations per request: the Checks API's limit.
pub(crate) const BATCH: usize = 50;
/// What the runner shows per step and per level from workflow commands.
pub(crate) const RUNNER_LIMIT: usize = 10;
/// Limits of the Checks API on text fields (bytes).
const MAX_MESSAGE: usize = 64 * 1024 - 16;
const MAX_SUMMARY: usize = 65_535 - 64;

/// Whether the runner would drop annotations: more than it shows of some level.
pub fn exceeds_runner_limit(diags: &[Diagnostic]) -> bool {
    let t = Tally::of(diags);
    t.errors > RUNNER_LIMIT || t.warnings > RUNNER_LIMIT || t.infos > RUNNER_LIMIT
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

/// A line or column as the Checks API's model holds it.
fn position(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The annotation of one diagnostic.
pub(crate) fn annotation(d: &Diagnostic) -> CheckRunOutputAnnotation {
    // Same positions as the workflow commands; columns only on one-line spans,
    // which is also what the Checks API accepts.
    let r = AnnotationRange::of(d);
    CheckRunOutputAnnotation {
        path: d.path.clone(),
        start_line: position(r.start_line),
        end_line: position(r.end_line),
        start_column: r.start_column.map(position),
        end_column: r.end_column.map(position),
        annotation_level: match d.severity {
            Severity::Error => CheckRunOutputAnnotationLevel::Failure,
            Severity::Warning => CheckRunOutputAnnotationLevel::Warning,
            Severity::Info => CheckRunOutputAnnotationLevel::Notice,
        },
        message: cut(&annotation_message(d), MAX_MESSAGE),
        title: Some(d.rule.clone()),
        raw_details: None,
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
    /// `Success`, `Failure` or `Neutral`.
    pub conclusion: CheckRunConclusion,
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

/// Create a check run with every diagnostic as an annotation.
pub async fn create(
    api: &Api,
    spec: &CheckRunSpec<'_>,
    diags: &[Diagnostic],
) -> Result<CheckRunOutcome, ApiError> {
    let summary = cut(&spec.summary, MAX_SUMMARY);
    // Every request repeats the title and summary. An empty batch sends no
    // `annotations` at all (octocrab leaves an empty list out), which the API
    // reads as "none added", the same as an empty list.
    let output = |batch: &[Diagnostic]| CheckRunOutput {
        title: spec.title.clone(),
        summary: summary.clone(),
        text: None,
        annotations: batch.iter().map(annotation).collect(),
        images: Vec::new(),
    };
    let checks = api.checks();
    let mut new = checks
        .create_check_run(spec.name, spec.head_sha)
        .status(CheckRunStatus::InProgress)
        .output(output(&[]));
    if let Some(url) = &spec.details_url {
        new = new.details_url(url);
    }
    let created = match api.send("POST", "/check-runs", new.send()).await {
        Ok(run) => run,
        Err(e) if e.is_forbidden() => return Ok(CheckRunOutcome::Forbidden { message: e.message() }),
        Err(e) => return Err(e),
    };

    let batches: Vec<&[Diagnostic]> =
        if diags.is_empty() { vec![&[]] } else { diags.chunks(BATCH).collect() };
    let route = format!("/check-runs/{}", created.id);
    let last = batches.len() - 1;
    for (i, batch) in batches.iter().enumerate() {
        let mut update = checks.update_check_run(created.id).output(output(batch));
        if i == last {
            update = update.status(CheckRunStatus::Completed).conclusion(spec.conclusion);
        }
        match api.send("PATCH", &route, update.send()).await {
            Ok(_) => {}
            Err(e) if e.is_forbidden() => return Ok(CheckRunOutcome::Forbidden { message: e.message() }),
            Err(e) => return Err(e),
        }
    }
    Ok(CheckRunOutcome::Created {
        id: created.id.into_inner(),
        html_url: created.html_url,
        requests: 1 + batches.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    #[test]
    fn columns_only_on_single_line_annotations() {
        let f = SourceFile::new("n.md", "x", "ab\ncd\n".to_owned());
        let one = annotation(&f.diag("r", Severity::Error, 0..2, "m"));
        assert_eq!((one.start_column, one.end_column), (Some(1), Some(2)));
        assert_eq!(serde_json::to_value(&one).unwrap()["annotation_level"], "failure");
        let two = annotation(&f.diag("r", Severity::Info, 0..5, "m"));
        assert_eq!((two.start_line, two.end_line, two.start_column), (1, 2, None));
        let v = serde_json::to_value(&two).unwrap();
        assert!(v.get("start_column").is_none(), "{v}");
        assert_eq!(v["annotation_level"], "notice");
        assert_eq!(v["title"], "r");
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
