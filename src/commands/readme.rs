//! `daybook readme`: regenerate the README's regions from the notes.
//!
//! Default: write the README (atomically) when it changed. `--check`: write
//! nothing, print a unified diff and exit 1 when the README is stale, exit 0
//! when it is current. `--stdout`: print the would-be README. Findings made
//! along the way (notes left out of the history, notes from the future) go to
//! stderr and never change the exit code.

use std::process::ExitCode;

use crate::cli::{Cli, ReadmeArgs};
use crate::diag::{Diagnostic, Severity};
use crate::readme::{self, Generated, markers};

pub(crate) fn run(cli: &Cli, args: &ReadmeArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    let settings = super::open_repo(cli, root)?;
    let today = args.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let g = super::generate(root, &settings, today)?;
    let color = crate::commands::lint::use_color(cli.color, false);
    super::output::eprint_log(&render_findings(&g.diagnostics));
    let shown_path = crate::report::safe::one_line(&g.display_path);

    if args.stdout {
        super::output::print_data(&g.new);
        return Ok(ExitCode::SUCCESS);
    }
    let mut stdout = std::io::stdout().lock();
    if args.check {
        if g.changed() {
            let diff = crate::report::safe::controls(&g.diff()).into_owned();
            super::output::write_log(&mut stdout, &super::output::paint_diff(&diff, color));
            super::output::eprint_status(&format!(
                "{shown_path} is stale ({}); run `daybook readme` to regenerate it",
                changed_regions(&g)
            ));
            return Ok(ExitCode::from(1));
        }
        super::output::eprint_status(&format!("{shown_path} is up to date"));
        return Ok(ExitCode::SUCCESS);
    }
    if g.changed() {
        readme::write(&g)?;
        super::output::eprint_status(&format!("{shown_path}: regenerated {}", changed_regions(&g)));
    } else {
        super::output::eprint_status(&format!("{shown_path} is up to date"));
    }
    Ok(ExitCode::SUCCESS)
}

/// `the history and updated regions` — which regions differ between old and new.
pub(crate) fn changed_regions(g: &Generated) -> String {
    let (Ok(old), Ok(new)) = (markers::scan(&g.old), markers::scan(&g.new)) else {
        return "its regions".to_owned();
    };
    let names: Vec<&str> = old
        .iter()
        .zip(&new)
        .filter(|(o, n)| g.old[o.inner.clone()] != g.new[n.inner.clone()])
        .map(|(o, _)| o.name.as_str())
        .collect();
    match names.as_slice() {
        [] => "nothing".to_owned(),
        [one] => format!("the {one} region"),
        [init @ .., last] => format!("the {} and {last} regions", init.join(", ")),
    }
}

/// One line per finding (`warning[rule]: path:line:col: message`), its help
/// indented below; line breaks and other controls in them shown escaped.
pub(crate) fn render_findings(diags: &[Diagnostic]) -> String {
    use crate::report::safe::one_line;
    let mut out = String::new();
    for d in diags {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        out.push_str(&format!(
            "{sev}[{}]: {}:{}:{}: {}\n",
            d.rule,
            one_line(&d.path),
            d.start.line,
            d.start.column,
            one_line(&d.message)
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {}\n", one_line(h)));
        }
    }
    out
}
