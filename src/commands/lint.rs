//! `daybook lint`.

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

pub fn run(cli: &Cli, args: &LintArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    let settings = super::open_repo(cli, root)?;
    let (diags, sources) = findings(root, &settings, args.offline, &args.links)?;

    let format = args.format.map_or(Format::Human, Format::from);
    let opts = RenderOptions { color: use_color(cli.color, args.output.is_some()), width: term_width() };
    // Annotations and SARIF name files from the top of the repository.
    let from_top = || crate::report::rebase(&diags, &sources, &repo_prefix(root));
    let rebased = matches!(format, Format::Github | Format::Sarif).then(from_top);
    let (shown, shown_sources) = rebased.as_ref().map_or((&diags, &sources), |(d, s)| (d, s));
    let text = crate::report::render(format, shown, shown_sources, &opts);
    match &args.output {
        Some(path) => crate::util::fs::write_atomic(path, text.as_bytes()).map_err(Error::from)?,
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
    Ok(exit_code(&diags, args.deny_warnings))
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
pub fn findings(
    root: &Path,
    settings: &Settings,
    offline: bool,
    links: &LinkCheckArgs,
) -> miette::Result<(Vec<Diagnostic>, Sources)> {
    let outcome = lint(root, settings, &LintOptions::default())?;
    let mut diags = outcome.diagnostics;
    let mut docs = outcome.notes;
    if !offline {
        // The checker sees the README too: its links are cited places like any note's.
        let with_readme = outcome.readme.is_some();
        if let Some(r) = outcome.readme.clone() {
            docs.push(r);
        }
        let external = super::links::check_external(&docs, &settings.links, links, root)?;
        if with_readme {
            docs.pop();
        }
        diags.extend(external.diagnostics);
    }
    let diags = finalize(diags, &settings.config, &docs, outcome.readme.as_ref());
    Ok((diags, outcome.sources))
}

/// 1 when an error was found, or a warning under `--deny-warnings`; else 0.
pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> ExitCode {
    let t = Tally::of(diags);
    if t.errors > 0 || (deny_warnings && t.warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `--color`, with `auto` meaning: a terminal on stdout and no `NO_COLOR`.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Wrap width: `COLUMNS` when set (tests pin it), else 100.
pub fn term_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w| w >= 40).unwrap_or(100)
}
