//! End to end, through the `daybook lint` binary.

use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::requests;
use crate::common::daybook;

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
