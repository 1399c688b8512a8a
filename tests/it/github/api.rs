//! The GitHub API, faked on 127.0.0.1 with wiremock (in GitHub Enterprise
//! Server's layout) and reached through `GITHUB_API_URL`: every request
//! daybook sends is asserted, in order.

use std::path::Path;
use std::process::Output;

use daybook::diag::{Diagnostic, Severity};
use daybook::github::api::Api;
use daybook::github::checks::{self, CheckRunConclusion, CheckRunOutcome, CheckRunSpec};
use daybook::github::commit::{self, ApiCommit};
use daybook::github::{Author, PublishOutcome};
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, Request, ResponseTemplate};

use super::{Remote, git, isolate_git};
use crate::common::daybook;
use crate::common::fake_github::{FakeGithub, READ_ONLY, blob_sha, bodies, read_only, ref_at};

const TOKEN: &str = "ghs_test_token";

fn api(fake: &FakeGithub) -> Api {
    Api::new(&fake.api_url(), TOKEN, "me/notes".parse().unwrap()).unwrap()
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
        conclusion: CheckRunConclusion::Failure,
        details_url: None,
    }
}

#[tokio::test]
async fn check_run_carries_120_annotations_in_three_batches() {
    let fake = FakeGithub::enterprise().await;
    fake.create_check_run(42).expect(1).mount(&fake).await;
    fake.update_check_run(42).expect(3).mount(&fake).await;

    let ds = diags(120);
    assert!(checks::exceeds_runner_limit(&ds));
    let out = checks::create(&api(&fake), &spec("headsha"), &ds).await.unwrap();
    assert_eq!(
        out,
        CheckRunOutcome::Created {
            id: 42,
            html_url: Some("https://github.com/me/notes/runs/42".into()),
            requests: 4
        }
    );

    let reqs = fake.requests(TOKEN).await;
    let shape: Vec<(&str, &str)> = reqs.iter().map(|(m, p, _)| (m.as_str(), p.as_str())).collect();
    let (create, update) = (fake.p("/check-runs"), fake.p("/check-runs/42"));
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
    // No annotations on the create: octocrab leaves the empty list out,
    // which the API reads as none, like an empty list.
    assert_eq!(created["output"].get("annotations"), None, "{created}");

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
    let fake = FakeGithub::enterprise().await;
    fake.refuse_check_run().mount(&fake).await;
    let out = checks::create(&api(&fake), &spec("headsha"), &diags(30)).await.unwrap();
    assert_eq!(out, CheckRunOutcome::Forbidden { message: READ_ONLY.into() });
    // Nothing is sent after the refusal: no retries, no updates.
    assert_eq!(fake.requests(TOKEN).await.len(), 1);
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

/// Base64 broken into lines, as the Git Data API returns blobs.
fn wrapped_base64(text: &str) -> String {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::STANDARD.encode(text);
    b.as_bytes().chunks(8).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn verified_commit_flow_blob_tree_commit_ref() {
    let fake = FakeGithub::enterprise().await;
    fake.commit_lands_on("base0").await;
    let p = |rest: &str| fake.p(rest);

    let ws = workspace(&["202401/0108.md", "202401/0109.md"]);
    let api = api(&fake);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Committed { sha: "commit-on-base0".into(), attempts: 1 });

    let expected_readme = readme_of(ws.path()).unwrap();
    let reqs = fake.requests(TOKEN).await;
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
    let fake = FakeGithub::enterprise().await;
    fake.mount_git_data().await;
    // The branch is at base0 when we look first, at moved1 afterwards.
    fake.read_branch("base0").up_to_n_times(1).with_priority(1).mount(&fake).await;
    fake.read_branch("moved1").mount(&fake).await;
    // The first update loses the race, the second lands.
    fake.refuse_branch_update().up_to_n_times(1).with_priority(1).mount(&fake).await;
    fake.update_branch("commit-on-moved1").mount(&fake).await;
    // What moved: someone added a note.
    let root = fake.api_url();
    let added = |name: &str, sha: &str| {
        let patch = format!("@@ -0,0 +1 @@\n+# {name}");
        bodies::diff_entry(&root, name, "added", Some(sha), Some(&patch))
    };
    let files =
        vec![added("notes/202401/0110.md", "newnoteblob"), added("docs/unrelated.md", "unrelatedblob")];
    fake.on("GET", "/compare/base0...moved1")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(bodies::comparison(&root, "base0", "moved1", "ahead", 1, files)),
        )
        .mount(&fake)
        .await;
    fake.on("GET", "/git/blobs/newnoteblob")
        // GitHub wraps base64 at 60 columns.
        .respond_with(ResponseTemplate::new(200).set_body_json(bodies::blob(
            &fake.api_url(),
            "newnoteblob",
            17,
            &wrapped_base64("# 202401/0110.md\n"),
        )))
        .mount(&fake)
        .await;
    let p = |rest: &str| fake.p(rest);

    let ws = workspace(&["202401/0108.md", "202401/0109.md"]);
    let api = api(&fake);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Committed { sha: "commit-on-moved1".into(), attempts: 2 });

    let reqs = fake.requests(TOKEN).await;
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
    let fake = FakeGithub::enterprise().await;
    fake.mount_git_data().await;
    // Every look finds a new tip; every update is refused.
    let n = std::sync::atomic::AtomicUsize::new(0);
    let root = fake.api_url();
    fake.on("GET", "/git/ref/heads/main")
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ref_at(&root, &if i == 0 { "base0".to_owned() } else { format!("moved{i}") })
        })
        .mount(&fake)
        .await;
    let root = fake.api_url();
    Mock::given(method("GET"))
        .and(path_regex(format!("^{}$", fake.p("/compare/.*"))))
        .respond_with(move |r: &Request| {
            let basehead = r.url.path().rsplit('/').next().unwrap();
            let (base, head) = basehead.split_once("...").unwrap();
            ResponseTemplate::new(200).set_body_json(bodies::comparison(
                &root,
                base,
                head,
                "ahead",
                1,
                vec![],
            ))
        })
        .mount(&fake)
        .await;
    fake.refuse_branch_update().expect(3).mount(&fake).await;
    let ws = workspace(&["202401/0108.md"]);
    let api = api(&fake);
    let a = author();
    let err = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap_err();
    assert!(err.to_string().contains("gave up after 3 attempts"), "{err}");
    let reqs = fake.requests(TOKEN).await;
    assert!(reqs.iter().filter(|(m, _, _)| m == "PATCH").all(|(_, _, b)| b["force"] == false));
}

#[tokio::test]
async fn a_read_only_token_commits_nothing() {
    let fake = FakeGithub::enterprise().await;
    fake.read_branch("base0").mount(&fake).await;
    fake.on("POST", "/git/blobs")
        .respond_with(ResponseTemplate::new(403).set_body_json(read_only("git/blobs#create-a-blob")))
        .mount(&fake)
        .await;
    let ws = workspace(&["202401/0108.md"]);
    let api = api(&fake);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::NotCommitted { reason: READ_ONLY.into() });
    let methods: Vec<String> =
        fake.requests(TOKEN).await.into_iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(
        methods,
        vec![format!("GET {}", fake.p("/git/ref/heads/main")), format!("POST {}", fake.p("/git/blobs"))]
    );
}

#[tokio::test]
async fn an_unchanged_readme_writes_nothing() {
    let fake = FakeGithub::enterprise().await;
    fake.read_branch("base0").mount(&fake).await;
    let ws = workspace(&["202401/0108.md"]);
    std::fs::write(ws.path().join("README.md"), readme_of(ws.path()).unwrap()).unwrap();
    let api = api(&fake);
    let a = author();
    let out = commit::publish(&job(&api, ws.path(), &a), &mut readme_of).await.unwrap();
    assert_eq!(out, PublishOutcome::Unchanged);
    assert_eq!(fake.requests(TOKEN).await.len(), 1, "only the ref was read");
}

/// `daybook publish --mode api --branch main` in `work`, finding the API
/// through `GITHUB_API_URL`; run off the async runtime, which must keep
/// serving the fake API meanwhile.
async fn publish_through_the_api(fake: &FakeGithub, work: &Path) -> Output {
    let (work, api_url) = (work.to_path_buf(), fake.api_url());
    tokio::task::spawn_blocking(move || {
        let mut c = daybook();
        isolate_git(&mut c);
        c.current_dir(&work)
            .args(["publish", "--mode", "api", "--branch", "main"])
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_REPOSITORY", "me/notes")
            .env("GITHUB_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The CLI end to end: `daybook publish --mode api` finds the API through
/// GITHUB_API_URL and commits the README the readme generator produced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_command_uses_github_api_url() {
    let fake = FakeGithub::enterprise().await;
    let remote = Remote::new();
    let head = git(&remote.work, &["rev-parse", "HEAD"]);
    fake.commit_lands_on(&head).await;

    let out = publish_through_the_api(&fake, &remote.work).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("commit-on-{head}"));

    let reqs = fake.requests(TOKEN).await;
    let blob = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == fake.p("/git/blobs")).unwrap();
    let readme = blob.2["content"].as_str().unwrap();
    assert!(readme.contains("公众号内容拓展学习笔记（2024.1.9）"), "{readme}");
    assert!(readme.contains("更新今日时间：2024.1.9"), "{readme}");
    let commit = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == fake.p("/git/commits")).unwrap();
    assert_eq!(commit.2["parents"], json!([head]));
    assert!(commit.2["message"].as_str().unwrap().contains("[skip ci]"));
}

/// A README.md that is a symlink: the API commit replaces its target's blob, and
/// the link itself stays a link (no `README.md` entry of mode 100644 in the tree).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlinked_readme_is_committed_as_its_target() {
    let fake = FakeGithub::enterprise().await;
    let remote = Remote::new();
    std::fs::create_dir_all(remote.work.join("docs")).unwrap();
    git(&remote.work, &["mv", "README.md", "docs/README.md"]);
    std::os::unix::fs::symlink("docs/README.md", remote.work.join("README.md")).unwrap();
    git(&remote.work, &["add", "README.md"]);
    git(&remote.work, &["commit", "-q", "-m", "README lives in docs/"]);
    let head = git(&remote.work, &["rev-parse", "HEAD"]);
    fake.commit_lands_on(&head).await;

    let out = publish_through_the_api(&fake, &remote.work).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reqs = fake.requests(TOKEN).await;
    let tree = reqs.iter().find(|(m, p_, _)| m == "POST" && *p_ == fake.p("/git/trees")).unwrap();
    assert_eq!(tree.2["tree"].as_array().unwrap().len(), 1, "{}", tree.2);
    assert_eq!(tree.2["tree"][0]["path"], "docs/README.md", "{}", tree.2);
}
