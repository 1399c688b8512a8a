//! Scheduling at the politeness floor: the per-host limit binds, not a global
//! one; a progress sink hears of hosts paused and broken; a warm run asks
//! only what failed before.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use daybook::links::{CacheMode, HostEvent, HumanDuration, Progress, Verdict, check_targets};
use wiremock::matchers::{any, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{fast_config, options, run, static_lookup, targets};

/// Requests in flight by `Host` header: now and the most seen at once, per
/// host and over all of them. A request counts from its head being read until
/// just before its answer is written, so counts never depend on timing.
#[derive(Default)]
struct Peaks {
    now: HashMap<String, usize>,
    peak: HashMap<String, usize>,
    total_now: usize,
    total_peak: usize,
}

async fn host_counting_server(delay: Duration) -> (u16, Arc<Mutex<Peaks>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peaks = Arc::new(Mutex::new(Peaks::default()));
    let shared = Arc::clone(&peaks);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let peaks = Arc::clone(&shared);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    buf.drain(..end);
                    let host = head
                        .lines()
                        .find_map(|l| l.strip_prefix("host:"))
                        .map(|h| h.trim().split(':').next().unwrap_or("").to_string())
                        .unwrap_or_default();
                    {
                        let mut p = peaks.lock().unwrap();
                        let n = {
                            let n = p.now.entry(host.clone()).or_default();
                            *n += 1;
                            *n
                        };
                        let peak = p.peak.entry(host.clone()).or_default();
                        *peak = (*peak).max(n);
                        p.total_now += 1;
                        p.total_peak = p.total_peak.max(p.total_now);
                    }
                    tokio::time::sleep(delay).await;
                    {
                        let mut p = peaks.lock().unwrap();
                        *p.now.get_mut(&host).unwrap() -= 1;
                        p.total_now -= 1;
                    }
                    let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                    if sock.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, peaks)
}

#[tokio::test]
async fn the_per_host_limit_binds_not_a_global_one() {
    // Ten hosts at 8 each and WeChat at its 4: 84 requests may be out at once,
    // more than the 64 the global limit once was.
    let (port, peaks) = host_counting_server(Duration::from_millis(800)).await;
    let mut hosts: Vec<String> = (0..10).map(|i| format!("h{i}.test")).collect();
    hosts.push("mp.weixin.qq.com".into());
    let mut cfg = fast_config();
    cfg.timeout = HumanDuration(Duration::from_secs(10));
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&hosts.iter().map(String::as_str).collect::<Vec<_>>());
    let urls: Vec<String> =
        (0..16 * hosts.len()).map(|i| format!("http://{}:{port}/p{i}", hosts[i % hosts.len()])).collect();
    let (_, r) = run(&urls, opts).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let p = peaks.lock().unwrap();
    for h in &hosts {
        let limit = if h.starts_with("mp.") { 4 } else { 8 };
        assert_eq!(p.peak.get(h.as_str()), Some(&limit), "{h}: {:?}", p.peak);
    }
    assert!(p.total_peak > 64, "every host at its limit at once, not capped at 64: {}", p.total_peak);
    assert!(p.total_peak <= 84, "{}", p.total_peak);
}

/// Every host event the checker reports.
#[derive(Default)]
struct Recorder(Mutex<Vec<HostEvent>>);

impl Progress for Recorder {
    fn host(&self, event: &HostEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

/// Accepts every connection and never answers.
async fn black_hole() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    port
}

#[tokio::test]
async fn the_progress_sink_hears_of_hosts_paused_and_broken() {
    let limited = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&limited)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&limited).await;
    let hole = black_hole().await;
    let mut cfg = fast_config();
    cfg.timeout = HumanDuration(Duration::from_millis(300));
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&["limited.test", "hole.test"]);
    let lport = limited.address().port();
    let mut urls: Vec<String> = (0..3).map(|i| format!("http://limited.test:{lport}/p{i}")).collect();
    urls.extend((0..6).map(|i| format!("http://hole.test:{hole}/p{i}")));
    let t = targets(&urls);
    let progress = Recorder::default();
    let r = check_targets(&t, opts, &CacheMode::Off, &progress).await.unwrap();
    assert!(r.outcomes[..3].iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let events = progress.0.into_inner().unwrap();
    assert!(
        events.iter().any(|e| matches!(e, HostEvent::Paused { host, wait }
            if host == "limited.test" && *wait == Duration::from_secs(1))),
        "{events:?}"
    );
    let broken: Vec<&HostEvent> = events.iter().filter(|e| matches!(e, HostEvent::Broken { .. })).collect();
    assert_eq!(broken.len(), 1, "a host breaks once: {events:?}");
    assert!(
        matches!(broken[0], HostEvent::Broken { host, why } if host == "hole.test" && why.starts_with("host not answering")),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_warm_run_asks_only_what_failed_before() {
    let s = MockServer::start().await;
    Mock::given(path_regex("^/dead")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    Mock::given(path_regex("^/busy")).respond_with(ResponseTemplate::new(503)).mount(&s).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CacheMode::File {
        path: dir.path().join(".daybook-cache.json"),
        max_age: Duration::from_secs(86_400),
    };
    let mut urls: Vec<String> = (0..12).map(|i| format!("{}/ok{i}", s.uri())).collect();
    urls.extend(["dead1", "dead2", "busy1"].map(|p| format!("{}/{p}", s.uri())));
    let t = targets(&urls);
    let first = check_targets(&t, options(&fast_config(), true), &cache, &super::NoProgress).await.unwrap();
    assert_eq!((first.tally.ok, first.tally.dead, first.tally.unverified), (12, 2, 1));
    let before = s.received_requests().await.unwrap().len();

    let second = check_targets(&t, options(&fast_config(), true), &cache, &super::NoProgress).await.unwrap();
    let asked: BTreeSet<String> =
        s.received_requests().await.unwrap()[before..].iter().map(|r| r.url.path().to_string()).collect();
    let failed: BTreeSet<String> = ["/busy1", "/dead1", "/dead2"].map(String::from).into();
    assert_eq!(asked, failed, "the successes come from the cache, the failures are asked again");
    assert_eq!(second.tally.cached, 12);
    assert_eq!((second.tally.dead, second.tally.unverified), (2, 1));
}

/// 503 without `Retry-After` to the first request for each path it is given,
/// 200 to everything else.
struct BusyOnce {
    paths: Vec<&'static str>,
    seen: Mutex<Vec<String>>,
}

impl Respond for BusyOnce {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let mut seen = self.seen.lock().unwrap();
        let first = !seen.contains(&path);
        seen.push(path.clone());
        if first && self.paths.contains(&path.as_str()) {
            ResponseTemplate::new(503)
        } else {
            ResponseTemplate::new(200)
        }
    }
}

/// The pauses a run over `urls` reports; every link must end ok.
async fn pauses(urls: &[String], cfg: &daybook::links::LinksConfig) -> Vec<HostEvent> {
    let progress = Recorder::default();
    let r = check_targets(&targets(urls), options(cfg, true), &CacheMode::Off, &progress).await.unwrap();
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let events = progress.0.into_inner().unwrap();
    events.into_iter().filter(|e| matches!(e, HostEvent::Paused { .. })).collect()
}

#[tokio::test]
async fn a_lone_503_on_a_host_that_answers_is_that_links_retry_not_a_pause_of_the_host() {
    // A page answering 503 once, among pages of its host that answer: the page
    // is asked again shortly; the host is not paused, its other links go on.
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(BusyOnce { paths: vec!["/p3"], seen: Mutex::default() }).mount(&s).await;
    let urls: Vec<String> = (0..9).map(|i| format!("{}/p{i}", s.uri())).collect();
    let paused = pauses(&urls, &fast_config()).await;
    assert_eq!(paused, [], "the host went on answering");
    let asked: Vec<String> =
        s.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect();
    assert_eq!(asked.iter().filter(|p| *p == "/p3").count(), 2, "{asked:?}");
}

#[tokio::test]
async fn a_host_answering_503_to_most_requests_is_paused() {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&s).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let mut cfg = fast_config();
    cfg.max_per_host = 1;
    let urls: Vec<String> = (0..3).map(|i| format!("{}/p{i}", s.uri())).collect();
    let paused = pauses(&urls, &cfg).await;
    assert_eq!(paused.len(), 1, "{paused:?}");
}
