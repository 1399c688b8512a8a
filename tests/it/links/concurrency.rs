//! How many requests are in flight at once, per host and in all, and a host
//! paused as a whole by a 429.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use daybook::links::{LinksConfig, Verdict};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{fast_config, options, run, static_lookup};

/// A plain HTTP/1.1 server that counts requests in flight exactly: a request is
/// counted from the moment its head is read until just *before* its response is
/// written, so a client can never see a response (and send the next request)
/// while the server still counts the previous one. Timing only decides how long
/// requests overlap, never what is counted.
struct InFlightServer {
    addr: std::net::SocketAddr,
    max: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl InFlightServer {
    async fn start(delay: Duration) -> Self {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let now = Arc::new(AtomicUsize::new(0));
        let max = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let (now2, max2, total2) = (Arc::clone(&now), Arc::clone(&max), Arc::clone(&total));
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let (now, max, total) = (Arc::clone(&now2), Arc::clone(&max2), Arc::clone(&total2));
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        if !super::next_request_head(&mut sock, &mut buf).await {
                            return;
                        }
                        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                        max.fetch_max(n, Ordering::SeqCst);
                        total.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(delay).await;
                        now.fetch_sub(1, Ordering::SeqCst);
                        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                        if sock.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        InFlightServer { addr, max, total }
    }
}

#[tokio::test]
async fn per_host_concurrency_is_limited() {
    let s = InFlightServer::start(Duration::from_millis(100)).await;
    let mut cfg = fast_config();
    cfg.max_per_host = 3;
    let urls: Vec<String> = (0..15).map(|i| format!("http://{}/p{i}", s.addr)).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    assert_eq!(s.total.load(Ordering::SeqCst), 15);
    let seen = s.max.load(Ordering::SeqCst);
    assert!(seen <= 3, "the server saw {seen} requests at once");
    assert!(seen >= 2, "the limit is a limit, not serial checking (saw {seen})");
}

#[tokio::test]
async fn the_global_limit_holds_across_hosts() {
    // Five host names on one server: each host may have 8 in flight, the run 2.
    let s = InFlightServer::start(Duration::from_millis(60)).await;
    let mut cfg = fast_config();
    cfg.max_concurrency = 2;
    let mut opts = options(&cfg, true);
    let hosts = ["a.test", "b.test", "c.test", "d.test", "e.test"];
    opts.lookup = static_lookup(&hosts);
    let urls: Vec<String> =
        (0..15).map(|i| format!("http://{}:{}/p{i}", hosts[i % 5], s.addr.port())).collect();
    let (_, r) = run(&urls, opts).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    assert_eq!(s.total.load(Ordering::SeqCst), 15);
    let seen = s.max.load(Ordering::SeqCst);
    assert!(seen <= 2, "the server saw {seen} requests at once");
    assert_eq!(seen, 2, "the limit is a limit, not serial checking");
}

#[tokio::test]
async fn per_host_setting_overrides_the_default_limit() {
    let s = InFlightServer::start(Duration::from_millis(60)).await;
    let cfg: LinksConfig =
        yaml_serde::from_str("max_per_host: 8\nhosts:\n  slow.test:\n    concurrency: 1\n").unwrap();
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&["slow.test"]);
    let urls: Vec<String> = (0..6).map(|i| format!("http://slow.test:{}/p{i}", s.addr.port())).collect();
    run(&urls, opts).await;
    assert_eq!(s.total.load(Ordering::SeqCst), 6);
    assert_eq!(s.max.load(Ordering::SeqCst), 1);
}

/// Records when each request arrived and answers 429 to the first one.
struct FirstIsRateLimited {
    seen: Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
}

impl Respond for FirstIsRateLimited {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        seen.push(std::time::Instant::now());
        if seen.len() == 1 {
            ResponseTemplate::new(429).insert_header("retry-after", "1")
        } else {
            ResponseTemplate::new(200)
        }
    }
}

#[tokio::test]
async fn a_429_pauses_the_whole_host() {
    let s = MockServer::start().await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    Mock::given(any()).respond_with(FirstIsRateLimited { seen: Arc::clone(&seen) }).mount(&s).await;
    let mut cfg = fast_config();
    cfg.max_per_host = 1;
    let urls: Vec<String> = (0..4).map(|i| format!("{}/p{i}", s.uri())).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 5);
    for later in &seen[1..] {
        // no other link of the host is asked before Retry-After has passed
        assert!(*later - seen[0] >= Duration::from_millis(950), "{:?}", *later - seen[0]);
    }
}
