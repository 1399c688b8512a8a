//! One function per subcommand: load config, call the library stages, choose
//! the exit code. Kept thin so the library stays testable without a process.

pub mod action;
pub mod config;
pub mod init;
pub mod lint;
pub mod publish;
pub mod readme;
pub mod rules;

use std::path::{Path, PathBuf};

use crate::cli::Cli;
use crate::config::Config;
use crate::error::Error;

/// Check that `root` is a directory and load its configuration (`--config` or
/// `<root>/daybook.yml`): the first step of every command that works on a repository.
pub(crate) fn open_repo(cli: &Cli, root: &Path) -> Result<(Config, Option<PathBuf>), Error> {
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a directory: pass the root of a notes repository (default `.`)",
            root.display()
        )));
    }
    Config::load(root, cli.config.as_deref())
}
