//! The external link check as `daybook lint` and `daybook action` run it:
//! the flags turned into [`ExternalOptions`], a progress bar on a terminal, and
//! the run's warnings and tally on stderr.

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::LinkCheckArgs;
use crate::links::{ExternalOptions, ExternalReport, HostEvent, LinkSettings, Outcome, Progress};
use crate::note::Note;

/// Check the external links of `docs`, reporting on stderr as it goes.
pub(crate) fn check_external(
    docs: &[Note],
    settings: &LinkSettings,
    args: &LinkCheckArgs,
    root: &Path,
) -> miette::Result<ExternalReport> {
    let bar = StderrBar::new(!args.no_progress && std::io::stderr().is_terminal());
    let report = crate::links::check_external(docs, settings, &options(args, &env_var), root, &bar)?;
    for w in &report.warnings {
        eprintln!("warning: {}", crate::report::safe::one_line(w));
    }
    if let Some(line) = report.summary().filter(|_| !args.no_tally) {
        eprintln!("{line}");
    }
    Ok(report)
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The run's options. On a pull request the checkout is the author's, cache
/// file included: it is not read unless the workflow says it is trusted (a
/// flag or a variable of the workflow, not daybook.yml, which the pull request
/// can edit too). It is still written: that file holds only what this run saw.
fn options(args: &LinkCheckArgs, env: &dyn Fn(&str) -> Option<String>) -> ExternalOptions {
    let pull_request =
        matches!(env("GITHUB_EVENT_NAME").as_deref(), Some("pull_request" | "pull_request_target"));
    let trusted = args.trust_pull_request_cache
        || env("DAYBOOK_TRUST_PULL_REQUEST_CACHE")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"));
    ExternalOptions {
        no_cache: args.no_cache,
        ignore_cache_file: pull_request && !trusted,
        cache: args.cache.clone(),
        allow_private: args.allow_private,
        github_token: args.github_token.clone(),
        max_concurrency: args.max_concurrency,
        timeout: args.timeout.map(Duration::from_secs),
    }
}

/// An indicatif bar on stderr while requests are out, cleared when they are all
/// answered; hidden when stderr is not a terminal. Its message says how many
/// hosts are paused (rate limits) or broken (not answering), which is why a
/// run can seem to stall.
struct StderrBar {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
    hosts: Mutex<HostStates>,
}

/// Hosts paused (until when) and hosts given up on, as the checker reported them.
#[derive(Debug, Default)]
struct HostStates {
    paused: HashMap<String, Instant>,
    broken: BTreeSet<String>,
}

impl HostStates {
    fn record(&mut self, event: &HostEvent, now: Instant) {
        match event {
            HostEvent::Paused { host, wait } => {
                let until = now + *wait;
                let at = self.paused.entry(host.clone()).or_insert(until);
                *at = (*at).max(until);
            }
            HostEvent::Broken { host, .. } => {
                self.broken.insert(host.clone());
            }
        }
    }

    /// `2 hosts paused, 1 broken (h.example)`, or nothing while all is well.
    fn note(&self, now: Instant) -> String {
        let paused = self.paused.values().filter(|until| **until > now).count();
        let mut parts = Vec::new();
        if paused > 0 {
            parts.push(format!("{paused} {} paused", if paused == 1 { "host" } else { "hosts" }));
        }
        if let Some(first) = self.broken.iter().next() {
            let n = self.broken.len();
            // `2 hosts paused, 1 broken`: the noun is said once.
            let noun = match (parts.is_empty(), n) {
                (false, _) => "",
                (true, 1) => " host",
                (true, _) => " hosts",
            };
            let named = if n == 1 { format!(" ({first})") } else { String::new() };
            parts.push(format!("{n}{noun} broken{named}"));
        }
        parts.join(", ")
    }
}

impl StderrBar {
    fn new(enabled: bool) -> Self {
        StderrBar { enabled, bar: Mutex::new(None), hosts: Mutex::new(HostStates::default()) }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }

    /// The bar's message from the hosts' states now (a pause ends by itself).
    fn refresh(&self) {
        let note = self.hosts.lock().unwrap_or_else(|e| e.into_inner()).note(Instant::now());
        // Host names come from the notes: escaped like every other repository text.
        let note = crate::report::safe::one_line(&note).into_owned();
        self.with(|bar| bar.set_message(note));
    }
}

impl Progress for StderrBar {
    fn start(&self, requests: usize) {
        let bar = if self.enabled {
            let bar = ProgressBar::with_draw_target(Some(requests as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} checking links {bar:30} {pos}/{len} {elapsed} {msg}")
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
        self.refresh();
    }

    fn host(&self, event: &HostEvent) {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner()).record(event, Instant::now());
        self.refresh();
    }

    fn finish(&self) {
        self.with(ProgressBar::finish_and_clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignores(event: &str, flag: bool, var: Option<&str>) -> bool {
        let args = LinkCheckArgs { trust_pull_request_cache: flag, ..LinkCheckArgs::default() };
        let env = |k: &str| match k {
            "GITHUB_EVENT_NAME" => Some(event.to_string()),
            "DAYBOOK_TRUST_PULL_REQUEST_CACHE" => var.map(String::from),
            _ => None,
        };
        options(&args, &env).ignore_cache_file
    }

    #[test]
    fn the_bar_names_hosts_paused_and_broken() {
        let now = Instant::now();
        let mut h = HostStates::default();
        assert_eq!(h.note(now), "");
        let paused =
            |host: &str, secs| HostEvent::Paused { host: host.into(), wait: Duration::from_secs(secs) };
        h.record(&paused("a.test", 2), now);
        h.record(&paused("a.test", 1), now);
        assert_eq!(h.note(now), "1 host paused");
        h.record(&paused("b.test", 5), now);
        assert_eq!(h.note(now), "2 hosts paused");
        h.record(&HostEvent::Broken { host: "c.test".into(), why: "host not answering".into() }, now);
        assert_eq!(h.note(now), "2 hosts paused, 1 broken (c.test)");
        // a pause ends by itself: a.test's after 2 s, b.test's after 5 s
        assert_eq!(h.note(now + Duration::from_secs(3)), "1 host paused, 1 broken (c.test)");
        h.record(&HostEvent::Broken { host: "d.test".into(), why: "connection refused".into() }, now);
        assert_eq!(h.note(now + Duration::from_secs(6)), "2 hosts broken");
    }

    #[test]
    fn the_cache_file_is_not_read_on_pull_requests_unless_trusted() {
        assert!(ignores("pull_request", false, None));
        assert!(ignores("pull_request_target", false, Some("false")));
        assert!(!ignores("pull_request", true, None));
        assert!(!ignores("pull_request_target", false, Some("true")));
        for event in ["push", "schedule", "workflow_dispatch", ""] {
            assert!(!ignores(event, false, None), "{event}");
        }
    }
}
