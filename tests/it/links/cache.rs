//! The results cache: what a second run asks again, a corrupt file, DNS
//! judgement with cached hosts, and no file when there is nothing to cache.

use std::collections::HashMap;
use std::time::Duration;

use daybook::links::net::Lookup;
use daybook::links::{CacheMode, NoProgress, Verdict, check_targets};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{fast_config, options, requests, static_lookup, targets};

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
async fn no_links_no_cache_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = CacheMode::File { path: dir.path().join("c.json"), max_age: Duration::from_secs(60) };
    let r = check_targets(&[], options(&fast_config(), false), &cache, &NoProgress).await.unwrap();
    assert!(r.outcomes.is_empty());
    assert!(!dir.path().join("c.json").exists());
}
