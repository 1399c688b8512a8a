//! `daybook init`: adopt a hand-made README by wrapping its today section,
//! history block and date line in daybook's markers (see [`crate::readme::adopt`]).
//! Writes daybook.yml only when the README's style (or the notes' own field
//! labels) needs settings and no config file exists yet; with a config file,
//! prints the lines to add.

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

pub(crate) fn run(cli: &Cli, args: &InitArgs) -> miette::Result<ExitCode> {
    let root = args.path.as_path();
    if !root.is_dir() {
        super::open_repo(cli, root)?;
    }
    // With no daybook.yml, infer one, unless the repository has the seed's
    // layout, which the defaults describe already.
    let explicit = cli.config.as_deref().filter(|p| !p.as_os_str().is_empty());
    // The seed's layout may still use labels of its own: their fields.
    let mut fields = None;
    let mut inferred = None;
    if explicit.is_none() && !root.join(CONFIG_FILE).exists() {
        let inference = readme::infer::infer_repository(root, "README.md")?;
        // Markdown files, but no set among them and not the seed's folder
        // either: the seed's "no heading `今日要点`" would send the user after
        // the wrong shape. (With no Markdown file at all, or markers in the
        // README, the seed's adoption below says what it finds.)
        let seed_root = crate::config::NotesConfig::default().root;
        let markers =
            crate::util::jail::read_text_in_repo(root, "README.md", crate::discover::MAX_README_SIZE)
                .is_some_and(|t| t.contains("<!-- daybook:"));
        if inference.sets.is_empty() && inference.files > 0 && !markers && !root.join(&seed_root).is_dir() {
            outln!(
                "scanned {} Markdown file{} (the README aside): nothing to adopt. No two of them share a dated name, a numbered one or a folder, so no note set was inferred and no {CONFIG_FILE} was written; write one with a `notes:` set to use daybook here",
                inference.files,
                plural(inference.files)
            );
            return Ok(ExitCode::SUCCESS);
        }
        // The seed's layout with notes of another shape (`## Today`, `⭐`, English
        // titles): the defaults would call every note wrong, so what was
        // inferred is written, beside the seed's README adoption when the
        // README is the seed's kind (`<pre><details>`), else as any repository's.
        let other_shape = inference.shape_differs_from_seed();
        // (An index of `<a href>` lines on the seed's layout is the seed's history.)
        let other_index = inference.index.as_ref().is_some_and(|i| !i.html);
        if !inference.is_seed_layout() || (other_shape && other_index) {
            return adopt_any(root, &inference, args.dry_run);
        }
        fields = inference.seed_fields_yaml();
        if other_shape {
            inferred = Some(inference);
        }
    }
    let repo = super::open_repo(cli, root)?;
    let (config, config_path) = (&repo.config, repo.path.clone());
    let file = ReadmeFile::read(root, config)?;
    let a = adopt(&file.text, config, &repo.parse)
        .map_err(|p| readme::marker_error(&file.display_path, &file.text, &p))?;
    let name = &file.display_path;
    let verb = if args.dry_run { "would wrap" } else { "wrapped" };

    if a.wrapped.is_empty() {
        if a.already.is_empty() {
            if let Some(inference) = &inferred {
                return adopt_any(root, inference, args.dry_run);
            }
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
    settings(&a, fields.as_deref(), config_path.as_deref(), root, args.dry_run)?;
    if args.dry_run {
        outln!("dry run: nothing was written");
    } else {
        outln!("next: `daybook readme --check` shows what the first regeneration would change");
    }
    Ok(ExitCode::SUCCESS)
}

/// `init` on a repository of any shape: the inferred note sets and README
/// index, written to daybook.yml and the README (or printed with `--dry-run`).
fn adopt_any(
    root: &std::path::Path,
    inference: &readme::infer::Inference,
    dry_run: bool,
) -> miette::Result<ExitCode> {
    outln!("scanned {} Markdown files", inference.files);
    if inference.sets.is_empty() {
        outln!(
            "found no note sets: no two Markdown files share a name pattern; write daybook.yml by hand (see docs/shapes.md)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    for (set, why) in &inference.sets {
        let root_shown = if set.config.root == "." { String::new() } else { format!("{}/", set.config.root) };
        outln!(
            "note set `{}`: {} files as `{root_shown}{}`; {why}",
            set.config.display_name(),
            set.paths.len(),
            set.config.pattern
        );
    }
    if let Some(v) = inference.fields.as_ref().filter(|v| !v.is_default()) {
        for line in v.describe() {
            outln!("{line}");
        }
    }
    let verb = if dry_run { "would wrap" } else { "wrapped" };
    match (&inference.readme, &inference.index, &inference.new_readme) {
        (Some(r), Some(i), Some(new)) => {
            let (s, e) = (
                readme::line_of(&r.text, i.lines.start),
                readme::line_of(&r.text, i.lines.end.saturating_sub(1)),
            );
            outln!(
                "{}: {verb} the index (lines {s}-{e}: {}) in `<!-- daybook:history -->` markers",
                r.display_path,
                i.description
            );
            let g = Generated {
                path: r.path.clone(),
                display_path: r.display_path.clone(),
                old: r.text.clone(),
                new: new.clone(),
                diagnostics: Vec::new(),
            };
            if dry_run {
                out!("{}", super::output::for_log(&crate::report::safe::controls(&g.diff())));
            } else {
                readme::write(&g)?;
            }
        }
        (Some(r), _, _) if inference.already_adopted => {
            outln!("{}: already has daybook markers; left as it is", r.display_path)
        }
        (Some(r), _, _) if inference.unreproduced.is_some() => {
            let u = inference.unreproduced.as_ref().expect("checked above");
            outln!(
                "{}: found an index (lines {}-{}: {}), but the template inferred from it writes only {} of its {} lines linking notes again (line {} would read `{}`, not `{}`): left as it is, unwrapped; write `readme.templates.history` for it (docs/readme.md), then wrap it in `<!-- daybook:history -->` and `<!-- /daybook:history -->` lines",
                r.display_path,
                readme::line_of(&r.text, u.lines.start),
                readme::line_of(&r.text, u.lines.end.saturating_sub(1)),
                u.description,
                u.kept,
                u.total,
                u.line,
                u.written,
                u.readme_line
            )
        }
        (Some(r), _, _) => outln!(
            "{}: no index of the notes found (no run of lines linking notes); add `<!-- daybook:history -->` and `<!-- /daybook:history -->` lines where it should go",
            r.display_path
        ),
        (None, _, _) => {
            outln!("README.md: not found; create it with daybook:history markers where the index should go")
        }
    }
    let yaml = inference.yaml();
    if dry_run {
        outln!("{CONFIG_FILE}: would be written with:");
        for line in yaml.lines() {
            outln!("    {line}");
        }
        outln!("dry run: nothing was written");
    } else {
        let path = root.join(CONFIG_FILE);
        crate::util::fs::write_atomic(&path, yaml.as_bytes()).map_err(Error::from)?;
        outln!("{CONFIG_FILE}: written ({} note set{})", inference.sets.len(), plural(inference.sets.len()));
        outln!(
            "next: `daybook lint` for the notes' defects, `daybook readme --check` for what the README lacks"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Write (or print) the settings the README's style needs.
fn settings(
    a: &Adoption,
    fields: Option<&str>,
    config_path: Option<&std::path::Path>,
    root: &std::path::Path,
    dry_run: bool,
) -> Result<(), Error> {
    if a.settings.is_empty() && fields.is_none() {
        outln!("{CONFIG_FILE}: not needed, the built-in templates match this README's style");
        return Ok(());
    }
    let mut yaml = if a.settings.is_empty() { String::new() } else { a.settings.to_yaml() };
    if let Some(f) = fields {
        yaml.push_str(f);
    }
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
            let text = format!(
                "# Written by `daybook init`: the settings this README's style and these notes' labels need.\n{yaml}"
            );
            crate::util::fs::write_atomic(&path, text.as_bytes()).map_err(Error::from)?;
            let what: Vec<&str> = [
                a.settings.order.map(|_| "readme.order"),
                a.settings.updated_template.as_ref().map(|_| "readme.templates.updated"),
                fields.map(|_| "fields"),
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
