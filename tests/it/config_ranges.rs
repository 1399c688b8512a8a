//! Every number daybook.yml or the command line can set has a documented range,
//! checked at load: an extreme value is a config error (exit 2) at its line,
//! never a panic (exit 101) or an allocation abort deep inside a run.

use std::path::Path;
use std::time::Duration;

use daybook::links::net::Lookup;
use daybook::links::{
    CacheMode, ExternalOptions, GithubApi, NoProgress, Verdict, check_targets, collect_targets,
};
use proptest::prelude::*;

use crate::common::{daybook, fixtures, temp_copy};

/// The clean lint fixture plus a note citing a private address: with the
/// network on, the checker is built (semaphores and all) and the link is
/// skipped by the address policy, so no request leaves the machine.
fn repo_with_a_link() -> tempfile::TempDir {
    let dir = temp_copy(&fixtures("lint").join("clean"));
    let readme = dir.path().join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(&readme, format!("{text}\nSee <http://127.0.0.1:9/x>.\n")).unwrap();
    dir
}

fn run(dir: &Path, yaml: &str, extra: &[&str]) -> (Option<i32>, String) {
    std::fs::write(dir.join("daybook.yml"), yaml).unwrap();
    let out = daybook().arg("lint").arg(dir).args(extra).arg("--no-cache").output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const MAX_U64: &str = "18446744073709551615";
const MAX_U32: &str = "4294967295";

#[test]
fn every_numeric_key_out_of_range_is_refused_at_its_line() {
    let dir = repo_with_a_link();
    let cases: Vec<(String, &str)> = vec![
        (format!("links:\n  max_concurrency: {MAX_U64}\n"), "daybook.yml:2:3: links.max_concurrency"),
        ("links:\n  max_concurrency: 2305843009213693953\n".into(), "daybook.yml:2:3: links.max_concurrency"),
        ("links:\n  max_concurrency: 0\n".into(), "daybook.yml:2:3: links.max_concurrency"),
        (
            format!("links:\n  timeout: 10s\n  max_per_host: {MAX_U64}\n"),
            "daybook.yml:3:3: links.max_per_host",
        ),
        (
            format!("links:\n  hosts:\n    a.example:\n      concurrency: {MAX_U64}\n"),
            "daybook.yml:4:7: links.hosts.a.example.concurrency",
        ),
        (
            format!("links:\n  hosts:\n    \"*.example\":\n      concurrency: {MAX_U64}\n"),
            "daybook.yml:4:7: links.hosts.*.example.concurrency",
        ),
        (format!("links:\n  timeout: {MAX_U64}\n"), "daybook.yml:2:3: links.timeout"),
        ("links:\n  connect_timeout: 999999999s\n".into(), "daybook.yml:2:3: links.connect_timeout"),
        ("links:\n  connect_timeout: 99999999999999h\n".into(), "daybook.yml:2:"),
        (format!("links:\n  max_redirects: {MAX_U64}\n"), "daybook.yml:2:3: links.max_redirects"),
        (format!("links:\n  retries: {MAX_U32}\n"), "daybook.yml:2:3: links.retries"),
        ("links:\n  retry_backoff: 999999999\n".into(), "daybook.yml:2:3: links.retry_backoff"),
        ("links:\n  retry_backoff_max: 30d\n".into(), "daybook.yml:2:3: links.retry_backoff_max"),
        ("links:\n  retry_after_max: 30d\n".into(), "daybook.yml:2:3: links.retry_after_max"),
        (format!("links:\n  max_body_bytes: {MAX_U64}\n"), "daybook.yml:2:3: links.max_body_bytes"),
        ("links:\n  cache_max_age: 999999999\n".into(), "daybook.yml:2:3: links.cache_max_age"),
        (format!("stars:\n  min: {MAX_U32}\n  max: {MAX_U32}\n"), "daybook.yml:2:3: stars.min"),
        (format!("stars:\n  max: {MAX_U32}\n"), "daybook.yml:2:3: stars.max"),
        (format!("publish:\n  max_attempts: {MAX_U32}\n"), "daybook.yml:2:3: publish.max_attempts"),
        ("publish:\n  max_attempts: 0\n".into(), "daybook.yml:2:3: publish.max_attempts"),
    ];
    for (yaml, want) in &cases {
        let (code, err) = run(dir.path(), yaml, &[]);
        assert_eq!(code, Some(2), "{yaml}: {err}");
        assert!(err.contains(want), "{yaml}: want {want:?} in {err}");
    }
    // The bounds themselves load.
    let edges = "links:\n  max_concurrency: 1024\n  max_per_host: 1024\n  timeout: 1h\n  connect_timeout: 1ms\n  \
                 max_redirects: 100\n  retries: 20\n  retry_backoff: 1h\n  retry_backoff_max: 1h\n  \
                 retry_after_max: 1h\n  max_body_bytes: 67108864\n  cache_max_age: 365d\n  hosts:\n    \
                 a.example: {concurrency: 1024}\nstars:\n  min: 0\n  max: 100\npublish:\n  max_attempts: 100\n";
    let (code, err) = run(dir.path(), edges, &["--offline"]);
    assert_ne!(code, Some(2), "{err}");
}

#[test]
fn link_check_flags_out_of_range_are_usage_errors() {
    let dir = repo_with_a_link();
    for flags in [
        ["--max-concurrency", "2305843009213693953"],
        ["--max-concurrency", MAX_U64],
        ["--max-concurrency", "0"],
        ["--timeout", MAX_U64],
        ["--timeout", "0"],
    ] {
        let (code, err) = run(dir.path(), "", &flags);
        assert_eq!(code, Some(2), "{flags:?}: {err}");
        assert!(err.contains(flags[0]) && !err.contains("panicked"), "{flags:?}: {err}");
    }
    let (code, err) = run(dir.path(), "", &["--max-concurrency", "1024", "--timeout", "3600"]);
    assert_eq!(code, Some(0), "{err}");
}

/// A number as YAML may spell it: mostly in range or extreme, now and then
/// not a number of the right type at all (a type error is no test of ranges).
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (1u64..=100).prop_map(|n| n.to_string()),
        1 => (0u64..2000).prop_map(|n| n.to_string()),
        1 => prop_oneof![Just(0u64), Just(1)].prop_map(|n| n.to_string()),
        2 => prop_oneof![Just(u64::from(u32::MAX)), Just(u64::MAX), Just(1u64 << 61), Just((1 << 61) + 1)]
            .prop_map(|n| n.to_string()),
        1 => prop_oneof![
            Just(i64::MIN.to_string()),
            Just(format!("\"{}\"", i64::MIN)),
            Just("1.5".to_string()),
            Just("-1".to_string()),
            Just("1e400".to_string()),
            Just(".nan".to_string()),
        ],
    ]
}

/// A duration as daybook.yml may spell it.
fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => number(),
        1 => prop_oneof![
            Just("99999999999999h".to_string()),
            Just("999999999s".to_string()),
            Just("0ms".to_string()),
            Just("0.0000001s".to_string()),
            Just("365d".to_string()),
            Just("1e9".to_string()),
        ],
        3 => (1u64..5000).prop_map(|n| format!("{n}ms")),
        1 => (0u64..400).prop_map(|n| format!("{n}d")),
    ]
}

/// A key is written one time in four.
fn maybe<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    proptest::option::weighted(0.25, s)
}

/// A status code or range, or a number that is not one.
fn status() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (100u64..=599).prop_map(|n| n.to_string()),
        1 => (100u64..=599, 0u64..=100).prop_map(|(a, d)| format!("\"{a}-{}\"", a + d)),
        1 => number(),
    ]
}

const NUMBERS: &[&str] = &["max_concurrency", "max_per_host", "max_redirects", "retries", "max_body_bytes"];
const DURATIONS: &[&str] =
    &["connect_timeout", "timeout", "retry_backoff", "retry_backoff_max", "retry_after_max", "cache_max_age"];

fn config_yaml() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(maybe(number()), NUMBERS.len()),
        proptest::collection::vec(maybe(duration()), DURATIONS.len()),
        proptest::collection::vec(maybe(number()), 5),
        proptest::collection::vec(maybe(status()), 2),
    )
        .prop_map(|(numbers, durations, small, accept)| {
            let mut y = String::from("links:\n");
            for (k, v) in NUMBERS.iter().zip(&numbers).chain(DURATIONS.iter().zip(&durations)) {
                if let Some(v) = v {
                    y.push_str(&format!("  {k}: {v}\n"));
                }
            }
            if let Some(a) = &accept[0] {
                y.push_str(&format!("  accept: [{a}]\n"));
            }
            y.push_str("  hosts:\n    a.test:\n      method: get\n");
            if let Some(c) = &small[0] {
                y.push_str(&format!("      concurrency: {c}\n"));
            }
            if let Some(a) = &accept[1] {
                y.push_str(&format!("      accept: [{a}]\n"));
            }
            y.push_str("stars:\n");
            for (k, v) in ["min", "max"].iter().zip(&small[1..3]) {
                if let Some(v) = v {
                    y.push_str(&format!("  {k}: {v}\n"));
                }
            }
            if let Some(v) = &small[3] {
                y.push_str(&format!("publish:\n  max_attempts: {v}\n"));
            }
            y
        })
}

/// The flags' values, in range (clap refuses the others) or not given.
fn run_options() -> impl Strategy<Value = ExternalOptions> {
    (proptest::option::of(1usize..=1024), proptest::option::of(1u64..=3600)).prop_map(|(n, t)| {
        ExternalOptions {
            max_concurrency: n,
            timeout: t.map(Duration::from_secs),
            ..ExternalOptions::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Whatever numbers a config holds, loading it either fails with a config
    /// error or gives settings the checker can be built and run on.
    #[test]
    fn extreme_numbers_never_panic(yaml in config_yaml(), run in run_options()) {
        let Ok(loaded) = daybook::settings::Settings::from_yaml(&yaml, Path::new("daybook.yml")) else { return Ok(()) };
        let (cfg, settings) = (loaded.config, loaded.links);
        let mut opts = daybook::links::check_options(
            &settings, &run, GithubApi::new(None, None, None).unwrap());
        // Names resolve to a private address, which the policy refuses after the
        // host's and the global slot are taken: the whole path, no packet sent.
        let private: std::net::IpAddr = "10.0.0.1".parse().unwrap();
        opts.lookup = Lookup::Static(
            [("a.test".to_string(), vec![private]), ("b.test".to_string(), vec![private])].into(),
        );
        let text = "# Links\n\n<http://a.test/x#frag> <http://b.test/y>\n";
        let file = daybook::SourceFile::new("LINKS.md", "LINKS.md", text.to_string());
        let ctx = daybook::note::parse::ParseContext::new(&cfg).unwrap();
        let note = daybook::note::parse::parse_note(file, &ctx);
        let (targets, _, _) = collect_targets(&[note], &settings);
        let dir = tempfile::tempdir().unwrap();
        let cache = CacheMode::File {
            path: dir.path().join("cache.json"), max_age: settings.cache_max_age };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt.block_on(check_targets(&targets, opts, &cache, &NoProgress)).unwrap();
        prop_assert!(r.outcomes.iter().all(|o| o.verdict == Verdict::Skipped), "{:?}", r.outcomes);
    }
}

/// Editors see the ranges: the JSON Schema carries them.
#[test]
fn the_schema_carries_the_numeric_ranges() {
    let schema = daybook::Config::json_schema(daybook::catalog::names());
    let links = &schema["$defs"]["LinksConfig"]["properties"];
    for (key, lo, hi) in [
        ("max_concurrency", 1, 1024),
        ("max_per_host", 1, 1024),
        ("max_redirects", 0, 100),
        ("retries", 0, 20),
        ("max_body_bytes", 0, 64 * 1024 * 1024),
    ] {
        assert_eq!(
            (links[key]["minimum"].as_u64(), links[key]["maximum"].as_u64()),
            (Some(lo), Some(hi)),
            "{key}"
        );
    }
    let host = &schema["$defs"]["HostConfig"]["properties"]["concurrency"];
    assert_eq!(host["maximum"].as_u64(), Some(1024));
}
