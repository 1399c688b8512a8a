//! `daybook action`: the container's entrypoint.
//!
//! Reads the inputs (`INPUT_*`) and the run's context (`GITHUB_*`, the event
//! payload), then: lint (human report in the log, an annotation per finding, a
//! check run when there are more than the runner shows), regenerate the README
//! (commit it on a push to a branch; on pull requests, forks, tags or without
//! permission report it as stale with its diff), write the step outputs, the
//! job summary and optionally a SARIF file. Exit 1 on errors (or warnings with
//! `fail_on_warnings`) and on a stale README that could not be committed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{ActionArgs, Cli, LinkCheckArgs};
use crate::config::{Config, PublishMode, ReadmeStale};
use crate::diag::{Diagnostic, Severity, Tally};
use crate::error::Error;
use crate::github::api::Api;
use crate::github::checks::{self, CheckRunConclusion, CheckRunOutcome, CheckRunSpec};
use crate::github::context::{Context, Env, Inputs};
use crate::github::diff::{self, Changes, FilterMode};
use crate::github::publish::{self, Request};
use crate::github::review::{self, Fixable, ReviewOutcome};
use crate::github::{Author, PublishOutcome, outputs};
use crate::report::summary::{self, Links, ReadmeStatus};
use crate::report::{Format, RenderOptions, Sources};
use crate::settings::Settings;

/// Name of the check run daybook creates.
pub(crate) const CHECK_NAME: &str = "daybook";

pub(crate) fn run(cli: &Cli, args: &ActionArgs) -> miette::Result<ExitCode> {
    let env = Env::from_process();
    let mut inputs = Inputs::from_env(&env)?;
    if let Some(m) = args.filter_mode {
        inputs.filter_mode = m.into();
    }
    let ctx = Context::from_env(&env)?;
    let root = workspace(&ctx)?;
    let config_path = inputs.config.as_ref().map(|p| if p.is_absolute() { p.clone() } else { root.join(p) });
    let settings = Settings::load(&root, config_path.as_deref().or(cli.config.as_deref()))?;
    let cfg = &settings.config;
    let mode = commit_mode(&inputs, cfg)?;
    // Not locked for the whole run: the link checker's threads may write too.
    let out = &mut std::io::stdout();

    let (mut diags, sources) = if inputs.command.lints() {
        lint(out, &root, &settings, &inputs)?
    } else {
        (Vec::new(), Sources::new())
    };

    // On a pull request: what it changed, to show its findings (first).
    let mut notes = Vec::new();
    let changes = if ctx.is_pull_request() {
        match pull_request_changes(&ctx, &inputs, &root) {
            Ok(c) => Some(c),
            Err(why) => {
                if inputs.filter_mode != FilterMode::NoFilter {
                    let note = format!(
                        "Every finding is shown, not only the pull request's (`filter_mode: {}`): {why}.",
                        inputs.filter_mode.as_str()
                    );
                    let _ =
                        writeln!(out, "{}", crate::report::github::plain(Severity::Info, "daybook", &note));
                    notes.push(note);
                }
                None
            }
        }
    } else {
        None
    };

    // README: commit on a push to a branch, else report staleness. A failure
    // here (no markers, a broken template) still gets outputs and a summary.
    let mut fatal: Option<String> = None;
    let mut readme = ReadmeStep::not_run(cfg);
    if inputs.command.readme() {
        let job = ReadmeJob {
            root: &root,
            cfg,
            settings: &settings,
            ctx: &ctx,
            inputs: &inputs,
            mode,
            changes: changes.as_ref(),
        };
        match readme_step(&job, out, &mut diags) {
            Ok(step) => readme = step,
            Err(report) => {
                let msg = report_failure(out, "daybook readme", &report);
                fatal = Some(format!("The README step failed: {msg}"));
            }
        }
    }

    // SARIF carries every finding: code scanning compares a pull request's
    // alerts with its base itself. Before the verdict, summary and outputs: the
    // README may already be committed, so a file that cannot be written must
    // not cost the outputs.
    let mut sarif_written = false;
    if let Some(path) = &inputs.sarif_file {
        match write_sarif(&root, &root.join(path), &diags, &sources) {
            Ok(()) => sarif_written = true,
            Err(e) => {
                let msg = report_failure(out, "daybook sarif", &miette::Report::new(e));
                fatal.get_or_insert(format!("Could not write the SARIF file: {msg}"));
            }
        }
    }

    // The pull request's findings, its own first: the runner shows 10 per level.
    let diags = match &changes {
        Some(c) => {
            let (shown, hidden) = filter_to_pull_request(c, inputs.filter_mode, diags);
            if hidden > 0 {
                notes.push(format!(
                    "{hidden} finding{} outside the pull request's diff {} not shown (`filter_mode: {}`); `daybook lint` shows every finding.",
                    if hidden == 1 { "" } else { "s" },
                    if hidden == 1 { "is" } else { "are" },
                    inputs.filter_mode.as_str()
                ));
            }
            shown
        }
        None => diags,
    };

    // Annotations: one workflow command per finding.
    let _ = out.write_all(crate::report::github::render(&diags).as_bytes());

    let tally = Tally::of(&diags);
    let stale = matches!(readme.status, ReadmeStatus::Stale { .. });
    let failed = summary::failed(&tally, inputs.fail_on_warnings) || stale || fatal.is_some();
    let mut summary_input = summary::Input {
        title: "daybook",
        diags: &diags,
        deny_warnings: inputs.fail_on_warnings,
        links: commit_links(&ctx),
        readme: readme.status.clone(),
        readme_path: &readme.path,
        check_run_url: None,
        notes: notes.clone(),
        error: fatal.clone(),
    };
    let (check_run_url, check_notes) = check_run(out, &ctx, &inputs, &summary_input, failed)?;
    summary_input.check_run_url = check_run_url;
    summary_input.notes.extend(check_notes);
    if let Some(c) = &changes {
        summary_input.notes.extend(review(out, &ctx, &inputs, c, &diags, &sources)?);
    }

    if let Some(path) = &ctx.output_file {
        write_step_outputs(path, &tally, &readme, &inputs, sarif_written)?;
    }
    if let Some(path) = &ctx.summary_file {
        outputs::append_summary(path, &summary::render(&summary_input))?;
    }
    let _ = out.flush();
    Ok(if fatal.is_some() {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The checked-out repository, `GITHUB_WORKSPACE`.
fn workspace(ctx: &Context) -> Result<PathBuf, Error> {
    let root = ctx.workspace.clone();
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "GITHUB_WORKSPACE {} is not a directory: check out the repository first (actions/checkout)",
            root.display()
        )));
    }
    Ok(root)
}

/// What the pull request changed: from git when its base and head commits
/// are in the checkout, else from the API. `Err` says why neither works.
fn pull_request_changes(ctx: &Context, inputs: &Inputs, root: &Path) -> Result<Changes, String> {
    let pr = ctx
        .pull_request()
        .map_err(|why| format!("the event payload does not say what it changed ({why})"))?;
    let git_why = match diff::from_git(root, &pr.base_sha, &pr.head_sha) {
        Ok(c) => return Ok(c),
        Err(why) => why,
    };
    let (Some(token), Some(repo)) = (&inputs.token, &ctx.repository) else {
        return Err(format!(
            "{git_why} (check out with `fetch-depth: 0`), and there is no token to ask the API"
        ));
    };
    let from_api = publish::runtime().map_err(|e| e.to_string())?.block_on(async {
        let api = Api::new(&ctx.api_url, token, repo.clone()).map_err(|e| e.to_string())?;
        diff::from_api(&api, pr.number).await.map_err(|e| e.to_string())
    });
    from_api.map_err(|e| format!("{git_why}, and the API did not list the pull request's files: {e}"))
}

/// The findings a pull request shows, closest to its change first, and how
/// many were left out. A stale README is shown whatever the mode: the
/// pull request's notes made it so, and `readme_stale` decides its level.
fn filter_to_pull_request(
    changes: &Changes,
    mode: FilterMode,
    diags: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, usize) {
    let (stale, rest): (Vec<_>, Vec<_>) =
        diags.into_iter().partition(|d| d.rule == crate::readme::rules::README_STALE.name);
    let (mut shown, hidden) = changes.filter(mode, rest);
    shown.extend(stale);
    diff::order_by_closeness(&mut shown, changes);
    (shown, hidden)
}

/// The `commit_mode` input, else `publish.mode` of daybook.yml.
fn commit_mode(inputs: &Inputs, cfg: &Config) -> Result<PublishMode, Error> {
    match inputs.commit_mode.as_deref() {
        None => Ok(cfg.publish.mode),
        Some("auto") => Ok(PublishMode::Auto),
        Some("api") => Ok(PublishMode::Api),
        Some("git") => Ok(PublishMode::Git),
        Some(other) => {
            Err(Error::Usage(format!("input `commit_mode` is `{other}`; expected `auto`, `api` or `git`")))
        }
    }
}

/// The lint step: every finding, with the human report in a folded log group.
fn lint(
    out: &mut impl Write,
    root: &Path,
    settings: &Settings,
    inputs: &Inputs,
) -> miette::Result<(Vec<Diagnostic>, Sources)> {
    let _ = writeln!(out, "::group::daybook lint");
    let links = LinkCheckArgs { github_token: inputs.token.clone(), ..LinkCheckArgs::default() };
    let (diags, sources) = crate::commands::lint::findings(root, settings, inputs.offline, &links)?;
    // The Actions log shows colours: on unless the environment says otherwise.
    let color = super::lint::color_from_env(&|k| std::env::var_os(k)).unwrap_or(true);
    let opts = RenderOptions { color, width: 120, unsafe_fixes: false };
    // Guarded inside the group: `::endgroup::` must still be seen.
    super::output::write_log(out, &crate::report::render(Format::Human, &diags, &sources, &opts));
    let _ = writeln!(out, "::endgroup::");
    Ok((diags, sources))
}

/// A step that failed but does not stop the run: the full report on stderr,
/// one `::error` line in the log. Returns the one-line message.
fn report_failure(out: &mut impl Write, title: &str, report: &miette::Report) -> String {
    super::output::eprint_report(report);
    let msg = report.to_string();
    let _ = writeln!(out, "{}", crate::report::github::plain(Severity::Error, title, &msg));
    msg
}

/// Write the SARIF report to `path`, creating its folder:
/// `sarif_file: reports/daybook.sarif` names a folder the checkout lacks.
fn write_sarif(root: &Path, path: &Path, diags: &[Diagnostic], sources: &Sources) -> Result<(), Error> {
    // The workspace is the pull request's: a symlinked folder must not carry
    // the report (or the folders created for it) outside.
    crate::util::jail::check_output(root, path)
        .map_err(|why| Error::Usage(format!("{} is not written: {why}", path.display())))?;
    let text = crate::report::sarif::render(diags, sources);
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create", e))?;
    }
    Ok(crate::util::fs::write_atomic(path, text.as_bytes())?)
}

/// Where the summary links files: the run's repository at the annotated commit.
fn commit_links(ctx: &Context) -> Option<Links> {
    match (&ctx.repository, ctx.head_sha()) {
        (Some(repo), Some(sha)) => {
            Some(Links { server_url: ctx.server_url.clone(), repository: repo.to_string(), sha })
        }
        _ => None,
    }
}

/// A check run carrying every annotation, made when the runner would drop
/// some and there is a token. Returns the run's URL and the notes for the
/// summary (a check run that could not be made is said once, not fatal).
fn check_run(
    out: &mut impl Write,
    ctx: &Context,
    inputs: &Inputs,
    summary_input: &summary::Input<'_>,
    failed: bool,
) -> miette::Result<(Option<String>, Vec<String>)> {
    let diags = summary_input.diags;
    let (Some(token), Some(repo), Some(head)) = (&inputs.token, &ctx.repository, ctx.head_sha()) else {
        return Ok((None, Vec::new()));
    };
    if !checks::exceeds_runner_limit(diags) {
        return Ok((None, Vec::new()));
    }
    let tally = Tally::of(diags);
    let spec = CheckRunSpec {
        name: CHECK_NAME,
        head_sha: &head,
        title: format!("{} errors, {} warnings, {} infos", tally.errors, tally.warnings, tally.infos),
        summary: summary::render(summary_input),
        conclusion: if failed { CheckRunConclusion::Failure } else { CheckRunConclusion::Success },
        details_url: ctx.run_url(),
    };
    // The client is built inside the runtime: octocrab spawns its connection worker there.
    let created = publish::runtime()?.block_on(async {
        let api = Api::new(&ctx.api_url, token, repo.clone())?;
        Ok::<_, miette::Report>(checks::create(&api, &spec, diags).await)
    })?;
    let (severity, note) = match created {
        Ok(CheckRunOutcome::Created { html_url, .. }) => return Ok((html_url, Vec::new())),
        Ok(CheckRunOutcome::Forbidden { message }) => (
            Severity::Info,
            format!(
                "Could not create a check run with all {} annotations ({message}); the runner shows the first 10 of each level. Grant `checks: write` to see them all.",
                diags.len()
            ),
        ),
        Err(e) => (Severity::Warning, format!("Could not create a check run: {e}")),
    };
    let _ = writeln!(out, "{}", crate::report::github::plain(severity, "daybook", &note));
    Ok((None, vec![note]))
}

/// The review with suggested fixes on a pull request from this repository,
/// made when there is a token and input `review` is on. Returns the notes for
/// the summary. Fork pull requests get none: their token is read-only, and
/// the annotations and summary already say everything.
fn review(
    out: &mut impl Write,
    ctx: &Context,
    inputs: &Inputs,
    changes: &Changes,
    diags: &[Diagnostic],
    sources: &Sources,
) -> miette::Result<Vec<String>> {
    let (Ok(pr), Some(token), Some(repo)) = (ctx.pull_request(), &inputs.token, &ctx.repository) else {
        return Ok(Vec::new());
    };
    if !inputs.review || pr.is_from_fork() {
        return Ok(Vec::new());
    }
    let fixables: Vec<Fixable<'_>> =
        diags.iter().filter_map(|d| Some(Fixable { diag: d, edits: fix_edits(d)? })).collect();
    let suggestions = review::suggestions(&fixables, sources, changes);
    let outcome = publish::runtime()?.block_on(async {
        let api = Api::new(&ctx.api_url, token, repo.clone())?;
        Ok::<_, miette::Report>(review::publish(&api, pr.number, &pr.head_sha, &suggestions).await)
    })?;
    let (severity, note) = match outcome {
        Ok(ReviewOutcome::Nothing) => return Ok(Vec::new()),
        Ok(ReviewOutcome::Posted { comments, .. }) => {
            let _ =
                writeln!(out, "daybook: posted a review suggesting {comments} fix(es) on the pull request");
            return Ok(vec![format!(
                "The pull request's review suggests {comments} fix(es) on its changed lines."
            )]);
        }
        Ok(ReviewOutcome::Updated { kept, deleted, added, .. }) => {
            let _ = writeln!(
                out,
                "daybook: updated its review: {kept} suggestion(s) kept, {deleted} withdrawn, {added} added"
            );
            return Ok(vec![format!(
                "The pull request's review suggests {} fix(es) on its changed lines (updated).",
                kept + added
            )]);
        }
        Ok(ReviewOutcome::Forbidden { message }) => (
            Severity::Info,
            format!(
                "Could not post the review with suggested fixes ({message}); grant `pull-requests: write` to the job to get them."
            ),
        ),
        Err(e) => (Severity::Warning, format!("Could not post the review with suggested fixes: {e}")),
    };
    let _ = writeln!(out, "{}", crate::report::github::plain(severity, "daybook", &note));
    Ok(vec![note])
}

/// A finding's fix as byte edits, for a suggestion. Unsafe fixes are offered
/// too: a suggestion is applied only by a person who read it (its comment
/// says the fix may change meaning).
fn fix_edits(d: &Diagnostic) -> Option<Vec<(std::ops::Range<usize>, String)>> {
    let fix = d.fix.as_ref()?;
    Some(fix.edits.iter().map(|e| (e.span.clone(), e.content.clone())).collect())
}

/// The step outputs of action.yml.
fn write_step_outputs(
    path: &Path,
    tally: &Tally,
    readme: &ReadmeStep,
    inputs: &Inputs,
    sarif_written: bool,
) -> Result<(), Error> {
    let commit_sha = match &readme.status {
        ReadmeStatus::Committed { sha } => sha.clone(),
        _ => String::new(),
    };
    let mut outs = vec![
        ("errors", tally.errors.to_string()),
        ("warnings", tally.warnings.to_string()),
        ("readme_changed", readme.changed.to_string()),
        ("commit_sha", commit_sha),
    ];
    if let Some(p) = inputs.sarif_file.as_ref().filter(|_| sarif_written) {
        outs.push(("sarif_file", p.display().to_string()));
    }
    outputs::write_outputs(path, &outs)
}

/// What the README step needs.
struct ReadmeJob<'a> {
    root: &'a Path,
    cfg: &'a Config,
    settings: &'a Settings,
    ctx: &'a Context,
    inputs: &'a Inputs,
    mode: PublishMode,
    /// What the pull request changed, when this is one and it is known.
    changes: Option<&'a Changes>,
}

/// What the README step did.
struct ReadmeStep {
    status: ReadmeStatus,
    /// The regenerated README differs from the one in the workspace.
    changed: bool,
    path: String,
}

impl ReadmeStep {
    fn not_run(cfg: &Config) -> Self {
        ReadmeStep { status: ReadmeStatus::NotRun, changed: false, path: cfg.readme.path().to_owned() }
    }
}

fn readme_step(
    job: &ReadmeJob<'_>,
    out: &mut impl Write,
    diags: &mut Vec<Diagnostic>,
) -> miette::Result<ReadmeStep> {
    let (root, cfg, ctx, inputs) = (job.root, job.cfg, job.ctx, job.inputs);
    let today = publish::today();
    let generated = super::generate(root, job.settings, today)?;
    let path = generated.display_path.clone();
    let extra = crate::lint::finalize(generated.diagnostics.clone(), cfg, &[], None);
    merge_unique(diags, extra);

    let stale = |reason: String, diags: &mut Vec<Diagnostic>| {
        diags.push(publish::stale_diagnostic(&path, &generated.old, &generated.new, Some(&reason)));
        ReadmeStatus::Stale { reason, diff: generated.diff() }
    };
    // On a pull request: does it edit lines of the README that regeneration
    // overwrites? Then the edit would be lost on merge: an error, always.
    let hand_edited = ctx.is_pull_request()
        && generated.changed()
        && job
            .changes
            .and_then(|c| c.file(&path))
            .is_some_and(|f| f.added_any_of(&diff::overwritten_lines(&generated.old, &generated.new)));
    let hand_edit_reason = "this pull request edits lines of the README that regeneration overwrites; \
                            edit the notes or the template instead";
    let status = if !generated.changed() {
        ReadmeStatus::Unchanged
    } else if !inputs.commit {
        // `commit: false` means it on every event: the README is written to
        // the workspace for a later step, never committed.
        crate::readme::write(&generated)?;
        if hand_edited {
            diags.push(publish::stale_diagnostic(
                &path,
                &generated.old,
                &generated.new,
                Some(hand_edit_reason),
            ));
        }
        ReadmeStatus::Written
    } else if let Some(reason) = ctx.commit_blocked() {
        if hand_edited {
            stale(hand_edit_reason.to_owned(), diags)
        } else {
            not_committed(job, &generated, reason, out, diags)
        }
    } else {
        let req = Request {
            root: root.to_path_buf(),
            mode: job.mode,
            remote: "origin".into(),
            branch: ctx.branch().map(str::to_owned),
            base_sha: ctx.sha.clone(),
            repo: ctx.repository.clone(),
            api_url: Some(ctx.api_url.clone()),
            token: inputs.token.clone(),
            message: inputs.commit_message.clone().unwrap_or_else(|| cfg.publish.message.clone()),
            author: Author { name: cfg.publish.author_name.clone(), email: cfg.publish.author_email.clone() },
            max_attempts: cfg.publish.max_attempts,
            trust_workspace: true,
        };
        let regen_inputs = publish::regeneration_inputs(cfg, job.settings.path.as_deref(), root);
        let mut regenerate =
            |r: &Path| -> miette::Result<String> { Ok(super::generate(r, job.settings, today)?.new) };
        match publish::publish(&req, regen_inputs, &path, &mut regenerate)? {
            PublishOutcome::Unchanged => ReadmeStatus::Unchanged,
            PublishOutcome::Committed { sha, .. } => ReadmeStatus::Committed { sha },
            PublishOutcome::NotCommitted { reason } => {
                let note = format!("README not committed: {reason}");
                let _ = writeln!(out, "{}", crate::report::github::plain(Severity::Info, "daybook", &note));
                stale(reason, diags)
            }
        }
    };
    if let ReadmeStatus::Stale { diff, .. } | ReadmeStatus::Outdated { diff, .. } = &status {
        let _ = writeln!(out, "::group::{} diff (stale)", crate::report::safe::one_line(&path));
        super::output::write_log(out, &crate::report::safe::controls(diff));
        let _ = writeln!(out, "::endgroup::");
    }
    Ok(ReadmeStep { status, changed: generated.changed(), path })
}

/// A stale README this run may not commit, at the level `readme_stale` gives
/// it: unset, a pull request's is a notice (merging regenerates it) when its
/// changes are known, anything else an error.
fn not_committed(
    job: &ReadmeJob<'_>,
    generated: &crate::readme::Generated,
    reason: String,
    out: &mut impl Write,
    diags: &mut Vec<Diagnostic>,
) -> ReadmeStatus {
    let pull_request = job.ctx.is_pull_request() && job.changes.is_some();
    let level =
        job.cfg.readme_stale.unwrap_or(if pull_request { ReadmeStale::Notice } else { ReadmeStale::Error });
    let path = &generated.display_path;
    let diff = generated.diff();
    match level {
        ReadmeStale::Error => {
            diags.push(publish::stale_diagnostic(path, &generated.old, &generated.new, Some(&reason)));
            ReadmeStatus::Stale { reason, diff }
        }
        ReadmeStale::Notice | ReadmeStale::Off => {
            let reason = if job.ctx.is_pull_request() {
                format!("{reason}; it is regenerated from the notes when the pull request is merged")
            } else {
                reason
            };
            // A notice without a file: the pull request did not touch the
            // README, so no annotation lands on it.
            if level == ReadmeStale::Notice {
                let note = format!("{path} is not what the notes generate and was not committed ({reason}).");
                let _ =
                    writeln!(out, "{}", crate::report::github::plain(Severity::Info, "readme-stale", &note));
            }
            ReadmeStatus::Outdated { reason, diff }
        }
    }
}

/// The lint rules whose finding on a note is why the README leaves it out:
/// with one of them reported, `readme-skipped-note` would count the same
/// problem twice (and the action would count more than `daybook lint`).
const SKIP_REASONS: &[&str] = &["note-path", "title", "front-matter", "date-mismatch"];

/// Add the README step's `extra` findings not already in `diags`, keeping the
/// order deterministic: none the lint step reported, and no skipped note whose
/// reason lint reported ([`SKIP_REASONS`]). A skip lint says nothing about
/// (its rule `off`, or the finding suppressed) is still reported.
fn merge_unique(diags: &mut Vec<Diagnostic>, extra: Vec<Diagnostic>) {
    for d in extra {
        let same = |x: &Diagnostic| {
            x.rule == d.rule && x.path == d.path && x.start == d.start && x.message == d.message
        };
        let explained = d.rule == crate::readme::rules::SKIPPED_NOTE.name
            && diags.iter().any(|x| x.path == d.path && SKIP_REASONS.contains(&x.rule.as_str()));
        if !explained && !diags.iter().any(same) {
            diags.push(d);
        }
    }
    crate::lint::sort(diags);
}
