//! `daybook config`.

use std::process::ExitCode;

use crate::cli::{Cli, ConfigCommand};

pub fn run(_cli: &Cli, _args: &ConfigCommand) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook config` is not implemented yet"))
}
