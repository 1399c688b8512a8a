//! The GitHub API, faked on 127.0.0.1 with wiremock and reached through
//! `GITHUB_API_URL`: every request daybook sends is asserted, in order.

use std::path::Path;

use daybook::diag::{Diagnostic, Severity};
use daybook::github::api::{Api, Repo};
use daybook::github::checks::{self, CheckRunOutcome, CheckRunSpec};
use daybook::github::commit::{self, ApiCommit};
use daybook::github::{Author, PublishOutcome};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// GitHub Enterprise Server serves the API under `/api/v3`; the tests do too,
/// so a client that dropped the base path would miss every mock.
const PREFIX: &str = "/api/v3";
const TOKEN: &str = "ghs_test_token";

fn repo() -> Repo {
    "me/notes".parse().unwrap()
}

fn api(server: &MockServer) -> Api {
    Api::new(&format!("{}{PREFIX}", server.uri()), TOKEN, repo()).unwrap()
}

pub(crate) fn p(rest: &str) -> String {
    format!("{PREFIX}/repos/me/notes{rest}")
}

/// (method, path, JSON body) of every request the server saw.
async fn requests(server: &MockServer) -> Vec<(String, String, Value)> {
    let reqs = server.received_requests().await.unwrap();
    for r in &reqs {
        let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(auth.as_deref(), Some(format!("Bearer {TOKEN}").as_str()), "{} {}", r.method, r.url);
    }
    reqs.iter()
        .map(|r: &Request| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                serde_json::from_slice(&r.body).unwrap_or(Value::Null),
            )
        })
        .collect()
}

fn diags(n: usize) -> Vec<Diagnostic> {
    (0..n)
        .map(|i| {
            let mut d = Diagnostic::file_level(
                "dead-link",
                if i % 2 == 0 { Severity::Error } else { Severity::Warning },
                &format!("notes/202401/{:04}.md", 100 + i),
                format!("finding {i}"),
            );
            d.start.line = i + 1;
            d.end.line = i + 1;
            d
        })
        .collect()
}

fn spec(head: &str) -> CheckRunSpec<'_> {
    CheckRunSpec {
        name: "daybook",
        head_sha: head,
        title: "60 errors, 60 warnings".into(),
        summary: "## daybook".into(),
        conclusion: "failure",
        details_url: None,
    }
}

#[tokio::test]
async fn check_run_carries_120_annotations_in_three_batches() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("/check-runs")))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"id": 42, "html_url": "https://github.com/me/notes/runs/42", "status": "in_progress"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/check-runs/42")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 42})))
        .expect(3)
        .mount(&server)
        .await;

    let ds = diags(120);
    assert!(checks::exceeds_runner_limit(&ds));
    let out = checks::create(&api(&server), &spec("headsha"), &ds).await.unwrap();
    assert_eq!(
        out,
        CheckRunOutcome::Created {
            id: 42,
            html_url: Some("https://github.com/me/notes/runs/42".into()),
            requests: 4
        }
    );

    let reqs = requests(&server).await;
    let shape: Vec<(&str, &str)> = reqs.iter().map(|(m, p, _)| (m.as_str(), p.as_str())).collect();
    let (create, update) = (p("/check-runs"), p("/check-runs/42"));
    assert_eq!(
        shape,
        vec![
            ("POST", create.as_str()),
            ("PATCH", update.as_str()),
            ("PATCH", update.as_str()),
            ("PATCH", update.as_str())
        ]
    );
    let created = &reqs[0].2;
    assert_eq!(created["name"], "daybook");
    assert_eq!(created["head_sha"], "headsha");
    assert_eq!(created["status"], "in_progress");
    assert_eq!(created["output"]["title"], "60 errors, 60 warnings");
    assert_eq!(created["output"]["annotations"], json!([]));

    let sizes: Vec<usize> =
        reqs[1..].iter().map(|(_, _, b)| b["output"]["annotations"].as_array().unwrap().len()).collect();
    assert_eq!(sizes, vec![50, 50, 20]);
    // Only the last update completes the run.
    assert_eq!(reqs[1].2.get("status"), None);
    assert_eq!(reqs[2].2.get("status"), None);
    assert_eq!(reqs[3].2["status"], "completed");
    assert_eq!(reqs[3].2["conclusion"], "failure");
    // Every finding is sent exactly once, in order, with its level and title.
    let sent: Vec<Value> = reqs[1..]
        .iter()
        .flat_map(|(_, _, b)| b["output"]["annotations"].as_array().unwrap().clone())
        .collect();
    assert_eq!(sent.len(), 120);
    for (i, a) in sent.iter().enumerate() {
        assert_eq!(a["path"], format!("notes/202401/{:04}.md", 100 + i));
        assert_eq!(a["start_line"], i + 1);
        assert_eq!(a["annotation_level"], if i % 2 == 0 { "failure" } else { "warning" });
        assert_eq!(a["title"], "dead-link");
        assert_eq!(a["message"], format!("finding {i}"));
        assert_eq!(
            reqs[1 + i / 50].2["output"]["title"],
            "60 errors, 60 warnings",
            "title and summary in every update"
        );
    }
}

#[tokio::test]
async fn check_run_403_is_an_outcome_not_a_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("/check-runs")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run"
        })))
        .mount(&server)
        .await;
    let out = checks::create(&api(&server), &spec("headsha"), &diags(30)).await.unwrap();
    assert_eq!(out, CheckRunOutcome::Forbidden { message: "Resource not accessible by integration".into() });
    // Nothing is sent after the refusal: no retries, no updates.
    assert_eq!(requests(&server).await.len(), 1);
}

/// A workspace with notes and a README, and a regenerate function whose output
/// lists the notes, so a README regenerated from other notes is recognisable.
fn workspace(notes: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in notes {
        let f = dir.path().join("notes").join(n);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, format!("# {n}\n")).unwrap();
    }
    std::fs::write(dir.path().join("README.md"), "# old readme\n").unwrap();
    dir
}

fn readme_of(root: &Path) -> miette::Result<String> {
    let mut names: Vec<String> = Vec::new();
    for month in std::fs::read_dir(root.join("notes")).unwrap() {
        for f in std::fs::read_dir(month.unwrap().path()).unwrap() {
            let f = f.unwrap().path();
            let text = std::fs::read_to_string(&f).unwrap();
            names.push(text.trim().trim_start_matches("# ").to_owned());
        }
    }
    names.sort();
    Ok(format!("# notes\n\n{}\n", names.iter().map(|n| format!("- {n}")).collect::<Vec<_>>().join("\n")))
}

fn author() -> Author {
    Author {
        name: "github-actions[bot]".into(),
        email: "41898282+github-actions[bot]@users.noreply.github.com".into(),
    }
}

fn job<'a>(api: &'a Api, ws: &'a Path, author: &'a Author) -> ApiCommit<'a> {
    ApiCommit {
        api,
        branch: "main",
        base_sha: "base0",
        workspace: ws,
        readme_path: "README.md",
        inputs: vec!["notes".into(), "README.md".into()],
        message: "docs: regenerate README from notes [skip ci]",
        author: Some(author),
        max_attempts: 3,
    }
}

/// Content-addressed fake blobs: the SHA names the content, so the assertions
/// can tell which README was sent.
fn blob_sha(content: &str) -> String {
    format!("blob-{}", content.len())
}

pub(crate) async fn mount_git_data(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(p("/git/blobs")))
        .respond_with(|r: &Request| {
            let b: Value = r.body_json().unwrap();
            ResponseTemplate::new(201).set_body_json(json!({"sha": blob_sha(b["content"].as_str().unwrap())}))
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(format!("^{}$", p("/git/commits/[a-z0-9]+"))))
        .respond_with(|r: &Request| {
            let sha = r.url.path().rsplit('/').next().unwrap().to_owned();
            ResponseTemplate::new(200)
                .set_body_json(json!({"sha": sha, "tree": {"sha": format!("tree-of-{sha}")}}))
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/git/trees")))
        .respond_with(|r: &Request| {
            let b: Value = r.body_json().unwrap();
            let sha =
                format!("{}+{}", b["base_tree"].as_str().unwrap(), b["tree"][0]["sha"].as_str().unwrap());
            ResponseTemplate::new(201).set_body_json(json!({"sha": sha}))
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/git/commits")))
        .respond_with(|r: &Request| {
            let b: Value = r.body_json().unwrap();
            ResponseTemplate::new(201)
                .set_body_json(json!({"sha": format!("commit-on-{}", b["parents"][0].as_str().unwrap())}))
        })
        .mount(server)
        .await;
}

/// Base64 broken into lines, as the Git Data API returns blobs.
fn wrapped_base64(text: &str) -> String {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::STANDARD.encode(text);
    b.as_bytes().chunks(8).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\n")
}

pub(crate) fn ref_at(sha: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"ref": "refs/heads/main", "object": {"sha": sha, "type": "commit"}}))
}

#[tokio::test]
async fn verified_commit_flow_blob_tree_commit_ref() {
    let server = MockServer::start().await;
    mount_git_data(&server).await;
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at("base0"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(ref_at("commit-on-base0"))
        .mount(&server)
        .await;

    let ws = workspace(&["202401/0108.md", "202401/0109.md"]);
    let api = api(&server);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Committed { sha: "commit-on-base0".into(), attempts: 1 });

    let expected_readme = readme_of(ws.path()).unwrap();
    let reqs = requests(&server).await;
    let shape: Vec<(&str, String)> = reqs.iter().map(|(m, p, _)| (m.as_str(), p.clone())).collect();
    assert_eq!(
        shape,
        vec![
            ("GET", p("/git/ref/heads/main")),
            ("POST", p("/git/blobs")),
            ("GET", p("/git/commits/base0")),
            ("POST", p("/git/trees")),
            ("POST", p("/git/commits")),
            ("PATCH", p("/git/refs/heads/main")),
        ]
    );
    assert_eq!(reqs[1].2, json!({"content": expected_readme, "encoding": "utf-8"}));
    // Only README.md, on top of the parent's tree.
    assert_eq!(
        reqs[3].2,
        json!({"base_tree": "tree-of-base0", "tree": [{"path": "README.md", "mode": "100644", "type": "blob", "sha": blob_sha(&expected_readme)}]})
    );
    assert_eq!(
        reqs[4].2,
        json!({
            "message": "docs: regenerate README from notes [skip ci]",
            "tree": format!("tree-of-base0+{}", blob_sha(&expected_readme)),
            "parents": ["base0"],
            "author": {"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com"}
        })
    );
    // Never forced.
    assert_eq!(reqs[5].2, json!({"sha": "commit-on-base0", "force": false}));
    // The workspace is left as it was.
    assert_eq!(std::fs::read_to_string(ws.path().join("README.md")).unwrap(), "# old readme\n");
}

#[tokio::test]
async fn ref_update_refused_as_a_race_is_retried_on_the_new_parent() {
    let server = MockServer::start().await;
    mount_git_data(&server).await;
    // The branch is at base0 when we look first, at moved1 afterwards.
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at("base0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at("moved1"))
        .mount(&server)
        .await;
    // The first update loses the race, the second lands.
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"message": "Update is not a fast forward"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(ref_at("commit-on-moved1"))
        .mount(&server)
        .await;
    // What moved: someone added a note.
    Mock::given(method("GET"))
        .and(path(p("/compare/base0...moved1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "ahead",
            "ahead_by": 1,
            "files": [
                {"filename": "notes/202401/0110.md", "status": "added", "sha": "newnoteblob"},
                {"filename": "docs/unrelated.md", "status": "added", "sha": "unrelatedblob"}
            ]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/git/blobs/newnoteblob")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sha": "newnoteblob",
            "encoding": "base64",
            // GitHub wraps base64 at 60 columns.
            "content": wrapped_base64("# 202401/0110.md\n")
        })))
        .mount(&server)
        .await;

    let ws = workspace(&["202401/0108.md", "202401/0109.md"]);
    let api = api(&server);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Committed { sha: "commit-on-moved1".into(), attempts: 2 });

    let reqs = requests(&server).await;
    let shape: Vec<(&str, String)> = reqs.iter().map(|(m, p, _)| (m.as_str(), p.clone())).collect();
    assert_eq!(
        shape,
        vec![
            ("GET", p("/git/ref/heads/main")),
            ("POST", p("/git/blobs")),
            ("GET", p("/git/commits/base0")),
            ("POST", p("/git/trees")),
            ("POST", p("/git/commits")),
            ("PATCH", p("/git/refs/heads/main")),
            // refused: where is the branch now, what changed, fetch the new note
            ("GET", p("/git/ref/heads/main")),
            ("GET", p("/compare/base0...moved1")),
            ("GET", p("/git/blobs/newnoteblob")),
            // rebuilt on the new parent from the regenerated README
            ("POST", p("/git/blobs")),
            ("GET", p("/git/commits/moved1")),
            ("POST", p("/git/trees")),
            ("POST", p("/git/commits")),
            ("PATCH", p("/git/refs/heads/main")),
        ]
    );
    let second_readme = reqs[9].2["content"].as_str().unwrap().to_owned();
    assert!(second_readme.contains("- 202401/0110.md"), "regenerated from the new notes: {second_readme}");
    assert!(!reqs[1].2["content"].as_str().unwrap().contains("0110"));
    assert_eq!(reqs[11].2["base_tree"], "tree-of-moved1");
    assert_eq!(reqs[12].2["parents"], json!(["moved1"]));
    assert_eq!(reqs[13].2, json!({"sha": "commit-on-moved1", "force": false}));
    // Files outside the inputs are not fetched; the workspace is untouched.
    assert!(!reqs.iter().any(|(_, p, _)| p.contains("unrelatedblob")));
    assert!(!ws.path().join("notes/202401/0110.md").exists());
}

#[tokio::test]
async fn a_branch_that_keeps_moving_is_given_up_without_forcing() {
    let server = MockServer::start().await;
    mount_git_data(&server).await;
    // Every look finds a new tip; every update is refused.
    let n = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ref_at(&if i == 0 { "base0".to_owned() } else { format!("moved{i}") })
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(format!("^{}$", p("/compare/.*"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ahead", "files": []})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"message": "Update is not a fast forward"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let ws = workspace(&["202401/0108.md"]);
    let api = api(&server);
    let a = author();
    let err = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap_err();
    assert!(err.to_string().contains("gave up after 3 attempts"), "{err}");
    let reqs = requests(&server).await;
    assert!(reqs.iter().filter(|(m, _, _)| m == "PATCH").all(|(_, _, b)| b["force"] == false));
}

#[tokio::test]
async fn a_read_only_token_commits_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at("base0"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("/git/blobs")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Resource not accessible by integration"})),
        )
        .mount(&server)
        .await;
    let ws = workspace(&["202401/0108.md"]);
    let api = api(&server);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::NotCommitted { reason: "Resource not accessible by integration".into() });
    let methods: Vec<String> =
        requests(&server).await.into_iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(
        methods,
        vec![format!("GET {}", p("/git/ref/heads/main")), format!("POST {}", p("/git/blobs"))]
    );
}

#[tokio::test]
async fn an_unchanged_readme_writes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at("base0"))
        .mount(&server)
        .await;
    let ws = workspace(&["202401/0108.md"]);
    std::fs::write(ws.path().join("README.md"), readme_of(ws.path()).unwrap()).unwrap();
    let api = api(&server);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Unchanged);
    assert_eq!(requests(&server).await.len(), 1, "only the ref was read");
}

/// The CLI end to end: `daybook publish --mode api` finds the API through
/// GITHUB_API_URL and commits the README the readme generator produced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_command_uses_github_api_url() {
    let server = MockServer::start().await;
    mount_git_data(&server).await;
    let remote = super::Remote::new();
    let head = super::git(&remote.work, &["rev-parse", "HEAD"]);
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at(&head))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(ref_at(&format!("commit-on-{head}")))
        .mount(&server)
        .await;

    let work = remote.work.clone();
    let api_url = format!("{}{PREFIX}", server.uri());
    let out = tokio::task::spawn_blocking(move || {
        let mut c = super::daybook();
        super::isolate_git(&mut c);
        c.current_dir(&work)
            .args(["publish", "--mode", "api", "--branch", "main"])
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_REPOSITORY", "me/notes")
            .env("GITHUB_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("commit-on-{head}"));

    let reqs = requests(&server).await;
    let blob = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == p("/git/blobs")).unwrap();
    let readme = blob.2["content"].as_str().unwrap();
    assert!(readme.contains("公众号内容拓展学习笔记（2024.1.9）"), "{readme}");
    assert!(readme.contains("更新今日时间：2024.1.9"), "{readme}");
    let commit = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == p("/git/commits")).unwrap();
    assert_eq!(commit.2["parents"], json!([head]));
    assert!(commit.2["message"].as_str().unwrap().contains("[skip ci]"));
}

/// A README.md that is a symlink: the API commit replaces its target's blob, and
/// the link itself stays a link (no `README.md` entry of mode 100644 in the tree).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlinked_readme_is_committed_as_its_target() {
    let server = MockServer::start().await;
    mount_git_data(&server).await;
    let remote = super::Remote::new();
    std::fs::create_dir_all(remote.work.join("docs")).unwrap();
    super::git(&remote.work, &["mv", "README.md", "docs/README.md"]);
    std::os::unix::fs::symlink("docs/README.md", remote.work.join("README.md")).unwrap();
    super::git(&remote.work, &["add", "README.md"]);
    super::git(&remote.work, &["commit", "-q", "-m", "README lives in docs/"]);
    let head = super::git(&remote.work, &["rev-parse", "HEAD"]);
    Mock::given(method("GET"))
        .and(path(p("/git/ref/heads/main")))
        .respond_with(ref_at(&head))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/git/refs/heads/main")))
        .respond_with(ref_at(&format!("commit-on-{head}")))
        .mount(&server)
        .await;

    let work = remote.work.clone();
    let api_url = format!("{}{PREFIX}", server.uri());
    let out = tokio::task::spawn_blocking(move || {
        let mut c = super::daybook();
        super::isolate_git(&mut c);
        c.current_dir(&work)
            .args(["publish", "--mode", "api", "--branch", "main"])
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_REPOSITORY", "me/notes")
            .env("GITHUB_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reqs = requests(&server).await;
    let tree = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == p("/git/trees")).unwrap();
    assert_eq!(tree.2["tree"].as_array().unwrap().len(), 1, "{}", tree.2);
    assert_eq!(tree.2["tree"][0]["path"], "docs/README.md", "{}", tree.2);
}
