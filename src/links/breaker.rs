//! Per-host circuit breaker: a host that times out or refuses the connection
//! [`BREAK_AFTER`] times in a row is not asked again while it stays that way.
//!
//! Without it a black-holed host with a few hundred links costs every one of
//! them `retries + 1` full timeouts (and as many connections the host never
//! answers), in its few per-host slots: minutes of a CI run for nothing. With
//! it, the links still queued for the host are reported at once: unverified
//! when the host timed out, dead when it only ever refused the connection (a
//! refusal is the host's answer for every path: nothing listens there, which is
//! what a link whose every attempt is refused is already reported as).
//!
//! The failures of one URL alone do not cut that URL's own retries short: a
//! single link to a host that is down gets every attempt it always got (and a
//! host that refuses every one of them is still a dead link). It takes the
//! failures of other links of the host to show the host, not the page, is down.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

use super::check::Verdict;

/// Timeouts or refused connections in a row after which a host is not asked again.
pub const BREAK_AFTER: u32 = 3;

/// How a request to the host failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    Timeout,
    Refused,
}

/// The failures of one host since its last answer.
#[derive(Debug, Default)]
struct Streak {
    timeouts: u32,
    refused: u32,
    /// The one URL every failure of the streak was for, while there is only one.
    only: Option<String>,
    several: bool,
}

impl Streak {
    fn len(&self) -> u32 {
        self.timeouts + self.refused
    }

    fn verdict(&self) -> (Verdict, String) {
        let n = self.len();
        match (self.timeouts, self.refused) {
            (0, _) => {
                (Verdict::Dead, format!("connection refused (the host refused {n} connections in a row)"))
            }
            (_, 0) => (Verdict::Unverified, format!("host not answering ({n} timeouts in a row)")),
            _ => (
                Verdict::Unverified,
                format!("host not answering ({n} timeouts or refused connections in a row)"),
            ),
        }
    }
}

/// Every host's streak, for one run.
#[derive(Debug, Default)]
pub(super) struct Breakers {
    hosts: Mutex<HashMap<String, Streak>>,
}

impl Breakers {
    /// The host answered (with any status): it is up, whatever it said.
    pub(super) fn answered(&self, host: &str) {
        self.lock().remove(host);
    }

    /// Count a failure; returns what the host's other links are now reported
    /// as when this failure is the one that broke it.
    pub(super) fn failed(&self, host: &str, url: &Url, how: Failure) -> Option<(Verdict, String)> {
        let mut hosts = self.lock();
        let s = hosts.entry(host.to_string()).or_default();
        match how {
            Failure::Timeout => s.timeouts += 1,
            Failure::Refused => s.refused += 1,
        }
        match &s.only {
            None if !s.several => s.only = Some(url.as_str().to_string()),
            Some(u) if u != url.as_str() => {
                s.only = None;
                s.several = true;
            }
            _ => {}
        }
        (s.len() == BREAK_AFTER).then(|| s.verdict())
    }

    /// What to report for `url` instead of asking: its host is broken, by
    /// failures not all its own.
    pub(super) fn broken(&self, url: &Url) -> Option<(Verdict, String)> {
        let host = url.host_str()?.to_ascii_lowercase();
        let hosts = self.lock();
        let s = hosts.get(&host)?;
        let own = s.only.as_deref() == Some(url.as_str());
        (s.len() >= BREAK_AFTER && !own).then(|| s.verdict())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Streak>> {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_host_breaks_on_failures_of_several_links_and_heals_on_an_answer() {
        let b = Breakers::default();
        let (one, two) = (u("http://h.test/1"), u("http://h.test/2"));
        for i in 1..=BREAK_AFTER {
            let broke = b.failed("h.test", &one, Failure::Timeout);
            assert_eq!(broke.is_some(), i == BREAK_AFTER, "the failure that breaks the host says so, once");
        }
        // a link's own failures do not cut its own retries short
        assert_eq!(b.broken(&one), None);
        let why = |b: &Breakers, url| b.broken(url).map(|(v, why)| (v, why.to_string()));
        let unverified = |s: &str| Some((Verdict::Unverified, s.to_string()));
        assert_eq!(why(&b, &two), unverified("host not answering (3 timeouts in a row)"));
        b.failed("h.test", &two, Failure::Refused);
        assert_eq!(
            why(&b, &one),
            unverified("host not answering (4 timeouts or refused connections in a row)")
        );
        assert_eq!(b.broken(&u("http://other.test/1")), None);
        b.answered("h.test");
        assert_eq!(b.broken(&two), None);
        for url in [&one, &two, &one] {
            b.failed("h.test", url, Failure::Refused);
        }
        let dead =
            Some((Verdict::Dead, "connection refused (the host refused 3 connections in a row)".to_string()));
        assert_eq!(why(&b, &one), dead);
    }
}
