//! The review with suggested fixes: posted once, then updated in place (the
//! fake API on 127.0.0.1 asserting every request), and a 403 as an outcome.
//!
//! The pull request is real (git, base and head commits); the finding is
//! the one `daybook lint` reports for its typo, and its fix is the edit that
//! replaces the typo's span.

use std::sync::Arc;

use daybook::diag::{Diagnostic, Position, Severity, SourceFile, Sources};
use daybook::github::api::Api;
use daybook::github::diff;
use daybook::github::review::{self, COMMENT_MARKER, Fixable, MARKER, ReviewOutcome, Suggestion};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::note;
use super::pull_request::{NEW, Pr, pull_request};
use crate::common::fake_github::{FakeGithub, READ_ONLY, bodies, read_only};

const TOKEN: &str = "ghs_token";
const CREATE_REVIEW: &str = "pulls/reviews#create-a-review-for-a-pull-request";
const DELETE_COMMENT: &str = "pulls/comments#delete-a-review-comment-for-a-pull-request";

/// A new note whose `Code` field is labelled `GtiHub`, on line 9.
fn typo_note() -> String {
    note(2024, 1, 10, "新笔记").replace(
        "   - Abstract: 关于新笔记的笔记\n",
        "   - Abstract: 关于新笔记的笔记\n   - GtiHub: [c](https://example.org/c)\n",
    )
}

const LINE: usize = 9;

/// The pull request's suggestions: its real diff, and a fix of the typo's span.
fn suggestions(pr: &Pr) -> Vec<Suggestion> {
    let changes = diff::from_git(&pr.remote.work, &pr.base, &pr.head).unwrap();
    let text = std::fs::read_to_string(pr.remote.work.join(NEW)).unwrap();
    let file = SourceFile::new(NEW, pr.remote.work.join(NEW), text.clone());
    let at = text.find("GtiHub").unwrap();
    let d: Diagnostic = file.diag("unknown-field", Severity::Error, at..at + 6, "`GtiHub` is not a field");
    assert_eq!(d.start, Position { line: LINE, column: 6 });
    // An old note's finding with a fix is no suggestion: the PR did not touch it.
    let old = Diagnostic::file_level("title", Severity::Error, "notes/202401/0109.md", "elsewhere");
    let sources: Sources = [(NEW.to_owned(), Arc::clone(&file))].into_iter().collect();
    let fixables = [
        Fixable { diag: &d, edits: vec![(at..at + 6, "GitHub".to_owned())] },
        Fixable { diag: &old, edits: vec![(0..1, "#".to_owned())] },
    ];
    review::suggestions(&fixables, &sources, &changes)
}

fn api(fake: &FakeGithub) -> Api {
    Api::new(&fake.api_url(), TOKEN, "me/notes".parse().unwrap()).unwrap()
}

/// (method, path?query, body) of every request, each with the token.
async fn requests(fake: &FakeGithub) -> Vec<(String, String, Value)> {
    let bodies = fake.requests(TOKEN).await;
    let reqs = fake.received_requests().await.unwrap();
    reqs.iter()
        .zip(bodies)
        .map(|(r, (m, p, b))| {
            (m, format!("{p}{}", r.url.query().map(|q| format!("?{q}")).unwrap_or_default()), b)
        })
        .collect()
}

fn verbs(reqs: &[(String, String, Value)]) -> Vec<(&str, &str)> {
    reqs.iter().map(|(m, p, _)| (m.as_str(), p.as_str())).collect()
}

#[tokio::test]
async fn one_review_is_posted_then_updated_in_place() {
    let pr = pull_request(2, NEW, &typo_note());
    let wanted = suggestions(&pr);
    assert_eq!(wanted.len(), 1, "{wanted:#?}");
    let fake = FakeGithub::dotcom().await;
    let root = fake.api_url();
    let lgtm = bodies::review(&root, 1, "LGTM", "APPROVED");
    fake.json("GET", "/pulls/7/reviews", 200, json!([lgtm])).mount(&fake).await;
    fake.create_review(99).mount(&fake).await;
    let outcome = review::publish(&api(&fake), 7, &pr.head, &wanted).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Posted { id: 99, comments: 1 });
    let reqs = requests(&fake).await;
    assert_eq!(
        verbs(&reqs),
        [
            ("GET", "/repos/me/notes/pulls/7/reviews?per_page=100&page=1"),
            ("POST", "/repos/me/notes/pulls/7/reviews")
        ]
    );
    let posted = &reqs[1].2;
    assert_eq!(posted["commit_id"], pr.head.as_str());
    assert_eq!(posted["event"], "COMMENT");
    assert!(posted["body"].as_str().unwrap().starts_with(MARKER), "{posted}");
    let comments = posted["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1, "{posted}");
    let c = &comments[0];
    assert_eq!(
        (c["path"].as_str(), c["line"].as_u64(), c["side"].as_str()),
        (Some(NEW), Some(LINE as u64), Some("RIGHT"))
    );
    assert!(c.get("start_line").is_none(), "one line: {c}");
    let body = c["body"].as_str().unwrap().to_owned();
    assert!(body.starts_with(COMMENT_MARKER), "{body}");
    assert!(body.contains("\n```suggestion\n   - GitHub: [c](https://example.org/c)\n```\n"), "{body}");

    // The next run finds its review by the marker: the body is rewritten in
    // place, the suggestion still wanted is kept, an obsolete one of daybook's
    // withdrawn, a reviewer's comment left alone, nothing posted.
    fake.reset().await;
    fake.json(
        "GET",
        "/pulls/7/reviews",
        200,
        json!([lgtm, bodies::review(&root, 99, posted["body"].as_str().unwrap(), "COMMENTED")]),
    )
    .mount(&fake)
    .await;
    fake.update_review(99).mount(&fake).await;
    let obsolete = format!("{COMMENT_MARKER}\nold\n```suggestion\nx\n```\n");
    fake.json(
        "GET",
        "/pulls/7/comments",
        200,
        json!([
            bodies::review_comment(&root, 5, NEW, None, LINE as u64, &body),
            bodies::review_comment(&root, 6, NEW, None, 3, &obsolete),
            bodies::review_comment(&root, 7, NEW, None, 4, "a reviewer's own comment")
        ]),
    )
    .mount(&fake)
    .await;
    fake.on("DELETE", "/pulls/comments/6").respond_with(ResponseTemplate::new(204)).mount(&fake).await;
    let outcome = review::publish(&api(&fake), 7, &pr.head, &wanted).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Updated { id: 99, kept: 1, deleted: 1, added: 0 });
    let reqs = requests(&fake).await;
    assert_eq!(
        verbs(&reqs),
        [
            ("GET", "/repos/me/notes/pulls/7/reviews?per_page=100&page=1"),
            ("PUT", "/repos/me/notes/pulls/7/reviews/99"),
            ("GET", "/repos/me/notes/pulls/7/comments?per_page=100&page=1"),
            ("DELETE", "/repos/me/notes/pulls/comments/6"),
        ]
    );
    assert_eq!(reqs[1].2, json!({"body": review::review_body(&wanted, &pr.head)}));

    // A new suggestion on a later run: posted as a single comment on the head.
    fake.reset().await;
    let ours = bodies::review(&root, 99, posted["body"].as_str().unwrap(), "COMMENTED");
    fake.json("GET", "/pulls/7/reviews", 200, json!([ours])).mount(&fake).await;
    fake.update_review(99).mount(&fake).await;
    fake.json("GET", "/pulls/7/comments", 200, json!([])).mount(&fake).await;
    fake.create_review_comment(8).expect(1).mount(&fake).await;
    let outcome = review::publish(&api(&fake), 7, &pr.head, &wanted).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Updated { id: 99, kept: 0, deleted: 0, added: 1 });
    let single = &requests(&fake).await[3].2;
    assert_eq!(single["commit_id"], pr.head.as_str());
    assert_eq!((single["path"].as_str(), single["line"].as_u64()), (Some(NEW), Some(LINE as u64)));
    assert_eq!(single["body"], body.as_str());
}

#[tokio::test]
async fn nothing_to_suggest_and_no_review_sends_nothing_but_the_listing_and_403_is_an_outcome() {
    let fake = FakeGithub::dotcom().await;
    fake.json("GET", "/pulls/7/reviews", 200, json!([])).mount(&fake).await;
    fake.json("POST", "/pulls/7/reviews", 403, read_only(CREATE_REVIEW)).mount(&fake).await;
    let outcome = review::publish(&api(&fake), 7, "feedface", &[]).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Nothing);
    assert_eq!(fake.requests(TOKEN).await.len(), 1);
    let one = Suggestion {
        path: NEW.into(),
        start_line: 2,
        end_line: 3,
        replacement: "a\nb".into(),
        rule: "r".into(),
        message: "m".into(),
    };
    let outcome = review::publish(&api(&fake), 7, "feedface", &[one]).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Forbidden { message: READ_ONLY.into() });
    let reqs = requests(&fake).await;
    let c = &reqs.last().unwrap().2["comments"][0];
    assert_eq!(
        (c["start_line"].as_u64(), c["line"].as_u64(), c["start_side"].as_str()),
        (Some(2), Some(3), Some("RIGHT"))
    );
}

/// A comment GitHub refuses to delete is not counted as deleted: the run
/// stops there with the refusal, as for any other 403 (which is why the
/// delete is a raw call: octocrab's drops the answer's status).
#[tokio::test]
async fn a_refused_deletion_is_an_outcome_not_a_deleted_comment() {
    let fake = FakeGithub::dotcom().await;
    let root = fake.api_url();
    let one = Suggestion {
        path: NEW.into(),
        start_line: 3,
        end_line: 3,
        replacement: "a".into(),
        rule: "r".into(),
        message: "m".into(),
    };
    let ours = bodies::review(&root, 99, &review::review_body(&[], "feedface"), "COMMENTED");
    fake.json("GET", "/pulls/7/reviews", 200, json!([ours])).mount(&fake).await;
    fake.update_review(99).mount(&fake).await;
    let obsolete = format!("{COMMENT_MARKER}\nold\n```suggestion\nx\n```\n");
    let listed = json!([bodies::review_comment(&root, 6, NEW, None, 4, &obsolete)]);
    fake.json("GET", "/pulls/7/comments", 200, listed).mount(&fake).await;
    fake.json("DELETE", "/pulls/comments/6", 403, read_only(DELETE_COMMENT)).expect(1).mount(&fake).await;
    let outcome = review::publish(&api(&fake), 7, "feedface", &[one]).await.unwrap();
    assert_eq!(outcome, ReviewOutcome::Forbidden { message: READ_ONLY.into() });
    let reqs = requests(&fake).await;
    assert_eq!(
        verbs(&reqs).last(),
        Some(&("DELETE", "/repos/me/notes/pulls/comments/6")),
        "nothing after it"
    );
}
