//! `daybook publish`: regenerate the README and commit it back when, and only
//! when, its bytes changed. Where nothing may be committed (detached HEAD, no
//! write permission, and on Actions a pull request, fork, tag or merge queue),
//! it behaves like `daybook readme --check`: a stale README is reported with
//! its diff and exits 1.

use std::process::ExitCode;

use crate::cli::{Cli, PublishArgs, PublishModeArg};
use crate::config::PublishMode;
use crate::github::context::{Context, Env, in_actions};
use crate::github::publish::{self, Request};
use crate::github::{Author, PublishOutcome};

pub(crate) fn run(cli: &Cli, args: &PublishArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    let settings = super::open_repo(cli, root)?;
    let (cfg, cfg_path) = (&settings.config, settings.path.as_deref());
    let today = publish::today();
    let generated = super::generate(root, &settings, today)?;
    // Shown on one line: daybook.yml names the README.
    let readme_path = crate::report::safe::one_line(&generated.display_path).into_owned();

    if args.dry_run {
        if generated.changed() {
            super::output::print_log(&crate::report::safe::controls(&generated.diff()));
            eprintln!("daybook: would commit {readme_path} (dry run: nothing committed)");
        } else {
            eprintln!("daybook: {readme_path} is up to date; nothing to commit");
        }
        return Ok(ExitCode::SUCCESS);
    }

    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    // On Actions the event decides whether a commit may be made at all, exactly
    // as for `daybook action`: `GITHUB_REF_NAME` of a tag or of `refs/pull/7/merge`
    // is no branch to push to. An explicit `--branch` is the user's own call.
    let mut actions_branch = None;
    if in_actions() && args.branch.is_none() {
        let ctx = Context::from_env(&Env::from_process())?;
        if let Some(reason) = ctx.commit_blocked() {
            return not_committed(&generated, &readme_path, &reason);
        }
        actions_branch = ctx.branch().map(str::to_owned);
    }
    let mode = match args.mode {
        Some(PublishModeArg::Api) => PublishMode::Api,
        Some(PublishModeArg::Git) => PublishMode::Git,
        Some(PublishModeArg::Auto) => PublishMode::Auto,
        None => cfg.publish.mode,
    };
    let req = Request {
        root: root.to_path_buf(),
        mode,
        remote: args.remote.clone(),
        branch: args.branch.clone().or(actions_branch),
        // On Actions the workspace holds GITHUB_SHA; locally HEAD is read (and checked clean).
        base_sha: env("GITHUB_SHA").filter(|_| in_actions()),
        repo: env("GITHUB_REPOSITORY").and_then(|r| r.parse().ok()),
        api_url: env("GITHUB_API_URL"),
        token: args.github_token.clone().filter(|t| !t.is_empty()),
        message: args.message.clone().unwrap_or_else(|| cfg.publish.message.clone()),
        author: Author { name: cfg.publish.author_name.clone(), email: cfg.publish.author_email.clone() },
        max_attempts: cfg.publish.max_attempts,
        trust_workspace: false,
    };
    let inputs = publish::regeneration_inputs(cfg, cfg_path, root);
    let mut regenerate =
        |r: &std::path::Path| -> miette::Result<String> { Ok(super::generate(r, &settings, today)?.new) };
    match publish::publish(&req, inputs, &readme_path, &mut regenerate)? {
        PublishOutcome::Unchanged => {
            eprintln!("daybook: {readme_path} is up to date; nothing to commit");
            Ok(ExitCode::SUCCESS)
        }
        PublishOutcome::Committed { sha, attempts } => {
            let retried =
                if attempts > 1 { format!(" (after {} races)", attempts - 1) } else { String::new() };
            eprintln!("daybook: committed {readme_path} as {sha}{retried}");
            println!("{sha}");
            Ok(ExitCode::SUCCESS)
        }
        PublishOutcome::NotCommitted { reason } => not_committed(&generated, &readme_path, &reason),
    }
}

/// `readme --check` semantics, for a run that may not commit.
fn not_committed(
    generated: &crate::readme::Generated,
    readme_path: &str,
    reason: &str,
) -> miette::Result<ExitCode> {
    if !generated.changed() {
        let reason = crate::report::safe::one_line(reason);
        eprintln!("daybook: nothing committed ({reason}); {readme_path} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    let reason = &crate::report::safe::one_line(reason);
    let d = publish::stale_diagnostic(&generated.display_path, &generated.old, &generated.new, Some(reason));
    // The annotation outside the guarded diff, or the runner would not see it.
    if in_actions() {
        println!("{}", crate::report::github::workflow_command(&d));
    }
    super::output::print_log(&crate::report::safe::controls(&generated.diff()));
    eprintln!("daybook: {}", crate::report::safe::one_line(&d.message));
    Ok(ExitCode::from(1))
}
