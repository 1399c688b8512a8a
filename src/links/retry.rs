//! When to ask again, and how long to wait first.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

use super::check::{Outcome, Verdict};

/// Exponential backoff with "equal jitter": half the delay fixed, half random,
/// so a burst of failures does not come back as a burst of retries.
pub(super) fn backoff(first: Duration, max: Duration, attempt: u32) -> Duration {
    let exp = first.saturating_mul(1u32 << attempt.min(16));
    let d = exp.min(max);
    d / 2 + d.mul_f64(random_unit() / 2.0)
}

/// The delay before asking a page again after a lone 503 (the page's, not
/// its host's: see `Gate::lone_busy`). The first time, one of the host's
/// `answer_time`s, at most a quarter of `first`: the host is answering its
/// other pages meanwhile, and most such pages answer the next time. Waiting a
/// fixed 125-250 ms instead put that wait, and the request after it, at the end
/// of the run whenever a busy page was among a host's last (0.3 s of a 2.5 s
/// run). A page still busy after that waits the quarter backoff, doubled at each
/// attempt, however fast its host, as a page busy for more than a moment needs.
pub(super) fn lone_busy_backoff(
    first: Duration,
    max: Duration,
    answer_time: Option<Duration>,
    attempt: u32,
) -> Duration {
    let quarter = first / 4;
    match (attempt, answer_time) {
        (0, Some(t)) => backoff(t.min(quarter), max, 0),
        _ => backoff(quarter, max, attempt),
    }
}

/// Say how many attempts a failure took, when it was `retried`: `sent` is the
/// requests that got a final answer (or failed), so the count is the one the
/// server saw, a HEAD double-checked by GET counting twice.
pub(super) fn finish(mut out: Outcome, retried: bool, sent: u32) -> Outcome {
    if retried && out.verdict != Verdict::Ok {
        let s = if sent == 1 { "" } else { "s" };
        out.detail = format!("{} ({sent} attempt{s})", out.detail);
    }
    out
}

pub(super) fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

/// `Retry-After` as seconds or an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// GitHub's `x-ratelimit-reset` (epoch seconds) as a delay.
pub(super) fn ratelimit_reset(headers: &HeaderMap) -> Option<Duration> {
    let reset: i64 = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs((reset - chrono::Utc::now().timestamp()).max(1) as u64))
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
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn a_lone_503_is_asked_again_after_one_answer_time_of_its_host_then_backs_off() {
        let (first, max) = (Duration::from_secs(1), Duration::from_secs(20));
        let ms = Duration::from_millis;
        let within = |d: Duration, lo: u64, hi: u64| d >= ms(lo) && d <= ms(hi);
        for _ in 0..50 {
            let d = lone_busy_backoff(first, max, Some(ms(80)), 0);
            assert!(within(d, 40, 80), "a host answering in 80 ms: {d:?}");
            let d = lone_busy_backoff(first, max, Some(ms(3000)), 0);
            assert!(within(d, 125, 250), "a slow host: a quarter of the backoff at most, {d:?}");
            let d = lone_busy_backoff(first, max, None, 0);
            assert!(within(d, 125, 250), "no answer time known yet: {d:?}");
            // a page still busy: the quarter backoff, doubled per attempt, whatever the host's pace
            let d = lone_busy_backoff(first, max, Some(ms(80)), 1);
            assert!(within(d, 250, 500), "second retry: {d:?}");
            let d = lone_busy_backoff(first, max, Some(ms(80)), 2);
            assert!(within(d, 500, 1000), "third retry: {d:?}");
        }
    }

    #[test]
    fn backoff_stays_within_half_and_whole_of_the_capped_delay() {
        let (first, max) = (Duration::from_millis(100), Duration::from_millis(300));
        for attempt in 0..5 {
            let d = backoff(first, max, attempt);
            let cap = first.saturating_mul(1 << attempt).min(max);
            assert!(d >= cap / 2 && d <= cap, "attempt {attempt}: {d:?}");
        }
    }
}
