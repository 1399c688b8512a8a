//! `daybook readme`.

use std::process::ExitCode;

use crate::cli::{Cli, ReadmeArgs};

pub fn run(_cli: &Cli, _args: &ReadmeArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook readme` is not implemented yet"))
}
