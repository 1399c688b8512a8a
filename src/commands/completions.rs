//! `daybook completions SHELL`: a completion script for the shell, on stdout.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub(crate) fn run(args: &CompletionsArgs) -> miette::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`daybook completions bash | head`) is not worth a panic,
    // which writing straight to stdout through clap_complete would be.
    let _ = out.write_all(&script(args.shell)).and_then(|_| out.flush());
    Ok(ExitCode::SUCCESS)
}

/// The completion script of `shell` for every subcommand and flag.
pub(crate) fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "daybook", &mut buf);
    buf
}
