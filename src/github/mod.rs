//! GitHub integration: action inputs, check runs, job summary, outputs, commit back.
//!
//! - [`context`]: what the runner tells a docker action (`INPUT_*`, `GITHUB_*`,
//!   the event payload) and what it implies (may we commit? which SHA to annotate?).
//! - [`outputs`]: step outputs (`$GITHUB_OUTPUT`) and the job summary file.
//! - [`api`]: an octocrab client rooted at `GITHUB_API_URL` (GitHub Enterprise
//!   Server and the tests' local fake both work), with typed errors.
//! - [`checks`]: a check run carrying every annotation, in batches of 50.
//! - [`diff`]: what a pull request changed (git or the API), and the filter
//!   modes that keep the findings to it.
//! - [`review`]: one pull request review with suggested fixes, updated in place.
//! - [`commit`]: the README committed through the Git Data API (verified commits).
//! - `git`: the README committed with the git CLI and pushed, never forced.
//!
//! Both commit paths share one contract: only the README goes into the commit,
//! only when its bytes changed, on top of the commit the README was generated
//! from; when the branch moved meanwhile, regenerate from the new notes and try
//! again a bounded number of times.

pub mod api;
pub mod checks;
pub mod commit;
pub mod context;
pub mod diff;
pub(crate) mod git;
pub mod outputs;
pub(crate) mod publish;
pub mod review;

use std::path::Path;

/// Produces the README's new text from the notes under a repository root.
/// The commit paths call it again on the new notes after losing a race.
pub(crate) type Regenerate<'a> = dyn FnMut(&Path) -> miette::Result<String> + 'a;

/// What a publish attempt did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    /// The regenerated README has the same bytes as the committed one.
    Unchanged,
    /// A commit touching only the README is on the branch.
    Committed {
        sha: String,
        /// 1 when the first try landed; more after races.
        attempts: u32,
    },
    /// Nothing committed because this run may not commit: no write permission
    /// (403, protected branch, read-only token) or no branch to commit to.
    NotCommitted { reason: String },
}

/// Author of the README commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}
