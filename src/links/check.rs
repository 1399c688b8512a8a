//! The HTTP side of the external link checker: one [`Checker`] per run, one
//! call of [`Checker::check`] per unique URL.
//!
//! Redirects are followed here, not by reqwest, so that every hop is checked
//! against the address policy, a loop is recognised as a loop, per-host headers
//! and the GitHub token go to the hop's own host only, and each hop waits for a
//! slot of its own host. A hop takes its host's slot before a global one: a task
//! waiting for a busy host then holds nothing the other hosts need.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regex::Regex;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio::sync::Semaphore;
use url::Url;

use super::config::{HostConfig, LinksConfig, MethodChoice, SoftVerdict, StatusSpec};
use super::net::{FilteringResolver, Lookup, ResolveError, is_public};

/// Bytes of an HTML page read to look for an anchor (anchors sit anywhere in a page).
const ANCHOR_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What became of one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    /// Gone for good: 404, 410, unknown host, refused connection, soft 404.
    Dead,
    /// Could not be decided: timeouts, 5xx, 429, robot blocks.
    Unverified,
    /// Not fetched by policy (non-public address).
    Skipped,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
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
    pub verdict: Verdict,
    /// The status or failure, e.g. `404 Not Found`, `timed out (4 attempts)`.
    pub detail: String,
    /// The last HTTP status seen, if any.
    pub status: Option<u16>,
    /// Where the redirects ended (the URL itself when there were none).
    pub final_url: Url,
    pub redirects: usize,
    /// Answered from the cache, no request sent.
    pub cached: bool,
    /// Fragments asked about that the page does not define (only for `Ok` pages).
    pub missing_anchors: Vec<String>,
    /// Fragments asked about that the page does define.
    pub found_anchors: Vec<String>,
}

impl Outcome {
    fn new(verdict: Verdict, detail: impl Into<String>, final_url: &Url) -> Self {
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
    pub url: Url,
    pub fragments: BTreeSet<String>,
    /// It was dead last run: ask with GET at once (a HEAD failure would be confirmed by GET anyway).
    pub failed_before: bool,
}

/// The GitHub REST API, used for repository links when a token is present.
#[derive(Debug, Clone)]
pub struct GithubApi {
    /// `https://api.github.com`, or `GITHUB_API_URL`.
    pub api: Url,
    /// Hosts whose `/{owner}/{repo}` links are repositories (`github.com`, the
    /// `GITHUB_SERVER_URL` host).
    pub web_hosts: Vec<String>,
    /// The token; sent to the API host only.
    pub token: Option<String>,
}

impl GithubApi {
    pub fn new(
        api_url: Option<&str>,
        server_url: Option<&str>,
        token: Option<String>,
    ) -> Result<Self, String> {
        let api_text = api_url.filter(|s| !s.trim().is_empty()).unwrap_or("https://api.github.com");
        let api =
            Url::parse(api_text).map_err(|e| format!("GITHUB_API_URL `{api_text}` is not a URL: {e}"))?;
        let mut web_hosts = vec!["github.com".to_string(), "www.github.com".to_string()];
        if let Some(server) = server_url.filter(|s| !s.trim().is_empty()) {
            let u =
                Url::parse(server).map_err(|e| format!("GITHUB_SERVER_URL `{server}` is not a URL: {e}"))?;
            if let Some(h) = u.host_str() {
                web_hosts.push(host_key(h, u.port()));
            }
        }
        Ok(GithubApi { api, web_hosts, token: token.filter(|t| !t.trim().is_empty()) })
    }

    /// `(owner, repo)` when `url` is a repository's home page.
    pub fn repo_of(&self, url: &Url) -> Option<(String, String)> {
        let host = url.host_str()?;
        if !self.web_hosts.iter().any(|h| *h == host_key(host, url.port())) {
            return None;
        }
        let segs: Vec<&str> = url.path_segments()?.collect();
        let segs: &[&str] = match segs.as_slice() {
            [a, b] | [a, b, ""] => &[a, b],
            _ => return None,
        };
        let (owner, repo) = (segs[0], segs[1].trim_end_matches(".git"));
        const RESERVED: &[&str] = &[
            "about",
            "apps",
            "collections",
            "customer-stories",
            "enterprise",
            "events",
            "explore",
            "features",
            "login",
            "marketplace",
            "notifications",
            "orgs",
            "organizations",
            "pricing",
            "pulls",
            "issues",
            "search",
            "security",
            "settings",
            "site",
            "sponsors",
            "topics",
            "trending",
            "users",
            "readme",
            "join",
            "new",
            "codespaces",
            "contact",
            "team",
            "solutions",
            "resources",
        ];
        let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !ok(owner) || !ok(repo) || RESERVED.contains(&owner.to_ascii_lowercase().as_str()) {
            return None;
        }
        Some((owner.to_string(), repo.to_string()))
    }

    fn endpoint(&self, owner: &str, repo: &str) -> Option<Url> {
        Url::parse(&format!("{}/repos/{owner}/{repo}", self.api.as_str().trim_end_matches('/'))).ok()
    }

    fn is_api_origin(&self, url: &Url) -> bool {
        url.origin() == self.api.origin()
    }
}

/// Everything a run needs to know, resolved from daybook.yml, flags and environment.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub max_concurrency: usize,
    pub max_per_host: usize,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_redirects: usize,
    pub retries: u32,
    pub backoff: Duration,
    pub backoff_max: Duration,
    pub retry_after_max: Duration,
    pub max_body_bytes: usize,
    pub accept: Vec<(u16, u16)>,
    pub anchors: bool,
    pub user_agent: String,
    pub allow_private: bool,
    pub lookup: Lookup,
    pub hosts: HostRules,
    /// The `hosts:` settings as written (stable JSON), for the cache fingerprint.
    pub hosts_digest: String,
    pub github: GithubApi,
    /// Use the GitHub API for repository links (when there is a token).
    pub github_api: bool,
}

impl CheckOptions {
    /// Options from the `links:` section, with `allow_private` and the GitHub settings given.
    pub fn from_config(cfg: &LinksConfig, allow_private: bool, github: GithubApi) -> Result<Self, String> {
        Ok(CheckOptions {
            max_concurrency: cfg.max_concurrency.max(1),
            max_per_host: cfg.max_per_host.max(1),
            connect_timeout: cfg.connect_timeout.0,
            timeout: cfg.timeout.0,
            max_redirects: cfg.max_redirects,
            retries: cfg.retries,
            backoff: cfg.retry_backoff.0,
            backoff_max: cfg.retry_backoff_max.0,
            retry_after_max: cfg.retry_after_max.0,
            max_body_bytes: cfg.max_body_bytes,
            accept: ranges(&cfg.accept)?,
            anchors: cfg.anchors,
            user_agent: cfg.user_agent.clone(),
            allow_private,
            lookup: Lookup::System,
            hosts: HostRules::new(&cfg.hosts)?,
            hosts_digest: serde_json::to_string(&cfg.hosts).unwrap_or_default(),
            github,
            github_api: cfg.github_api,
        })
    }
}

fn ranges(specs: &[StatusSpec]) -> Result<Vec<(u16, u16)>, String> {
    specs.iter().map(|s| s.range()).collect()
}

/// Per-host settings, compiled.
#[derive(Debug, Clone, Default)]
pub struct HostRules {
    exact: HashMap<String, Arc<HostRule>>,
    /// `*.example.com` entries as (".example.com", rule), longest suffix first.
    wildcard: Vec<(String, Arc<HostRule>)>,
}

#[derive(Debug)]
pub struct HostRule {
    method: Option<MethodChoice>,
    headers: HeaderMap,
    concurrency: Option<usize>,
    accept: Option<Vec<(u16, u16)>>,
    anchors: Option<bool>,
    soft: Vec<SoftMatcher>,
}

#[derive(Debug)]
struct SoftMatcher {
    verdict: SoftVerdict,
    phrases: Vec<String>,
    pattern: Option<Regex>,
    reason: Option<String>,
}

impl SoftMatcher {
    /// The phrase (or the pattern's match) found in `body`.
    fn find(&self, body: &str) -> Option<String> {
        if let Some(p) = self.phrases.iter().find(|p| body.contains(p.as_str())) {
            return Some(p.clone());
        }
        let m = self.pattern.as_ref()?.find(body)?;
        // Quote the tail of the match, which is where the deciding words are.
        let text: String = m.as_str().chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

impl HostRules {
    pub fn new(hosts: &std::collections::BTreeMap<String, HostConfig>) -> Result<Self, String> {
        let mut rules = HostRules::default();
        for (name, h) in hosts {
            let mut headers = HeaderMap::new();
            for (k, v) in &h.headers {
                let k = HeaderName::from_bytes(k.as_bytes()).map_err(|_| format!("bad header name `{k}`"))?;
                let v = HeaderValue::from_str(v).map_err(|_| format!("bad value for header `{k}`"))?;
                headers.insert(k, v);
            }
            let mut soft = Vec::new();
            // Unverified rules first: an anti-robot page is never a verdict on the page.
            let mut sorted: Vec<_> = h.soft_404.iter().collect();
            sorted.sort_by_key(|r| r.verdict != SoftVerdict::Unverified);
            for r in sorted {
                let pattern = match &r.pattern {
                    Some(p) => Some(Regex::new(p).map_err(|e| format!("bad regex `{p}`: {e}"))?),
                    None => None,
                };
                soft.push(SoftMatcher {
                    verdict: r.verdict,
                    phrases: r.phrases.clone(),
                    pattern,
                    reason: r.reason.clone(),
                });
            }
            let rule = Arc::new(HostRule {
                method: h.method,
                headers,
                concurrency: h.concurrency,
                accept: h.accept.as_deref().map(ranges).transpose()?,
                anchors: h.anchors,
                soft,
            });
            match name.strip_prefix("*.") {
                Some(suffix) => rules.wildcard.push((format!(".{}", suffix.to_ascii_lowercase()), rule)),
                None => {
                    rules.exact.insert(name.to_ascii_lowercase(), rule);
                }
            }
        }
        rules.wildcard.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Ok(rules)
    }

    pub fn get(&self, host: &str) -> Option<&Arc<HostRule>> {
        let host = host.to_ascii_lowercase();
        self.exact
            .get(&host)
            .or_else(|| self.wildcard.iter().find(|(s, _)| host.ends_with(s)).map(|(_, r)| r))
    }
}

fn host_key(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{}:{p}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    }
}

/// One run's HTTP machinery.
pub struct Checker {
    client: reqwest::Client,
    opts: CheckOptions,
    global: Semaphore,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Hosts that refused a HEAD with 405/501: later links there start with GET.
    head_refused: Mutex<HashSet<String>>,
    /// Hosts that asked to be left alone (429 + Retry-After) until the instant given.
    paused: Mutex<HashMap<String, tokio::time::Instant>>,
    requests: AtomicU64,
}

/// What one hop got back.
struct Hop {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    truncated: bool,
}

/// Why one hop got nothing back.
#[derive(Debug)]
enum HopError {
    /// Non-public address and private addresses are not allowed.
    Private(IpAddr),
    NotFound(String),
    Refused,
    Timeout,
    Tls(String),
    /// Resets, broken connections, transient DNS failures.
    Transient(String),
    Scheme(String),
}

/// How one attempt ended.
enum Attempt {
    Done(Outcome),
    /// Worth another attempt; `Outcome` is what to report if there is none.
    /// `get_next`: HEAD is not worth asking again (it failed, or GET already answered).
    Retry {
        last: Outcome,
        after: Option<Duration>,
        get_next: bool,
    },
}

impl Checker {
    pub fn new(opts: CheckOptions) -> Result<Self, String> {
        // reqwest is built without a default crypto provider; ring is the one we ship.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = FilteringResolver::new(opts.lookup.clone(), opts.allow_private);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .user_agent(opts.user_agent.clone())
            .dns_resolver(resolver.clone())
            // A proxy would resolve names itself, out of reach of the address policy.
            .no_proxy()
            .pool_max_idle_per_host(opts.max_per_host)
            .build()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))?;
        Ok(Checker {
            client,
            global: Semaphore::new(opts.max_concurrency),
            opts,
            hosts: Mutex::new(HashMap::new()),
            head_refused: Mutex::new(HashSet::new()),
            paused: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
        })
    }

    /// HTTP requests sent so far (every hop and retry counts).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Check every request, at most `max_concurrency` at a time; results in input order.
    pub async fn check_all(
        self: &Arc<Self>,
        requests: Vec<Request>,
        on_done: impl Fn(&Outcome) + Send + Sync + 'static,
    ) -> Vec<Outcome> {
        let on_done = Arc::new(on_done);
        let mut set = tokio::task::JoinSet::new();
        let n = requests.len();
        for (i, req) in requests.into_iter().enumerate() {
            let this = Arc::clone(self);
            let on_done = Arc::clone(&on_done);
            set.spawn(async move {
                let out = this.check(&req).await;
                on_done(&out);
                (i, out)
            });
        }
        let mut out: Vec<Option<Outcome>> = vec![None; n];
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((i, o)) => out[i] = Some(o),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {}
            }
        }
        out.into_iter().map(|o| o.expect("every task reports")).collect()
    }

    /// Check one URL: retries, redirects, fallbacks and all.
    pub async fn check(&self, req: &Request) -> Outcome {
        if !matches!(req.url.scheme(), "http" | "https") {
            return Outcome::new(Verdict::Ok, "not fetched (not http/https)", &req.url);
        }
        if self.opts.github_api
            && self.opts.github.token.is_some()
            && let Some((owner, repo)) = self.opts.github.repo_of(&req.url)
        {
            return self.check_github_repo(req, &owner, &repo).await;
        }
        let rule = req.url.host_str().and_then(|h| self.opts.hosts.get(h)).cloned();
        let anchors_on = rule.as_ref().and_then(|r| r.anchors).unwrap_or(self.opts.anchors);
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
        loop {
            match self.attempt(&req.url, use_get, needs_body, &fragments).await {
                Attempt::Done(out) => return finish(out, attempt),
                Attempt::Retry { last, after, get_next } => {
                    if attempt >= self.opts.retries {
                        return finish(last, attempt);
                    }
                    if let Some(after) = after.filter(|a| *a > self.opts.retry_after_max) {
                        let mut last = last;
                        last.detail = format!(
                            "{} (the server asks to retry after {}s, more than the {}s allowed)",
                            last.detail,
                            after.as_secs(),
                            self.opts.retry_after_max.as_secs()
                        );
                        return last;
                    }
                    let delay = after.unwrap_or_else(|| self.backoff(attempt));
                    attempt += 1;
                    use_get |= get_next;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Exponential backoff with "equal jitter": half the delay fixed, half random,
    /// so a burst of failures does not come back as a burst of retries.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.opts.backoff.saturating_mul(1u32 << attempt.min(16));
        let d = exp.min(self.opts.backoff_max);
        d / 2 + d.mul_f64(random_unit() / 2.0)
    }

    /// One attempt: a chain of hops, HEAD first unless `use_get`.
    async fn attempt(&self, start: &Url, use_get: bool, needs_body: bool, fragments: &[&String]) -> Attempt {
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
                    self.opts.max_body_bytes
                } else {
                    ANCHOR_BODY_BYTES.max(self.opts.max_body_bytes)
                }),
                _ => None,
            };
            let hop = self.hop(&url, &mut method, body_limit, None).await;
            let hop = match hop {
                Ok(h) => h,
                Err(e) => {
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
                if redirects > self.opts.max_redirects {
                    let mut o = Outcome::new(
                        Verdict::Unverified,
                        format!("more than {} redirects", self.opts.max_redirects),
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
                continue;
            }
            let mut out = self.judge(&url, &hop, fragments);
            out.redirects = redirects;
            out.status = Some(status.as_u16());
            return match out.verdict {
                Verdict::Unverified if retryable_status(status) => {
                    let after = retry_after(&hop.headers);
                    if let Some(after) = after.filter(|a| *a <= self.opts.retry_after_max) {
                        // Rate limits are per host: the host's other links wait too.
                        self.pause_host(&url, after);
                    }
                    Attempt::Retry { last: out, after, get_next: method == Method::GET }
                }
                _ => Attempt::Done(out),
            };
        }
    }

    fn pause_host(&self, url: &Url, after: Duration) {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let until = tokio::time::Instant::now() + after;
        let mut paused = self.paused.lock().unwrap_or_else(|e| e.into_inner());
        let slot = paused.entry(host).or_insert(until);
        *slot = (*slot).max(until);
    }

    fn has_soft_rules(&self, url: &Url) -> bool {
        url.host_str().and_then(|h| self.opts.hosts.get(h)).is_some_and(|r| !r.soft.is_empty())
    }

    fn head_refused(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        self.head_refused.lock().unwrap_or_else(|e| e.into_inner()).contains(&host)
    }

    fn accepts(&self, url: &Url, status: StatusCode) -> bool {
        let rule = url.host_str().and_then(|h| self.opts.hosts.get(h));
        let ranges = rule.and_then(|r| r.accept.as_ref()).unwrap_or(&self.opts.accept);
        ranges.iter().any(|(a, b)| (*a..=*b).contains(&status.as_u16()))
    }

    /// The verdict on a final (non-redirect) response.
    fn judge(&self, url: &Url, hop: &Hop, fragments: &[&String]) -> Outcome {
        let status = hop.status;
        if self.accepts(url, status) {
            let rule = url.host_str().and_then(|h| self.opts.hosts.get(h));
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
                    let ids = html_ids(body);
                    for f in fragments {
                        if ids.contains(f.as_str()) || ids.contains(&percent_decode(f)) {
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

    fn hop_error(&self, e: HopError, url: &Url, was_head: bool) -> Attempt {
        let done = |v, d: String| Attempt::Done(Outcome::new(v, d, url));
        let retry =
            // A HEAD that failed outright may be a server that mishandles HEAD.
            |v, d: &str| Attempt::Retry { last: Outcome::new(v, d, url), after: None, get_next: was_head };
        match e {
            HopError::Private(ip) => done(Verdict::Skipped, format!("{ip} is not a public address")),
            HopError::NotFound(name) => done(Verdict::Dead, format!("DNS name not found: {name}")),
            HopError::Scheme(s) => done(Verdict::Unverified, format!("cannot fetch a `{s}:` URL")),
            HopError::Tls(m) => done(Verdict::Unverified, format!("TLS error: {m}")),
            HopError::Refused => retry(Verdict::Dead, "connection refused"),
            HopError::Timeout => retry(Verdict::Unverified, "timed out"),
            HopError::Transient(m) => retry(Verdict::Unverified, &m),
        }
    }

    /// One request, holding a slot of the URL's host and a global slot.
    async fn hop(
        &self,
        url: &Url,
        method: &mut Method,
        body_limit: Option<usize>,
        extra: Option<&HeaderMap>,
    ) -> Result<Hop, HopError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HopError::Scheme(url.scheme().to_string()));
        }
        // IP literals never reach the resolver: apply the policy here.
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = ip
            && !self.opts.allow_private
            && !is_public(ip)
        {
            return Err(HopError::Private(ip));
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let rule = self.opts.hosts.get(&host).cloned();
        let host_sem = self.host_semaphore(&host, rule.as_ref().and_then(|r| r.concurrency));
        let _host_slot = host_sem.acquire().await.map_err(|_| HopError::Transient("shutting down".into()))?;
        let resume = self.paused.lock().unwrap_or_else(|e| e.into_inner()).get(&host).copied();
        if let Some(resume) = resume {
            tokio::time::sleep_until(resume).await;
        }
        let _slot = self.global.acquire().await.map_err(|_| HopError::Transient("shutting down".into()))?;
        // Decided only now: while this hop waited, another may have learnt the host refuses HEAD.
        if *method == Method::HEAD && self.head_refused(url) {
            *method = Method::GET;
        }

        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        );
        if let Some(rule) = &rule {
            headers.extend(rule.headers.clone());
        }
        if let Some(extra) = extra {
            headers.extend(extra.clone());
        }
        // The token goes to the API origin and nowhere else, whatever redirected us.
        // (An `Authorization` among a host's own `headers:` in daybook.yml is the
        // user's choice for that host, and only ever sent to it.)
        if self.opts.github.is_api_origin(url)
            && let Some(token) = &self.opts.github.token
            && let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {token}"))
        {
            v.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, v);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut resp = self
            .client
            .request(method.clone(), url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = None;
        let mut truncated = false;
        if let Some(limit) = body_limit {
            let mut buf = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) => {
                        let room = limit - buf.len();
                        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                        if buf.len() >= limit {
                            truncated = true;
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(classify(&e)),
                }
            }
            body = Some(buf);
        }
        Ok(Hop { status, headers, body, truncated })
    }

    fn host_semaphore(&self, host: &str, limit: Option<usize>) -> Arc<Semaphore> {
        let mut map = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            map.entry(host.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(limit.unwrap_or(self.opts.max_per_host).max(1)))),
        )
    }

    /// A repository link, through `GET {api}/repos/{owner}/{repo}`.
    async fn check_github_repo(&self, req: &Request, owner: &str, repo: &str) -> Outcome {
        let Some(endpoint) = self.opts.github.endpoint(owner, repo) else {
            return Outcome::new(Verdict::Unverified, "could not build the GitHub API URL", &req.url);
        };
        let mut extra = HeaderMap::new();
        extra.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
        extra.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
        let mut attempt = 0;
        loop {
            let (mut out, after) = self.github_attempt(&endpoint, &extra, &req.url, attempt).await;
            match after {
                Some(after) if attempt < self.opts.retries && after <= self.opts.retry_after_max => {
                    attempt += 1;
                    tokio::time::sleep(after).await;
                }
                _ => {
                    if attempt > 0 && out.verdict != Verdict::Ok {
                        out.detail = format!("{} ({} attempts)", out.detail, attempt + 1);
                    }
                    return out;
                }
            }
        }
    }

    /// One API request chain (renamed repositories answer 301). Returns the outcome
    /// and, when worth retrying, the delay before the retry.
    async fn github_attempt(
        &self,
        endpoint: &Url,
        extra: &HeaderMap,
        web: &Url,
        attempt: u32,
    ) -> (Outcome, Option<Duration>) {
        let mut url = endpoint.clone();
        for _ in 0..=self.opts.max_redirects {
            let hop = match self.hop(&url, &mut { Method::GET }, None, Some(extra)).await {
                Ok(h) => h,
                Err(e) => {
                    return match self.hop_error(e, &url, false) {
                        Attempt::Done(mut o) => {
                            o.detail = format!("GitHub API: {}", o.detail);
                            (o, None)
                        }
                        Attempt::Retry { mut last, .. } => {
                            last.detail = format!("GitHub API: {}", last.detail);
                            let d = self.backoff(attempt);
                            (last, Some(d))
                        }
                    };
                }
            };
            let status = hop.status;
            if status.is_redirection() {
                match location(&hop.headers, &url) {
                    Some(next) => {
                        url = next;
                        continue;
                    }
                    None => break,
                }
            }
            let code = status.as_u16();
            let out = |v, d: String| {
                let mut o = Outcome::new(v, format!("GitHub API: {d}"), web);
                o.status = Some(code);
                o
            };
            let rate_limited = matches!(code, 403 | 429)
                && (hop.headers.get("x-ratelimit-remaining").is_some_and(|v| v == "0")
                    || hop.headers.contains_key(header::RETRY_AFTER));
            return match code {
                200..=299 => (out(Verdict::Ok, st(status)), None),
                404 | 410 => (out(Verdict::Dead, format!("{} (no such repository)", st(status))), None),
                451 => (out(Verdict::Dead, format!("{} (repository access blocked)", st(status))), None),
                401 => (out(Verdict::Unverified, format!("{} (the token was rejected)", st(status))), None),
                _ if rate_limited => {
                    let after = retry_after(&hop.headers).or_else(|| ratelimit_reset(&hop.headers));
                    (out(Verdict::Unverified, format!("{} (rate limited)", st(status))), after)
                }
                500..=599 => (out(Verdict::Unverified, st(status)), Some(self.backoff(attempt))),
                _ => (out(Verdict::Unverified, st(status)), None),
            };
        }
        (Outcome::new(Verdict::Unverified, "GitHub API: too many redirects", web), None)
    }
}

/// Say how many attempts a failure took.
fn finish(mut out: Outcome, retries: u32) -> Outcome {
    if retries > 0 && out.verdict != Verdict::Ok {
        out.detail = format!("{} ({} attempts)", out.detail, retries + 1);
    }
    out
}

/// Whether a fragment names an element (not a text fragment, an SPA route or a
/// line range GitHub draws with JavaScript).
fn is_checkable_fragment(f: &str) -> bool {
    !(f.is_empty()
        || f.starts_with(":~:")
        || f.starts_with('/')
        || f.starts_with('!')
        || (f.starts_with('L')
            && f[1..].split('-').all(|p| p.trim_start_matches('L').parse::<u32>().is_ok())))
}

fn st(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(r) => format!("{} {r}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

fn location(headers: &HeaderMap, base: &Url) -> Option<Url> {
    let loc = headers.get(header::LOCATION)?.to_str().ok()?;
    let mut next = base.join(loc.trim()).ok()?;
    next.set_fragment(None);
    Some(next)
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// GitHub's `x-ratelimit-reset` (epoch seconds) as a delay.
fn ratelimit_reset(headers: &HeaderMap) -> Option<Duration> {
    let reset: i64 = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs((reset - chrono::Utc::now().timestamp()).max(1) as u64))
}

/// Sort a reqwest error into what the verdict needs to know.
fn classify(e: &reqwest::Error) -> HopError {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        // `io::Error::source()` skips the error it wraps: look inside.
        let mut layers = vec![err];
        if let Some(inner) = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            layers.push(inner);
        }
        for layer in layers {
            if let Some(r) = layer.downcast_ref::<ResolveError>() {
                return from_resolve(r);
            }
            if let Some(t) = layer.downcast_ref::<rustls::Error>() {
                return HopError::Tls(t.to_string());
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return HopError::Refused,
                std::io::ErrorKind::TimedOut => return HopError::Timeout,
                _ => {}
            }
        }
        cur = err.source();
    }
    if e.is_timeout() {
        return HopError::Timeout;
    }
    HopError::Transient(format!("connection failed: {}", describe(e)))
}

fn from_resolve(r: &ResolveError) -> HopError {
    match r {
        ResolveError::Private(ip) => HopError::Private(*ip),
        ResolveError::NotFound(n) => HopError::NotFound(n.clone()),
        ResolveError::Temporary(m) => HopError::Transient(format!("DNS lookup failed: {m}")),
    }
}

/// The innermost useful message of an error chain.
fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(err) = cur {
        msg = err.to_string();
        cur = err.source();
    }
    msg
}

/// `id` and `name` attribute values of an HTML page (GitHub's `user-content-`
/// prefix removed as well, since its pages link `#foo` to `id="user-content-foo"`).
pub fn html_ids(body: &[u8]) -> HashSet<String> {
    let mut ids = HashSet::new();
    let text = String::from_utf8_lossy(body);
    for token in html5gum::Tokenizer::new(text.as_ref()).flatten() {
        if let html5gum::Token::StartTag(tag) = token {
            for key in [&b"id"[..], &b"name"[..]] {
                if let Some(v) = tag.attributes.get(key) {
                    let v = String::from_utf8_lossy(&v.value).into_owned();
                    if let Some(bare) = v.strip_prefix("user-content-") {
                        ids.insert(bare.to_string());
                    }
                    ids.insert(v);
                }
            }
        }
    }
    ids
}

/// `%E4%BB%8A` -> `今`; invalid sequences are kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A number in [0, 1) from the standard library's randomly keyed hasher
/// (jitter needs no more than that).
fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_repo_links() {
        let gh = GithubApi::new(None, Some("http://127.0.0.1:8080"), Some("t".into())).unwrap();
        let repo = |u: &str| gh.repo_of(&Url::parse(u).unwrap());
        assert_eq!(repo("https://github.com/csjliang/LPTN"), Some(("csjliang".into(), "LPTN".into())));
        assert_eq!(repo("https://github.com/a/b/"), Some(("a".into(), "b".into())));
        assert_eq!(repo("https://github.com/a/b.git"), Some(("a".into(), "b".into())));
        assert_eq!(repo("http://127.0.0.1:8080/o/r"), Some(("o".into(), "r".into())));
        assert_eq!(repo("https://github.com/a/b/blob/main/x.py"), None);
        assert_eq!(repo("https://github.com/topics/rust"), None);
        assert_eq!(repo("https://github.com/a"), None);
        assert_eq!(repo("https://gitlab.com/a/b"), None);
        assert_eq!(gh.api.as_str(), "https://api.github.com/");
    }

    #[test]
    fn fragments_worth_checking() {
        assert!(is_checkable_fragment("installation"));
        assert!(is_checkable_fragment("Lemma"));
        assert!(!is_checkable_fragment("L10"));
        assert!(!is_checkable_fragment("L10-L20"));
        assert!(!is_checkable_fragment(":~:text=foo"));
        assert!(!is_checkable_fragment("/settings"));
        assert_eq!(percent_decode("%E4%BB%8A%E6%97%A5-x%2"), "今日-x%2");
    }

    #[test]
    fn ids_from_html() {
        let ids = html_ids(
            br##"<h2 id="usage">U</h2><a name=old></a><a id="user-content-install" href="#install">"##,
        );
        for id in ["usage", "old", "install", "user-content-install"] {
            assert!(ids.contains(id), "{id}");
        }
    }

    #[test]
    fn host_rules_match_exact_then_wildcard() {
        let cfg: LinksConfig = yaml_serde::from_str(
            "hosts:\n  '*.example.com': {concurrency: 1}\n  a.example.com: {concurrency: 2}\n",
        )
        .unwrap();
        let rules = HostRules::new(&cfg.hosts).unwrap();
        assert_eq!(rules.get("a.example.com").unwrap().concurrency, Some(2));
        assert_eq!(rules.get("B.example.com").unwrap().concurrency, Some(1));
        assert!(rules.get("example.com").is_none());
        assert!(!rules.get("mp.weixin.qq.com").unwrap().soft.is_empty());
    }

    #[test]
    fn wechat_rules_judge_bodies() {
        let rules = HostRules::new(&LinksConfig::default().hosts).unwrap();
        let rule = rules.get("mp.weixin.qq.com").unwrap();
        let first = |body: &str| rule.soft.iter().find_map(|m| m.find(body).map(|f| (m.verdict, f)));
        assert_eq!(first("<div>该内容已被发布者删除</div>").unwrap().0, SoftVerdict::Dead);
        assert_eq!(first("<p>环境异常</p><p>完成验证后即可继续访问</p>").unwrap().0, SoftVerdict::Unverified);
        let (v, f) =
            first("<div class=\"weui-msg global_error_msg warn\">\n  <p>内容不存在</p>\n</div>").unwrap();
        assert_eq!(v, SoftVerdict::Dead);
        assert!(f.contains("内容不存在"), "{f}");
        // the generic words inside an article are not a verdict
        assert!(first("<div id=\"js_content\"><p>如果内容不存在就返回空</p></div>").is_none());
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }
}
