//! The GitHub REST API of the repository `me/notes`, faked on 127.0.0.1 with
//! wiremock: the endpoints daybook's check runs and API commits use, with
//! canned answers. A test mounts the ones its story needs and asserts the
//! requests afterwards. The answers have the shape of GitHub's ([`bodies`]).

pub mod bodies;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// The commit a check run's update is answered as belonging to (the update
/// does not name it).
const HEAD: &str = "ce587453ced02b1526dfb4cb910479d431683101";

/// The refusal a fork's read-only `GITHUB_TOKEN` gets.
pub const READ_ONLY: &str = "Resource not accessible by integration";

/// The 403 body GitHub answers a read-only token with; `doc` is the
/// endpoint's page under docs.github.com/rest (`git/blobs#create-a-blob`).
pub fn read_only(doc: &str) -> Value {
    json!({"message": READ_ONLY, "documentation_url": format!("https://docs.github.com/rest/{doc}"), "status": "403"})
}

pub struct FakeGithub {
    server: MockServer,
    prefix: &'static str,
}

/// Mocks mount on the server itself: `fake.read_branch("sha").mount(&fake)`.
impl std::ops::Deref for FakeGithub {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}

impl FakeGithub {
    /// GitHub Enterprise Server's layout, the API under `/api/v3`: a client
    /// that dropped the base path would miss every mock.
    pub async fn enterprise() -> FakeGithub {
        FakeGithub { server: MockServer::start().await, prefix: "/api/v3" }
    }

    /// github.com's layout, the API at the root of its host.
    pub async fn dotcom() -> FakeGithub {
        FakeGithub { server: MockServer::start().await, prefix: "" }
    }

    /// The API's base URL, as `GITHUB_API_URL` gives it.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.server.uri(), self.prefix)
    }

    /// The server path of a repository endpoint: `p("/check-runs")`.
    pub fn p(&self, rest: &str) -> String {
        format!("{}/repos/me/notes{rest}", self.prefix)
    }

    /// `verb` on a repository endpoint, to be answered and mounted.
    pub fn on(&self, verb: &str, rest: &str) -> MockBuilder {
        Mock::given(method(verb)).and(path(self.p(rest)))
    }

    /// `verb` on a repository endpoint answered with `status` and a JSON body, to be mounted.
    pub fn json(&self, verb: &str, rest: &str, status: u16, body: Value) -> Mock {
        self.on(verb, rest).respond_with(ResponseTemplate::new(status).set_body_json(body))
    }

    /// Reading `main` finds it at `sha`.
    pub fn read_branch(&self, sha: &str) -> Mock {
        self.on("GET", "/git/ref/heads/main").respond_with(ref_at(&self.api_url(), sha))
    }

    /// Moving `main` to a new commit succeeds; it is then at `sha`.
    pub fn update_branch(&self, sha: &str) -> Mock {
        self.on("PATCH", "/git/refs/heads/main").respond_with(ref_at(&self.api_url(), sha))
    }

    /// Moving `main` is refused: someone else moved it first.
    pub fn refuse_branch_update(&self) -> Mock {
        self.on("PATCH", "/git/refs/heads/main").respond_with(ResponseTemplate::new(422).set_body_json(
            json!({
                "message": "Update is not a fast forward",
                "documentation_url": "https://docs.github.com/rest/git/refs#update-a-reference",
                "status": "422"
            }),
        ))
    }

    /// Creating a check run succeeds, as run `id` (of the name, commit and
    /// status it was sent).
    pub fn create_check_run(&self, id: u64) -> Mock {
        let api = self.api_url();
        self.on("POST", "/check-runs").respond_with(move |r: &Request| {
            let b: Value = r.body_json().unwrap();
            let (name, sha) = (b["name"].as_str().unwrap(), b["head_sha"].as_str().unwrap());
            let status = b["status"].as_str().unwrap_or("queued");
            ResponseTemplate::new(201).set_body_json(bodies::check_run(&api, id, name, sha, status, None))
        })
    }

    /// Updating check run `id` succeeds: it has the status and conclusion sent.
    pub fn update_check_run(&self, id: u64) -> Mock {
        let api = self.api_url();
        self.on("PATCH", &format!("/check-runs/{id}")).respond_with(move |r: &Request| {
            let b: Value = r.body_json().unwrap();
            let status = b["status"].as_str().unwrap_or("in_progress");
            let run = bodies::check_run(&api, id, "daybook", HEAD, status, b["conclusion"].as_str());
            ResponseTemplate::new(200).set_body_json(run)
        })
    }

    /// Posting a review on pull request 7 succeeds, as review `id` with the body sent.
    pub fn create_review(&self, id: u64) -> Mock {
        let api = self.api_url();
        self.on("POST", "/pulls/7/reviews").respond_with(move |r: &Request| {
            let b: Value = r.body_json().unwrap();
            let review = bodies::review(&api, id, b["body"].as_str().unwrap(), "COMMENTED");
            ResponseTemplate::new(200).set_body_json(review)
        })
    }

    /// Rewriting review `id` of pull request 7 succeeds.
    pub fn update_review(&self, id: u64) -> Mock {
        let api = self.api_url();
        self.on("PUT", &format!("/pulls/7/reviews/{id}")).respond_with(move |r: &Request| {
            let b: Value = r.body_json().unwrap();
            let review = bodies::review(&api, id, b["body"].as_str().unwrap(), "COMMENTED");
            ResponseTemplate::new(200).set_body_json(review)
        })
    }

    /// Commenting on pull request 7 succeeds, as comment `id` where it was asked for.
    pub fn create_review_comment(&self, id: u64) -> Mock {
        let api = self.api_url();
        self.on("POST", "/pulls/7/comments").respond_with(move |r: &Request| {
            let b: Value = r.body_json().unwrap();
            let (path, body) = (b["path"].as_str().unwrap(), b["body"].as_str().unwrap());
            let line = b["line"].as_u64().unwrap();
            let comment = bodies::review_comment(&api, id, path, b["start_line"].as_u64(), line, body);
            ResponseTemplate::new(201).set_body_json(comment)
        })
    }

    /// Creating a check run is refused, as for a fork's read-only token.
    pub fn refuse_check_run(&self) -> Mock {
        self.on("POST", "/check-runs").respond_with(
            ResponseTemplate::new(403).set_body_json(read_only("checks/runs#create-a-check-run")),
        )
    }

    /// The Git Data API (blobs, commits, trees), answering from what it is
    /// sent, so the assertions can tell which content went where: a blob is
    /// named by [`blob_sha`] of its content, a tree `{base_tree}+{blob}`, a
    /// commit `commit-on-{parent}`, and commit `X` has the tree `tree-of-X`.
    pub async fn mount_git_data(&self) {
        let api = self.api_url();
        let root = api.clone();
        Mock::given(method("POST"))
            .and(path(self.p("/git/blobs")))
            .respond_with(move |r: &Request| {
                let b: Value = r.body_json().unwrap();
                let sha = blob_sha(b["content"].as_str().unwrap());
                ResponseTemplate::new(201).set_body_json(bodies::created_blob(&root, &sha))
            })
            .mount(&self.server)
            .await;
        let root = api.clone();
        Mock::given(method("GET"))
            .and(path_regex(format!("^{}$", self.p("/git/commits/[a-z0-9]+"))))
            .respond_with(move |r: &Request| {
                let sha = r.url.path().rsplit('/').next().unwrap().to_owned();
                let tree = format!("tree-of-{sha}");
                let commit = bodies::git_commit(&root, &sha, &tree, &["parent0"], "notes", None);
                ResponseTemplate::new(200).set_body_json(commit)
            })
            .mount(&self.server)
            .await;
        let root = api.clone();
        Mock::given(method("POST"))
            .and(path(self.p("/git/trees")))
            .respond_with(move |r: &Request| {
                let b: Value = r.body_json().unwrap();
                let sha =
                    format!("{}+{}", b["base_tree"].as_str().unwrap(), b["tree"][0]["sha"].as_str().unwrap());
                let entries = b["tree"].as_array().unwrap();
                ResponseTemplate::new(201).set_body_json(bodies::tree(&root, &sha, entries))
            })
            .mount(&self.server)
            .await;
        let root = api;
        Mock::given(method("POST"))
            .and(path(self.p("/git/commits")))
            .respond_with(move |r: &Request| {
                let b: Value = r.body_json().unwrap();
                let parent = b["parents"][0].as_str().unwrap();
                let (tree, message) = (b["tree"].as_str().unwrap(), b["message"].as_str().unwrap());
                let sha = format!("commit-on-{parent}");
                let commit = bodies::git_commit(&root, &sha, tree, &[parent], message, b.get("author"));
                ResponseTemplate::new(201).set_body_json(commit)
            })
            .mount(&self.server)
            .await;
    }

    /// A commit on `main` at `sha` goes through unopposed: the Git Data API,
    /// `main` read at `sha`, and exactly one update of it to `commit-on-{sha}`.
    pub async fn commit_lands_on(&self, sha: &str) {
        self.mount_git_data().await;
        self.read_branch(sha).mount(&self.server).await;
        self.update_branch(&format!("commit-on-{sha}")).expect(1).mount(&self.server).await;
    }

    /// (method, path, JSON body) of every request the server saw, each of
    /// which must have carried `token`.
    pub async fn requests(&self, token: &str) -> Vec<(String, String, Value)> {
        let reqs = self.server.received_requests().await.unwrap();
        for r in &reqs {
            let auth = r.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(auth.as_deref(), Some(format!("Bearer {token}").as_str()), "{} {}", r.method, r.url);
        }
        reqs.iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.url.path().to_owned(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}

/// The answer to reading or moving `main`: it is at `sha` (`api`: the fake's API root).
pub fn ref_at(api: &str, sha: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(bodies::git_ref(api, "main", sha))
}

/// The fake blob SHA of `content`.
pub fn blob_sha(content: &str) -> String {
    format!("blob-{}", content.len())
}
