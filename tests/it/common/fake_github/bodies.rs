//! Response bodies shaped like GitHub's (REST API 2022-11-28, following the
//! examples in its documentation): every field the documented schema
//! requires, so that octocrab's models read them as they read the real API.
//! `api` is the fake's API root, which the bodies' `url` fields point into.

use serde_json::{Value, json};

/// The owner of `me/notes`, as GitHub writes a user (`simple-user`).
pub fn user(api: &str, login: &str, id: u64) -> Value {
    let u = format!("{api}/users/{login}");
    json!({
        "login": login,
        "id": id,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": u,
        "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{u}/followers"),
        "following_url": format!("{u}/following{{/other_user}}"),
        "gists_url": format!("{u}/gists{{/gist_id}}"),
        "starred_url": format!("{u}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{u}/subscriptions"),
        "organizations_url": format!("{u}/orgs"),
        "repos_url": format!("{u}/repos"),
        "events_url": format!("{u}/events{{/privacy}}"),
        "received_events_url": format!("{u}/received_events"),
        "type": "User",
        "site_admin": false
    })
}

/// A check run (`POST /check-runs`, `PATCH /check-runs/{id}`).
pub fn check_run(
    api: &str,
    id: u64,
    name: &str,
    head_sha: &str,
    status: &str,
    conclusion: Option<&str>,
) -> Value {
    let url = format!("{api}/repos/me/notes/check-runs/{id}");
    let completed = status == "completed";
    json!({
        "id": id,
        "head_sha": head_sha,
        "node_id": "MDg6Q2hlY2tSdW40",
        "external_id": "",
        "url": url,
        "html_url": format!("https://github.com/me/notes/runs/{id}"),
        "details_url": "https://github.com/me/notes/actions/runs/4242",
        "status": status,
        "conclusion": conclusion,
        "started_at": "2024-01-07T10:00:00Z",
        "completed_at": if completed { json!("2024-01-07T10:00:05Z") } else { Value::Null },
        "output": {
            "title": "daybook",
            "summary": "## daybook",
            "text": null,
            "annotations_count": 0,
            "annotations_url": format!("{url}/annotations")
        },
        "name": name,
        "check_suite": {"id": 5},
        "app": {
            "id": 15368,
            "slug": "github-actions",
            "node_id": "MDM6QXBwMTUzNjg=",
            "name": "GitHub Actions",
            "owner": user(api, "github", 9919),
            "description": "Automate your workflow from idea to production",
            "external_url": "https://help.github.com/en/actions",
            "html_url": "https://github.com/apps/github-actions",
            "created_at": "2018-07-30T09:30:17Z",
            "updated_at": "2019-12-10T19:04:12Z",
            "permissions": {"checks": "write", "contents": "write"},
            "events": []
        },
        "pull_requests": []
    })
}

/// A branch's ref (`GET /git/ref/heads/{branch}`, `PATCH /git/refs/heads/{branch}`).
pub fn git_ref(api: &str, branch: &str, sha: &str) -> Value {
    json!({
        "ref": format!("refs/heads/{branch}"),
        "node_id": "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
        "url": format!("{api}/repos/me/notes/git/refs/heads/{branch}"),
        "object": {
            "type": "commit",
            "sha": sha,
            "url": format!("{api}/repos/me/notes/git/commits/{sha}")
        }
    })
}

/// A created blob (`POST /git/blobs`).
pub fn created_blob(api: &str, sha: &str) -> Value {
    json!({"url": format!("{api}/repos/me/notes/git/blobs/{sha}"), "sha": sha})
}

/// A blob (`GET /git/blobs/{sha}`): `content` is base64, as GitHub sends it.
pub fn blob(api: &str, sha: &str, size: usize, content: &str) -> Value {
    json!({
        "content": content,
        "encoding": "base64",
        "url": format!("{api}/repos/me/notes/git/blobs/{sha}"),
        "sha": sha,
        "size": size,
        "node_id": "Q29udGVudCBvZiBibG9i"
    })
}

/// A commit of the Git database (`GET /git/commits/{sha}`, `POST /git/commits`).
/// `author` is `{name, email}` as sent, or `None` for the token's own.
pub fn git_commit(
    api: &str,
    sha: &str,
    tree: &str,
    parents: &[&str],
    message: &str,
    author: Option<&Value>,
) -> Value {
    let repo = format!("{api}/repos/me/notes");
    let person = |who: Option<&Value>| {
        let who = who.cloned().unwrap_or_else(|| {
            json!({"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com"})
        });
        json!({"date": "2024-01-07T10:00:00Z", "name": who["name"], "email": who["email"]})
    };
    json!({
        "sha": sha,
        "node_id": "MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==",
        "url": format!("{repo}/git/commits/{sha}"),
        "html_url": format!("https://github.com/me/notes/commit/{sha}"),
        "author": person(author),
        "committer": person(None),
        "message": message,
        "tree": {"url": format!("{repo}/git/trees/{tree}"), "sha": tree},
        "parents": parents.iter().map(|p| json!({
            "url": format!("{repo}/git/commits/{p}"),
            "sha": p,
            "html_url": format!("https://github.com/me/notes/commit/{p}")
        })).collect::<Vec<_>>(),
        "verification": {"verified": true, "reason": "valid", "signature": null, "payload": null, "verified_at": null}
    })
}

/// A created tree (`POST /git/trees`) listing the entries sent.
pub fn tree(api: &str, sha: &str, entries: &[Value]) -> Value {
    let repo = format!("{api}/repos/me/notes");
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "path": e["path"],
                "mode": e["mode"],
                "type": e["type"],
                "size": 30,
                "sha": e["sha"],
                "url": format!("{repo}/git/blobs/{}", e["sha"].as_str().unwrap_or_default())
            })
        })
        .collect();
    json!({"sha": sha, "url": format!("{repo}/git/trees/{sha}"), "tree": entries, "truncated": false})
}

/// A commit of the commits API, as a comparison lists it.
pub fn commit(api: &str, sha: &str, parent: &str) -> Value {
    let repo = format!("{api}/repos/me/notes");
    let who = json!({"name": "Me", "email": "me@example.org", "date": "2024-01-07T09:00:00Z"});
    json!({
        "url": format!("{repo}/commits/{sha}"),
        "sha": sha,
        "node_id": "MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==",
        "html_url": format!("https://github.com/me/notes/commit/{sha}"),
        "comments_url": format!("{repo}/commits/{sha}/comments"),
        "commit": {
            "url": format!("{repo}/git/commits/{sha}"),
            "author": who,
            "committer": who,
            "message": "notes",
            "tree": {"url": format!("{repo}/git/trees/tree-of-{sha}"), "sha": format!("tree-of-{sha}")},
            "comment_count": 0,
            "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}
        },
        "author": user(api, "me", 1),
        "committer": user(api, "me", 1),
        "parents": [{
            "url": format!("{repo}/commits/{parent}"),
            "sha": parent,
            "html_url": format!("https://github.com/me/notes/commit/{parent}")
        }]
    })
}

/// A changed file (`diff-entry`), of a comparison or a pull request.
/// `sha` is its blob (GitHub sends null when only its mode changed).
pub fn diff_entry(api: &str, filename: &str, status: &str, sha: Option<&str>, patch: Option<&str>) -> Value {
    let lines = |c: char| patch.map_or(0, |p| p.lines().filter(|l| l.starts_with(c)).count());
    let (additions, deletions) = (lines('+'), lines('-'));
    let at = sha.unwrap_or("0000000000000000000000000000000000000000");
    let mut e = json!({
        "sha": sha,
        "filename": filename,
        "status": status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": format!("https://github.com/me/notes/blob/{at}/{filename}"),
        "raw_url": format!("https://github.com/me/notes/raw/{at}/{filename}"),
        "contents_url": format!("{api}/repos/me/notes/contents/{filename}?ref={at}")
    });
    if let Some(p) = patch {
        e["patch"] = json!(p);
    }
    e
}

/// A comparison (`GET /compare/{base}...{head}`): `head` is `ahead_by` commits past `base`.
pub fn comparison(
    api: &str,
    base: &str,
    head: &str,
    status: &str,
    ahead_by: usize,
    files: Vec<Value>,
) -> Value {
    let repo = format!("{api}/repos/me/notes");
    let commits: Vec<Value> = (0..ahead_by)
        .map(|i| {
            let sha =
                if i + 1 == ahead_by { head.to_owned() } else { format!("{head}~{}", ahead_by - 1 - i) };
            commit(api, &sha, base)
        })
        .collect();
    json!({
        "url": format!("{repo}/compare/{base}...{head}"),
        "html_url": format!("https://github.com/me/notes/compare/{base}...{head}"),
        "permalink_url": format!("https://github.com/me/notes/compare/me:{base}...me:{head}"),
        "diff_url": format!("https://github.com/me/notes/compare/{base}...{head}.diff"),
        "patch_url": format!("https://github.com/me/notes/compare/{base}...{head}.patch"),
        "base_commit": commit(api, base, "parent0"),
        "merge_base_commit": commit(api, base, "parent0"),
        "status": status,
        "ahead_by": ahead_by,
        "behind_by": 0,
        "total_commits": ahead_by,
        "commits": commits,
        "files": files
    })
}

/// A pull request review of pull request 7 (`GET`/`POST /pulls/7/reviews`,
/// `PUT /pulls/7/reviews/{id}`).
pub fn review(api: &str, id: u64, body: &str, state: &str) -> Value {
    let pr = format!("{api}/repos/me/notes/pulls/7");
    let html = format!("https://github.com/me/notes/pull/7#pullrequestreview-{id}");
    json!({
        "id": id,
        "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
        "user": user(api, "github-actions[bot]", 41898282),
        "body": body,
        "state": state,
        "html_url": html,
        "pull_request_url": pr,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr}},
        "submitted_at": "2024-01-07T10:00:00Z",
        "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
        "author_association": "CONTRIBUTOR"
    })
}

/// A review comment on pull request 7 on lines `start_line..=line` of the
/// head (`GET`/`POST /pulls/7/comments`); `start_line` is null for one line.
pub fn review_comment(
    api: &str,
    id: u64,
    path: &str,
    start_line: Option<u64>,
    line: u64,
    body: &str,
) -> Value {
    let repo = format!("{api}/repos/me/notes");
    let url = format!("{repo}/pulls/comments/{id}");
    let html = format!("https://github.com/me/notes/pull/7#discussion_r{id}");
    let pr = format!("{repo}/pulls/7");
    let head = "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091";
    json!({
        "url": url,
        "pull_request_review_id": 42,
        "id": id,
        "node_id": "MDI0OlB1bGxSZXF1ZXN0UmV2aWV3Q29tbWVudDEw",
        "diff_hunk": "@@ -0,0 +1,14 @@\n+# title",
        "path": path,
        "position": line,
        "original_position": line,
        "commit_id": head,
        "original_commit_id": head,
        "in_reply_to_id": null,
        "user": user(api, "github-actions[bot]", 41898282),
        "body": body,
        "created_at": "2024-01-07T10:00:00Z",
        "updated_at": "2024-01-07T10:00:00Z",
        "html_url": html,
        "pull_request_url": pr,
        "author_association": "CONTRIBUTOR",
        "_links": {"self": {"href": url}, "html": {"href": html}, "pull_request": {"href": pr}},
        "start_line": start_line,
        "original_start_line": start_line,
        "start_side": start_line.map(|_| "RIGHT"),
        "line": line,
        "original_line": line,
        "side": "RIGHT",
        "subject_type": "line"
    })
}
