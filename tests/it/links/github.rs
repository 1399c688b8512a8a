//! GitHub repository links: checked through the API with the token sent to the
//! API host only, as web pages without a token, and the API's rate limit.

use daybook::links::{CheckOptions, GithubApi, Verdict, diagnostics};
use wiremock::matchers::{any, header_exists, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{fast_config, one, requests, run};

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
