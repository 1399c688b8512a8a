//! Per-host adaptive window: how many requests one host gets at once, and when.
//!
//! Each host starts with its full limit (`max_per_host`, or the host's own
//! `concurrency`). A 429 or 503 says the host is overwhelmed: its window is
//! halved (down to 1) and the host is paused as a whole, for its `Retry-After`
//! or a backoff, so its other links do not pile on. One halving per pause: the
//! answers to requests already on their way when the pause began say nothing
//! new. Any other answer is a success; after a run of [`GROW_AFTER`] times the
//! window's size of them, the window grows back by one slot, up to the limit.
//!
//! When a pause ends, the requests that waited for it are released one after
//! the other, [`stagger`] apart, not as a burst that would earn the next 429.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// Successes, in multiples of the window, after which the window grows by one.
pub const GROW_AFTER: usize = 2;

/// The gap between requests released after a pause: a quarter of the first
/// retry backoff (250 ms by default), at most a second.
pub(super) fn stagger(backoff: Duration) -> Duration {
    (backoff / 4).min(Duration::from_secs(1))
}

/// Every host's gate, for one run.
pub(super) struct Gates {
    map: Mutex<HashMap<String, Arc<Gate>>>,
    gap: Duration,
}

impl Gates {
    pub(super) fn new(gap: Duration) -> Self {
        Gates { map: Mutex::new(HashMap::new()), gap }
    }

    /// `host`'s gate; `limit` is its window at most (set by the first caller).
    pub(super) fn get(&self, host: &str, limit: usize) -> Arc<Gate> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(map.entry(host.to_string()).or_insert_with(|| {
            let limit = limit.max(1);
            Arc::new(Gate {
                state: Mutex::new(State {
                    limit,
                    window: limit,
                    in_flight: 0,
                    successes: 0,
                    resume: None,
                    next_release: None,
                }),
                notify: Notify::new(),
                gap: self.gap,
            })
        }))
    }
}

pub(super) struct Gate {
    state: Mutex<State>,
    /// Woken when a slot frees up or the window grows.
    notify: Notify,
    gap: Duration,
}

struct State {
    limit: usize,
    window: usize,
    in_flight: usize,
    successes: usize,
    /// Paused until then.
    resume: Option<Instant>,
    /// The earliest a request may go out, while releases are being staggered.
    next_release: Option<Instant>,
}

/// A request's place in its host's window, given back on drop.
pub(super) struct Slot {
    gate: Arc<Gate>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.gate.lock().in_flight -= 1;
        self.gate.notify.notify_waiters();
    }
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for a slot of the window, then for the end of any pause, then for
    /// this request's turn among those the pause held back.
    pub(super) async fn acquire(self: &Arc<Self>) -> Slot {
        loop {
            // Registered before looking, so a slot freed in between still wakes us.
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                if s.in_flight < s.window {
                    s.in_flight += 1;
                    break;
                }
            }
            notified.await;
        }
        let slot = Slot { gate: Arc::clone(self) };
        let mut waited = false;
        loop {
            let at = {
                let mut s = self.lock();
                let now = Instant::now();
                let paused = s.resume.filter(|r| *r > now);
                // Only requests a pause holds are staggered, once: a request that
                // comes after the pause goes out at once (its window slot is the
                // limit), or one request per gap would go out for as long as the
                // host has links queued (84 s for 200 links per host).
                let staggered =
                    if waited || paused.is_none() { None } else { s.next_release.filter(|r| *r > now) };
                let at = paused.max(staggered);
                if let Some(at) = at {
                    s.next_release = Some(at + self.gap);
                }
                at
            };
            match at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => return slot,
            }
            waited = true;
        }
    }

    /// The host is overwhelmed (429, 503): halve the window, pause for `after`.
    pub(super) fn congested(&self, after: Duration) {
        let mut s = self.lock();
        let now = Instant::now();
        if s.resume.is_none_or(|r| r <= now) {
            s.window = (s.window / 2).max(1);
        }
        s.successes = 0;
        self.pause_locked(&mut s, now + after);
    }

    /// The host asked to wait (a `Retry-After` on another status), no more.
    pub(super) fn pause(&self, after: Duration) {
        let mut s = self.lock();
        self.pause_locked(&mut s, Instant::now() + after);
    }

    fn pause_locked(&self, s: &mut State, until: Instant) {
        s.resume = Some(s.resume.map_or(until, |r| r.max(until)));
    }

    /// The host answered normally.
    pub(super) fn success(&self) {
        let grew = {
            let mut s = self.lock();
            s.successes += 1;
            let grow = s.window < s.limit && s.successes >= GROW_AFTER * s.window;
            if grow {
                s.window += 1;
                s.successes = 0;
            }
            grow
        };
        if grew {
            self.notify.notify_waiters();
        }
    }

    #[cfg(test)]
    fn window(&self) -> usize {
        self.lock().window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_window_halves_once_per_pause_and_grows_back() {
        let gates = Gates::new(Duration::from_millis(100));
        let g = gates.get("h.test", 8);
        g.congested(Duration::from_millis(20));
        g.congested(Duration::from_millis(20)); // same pause: answers already on their way
        assert_eq!(g.window(), 4);
        tokio::time::sleep(Duration::from_millis(30)).await;
        g.congested(Duration::from_millis(1));
        assert_eq!(g.window(), 2);
        for _ in 0..GROW_AFTER * 2 {
            g.success();
        }
        assert_eq!(g.window(), 3);
        for _ in 0..1000 {
            g.success();
        }
        assert_eq!(g.window(), 8, "never past the limit");
    }

    #[tokio::test]
    async fn a_request_after_the_pause_is_not_staggered() {
        let gap = Duration::from_secs(1);
        let g = Gates::new(gap).get("h.test", 4);
        g.pause(Duration::from_millis(20));
        let mut held = Vec::new();
        for _ in 0..3 {
            let g = Arc::clone(&g);
            held.push(tokio::spawn(async move {
                let _slot = g.acquire().await;
            }));
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        // The pause is over; the three it held go out a second apart. A new
        // request takes the free slot of the window at once.
        let start = Instant::now();
        let _slot = g.acquire().await;
        assert!(start.elapsed() < Duration::from_millis(500), "waited {:?}", start.elapsed());
        for t in held {
            t.await.unwrap();
        }
    }

    #[tokio::test]
    async fn requests_after_a_pause_are_staggered() {
        let gap = Duration::from_millis(50);
        let g = Gates::new(gap).get("h.test", 4);
        let start = Instant::now();
        let pause = Duration::from_millis(100);
        g.pause(pause);
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let g = Arc::clone(&g);
            tasks.push(tokio::spawn(async move {
                let _slot = g.acquire().await;
                Instant::now()
            }));
        }
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.unwrap());
        }
        at.sort();
        // each released a gap after the one before: not before its turn (sleeps never end early)
        for (i, t) in at.iter().enumerate() {
            let turn = pause + gap * i as u32;
            assert!(*t - start >= turn, "request {i} released after {:?}, its turn was {turn:?}", *t - start);
        }
    }
}
