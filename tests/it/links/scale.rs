//! Behaviour at scale: compressed bodies judged like plain ones, attempt and
//! request counts that are the truth, Retry-After honoured on a HEAD too, and
//! a host that stops answering given up on instead of waited for link by link.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daybook::links::breaker::BREAK_AFTER;
use daybook::links::{HumanDuration, LinksConfig, Verdict};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{fast_config, one, options, requests, run, static_lookup};

fn gzip(body: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(body.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn brotli(body: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(body.as_bytes()).unwrap();
    }
    out
}

/// A 200 whose body is `bytes` sent with `Content-Encoding: encoding`, whatever was asked.
fn encoded(bytes: Vec<u8>, encoding: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(bytes, "text/html; charset=utf-8")
        .insert_header("content-encoding", encoding)
}

const PAGE: &str = "<html><body><h2 id=\"usage\">Usage</h2><p>text</p></body></html>";

#[tokio::test]
async fn anchors_are_found_in_gzip_and_brotli_pages() {
    let s = MockServer::start().await;
    Mock::given(path("/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PAGE, "text/html; charset=utf-8"))
        .mount(&s)
        .await;
    Mock::given(path("/gz")).respond_with(encoded(gzip(PAGE), "gzip")).mount(&s).await;
    Mock::given(path("/br")).respond_with(encoded(brotli(PAGE), "br")).mount(&s).await;
    let urls: Vec<String> = ["plain", "gz", "br"]
        .iter()
        .flat_map(|p| [format!("{}/{p}#usage", s.uri()), format!("{}/{p}#nope", s.uri())])
        .collect();
    let (t, r) = run(&urls, options(&fast_config(), true)).await;
    assert_eq!(t.len(), 3);
    for o in &r.outcomes {
        assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
        assert_eq!(o.found_anchors, ["usage"], "{o:?}");
        assert_eq!(o.missing_anchors, ["nope"], "{o:?}");
    }
    // the client says what it can decode
    for req in s.received_requests().await.unwrap() {
        let ae = req.headers.get("accept-encoding").unwrap().to_str().unwrap().to_string();
        assert!(ae.contains("gzip") && ae.contains("br"), "{ae}");
    }
}

#[tokio::test]
async fn a_body_compressed_unasked_is_decoded() {
    // The request says `Accept-Encoding: identity`; the server gzips anyway.
    let s = MockServer::start().await;
    Mock::given(path("/gz")).respond_with(encoded(gzip(PAGE), "gzip")).mount(&s).await;
    let cfg: LinksConfig = yaml_serde::from_str(
        "retry_backoff: 10ms\nhosts:\n  127.0.0.1:\n    headers: {Accept-Encoding: identity}\n",
    )
    .unwrap();
    let urls = vec![format!("{}/gz#usage", s.uri()), format!("{}/gz#nope", s.uri())];
    let (_, r) = run(&urls, options(&cfg, true)).await;
    let o = &r.outcomes[0];
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    assert_eq!(
        (o.found_anchors.as_slice(), o.missing_anchors.as_slice()),
        (&["usage".to_string()][..], &["nope".to_string()][..])
    );
    let reqs = s.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].headers.get("accept-encoding").unwrap(), "identity");
}

#[tokio::test]
async fn soft_404_rules_match_compressed_pages() {
    let s = MockServer::start().await;
    let deleted = "<html><body><div class=\"weui-msg\"><h2 class=\"weui-msg__title\">该内容已被发布者删除</h2></div></body></html>";
    let robot = "<html><body><p>环境异常</p><p>当前环境异常，完成验证后即可继续访问。</p></body></html>";
    Mock::given(path("/s/deleted-gz")).respond_with(encoded(gzip(deleted), "gzip")).mount(&s).await;
    Mock::given(path("/s/deleted-br")).respond_with(encoded(brotli(deleted), "br")).mount(&s).await;
    Mock::given(path("/s/robot-gz")).respond_with(encoded(gzip(robot), "gzip")).mount(&s).await;
    Mock::given(path("/s/robot-br")).respond_with(encoded(brotli(robot), "br")).mount(&s).await;
    let mut opts = options(&fast_config(), true);
    opts.lookup = static_lookup(&["mp.weixin.qq.com"]);
    let base = format!("http://mp.weixin.qq.com:{}", s.address().port());
    let urls: Vec<String> = ["deleted-gz", "deleted-br", "robot-gz", "robot-br"]
        .iter()
        .map(|p| format!("{base}/s/{p}"))
        .collect();
    let (_, r) = run(&urls, opts).await;
    let verdicts: Vec<Verdict> = r.outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Dead, Verdict::Dead, Verdict::Unverified, Verdict::Unverified],
        "{:?}",
        r.outcomes
    );
    assert!(r.outcomes[..2].iter().all(|o| o.detail.contains("该内容已被发布者删除")), "{:?}", r.outcomes);
    assert!(r.outcomes[2..].iter().all(|o| o.detail.contains("环境异常")), "{:?}", r.outcomes);
}

/// Records each request's method and arrival; answers 503 + `Retry-After: 1` to the first `n`.
struct BusyFirst {
    n: usize,
    seen: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Respond for BusyFirst {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        seen.push((req.method.to_string(), Instant::now()));
        if seen.len() <= self.n {
            ResponseTemplate::new(503).insert_header("retry-after", "1")
        } else {
            ResponseTemplate::new(200)
        }
    }
}

#[tokio::test]
async fn retry_after_on_a_head_delays_the_get() {
    let s = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(path("/busy")).respond_with(BusyFirst { n: 1, seen: Arc::clone(&seen) }).mount(&s).await;
    let o = one(format!("{}/busy", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    let seen = seen.lock().unwrap();
    let methods: Vec<&str> = seen.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
    let gap = seen[1].1 - seen[0].1;
    assert!(gap >= Duration::from_millis(900), "the GET came {gap:?} after the 503");
}

#[tokio::test]
async fn the_attempt_count_is_the_requests_the_server_saw() {
    let s = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(path("/down"))
        .respond_with(BusyFirst { n: usize::MAX, seen: Arc::clone(&seen) })
        .mount(&s)
        .await;
    let mut cfg = fast_config();
    cfg.retries = 1;
    let (_, r) = run(&[format!("{}/down", s.uri())], options(&cfg, true)).await;
    let o = &r.outcomes[0];
    assert_eq!(o.verdict, Verdict::Unverified, "{o:?}");
    // HEAD, the GET that double-checks it, one retry
    assert_eq!(requests(&s).await, 3);
    assert_eq!(o.detail, "503 Service Unavailable (3 attempts)");
    assert_eq!(r.tally.requests, 3);
    let seen = seen.lock().unwrap();
    for w in seen.windows(2) {
        assert!(w[1].1 - w[0].1 >= Duration::from_millis(900), "{:?} after the 503", w[1].1 - w[0].1);
    }
}

#[tokio::test]
async fn skipped_and_unresolvable_links_are_no_requests() {
    let s = MockServer::start().await;
    let port = s.address().port();
    let mut opts = options(&fast_config(), false);
    opts.lookup = static_lookup(&["rebind.test"]);
    let urls = vec![
        format!("http://127.0.0.1:{port}/a"),
        format!("http://rebind.test:{port}/b"),
        format!("http://gone.test:{port}/c"),
    ];
    let (_, r) = run(&urls, opts).await;
    assert_eq!((r.tally.skipped, r.tally.dead), (2, 1), "{:?}", r.outcomes);
    assert_eq!(r.tally.requests, 0);
}

/// Accepts every connection and never answers; counts the connections.
async fn silent_server() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(sock);
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn a_host_that_stops_answering_is_given_up_on() {
    let (addr, accepted) = silent_server().await;
    let mut cfg = fast_config();
    cfg.timeout = HumanDuration(Duration::from_millis(300));
    let per_host = cfg.max_per_host;
    let urls: Vec<String> = (0..16).map(|i| format!("http://{addr}/p{i}")).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    for o in &r.outcomes {
        assert_eq!(o.verdict, Verdict::Unverified, "{o:?}");
        assert!(o.detail.starts_with("host not answering ("), "{}", o.detail);
        assert!(o.detail.contains("timeouts in a row)"), "{}", o.detail);
    }
    let n = accepted.load(Ordering::SeqCst);
    assert!(n <= BREAK_AFTER as usize + per_host, "{n} connections for 16 links");
    assert_eq!(r.tally.requests, n as u64);
}

fn refusing_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_refusing_host_is_given_up_on_and_its_links_stay_dead() {
    let port = refusing_port();
    let mut cfg = fast_config();
    cfg.retries = 4;
    let urls: Vec<String> = (0..5).map(|i| format!("http://127.0.0.1:{port}/p{i}")).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    for o in &r.outcomes {
        assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
        assert!(o.detail.starts_with("connection refused ("), "{}", o.detail);
    }
    assert!(r.outcomes.iter().any(|o| o.detail.contains("connections in a row")), "{:?}", r.outcomes);
    // not 5 links x 5 attempts
    assert!(r.tally.requests <= 5, "{} connection attempts", r.tally.requests);
}

#[tokio::test]
async fn a_single_link_gets_every_attempt_even_past_the_breaker() {
    let mut cfg = fast_config();
    cfg.retries = BREAK_AFTER + 1;
    let o = one(format!("http://127.0.0.1:{}/", refusing_port()), options(&cfg, true)).await;
    assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
    assert_eq!(o.detail, format!("connection refused ({} attempts)", BREAK_AFTER + 2));
}

/// What [`limited_server`] saw.
struct Limited {
    addr: std::net::SocketAddr,
    /// Requests answered 429.
    refused: Arc<AtomicUsize>,
    /// The most requests in flight at the arrival of any request after the
    /// first `burst` (those the client sent before any answer could reach it).
    peak_after_burst: Arc<AtomicUsize>,
}

/// A plain HTTP/1.1 server that answers 429 (with `Retry-After: 1` when
/// `retry_after`) at once to any request beyond `limit` in flight, and 200
/// after `delay` to the others. A request is in flight from its head being read
/// until just before its answer is written, so the counts never depend on timing.
async fn limited_server(limit: usize, delay: Duration, retry_after: bool, burst: usize) -> Limited {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let out = Limited { addr, refused: Arc::clone(&refused), peak_after_burst: Arc::clone(&peak) };
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (in_flight, arrived, refused, peak) =
                (Arc::clone(&in_flight), Arc::clone(&arrived), Arc::clone(&refused), Arc::clone(&peak));
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    if !super::next_request_head(&mut sock, &mut buf).await {
                        return;
                    }
                    let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    if arrived.fetch_add(1, Ordering::SeqCst) >= burst {
                        peak.fetch_max(n, Ordering::SeqCst);
                    }
                    let reply: &[u8] = if n > limit {
                        refused.fetch_add(1, Ordering::SeqCst);
                        if retry_after {
                            b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n"
                        } else {
                            b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n"
                        }
                    } else {
                        tokio::time::sleep(delay).await;
                        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
                    };
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    if sock.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    out
}

#[tokio::test]
async fn a_host_that_rate_limits_gets_fewer_requests_at_once_and_every_link_passes() {
    let s = limited_server(2, Duration::from_millis(40), false, usize::MAX).await;
    let cfg = fast_config(); // 8 per host, 2 retries
    let urls: Vec<String> = (0..20).map(|i| format!("http://{}/p{i}", s.addr)).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    // the window came down to what the host takes, rather than 429s all along
    let refused = s.refused.load(Ordering::SeqCst);
    assert!(refused < 20, "{refused} requests answered 429 for 20 links");
}

#[tokio::test]
async fn after_the_first_429s_a_host_sees_what_it_takes_plus_one_probe() {
    // The first 8 requests go out before any answer can come back; the host
    // takes 2 of them. Every later request is sent after the 429s (and their
    // one-second pause): from then on the host is asked for what it showed it
    // takes, 2, and at most one more while the window probes for room.
    let s = limited_server(2, Duration::from_millis(40), true, 8).await;
    let cfg = fast_config(); // 8 per host
    let urls: Vec<String> = (0..20).map(|i| format!("http://{}/p{i}", s.addr)).collect();
    let (_, r) = run(&urls, options(&cfg, true)).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let peak = s.peak_after_burst.load(Ordering::SeqCst);
    assert!(peak <= 3, "after the first 429s the host saw {peak} requests at once");
    assert!(peak >= 2, "the window is what the host takes, not serial checking ({peak})");
}
