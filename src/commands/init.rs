//! `daybook init`.

use std::process::ExitCode;

use crate::cli::{Cli, InitArgs};

pub fn run(_cli: &Cli, _args: &InitArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook init` is not implemented yet"))
}
