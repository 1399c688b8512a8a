//! `daybook new`: create the day's note from the template and print its path.

use std::process::ExitCode;

use crate::cli::{Cli, NewArgs};
use crate::write::NewError;

pub(crate) fn run(cli: &Cli, args: &NewArgs) -> miette::Result<ExitCode> {
    let root = args.root.as_path();
    let settings = super::open_repo(cli, root)?;
    let date = args.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    match crate::write::create_note(root, &settings, date) {
        Ok(place) => {
            super::output::print_log(&format!("{}\n", place.rel));
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ NewError::Exists { .. }) => {
            super::output::eprint_report(&miette::Report::new(e));
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}
