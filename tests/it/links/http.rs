//! How the answers of one host become verdicts: status codes, redirects,
//! retries and Retry-After, timeouts, DNS failures, body rules (soft 404s),
//! private addresses, deduplication, anchors and per-host headers.

use std::collections::HashMap;
use std::time::Duration;

use daybook::links::net::Lookup;
use daybook::links::{LinksConfig, Verdict, diagnostics};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{fast_config, one, options, requests, run, static_lookup};

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
    assert_eq!(o.detail, "503 Service Unavailable (4 attempts)");
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
