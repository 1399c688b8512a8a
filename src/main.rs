use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = daybook::cli::Cli::parse();
    daybook::cli::run(cli)
}
