//! The HTTP side of the external link checker: one [`Checker`] per run, one
//! call of `Checker::check` per unique URL.
//!
//! Redirects are followed here, not by reqwest, so that every hop is checked
//! against the address policy, a loop is recognised as a loop, per-host headers
//! and the GitHub token go to the hop's own host only, and each hop waits for a
//! slot of its own host. A hop takes its host's slot before a global one: a task
//! waiting for a busy host then holds nothing the other hosts need.
//!
//! Around it: `super::hosts` (per-host rules), `super::retry` (when to ask
//! again), `super::anchors` (fragments), `super::github_api` (repository links);
//! within it, `hop` sends one request.

use std::collections::{BTreeSet, HashSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use tokio::sync::Semaphore;
use url::Url;

use super::anchors::{ANCHOR_BODY_BYTES, defines, is_checkable_fragment};
use super::breaker::Breakers;
use super::github_api::GithubApi;
use super::net::{FilteringResolver, Lookup};
use super::retry::{finish, retry_after, retryable_status};
use super::settings::{InvalidLinks, LinkSettings};
use super::window::Gates;

mod hop;
use crate::config::links::{LinksConfig, MethodChoice, SoftVerdict};

/// What became of one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Answered with an accepted status.
    Ok,
    /// Gone for good: 404, 410, unknown host, refused connection, soft 404.
    Dead,
    /// Could not be decided: timeouts, 5xx, 429, robot blocks.
    Unverified,
    /// Not fetched by policy (non-public address).
    Skipped,
}

impl Verdict {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Dead => "dead",
            Verdict::Unverified => "unverified",
            Verdict::Skipped => "skipped",
        }
    }
}

/// The result for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What became of the URL.
    pub verdict: Verdict,
    /// The status or failure, e.g. `404 Not Found`, `timed out (4 attempts)`.
    pub detail: String,
    /// The last HTTP status seen, if any.
    pub status: Option<u16>,
    /// Where the redirects ended (the URL itself when there were none).
    pub final_url: Url,
    /// Redirects followed.
    pub redirects: usize,
    /// Answered from the cache, no request sent.
    pub cached: bool,
    /// Fragments asked about that the page does not define (only for `Ok` pages).
    pub missing_anchors: Vec<String>,
    /// Fragments asked about that the page does define.
    pub found_anchors: Vec<String>,
}

impl Outcome {
    pub(super) fn new(verdict: Verdict, detail: impl Into<String>, final_url: &Url) -> Self {
        Outcome {
            verdict,
            detail: detail.into(),
            status: None,
            final_url: final_url.clone(),
            redirects: 0,
            cached: false,
            missing_anchors: Vec::new(),
            found_anchors: Vec::new(),
        }
    }
}

/// A unique URL to check (fragment removed) and the fragments its citations use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub(crate) url: Url,
    pub(crate) fragments: BTreeSet<String>,
    /// It was dead last run: ask with GET at once (a HEAD failure would be confirmed by GET anyway).
    pub(crate) failed_before: bool,
}

/// Everything a run needs to know: the compiled `links:` settings (with the
/// command line's overrides applied), the address policy and the GitHub API.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub(crate) settings: LinkSettings,
    pub(crate) allow_private: bool,
    /// How host names resolve.
    pub lookup: Lookup,
    pub(crate) github: GithubApi,
}

impl CheckOptions {
    pub(crate) fn new(settings: &LinkSettings, allow_private: bool, github: GithubApi) -> Self {
        CheckOptions { settings: settings.clone(), allow_private, lookup: Lookup::System, github }
    }

    /// `CheckOptions::new` from the `links:` section as written.
    pub fn from_config(
        cfg: &LinksConfig,
        allow_private: bool,
        github: GithubApi,
    ) -> Result<Self, InvalidLinks> {
        Ok(CheckOptions::new(&LinkSettings::compile(cfg)?, allow_private, github))
    }
}

/// A change in a host's state, for progress displays ([`super::Progress::host`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// The host answered 429 or 503, or asked to wait: none of its links go
    /// out before `wait` has passed.
    Paused {
        /// The host, as URLs spell it.
        host: String,
        /// How long its links wait.
        wait: Duration,
    },
    /// The host stopped answering or refuses connections: its remaining links
    /// are reported without requests, for this reason.
    Broken {
        /// The host, as URLs spell it.
        host: String,
        /// What went wrong, as its links' findings say.
        why: String,
    },
}

/// One run's HTTP machinery.
pub struct Checker {
    client: reqwest::Client,
    pub(super) opts: CheckOptions,
    /// Requests in flight over all hosts; sized by [`Checker::check_all_with`] to
    /// the hosts it is given ([`super::limits`]).
    global: Semaphore,
    global_size: Mutex<usize>,
    events: tokio::sync::mpsc::UnboundedSender<HostEvent>,
    events_rx: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<HostEvent>>>,
    /// Each host's adaptive window and pauses.
    gates: Gates,
    /// Hosts that refused a HEAD with 405/501: later links there start with GET.
    head_refused: Mutex<HashSet<String>>,
    /// Hosts that stopped answering.
    breakers: Breakers,
    /// The client's own resolver, asked before a request is counted: a name that
    /// does not resolve, or resolves to a private address, is no request sent.
    resolver: FilteringResolver,
    requests: AtomicU64,
}

/// What one hop got back.
pub(super) struct Hop {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Vec<u8>>,
    pub(super) truncated: bool,
    /// A 503 on a host that otherwise answers: the link is asked again after
    /// [`Checker::lone_busy_backoff`], the host goes on.
    pub(super) lone_busy: bool,
}

/// Why one hop got nothing back.
#[derive(Debug)]
pub(super) enum HopError {
    /// Non-public address and private addresses are not allowed.
    Private(IpAddr),
    NotFound(String),
    Refused,
    Timeout,
    Tls(String),
    /// Resets, broken connections, transient DNS failures.
    Transient(String),
    Scheme(String),
    /// The host is not asked again this run (see [`super::breaker`]).
    HostDown(Verdict, String),
}

/// How one attempt ended.
pub(super) enum Attempt {
    Done(Outcome),
    /// Worth another attempt; `Outcome` is what to report if there is none.
    /// `get_next`: HEAD is not worth asking again (it failed, or GET already answered).
    Retry {
        last: Outcome,
        after: Option<Duration>,
        get_next: bool,
        /// A lone 503 (see [`Hop::lone_busy`]): the short backoff.
        lone_busy: bool,
    },
}

impl Checker {
    /// A checker with its own HTTP client; fails when the client cannot be built.
    pub fn new(opts: CheckOptions) -> Result<Self, String> {
        // reqwest is built without a default crypto provider; ring is the one we ship.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = FilteringResolver::new(opts.lookup.clone(), opts.allow_private);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.settings.connect_timeout)
            .timeout(opts.settings.timeout)
            .user_agent(opts.settings.user_agent.clone())
            .dns_resolver(resolver.clone())
            // A proxy would resolve names itself, out of reach of the address policy.
            .no_proxy()
            .pool_max_idle_per_host(opts.settings.max_per_host)
            .build()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))?;
        let global = opts.settings.max_concurrency.min(super::limits::fd_budget()).max(1);
        let (events, events_rx) = tokio::sync::mpsc::unbounded_channel();
        Ok(Checker {
            client,
            global: Semaphore::new(global),
            global_size: Mutex::new(global),
            events,
            events_rx: Mutex::new(Some(events_rx)),
            gates: Gates::default(),
            opts,
            head_refused: Mutex::new(HashSet::new()),
            breakers: Breakers::default(),
            resolver,
            requests: AtomicU64::new(0),
        })
    }

    /// HTTP requests sent so far (every hop and retry counts).
    pub(crate) fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The most requests `host` gets at once: its own `concurrency`, else `max_per_host`.
    pub(super) fn host_limit(&self, host: &str) -> usize {
        let rule = self.opts.settings.hosts.get(host);
        rule.and_then(|r| r.concurrency).unwrap_or(self.opts.settings.max_per_host).max(1)
    }

    /// Size the global limit for a run over `requests` (see [`super::limits`]).
    fn size_global(&self, requests: &[Request]) {
        let hosts =
            super::limits::per_host(requests.iter().filter_map(|r| r.url.host_str()), |h| self.host_limit(h));
        let want = super::limits::global_limit(self.opts.settings.max_concurrency, hosts.into_values());
        let mut size = self.global_size.lock().unwrap_or_else(|e| e.into_inner());
        if want > *size {
            self.global.add_permits(want - *size);
            *size = want;
        } else if want < *size {
            // Permits held by requests in flight are not forgotten: the limit
            // comes down as they return (only one run at a time uses a checker).
            *size -= self.global.forget_permits(*size - want);
        }
    }

    /// Check every request, every host at its own limit and all of them within
    /// the global one; results in input order. `on_done` sees each outcome as
    /// it comes, `on_host` each host paused or broken, on the caller's task.
    pub(crate) async fn check_all_with(
        self: &Arc<Self>,
        requests: Vec<Request>,
        mut on_done: impl FnMut(&Outcome),
        mut on_host: impl FnMut(&HostEvent),
    ) -> Vec<Outcome> {
        self.size_global(&requests);
        let mut events = self.events_rx.lock().unwrap_or_else(|e| e.into_inner()).take();
        let mut set = tokio::task::JoinSet::new();
        let n = requests.len();
        for (i, req) in requests.into_iter().enumerate() {
            let this = Arc::clone(self);
            set.spawn(async move { (i, this.check(&req).await) });
        }
        let mut out: Vec<Option<Outcome>> = vec![None; n];
        loop {
            let joined = match events.as_mut() {
                Some(rx) => tokio::select! {
                    biased;
                    Some(e) = rx.recv() => {
                        on_host(&e);
                        continue;
                    }
                    j = set.join_next() => j,
                },
                None => set.join_next().await,
            };
            let Some(joined) = joined else { break };
            match joined {
                Ok((i, o)) => {
                    on_done(&o);
                    out[i] = Some(o);
                }
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {}
            }
        }
        if let Some(mut rx) = events {
            while let Ok(e) = rx.try_recv() {
                on_host(&e);
            }
            *self.events_rx.lock().unwrap_or_else(|e| e.into_inner()) = Some(rx);
        }
        out.into_iter().map(|o| o.expect("every task reports")).collect()
    }

    /// Check one URL: retries, redirects, fallbacks and all.
    pub(crate) async fn check(&self, req: &Request) -> Outcome {
        if !matches!(req.url.scheme(), "http" | "https") {
            return Outcome::new(Verdict::Ok, "not fetched (not http/https)", &req.url);
        }
        if self.opts.settings.github_api
            && self.opts.github.token.is_some()
            && let Some((owner, repo)) = self.opts.github.repo_of(&req.url)
        {
            return self.check_github_repo(req, &owner, &repo).await;
        }
        let rule = req.url.host_str().and_then(|h| self.opts.settings.hosts.get(h)).cloned();
        let anchors_on = rule.as_ref().and_then(|r| r.anchors).unwrap_or(self.opts.settings.anchors);
        let fragments: Vec<&String> = if anchors_on {
            req.fragments.iter().filter(|f| is_checkable_fragment(f)).collect()
        } else {
            vec![]
        };
        let needs_body = !fragments.is_empty() || rule.as_ref().is_some_and(|r| !r.soft.is_empty());
        let mut use_get = needs_body
            || req.failed_before
            || rule.as_ref().and_then(|r| r.method) == Some(MethodChoice::Get);
        let mut attempt = 0;
        // Requests that got a final answer or failure (a HEAD and the GET that
        // double-checks it are two), which is what "N attempts" counts.
        let mut sent = 0;
        loop {
            match self.attempt(&req.url, use_get, needs_body, &fragments, &mut sent).await {
                Attempt::Done(out) => return finish(out, attempt > 0, sent),
                Attempt::Retry { last, after, get_next, lone_busy } => {
                    if attempt >= self.opts.settings.retries {
                        return finish(last, true, sent);
                    }
                    if let Some((verdict, why)) = self.breakers.broken(&req.url) {
                        // Other links of the host failed too: no point waiting for another try.
                        return finish(Outcome::new(verdict, why, &req.url), true, sent);
                    }
                    if let Some(after) = after.filter(|a| *a > self.opts.settings.retry_after_max) {
                        let mut last = last;
                        last.detail = format!(
                            "{} (the server asks to retry after {}s, more than the {}s allowed)",
                            last.detail,
                            after.as_secs(),
                            self.opts.settings.retry_after_max.as_secs()
                        );
                        return last;
                    }
                    let delay = after.unwrap_or_else(|| {
                        if lone_busy {
                            // Counted in requests: a HEAD's 503 asked again with GET was one wait.
                            self.lone_busy_backoff(&last.final_url, sent.saturating_sub(1))
                        } else {
                            self.backoff(attempt)
                        }
                    });
                    attempt += 1;
                    use_get |= get_next;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// The delay before retry number `attempt + 1`.
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        super::retry::backoff(self.opts.settings.backoff, self.opts.settings.backoff_max, attempt)
    }

    /// The delay before asking `url` again after a lone 503: at first one of
    /// its host's answer times, at most a quarter of [`Checker::backoff`] (125
    /// to 250 ms by default), then that quarter doubled at each attempt (see
    /// [`super::retry::lone_busy_backoff`]).
    pub(super) fn lone_busy_backoff(&self, url: &Url, attempt: u32) -> Duration {
        let s = &self.opts.settings;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        super::retry::lone_busy_backoff(s.backoff, s.backoff_max, self.gates.answer_time(&host), attempt)
    }

    /// One attempt: a chain of hops, HEAD first unless `use_get`.
    async fn attempt(
        &self,
        start: &Url,
        use_get: bool,
        needs_body: bool,
        fragments: &[&String],
        sent: &mut u32,
    ) -> Attempt {
        let mut url = start.clone();
        let mut method = if use_get { Method::GET } else { Method::HEAD };
        let mut seen = vec![start.clone()];
        let mut redirects = 0;
        let mut loop_retried_with_get = false;
        loop {
            // A redirect may land on a host whose soft-404 rules need the body
            // (a short link to a WeChat article): read it there, whatever the
            // first host needed.
            let soft_here = self.has_soft_rules(&url);
            if soft_here && method == Method::HEAD {
                method = Method::GET;
            }
            let body_limit = match (method == Method::GET, needs_body || soft_here) {
                (true, true) => Some(if fragments.is_empty() {
                    self.opts.settings.max_body_bytes
                } else {
                    ANCHOR_BODY_BYTES.max(self.opts.settings.max_body_bytes)
                }),
                _ => None,
            };
            // Anything after the link's first request finishes the link: it goes first.
            let follow_up = *sent > 0 || redirects > 0 || loop_retried_with_get;
            let hop = self.hop(&url, &mut method, body_limit, None, follow_up).await;
            let hop = match hop {
                Ok(h) => h,
                Err(e) => {
                    *sent += !matches!(e, HopError::HostDown(..)) as u32;
                    let mut a = self.hop_error(e, &url, method == Method::HEAD);
                    let (Attempt::Done(o) | Attempt::Retry { last: o, .. }) = &mut a;
                    o.redirects = redirects;
                    return a;
                }
            };
            let status = hop.status;
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(next) = location(&hop.headers, &url) else {
                    let mut o = Outcome::new(
                        Verdict::Unverified,
                        format!("{} without a Location header", st(status)),
                        &url,
                    );
                    o.status = Some(status.as_u16());
                    o.redirects = redirects;
                    return Attempt::Done(o);
                };
                redirects += 1;
                if seen.contains(&next) {
                    // Some servers loop on HEAD only: believe a loop that GET sees too.
                    if method == Method::HEAD && !loop_retried_with_get {
                        loop_retried_with_get = true;
                        method = Method::GET;
                        url = start.clone();
                        seen = vec![start.clone()];
                        redirects = 0;
                        continue;
                    }
                    let chain: Vec<&str> = seen.iter().map(|u| u.as_str()).chain([next.as_str()]).collect();
                    let mut o =
                        Outcome::new(Verdict::Dead, format!("redirect loop: {}", chain.join(" -> ")), &next);
                    o.status = Some(status.as_u16());
                    o.redirects = redirects;
                    return Attempt::Done(o);
                }
                if redirects > self.opts.settings.max_redirects {
                    let mut o = Outcome::new(
                        Verdict::Unverified,
                        format!("more than {} redirects", self.opts.settings.max_redirects),
                        &next,
                    );
                    o.redirects = redirects;
                    return Attempt::Done(o);
                }
                if !matches!(next.scheme(), "http" | "https") {
                    let mut o = Outcome::new(Verdict::Unverified, "redirects to a non-HTTP URL", &next);
                    o.redirects = redirects;
                    return Attempt::Done(o);
                }
                if status == StatusCode::SEE_OTHER {
                    method = if use_get || method == Method::GET { Method::GET } else { Method::HEAD };
                }
                seen.push(next.clone());
                url = next;
                continue;
            }
            *sent += 1;
            // A HEAD that did not succeed may be a server that mishandles HEAD: ask
            // again with GET before believing it (rate limits excepted).
            if method == Method::HEAD
                && !self.accepts(&url, status)
                && status != StatusCode::TOO_MANY_REQUESTS
            {
                if matches!(status.as_u16(), 405 | 501)
                    && let Some(h) = url.host_str()
                {
                    self.head_refused
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(h.to_ascii_lowercase());
                }
                method = Method::GET;
                if hop.lone_busy {
                    // The GET is the page asked again: not at once.
                    tokio::time::sleep(self.lone_busy_backoff(&url, 0)).await;
                }
                continue;
            }
            let mut out = self.judge(&url, &hop, fragments);
            out.redirects = redirects;
            out.status = Some(status.as_u16());
            return match out.verdict {
                // (The host was paused by `hop` already: its other links wait too.)
                Verdict::Unverified if retryable_status(status) => Attempt::Retry {
                    last: out,
                    after: retry_after(&hop.headers),
                    get_next: method == Method::GET,
                    lone_busy: hop.lone_busy,
                },
                _ => Attempt::Done(out),
            };
        }
    }

    fn has_soft_rules(&self, url: &Url) -> bool {
        url.host_str().and_then(|h| self.opts.settings.hosts.get(h)).is_some_and(|r| !r.soft.is_empty())
    }

    fn head_refused(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        self.head_refused.lock().unwrap_or_else(|e| e.into_inner()).contains(&host)
    }

    fn accepts(&self, url: &Url, status: StatusCode) -> bool {
        let rule = url.host_str().and_then(|h| self.opts.settings.hosts.get(h));
        let ranges = rule.and_then(|r| r.accept.as_ref()).unwrap_or(&self.opts.settings.accept);
        ranges.iter().any(|(a, b)| (*a..=*b).contains(&status.as_u16()))
    }

    /// The verdict on a final (non-redirect) response.
    fn judge(&self, url: &Url, hop: &Hop, fragments: &[&String]) -> Outcome {
        let status = hop.status;
        if self.accepts(url, status) {
            let rule = url.host_str().and_then(|h| self.opts.settings.hosts.get(h));
            if let (Some(rule), Some(body)) = (rule, &hop.body) {
                let text = String::from_utf8_lossy(body);
                for m in &rule.soft {
                    if let Some(found) = m.find(&text) {
                        let (verdict, what) = match m.verdict {
                            SoftVerdict::Dead => (Verdict::Dead, "soft 404"),
                            SoftVerdict::Unverified => (Verdict::Unverified, "not a verdict"),
                        };
                        let reason = m.reason.as_deref().map(|r| format!("{r}; ")).unwrap_or_default();
                        return Outcome::new(
                            verdict,
                            format!(
                                "{} but the page says \u{201c}{found}\u{201d} ({reason}{what})",
                                st(status)
                            ),
                            url,
                        );
                    }
                }
            }
            let mut out = Outcome::new(Verdict::Ok, st(status), url);
            if let (false, Some(body)) = (fragments.is_empty(), &hop.body) {
                let is_html = hop
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_none_or(|ct| ct.contains("html"));
                if is_html {
                    let ids = crate::util::html::html_ids(&String::from_utf8_lossy(body));
                    for f in fragments {
                        if defines(&ids, f) {
                            out.found_anchors.push(f.to_string());
                        } else if !hop.truncated {
                            // A truncated page cannot prove an anchor missing.
                            out.missing_anchors.push(f.to_string());
                        }
                    }
                }
            }
            return out;
        }
        let code = status.as_u16();
        let (verdict, note) = match code {
            404 | 410 => (Verdict::Dead, ""),
            429 => (Verdict::Unverified, ""),
            403 => (Verdict::Unverified, " (the host refuses robots; open it in a browser)"),
            401 | 407 => (Verdict::Unverified, " (needs a login)"),
            408 => (Verdict::Unverified, ""),
            // Only 404 and 410 say the page is gone. Other refusals (400, 406,
            // 418, 451...) are as often answers to robots as to the URL, and a
            // build must not fail on them: report them, let a person look.
            400..=499 => (Verdict::Unverified, " (the server refused the request; open it in a browser)"),
            500..=599 => (Verdict::Unverified, ""),
            _ => (Verdict::Unverified, " (unexpected status)"),
        };
        Outcome::new(verdict, format!("{}{note}", st(status)), url)
    }
}

pub(super) fn st(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(r) => format!("{} {r}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

pub(super) fn location(headers: &HeaderMap, base: &Url) -> Option<Url> {
    let loc = headers.get(header::LOCATION)?.to_str().ok()?;
    let mut next = base.join(loc.trim()).ok()?;
    next.set_fragment(None);
    Some(next)
}
