//! What the runner gives a docker action, and what follows from it.
//!
//! A docker action gets its inputs as `INPUT_<NAME>` variables (the name
//! upper-cased, spaces turned into `_`, hyphens kept — which is why every
//! input of action.yml uses underscores), plus the `GITHUB_*` variables and
//! the event payload at `GITHUB_EVENT_PATH`. Reading them through `Env`
//! rather than `std::env` keeps all of this testable without a process.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::error::Error;
use crate::github::api::{DEFAULT_API_URL, Repo};
use crate::github::diff::FilterMode;

/// Whether we run inside GitHub Actions (`GITHUB_ACTIONS=true`).
pub(crate) fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// A snapshot of environment variables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub(crate) fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    #[cfg(test)]
    pub(crate) fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env { vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    /// A variable, `None` when unset or blank.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The variable the runner sets for input `name`.
    pub(crate) fn input_var(name: &str) -> String {
        format!("INPUT_{}", name.replace(' ', "_").to_uppercase())
    }

    pub(crate) fn input(&self, name: &str) -> Option<&str> {
        self.get(&Self::input_var(name))
    }

    /// A boolean input, with the YAML 1.2 core spellings `@actions/core` accepts.
    pub(crate) fn bool_input(&self, name: &str, default: bool) -> Result<bool, Error> {
        match self.input(name) {
            None => Ok(default),
            Some("true" | "True" | "TRUE") => Ok(true),
            Some("false" | "False" | "FALSE") => Ok(false),
            Some(other) => Err(Error::Usage(format!(
                "input `{name}` is `{other}`, expected `true` or `false` (set it under `with:` in the workflow)"
            ))),
        }
    }
}

/// What `daybook action` runs (input `command`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionCommand {
    /// Lint, then regenerate the README (commit on a push to a branch).
    All,
    Lint,
    Readme,
}

impl ActionCommand {
    pub(crate) fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "all" => Ok(ActionCommand::All),
            "lint" => Ok(ActionCommand::Lint),
            "readme" => Ok(ActionCommand::Readme),
            other => Err(Error::Usage(format!(
                "input `command` is `{other}`; expected one of `all`, `lint`, `readme`"
            ))),
        }
    }

    pub(crate) fn lints(self) -> bool {
        matches!(self, ActionCommand::All | ActionCommand::Lint)
    }

    pub(crate) fn readme(self) -> bool {
        matches!(self, ActionCommand::All | ActionCommand::Readme)
    }
}

/// The action's inputs (see action.yml).
#[derive(Debug, Clone)]
pub(crate) struct Inputs {
    pub(crate) command: ActionCommand,
    pub(crate) config: Option<PathBuf>,
    pub(crate) token: Option<String>,
    pub(crate) commit: bool,
    pub(crate) commit_message: Option<String>,
    pub(crate) commit_mode: Option<String>,
    pub(crate) fail_on_warnings: bool,
    pub(crate) offline: bool,
    pub(crate) sarif_file: Option<PathBuf>,
    /// Which findings a pull request shows.
    pub(crate) filter_mode: FilterMode,
    /// Post a review with suggested fixes on pull requests.
    pub(crate) review: bool,
}

/// Every input name `daybook action` reads; action.yml declares exactly these
/// (a test checks both directions).
pub const INPUT_NAMES: &[&str] = &[
    "command",
    "config",
    "token",
    "commit",
    "commit_message",
    "commit_mode",
    "fail_on_warnings",
    "offline",
    "sarif_file",
    "filter_mode",
    "review",
];

impl Inputs {
    pub(crate) fn from_env(env: &Env) -> Result<Inputs, Error> {
        Ok(Inputs {
            command: ActionCommand::parse(env.input("command").unwrap_or("all"))?,
            config: env.input("config").map(PathBuf::from),
            token: env.input("token").map(str::to_owned),
            commit: env.bool_input("commit", true)?,
            commit_message: env.input("commit_message").map(str::to_owned),
            commit_mode: env.input("commit_mode").map(str::to_owned),
            fail_on_warnings: env.bool_input("fail_on_warnings", false)?,
            offline: env.bool_input("offline", false)?,
            sarif_file: env.input("sarif_file").map(PathBuf::from),
            filter_mode: match env.input("filter_mode") {
                None => FilterMode::default(),
                Some(m) => m.parse().map_err(|e| Error::Usage(format!("input `filter_mode` is {e}")))?,
            },
            review: env.bool_input("review", true)?,
        })
    }
}

/// A full or abbreviated commit id: 7 to 64 hex digits (SHA-1 or SHA-256).
fn is_commit_id(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_pull_request_event(name: &str) -> bool {
    matches!(name, "pull_request" | "pull_request_target")
}

/// What daybook reads of a pull request's event payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullRequest {
    pub(crate) number: u64,
    pub(crate) base_sha: String,
    pub(crate) head_sha: String,
    /// `owner/name` of the head's repository; `None` when it was deleted.
    pub(crate) head_repo: Option<String>,
    pub(crate) base_repo: Option<String>,
}

impl PullRequest {
    /// A pull request from another repository (a fork), or from one deleted
    /// since: its token is read-only and its text is a stranger's.
    pub(crate) fn is_from_fork(&self) -> bool {
        match (&self.head_repo, &self.base_repo) {
            (Some(h), Some(b)) => !h.eq_ignore_ascii_case(b),
            _ => true,
        }
    }
}

/// The run's context: where, on what, for which event.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub(crate) workspace: PathBuf,
    pub(crate) event_name: String,
    /// The event payload (`Null` when `GITHUB_EVENT_PATH` is unset).
    pub(crate) event: Value,
    /// Why a pull request's payload could not be read (it is `Null` then).
    pub(crate) event_problem: Option<String>,
    pub(crate) git_ref: Option<String>,
    pub(crate) repository: Option<Repo>,
    pub(crate) sha: Option<String>,
    pub(crate) api_url: String,
    pub(crate) server_url: String,
    pub(crate) run_id: Option<String>,
    pub(crate) output_file: Option<PathBuf>,
    pub(crate) summary_file: Option<PathBuf>,
}

impl Context {
    pub(crate) fn from_env(env: &Env) -> Result<Context, Error> {
        let workspace = match env.get("GITHUB_WORKSPACE") {
            Some(w) => PathBuf::from(w),
            None => std::env::current_dir().map_err(|e| Error::io(&PathBuf::from("."), "read", e))?,
        };
        let event_name = env.get("GITHUB_EVENT_NAME").unwrap_or("").to_owned();
        let read = || -> Result<Value, Error> {
            match env.get("GITHUB_EVENT_PATH") {
                Some(p) => {
                    let path = PathBuf::from(p);
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| Error::io(&path, "read the event payload", e))?;
                    serde_json::from_str(&text).map_err(|e| {
                        Error::Usage(format!("{}: the event payload is not JSON: {e}", path.display()))
                    })
                }
                None => Ok(Value::Null),
            }
        };
        // A pull request's payload only narrows what is shown: without it the
        // run lints everything (and says so). Elsewhere it decides whether
        // committing is safe (a fork, a deleted branch), so a broken one stops.
        let (event, event_problem) = match read() {
            Ok(v) => (v, None),
            Err(e) if is_pull_request_event(&event_name) => (Value::Null, Some(e.to_string())),
            Err(e) => return Err(e),
        };
        let repository = match env.get("GITHUB_REPOSITORY") {
            Some(r) => Some(r.parse::<Repo>().map_err(|e| Error::Usage(format!("GITHUB_REPOSITORY: {e}")))?),
            None => None,
        };
        Ok(Context {
            workspace,
            event_name,
            event,
            event_problem,
            git_ref: env.get("GITHUB_REF").map(str::to_owned),
            repository,
            sha: env.get("GITHUB_SHA").map(str::to_owned),
            api_url: env.get("GITHUB_API_URL").unwrap_or(DEFAULT_API_URL).to_owned(),
            server_url: env.get("GITHUB_SERVER_URL").unwrap_or("https://github.com").to_owned(),
            run_id: env.get("GITHUB_RUN_ID").map(str::to_owned),
            output_file: env.get("GITHUB_OUTPUT").map(PathBuf::from),
            summary_file: env.get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
        })
    }

    pub(crate) fn is_pull_request(&self) -> bool {
        is_pull_request_event(&self.event_name)
    }

    /// The pull request of a `pull_request`/`pull_request_target` event, or
    /// why the payload does not tell (missing, not JSON, a field missing).
    pub(crate) fn pull_request(&self) -> Result<PullRequest, String> {
        if let Some(p) = &self.event_problem {
            return Err(p.clone());
        }
        if self.event.is_null() {
            return Err("the event payload is missing (GITHUB_EVENT_PATH is not set)".into());
        }
        let pr = self.event.get("pull_request").ok_or("the event payload has no `pull_request`")?;
        let str_at = |ptr: &str| pr.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
        let sha = |ptr: &str| str_at(ptr).filter(|s| is_commit_id(s));
        let number = pr
            .get("number")
            .or_else(|| self.event.get("number"))
            .and_then(Value::as_u64)
            .ok_or("the event payload has no pull request number")?;
        Ok(PullRequest {
            number,
            base_sha: sha("/base/sha")
                .ok_or("the event payload has no base commit (`pull_request.base.sha`)")?,
            head_sha: sha("/head/sha")
                .ok_or("the event payload has no head commit (`pull_request.head.sha`)")?,
            head_repo: str_at("/head/repo/full_name"),
            base_repo: str_at("/base/repo/full_name"),
        })
    }

    /// The commit annotations and check runs belong to: a pull request's head
    /// (what the PR page shows), else `GITHUB_SHA`.
    pub(crate) fn head_sha(&self) -> Option<String> {
        // The payload is a file in the job; a head that is no commit id (it
        // was put into the summary's links as Markdown) is not used.
        if self.is_pull_request()
            && let Some(s) = self.event.pointer("/pull_request/head/sha").and_then(Value::as_str)
            && is_commit_id(s)
        {
            return Some(s.to_owned());
        }
        self.sha.clone()
    }

    /// The branch of `GITHUB_REF` (`refs/heads/<branch>`).
    pub(crate) fn branch(&self) -> Option<&str> {
        self.git_ref.as_deref()?.strip_prefix("refs/heads/")
    }

    /// Why this run must not commit, if it must not: pull requests, forks, tags,
    /// merge queues and anything that is not a branch.
    pub(crate) fn commit_blocked(&self) -> Option<String> {
        if self.is_pull_request() {
            return Some("pull request".into());
        }
        if self.event_name == "merge_group" {
            return Some("merge queue".into());
        }
        if self.event.pointer("/repository/fork").and_then(Value::as_bool) == Some(true) {
            return Some("the repository is a fork".into());
        }
        if self.event.pointer("/deleted").and_then(Value::as_bool) == Some(true) {
            return Some("the branch was deleted".into());
        }
        match self.git_ref.as_deref() {
            Some(r) if r.starts_with("refs/tags/") => Some(format!("a tag ({r})")),
            Some(r) if r.starts_with("refs/heads/") => None,
            Some(r) => Some(format!("not a branch ({r})")),
            None => Some("GITHUB_REF is not set".into()),
        }
    }

    /// `{server}/{owner}/{repo}/actions/runs/{id}`.
    pub(crate) fn run_url(&self) -> Option<String> {
        Some(format!(
            "{}/{}/actions/runs/{}",
            self.server_url.trim_end_matches('/'),
            self.repository.as_ref()?,
            self.run_id.as_ref()?
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(event_name: &str, git_ref: &str, event: Value) -> Context {
        Context {
            workspace: ".".into(),
            event_name: event_name.into(),
            event,
            event_problem: None,
            git_ref: Some(git_ref.into()),
            repository: Some("me/notes".parse().unwrap()),
            sha: Some("merge".into()),
            api_url: DEFAULT_API_URL.into(),
            server_url: "https://github.com".into(),
            run_id: None,
            output_file: None,
            summary_file: None,
        }
    }

    #[test]
    fn input_names_follow_the_runner() {
        assert_eq!(Env::input_var("fail_on_warnings"), "INPUT_FAIL_ON_WARNINGS");
        assert_eq!(Env::input_var("a b"), "INPUT_A_B");
        // Hyphens survive, which is why action.yml never uses them.
        assert_eq!(Env::input_var("fail-on-warnings"), "INPUT_FAIL-ON-WARNINGS");
    }

    #[test]
    fn inputs_have_defaults_and_strict_booleans() {
        let i = Inputs::from_env(&Env::default()).unwrap();
        assert_eq!(i.command, ActionCommand::All);
        assert!(i.commit && !i.fail_on_warnings && !i.offline);
        let env =
            Env::from_pairs([("INPUT_COMMIT", "False"), ("INPUT_COMMAND", "lint"), ("INPUT_TOKEN", " ")]);
        let i = Inputs::from_env(&env).unwrap();
        assert!(!i.commit);
        assert_eq!(i.command, ActionCommand::Lint);
        assert_eq!(i.token, None);
        let err = Inputs::from_env(&Env::from_pairs([("INPUT_OFFLINE", "yes")])).unwrap_err();
        assert!(err.to_string().contains("`offline`"), "{err}");
        assert!(Inputs::from_env(&Env::from_pairs([("INPUT_COMMAND", "publish")])).is_err());
    }

    #[test]
    fn who_may_commit() {
        assert_eq!(ctx("push", "refs/heads/main", Value::Null).commit_blocked(), None);
        assert_eq!(ctx("workflow_dispatch", "refs/heads/main", Value::Null).commit_blocked(), None);
        assert!(ctx("pull_request", "refs/pull/1/merge", Value::Null).commit_blocked().is_some());
        assert!(ctx("push", "refs/tags/v1", Value::Null).commit_blocked().unwrap().contains("tag"));
        let fork = serde_json::json!({"repository": {"fork": true}});
        assert!(ctx("push", "refs/heads/main", fork).commit_blocked().unwrap().contains("fork"));
    }

    #[test]
    fn pull_requests_annotate_their_head() {
        let ev = serde_json::json!({"pull_request": {"head": {"sha": "0123abc"}}});
        assert_eq!(ctx("pull_request", "refs/pull/1/merge", ev).head_sha().as_deref(), Some("0123abc"));
        assert_eq!(ctx("push", "refs/heads/main", Value::Null).head_sha().as_deref(), Some("merge"));
    }

    /// The payload's head was put into the job summary's links as it came:
    /// `abc) <b>x</b> ![i](https://evil.example/i.png` wrote Markdown and HTML
    /// into the summary. A head that is no commit id is not used.
    #[test]
    fn a_head_that_is_no_commit_id_is_not_used() {
        for bad in ["0123abc) <b>x</b> ![i](https://evil.example/i.png", "head", "0123ab", "", "0123abc\n"] {
            let ev = serde_json::json!({"pull_request": {"head": {"sha": bad}}});
            assert_eq!(
                ctx("pull_request", "refs/pull/1/merge", ev).head_sha().as_deref(),
                Some("merge"),
                "{bad}"
            );
        }
    }
}
