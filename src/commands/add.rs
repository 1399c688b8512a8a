//! `daybook add URL…`: an item per URL in the day's note, titles read from the pages.

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{AddArgs, Cli};
use crate::write::add::{AddOptions, add_items};

pub(crate) fn run(cli: &Cli, args: &AddArgs) -> miette::Result<ExitCode> {
    let root = args.root.as_path();
    let settings = super::open_repo(cli, root)?;
    let opts = AddOptions {
        date: args.date,
        stars: args.stars,
        paper: args.paper.clone(),
        code: args.code.clone(),
        offline: args.offline,
        allow_private: args.allow_private,
        timeout: args.timeout.map(Duration::from_secs),
    };
    let today = chrono::Local::now().date_naive();
    let added = add_items(root, &settings, &args.urls, &opts, today)?;
    let mut err = String::new();
    for n in &added.notices {
        err.push_str(&format!("note: {n}\n"));
    }
    if added.created {
        err.push_str(&format!("{}: created from the template\n", added.place.rel));
    }
    for item in &added.items {
        if let Some(why) = &item.no_title {
            err.push_str(&format!(
                "item {}: no title from {} ({why}); its URL stands for the title, edit it by hand\n",
                item.number, item.url
            ));
        }
        if !item.to_write.is_empty() {
            err.push_str(&format!(
                "item {}: write its {} (daybook lint reports the empty field until then)\n",
                item.number,
                item.to_write.join(", ")
            ));
        }
    }
    super::output::eprint_log(&crate::report::safe::controls(&err));
    let mut out = String::new();
    for item in &added.items {
        out.push_str(&format!("{}: {}. {}\n", added.place.rel, item.number, item.title));
    }
    super::output::print_log(&crate::report::safe::controls(&out));
    Ok(ExitCode::SUCCESS)
}
