//! `daybook man`: the manual page, as roff on stdout (`daybook man > daybook.1`).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Error;

pub(crate) fn run() -> miette::Result<ExitCode> {
    let page = page().map_err(|e| Error::Usage(format!("could not render the manual page: {e}")))?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&page).and_then(|_| out.flush());
    Ok(ExitCode::SUCCESS)
}

/// daybook(1): the synopsis, every global flag and the subcommands.
pub(crate) fn page() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    Ok(buf)
}
