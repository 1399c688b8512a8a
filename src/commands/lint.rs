//! `daybook lint`.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, ColorChoice, LinkCheckArgs, LintArgs};
use crate::diag::{Diagnostic, Tally};
use crate::error::Error;
use crate::github::context::in_actions;
use crate::github::git::Git;
use crate::lint::{LintOptions, finalize, lint};
use crate::report::{Format, RenderOptions, Sources};
use crate::settings::Settings;

pub(crate) fn run(cli: &Cli, args: &LintArgs) -> miette::Result<ExitCode> {
    let target = target(args)?;
    let root = target.root.as_path();
    let mut settings = super::open_repo(cli, root)?;
    exclude(&mut settings, &args.exclude)?;
    let mut links = args.links.clone();
    if args.quiet {
        links.no_progress = true;
        links.no_tally = true;
    }
    let (diags, sources) = if args.fix || args.diff {
        let options = crate::fix::FixOptions { unsafe_fixes: args.unsafe_fixes };
        if args.diff {
            let done = super::fix::fix_repository(root, &settings, options, target.files.as_ref(), false)?;
            return diff_only(cli, args, &done, root, &settings, &links, target.files.as_ref());
        }
        let (done, outcome) = super::fix::fix_and_lint(
            root,
            &settings,
            options,
            target.files.as_ref(),
            &lint_options(args.offline),
        )?;
        eprintln!("fixed {} finding{}", done.findings, if done.findings == 1 { "" } else { "s" });
        findings_from(outcome, root, &settings, args.offline, &links, target.files.as_ref())?
    } else {
        findings_in(root, &settings, args.offline, &links, target.files.as_ref())?
    };

    let format = args.format.map_or(Format::Human, Format::from);
    let opts = RenderOptions {
        color: use_color(cli.color, args.output.is_some()),
        width: term_width(),
        unsafe_fixes: args.unsafe_fixes,
    };
    // Annotations and SARIF name files from the top of the repository.
    let from_top = || crate::report::rebase(&diags, &sources, &repo_prefix(root));
    let rebased = matches!(format, Format::Github | Format::Sarif).then(from_top);
    let (shown, shown_sources) = rebased.as_ref().map_or((&diags, &sources), |(d, s)| (d, s));
    let mut text = crate::report::render(format, shown, shown_sources, &opts);
    if args.quiet && format == Format::Human {
        text = without_summary(&text).to_owned();
    }
    match &args.output {
        Some(path) => {
            crate::util::jail::check_output(root, path)
                .map_err(|why| Error::Usage(format!("{} is not written: {why}", path.display())))?;
            crate::util::fs::write_atomic(path, text.as_bytes()).map_err(Error::from)?
        }
        // Human output quotes notes line by line: guarded from the runner on Actions.
        // Annotations, JSON and SARIF escape every line break of the repository's text.
        None if format == Format::Human => super::output::print_log(&text),
        None => print_stdout(&text),
    }
    // On GitHub Actions with no explicit format: the human report for the log,
    // plus annotations on the lines, on stdout where the runner reads workflow commands.
    if args.format.is_none() && in_actions() {
        let (diags, _) = from_top();
        print_stdout(&crate::report::github::render(&diags));
    }
    // The last references to every note's file: a third of the time after
    // the notes were checked went to freeing them.
    super::output::drop_in_background((sources, rebased));
    Ok(exit_code(&diags, args.deny_warnings))
}

/// `--diff`: the diff alone on stdout (so `git apply` takes it), a count on
/// stderr. Exit 1 when a fix would change a file, as ruff does; otherwise what
/// is left decides, as for `lint`.
fn diff_only(
    cli: &Cli,
    args: &LintArgs,
    done: &super::fix::Fixed,
    root: &Path,
    settings: &Settings,
    links: &LinkCheckArgs,
    files: Option<&BTreeSet<String>>,
) -> miette::Result<ExitCode> {
    if done.files > 0 {
        let diff = crate::report::safe::controls(&done.diff);
        super::output::print_log(&super::output::paint_diff(&diff, use_color(cli.color, false)));
        eprintln!("would fix {}; run `daybook fix` to apply", super::fix::counted(done));
        return Ok(ExitCode::from(1));
    }
    eprintln!("no fix applies");
    let (diags, _) = findings_in(root, settings, args.offline, links, files)?;
    Ok(exit_code(&diags, args.deny_warnings))
}

/// What `daybook lint PATH...` works on: the repository root, and the named
/// files (repository-relative, `/`-separated, as diagnostics name them) when
/// only those are to be reported.
#[derive(Debug)]
struct Target {
    root: PathBuf,
    files: Option<BTreeSet<String>>,
}

/// No PATH, or one that is not a file (a directory, or a mistake that
/// `open_repo` explains): the repository root, as ever. Otherwise every PATH
/// must be a file inside one repository root.
fn target(args: &LintArgs) -> Result<Target, Error> {
    let single_root = match args.paths.as_slice() {
        [] => Some(args.root.clone().unwrap_or_else(|| PathBuf::from("."))),
        [one] if !one.is_file() => {
            if args.root.is_some() {
                return Err(Error::Usage(format!(
                    "{} is not a file: with --root, PATH names note files to lint; \
                     to lint the whole repository, pass its root as --root or as PATH, not both",
                    one.display()
                )));
            }
            Some(one.clone())
        }
        _ => None,
    };
    if let Some(root) = single_root {
        return Ok(Target { root, files: None });
    }
    if let Some(not_file) = args.paths.iter().find(|p| !p.is_file()) {
        let what = if not_file.is_dir() { "is a directory" } else { "is not a file" };
        return Err(Error::Usage(format!(
            "{} {what}: pass either one repository root, or note files to lint",
            not_file.display()
        )));
    }
    let abs = |p: &Path| p.canonicalize().map_err(|e| Error::io(p, "resolve", e));
    let first = abs(&args.paths[0])?;
    let root = match &args.root {
        Some(r) => r.clone(),
        None => find_root(&first),
    };
    let root_abs = abs(&root)?;
    let mut files = BTreeSet::new();
    for p in &args.paths {
        let rel = abs(p)?;
        let Ok(rel) = rel.strip_prefix(&root_abs) else {
            return Err(Error::Usage(format!(
                "{} is outside the repository root {}: pass the root with --root",
                p.display(),
                root.display()
            )));
        };
        let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
        files.insert(parts.join("/"));
    }
    Ok(Target { root, files: Some(files) })
}

/// The root of the repository holding `file` (absolute): the nearest folder
/// above it with daybook.yml; else, with no daybook.yml (so notes live in the
/// default `notes/`), the folder holding the nearest `notes` folder above it;
/// else the top of its git work tree; else the current directory. Simple on
/// purpose: pre-commit runs at the top of the work tree, and an editor's file
/// sits below its daybook.yml or `notes/`.
fn find_root(file: &Path) -> PathBuf {
    let dirs = || file.ancestors().skip(1);
    dirs()
        .find(|d| d.join(crate::config::CONFIG_FILE).is_file())
        .or_else(|| dirs().find(|d| d.file_name().is_some_and(|n| n == "notes")).and_then(Path::parent))
        .or_else(|| dirs().find(|d| d.join(".git").exists()))
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `--exclude` globs added to `ignore:`, the ignore set compiled again with them.
fn exclude(settings: &mut Settings, globs: &[String]) -> Result<(), Error> {
    if globs.is_empty() {
        return Ok(());
    }
    for g in globs {
        if let Err(e) = globset::Glob::new(g) {
            return Err(Error::Usage(format!("bad glob `{g}` given to --exclude: {e}")));
        }
    }
    settings.config.ignore.extend(globs.iter().cloned());
    settings.ignore = crate::discover::ignore_set(&settings.config)?;
    Ok(())
}

/// The human report without its closing summary line (`--quiet`). The
/// summary is always the one last line the human reporter writes.
fn without_summary(text: &str) -> &str {
    let body = text.strip_suffix('\n').unwrap_or(text);
    match body.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    }
}

/// Write `text` to stdout. A closed pipe (`daybook lint | head`) is not an
/// error worth a panic.
fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
}

/// Where `root` sits in its repository, as a prefix for
/// [`crate::report::rebase`]: `sub/`, or empty at the top. The repository is
/// `GITHUB_WORKSPACE` on Actions, else the git work tree holding `root`;
/// outside both, paths stay as they are.
fn repo_prefix(root: &Path) -> String {
    let Ok(root) = root.canonicalize() else { return String::new() };
    let top = std::env::var_os("GITHUB_WORKSPACE")
        .filter(|w| !w.is_empty())
        .map(PathBuf::from)
        .or_else(|| Git::new(&root).toplevel().ok())
        .and_then(|t| t.canonicalize().ok());
    let Some(rel) = top.as_deref().and_then(|t| root.strip_prefix(t).ok()) else { return String::new() };
    let mut prefix: String =
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    prefix
}

/// The findings of a full lint run (note rules, external links unless
/// `offline`, config levels applied), sorted, with the parsed sources. Shared
/// with `daybook action`.
pub(crate) fn findings(
    root: &Path,
    settings: &Settings,
    offline: bool,
    links: &LinkCheckArgs,
) -> miette::Result<(Vec<Diagnostic>, Sources)> {
    findings_in(root, settings, offline, links, None)
}

/// [`findings`], reported for `only` these files (repository-relative) when
/// given: every note is still read, so cross-note rules see the whole
/// repository, but only these files' external links are checked.
fn findings_in(
    root: &Path,
    settings: &Settings,
    offline: bool,
    links: &LinkCheckArgs,
    only: Option<&BTreeSet<String>>,
) -> miette::Result<(Vec<Diagnostic>, Sources)> {
    let outcome = lint(root, settings, &lint_options(offline))?;
    findings_from(outcome, root, settings, offline, links, only)
}

/// A lint run's options: every link kept when the external ones are checked.
fn lint_options(offline: bool) -> LintOptions {
    LintOptions { keep_links: !offline, ..LintOptions::default() }
}

/// [`findings_in`] from a lint run's `outcome` (`daybook fix` lints as it fixes).
fn findings_from(
    outcome: crate::lint::LintOutcome,
    root: &Path,
    settings: &Settings,
    offline: bool,
    links: &LinkCheckArgs,
    only: Option<&BTreeSet<String>>,
) -> miette::Result<(Vec<Diagnostic>, Sources)> {
    let mut diags = outcome.diagnostics;
    let mut docs = outcome.notes;
    let named = |path: &str| only.is_none_or(|files| files.contains(path));
    if !offline {
        // The checker sees the README too: its links are cited places like any note's.
        let with_readme = outcome.readme.is_some();
        if let Some(r) = outcome.readme.clone() {
            docs.push(r);
        }
        let external = match only {
            None => super::links::check_external(&docs, &settings.links, links, root)?,
            Some(_) => {
                let named_docs: Vec<_> = docs.iter().filter(|d| named(&d.file.path)).cloned().collect();
                super::links::check_external(&named_docs, &settings.links, links, root)?
            }
        };
        if with_readme {
            docs.pop();
        }
        diags.extend(external.diagnostics);
    }
    let mut diags = finalize(diags, &settings.config, &docs, outcome.readme.as_ref());
    // Every note's model is freed while the report is drawn, not before:
    // 16 M instructions for 10,000 notes, on the one busy core.
    super::output::drop_in_background((docs, outcome.readme));
    let mut sources = outcome.sources;
    if only.is_some() {
        diags.retain(|d| named(&d.path));
        sources.retain(|path, _| named(path));
    }
    crate::lint::with_snippets(&mut sources, &diags);
    Ok((diags, sources))
}

/// 1 when an error was found, or a warning under `--deny-warnings`; else 0.
pub(crate) fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> ExitCode {
    let t = Tally::of(diags);
    if t.errors > 0 || (deny_warnings && t.warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `--color`, with `auto` meaning: what [`color_from_env`] says, else
/// whether stdout is a terminal. A report file (`--output`) is coloured only
/// by `--color always`: a forced colour is for logs, not for artifacts.
pub(crate) fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if to_file => false,
        ColorChoice::Auto => {
            color_from_env(&|k| std::env::var_os(k)).unwrap_or_else(|| std::io::stdout().is_terminal())
        }
    }
}

/// The colour the environment asks for, if any (https://no-color.org,
/// https://force-color.org, https://bixense.com/clicolors/): `NO_COLOR`
/// non-empty turns it off and wins; otherwise `FORCE_COLOR` non-empty, or
/// `CLICOLOR_FORCE` set and not `0`, turns it on. `None`: no opinion (the
/// caller decides: a terminal for `lint`, on for the Actions log).
pub(crate) fn color_from_env(env: &dyn Fn(&str) -> Option<OsString>) -> Option<bool> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        Some(false)
    } else if set("FORCE_COLOR").is_some() || set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        Some(true)
    } else {
        None
    }
}

/// Wrap width: `COLUMNS` when set (tests pin it), else 100.
pub(crate) fn term_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w| w >= 40).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(vars: &[(&str, &str)]) -> Option<bool> {
        let env = |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v));
        color_from_env(&env)
    }

    #[test]
    fn no_color_wins_then_force_color_then_clicolor_force() {
        assert_eq!(color(&[]), None);
        assert_eq!(color(&[("NO_COLOR", "1")]), Some(false));
        assert_eq!(color(&[("FORCE_COLOR", "1")]), Some(true));
        assert_eq!(color(&[("FORCE_COLOR", "0")]), Some(true), "any non-empty value forces");
        assert_eq!(color(&[("CLICOLOR_FORCE", "1")]), Some(true));
        assert_eq!(color(&[("CLICOLOR_FORCE", "0")]), None);
        assert_eq!(color(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")]), Some(false));
        // Empty means unset, for all three.
        assert_eq!(color(&[("NO_COLOR", ""), ("FORCE_COLOR", "1")]), Some(true));
        assert_eq!(color(&[("FORCE_COLOR", ""), ("CLICOLOR_FORCE", "")]), None);
    }

    #[test]
    fn quiet_drops_only_the_summary_line() {
        assert_eq!(without_summary("No problems found (3 files checked).\n"), "");
        assert_eq!(without_summary("error[a]: x\n\nFound 1 error in 1 file.\n"), "error[a]: x\n\n");
    }
}
