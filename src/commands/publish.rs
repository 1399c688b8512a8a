//! `daybook publish`.

use std::process::ExitCode;

use crate::cli::{Cli, PublishArgs};

pub fn run(_cli: &Cli, _args: &PublishArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook publish` is not implemented yet"))
}
