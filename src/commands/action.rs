//! `daybook action`.

use std::process::ExitCode;

use crate::cli::{ActionArgs, Cli};

pub fn run(_cli: &Cli, _args: &ActionArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook action` is not implemented yet"))
}
