//! One function per subcommand: load config, call the library stages, choose
//! the exit code. Kept thin so the library stays testable without a process.

pub(crate) mod action;
pub(crate) mod add;
pub(crate) mod completions;
pub(crate) mod config;
mod fix;
pub(crate) mod init;
pub(crate) mod links;
pub(crate) mod links_list;
pub(crate) mod lint;
pub(crate) mod man;
pub(crate) mod new;
pub(crate) mod output;
pub(crate) mod publish;
pub(crate) mod readme;
pub(crate) mod rules;
pub(crate) mod server;

use std::path::Path;

use crate::cli::Cli;
use crate::error::Error;
use crate::settings::Settings;

/// Check that `root` is a directory and load its configuration (`--config` or
/// `<root>/daybook.yml`): the first step of every command that works on a repository.
pub(crate) fn open_repo(cli: &Cli, root: &Path) -> Result<Settings, Error> {
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a directory: pass the root of a notes repository (default `.`)",
            root.display()
        )));
    }
    let settings = Settings::load(root, cli.config.as_deref())?;
    if settings.path.is_none()
        && !root.join(&settings.config.notes.primary().root).is_dir()
        && let Some(up) = enclosing_repository_root(root, &settings.config.notes.primary().root)
    {
        return Err(Error::Usage(format!(
            "{} is not the repository root: `{up}` is (it has the notes folder or daybook.yml); \
             run daybook there, or pass it as PATH",
            root.display()
        )));
    }
    Ok(settings)
}

/// `../..` when `root` is a subdirectory of a git work tree whose root, or a
/// folder between the two, holds the notes folder or daybook.yml: `cd notes/202104
/// && daybook lint` should say where to run, not suggest creating `notes/` there.
fn enclosing_repository_root(root: &Path, notes_root: &str) -> Option<String> {
    let abs = std::fs::canonicalize(root).ok()?;
    // Only inside a git work tree, never above it (a `notes` folder in $HOME).
    let top = abs.ancestors().find(|d| d.join(".git").exists())?;
    if top == abs {
        return None;
    }
    abs.ancestors()
        .enumerate()
        .skip(1)
        .take_while(|(_, d)| d.starts_with(top))
        .find(|(_, d)| d.join(crate::config::CONFIG_FILE).is_file() || d.join(notes_root).is_dir())
        .map(|(_, found)| relative_to_cwd(found))
}

/// `found` as the user would type it from the current directory (`../..`, `.`),
/// else absolute: `daybook lint notes` run at the root must hear `.`, not `..`.
fn relative_to_cwd(found: &Path) -> String {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    match cwd {
        Ok(cwd) if cwd.starts_with(found) => {
            let up = cwd.components().count() - found.components().count();
            if up == 0 { ".".to_owned() } else { vec![".."; up].join("/") }
        }
        Ok(cwd) if found.starts_with(&cwd) => {
            found.strip_prefix(&cwd).map(|p| p.display().to_string()).unwrap_or_default()
        }
        _ => found.display().to_string(),
    }
}

/// `readme::generate`, with a template that fails on the real notes pointed at
/// its line in daybook.yml (load-time checks catch most mistakes there; an
/// index past the end of the history, say, only shows here).
pub(crate) fn generate(
    root: &Path,
    settings: &Settings,
    today: chrono::NaiveDate,
) -> miette::Result<crate::readme::Generated> {
    let s = settings;
    crate::readme::generate_with(root, &s.config, &s.parse, &s.templates, &s.ignore, today).map_err(|e| {
        if let crate::readme::ReadmeError::Template { region, line, message, .. } = &e
            && let Some(path) = s.path.as_deref()
            && let Ok(text) = std::fs::read_to_string(path)
        {
            let at = crate::readme::template::locate_in_yaml(&text, region.as_str(), *line);
            return Error::config(path, &text, at, format!("readme.templates.{region}: {message}")).into();
        }
        e.into()
    })
}
