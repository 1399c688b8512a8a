//! Links: external http(s) checking.
//!
//! ```text
//! notes -> targets::collect_targets (unique URLs, each with its citations)
//!       -> cache (fresh successes answered without a request)
//!       -> check::Checker (async, rate-limited, retried, redirects by hand)
//!       -> diagnostics (one per citing place)
//! ```
//!
//! The `links:` section is compiled once into a [`LinkSettings`]. `check_external`
//! is what `daybook lint` calls; [`check_targets`] is the internal API the tests
//! drive directly. Nothing here prints: warnings and the tally come back as
//! values, progress goes to a [`Progress`] the caller provides.

pub(crate) mod anchors;
pub mod breaker;
pub(crate) mod cache;
pub mod check;
pub(crate) mod github_api;
pub(crate) mod hosts;
pub(crate) mod limits;
pub mod net;
pub(crate) mod retry;
pub(crate) mod rules;
pub(crate) mod settings;
pub(crate) mod targets;
pub(crate) mod title;
pub(crate) mod window;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use url::Url;

pub use check::{CheckOptions, HostEvent, Outcome, Request, Verdict};
pub use github_api::GithubApi;
pub use settings::{InvalidLinks, LinkSettings, validate_config};
pub use targets::{Target, collect_targets};
// The raw `links:` section belongs to the config layer; these keep the old paths.
pub use crate::config::links::{HumanDuration, LinksConfig, StatusSpec};

use crate::diag::Diagnostic;
use crate::note::Note;

/// Default cache file, at the repository root.
pub(crate) const DEFAULT_CACHE_FILE: &str = ".daybook-cache.json";

/// What the external checker found.
#[derive(Debug, Default)]
pub(crate) struct ExternalReport {
    /// One diagnostic per citing place of each dead/unverified/skipped URL.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Unique URLs by verdict.
    pub(crate) tally: LinkTally,
    /// Non-fatal problems (an unreadable or unwritable cache, no working DNS).
    pub(crate) warnings: Vec<String>,
    /// How long the check took, collecting included.
    pub(crate) elapsed: Duration,
}

impl ExternalReport {
    /// The [`tally_line`], when the run had any external link (checked or excluded).
    pub(crate) fn summary(&self) -> Option<String> {
        (self.tally.unique() > 0 || self.tally.excluded > 0).then(|| tally_line(&self.tally, self.elapsed))
    }
}

/// Unique URLs by verdict.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LinkTally {
    /// [`Verdict::Ok`].
    pub ok: usize,
    /// [`Verdict::Dead`].
    pub dead: usize,
    /// [`Verdict::Unverified`].
    pub unverified: usize,
    /// [`Verdict::Skipped`].
    pub skipped: usize,
    /// Left out by `links.include` / `links.exclude`.
    pub(crate) excluded: usize,
    /// Answered by the cache.
    pub cached: usize,
    /// HTTP requests sent (hops and retries included).
    pub requests: u64,
}

impl LinkTally {
    pub(crate) fn unique(&self) -> usize {
        self.ok + self.dead + self.unverified + self.skipped
    }
}

/// How the run uses the cache.
#[derive(Debug, Clone)]
pub enum CacheMode {
    /// No cache: every URL is asked.
    Off,
    /// Start from the cache file and write it at the end.
    File {
        /// The cache file.
        path: PathBuf,
        /// How long a success stays fresh (`links.cache_max_age`).
        max_age: Duration,
    },
    /// Start from an empty cache, whatever the file holds, and write it at the end
    /// (on a pull request the file came with the checkout: it may be forged).
    WriteOnly {
        /// The cache file.
        path: PathBuf,
        /// How long a success stays fresh (`links.cache_max_age`).
        max_age: Duration,
    },
}

/// Everything a run found.
#[derive(Debug)]
pub struct LinkRun {
    /// One per target, in the same order.
    pub outcomes: Vec<Outcome>,
    /// The unique URLs by verdict, and the requests sent.
    pub tally: LinkTally,
    /// Non-fatal problems (an unreadable or unwritable cache, no working DNS), for the caller to show.
    pub warnings: Vec<String>,
}

/// Where a run reports its progress while the requests are out.
pub trait Progress: Sync {
    /// `requests` URLs are about to be asked (those the cache did not answer).
    fn start(&self, requests: usize) {
        let _ = requests;
    }
    /// One of them has its outcome.
    fn advance(&self, outcome: &Outcome) {
        let _ = outcome;
    }
    /// A host was paused (429, 503, `Retry-After`) or given up on (it stopped
    /// answering): a display shows how many hosts are waiting or broken.
    fn host(&self, event: &HostEvent) {
        let _ = event;
    }
    /// All of them have theirs.
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Check every target: cache first, then the network.
pub async fn check_targets(
    targets: &[Target],
    opts: CheckOptions,
    cache: &CacheMode,
    progress: &dyn Progress,
) -> Result<LinkRun, String> {
    if targets.is_empty() {
        // Nothing to check: leave the cache file (and the network) alone.
        return Ok(LinkRun { outcomes: Vec::new(), tally: LinkTally::default(), warnings: Vec::new() });
    }
    let now = chrono::Utc::now().timestamp();
    let mut warnings = Vec::new();
    let mut cache = match cache {
        CacheMode::Off => None,
        CacheMode::File { path, max_age } => {
            let c = cache::Cache::load(path, *max_age, &fingerprint(&opts));
            warnings.extend(c.warning.clone());
            Some(c)
        }
        CacheMode::WriteOnly { path, max_age } => {
            if path.exists() {
                warnings.push(format!(
                    "the link cache {} is not read on a pull request: it came with the checkout and could \
                     mark dead links alive, so every link is checked (--trust-pull-request-cache reads it; \
                     see \"The cache\" in docs/links.md)",
                    path.display()
                ));
            }
            Some(cache::Cache::empty(path, *max_age, &fingerprint(&opts)))
        }
    };
    let mut outcomes: Vec<Option<Outcome>> = vec![None; targets.len()];
    let mut requests = Vec::new();
    let mut pending = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let fragments: BTreeSet<String> = t.citations.iter().filter_map(|c| c.fragment.clone()).collect();
        if let Some(hit) = cache.as_ref().and_then(|c| c.fresh(t.url.as_str(), now))
            && fragments.iter().all(|f| hit.anchors.contains(f))
        {
            let final_url =
                hit.final_url.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or(t.url.clone());
            outcomes[i] = Some(Outcome {
                verdict: Verdict::Ok,
                detail: "cached".into(),
                status: hit.status,
                final_url,
                redirects: 0,
                cached: true,
                missing_anchors: Vec::new(),
                found_anchors: fragments.into_iter().collect(),
            });
            continue;
        }
        pending.push(i);
        let failed_before = cache.as_ref().is_some_and(|c| c.failed_before(t.url.as_str(), now));
        requests.push(Request { url: t.url.clone(), fragments, failed_before });
    }

    let mut requests_sent = 0;
    let lookup = opts.lookup.clone();
    if !requests.is_empty() {
        let checker = Arc::new(check::Checker::new(opts)?);
        progress.start(requests.len());
        let checked = checker.check_all_with(requests, |o| progress.advance(o), |e| progress.host(e)).await;
        progress.finish();
        requests_sent = checker.requests_sent();
        for (i, out) in pending.into_iter().zip(checked) {
            outcomes[i] = Some(out);
        }
    }
    let mut outcomes: Vec<Outcome> =
        outcomes.into_iter().map(|o| o.expect("every target has an outcome")).collect();
    warnings.extend(no_resolver_guard(targets, &mut outcomes, &lookup).await);

    let mut tally = LinkTally { requests: requests_sent, ..LinkTally::default() };
    for (t, o) in targets.iter().zip(&outcomes) {
        match o.verdict {
            Verdict::Ok => tally.ok += 1,
            Verdict::Dead => tally.dead += 1,
            Verdict::Unverified => tally.unverified += 1,
            Verdict::Skipped => tally.skipped += 1,
        }
        tally.cached += o.cached as usize;
        if let Some(c) = cache.as_mut() {
            if o.cached {
                continue;
            }
            let ok = o.verdict == Verdict::Ok;
            if ok || o.verdict == Verdict::Dead {
                let final_url = (o.final_url != t.url).then(|| o.final_url.to_string());
                let anchors = if ok { o.found_anchors.clone() } else { Vec::new() };
                c.insert(
                    t.url.to_string(),
                    cache::Entry { checked: now, ok, status: o.status, final_url, anchors },
                );
            } else {
                c.remove(t.url.as_str());
            }
        }
    }
    if let Some(c) = cache.as_mut()
        && let Err(e) = c.save(now)
    {
        warnings.push(format!("could not write the link cache {}: {e}", c.path().display()));
    }
    Ok(LinkRun { outcomes, tally, warnings })
}

/// Below this many distinct hosts, "every name failed to resolve" may well be
/// the truth (a repository citing two expired domains), not a broken resolver.
const NO_RESOLVER_MIN_HOSTS: usize = 3;

/// When not one host of the run could be resolved, the machine has no working
/// DNS (a sandbox, a runner without network), not a repository full of
/// vanished domains: a broken resolver must not fail the build. Those links
/// become unverified, and one warning says why.
///
/// With a warm cache the hosts that do resolve are often not asked at all, so
/// "every host asked failed" proves nothing by itself: before blaming the
/// resolver, ask it for a few hosts the cache vouches for. One that answers
/// shows DNS works, and the unknown names are really gone.
async fn no_resolver_guard(
    targets: &[Target],
    outcomes: &mut [Outcome],
    lookup: &net::Lookup,
) -> Option<String> {
    let asked: Vec<usize> = (0..outcomes.len())
        .filter(|&i| !outcomes[i].cached && outcomes[i].verdict != Verdict::Skipped)
        .collect();
    let unresolved = |o: &Outcome| o.verdict == Verdict::Dead && o.detail.starts_with("DNS name not found");
    let hosts: BTreeSet<&str> = asked.iter().filter_map(|&i| targets[i].url.host_str()).collect();
    if hosts.len() < NO_RESOLVER_MIN_HOSTS || !asked.iter().all(|&i| unresolved(&outcomes[i])) {
        return None;
    }
    let vouched: BTreeSet<&str> = (0..outcomes.len())
        .filter(|&i| outcomes[i].cached)
        .filter(|&i| matches!(targets[i].url.host(), Some(url::Host::Domain(_))))
        .filter_map(|i| targets[i].url.host_str())
        .collect();
    // Private answers still prove the resolver answers; the policy is not the question here.
    let resolver = net::FilteringResolver::new(lookup.clone(), true);
    for host in vouched.into_iter().take(DNS_PROBES) {
        if resolver.resolve_host(host).await.is_ok() {
            return None;
        }
    }
    for &i in &asked {
        outcomes[i].verdict = Verdict::Unverified;
        outcomes[i].detail.push_str(" (no host at all could be resolved)");
    }
    Some(format!(
        "none of the {} hosts could be resolved: DNS or the network looks unavailable, so their links \
         are reported as unverified, not dead (use --offline to skip external links)",
        hosts.len()
    ))
}

/// How many cached hosts the guard above asks before it believes DNS is down.
const DNS_PROBES: usize = 3;

/// A hash of the settings that change verdicts, so a cache made under other
/// settings (accepted codes, soft-404 rules, private addresses) is not trusted.
fn fingerprint(opts: &CheckOptions) -> String {
    let mut h = Sha256::new();
    let s = &opts.settings;
    h.update(format!("{:?}|{}|{}|{}", s.accept, opts.allow_private, s.anchors, s.hosts_digest));
    h.update(format!("{}|{}", opts.github.api, opts.github.token.is_some() && s.github_api));
    let digest = h.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// One diagnostic per citing place of every URL that is not plainly alive.
pub fn diagnostics(targets: &[Target], outcomes: &[Outcome]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (t, o) in targets.iter().zip(outcomes) {
        let place = if o.redirects > 0 && o.final_url != t.url {
            format!("{} (redirected to {})", t.url, o.final_url)
        } else {
            o.final_url.to_string()
        };
        let (rule, help) = match o.verdict {
            Verdict::Ok => {
                for c in &t.citations {
                    let Some(f) = &c.fragment else { continue };
                    if o.missing_anchors.contains(f) {
                        let d = c
                            .file
                            .diag(
                                rules::EXTERNAL_ANCHOR.name,
                                rules::EXTERNAL_ANCHOR.default_severity,
                                c.span.clone(),
                                format!("the page has no anchor `#{f}`: {place}"),
                            )
                            .with_label("no such anchor")
                            .with_help("link to an anchor the page defines, or drop the `#...` part");
                        out.push(d);
                    }
                }
                continue;
            }
            Verdict::Dead => (
                &rules::DEAD_LINK,
                "remove the link, update it, or point it at an archived copy (https://web.archive.org/)",
            ),
            Verdict::Unverified => (
                &rules::UNVERIFIED_LINK,
                "this may pass on its own; if the page opens in a browser, tune links.hosts or links.exclude",
            ),
            Verdict::Skipped => (&rules::SKIPPED_LINK, "pass --allow-private to check private addresses"),
        };
        let what = match o.verdict {
            Verdict::Dead => "dead link",
            Verdict::Unverified => "unverified link",
            _ => "link not checked",
        };
        let label = o.status.map(|s| s.to_string()).unwrap_or_else(|| o.verdict.as_str().to_string());
        for c in &t.citations {
            let d = c
                .file
                .diag(
                    rule.name,
                    rule.default_severity,
                    c.span.clone(),
                    format!("{what}: {}: {place}", o.detail),
                )
                .with_label(label.clone())
                .with_help(help);
            out.push(d);
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The run's own settings, beyond `links:` in daybook.yml (the command line's).
#[derive(Debug, Clone, Default)]
pub struct ExternalOptions {
    /// Neither read nor write the link cache.
    pub no_cache: bool,
    /// Write the link cache but do not read the file already there (a pull
    /// request's checkout may carry a forged one).
    pub ignore_cache_file: bool,
    /// The cache file (default: `DEFAULT_CACHE_FILE` at the repository root).
    pub cache: Option<PathBuf>,
    /// Allow requests to loopback, private and link-local addresses.
    pub allow_private: bool,
    /// Token for the GitHub REST API (repository links).
    pub github_token: Option<String>,
    /// Overrides `links.max_concurrency` (clamped to 1 to 1024).
    pub max_concurrency: Option<usize>,
    /// Overrides `links.timeout` (clamped to 1 s to 1 h).
    pub timeout: Option<Duration>,
}

/// The checker's options for a run: `settings` with the command line's overrides applied.
pub fn check_options(settings: &LinkSettings, run: &ExternalOptions, github: GithubApi) -> CheckOptions {
    let mut opts = CheckOptions::new(settings, run.allow_private, github);
    // The command line checks these ranges; a library caller gets them clamped,
    // never a panic in the semaphore or the timer.
    let (lo, hi) = crate::config::links::range::CONCURRENCY;
    if let Some(n) = run.max_concurrency {
        opts.settings.max_concurrency = n.clamp(lo, hi);
    }
    if let Some(t) = run.timeout {
        opts.settings.timeout = t.clamp(Duration::from_secs(1), crate::config::links::range::TIMEOUT.1);
    }
    opts
}

/// Check every external http(s) link of `docs` (the notes and the README, parsed).
/// How a run uses its cache file. The repository's own (no `--cache`) is not
/// read when a symbolic link leads it out of the repository or into `.git`:
/// daybook reads only inside the repository. Its write replaces the link.
fn cache_mode(run: &ExternalOptions, root: &Path, max_age: Duration) -> CacheMode {
    let path = run.cache.clone().unwrap_or_else(|| root.join(DEFAULT_CACHE_FILE));
    let outside = run.cache.is_none()
        && matches!(
            crate::util::jail::resolve_inside(root, &path),
            Err(crate::util::jail::Refused::Outside { .. })
        );
    if run.no_cache {
        CacheMode::Off
    } else if run.ignore_cache_file || outside {
        CacheMode::WriteOnly { path, max_age }
    } else {
        CacheMode::File { path, max_age }
    }
}

/// Each unique URL is requested once; every citing place gets its own diagnostic.
pub(crate) fn check_external(
    docs: &[Note],
    settings: &LinkSettings,
    run: &ExternalOptions,
    root: &Path,
    progress: &dyn Progress,
) -> miette::Result<ExternalReport> {
    let started = Instant::now();
    let (targets, mut diags, excluded) = collect_targets(docs, settings);
    let github = GithubApi::new(
        std::env::var("GITHUB_API_URL").ok().as_deref(),
        std::env::var("GITHUB_SERVER_URL").ok().as_deref(),
        run.github_token.clone(),
    )
    .map_err(|e| miette::miette!(code = "daybook::links", help = "fix or unset the variable", "{e}"))?;
    let opts = check_options(settings, run, github);
    let cache = cache_mode(run, root, settings.cache_max_age);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| miette::miette!(code = "daybook::links", "could not start the async runtime: {e}"))?;
    let checked = runtime
        .block_on(check_targets(&targets, opts, &cache, progress))
        .map_err(|e| miette::miette!(code = "daybook::links", "{e}"))?;
    diags.extend(diagnostics(&targets, &checked.outcomes));
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut tally = checked.tally;
    tally.excluded = excluded;
    Ok(ExternalReport { diagnostics: diags, tally, warnings: checked.warnings, elapsed: started.elapsed() })
}

/// `links: 120 URLs in 2.4s: 115 ok, 3 dead, 1 unverified, 1 skipped (80 from cache, 45 requests)`.
pub(crate) fn tally_line(t: &LinkTally, elapsed: Duration) -> String {
    let mut s = format!(
        "links: {} unique URLs in {:.1}s: {} ok, {} dead, {} unverified, {} skipped",
        t.unique(),
        elapsed.as_secs_f64(),
        t.ok,
        t.dead,
        t.unverified,
        t.skipped
    );
    let mut extra = vec![format!("{} from cache", t.cached), format!("{} requests", t.requests)];
    if t.excluded > 0 {
        extra.push(format!("{} excluded", t.excluded));
    }
    s.push_str(&format!(" ({})", extra.join(", ")));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_repository_s_cache_file_linked_out_of_it_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(dir.path().join("outside.json"), "{}").unwrap();
        let day = Duration::from_secs(86_400);
        let run = ExternalOptions::default();
        assert!(
            matches!(cache_mode(&run, &root, day), CacheMode::File { .. }),
            "a missing file is read as empty"
        );
        std::os::unix::fs::symlink(dir.path().join("outside.json"), root.join(DEFAULT_CACHE_FILE)).unwrap();
        assert!(matches!(cache_mode(&run, &root, day), CacheMode::WriteOnly { .. }));
        // A file named on the command line is the user's choice, wherever it is.
        let named = ExternalOptions { cache: Some(dir.path().join("outside.json")), ..Default::default() };
        assert!(matches!(cache_mode(&named, &root, day), CacheMode::File { .. }));
    }
}
