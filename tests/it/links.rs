//! External link checker against in-process servers on 127.0.0.1 (wiremock).
//! Nothing here touches the internet: names other than 127.0.0.1 go through a
//! static resolver table.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use daybook::SourceFile;
use daybook::links::net::Lookup;
use daybook::links::{
    CacheMode, CheckOptions, GithubApi, LinkRun, LinkSettings, LinksConfig, NoProgress, Outcome, Target,
    Verdict, check_targets, collect_targets, diagnostics,
};
use wiremock::matchers::{any, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::daybook;

/// Settings that keep the suite fast: millisecond backoff, short timeouts.
fn fast_config() -> LinksConfig {
    yaml_serde::from_str(
        "timeout: 1500ms\nconnect_timeout: 500ms\nretries: 2\nretry_backoff: 10ms\nretry_backoff_max: 40ms\nretry_after_max: 5s\n",
    )
    .unwrap()
}

fn options(cfg: &LinksConfig, allow_private: bool) -> CheckOptions {
    CheckOptions::from_config(cfg, allow_private, GithubApi::new(None, None, None).unwrap()).unwrap()
}

/// A note citing each URL once per line; returns one target per unique URL, as
/// the product collects them (so dedupe and fragments are the product's own).
fn targets(urls: &[String]) -> Vec<Target> {
    let text: String = urls.iter().map(|u| format!("- <{u}>\n")).collect();
    let file = SourceFile::new("notes/202401/0101.md", "notes/202401/0101.md", text);
    let ctx = daybook::note::parse::ParseContext::new(&daybook::Config::default()).unwrap();
    let note = daybook::note::parse::parse_note(file, &ctx);
    let (targets, diags, _) = collect_targets(&[note], &LinkSettings::default());
    assert!(diags.is_empty(), "{diags:?}");
    targets
}

async fn run(urls: &[String], opts: CheckOptions) -> (Vec<Target>, LinkRun) {
    let t = targets(urls);
    let r = check_targets(&t, opts, &CacheMode::Off, &NoProgress).await.unwrap();
    (t, r)
}

async fn one(url: String, opts: CheckOptions) -> Outcome {
    run(&[url], opts).await.1.outcomes.remove(0)
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map(|r| r.len()).unwrap_or(0)
}

#[tokio::test]
async fn ok_200() {
    let s = MockServer::start().await;
    Mock::given(path("/ok")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let o = one(format!("{}/ok", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    assert_eq!(o.status, Some(200));
    let reqs = s.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "HEAD", "HEAD first");
}

#[tokio::test]
async fn not_found_404_and_gone_410_are_dead() {
    let s = MockServer::start().await;
    Mock::given(path("/missing")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    Mock::given(path("/gone")).respond_with(ResponseTemplate::new(410)).mount(&s).await;
    let (t, r) =
        run(&[format!("{}/missing", s.uri()), format!("{}/gone", s.uri())], options(&fast_config(), true))
            .await;
    assert_eq!(r.outcomes[0].verdict, Verdict::Dead);
    assert_eq!(r.outcomes[0].detail, "404 Not Found");
    assert_eq!(r.outcomes[1].verdict, Verdict::Dead);
    assert_eq!(r.outcomes[1].detail, "410 Gone");
    // a HEAD 404 is confirmed with GET, and a final answer is not retried
    let methods: Vec<String> = s
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(methods.iter().filter(|m| m.ends_with("/missing")).count(), 2, "{methods:?}");
    let diags = diagnostics(&t, &r.outcomes);
    assert_eq!(diags.len(), 2);
    assert_eq!(diags[0].rule, "dead-link");
    assert_eq!(diags[0].severity, daybook::Severity::Error);
    assert_eq!(diags[0].message, format!("dead link: 404 Not Found: {}/missing", s.uri()));
    assert_eq!(diags[0].start.line, 1);
    assert_eq!(diags[1].start.line, 2);
}

#[tokio::test]
async fn redirect_chain_to_200_reports_the_final_url() {
    let s = MockServer::start().await;
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/b"))
        .mount(&s)
        .await;
    Mock::given(path("/b"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/c", s.uri())))
        .mount(&s)
        .await;
    Mock::given(path("/c")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    Mock::given(path("/to-dead"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/nowhere"))
        .mount(&s)
        .await;
    Mock::given(path("/nowhere")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    let (t, r) =
        run(&[format!("{}/a", s.uri()), format!("{}/to-dead", s.uri())], options(&fast_config(), true)).await;
    let ok = &r.outcomes[0];
    assert_eq!(ok.verdict, Verdict::Ok, "{ok:?}");
    assert_eq!(ok.redirects, 2);
    assert_eq!(ok.final_url.as_str(), format!("{}/c", s.uri()));
    let diags = diagnostics(&t, &r.outcomes);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].message.contains(&format!("redirected to {}/nowhere", s.uri()))
            && diags[0].message.contains("404"),
        "{}",
        diags[0].message
    );
}

#[tokio::test]
async fn redirect_loop_is_reported_as_a_loop() {
    let s = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/y"))
        .mount(&s)
        .await;
    Mock::given(path("/y"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/x"))
        .mount(&s)
        .await;
    let o = one(format!("{}/x", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
    assert!(o.detail.starts_with("redirect loop: "), "{}", o.detail);
    assert!(o.detail.ends_with(&format!("{0}/x -> {0}/y -> {0}/x", s.uri())), "{}", o.detail);
    let methods: Vec<String> =
        s.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["HEAD", "HEAD", "GET", "GET"], "stops at the first repeat, confirmed by GET");
}

#[tokio::test]
async fn a_loop_on_head_only_is_not_a_loop() {
    let s = MockServer::start().await;
    Mock::given(method("HEAD"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/x"))
        .mount(&s)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let o = one(format!("{}/x", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
}

#[tokio::test]
async fn only_404_and_410_are_dead_other_4xx_are_unverified() {
    let s = MockServer::start().await;
    for code in [400u16, 404, 406, 410, 418, 451] {
        Mock::given(path(format!("/{code}"))).respond_with(ResponseTemplate::new(code)).mount(&s).await;
    }
    let urls: Vec<String> =
        [400, 404, 406, 410, 418, 451].iter().map(|c| format!("{}/{c}", s.uri())).collect();
    let (_, r) = run(&urls, options(&fast_config(), true)).await;
    let verdicts: Vec<Verdict> = r.outcomes.iter().map(|o| o.verdict).collect();
    use Verdict::{Dead, Unverified};
    assert_eq!(verdicts, [Unverified, Dead, Unverified, Dead, Unverified, Unverified], "{:?}", r.outcomes);
    assert!(r.outcomes[2].detail.starts_with("406 Not Acceptable"), "{}", r.outcomes[2].detail);
}

#[tokio::test]
async fn too_many_redirects_is_unverified() {
    let s = MockServer::start().await;
    for i in 0..5 {
        Mock::given(path(format!("/r{i}")))
            .respond_with(ResponseTemplate::new(301).insert_header("location", format!("/r{}", i + 1)))
            .mount(&s)
            .await;
    }
    let mut cfg = fast_config();
    cfg.max_redirects = 3;
    let o = one(format!("{}/r0", s.uri()), options(&cfg, true)).await;
    assert_eq!(o.verdict, Verdict::Unverified, "{o:?}");
    assert_eq!(o.detail, "more than 3 redirects");
}

#[tokio::test]
async fn rate_limited_429_honours_retry_after_then_succeeds() {
    let s = MockServer::start().await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(path("/busy")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let started = std::time::Instant::now();
    let o = one(format!("{}/busy", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    assert_eq!(requests(&s).await, 2, "a 429 is not re-asked with GET, it is retried");
    // Retry-After: 1 means at least a second, whatever the (10 ms) backoff says.
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_unverified_at_once() {
    let s = MockServer::start().await;
    Mock::given(path("/later"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&s)
        .await;
    let o = one(format!("{}/later", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Unverified);
    assert!(o.detail.contains("retry after 3600s"), "{}", o.detail);
    assert_eq!(requests(&s).await, 1);
}

#[tokio::test]
async fn server_error_then_success_is_ok() {
    let s = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(path("/flaky")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let o = one(format!("{}/flaky", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    // HEAD 500, GET 500 (HEAD is not trusted alone), then a retried GET 200
    let methods: Vec<String> =
        s.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["HEAD", "GET", "GET"]);
}

#[tokio::test]
async fn server_error_always_is_unverified_after_every_retry() {
    let s = MockServer::start().await;
    Mock::given(path("/down")).respond_with(ResponseTemplate::new(503)).mount(&s).await;
    let (t, r) = run(&[format!("{}/down", s.uri())], options(&fast_config(), true)).await;
    let o = &r.outcomes[0];
    assert_eq!(o.verdict, Verdict::Unverified, "{o:?}");
    assert_eq!(o.detail, "503 Service Unavailable (3 attempts)");
    assert_eq!(requests(&s).await, 4, "HEAD + GET, then two GET retries");
    let d = diagnostics(&t, &r.outcomes);
    assert_eq!(d[0].rule, "unverified-link");
    assert_eq!(d[0].severity, daybook::Severity::Warning);
}

#[tokio::test]
async fn head_405_falls_back_to_get() {
    let s = MockServer::start().await;
    Mock::given(method("HEAD")).respond_with(ResponseTemplate::new(405)).mount(&s).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let urls: Vec<String> = (0..3).map(|i| format!("{}/page{i}", s.uri())).collect();
    let mut cfg = fast_config();
    cfg.max_per_host = 1; // in order, so the host is known to refuse HEAD after the first
    let (_, r) = run(&urls, options(&cfg, true)).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
    let heads = s.received_requests().await.unwrap().iter().filter(|r| r.method.as_str() == "HEAD").count();
    assert_eq!(heads, 1, "a host that refused HEAD gets GET from then on");
}

#[tokio::test]
async fn forbidden_403_is_unverified_not_dead() {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(403)).mount(&s).await;
    let o = one(format!("{}/robots-unwelcome", s.uri()), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Unverified);
    assert!(o.detail.starts_with("403 Forbidden"), "{}", o.detail);
    // and accepted codes make it alive
    let mut cfg = fast_config();
    cfg.accept.push(daybook::links::StatusSpec::Code(403));
    assert_eq!(one(format!("{}/robots-unwelcome", s.uri()), options(&cfg, true)).await.verdict, Verdict::Ok);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_unverified() {
    let s = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(4)))
        .mount(&s)
        .await;
    let mut cfg = fast_config();
    cfg.timeout = daybook::links::HumanDuration(Duration::from_millis(300));
    cfg.retries = 1;
    let o = one(format!("{}/slow", s.uri()), options(&cfg, true)).await;
    assert_eq!(o.verdict, Verdict::Unverified, "{o:?}");
    assert_eq!(o.detail, "timed out (2 attempts)");
}

#[tokio::test]
async fn connection_refused_is_dead_after_retries() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = one(format!("http://127.0.0.1:{port}/"), options(&fast_config(), true)).await;
    assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
    assert_eq!(o.detail, "connection refused (3 attempts)");
}

#[tokio::test]
async fn unknown_host_is_dead() {
    let mut opts = options(&fast_config(), true);
    opts.lookup = Lookup::Static(HashMap::new());
    let o = one("https://no-such-host.invalid/x".into(), opts).await;
    assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
    assert_eq!(o.detail, "DNS name not found: no-such-host.invalid");
}

#[tokio::test]
async fn a_resolver_that_resolves_nothing_does_not_make_links_dead() {
    // No working DNS at all (a sandbox, a runner without network): unverified, not dead.
    let mut opts = options(&fast_config(), true);
    opts.lookup = Lookup::Static(HashMap::new());
    let urls: Vec<String> = ["a.test", "b.test", "c.test"].iter().map(|h| format!("https://{h}/x")).collect();
    let (_, r) = run(&urls, opts).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Unverified), "{:?}", r.outcomes);
    assert!(
        r.warnings.iter().any(|w| w.contains("none of the 3 hosts could be resolved")),
        "{:?}",
        r.warnings
    );
}

#[tokio::test]
async fn unknown_hosts_stay_dead_when_another_host_resolves() {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let mut opts = options(&fast_config(), true);
    opts.lookup = static_lookup(&["up.test"]);
    let mut urls: Vec<String> =
        ["a.test", "b.test", "c.test"].iter().map(|h| format!("http://{h}/x")).collect();
    urls.push(format!("http://up.test:{}/x", s.address().port()));
    let (_, r) = run(&urls, opts).await;
    let verdicts: Vec<Verdict> = r.outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(verdicts, [Verdict::Dead, Verdict::Dead, Verdict::Dead, Verdict::Ok]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[tokio::test]
async fn unknown_hosts_stay_dead_when_the_hosts_that_resolve_come_from_the_cache() {
    // Second run with a warm cache: only the dead names are asked again. The
    // cached host still resolves, so DNS works and they are still dead.
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CacheMode::File { path: dir.path().join("c.json"), max_age: Duration::from_secs(3600) };
    let mut urls: Vec<String> =
        ["a.test", "b.test", "c.test"].iter().map(|h| format!("http://{h}/x")).collect();
    urls.push(format!("http://up.test:{}/x", s.address().port()));
    let t = targets(&urls);
    for round in 0..2 {
        let mut opts = options(&fast_config(), true);
        opts.lookup = static_lookup(&["up.test"]);
        let r = check_targets(&t, opts, &cache, &NoProgress).await.unwrap();
        let verdicts: Vec<Verdict> = r.outcomes.iter().map(|o| o.verdict).collect();
        assert_eq!(verdicts, [Verdict::Dead, Verdict::Dead, Verdict::Dead, Verdict::Ok], "round {round}");
        assert_eq!(r.outcomes[3].cached, round == 1, "round {round}");
        assert!(r.warnings.is_empty(), "round {round}: {:?}", r.warnings);
    }
    assert_eq!(requests(&s).await, 1, "the cached host was resolved, not fetched");

    // And when the cached host no longer resolves either, DNS is what is broken.
    let mut opts = options(&fast_config(), true);
    opts.lookup = Lookup::Static(HashMap::new());
    let r = check_targets(&t, opts, &cache, &NoProgress).await.unwrap();
    let verdicts: Vec<Verdict> = r.outcomes[..3].iter().map(|o| o.verdict).collect();
    assert_eq!(verdicts, [Verdict::Unverified; 3], "{:?}", r.outcomes);
    assert!(r.warnings.iter().any(|w| w.contains("none of the 3 hosts")), "{:?}", r.warnings);
}

fn static_lookup(names: &[&str]) -> Lookup {
    let lo: IpAddr = "127.0.0.1".parse().unwrap();
    Lookup::Static(names.iter().map(|n| (n.to_string(), vec![lo])).collect())
}

#[tokio::test]
async fn soft_404_body_rule_marks_a_200_dead() {
    let s = MockServer::start().await;
    Mock::given(path("/post"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("<h1>Sorry</h1><p>This post was removed by its author.</p>"),
        )
        .mount(&s)
        .await;
    Mock::given(path("/alive"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<h1>Hello</h1>"))
        .mount(&s)
        .await;
    let cfg: LinksConfig = yaml_serde::from_str(
        "retry_backoff: 10ms\nhosts:\n  blog.test:\n    soft_404:\n      - verdict: dead\n        phrases: ['This post was removed']\n",
    )
    .unwrap();
    daybook::links::validate_config(&cfg).unwrap();
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&["blog.test"]);
    let port = s.address().port();
    let (_, r) =
        run(&[format!("http://blog.test:{port}/post"), format!("http://blog.test:{port}/alive")], opts).await;
    assert_eq!(r.outcomes[0].verdict, Verdict::Dead, "{:?}", r.outcomes[0]);
    assert!(r.outcomes[0].detail.contains("This post was removed"), "{}", r.outcomes[0].detail);
    assert_eq!(r.outcomes[1].verdict, Verdict::Ok);
    let methods: Vec<String> =
        s.received_requests().await.unwrap().iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["GET", "GET"], "a host with body rules is asked with GET only");
}

#[tokio::test]
async fn wechat_default_rule_tells_deleted_from_anti_robot_pages() {
    let s = MockServer::start().await;
    let deleted = "<html><body><div class=\"weui-msg\"><h2 class=\"weui-msg__title\">该内容已被发布者删除</h2></div></body></html>";
    let robot = "<html><body><p>环境异常</p><p>当前环境异常，完成验证后即可继续访问。</p></body></html>";
    let generic = "<div class=\"global_error_msg warn\">\n  链接已过期\n</div>";
    let article = format!("<div id=\"js_content\">{}<p>如果内容不存在就报错</p></div>", "x".repeat(1000));
    for (p, body) in [
        ("/s/deleted", deleted.to_string()),
        ("/s/robot", robot.into()),
        ("/s/generic", generic.into()),
        ("/s/article", article),
    ] {
        Mock::given(path(p)).respond_with(ResponseTemplate::new(200).set_body_string(body)).mount(&s).await;
    }
    let mut opts = options(&fast_config(), true);
    opts.lookup = static_lookup(&["mp.weixin.qq.com"]);
    let base = format!("http://mp.weixin.qq.com:{}", s.address().port());
    let urls: Vec<String> =
        ["deleted", "robot", "generic", "article"].iter().map(|p| format!("{base}/s/{p}#rd")).collect();
    let (_, r) = run(&urls, opts).await;
    let verdicts: Vec<Verdict> = r.outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Dead, Verdict::Unverified, Verdict::Dead, Verdict::Ok],
        "{:?}",
        r.outcomes
    );
    assert!(r.outcomes[0].detail.contains("该内容已被发布者删除"));
    assert!(r.outcomes[1].detail.contains("环境异常"));
    assert!(r.outcomes[3].missing_anchors.is_empty(), "#rd is not an anchor on WeChat");
}

#[tokio::test]
async fn private_addresses_are_skipped_without_allow_private() {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let port = s.address().port();
    let mut opts = options(&fast_config(), false);
    // a public-looking name that resolves to loopback (DNS rebinding) is skipped too
    opts.lookup = static_lookup(&["rebind.test"]);
    let urls = vec![
        format!("http://127.0.0.1:{port}/a"),
        format!("http://rebind.test:{port}/b"),
        format!("http://[::1]:{port}/c"),
    ];
    let (t, r) = run(&urls, opts).await;
    for o in &r.outcomes {
        assert_eq!(o.verdict, Verdict::Skipped, "{o:?}");
    }
    assert!(r.outcomes[0].detail.contains("127.0.0.1 is not a public address"), "{}", r.outcomes[0].detail);
    assert_eq!(requests(&s).await, 0, "nothing was fetched");
    let d = diagnostics(&t, &r.outcomes);
    assert_eq!(d[0].rule, "skipped-link");
    assert_eq!(d[0].severity, daybook::Severity::Info);
    // with --allow-private the same links are checked
    let mut opts = options(&fast_config(), true);
    opts.lookup = static_lookup(&["rebind.test"]);
    let (_, r) = run(&urls[..2], opts).await;
    assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Ok), "{:?}", r.outcomes);
}

#[tokio::test]
async fn a_url_cited_ten_times_is_requested_once() {
    let s = MockServer::start().await;
    Mock::given(path("/popular")).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    Mock::given(path("/dead")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    let mut urls = vec![format!("{}/popular", s.uri()); 10];
    urls.extend(vec![format!("{}/dead", s.uri()); 10]);
    let (t, r) = run(&urls, options(&fast_config(), true)).await;
    assert_eq!(t.len(), 2);
    let reqs = s.received_requests().await.unwrap();
    assert_eq!(reqs.iter().filter(|r| r.url.path() == "/popular").count(), 1);
    let d = diagnostics(&t, &r.outcomes);
    assert_eq!(d.len(), 10, "one diagnostic per citing place");
    let lines: Vec<usize> = d.iter().map(|d| d.start.line).collect();
    assert_eq!(lines, (11..=20).collect::<Vec<_>>());
}

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
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
                    let mut chunk = [0u8; 4096];
                    loop {
                        // read one request head (HEAD/GET carry no body)
                        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                        buf.drain(..end);
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

#[tokio::test]
async fn the_cache_answers_the_second_run_without_requests() {
    let s = MockServer::start().await;
    Mock::given(path("/dead")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = CacheMode::File {
        path: dir.path().join(".daybook-cache.json"),
        max_age: Duration::from_secs(86_400),
    };
    let urls: Vec<String> = (0..5).map(|i| format!("{}/p{i}", s.uri())).collect();
    let t = targets(&urls);
    let first = check_targets(&t, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    assert_eq!(first.tally.ok, 5);
    assert_eq!(requests(&s).await, 5);
    let second = check_targets(&t, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    assert_eq!(requests(&s).await, 5, "no request on the second run");
    assert_eq!(second.tally.cached, 5);
    assert_eq!(second.tally.requests, 0);
    assert!(second.outcomes.iter().all(|o| o.verdict == Verdict::Ok && o.cached));

    // failures are re-checked every run
    let dead = targets(&[format!("{}/dead", s.uri())]);
    check_targets(&dead, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    let before = requests(&s).await;
    let again = check_targets(&dead, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    assert_eq!(again.outcomes[0].verdict, Verdict::Dead);
    let reqs = s.received_requests().await.unwrap();
    let methods: Vec<&str> = reqs[before..].iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET"], "a failure is asked again, straight with GET");

    // --no-cache sends the requests again
    let before = requests(&s).await;
    check_targets(&t, options(&fast_config(), true), &CacheMode::Off, &NoProgress).await.unwrap();
    assert_eq!(requests(&s).await, before + 5);
}

#[tokio::test]
async fn a_corrupt_cache_is_ignored_with_a_warning() {
    let s = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.json");
    std::fs::write(&path, b"\x00\x01garbage").unwrap();
    let cache = CacheMode::File { path: path.clone(), max_age: Duration::from_secs(3600) };
    let t = targets(&[format!("{}/x", s.uri())]);
    let r = check_targets(&t, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    assert_eq!(r.outcomes[0].verdict, Verdict::Ok);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("not a valid cache file"));
    let again = check_targets(&t, options(&fast_config(), true), &cache, &NoProgress).await.unwrap();
    assert!(again.warnings.is_empty(), "the file was rewritten: {:?}", again.warnings);
    assert_eq!(again.tally.cached, 1);
}

#[tokio::test]
async fn anchors_are_checked_on_html_pages() {
    let s = MockServer::start().await;
    Mock::given(path("/doc"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<h2 id=\"usage\">Usage</h2><a id=\"user-content-install\"></a>",
            "text/html; charset=utf-8",
        ))
        .mount(&s)
        .await;
    let urls = vec![
        format!("{}/doc#usage", s.uri()),
        format!("{}/doc#install", s.uri()),
        format!("{}/doc#nope", s.uri()),
    ];
    let (t, r) = run(&urls, options(&fast_config(), true)).await;
    assert_eq!(t.len(), 1);
    assert_eq!(requests(&s).await, 1);
    assert_eq!(r.outcomes[0].missing_anchors, ["nope"]);
    let d = diagnostics(&t, &r.outcomes);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule, "missing-external-anchor");
    assert_eq!(d[0].start.line, 3);
}

/// A fake GitHub: the API on one server, the web pages on another.
async fn github_pair() -> (MockServer, MockServer) {
    let api = MockServer::start().await;
    Mock::given(path("/repos/octo/alive"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&api)
        .await;
    Mock::given(path("/repos/octo/gone")).respond_with(ResponseTemplate::new(404)).mount(&api).await;
    let web = MockServer::start().await;
    Mock::given(path("/octo/alive")).respond_with(ResponseTemplate::new(200)).mount(&web).await;
    Mock::given(path("/octo/gone")).respond_with(ResponseTemplate::new(404)).mount(&web).await;
    (api, web)
}

#[tokio::test]
async fn github_repositories_go_through_the_api_with_a_token_only_to_the_api() {
    let (api, web) = github_pair().await;
    let other = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&other).await;
    let gh = GithubApi::new(Some(&api.uri()), Some(&web.uri()), Some("s3cret".into())).unwrap();
    let opts = CheckOptions::from_config(&fast_config(), true, gh).unwrap();
    let urls = vec![
        format!("{}/octo/alive", web.uri()),
        format!("{}/octo/gone/", web.uri()),
        format!("{}/elsewhere", other.uri()),
    ];
    let (t, r) = run(&urls, opts).await;
    assert_eq!(r.outcomes[0].verdict, Verdict::Ok, "{:?}", r.outcomes[0]);
    assert_eq!(r.outcomes[1].verdict, Verdict::Dead);
    assert!(r.outcomes[1].detail.starts_with("GitHub API: 404"), "{}", r.outcomes[1].detail);
    assert_eq!(requests(&web).await, 0, "repository links do not hit the web host");
    let api_reqs = api.received_requests().await.unwrap();
    assert_eq!(api_reqs.len(), 2);
    for req in &api_reqs {
        assert_eq!(req.headers.get("authorization").unwrap(), "Bearer s3cret");
        assert_eq!(req.headers.get("accept").unwrap(), "application/vnd.github+json");
    }
    let other_reqs = other.received_requests().await.unwrap();
    assert_eq!(other_reqs.len(), 1);
    assert!(other_reqs[0].headers.get("authorization").is_none(), "the token goes to the API host only");
    for d in diagnostics(&t, &r.outcomes) {
        assert!(!d.message.contains("s3cret") && !d.help.unwrap_or_default().contains("s3cret"));
    }
}

#[tokio::test]
async fn github_repositories_without_a_token_are_checked_as_web_pages() {
    let (api, web) = github_pair().await;
    Mock::given(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&web)
        .await;
    let gh = GithubApi::new(Some(&api.uri()), Some(&web.uri()), None).unwrap();
    let opts = CheckOptions::from_config(&fast_config(), true, gh).unwrap();
    let (_, r) = run(&[format!("{}/octo/alive", web.uri()), format!("{}/octo/gone", web.uri())], opts).await;
    assert_eq!(r.outcomes[0].verdict, Verdict::Ok, "{:?}", r.outcomes[0]);
    assert_eq!(r.outcomes[1].verdict, Verdict::Dead);
    assert_eq!(requests(&api).await, 0);
    assert!(requests(&web).await >= 2);
}

#[tokio::test]
async fn a_redirect_from_the_api_host_elsewhere_drops_the_token() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/repos/octo/moved"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", format!("{}/landing", elsewhere.uri())),
        )
        .mount(&api)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let gh = GithubApi::new(Some(&api.uri()), None, Some("s3cret".into())).unwrap();
    let opts = CheckOptions::from_config(&fast_config(), true, gh).unwrap();
    let o = one("https://github.com/octo/moved".into(), opts).await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    let got = elsewhere.received_requests().await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_soft_404_behind_a_redirect_from_another_host_is_dead() {
    // A short link on one host redirecting to an article on a host with body rules.
    let s = MockServer::start().await;
    let port = s.address().port();
    Mock::given(path("/short"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("http://blog.test:{port}/post")),
        )
        .mount(&s)
        .await;
    Mock::given(path("/post"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<p>This post was removed.</p>"))
        .mount(&s)
        .await;
    let cfg: LinksConfig = yaml_serde::from_str(
        "retry_backoff: 10ms\nhosts:\n  blog.test:\n    soft_404:\n      - verdict: dead\n        phrases: ['This post was removed']\n",
    )
    .unwrap();
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&["short.test", "blog.test"]);
    let o = one(format!("http://short.test:{port}/short"), opts).await;
    assert_eq!(o.verdict, Verdict::Dead, "{o:?}");
    assert_eq!(o.final_url.as_str(), format!("http://blog.test:{port}/post"));
}

#[tokio::test]
async fn per_host_headers_go_to_their_host_only() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("http://b.test:{}/", b.address().port())),
        )
        .mount(&a)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&b).await;
    let cfg: LinksConfig = yaml_serde::from_str(
        "hosts:\n  a.test:\n    headers:\n      X-Api-Key: k1\n      Authorization: Basic dTpw\n",
    )
    .unwrap();
    let mut opts = options(&cfg, true);
    opts.lookup = static_lookup(&["a.test", "b.test"]);
    let o = one(format!("http://a.test:{}/start", a.address().port()), opts).await;
    assert_eq!(o.verdict, Verdict::Ok);
    // Both reach their host, an `Authorization` of the user's own included, and neither goes beyond.
    let (at_a, at_b) = (&a.received_requests().await.unwrap()[0], &b.received_requests().await.unwrap()[0]);
    assert_eq!(at_a.headers.get("x-api-key").unwrap(), "k1");
    assert_eq!(at_a.headers.get("authorization").unwrap(), "Basic dTpw");
    assert!(at_b.headers.get("x-api-key").is_none() && at_b.headers.get("authorization").is_none());
}

// ---------------------------------------------------------------------------
// End to end, through the `daybook lint` binary.

/// A notes repository citing `base` (a wiremock server) from a note and the README.
fn e2e_repo(base: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes/202401");
    std::fs::create_dir_all(&notes).unwrap();
    let note = format!(
        "# 公众号内容拓展学习笔记（2024.1.1）\n\n------\n\n## :paperclip:  今日要点\n\n\
         1. [An article]({base}/ok)       :star::star:\n\
         \x20  - Abstract: something worth reading\n\
         \x20  - Paper: [A deleted paper]({base}/dead)\n\n\
         2. [Another article]({base}/dead)       :star:\n\
         \x20  - Abstract: cites the same dead page\n\n\
         <img src=\"{base}/img.png\" width=300>\n\n\
         ## :paperclip:  Others\n\n- nothing\n"
    );
    std::fs::write(notes.join("0101.md"), note).unwrap();
    std::fs::write(dir.path().join("README.md"), format!("# Notes\n\nSee [the index]({base}/dead).\n"))
        .unwrap();
    dir
}

/// Run `daybook lint <repo> --format json <extra>` off the async runtime (the
/// mock server must keep serving while the binary runs).
async fn lint_json(repo: &std::path::Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args: Vec<String> =
        vec!["lint".into(), repo.display().to_string(), "--format".into(), "json".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let out = daybook().args(&args).output().unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap(), json, String::from_utf8_lossy(&out.stderr).into_owned())
    })
    .await
    .unwrap()
}

fn link_findings(json: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().ends_with("-link"))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn e2e_server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(path("/dead")).respond_with(ResponseTemplate::new(404)).mount(&s).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&s).await;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_reports_every_citing_place_of_a_dead_link() {
    let s = e2e_server().await;
    let repo = e2e_repo(&s.uri());
    let (code, json, stderr) = lint_json(repo.path(), &["--allow-private", "--no-cache"]).await;
    assert_eq!(code, 1, "a dead link fails the run\n{stderr}");
    let found = link_findings(&json);
    let dead = format!("dead link: 404 Not Found: {}/dead", s.uri());
    assert_eq!(
        found,
        [
            ("dead-link".to_string(), "README.md".to_string(), 3, dead.clone()),
            ("dead-link".to_string(), "notes/202401/0101.md".to_string(), 9, dead.clone()),
            ("dead-link".to_string(), "notes/202401/0101.md".to_string(), 11, dead),
        ],
        "{json:#}"
    );
    // /ok, /img.png (raw HTML) and /dead: each requested once (plus one GET confirming the 404)
    let reqs = s.received_requests().await.unwrap();
    let paths: Vec<&str> = reqs.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths.iter().filter(|p| **p == "/ok").count(), 1, "{paths:?}");
    assert_eq!(paths.iter().filter(|p| **p == "/img.png").count(), 1, "{paths:?}");
    assert_eq!(paths.iter().filter(|p| **p == "/dead").count(), 2, "{paths:?}");
    assert!(stderr.contains("links: 3 unique URLs"), "the tally goes to stderr: {stderr}");
    assert!(stderr.contains("2 ok, 1 dead, 0 unverified, 0 skipped"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_skips_private_addresses_by_default_and_offline_sends_nothing() {
    let s = e2e_server().await;
    let repo = e2e_repo(&s.uri());
    let (code, json, _) = lint_json(repo.path(), &["--no-cache"]).await;
    let found = link_findings(&json);
    assert_eq!(found.len(), 5, "one per citing place: {json:#}");
    assert!(found.iter().all(|f| f.0 == "skipped-link"), "{found:?}");
    assert_eq!(code, 0, "skipped links are information, not failures");
    let (_, json, _) = lint_json(repo.path(), &["--offline"]).await;
    assert!(link_findings(&json).is_empty());
    assert_eq!(requests(&s).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_keeps_a_cache_at_the_repository_root() {
    let s = e2e_server().await;
    let repo = e2e_repo(&s.uri());
    let (code, _, _) = lint_json(repo.path(), &["--allow-private"]).await;
    assert_eq!(code, 1);
    let cache = repo.path().join(".daybook-cache.json");
    assert!(cache.is_file(), "the cache is written at the repository root by default");
    let first = requests(&s).await;
    let (code, json, stderr) = lint_json(repo.path(), &["--allow-private"]).await;
    assert_eq!(code, 1, "the dead link is found again: failures are not cached");
    assert_eq!(link_findings(&json).len(), 3);
    let reqs = s.received_requests().await.unwrap();
    let again: Vec<&str> = reqs[first..].iter().map(|r| r.url.path()).collect();
    assert_eq!(again, ["/dead"], "only the failure is asked again, with GET at once");
    assert_eq!(reqs[first].method.as_str(), "GET");
    assert!(stderr.contains("2 from cache"), "{stderr}");
    // an explicit --cache path is used instead
    let other = repo.path().join("elsewhere.json");
    lint_json(repo.path(), &["--allow-private", "--cache", other.to_str().unwrap()]).await;
    assert!(other.is_file());
    // Readable like any file the user creates: actions/cache saves it from a step
    // running as the runner's user, while the action's container writes it as root.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let probe = repo.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache), mode(&probe), "{:o}", mode(&cache));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_reads_links_settings_from_daybook_yml() {
    let s = e2e_server().await;
    let repo = e2e_repo(&s.uri());
    std::fs::write(repo.path().join("daybook.yml"), "links:\n  exclude: ['/dead$']\n").unwrap();
    let (code, json, stderr) = lint_json(repo.path(), &["--allow-private", "--no-cache"]).await;
    assert!(link_findings(&json).is_empty(), "{json:#}");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 excluded"), "{stderr}");
    std::fs::write(repo.path().join("daybook.yml"), "links:\n  exclude: ['(']\n").unwrap();
    let out = tokio::task::spawn_blocking({
        let p = repo.path().to_path_buf();
        move || daybook().arg("lint").arg(p).arg("--offline").output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("links.exclude"), "{err}");
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

#[tokio::test]
async fn github_api_rate_limit_waits_for_the_reset() {
    let api = MockServer::start().await;
    let reset = chrono::Utc::now().timestamp() + 1;
    Mock::given(path("/repos/octo/busy"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(path("/repos/octo/busy")).respond_with(ResponseTemplate::new(200)).mount(&api).await;
    let gh = GithubApi::new(Some(&api.uri()), None, Some("t".into())).unwrap();
    let o = one(
        "https://github.com/octo/busy".into(),
        CheckOptions::from_config(&fast_config(), true, gh).unwrap(),
    )
    .await;
    assert_eq!(o.verdict, Verdict::Ok, "{o:?}");
    assert_eq!(requests(&api).await, 2, "a rate-limited 403 is retried after the reset, not reported");
}

#[tokio::test]
async fn no_links_no_cache_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CacheMode::File { path: dir.path().join("c.json"), max_age: Duration::from_secs(60) };
    let r = check_targets(&[], options(&fast_config(), false), &cache, &NoProgress).await.unwrap();
    assert!(r.outcomes.is_empty());
    assert!(!dir.path().join("c.json").exists());
}

/// `daybook lint <repo> --format json --allow-private` as a workflow run for
/// `GITHUB_EVENT_NAME=event`, with `env` set too.
async fn lint_on_event(
    repo: &std::path::Path,
    event: &str,
    env: &[(&str, &str)],
    extra: &[&str],
) -> (i32, serde_json::Value, String) {
    let mut cmd = daybook();
    cmd.args(["lint", "--format", "json", "--allow-private"]).arg(repo).args(extra);
    cmd.env("GITHUB_EVENT_NAME", event).envs(env.iter().copied());
    tokio::task::spawn_blocking(move || {
        let out = cmd.output().unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap(), json, String::from_utf8_lossy(&out.stderr).into_owned())
    })
    .await
    .unwrap()
}

/// On a pull request the checkout, `.daybook-cache.json` included, is the
/// author's: a committed cache calling a dead link alive must not be believed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_requests_cache_file_is_not_trusted() {
    let s = e2e_server().await;
    let repo = e2e_repo(&s.uri());
    let (code, _, _) = lint_on_event(repo.path(), "push", &[], &[]).await;
    assert_eq!(code, 1);
    let cache = repo.path().join(".daybook-cache.json");
    let dead = format!("{}/dead", s.uri());
    let forge = || {
        let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
        file["entries"][dead.as_str()] =
            serde_json::json!({"checked": chrono::Utc::now().timestamp(), "status": 200});
        std::fs::write(&cache, serde_json::to_vec(&file).unwrap()).unwrap();
    };
    let dead_findings =
        |json: &serde_json::Value| link_findings(json).iter().filter(|f| f.0 == "dead-link").count();
    forge();
    let (code, json, stderr) = lint_on_event(repo.path(), "push", &[], &[]).await;
    assert_eq!((code, dead_findings(&json)), (0, 0), "a push trusts its cache, as before: {stderr}");
    for event in ["pull_request", "pull_request_target"] {
        forge();
        let (code, json, stderr) = lint_on_event(repo.path(), event, &[], &[]).await;
        assert_eq!((code, dead_findings(&json)), (1, 3), "{event}: {stderr}");
        assert!(stderr.contains("not read on a pull request"), "{event}: {stderr}");
    }
    forge();
    let (code, json, stderr) =
        lint_on_event(repo.path(), "pull_request", &[], &["--trust-pull-request-cache"]).await;
    assert_eq!((code, dead_findings(&json)), (0, 0), "the flag opts in: {stderr}");
    forge();
    let env = [("DAYBOOK_TRUST_PULL_REQUEST_CACHE", "true")];
    let (code, json, stderr) = lint_on_event(repo.path(), "pull_request", &env, &[]).await;
    assert_eq!((code, dead_findings(&json)), (0, 0), "so does the variable (for the action): {stderr}");
}
