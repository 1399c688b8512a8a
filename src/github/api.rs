//! A small layer over octocrab: the repository's typed handlers, the few raw
//! calls they leave, and errors that carry the HTTP status so callers can
//! tell a race (409/422) from a missing permission (403) from a broken network.
//!
//! Callers use octocrab's handlers and models (`Api::checks`, `Api::git`,
//! `Api::repos`, `Api::pulls`) through `Api::send`, which classifies
//! their failures. Where octocrab has no handler for a request, or its handler
//! sends something else than the request daybook means, the caller sends it
//! raw (`get`, `post`, `put`, `delete` with its own request body, still reading
//! octocrab's response model where one fits) and says why in a `// raw:`
//! comment at the call.

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use octocrab::Octocrab;
use octocrab::checks::ChecksHandler;
use octocrab::git::GitHandler;
use octocrab::pulls::PullRequestHandler;
use octocrab::repos::RepoHandler;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `owner/name` of a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub(crate) owner: String,
    pub(crate) name: String,
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl FromStr for Repo {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('/') {
            Some((o, n)) if !o.is_empty() && !n.is_empty() && !n.contains('/') => {
                Ok(Repo { owner: o.to_owned(), name: n.to_owned() })
            }
            _ => Err(format!("`{s}` is not an `owner/name` repository")),
        }
    }
}

impl Repo {
    /// Read `owner/name` from a GitHub remote URL (`https://host/o/n(.git)`,
    /// `git@host:o/n.git`, `ssh://git@host/o/n`).
    pub(crate) fn from_remote_url(url: &str) -> Option<Repo> {
        let url = url.trim().trim_end_matches('/');
        let url = url.strip_suffix(".git").unwrap_or(url);
        let path = if let Some((_, rest)) = url.split_once("://") {
            rest.split_once('/')?.1
        } else if let Some((_, rest)) = url.split_once(':') {
            rest
        } else {
            return None;
        };
        let mut parts = path.rsplitn(3, '/');
        let name = parts.next()?;
        let owner = parts.next()?;
        format!("{owner}/{name}").parse().ok()
    }
}

/// A failed GitHub API call.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ApiError {
    #[error("GitHub API: {method} {route} answered {status}: {message}")]
    #[diagnostic(
        code(daybook::github::api),
        help(
            "check the token's permissions (contents: write to commit, checks: write for check runs) and GITHUB_API_URL"
        )
    )]
    Status { method: &'static str, route: String, status: u16, message: String },

    #[error("GitHub API: {method} {route} failed: {message}")]
    #[diagnostic(
        code(daybook::github::network),
        help("is GITHUB_API_URL reachable from here? Re-run the job; nothing was committed")
    )]
    Transport { method: &'static str, route: String, message: String },

    #[error("GitHub API: {route} returned an unexpected body: {message}")]
    #[diagnostic(code(daybook::github::shape))]
    Shape { route: String, message: String },

    #[error("could not set up the GitHub client for {url}: {message}")]
    #[diagnostic(
        code(daybook::github::client),
        help("GITHUB_API_URL must be an http(s) URL such as https://api.github.com")
    )]
    Client { url: String, message: String },
}

impl ApiError {
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// 403: no permission. (A 404, which GitHub answers instead for private
    /// resources a token may not see, stays an error: it also means a wrong
    /// repository, branch or `GITHUB_API_URL`.)
    pub(crate) fn is_forbidden(&self) -> bool {
        matches!(self.status(), Some(403))
    }

    pub(crate) fn message(&self) -> String {
        match self {
            ApiError::Status { message, .. }
            | ApiError::Transport { message, .. }
            | ApiError::Shape { message, .. }
            | ApiError::Client { message, .. } => message.clone(),
        }
    }
}

/// The default API root when `GITHUB_API_URL` is unset.
pub(crate) const DEFAULT_API_URL: &str = "https://api.github.com";

/// An authenticated client for one repository.
pub struct Api {
    crab: Octocrab,
    /// `GITHUB_API_URL` without its trailing `/`.
    base: String,
    pub(crate) repo: Repo,
}

impl Api {
    /// `api_url` is `GITHUB_API_URL` (e.g. `https://ghe.example.com/api/v3`); its
    /// path is kept, so Enterprise Server routes resolve.
    ///
    /// Call it inside the tokio runtime that will drive the requests: octocrab
    /// spawns its connection worker on the current runtime when it is built.
    pub fn new(api_url: &str, token: &str, repo: Repo) -> Result<Api, ApiError> {
        // reqwest (links) and octocrab both use rustls; make ring the process-wide
        // provider so neither has to guess. An already installed provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client_err = |message: String| ApiError::Client { url: api_url.to_owned(), message };
        let crab = Octocrab::builder()
            .base_uri(api_url.trim_end_matches('/'))
            .map_err(|e| client_err(e.to_string()))?
            .personal_token(token.to_owned())
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(60)))
            .build()
            .map_err(|e| client_err(e.to_string()))?;
        Ok(Api { crab, base: api_url.trim_end_matches('/').to_owned(), repo })
    }

    /// `/repos/{owner}/{name}{rest}`.
    pub(crate) fn route(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.repo.owner, self.repo.name)
    }

    /// octocrab's Checks API of the repository.
    pub(crate) fn checks(&self) -> ChecksHandler<'_> {
        self.crab.checks(&self.repo.owner, &self.repo.name)
    }

    /// octocrab's Git database API (refs, blobs, trees, commits) of the repository.
    pub(crate) fn git(&self) -> GitHandler<'_> {
        self.crab.git(&self.repo.owner, &self.repo.name)
    }

    /// octocrab's repository API (compare).
    pub(crate) fn repos(&self) -> RepoHandler<'_> {
        self.crab.repos(&self.repo.owner, &self.repo.name)
    }

    /// octocrab's pull request API (reviews, review comments).
    pub(crate) fn pulls(&self) -> PullRequestHandler<'_> {
        self.crab.pulls(&self.repo.owner, &self.repo.name)
    }

    /// Await one of octocrab's typed requests, its failure classified like
    /// the raw calls' and naming `method` and the repository route `rest`
    /// (which only labels the error: octocrab builds the request itself).
    pub(crate) async fn send<T>(
        &self,
        method: &'static str,
        rest: &str,
        request: impl Future<Output = octocrab::Result<T>>,
    ) -> Result<T, ApiError> {
        request.await.map_err(|e| classify(method, &self.route(rest), e))
    }

    // The raw calls, for what octocrab's handlers do not fit; `route` is a
    // full route (`self.route(..)`), `R` octocrab's response model where it has one.

    pub(crate) async fn get<R: DeserializeOwned>(&self, route: &str) -> Result<R, ApiError> {
        let r = self.crab.get::<R, _, ()>(route, None).await;
        r.map_err(|e| classify("GET", route, e))
    }

    pub(crate) async fn post<B, R>(&self, route: &str, body: &B) -> Result<R, ApiError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let r = self.crab.post::<B, R>(route, Some(body)).await;
        r.map_err(|e| classify("POST", route, e))
    }

    pub(crate) async fn put<B, R>(&self, route: &str, body: &B) -> Result<R, ApiError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let r = self.crab.put::<R, _, B>(route, Some(body)).await;
        r.map_err(|e| classify("PUT", route, e))
    }

    /// `DELETE`, for endpoints that answer 204 with no body (which
    /// octocrab's typed `delete` would fail to parse).
    pub(crate) async fn delete(&self, route: &str) -> Result<(), ApiError> {
        let uri = format!("{}{route}", self.base);
        let r = match self.crab._delete(uri.as_str(), None::<&()>).await {
            Ok(resp) => octocrab::map_github_error(resp).await.map(|_| ()),
            Err(e) => Err(e),
        };
        r.map_err(|e| classify("DELETE", route, e))
    }
}

fn classify(method: &'static str, route: &str, e: octocrab::Error) -> ApiError {
    match e {
        octocrab::Error::GitHub { source, .. } => ApiError::Status {
            method,
            route: route.to_owned(),
            status: source.status_code.as_u16(),
            message: source.message.clone(),
        },
        octocrab::Error::Json { source, .. } => ApiError::Shape {
            route: route.to_owned(),
            message: format!("`{}`: {}", source.path(), source.inner()),
        },
        // How octocrab reports a page (a JSON array) it could not read.
        octocrab::Error::Serde { source, .. } => {
            ApiError::Shape { route: route.to_owned(), message: source.to_string() }
        }
        other => ApiError::Transport { method, route: route.to_owned(), message: other.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_from_remote_urls() {
        let r = |s: &str| Repo::from_remote_url(s).map(|r| r.to_string());
        assert_eq!(r("https://github.com/me/notes.git").as_deref(), Some("me/notes"));
        assert_eq!(r("https://x-access-token:t@github.com/me/notes").as_deref(), Some("me/notes"));
        assert_eq!(r("git@github.com:me/notes.git").as_deref(), Some("me/notes"));
        assert_eq!(r("ssh://git@ghe.corp/org/notes/").as_deref(), Some("org/notes"));
        assert_eq!(r("/tmp/bare.git"), None);
        assert!("a/b/c".parse::<Repo>().is_err());
        assert!("a".parse::<Repo>().is_err());
    }
}
