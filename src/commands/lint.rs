//! `daybook lint`.

use std::process::ExitCode;

use crate::cli::{Cli, LintArgs};

pub fn run(_cli: &Cli, _args: &LintArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook lint` is not implemented yet"))
}
