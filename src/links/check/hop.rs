//! One request on the wire: the address policy, the host's and the global
//! slot, the headers (the GitHub token to the API origin only), the body read up
//! to its limit, and what the answer tells the host's window and breaker.

use std::net::IpAddr;
use std::sync::atomic::Ordering;

use reqwest::Method;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use super::super::breaker::{Breakers, Failure};
use super::super::net::{classify, from_resolve, is_public};
use super::super::retry::{retry_after, retryable_status};
use super::super::window::{Gate, Slot};
use super::{Attempt, Checker, Hop, HopError, HostEvent, Outcome, Verdict};

impl Checker {
    pub(in crate::links) fn hop_error(&self, e: HopError, url: &Url, was_head: bool) -> Attempt {
        let done = |v, d: String| Attempt::Done(Outcome::new(v, d, url));
        let retry =
            // A HEAD that failed outright may be a server that mishandles HEAD.
            |v, d: &str| Attempt::Retry {
                last: Outcome::new(v, d, url),
                after: None,
                get_next: was_head,
                lone_busy: false,
            };
        match e {
            HopError::Private(ip) => done(Verdict::Skipped, format!("{ip} is not a public address")),
            HopError::NotFound(name) => done(Verdict::Dead, format!("DNS name not found: {name}")),
            HopError::Scheme(s) => done(Verdict::Unverified, format!("cannot fetch a `{s}:` URL")),
            HopError::Tls(m) => done(Verdict::Unverified, format!("TLS error: {m}")),
            HopError::HostDown(verdict, why) => done(verdict, why),
            HopError::Refused => retry(Verdict::Dead, "connection refused"),
            HopError::Timeout => retry(Verdict::Unverified, "timed out"),
            HopError::Transient(m) => retry(Verdict::Unverified, &m),
        }
    }

    /// One request, holding a slot of the URL's host and a global slot. A
    /// `follow_up` (any request of a link after its first) goes before the
    /// host's links that have not started (see [`Gate::acquire`]).
    pub(in crate::links) async fn hop(
        &self,
        url: &Url,
        method: &mut Method,
        body_limit: Option<usize>,
        extra: Option<&HeaderMap>,
        follow_up: bool,
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
        if ip.is_none()
            && let Some(name) = url.host_str()
        {
            self.resolver.resolve_host(name).await.map_err(|e| from_resolve(&e))?;
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let down = |b: &Breakers| b.broken(url).map_or(Ok(()), |(v, why)| Err(HopError::HostDown(v, why)));
        down(&self.breakers)?;
        let rule = self.opts.settings.hosts.get(&host).cloned();
        let gate = self.gates.get(&host, self.host_limit(&host));
        // The window, any pause of the host and the staggered release after it.
        let host_slot = gate.acquire(follow_up).await;
        // While this hop waited for a slot, the host's other links may have found it down.
        down(&self.breakers)?;
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
        let asked = tokio::time::Instant::now();
        let sent = self.client.request(method.clone(), url.clone()).headers(headers).send().await;
        let lone_busy;
        let mut resp = match sent {
            Ok(r) => {
                self.breakers.answered(&host);
                gate.answered_in(asked.elapsed());
                lone_busy = self.adapt(&host, &gate, &host_slot, &r);
                r
            }
            Err(e) => {
                let e = classify(&e);
                let broke = match e {
                    HopError::Timeout => self.breakers.failed(&host, url, Failure::Timeout),
                    HopError::Refused => self.breakers.failed(&host, url, Failure::Refused),
                    _ => None,
                };
                if let Some((_, why)) = broke {
                    let _ = self.events.send(HostEvent::Broken { host: host.clone(), why });
                }
                return Err(e);
            }
        };
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
        Ok(Hop { status, headers, body, truncated, lone_busy })
    }

    /// What an answer tells the host's window: a 429, or a 503 that is not a
    /// lone one, brings it down and pauses the host (its `Retry-After`, or a
    /// backoff); a `Retry-After` on another retried status pauses it; anything
    /// else is a success. Returns whether the answer was a lone 503 (see
    /// [`Gate::lone_busy`]): only its own link waits, shortly.
    fn adapt(&self, host: &str, gate: &Gate, slot: &Slot, resp: &reqwest::Response) -> bool {
        let status = resp.status();
        let after = retry_after(resp.headers()).filter(|a| *a <= self.opts.settings.retry_after_max);
        let lone = status == StatusCode::SERVICE_UNAVAILABLE && after.is_none() && gate.lone_busy();
        let paused = if lone {
            None
        } else if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
            let wait = after.unwrap_or_else(|| self.backoff(0));
            gate.congested(slot, wait);
            Some(wait)
        } else if let (true, Some(after)) = (retryable_status(status), after) {
            gate.pause(after);
            Some(after)
        } else {
            gate.success();
            None
        };
        if let Some(wait) = paused {
            let _ = self.events.send(HostEvent::Paused { host: host.to_string(), wait });
        }
        lone
    }
}
