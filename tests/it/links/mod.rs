//! External link checker against in-process servers on 127.0.0.1 (wiremock).
//! Nothing here touches the internet: names other than 127.0.0.1 go through a
//! static resolver table. Shared here: settings that keep the suite fast, and
//! running the checker on a note that cites a list of URLs.

mod cache;
mod concurrency;
mod e2e;
mod github;
mod http;
mod scale;
mod scheduling;

use std::net::IpAddr;

use daybook::SourceFile;
use daybook::links::net::Lookup;
use daybook::links::{
    CacheMode, CheckOptions, GithubApi, LinkRun, LinkSettings, LinksConfig, NoProgress, Outcome, Target,
    check_targets, collect_targets,
};
use wiremock::MockServer;

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

fn static_lookup(names: &[&str]) -> Lookup {
    let lo: IpAddr = "127.0.0.1".parse().unwrap();
    Lookup::Static(names.iter().map(|n| (n.to_string(), vec![lo])).collect())
}

/// Read the next request head from `sock` into `buf` and drop it from there
/// (HEAD/GET carry no body), for the hand-made servers that count requests in
/// flight; `false` when the client closed the connection.
async fn next_request_head(sock: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> bool {
    use tokio::io::AsyncReadExt;
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    buf.drain(..end);
    true
}
