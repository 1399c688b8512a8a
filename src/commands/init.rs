//! `daybook init`: adopt a hand-made README by wrapping its today section,
//! history block and date line in daybook's markers (see [`crate::readme::adopt`]).
//! Writes daybook.yml only when the README's style needs settings and no
//! config file exists yet; with a config file, prints the lines to add.

use std::process::ExitCode;

// Like `print!`/`println!`, minus the panic on a closed stdout (`daybook init |
// head -1`), which could also stop init between writing the README and daybook.yml.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use crate::cli::{Cli, InitArgs};
use crate::config::CONFIG_FILE;
use crate::error::Error;
use crate::readme::adopt::{Adoption, adopt};
use crate::readme::markers::RegionName;
use crate::readme::{self, Generated, ReadmeError, ReadmeFile};

pub fn run(cli: &Cli, args: &InitArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    let repo = super::open_repo(cli, root)?;
    let (config, config_path) = (&repo.config, repo.path.clone());
    let file = ReadmeFile::read(root, config)?;
    let a = adopt(&file.text, config, &repo.parse)
        .map_err(|p| readme::marker_error(&file.display_path, &file.text, &p))?;
    let name = &file.display_path;
    let verb = if args.dry_run { "would wrap" } else { "wrapped" };

    if a.wrapped.is_empty() {
        if a.already.is_empty() {
            return Err(ReadmeError::NothingToAdopt {
                display_path: name.clone(),
                today: config.sections.today.clone(),
            }
            .into());
        }
        outln!(
            "{name} is already adopted ({} region{}); nothing to do",
            list(&a.already),
            plural(a.already.len())
        );
        for r in &a.not_found {
            outln!("  no {} found to add: {}", r, what(*r));
        }
        return Ok(ExitCode::SUCCESS);
    }

    for w in &a.wrapped {
        let what = match w.region {
            RegionName::Today => "the today section",
            RegionName::History => "the history block",
            RegionName::Updated => "the date line",
        };
        match w.lines {
            Some((s, e)) if s == e => {
                outln!("{name}: {verb} {what} (line {s}) in `{}` markers", w.region.start_marker())
            }
            Some((s, e)) => {
                outln!("{name}: {verb} {what} (lines {s}-{e}) in `{}` markers", w.region.start_marker())
            }
            None => outln!(
                "{name}: {} an empty {} region under the heading on line {}",
                if args.dry_run { "would insert" } else { "inserted" },
                w.region,
                w.after_line
            ),
        }
    }
    for r in &a.already {
        outln!("{name}: the {r} region already has markers");
    }
    for r in &a.not_found {
        outln!("{name}: no {r} found ({}); add the markers by hand if you want it", what(*r));
    }

    let g = Generated {
        path: file.path.clone(),
        display_path: file.display_path.clone(),
        old: file.text.clone(),
        new: a.text.clone(),
        diagnostics: Vec::new(),
    };
    if args.dry_run {
        out!("{}", super::output::for_log(&crate::report::safe::controls(&g.diff())));
    } else {
        readme::write(&g)?;
    }
    settings(&a, config_path.as_deref(), root, args.dry_run)?;
    if args.dry_run {
        outln!("dry run: nothing was written");
    } else {
        outln!("next: `daybook readme --check` shows what the first regeneration would change");
    }
    Ok(ExitCode::SUCCESS)
}

/// Write (or print) the settings the README's style needs.
fn settings(
    a: &Adoption,
    config_path: Option<&std::path::Path>,
    root: &std::path::Path,
    dry_run: bool,
) -> Result<(), Error> {
    if a.settings.is_empty() {
        outln!("{CONFIG_FILE}: not needed, the built-in templates match this README's style");
        return Ok(());
    }
    let yaml = a.settings.to_yaml();
    match config_path {
        Some(p) => {
            outln!(
                "{}: exists, so it was not changed; add these settings to keep this README's style:",
                p.display()
            );
            for line in yaml.lines() {
                outln!("    {line}");
            }
        }
        None if dry_run => {
            outln!("{CONFIG_FILE}: would be written with:");
            for line in yaml.lines() {
                outln!("    {line}");
            }
        }
        None => {
            let path = root.join(CONFIG_FILE);
            let text =
                format!("# Written by `daybook init`: the settings this README's own style needs.\n{yaml}");
            crate::util::fs::write_atomic(&path, text.as_bytes()).map_err(Error::from)?;
            let what: Vec<&str> = [
                a.settings.order.map(|_| "readme.order"),
                a.settings.updated_template.as_ref().map(|_| "readme.templates.updated"),
            ]
            .into_iter()
            .flatten()
            .collect();
            outln!("{CONFIG_FILE}: written ({})", what.join(", "));
        }
    }
    Ok(())
}

fn what(r: RegionName) -> &'static str {
    match r {
        RegionName::Today => "looked for the heading named by `sections.today`",
        RegionName::History => "looked for a `<pre><details>` block under a 历史 heading",
        RegionName::Updated => "looked for a line starting with `更新今日时间：`",
    }
}

fn list(names: &[RegionName]) -> String {
    names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
