//! Repository links through the GitHub REST API (`GET /repos/{owner}/{repo}`),
//! used when a token is present: github.com answers robots with 429s and
//! login walls, the API answers with the repository's state.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use super::check::{Attempt, Checker, Outcome, Request, Verdict, location, st};
use super::retry::{finish, ratelimit_reset, retry_after};

/// The GitHub REST API, used for repository links when a token is present.
#[derive(Debug, Clone)]
pub struct GithubApi {
    /// `https://api.github.com`, or `GITHUB_API_URL`.
    pub(crate) api: Url,
    /// Hosts whose `/{owner}/{repo}` links are repositories (`github.com`, the
    /// `GITHUB_SERVER_URL` host).
    pub(crate) web_hosts: Vec<String>,
    /// The token; sent to the API host only.
    pub(crate) token: Option<String>,
}

impl GithubApi {
    /// The API at `api_url` (default `https://api.github.com`), with the host
    /// of `server_url` as a web host beside github.com, and the token sent to
    /// the API host only. Fails when either URL does not parse.
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
    pub(crate) fn repo_of(&self, url: &Url) -> Option<(String, String)> {
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

    pub(super) fn is_api_origin(&self, url: &Url) -> bool {
        url.origin() == self.api.origin()
    }
}

fn host_key(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{}:{p}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    }
}

impl Checker {
    /// A repository link, through `GET {api}/repos/{owner}/{repo}`.
    pub(super) async fn check_github_repo(&self, req: &Request, owner: &str, repo: &str) -> Outcome {
        let Some(endpoint) = self.opts.github.endpoint(owner, repo) else {
            return Outcome::new(Verdict::Unverified, "could not build the GitHub API URL", &req.url);
        };
        let mut extra = HeaderMap::new();
        extra.insert(header::ACCEPT, HeaderValue::from_static("application/vnd.github+json"));
        extra.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
        let mut attempt = 0;
        loop {
            let (out, after) = self.github_attempt(&endpoint, &extra, &req.url, attempt).await;
            match after {
                Some(after)
                    if attempt < self.opts.settings.retries
                        && after <= self.opts.settings.retry_after_max =>
                {
                    attempt += 1;
                    tokio::time::sleep(after).await;
                }
                _ => return finish(out, attempt > 0, attempt + 1),
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
        for _ in 0..=self.opts.settings.max_redirects {
            let follow_up = attempt > 0 || url != *endpoint;
            let hop = match self.hop(&url, &mut { Method::GET }, None, Some(extra), follow_up).await {
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
}
