//! The external link check as `daybook lint` and `daybook action` run it:
//! the flags turned into [`ExternalOptions`], a progress bar on a terminal, and
//! the run's warnings and tally on stderr.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::LinkCheckArgs;
use crate::config::links::LinksConfig;
use crate::links::{ExternalOptions, ExternalReport, LinkSettings, Outcome, Progress};
use crate::note::Note;

/// Check the external links of `docs`, reporting on stderr as it goes.
pub fn check_external(
    docs: &[Note],
    config: &LinksConfig,
    args: &LinkCheckArgs,
    root: &Path,
) -> miette::Result<ExternalReport> {
    let settings = LinkSettings::compile(config)
        .map_err(|e| miette::miette!(code = "daybook::links", "links config: {e}"))?;
    let bar = StderrBar::new(std::io::stderr().is_terminal());
    let report = crate::links::check_external(docs, &settings, &options(args), root, &bar)?;
    for w in &report.warnings {
        eprintln!("warning: {}", crate::report::safe::one_line(w));
    }
    if let Some(line) = report.summary() {
        eprintln!("{line}");
    }
    Ok(report)
}

fn options(args: &LinkCheckArgs) -> ExternalOptions {
    ExternalOptions {
        no_cache: args.no_cache,
        cache: args.cache.clone(),
        allow_private: args.allow_private,
        github_token: args.github_token.clone(),
        max_concurrency: args.max_concurrency,
        timeout: args.timeout.map(Duration::from_secs),
    }
}

/// An indicatif bar on stderr while requests are out, cleared when they are all
/// answered; hidden when stderr is not a terminal.
struct StderrBar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl StderrBar {
    fn new(enabled: bool) -> Self {
        StderrBar { enabled, bar: Mutex::new(None) }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }
}

impl Progress for StderrBar {
    fn start(&self, requests: usize) {
        let bar = if self.enabled {
            let bar = ProgressBar::with_draw_target(Some(requests as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} checking links {bar:30} {pos}/{len} {elapsed}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn advance(&self, _outcome: &Outcome) {
        self.with(|bar| bar.inc(1));
    }

    fn finish(&self) {
        self.with(ProgressBar::finish_and_clear);
    }
}
