//! Per-host adaptive window: how many requests one host gets at once, and when.
//!
//! Each host starts with its full limit (`max_per_host`, or the host's own
//! `concurrency`). A 429, or a 503 that is not [lone](Gate::lone_busy), says the
//! host is overwhelmed: its window is halved (rounding up, down to 1) and the
//! host is paused as a whole, for its `Retry-After` or a backoff, so its other
//! links do not pile on. One halving per signal: the answers to requests sent
//! before the last halving say nothing new about the window, only about how many
//! the host took. That they do say: a request refused when it went out as the
//! n-th in flight shows the host takes fewer than n, and the window comes down
//! to n - 1 (a host answering 429 above 2 in flight is asked for 2 after its
//! first burst of 429s, not for 4 and then 2).
//!
//! Any other answer is a success; after a run of [`GROW_RUN`] of them the window
//! grows back by one slot, up to the limit, so a host that was busy for a
//! moment is soon asked at its full limit again. Growing to the size the host
//! last refused is a probe, and each refusal doubles the run a probe waits
//! for: a host that holds to its limit (and asks for a second's pause with
//! each 429) is not probed every few links.
//!
//! When a pause ends, the requests that waited for it are released one after
//! the other, not as a burst that would earn the next 429: spread over one of
//! the host's answer times (its smoothed latency, at most the pause), as a
//! window of that size would send them anyway.
//!
//! A slot that frees up is handed to the request whose turn it is, and only
//! that request is woken: waking every request waiting for the host at each
//! answer, to let one of them through, cost a third of the CPU time of a run
//! of 5,000 links on 25 hosts (0.6 s, now 0.35 s).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// Successes in a row after which the window grows by one slot.
pub(crate) const GROW_RUN: usize = 4;

/// Refusals after which the run a probe waits for stops doubling
/// ([`GROW_RUN`] × 2⁵ = 128 successes).
const MAX_STRIKES: u32 = 5;

/// The answers a host's business is judged on (see [`Gate::lone_busy`]).
const RECENT: u32 = 8;

/// Every host's gate, for one run.
#[derive(Default)]
pub(super) struct Gates {
    map: Mutex<HashMap<String, Arc<Gate>>>,
}

impl Gates {
    /// `host`'s gate; `limit` is its window at most (set by the first caller).
    pub(super) fn get(&self, host: &str, limit: usize) -> Arc<Gate> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(map.entry(host.to_string()).or_insert_with(|| Arc::new(Gate::new(limit))))
    }

    /// How long `host` takes to answer (smoothed), once it has answered.
    pub(super) fn answer_time(&self, host: &str) -> Option<Duration> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(host).and_then(|g| g.lock().latency)
    }
}

pub(super) struct Gate {
    state: Mutex<State>,
}

/// A request waiting for a slot: told when one is its own.
type Waiter = oneshot::Sender<()>;

struct State {
    limit: usize,
    window: usize,
    /// Slots taken, including those waiting out a pause.
    in_flight: usize,
    /// Requests released and not back yet.
    out: usize,
    /// Waiting for a slot, in their order of arrival: follow-ups, served
    /// first, and new links. Nobody waits while the window has a free slot.
    follow_ups: VecDeque<Waiter>,
    new_links: VecDeque<Waiter>,
    /// Successes since the window last changed.
    run: usize,
    /// Halvings so far: a refusal of a request sent before the last one is no news.
    epoch: u64,
    /// The fewest requests in flight the host refused; past the limit when none.
    ceiling: usize,
    /// Refusals so far: each doubles the run a probe of the ceiling waits for.
    strikes: u32,
    /// The host's last [`RECENT`] answers, newest in the low bit: 1 for a 429 or 503.
    recent: u32,
    /// How many of `recent` are answers (fewer than [`RECENT`] at first).
    answers: u32,
    /// Smoothed time the host takes to answer.
    latency: Option<Duration>,
    /// Paused until then, for this long.
    resume: Option<Instant>,
    pause_len: Duration,
    /// The earliest a request may go out, while releases are being staggered.
    next_release: Option<Instant>,
}

/// A request's place in its host's window, given back on drop.
pub(super) struct Slot {
    gate: Arc<Gate>,
    /// The window's halvings when the request went out.
    epoch: u64,
    /// Requests out when it went out, itself included (0 until it goes).
    position: usize,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut s = self.gate.lock();
        s.in_flight -= 1;
        if self.position > 0 {
            s.out -= 1;
        }
        s.hand_out();
    }
}

/// A request's place in the queue of [`Gate::acquire`]. Dropped before its
/// turn came (the request given up), it keeps nobody waiting: the queue skips
/// it, and a slot handed to it in the meantime goes to the next in turn.
struct Turn<'a> {
    gate: &'a Gate,
    told: oneshot::Receiver<()>,
    served: bool,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        self.told.close();
        if self.told.try_recv().is_ok() {
            let mut s = self.gate.lock();
            s.in_flight -= 1;
            s.hand_out();
        }
    }
}

impl Gate {
    fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Gate {
            state: Mutex::new(State {
                limit,
                window: limit,
                in_flight: 0,
                out: 0,
                follow_ups: VecDeque::new(),
                new_links: VecDeque::new(),
                run: 0,
                epoch: 0,
                ceiling: limit + 1,
                strikes: 0,
                recent: 0,
                answers: 0,
                latency: None,
                resume: None,
                pause_len: Duration::ZERO,
                next_release: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for a slot of the window, then for the end of any pause, then for
    /// this request's turn among those the pause held back.
    ///
    /// A `follow_up` (any request of a link after its first: the GET that
    /// double-checks a failed HEAD, a retry, a redirect hop) takes a free slot
    /// before the host's links that have not started. A link begun is finished
    /// first: queued behind the host's new links, a 404's GET or a busy page's
    /// retry waited up to 1.9 s in a 2.4 s run, and the last of them went out
    /// after the host's other work was done, each adding its own answer time
    /// (and a retry's backoff) to the end of the run.
    pub(super) async fn acquire(self: &Arc<Self>, follow_up: bool) -> Slot {
        let told = {
            let mut s = self.lock();
            if s.in_flight < s.window {
                // A free slot means nobody waits (see `State::hand_out`).
                s.in_flight += 1;
                None
            } else {
                let (tell, told) = oneshot::channel();
                if follow_up {
                    s.follow_ups.push_back(tell)
                } else {
                    s.new_links.push_back(tell)
                }
                Some(told)
            }
        };
        if let Some(told) = told {
            let mut turn = Turn { gate: self, told, served: false };
            // The sender is dropped unsent only with the gate, which this call holds.
            let _ = (&mut turn.told).await;
            turn.served = true;
        }
        let mut slot = Slot { gate: Arc::clone(self), epoch: 0, position: 0 };
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
                    s.next_release = Some(at + s.gap());
                } else {
                    s.out += 1;
                    slot.position = s.out;
                    slot.epoch = s.epoch;
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

    /// The host answered `slot`'s request after `took`.
    pub(super) fn answered_in(&self, took: Duration) {
        let mut s = self.lock();
        s.latency = Some(s.latency.map_or(took, |l| (l * 7 + took) / 8));
    }

    /// A 503 without `Retry-After`: whether it is a lone one, the page's
    /// rather than the host's. A page can be busy while its host answers its
    /// other pages: then only that page is asked again, shortly, and the host
    /// is neither paused nor its window halved (one such page in four made a
    /// 200-link host take 40 s instead of 2.5). It is the host's when 429s and
    /// 503s are at least two and more than half of its last [`RECENT`] answers:
    /// not "the previous answer", since a window's answers come back in any
    /// order, and two lone 503s of one window often come back one after the other.
    pub(super) fn lone_busy(&self) -> bool {
        let mut s = self.lock();
        s.record(true);
        let busy = s.recent.count_ones();
        !(busy >= 2 && 2 * busy > s.answers)
    }

    /// The host is overwhelmed (429, 503) by `slot`'s request: bring the window
    /// down, pause the host for `after`.
    pub(super) fn congested(&self, slot: &Slot, after: Duration) {
        let mut s = self.lock();
        s.run = 0;
        let refused_at = slot.position.max(1);
        s.ceiling = s.ceiling.min(refused_at);
        if slot.epoch == s.epoch {
            s.window = s.window.div_ceil(2);
            s.epoch += 1;
            s.strikes = (s.strikes + 1).min(MAX_STRIKES);
        }
        s.window = s.window.min(refused_at - 1).max(1);
        pause_locked(&mut s, after);
    }

    /// The host asked to wait (a `Retry-After` on another status), no more.
    pub(super) fn pause(&self, after: Duration) {
        pause_locked(&mut self.lock(), after);
    }

    /// The host answered normally.
    pub(super) fn success(&self) {
        let mut s = self.lock();
        s.record(false);
        s.run += 1;
        let probe = s.window + 1 >= s.ceiling;
        let needed = if probe { GROW_RUN << s.strikes } else { GROW_RUN };
        if s.window < s.limit && s.run >= needed {
            s.window += 1;
            s.run = 0;
            if probe {
                // Asked for as many as it last refused: what it says next is news.
                s.ceiling = s.limit + 1;
            }
            s.hand_out();
        }
    }

    #[cfg(test)]
    fn window(&self) -> usize {
        self.lock().window
    }
}

fn pause_locked(s: &mut State, after: Duration) {
    let until = Instant::now() + after;
    if s.resume.is_none_or(|r| r < until) {
        s.resume = Some(until);
        s.pause_len = after;
    }
}

impl State {
    /// Give the window's free slots to the requests waiting, follow-ups first,
    /// each queue in its order, and wake only those. Called whenever a slot
    /// frees up or the window grows, so nobody waits while a slot is free.
    fn hand_out(&mut self) {
        while self.in_flight < self.window {
            let Some(next) = self.follow_ups.pop_front().or_else(|| self.new_links.pop_front()) else {
                break;
            };
            // A request given up while waiting is skipped.
            if next.send(()).is_ok() {
                self.in_flight += 1;
            }
        }
    }

    fn record(&mut self, busy: bool) {
        self.recent = ((self.recent << 1) | busy as u32) & ((1 << RECENT) - 1);
        self.answers = (self.answers + 1).min(RECENT);
    }

    /// The gap between requests released after a pause: one answer time of
    /// the host (at most the pause) spread over the window.
    fn gap(&self) -> Duration {
        let span = self.latency.map_or(self.pause_len, |l| l.min(self.pause_len));
        span / self.window.max(1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_window_halves_once_per_signal_and_grows_back_one_slot_per_run() {
        let g = Arc::new(Gate::new(8));
        let mut burst = Vec::new();
        for _ in 0..8 {
            burst.push(g.acquire(false).await);
        }
        // Two refusals of the same burst, the 8th and 7th out: one halving; the
        // host took at least 6, so the position caps nothing here.
        g.congested(&burst[7], Duration::from_millis(1));
        g.congested(&burst[6], Duration::from_millis(1));
        assert_eq!(g.window(), 4);
        drop(burst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let later = g.acquire(false).await;
        g.congested(&later, Duration::from_millis(1)); // sent after the halving: news
        assert_eq!(
            g.window(),
            1,
            "halved to 2, and refused as the first out: the host takes fewer than 1 (so 1)"
        );
        drop(later);
        // growing back: to the size refused (2) is a probe, after a run doubled
        // per refusal so far (2); past it, one slot per run
        for _ in 0..GROW_RUN * 4 {
            g.success();
        }
        assert_eq!(g.window(), 2);
        for _ in 0..GROW_RUN {
            g.success();
        }
        assert_eq!(g.window(), 3);
        for _ in 0..10_000 {
            g.success();
        }
        assert_eq!(g.window(), 8, "never past the limit");
    }

    #[tokio::test]
    async fn a_refusal_says_how_many_the_host_takes_and_probes_wait_longer_each_time() {
        let g = Arc::new(Gate::new(8));
        let mut burst = Vec::new();
        for _ in 0..8 {
            burst.push(g.acquire(false).await);
        }
        // a host taking 2: the 3rd..8th out are refused, in any order
        for i in [5, 2, 7, 3, 4, 6] {
            g.congested(&burst[i], Duration::ZERO);
        }
        assert_eq!(g.window(), 2, "the 3rd out was refused");
        drop(burst);
        // below the size refused, growth would be fast; at it, the run is doubled per strike (1 so far)
        for _ in 0..GROW_RUN * 2 - 1 {
            g.success();
        }
        assert_eq!(g.window(), 2);
        g.success();
        assert_eq!(g.window(), 3, "the probe");
        let a = g.acquire(false).await;
        let b = g.acquire(false).await;
        let c = g.acquire(false).await;
        g.congested(&c, Duration::ZERO);
        assert_eq!(g.window(), 2, "the probe refused: back to what the host takes");
        drop((a, b, c));
        for _ in 0..GROW_RUN * 4 - 1 {
            g.success();
        }
        assert_eq!(g.window(), 2, "the next probe waits twice as long");
        g.success();
        assert_eq!(g.window(), 3);
    }

    #[test]
    fn a_503_is_the_hosts_when_most_of_its_recent_answers_are() {
        let g = Gate::new(8);
        assert!(g.lone_busy(), "one answer, one 503: the page's");
        assert!(!g.lone_busy(), "two of two");
        let g = Gate::new(8);
        // one page in four busy, two of them back to back: still the pages'
        for busy in [false, false, true, true, false, false, false, false, false, true, false, false, true] {
            if busy {
                assert!(g.lone_busy());
            } else {
                g.success();
            }
        }
        // a host turning busy: 5 of its last 8
        for _ in 0..2 {
            assert!(g.lone_busy());
        }
        assert!(!g.lone_busy());
        assert_eq!(g.window(), 8, "recording is not halving");
    }

    #[tokio::test]
    async fn a_link_already_under_way_goes_before_the_hosts_new_links() {
        let g = Arc::new(Gate::new(1));
        let held = g.acquire(false).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, follow_up) in [("new 1", false), ("new 2", false), ("GET after a HEAD", true)] {
            let (g, order) = (Arc::clone(&g), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let _slot = g.acquire(follow_up).await;
                order.lock().unwrap().push(name);
                tokio::task::yield_now().await;
            }));
            // each waits before the next comes
            tokio::task::yield_now().await;
        }
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["GET after a HEAD", "new 1", "new 2"]);
    }

    #[tokio::test]
    async fn a_freed_slot_wakes_the_one_request_it_goes_to_not_every_waiter() {
        // Every waiting request of a host was once woken at each answer, for
        // one of them to take the slot: here 860 polls for 40 slots.
        let g = Arc::new(Gate::new(1));
        let held = g.acquire(false).await;
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (served, mut turns) = tokio::sync::mpsc::unbounded_channel();
        let waiters = 40;
        for i in 0..waiters {
            let (g, polls, served) = (Arc::clone(&g), Arc::clone(&polls), served.clone());
            tokio::spawn(async move {
                let mut acquire = std::pin::pin!(g.acquire(i % 4 == 3));
                let slot = std::future::poll_fn(|cx| {
                    polls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    acquire.as_mut().poll(cx)
                })
                .await;
                served.send((i, slot)).unwrap();
            });
            tokio::task::yield_now().await;
        }
        drop(held);
        let mut order = Vec::new();
        for _ in 0..waiters {
            let (i, slot) = turns.recv().await.unwrap();
            order.push(i);
            // every task woken by now has run before the slot is given back
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            drop(slot);
        }
        assert_eq!(
            polls.load(std::sync::atomic::Ordering::Relaxed),
            2 * waiters,
            "each waiter polled once to queue and once when its turn came"
        );
        // in turn: the follow-ups (every 4th) first, then the new links, each in arrival order
        let follow_ups = (0..waiters).filter(|i| i % 4 == 3);
        let new = (0..waiters).filter(|i| i % 4 != 3);
        assert_eq!(order, follow_ups.chain(new).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_request_given_up_while_waiting_keeps_no_slot_and_nobody_waiting() {
        let g = Arc::new(Gate::new(1));
        let held = g.acquire(false).await;
        let waiter = |follow_up| {
            let g = Arc::clone(&g);
            tokio::spawn(async move {
                let _slot = g.acquire(follow_up).await;
            })
        };
        let gone_early = waiter(true);
        let handed_then_gone = waiter(false);
        let last = waiter(false);
        tokio::task::yield_now().await;
        // given up before its turn: skipped
        gone_early.abort();
        assert!(gone_early.await.unwrap_err().is_cancelled());
        // given up after the slot was handed to it, before it ran: the slot goes on
        drop(held);
        handed_then_gone.abort();
        assert!(handed_then_gone.await.unwrap_err().is_cancelled());
        // (a guard against hanging, not a timing: the slot it waits for is free)
        tokio::time::timeout(Duration::from_secs(10), last).await.expect("the slot went on").unwrap();
        let s = g.lock();
        assert_eq!((s.in_flight, s.out), (0, 0), "every slot given back");
        assert!(s.follow_ups.is_empty() && s.new_links.is_empty());
    }

    #[tokio::test]
    async fn a_request_after_the_pause_is_not_staggered() {
        let g = Arc::new(Gate::new(4));
        g.answered_in(Duration::from_secs(4)); // one second apart, once released
        g.pause(Duration::from_secs(4));
        g.lock().resume = Some(Instant::now() + Duration::from_millis(20));
        let mut held = Vec::new();
        for _ in 0..3 {
            let g = Arc::clone(&g);
            held.push(tokio::spawn(async move {
                let _slot = g.acquire(false).await;
            }));
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        // The pause is over; the three it held go out a second apart. A new
        // request takes the free slot of the window at once.
        let start = Instant::now();
        let _slot = g.acquire(false).await;
        assert!(start.elapsed() < Duration::from_millis(500), "waited {:?}", start.elapsed());
        for t in held {
            t.await.unwrap();
        }
    }

    #[tokio::test]
    async fn requests_after_a_pause_are_staggered_over_one_answer_time() {
        let g = Arc::new(Gate::new(4));
        g.answered_in(Duration::from_millis(200)); // 4 slots: one every 50 ms
        let start = Instant::now();
        let pause = Duration::from_millis(100);
        g.pause(pause);
        assert_eq!(
            g.lock().gap(),
            Duration::from_millis(25),
            "the answer time, at most the pause, over the window"
        );
        g.pause(Duration::from_secs(1));
        g.lock().resume = Some(start + pause);
        let gap = Duration::from_millis(50);
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let g = Arc::clone(&g);
            tasks.push(tokio::spawn(async move {
                let _slot = g.acquire(false).await;
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
