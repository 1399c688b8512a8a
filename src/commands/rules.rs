//! `daybook rules`.

use std::process::ExitCode;

use crate::cli::{Cli, RulesArgs};

pub fn run(_cli: &Cli, _args: &RulesArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("`daybook rules` is not implemented yet"))
}
